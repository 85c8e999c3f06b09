package rest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

const adminToken = "0123456789abcdef0123456789abcdef"

var (
	chainID = big.NewInt(1337)
	gwei    = big.NewInt(1_000_000_000)
	// reward is comfortably above the minimum and the gas cost at 1 gwei.
	reward    = new(big.Int).Mul(big.NewInt(1_000_000), gwei) // 1e15 wei
	minReward = new(big.Int).Mul(big.NewInt(1_000), gwei)
)

// fakeClock is a fixed, movable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// chainReader stands in for chains/ethereum: fixed channel infos, a fixed
// gas price, and channels whose reads fail.
type chainReader struct {
	mu       sync.Mutex
	channels map[common.Address]proofs.ChannelInfo
	down     map[common.Address]bool
}

func (c *chainReader) ChainID() *big.Int { return chainID }

func (c *chainReader) ChannelInfo(_ context.Context, ch common.Address) (proofs.ChannelInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down[ch] {
		return proofs.ChannelInfo{}, errors.New("dial tcp 10.0.0.7:8545: connection refused")
	}
	return c.channels[ch], nil // zero value: Exists false
}

func (c *chainReader) RewardDeposit(_ context.Context, ch, p common.Address) (*big.Int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.channels[ch].RewardDepositOf(p), nil
}

func (c *chainReader) GasPrice(context.Context) (*big.Int, error) { return gwei, nil }

type party struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

func newParty(t *testing.T) party {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return party{key: k, addr: crypto.PubkeyToAddress(k.PublicKey)}
}

// channel is a test channel between a (the non-closing participant whom
// requests protect) and b (the partner who signs the balance proofs).
type channel struct {
	addr common.Address
	a, b party
}

// newStats is the registry with both domains' figures registered, as the
// daemon wires them, started from st.
func newStats(tb testing.TB, st *store.Store, version string, now time.Time) (*monitor.Stats, *proofs.Stats, *tower.Stats) {
	tb.Helper()
	stats, err := monitor.NewStats(context.Background(), st, version, now)
	if err != nil {
		tb.Fatal(err)
	}
	totals, err := st.Totals(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	eth, ln := proofs.NewStats(stats, totals), tower.NewStats(stats)
	stats.Register(eth)
	stats.Register(ln)
	return stats, eth, ln
}

type env struct {
	t       *testing.T
	srv     *Server
	h       http.Handler
	store   *store.Store
	stats   *monitor.Stats
	eth     *proofs.Stats
	ln      *tower.Stats
	chain   *chainReader
	clock   *fakeClock
	monitor party
	logs    *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newEnv wires the real SQLite store, monitor.Stats and proofs.Intake
// behind a Server. edit may adjust the rest config.
func newEnv(t *testing.T, edit func(*Config)) *env {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := store.Open(store.Config{Path: filepath.Join(t.TempDir(), "vigil.db"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &fakeClock{now: time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)}
	stats, eth, ln := newStats(t, st, "v-test", clock.Now())
	chain := &chainReader{channels: map[common.Address]proofs.ChannelInfo{}, down: map[common.Address]bool{}}
	mon := newParty(t)
	in, err := proofs.NewIntake(proofs.IntakeConfig{
		Store: st, Chain: chain, Stats: eth, Logger: log, Clock: clock,
		Policy:      proofs.Policy{MinReward: minReward, ProfitFactor: 1.5},
		Monitor:     mon.addr,
		SignReceipt: func(d [32]byte) ([]byte, error) { return eip712.Sign(d, mon.key) },
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Intake: in, Store: st, Stats: stats, AdminToken: adminToken,
		Logger: log, Clock: clock, Version: "1.2.3-test",
	}
	if edit != nil {
		edit(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, h: srv.Handler(), store: st, stats: stats, eth: eth, ln: ln, chain: chain, clock: clock, monitor: mon, logs: logs}
}

// newChannel registers an open channel with a reward deposit for a.
func (e *env) newChannel(state proofs.ChannelState) channel {
	a, b := newParty(e.t), newParty(e.t)
	ch := channel{addr: newParty(e.t).addr, a: a, b: b}
	e.chain.mu.Lock()
	e.chain.channels[ch.addr] = proofs.ChannelInfo{Exists: true, Channel: proofs.Channel{
		Address: ch.addr, Participant1: a.addr, Participant2: b.addr, SettleTimeout: 100, State: state,
		RewardDeposit1: new(big.Int).Mul(reward, big.NewInt(10)),
	}}
	e.chain.mu.Unlock()
	return ch
}

// proof returns the wire JSON of a balance proof really signed by ch.b
// (BalanceProof) and ch.a (MonitorRequest).
func (e *env) proof(ch channel, nonce uint64, rew *big.Int) []byte {
	e.t.Helper()
	return signedProof(e.t, ch.addr, ch.b, ch.a, nonce, rew)
}

func signedProof(t *testing.T, chAddr common.Address, closing, nonClosing party, nonce uint64, rew *big.Int) []byte {
	t.Helper()
	dom := eip712.Domain{ChainID: chainID, Channel: chAddr}
	bp := eip712.BalanceProof{Nonce: nonce, TransferredAmount: big.NewInt(int64(15000 * nonce))}
	bp.Locksroot[0], bp.ExtraHash[31] = 0xeb, 0x9c
	sig, err := eip712.Sign(dom.BalanceProofDigest(bp), closing.key)
	if err != nil {
		t.Fatal(err)
	}
	ncs, err := eip712.Sign(dom.MonitorRequestDigest(bp, sig, rew), nonClosing.key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(proofs.EncodeBalanceProof(proofs.BalanceProof{
		ChainID: chainID, Channel: chAddr, Nonce: nonce, TransferredAmount: bp.TransferredAmount,
		Locksroot: bp.Locksroot, ExtraHash: bp.ExtraHash, Signature: sig,
		NonClosing: nonClosing.addr, NonClosingSignature: ncs, Reward: rew,
	}))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (e *env) do(method, target string, body []byte, header ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return response{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func (e *env) put(body []byte) response {
	e.t.Helper()
	return e.do(http.MethodPut, "/api/1/balance_proofs", body, "Content-Type", "application/json")
}

// wantError checks the status and that the body is exactly
// {"error": reason, "message": non-empty}.
func wantError(t *testing.T, r response, status int, reason string) {
	t.Helper()
	if r.code != status {
		t.Fatalf("status %d, want %d; body %s", r.code, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	m := r.json(t)
	if len(m) != 2 || m["error"] != reason {
		t.Fatalf("error body %s, want error %q and a message only", r.body, reason)
	}
	if msg, _ := m["message"].(string); msg == "" {
		t.Fatalf("empty message: %s", r.body)
	}
}

func TestPutAcceptedDuplicateReplaced(t *testing.T) {
	e := newEnv(t, nil)
	ch := e.newChannel(proofs.ChannelOpen)

	r := e.put(e.proof(ch, 5, reward))
	if r.code != http.StatusCreated {
		t.Fatalf("status %d: %s", r.code, r.body)
	}
	m := r.json(t)
	want := map[string]any{
		"kind": "balance_proof", "chain_id": chainID.String(),
		"channel_address": ch.addr.Hex(), "non_closing_participant": ch.a.addr.Hex(),
		"closing_participant": ch.b.addr.Hex(), "nonce": "5", "reward_amount": reward.String(),
		"duplicate": false, "replaced": false, "monitor": e.monitor.addr.Hex(),
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if len(m) != len(want)+2 || m["receipt_signature"] != m["signature"] {
		t.Errorf("unexpected fields (want signature and its deprecated copy receipt_signature besides): %s", r.body)
	}
	// The receipt is a MonitorReceipt signature by the monitor's key.
	sig, err := hex.DecodeString(strings.TrimPrefix(m["signature"].(string), "0x"))
	if err != nil {
		t.Fatal(err)
	}
	dom := eip712.Domain{ChainID: chainID, Channel: ch.addr}
	if got, err := eip712.Recover(dom.MonitorReceiptDigest(5, reward, e.monitor.addr), sig); err != nil || got != e.monitor.addr {
		t.Fatalf("receipt recovers to %s, %v", got.Hex(), err)
	}
	if loc := r.header.Get("Location"); !strings.Contains(loc, ch.addr.Hex()) {
		t.Errorf("Location %q", loc)
	}

	// The identical request again: idempotent, 200.
	r = e.put(e.proof(ch, 5, reward))
	if r.code != http.StatusOK || r.json(t)["duplicate"] != true {
		t.Fatalf("duplicate: %d %s", r.code, r.body)
	}
	// A newer nonce replaces: 201 with replaced.
	r = e.put(e.proof(ch, 6, reward))
	if r.code != http.StatusCreated || r.json(t)["replaced"] != true {
		t.Fatalf("replace: %d %s", r.code, r.body)
	}
	// No Content-Type at all is accepted too.
	ch2 := e.newChannel(proofs.ChannelOpen)
	if r := e.do(http.MethodPut, "/api/1/balance_proofs", e.proof(ch2, 1, reward)); r.code != http.StatusCreated {
		t.Fatalf("without Content-Type: %d %s", r.code, r.body)
	}
}

func TestPutErrors(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 8 << 10 })
	open := e.newChannel(proofs.ChannelOpen)
	closed := e.newChannel(proofs.ChannelClosed)
	down := e.newChannel(proofs.ChannelOpen)
	e.chain.down[down.addr] = true
	if r := e.put(e.proof(open, 7, reward)); r.code != http.StatusCreated {
		t.Fatalf("setup: %d %s", r.code, r.body)
	}
	unknown := channel{addr: newParty(t).addr, a: newParty(t), b: newParty(t)}

	var withExtra map[string]any
	_ = json.Unmarshal(e.proof(open, 8, reward), &withExtra)
	withExtra["colour"] = "blue"
	extra, _ := json.Marshal(withExtra)

	// Signed by the wrong partner: b signs as non-closing for a stranger.
	stranger := newParty(t)
	wrongSigner := signedProof(t, open.addr, stranger, open.a, 9, reward)

	cases := []struct {
		name   string
		body   []byte
		ct     string
		status int
		reason string
	}{
		{"malformed", []byte(`{"nonce":`), "application/json", 400, "malformed_json"},
		{"not an object", []byte(`[1,2]`), "application/json", 400, "malformed_json"},
		{"unknown field", extra, "application/json", 400, "unknown_field"},
		{"wrong signer", wrongSigner, "application/json", 400, "wrong_signer"},
		{"unknown channel", e.proof(unknown, 1, reward), "application/json", 400, "unknown_channel"},
		{"stale nonce", e.proof(open, 3, reward), "application/json", 409, "stale_nonce"},
		{"closed channel", e.proof(closed, 1, reward), "application/json", 409, "channel_closed"},
		{"reward below minimum", e.proof(open, 10, big.NewInt(5)), "application/json", 422, "reward_below_minimum"},
		{"node down", e.proof(down, 1, reward), "application/json", 503, "chain_unavailable"},
		{"media type", e.proof(open, 11, reward), "text/plain", 415, "unsupported_media_type"},
		{"json suffix media type ok", e.proof(open, 12, reward), "application/merge-patch+json; charset=utf-8", 201, ""},
		// Above proofs.MaxMessageBytes but below MaxBodyBytes: intake's own
		// body_too_large, also a 413.
		{"over message limit", bytes.Repeat([]byte(" "), proofs.MaxMessageBytes+1), "application/json", 413, "body_too_large"},
		{"over body limit", bytes.Repeat([]byte(" "), 8<<10+1), "application/json", 413, "body_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(http.MethodPut, "/api/1/balance_proofs", c.body, "Content-Type", c.ct)
			if c.reason == "" {
				if r.code != c.status {
					t.Fatalf("status %d, want %d: %s", r.code, c.status, r.body)
				}
				return
			}
			wantError(t, r, c.status, c.reason)
		})
	}
	if strings.Contains(e.logs.String(), "connection refused") == false {
		t.Error("the unavailable node's detail should be logged")
	}

	// An oversize body streamed without Content-Length is cut off by
	// MaxBytesReader.
	t.Run("chunked oversize", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPut, "/api/1/balance_proofs", io.MultiReader(bytes.NewReader(make([]byte, 9<<10))))
		req.ContentLength = -1
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		wantError(t, response{rec.Code, rec.Header(), rec.Body.Bytes()}, 413, "body_too_large")
	})

	// Rejections that reached intake are counted by reason.
	snap := e.stats.Snapshot(e.clock.Now())
	for _, reason := range []string{"malformed_json", "stale_nonce", "reward_below_minimum", "chain_unavailable"} {
		if snap.BalanceProofs.RejectedByReason[reason] == 0 {
			t.Errorf("rejection %s not counted: %v", reason, snap.BalanceProofs.RejectedByReason)
		}
	}
}

// failingStore is a rest.Store whose reads fail with internal detail.
type failingStore struct{ err error }

func (f failingStore) Requests(context.Context, proofs.RequestQuery) ([]proofs.Request, string, error) {
	return nil, "", f.err
}
func (f failingStore) DeleteRequests(context.Context, common.Address) (int64, error) { return 0, f.err }
func (f failingStore) Updates(context.Context, proofs.UpdateQuery) ([]proofs.Update, error) {
	return nil, f.err
}

func TestInternalErrorsHideDetail(t *testing.T) {
	secret := errors.New("disk I/O error at /var/lib/vigil/secret.db")
	e := newEnv(t, func(c *Config) { c.Store = failingStore{secret} })
	for _, target := range []string{"/api/1/balance_proofs", "/api/1/channel_update"} {
		r := e.do(http.MethodGet, target, nil)
		wantError(t, r, http.StatusInternalServerError, "internal_error")
		if r.json(t)["message"] != "internal error" || bytes.Contains(r.body, []byte("secret")) {
			t.Fatalf("internal detail leaked: %s", r.body)
		}
	}
	if !strings.Contains(e.logs.String(), "secret.db") {
		t.Error("internal detail was not logged")
	}
	// A plain monitor.ErrNotFound from a store is a 404.
	e = newEnv(t, func(c *Config) { c.Store = failingStore{fmt.Errorf("lookup: %w", monitor.ErrNotFound)} })
	wantError(t, e.do(http.MethodGet, "/api/1/channel_update", nil), http.StatusNotFound, "not_found")
}

func TestStatusTable(t *testing.T) {
	want := map[monitor.Code]int{
		monitor.CodeInvalid: 400, monitor.CodeNotFound: 404, monitor.CodeConflict: 409,
		monitor.CodeUnprofitable: 422, monitor.CodeUnavailable: 503, monitor.CodeUnauthorized: 401,
		monitor.CodeInternal: 500,
	}
	for _, reason := range monitor.Reasons() {
		e := monitor.Reject(reason, "x")
		st := statusFor(e)
		if reason == monitor.ReasonBodyTooLarge {
			if st != 413 {
				t.Errorf("%s: %d", reason, st)
			}
			continue
		}
		if st != want[e.Code()] {
			t.Errorf("%s (%s): status %d, want %d", reason, e.Code(), st, want[e.Code()])
		}
	}
	if st := statusFor(monitor.Reject("no_such_reason", "x")); st != 500 {
		t.Errorf("unknown reason: %d", st)
	}
}

type listPage struct {
	BalanceProofs []map[string]string `json:"balance_proofs"`
	Next          *string             `json:"next"`
}

func (e *env) list(query string) listPage {
	e.t.Helper()
	r := e.do(http.MethodGet, "/api/1/balance_proofs"+query, nil)
	if r.code != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", query, r.code, r.body)
	}
	var p listPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func TestListBalanceProofs(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PageLimitMax = 3 })
	var chans []channel
	for i := 0; i < 5; i++ {
		ch := e.newChannel(proofs.ChannelOpen)
		chans = append(chans, ch)
		if r := e.put(e.proof(ch, uint64(i+1), reward)); r.code != http.StatusCreated {
			t.Fatalf("put: %d %s", r.code, r.body)
		}
	}

	// Empty store page shape first, on a fresh server.
	if p := newEnv(t, nil).list(""); p.BalanceProofs == nil || len(p.BalanceProofs) != 0 || p.Next != nil {
		t.Fatalf("empty page: %+v", p)
	}

	// Pages of 2 walk all 5 in (channel, non-closing) order, next omitted at the end.
	var seen []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		q := "?limit=2"
		if after != "" {
			q += "&after=" + after
		}
		p := e.list(q)
		for _, bp := range p.BalanceProofs {
			seen = append(seen, bp["channel_address"])
		}
		if p.Next == nil {
			if len(p.BalanceProofs) != 1 {
				t.Fatalf("last page has %d", len(p.BalanceProofs))
			}
			break
		}
		if len(p.BalanceProofs) != 2 {
			t.Fatalf("page has %d", len(p.BalanceProofs))
		}
		after = *p.Next
	}
	if len(seen) != 5 || !sort.SliceIsSorted(seen, func(i, j int) bool {
		return common.HexToAddress(seen[i]).Cmp(common.HexToAddress(seen[j])) < 0
	}) {
		t.Fatalf("pages: %v", seen)
	}

	// A limit above PageLimitMax is capped.
	if p := e.list("?limit=100"); len(p.BalanceProofs) != 3 || p.Next == nil {
		t.Fatalf("capped page: %d, next %v", len(p.BalanceProofs), p.Next)
	}

	// Filters: channel; participant matches the non-closing or the closing side.
	ch := chans[2]
	p := e.list("?channel=" + strings.ToLower(ch.addr.Hex()))
	if len(p.BalanceProofs) != 1 {
		t.Fatalf("channel filter: %+v", p)
	}
	bp := p.BalanceProofs[0]
	wantFields := map[string]string{
		"chain_id": "1337", "channel_address": ch.addr.Hex(), "nonce": "3",
		"non_closing_participant": ch.a.addr.Hex(), "closing_participant": ch.b.addr.Hex(),
		"reward_amount": reward.String(), "transferred_amount": "45000", "source": "rest",
		"received_at": e.clock.Now().Format(time.RFC3339Nano),
	}
	for k, v := range wantFields {
		if bp[k] != v {
			t.Errorf("%s = %q, want %q", k, bp[k], v)
		}
	}
	for _, k := range []string{"locksroot", "extra_hash", "signature", "non_closing_signature"} {
		if !strings.HasPrefix(bp[k], "0x") {
			t.Errorf("%s = %q", k, bp[k])
		}
	}
	// The stored proof re-verifies: the API returns exactly what was signed.
	sig, _ := hex.DecodeString(bp["signature"][2:])
	dom := eip712.Domain{ChainID: chainID, Channel: ch.addr}
	var lr, eh [32]byte
	lr[0], eh[31] = 0xeb, 0x9c
	if got, err := eip712.Recover(dom.BalanceProofDigest(eip712.BalanceProof{Nonce: 3, TransferredAmount: big.NewInt(45000), Locksroot: lr, ExtraHash: eh}), sig); err != nil || got != ch.b.addr {
		t.Errorf("stored signature recovers to %s, %v", got.Hex(), err)
	}
	for _, who := range []common.Address{ch.a.addr, ch.b.addr} {
		if p := e.list("?participant=" + who.Hex()); len(p.BalanceProofs) != 1 || p.BalanceProofs[0]["channel_address"] != ch.addr.Hex() {
			t.Errorf("participant filter %s: %+v", who.Hex(), p)
		}
	}
	if p := e.list("?channel=" + ch.addr.Hex() + "&participant=" + chans[0].a.addr.Hex()); len(p.BalanceProofs) != 0 {
		t.Errorf("combined filter: %+v", p)
	}

	// Bad parameters.
	mixed := []byte(ch.addr.Hex())
	for i := 2; i < len(mixed); i++ { // flip case of the first letter: bad checksum
		if mixed[i] >= 'a' && mixed[i] <= 'f' {
			mixed[i] -= 32
			break
		} else if mixed[i] >= 'A' && mixed[i] <= 'F' {
			mixed[i] += 32
			break
		}
	}
	for _, c := range []struct{ query, reason string }{
		{"?channel=0x1234", "bad_address"},
		{"?participant=nothex", "bad_address"},
		{"?channel=" + string(mixed), "bad_checksum"},
		{"?limit=abc", "bad_number"},
		{"?limit=0", "bad_number"},
		{"?limit=-1", "bad_number"},
		{"?limit=99999999999999999999999", "number_overflow"},
		{"?after=zz", "bad_hex"},
	} {
		wantError(t, e.do(http.MethodGet, "/api/1/balance_proofs"+c.query, nil), 400, c.reason)
	}
}

func TestDeleteAdmin(t *testing.T) {
	e := newEnv(t, nil)
	ch := e.newChannel(proofs.ChannelOpen)
	if r := e.put(e.proof(ch, 1, reward)); r.code != http.StatusCreated {
		t.Fatal(r.code, string(r.body))
	}
	other := e.newChannel(proofs.ChannelOpen)
	if r := e.put(e.proof(other, 1, reward)); r.code != http.StatusCreated {
		t.Fatal(r.code, string(r.body))
	}
	target := "/api/1/balance_proofs/" + ch.addr.Hex()

	r := e.do(http.MethodDelete, target, nil)
	wantError(t, r, http.StatusUnauthorized, "unauthorized")
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
	}
	for _, auth := range []string{"Bearer wrong", "Bearer " + adminToken + "x", "Basic " + adminToken, adminToken, "Bearer"} {
		wantError(t, e.do(http.MethodDelete, target, nil, "Authorization", auth), http.StatusUnauthorized, "unauthorized")
	}
	if got := e.stats.Snapshot(e.clock.Now()).BalanceProofs.Stored; got != 2 {
		t.Fatalf("stored %d before delete", got)
	}

	r = e.do(http.MethodDelete, target, nil, "Authorization", "Bearer "+adminToken)
	if r.code != http.StatusOK || string(bytes.TrimSpace(r.body)) != `{"deleted":1}` {
		t.Fatalf("delete: %d %s", r.code, r.body)
	}
	if p := e.list("?channel=" + ch.addr.Hex()); len(p.BalanceProofs) != 0 {
		t.Fatalf("still listed: %+v", p)
	}
	if p := e.list(""); len(p.BalanceProofs) != 1 {
		t.Fatalf("other channel gone: %+v", p)
	}
	if got := e.stats.Snapshot(e.clock.Now()).BalanceProofs.Stored; got != 1 {
		t.Fatalf("stored %d after delete, want 1", got)
	}
	// Again: nothing left, still 200.
	r = e.do(http.MethodDelete, target, nil, "Authorization", "bearer "+adminToken)
	if r.code != http.StatusOK || r.json(t)["deleted"] != float64(0) {
		t.Fatalf("second delete: %d %s", r.code, r.body)
	}
	wantError(t, e.do(http.MethodDelete, "/api/1/balance_proofs/0xnope", nil, "Authorization", "Bearer "+adminToken), 400, "bad_address")

	// Without a configured token, admin routes are closed.
	closed := newEnv(t, func(c *Config) { c.AdminToken = "" })
	wantError(t, closed.do(http.MethodDelete, target, nil, "Authorization", "Bearer "), http.StatusUnauthorized, "unauthorized")
}

func TestChannelUpdates(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	chA, chB := newParty(t).addr, newParty(t).addr
	nc := newParty(t).addr
	created := e.clock.Now()
	ins := func(u proofs.Update) int64 {
		u.NonClosing, u.Reward, u.CreatedAt, u.UpdatedAt = nc, reward, created, created.Add(time.Minute)
		id, err := e.store.InsertUpdate(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	skipped := ins(proofs.Update{Channel: chA, Nonce: 4, Outcome: proofs.OutcomeSkipped, Detail: "a competitor already updated"})
	mined := ins(proofs.Update{
		Channel: chA, Nonce: 5, Outcome: proofs.OutcomeMined, TxHash: common.HexToHash("0xabc1"), TxNonce: 0,
		GasPrice: gwei, GasLimit: 150000, SentBlock: 100, Block: 102, GasUsed: 110000,
		GasPaid: new(big.Int).Mul(big.NewInt(110000), gwei), RewardWon: reward, Replacement: 1,
	})
	pending := ins(proofs.Update{Channel: chB, Nonce: 9, Outcome: proofs.OutcomePending, TxHash: common.HexToHash("0xabc2"), TxNonce: 1, GasPrice: gwei, SentBlock: 103})

	type page struct {
		Updates []map[string]any `json:"channel_updates"`
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

	all := get("/api/1/channel_update")
	if len(all.Updates) != 3 || all.Next != nil {
		t.Fatalf("all: %+v", all)
	}
	// Not sent: no transaction fields at all.
	u := all.Updates[0]
	if u["id"] != float64(skipped) || u["outcome"] != "skipped" || u["detail"] != "a competitor already updated" || u["nonce"] != "4" {
		t.Fatalf("skipped update: %v", u)
	}
	for _, k := range []string{"tx_hash", "tx_nonce", "block", "sent_block", "gas_used", "gas_price_wei", "gas_paid_wei", "replacements", "reward_won_wei"} {
		if _, ok := u[k]; ok {
			t.Errorf("unsent update has %s", k)
		}
	}
	// Mined: every field, quantities as decimal strings.
	u = all.Updates[1]
	want := map[string]any{
		"id": float64(mined), "channel_address": chA.Hex(), "non_closing_participant": nc.Hex(), "nonce": "5",
		"outcome": "mined", "detail": "", "tx_hash": common.HexToHash("0xabc1").Hex(), "tx_nonce": "0",
		"block": "102", "sent_block": "100", "gas_used": "110000", "gas_price_wei": "1000000000",
		"gas_paid_wei": "110000000000000", "reward_wei": reward.String(), "reward_won_wei": reward.String(),
		"replacements": float64(1), "created_at": created.Format(time.RFC3339Nano),
		"updated_at": created.Add(time.Minute).Format(time.RFC3339Nano),
	}
	if len(u) != len(want) {
		t.Errorf("mined update fields: %v", u)
	}
	for k, v := range want {
		if u[k] != v {
			t.Errorf("%s = %v, want %v", k, u[k], v)
		}
	}
	// Pending: sent, not mined.
	u = all.Updates[2]
	if u["tx_hash"] == nil || u["sent_block"] != "103" || u["block"] != nil || u["gas_used"] != nil {
		t.Errorf("pending update: %v", u)
	}

	// Pagination by id.
	p := get("/api/1/channel_update?limit=2")
	if len(p.Updates) != 2 || p.Next == nil || *p.Next != mined {
		t.Fatalf("page 1: %+v", p)
	}
	p = get(fmt.Sprintf("/api/1/channel_update?limit=2&after_id=%d", *p.Next))
	if len(p.Updates) != 1 || p.Updates[0]["id"] != float64(pending) || p.Next != nil {
		t.Fatalf("page 2: %+v", p)
	}

	// Filters.
	if p := get("/api/1/channel_update/" + chA.Hex()); len(p.Updates) != 2 {
		t.Errorf("channel A: %d", len(p.Updates))
	}
	if p := get("/api/1/channel_update/" + strings.ToLower(chB.Hex())); len(p.Updates) != 1 || p.Updates[0]["outcome"] != "pending" {
		t.Errorf("channel B: %+v", p)
	}
	if p := get("/api/1/channel_update?outcome=mined,pending"); len(p.Updates) != 2 {
		t.Errorf("outcome list: %d", len(p.Updates))
	}
	if p := get("/api/1/channel_update?outcome=skipped&outcome=pending"); len(p.Updates) != 2 {
		t.Errorf("repeated outcome: %d", len(p.Updates))
	}
	if p := get("/api/1/channel_update/" + chA.Hex() + "?outcome=pending"); len(p.Updates) != 0 || p.Updates == nil {
		t.Errorf("channel A pending: %+v", p)
	}

	wantError(t, e.do(http.MethodGet, "/api/1/channel_update?outcome=won", nil), 400, "bad_type")
	wantError(t, e.do(http.MethodGet, "/api/1/channel_update?after_id=x", nil), 400, "bad_number")
	wantError(t, e.do(http.MethodGet, "/api/1/channel_update?after_id=18446744073709551615", nil), 400, "number_overflow")
	wantError(t, e.do(http.MethodGet, "/api/1/channel_update/0x12", nil), 400, "bad_address")
}

func TestStats(t *testing.T) {
	e := newEnv(t, nil)
	ch := e.newChannel(proofs.ChannelOpen)
	e.put(e.proof(ch, 1, reward))
	e.put([]byte(`{}`))
	e.clock.Add(90 * time.Second)

	r := e.do(http.MethodGet, "/api/1/stats", nil)
	if r.code != http.StatusOK {
		t.Fatal(r.code, string(r.body))
	}
	var doc struct {
		Version       string `json:"version"`
		UptimeSeconds *int64 `json:"uptime_seconds"`
		BalanceProofs struct {
			Stored           *int64           `json:"stored"`
			Received         map[string]int64 `json:"received"`
			Accepted         map[string]int64 `json:"accepted"`
			Rejected         int64            `json:"rejected"`
			RejectedByReason map[string]int64 `json:"rejected_by_reason"`
			UniqueChannels   int64            `json:"unique_channels"`
		} `json:"balance_proofs"`
		Updates  map[string]any `json:"updates"`
		Ethereum map[string]any `json:"ethereum"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	bp := doc.BalanceProofs
	if doc.Version != "v-test" || doc.UptimeSeconds == nil || *doc.UptimeSeconds != 90 {
		t.Errorf("version/uptime: %s", r.body)
	}
	if bp.Stored == nil || *bp.Stored != 1 || bp.Received["rest"] != 2 || bp.Accepted["rest"] != 1 ||
		bp.Rejected != 1 || bp.RejectedByReason["missing_field"] != 1 || bp.UniqueChannels != 1 {
		t.Errorf("balance_proofs: %s", r.body)
	}
	for _, k := range []string{"submitted", "won", "rewards_earned_wei", "gas_spent_wei", "net_earnings_wei"} {
		if _, ok := doc.Updates[k]; !ok {
			t.Errorf("updates.%s missing", k)
		}
	}
	for _, k := range []string{"chain_id", "head", "last_processed_block", "blocks_behind", "monitor_address"} {
		if _, ok := doc.Ethereum[k]; !ok {
			t.Errorf("ethereum.%s missing", k)
		}
	}
}

var (
	metricName  = `[a-zA-Z_:][a-zA-Z0-9_:]*`
	helpLine    = regexp.MustCompile(`^# HELP (` + metricName + `) [^\n]*$`)
	typeLine    = regexp.MustCompile(`^# TYPE (` + metricName + `) (counter|gauge|histogram|summary|untyped)$`)
	sampleLine  = regexp.MustCompile(`^(` + metricName + `)(\{(.*)\})? (\S+)$`)
	labelPair   = regexp.MustCompile(`^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"`)
	labelEscape = strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n")
)

type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// parseExposition checks every line of a text exposition and returns the
// samples with their family types.
func parseExposition(t *testing.T, text string) ([]sample, map[string]string) {
	t.Helper()
	if !strings.HasSuffix(text, "\n") {
		t.Fatal("exposition does not end with a newline")
	}
	types := map[string]string{}
	helps := map[string]bool{}
	seen := map[string]bool{}
	var out []sample
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if m := helpLine.FindStringSubmatch(line); m != nil {
			if helps[m[1]] {
				t.Fatalf("line %d: second HELP for %s", i+1, m[1])
			}
			helps[m[1]] = true
			continue
		}
		if m := typeLine.FindStringSubmatch(line); m != nil {
			if _, dup := types[m[1]]; dup {
				t.Fatalf("line %d: second TYPE for %s", i+1, m[1])
			}
			types[m[1]] = m[2]
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("line %d is not name{labels} value: %q", i+1, line)
		}
		s := sample{name: m[1], labels: map[string]string{}}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			t.Fatalf("line %d: value %q: %v", i+1, m[4], err)
		}
		s.value = v
		rest := m[3]
		for rest != "" {
			lm := labelPair.FindStringSubmatch(rest)
			if lm == nil {
				t.Fatalf("line %d: bad labels %q", i+1, m[3])
			}
			s.labels[lm[1]] = labelEscape.Replace(lm[2])
			rest = strings.TrimPrefix(rest[len(lm[0]):], ",")
		}
		family := s.name
		if _, ok := types[family]; !ok {
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if f := strings.TrimSuffix(s.name, suf); f != s.name && types[f] == "histogram" {
					family = f
				}
			}
		}
		if _, ok := types[family]; !ok || !helps[family] {
			t.Fatalf("line %d: sample %s before its HELP/TYPE", i+1, s.name)
		}
		key := s.name + "{" + m[3] + "}"
		if seen[key] {
			t.Fatalf("line %d: duplicate series %s", i+1, key)
		}
		seen[key] = true
		out = append(out, s)
	}
	return out, types
}

func find(samples []sample, name string, labels map[string]string) (float64, bool) {
	for _, s := range samples {
		if s.name != name || len(s.labels) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			if s.labels[k] != v {
				match = false
			}
		}
		if match {
			return s.value, true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, nil)
	ch := e.newChannel(proofs.ChannelOpen)
	e.put(e.proof(ch, 1, reward))
	e.put(e.proof(ch, 1, big.NewInt(5))) // reward_below_minimum
	e.do(http.MethodGet, "/api/1/stats", nil)
	e.do(http.MethodGet, "/no/such/path", nil)
	e.eth.GasPaid(new(big.Int).Exp(big.NewInt(10), big.NewInt(20), nil)) // 1e20 wei, beyond 2^53
	e.eth.SetChain(func(c *proofs.ChainStatus) {
		c.Head, c.LastProcessed.Number, c.Balance = 120, 110, big.NewInt(123456789)
	})
	e.clock.Add(42 * time.Second)

	r := e.do(http.MethodGet, "/metrics", nil)
	if r.code != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("%d %q", r.code, r.header.Get("Content-Type"))
	}
	samples, types := parseExposition(t, string(r.body))

	for name, typ := range map[string]string{
		"vigil_balance_proofs_stored": "gauge", "vigil_balance_proofs_received_total": "counter",
		"vigil_balance_proofs_accepted_total": "counter", "vigil_balance_proofs_rejected_total": "counter",
		"vigil_updates_submitted_total": "counter", "vigil_updates_won_total": "counter",
		"vigil_rewards_earned_wei": "counter", "vigil_gas_spent_wei": "counter",
		"vigil_eth_head_block": "gauge", "vigil_eth_last_processed_block": "gauge", "vigil_eth_blocks_behind": "gauge",
		"vigil_eth_balance_wei": "gauge", "vigil_uptime_seconds": "gauge", "vigil_build_info": "gauge",
		"vigil_http_requests_total": "counter", "vigil_http_request_duration_seconds": "histogram",
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
		{"vigil_balance_proofs_stored", nil, 1},
		{"vigil_balance_proofs_received_total", map[string]string{"source": "rest"}, 2},
		{"vigil_balance_proofs_received_total", map[string]string{"source": "matrix"}, 0},
		{"vigil_balance_proofs_accepted_total", map[string]string{"source": "rest"}, 1},
		{"vigil_balance_proofs_rejected_total", map[string]string{"source": "rest", "reason": "reward_below_minimum"}, 1},
		{"vigil_balance_proofs_rejected_total", map[string]string{"source": "matrix", "reason": "stale_nonce"}, 0},
		{"vigil_gas_spent_wei", nil, 1e20},
		{"vigil_rewards_earned_wei", nil, 0},
		{"vigil_eth_head_block", nil, 120},
		{"vigil_eth_blocks_behind", nil, 10},
		{"vigil_eth_balance_wei", nil, 123456789},
		{"vigil_uptime_seconds", nil, 42},
		{"vigil_build_info", map[string]string{"version": "1.2.3-test"}, 1},
		{"vigil_http_requests_total", map[string]string{"route": "/api/1/balance_proofs", "method": "PUT", "code": "201"}, 1},
		{"vigil_http_requests_total", map[string]string{"route": "/api/1/balance_proofs", "method": "PUT", "code": "422"}, 1},
		{"vigil_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "code": "404"}, 1},
		{"vigil_http_request_duration_seconds_count", map[string]string{"route": "/api/1/balance_proofs", "method": "PUT"}, 2},
		{"vigil_http_request_duration_seconds_bucket", map[string]string{"route": "/api/1/balance_proofs", "method": "PUT", "le": "+Inf"}, 2},
	} {
		got, ok := find(samples, c.name, c.labels)
		if !ok || got != c.want {
			t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	// Histogram buckets are cumulative.
	var last float64
	for _, s := range samples {
		if s.name == "vigil_http_request_duration_seconds_bucket" && s.labels["route"] == "/api/1/balance_proofs" {
			if s.value < last {
				t.Fatalf("bucket %s decreases", s.labels["le"])
			}
			last = s.value
		}
	}
	// Deterministic: the same state renders the same text (the /metrics
	// request itself is counted, so compare two renders of one state).
	if a, b := renderMetrics(t, e.srv), renderMetrics(t, e.srv); a != b {
		t.Errorf("metrics output is not deterministic:\n%s\n----\n%s", a, b)
	}
}

// renderMetrics gathers the Server's registry into the text exposition
// without serving a request (which would count itself).
func renderMetrics(t *testing.T, s *Server) string {
	t.Helper()
	mfs, err := s.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

// TestMetricsEscaping: a label value with a quote, a backslash and a
// newline (here a source name, which comes from the stats counters) is
// escaped in the exposition and parses back to itself; every help text
// is served as written.
func TestMetricsEscaping(t *testing.T) {
	e := newEnv(t, nil)
	odd := "a\"b\\c\nd"
	e.stats.Count("rejected."+odd+".stale_nonce", 3)
	body := string(e.do(http.MethodGet, "/metrics", nil).body)
	if !strings.Contains(body, `source="a\"b\\c\nd"`) {
		t.Fatalf("label value not escaped:\n%s", body)
	}
	samples, types := parseExposition(t, body)
	if v, ok := find(samples, "vigil_balance_proofs_rejected_total", map[string]string{"source": odd, "reason": "stale_nonce"}); !ok || v != 3 {
		t.Fatalf("round trip: %v (found %v)", v, ok)
	}
	for _, f := range families {
		name, help := descNameHelp(t, f.desc)
		if _, present := types[name]; present && !strings.Contains(body, "# HELP "+name+" "+help+"\n") {
			t.Errorf("HELP of %s is not %q", name, help)
		}
	}
}

// descNameHelp reads a Desc's name and help from its String form
// (client_golang offers no accessors).
func descNameHelp(t *testing.T, d *prometheus.Desc) (string, string) {
	t.Helper()
	m := descString.FindStringSubmatch(d.String())
	if m == nil {
		t.Fatalf("unexpected Desc form %s", d)
	}
	help, err := strconv.Unquote(m[2])
	if err != nil {
		t.Fatalf("help of %s: %v", d, err)
	}
	return m[1], help
}

var descString = regexp.MustCompile(`^Desc\{fqName: "([^"]+)", help: ("(?:[^"\\]|\\.)*"), `)

func TestHealthz(t *testing.T) {
	var healthErr error
	var mu sync.Mutex
	e := newEnv(t, func(c *Config) {
		c.Health = func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			return healthErr
		}
	})
	r := e.do(http.MethodGet, "/healthz", nil)
	if r.code != http.StatusOK || string(bytes.TrimSpace(r.body)) != `{"status":"ok"}` {
		t.Fatalf("%d %s", r.code, r.body)
	}
	mu.Lock()
	healthErr = errors.New("ethereum node not reachable")
	mu.Unlock()
	r = e.do(http.MethodGet, "/healthz", nil)
	m := r.json(t)
	if r.code != http.StatusServiceUnavailable || m["status"] != "unavailable" || m["message"] != "ethereum node not reachable" || m["error"] != "unavailable" {
		t.Fatalf("%d %s", r.code, r.body)
	}
	mu.Lock()
	healthErr = monitor.Unavailable(monitor.ReasonChainUnavailable, "chain watcher is 40 blocks behind", errors.New("detail"))
	mu.Unlock()
	r = e.do(http.MethodGet, "/healthz", nil)
	m = r.json(t)
	if r.code != http.StatusServiceUnavailable || m["error"] != "chain_unavailable" || m["message"] != "chain watcher is 40 blocks behind" {
		t.Fatalf("%d %s", r.code, r.body)
	}
	// Without a Health func the server is healthy.
	if r := newEnv(t, nil).do(http.MethodGet, "/healthz", nil); r.code != http.StatusOK {
		t.Fatal(r.code)
	}
}

// TestHealthzParts: every part is listed; the answer is 503 with the first
// failing part (in name order) when any is not ok.
func TestHealthzParts(t *testing.T) {
	var mu sync.Mutex
	age := 1.5
	parts := map[string]HealthPart{"ethereum": {Status: HealthOK, AgeSeconds: &age}, "store": {Status: HealthOK}}
	e := newEnv(t, func(c *Config) {
		c.HealthParts = func(context.Context) map[string]HealthPart {
			mu.Lock()
			defer mu.Unlock()
			return maps.Clone(parts)
		}
	})
	r := e.do(http.MethodGet, "/healthz", nil)
	m := r.json(t)
	ps, _ := m["parts"].(map[string]any)
	eth, _ := ps["ethereum"].(map[string]any)
	if r.code != http.StatusOK || m["status"] != "ok" || len(ps) != 2 || eth["status"] != "ok" || eth["age_seconds"] != 1.5 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	mu.Lock()
	parts["store"] = HealthPart{Status: HealthUnavailable, Error: "storage_unavailable", Message: "the store does not take a write"}
	parts["bitcoin"] = HealthPart{Status: HealthUnavailable, Error: "node_out_of_sync", Message: "its tip is below the last processed block 9"}
	mu.Unlock()
	r = e.do(http.MethodGet, "/healthz", nil)
	m = r.json(t)
	ps, _ = m["parts"].(map[string]any)
	if r.code != http.StatusServiceUnavailable || m["status"] != "unavailable" || m["error"] != "node_out_of_sync" ||
		m["message"] != "bitcoin: its tip is below the last processed block 9" || len(ps) != 3 {
		t.Fatalf("%d %s", r.code, r.body)
	}
	if st, _ := ps["store"].(map[string]any); st["error"] != "storage_unavailable" {
		t.Fatalf("store part: %s", r.body)
	}
}

func TestPanicIsA500AndServingGoesOn(t *testing.T) {
	var calls int
	e := newEnv(t, func(c *Config) {
		c.Health = func(context.Context) error {
			calls++
			if calls == 1 {
				panic("boom in health check")
			}
			return nil
		}
	})
	wantError(t, e.do(http.MethodGet, "/healthz", nil), http.StatusInternalServerError, "internal_error")
	if !strings.Contains(e.logs.String(), "boom in health check") {
		t.Error("panic not logged")
	}
	if r := e.do(http.MethodGet, "/healthz", nil); r.code != http.StatusOK {
		t.Fatalf("after panic: %d %s", r.code, r.body)
	}
	samples, _ := parseExposition(t, string(e.do(http.MethodGet, "/metrics", nil).body))
	if v, _ := find(samples, "vigil_http_requests_total", map[string]string{"route": "/healthz", "method": "GET", "code": "500"}); v != 1 {
		t.Errorf("panic counted %v times as a 500", v)
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	e := newEnv(t, nil)
	wantError(t, e.do(http.MethodGet, "/api/1/nothing", nil), http.StatusNotFound, "not_found")
	wantError(t, e.do(http.MethodGet, "/api", nil), http.StatusNotFound, "not_found")
	r := e.do(http.MethodPost, "/api/1/balance_proofs", []byte(`{}`))
	wantError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
	if allow := r.header.Get("Allow"); allow != "GET, PUT" {
		t.Errorf("Allow %q", allow)
	}
	r = e.do(http.MethodGet, "/api/1/balance_proofs/"+newParty(t).addr.Hex(), nil)
	wantError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
	if allow := r.header.Get("Allow"); allow != "DELETE" {
		t.Errorf("Allow %q", allow)
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New accepted an empty config")
	}
	e := newEnv(t, nil)
	if e.srv.cfg.MaxBodyBytes != DefaultMaxBodyBytes || e.srv.cfg.PageLimitMax != DefaultPageLimitMax || e.srv.limit != DefaultPageLimit {
		t.Fatalf("defaults: %+v", e.srv.cfg)
	}
	cfg := e.srv.cfg
	cfg.MaxBodyBytes = -1
	if _, err := New(cfg); err == nil {
		t.Fatal("negative MaxBodyBytes accepted")
	}
}

func TestServeShutsDownOnCancel(t *testing.T) {
	e := newEnv(t, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln) }()

	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	client.CloseIdleConnections()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := client.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
	// Stopping leaves no goroutines behind (poll: connection goroutines
	// exit asynchronously).
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after shutdown, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLoadOrCreateToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	path := filepath.Join(dir, "admin.token")

	tok, err := LoadOrCreateToken(path)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := hex.DecodeString(tok); err != nil || len(b) != 32 {
		t.Fatalf("token %q is not 32 bytes of hex", tok)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %04o, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("token dir mode %04o, want 0700", di.Mode().Perm())
	}

	again, err := LoadOrCreateToken(path)
	if err != nil || again != tok {
		t.Fatalf("reuse: %q, %v; want %q", again, err, tok)
	}

	// A hand-written token with a trailing newline is read as is.
	own := filepath.Join(dir, "own.token")
	if err := os.WriteFile(own, []byte("my-own-long-admin-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadOrCreateToken(own); err != nil || got != "my-own-long-admin-token" {
		t.Fatalf("own token: %q, %v", got, err)
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadOrCreateToken(path)
	if err == nil || !strings.Contains(err.Error(), "0644") || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("0644 token file: %v", err)
	}

	short := filepath.Join(dir, "short.token")
	if err := os.WriteFile(short, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateToken(short); err == nil {
		t.Fatal("short token accepted")
	}
}
