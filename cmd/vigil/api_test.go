package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// vigild is a real daemon run in-process against the simulated chain (the
// wiring of cmd/vigild/daemon's harness).
type vigild struct {
	url     string
	dataDir string
	monitor common.Address
}

func startVigild(t *testing.T, chain *ethtest.Chain, key *ecdsa.PrivateKey) *vigild {
	t.Helper()
	return startVigildWith(t, chain, key, nil)
}

// startVigildWith starts a vigild with the room intake when m is set.
func startVigildWith(t *testing.T, chain *ethtest.Chain, key *ecdsa.PrivateKey, m *daemon.MatrixConfig) *vigild {
	t.Helper()
	return startVigildConfig(t, chain, key, func(c *daemon.Config) { c.Matrix = m })
}

// startVigildConfig starts a vigild whose configuration edit has changed
// (the room intake, the watchtower).
func startVigildConfig(t *testing.T, chain *ethtest.Chain, key *ecdsa.PrivateKey, edit func(c *daemon.Config)) *vigild {
	t.Helper()
	dataDir := t.TempDir()
	level := slog.LevelWarn
	if os.Getenv("VIGIL_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	cfg := daemon.Config{
		Version: "test", Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
		DataDir: dataDir, APIListen: "127.0.0.1:0",
		EthURL: chain.URL, ChainID: chain.ChainID, Registry: chain.Registry, Confirmations: 1,
		PollInterval: 25 * time.Millisecond, Key: key, RPCTimeout: 5 * time.Second,
		Policy:     proofs.Policy{ProfitFactor: 1, Strategy: proofs.StrategyImmediate, DeadlineMultiplier: 2},
		StatsFlush: 100 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	chain.RegisterMonitor(t, key, cfg.Payout)
	d, err := daemon.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	select {
	case <-d.Ready():
	case err := <-done:
		cancel()
		t.Fatalf("vigild did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("vigild did not become ready")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("vigild stopped with error: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("vigild did not stop within 30s")
		}
	})
	return &vigild{url: "http://" + d.APIAddr(), dataDir: dataDir, monitor: ethtest.Address(key)}
}

// TestAgainstVigild is the client's side of the mission, all through the
// CLI: open and fund a channel, hand vigild signed requests with submit,
// check its receipts, list what it stores, let the partner close with stale
// state, watch vigild's update land, settle, and clean up as the operator.
func TestAgainstVigild(t *testing.T) {
	chain := ethtest.New(t, 3)
	m := newMiner(t, chain)
	const timeout = 30
	oc := openChannel(t, chain, m, "30")
	dir, pw, alice, bob, channel := oc.dir, oc.pw, oc.alice, oc.bob, oc.channel
	m.run(t, ethArgs(chain, bob, pw, "eth", "deposit-reward", "--channel", channel, "--amount", milliEther(10).String())...).ok(t)

	v := startVigild(t, chain, chain.Keys[2])
	api := []string{"--api", v.url}
	reward := milliEther(2).String()

	// sign makes proof and request files: signer's proof of its transfers,
	// requester's monitoring request over it.
	sign := func(name string, signer, requester account, nonce, transferred int64, reward string) (proofFile, reqFile string) {
		t.Helper()
		p := cli("sign-proof", "--keystore", signer.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
			"--nonce", big.NewInt(nonce).String(), "--transferred", milliEther(transferred).String()).ok(t)
		proofFile = writeFile(t, dir, name+"-proof.json", p.out)
		r := cli("sign-request", "--keystore", requester.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
			"--proof", proofFile, "--reward", reward).ok(t)
		return proofFile, writeFile(t, dir, name+"-request.json", r.out)
	}
	_, req2 := sign("bob2", bob, alice, 2, 200, reward)
	_, req4 := sign("bob4", bob, alice, 4, 400, reward)

	submit := func(file string) (result, map[string]any) {
		t.Helper()
		r := cli(append([]string{"submit", "--file", file}, api...)...)
		if r.code != 0 {
			return r, nil
		}
		return r, r.obj(t)
	}

	// A new request: accepted, with a receipt signed by the monitor.
	r, acc := submit(req2)
	if r.code != 0 || acc["duplicate"] != false || acc["nonce"] != "2" || acc["monitor"] != v.monitor.Hex() ||
		acc["closing_participant"] != bob.addr.Hex() || acc["non_closing_participant"] != alice.addr.Hex() {
		t.Fatalf("submit: exit %d %v\n%s", r.code, acc, r.err)
	}
	resp := writeFile(t, dir, "resp2.json", r.out)
	ok := cli("verify-receipt", "--file", resp, "--chain-id", "1337").ok(t)
	if !strings.HasPrefix(ok.out, "valid receipt: monitor "+v.monitor.Hex()) {
		t.Fatalf("verify-receipt: %q", ok.out)
	}
	cli("verify-receipt", "--file", resp, "--chain-id", "1337", "--monitor", strings.ToLower(v.monitor.Hex())).ok(t)
	cli("verify-receipt", "--file", resp, "--chain-id", "1337", "--monitor", bob.addr.Hex()).fails(t, exitFailure, "not --monitor")
	cli("verify-receipt", "--file", resp, "--chain-id", "1").fails(t, exitFailure, "is a receipt on chain 1337, not --chain-id 1")
	// The answer carries chain_id; an older monitor's answer (no chain_id,
	// the signature as receipt_signature only) needs --chain-id.
	cli("verify-receipt", "--file", resp).ok(t)
	old := map[string]any{}
	for k, v := range acc {
		old[k] = v
	}
	delete(old, "chain_id")
	delete(old, "signature")
	delete(old, "kind")
	oldJSON, _ := json.Marshal(old)
	oldResp := writeFile(t, dir, "old-resp.json", string(oldJSON))
	cli("verify-receipt", "--file", oldResp).fails(t, exitUsage, "missing required flag --chain-id")
	cli("verify-receipt", "--file", oldResp, "--chain-id", "1337").ok(t)
	tampered := writeFile(t, dir, "tampered.json", strings.Replace(r.out, `"nonce": "2"`, `"nonce": "3"`, 1))
	cli("verify-receipt", "--file", tampered, "--chain-id", "1337").fails(t, exitFailure, "invalid receipt")
	cli("verify-receipt", "--file", req2, "--chain-id", "1337").fails(t, exitFailure, "carries no receipt")
	// The room form of a receipt verifies too.
	room := map[string]string{"kind": "balance_proof", "monitor": acc["monitor"].(string), "chain_id": "1337",
		"channel_address": channel, "nonce": "2", "reward_amount": reward, "signature": acc["receipt_signature"].(string)}
	roomJSON, _ := json.Marshal(room)
	cli("verify-receipt", "--file", writeFile(t, dir, "room-receipt.json", string(roomJSON))).ok(t)

	// A newer nonce replaces it; the same again is an idempotent duplicate.
	if r, acc = submit(req4); r.code != 0 || acc["replaced"] != true {
		t.Fatalf("submit newer: exit %d %v %s", r.code, acc, r.err)
	}
	if r, acc = submit(req4); r.code != 0 || acc["duplicate"] != true || !strings.Contains(r.err, "already stored") {
		t.Fatalf("submit duplicate: exit %d %v %s", r.code, acc, r.err)
	}
	// Rejections: exit 1 with the reason and message.
	r, _ = submit(req2)
	r.fails(t, exitFailure, "stale_nonce")
	if r.out != "" {
		t.Fatalf("a rejection printed data on stdout: %q", r.out)
	}
	_, greedy := sign("greedy", bob, alice, 5, 500, milliEther(50).String())
	r, _ = submit(greedy)
	r.fails(t, exitFailure, "reward_above_deposit")
	junk := writeFile(t, dir, "junk.json", `{"chain_id": "1337"}`)
	r, _ = submit(junk)
	r.fails(t, exitFailure, "missing_field")

	// Bob protects himself too: alice's proof of her transfers to him.
	aliceProof, req7 := sign("alice7", alice, bob, 7, 1000, reward)
	if r, _ := submit(req7); r.code != 0 {
		t.Fatalf("bob's request: %s", r.err)
	}

	// Listing, filtering and paging.
	type page struct {
		BalanceProofs []map[string]any `json:"balance_proofs"`
		Next          string           `json:"next,omitempty"`
	}
	list := func(args ...string) page {
		t.Helper()
		var p page
		cli(append(append([]string{"proofs"}, api...), args...)...).ok(t).decode(t, &p)
		return p
	}
	if p := list("--channel", channel); len(p.BalanceProofs) != 2 {
		t.Fatalf("proofs --channel: %d, want 2", len(p.BalanceProofs))
	}
	first := list("--limit", "1")
	if len(first.BalanceProofs) != 1 || first.Next == "" {
		t.Fatalf("proofs --limit 1: %+v", first)
	}
	second := list("--limit", "1", "--after", first.Next)
	if len(second.BalanceProofs) != 1 || second.BalanceProofs[0]["non_closing_participant"] == first.BalanceProofs[0]["non_closing_participant"] {
		t.Fatalf("second page: %+v after %+v", second, first)
	}
	all := list("--limit", "1", "--all")
	if len(all.BalanceProofs) != 2 || all.Next != "" {
		t.Fatalf("proofs --all: %+v", all)
	}
	byAlice := list("--participant", strings.ToLower(alice.addr.Hex()), "--all")
	if len(byAlice.BalanceProofs) != 2 {
		t.Fatalf("proofs --participant alice: %d, want 2", len(byAlice.BalanceProofs))
	}
	for _, bp := range all.BalanceProofs {
		if bp["non_closing_participant"] == alice.addr.Hex() && (bp["nonce"] != "4" || bp["source"] != "rest") {
			t.Fatalf("alice's stored request: %v", bp)
		}
	}
	if p := list("--channel", bob.addr.Hex()); len(p.BalanceProofs) != 0 {
		t.Fatalf("proofs for another channel: %+v", p)
	}

	var stats monitor.StatsSnapshot
	cli(append([]string{"stats"}, api...)...).ok(t).decode(t, &stats)
	bp := stats.BalanceProofs
	if bp.Accepted["rest"] != 4 || bp.RejectedByReason["stale_nonce"] != 1 || bp.RejectedByReason["reward_above_deposit"] != 1 ||
		stats.Ethereum.Monitor != v.monitor.Hex() {
		t.Fatalf("stats: %+v", stats)
	}

	// Bob closes with alice's proof, leaving out his own transfers to her.
	var cl txJSON
	m.run(t, ethArgs(chain, bob, pw, "eth", "close", "--channel", channel, "--proof", aliceProof)...).ok(t).decode(t, &cl)
	closedAt, _ := new(big.Int).SetString(cl.Block, 10)
	deadline := closedAt.Uint64() + timeout

	type updates struct {
		ChannelUpdates []map[string]any `json:"channel_updates"`
		NextAfterID    int64            `json:"next_after_id,omitempty"`
	}
	var ups updates
	m.mineUntil(t, timeout-2, "vigild's update, mined", func() bool {
		ups = updates{}
		cli(append([]string{"updates", "--channel", channel}, api...)...).ok(t).decode(t, &ups)
		for _, u := range ups.ChannelUpdates {
			if u["outcome"] == "mined" {
				return true
			}
		}
		if m.pending(t) > 0 {
			chain.Backend.Commit()
		}
		return false
	})
	u := ups.ChannelUpdates[len(ups.ChannelUpdates)-1]
	if u["nonce"] != "4" || u["non_closing_participant"] != alice.addr.Hex() || u["tx_hash"] == "" {
		t.Fatalf("update record: %v", u)
	}
	var allUps updates
	cli(append([]string{"updates", "--all", "--limit", "1", "--outcome", "mined"}, api...)...).ok(t).decode(t, &allUps)
	if len(allUps.ChannelUpdates) != 1 || allUps.ChannelUpdates[0]["tx_hash"] != u["tx_hash"] {
		t.Fatalf("updates --all --outcome mined: %+v", allUps)
	}
	st := channelState(t, chain, channel)
	if head := chain.Head(t); head > deadline {
		t.Fatalf("update landed at %d, after the deadline %d", head, deadline)
	}
	if pb := participant(t, st, bob.addr); pb.Nonce != "4" || pb.TransferredAmount != milliEther(400).String() {
		t.Fatalf("bob's recorded proof after the update: %+v", pb)
	}
	if st.RewardPayout != v.monitor.Hex() || st.RewardAmount != reward {
		t.Fatalf("reward claim on chain: payout %s amount %s, want %s %s", st.RewardPayout, st.RewardAmount, v.monitor.Hex(), reward)
	}

	// After the window, alice settles; the monitor is paid its reward.
	for chain.Head(t) <= deadline {
		chain.Mine(1)
	}
	var settled txJSON
	m.run(t, ethArgs(chain, alice, pw, "eth", "settle", "--channel", channel)...).ok(t).decode(t, &settled)
	// alice: 5 - 1 (sent) + 0.4 (received) ether.
	if settled.RewardPayout != v.monitor.Hex() || settled.RewardPaid != reward || settled.Participant1Amount != milliEther(4400).String() {
		t.Fatalf("settle: %+v", settled)
	}

	// The operator deletes the channel's requests with the admin token.
	tokenFile := filepath.Join(v.dataDir, "admin.token")
	badToken := writeFile(t, dir, "bad.token", strings.Repeat("0", 64))
	cli(append([]string{"delete-proofs", "--channel", channel, "--token-file", badToken}, api...)...).fails(t, exitFailure, "unauthorized")
	var del struct {
		Deleted int64 `json:"deleted"`
	}
	cli(append([]string{"delete-proofs", "--channel", channel, "--token-file", tokenFile}, api...)...).ok(t).decode(t, &del)
	if del.Deleted != 2 {
		t.Fatalf("deleted %d, want 2", del.Deleted)
	}
	if p := list("--channel", channel); len(p.BalanceProofs) != 0 {
		t.Fatalf("proofs left after delete: %+v", p)
	}
}
