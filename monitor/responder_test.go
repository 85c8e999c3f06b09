package monitor_test

import (
	"context"
	"log/slog"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/store"
)

// fakeSender is a scripted chain for unit tests of the responder's
// decisions (the real Sender is exercised end to end in cmd/vigild/daemon).
type fakeSender struct {
	addr        common.Address
	gasPrice    *big.Int
	gas         uint64
	revert      bool
	poolNonce   uint64
	pendingAcct uint64
	latestAcct  uint64
	receipts    map[common.Hash]*monitor.Receipt
	signed      []monitor.TxParams
	broadcasts  int
}

func newFakeSender() *fakeSender {
	return &fakeSender{addr: common.HexToAddress("0x1000000000000000000000000000000000000001"),
		gasPrice: big.NewInt(1_000_000_000), gas: 150_000, receipts: map[common.Hash]*monitor.Receipt{}}
}

func (f *fakeSender) Address() common.Address { return f.addr }
func (f *fakeSender) EstimateUpdate(context.Context, monitor.UpdateCall) (uint64, error) {
	if f.revert {
		return 0, monitor.ErrWouldRevert
	}
	return f.gas, nil
}
func (f *fakeSender) PendingOnChainNonce(context.Context, common.Address, common.Address) (uint64, error) {
	return f.poolNonce, nil
}
func (f *fakeSender) SignUpdate(_ context.Context, c monitor.UpdateCall, p monitor.TxParams) (common.Hash, []byte, error) {
	f.signed = append(f.signed, p)
	h := crypto.Keccak256Hash(big.NewInt(int64(p.Nonce)).Bytes(), p.GasPrice.Bytes())
	if p.Nonce >= f.pendingAcct {
		f.pendingAcct = p.Nonce + 1
	}
	return h, h.Bytes(), nil
}
func (f *fakeSender) Broadcast(context.Context, []byte) error { f.broadcasts++; return nil }
func (f *fakeSender) Receipt(_ context.Context, h common.Hash) (*monitor.Receipt, error) {
	return f.receipts[h], nil
}
func (f *fakeSender) AccountNonce(context.Context) (uint64, uint64, error) {
	return f.pendingAcct, f.latestAcct, nil
}
func (f *fakeSender) GasPrice(context.Context) (*big.Int, error) { return f.gasPrice, nil }
func (f *fakeSender) Balance(context.Context) (*big.Int, error)  { return big.NewInt(1e18), nil }

type fixture struct {
	st      *store.Store
	sender  *fakeSender
	r       *monitor.Responder
	channel common.Address
	closing common.Address
}

// newFixture: a channel opened at 10 with a 40-block window, closed at 100
// by the partner, and a stored request with nonce 5 and a 1e15 wei reward.
func newFixture(t *testing.T, pol monitor.Policy) *fixture {
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
	f.r, err = monitor.NewResponder(monitor.ResponderConfig{Store: st, Sender: f.sender, Policy: pol, Stats: stats,
		ReplaceAfter: 3, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	cs := monitor.NewChainState(st, slog.New(slog.DiscardHandler))
	evs := []monitor.ChainEvent{
		{Kind: monitor.EventChannelOpened, Block: 10, LogIndex: 0, Channel: f.channel, Participant1: client, Participant2: f.closing, SettleTimeout: 40},
		{Kind: monitor.EventChannelClosed, Block: 100, LogIndex: 0, Channel: f.channel, Participant: f.closing, Nonce: 1},
	}
	if err := cs.Apply(ctx, monitor.Cursor{Number: 100, Hash: common.Hash{1}}, nil, evs); err != nil {
		t.Fatal(err)
	}
	req := monitor.Request{BalanceProof: monitor.BalanceProof{ChainID: big.NewInt(1337), Channel: f.channel, Nonce: 5,
		TransferredAmount: big.NewInt(500), Signature: make([]byte, 65), NonClosing: client,
		NonClosingSignature: make([]byte, 65), Reward: big.NewInt(1e15)}, Closing: f.closing, Source: "rest", ReceivedAt: time.Unix(1, 0)}
	if _, err := st.SaveRequest(ctx, req); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) tick(t *testing.T, head uint64) {
	t.Helper()
	if err := f.r.Tick(context.Background(), head); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) outcomes(t *testing.T) map[monitor.UpdateOutcome]int {
	t.Helper()
	ups, err := f.st.Updates(context.Background(), monitor.UpdateQuery{Channel: &f.channel})
	if err != nil {
		t.Fatal(err)
	}
	m := map[monitor.UpdateOutcome]int{}
	for _, u := range ups {
		m[u.Outcome]++
	}
	return m
}

func TestResponderReplacesStuckTransaction(t *testing.T) {
	f := newFixture(t, monitor.Policy{})
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
	f.sender.receipts[h] = &monitor.Receipt{Block: 105, Success: true, GasUsed: 150_000, EffectiveGasPrice: second.GasPrice}
	f.sender.latestAcct = second.Nonce + 1
	f.tick(t, 105)
	if o := f.outcomes(t); o[monitor.OutcomeMined] != 1 || o[monitor.OutcomeReplaced] != 1 || o[monitor.OutcomePending] != 0 {
		t.Fatalf("outcomes after the replacement was mined: %v", o)
	}
	f.tick(t, 106)
	if len(f.sender.signed) != 2 {
		t.Fatal("sent again after the update was mined")
	}
}

func TestResponderGasPriceRisesTowardDeadline(t *testing.T) {
	pol := monitor.Policy{DeadlineMultiplier: 3}
	early := pol.GasPriceAt(big.NewInt(1000), 100, 140, 100)
	mid := pol.GasPriceAt(big.NewInt(1000), 100, 140, 120)
	late := pol.GasPriceAt(big.NewInt(1000), 100, 140, 140)
	if early.Int64() != 1000 || mid.Int64() != 2000 || late.Int64() != 3000 {
		t.Fatalf("prices %s %s %s, want 1000 2000 3000", early, mid, late)
	}
	capped := monitor.Policy{DeadlineMultiplier: 3, MaxGasPrice: big.NewInt(1500)}.GasPriceAt(big.NewInt(1000), 100, 140, 140)
	if capped.Int64() != 1500 {
		t.Fatalf("cap not applied: %s", capped)
	}
}

func TestResponderSkipsPendingCompetitor(t *testing.T) {
	f := newFixture(t, monitor.Policy{})
	f.sender.poolNonce = 5
	f.tick(t, 101)
	f.tick(t, 102)
	if len(f.sender.signed) != 0 {
		t.Fatal("sent although a competing update with the same nonce is pending")
	}
	if o := f.outcomes(t); o[monitor.OutcomeSkipped] != 1 {
		t.Fatalf("want one skipped record (not one per block): %v", o)
	}
	// The competitor's transaction disappears: act.
	f.sender.poolNonce = 0
	f.tick(t, 103)
	if len(f.sender.signed) != 1 {
		t.Fatal("did not act once the competitor was gone")
	}
}

func TestResponderSkipsWouldRevert(t *testing.T) {
	f := newFixture(t, monitor.Policy{})
	f.sender.revert = true
	f.tick(t, 101)
	if len(f.sender.signed) != 0 || f.outcomes(t)[monitor.OutcomeSkipped] != 1 {
		t.Fatalf("a reverting update must be recorded, not sent: %v", f.outcomes(t))
	}
}

func TestResponderUnprofitableAtActionTime(t *testing.T) {
	f := newFixture(t, monitor.Policy{})
	f.sender.gasPrice = big.NewInt(1e13) // 150k gas x 1e13 = 1.5e18 > 1e15 reward
	f.tick(t, 101)
	f.tick(t, 102)
	if len(f.sender.signed) != 0 || f.outcomes(t)[monitor.OutcomeUnprofitable] != 1 {
		t.Fatalf("want one unprofitable record and no transaction: %v", f.outcomes(t))
	}
	// Altruistic participants are served regardless.
	g := newFixture(t, monitor.Policy{Altruistic: map[common.Address]bool{common.HexToAddress("0xA000000000000000000000000000000000000003"): true}})
	g.sender.gasPrice = big.NewInt(1e13)
	g.tick(t, 101)
	if len(g.sender.signed) != 1 {
		t.Fatal("altruistic participant not served")
	}
}

func TestResponderWindowEdges(t *testing.T) {
	f := newFixture(t, monitor.Policy{})
	f.tick(t, 140) // next block 141 > deadline 140: too late
	if len(f.sender.signed) != 0 {
		t.Fatal("sent a transaction that can only land after the deadline")
	}
	g := newFixture(t, monitor.Policy{})
	g.tick(t, 139) // lands at 140 = deadline: still in time
	if len(g.sender.signed) != 1 {
		t.Fatal("did not act in the last valid block")
	}
}

func TestResponderSlottedWaitsForSlot(t *testing.T) {
	pol := monitor.Policy{Strategy: monitor.StrategySlotted}
	f := newFixture(t, pol)
	act := pol.ActBlock(f.channel, f.sender.addr, 100, 40)
	if act < 100+12 || act > 140-monitor.DeadlineGuard(40) {
		t.Fatalf("slot %d outside [112, %d]", act, 140-monitor.DeadlineGuard(40))
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

func TestPolicyJudge(t *testing.T) {
	a := common.HexToAddress("0xA000000000000000000000000000000000000003")
	p := monitor.Policy{MinReward: big.NewInt(100), ProfitFactor: 1.5, UpdateGas: 100}
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
	if got := monitor.BumpedGasPrice(big.NewInt(1000), nil); got.Int64() != 1126 {
		t.Errorf("bump: %s", got)
	}
}
