package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
)

// TestDemo runs the demo's whole scenario, exactly as `make demo` does
// (build, servers, the three missions, the report, the shutdown), so that
// it cannot rot. It takes about half a minute once the servers are built
// (tools/build.sh; several minutes on a fresh machine).
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo builds and runs Dendrite, geth, btcd and vigild: skipped with -short")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	out := &lineLogger{t: t}
	res, err := run(ctx, options{workdir: t.TempDir(), out: out})
	out.flush()
	if err != nil {
		t.Fatal(err)
	}

	if res.AcceptedEvent == "" || res.UpdateTx == "" || res.JusticeTx == "" {
		t.Fatalf("missing results: %+v", res)
	}
	if res.Declined != 1 {
		t.Errorf("declined requests: %d, want carol's 1", res.Declined)
	}
	if res.RewardPaid == nil || res.RewardPaid.Cmp(goodReward) != 0 || res.PayoutBalance.Cmp(goodReward) != 0 {
		t.Errorf("reward paid %v, payout balance %v; want %s", res.RewardPaid, res.PayoutBalance, goodReward)
	}
	if res.BountySat < lnBounty {
		t.Errorf("bounty %d sat, below the promised %d", res.BountySat, lnBounty)
	}

	// The report is the daemon's own record of all of it.
	var st monitor.StatsSnapshot
	if err := json.Unmarshal(res.StatsJSON, &st); err != nil {
		t.Fatal(err)
	}
	if st.BalanceProofs.Stored != 1 || st.Matrix.Accepted != 1 || st.Matrix.RejectedBy["reward_below_gas_cost"] != 1 {
		t.Errorf("proof stats: %+v, room %+v", st.BalanceProofs, st.Matrix)
	}
	if st.Updates.Submitted != 1 || st.Updates.Won != 1 || st.Updates.RewardsEarned != goodReward.String() {
		t.Errorf("update stats: %+v", st.Updates)
	}
	gas, _ := new(big.Int).SetString(st.Updates.GasSpent, 10)
	if gas == nil || gas.Sign() <= 0 || gas.Cmp(goodReward) >= 0 {
		t.Errorf("gas spent %s wei: want more than 0 and less than the reward", st.Updates.GasSpent)
	}
	l := st.Lightning
	if l.AppointmentsAccepted != 1 || l.BreachesSeen != 1 || l.JusticeBroadcast != 1 || l.JusticeConfirmed != 1 || l.BountyEarnedSat != res.BountySat {
		t.Errorf("lightning stats: %+v", l)
	}

	// vigil audit found every claim true, the update's and the justice
	// transaction's among them, checked rather than skipped.
	a := res.Audit
	if a == nil || a.Exit != "0" || a.Mismatches != 0 || a.Verified != len(a.Claims) || len(a.Unchecked) != 0 {
		t.Fatalf("audit: %+v", a)
	}
	if a.Records != 1 || a.JusticeRecords != 1 || a.Tally.Won != 1 || a.Tally.JusticeConfirmed != 1 {
		t.Errorf("audit records: %+v", a)
	}
	checked := map[string]bool{}
	for _, c := range a.Claims {
		checked[c.Kind+" "+c.TxHash+" "+c.Claim] = true
	}
	for _, want := range []string{
		"update " + res.UpdateTx + " sent by the monitor",
		"update " + res.UpdateTx + " outcome mined in block",
		"update " + res.UpdateTx + " reward_won_wei " + goodReward.String(),
		"justice " + res.JusticeTx + " bounty output of",
		"justice " + res.JusticeTx + " outcome confirmed in block",
		"stats  stats updates.rewards_earned_wei = " + goodReward.String(),
		"stats  stats lightning.bounty_earned_sat = ",
	} {
		found := false
		for k := range checked {
			found = found || strings.HasPrefix(strings.ToLower(k), strings.ToLower(want))
		}
		if !found {
			t.Errorf("the audit did not check %q: %+v", want, a.Claims)
		}
	}
}

// lineLogger passes the narration to t.Log line by line.
type lineLogger struct {
	t   *testing.T
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line) // incomplete: keep it for the next write
			return len(p), nil
		}
		l.t.Log(strings.TrimRight(line, "\n"))
	}
}

func (l *lineLogger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len() > 0 {
		l.t.Log(l.buf.String())
		l.buf.Reset()
	}
}
