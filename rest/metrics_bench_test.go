package rest

import (
	"context"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/store"
)

// BenchmarkMetricsScrape is the cost of one GET /metrics of a Server with
// every family present (metricsFixture). The figures are for comparison
// between versions, not asserted.
func BenchmarkMetricsScrape(b *testing.B) {
	get := metricsFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if rec := get("/metrics"); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}

// metricsFixture is a Server whose stats have every family of /metrics:
// both intake sources with rejections, the Ethereum and Bitcoin watchers,
// the room intake, and a few routes already requested. It returns a GET
// function on the Server's handler.
func metricsFixture(tb testing.TB) func(target string) *httptest.ResponseRecorder {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(store.Config{Path: filepath.Join(tb.TempDir(), "vigil.db"), Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	now := time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)
	stats, err := monitor.NewStats(ctx, st, "v-bench", now)
	if err != nil {
		tb.Fatal(err)
	}
	for _, src := range []string{"rest", "matrix"} {
		stats.Received(src)
		for _, r := range []monitor.Reason{monitor.ReasonStaleNonce, monitor.ReasonBadSignature, monitor.ReasonRewardBelowMinimum} {
			stats.Rejected(src, r)
		}
	}
	stats.GasPaid(big.NewInt(21000 * 1e9))
	stats.SetChain(func(c *monitor.ChainStatus) {
		c.Head, c.LastProcessed.Number, c.Balance, c.LastSuccess = 120, 110, big.NewInt(123456789), now
	})
	stats.SetBitcoin(func(s *monitor.BitcoinStatus) { s.Tip, s.Processed, s.LastSuccess = 300, 299, now })
	stats.SetMatrix(func(m *monitor.MatrixStatus) { m.Enabled, m.Behind, m.Lag = true, 2, time.Second })
	srv, err := New(Config{Intake: nopIntake{}, Store: failingStore{}, Stats: stats, Logger: log, Clock: &fakeClock{now: now.Add(time.Minute)}, Version: "1.2.3-bench"})
	if err != nil {
		tb.Fatal(err)
	}
	h := srv.Handler()
	get := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		return rec
	}
	for _, target := range []string{"/healthz", "/api/1/stats", "/api/1/balance_proofs", "/no/such/path", "/metrics"} {
		get(target)
	}
	return get
}

// BenchmarkObservedRequest is the cost of one GET /healthz, most of which
// is the observe middleware's counting and timing.
func BenchmarkObservedRequest(b *testing.B) {
	get := metricsFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if rec := get("/healthz"); rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
