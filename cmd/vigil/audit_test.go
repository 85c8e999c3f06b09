package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	_ "github.com/mattn/go-sqlite3"

	ethchain "github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// TestAuditAgainstVigild audits a real vigild on the simulated chain after
// it corrected a stale close and was paid on settle: every claim holds and
// the audit exits 0. Then its database is altered, with the daemon
// stopped, to claim an update it never sent (a fabricated transaction hash)
// and a reward it never won; to record true claims (a stand-down for a
// competitor's update that landed, a dropped fee bump, a missed window on
// a second channel) and false ones (stand-downs for a competitor that never
// existed, for a close, for the monitor's own update and for a reverted
// call, and a missed window on the channel it did update); restarted, the
// daemon serves those claims and the audit names each false one and each
// total they inflate (and only those), counts the missed window as a loss,
// and exits 1.
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
	// A second channel where a competitor did its job: bob2 closed with no
	// proof, alice2 (the non-closing participant) sent her own update with
	// nonce 5, then the same call again, which reverted; its window is over.
	alice2, bob2 := chain.Keys[0], chain.Keys[1]
	ch2 := chain.OpenChannels(t, alice2, bob2, 1, 5)[0]
	if _, err := chain.Ops(bob2).Close(t.Context(), ch2, nil, nil); err != nil {
		t.Fatal(err)
	}
	bp := eip712.BalanceProof{Nonce: 5, TransferredAmount: milliEther(1)}
	req, err := ethchain.SignRequest(chain.ChainID, ch2, bp, bob2, alice2, new(big.Int))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := chain.Ops(alice2).UpdateTransfer(t.Context(), req)
	if err != nil || rc.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("alice2's update: %v %v", rc, err)
	}
	competitorTx := rc.TxHash
	c2, err := contracts.NewNettingChannelTransactor(ch2, chain.Client)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := bind.NewKeyedTransactorWithChainID(alice2, chain.ChainID)
	if err != nil {
		t.Fatal(err)
	}
	opts.GasLimit = 500_000 // sent although it reverts
	again, err := c2.UpdateTransfer(opts, req.Nonce, req.TransferredAmount, req.Locksroot, req.ExtraHash, req.Signature,
		req.NonClosingSignature, req.Reward)
	if err != nil {
		t.Fatal(err)
	}
	chain.Mine(7) // past ch2's window
	if rc, err := chain.Client.TransactionReceipt(t.Context(), again.Hash()); err != nil || rc.Status != types.ReceiptStatusFailed {
		t.Fatalf("alice2's second update should revert: %v %v", rc, err)
	}

	var fakeCompetitor [32]byte
	if _, err := rand.Read(fakeCompetitor[:]); err != nil {
		t.Fatal(err)
	}
	alice2Addr := ethtest.Address(alice2)
	// Records whose claims hold: a stand-down for alice2's update, a
	// dropped fee bump whose account nonce was used (the monitor's one
	// update used nonce 0), and ch2's window missed with a newer proof
	// (nonce 6) than the chain's. Records whose claims do not: stand-downs
	// for a competitor that never existed, for bob's close (no update),
	// for vigild's own update and for alice2's reverted call, and a
	// missed window on the channel vigild did update.
	for _, row := range []struct {
		channel, nonClosing []byte
		nonce               uint64
		outcome             string
		txHash              any
		competitor          any
		rep                 int
	}{
		{ch2.Bytes(), alice2Addr.Bytes(), 4, "skipped", nil, competitorTx.Bytes(), 0},
		{nil, nil, 4, "dropped", common.HexToHash("0x01").Bytes(), nil, 1},
		{ch2.Bytes(), alice2Addr.Bytes(), 6, "missed", nil, nil, 0},
		{nil, nil, 4, "skipped", nil, fakeCompetitor[:], 0},
		{nil, nil, 4, "skipped", nil, common.HexToHash(closeTx).Bytes(), 0},
		{nil, nil, 4, "skipped", nil, common.HexToHash(minedTx).Bytes(), 0},
		{ch2.Bytes(), alice2Addr.Bytes(), 4, "skipped", nil, again.Hash().Bytes(), 0},
		{nil, nil, 4, "missed", nil, nil, 0},
	} {
		if _, err := db.Exec(`INSERT INTO updates (channel, non_closing, nonce, reward, outcome, detail, tx_hash, tx_nonce, gas_price,
			gas_limit, raw_tx, sent_block, block, gas_used, gas_paid, reward_won, created_at, updated_at, replacement, competitor)
			SELECT COALESCE(?, channel), COALESCE(?, non_closing), ?, reward, ?, 'test', ?, 0, gas_price, gas_limit, NULL, sent_block,
			0, 0, NULL, NULL, created_at, updated_at, ?, ? FROM updates WHERE id = 1`,
			row.channel, row.nonClosing, row.nonce, row.outcome, row.txHash, row.rep, row.competitor); err != nil {
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
	comp := "competitor_tx " + competitorTx.Hex()
	for _, want := range []string{comp + " exists", comp + " sent by another account", comp + " calls updateTransfer on " + ch2.Hex() + " with nonce >= 4",
		comp + " mined and succeeded", "outcome dropped (tx nonce 0 used by a sibling)", "outcome missed: no transaction, no reward",
		"outcome missed (a loss for the client): the window closed before nonce 6 reached the chain"} {
		if !hasClaim(rep, want, verdictOK) {
			t.Errorf("no holding claim %q: %+v", want, rep.Claims)
		}
	}
	// One mismatch for each false claim of a stand-down or a missed window.
	for _, want := range []string{
		"competitor_tx " + common.BytesToHash(fakeCompetitor[:]).Hex() + " exists",
		"competitor_tx " + closeTx + " calls updateTransfer on " + channel,
		"competitor_tx " + minedTx + " sent by another account",
		"competitor_tx " + again.Hash().Hex() + " mined and succeeded",
		"outcome missed (a loss for the client): the window closed before nonce 4 reached the chain",
	} {
		if !hasClaim(rep, want, verdictMismatch) {
			t.Errorf("no mismatch %q: %+v", want, rep.Claims)
		}
	}
	// The totals claim what the verified records do not sum to.
	for _, want := range []string{"stats updates.submitted = 2", "stats updates.won = 1", "stats updates.rewards_earned_wei = " + inflated,
		"stats updates.gas_spent_wei", "stats updates.net_earnings_wei", "stats updates.missed = 2", "stats updates.standdowns = 5"} {
		if !hasClaim(rep, want, verdictMismatch) {
			t.Errorf("no mismatch %q: %+v", want, rep.Claims)
		}
	}
	// The real update's transaction claims still hold; the tally counts
	// the missed window as a loss, never a win.
	const mismatches = 14
	if !hasClaim(rep, "outcome mined in block", verdictOK) || rep.Bad != mismatches {
		t.Errorf("want exactly %d mismatches and the real update still verified: %+v", mismatches, rep)
	}
	if tl := rep.Tally; tl.Won != 0 || tl.Missed != 1 || tl.StoodDown != 1 || tl.Mismatched != 7 {
		t.Errorf("tally %+v: want 1 missed, 1 stood down, 7 with a mismatch (the inflated reward among them), none won", tl)
	}
	table := cli(auditArgs(v)...)
	if table.code != exitFailure || !strings.Contains(table.out, "MISMATCH") || !strings.Contains(table.out, fakeHash[:10]) ||
		!strings.Contains(table.err, fmt.Sprintf("%d of", mismatches)) || !strings.Contains(table.out, "missed windows 1 (losses for the client)") {
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
