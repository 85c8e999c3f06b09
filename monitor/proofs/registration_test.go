package proofs_test

import (
	"context"
	"log/slog"
	"math/big"
	"sort"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestRegistrationStatusAt: the registry's activeAt rule, block by block:
// active from activeFrom (inclusive) until exitAt (exclusive).
func TestRegistrationStatusAt(t *testing.T) {
	cases := []struct {
		name string
		reg  proofs.Registration
		head uint64
		want proofs.RegistrationStatus
	}{
		{"never registered", proofs.Registration{}, 50, proofs.RegistrationNotRegistered},
		{"before activeFrom", proofs.Registration{ActiveFrom: 10}, 9, proofs.RegistrationNotYetActive},
		{"at activeFrom", proofs.Registration{ActiveFrom: 10}, 10, proofs.RegistrationActive},
		{"exit announced later", proofs.Registration{ActiveFrom: 10, ExitAt: 20}, 19, proofs.RegistrationActive},
		{"at exitAt", proofs.Registration{ActiveFrom: 10, ExitAt: 20}, 20, proofs.RegistrationExited},
		{"after exitAt", proofs.Registration{ActiveFrom: 10, ExitAt: 20}, 30, proofs.RegistrationExited},
		{"exit before activeFrom", proofs.Registration{ActiveFrom: 10, ExitAt: 5}, 7, proofs.RegistrationExited},
	}
	for _, c := range cases {
		if got := c.reg.StatusAt(c.head); got != c.want {
			t.Errorf("%s: StatusAt(%d) = %s, want %s", c.name, c.head, got, c.want)
		}
	}
}

// TestResponderReportsSchedule: the responder reports, once per head, the
// updates it holds for the actionable channels: the soonest
// MaxScheduledShown by act block, each with its nonce, its slot (the close
// block plus the slot rule's offset), act block and deadline; the total
// counts them all; an update sent is marked so at the next head. The
// fixture's own channel, whose window has ended, is not among them.
func TestResponderReportsSchedule(t *testing.T) {
	f := newFixture(t, proofs.Policy{})
	ctx := context.Background()
	offset := func(channel, _ common.Address, _ uint64) uint64 { return uint64(channel[19])%7 + 5 }
	r, err := proofs.NewResponder(proofs.ResponderConfig{Store: f.st, Sender: f.sender, Claims: f.sender, Gas: f.sender,
		Policy: proofs.Policy{ProfitFactor: 1, DeadlineMultiplier: 3}, Stats: f.figs, SlotOffset: offset, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	// 60 more channels between the fixture's client and closer, closed at
	// blocks 101 to 160, later ones first in address order, each with a
	// request of nonce 3.
	client := common.HexToAddress("0xA000000000000000000000000000000000000003")
	closed := map[common.Address]uint64{}
	var evs []proofs.ChainEvent
	for i := range 60 {
		ch := common.BigToAddress(big.NewInt(int64(0x1000 + i)))
		closed[ch] = 101 + uint64(59-i)
		evs = append(evs,
			proofs.ChainEvent{Kind: proofs.EventChannelOpened, Block: 101, LogIndex: uint(i), Channel: ch, Participant1: client, Participant2: f.closing, SettleTimeout: 100},
			proofs.ChainEvent{Kind: proofs.EventChannelClosed, Block: closed[ch], LogIndex: 0, Channel: ch, Participant: f.closing, Nonce: 1})
		req := proofs.Request{BalanceProof: proofs.BalanceProof{ChainID: big.NewInt(1337), Channel: ch, Nonce: 3,
			TransferredAmount: big.NewInt(500), Signature: make([]byte, 65), NonClosing: client,
			NonClosingSignature: make([]byte, 65), Reward: big.NewInt(1e15)}, Closing: f.closing, Source: "rest", ReceivedAt: time.Unix(1, 0)}
		if _, err := f.st.SaveRequest(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Block < evs[j].Block })
	if err := proofs.NewChainState(f.st, slog.New(slog.DiscardHandler)).Apply(ctx, proofs.Cursor{Number: 160, Hash: common.Hash{2}}, nil, evs); err != nil {
		t.Fatal(err)
	}

	tick := func(head uint64) []proofs.ScheduledUpdate {
		t.Helper()
		f.sender.head = head
		if err := r.Tick(ctx, head); err != nil {
			t.Fatal(err)
		}
		c := f.figs.Chain()
		if c.ScheduledTotal != 60 || len(c.Scheduled) != proofs.MaxScheduledShown {
			t.Fatalf("head %d: %d scheduled shown of %d, want %d of 60", head, len(c.Scheduled), c.ScheduledTotal, proofs.MaxScheduledShown)
		}
		return c.Scheduled
	}
	sc := tick(160)
	for i, u := range sc {
		c, ok := closed[u.Channel]
		if !ok {
			t.Fatalf("scheduled channel %s, closed at no block of the test or with its window over", u.Channel.Hex())
		}
		if u.SlotBlock != c+offset(u.Channel, common.Address{}, 0) || u.ActBlock != u.SlotBlock || u.DeadlineBlock != c+100 || u.Nonce != 3 {
			t.Errorf("scheduled %d: %+v; closed at %d", i, u, c)
		}
		if i > 0 && sc[i-1].ActBlock > u.ActBlock {
			t.Errorf("scheduled %d acts at %d, after %d acts at %d", i-1, sc[i-1].ActBlock, i, u.ActBlock)
		}
	}
	// The soonest slot of all comes first, marked sent by the Tick that
	// sent its update: the schedule is reported after the sends.
	soonest := uint64(1 << 62)
	for ch, c := range closed {
		soonest = min(soonest, c+offset(ch, common.Address{}, 0))
	}
	first := sc[0].Channel
	if sc[0].ActBlock != soonest || !sc[0].Sent {
		t.Fatalf("the soonest scheduled update %+v, want one acting at %d, sent", sc[0], soonest)
	}
	if len(f.sender.signed) == 0 {
		t.Fatal("nothing was sent at head 160")
	}
	marked := false
	for _, u := range tick(161) {
		marked = marked || (u.Channel == first && u.Sent)
	}
	if !marked {
		t.Fatalf("the update for %s is no longer marked sent at the next head", first.Hex())
	}
}
