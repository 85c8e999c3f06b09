package proofs_test

import (
	"context"
	"errors"
	"log/slog"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/misc/eip1559"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
)

// fakeSender is a scripted chain for unit tests of the responder's
// decisions (the real Sender is exercised end to end in cmd/vigild/daemon).
type fakeSender struct {
	mu         sync.Mutex // the responder checks channels concurrently
	addr       common.Address
	gasPrice   *big.Int
	gas        uint64
	revert     bool
	minedNonce uint64 // nonces(closing) at the latest block
	// minedLater, when its block is set, is nonces(closing) from that block
	// on (minedNonce before it).
	minedLater struct{ block, nonce uint64 }
	// onPoolRead, when set, runs (under mu) as the pool is read: the chain
	// moving on meanwhile.
	onPoolRead  func(f *fakeSender)
	checkedAt   []uint64                          // the blocks CheckCompetitor was asked at
	stateNonce  uint64                            // nonces(closing) in the pending state
	pool        []proofs.Competitor               // updateTransfer calls in the pool
	poolErr     error                             // the pool cannot be read
	facts       map[common.Hash]proofs.Competitor // what CheckCompetitor reads, by tx hash
	othersGas   map[common.Hash]uint64            // gas used by other monitors' updates, by tx hash
	pendingAcct uint64
	latestAcct  uint64
	head        uint64   // the latest block
	gasLimit    uint64   // block gas limit
	gasUsed     uint64   // by the latest block
	baseFee     *big.Int // the latest block's
	receipts    map[common.Hash]*proofs.Receipt
	signed      []proofs.TxParams
	broadcasts  int
	calls       map[string]int
	// overlap, when set, makes the pool read wait (up to a few seconds)
	// for a gas estimate to begin; overlapped records that one did.
	overlap    chan struct{}
	estimating bool
	overlapped bool
}

func newFakeSender() *fakeSender {
	return &fakeSender{addr: common.HexToAddress("0x1000000000000000000000000000000000000001"),
		gasPrice: big.NewInt(1_000_000_000), gas: 150_000, gasLimit: 30_000_000,
		receipts: map[common.Hash]*proofs.Receipt{}, calls: map[string]int{}}
}

func (f *fakeSender) Address() common.Address { return f.addr }
func (f *fakeSender) EstimateUpdate(context.Context, proofs.UpdateCall) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["estimate"]++
	if f.overlap != nil && !f.estimating {
		f.estimating = true
		close(f.overlap)
	}
	if f.revert {
		return 0, monitor.ErrWouldRevert
	}
	return f.gas, nil
}
func (f *fakeSender) OnChainNonce(_ context.Context, _, _ common.Address, block uint64) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["state_nonce"]++
	if f.minedLater.block != 0 && block >= f.minedLater.block {
		return f.minedLater.nonce, nil
	}
	return f.minedNonce, nil
}
func (f *fakeSender) PendingNonce(_ context.Context, _, _ common.Address) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["pending_nonce"]++
	return max(f.stateNonce, f.minedNonce), nil
}
func (f *fakeSender) PoolUpdates(context.Context) ([]proofs.Competitor, uint64, error) {
	f.mu.Lock()
	overlap := f.overlap
	f.mu.Unlock()
	if overlap != nil {
		select {
		case <-overlap:
			f.mu.Lock()
			f.overlapped = true
			f.mu.Unlock()
		case <-time.After(3 * time.Second):
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["pool"]++
	if f.onPoolRead != nil {
		f.onPoolRead(f)
	}
	return f.pool, f.head, f.poolErr
}
func (f *fakeSender) CheckCompetitor(_ context.Context, c *proofs.Competitor, block uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["check_competitor"]++
	f.checkedAt = append(f.checkedAt, block)
	fc, ok := f.facts[c.TxHash]
	if !ok {
		return errors.New("unknown transaction")
	}
	c.SenderNonce, c.SenderBalance, c.SimErr, c.Checked = fc.SenderNonce, fc.SenderBalance, fc.SimErr, true
	return nil
}
func (f *fakeSender) UpdateGasUsed(_ context.Context, h common.Hash, _ common.Address) (uint64, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["update_gas_used"]++
	g, ok := f.othersGas[h]
	return g, ok, nil
}
func (f *fakeSender) LatestBlock(context.Context) (proofs.BlockInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["latest_block"]++
	return proofs.BlockInfo{Number: f.head, GasLimit: f.gasLimit, GasUsed: f.gasUsed, BaseFee: f.baseFee}, nil
}
func (f *fakeSender) SignUpdate(_ context.Context, c proofs.UpdateCall, p proofs.TxParams) (common.Hash, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signed = append(f.signed, p)
	h := crypto.Keccak256Hash(big.NewInt(int64(p.Nonce)).Bytes(), p.GasPrice.Bytes())
	if p.Nonce >= f.pendingAcct {
		f.pendingAcct = p.Nonce + 1
	}
	return h, h.Bytes(), nil
}
func (f *fakeSender) Broadcast(context.Context, []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.broadcasts++
	return nil
}
func (f *fakeSender) Receipt(_ context.Context, h common.Hash) (*proofs.Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["receipt"]++
	return f.receipts[h], nil
}
func (f *fakeSender) AccountNonce(context.Context) (uint64, uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["account"]++
	return f.pendingAcct, f.latestAcct, nil
}
func (f *fakeSender) GasPrice(context.Context) (*big.Int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["gas_price"]++
	return f.gasPrice, nil
}

type fixture struct {
	stats   *monitor.Stats // the registry, with figs registered
	figs    *proofs.Stats
	st      *store.Store
	sender  *fakeSender
	r       *proofs.Responder
	channel common.Address
	closing common.Address
}

// newFixture: a channel opened at 10 with a 40-block window, closed at 100
// by the partner, and a stored request with nonce 5 and a 1e15 wei reward.
func newFixture(t *testing.T, pol proofs.Policy) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(store.Config{Path: filepath.Join(t.TempDir(), "v.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, sender: newFakeSender(),
		channel: common.HexToAddress("0xC000000000000000000000000000000000000001"),
		closing: common.HexToAddress("0xB000000000000000000000000000000000000002")}
	client := common.HexToAddress("0xA000000000000000000000000000000000000003")
	stats, err := monitor.NewStats(ctx, st, "test", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if pol.ProfitFactor == 0 {
		pol.ProfitFactor = 1
	}
	if pol.DeadlineMultiplier == 0 {
		pol.DeadlineMultiplier = 3
	}
	f.stats, f.figs = stats, proofs.NewStats(stats, proofs.Totals{})
	stats.Register(f.figs)
	f.r, err = proofs.NewResponder(proofs.ResponderConfig{Store: st, Sender: f.sender, Claims: f.sender, Gas: f.sender, Policy: pol, Stats: f.figs,
		ReplaceAfter: 3, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	cs := proofs.NewChainState(st, slog.New(slog.DiscardHandler))
	evs := []proofs.ChainEvent{
		{Kind: proofs.EventChannelOpened, Block: 10, LogIndex: 0, Channel: f.channel, Participant1: client, Participant2: f.closing, SettleTimeout: 40},
		{Kind: proofs.EventChannelClosed, Block: 100, LogIndex: 0, Channel: f.channel, Participant: f.closing, Nonce: 1},
	}
	if err := cs.Apply(ctx, proofs.Cursor{Number: 100, Hash: common.Hash{1}}, nil, evs); err != nil {
		t.Fatal(err)
	}
	req := proofs.Request{BalanceProof: proofs.BalanceProof{ChainID: big.NewInt(1337), Channel: f.channel, Nonce: 5,
		TransferredAmount: big.NewInt(500), Signature: make([]byte, 65), NonClosing: client,
		NonClosingSignature: make([]byte, 65), Reward: big.NewInt(1e15)}, Closing: f.closing, Source: "rest", ReceivedAt: time.Unix(1, 0)}
	if _, err := st.SaveRequest(ctx, req); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) tick(t *testing.T, head uint64) {
	t.Helper()
	f.sender.head = head
	if err := f.r.Tick(context.Background(), head); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) outcomes(t *testing.T) map[proofs.UpdateOutcome]int {
	t.Helper()
	ups, err := f.st.Updates(context.Background(), proofs.UpdateQuery{Channel: &f.channel})
	if err != nil {
		t.Fatal(err)
	}
	m := map[proofs.UpdateOutcome]int{}
	for _, u := range ups {
		m[u.Outcome]++
	}
	return m
}

func TestResponderReplacesStuckTransaction(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.tick(t, 101)
	if len(f.sender.signed) != 1 {
		t.Fatalf("sent %d transactions, want 1", len(f.sender.signed))
	}
	first := f.sender.signed[0]
	f.tick(t, 102)
	f.tick(t, 103)
	if len(f.sender.signed) != 1 {
		t.Fatal("replaced before replace_after blocks")
	}
	f.tick(t, 104)
	if len(f.sender.signed) != 2 {
		t.Fatalf("stuck transaction not replaced: %d signed", len(f.sender.signed))
	}
	second := f.sender.signed[1]
	if second.Nonce != first.Nonce {
		t.Fatalf("replacement used account nonce %d, want %d", second.Nonce, first.Nonce)
	}
	min := new(big.Int).Div(new(big.Int).Mul(first.GasPrice, big.NewInt(1125)), big.NewInt(1000))
	if second.GasPrice.Cmp(min) < 0 {
		t.Fatalf("replacement price %s is not 12.5%% above %s", second.GasPrice, first.GasPrice)
	}
	// The replacement is mined; the original's nonce is then used up.
	h := crypto.Keccak256Hash(big.NewInt(int64(second.Nonce)).Bytes(), second.GasPrice.Bytes())
	f.sender.receipts[h] = &proofs.Receipt{Block: 105, Success: true, GasUsed: 150_000, EffectiveGasPrice: second.GasPrice}
	f.sender.latestAcct = second.Nonce + 1
	f.tick(t, 105)
	if o := f.outcomes(t); o[proofs.OutcomeMined] != 1 || o[proofs.OutcomeReplaced] != 1 || o[proofs.OutcomePending] != 0 {
		t.Fatalf("outcomes after the replacement was mined: %v", o)
	}
	f.tick(t, 106)
	if len(f.sender.signed) != 2 {
		t.Fatal("sent again after the update was mined")
	}
}

func TestResponderGasPriceRisesTowardDeadline(t *testing.T) {
	pol := proofs.Policy{DeadlineMultiplier: 3}
	early := pol.GasPriceAt(big.NewInt(1000), 100, 140, 100)
	mid := pol.GasPriceAt(big.NewInt(1000), 100, 140, 120)
	late := pol.GasPriceAt(big.NewInt(1000), 100, 140, 140)
	if early.Int64() != 1000 || mid.Int64() != 2000 || late.Int64() != 3000 {
		t.Fatalf("prices %s %s %s, want 1000 2000 3000", early, mid, late)
	}
	capped := proofs.Policy{DeadlineMultiplier: 3, MaxGasPrice: big.NewInt(1500)}.GasPriceAt(big.NewInt(1000), 100, 140, 140)
	if capped.Int64() != 1500 {
		t.Fatalf("cap not applied: %s", capped)
	}
}

func TestResponderSkipsPendingCompetitor(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	comp := f.validCompetitor(5)
	f.sender.pool = []proofs.Competitor{comp}
	f.tick(t, 101)
	f.tick(t, 102)
	if len(f.sender.signed) != 0 {
		t.Fatal("sent although a competing update with the same nonce will land")
	}
	ups := f.updates(t)
	if len(ups) != 1 || ups[0].Outcome != proofs.OutcomeSkipped || ups[0].Competitor != comp.TxHash {
		t.Fatalf("want one skipped record naming the competitor (not one per block): %+v", ups)
	}
	if s := f.stats.Snapshot(time.Unix(2, 0)); s.Updates.Standdowns != 1 {
		t.Fatalf("stand-downs counted %d, want 1", s.Updates.Standdowns)
	}
	// The competitor's transaction disappears: act.
	f.sender.pool = nil
	f.tick(t, 103)
	if len(f.sender.signed) != 1 {
		t.Fatal("did not act once the competitor was gone")
	}
	// When the pool cannot be read, a newer nonce in the pending state
	// stands in for it (a claim too: subject to the margin).
	g := newFixture(t, proofs.Policy{})
	g.sender.poolErr = errors.New("the method txpool_content does not exist")
	g.sender.stateNonce = 6
	g.tick(t, 101)
	if len(g.sender.signed) != 0 || g.outcomes(t)[proofs.OutcomeSkipped] != 1 {
		t.Fatalf("sent although the pending state has a newer nonce: %v", g.outcomes(t))
	}
	g.tick(t, 140-4) // the window is [100, 140]; margin max(4, 8) = 8 blocks
	if len(g.sender.signed) != 1 {
		t.Fatalf("a pending-state claim still unmined at the margin must not stop us: %v", g.outcomes(t))
	}
	// An update with the nonce mined is a fact: nothing is sent, ever.
	h := newFixture(t, proofs.Policy{})
	h.sender.minedNonce = 5
	for head := uint64(101); head <= 140; head++ {
		h.tick(t, head)
	}
	if len(h.sender.signed) != 0 {
		t.Fatal("sent although an update with our nonce is mined")
	}
}

// validCompetitor is another account's executable, well-priced
// updateTransfer with nonce n that succeeds when simulated.
func (f *fixture) validCompetitor(n uint64) proofs.Competitor {
	h := crypto.Keccak256Hash([]byte("competitor"), big.NewInt(int64(n)).Bytes())
	c := proofs.Competitor{TxHash: h, From: common.HexToAddress("0xD000000000000000000000000000000000000004"),
		Channel: f.channel, Nonce: n, TxNonce: 7, Gas: 200_000, FeeCap: big.NewInt(2e9), TipCap: big.NewInt(2e9),
		Value: new(big.Int), Executable: true}
	if f.sender.facts == nil {
		f.sender.facts = map[common.Hash]proofs.Competitor{}
	}
	f.sender.facts[h] = proofs.Competitor{SenderNonce: 7, SenderBalance: big.NewInt(1e18)}
	return c
}

func (f *fixture) updates(t *testing.T) []proofs.Update {
	t.Helper()
	ups, err := f.st.Updates(context.Background(), proofs.UpdateQuery{Channel: &f.channel})
	if err != nil {
		t.Fatal(err)
	}
	return ups
}

// A cheater parks junk in the pool to make the monitor stand down. None of
// it counts: the monitor sends its update in the first block it can, and
// its record says which pool transactions it disregarded and why.
func TestResponderIgnoresCompetitorsThatWillNotLand(t *testing.T) {
	junk := map[string]func(f *fixture) proofs.Competitor{
		"queued behind a nonce gap": func(f *fixture) proofs.Competitor {
			c := f.validCompetitor(1 << 63)
			c.Executable = false
			return c
		},
		"account nonce far ahead": func(f *fixture) proofs.Competitor {
			c := f.validCompetitor(6)
			c.TxNonce = 1_000_000_000
			return c
		},
		"priced below the base fee": func(f *fixture) proofs.Competitor {
			c := f.validCompetitor(6)
			c.FeeCap, c.TipCap = big.NewInt(1), big.NewInt(1)
			return c
		},
		"sender cannot pay for gas": func(f *fixture) proofs.Competitor {
			c := f.validCompetitor(6)
			f.sender.facts[c.TxHash] = proofs.Competitor{SenderNonce: 7, SenderBalance: big.NewInt(1000)}
			return c
		},
		"reverts when simulated (random signatures)": func(f *fixture) proofs.Competitor {
			c := f.validCompetitor(^uint64(0))
			f.sender.facts[c.TxHash] = proofs.Competitor{SenderNonce: 7, SenderBalance: big.NewInt(1e18), SimErr: errors.New("InvalidSignature")}
			return c
		},
		"cannot be checked": func(f *fixture) proofs.Competitor {
			c := f.validCompetitor(6)
			delete(f.sender.facts, c.TxHash)
			return c
		},
	}
	for name, mk := range junk {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, proofs.Policy{})
			f.sender.baseFee = big.NewInt(1e9)
			f.sender.pool = []proofs.Competitor{mk(f)}
			f.tick(t, 101)
			if len(f.sender.signed) != 1 {
				t.Fatalf("stood down for junk: %v", f.outcomes(t))
			}
			ups := f.updates(t)
			if len(ups) != 1 || ups[0].Outcome != proofs.OutcomePending || ups[0].Detail == "" {
				t.Fatalf("want one pending update whose detail names the disregarded competitor: %+v", ups)
			}
		})
	}
	// Our own transactions in the pool are never competitors.
	f := newFixture(t, proofs.Policy{})
	own := f.validCompetitor(9)
	own.From = f.sender.addr
	f.sender.pool = []proofs.Competitor{own}
	f.tick(t, 101)
	if len(f.sender.signed) != 1 || f.sender.calls["check_competitor"] != 0 {
		t.Fatalf("our own pool transaction was treated as a competitor: sent %d, calls %v", len(f.sender.signed), f.sender.calls)
	}
}

// A competitor that passes every check but is never mined makes the
// monitor wait only until the stand-down margin; then it sends its own at
// the deadline gas price, and the record says why.
func TestResponderStandDownEndsAtMargin(t *testing.T) {
	f := newFixture(t, proofs.Policy{DeadlineMultiplier: 3})
	comp := f.validCompetitor(5)
	f.sender.pool = []proofs.Competitor{comp}
	// Window [100, 140]: margin = max(4, ceil(0.2 x 40)) = 8; the competitor
	// counts while head + 8 < 140.
	for head := uint64(101); head < 132; head++ {
		f.tick(t, head)
	}
	if len(f.sender.signed) != 0 {
		t.Fatalf("sent before the margin: %d", len(f.sender.signed))
	}
	f.tick(t, 132)
	if len(f.sender.signed) != 1 {
		t.Fatalf("did not send at the margin although the competitor never landed: %v", f.outcomes(t))
	}
	if got, want := f.sender.signed[0].GasPrice, big.NewInt(3e9); got.Cmp(want) != 0 {
		t.Fatalf("gas price at the margin %s, want the deadline price %s", got, want)
	}
	var sent proofs.Update
	for _, u := range f.updates(t) {
		if u.Outcome == proofs.OutcomePending {
			sent = u
		}
	}
	if !strings.Contains(sent.Detail, comp.TxHash.Hex()) {
		t.Fatalf("the update's detail does not name the competitor it overrode: %q", sent.Detail)
	}
	// A custom margin.
	g := newFixture(t, proofs.Policy{MarginBlocks: 20})
	g.sender.pool = []proofs.Competitor{g.validCompetitor(5)}
	g.tick(t, 119)
	if len(g.sender.signed) != 0 {
		t.Fatal("sent before a 20-block margin")
	}
	g.tick(t, 120)
	if len(g.sender.signed) != 1 {
		t.Fatal("did not send at a 20-block margin")
	}
}

// A window that ends with the client's newer proof not on chain is
// recorded as missed once, counted, whatever the reason (here: every
// update was unprofitable), once the deadline's block is confirmed.
func TestResponderRecordsMissedWindow(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.gasPrice = big.NewInt(1e13) // unprofitable throughout
	cs := proofs.NewChainState(f.st, slog.New(slog.DiscardHandler))
	for head := uint64(103); head <= 145; head++ {
		if err := cs.Apply(context.Background(), proofs.Cursor{Number: head - 2, Hash: common.Hash{byte(head)}}, nil, nil); err != nil {
			t.Fatal(err)
		}
		f.tick(t, head)
		if head-2 < 140 && f.outcomes(t)[proofs.OutcomeMissed] != 0 {
			t.Fatalf("missed recorded at confirmed block %d, before the deadline 140 is confirmed", head-2)
		}
	}
	if o := f.outcomes(t); o[proofs.OutcomeMissed] != 1 {
		t.Fatalf("want exactly one missed record: %v", o)
	}
	if s := f.stats.Snapshot(time.Unix(2, 0)); s.Updates.Missed != 1 {
		t.Fatalf("missed counted %d, want 1", s.Updates.Missed)
	}
	// A restarted responder does not record it again.
	r2, err := proofs.NewResponder(proofs.ResponderConfig{Store: f.st, Sender: f.sender, Claims: f.sender, Gas: f.sender, Policy: proofs.Policy{ProfitFactor: 1},
		Stats: f.figs, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Tick(context.Background(), 146); err != nil {
		t.Fatal(err)
	}
	if o := f.outcomes(t); o[proofs.OutcomeMissed] != 1 {
		t.Fatalf("missed recorded again after a restart: %v", o)
	}
}

func TestResponderSkipsWouldRevert(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.revert = true
	f.tick(t, 101)
	if len(f.sender.signed) != 0 || f.outcomes(t)[proofs.OutcomeSkipped] != 1 {
		t.Fatalf("a reverting update must be recorded, not sent: %v", f.outcomes(t))
	}
}

func TestResponderUnprofitableAtActionTime(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.gasPrice = big.NewInt(1e13) // 150k gas x 1e13 = 1.5e18 > 1e15 reward
	f.tick(t, 101)
	f.tick(t, 102)
	if len(f.sender.signed) != 0 || f.outcomes(t)[proofs.OutcomeUnprofitable] != 1 {
		t.Fatalf("want one unprofitable record and no transaction: %v", f.outcomes(t))
	}
	// Altruistic participants are served regardless.
	g := newFixture(t, proofs.Policy{Altruistic: map[common.Address]bool{common.HexToAddress("0xA000000000000000000000000000000000000003"): true}})
	g.sender.gasPrice = big.NewInt(1e13)
	g.tick(t, 101)
	if len(g.sender.signed) != 1 {
		t.Fatal("altruistic participant not served")
	}
}

// TestResponderHonoursItsReceipts: a monitor whose intake signed a receipt
// for the request (backed by its deposit) sends the update even when gas
// has made it unprofitable since, at a price still capped by MaxGasPrice,
// and says so in the record.
func TestResponderHonoursItsReceipts(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.gasPrice = big.NewInt(1e13) // 150k gas x 1e13 = 1.5e18 > 1e15 reward
	maxPrice := big.NewInt(2e13)
	r, err := proofs.NewResponder(proofs.ResponderConfig{Store: f.st, Sender: f.sender, Claims: f.sender, Gas: f.sender,
		Policy: proofs.Policy{ProfitFactor: 1, DeadlineMultiplier: 3, MaxGasPrice: maxPrice}, Stats: f.figs,
		HonourReceipts: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, head := range []uint64{101, 102} {
		if err := r.Tick(context.Background(), head); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.sender.signed) != 1 || f.outcomes(t)[proofs.OutcomeUnprofitable] != 0 {
		t.Fatalf("want the receipted update sent once, never dropped as unprofitable: %d sent, %v", len(f.sender.signed), f.outcomes(t))
	}
	us, err := f.st.Updates(context.Background(), proofs.UpdateQuery{Channel: &f.channel})
	if err != nil || len(us) != 1 {
		t.Fatalf("updates: %+v, %v", us, err)
	}
	if !strings.Contains(us[0].Detail, "sent at a loss to honour the receipt") {
		t.Errorf("the record does not say it was sent at a loss: %q", us[0].Detail)
	}
	if us[0].GasPrice == nil || us[0].GasPrice.Cmp(maxPrice) > 0 {
		t.Errorf("gas price %v above the cap %v", us[0].GasPrice, maxPrice)
	}
}

func TestResponderWindowEdges(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.tick(t, 140) // next block 141 > deadline 140: too late
	if len(f.sender.signed) != 0 {
		t.Fatal("sent a transaction that can only land after the deadline")
	}
	g := newFixture(t, proofs.Policy{})
	g.tick(t, 139) // lands at 140 = deadline: still in time
	if len(g.sender.signed) != 1 {
		t.Fatal("did not act in the last valid block")
	}
}

func TestResponderSlottedWaitsForSlot(t *testing.T) {
	pol := proofs.Policy{Strategy: proofs.StrategySlotted}
	f := newFixture(t, pol)
	act := pol.ActBlock(f.channel, f.sender.addr, 100, 40)
	if act < 100+12 || act > 140-proofs.DeadlineGuard(40) {
		t.Fatalf("slot %d outside [112, %d]", act, 140-proofs.DeadlineGuard(40))
	}
	f.tick(t, act-1)
	if len(f.sender.signed) != 0 {
		t.Fatal("acted before its slot")
	}
	f.tick(t, act)
	if len(f.sender.signed) != 1 {
		t.Fatal("did not act at its slot")
	}
}

// TestResponderWaitsForContractSlot: with the chain's slot rule the
// responder sends only once the head has reached closed + offset, so that
// its update, estimated at the head, is mined in the slot; the rule gets
// the channel, the sender's account and the window.
func TestResponderWaitsForContractSlot(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	const offset = 17
	var asked []common.Address
	r, err := proofs.NewResponder(proofs.ResponderConfig{Store: f.st, Sender: f.sender, Claims: f.sender, Gas: f.sender, Policy: proofs.Policy{ProfitFactor: 1, DeadlineMultiplier: 3},
		Stats: f.figs, Logger: slog.New(slog.DiscardHandler),
		SlotOffset: func(channel, monitor common.Address, settleTimeout uint64) uint64 {
			if channel != f.channel || settleTimeout != 40 {
				t.Errorf("slot asked for channel %s, window %d", channel.Hex(), settleTimeout)
			}
			asked = append(asked, monitor)
			return offset
		}})
	if err != nil {
		t.Fatal(err)
	}
	tick := func(head uint64) {
		t.Helper()
		f.sender.head = head
		if err := r.Tick(context.Background(), head); err != nil {
			t.Fatal(err)
		}
	}
	tick(100 + offset - 1)
	if len(f.sender.signed) != 0 {
		t.Fatal("sent before the head reached the slot")
	}
	tick(100 + offset)
	if len(f.sender.signed) != 1 {
		t.Fatalf("sent %d transactions at the slot, want 1", len(f.sender.signed))
	}
	if len(asked) == 0 || asked[0] != f.sender.addr {
		t.Fatalf("slot asked for %v, want the sender's account %s", asked, f.sender.addr.Hex())
	}
}

// TestResponderPreparesForItsSlot: Prepare, run while the watcher applies
// the block at which a channel's slot opens, reads that channel's nonce on
// chain and the update's gas (and the gas price and account nonce), and the
// Tick at that head sends with those reads without asking again; the pool
// is read by the Tick itself, so a competitor that appears meanwhile is
// still seen. Reads made for another head are not used.
func TestResponderPreparesForItsSlot(t *testing.T) {
	pol := proofs.Policy{Strategy: proofs.StrategySlotted}
	prepared := func(t *testing.T) (*fixture, uint64) {
		f := newFixture(t, pol)
		act := pol.ActBlock(f.channel, f.sender.addr, 100, 40)
		f.tick(t, act-1)
		if len(f.sender.signed) != 0 || f.sender.calls["estimate"] != 0 {
			t.Fatalf("acted or estimated before its slot: %v", f.sender.calls)
		}
		return f, act
	}

	f, act := prepared(t)
	f.sender.head = act
	f.r.Prepare(context.Background(), act)
	want := map[string]int{"estimate": 1, "state_nonce": 1, "gas_price": 1, "account": 1, "pool": 0}
	for k, n := range want {
		if f.sender.calls[k] != n {
			t.Errorf("Prepare: %d %s calls, want %d (%v)", f.sender.calls[k], k, n, f.sender.calls)
		}
	}
	f.tick(t, act)
	want["pool"] = 1
	for k, n := range want {
		if f.sender.calls[k] != n {
			t.Errorf("Tick after Prepare: %d %s calls, want %d (%v)", f.sender.calls[k], k, n, f.sender.calls)
		}
	}
	if len(f.sender.signed) != 1 || f.sender.broadcasts != 1 {
		t.Fatalf("sent %d, broadcast %d at the slot, want 1", len(f.sender.signed), f.sender.broadcasts)
	}

	// A competitor entering the pool after Prepare still stops the send.
	g, act := prepared(t)
	g.sender.head = act
	g.r.Prepare(context.Background(), act)
	g.sender.pool = []proofs.Competitor{g.validCompetitor(5)}
	g.tick(t, act)
	if len(g.sender.signed) != 0 || g.outcomes(t)[proofs.OutcomeSkipped] != 1 {
		t.Fatalf("sent although a competitor entered the pool after Prepare: %v", g.outcomes(t))
	}

	// Reads prepared for another head are not used.
	h, act := prepared(t)
	h.sender.head = act
	h.r.Prepare(context.Background(), act)
	h.tick(t, act+1)
	if h.sender.calls["estimate"] != 2 || h.sender.calls["state_nonce"] != 2 || len(h.sender.signed) != 1 {
		t.Fatalf("a Tick at another head must read again: %v, sent %d", h.sender.calls, len(h.sender.signed))
	}

	// Nothing coming due: Prepare asks nothing.
	k := newFixture(t, pol)
	k.r.Prepare(context.Background(), 101)
	if len(k.sender.calls) != 0 {
		t.Fatalf("Prepare with nothing coming due asked %v", k.sender.calls)
	}
}

// TestResponderChecksBesideThePool: a channel found due by the Tick itself
// (its close is in the block just applied, so Prepare could not read
// ahead for it) has its gas estimate and recorded nonce read beside the
// Tick's pool read, not after it: the pool read here waits for an estimate
// to begin, and sees one.
func TestResponderChecksBesideThePool(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.overlap = make(chan struct{})
	f.tick(t, 101)
	if !f.sender.overlapped {
		t.Fatalf("the pool was read before the due channel's estimate began (%v)", f.sender.calls)
	}
	if f.sender.calls["estimate"] != 1 || f.sender.calls["state_nonce"] != 1 || len(f.sender.signed) != 1 {
		t.Fatalf("calls %v, sent %d; want one estimate, one nonce read and the update sent", f.sender.calls, len(f.sender.signed))
	}
}

// TestResponderCompetitorMinedWhilePoolIsRead: a competitor's update is
// in the pool when the Tick begins and is mined in the next block while
// the pool is read, so the pool no longer shows it and the nonce read at
// the Tick's head predates it. The responder must not take the two reads
// together for "nobody updated": it reads the nonce again at the block the
// pool was read at, finds the competitor's update mined, and sends nothing.
func TestResponderCompetitorMinedWhilePoolIsRead(t *testing.T) {
	for _, prepared := range []bool{false, true} {
		f := newFixture(t, proofs.Policy{})
		f.sender.head = 101
		f.sender.pool = []proofs.Competitor{f.validCompetitor(5)}
		f.sender.onPoolRead = func(s *fakeSender) {
			s.head, s.pool = 102, nil
			s.minedLater.block, s.minedLater.nonce = 102, 5
		}
		if prepared {
			f.r.Prepare(context.Background(), 101)
		}
		if err := f.r.Tick(context.Background(), 101); err != nil {
			t.Fatal(err)
		}
		if len(f.sender.signed) != 0 {
			t.Fatalf("prepared %v: sent an update although the competitor's was mined while the pool was read", prepared)
		}
		if o := f.outcomes(t); o[proofs.OutcomeSkipped] != 1 {
			t.Fatalf("prepared %v: outcomes %v, want the update skipped for the mined one", prepared, o)
		}
	}
}

// TestResponderJudgesCompetitorWherePoolWasRead: a block comes while the
// pool is read, and the competitor it shows is judged at that block (where
// it stood in the pool), not at a later one, where, mined meanwhile, its
// call simulated again would fail and be taken for one that will not land.
func TestResponderJudgesCompetitorWherePoolWasRead(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.head = 101
	f.sender.pool = []proofs.Competitor{f.validCompetitor(5)}
	f.sender.onPoolRead = func(s *fakeSender) { s.head = 102 }
	f.tick(t, 101)
	if len(f.sender.checkedAt) != 1 || f.sender.checkedAt[0] != 102 {
		t.Fatalf("competitor checked at blocks %v, want [102] (where the pool was read)", f.sender.checkedAt)
	}
	if len(f.sender.signed) != 0 || f.outcomes(t)[proofs.OutcomeSkipped] != 1 {
		t.Fatalf("sent %d, outcomes %v: want a stand-down for the competitor", len(f.sender.signed), f.outcomes(t))
	}
}

func TestPolicyJudge(t *testing.T) {
	a := common.HexToAddress("0xA000000000000000000000000000000000000003")
	p := proofs.Policy{MinReward: big.NewInt(100), ProfitFactor: 1.5, UpdateGas: 100}
	cases := []struct {
		reward, price int64
		want          monitor.Reason
	}{
		{99, 0, monitor.ReasonRewardBelowMinimum},
		{149, 1, monitor.ReasonRewardBelowGasCost}, // needs 1.5 x 100 x 1 = 150
		{150, 1, ""},
		{1_000_000, 10_000, monitor.ReasonRewardBelowGasCost},
	}
	for _, c := range cases {
		if got, _ := p.Judge(a, big.NewInt(c.reward), big.NewInt(c.price)); got != c.want {
			t.Errorf("reward %d at %d: got %q, want %q", c.reward, c.price, got, c.want)
		}
	}
	if got := proofs.BumpedGasPrice(big.NewInt(1000), nil); got.Int64() != 1126 {
		t.Errorf("bump: %s", got)
	}
}

// addChannels adds k more channels closed at 100 by the fixture's closing
// participant, each with a stored request (nonce 5).
func (f *fixture) addChannels(t *testing.T, k int) []common.Address {
	t.Helper()
	ctx := context.Background()
	client := common.HexToAddress("0xA000000000000000000000000000000000000003")
	cs := proofs.NewChainState(f.st, slog.New(slog.DiscardHandler))
	var out []common.Address
	for i := 0; i < k; i++ {
		ch := common.BigToAddress(big.NewInt(int64(0xD000 + i)))
		evs := []proofs.ChainEvent{
			{Kind: proofs.EventChannelOpened, Block: 11, LogIndex: uint(i + 1), Channel: ch, Participant1: client, Participant2: f.closing, SettleTimeout: 40},
			{Kind: proofs.EventChannelClosed, Block: 100, LogIndex: uint(i + 1), Channel: ch, Participant: f.closing, Nonce: 1},
		}
		if err := cs.Apply(ctx, proofs.Cursor{Number: 100, Hash: common.Hash{1}}, nil, evs); err != nil {
			t.Fatal(err)
		}
		req := proofs.Request{BalanceProof: proofs.BalanceProof{ChainID: big.NewInt(1337), Channel: ch, Nonce: 5,
			TransferredAmount: big.NewInt(500), Signature: make([]byte, 65), NonClosing: client,
			NonClosingSignature: make([]byte, 65), Reward: big.NewInt(1e15)}, Closing: f.closing, Source: "rest", ReceivedAt: time.Unix(1, 0)}
		if _, err := f.st.SaveRequest(ctx, req); err != nil {
			t.Fatal(err)
		}
		out = append(out, ch)
	}
	return out
}

// mine gives the first k signed transactions receipts at block and moves
// the account's latest nonce past them.
func (f *fixture) mine(k int, block uint64) {
	for _, p := range f.sender.signed[:k] {
		h := crypto.Keccak256Hash(big.NewInt(int64(p.Nonce)).Bytes(), p.GasPrice.Bytes())
		f.sender.receipts[h] = &proofs.Receipt{Block: block, Success: true, GasUsed: 150_000, EffectiveGasPrice: p.GasPrice}
		if p.Nonce+1 > f.sender.latestAcct {
			f.sender.latestAcct = p.Nonce + 1
		}
	}
}

// A mass close: the responder keeps two blocks' worth of updates in flight,
// most urgent first, with consecutive account nonces, and asks the node once
// per block (not once per channel or transaction) for the account nonce, the
// gas price and the pool; receipts are read only for transactions whose
// account nonce is used.
func TestResponderMassCloseBlocksInFlight(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.addChannels(t, 11) // 12 channels
	// Gas limit per update: 150,000 + 20% = 180,000; 5 fit in two blocks
	// of 500,000.
	f.sender.gasLimit = 500_000
	f.tick(t, 101)
	if len(f.sender.signed) != 5 {
		t.Fatalf("sent %d updates, want the 5 that fit in two blocks", len(f.sender.signed))
	}
	for i, p := range f.sender.signed {
		if p.Nonce != uint64(i) {
			t.Fatalf("update %d has account nonce %d, want %d", i, p.Nonce, i)
		}
	}
	if c := f.sender.calls; c["account"] != 1 || c["gas_price"] != 1 || c["pool"] != 1 || c["latest_block"] != 2 || c["state_nonce"] != 5 || c["estimate"] != 5 {
		t.Fatalf("calls in the first block: %v", c)
	}

	// Nothing mined yet: nothing more is sent, no receipt is asked for.
	f.sender.calls = map[string]int{}
	f.tick(t, 102)
	if len(f.sender.signed) != 5 {
		t.Fatalf("sent more while two blocks' worth is in flight: %d", len(f.sender.signed))
	}
	if c := f.sender.calls; c["receipt"] != 0 || c["estimate"] != 0 || c["account"] != 1 {
		t.Fatalf("calls in a block where nothing was mined: %v", c)
	}
	// Another poll in the same block: nothing can have been mined, the
	// account is not asked again.
	f.sender.calls = map[string]int{}
	f.tick(t, 102)
	if c := f.sender.calls; c["receipt"] != 0 || c["estimate"] != 0 || c["account"] != 0 || len(f.sender.signed) != 5 {
		t.Fatalf("calls in a second poll of the same block: %v", c)
	}

	// Three are mined: three more go out, with the next nonces.
	f.mine(3, 103)
	f.sender.calls = map[string]int{}
	f.tick(t, 103)
	if len(f.sender.signed) != 8 {
		t.Fatalf("after 3 mined: %d sent, want 8", len(f.sender.signed))
	}
	for i, p := range f.sender.signed[5:] {
		if p.Nonce != uint64(5+i) {
			t.Fatalf("update %d has account nonce %d, want %d", 5+i, p.Nonce, 5+i)
		}
	}
	if c := f.sender.calls; c["receipt"] != 3 || c["account"] != 1 || c["gas_price"] != 1 || c["pool"] != 1 {
		t.Fatalf("calls in the block after 3 were mined: %v", c)
	}

	// Blocks keep coming and everything is mined in turn: every channel is
	// updated exactly once, and nothing was replaced (the queue moved).
	for head := uint64(104); head < 110; head++ {
		f.mine(len(f.sender.signed), head)
		f.tick(t, head)
	}
	if len(f.sender.signed) != 12 {
		t.Fatalf("%d updates sent for 12 channels", len(f.sender.signed))
	}
	all, err := f.st.Updates(context.Background(), proofs.UpdateQuery{})
	if err != nil {
		t.Fatal(err)
	}
	mined := map[common.Address]int{}
	for _, u := range all {
		if u.Outcome != proofs.OutcomeMined {
			t.Fatalf("update for %s: %s (%s)", u.Channel.Hex(), u.Outcome, u.Detail)
		}
		mined[u.Channel]++
	}
	if len(mined) != 12 {
		t.Fatalf("%d channels updated, want 12", len(mined))
	}
}

// A long Tick broadcasts its last updates blocks after the head it started
// at: "not mined after ReplaceAfter blocks" counts from the node's head
// after the broadcast, not from the Tick's head.
func TestResponderReplaceCountsFromBroadcast(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.head = 105 // the chain moved on while the Tick at 101 was sending
	if err := f.r.Tick(context.Background(), 101); err != nil {
		t.Fatal(err)
	}
	if len(f.sender.signed) != 1 {
		t.Fatalf("sent %d, want 1", len(f.sender.signed))
	}
	for _, head := range []uint64{105, 106, 107} {
		f.tick(t, head)
	}
	if len(f.sender.signed) != 1 {
		t.Fatal("replaced fewer than replace_after blocks after the broadcast")
	}
	f.tick(t, 108)
	if len(f.sender.signed) != 2 {
		t.Fatal("not replaced replace_after blocks after the broadcast")
	}
}

// Our updates are mined in account-nonce order: one waiting behind our own
// earlier ones, while those are being mined, is not stuck and is not
// replaced, however long it waits; when none of ours is mined for
// replace_after blocks, every one waiting that long is replaced.
func TestResponderReplacesOnlyWhenQueueStalls(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.addChannels(t, 11)
	f.sender.gasLimit = 500_000 // 5 updates in flight
	f.tick(t, 101)
	// One of ours is mined per block; each frees room for one more.
	for head := uint64(102); head <= 106; head++ {
		f.mine(int(head-101), head)
		f.tick(t, head)
	}
	if len(f.sender.signed) != 10 {
		t.Fatalf("%d sent, want 10", len(f.sender.signed))
	}
	for i, p := range f.sender.signed {
		if p.Nonce != uint64(i) {
			t.Fatalf("transaction %d has nonce %d: a replacement while the queue moved", i, p.Nonce)
		}
	}
	// Nothing is mined for three blocks: the five waiting are replaced,
	// with their own nonces and a higher price.
	for head := uint64(107); head <= 109; head++ {
		f.tick(t, head)
	}
	if len(f.sender.signed) != 15 {
		t.Fatalf("%d signed after the queue stalled, want 10 + 5 replacements", len(f.sender.signed))
	}
	for i, p := range f.sender.signed[10:] {
		old := f.sender.signed[5+i]
		if p.Nonce != old.Nonce || p.GasPrice.Cmp(old.GasPrice) <= 0 {
			t.Fatalf("replacement %d: nonce %d price %s, replacing nonce %d price %s", i, p.Nonce, p.GasPrice, old.Nonce, old.GasPrice)
		}
	}
}

// When the base fee rises past an update's price (it cannot be included in
// the next block), the update is replaced at once, not replace_after blocks
// later; one priced above the next block's base fee is left alone.
func TestResponderReplacesUnderpricedAtOnce(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.gasUsed = f.sender.gasLimit       // full blocks: the base fee rises 1/8
	f.sender.baseFee = big.NewInt(800_000_000) // next block 900,000,000
	f.tick(t, 101)                             // priced at 1.05 gwei
	f.tick(t, 102)
	if len(f.sender.signed) != 1 {
		t.Fatal("replaced an update priced above the next block's base fee")
	}
	f.sender.baseFee = big.NewInt(950_000_000) // the next block needs 1,068,750,000
	f.tick(t, 103)
	if len(f.sender.signed) != 2 {
		t.Fatalf("underpriced update not replaced at once: %d signed", len(f.sender.signed))
	}
	if p := f.sender.signed[1]; p.Nonce != f.sender.signed[0].Nonce || p.GasPrice.Cmp(big.NewInt(1_068_750_000)) < 0 {
		t.Fatalf("replacement nonce %d price %s", p.Nonce, p.GasPrice)
	}
	f.tick(t, 104)
	if len(f.sender.signed) != 2 {
		t.Fatal("the replacement was replaced again")
	}
}

// NextBaseFee is go-ethereum's EIP-1559 base fee under mainnet's rules.
func TestNextBaseFeeMatchesGoEthereum(t *testing.T) {
	cfg := params.MainnetChainConfig
	for _, c := range []struct{ limit, used, base uint64 }{
		{60_000_000, 60_000_000, 28_715_782}, {60_000_000, 36_574_408, 28_715_782}, {60_000_000, 30_000_000, 1_000_000_000},
		{60_000_000, 0, 7}, {60_000_000, 30_000_001, 7}, {30_000_000, 12_345_678, 987_654_321_000}, {36_000_000, 35_999_999, 1},
	} {
		h := &types.Header{Number: big.NewInt(20_000_000), GasLimit: c.limit, GasUsed: c.used, BaseFee: new(big.Int).SetUint64(c.base)}
		want := eip1559.CalcBaseFee(cfg, h)
		got := proofs.BlockInfo{GasLimit: c.limit, GasUsed: c.used, BaseFee: new(big.Int).SetUint64(c.base)}.NextBaseFee()
		if got.Cmp(want) != 0 {
			t.Errorf("limit %d used %d base %d: next %s, go-ethereum %s", c.limit, c.used, c.base, got, want)
		}
	}
	if (proofs.BlockInfo{GasLimit: 1}).NextBaseFee() != nil {
		t.Error("a base fee before London")
	}
}

// The gas model answers the largest of its start figure and the recent
// observations, within its ceiling; old observations age out.
func TestUpdateGasModel(t *testing.T) {
	m := proofs.NewUpdateGasModel(0, 500_000)
	if m.Gas() != proofs.UpdateTransferGas {
		t.Fatalf("start %d, want the built-in %d", m.Gas(), proofs.UpdateTransferGas)
	}
	if m.Observe(100_000) || m.Gas() != proofs.UpdateTransferGas {
		t.Fatal("a cheaper observation lowered the figure below the start")
	}
	if !m.Observe(375_757) || m.Gas() != 375_757 {
		t.Fatalf("after observing 375,757: %d", m.Gas())
	}
	if !m.Observe(900_000) || m.Gas() != 500_000 {
		t.Fatalf("the ceiling was not applied: %d", m.Gas())
	}
	for i := 0; i < 32; i++ {
		m.Observe(200_000)
	}
	if m.Gas() != 200_000 {
		t.Fatalf("old observations did not age out: %d", m.Gas())
	}
	pol := proofs.Policy{ProfitFactor: 1, Gas: m}
	if got := pol.GasCost(big.NewInt(10)); got.Int64() != 2_000_000 {
		t.Fatalf("GasCost with the model: %s, want 2,000,000", got)
	}
	if reason, _ := pol.JudgeAt(common.Address{}, big.NewInt(1_500_000), big.NewInt(10), 150_000); reason != "" {
		t.Fatalf("JudgeAt must use the measured gas, not the model: %s", reason)
	}
}

// The responder teaches the model the chain's real cost: its live
// estimates, the gas its mined updates used, and the gas used by other
// monitors' updates of watched channels; intake then judges with it.
func TestResponderLearnsUpdateGas(t *testing.T) {
	model := proofs.NewUpdateGasModel(0, 0)
	f := newFixture(t, proofs.Policy{Gas: model})
	f.sender.gas = 375_757
	f.tick(t, 101)
	if model.Gas() != 375_757 {
		t.Fatalf("the live estimate was not learned: %d", model.Gas())
	}
	// Our update is mined having used more.
	f.sender.receipts[f.updates(t)[0].TxHash] = &proofs.Receipt{Block: 102, Success: true, GasUsed: 420_000, EffectiveGasPrice: big.NewInt(1)}
	f.sender.latestAcct = 1
	f.tick(t, 102)
	if model.Gas() != 420_000 {
		t.Fatalf("our mined update's gas was not learned: %d", model.Gas())
	}
	// Another monitor's update of a watched channel, confirmed later.
	cs := proofs.NewChainState(f.st, slog.New(slog.DiscardHandler))
	if err := cs.Apply(context.Background(), proofs.Cursor{Number: 101, Hash: common.Hash{101}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	f.tick(t, 103) // the model starts following events from here
	other := common.Hash{0xee}
	f.sender.othersGas = map[common.Hash]uint64{other: 592_345}
	ev := proofs.ChainEvent{Kind: proofs.EventTransferUpdated, Block: 102, LogIndex: 0, Channel: f.channel, TxHash: other,
		Participant: f.closing, Nonce: 9, Payout: common.HexToAddress("0xE000000000000000000000000000000000000005"), Amount: big.NewInt(1)}
	if err := cs.Apply(context.Background(), proofs.Cursor{Number: 102, Hash: common.Hash{102}}, nil, []proofs.ChainEvent{ev}); err != nil {
		t.Fatal(err)
	}
	f.tick(t, 104)
	if model.Gas() != 592_345 {
		t.Fatalf("another monitor's update gas was not learned: %d", model.Gas())
	}
}

// An update still unmined when its window has closed can no longer
// succeed, but its account nonce holds back every later transaction of
// ours: once the base fee overtakes it, it is re-sent at a price that gets
// it mined (where it reverts) instead of being rebroadcast forever.
func TestResponderFreesNonceOfUpdateAfterWindow(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	f.sender.baseFee = big.NewInt(1)
	f.tick(t, 101)
	if len(f.sender.signed) != 1 {
		t.Fatalf("sent %d, want 1", len(f.sender.signed))
	}
	first := f.sender.signed[0]
	f.sender.baseFee = new(big.Int).Mul(first.GasPrice, big.NewInt(2)) // priced out
	f.tick(t, 141)                                                     // the window [100, 140] is over
	if len(f.sender.signed) != 2 {
		t.Fatalf("the priced-out update was not re-sent after the window: %d signed", len(f.sender.signed))
	}
	second := f.sender.signed[1]
	if second.Nonce != first.Nonce || second.GasPrice.Cmp(first.GasPrice) <= 0 {
		t.Fatalf("re-sent with nonce %d price %s, want nonce %d above %s", second.Nonce, second.GasPrice, first.Nonce, first.GasPrice)
	}
}

// A settled channel's reward is credited only to the record whose own
// transaction emitted the last TransferUpdated, never to a second record
// with the same nonce and payout.
func TestResponderCreditsRewardToTheLandedTransaction(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	ctx := context.Background()
	payout := f.sender.addr
	landed, other := common.Hash{0x11}, common.Hash{0x22}
	for _, h := range []common.Hash{landed, other} {
		if _, err := f.st.InsertUpdate(ctx, proofs.Update{Channel: f.channel, NonClosing: common.HexToAddress("0xA000000000000000000000000000000000000003"),
			Nonce: 5, Reward: big.NewInt(1e15), Outcome: proofs.OutcomeMined, TxHash: h, TxNonce: 1, GasPrice: big.NewInt(1),
			GasLimit: 100_000, Block: 105, GasUsed: 90_000, GasPaid: big.NewInt(90_000)}); err != nil {
			t.Fatal(err)
		}
	}
	cs := proofs.NewChainState(f.st, slog.New(slog.DiscardHandler))
	evs := []proofs.ChainEvent{
		{Kind: proofs.EventTransferUpdated, Block: 105, Channel: f.channel, TxHash: landed, Participant: f.closing, Nonce: 5, Payout: payout, Amount: big.NewInt(1e15)},
		{Kind: proofs.EventChannelSettled, Block: 141, Channel: f.channel, TxHash: common.Hash{0x33}, Amount: big.NewInt(1), Amount2: big.NewInt(1)},
		{Kind: proofs.EventRewardPaid, Block: 141, LogIndex: 1, Channel: f.channel, TxHash: common.Hash{0x33}, Payout: payout, Amount: big.NewInt(1e15)},
	}
	if err := cs.Apply(ctx, proofs.Cursor{Number: 141, Hash: common.Hash{141}}, nil, evs); err != nil {
		t.Fatal(err)
	}
	f.tick(t, 142)
	for _, u := range f.updates(t) {
		want := int64(0)
		if u.TxHash == landed {
			want = 1e15
		}
		if u.RewardWon == nil || u.RewardWon.Int64() != want {
			t.Fatalf("record %s credited %v, want %d", u.TxHash.Hex(), u.RewardWon, want)
		}
	}
}
