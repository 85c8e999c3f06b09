package daemon_test

import (
	"context"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// TestStopLeavesNoGoroutines: a started and stopped daemon leaves no
// goroutine behind.
func TestStopLeavesNoGoroutines(t *testing.T) {
	chain := ethtest.New(t, 1)
	http.DefaultClient.CloseIdleConnections()
	base := runtime.NumGoroutine()
	v := startVigil(t, chain, vigilOpts{key: chain.Keys[0], conf: 1})
	chain.Mine(3)
	_ = v.stats()
	v.stop()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("%d goroutines after stop, %d before start:\n%s", n, base, buf)
	}
}

// TestStartupFailuresAreClear: vigild refuses to start, with an error that
// names the problem, when the node is unreachable, the keystore password is
// wrong, the registry has no code, the account is not an active registered
// monitor (or the configured monitor registry or payout are not the
// chain's), or another instance holds the database.
func TestStartupFailuresAreClear(t *testing.T) {
	chain := ethtest.New(t, 3)
	ctx := context.Background()
	run := func(cfg daemon.Config) error {
		d, err := daemon.New(cfg)
		if err != nil {
			return err
		}
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		return d.Run(cctx)
	}
	base := func() daemon.Config {
		return daemon.Config{DataDir: t.TempDir(), EthURL: chain.URL, Registry: chain.Registry, Key: chain.Keys[0],
			RPCTimeout: 2 * time.Second, APIListen: "127.0.0.1:0"}
	}
	// A start that fails on the node, its chain or the registry creates
	// nothing: no data directory, no database, no lock file.
	leavesNothing := func(what string, cfg daemon.Config) {
		t.Helper()
		if _, err := os.Stat(cfg.DataDir); !os.IsNotExist(err) {
			t.Errorf("%s: the data directory was left behind (%v)", what, err)
		}
	}
	fresh := func() daemon.Config {
		cfg := base()
		cfg.DataDir = filepath.Join(cfg.DataDir, "vigil")
		return cfg
	}

	cfg := fresh()
	cfg.EthURL = "http://127.0.0.1:1"
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("unreachable node: %v", err)
	}
	leavesNothing("unreachable node", cfg)

	cfg = fresh()
	cfg.Registry = ethtest.Address(chain.Keys[0])
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "no contract code") {
		t.Errorf("registry without code: %v", err)
	}
	leavesNothing("registry without code", cfg)

	cfg = fresh()
	cfg.ChainID = big.NewInt(1)
	if err := run(cfg); err == nil {
		t.Errorf("node on another chain: started")
	}
	leavesNothing("node on another chain", cfg)

	// The account is not registered: channels would refuse its updates.
	cfg = fresh()
	cfg.Key = chain.Keys[1]
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "is not registered in the monitor registry") ||
		!strings.Contains(err.Error(), "vigil monitor register") || !strings.Contains(err.Error(), "ethereum.observe_only = true") {
		t.Errorf("unregistered account: %v", err)
	}
	leavesNothing("unregistered account", cfg)
	// Registered in the head block, counting only from the next: refused
	// (a registration is not usable in its own block).
	if sent, err := ethtest.RegisterMonitor(ctx, chain.Ops(chain.Keys[1]), chain.MonitorRegistry, common.Address{}); err != nil || !sent {
		t.Fatalf("register: sent %v, %v", sent, err)
	}
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "but counts only from block") {
		t.Errorf("account registered in the head block: %v", err)
	}
	leavesNothing("account not yet active", cfg)
	// Registered, then exiting: refused too.
	chain.RegisterMonitor(t, chain.Keys[2], common.Address{})
	if _, err := chain.Ops(chain.Keys[2]).AnnounceExit(ctx, chain.MonitorRegistry); err != nil {
		t.Fatal(err)
	}
	cfg = fresh()
	cfg.Key = chain.Keys[2]
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "announced its exit") {
		t.Errorf("exiting account: %v", err)
	}
	leavesNothing("exiting account", cfg)
	// Registered with another payout, or another monitor registry configured.
	chain.RegisterMonitor(t, chain.Keys[0], common.Address{})
	cfg = fresh()
	cfg.Payout = ethtest.Address(chain.Keys[1])
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "ethereum.payout_address") {
		t.Errorf("payout other than the registered one: %v", err)
	}
	leavesNothing("payout other than the registered one", cfg)
	cfg = fresh()
	cfg.MonitorRegistry = chain.Registry
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "ethereum.monitor_registry_address") {
		t.Errorf("another monitor registry: %v", err)
	}
	leavesNothing("another monitor registry", cfg)

	cfg = base()
	cfg.Key = nil
	dir := t.TempDir()
	cfg.KeystoreFile = filepath.Join(dir, "key.json")
	cfg.PasswordFile = filepath.Join(dir, "pw")
	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: ethtest.Address(chain.Keys[0]), PrivateKey: chain.Keys[0]},
		"right", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg.KeystoreFile, ks, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg.PasswordFile, []byte("wrong\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "wrong password") {
		t.Errorf("wrong password: %v", err)
	}

	cfg = base()
	cfg.Matrix = &daemon.MatrixConfig{HomeserverURL: "http://127.0.0.1:1", UserID: "@vigil:localhost", Password: "x",
		RoomAlias: "#vigil-monitoring:localhost"}
	if err := run(cfg); err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("unreachable homeserver: %v", err)
	}

	cfg = base()
	v := startVigil(t, chain, vigilOpts{key: chain.Keys[0], dataDir: cfg.DataDir})
	if err := run(cfg); err == nil || !strings.Contains(strings.ToLower(err.Error()), "lock") {
		t.Errorf("second instance on the same database: %v", err)
	}
	v.stop()
}
