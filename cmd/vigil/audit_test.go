package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	_ "github.com/mattn/go-sqlite3"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// TestAuditAgainstVigild audits a real vigild on the simulated chain after
// it corrected a stale close and was paid on settle: every claim holds and
// the audit exits 0. Then its database is altered, with the daemon
// stopped, to claim an update it never sent (a fabricated transaction hash)
// and a reward it never won, and to record stand-downs for a competitor
// that exists and one that never did, and a dropped fee bump; restarted, the
// daemon serves those claims and the audit names each false one (and only
// those) and exits 1.
func TestAuditAgainstVigild(t *testing.T) {
	chain := ethtest.New(t, 3)
	m := newMiner(t, chain)
	const timeout = 30
	oc := openChannel(t, chain, m, "30")
	dir, pw, alice, bob, channel := oc.dir, oc.pw, oc.alice, oc.bob, oc.channel
	reward := milliEther(2).String()

	dataDir := t.TempDir()
	withDir := func(c *daemon.Config) { c.DataDir = dataDir }
	auditArgs := func(v *vigild, extra ...string) []string {
		return append([]string{"audit", "--api", v.url, "--eth-rpc", chain.URL}, extra...)
	}

	var minedTx, closeTx string
	t.Run("honest", func(t *testing.T) {
		v := startVigildConfig(t, chain, chain.Keys[2], withDir)
		// Alice asks vigil to defend bob's proof of his transfers to her.
		p := cli("sign-proof", "--keystore", bob.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
			"--nonce", "4", "--transferred", milliEther(400).String()).ok(t)
		proof := writeFile(t, dir, "bob4-proof.json", p.out)
		r := cli("sign-request", "--keystore", alice.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
			"--proof", proof, "--reward", reward).ok(t)
		cli("submit", "--api", v.url, "--file", writeFile(t, dir, "bob4-request.json", r.out)).ok(t)

		// Bob closes with alice's proof, leaving out his transfers to her.
		ap := cli("sign-proof", "--keystore", alice.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
			"--nonce", "7", "--transferred", milliEther(1000).String()).ok(t)
		var cl txJSON
		m.run(t, ethArgs(chain, bob, pw, "eth", "close", "--channel", channel, "--proof", writeFile(t, dir, "alice7.json", ap.out))...).ok(t).decode(t, &cl)
		closeTx = cl.TxHash
		closedAt, _ := new(big.Int).SetString(cl.Block, 10)
		deadline := closedAt.Uint64() + timeout

		m.mineUntil(t, timeout-2, "vigild's update, mined", func() bool {
			if m.pending(t) > 0 {
				chain.Backend.Commit()
			}
			return channelState(t, chain, channel).RewardPayout == v.monitor.Hex()
		})
		for chain.Head(t) <= deadline {
			chain.Mine(1)
		}
		m.run(t, ethArgs(chain, alice, pw, "eth", "settle", "--channel", channel)...).ok(t)
		m.mineUntil(t, 20, "the reward won in the record", func() bool {
			var ups struct {
				ChannelUpdates []auditRecord `json:"channel_updates"`
			}
			if err := json.Unmarshal([]byte(cli("updates", "--api", v.url, "--outcome", "mined").ok(t).out), &ups); err != nil {
				t.Fatal(err)
			}
			if len(ups.ChannelUpdates) == 1 && ups.ChannelUpdates[0].RewardWonWei == reward {
				minedTx = ups.ChannelUpdates[0].TxHash
				return true
			}
			return false
		})

		var rep auditReport
		cli(auditArgs(v, "--json")...).ok(t).decode(t, &rep)
		if rep.Bad != 0 || rep.Records != 1 || rep.Verified != len(rep.Claims) || rep.Monitor != v.monitor.Hex() {
			t.Fatalf("honest audit: %+v", rep)
		}
		// The claims that matter were each checked, not skipped.
		for _, want := range []string{"sent by the monitor", "updateTransfer on " + channel + " with nonce 4", "outcome mined in block",
			"gas_paid_wei", "reward_won_wei " + reward, "stats updates.submitted = 1", "stats updates.won = 1",
			"stats updates.rewards_earned_wei = " + reward} {
			if !hasClaim(rep, want, verdictOK) {
				t.Errorf("honest audit has no holding claim %q: %+v", want, rep.Claims)
			}
		}
		table := cli(auditArgs(v)...).ok(t)
		if !strings.Contains(table.out, "0 do not") || strings.Contains(table.out, "\x1b[") || !strings.Contains(table.err, "1 update records") {
			t.Fatalf("honest table:\n%s\nstderr: %s", table.out, table.err)
		}
	})
	if t.Failed() {
		return
	}

	// The daemon is stopped: the database claims a transaction never sent
	// (its reward already resolved as none, so the restarted daemon leaves
	// it) and ten times the reward won.
	db, err := sql.Open("sqlite3", filepath.Join(dataDir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	var fake [32]byte
	if _, err := rand.Read(fake[:]); err != nil {
		t.Fatal(err)
	}
	inflated := new(big.Int).Mul(milliEther(2), big.NewInt(10)).String()
	if _, err := db.Exec(`UPDATE updates SET reward_won = ? WHERE outcome = 'mined'`, inflated); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO updates (channel, non_closing, nonce, reward, outcome, detail, tx_hash, tx_nonce, gas_price,
		gas_limit, raw_tx, sent_block, block, gas_used, gas_paid, reward_won, created_at, updated_at, replacement, competitor)
		SELECT channel, non_closing, nonce, reward, outcome, detail, ?, tx_nonce, gas_price, gas_limit, NULL, sent_block, block,
		gas_used, gas_paid, '0', created_at, updated_at, 0, NULL FROM updates WHERE outcome = 'mined'`, fake[:]); err != nil {
		t.Fatal(err)
	}
	// Records whose claims hold: a stand-down for a competitor that exists
	// (bob's close stands in for it) and a fee-bumped transaction dropped
	// because its account nonce was used (the monitor's one update used
	// nonce 0); and a stand-down for a competitor that never existed.
	var fakeCompetitor [32]byte
	if _, err := rand.Read(fakeCompetitor[:]); err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct {
		outcome    string
		txHash     any
		competitor any
		rep        int
	}{
		{"skipped", nil, common.HexToHash(closeTx).Bytes(), 0},
		{"skipped", nil, fakeCompetitor[:], 0},
		{"dropped", common.HexToHash("0x01").Bytes(), nil, 1},
	} {
		if _, err := db.Exec(`INSERT INTO updates (channel, non_closing, nonce, reward, outcome, detail, tx_hash, tx_nonce, gas_price,
			gas_limit, raw_tx, sent_block, block, gas_used, gas_paid, reward_won, created_at, updated_at, replacement, competitor)
			SELECT channel, non_closing, nonce, reward, ?, 'test', ?, 0, gas_price, gas_limit, NULL, sent_block, 0, 0, NULL, NULL,
			created_at, updated_at, ?, ? FROM updates WHERE id = 1`, row.outcome, row.txHash, row.rep, row.competitor); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	fakeHash := common.BytesToHash(fake[:]).Hex()

	v := startVigildConfig(t, chain, chain.Keys[2], withDir)
	r := cli(auditArgs(v, "--json")...)
	if r.code != exitFailure {
		t.Fatalf("audit of a lying monitor: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	var rep auditReport
	r.decode(t, &rep)
	bad := map[string]auditClaim{}
	for _, c := range rep.Claims {
		if c.Verdict != verdictOK {
			bad[strings.ToLower(c.TxHash)+" "+c.Claim] = c
		}
	}
	if c, ok := bad[fakeHash+" transaction exists"]; !ok || c.Finding == "" {
		t.Errorf("the fabricated transaction %s is not named: %+v", fakeHash, rep.Claims)
	}
	if c, ok := bad[strings.ToLower(minedTx)+" reward_won_wei "+inflated]; !ok || !strings.Contains(c.Finding, "sums to "+reward) {
		t.Errorf("the inflated reward is not named: %+v", rep.Claims)
	}
	if !hasClaim(rep, "competitor_tx "+closeTx+" exists (mined)", verdictOK) ||
		!hasClaim(rep, "competitor_tx "+common.BytesToHash(fakeCompetitor[:]).Hex()+" exists", verdictMismatch) ||
		!hasClaim(rep, "outcome dropped (tx nonce 0 used by a sibling)", verdictOK) {
		t.Errorf("stand-downs and the dropped record: %+v", rep.Claims)
	}
	// The totals claim what the verified records do not sum to.
	for _, want := range []string{"stats updates.submitted = 2", "stats updates.won = 1", "stats updates.rewards_earned_wei = " + inflated,
		"stats updates.gas_spent_wei"} {
		if !hasClaim(rep, want, verdictMismatch) {
			t.Errorf("no mismatch %q: %+v", want, rep.Claims)
		}
	}
	// The real update's transaction claims still hold.
	if !hasClaim(rep, "outcome mined in block", verdictOK) || rep.Bad != 7 {
		t.Errorf("want exactly 7 mismatches and the real update still verified: %+v", rep)
	}
	table := cli(auditArgs(v)...)
	if table.code != exitFailure || !strings.Contains(table.out, "MISMATCH") || !strings.Contains(table.out, fakeHash[:10]) ||
		!strings.Contains(table.err, "7 of") {
		t.Fatalf("lying table: exit %d\n%s\nstderr: %s", table.code, table.out, table.err)
	}
	t.Logf("audit of the altered database:\n%s%s", table.out, table.err)
}

// hasClaim reports whether rep has a claim starting with prefix and the
// verdict.
func hasClaim(rep auditReport, prefix, verdict string) bool {
	for _, c := range rep.Claims {
		if strings.HasPrefix(c.Claim, prefix) && c.Verdict == verdict {
			return true
		}
	}
	return false
}

// TestAuditUsage: audit needs the node to check against and a usable API
// URL; both are usage errors before anything is asked.
func TestAuditUsage(t *testing.T) {
	cli("audit", "--api", "http://127.0.0.1:1").fails(t, exitUsage, "missing required flag --eth-rpc")
	cli("audit", "--api", "ftp://x", "--eth-rpc", "http://127.0.0.1:1").fails(t, exitUsage, "is not an http:// or https:// URL")
	if r := cli("audit", "-h").ok(t); !strings.Contains(r.out, "--eth-rpc") || !strings.Contains(r.out, "--json") {
		t.Fatalf("audit -h: %s", r.out)
	}
}
