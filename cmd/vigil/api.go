package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// defaultAPI is vigild's default api.listen.
const defaultAPI = "http://127.0.0.1:5080"

// apiTimeout bounds one HTTP request.
const apiTimeout = 30 * time.Second

// maxResponse bounds a response body read from the API.
const maxResponse = 32 << 20

// apiClient talks to one vigild.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

func addAPIFlag(f *flagSet) *string {
	return f.String("api", defaultAPI, "base `URL` of the vigild API")
}

func newAPIClient(f *flagSet, raw string) (*apiClient, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, f.usagef("--api %q is not an http:// or https:// URL", raw)
	}
	return &apiClient{base: strings.TrimRight(raw, "/"), http: &http.Client{Timeout: apiTimeout}}, nil
}

// apiError is an error answer of the API: {"error": reason, "message": text}.
type apiError struct {
	Status  int
	Reason  string `json:"error"`
	Message string `json:"message"`
}

func (e *apiError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("HTTP %d: %s", e.Status, e.Message)
	}
	return fmt.Sprintf("rejected (HTTP %d): %s: %s", e.Status, e.Reason, e.Message)
}

// do sends a request and returns the body of a 2xx answer; any other
// status is an *apiError.
func (c *apiClient) do(method, path string, query url.Values, body []byte) (int, []byte, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return 0, nil, fmt.Errorf("cannot reach %s (%v): is vigild running there? (set --api)", c.base, op.Err)
		}
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			return 0, nil, fmt.Errorf("%s %s: no answer within %s", method, path, c.http.Timeout)
		}
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: reading the response: %w", method, c.base+path, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if !json.Valid(raw) {
			return resp.StatusCode, nil, fmt.Errorf("%s %s: the answer is not JSON (is --api a vigild?): %s", method, c.base+path, snippet(raw))
		}
		return resp.StatusCode, raw, nil
	}
	ae := &apiError{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, ae); err != nil || ae.Reason == "" {
		ae.Reason, ae.Message = "", snippet(raw)
		if ae.Message == "" {
			ae.Message = http.StatusText(resp.StatusCode)
		}
	}
	return resp.StatusCode, nil, ae
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// cmdSubmit PUTs a balance-proof message.
func cmdSubmit(args []string, stdout, stderr io.Writer) error {
	f := newFlags("submit", `PUTs a monitoring request (a sign-request output) to a vigild and prints its
answer: the accepted request, with the monitor's address and receipt
signature when it signs receipts (check it with verify-receipt). A rejection
prints its reason and message on stderr and exits with status 1.`)
	api := addAPIFlag(f)
	file := f.String("file", "", "the balance-proof message JSON `FILE` (required)")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("file"); err != nil {
		return err
	}
	c, err := newAPIClient(f, *api)
	if err != nil {
		return err
	}
	body, err := readInput(*file)
	if err != nil {
		return err
	}
	status, raw, err := c.do(http.MethodPut, "/api/1/balance_proofs", nil, body)
	if err != nil {
		return err
	}
	if status == http.StatusOK {
		fmt.Fprintln(stderr, "already stored: this exact request was accepted before")
	}
	return printRawJSON(stdout, raw)
}

// cmdProofs lists stored balance proofs.
func cmdProofs(args []string, stdout, stderr io.Writer) error {
	f := newFlags("proofs", `Lists the monitoring requests a vigild stores, optionally for one channel
and/or one participant (closing or non-closing). Prints one page with its
"next" cursor, or with --all every page, following "next".`)
	api := addAPIFlag(f)
	channelS := f.String("channel", "", "only the channel at `ADDR`")
	participantS := f.String("participant", "", "only requests where `ADDR` is a participant")
	limitS := f.String("limit", "", "page size `N` (the server caps it)")
	after := f.String("after", "", "start after this `CURSOR` (a previous page's next)")
	all := f.Bool("all", false, "follow next and print every page as one list")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	c, err := newAPIClient(f, *api)
	if err != nil {
		return err
	}
	q := url.Values{}
	if *channelS != "" {
		a, err := f.address("channel", *channelS)
		if err != nil {
			return err
		}
		q.Set("channel", a.Hex())
	}
	if *participantS != "" {
		a, err := f.address("participant", *participantS)
		if err != nil {
			return err
		}
		q.Set("participant", a.Hex())
	}
	if err := setLimit(f, q, *limitS); err != nil {
		return err
	}
	if *after != "" {
		q.Set("after", *after)
	}
	if !*all {
		_, raw, err := c.do(http.MethodGet, "/api/1/balance_proofs", q, nil)
		if err != nil {
			return err
		}
		return printRawJSON(stdout, raw)
	}
	return printAll(c, "/api/1/balance_proofs", q, "balance_proofs", byAfter, stdout)
}

// cmdUpdates lists updateTransfer records.
func cmdUpdates(args []string, stdout, stderr io.Writer) error {
	f := newFlags("updates", `Lists a vigild's updateTransfer records (what it did, or decided not to
do, for closed channels), for every channel or one. Prints one page with its
next_after_id, or with --all every page.`)
	api := addAPIFlag(f)
	channelS := f.String("channel", "", "only the channel at `ADDR`")
	outcome := f.String("outcome", "", "only these outcomes, comma-separated `LIST` (pending, mined, reverted, skipped, unprofitable, missed, dropped)")
	limitS := f.String("limit", "", "page size `N` (the server caps it)")
	afterS := f.String("after-id", "", "start after record `ID` (a previous page's next_after_id)")
	all := f.Bool("all", false, "follow next_after_id and print every page as one list")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	c, err := newAPIClient(f, *api)
	if err != nil {
		return err
	}
	path := "/api/1/channel_update"
	if *channelS != "" {
		a, err := f.address("channel", *channelS)
		if err != nil {
			return err
		}
		path += "/" + a.Hex()
	}
	q := url.Values{}
	if *outcome != "" {
		q.Set("outcome", *outcome)
	}
	if err := setLimit(f, q, *limitS); err != nil {
		return err
	}
	if *afterS != "" {
		id, err := f.uint("after-id", *afterS)
		if err != nil {
			return err
		}
		q.Set("after_id", strconv.FormatUint(id, 10))
	}
	if !*all {
		_, raw, err := c.do(http.MethodGet, path, q, nil)
		if err != nil {
			return err
		}
		return printRawJSON(stdout, raw)
	}
	return printAll(c, path, q, "channel_updates", byID, stdout)
}

func setLimit(f *flagSet, q url.Values, v string) error {
	if v == "" {
		return nil
	}
	n, err := f.uint("limit", v)
	if err != nil {
		return err
	}
	if n == 0 {
		return f.usagef("--limit must be at least 1")
	}
	q.Set("limit", strconv.FormatUint(n, 10))
	return nil
}

// cmdStats prints the monitor's statistics document.
func cmdStats(args []string, stdout, stderr io.Writer) error {
	f := newFlags("stats", `Prints a vigild's statistics (GET /api/1/stats): requests received,
accepted and rejected by reason, updates sent and won, rewards and gas, and
the Ethereum cursor.`)
	api := addAPIFlag(f)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	c, err := newAPIClient(f, *api)
	if err != nil {
		return err
	}
	_, raw, err := c.do(http.MethodGet, "/api/1/stats", nil, nil)
	if err != nil {
		return err
	}
	return printRawJSON(stdout, raw)
}

// cmdDeleteProofs deletes a channel's stored requests (admin).
func cmdDeleteProofs(args []string, stdout, stderr io.Writer) error {
	f := newFlags("delete-proofs", `Deletes every monitoring request a vigild stores for a channel (operator
only: authenticates with the admin token file, by default admin.token in
vigild's data directory). Prints the number deleted.`)
	api := addAPIFlag(f)
	tokenFile := f.String("token-file", "", "admin token `FILE` (required)")
	channelS := f.String("channel", "", "`ADDR` of the channel (required)")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("token-file", "channel"); err != nil {
		return err
	}
	channel, err := f.address("channel", *channelS)
	if err != nil {
		return err
	}
	c, err := newAPIClient(f, *api)
	if err != nil {
		return err
	}
	token, err := readSecret(*tokenFile, "--token-file")
	if err != nil {
		return err
	}
	if c.token = strings.TrimSpace(token); c.token == "" {
		return fmt.Errorf("token file %s is empty", *tokenFile)
	}
	_, raw, err := c.do(http.MethodDelete, "/api/1/balance_proofs/"+channel.Hex(), nil, nil)
	if err != nil {
		return err
	}
	return printRawJSON(stdout, raw)
}
