package daemon_test

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestMain stops the PostgreSQL cluster the PostgreSQL store's tests start
// (pgtest.Shared), once every test has run.
func TestMain(m *testing.M) { pgtest.Main(m) }

// TestPostgresStoreSurvivesRestart: vigild with store.url set keeps its
// state in PostgreSQL. A balance proof accepted over REST is still there
// after a restart with another, empty data directory (so it was not in an
// SQLite file), is answered as a duplicate when sent again, and the
// counters carried across the restart come from the database.
func TestPostgresStoreSurvivesRestart(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 20, reward)
	proof := s.proof(t, 6, big.NewInt(6000), reward)

	first := t.TempDir()
	payout := newPayout(t) // the payout registered for the operator
	v := startVigil(t, chain, vigilOpts{key: operator, payout: payout, conf: 1, dataDir: first, storeURL: dbURL})
	if code, body := v.put(proof); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	ethtest.Eventually(t, defaultWait, "the counters to be flushed", func() bool { return v.stats().BalanceProofs.Stored == 1 })
	v.stop()
	if _, err := os.Stat(filepath.Join(first, "vigil.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("vigild with store.url made an SQLite database: %v", err)
	}

	v = startVigil(t, chain, vigilOpts{key: operator, payout: payout, conf: 1, dataDir: t.TempDir(), storeURL: dbURL})
	st := v.stats()
	if st.BalanceProofs.Stored != 1 || st.BalanceProofs.Accepted["rest"] != 1 {
		t.Fatalf("stats after the restart: stored %d, accepted %v; want 1 and rest 1", st.BalanceProofs.Stored, st.BalanceProofs.Accepted)
	}
	code, list := v.do(http.MethodGet, "/api/1/balance_proofs", nil)
	if code != http.StatusOK || len(list["balance_proofs"].([]any)) != 1 {
		t.Fatalf("list after the restart: %d %v", code, list)
	}
	if stored := list["balance_proofs"].([]any)[0].(map[string]any); stored["nonce"] != "6" {
		t.Fatalf("stored proof after the restart: %v", stored)
	}
	code, body := v.put(proof)
	if code != http.StatusOK {
		t.Fatalf("the same proof again: %d %v, want 200 (a duplicate)", code, body)
	}
}

// TestPostgresStoreUnreachable: with store.url naming a server that does
// not answer, vigild refuses to start, saying which database, without its
// password, and creates no data directory.
func TestPostgresStoreUnreachable(t *testing.T) {
	chain := ethtest.New(t, 1)
	chain.RegisterMonitor(t, chain.Keys[0], common.Address{}) // the start gets as far as the store
	dataDir := filepath.Join(t.TempDir(), "data")
	d, err := daemon.New(daemon.Config{
		Version: "test", DataDir: dataDir, EthURL: chain.URL, ChainID: chain.ChainID, Registry: chain.Registry,
		Key: chain.Keys[0], Policy: proofs.Policy{ProfitFactor: 1},
		// A port nothing listens on: pgtest's cluster is on another one.
		StoreURL: "postgres://vigil:s3cret@127.0.0.1:1/vigil?connect_timeout=2",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = d.Run(ctx)
	if err == nil {
		t.Fatal("vigild started without its database")
	}
	if msg := err.Error(); !strings.Contains(msg, "127.0.0.1:1/vigil") || strings.Contains(msg, "s3cret") {
		t.Errorf("error %q: want the database named, without its password", msg)
	}
	if _, err := os.Stat(dataDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("data directory after a failed start: %v", err)
	}
}
