package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// cmdSubmitAppointment PUTs a Lightning appointment and verifies the
// receipt.
func cmdSubmitAppointment(args []string, stdout, stderr io.Writer) error {
	f := newFlags("submit-appointment", `PUTs a Lightning watchtower appointment (an ln appointment output) to a
vigild with the watchtower enabled (PUT /api/1/appointments) and prints its
receipt with "verified": true when the receipt's kind and locator are the
appointment's and its signature over user_signature || u32be(start_block)
recovers to its monitor_pubkey, false with a "problem" otherwise.

The file is checked first as a monitor checks it (fields, encoding, and that
user_signature is user_pubkey's over the appointment); a bad one is refused
with the reason and nothing is sent. A rejection by the monitor prints its
reason and message on stderr. Exit status 1 on a rejection, and when the
receipt does not verify (the appointment was then accepted, but the monitor
gave no valid proof of it).`)
	api := addAPIFlag(f)
	file := f.String("file", "", "the appointment JSON `FILE` (required)")
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
	a, err := checkAppointment(body)
	if err != nil {
		return fmt.Errorf("%s is not a valid appointment: %s; nothing was sent", *file, rejection(err))
	}
	for _, w := range appointmentWarnings(a) {
		fmt.Fprintln(stderr, "warning: "+w)
	}
	_, raw, err := c.do(http.MethodPut, "/api/1/appointments", nil, body)
	if err != nil {
		return err
	}
	var out struct {
		tower.AppointmentReceipt
		Verified bool   `json:"verified"`
		Problem  string `json:"problem,omitempty"`
	}
	if err := json.Unmarshal(raw, &out.AppointmentReceipt); err != nil {
		return fmt.Errorf("unexpected answer from %s: %v", c.base, err)
	}
	var problem string
	if out.Signature == "" {
		problem = "the monitor accepted the appointment but signed no receipt"
	} else if _, err := checkAppointmentReceipt(raw, a); err != nil {
		problem = err.Error()
	}
	out.Verified, out.Problem = problem == "", problem
	if err := printJSON(stdout, out); err != nil {
		return err
	}
	if problem != "" {
		return fmt.Errorf("the appointment was accepted (locator %x) but the receipt does not verify: %s", a.Locator, problem)
	}
	return nil
}

// cmdAppointments lists stored appointments.
func cmdAppointments(args []string, stdout, stderr io.Writer) error {
	f := newFlags("appointments", `Lists the Lightning appointments a vigild's watchtower stores (GET
/api/1/appointments), optionally for one locator, given as such or as the
commitment txid it is made from. Entries carry the appointment's fields
without the blob and signature (with --blobs, with them) and when and where
the monitor received it. Prints one page with its "next" cursor, or with
--all every page, following "next".`)
	api := addAPIFlag(f)
	locatorS := f.String("locator", "", "only the appointments for this locator (32 `HEX` characters)")
	txidS := f.String("commitment-txid", "", "only the appointments for the commitment `TXID` (display hex; instead of --locator)")
	blobs := f.Bool("blobs", false, "include encrypted_blob and user_signature")
	limitS := f.String("limit", "", "page size `N` (the server caps it)")
	after := f.String("after", "", "start after this `CURSOR` (a previous page's next)")
	all := f.Bool("all", false, "follow next and print every page as one list")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	q := url.Values{}
	switch {
	case *locatorS != "" && *txidS != "":
		return f.usagef("--locator and --commitment-txid exclude each other")
	case *locatorS != "":
		b, err := hex.DecodeString(*locatorS)
		if err != nil || len(b) != lncrypto.LocatorSize || has0x(*locatorS) {
			return f.usagef("--locator must be exactly 32 hex characters (16 bytes, no 0x), got %q", *locatorS)
		}
		q.Set("locator", strings.ToLower(*locatorS))
	case *txidS != "":
		h, err := f.txidFlag("commitment-txid", *txidS)
		if err != nil {
			return err
		}
		l := lncrypto.Locator(h)
		q.Set("locator", hex.EncodeToString(l[:]))
	}
	if *blobs {
		q.Set("blobs", "1")
	}
	if err := setLimit(f, q, *limitS); err != nil {
		return err
	}
	if *after != "" {
		q.Set("after", *after)
	}
	c, err := newAPIClient(f, *api)
	if err != nil {
		return err
	}
	const path = "/api/1/appointments"
	if !*all {
		_, raw, err := c.do(http.MethodGet, path, q, nil)
		if err != nil {
			return err
		}
		return printRawJSON(stdout, raw)
	}
	return printAll(c, path, q, "appointments", byAfter, stdout)
}

// cmdJustice lists the watchtower's justice records.
func cmdJustice(args []string, stdout, stderr io.Writer) error {
	f := newFlags("justice", `Lists a vigild watchtower's justice records (GET /api/1/justice): for each
breach it saw, the justice transaction it broadcast (txid in display hex,
fee, bounty, block once confirmed) or why it could not make one. Prints one
page with its next_after_id, or with --all every page.`)
	api := addAPIFlag(f)
	outcome := f.String("outcome", "", "only these outcomes, comma-separated `LIST` (broadcast, confirmed, replaced, failed, lost)")
	limitS := f.String("limit", "", "page size `N` (the server caps it)")
	afterS := f.String("after-id", "", "start after record `ID` (a previous page's next_after_id)")
	all := f.Bool("all", false, "follow next_after_id and print every page as one list")
	if err := f.parse(args, stdout); err != nil {
		return err
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
	c, err := newAPIClient(f, *api)
	if err != nil {
		return err
	}
	const path = "/api/1/justice"
	if !*all {
		_, raw, err := c.do(http.MethodGet, path, q, nil)
		if err != nil {
			return err
		}
		return printRawJSON(stdout, raw)
	}
	return printAll(c, path, q, "justice", byID, stdout)
}
