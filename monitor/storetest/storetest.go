// Package storetest is the test suite every store implementation must
// pass: call Run (ProofStore, the balance proofs' state) and RunTower
// (TowerStore, the watchtower's state) from the implementation's tests
// with a function that opens a fresh, empty store.
//
// It checks the contracts documented in monitor/proofs and monitor/tower,
// not an implementation: it must not reach into a particular database,
// sleep, or depend on anything but monitor's, proofs' and the tower's
// types. Values are compared by meaning: a nil amount equals zero, a nil
// byte slice equals an empty one, and times are compared with Equal.
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// ProofStore is everything a balance-proof store provides, the union of
// what its consumers use: proofs.Store (intake, which also deletes, the
// chain view, the responder), listing and reading requests (rest), the
// totals (proofs.Stats starts from them) and the persisted counters
// (monitor.Stats).
type ProofStore interface {
	proofs.Store
	Request(ctx context.Context, channel, nonClosing common.Address) (proofs.Request, error)
	// Requests selects stored requests in (channel, non-closing) order;
	// next is the opaque cursor of the following page.
	Requests(ctx context.Context, q proofs.RequestQuery) (reqs []proofs.Request, next string, err error)
	Totals(ctx context.Context) (proofs.Totals, error)
	monitor.CounterStore
}

// Run runs the suite; open must return a new, empty store for each call and
// arrange for it to be closed (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) ProofStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s ProofStore)
	}{
		{"SaveRequest", testSaveRequest},
		{"SaveRequestConflicts", testSaveRequestConflicts},
		{"SaveRequestLargeNonces", testSaveRequestLargeNonces},
		{"RequestNotFound", testRequestNotFound},
		{"Pagination", testPagination},
		{"PaginationSameChannel", testPaginationSameChannel},
		{"PaginationDefaultLimit", testPaginationDefaultLimit},
		{"PaginationBadCursor", testPaginationBadCursor},
		{"DeleteRequests", testDeleteRequests},
		{"Channels", testChannels},
		{"ActionableChannels", testActionableChannels},
		{"MissedWindows", testMissedWindows},
		{"ApplyChainIdempotent", testApplyChainIdempotent},
		{"RollbackChain", testRollbackChain},
		{"CursorAndBlockHashes", testCursorAndBlockHashes},
		{"Updates", testUpdates},
		{"MaxTxNonce", testMaxTxNonce},
		{"Totals", testTotals},
		{"Counters", testCounters},
		{"ContextCanceled", testContextCanceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// ---- fixtures ----

var ctx = context.Background()

// addr derives a distinct, well-spread address from a label.
func addr(label string) common.Address {
	h := sha256.Sum256([]byte("addr/" + label))
	return common.BytesToAddress(h[:20])
}

func hash(label string) common.Hash {
	return sha256.Sum256([]byte("hash/" + label))
}

func sig(label string) []byte {
	h1 := sha256.Sum256([]byte("sig1/" + label))
	h2 := sha256.Sum256([]byte("sig2/" + label))
	return append(append(h1[:], h2[:]...), 27)
}

func wei(s string) *big.Int {
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad amount " + s)
	}
	return b
}

// beyond64 is 2^70 + 7 wei: more than any 64-bit integer holds.
var beyond64 = new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 70), big.NewInt(7))

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC)

// request builds a valid-looking request for nonClosing against closing.
func request(channel, nonClosing, closing common.Address, nonce uint64) proofs.Request {
	label := fmt.Sprintf("%s/%s/%d", channel.Hex(), nonClosing.Hex(), nonce)
	return proofs.Request{
		BalanceProof: proofs.BalanceProof{
			ChainID:             big.NewInt(1337),
			Channel:             channel,
			Nonce:               nonce,
			TransferredAmount:   new(big.Int).Add(beyond64, new(big.Int).SetUint64(nonce)),
			Locksroot:           hash("locksroot/" + label),
			ExtraHash:           hash("extra/" + label),
			Signature:           sig("closing/" + label),
			NonClosing:          nonClosing,
			NonClosingSignature: sig("nonclosing/" + label),
			Reward:              wei("25000000000000000"),
		},
		Closing:    closing,
		Source:     "rest",
		SourceRef:  "ref-" + label,
		ReceivedAt: t0.Add(time.Duration(nonce) * time.Second),
	}
}

func mustSave(t *testing.T, s ProofStore, r proofs.Request) monitor.SaveResult {
	t.Helper()
	res, err := s.SaveRequest(ctx, r)
	if err != nil {
		t.Fatalf("SaveRequest(%s, nonce %d): %v", r.Channel.Hex(), r.Nonce, err)
	}
	return res
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ---- comparison by meaning ----

func bigStr(b *big.Int) string {
	if b == nil {
		return "0"
	}
	return b.String()
}

func timeStr(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func reqStr(r proofs.Request) string {
	return fmt.Sprintf("channel=%s nonClosing=%s closing=%s chain=%s nonce=%d transferred=%s locksroot=%x extra=%x sig=%x ncsig=%x reward=%s source=%q ref=%q received=%s",
		r.Channel.Hex(), r.NonClosing.Hex(), r.Closing.Hex(), bigStr(r.ChainID), r.Nonce, bigStr(r.TransferredAmount),
		r.Locksroot, r.ExtraHash, r.Signature, r.NonClosingSignature, bigStr(r.Reward), r.Source, r.SourceRef, timeStr(r.ReceivedAt))
}

func chanStr(c proofs.Channel) string {
	return fmt.Sprintf("address=%s p1=%s p2=%s timeout=%d opened=%d state=%s closing=%s closed=%d nonce=%d settled=%d dep1=%s dep2=%s",
		c.Address.Hex(), c.Participant1.Hex(), c.Participant2.Hex(), c.SettleTimeout, c.OpenedBlock, c.State,
		c.Closing.Hex(), c.ClosedBlock, c.OnChainNonce, c.SettledBlock, bigStr(c.RewardDeposit1), bigStr(c.RewardDeposit2))
}

func optBigStr(b *big.Int) string {
	if b == nil {
		return "nil"
	}
	return b.String()
}

func eventStr(e proofs.ChainEvent) string {
	// Event amounts are optional: nil and zero differ.
	return fmt.Sprintf("%s block=%d/%s tx=%s log=%d channel=%s p1=%s p2=%s timeout=%d participant=%s nonce=%d payout=%s amount=%s amount2=%s",
		e.Kind, e.Block, e.BlockHash.Hex(), e.TxHash.Hex(), e.LogIndex, e.Channel.Hex(), e.Participant1.Hex(), e.Participant2.Hex(),
		e.SettleTimeout, e.Participant.Hex(), e.Nonce, e.Payout.Hex(), optBigStr(e.Amount), optBigStr(e.Amount2))
}

func updateStr(u proofs.Update) string {
	return fmt.Sprintf("id=%d channel=%s nonClosing=%s nonce=%d reward=%s outcome=%s detail=%q tx=%s txNonce=%d gasPrice=%s gasLimit=%d raw=%x sent=%d block=%d gasUsed=%d gasPaid=%s won=%s created=%s updated=%s replacement=%d",
		u.ID, u.Channel.Hex(), u.NonClosing.Hex(), u.Nonce, bigStr(u.Reward), u.Outcome, u.Detail, u.TxHash.Hex(), u.TxNonce,
		bigStr(u.GasPrice), u.GasLimit, u.RawTx, u.SentBlock, u.Block, u.GasUsed, bigStr(u.GasPaid), bigStr(u.RewardWon),
		timeStr(u.CreatedAt), timeStr(u.UpdatedAt), u.Replacement) + " competitor=" + u.Competitor.Hex()
}

func equalList[T any](t *testing.T, what string, str func(T) string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d items, want %d", what, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if g, w := str(got[i]), str(want[i]); g != w {
			t.Errorf("%s[%d]:\n got  %s\n want %s", what, i, g, w)
		}
	}
}

func wantReason(t *testing.T, err error, reason monitor.Reason) {
	t.Helper()
	var me *monitor.Error
	if !errors.As(err, &me) {
		t.Fatalf("got error %v, want a *monitor.Error with reason %s", err, reason)
	}
	if me.Reason != reason {
		t.Fatalf("got reason %s (%v), want %s", me.Reason, err, reason)
	}
}

func wantNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, monitor.ErrNotFound) {
		t.Fatalf("got error %v, want one wrapping monitor.ErrNotFound", err)
	}
}

// ---- requests ----

func testSaveRequest(t *testing.T, s ProofStore) {
	ch, p1, p2 := addr("ch"), addr("p1"), addr("p2")

	r1 := request(ch, p1, p2, 5)
	res := mustSave(t, s, r1)
	if res != (monitor.SaveResult{NewChannel: true, NewParticipants: 2}) {
		t.Errorf("first save: got %+v, want new channel and 2 new participants", res)
	}
	got, err := s.Request(ctx, ch, p1)
	must(t, err)
	equalList(t, "stored", reqStr, []proofs.Request{got}, []proofs.Request{r1})

	// The same request again, from another source: a duplicate; the stored
	// one is kept as it was.
	again := r1
	again.Source, again.SourceRef, again.ReceivedAt = "matrix", "$event", t0.Add(time.Hour)
	res = mustSave(t, s, again)
	if res != (monitor.SaveResult{Duplicate: true}) {
		t.Errorf("duplicate: got %+v, want Duplicate only", res)
	}
	got, err = s.Request(ctx, ch, p1)
	must(t, err)
	equalList(t, "after duplicate", reqStr, []proofs.Request{got}, []proofs.Request{r1})

	// The partner's request on the same channel: a new key, nothing new seen.
	r2 := request(ch, p2, p1, 3)
	res = mustSave(t, s, r2)
	if res != (monitor.SaveResult{}) {
		t.Errorf("partner's request: got %+v, want nothing new", res)
	}

	// A newer nonce replaces.
	r1b := request(ch, p1, p2, 9)
	res = mustSave(t, s, r1b)
	if res != (monitor.SaveResult{Replaced: true}) {
		t.Errorf("newer nonce: got %+v, want Replaced", res)
	}
	got, err = s.Request(ctx, ch, p1)
	must(t, err)
	equalList(t, "after replace", reqStr, []proofs.Request{got}, []proofs.Request{r1b})

	// The older one is now stale.
	_, err = s.SaveRequest(ctx, r1)
	wantReason(t, err, monitor.ReasonStaleNonce)

	// A new participant on another channel counts once.
	p3 := addr("p3")
	res = mustSave(t, s, request(addr("ch2"), p3, p1, 1))
	if res != (monitor.SaveResult{NewChannel: true, NewParticipants: 1}) {
		t.Errorf("second channel: got %+v, want new channel and 1 new participant", res)
	}

	reqs, err := s.RequestsForChannel(ctx, ch)
	must(t, err)
	want := []proofs.Request{r1b, r2}
	sortRequests(want)
	equalList(t, "RequestsForChannel", reqStr, reqs, want)
}

func testSaveRequestConflicts(t *testing.T, s ProofStore) {
	ch, p1, p2 := addr("ch"), addr("p1"), addr("p2")
	orig := request(ch, p1, p2, 7)
	mustSave(t, s, orig)

	for name, change := range map[string]func(r *proofs.Request){
		"signature":             func(r *proofs.Request) { r.Signature = sig("other") },
		"non-closing signature": func(r *proofs.Request) { r.NonClosingSignature = sig("other") },
		"transferred amount":    func(r *proofs.Request) { r.TransferredAmount = big.NewInt(1) },
		"locksroot":             func(r *proofs.Request) { r.Locksroot = hash("other") },
		"extra hash":            func(r *proofs.Request) { r.ExtraHash = hash("other") },
		"reward":                func(r *proofs.Request) { r.Reward = wei("26000000000000000") },
	} {
		r := orig
		r.Signature = slices.Clone(orig.Signature)
		change(&r)
		_, err := s.SaveRequest(ctx, r)
		if err == nil {
			t.Errorf("%s differs: saved, want nonce_conflict", name)
			continue
		}
		var me *monitor.Error
		if !errors.As(err, &me) || me.Reason != monitor.ReasonNonceConflict {
			t.Errorf("%s differs: got %v, want nonce_conflict", name, err)
		}
	}

	_, err := s.SaveRequest(ctx, request(ch, p1, p2, 6))
	wantReason(t, err, monitor.ReasonStaleNonce)

	got, err := s.Request(ctx, ch, p1)
	must(t, err)
	equalList(t, "after rejections", reqStr, []proofs.Request{got}, []proofs.Request{orig})

	// A nil reward equals a zero one.
	zero := request(ch, addr("p4"), p2, 1)
	zero.Reward = big.NewInt(0)
	mustSave(t, s, zero)
	zero.Reward = nil
	if res := mustSave(t, s, zero); !res.Duplicate {
		t.Errorf("nil reward after zero reward: got %+v, want Duplicate", res)
	}
}

func testSaveRequestLargeNonces(t *testing.T, s ProofStore) {
	ch, p1, p2 := addr("ch"), addr("p1"), addr("p2")
	high := uint64(1)<<63 + 1
	mustSave(t, s, request(ch, p1, p2, high))
	got, err := s.Request(ctx, ch, p1)
	must(t, err)
	if got.Nonce != high {
		t.Fatalf("nonce %d read back as %d", high, got.Nonce)
	}
	_, err = s.SaveRequest(ctx, request(ch, p1, p2, 5))
	wantReason(t, err, monitor.ReasonStaleNonce)
	if res := mustSave(t, s, request(ch, p1, p2, math.MaxUint64)); !res.Replaced {
		t.Errorf("max nonce: got %+v, want Replaced", res)
	}
	_, err = s.SaveRequest(ctx, request(ch, p1, p2, high))
	wantReason(t, err, monitor.ReasonStaleNonce)
}

func testRequestNotFound(t *testing.T, s ProofStore) {
	_, err := s.Request(ctx, addr("nope"), addr("p1"))
	wantNotFound(t, err)
	reqs, err := s.RequestsForChannel(ctx, addr("nope"))
	must(t, err)
	if len(reqs) != 0 {
		t.Errorf("RequestsForChannel of unknown channel: %d requests", len(reqs))
	}
}

func sortRequests(rs []proofs.Request) {
	sort.Slice(rs, func(i, j int) bool {
		if c := bytes.Compare(rs[i].Channel[:], rs[j].Channel[:]); c != 0 {
			return c < 0
		}
		return bytes.Compare(rs[i].NonClosing[:], rs[j].NonClosing[:]) < 0
	})
}

// pagedSet saves requests on 12 channels among 5 participants, so that each
// participant is closing on some channels and non-closing on others.
func pagedSet(t *testing.T, s ProofStore) []proofs.Request {
	var all []proofs.Request
	for i := range 12 {
		ch := addr(fmt.Sprintf("ch%d", i))
		a, b := addr(fmt.Sprintf("p%d", i%5)), addr(fmt.Sprintf("p%d", (i+2)%5))
		all = append(all, request(ch, a, b, uint64(i+1)))
		if i%2 == 0 {
			all = append(all, request(ch, b, a, uint64(i+1)))
		}
	}
	for _, r := range all {
		mustSave(t, s, r)
	}
	sortRequests(all)
	return all
}

func testPagination(t *testing.T, s ProofStore) {
	all := pagedSet(t, s)
	ch4, p0 := addr("ch4"), addr("p0")
	ch0 := addr("ch0")
	filters := []struct {
		name string
		q    proofs.RequestQuery
		keep func(proofs.Request) bool
	}{
		{"all", proofs.RequestQuery{}, func(proofs.Request) bool { return true }},
		{"channel", proofs.RequestQuery{Channel: &ch4}, func(r proofs.Request) bool { return r.Channel == ch4 }},
		{"participant", proofs.RequestQuery{Participant: &p0}, func(r proofs.Request) bool { return r.Closing == p0 || r.NonClosing == p0 }},
		{"channel and participant", proofs.RequestQuery{Channel: &ch0, Participant: &p0}, func(r proofs.Request) bool {
			return r.Channel == ch0 && (r.Closing == p0 || r.NonClosing == p0)
		}},
		{"nobody", proofs.RequestQuery{Participant: ptr(addr("nobody"))}, func(proofs.Request) bool { return false }},
	}
	for _, f := range filters {
		var want []proofs.Request
		for _, r := range all {
			if f.keep(r) {
				want = append(want, r)
			}
		}
		if f.name != "nobody" && len(want) < 2 {
			t.Fatalf("%s: fixture selects %d requests; want several", f.name, len(want))
		}
		for _, limit := range []int{1, 3, 4, len(want), len(want) + 1} {
			if limit <= 0 {
				continue
			}
			t.Run(fmt.Sprintf("%s/limit%d", f.name, limit), func(t *testing.T) {
				var got []proofs.Request
				q := f.q
				q.Limit = limit
				for page := 0; ; page++ {
					if page > len(want)+1 {
						t.Fatal("pagination does not end")
					}
					reqs, next, err := s.Requests(ctx, q)
					must(t, err)
					if len(reqs) > limit {
						t.Fatalf("page %d: %d requests, limit %d", page, len(reqs), limit)
					}
					if next != "" && len(reqs) < limit {
						t.Fatalf("page %d: short page (%d of %d) with a next cursor", page, len(reqs), limit)
					}
					if next != "" && len(reqs) == 0 {
						t.Fatalf("page %d: empty page with a next cursor", page)
					}
					got = append(got, reqs...)
					if next == "" {
						break
					}
					q.After = next
				}
				equalList(t, "pages", reqStr, got, want)
			})
		}
	}
}

func ptr[T any](v T) *T { return &v }

// testPaginationSameChannel: a participant's two requests on one channel
// (once as closing, once as non-closing) on consecutive pages, in both key
// orders.
func testPaginationSameChannel(t *testing.T, s ProofStore) {
	ch := common.HexToAddress("0x5000000000000000000000000000000000000000")
	a := common.HexToAddress("0x1000000000000000000000000000000000000000")
	b := common.HexToAddress("0x2000000000000000000000000000000000000000")
	before := common.HexToAddress("0x4000000000000000000000000000000000000000")
	after := common.HexToAddress("0x6000000000000000000000000000000000000000")
	rs := []proofs.Request{
		request(ch, a, b, 1), request(ch, b, a, 1),
		request(before, a, b, 1), request(before, b, a, 1),
		request(after, b, a, 1),
	}
	for _, r := range rs {
		mustSave(t, s, r)
	}
	sortRequests(rs)
	for _, p := range []common.Address{a, b} {
		var got []proofs.Request
		q := proofs.RequestQuery{Participant: &p, Limit: 1}
		for range len(rs) + 1 {
			reqs, next, err := s.Requests(ctx, q)
			must(t, err)
			got = append(got, reqs...)
			if next == "" {
				break
			}
			q.After = next
		}
		equalList(t, "pages of "+p.Hex(), reqStr, got, rs)
	}
}

func testPaginationDefaultLimit(t *testing.T, s ProofStore) {
	p := addr("p")
	for i := range 101 {
		mustSave(t, s, request(addr(fmt.Sprintf("ch%d", i)), p, addr("partner"), 1))
	}
	reqs, next, err := s.Requests(ctx, proofs.RequestQuery{})
	must(t, err)
	if len(reqs) != 100 || next == "" {
		t.Fatalf("Limit 0: got %d requests and next %q, want the default of 100 and a next cursor", len(reqs), next)
	}
	reqs, next, err = s.Requests(ctx, proofs.RequestQuery{After: next})
	must(t, err)
	if len(reqs) != 1 || next != "" {
		t.Fatalf("second page: got %d requests and next %q, want 1 and no cursor", len(reqs), next)
	}
}

func testPaginationBadCursor(t *testing.T, s ProofStore) {
	pagedSet(t, s)
	for _, after := range []string{"zz", "00", strings.Repeat("g", 80)} {
		if _, _, err := s.Requests(ctx, proofs.RequestQuery{After: after}); err == nil {
			t.Errorf("After %q: no error", after)
		}
	}
}

func testDeleteRequests(t *testing.T, s ProofStore) {
	ch, p1, p2 := addr("ch"), addr("p1"), addr("p2")
	other := request(addr("other"), p1, p2, 1)
	mustSave(t, s, request(ch, p1, p2, 1))
	mustSave(t, s, request(ch, p2, p1, 1))
	mustSave(t, s, other)

	n, err := s.DeleteRequests(ctx, ch)
	must(t, err)
	if n != 2 {
		t.Errorf("DeleteRequests: %d deleted, want 2", n)
	}
	_, err = s.Request(ctx, ch, p1)
	wantNotFound(t, err)
	if reqs, err := s.RequestsForChannel(ctx, ch); err != nil || len(reqs) != 0 {
		t.Errorf("RequestsForChannel after delete: %d requests, %v", len(reqs), err)
	}
	got, err := s.Request(ctx, other.Channel, p1)
	must(t, err)
	equalList(t, "other channel", reqStr, []proofs.Request{got}, []proofs.Request{other})

	n, err = s.DeleteRequests(ctx, addr("unknown"))
	must(t, err)
	if n != 0 {
		t.Errorf("DeleteRequests of unknown channel: %d", n)
	}

	tot, err := s.Totals(ctx)
	must(t, err)
	if tot.Requests != 1 || tot.Channels != 2 || tot.Participants != 2 {
		t.Errorf("Totals after delete: requests %d channels %d participants %d, want 1, 2 (seen never shrinks), 2",
			tot.Requests, tot.Channels, tot.Participants)
	}
	// Saving again after a delete stores it, but nothing is new.
	if res := mustSave(t, s, request(ch, p1, p2, 1)); res != (monitor.SaveResult{}) {
		t.Errorf("save after delete: got %+v, want a plain save", res)
	}
}

// ---- channels and chain ----

func channel(label string, state proofs.ChannelState) proofs.Channel {
	c := proofs.Channel{
		Address:        addr(label),
		Participant1:   addr(label + "/p1"),
		Participant2:   addr(label + "/p2"),
		SettleTimeout:  500,
		OpenedBlock:    10,
		State:          state,
		RewardDeposit1: new(big.Int).Set(beyond64),
		RewardDeposit2: big.NewInt(0),
	}
	if state != proofs.ChannelOpen {
		c.Closing = c.Participant1
		c.ClosedBlock = 1000
		c.OnChainNonce = 4
	}
	if state == proofs.ChannelSettled {
		c.SettledBlock = 1600
	}
	return c
}

func apply(t *testing.T, s ProofStore, b proofs.ChainBatch) {
	t.Helper()
	must(t, s.ApplyChain(ctx, b))
}

func testChannels(t *testing.T, s ProofStore) {
	_, err := s.Channel(ctx, addr("nope"))
	wantNotFound(t, err)

	open := channel("a", proofs.ChannelOpen)
	open.RewardDeposit2 = nil
	closed := channel("b", proofs.ChannelClosed)
	closed.OnChainNonce = math.MaxUint64
	closed.SettleTimeout = math.MaxUint64
	apply(t, s, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 20, Hash: hash("20")}, Channels: []proofs.Channel{open, closed}})
	for _, want := range []proofs.Channel{open, closed} {
		got, err := s.Channel(ctx, want.Address)
		must(t, err)
		equalList(t, "channel", chanStr, []proofs.Channel{got}, []proofs.Channel{want})
	}

	// A later batch overwrites the state.
	open.State, open.Closing, open.ClosedBlock = proofs.ChannelClosed, open.Participant2, 30
	apply(t, s, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 30, Hash: hash("30")}, Channels: []proofs.Channel{open}})
	got, err := s.Channel(ctx, open.Address)
	must(t, err)
	equalList(t, "updated channel", chanStr, []proofs.Channel{got}, []proofs.Channel{open})
}

func testActionableChannels(t *testing.T, s ProofStore) {
	// Every closed channel below closes at 1000 with timeout 500: the last
	// block of its window is 1500.
	const deadline = 1500
	type fixture struct {
		c          proofs.Channel
		reqs       []proofs.Request // against c.Closing unless said otherwise
		actionable bool
	}
	mk := func(label string, state proofs.ChannelState, actionable bool, nonces ...uint64) fixture {
		c := channel(label, state)
		f := fixture{c: c, actionable: actionable}
		for _, n := range nonces {
			f.reqs = append(f.reqs, request(c.Address, c.Participant2, c.Participant1, n))
		}
		return f
	}
	fixtures := []fixture{
		mk("newer", proofs.ChannelClosed, true, 5),
		mk("equal", proofs.ChannelClosed, false, 4),
		mk("older", proofs.ChannelClosed, false, 3),
		mk("none", proofs.ChannelClosed, false),
		mk("open", proofs.ChannelOpen, false, 5),
		mk("settled", proofs.ChannelSettled, false, 5),
	}
	// A request against the other participant does not help: it protects
	// against a close by Participant2, but Participant1 closed.
	wrong := mk("wrong-closing", proofs.ChannelClosed, false)
	wrong.reqs = []proofs.Request{request(wrong.c.Address, wrong.c.Participant1, wrong.c.Participant2, 9)}
	fixtures = append(fixtures, wrong)
	// Both participants have requests; only the one against the closer counts.
	both := mk("both", proofs.ChannelClosed, true, 8)
	both.reqs = append(both.reqs, request(both.c.Address, both.c.Participant1, both.c.Participant2, 2))
	fixtures = append(fixtures, both)
	// Nonces and windows beyond 2^63.
	huge := mk("huge-nonce", proofs.ChannelClosed, true, 1<<63+5)
	huge.c.OnChainNonce = 1<<63 + 1
	fixtures = append(fixtures, huge)
	hugeOnChain := mk("huge-on-chain", proofs.ChannelClosed, false, 5)
	hugeOnChain.c.OnChainNonce = 1<<63 + 1
	fixtures = append(fixtures, hugeOnChain)
	longWindow := mk("long-window", proofs.ChannelClosed, true, 5)
	longWindow.c.SettleTimeout = 1 << 63 // deadline beyond int64
	fixtures = append(fixtures, longWindow)

	var chs []proofs.Channel
	for _, f := range fixtures {
		chs = append(chs, f.c)
		for _, r := range f.reqs {
			mustSave(t, s, r)
		}
	}
	apply(t, s, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 1200, Hash: hash("1200")}, Channels: chs})

	check := func(head uint64, want []proofs.Channel) {
		t.Helper()
		got, err := s.ActionableChannels(ctx, head)
		must(t, err)
		sortChannels(got)
		sortChannels(want)
		equalList(t, fmt.Sprintf("ActionableChannels(%d)", head), chanStr, got, want)
	}
	var open, always []proofs.Channel
	for _, f := range fixtures {
		if f.actionable {
			open = append(open, f.c)
			if f.c.SettleTimeout > deadline {
				always = append(always, f.c)
			}
		}
	}
	check(1001, open)
	check(deadline, open)     // the deadline block itself is in the window
	check(deadline+1, always) // the next one is not
	check(1<<62, always)

	// A TransferUpdated to nonce 5 makes "newer" no longer actionable.
	up := fixtures[0].c
	up.OnChainNonce = 5
	apply(t, s, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 1201, Hash: hash("1201")}, Channels: []proofs.Channel{up}})
	var rest []proofs.Channel
	for _, c := range open {
		if c.Address != up.Address {
			rest = append(rest, c)
		}
	}
	check(deadline, rest)
}

// testMissedWindows: closed and settled channels whose deadline is in the
// range, with a request against the closer newer than the on-chain nonce.
func testMissedWindows(t *testing.T, s ProofStore) {
	mk := func(label string, state proofs.ChannelState, onChain uint64, nonces ...uint64) proofs.Channel {
		c := channel(label, state)
		c.OnChainNonce = onChain
		for _, n := range nonces {
			mustSave(t, s, request(c.Address, c.Participant2, c.Participant1, n))
		}
		return c
	}
	// Every channel closes at 1000 with timeout 500: deadline 1500.
	newer := mk("newer", proofs.ChannelClosed, 4, 5)
	settled := mk("settled", proofs.ChannelSettled, 4, 6)
	equal := mk("equal", proofs.ChannelClosed, 5, 5)
	none := mk("none", proofs.ChannelClosed, 1)
	open := mk("open", proofs.ChannelOpen, 0, 5)
	wrong := channel("wrong-closing", proofs.ChannelClosed)
	mustSave(t, s, request(wrong.Address, wrong.Participant1, wrong.Participant2, 9))
	huge := mk("huge-nonce", proofs.ChannelSettled, 1<<63+1, 1<<63+5)
	later := mk("later", proofs.ChannelClosed, 0, 3)
	later.SettleTimeout = 600 // deadline 1600
	apply(t, s, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 1700, Hash: hash("1700")},
		Channels: []proofs.Channel{newer, settled, equal, none, open, wrong, huge, later}})
	check := func(after, upTo uint64, want ...proofs.Channel) {
		t.Helper()
		got, err := s.MissedWindows(ctx, after, upTo)
		must(t, err)
		sortChannels(got)
		sortChannels(want)
		equalList(t, fmt.Sprintf("MissedWindows(%d, %d]", after, upTo), chanStr, got, want)
	}
	check(0, 1499)
	check(0, 1500, newer, settled, huge)
	check(1499, 1500, newer, settled, huge)
	check(1500, 1599)
	check(1500, 1600, later)
	check(0, 1<<62, newer, settled, huge, later)
}

func sortChannels(cs []proofs.Channel) {
	sort.Slice(cs, func(i, j int) bool { return bytes.Compare(cs[i].Address[:], cs[j].Address[:]) < 0 })
}

// chainFixture is blocks 100..102 with events on two channels.
func chainFixture() (proofs.ChainBatch, proofs.Channel, proofs.Channel) {
	x, y := channel("x", proofs.ChannelOpen), channel("y", proofs.ChannelOpen)
	x.OpenedBlock, y.OpenedBlock = 100, 102
	ev := func(kind proofs.EventKind, block uint64, logIndex uint, ch common.Address) proofs.ChainEvent {
		return proofs.ChainEvent{Kind: kind, Block: block, BlockHash: hash(fmt.Sprint(block)),
			TxHash: hash(fmt.Sprintf("tx%d/%d", block, logIndex)), LogIndex: logIndex, Channel: ch}
	}
	opened := ev(proofs.EventChannelOpened, 100, 3, x.Address)
	opened.Participant1, opened.Participant2, opened.SettleTimeout = x.Participant1, x.Participant2, x.SettleTimeout
	deposit := ev(proofs.EventRewardDeposited, 101, 0, x.Address)
	deposit.Participant, deposit.Amount = x.Participant1, new(big.Int).Set(beyond64)
	updated := ev(proofs.EventTransferUpdated, 101, 1, x.Address)
	updated.Participant, updated.Nonce, updated.Payout, updated.Amount = x.Participant2, 1<<63+3, addr("payout"), big.NewInt(0)
	settled := ev(proofs.EventChannelSettled, 102, 0, x.Address)
	settled.Amount, settled.Amount2 = big.NewInt(12), new(big.Int).Set(beyond64)
	openedY := ev(proofs.EventChannelOpened, 102, 1, y.Address)
	openedY.Participant1, openedY.Participant2, openedY.SettleTimeout = y.Participant1, y.Participant2, y.SettleTimeout
	b := proofs.ChainBatch{
		Cursor:   proofs.Cursor{Number: 102, Hash: hash("102")},
		Blocks:   []proofs.BlockRef{{Number: 100, Hash: hash("100")}, {Number: 101, Hash: hash("101")}, {Number: 102, Hash: hash("102")}},
		Events:   []proofs.ChainEvent{opened, deposit, updated, settled, openedY},
		Channels: []proofs.Channel{x, y},
	}
	return b, x, y
}

func testApplyChainIdempotent(t *testing.T, s ProofStore) {
	b, x, y := chainFixture()
	for range 2 {
		apply(t, s, b)
		evs, err := s.EventsAfter(ctx, 0)
		must(t, err)
		equalList(t, "EventsAfter(0)", eventStr, evs, b.Events)
		evs, err = s.EventsAfter(ctx, 100)
		must(t, err)
		equalList(t, "EventsAfter(100)", eventStr, evs, b.Events[1:])
		evs, err = s.ChannelEvents(ctx, x.Address)
		must(t, err)
		equalList(t, "ChannelEvents(x)", eventStr, evs, b.Events[:4])
		evs, err = s.ChannelEvents(ctx, y.Address)
		must(t, err)
		equalList(t, "ChannelEvents(y)", eventStr, evs, b.Events[4:])
		cur, ok, err := s.Cursor(ctx)
		must(t, err)
		if !ok || cur != b.Cursor {
			t.Errorf("Cursor: %v %v, want %v", cur, ok, b.Cursor)
		}
	}
	if evs, err := s.EventsAfter(ctx, 102); err != nil || len(evs) != 0 {
		t.Errorf("EventsAfter(102): %d events, %v", len(evs), err)
	}
	if evs, err := s.ChannelEvents(ctx, addr("nope")); err != nil || len(evs) != 0 {
		t.Errorf("ChannelEvents(unknown): %d events, %v", len(evs), err)
	}
}

func testRollbackChain(t *testing.T, s ProofStore) {
	b, x, y := chainFixture()
	apply(t, s, b)

	x2 := x
	x2.RewardDeposit1 = big.NewInt(0)
	to := proofs.Cursor{Number: 100, Hash: hash("100")}
	must(t, s.RollbackChain(ctx, proofs.ChainRollback{To: to, Channels: []proofs.Channel{x2}, Removed: []common.Address{y.Address}}))

	evs, err := s.EventsAfter(ctx, 0)
	must(t, err)
	equalList(t, "events after rollback", eventStr, evs, b.Events[:1])
	got, err := s.Channel(ctx, x.Address)
	must(t, err)
	equalList(t, "recomputed channel", chanStr, []proofs.Channel{got}, []proofs.Channel{x2})
	_, err = s.Channel(ctx, y.Address)
	wantNotFound(t, err)
	cur, ok, err := s.Cursor(ctx)
	must(t, err)
	if !ok || cur != to {
		t.Errorf("Cursor after rollback: %v %v, want %v", cur, ok, to)
	}
	if h, ok, err := s.BlockHash(ctx, 100); err != nil || !ok || h != hash("100") {
		t.Errorf("BlockHash(100) after rollback: %v %v %v", h, ok, err)
	}
	for _, n := range []uint64{101, 102} {
		if _, ok, err := s.BlockHash(ctx, n); err != nil || ok {
			t.Errorf("BlockHash(%d) after rollback to 100: found %v, %v", n, ok, err)
		}
	}

	// The new branch applies cleanly, with new events at the old positions.
	nb := proofs.ChainBatch{
		Cursor: proofs.Cursor{Number: 101, Hash: hash("101'")},
		Blocks: []proofs.BlockRef{{Number: 101, Hash: hash("101'")}},
		Events: []proofs.ChainEvent{{Kind: proofs.EventRewardDeposited, Block: 101, BlockHash: hash("101'"),
			TxHash: hash("other tx"), LogIndex: 0, Channel: x.Address, Participant: x.Participant2, Amount: big.NewInt(9)}},
		Channels: []proofs.Channel{x2},
	}
	apply(t, s, nb)
	evs, err = s.EventsAfter(ctx, 100)
	must(t, err)
	equalList(t, "events on the new branch", eventStr, evs, nb.Events)
	if h, ok, err := s.BlockHash(ctx, 101); err != nil || !ok || h != hash("101'") {
		t.Errorf("BlockHash(101) on the new branch: %v %v %v", h, ok, err)
	}
}

func testCursorAndBlockHashes(t *testing.T, s ProofStore) {
	if c, ok, err := s.Cursor(ctx); err != nil || ok {
		t.Fatalf("Cursor of an empty store: %v %v %v", c, ok, err)
	}
	if _, ok, err := s.BlockHash(ctx, 1); err != nil || ok {
		t.Fatalf("BlockHash of an empty store: %v %v", ok, err)
	}
	blocks := func(from, to uint64) []proofs.BlockRef {
		var bs []proofs.BlockRef
		for n := from; n <= to; n++ {
			bs = append(bs, proofs.BlockRef{Number: n, Hash: hash(fmt.Sprint(n))})
		}
		return bs
	}
	apply(t, s, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 200, Hash: hash("200")}, Blocks: blocks(1, 200)})
	for _, n := range []uint64{1, 200} {
		if h, ok, err := s.BlockHash(ctx, n); err != nil || !ok || h != hash(fmt.Sprint(n)) {
			t.Errorf("BlockHash(%d): %v %v %v", n, h, ok, err)
		}
	}
	apply(t, s, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 300, Hash: hash("300")}, Blocks: blocks(201, 300)})
	// Only the newest 256 (45..300) are kept.
	for n := uint64(1); n <= 300; n++ {
		h, ok, err := s.BlockHash(ctx, n)
		must(t, err)
		if want := n >= 45; ok != want || (ok && h != hash(fmt.Sprint(n))) {
			t.Errorf("BlockHash(%d): found %v (%s), want found %v", n, ok, h.Hex(), want)
		}
	}
	cur, ok, err := s.Cursor(ctx)
	must(t, err)
	if want := (proofs.Cursor{Number: 300, Hash: hash("300")}); !ok || cur != want {
		t.Errorf("Cursor: %v %v, want %v", cur, ok, want)
	}
}

// ---- updates ----

func update(label string, ch common.Address, outcome proofs.UpdateOutcome, txNonce uint64) proofs.Update {
	u := proofs.Update{
		Channel:    ch,
		NonClosing: addr(label + "/nc"),
		Nonce:      7,
		Reward:     wei("25000000000000000"),
		Outcome:    outcome,
		Detail:     "detail " + label,
		CreatedAt:  t0,
		UpdatedAt:  t0.Add(time.Minute),
	}
	if txNonce > 0 {
		u.TxHash = hash("tx/" + label)
		u.TxNonce = txNonce
		u.GasPrice = wei("30000000000")
		u.GasLimit = 120000
		u.RawTx = []byte("raw " + label)
		u.SentBlock = 1000
	}
	return u
}

func testUpdates(t *testing.T, s ProofStore) {
	a, b := addr("a"), addr("b")
	us := []proofs.Update{
		update("1", a, proofs.OutcomePending, 1),
		update("2", a, proofs.OutcomeSkipped, 0),
		update("3", b, proofs.OutcomePending, 2),
		update("4", b, proofs.OutcomeUnprofitable, 0),
		update("5", a, proofs.OutcomeMined, 3),
	}
	var last int64
	for i := range us {
		id, err := s.InsertUpdate(ctx, us[i])
		must(t, err)
		if id <= last {
			t.Fatalf("InsertUpdate: id %d after %d", id, last)
		}
		us[i].ID, last = id, id
	}
	all, err := s.Updates(ctx, proofs.UpdateQuery{})
	must(t, err)
	equalList(t, "all updates", updateStr, all, us)

	pick := func(idx ...int) []proofs.Update {
		var out []proofs.Update
		for _, i := range idx {
			out = append(out, us[i])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    proofs.UpdateQuery
		want []proofs.Update
	}{
		{"channel", proofs.UpdateQuery{Channel: &a}, pick(0, 1, 4)},
		{"pending", proofs.UpdateQuery{Outcomes: []proofs.UpdateOutcome{proofs.OutcomePending}}, pick(0, 2)},
		{"pending or mined", proofs.UpdateQuery{Outcomes: []proofs.UpdateOutcome{proofs.OutcomePending, proofs.OutcomeMined}}, pick(0, 2, 4)},
		{"channel and outcome", proofs.UpdateQuery{Channel: &b, Outcomes: []proofs.UpdateOutcome{proofs.OutcomePending}}, pick(2)},
		{"after", proofs.UpdateQuery{AfterID: us[1].ID}, pick(2, 3, 4)},
		{"limit", proofs.UpdateQuery{AfterID: us[0].ID, Limit: 2}, pick(1, 2)},
		{"none", proofs.UpdateQuery{Outcomes: []proofs.UpdateOutcome{proofs.OutcomeMissed}}, nil},
	} {
		got, err := s.Updates(ctx, tc.q)
		must(t, err)
		equalList(t, "Updates "+tc.name, updateStr, got, tc.want)
	}

	// The pending one is mined: everything can change.
	u := us[0]
	u.Outcome = proofs.OutcomeMined
	u.Block, u.GasUsed, u.GasPaid = 1003, 81234, wei("2436990000000000")
	u.RewardWon = new(big.Int).Set(beyond64)
	u.TxHash, u.RawTx, u.Replacement = hash("bumped"), []byte("raw bumped"), 2
	u.UpdatedAt = t0.Add(time.Hour)
	must(t, s.SaveUpdate(ctx, u))
	got, err := s.Updates(ctx, proofs.UpdateQuery{AfterID: u.ID - 1, Limit: 1})
	must(t, err)
	equalList(t, "saved update", updateStr, got, []proofs.Update{u})

	err = s.SaveUpdate(ctx, proofs.Update{ID: last + 100, Outcome: proofs.OutcomeMined})
	wantNotFound(t, err)
}

func testMaxTxNonce(t *testing.T, s ProofStore) {
	if n, ok, err := s.MaxTxNonce(ctx); err != nil || ok {
		t.Fatalf("MaxTxNonce of an empty store: %d %v %v", n, ok, err)
	}
	skipped := update("skipped", addr("a"), proofs.OutcomeSkipped, 0)
	skipped.TxNonce = 99 // no tx hash: never sent, does not count
	for _, u := range []proofs.Update{
		update("1", addr("a"), proofs.OutcomeMined, 7),
		update("2", addr("a"), proofs.OutcomeReverted, 9),
		update("3", addr("a"), proofs.OutcomePending, 8),
		skipped,
	} {
		_, err := s.InsertUpdate(ctx, u)
		must(t, err)
	}
	n, ok, err := s.MaxTxNonce(ctx)
	must(t, err)
	if !ok || n != 9 {
		t.Errorf("MaxTxNonce: %d %v, want 9", n, ok)
	}
	_, err = s.InsertUpdate(ctx, update("big", addr("a"), proofs.OutcomePending, 1<<63+2))
	must(t, err)
	if n, ok, err := s.MaxTxNonce(ctx); err != nil || !ok || n != 1<<63+2 {
		t.Errorf("MaxTxNonce with a nonce beyond 2^63: %d %v %v", n, ok, err)
	}
}

func testTotals(t *testing.T, s ProofStore) {
	tot, err := s.Totals(ctx)
	must(t, err)
	if tot.Requests != 0 || tot.Channels != 0 || tot.Participants != 0 || tot.Submitted != 0 || tot.Won != 0 {
		t.Errorf("Totals of an empty store: %+v", tot)
	}
	if tot.RewardsWon == nil || tot.RewardsWon.Sign() != 0 || tot.GasSpent == nil || tot.GasSpent.Sign() != 0 {
		t.Errorf("Totals of an empty store: amounts %v %v, want non-nil zeros", tot.RewardsWon, tot.GasSpent)
	}
	if c, err := s.Counters(ctx); err != nil || c == nil || len(c) != 0 {
		t.Errorf("Counters of an empty store: %v %v, want an empty non-nil map", c, err)
	}

	p1, p2, p3 := addr("p1"), addr("p2"), addr("p3")
	mustSave(t, s, request(addr("ch1"), p1, p2, 1))
	mustSave(t, s, request(addr("ch1"), p2, p1, 1))
	mustSave(t, s, request(addr("ch2"), p3, p1, 1))
	mustSave(t, s, request(addr("ch2"), p3, p1, 2)) // replaces

	won1 := update("won1", addr("ch1"), proofs.OutcomeMined, 1)
	won1.GasPaid, won1.RewardWon = new(big.Int).Set(beyond64), new(big.Int).Set(beyond64)
	won2 := update("won2", addr("ch2"), proofs.OutcomeMined, 2)
	won2.GasPaid, won2.RewardWon = wei("18446744073709551615"), wei("18446744073709551617") // 2^64-1, 2^64+1
	lost := update("lost", addr("ch2"), proofs.OutcomeReverted, 3)
	lost.GasPaid, lost.RewardWon = wei("1000"), big.NewInt(0)
	pending := update("pending", addr("ch3"), proofs.OutcomePending, 4)
	skipped := update("skipped", addr("ch3"), proofs.OutcomeSkipped, 0)
	stoodDown := update("stood-down", addr("ch3"), proofs.OutcomeSkipped, 0)
	stoodDown.Competitor = hash("competitor")
	missed := update("missed", addr("ch4"), proofs.OutcomeMissed, 0)
	for _, u := range []proofs.Update{won1, won2, lost, pending, skipped, stoodDown, missed} {
		_, err := s.InsertUpdate(ctx, u)
		must(t, err)
	}
	must(t, s.AddCounters(ctx, map[string]int64{"rejected_stale_nonce": 3, "rejected_bad_signature": 1}))

	tot, err = s.Totals(ctx)
	must(t, err)
	if tot.Requests != 3 || tot.Channels != 2 || tot.Participants != 3 || tot.Submitted != 4 || tot.Won != 2 {
		t.Errorf("Totals: requests %d channels %d participants %d submitted %d won %d, want 3 2 3 4 2",
			tot.Requests, tot.Channels, tot.Participants, tot.Submitted, tot.Won)
	}
	if tot.Missed != 1 || tot.Standdowns != 1 {
		t.Errorf("Totals: missed %d standdowns %d, want 1 1", tot.Missed, tot.Standdowns)
	}
	wantWon := new(big.Int).Add(beyond64, wei("18446744073709551617"))
	if tot.RewardsWon == nil || tot.RewardsWon.Cmp(wantWon) != 0 {
		t.Errorf("RewardsWon: %v, want %v", tot.RewardsWon, wantWon)
	}
	wantGas := new(big.Int).Add(beyond64, wei("18446744073709552615"))
	if tot.GasSpent == nil || tot.GasSpent.Cmp(wantGas) != 0 {
		t.Errorf("GasSpent: %v, want %v", tot.GasSpent, wantGas)
	}
	c, err := s.Counters(ctx)
	must(t, err)
	if want := map[string]int64{"rejected_stale_nonce": 3, "rejected_bad_signature": 1}; !mapsEqual(c, want) {
		t.Errorf("Counters: %v, want %v", c, want)
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func testCounters(t *testing.T, s ProofStore) {
	must(t, s.AddCounters(ctx, nil))
	must(t, s.AddCounters(ctx, map[string]int64{"a": 1, "b": 2}))
	must(t, s.AddCounters(ctx, map[string]int64{"a": 3, "c": -1}))
	must(t, s.AddCounters(ctx, map[string]int64{}))
	c, err := s.Counters(ctx)
	must(t, err)
	if want := map[string]int64{"a": 4, "b": 2, "c": -1}; !mapsEqual(c, want) {
		t.Errorf("Counters: %v, want %v", c, want)
	}
}

// ---- contexts ----

func testContextCanceled(t *testing.T, s ProofStore) {
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ch, p1, p2 := addr("ch"), addr("p1"), addr("p2")
	b, _, _ := chainFixture()
	calls := map[string]func() error{
		"SaveRequest": func() error { _, err := s.SaveRequest(cctx, request(ch, p1, p2, 1)); return err },
		"Request":     func() error { _, err := s.Request(cctx, ch, p1); return err },
		"Requests":    func() error { _, _, err := s.Requests(cctx, proofs.RequestQuery{}); return err },
		"Delete":      func() error { _, err := s.DeleteRequests(cctx, ch); return err },
		"Channel":     func() error { _, err := s.Channel(cctx, ch); return err },
		"Actionable":  func() error { _, err := s.ActionableChannels(cctx, 1); return err },
		"EventsAfter": func() error { _, err := s.EventsAfter(cctx, 0); return err },
		"Cursor":      func() error { _, _, err := s.Cursor(cctx); return err },
		"ApplyChain":  func() error { return s.ApplyChain(cctx, b) },
		"Rollback":    func() error { return s.RollbackChain(cctx, proofs.ChainRollback{}) },
		"InsertUpd":   func() error { _, err := s.InsertUpdate(cctx, update("u", ch, proofs.OutcomePending, 1)); return err },
		"Updates":     func() error { _, err := s.Updates(cctx, proofs.UpdateQuery{}); return err },
		"MaxTxNonce":  func() error { _, _, err := s.MaxTxNonce(cctx); return err },
		"Totals":      func() error { _, err := s.Totals(cctx); return err },
		"Counters":    func() error { _, err := s.Counters(cctx); return err },
		"AddCounters": func() error { return s.AddCounters(cctx, map[string]int64{"x": 1}) },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: got %v, want an error wrapping context.Canceled", name, err)
		}
	}
	// Nothing was written.
	if _, err := s.Request(ctx, ch, p1); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("request saved with a canceled context: %v", err)
	}
	if _, ok, err := s.Cursor(ctx); err != nil || ok {
		t.Errorf("chain batch applied with a canceled context: %v %v", ok, err)
	}
	tot, err := s.Totals(ctx)
	must(t, err)
	c, err := s.Counters(ctx)
	must(t, err)
	if tot.Submitted != 0 || len(c) != 0 {
		t.Errorf("writes with a canceled context took effect: %+v %v", tot, c)
	}
}
