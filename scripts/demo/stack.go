package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// narrator prints the story: every line carries the seconds since the demo
// started.
type narrator struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func (n *narrator) line(prefix, format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	el := time.Since(n.start).Seconds()
	for i, l := range strings.Split(strings.TrimRight(fmt.Sprintf(format, args...), "\n"), "\n") {
		if i > 0 {
			prefix = strings.Repeat(" ", len(prefix))
		}
		fmt.Fprintf(n.w, "[%5.1fs] %s%s\n", el, prefix, l)
	}
}

// section starts a part of the mission.
func (n *narrator) section(format string, args ...any) {
	n.mu.Lock()
	fmt.Fprintln(n.w)
	n.mu.Unlock()
	n.line("## ", format, args...)
}

// raw prints text as it is (a JSON document).
func (n *narrator) raw(text string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	fmt.Fprintln(n.w, strings.TrimRight(text, "\n"))
}

// step announces one action.
func (n *narrator) step(format string, args ...any) { n.line("-> ", format, args...) }

// say tells a detail: a result, a hash, a decision and why.
func (n *narrator) say(format string, args ...any) { n.line("   ", format, args...) }

// errGaveUp marks a bounded wait that ran out.
var errGaveUp = errors.New("gave up")

// poll calls cond every interval until it reports done, ctx ends or
// timeout passes; the error then says what was awaited and the last state.
func poll(ctx context.Context, timeout, interval time.Duration, what string, cond func() (done bool, state string, err error)) error {
	deadline := time.Now().Add(timeout)
	var state string
	for {
		done, s, err := cond()
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if done {
			return nil
		}
		if s != "" {
			state = s
		}
		if time.Now().After(deadline) {
			if state != "" {
				return fmt.Errorf("%w after %s waiting for %s (last seen: %s)", errGaveUp, timeout, what, state)
			}
			return fmt.Errorf("%w after %s waiting for %s", errGaveUp, timeout, what)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, context.Cause(ctx))
		case <-time.After(interval):
		}
	}
}

// httpClient is for every call the demo makes itself; each has a short
// timeout and no retries.
var httpClient = &http.Client{Timeout: 5 * time.Second}

// getJSON GETs url into out.
func getJSON(ctx context.Context, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("GET %s: HTTP %s: %.300s", url, resp.Status, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// postJSON POSTs in as JSON and decodes a 2xx answer into out.
func postJSON(ctx context.Context, url string, in, out any, header http.Header) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &httpError{status: resp.StatusCode, body: string(b)}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

type httpError struct {
	status int
	body   string
}

func (e *httpError) Error() string { return fmt.Sprintf("HTTP %d: %.300s", e.status, e.body) }

// rpcCall makes one JSON-RPC call (Ethereum 2.0 or Bitcoin 1.0 style) with
// a plain HTTP client: no retries, so a node that is down fails at once.
func rpcCall(ctx context.Context, url, user, pass, method string, params []any, out any) error {
	if params == nil {
		params = []any{}
	}
	var h http.Header
	if user != "" {
		req, _ := http.NewRequest(http.MethodPost, url, nil)
		req.SetBasicAuth(user, pass)
		h = http.Header{"Authorization": req.Header["Authorization"]}
	}
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	err := postJSON(ctx, url, map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, &r, h)
	var he *httpError
	if errors.As(err, &he) && json.Unmarshal([]byte(he.body), &r) == nil && r.Error != nil {
		err = nil // bitcoind-style: an RPC error with an HTTP error status
	}
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	if r.Error != nil {
		return fmt.Errorf("%s: rpc error %d: %s", method, r.Error.Code, r.Error.Message)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Result, out)
}

// shellQuote renders args as a copy-pasteable shell command line.
func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+", r))
		}) < 0 {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
