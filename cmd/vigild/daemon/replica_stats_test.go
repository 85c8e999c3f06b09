package daemon_test

import (
	"context"
	"math/big"
	"net/http"
	"reflect"
	"testing"

	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor"
)

// sharedTotals are the parts of a stats document every replica shows
// alike: the database's figures.
type sharedTotals struct {
	Proofs    monitor.BalanceProofStats
	Updates   monitor.UpdateStats
	Stored    int64
	Broadcast int64
	Counters  map[string]int64
}

func totalsOf(s monitor.StatsSnapshot) sharedTotals {
	return sharedTotals{Proofs: s.BalanceProofs, Updates: s.Updates, Stored: s.Lightning.AppointmentsStored,
		Broadcast: s.Lightning.JusticeBroadcast, Counters: s.Counters}
}

// TestReplicasSharedStats: two replicas take work each (a proof through
// the leader a, a newer one and a proof with a bad signature through the
// follower b) and the leader acts (its update against Bob's stale close,
// then the reward won at settle). Both replicas' /api/1/stats report the
// same totals, those of the database: one proof stored, one accepted
// through each, one rejection, one update submitted and won with its
// reward and gas; each still reports its own roles.
func TestReplicasSharedStats(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	opts := vigilOpts{key: operator, payout: newPayout(t), conf: 1, storeURL: dbURL, leaseCheck: replicaLeaseCheck}
	a := startVigil(t, chain, opts)
	ethtest.Eventually(t, defaultWait, "a to lead", func() bool { return a.leads("ethereum") })
	b := startVigil(t, chain, opts)

	if code, body := a.put(s.proof(t, 3, big.NewInt(3000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT to the leader: %d %v", code, body)
	}
	if code, body := b.put(s.proof(t, 4, big.NewInt(4000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT the newer proof to the follower: %d %v", code, body)
	}
	bad := s.proof(t, 5, big.NewInt(5000), reward)
	bad.NonClosingSignature = append([]byte(nil), bad.NonClosingSignature...)
	bad.NonClosingSignature[10] ^= 0xff
	if code, body := b.put(bad); code < 400 || code >= 500 {
		t.Fatalf("PUT a bad signature to the follower: %d %v, want a rejection", code, body)
	}

	closed := s.bobClosesStale(t, 7, ethtest.Ether)
	bobAddr := ethtest.Address(bob)
	mineUntil(t, chain, int(s.timeout)-2, "the leader's updateTransfer", func() bool {
		return onChainNonce(t, chain, s.channel, bobAddr) == 4
	})
	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}
	if _, err := chain.Ops(bob).Settle(context.Background(), s.channel); err != nil {
		t.Fatal(err)
	}

	var ta, tb sharedTotals
	mineUntil(t, chain, 40, "both replicas' stats to show the won update alike", func() bool {
		ta, tb = totalsOf(a.stats()), totalsOf(b.stats())
		return ta.Updates.Won == 1 && reflect.DeepEqual(ta, tb)
	})
	p, u := ta.Proofs, ta.Updates
	if p.Stored != 1 || p.Accepted["rest"] != 2 || p.Rejected != 1 || p.Received["rest"] != 3 {
		t.Fatalf("balance proofs: %+v; want 1 stored, 2 accepted and 1 rejected of 3 received", p)
	}
	if u.Submitted != 1 || u.RewardsEarned != reward.String() || u.GasSpent == "0" {
		t.Fatalf("updates: %+v; want 1 submitted, the reward won, its gas", u)
	}
	if ra, rb := a.stats().Replica, b.stats().Replica; len(ra.Roles) == 0 || len(rb.Roles) != 0 {
		t.Fatalf("roles: a %v, b %v; want each its own", ra.Roles, rb.Roles)
	}
}
