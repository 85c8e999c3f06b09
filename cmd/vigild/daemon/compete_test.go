package daemon_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"net/http"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// updates returns a daemon's update records for a channel.
func (v *vigil) updates(channel common.Address) []map[string]any {
	v.t.Helper()
	code, body := v.do(http.MethodGet, "/api/1/channel_update/"+channel.Hex(), nil)
	if code != http.StatusOK {
		v.t.Fatalf("channel_update: %d %v", code, body)
	}
	list, _ := body["channel_updates"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, u := range list {
		out = append(out, u.(map[string]any))
	}
	return out
}

func outcomes(ups []map[string]any) map[string]int {
	m := map[string]int{}
	for _, u := range ups {
		m[u["outcome"].(string)]++
	}
	return m
}

// transferUpdates lists the TransferUpdated events of a channel on chain.
func transferUpdates(t *testing.T, chain *ethtest.Chain, channel common.Address) []*contracts.NettingChannelTransferUpdated {
	t.Helper()
	f, err := contracts.NewNettingChannelFilterer(channel, chain.Client)
	if err != nil {
		t.Fatal(err)
	}
	it, err := f.FilterTransferUpdated(&bind.FilterOpts{Context: context.Background()}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []*contracts.NettingChannelTransferUpdated
	for it.Next() {
		out = append(out, it.Event)
	}
	return out
}

// slotOffset is the contract slot of key's account in the scenario's
// channel, in blocks after the close.
func (s *scenario) slotOffset(key *ecdsa.PrivateKey) uint64 {
	return contracts.SlotOffset(s.channel, ethtest.Address(key), s.timeout)
}

// TestCompetingMonitorsSameProof: two monitors hold the same proof. The
// second comes back online while the first one's update is pending, its own
// slot open too: it must see the pending update and not send. Exactly one
// update lands, nothing reverts.
func TestCompetingMonitorsSameProof(t *testing.T) {
	chain := ethtest.New(t, 4)
	alice, bob := chain.Keys[0], chain.Keys[1]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	k1, k2 := chain.Keys[2], chain.Keys[3]
	if s.slotOffset(k1) < s.slotOffset(k2) {
		k1, k2 = k2, k1 // v2's slot opens no later than v1's
	}
	o1 := vigilOpts{key: k1, payout: newPayout(t), conf: 1}
	o2 := vigilOpts{key: k2, payout: newPayout(t), conf: 1, dataDir: t.TempDir()}
	v1, v2 := startVigil(t, chain, o1), startVigil(t, chain, o2)
	proof := s.proof(t, 4, big.NewInt(5000), reward)
	for _, v := range []*vigil{v1, v2} {
		if code, body := v.put(proof); code != http.StatusCreated {
			t.Fatalf("PUT: %d %v", code, body)
		}
	}
	v2.stop() // v2 goes offline
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	chain.Mine(1) // the close is confirmed
	for chain.Head(t) < closed+s.slotOffset(k1) {
		chain.Mine(1) // up to v1's slot
	}
	ethtest.Eventually(t, defaultWait, "v1's update to be pending", func() bool {
		return outcomes(v1.updates(s.channel))["pending"] == 1
	})
	// v2 comes back while v1's update waits in the node's pool.
	v2 = startVigil(t, chain, o2)
	ethtest.Eventually(t, defaultWait, "v2 to decide", func() bool {
		return len(v2.updates(s.channel)) > 0
	})
	if o := outcomes(v2.updates(s.channel)); o["skipped"] != 1 || o["pending"] != 0 {
		t.Fatalf("v2 should have skipped for v1's pending update: %v", o)
	}
	mineUntil(t, chain, 10, "v1's update mined", func() bool { return outcomes(v1.updates(s.channel))["mined"] == 1 })
	chain.Mine(3)
	if ups := transferUpdates(t, chain, s.channel); len(ups) != 1 || ups[0].Nonce != 4 {
		t.Fatalf("want exactly one TransferUpdated with nonce 4, got %d", len(ups))
	}
	for _, v := range []*vigil{v1, v2} {
		if o := outcomes(v.updates(s.channel)); o["reverted"] != 0 {
			t.Fatalf("a monitor sent a reverting transaction: %v", o)
		}
	}
	if o := outcomes(v2.updates(s.channel)); o["pending"]+o["mined"] != 0 {
		t.Fatalf("v2 sent a transaction: %v", o)
	}
}

// TestCompetingMonitorsPendingCheck: both monitors hold the same proof
// before the close. v1 acts at once; v2 acts at its slot, later. When v2's
// turn comes, v1's update is pending (blocks are held back): v2 must see it
// and not send.
func TestCompetingMonitorsPendingCheck(t *testing.T) {
	chain := ethtest.New(t, 4)
	alice, bob := chain.Keys[0], chain.Keys[1]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 10, reward)
	v2 := startVigil(t, chain, vigilOpts{key: chain.Keys[3], payout: newPayout(t), conf: 1, strategy: proofs.StrategySlotted})
	proof := s.proof(t, 4, big.NewInt(5000), reward)
	if code, body := v2.put(proof); code != http.StatusCreated {
		t.Fatalf("PUT v2: %d %v", code, body)
	}
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	act := max(proofs.Policy{Strategy: proofs.StrategySlotted}.ActBlock(s.channel, ethtest.Address(chain.Keys[3]), closed, s.timeout),
		closed+s.slotOffset(chain.Keys[3]), closed+1)
	// Bring the chain to v2's slot minus one, with v2 watching.
	for chain.Head(t) < act-1 {
		chain.Mine(1)
	}
	// A competitor (here alice herself, as a participant-run monitor would)
	// sends the same update into the pool; no block is mined yet.
	ops := chain.Ops(alice)
	errNoWait := errors.New("not waiting for the receipt")
	ops.Wait = func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) { return nil, errNoWait }
	if _, err := ops.UpdateTransfer(context.Background(), proof); !errors.Is(err, errNoWait) {
		t.Fatalf("competing update: %v", err)
	}
	chain.Mine(1) // v2's slot: the competing update is in the pool, not mined
	ethtest.Eventually(t, defaultWait, "v2 to decide at its slot", func() bool {
		return len(v2.updates(s.channel)) > 0
	})
	o := outcomes(v2.updates(s.channel))
	if o["skipped"] != 1 || o["pending"] != 0 {
		t.Fatalf("v2 should have skipped for the pending competitor: %v", o)
	}
	chain.Mine(2)
	if ups := transferUpdates(t, chain, s.channel); len(ups) != 1 || ups[0].Payout != ethtest.Address(alice) {
		t.Fatalf("want exactly the competitor's TransferUpdated, got %d", len(ups))
	}
}

// TestNewerProofWinsAfterOlderUpdate: v1 holds an older proof and acts
// first; v2 holds the newer one and acts at its slot; v2's update replaces
// v1's and v2 is paid on settle. Neither sends a reverting transaction.
func TestNewerProofWinsAfterOlderUpdate(t *testing.T) {
	chain := ethtest.New(t, 6)
	alice, bob := chain.Keys[0], chain.Keys[1]
	reward := big.NewInt(1_000_000_000_000_000)
	// v1 (immediate) acts at its contract slot, v2 (slotted) at the later
	// of its courtesy slot and its contract slot: pick two monitors whose
	// slots come in that order.
	var k1, k2 *ecdsa.PrivateKey
	s := newScenarioWhere(t, chain, alice, bob, 30, reward, func(s *scenario) bool {
		for _, a := range chain.Keys[2:] {
			for _, b := range chain.Keys[2:] {
				act2 := proofs.Policy{Strategy: proofs.StrategySlotted}.ActBlock(s.channel, ethtest.Address(b), 0, s.timeout)
				if a != b && s.slotOffset(a)+2 < max(act2, s.slotOffset(b)) {
					k1, k2 = a, b
					return true
				}
			}
		}
		return false
	})
	pay1, pay2 := newPayout(t), newPayout(t)
	v1 := startVigil(t, chain, vigilOpts{key: k1, payout: pay1, conf: 1})
	v2 := startVigil(t, chain, vigilOpts{key: k2, payout: pay2, conf: 1, strategy: proofs.StrategySlotted})
	if code, body := v1.put(s.proof(t, 3, big.NewInt(3000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT v1: %d %v", code, body)
	}
	if code, body := v2.put(s.proof(t, 4, big.NewInt(4000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT v2: %d %v", code, body)
	}
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	bobAddr := ethtest.Address(bob)
	mineUntil(t, chain, int(s.timeout), "v1's older update", func() bool { return onChainNonce(t, chain, s.channel, bobAddr) == 3 })
	mineUntil(t, chain, int(s.timeout), "v2's newer update", func() bool { return onChainNonce(t, chain, s.channel, bobAddr) == 4 })
	if chain.Head(t) > closed+s.timeout {
		t.Fatal("v2's update landed after the window")
	}
	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}
	if _, err := chain.Ops(bob).Settle(context.Background(), s.channel); err != nil {
		t.Fatal(err)
	}
	if got := chain.Balance(t, pay2); got.Cmp(reward) != 0 {
		t.Fatalf("v2's payout got %s, want %s", got, reward)
	}
	if got := chain.Balance(t, pay1); got.Sign() != 0 {
		t.Fatalf("v1's payout got %s, want 0", got)
	}
	mineUntil(t, chain, 10, "v2's stats to show the win", func() bool { return v2.stats().Updates.Won == 1 })
	if v1.stats().Updates.Won != 0 {
		t.Fatal("v1 counted a win it did not get")
	}
	for _, v := range []*vigil{v1, v2} {
		if o := outcomes(v.updates(s.channel)); o["reverted"] != 0 || o["mined"] != 1 {
			t.Fatalf("each monitor should have exactly one mined update and none reverted: %v", o)
		}
	}
}

// TestEarlierSlotWinsLaterStandsDown: two registered vigil instances with
// different contract slots both hold the same proof and both run through
// the whole window. Each schedules the update in its own slot; the one
// whose slot opens first updates in it and is paid on settle. The later
// one sees the landed update, drops its scheduled update and sends nothing:
// its account's nonce does not move.
func TestEarlierSlotWinsLaterStandsDown(t *testing.T) {
	chain := ethtest.New(t, 6)
	alice, bob := chain.Keys[0], chain.Keys[1]
	reward := big.NewInt(1_000_000_000_000_000)
	var k1, k2 *ecdsa.PrivateKey
	s := newScenarioWhere(t, chain, alice, bob, 30, reward, func(s *scenario) bool {
		for _, a := range chain.Keys[2:] {
			for _, b := range chain.Keys[2:] {
				if a != b && s.slotOffset(a)+4 < s.slotOffset(b) {
					k1, k2 = a, b
					return true
				}
			}
		}
		return false
	})
	t.Logf("slots: v1 +%d, v2 +%d", s.slotOffset(k1), s.slotOffset(k2))
	pay1, pay2 := newPayout(t), newPayout(t)
	v1 := startVigil(t, chain, vigilOpts{key: k1, payout: pay1, conf: 1})
	v2 := startVigil(t, chain, vigilOpts{key: k2, payout: pay2, conf: 1})
	proof := s.proof(t, 4, big.NewInt(5000), reward)
	for _, v := range []*vigil{v1, v2} {
		if code, body := v.put(proof); code != http.StatusCreated {
			t.Fatalf("PUT: %d %v", code, body)
		}
	}
	addr2 := ethtest.Address(k2)
	nonce2, err := chain.Client.NonceAt(context.Background(), addr2, nil)
	if err != nil {
		t.Fatal(err)
	}
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	slot1, slot2 := closed+s.slotOffset(k1), closed+s.slotOffset(k2)
	chain.Mine(1) // the close is confirmed
	ethtest.Eventually(t, defaultWait, "v2 to schedule the update in its slot", func() bool {
		sc := v2.stats().Ethereum.ScheduledUpdates
		return len(sc) == 1 && sc[0].SlotBlock == slot2 && !sc[0].Sent
	})
	bobAddr := ethtest.Address(bob)
	mineUntil(t, chain, int(s.timeout), "v1's update", func() bool { return onChainNonce(t, chain, s.channel, bobAddr) == 4 })
	if rc := transferUpdates(t, chain, s.channel); len(rc) == 1 && rc[0].Raw.BlockNumber < slot1 {
		t.Fatalf("v1's update landed in block %d, before its slot (block %d)", rc[0].Raw.BlockNumber, slot1)
	}
	if head := chain.Head(t); head >= slot2 {
		t.Fatalf("v1's update landed in block %d, not before v2's slot (block %d)", head, slot2)
	}
	if ups := transferUpdates(t, chain, s.channel); len(ups) != 1 || ups[0].Payout != pay1 {
		t.Fatalf("want exactly v1's TransferUpdated, got %d", len(ups))
	}
	chain.Mine(1) // v1's update is confirmed
	ethtest.Eventually(t, defaultWait, "v2 to drop its scheduled update", func() bool {
		return v2.stats().Ethereum.ScheduledTotal == 0
	})
	if head := chain.Head(t); head >= slot2 {
		t.Fatalf("head %d reached v2's slot (block %d) before the test could look", head, slot2)
	}
	for chain.Head(t) <= slot2+2 {
		chain.Mine(1) // through v2's slot
	}
	ethtest.Eventually(t, defaultWait, "v2 to follow past its slot", func() bool {
		return v2.stats().Ethereum.Head >= slot2+2
	})
	if n, err := chain.Client.NonceAt(context.Background(), addr2, nil); err != nil || n != nonce2 {
		t.Fatalf("v2's account nonce %d (%v), want %d: it sent a transaction", n, err, nonce2)
	}
	if o := outcomes(v2.updates(s.channel)); o["pending"]+o["mined"]+o["reverted"] != 0 {
		t.Fatalf("v2 sent a transaction: %v", o)
	}
	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}
	if _, err := chain.Ops(bob).Settle(context.Background(), s.channel); err != nil {
		t.Fatal(err)
	}
	if got := chain.Balance(t, pay1); got.Cmp(reward) != 0 {
		t.Fatalf("v1's payout got %s, want %s", got, reward)
	}
	if got := chain.Balance(t, pay2); got.Sign() != 0 {
		t.Fatalf("v2's payout got %s, want 0", got)
	}
	mineUntil(t, chain, 10, "v1's stats to show the win", func() bool { return v1.stats().Updates.Won == 1 })
	if v2.stats().Updates.Won != 0 {
		t.Fatal("v2 counted a win it did not get")
	}
	if o := outcomes(v1.updates(s.channel)); o["mined"] != 1 || o["reverted"] != 0 {
		t.Fatalf("v1 should have exactly one mined update: %v", o)
	}
}

// TestLateMonitorActsInTheTail: vigild is down from the close until the
// window's open tail (the part after every slot, open to every registered
// monitor); started there, it sends its update, which lands in the tail,
// and its payout gets the reward on settle.
func TestLateMonitorActsInTheTail(t *testing.T) {
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	payout := newPayout(t)
	o := vigilOpts{key: operator, payout: payout, conf: 1, dataDir: t.TempDir()}
	v := startVigil(t, chain, o)
	if code, body := v.put(s.proof(t, 4, big.NewInt(5000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	v.stop()
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	tail := closed + contracts.SlotSpan(s.timeout)
	for chain.Head(t) < tail {
		chain.Mine(1)
	}
	v = startVigil(t, chain, o) // registered already: nothing is mined
	bobAddr := ethtest.Address(bob)
	mineUntil(t, chain, int(s.timeout), "vigild's update in the tail", func() bool { return onChainNonce(t, chain, s.channel, bobAddr) == 4 })
	ups := transferUpdates(t, chain, s.channel)
	if len(ups) != 1 || ups[0].Payout != payout || ups[0].Raw.BlockNumber < tail || ups[0].Raw.BlockNumber > closed+s.timeout {
		t.Fatalf("want one TransferUpdated paying vigild in the tail [%d, %d], got %+v", tail, closed+s.timeout, ups)
	}
	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}
	if _, err := chain.Ops(bob).Settle(context.Background(), s.channel); err != nil {
		t.Fatal(err)
	}
	if got := chain.Balance(t, payout); got.Cmp(reward) != 0 {
		t.Fatalf("vigild's payout got %s, want %s", got, reward)
	}
}
