package daemon_test

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestExitWhileRunning: vigild receipts alice's request and shows the
// update it will owe in /api/1/stats; then its operator account announces
// its exit while vigild runs. The stats and /metrics show it at once,
// intake refuses new requests with monitor_not_registered, and when bob
// closes with stale state vigild still tries its receipted update: the
// channel refuses it (MonitorNotActive), which is logged at error, and
// the window is counted as missed when it ends.
func TestExitWhileRunning(t *testing.T) {
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(3_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	var logs lockedBuffer
	v := startVigil(t, chain, vigilOpts{key: operator, conf: 1, logs: &logs})
	st := v.stats()
	if r := st.Ethereum.Registration; r == nil || r.Status != "active" || r.MonitorRegistry != chain.MonitorRegistry.Hex() ||
		r.MinDepositWei != ethtest.RegistryParams.MinDeposit.String() || r.ExitBlock != 0 {
		t.Fatalf("registration at start: %+v", r)
	}
	if st.Ethereum.Mode != "monitor" || st.Ethereum.ScheduledTotal != 0 || st.Ethereum.ScheduledUpdates == nil {
		t.Fatalf("mode %q, scheduled %d %v", st.Ethereum.Mode, st.Ethereum.ScheduledTotal, st.Ethereum.ScheduledUpdates)
	}
	if h := v.waitHealth(t, http.StatusOK, "registration", "ok"); h.Parts["registration"].State != "active" {
		t.Fatalf("/healthz at start: %+v", h)
	}
	code, body := v.put(s.proof(t, 5, big.NewInt(4000), reward))
	if code != http.StatusCreated || body["monitor_registry"] != chain.MonitorRegistry.Hex() {
		t.Fatalf("PUT: %d %v (want a receipt naming the monitor registry %s)", code, body, chain.MonitorRegistry.Hex())
	}

	ctx := context.Background()
	r, err := chain.Ops(operator).AnnounceExit(ctx, chain.MonitorRegistry)
	if err != nil {
		t.Fatal(err)
	}
	exitAt := r.BlockNumber.Uint64()
	mineUntil(t, chain, 5, "the exit in /api/1/stats", func() bool {
		r := v.stats().Ethereum.Registration
		return r != nil && r.Status == "exited" && r.ExitBlock == exitAt
	})
	if m := v.metricsText(); !strings.Contains(m, "\nvigil_eth_monitor_registration_active 0\n") ||
		!strings.Contains(m, "\nvigil_eth_monitor_deposit_wei 1e+18\n") {
		t.Fatalf("/metrics after the exit:\n%s", grepLines(m, "vigil_eth_monitor_"))
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "announced its exit from the monitor registry") {
		t.Fatalf("the exit was not logged at error with what to do:\n%s", logs.String())
	}
	// A monitor the registry no longer counts cannot act: /healthz is 503
	// so that the operator's alert fires, with what to do.
	h := v.waitHealth(t, http.StatusServiceUnavailable, "registration", "monitor_not_registered")
	if p := h.Parts["registration"]; p.State != "exited" || h.Error != "monitor_not_registered" || !strings.Contains(p.Message, "announced its exit") {
		t.Fatalf("/healthz after the exit: %+v", h)
	}
	code, body = v.put(s.proof(t, 6, big.NewInt(5000), reward))
	if code != http.StatusServiceUnavailable || body["error"] != "monitor_not_registered" {
		t.Fatalf("PUT after the exit: %d %v", code, body)
	}
	if n := v.stats().BalanceProofs.RejectedByReason["monitor_not_registered"]; n != 1 {
		t.Fatalf("rejected_by_reason monitor_not_registered = %d", n)
	}

	// The receipted request is still owed: vigild schedules it and tries.
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	slot := closed + s.slotOffset(operator)
	mineUntil(t, chain, 3, "the scheduled update in /api/1/stats", func() bool { return v.stats().Ethereum.ScheduledTotal == 1 })
	sc := v.stats().Ethereum.ScheduledUpdates
	if len(sc) != 1 || sc[0].Channel != s.channel.Hex() || sc[0].Nonce != 5 || sc[0].SlotBlock != slot ||
		sc[0].ActBlock != slot || sc[0].DeadlineBlock != closed+s.timeout || sc[0].Sent {
		t.Fatalf("scheduled updates %+v; want channel %s nonce 5 slot %d deadline %d", sc, s.channel.Hex(), slot, closed+s.timeout)
	}
	mineUntil(t, chain, int(s.timeout)+5, "the refused update to be recorded", func() bool {
		for _, u := range v.updates(s.channel) {
			if u["outcome"] == "skipped" && strings.Contains(u["detail"].(string), "MonitorNotActive") {
				return true
			}
		}
		return false
	})
	if !strings.Contains(logs.String(), "cannot honour a receipt") {
		t.Fatalf("the refused update was not logged:\n%s", grepLines(logs.String(), "level=ERROR"))
	}
	for chain.Head(t) <= closed+s.timeout+1 {
		chain.Mine(1)
	}
	mineUntil(t, chain, 5, "the window to be counted as missed", func() bool { return v.stats().Updates.Missed == 1 })
	if n := v.stats().Updates.Submitted; n != 0 {
		t.Fatalf("vigild sent %d updates the channel refuses", n)
	}
	if len(transferUpdates(t, chain, s.channel)) != 0 {
		t.Fatal("an update landed")
	}
}

// TestSlashBelowMinimumWhileRunning: vigild receipts alice's request and
// is down through the window bob closes stale in. It is back, still
// registered, when alice claims the penalty with its receipt: the slash
// leaves its deposit below the registry's minimum, which ends the
// registration; the running vigild shows the new deposit and status,
// says at error what to do, and refuses requests.
func TestSlashBelowMinimumWhileRunning(t *testing.T) {
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(3_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 10, reward)
	dir := t.TempDir()
	v := startVigil(t, chain, vigilOpts{key: operator, conf: 1, dataDir: dir})
	proof := s.proof(t, 5, big.NewInt(4000), reward)
	code, body := v.put(proof)
	if code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	sig := common.FromHex(body["signature"].(string))
	v.stop()
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}
	var logs lockedBuffer
	v = startVigil(t, chain, vigilOpts{key: operator, conf: 1, dataDir: dir, logs: &logs})
	if r := v.stats().Ethereum.Registration; r == nil || r.Status != "active" {
		t.Fatalf("registration after the restart: %+v", r)
	}

	ch, err := contracts.NewNettingChannel(s.channel, chain.Client)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := bind.NewKeyedTransactorWithChainID(alice, chain.ChainID)
	if err != nil {
		t.Fatal(err)
	}
	req := contracts.NettingChannelMonitorRequest{Nonce: proof.Nonce, TransferredAmount: proof.TransferredAmount,
		Locksroot: proof.Locksroot, ExtraHash: proof.ExtraHash, ClosingSignature: proof.Signature,
		NonClosingSignature: proof.NonClosingSignature, Reward: proof.Reward}
	tx, err := ch.ClaimPenalty(opts, ethtest.Address(operator), req, sig)
	if err != nil {
		t.Fatal(err)
	}
	chain.Mine(1)
	rc, err := chain.Client.TransactionReceipt(context.Background(), tx.Hash())
	if err != nil || rc.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("claim: %v %v", rc, err)
	}
	left := new(big.Int).Sub(ethtest.RegistryParams.MinDeposit, new(big.Int).Mul(reward, big.NewInt(5)))
	mineUntil(t, chain, 5, "the slash in /api/1/stats", func() bool {
		r := v.stats().Ethereum.Registration
		return r != nil && r.Status == "exited" && r.DepositWei == left.String() && r.ExitBlock == rc.BlockNumber.Uint64()
	})
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "its deposit was slashed to "+left.String()+" wei, below the minimum") {
		t.Fatalf("the slash was not logged at error with what to do:\n%s", grepLines(logs.String(), "registration"))
	}
	code, body = v.put(s.proof(t, 6, big.NewInt(5000), reward))
	if body["error"] != string(monitor.ReasonMonitorNotRegistered) {
		t.Fatalf("PUT after the slash: %d %v", code, body)
	}
	h := v.waitHealth(t, http.StatusServiceUnavailable, "registration", "monitor_not_registered")
	if p := h.Parts["registration"]; p.State != "exited" || !strings.Contains(p.Message, "its deposit was slashed") {
		t.Fatalf("/healthz after the slash: %+v", h)
	}
}

// TestObserveOnly: with ethereum.observe_only, vigild starts with an
// account that is not registered (without it, the start-up error names
// the setting: TestStartupFailuresAreClear), says "observe" in
// /api/1/stats and /metrics and refuses every request with observe_only.
// A registered vigild restarted in observe-only mode follows and records
// the chain but sends nothing, even for a request it stored before.
func TestObserveOnly(t *testing.T) {
	chain := ethtest.New(t, 4)
	alice, bob, operator, stranger := chain.Keys[0], chain.Keys[1], chain.Keys[2], chain.Keys[3]
	reward := big.NewInt(3_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 10, reward)
	o := startVigil(t, chain, vigilOpts{key: stranger, observeOnly: true, unregistered: true})
	st := o.stats()
	if st.Ethereum.Mode != "observe" || st.Ethereum.Registration == nil || st.Ethereum.Registration.Status != "not_registered" ||
		st.Ethereum.Registration.MonitorRegistry != chain.MonitorRegistry.Hex() {
		t.Fatalf("stats: mode %q registration %+v", st.Ethereum.Mode, st.Ethereum.Registration)
	}
	if m := o.metricsText(); !strings.Contains(m, "\nvigil_eth_observe_only 1\n") || !strings.Contains(m, "\nvigil_eth_monitor_registration_active 0\n") {
		t.Fatalf("/metrics:\n%s", grepLines(m, "vigil_eth_"))
	}
	// Observe-only is the operator's choice: healthy, and says so.
	if h := o.waitHealth(t, http.StatusOK, "registration", "ok"); h.Parts["registration"].State != "observe_only" {
		t.Fatalf("/healthz in observe mode, not registered: %+v", h)
	}
	code, body := o.put(s.proof(t, 5, big.NewInt(4000), reward))
	if code != http.StatusServiceUnavailable || body["error"] != "observe_only" {
		t.Fatalf("PUT in observe mode: %d %v", code, body)
	}
	o.stop()

	dir := t.TempDir()
	v := startVigil(t, chain, vigilOpts{key: operator, conf: 1, dataDir: dir})
	if code, body := v.put(s.proof(t, 5, big.NewInt(4000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	v.stop()
	ctx := context.Background()
	sent, err := chain.Client.NonceAt(ctx, ethtest.Address(operator), nil)
	if err != nil {
		t.Fatal(err)
	}
	v = startVigil(t, chain, vigilOpts{key: operator, conf: 1, dataDir: dir, observeOnly: true})
	if st := v.stats(); st.Ethereum.Mode != "observe" || st.Ethereum.Registration.Status != "active" {
		t.Fatalf("stats: mode %q registration %+v", st.Ethereum.Mode, st.Ethereum.Registration)
	}
	if h := v.waitHealth(t, http.StatusOK, "registration", "ok"); h.Parts["registration"].State != "observe_only" {
		t.Fatalf("/healthz in observe mode, registered: %+v", h)
	}
	if code, body := v.put(s.proof(t, 6, big.NewInt(5000), reward)); body["error"] != "observe_only" {
		t.Fatalf("PUT in observe mode: %d %v", code, body)
	}
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	for chain.Head(t) <= closed+s.timeout+1 {
		chain.Mine(1)
	}
	mineUntil(t, chain, 5, "the window's end to be processed", func() bool {
		return v.stats().Ethereum.LastProcessed > closed+s.timeout
	})
	if n, err := chain.Client.NonceAt(ctx, ethtest.Address(operator), nil); err != nil || n != sent {
		t.Fatalf("the observing account sent %d transactions (%v)", n-sent, err)
	}
	if ups := v.updates(s.channel); len(ups) != 0 || len(transferUpdates(t, chain, s.channel)) != 0 {
		t.Fatalf("update records %v", ups)
	}
}

// grepLines keeps the lines of text that contain sub.
func grepLines(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestScheduledUpdatesInStats: with the slotted strategy, /api/1/stats
// lists the update vigild owes for a stale close with the block its slot
// opens in (the contract's rule), the later block its strategy acts from
// and the window's last block; then marks it sent, and drops it once the
// update is on chain.
func TestScheduledUpdatesInStats(t *testing.T) {
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(3_000_000_000_000_000)
	// A channel where the strategy acts after the slot opens, so that the
	// two blocks in the stats are told apart.
	s := newScenarioWhere(t, chain, alice, bob, 40, reward, func(s *scenario) bool {
		return proofs.Policy{Strategy: proofs.StrategySlotted}.ActBlock(s.channel, ethtest.Address(operator), 0, s.timeout) > s.slotOffset(operator)
	})
	v := startVigil(t, chain, vigilOpts{key: operator, conf: 1, strategy: proofs.StrategySlotted})
	if code, body := v.put(s.proof(t, 5, big.NewInt(4000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	slot := closed + s.slotOffset(operator)
	act := max(slot, proofs.Policy{Strategy: proofs.StrategySlotted}.ActBlock(s.channel, ethtest.Address(operator), closed, s.timeout))
	mineUntil(t, chain, 3, "the scheduled update", func() bool { return v.stats().Ethereum.ScheduledTotal == 1 })
	sc := v.stats().Ethereum.ScheduledUpdates
	if len(sc) != 1 || sc[0].Channel != s.channel.Hex() || sc[0].Nonce != 5 || sc[0].SlotBlock != slot || sc[0].ActBlock != act ||
		sc[0].DeadlineBlock != closed+s.timeout || sc[0].Sent {
		t.Fatalf("scheduled %+v; want slot %d act %d deadline %d", sc, slot, act, closed+s.timeout)
	}
	if act <= slot {
		t.Fatalf("the slotted strategy acts at %d, not after the slot %d: the test shows nothing", act, slot)
	}
	mineUntil(t, chain, int(s.timeout), "the update to be sent", func() bool {
		sc := v.stats().Ethereum.ScheduledUpdates
		return len(sc) == 1 && sc[0].Sent
	})
	for _, u := range v.updates(s.channel) {
		if sent, err := strconv.ParseUint(fmt.Sprint(u["sent_block"]), 10, 64); err == nil && sent < act {
			t.Fatalf("sent at block %d, before the act block %d", sent, act)
		}
	}
	mineUntil(t, chain, 5, "the update to leave the schedule", func() bool { return v.stats().Ethereum.ScheduledTotal == 0 })
	if len(transferUpdates(t, chain, s.channel)) != 1 {
		t.Fatal("vigild's update is not on chain")
	}
}

// TestFollowerReplicaFollowsRegistration: replicas sharing a PostgreSQL
// store take intake on every replica, so each follows the registration,
// the follower (no Ethereum watcher of its own) at heads it reads itself:
// an exit shows on both, both refuse requests with monitor_not_registered
// and both answer /healthz 503 for it.
func TestFollowerReplicaFollowsRegistration(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	opts := vigilOpts{key: operator, conf: 1, storeURL: dbURL, leaseCheck: replicaLeaseCheck}
	a := startVigil(t, chain, opts)
	ethtest.Eventually(t, defaultWait, "the first replica to lead", func() bool { return a.leads("ethereum") })
	b := startVigil(t, chain, opts)
	if b.leads("ethereum") {
		t.Fatal("the second replica leads the ethereum role too")
	}
	rc, err := chain.Ops(operator).AnnounceExit(context.Background(), chain.MonitorRegistry)
	if err != nil {
		t.Fatal(err)
	}
	exitAt := rc.BlockNumber.Uint64()
	for name, v := range map[string]*vigil{"leader": a, "follower": b} {
		mineUntil(t, chain, 5, "the exit in the "+name+"'s stats", func() bool {
			r := v.stats().Ethereum.Registration
			return r != nil && r.Status == "exited" && r.ExitBlock == exitAt
		})
		if code, body := v.put(s.proof(t, 4, big.NewInt(4000), reward)); code != http.StatusServiceUnavailable || body["error"] != "monitor_not_registered" {
			t.Fatalf("PUT to the %s after the exit: %d %v", name, code, body)
		}
		if h := v.waitHealth(t, http.StatusServiceUnavailable, "registration", "monitor_not_registered"); h.Parts["registration"].State != "exited" {
			t.Fatalf("the %s's /healthz after the exit: %+v", name, h)
		}
	}
}

// TestRoomRefusalsWhileNotEligible: a request posted in the room to a
// vigild in observe-only mode is refused with observe_only, counted, and
// not parked for a retry (the answer is definitive); it gets no receipt.
func TestRoomRefusalsWhileNotEligible(t *testing.T) {
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(3_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	v := roomVigil(t, chain, hs, alias, vigilOpts{key: operator, observeOnly: true, unregistered: true})
	ethtest.Eventually(t, defaultWait, "vigild to join the room", func() bool { return v.stats().Matrix.RoomID != "" })
	client := newRoomClient(t, hs, "alice", alias)
	// Events are handled in order: once the second is refused, the first
	// was handled to the end (refused, or parked).
	client.postProof(s.proof(t, 5, big.NewInt(4000), reward))
	client.postProof(s.proof(t, 6, big.NewInt(5000), reward))
	ethtest.Eventually(t, defaultWait, "the room requests to be refused", func() bool {
		return v.stats().Matrix.RejectedBy["observe_only"] == 2
	})
	st := v.stats()
	if st.Counters[monitor.CounterMatrixParked] != 0 || st.Matrix.ReceiptsPosted != 0 || st.BalanceProofs.Stored != 0 {
		t.Fatalf("parked %d, receipts %d, stored %d; want none", st.Counters[monitor.CounterMatrixParked], st.Matrix.ReceiptsPosted, st.BalanceProofs.Stored)
	}
}
