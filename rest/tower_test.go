package rest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// testTip is the Bitcoin tip of the test towers; appointments start there.
const testTip = 850_000

// lnReward is comfortably above the minimum (1,000 sat) plus the expected
// fee of a 200-byte justice transaction at 1 sat/vB.
const lnReward = 10_000

// btcNode stands in for chains/bitcoin: a fixed fee estimate that can be
// made to fail. The HTTP tests never broadcast or follow a transaction.
type btcNode struct {
	mu   sync.Mutex
	rate int64
	err  error
}

func (n *btcNode) Broadcast(context.Context, *wire.MsgTx) error {
	return errors.New("btcNode: Broadcast is not used by the HTTP tests")
}

func (n *btcNode) FeeRate(context.Context) (int64, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.rate, n.err
}

func (n *btcNode) TxStatus(context.Context, chainhash.Hash) (tower.TxStatus, error) {
	return tower.TxStatus{}, errors.New("btcNode: TxStatus is not used by the HTTP tests")
}

func (n *btcNode) fail(err error) {
	n.mu.Lock()
	n.err = err
	n.mu.Unlock()
}

type towerEnv struct {
	*env
	tower  *tower.Tower
	node   *btcNode
	monKey *btcec.PrivateKey // the monitor's receipt key
}

// newTowerEnv is newEnv with a real tower.Tower on the same SQLite store
// and stats. edit may adjust the tower config, editREST the rest config.
func newTowerEnv(t *testing.T, edit func(*tower.Config), editREST func(*Config)) *towerEnv {
	t.Helper()
	node := &btcNode{rate: 1000}
	monKey := newBtcKey(t)
	var tw *tower.Tower
	e := newEnv(t, func(c *Config) {
		st := c.Store.(*store.Store)
		tc := tower.Config{
			Store: st, Node: node, Stats: c.Stats.(*monitor.Stats), Logger: c.Logger, Clock: c.Clock,
			Network: "regtest", Payout: append([]byte{0x00, 0x14}, make([]byte, 20)...), MinRewardSat: 1000,
			SignReceipt: func(msg []byte) (string, error) { return lncrypto.SignMessage(monKey, msg) },
		}
		copy(tc.MonitorPubkey[:], monKey.PubKey().SerializeCompressed())
		if edit != nil {
			edit(&tc)
		}
		var err error
		if tw, err = tower.New(tc); err != nil {
			t.Fatal(err)
		}
		tw.SetTip(testTip)
		c.Tower, c.TowerRecords = tw, st
		if editREST != nil {
			editREST(c)
		}
	})
	return &towerEnv{env: e, tower: tw, node: node, monKey: monKey}
}

func newBtcKey(t *testing.T) *btcec.PrivateKey {
	t.Helper()
	k, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func randomTxid(t *testing.T) chainhash.Hash {
	t.Helper()
	var h chainhash.Hash
	if _, err := rand.Read(h[:]); err != nil {
		t.Fatal(err)
	}
	return h
}

// newAppointment builds an appointment for the breach txid with a blob of
// 200 random bytes sealed under it, starting at the tip; edit runs before
// key signs it.
func newAppointment(t *testing.T, key *btcec.PrivateKey, txid chainhash.Hash, edit func(*tower.Appointment)) tower.Appointment {
	t.Helper()
	a := tower.Appointment{
		Network: "regtest", Locator: lncrypto.Locator(txid), Cipher: lncrypto.CipherChaCha20Poly1305,
		EncryptedBlob: sealed(t, txid, 200), ToSelfDelay: 144,
		StartBlock: testTip, EndBlock: testTip + 1000, RewardSat: lnReward,
	}
	if edit != nil {
		edit(&a)
	}
	if err := a.Sign(key); err != nil {
		t.Fatal(err)
	}
	return a
}

// sealed returns n random plaintext bytes encrypted under txid.
func sealed(t *testing.T, txid chainhash.Hash, n int) []byte {
	t.Helper()
	plain := make([]byte, n)
	if _, err := rand.Read(plain); err != nil {
		t.Fatal(err)
	}
	blob, err := lncrypto.Encrypt(lncrypto.CipherChaCha20Poly1305, plain, txid)
	if err != nil {
		t.Fatal(err)
	}
	return blob
}

func appointmentBody(t *testing.T, a tower.Appointment) []byte {
	t.Helper()
	b, err := json.Marshal(tower.EncodeAppointment(a))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// editBody decodes a wire appointment, lets edit change it and encodes it again.
func editBody(t *testing.T, body []byte, edit func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *towerEnv) putAppointment(body []byte) response {
	e.t.Helper()
	return e.do(http.MethodPut, "/api/1/appointments", body, "Content-Type", "application/json")
}

// submit PUTs a and fails the test unless it is stored.
func (e *towerEnv) submit(a tower.Appointment) response {
	e.t.Helper()
	r := e.putAppointment(appointmentBody(e.t, a))
	if r.code != http.StatusCreated {
		e.t.Fatalf("PUT appointment: %d %s", r.code, r.body)
	}
	return r
}

func TestPutAppointmentReceipt(t *testing.T) {
	e := newTowerEnv(t, nil, nil)
	user := newBtcKey(t)
	txid := randomTxid(t)
	a := newAppointment(t, user, txid, nil)
	locHex := hex.EncodeToString(a.Locator[:])

	r := e.submit(a)
	m := r.json(t)
	monPub := hex.EncodeToString(e.monKey.PubKey().SerializeCompressed())
	want := map[string]any{"kind": "ln_appointment", "monitor_pubkey": monPub, "locator": locHex, "start_block": "850000"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if len(m) != len(want)+1 {
		t.Errorf("receipt fields: %s", r.body)
	}
	if loc := r.header.Get("Location"); loc != "/api/1/appointments/"+locHex {
		t.Errorf("Location %q", loc)
	}
	// The signature is a Lightning message signature by the monitor's key
	// over user_signature || u32be(start_block).
	sig, _ := m["signature"].(string)
	msg := binary.BigEndian.AppendUint32([]byte(a.UserSignature), testTip)
	pub, err := lncrypto.RecoverMessage(msg, sig)
	if err != nil {
		t.Fatalf("receipt signature %q: %v", sig, err)
	}
	if got := hex.EncodeToString(pub.SerializeCompressed()); got != monPub {
		t.Fatalf("receipt recovers to %s, want %s", got, monPub)
	}

	// The identical appointment again is idempotent: the same receipt,
	// nothing more stored.
	again := e.submit(a)
	if !bytes.Equal(again.body, r.body) {
		t.Errorf("duplicate receipt differs:\n%s\n%s", again.body, r.body)
	}
	// A changed appointment of the same user and locator with a higher
	// seq replaces it.
	replacement := newAppointment(t, user, txid, func(a *tower.Appointment) { a.RewardSat, a.Seq = 2*lnReward, 1 })
	e.submit(replacement)
	// The older one sent again (a replay) is refused and changes nothing;
	// so is other content at the same seq.
	wantError(t, e.putAppointment(appointmentBody(t, a)), http.StatusConflict, "stale_sequence")
	sameSeq := newAppointment(t, user, txid, func(a *tower.Appointment) { a.RewardSat, a.Seq = 3*lnReward, 1 })
	wantError(t, e.putAppointment(appointmentBody(t, sameSeq)), http.StatusConflict, "stale_sequence")
	p := e.listAppointments("?locator=" + locHex)
	if len(p.Appointments) != 1 || p.Appointments[0]["reward_sat"] != "20000" || p.Appointments[0]["seq"] != "1" {
		t.Fatalf("after duplicate, replacement and replays: %+v", p)
	}
	snap := e.stats.Snapshot(e.clock.Now()).Lightning
	if snap.AppointmentsStored != 1 || snap.AppointmentsAccepted != 3 || snap.Rejected != 2 || snap.RejectedByReason["stale_sequence"] != 2 {
		t.Errorf("stats: stored %d accepted %d rejected %d (%v)", snap.AppointmentsStored, snap.AppointmentsAccepted, snap.Rejected, snap.RejectedByReason)
	}

	// No Content-Type at all is accepted too.
	if r := e.do(http.MethodPut, "/api/1/appointments", appointmentBody(t, newAppointment(t, user, randomTxid(t), nil))); r.code != http.StatusCreated {
		t.Fatalf("without Content-Type: %d %s", r.code, r.body)
	}
}

func TestPutAppointmentWithoutReceiptKey(t *testing.T) {
	e := newTowerEnv(t, func(c *tower.Config) { c.SignReceipt, c.MonitorPubkey = nil, [33]byte{} }, nil)
	a := newAppointment(t, newBtcKey(t), randomTxid(t), nil)
	locHex := hex.EncodeToString(a.Locator[:])
	// The locator in upper case is answered in the canonical lower case.
	body := editBody(t, appointmentBody(t, a), func(m map[string]any) { m["locator"] = strings.ToUpper(locHex) })
	r := e.putAppointment(body)
	if r.code != http.StatusCreated || string(bytes.TrimSpace(r.body)) != `{"locator":"`+locHex+`"}` {
		t.Fatalf("%d %s", r.code, r.body)
	}
	if loc := r.header.Get("Location"); loc != "/api/1/appointments/"+locHex {
		t.Errorf("Location %q", loc)
	}
}

func TestPutAppointmentErrors(t *testing.T) {
	bounds := tower.DefaultAppointmentBounds()
	bounds.MaxPerLocator = 2
	e := newTowerEnv(t, func(c *tower.Config) {
		c.Bounds = bounds
		c.PerKey = monitor.NewRateLimiter(0.001, 1)
	}, func(c *Config) { c.MaxBodyBytes = 32 << 10 })

	// Each case signs with a fresh key: the per-key limiter allows one each.
	build := func(edit func(*tower.Appointment)) []byte {
		return appointmentBody(t, newAppointment(t, newBtcKey(t), randomTxid(t), edit))
	}
	valid := build(nil)
	field := func(name string, v any) []byte {
		return editBody(t, build(nil), func(m map[string]any) { m[name] = v })
	}

	// Two users fill a locator; a third is refused.
	crowded := randomTxid(t)
	for i := 0; i < 2; i++ {
		e.submit(newAppointment(t, newBtcKey(t), crowded, nil))
	}
	third := appointmentBody(t, newAppointment(t, newBtcKey(t), crowded, nil))

	// One key twice: the second is rate limited.
	hurried := newBtcKey(t)
	e.submit(newAppointment(t, hurried, randomTxid(t), nil))
	hurriedAgain := appointmentBody(t, newAppointment(t, hurried, randomTxid(t), nil))

	// Signed, then a signed field changed: recovers another key.
	tampered := editBody(t, build(nil), func(m map[string]any) { m["reward_sat"] = "99999" })

	cases := []struct {
		name   string
		body   []byte
		ct     string
		status int
		reason string
	}{
		{"malformed", []byte(`{"locator":`), "", 400, "malformed_json"},
		{"not an object", []byte(`[1,2]`), "", 400, "malformed_json"},
		{"unknown field", field("colour", "blue"), "", 400, "unknown_field"},
		{"missing field", editBody(t, valid, func(m map[string]any) { delete(m, "reward_sat") }), "", 400, "missing_field"},
		{"number not a string", field("reward_sat", 10000), "", 400, "bad_type"},
		{"bad number", field("end_block", "12x"), "", 400, "bad_number"},
		{"short locator", field("locator", "abcd"), "", 400, "bad_locator"},
		{"bad blob hex", field("encrypted_blob", "0xzz"), "", 400, "bad_hex"},
		{"unknown cipher", field("cipher", "rot13"), "", 400, "unknown_cipher"},
		{"bad pubkey", field("user_pubkey", "05"+strings.Repeat("11", 32)), "", 400, "bad_pubkey"},
		{"bad signature", field("user_signature", "not-a-signature"), "", 400, "bad_signature"},
		{"wrong signer", tampered, "", 400, "wrong_signer"},
		{"wrong network", build(func(a *tower.Appointment) { a.Network = "mainnet" }), "", 400, "wrong_network"},
		{"blob too small", build(func(a *tower.Appointment) { a.EncryptedBlob = a.EncryptedBlob[:50] }), "", 400, "blob_too_small"},
		{"blob too large", build(func(a *tower.Appointment) { a.EncryptedBlob = make([]byte, 2100) }), "", 400, "blob_too_large"},
		{"start out of window", build(func(a *tower.Appointment) { a.StartBlock = testTip - 100 }), "", 400, "start_block_out_of_window"},
		{"end before start", build(func(a *tower.Appointment) { a.EndBlock = a.StartBlock }), "", 400, "end_block_before_start"},
		{"end too far", build(func(a *tower.Appointment) { a.EndBlock = a.StartBlock + 60_000 }), "", 400, "end_block_too_far"},
		{"too many per locator", third, "", 409, "too_many_per_locator"},
		{"reward below minimum", build(func(a *tower.Appointment) { a.RewardSat = 500 }), "", 422, "reward_below_minimum"},
		{"reward below fee", build(func(a *tower.Appointment) { a.RewardSat = 1100 }), "", 422, "reward_below_fee"},
		{"rate limited", hurriedAgain, "", 503, "rate_limited"},
		{"media type", build(nil), "text/plain", 415, "unsupported_media_type"},
		{"json suffix media type ok", build(nil), "application/merge-patch+json; charset=utf-8", 201, ""},
		// Above monitor.MaxAppointmentBytes but below MaxBodyBytes: the
		// intake's own body_too_large, also a 413.
		{"over appointment limit", bytes.Repeat([]byte(" "), tower.MaxAppointmentBytes+1), "", 413, "body_too_large"},
		{"over body limit", bytes.Repeat([]byte(" "), 32<<10+1), "", 413, "body_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.ct != "" {
				hdr = []string{"Content-Type", c.ct}
			}
			r := e.do(http.MethodPut, "/api/1/appointments", c.body, hdr...)
			if c.reason == "" {
				if r.code != c.status {
					t.Fatalf("status %d, want %d: %s", r.code, c.status, r.body)
				}
				return
			}
			wantError(t, r, c.status, c.reason)
		})
	}

	// The node cannot estimate a fee: the configured fallback rate judges
	// (btcd has no estimator on a quiet chain), so the appointment is taken.
	e.node.fail(errors.New("dial tcp 127.0.0.1:18443: connection refused"))
	if r := e.putAppointment(valid); r.code != http.StatusCreated || bytes.Contains(r.body, []byte("18443")) {
		t.Errorf("without a node estimate: %d %s", r.code, r.body)
	}

	// Before the watcher has seen a block there is no tip to judge by.
	e.node.fail(nil)
	e.tower.SetTip(0)
	wantError(t, e.putAppointment(valid), http.StatusServiceUnavailable, "chain_unavailable")

	// Rejections that reached the tower are counted by reason.
	snap := e.stats.Snapshot(e.clock.Now()).Lightning
	for _, reason := range []string{"malformed_json", "wrong_signer", "too_many_per_locator", "reward_below_fee", "rate_limited", "chain_unavailable"} {
		if snap.RejectedByReason[reason] == 0 {
			t.Errorf("rejection %s not counted: %v", reason, snap.RejectedByReason)
		}
	}
}

// failingTower is a tower intake and reader whose every call fails with
// internal detail.
type failingTower struct{ err error }

func (f failingTower) SubmitAppointmentJSON(context.Context, []byte, monitor.Source, ...string) (tower.Accepted, error) {
	return tower.Accepted{}, f.err
}
func (f failingTower) Appointments(context.Context, tower.AppointmentQuery) ([]tower.StoredAppointment, string, error) {
	return nil, "", f.err
}
func (f failingTower) AppointmentsByLocator(context.Context, [16]byte) ([]tower.StoredAppointment, error) {
	return nil, f.err
}
func (f failingTower) JusticeRecords(context.Context, tower.JusticeQuery) ([]tower.Justice, error) {
	return nil, f.err
}

func TestTowerInternalErrorsHideDetail(t *testing.T) {
	secret := errors.New("disk I/O error at /var/lib/vigil/secret.db")
	e := newEnv(t, func(c *Config) { c.Tower, c.TowerRecords = failingTower{secret}, failingTower{secret} })
	for _, c := range []struct{ method, target string }{
		{http.MethodPut, "/api/1/appointments"},
		{http.MethodGet, "/api/1/appointments"},
		{http.MethodGet, "/api/1/appointments/" + strings.Repeat("ab", 16)},
		{http.MethodGet, "/api/1/justice"},
	} {
		r := e.do(c.method, c.target, []byte(`{}`))
		wantError(t, r, http.StatusInternalServerError, "internal_error")
		if r.json(t)["message"] != "internal error" || bytes.Contains(r.body, []byte("secret")) {
			t.Fatalf("%s %s: internal detail leaked: %s", c.method, c.target, r.body)
		}
	}
	if !strings.Contains(e.logs.String(), "secret.db") {
		t.Error("internal detail of the reads was not logged")
	}
}

type appointmentsListPage struct {
	Appointments []map[string]any `json:"appointments"`
	Next         *string          `json:"next"`
}

func (e *towerEnv) listAppointments(query string) appointmentsListPage {
	e.t.Helper()
	return getAppointments(e.t, e.env, "/api/1/appointments"+query)
}

func getAppointments(t *testing.T, e *env, target string) appointmentsListPage {
	t.Helper()
	r := e.do(http.MethodGet, target, nil)
	if r.code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, r.code, r.body)
	}
	var p appointmentsListPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

var appointmentMetaFields = []string{
	"locator", "user_pubkey", "network", "cipher", "to_self_delay", "start_block", "end_block",
	"reward_sat", "seq", "blob_bytes", "received_at", "source",
}

func TestListAppointments(t *testing.T) {
	e := newTowerEnv(t, nil, func(c *Config) { c.PageLimitMax = 4 })
	// Five locators; the first has a second user's appointment too.
	var apps []tower.Appointment
	shared := randomTxid(t)
	for i := 0; i < 5; i++ {
		txid := randomTxid(t)
		if i == 0 {
			txid = shared
		}
		a := newAppointment(t, newBtcKey(t), txid, func(a *tower.Appointment) { a.RewardSat = lnReward + uint64(i) })
		e.submit(a)
		apps = append(apps, a)
	}
	second := newAppointment(t, newBtcKey(t), shared, nil)
	e.submit(second)
	apps = append(apps, second)

	// Empty page shape first, on a fresh tower.
	if p := newTowerEnv(t, nil, nil).listAppointments(""); p.Appointments == nil || len(p.Appointments) != 0 || p.Next != nil {
		t.Fatalf("empty page: %+v", p)
	}

	// Pages of 2 walk all 6 in (locator, user key) order; next omitted at the end.
	type key struct{ loc, pub string }
	var seen []key
	after := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		q := "?limit=2"
		if after != "" {
			q += "&after=" + after
		}
		p := e.listAppointments(q)
		if len(p.Appointments) != 2 {
			t.Fatalf("page %d has %d", pages, len(p.Appointments))
		}
		for _, a := range p.Appointments {
			seen = append(seen, key{a["locator"].(string), a["user_pubkey"].(string)})
		}
		if p.Next == nil {
			break
		}
		after = *p.Next
	}
	if len(seen) != len(apps) || !sort.SliceIsSorted(seen, func(i, j int) bool {
		if seen[i].loc != seen[j].loc {
			return seen[i].loc < seen[j].loc
		}
		return seen[i].pub < seen[j].pub
	}) {
		t.Fatalf("pages: %v", seen)
	}
	// A limit above PageLimitMax is capped.
	if p := e.listAppointments("?limit=100"); len(p.Appointments) != 4 || p.Next == nil {
		t.Fatalf("capped page: %d, next %v", len(p.Appointments), p.Next)
	}

	// Metadata only by default, exactly these fields.
	a := apps[3]
	locHex := hex.EncodeToString(a.Locator[:])
	p := e.listAppointments("?locator=" + locHex)
	if len(p.Appointments) != 1 {
		t.Fatalf("locator filter: %+v", p)
	}
	got := p.Appointments[0]
	want := map[string]any{
		"locator": locHex, "user_pubkey": hex.EncodeToString(a.UserPubkey[:]), "network": "regtest",
		"cipher": "chacha20-poly1305", "to_self_delay": "144", "start_block": "850000", "end_block": "851000",
		"reward_sat": "10003", "seq": "0", "blob_bytes": float64(len(a.EncryptedBlob)), "source": "rest",
		"received_at": e.clock.Now().Format(time.RFC3339Nano),
	}
	if len(got) != len(appointmentMetaFields) || len(want) != len(appointmentMetaFields) {
		t.Errorf("fields: %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}

	// With blobs each entry is a complete appointment that re-verifies.
	for _, q := range []string{"?blobs=1&locator=" + strings.ToUpper(locHex), "?blobs=true&locator=" + locHex} {
		p = e.listAppointments(q)
		if len(p.Appointments) != 1 || len(p.Appointments[0]) != len(appointmentMetaFields)+2 {
			t.Fatalf("%s: %+v", q, p)
		}
		checkComplete(t, p.Appointments[0], a)
	}
	if p := e.listAppointments("?blobs=0"); len(p.Appointments[0]) != len(appointmentMetaFields) {
		t.Errorf("blobs=0: %v", p.Appointments[0])
	}
	// Both users of the shared locator.
	if p := e.listAppointments("?locator=" + hex.EncodeToString(second.Locator[:])); len(p.Appointments) != 2 {
		t.Errorf("shared locator: %+v", p)
	}

	for _, c := range []struct{ query, reason string }{
		{"?locator=abcd", "bad_locator"},
		{"?locator=" + strings.Repeat("zz", 16), "bad_locator"},
		{"?locator=0x" + locHex[2:], "bad_locator"},
		{"?limit=0", "bad_number"},
		{"?limit=abc", "bad_number"},
		{"?after=zz", "bad_hex"},
		{"?blobs=maybe", "bad_type"},
	} {
		wantError(t, e.do(http.MethodGet, "/api/1/appointments"+c.query, nil), 400, c.reason)
	}
}

// checkComplete checks that a listed appointment with blobs is exactly a:
// it parses as a wire appointment, equals a and its signature verifies.
func checkComplete(t *testing.T, got map[string]any, a tower.Appointment) {
	t.Helper()
	s := func(k string) string { v, _ := got[k].(string); return v }
	parsed, err := tower.ParseAppointment(tower.AppointmentJSON{
		Network: s("network"), Locator: s("locator"), EncryptedBlob: s("encrypted_blob"), Cipher: s("cipher"),
		ToSelfDelay: s("to_self_delay"), StartBlock: s("start_block"), EndBlock: s("end_block"),
		RewardSat: s("reward_sat"), Seq: s("seq"), UserPubkey: s("user_pubkey"), UserSignature: s("user_signature"),
	})
	if err != nil {
		t.Fatalf("listed appointment does not parse: %v: %v", err, got)
	}
	if err := parsed.VerifySignature(); err != nil {
		t.Fatalf("listed appointment does not verify: %v", err)
	}
	if !bytes.Equal(parsed.EncryptedBlob, a.EncryptedBlob) || parsed.UserSignature != a.UserSignature {
		t.Fatal("listed blob or signature differs from the submitted one")
	}
}

func TestAppointmentsByLocator(t *testing.T) {
	e := newTowerEnv(t, nil, nil)
	txid := randomTxid(t)
	first := newAppointment(t, newBtcKey(t), txid, nil)
	second := newAppointment(t, newBtcKey(t), txid, nil)
	e.submit(first)
	e.submit(second)
	e.submit(newAppointment(t, newBtcKey(t), randomTxid(t), nil)) // another locator
	locHex := hex.EncodeToString(first.Locator[:])

	p := getAppointments(t, e.env, "/api/1/appointments/"+locHex)
	if len(p.Appointments) != 2 || p.Next != nil {
		t.Fatalf("found: %+v", p)
	}
	pubs := map[any]bool{}
	for _, a := range p.Appointments {
		if a["locator"] != locHex || len(a) != len(appointmentMetaFields) {
			t.Errorf("entry: %v", a)
		}
		pubs[a["user_pubkey"]] = true
	}
	if !pubs[hex.EncodeToString(first.UserPubkey[:])] || !pubs[hex.EncodeToString(second.UserPubkey[:])] {
		t.Errorf("users: %v", pubs)
	}
	// Any case; with blobs.
	p = getAppointments(t, e.env, "/api/1/appointments/"+strings.ToUpper(locHex)+"?blobs=1")
	if len(p.Appointments) != 2 {
		t.Fatalf("upper case: %+v", p)
	}
	for _, a := range p.Appointments {
		if a["user_pubkey"] == hex.EncodeToString(first.UserPubkey[:]) {
			checkComplete(t, a, first)
		} else {
			checkComplete(t, a, second)
		}
	}

	// A crowded locator comes a page at a time.
	page := getAppointments(t, e.env, "/api/1/appointments/"+locHex+"?limit=1")
	if len(page.Appointments) != 1 || page.Next == nil {
		t.Fatalf("first page of one: %+v", page)
	}
	rest := getAppointments(t, e.env, "/api/1/appointments/"+locHex+"?limit=1&after="+*page.Next)
	if len(rest.Appointments) != 1 || rest.Next != nil || rest.Appointments[0]["user_pubkey"] == page.Appointments[0]["user_pubkey"] {
		t.Fatalf("second page: %+v after %+v", rest, page)
	}

	unknown := lncrypto.Locator(randomTxid(t))
	wantError(t, e.do(http.MethodGet, "/api/1/appointments/"+hex.EncodeToString(unknown[:]), nil), 404, "not_found")
	for _, bad := range []string{"abcd", strings.Repeat("zz", 16), "0x" + locHex[2:], locHex + "00"} {
		wantError(t, e.do(http.MethodGet, "/api/1/appointments/"+bad, nil), 400, "bad_locator")
	}
	wantError(t, e.do(http.MethodGet, "/api/1/appointments/"+locHex+"?blobs=2", nil), 400, "bad_type")
	// A locator path has no PUT.
	r := e.do(http.MethodPut, "/api/1/appointments/"+locHex, appointmentBody(t, first))
	wantError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
	if allow := r.header.Get("Allow"); allow != "GET" {
		t.Errorf("Allow %q", allow)
	}
}

func TestJusticeList(t *testing.T) {
	e := newTowerEnv(t, nil, nil)
	ctx := context.Background()
	user := newBtcKey(t)
	var pub [33]byte
	copy(pub[:], user.PubKey().SerializeCompressed())
	created := e.clock.Now()
	ins := func(j tower.Justice) int64 {
		t.Helper()
		j.UserPubkey, j.CreatedAt, j.UpdatedAt = pub, created, created.Add(time.Minute)
		id, err := e.store.InsertJustice(ctx, j)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	breach := randomTxid(t)
	failed := ins(tower.Justice{
		Locator: lncrypto.Locator(breach), BreachTxID: breach, BreachBlock: 850_010, Deadline: 850_154,
		PromisedSat: lnReward, SentHeight: 850_010, Outcome: tower.JusticeFailed,
		Reason: monitor.ReasonDecryptFailed, Detail: "the blob does not decrypt with this breach's txid",
	})
	breach2, tx2, blockHash := randomTxid(t), randomTxid(t), randomTxid(t)
	confirmed := ins(tower.Justice{
		Locator: lncrypto.Locator(breach2), BreachTxID: breach2, BreachBlock: 850_020, Deadline: 850_164,
		TxID: tx2, Raw: []byte{1}, FeeSat: 600, BountySat: 12_000, PromisedSat: lnReward, FeeRate: 2500,
		Outcome: tower.JusticeConfirmed, SentHeight: 850_022, Block: 850_023, BlockHash: blockHash, Replacement: 1,
	})
	tx3 := randomTxid(t)
	broadcast := ins(tower.Justice{
		Locator: lncrypto.Locator(breach2), BreachTxID: breach2, BreachBlock: 850_020, Deadline: 850_164,
		TxID: tx3, Raw: []byte{1}, FeeSat: 300, PromisedSat: lnReward, FeeRate: 1000,
		Outcome: tower.JusticeBroadcast, Reason: monitor.ReasonNoBounty, Detail: "broadcast as signed, no bounty",
		SentHeight: 850_021,
	})

	type page struct {
		Justice []map[string]any `json:"justice"`
		Next    *int64           `json:"next_after_id"`
	}
	get := func(target string) page {
		t.Helper()
		r := e.do(http.MethodGet, target, nil)
		if r.code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", target, r.code, r.body)
		}
		var p page
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}

	all := get("/api/1/justice")
	if len(all.Justice) != 3 || all.Next != nil {
		t.Fatalf("all: %+v", all)
	}
	// Failed: no transaction, so none of its fields.
	j := all.Justice[0]
	if j["id"] != float64(failed) || j["outcome"] != "failed" || j["reason"] != "decrypt_failed" ||
		j["breach_txid"] != breach.String() || j["promised_sat"] != "10000" {
		t.Errorf("failed record: %v", j)
	}
	for _, k := range []string{"txid", "fee_sat", "bounty_sat", "fee_rate_sat_kvb", "sent_height", "block", "block_hash", "replacement", "confirmations"} {
		if _, ok := j[k]; ok {
			t.Errorf("failed record has %s", k)
		}
	}
	// Confirmed: every field; txids and block hash in display order.
	j = all.Justice[1]
	want := map[string]any{
		"id": float64(confirmed), "locator": hex.EncodeToString(breach2[:16]), "user_pubkey": hex.EncodeToString(pub[:]),
		"breach_txid": breach2.String(), "breach_block": "850020", "deadline": "850164", "txid": tx2.String(),
		"outcome": "confirmed", "reason": "", "detail": "", "fee_sat": "600", "bounty_sat": "12000",
		"promised_sat": "10000", "fee_rate_sat_kvb": "2500", "sent_height": "850022", "block": "850023",
		"block_hash": blockHash.String(), "replacement": float64(1),
		"created_at": created.Format(time.RFC3339Nano), "updated_at": created.Add(time.Minute).Format(time.RFC3339Nano),
	}
	if len(j) != len(want) {
		t.Errorf("confirmed record fields: %v", j)
	}
	for k, v := range want {
		if j[k] != v {
			t.Errorf("%s = %v, want %v", k, j[k], v)
		}
	}
	if tx2.String() == hex.EncodeToString(tx2[:]) {
		t.Fatal("test txid is a palindrome")
	}
	// Broadcast: sent, not confirmed.
	j = all.Justice[2]
	if j["txid"] != tx3.String() || j["bounty_sat"] != "0" || j["replacement"] != float64(0) || j["reason"] != "no_bounty" {
		t.Errorf("broadcast record: %v", j)
	}
	if _, ok := j["block"]; ok {
		t.Errorf("unconfirmed record has a block: %v", j)
	}
	if _, ok := j["block_hash"]; ok {
		t.Errorf("unconfirmed record has a block hash: %v", j)
	}

	// Pagination by id.
	p := get("/api/1/justice?limit=2")
	if len(p.Justice) != 2 || p.Next == nil || *p.Next != confirmed {
		t.Fatalf("page 1: %+v", p)
	}
	p = get(fmt.Sprintf("/api/1/justice?limit=2&after_id=%d", *p.Next))
	if len(p.Justice) != 1 || p.Justice[0]["id"] != float64(broadcast) || p.Next != nil {
		t.Fatalf("page 2: %+v", p)
	}
	// Outcome filters.
	if p := get("/api/1/justice?outcome=confirmed,broadcast"); len(p.Justice) != 2 {
		t.Errorf("outcome list: %d", len(p.Justice))
	}
	if p := get("/api/1/justice?outcome=failed&outcome=lost"); len(p.Justice) != 1 || p.Justice[0]["id"] != float64(failed) {
		t.Errorf("repeated outcome: %+v", p)
	}
	if p := get("/api/1/justice?outcome=replaced"); p.Justice == nil || len(p.Justice) != 0 {
		t.Errorf("no replaced: %+v", p)
	}

	wantError(t, e.do(http.MethodGet, "/api/1/justice?outcome=won", nil), 400, "bad_type")
	wantError(t, e.do(http.MethodGet, "/api/1/justice?after_id=x", nil), 400, "bad_number")
	wantError(t, e.do(http.MethodGet, "/api/1/justice?after_id=18446744073709551615", nil), 400, "number_overflow")
	wantError(t, e.do(http.MethodGet, "/api/1/justice?limit=0", nil), 400, "bad_number")
}

func TestTowerDisabled(t *testing.T) {
	const want = `{"error":"not_found","message":"the Lightning watchtower is not enabled"}`
	// No tower, as a daemon without [bitcoin] configures the API.
	for name, edit := range map[string]func(*Config){
		"nil": nil,
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, edit)
			valid := appointmentBody(t, newAppointment(t, newBtcKey(t), randomTxid(t), nil))
			for _, c := range []struct{ method, target string }{
				{http.MethodPut, "/api/1/appointments"},
				{http.MethodGet, "/api/1/appointments"},
				{http.MethodGet, "/api/1/appointments?blobs=1"},
				{http.MethodGet, "/api/1/appointments/" + strings.Repeat("ab", 16)},
				{http.MethodGet, "/api/1/justice"},
			} {
				r := e.do(c.method, c.target, valid, "Content-Type", "application/json")
				if r.code != http.StatusNotFound || string(bytes.TrimSpace(r.body)) != want {
					t.Errorf("%s %s: %d %s", c.method, c.target, r.code, r.body)
				}
			}
			if body := string(e.do(http.MethodGet, "/metrics", nil).body); strings.Contains(body, "vigil_ln_") || strings.Contains(body, "vigil_btc_") {
				t.Error("Lightning metrics exported without a tower")
			}
		})
	}
	// A tower without a store to read is a wiring mistake.
	_, err := New(Config{Intake: nopIntake{}, Store: failingStore{}, Stats: &monitor.Stats{}, Tower: failingTower{}})
	if err == nil || !strings.Contains(err.Error(), "tower store") {
		t.Fatalf("tower without store: %v", err)
	}
}

// nopIntake is a balance-proof intake that is never called.
type nopIntake struct{}

func (nopIntake) SubmitJSON(context.Context, []byte, monitor.Source, ...string) (proofs.Accepted, error) {
	return proofs.Accepted{}, errors.New("not used")
}

func (nopIntake) DeleteChannel(context.Context, common.Address) (int64, error) {
	return 0, errors.New("not used")
}

func TestTowerMetrics(t *testing.T) {
	e := newTowerEnv(t, nil, nil)
	user := newBtcKey(t)
	a := newAppointment(t, user, randomTxid(t), nil)
	e.submit(a)
	e.submit(a) // identical: accepted again, stored once
	e.putAppointment(appointmentBody(t, newAppointment(t, user, randomTxid(t), func(a *tower.Appointment) { a.RewardSat = 1100 })))
	e.do(http.MethodGet, "/api/1/appointments/"+hex.EncodeToString(a.Locator[:]), nil)
	e.ln.SetBitcoin(func(b *tower.BitcoinStatus) { b.Tip, b.Processed = testTip+3, testTip+1 })

	r := e.do(http.MethodGet, "/metrics", nil)
	if r.code != http.StatusOK {
		t.Fatal(r.code)
	}
	samples, types := parseExposition(t, string(r.body))
	for name, typ := range map[string]string{
		"vigil_ln_appointments_stored": "gauge", "vigil_ln_appointments_accepted_total": "counter",
		"vigil_ln_appointments_rejected_total": "counter", "vigil_ln_breaches_seen_total": "counter",
		"vigil_ln_justice_broadcast_total": "counter", "vigil_ln_justice_confirmed_total": "counter",
		"vigil_ln_justice_problems_total": "counter", "vigil_ln_bounty_earned_sat": "counter",
		"vigil_btc_tip_block": "gauge", "vigil_btc_last_processed_block": "gauge", "vigil_btc_blocks_behind": "gauge",
	} {
		if types[name] != typ {
			t.Errorf("TYPE of %s = %q, want %s", name, types[name], typ)
		}
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"vigil_ln_appointments_stored", nil, 1},
		{"vigil_ln_appointments_accepted_total", nil, 2},
		{"vigil_ln_appointments_rejected_total", map[string]string{"reason": "reward_below_fee"}, 1},
		{"vigil_ln_appointments_rejected_total", map[string]string{"reason": "too_many_per_locator"}, 0},
		{"vigil_ln_breaches_seen_total", nil, 0},
		{"vigil_ln_justice_broadcast_total", nil, 0},
		{"vigil_ln_justice_confirmed_total", nil, 0},
		{"vigil_ln_justice_problems_total", map[string]string{"reason": "decrypt_failed"}, 0},
		{"vigil_ln_bounty_earned_sat", nil, 0},
		{"vigil_btc_tip_block", nil, testTip + 3},
		{"vigil_btc_last_processed_block", nil, testTip + 1},
		{"vigil_btc_blocks_behind", nil, 2},
		{"vigil_http_requests_total", map[string]string{"route": "/api/1/appointments", "method": "PUT", "code": "201"}, 2},
		{"vigil_http_requests_total", map[string]string{"route": "/api/1/appointments", "method": "PUT", "code": "422"}, 1},
		{"vigil_http_requests_total", map[string]string{"route": "/api/1/appointments/{locator}", "method": "GET", "code": "200"}, 1},
	} {
		got, ok := find(samples, c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
}

// TestReplayTakesNoToken: replaying a user's signed appointments, older
// ones or the stored one, does not use up the user's per-key tokens (an
// attacker could otherwise keep the user rate-limited by replaying what the
// user posted in the room): the older ones are refused with stale_sequence,
// the stored one is an idempotent duplicate, and the user's next new
// appointment still goes through. The limiter still counts new ones.
func TestReplayTakesNoToken(t *testing.T) {
	e := newTowerEnv(t, func(c *tower.Config) { c.PerKey = monitor.NewRateLimiter(0.001, 3) }, nil)
	user := newBtcKey(t)
	txid := randomTxid(t)
	v1 := newAppointment(t, user, txid, func(a *tower.Appointment) { a.Seq = 1 })
	v2 := newAppointment(t, user, txid, func(a *tower.Appointment) { a.Seq = 2 })
	e.submit(v1)
	e.submit(v2) // two of three tokens
	for range 10 {
		wantError(t, e.putAppointment(appointmentBody(t, v1)), http.StatusConflict, "stale_sequence")
		e.submit(v2)
	}
	e.submit(newAppointment(t, user, randomTxid(t), nil)) // the third token
	wantError(t, e.putAppointment(appointmentBody(t, newAppointment(t, user, randomTxid(t), nil))), http.StatusServiceUnavailable, "rate_limited")
	snap := e.stats.Snapshot(e.clock.Now()).Lightning
	if snap.RejectedByReason["stale_sequence"] != 10 || snap.RejectedByReason["rate_limited"] != 1 || snap.AppointmentsStored != 2 {
		t.Fatalf("stats: %v, stored %d", snap.RejectedByReason, snap.AppointmentsStored)
	}
}
