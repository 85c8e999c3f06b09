package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestMain stops the PostgreSQL cluster the replica tests start.
func TestMain(m *testing.M) { pgtest.Main(m) }

// statsOf is p's /api/1/stats.
func (v *vigild) statsOf(t *testing.T) monitor.StatsSnapshot {
	t.Helper()
	resp, err := http.Get(v.url + "/api/1/stats")
	must(t, err)
	defer resp.Body.Close()
	var s monitor.StatsSnapshot
	must(t, json.NewDecoder(resp.Body).Decode(&s))
	return s
}

// leads tells whether v holds role, and its term.
func (v *vigild) leads(t *testing.T, role string) (bool, int64) {
	r := v.statsOf(t).Replica
	if r == nil || !slices.Contains(r.Roles, role) {
		return false, 0
	}
	return true, r.Terms[role]
}

// TestReplicasSurviveSIGKILL: two vigild processes share one PostgreSQL
// database and one operator key. The first leads the ethereum role; the
// second follows and takes a client's balance proof over REST. Bob closes
// the channel with stale state and, before the close is confirmed, the
// leader is killed with SIGKILL. The survivor takes the role with a newer
// term and sends updateTransfer before the deadline: exactly one
// transaction from the operator account, and settle pays the reward.
func TestReplicasSurviveSIGKILL(t *testing.T) {
	bin := buildVigild(t)
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	ctx := context.Background()
	const timeout = 30
	reward := big.NewInt(1_000_000_000_000_000)
	ch, _, err := chain.Ops(alice).OpenChannel(ctx, chain.Registry, ethtest.Address(bob), timeout)
	must(t, err)
	_, err = chain.Ops(alice).Deposit(ctx, ch, new(big.Int).Mul(big.NewInt(5), ethtest.Ether))
	must(t, err)
	_, err = chain.Ops(bob).Deposit(ctx, ch, new(big.Int).Mul(big.NewInt(3), ethtest.Ether))
	must(t, err)
	_, err = chain.Ops(alice).DepositReward(ctx, ch, reward)
	must(t, err)

	dir := t.TempDir()
	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: ethtest.Address(operator), PrivateKey: operator},
		"pw", keystore.LightScryptN, keystore.LightScryptP)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "key.json"), ks, 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "pw"), []byte("pw\n"), 0o600))
	pk, err := crypto.GenerateKey()
	must(t, err)
	payout := crypto.PubkeyToAddress(pk.PublicKey)
	chain.RegisterMonitor(t, operator, payout)
	op := ethtest.Address(operator)
	before, err := chain.Client.NonceAt(ctx, op, nil) // its registration
	must(t, err)
	args := func(name string) []string {
		return []string{"--data-dir", filepath.Join(dir, name), "--api.listen", "127.0.0.1:0",
			"--store.url", dbURL, "--store.lease-check", "100ms",
			"--ethereum.rpc-url", chain.URL, "--ethereum.registry-address", chain.Registry.Hex(),
			"--ethereum.keystore-file", filepath.Join(dir, "key.json"), "--ethereum.password-file", filepath.Join(dir, "pw"),
			"--ethereum.payout-address", payout.Hex(), "--ethereum.poll-interval", "50ms", "--ethereum.confirmations", "3",
			"--policy.profit-factor", "0", "--log.level", "info"}
	}

	a := startVigild(t, bin, args("a"), 30*time.Second)
	ethtest.Eventually(t, 30*time.Second, "the first replica to lead", func() bool { ok, _ := a.leads(t, "ethereum"); return ok })
	_, oldTerm := a.leads(t, "ethereum")
	b := startVigild(t, bin, args("b"), 30*time.Second)
	if r := b.statsOf(t).Replica; r == nil || len(r.Roles) != 0 {
		t.Fatalf("the second replica's roles: %+v, want none", r)
	}

	bp, err := ethereum.SignRequest(chain.ChainID, ch, eip712.BalanceProof{Nonce: 4, TransferredAmount: big.NewInt(4000),
		Locksroot: crypto.Keccak256Hash([]byte("locks")), ExtraHash: crypto.Keccak256Hash([]byte("extra"))}, bob, alice, reward)
	must(t, err)
	body, _ := json.Marshal(proofs.EncodeBalanceProof(bp))
	req, _ := http.NewRequest(http.MethodPut, b.url+"/api/1/balance_proofs", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT to the follower: %d", resp.StatusCode)
	}

	// Bob closes with alice's proof of her transfers to him, leaving out
	// his own to her; the leader dies before the close is confirmed.
	stale := eip712.BalanceProof{Nonce: 7, TransferredAmount: ethtest.Ether}
	sig, err := eip712.Sign(eip712.Domain{ChainID: chain.ChainID, Channel: ch}.BalanceProofDigest(stale), alice)
	must(t, err)
	r, err := chain.Ops(bob).Close(ctx, ch, &stale, sig)
	must(t, err)
	deadline := r.BlockNumber.Uint64() + timeout
	must(t, a.Signal(syscall.SIGKILL))
	<-a.Done()

	ethtest.Eventually(t, 30*time.Second, "the survivor to take the role", func() bool {
		_, term := b.leads(t, "ethereum")
		return term > oldTerm
	})
	caller, err := contracts.NewNettingChannelCaller(ch, chain.Client)
	must(t, err)
	updated := func() bool {
		n, err := caller.Nonces(&bind.CallOpts{}, ethtest.Address(bob))
		must(t, err)
		return n == 4
	}
	for i := 0; i < timeout-2 && !updated(); i++ {
		wait := time.Now().Add(300 * time.Millisecond)
		for time.Now().Before(wait) && !updated() {
			time.Sleep(10 * time.Millisecond)
		}
		if !updated() {
			chain.Mine(1)
		}
	}
	if !updated() {
		t.Fatalf("no updateTransfer by block %d\nsurvivor log:\n%s", chain.Head(t), b.log())
	}
	if head := chain.Head(t); head > deadline {
		t.Fatalf("the update landed at %d, after the deadline %d", head, deadline)
	}
	for chain.Head(t) <= deadline {
		chain.Mine(1)
	}
	_, err = chain.Ops(bob).Settle(ctx, ch)
	must(t, err)
	if got := chain.Balance(t, payout); got.Cmp(reward) != 0 {
		t.Fatalf("payout received %s wei, want the reward %s", got, reward)
	}
	mined, err := chain.Client.NonceAt(ctx, op, nil)
	must(t, err)
	pending, err := chain.Client.PendingNonceAt(ctx, op)
	must(t, err)
	if mined != before+1 || pending != before+1 {
		t.Fatalf("the operator sent %d transactions (%d with the pool) since its registration, want exactly one update",
			mined-before, pending-before)
	}
}
