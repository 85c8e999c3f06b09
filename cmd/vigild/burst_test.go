package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

func (p *vigild) stored(t *testing.T) int64 {
	resp, err := http.Get(p.url + "/api/1/stats")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var s monitor.StatsSnapshot
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return -1
	}
	return s.BalanceProofs.Stored
}

// listAll pages through GET /api/1/balance_proofs.
func (p *vigild) listAll(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	after := ""
	for {
		resp, err := http.Get(p.url + "/api/1/balance_proofs?limit=1000&after=" + after)
		must(t, err)
		var page struct {
			Proofs []map[string]any `json:"balance_proofs"`
			Next   string           `json:"next"`
		}
		must(t, json.NewDecoder(resp.Body).Decode(&page))
		resp.Body.Close()
		out = append(out, page.Proofs...)
		if page.Next == "" {
			return out
		}
		after = page.Next
	}
}

// TestRoomBurstSurvivesKill: 1,000 proofs posted to the room in a burst are
// all stored exactly once; vigild is then killed with SIGKILL in the middle
// of a second burst of 1,000 and restarted: none is missing, none doubled.
func TestRoomBurstSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 2,000 room events")
	}
	bin := buildVigild(t)
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alice, bob := chain.Keys[0], chain.Keys[1]
	channels := chain.OpenChannels(t, alice, bob, 1000, 100)
	alias := "#vigil-monitoring:" + hs.ServerName

	// Requests: on each channel, alice protects herself against bob and
	// bob against alice: 2,000 distinct (channel, participant) keys.
	sent := make([]proofs.BalanceProof, 0, 2000)
	for i, ch := range channels {
		for _, pair := range [][2]int{{1, 0}, {0, 1}} {
			keys := chain.Keys
			bp, err := ethereum.SignRequest(chain.ChainID, ch, eip712.BalanceProof{Nonce: uint64(i + 1), TransferredAmount: big.NewInt(int64(i))},
				keys[pair[0]], keys[pair[1]], new(big.Int))
			must(t, err)
			sent = append(sent, bp)
		}
	}

	dir := t.TempDir()
	chain.RegisterMonitor(t, chain.Keys[2], common.Address{})
	key, err := keystoreFor(t, dir, chain.Keys[2])
	must(t, err)
	monUser, _ := hs.Register(t, "vigil", "monitor-pw")
	must(t, os.WriteFile(filepath.Join(dir, "mpw"), []byte("monitor-pw\n"), 0o600))
	args := []string{"--data-dir", filepath.Join(dir, "data"), "--api.listen", "127.0.0.1:0",
		"--ethereum.rpc-url", chain.URL, "--ethereum.registry-address", chain.Registry.Hex(),
		"--ethereum.keystore-file", key, "--ethereum.password-file", filepath.Join(dir, "pw"),
		"--ethereum.poll-interval", "100ms", "--ethereum.confirmations", "0", "--ethereum.max-block-range", "100000",
		"--policy.profit-factor", "0", "--policy.rate-limit-per-key", "0",
		"--matrix.enabled", "--matrix.homeserver-url", hs.URL, "--matrix.user-id", monUser,
		"--matrix.password-file", filepath.Join(dir, "mpw"), "--matrix.room-alias", alias, "--matrix.create-room",
		"--matrix.rate-limit-per-sender", "0", "--matrix.post-receipts=false", "--log.level", "info"}
	p := startVigild(t, bin, args, 30*time.Second)
	ethtest.Eventually(t, 30*time.Second, "vigild to see the channels", func() bool {
		resp, err := http.Get(p.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})

	poster := func(name string) (*matrixbus.Session, string) {
		user, _ := hs.Register(t, name, "password-"+name)
		s, err := matrixbus.Connect(context.Background(), matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: user, Password: "password-" + name})
		must(t, err)
		room, err := s.JoinAlias(context.Background(), alias, true)
		must(t, err)
		return s, room
	}
	client, room := poster("alice")
	post := func(bp proofs.BalanceProof) {
		if _, err := client.Send(context.Background(), room, matrixbus.TypeBalanceProof, proofs.EncodeBalanceProof(bp), ""); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	for _, bp := range sent[:1000] {
		post(bp)
	}
	t.Logf("posted 1,000 events in %s", time.Since(start).Round(time.Millisecond))
	ethtest.Eventually(t, 120*time.Second, "the first 1,000 to be stored", func() bool { return p.stored(t) == 1000 })
	t.Logf("first burst stored %s after the first post", time.Since(start).Round(time.Millisecond))

	// Second burst, with a SIGKILL after a third of it.
	for i, bp := range sent[1000:] {
		post(bp)
		if i == 333 {
			must(t, p.Signal(syscall.SIGKILL))
			<-p.Done()
		}
	}
	p = startVigild(t, bin, args, 30*time.Second)
	ethtest.Eventually(t, 120*time.Second, "all 2,000 to be stored after the restart", func() bool { return p.stored(t) == 2000 })
	all := p.listAll(t)
	if len(all) != 2000 {
		t.Fatalf("listed %d proofs, want 2000", len(all))
	}
	seen := map[string]bool{}
	for _, m := range all {
		k := fmt.Sprint(m["channel_address"], m["non_closing_participant"])
		if seen[k] {
			t.Fatalf("proof %s stored twice", k)
		}
		seen[k] = true
	}
	for _, bp := range sent {
		if !seen[fmt.Sprint(bp.Channel.Hex(), bp.NonClosing.Hex())] {
			t.Fatalf("proof for %s / %s missing", bp.Channel.Hex(), bp.NonClosing.Hex())
		}
	}
	must(t, p.Stop(15*time.Second))
}

// keystoreFor writes a keystore of the operator key k (a registered
// monitor's) and its password file into dir.
func keystoreFor(t *testing.T, dir string, k *ecdsa.PrivateKey) (string, error) {
	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: crypto.PubkeyToAddress(k.PublicKey), PrivateKey: k},
		"pw", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "key.json")
	if err := os.WriteFile(path, ks, 0o600); err != nil {
		return "", err
	}
	return path, os.WriteFile(filepath.Join(dir, "pw"), []byte("pw\n"), 0o600)
}
