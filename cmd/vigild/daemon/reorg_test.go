package daemon_test

import (
	"context"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestReorgRemovesClose: vigild processes a close (one confirmation) that
// a reorg then removes. It must roll the channel back to open and send no
// update for the orphaned close; when the partner closes again on the new
// chain, vigild updates in time. Polled, vigild asks the node which block
// is canonical; pushed (over a WebSocket, the poll interval an hour), it
// takes that from the parent links of the heads the node pushes.
func TestReorgRemovesClose(t *testing.T) {
	t.Run("polled", func(t *testing.T) { testReorgRemovesClose(t, false) })
	t.Run("pushed", func(t *testing.T) { testReorgRemovesClose(t, true) })
}

func testReorgRemovesClose(t *testing.T, pushed bool) {
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 40, reward)
	// Slotted: vigild waits for its slot (>= 12 blocks after the close), so
	// the reorg comes after it saw the close and before it would act.
	o := vigilOpts{key: operator, payout: newPayout(t), conf: 1, strategy: proofs.StrategySlotted}
	if pushed {
		o.ethURL, o.poll = chain.WSURL, time.Hour
	}
	v := startVigil(t, chain, o)
	if code, body := v.put(s.proof(t, 3, big.NewInt(3000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	ctx := context.Background()
	fork, err := chain.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.bobClosesStale(t, 1, big.NewInt(10))
	chain.Mine(2)
	cc, _ := contracts.NewNettingChannelCaller(s.channel, chain.Client)
	ethtest.Eventually(t, defaultWait, "vigild to process the close", func() bool {
		return v.stats().Ethereum.LastProcessed >= fork.Number.Uint64()+2
	})

	// Reorg: the chain goes back to before the close. The node's pool takes
	// the orphaned close back; bob replaces it with a plain transfer of the
	// same account nonce, so the new chain never sees that close.
	bobNonce, err := chain.Client.NonceAt(ctx, ethtest.Address(bob), fork.Number)
	if err != nil {
		t.Fatal(err)
	}
	if err := chain.Backend.Fork(fork.Hash()); err != nil {
		t.Fatal(err)
	}
	replace, err := types.SignNewTx(bob, types.LatestSignerForChainID(chain.ChainID), &types.LegacyTx{
		Nonce: bobNonce, To: ptr(ethtest.Address(bob)), Gas: 21000, GasPrice: big.NewInt(100_000_000_000)})
	if err != nil {
		t.Fatal(err)
	}
	ethtest.Eventually(t, defaultWait, "the pool to take the replacement", func() bool {
		return chain.Client.SendTransaction(ctx, replace) == nil
	})
	chain.Mine(5)
	if st, _ := cc.State(&bind.CallOpts{}); st != 0 {
		t.Fatalf("the orphaned close is still on the new chain (state %d)", st)
	}
	ethtest.Eventually(t, defaultWait, "vigild to follow the new chain", func() bool {
		return v.stats().Ethereum.LastProcessed >= chain.Head(t)-1
	})
	if n := len(v.updates(s.channel)); n != 0 {
		t.Fatalf("vigild recorded %d update decisions for an orphaned close", n)
	}
	chain.Mine(20)
	if o := outcomes(v.updates(s.channel)); len(o) != 0 {
		t.Fatalf("vigild acted on the orphaned close: %v", o)
	}

	// Bob closes again on the canonical chain: vigild handles it.
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	bobAddr := ethtest.Address(bob)
	mineUntil(t, chain, int(s.timeout), "the update for the re-mined close", func() bool {
		return onChainNonce(t, chain, s.channel, bobAddr) == 3
	})
	if head := chain.Head(t); head > closed+s.timeout {
		t.Fatalf("updated at %d, after the deadline %d", head, closed+s.timeout)
	}
}

func ptr(a common.Address) *common.Address { return &a }
