package daemon_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"net/http"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// TestCopycatCannotTakeVigilsReward: vigild's update transaction, taken
// from the node's pool, is resent with the same calldata and a higher gas
// price by an unregistered account and by a registered monitor whose slot
// has not opened. Both copies are mined before vigild's in the same block
// and revert; vigild's lands, and the reward goes to its registered payout
// at settle.
func TestCopycatCannotTakeVigilsReward(t *testing.T) {
	chain := ethtest.New(t, 8)
	alice, bob := chain.Keys[0], chain.Keys[1]
	reward := big.NewInt(2_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 40, reward)
	// vigild's account has the earliest slot of six; a registered monitor
	// has the latest, and another account is not registered.
	operator, early := chain.Keys[2], chain.Keys[2]
	for _, k := range chain.Keys[3:] {
		if s.slotOffset(k) < s.slotOffset(operator) {
			operator = k
		}
		if s.slotOffset(k) > s.slotOffset(early) {
			early = k
		}
	}
	if s.slotOffset(early) < s.slotOffset(operator)+2 {
		t.Fatalf("six monitors with slots %d to %d", s.slotOffset(operator), s.slotOffset(early))
	}
	var outsider *ecdsa.PrivateKey
	for _, k := range chain.Keys[2:] {
		if k != operator && k != early {
			outsider = k
		}
	}
	chain.RegisterMonitor(t, early, common.Address{})
	payout := newPayout(t)
	v := startVigil(t, chain, vigilOpts{key: operator, payout: payout, conf: 1})
	if code, body := v.put(s.proof(t, 5, big.NewInt(4000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	for chain.Head(t) < closed+max(1, s.slotOffset(operator)) {
		chain.Mine(1) // up to vigild's slot
	}
	// vigild records its update before it broadcasts it: wait for both.
	ctx := context.Background()
	var orig *types.Transaction
	ethtest.Eventually(t, defaultWait, "vigild's update to be recorded and in the pool", func() bool {
		us := v.updates(s.channel)
		if outcomes(us)["pending"] != 1 {
			return false
		}
		tx, pending, err := chain.Client.TransactionByHash(ctx, common.HexToHash(us[0]["tx_hash"].(string)))
		orig = tx
		return err == nil && pending
	})
	if chain.Head(t) >= closed+s.slotOffset(early) {
		t.Fatalf("head %d: the registered copier's slot %d is already open", chain.Head(t), closed+s.slotOffset(early))
	}
	price := new(big.Int).Mul(orig.GasPrice(), big.NewInt(3))
	copies := map[string]*types.Transaction{
		"unregistered":    copyTx(t, chain, outsider, orig, price),
		"before its slot": copyTx(t, chain, early, orig, price),
	}
	chain.Mine(1)
	mined := func(tx *types.Transaction) *types.Receipt {
		t.Helper()
		rc, err := chain.Client.TransactionReceipt(ctx, tx.Hash())
		if err != nil {
			t.Fatalf("receipt of %s: %v", tx.Hash().Hex(), err)
		}
		return rc
	}
	own := mined(orig)
	if own.Status != types.ReceiptStatusSuccessful {
		t.Fatal("vigild's update reverted")
	}
	for name, tx := range copies {
		rc := mined(tx)
		if rc.Status != types.ReceiptStatusFailed {
			t.Errorf("the %s copy succeeded", name)
		}
		if rc.BlockNumber.Cmp(own.BlockNumber) != 0 || rc.TransactionIndex > own.TransactionIndex {
			t.Errorf("the %s copy was mined in block %s at %d, vigild's in %s at %d: want it first in the same block",
				name, rc.BlockNumber, rc.TransactionIndex, own.BlockNumber, own.TransactionIndex)
		}
	}

	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}
	r, err := chain.Ops(bob).Settle(ctx, s.channel)
	if err != nil {
		t.Fatal(err)
	}
	f, err := contracts.NewNettingChannelFilterer(s.channel, nil)
	if err != nil {
		t.Fatal(err)
	}
	var paid *contracts.NettingChannelRewardPaid
	for _, l := range r.Logs {
		if ev, err := f.ParseRewardPaid(*l); err == nil {
			paid = ev
		}
	}
	if paid == nil || paid.Payout != payout || paid.Amount.Cmp(reward) != 0 {
		t.Fatalf("RewardPaid %+v, want %s to vigild's payout %s", paid, reward, payout.Hex())
	}
	if got := chain.Balance(t, payout); got.Cmp(reward) != 0 {
		t.Fatalf("vigild's payout holds %s, want %s", got, reward)
	}
	mineUntil(t, chain, 10, "vigild to count the win", func() bool { return v.stats().Updates.Won == 1 })
}

// copyTx sends tx's calldata to its contract from key, at price.
func copyTx(t *testing.T, chain *ethtest.Chain, key *ecdsa.PrivateKey, tx *types.Transaction, price *big.Int) *types.Transaction {
	t.Helper()
	ctx := context.Background()
	nonce, err := chain.Client.PendingNonceAt(ctx, ethtest.Address(key))
	if err != nil {
		t.Fatal(err)
	}
	cp, err := types.SignNewTx(key, types.LatestSignerForChainID(chain.ChainID), &types.LegacyTx{
		Nonce: nonce, GasPrice: price, Gas: tx.Gas(), To: tx.To(), Data: tx.Data(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chain.Client.SendTransaction(ctx, cp); err != nil {
		t.Fatal(err)
	}
	return cp
}
