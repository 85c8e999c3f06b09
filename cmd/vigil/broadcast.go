package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/matrix-org/gomatrix"

	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// defaultBroadcastTimeout bounds a whole broadcast: login, join, post and
// the wait for receipts.
const defaultBroadcastTimeout = 60 * time.Second

// maxSyncWait caps one /sync long-poll while waiting for receipts.
const maxSyncWait = 10 * time.Second

// roomFlags are the flags every broadcast command shares.
type roomFlags struct {
	f           *flagSet
	homeserver  *string
	user        *string
	passwordF   *string
	tokenF      *string
	room        *string
	file        *string
	plain       *bool
	waitS       *string
	timeout     *time.Duration
	trustList   stringList
	trustFile   *string
	plainType   string // "balance_proof"
	eventType   string // matrixbus.TypeBalanceProof
	waitReceipt uint64
	// trusted holds the normalized --trust and --trust-file entries;
	// isTrusted (set by the command) says whether a verified receipt's
	// monitor key is one of them.
	trusted   map[string]bool
	isTrusted func(key string) bool
	// ethRPC, set by the commands that can read a monitor registry, is
	// its --eth-rpc flag; registered (set with it) judges a verified
	// receipt's monitor by the registry: counted when registered and
	// active, else why not.
	ethRPC     *string
	registered func(ctx context.Context, key string, content []byte) (ok bool, why string)
	// registry names, for messages, the registry registered judges by.
	registry string
	// trustNorm normalizes one trust entry of this command's kind.
	trustNorm func(string) (string, error)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

func addRoomFlags(f *flagSet, fileDoc, trustDoc string, trustNorm func(string) (string, error), plainType, eventType string) *roomFlags {
	r := &roomFlags{f: f, plainType: plainType, eventType: eventType, trustNorm: trustNorm}
	r.homeserver = f.String("homeserver", "", "client API base `URL` of your Matrix homeserver (required)")
	r.user = f.String("user", "", "your Matrix user `ID`, e.g. @alice:example.org (required with --password-file)")
	r.passwordF = f.String("password-file", "", "`FILE` holding your Matrix password (this or --access-token-file)")
	r.tokenF = f.String("access-token-file", "", "`FILE` holding a Matrix access token (this or --password-file)")
	r.room = f.String("room", "", "`ALIAS` of the monitors' room, e.g. #vigil-monitoring:example.org (required; never created)")
	r.file = f.String("file", "", fileDoc)
	r.plain = f.Bool("plain", false, "post an m.room.message (msgtype m.text) whose body is the JSON object with \"type\":\""+plainType+"\"")
	r.waitS = f.String("wait-receipts", "", "after posting, wait for verified receipts from `N` distinct counted monitors (default 0: do not wait; which count is said above)")
	f.Var(&r.trustList, "trust", trustDoc+"; repeatable")
	r.trustFile = f.String("trust-file", "", "`FILE` of trusted monitors, one per line as for --trust; blank lines and text after # are ignored")
	r.timeout = f.Duration("timeout", defaultBroadcastTimeout, "give up after `D` (the whole command: login, post and the wait for receipts)")
	return r
}

// check validates the shared flags (no I/O but reading no files).
func (r *roomFlags) check() error {
	f := r.f
	if err := f.need("homeserver", "room", "file"); err != nil {
		return err
	}
	switch {
	case *r.passwordF == "" && *r.tokenF == "":
		return f.usagef("missing required flag --password-file or --access-token-file")
	case *r.passwordF != "" && *r.tokenF != "":
		return f.usagef("--password-file and --access-token-file exclude each other")
	case *r.passwordF != "" && *r.user == "":
		return f.usagef("missing required flag --user (logging in with --password-file)")
	}
	u, err := url.Parse(*r.homeserver)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return f.usagef("--homeserver %q is not an http:// or https:// URL", *r.homeserver)
	}
	if a := *r.room; !strings.HasPrefix(a, "#") || !strings.Contains(a, ":") || len(a) < 4 {
		return f.usagef("--room %q is not a room alias like #vigil-monitoring:example.org", a)
	}
	if *r.waitS != "" {
		if r.waitReceipt, err = f.uint("wait-receipts", *r.waitS); err != nil {
			return err
		}
	}
	for _, v := range r.trustList {
		if _, err := r.trustNorm(v); err != nil {
			return f.usagef("--trust %q is not a monitor to trust: %v", v, err)
		}
	}
	if r.waitReceipt > 0 && len(r.trustList) == 0 && *r.trustFile == "" && (r.ethRPC == nil || *r.ethRPC == "") {
		also := ""
		if r.ethRPC != nil {
			also = ", or count the monitors registered in the channel's monitor registry with --eth-rpc"
		}
		return f.usagef("--wait-receipts counts only receipts from monitors you trust: name them with --trust or --trust-file%s "+
			"(anyone can sign a valid receipt with a fresh key, so an unknown monitor's receipt proves nothing)", also)
	}
	if *r.timeout <= 0 {
		return f.usagef("--timeout must be positive")
	}
	return nil
}

// loadTrust reads --trust and --trust-file, normalizing each entry with
// trustNorm, and sets r.trusted. An entry it refuses is an error naming it.
func (r *roomFlags) loadTrust() error {
	r.trusted = map[string]bool{}
	add := func(where, v string) error {
		k, err := r.trustNorm(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not a monitor to trust: %v", where, v, err)
		}
		r.trusted[k] = true
		return nil
	}
	for _, v := range r.trustList {
		if err := add("--trust", v); err != nil {
			return &usageError{cmd: r.f.name, msg: err.Error()}
		}
	}
	if *r.trustFile != "" {
		data, err := os.ReadFile(*r.trustFile)
		if err != nil {
			return fmt.Errorf("--trust-file: %w", err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			line, _, _ = strings.Cut(line, "#")
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			if err := add(fmt.Sprintf("%s line %d", *r.trustFile, i+1), line); err != nil {
				return err
			}
		}
		if len(r.trusted) == 0 && len(r.trustList) == 0 && r.registered == nil {
			return fmt.Errorf("--trust-file %s names no monitor", *r.trustFile)
		}
	}
	return nil
}

// readRequest reads --file and checks it is one JSON object; it returns
// the object compacted.
func (r *roomFlags) readRequest() ([]byte, error) {
	data, err := readInput(*r.file)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, bytes.TrimSpace(data)); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("{")) {
		return nil, fmt.Errorf("%s is not a JSON object; nothing was posted", *r.file)
	}
	return buf.Bytes(), nil
}

// posted is what a broadcast prints first.
type posted struct {
	EventID string `json:"event_id"`
	RoomID  string `json:"room_id"`
}

// receiptCheck judges one receipt for the posted event. It returns the
// distinct-monitor key to count it under ("" to not count it), and the
// verdict (nil: not judged); problem says why a receipt did not verify.
type receiptCheck func(content []byte) (key string, verified *bool, problem string)

// broadcast logs in, joins, posts content and, when asked, waits for
// receipts. It prints the posted event and then each receipt, one JSON
// line each.
func (r *roomFlags) broadcast(content []byte, stdout, stderr io.Writer, check receiptCheck) error {
	ctx, cancel := context.WithTimeout(context.Background(), *r.timeout)
	defer cancel()
	timedOut := func(what string, err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("timed out after %s %s (raise --timeout?): %v", *r.timeout, what, matrixError(err))
		}
		return matrixError(err)
	}

	cfg := matrixbus.SessionConfig{HomeserverURL: *r.homeserver, UserID: *r.user}
	if *r.passwordF != "" {
		pw, err := readSecret(*r.passwordF, "--password-file")
		if err != nil {
			return err
		}
		if pw == "" {
			return fmt.Errorf("password file %s is empty", *r.passwordF)
		}
		cfg.Password = pw
	} else {
		tok, err := readSecret(*r.tokenF, "--access-token-file")
		if err != nil {
			return err
		}
		if cfg.AccessToken = strings.TrimSpace(tok); cfg.AccessToken == "" {
			return fmt.Errorf("access token file %s is empty", *r.tokenF)
		}
	}
	sess, err := matrixbus.Connect(ctx, cfg)
	if err != nil {
		return timedOut("logging in", err)
	}
	defer sess.Close()
	if *r.tokenF != "" && *r.user != "" && !sameUser(*r.user, sess.UserID()) {
		return fmt.Errorf("the access token in %s belongs to %s, not to --user %s", *r.tokenF, sess.UserID(), *r.user)
	}

	roomID, err := sess.JoinAlias(ctx, *r.room, false)
	if err != nil {
		var he gomatrix.HTTPError
		if errors.As(err, &he) && he.Code == http.StatusNotFound {
			return fmt.Errorf("room %s does not exist on %s (check --room: broadcast joins the monitors' room, it never creates one): %v",
				*r.room, *r.homeserver, matrixError(err))
		}
		return timedOut("joining "+*r.room, err)
	}

	// The sync position is taken before posting, so no receipt can slip
	// in between the post and the first look.
	var since string
	filter := receiptFilter(roomID)
	if r.waitReceipt > 0 {
		resp, err := sess.Sync(ctx, "", filterWithLimit(roomID, 1), 0)
		if err != nil {
			return timedOut("reading the room's sync position", err)
		}
		since = resp.NextBatch
	}

	var body any = json.RawMessage(content)
	eventType := r.eventType
	if *r.plain {
		text := `{"type":"` + r.plainType + `"`
		if string(content) != "{}" {
			text += "," + string(content[1:])
		} else {
			text += "}"
		}
		eventType, body = "m.room.message", map[string]string{"msgtype": "m.text", "body": text}
	}
	eventID, err := send(ctx, sess, roomID, eventType, body)
	if err != nil {
		return timedOut("posting to "+*r.room, fmt.Errorf("post to %s (%s): %w", *r.room, roomID, err))
	}
	if err := printLine(stdout, posted{EventID: eventID, RoomID: roomID}); err != nil {
		return err
	}
	if r.waitReceipt == 0 {
		return nil
	}
	if r.registered != nil {
		fmt.Fprintf(stderr, "posted %s to %s; waiting for receipts from %d monitor(s) registered and active in the monitor registry %s or among the %d named\n",
			eventID, *r.room, r.waitReceipt, r.registry, len(r.trusted))
	} else {
		fmt.Fprintf(stderr, "posted %s to %s; waiting for receipts from %d trusted monitor(s) of the %d named\n", eventID, *r.room, r.waitReceipt, len(r.trusted))
	}
	return r.waitReceipts(ctx, sess, roomID, eventID, since, filter, stdout, check)
}

// waitReceipts follows the room from since until receipts for eventID
// from r.waitReceipt distinct monitors arrived, or ctx ends.
func (r *roomFlags) waitReceipts(ctx context.Context, sess *matrixbus.Session, roomID, eventID, since, filter string,
	stdout io.Writer, check receiptCheck) error {
	seen := map[string]bool{}      // receipt event ids
	monitors := map[string]bool{}  // counted (verified, trusted or registered) monitors
	untrusted := map[string]bool{} // verified receipts' monitors not counted
	for {
		deadline, _ := ctx.Deadline()
		left := time.Until(deadline)
		if left <= 0 || ctx.Err() != nil {
			break
		}
		wait := min(left, maxSyncWait)
		resp, err := sess.Sync(ctx, since, filter, wait)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if ra, ok := matrixbus.RetryAfter(err); ok {
				if !sleepCtx(ctx, ra) {
					break
				}
				continue
			}
			return fmt.Errorf("follow %s for receipts: %v", *r.room, matrixError(err))
		}
		room, ok := resp.Rooms.Join[roomID]
		events := room.Timeline.Events
		if ok && room.Timeline.Limited && room.Timeline.PrevBatch != "" {
			gap, err := roomHistory(ctx, sess, roomID, room.Timeline.PrevBatch, since)
			if err != nil && ctx.Err() == nil {
				return fmt.Errorf("read the room's history for receipts: %v", matrixError(err))
			}
			events = append(gap, events...)
		}
		since = resp.NextBatch
		for _, ev := range events {
			if ev.Type != matrixbus.TypeReceipt || seen[ev.EventID] {
				continue
			}
			var head struct {
				ForEventID string `json:"for_event_id"`
			}
			if json.Unmarshal(ev.Content, &head) != nil || head.ForEventID != eventID {
				continue
			}
			seen[ev.EventID] = true
			key, verified, problem := check(ev.Content)
			trusted := key != "" && r.isTrusted(key)
			v := verdict{verified: verified, trusted: trusted, counted: trusted, problem: problem}
			if key != "" && r.registered != nil {
				ok, why := r.registered(ctx, key, ev.Content)
				v.registered, v.counted = &ok, trusted || ok
				if !v.counted {
					v.ignored = why
				}
			} else if key != "" && !trusted {
				v.ignored = "not in the trust list"
			}
			if err := printReceipt(stdout, ev, v); err != nil {
				return err
			}
			switch {
			case v.counted:
				monitors[key] = true
			case key != "":
				untrusted[key] = true
			}
			if uint64(len(monitors)) >= r.waitReceipt {
				return nil
			}
		}
	}
	counted, notCounted := "trusted monitors", "not in the trust list"
	if r.registered != nil {
		counted, notCounted = "trusted or registered monitors", "neither in the trust list nor registered and active"
	}
	return &exitError{code: exitFailure, err: fmt.Errorf(
		"timed out after %s: %d of %d verified receipts from distinct %s arrived for event %s in %s; "+
			"verified receipts from %d monitor(s) %s were shown, not counted "+
			"(the request was posted; a monitor may still take it later)",
		*r.timeout, len(monitors), r.waitReceipt, counted, eventID, *r.room, len(untrusted), notCounted)}
}

// send posts one event, retrying with the same transaction id (so at most
// one event is created) when the homeserver asks to slow down or fails
// transiently.
func send(ctx context.Context, sess *matrixbus.Session, roomID, eventType string, content any) (string, error) {
	txn := matrixbus.TxnID("vigil broadcast", roomID, fmt.Sprint(time.Now().UnixNano()))
	for attempt := 1; ; attempt++ {
		id, err := sess.Send(ctx, roomID, eventType, content, txn)
		if err == nil {
			return id, nil
		}
		if attempt >= 4 || ctx.Err() != nil {
			return "", err
		}
		wait := time.Duration(attempt) * 500 * time.Millisecond
		var he gomatrix.HTTPError
		if ra, ok := matrixbus.RetryAfter(err); ok {
			wait = ra
		} else if errors.As(err, &he) && he.Code < 500 {
			return "", err // refused: retrying will not help
		}
		if !sleepCtx(ctx, wait) {
			return "", err
		}
	}
}

// roomHistory reads the receipts between to and from (a gap of a limited
// sync), oldest first.
func roomHistory(ctx context.Context, sess *matrixbus.Session, roomID, from, to string) ([]matrixbus.Event, error) {
	f, _ := json.Marshal(map[string]any{"types": []string{matrixbus.TypeReceipt}})
	return sess.History(ctx, roomID, from, to, 0, string(f))
}

// receiptFilter asks /sync for the room's receipts only.
func receiptFilter(roomID string) string { return filterWithLimit(roomID, 100) }

func filterWithLimit(roomID string, limit int) string {
	none := map[string]any{"not_types": []string{"*"}}
	f := map[string]any{
		"presence":     none,
		"account_data": none,
		"room": map[string]any{
			"rooms":        []string{roomID},
			"state":        map[string]any{"lazy_load_members": true, "not_types": []string{"*"}},
			"ephemeral":    none,
			"account_data": none,
			"timeline":     map[string]any{"limit": limit, "types": []string{matrixbus.TypeReceipt}},
		},
	}
	out, _ := json.Marshal(f)
	return string(out)
}

// verdict is what broadcast makes of one receipt.
type verdict struct {
	verified *bool // its signature and fields check out (nil: not judged)
	trusted  bool  // verified, and its monitor is in the trust list
	// registered: verified, and its monitor is registered and active in
	// the channel's monitor registry (nil: not asked, no --eth-rpc).
	registered *bool
	counted    bool   // trusted or registered: it counts toward --wait-receipts
	problem    string // why it did not verify
	ignored    string // why a verified receipt is not counted
}

// printReceipt prints a receipt's content with the receipt's own event id,
// its sender and the verdicts (these keys win over any in the content):
// "verified" (its signature and fields check out), "trusted" (it is
// verified and its monitor is in the trust list), with --eth-rpc
// "registered" (verified and its monitor registered and active in the
// channel's monitor registry), "counted" (trusted or registered: only
// those count), and "ignored", why a verified receipt does not count.
func printReceipt(w io.Writer, ev matrixbus.Event, v verdict) error {
	line := map[string]any{}
	_ = json.Unmarshal(ev.Content, &line)
	line["receipt_event_id"] = ev.EventID
	line["sender"] = ev.Sender
	if v.verified == nil {
		line["verified"] = nil
	} else {
		line["verified"] = *v.verified
	}
	line["trusted"] = v.trusted
	line["counted"] = v.counted
	for _, k := range []string{"problem", "registered", "ignored"} {
		delete(line, k)
	}
	if v.registered != nil {
		line["registered"] = *v.registered
	}
	if v.problem != "" {
		line["problem"] = v.problem
	}
	if v.ignored != "" {
		line["ignored"] = v.ignored
	}
	return printLine(w, line)
}

// printLine writes v as one line of JSON.
func printLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// sameUser compares a --user (full id or localpart) with the whoami id.
func sameUser(flag, whoami string) bool {
	if strings.HasPrefix(flag, "@") {
		return flag == whoami
	}
	local, _, _ := strings.Cut(strings.TrimPrefix(whoami, "@"), ":")
	return flag == local
}

// matrixError rewrites gomatrix's HTTP errors (which print the body as a
// byte list) as "HTTP 403 M_FORBIDDEN: message".
func matrixError(err error) error {
	var he gomatrix.HTTPError
	if err == nil || !errors.As(err, &he) {
		return err
	}
	var body gomatrix.RespError
	nice := fmt.Sprintf("HTTP %d: %s", he.Code, snippet(he.Contents))
	if json.Unmarshal(he.Contents, &body) == nil && body.ErrCode != "" {
		nice = fmt.Sprintf("HTTP %d %s: %s", he.Code, body.ErrCode, body.Err)
	}
	return &cleanError{msg: strings.Replace(err.Error(), he.Error(), nice, 1), err: err}
}

type cleanError struct {
	msg string
	err error
}

func (e *cleanError) Error() string { return e.msg }
func (e *cleanError) Unwrap() error { return e.err }

// cmdBroadcastBalanceProof posts a balance-proof message to the room.
func cmdBroadcastBalanceProof(args []string, stdout, stderr io.Writer) error {
	f := newFlags("broadcast balance-proof", `Posts a monitoring request (a sign-request output) to the monitors' Matrix
room: logs in to your homeserver, joins the room by its alias (it never
creates it) and posts the message as an org.vigil.balance_proof event, or
with --plain as an ordinary text message for monitors that read those. The
message is checked locally first (fields, numbers, checksums, and that
non_closing_signature is yours over your partner's proof); a bad one is
refused with the reason and nothing is posted.

Prints {"event_id", "room_id"} as one JSON line. With --wait-receipts N it
then follows the room until N distinct counted monitors posted an
org.vigil.receipt for the event, printing each receipt as a JSON line with
its receipt_event_id, sender, "verified": true when its EIP-712
MonitorReceipt signature recovers to its monitor address and its channel,
nonce and reward are the posted message's, false (with a "problem")
otherwise, "trusted": true when it is verified and its monitor is one
named with --trust or --trust-file, with --eth-rpc "registered": true when
it is verified and its monitor is registered and active in the channel's
monitor registry (the one whose deposit backs the receipt: a penalty claim
slashes it), and "counted": true when it is trusted or registered;
"ignored" says why a verified receipt does not count.
Only counted receipts count: anyone can post a verified receipt signed with
a fresh key, so a receipt from a monitor you did not name and that has no
deposit in the channel's registry is shown and not counted, and
--wait-receipts is refused without --trust, --trust-file or --eth-rpc. Exit
status 1 when fewer than N arrived within --timeout.`)
	r := addRoomFlags(f, "the balance-proof message JSON `FILE`, a sign-request output (required)",
		"trust the monitor with Ethereum address `ADDR` (its receipts' \"monitor\")", trustedAddress, "balance_proof", matrixbus.TypeBalanceProof)
	chainS := f.String("chain-id", "", "require the message to be for chain `N` (default: the message's chain_id)")
	r.ethRPC = f.String("eth-rpc", "", "Ethereum JSON-RPC `URL`: also count receipts from monitors registered and active in the channel's monitor registry")
	registryS := f.String("monitor-registry", "", "with --eth-rpc, require the channel's monitor registry to be `ADDR`")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := r.check(); err != nil {
		return err
	}
	var wantRegistry common.Address
	if *registryS != "" {
		if *r.ethRPC == "" {
			return f.usagef("--monitor-registry needs --eth-rpc")
		}
		var err error
		if wantRegistry, err = f.address("monitor-registry", *registryS); err != nil {
			return err
		}
	}
	var want *big.Int
	if *chainS != "" {
		var err error
		if want, err = f.chainID("chain-id", *chainS); err != nil {
			return err
		}
	}
	content, err := r.readRequest()
	if err != nil {
		return err
	}
	bp, err := proofs.DecodeBalanceProof(content)
	if err == nil {
		err = checkRequestSignatures(bp)
	}
	if err != nil {
		return fmt.Errorf("%s is not a valid balance-proof message: %s; nothing was posted", *r.file, rejection(err))
	}
	if want != nil && want.Cmp(bp.ChainID) != 0 {
		return fmt.Errorf("%s is a request on chain %s, not --chain-id %s; nothing was posted", *r.file, bp.ChainID, want)
	}
	if *r.ethRPC != "" && r.waitReceipt > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), *r.timeout)
		defer cancel()
		reg, err := dialRegistry(ctx, *r.ethRPC, bp.ChainID, bp.Channel, wantRegistry)
		if err != nil {
			return fmt.Errorf("%v; nothing was posted", err)
		}
		defer reg.close()
		r.registered, r.registry = reg.judge, reg.monitors.Hex()
	}
	if err := r.loadTrust(); err != nil {
		return err
	}
	r.isTrusted = func(key string) bool { return r.trusted[strings.ToLower(key)] }
	return r.broadcast(content, stdout, stderr, func(c []byte) (string, *bool, string) {
		mon, err := checkProofReceipt(c, bp)
		ok := err == nil
		if !ok {
			return "", &ok, err.Error()
		}
		return mon.Hex(), &ok, ""
	})
}

// checkRequestSignatures checks offline what a monitor checks first: the
// request is signed by its non-closing participant over a proof signed by
// someone else.
func checkRequestSignatures(bp proofs.BalanceProof) error {
	if bp.Nonce == 0 {
		return monitor.Reject(monitor.ReasonZeroNonce, "nonce 0 means no transfers: there is nothing to protect")
	}
	dom := eip712.Domain{ChainID: bp.ChainID, Channel: bp.Channel}
	proof := eip712.BalanceProof{Nonce: bp.Nonce, TransferredAmount: bp.TransferredAmount, Locksroot: bp.Locksroot, ExtraHash: bp.ExtraHash}
	closing, err := eip712.Recover(dom.BalanceProofDigest(proof), bp.Signature)
	if err != nil {
		return monitor.Reject(monitor.ReasonBadSignature, "signature: %v", err)
	}
	requester, err := eip712.Recover(dom.MonitorRequestDigest(proof, bp.Signature, bp.Reward), bp.NonClosingSignature)
	if err != nil {
		return monitor.Reject(monitor.ReasonBadSignature, "non_closing_signature: %v", err)
	}
	if requester != bp.NonClosing {
		return monitor.Reject(monitor.ReasonWrongSigner, "non_closing_signature was made by %s, not by non_closing_participant %s",
			requester.Hex(), bp.NonClosing.Hex())
	}
	if closing == bp.NonClosing {
		return monitor.Reject(monitor.ReasonWrongSigner, "the balance proof must be signed by the partner, not by the non-closing participant")
	}
	return nil
}

// rejection is "reason: message" for a monitor error.
func rejection(err error) string {
	var me *monitor.Error
	if errors.As(err, &me) {
		return string(me.Reason) + ": " + me.Message
	}
	return err.Error()
}

// checkProofReceipt verifies a room receipt for the posted request bp and
// returns its monitor.
func checkProofReceipt(content []byte, bp proofs.BalanceProof) (common.Address, error) {
	var d struct {
		receiptDoc
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(content, &d); err != nil {
		return common.Address{}, fmt.Errorf("not a receipt: %v", err)
	}
	if d.Kind != "balance_proof" {
		return common.Address{}, fmt.Errorf("kind is %q, not balance_proof", d.Kind)
	}
	if d.ChainID != "" {
		c, err := monitor.ParseUint256("chain_id", d.ChainID)
		if err != nil {
			return common.Address{}, errors.New(message(err))
		}
		if c.Cmp(bp.ChainID) != 0 {
			return common.Address{}, fmt.Errorf("chain_id %s is not the request's %s", c, bp.ChainID)
		}
	}
	channel, err := proofs.ParseAddress("channel_address", d.Channel)
	if err != nil {
		return common.Address{}, errors.New(message(err))
	}
	nonce, err := monitor.ParseUint64("nonce", d.Nonce)
	if err != nil {
		return common.Address{}, errors.New(message(err))
	}
	reward, err := monitor.ParseUint256("reward_amount", d.Reward)
	if err != nil {
		return common.Address{}, errors.New(message(err))
	}
	mon, err := proofs.ParseAddress("monitor", d.Monitor)
	if err != nil {
		return common.Address{}, errors.New(message(err))
	}
	sig, err := parseSignature(d.Signature)
	if err != nil {
		return common.Address{}, fmt.Errorf("signature %v", err)
	}
	switch {
	case channel != bp.Channel:
		return common.Address{}, fmt.Errorf("channel_address %s is not the request's %s", channel.Hex(), bp.Channel.Hex())
	case nonce != bp.Nonce:
		return common.Address{}, fmt.Errorf("nonce %d is not the request's %d", nonce, bp.Nonce)
	case reward.Cmp(bp.Reward) != 0:
		return common.Address{}, fmt.Errorf("reward_amount %s is not the request's %s", reward, bp.Reward)
	}
	dom := eip712.Domain{ChainID: bp.ChainID, Channel: channel}
	signer, err := eip712.Recover(dom.MonitorReceiptDigest(nonce, reward, mon), sig)
	if err != nil {
		return common.Address{}, fmt.Errorf("signature: %v", err)
	}
	if signer != mon {
		return common.Address{}, fmt.Errorf("the signature recovers to %s, not to the monitor %s", signer.Hex(), mon.Hex())
	}
	return mon, nil
}

// cmdBroadcastAppointment posts a Lightning appointment to the room.
func cmdBroadcastAppointment(args []string, stdout, stderr io.Writer) error {
	f := newFlags("broadcast appointment", `Posts a Lightning watchtower appointment (an ln appointment output,
PROTOCOL.md §3) to the monitors' Matrix room as an org.vigil.ln_appointment
event, or with --plain as an ordinary text message for monitors that read
those. Logs in, joins the room by its alias (it never creates it) and prints
{"event_id", "room_id"} as one JSON line. The appointment is checked locally
first as a monitor checks it (fields, encoding, and that user_signature is
user_pubkey's over the appointment); a bad one is refused with the reason
and nothing is posted.

With --wait-receipts N it then follows the room until N distinct trusted
monitors (by monitor_pubkey) posted an org.vigil.receipt for the event,
printing each receipt as a JSON line with its receipt_event_id, sender,
"verified": true when its kind and locator are the appointment's and its
signature over user_signature || u32be(start_block) recovers to its
monitor_pubkey, false (with a "problem") otherwise, and "trusted": true when
it is verified and its monitor is named with --trust or --trust-file.
Only trusted receipts count: a receipt signed with any other key is shown
and not counted, and --wait-receipts is refused without a trust list. Exit
status 1 when fewer than N arrived within --timeout.`)
	r := addRoomFlags(f, "the appointment JSON `FILE`, an ln appointment output (required)",
		"trust the monitor with compressed public key `KEY` (66 hex characters, its receipts' \"monitor_pubkey\"), "+
			"or with the Ethereum address of that key", trustedPubkeyOrAddress, "ln_appointment", matrixbus.TypeAppointment)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := r.check(); err != nil {
		return err
	}
	content, err := r.readRequest()
	if err != nil {
		return err
	}
	a, err := checkAppointment(content)
	if err != nil {
		return fmt.Errorf("%s is not a valid appointment: %s; nothing was posted", *r.file, rejection(err))
	}
	for _, w := range appointmentWarnings(a) {
		fmt.Fprintln(stderr, "warning: "+w)
	}
	if err := r.loadTrust(); err != nil {
		return err
	}
	r.isTrusted = func(pub string) bool { return r.trusted[pub] || r.trusted[pubkeyAddress(pub)] }
	return r.broadcast(content, stdout, stderr, func(c []byte) (string, *bool, string) {
		mon, err := checkAppointmentReceipt(c, a)
		ok := err == nil
		if !ok {
			return "", &ok, err.Error()
		}
		return mon, &ok, ""
	})
}

// trustedAddress normalizes a trusted Ethereum monitor: its address in
// lowercase hex.
func trustedAddress(v string) (string, error) {
	a, err := proofs.ParseAddress("monitor", v)
	if err != nil {
		return "", errors.New(message(err))
	}
	return strings.ToLower(a.Hex()), nil
}

// trustedPubkeyOrAddress normalizes a trusted Lightning monitor: a
// compressed public key in lowercase hex, or an Ethereum address (the
// monitor's receipts key is its operator key, PROTOCOL.md §8.6) in
// lowercase hex.
func trustedPubkeyOrAddress(v string) (string, error) {
	if strings.HasPrefix(v, "0x") || strings.HasPrefix(v, "0X") {
		return trustedAddress(v)
	}
	b, err := hex.DecodeString(v)
	if err != nil || len(b) != 33 || (b[0] != 2 && b[0] != 3) {
		return "", errors.New("neither a compressed public key (66 hex characters) nor a 0x address")
	}
	if _, err := btcec.ParsePubKey(b); err != nil {
		return "", fmt.Errorf("not a point on secp256k1: %v", err)
	}
	return hex.EncodeToString(b), nil
}

// pubkeyAddress is the lowercase Ethereum address of a compressed public
// key in hex, or "" if it is not one.
func pubkeyAddress(pub string) string {
	b, err := hex.DecodeString(pub)
	if err != nil {
		return ""
	}
	k, err := btcec.ParsePubKey(b)
	if err != nil {
		return ""
	}
	return strings.ToLower(crypto.PubkeyToAddress(*k.ToECDSA()).Hex())
}
