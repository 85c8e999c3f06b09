package pgstore

import (
	"context"
	"log/slog"
	"testing"

	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// quiet drops the stores' migration messages.
var quiet = slog.New(slog.DiscardHandler)

// open opens a store on a fresh database of the shared cluster, closed at
// the end of the test.
func open(t testing.TB) *Store {
	t.Helper()
	return openURL(t, pgtest.Shared(t).NewDatabase(t))
}

func openURL(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URL: url, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestStore runs the conformance suite every balance-proof store passes.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.ProofStore { return open(t) })
}

// TestTowerStore runs the conformance suite every watchtower store passes.
func TestTowerStore(t *testing.T) {
	storetest.RunTower(t, func(t *testing.T) storetest.TowerStore { return open(t) })
}
