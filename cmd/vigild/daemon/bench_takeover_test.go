package daemon_test

import (
	"context"
	"math/big"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
)

// BenchmarkTakeover: how long the Ethereum role is without an actor when
// its leader dies. Two replicas of the real daemon wiring share one
// PostgreSQL database (the shared test cluster on loopback) and the
// simulated chain over JSON-RPC, with the default lease check (1 s) and a
// 25 ms watcher poll. Each op is one kill. Untimed: a channel is opened
// and funded with a reward, the victim's newer proof is accepted, and a
// random part of one lease check passes (a death comes at any point of
// the follower's retry cycle). Timed: the leader dies (the server ends its
// lease session, as it does when a dead machine's connection drops, and
// the daemon is stopped); the partner closes the channel with stale state,
// mined at once with the blocks up to the monitor's slot; the chain then
// makes a block every 100 ms; the clock stops when the operator account's
// updateTransfer from the follower is in the node's pool. The span holds
// the follower's wait for the free lock (up to one lease check), its new
// term, the watcher built from the shared cursor, the close found and the
// update sent. role-p50-ms is the part until the follower's stats show
// the new term (polled every 5 ms). Untimed after each kill: the update
// is mined (exactly one transaction from the operator account) and the
// dead replica restarts as the follower. p99 of 20 kills is their
// maximum.
func BenchmarkTakeover(b *testing.B) {
	dbURL := pgtest.Shared(b).NewDatabase(b)
	chain := ethtest.New(b, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	// The daemon's default lease check.
	const leaseCheck = time.Second
	opts := vigilOpts{key: operator, payout: newPayout(b), conf: 0, storeURL: dbURL, profitFactor: -1, leaseCheck: leaseCheck}
	leader := startVigil(b, chain, opts)
	ethtest.Eventually(b, defaultWait, "the first replica to lead", func() bool { return leader.leads("ethereum") })
	follower := startVigil(b, chain, opts)
	op := ethtest.Address(operator)
	ctx := context.Background()

	// The chain makes a block every blockTime while the follower takes
	// over: a monitor acts on a new head.
	const blockTime = 100 * time.Millisecond
	var total, role []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ch, _, err := chain.Ops(alice).OpenChannel(ctx, chain.Registry, ethtest.Address(bob), 30)
		if err != nil {
			b.Fatal(err)
		}
		for _, dep := range []struct {
			who  int
			wei  *big.Int
			rwrd bool
		}{{0, ethtest.Ether, false}, {1, ethtest.Ether, false}, {0, reward, true}} {
			ops := chain.Ops(chain.Keys[dep.who])
			if dep.rwrd {
				_, err = ops.DepositReward(ctx, ch, dep.wei)
			} else {
				_, err = ops.Deposit(ctx, ch, dep.wei)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		bp, err := ethereum.SignRequest(chain.ChainID, ch, eip712.BalanceProof{Nonce: 4, TransferredAmount: big.NewInt(4000),
			Locksroot: crypto.Keccak256Hash([]byte("locks"))}, bob, alice, reward)
		if err != nil {
			b.Fatal(err)
		}
		if code, body := follower.put(bp); code != http.StatusCreated {
			b.Fatalf("PUT: %d %v", code, body)
		}
		stale := eip712.BalanceProof{Nonce: 7, TransferredAmount: big.NewInt(1)}
		sig, err := eip712.Sign(eip712.Domain{ChainID: chain.ChainID, Channel: ch}.BalanceProofDigest(stale), alice)
		if err != nil {
			b.Fatal(err)
		}
		oldTerm := leader.term("ethereum")
		_, before := sentBy(b, chain, op)
		// A death comes at any moment of the follower's retry cycle: the
		// kill is put at a random point of one lease check.
		time.Sleep(rand.N(leaseCheck))

		b.StartTimer()
		start := time.Now()
		if n := cutOff(b, dbURL); n != 1 {
			b.Fatalf("ended %d lease sessions, want the leader's one", n)
		}
		leader.stop()
		if _, err := chain.Ops(bob).Close(ctx, ch, &stale, sig); err != nil {
			b.Fatal(err)
		}
		// The channel admits the monitor from its slot: the chain reaches
		// it at once, so that the span is the takeover's, not the slot's.
		chain.Mine(int(contracts.SlotOffset(ch, op, 30)))
		var roleAt time.Time
		lastBlock := time.Now()
		deadline := start.Add(30 * time.Second)
		for {
			now := time.Now()
			if roleAt.IsZero() && follower.term("ethereum") > oldTerm {
				roleAt = now
			}
			if _, pending := sentBy(b, chain, op); pending > before {
				total = append(total, now.Sub(start))
				break
			}
			if now.After(deadline) {
				b.Fatalf("no updateTransfer from the follower within 30 s of the kill")
			}
			if now.Sub(lastBlock) >= blockTime {
				chain.Mine(1)
				lastBlock = now
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.StopTimer()
		if roleAt.IsZero() {
			roleAt = time.Now()
		}
		role = append(role, roleAt.Sub(start))

		chain.Mine(2)
		if mined, pending := sentBy(b, chain, op); mined != before+1 || pending != before+1 {
			b.Fatalf("the operator sent %d transactions (%d with the pool) for one close, want one update", mined-before, pending-before)
		}
		leader, follower = follower, startVigil(b, chain, opts)
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(total)
	slices.Sort(role)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(total, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(total, 99)), "p99-ms")
	b.ReportMetric(ms(percentile(role, 50)), "role-p50-ms")
	b.ReportMetric(float64(len(total)), "kills")
}
