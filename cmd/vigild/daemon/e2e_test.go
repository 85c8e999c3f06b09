package daemon_test

import (
	"context"
	"math/big"
	"net/http"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

func onChainNonce(t *testing.T, chain *ethtest.Chain, channel, participant common.Address) uint64 {
	t.Helper()
	c, err := contracts.NewNettingChannelCaller(channel, chain.Client)
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.Nonces(&bind.CallOpts{}, participant)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func newPayout(t testing.TB) common.Address {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return ethtest.Address(k)
}

// TestEndToEndStaleCloseCorrectedAndRewardPaid is the mission on Ethereum:
// a client hands its newest proof to vigil over REST and goes offline; the
// partner closes with stale state; vigil calls updateTransfer inside the
// window; settle pays vigil's payout address the reward and the client
// exactly what the newest proof says.
func TestEndToEndStaleCloseCorrectedAndRewardPaid(t *testing.T) {
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(2_000_000_000_000_000) // 0.002 ether
	s := newScenario(t, chain, alice, bob, 30, reward)
	payout := newPayout(t)
	v := startVigil(t, chain, vigilOpts{key: operator, payout: payout, conf: 1})

	// Bob pays alice several times; each payment is a newer proof. Alice
	// submits the newest to vigil (an older first, to check replacement).
	milli := new(big.Int).Div(ethtest.Ether, big.NewInt(1000))
	var newest = new(big.Int)
	for n := uint64(1); n <= 4; n++ {
		amt := new(big.Int).Mul(big.NewInt(int64(100*n)), milli)
		if n == 2 || n == 4 {
			code, body := v.put(s.proof(t, n, amt, reward))
			if code != http.StatusCreated {
				t.Fatalf("PUT nonce %d: %d %v", n, code, body)
			}
		}
		newest = amt
	}
	// An older nonce after a newer one is refused as stale.
	if code, body := v.put(s.proof(t, 3, new(big.Int).Mul(big.NewInt(300), milli), reward)); code != http.StatusConflict || body["error"] != "stale_nonce" {
		t.Fatalf("stale PUT: %d %v", code, body)
	}

	// Alice sent bob 1 ether (nonce 7); bob closes with that but leaves out
	// his own transfers to alice.
	aliceSent := ethtest.Ether
	closed := s.bobClosesStale(t, 7, aliceSent)
	deadline := closed + s.timeout
	bobAddr := ethtest.Address(bob)

	mineUntil(t, chain, int(s.timeout)-2, "vigil's updateTransfer", func() bool {
		return onChainNonce(t, chain, s.channel, bobAddr) == 4
	})
	if head := chain.Head(t); head > deadline {
		t.Fatalf("update landed at %d, after the deadline %d", head, deadline)
	}
	cc, _ := contracts.NewNettingChannelCaller(s.channel, chain.Client)
	if got, _ := cc.RewardPayout(&bind.CallOpts{}); got != payout {
		t.Fatalf("reward payout on chain is %s, want vigil's %s", got.Hex(), payout.Hex())
	}

	// The window passes; anyone settles.
	for chain.Head(t) <= deadline {
		chain.Mine(1)
	}
	aliceBefore := chain.Balance(t, ethtest.Address(alice))
	if _, err := chain.Ops(bob).Settle(context.Background(), s.channel); err != nil {
		t.Fatal(err)
	}
	if got := chain.Balance(t, payout); got.Cmp(reward) != 0 {
		t.Fatalf("payout received %s wei, want the reward %s", got, reward)
	}
	// alice: deposit - sent + received, exactly as the newest proof says.
	want := new(big.Int).Sub(s.depA, aliceSent)
	want.Add(want, newest)
	gotAlice := new(big.Int).Sub(chain.Balance(t, ethtest.Address(alice)), aliceBefore)
	if gotAlice.Cmp(want) != 0 {
		t.Fatalf("alice received %s wei on settle, want %s", gotAlice, want)
	}

	// Stats and the update record tell the story.
	mineUntil(t, chain, 20, "the reward in stats", func() bool {
		st := v.stats()
		return st.Updates.Won == 1 && st.Updates.RewardsEarned == reward.String()
	})
	st := v.stats()
	if st.Updates.Submitted != 1 || st.BalanceProofs.Stored != 1 || st.BalanceProofs.RejectedByReason["stale_nonce"] != 1 {
		t.Fatalf("unexpected stats: %+v", st)
	}
	code, body := v.do(http.MethodGet, "/api/1/channel_update/"+s.channel.Hex(), nil)
	if code != http.StatusOK {
		t.Fatalf("channel_update: %d %v", code, body)
	}
	t.Logf("channel_update: %v", body)
}
