package daemon_test

import (
	"math/big"
	"net/http"
	"testing"

	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// TestRestartBetweenCloseAndDeadline: vigild is stopped after taking the
// proof; the partner closes and blocks are mined while it is down; on
// restart it resumes from its stored cursor and still updates in time. It
// is restarted a second time after it sent the update (before it is mined)
// and finishes the job without sending it twice.
func TestRestartBetweenCloseAndDeadline(t *testing.T) {
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 20, reward)
	opts := vigilOpts{key: operator, payout: newPayout(t), conf: 1, dataDir: t.TempDir()}
	v := startVigil(t, chain, opts)
	if code, body := v.put(s.proof(t, 6, big.NewInt(6000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	ethtest.Eventually(t, defaultWait, "the counters to be flushed", func() bool { return v.stats().BalanceProofs.Stored == 1 })
	v.stop()

	closed := s.bobClosesStale(t, 2, big.NewInt(20))
	// Mined while vigild is down, up to its slot at least.
	for chain.Head(t) < closed+max(5, s.slotOffset(operator)) {
		chain.Mine(1)
	}

	v = startVigil(t, chain, opts)
	ethtest.Eventually(t, defaultWait, "the update to be sent after the restart", func() bool {
		return outcomes(v.updates(s.channel))["pending"] == 1
	})
	v.stop() // down again with the update in the pool
	chain.Mine(1)
	v = startVigil(t, chain, opts)
	bobAddr := ethtest.Address(bob)
	mineUntil(t, chain, int(s.timeout), "the update on chain", func() bool { return onChainNonce(t, chain, s.channel, bobAddr) == 6 })
	if head := chain.Head(t); head > closed+s.timeout {
		t.Fatalf("updated at %d, after the deadline %d", head, closed+s.timeout)
	}
	mineUntil(t, chain, 5, "the update to be recorded as mined", func() bool {
		return outcomes(v.updates(s.channel))["mined"] == 1
	})
	o := outcomes(v.updates(s.channel))
	if o["mined"] != 1 || o["pending"] != 0 || o["reverted"] != 0 {
		t.Fatalf("update records after restarts: %v", o)
	}
	st := v.stats()
	if st.Updates.Submitted != 1 || st.BalanceProofs.Stored != 1 || st.BalanceProofs.Accepted["rest"] != 1 {
		t.Fatalf("stats did not survive the restarts: %+v", st)
	}
}
