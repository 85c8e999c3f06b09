package main

import (
	"crypto/rand"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/chainhash"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// TestAuditJusticeAgainstVigild audits a real vigild with the watchtower
// on a real btcd after it answered a breach with a justice transaction that
// confirmed: every justice claim and the Lightning totals hold. Then, the
// daemon stopped, its database claims ten times the bounty, a fee its
// transaction does not pay, a justice transaction it never broadcast, and
// two lost records (one whose spender spent the breach, one whose spender
// does not exist); restarted, the audit names each false claim and the
// totals they inflate, counts the true loss as lost, and exits 1.
func TestAuditJusticeAgainstVigild(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, _ := regtestPayout(t)
	dataDir := t.TempDir()
	start := func(t *testing.T) *vigild {
		v := startVigildConfig(t, chain, chain.Keys[0], func(c *daemon.Config) {
			c.DataDir = dataDir
			c.Bitcoin = &daemon.BitcoinConfig{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest",
				PollInterval: 50 * time.Millisecond, PayoutAddress: payout, MinRewardSat: 1000, Confirmations: 6,
				FallbackFeeRate: 2000, MaxFeeRate: 100_000}
		})
		waitTowerTip(t, v, btc)
		return v
	}
	dir := t.TempDir()
	passFile := writeFile(t, dir, "btc.pass", btc.Pass+"\n")
	auditArgs := func(v *vigild, extra ...string) []string {
		return append([]string{"audit", "--api", v.url, "--eth-rpc", chain.URL, "--btc-rpc", "http://" + btc.RPCAddr,
			"--btc-user", btc.User, "--btc-pass-file", passFile}, extra...)
	}

	var bounty, jid string
	t.Run("honest", func(t *testing.T) {
		v := start(t)
		keyFile, _ := newLnKey(t, dir, "alice.key")
		const reward = 20_000
		_, revoked, justice := revokedCommitment(t, btc, reward)
		waitTowerTip(t, v, btc)
		r := cli("ln", "appointment", "--key", keyFile, "--justice-hex", btctest.TxHex(justice),
			"--commitment-txid", revoked.TxHash().String(), "--to-self-delay", "144", "--start-block", fmt.Sprint(btc.Height(t)),
			"--reward-sat", fmt.Sprint(reward), "--network", "regtest").ok(t)
		cli("submit-appointment", "--api", v.url, "--file", writeFile(t, dir, "appointment.json", r.out)).ok(t)

		// Without --btc-rpc the justice records are listed as not checked.
		var rep auditReport
		cli("audit", "--api", v.url, "--eth-rpc", chain.URL, "--json").ok(t).decode(t, &rep)
		if len(rep.Unchecked) != 1 || !strings.Contains(rep.Unchecked[0], "justice records") {
			t.Fatalf("audit without --btc-rpc: unchecked %v", rep.Unchecked)
		}

		btc.Broadcast(t, revoked)
		btc.Generate(t, 1)
		ethtest.Eventually(t, 30*time.Second, "vigild's justice transaction", func() bool {
			var l justiceList
			cli("justice", "--api", v.url, "--all").ok(t).decode(t, &l)
			if len(l.Justice) == 0 || l.Justice[0]["txid"] == nil {
				return false
			}
			jid = l.Justice[0]["txid"].(string)
			return true
		})
		btc.Generate(t, 7)
		ethtest.Eventually(t, 30*time.Second, "the justice transaction confirmed and its bounty counted", func() bool {
			var l justiceList
			cli("justice", "--api", v.url, "--outcome", "confirmed").ok(t).decode(t, &l)
			if len(l.Justice) != 1 {
				return false
			}
			bounty, _ = l.Justice[0]["bounty_sat"].(string)
			return fmt.Sprint(vigildStats(t, v).Lightning.BountyEarnedSat) == bounty
		})

		rep = auditReport{}
		cli(auditArgs(v, "--json")...).ok(t).decode(t, &rep)
		if rep.Bad != 0 || rep.JusticeRecords != 1 || len(rep.Unchecked) != 0 {
			t.Fatalf("honest audit: %+v", rep)
		}
		for _, want := range []string{"transaction exists", "spends the breach", "bounty output of " + bounty + " sat", "fee_sat ", "outcome confirmed in block",
			"stats lightning.justice_broadcast = 1", "stats lightning.justice_confirmed = 1", "stats lightning.bounty_earned_sat = " + bounty} {
			if !hasClaim(rep, want, verdictOK) {
				t.Errorf("honest audit has no holding claim %q: %+v", want, rep.Claims)
			}
		}
	})
	if t.Failed() {
		return
	}

	db, err := sql.Open("sqlite3", filepath.Join(dataDir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	var fake [32]byte
	if _, err := rand.Read(fake[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE justice SET bounty_sat = bounty_sat * 10, fee_sat = fee_sat - 1 WHERE outcome = 'confirmed'`); err != nil {
		t.Fatal(err)
	}
	// Two lost records without a transaction of the tower's: one whose
	// breach was spent by the transaction it names (the tower's own
	// justice stands in for a cheater's), one naming a spender that does
	// not exist.
	var fakeSpender [32]byte
	if _, err := rand.Read(fakeSpender[:]); err != nil {
		t.Fatal(err)
	}
	realSpender, err := chainhash.NewHashFromStr(jid)
	if err != nil {
		t.Fatal(err)
	}
	for _, spender := range [][]byte{realSpender[:], fakeSpender[:]} {
		if _, err := db.Exec(`INSERT INTO justice (locator, user_pubkey, breach_txid, breach_raw, breach_block, deadline, txid, raw, fee_sat,
			bounty_sat, promised_sat, fee_rate, outcome, reason, detail, sent_height, block, block_hash, replacement, created_at, updated_at,
			spent_by)
			SELECT locator, user_pubkey, breach_txid, breach_raw, breach_block, deadline, NULL, NULL, 0, 0, promised_sat, 0,
			'lost', 'spent_by_cheater', 'test', 0, 0, NULL, 0, created_at, updated_at, ? FROM justice WHERE outcome = 'confirmed'`,
			spender); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO justice (locator, user_pubkey, breach_txid, breach_raw, breach_block, deadline, txid, raw, fee_sat,
		bounty_sat, promised_sat, fee_rate, outcome, reason, detail, sent_height, block, block_hash, replacement, created_at, updated_at)
		SELECT locator, user_pubkey, breach_txid, breach_raw, breach_block, deadline, ?, NULL, fee_sat, 1000, promised_sat, fee_rate,
		outcome, reason, detail, sent_height, block, block_hash, 0, created_at, updated_at FROM justice WHERE outcome = 'confirmed'`,
		fake[:]); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	fakeID := chainhash.Hash(fake).String()

	v := start(t)
	r := cli(auditArgs(v, "--json")...)
	if r.code != exitFailure {
		t.Fatalf("audit of a lying watchtower: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	var rep auditReport
	r.decode(t, &rep)
	named := func(tx, claim string) bool {
		for _, c := range rep.Claims {
			if c.Kind == "justice" && c.TxHash == tx && strings.HasPrefix(c.Claim, claim) && c.Verdict == verdictMismatch && c.Finding != "" {
				return true
			}
		}
		return false
	}
	if !named(fakeID, "transaction exists") {
		t.Errorf("the fabricated justice transaction %s is not named: %+v", fakeID, rep.Claims)
	}
	if !named(jid, "bounty output of ") || !named(jid, "fee_sat ") {
		t.Errorf("the inflated bounty or the altered fee is not named: %+v", rep.Claims)
	}
	fakeSpenderID := chainhash.Hash(fakeSpender).String()
	if !hasClaim(rep, "outcome lost (spent_by_cheater): breach spent by "+jid, verdictOK) ||
		!hasClaim(rep, "outcome lost (spent_by_cheater): breach spent by "+fakeSpenderID, verdictMismatch) {
		t.Errorf("the lost records: %+v", rep.Claims)
	}
	if rep.Tally.JusticeLost != 1 || rep.Tally.JusticeConfirmed != 0 {
		t.Errorf("tally %+v: want the lost record counted as lost and the altered confirmed one as a mismatch", rep.Tally)
	}
	// The stats count both lost records; one is verified.
	for _, want := range []string{"stats lightning.justice_broadcast = 2", "stats lightning.bounty_earned_sat", "stats lightning.justice_lost.spent_by_cheater = 2"} {
		if !hasClaim(rep, want, verdictMismatch) {
			t.Errorf("no mismatch %q: %+v", want, rep.Claims)
		}
	}
	table := cli(auditArgs(v)...)
	t.Logf("audit of the altered database:\n%s%s", table.out, table.err)
	if table.code != exitFailure || !strings.Contains(table.out, "justice 2") {
		t.Fatalf("lying table: exit %d", table.code)
	}
}
