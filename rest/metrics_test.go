package rest

import (
	"io"
	"log/slog"
	"maps"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
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
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(store.Config{Path: filepath.Join(tb.TempDir(), "vigil.db"), Logger: log})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	now := time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)
	stats, eth, ln := newStats(tb, st, "v-bench", now)
	for _, src := range []string{"rest", "matrix"} {
		eth.Received(src)
		for _, r := range []monitor.Reason{monitor.ReasonStaleNonce, monitor.ReasonBadSignature, monitor.ReasonRewardBelowMinimum} {
			eth.Rejected(src, r)
		}
	}
	eth.GasPaid(big.NewInt(21000 * 1e9))
	eth.SetChain(func(c *proofs.ChainStatus) {
		c.Head, c.LastProcessed.Number, c.Balance, c.LastSuccess = 120, 110, big.NewInt(123456789), now
		c.Registration = proofs.Registration{MonitorRegistry: common.HexToAddress("0x5"), Deposit: big.NewInt(1e18),
			MinDeposit: big.NewInt(1e18), ActiveFrom: 3, Status: proofs.RegistrationActive, CheckedBlock: 120}
	})
	ln.SetBitcoin(func(s *tower.BitcoinStatus) { s.Tip, s.Processed, s.LastSuccess = 300, 299, now })
	stats.SetMatrix(func(m *monitor.MatrixStatus) { m.Enabled, m.Behind, m.Lag = true, 2, time.Second })
	stats.Register(replicaFixture{})
	stats.Register(headFixture{at: now})
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

// headFixture is an Ethereum node whose head is fresh and a Bitcoin node
// stalled at a tip three hours old.
type headFixture struct{ at time.Time }

func (h headFixture) FillSnapshot(out *monitor.StatsSnapshot) {
	out.Ethereum.HeadTime, out.Ethereum.StallAfterSeconds = h.at.Format(time.RFC3339Nano), 300
	out.Lightning.TipTime, out.Lightning.Stalled, out.Lightning.StallAfterSeconds = h.at.Add(-3*time.Hour).Format(time.RFC3339Nano), true, 7200
}

// replicaFixture is a replica leading the ethereum role in term 3.
type replicaFixture struct{}

func (replicaFixture) FillSnapshot(out *monitor.StatsSnapshot) {
	out.Replica = &monitor.ReplicaStatus{Roles: []string{"ethereum"}, Terms: map[string]int64{"ethereum": 3}}
	out.Store = &monitor.StoreStats{ReserveBytes: 64 << 20, ReserveReleased: true, ReserveReleases: 1, FreeBytes: 1 << 20}
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

// TestMetricsFamilies pins every family of /metrics with its type and
// label names: they are what docs/operations.md and operators' alert rules
// use, so a change here is a change of contract. No family may appear
// that is not listed.
func TestMetricsFamilies(t *testing.T) {
	get := metricsFixture(t)
	want := map[string]struct {
		typ    string
		labels string // label names, sorted, comma-separated
	}{
		"vigil_build_info":                           {"gauge", "version"},
		"vigil_uptime_seconds":                       {"gauge", ""},
		"vigil_replica_role_term":                    {"gauge", "role"},
		"vigil_balance_proofs_stored":                {"gauge", ""},
		"vigil_balance_proofs_unique_channels":       {"gauge", ""},
		"vigil_balance_proofs_unique_participants":   {"gauge", ""},
		"vigil_balance_proofs_received_total":        {"counter", "source"},
		"vigil_balance_proofs_accepted_total":        {"counter", "source"},
		"vigil_balance_proofs_rejected_total":        {"counter", "reason,source"},
		"vigil_updates_submitted_total":              {"counter", ""},
		"vigil_updates_won_total":                    {"counter", ""},
		"vigil_updates_missed_total":                 {"counter", ""},
		"vigil_updates_standdowns_total":             {"counter", ""},
		"vigil_rewards_earned_wei":                   {"counter", ""},
		"vigil_gas_spent_wei":                        {"counter", ""},
		"vigil_eth_head_block":                       {"gauge", ""},
		"vigil_eth_last_processed_block":             {"gauge", ""},
		"vigil_eth_blocks_behind":                    {"gauge", ""},
		"vigil_eth_node_out_of_sync":                 {"gauge", "problem"},
		"vigil_eth_last_successful_poll_age_seconds": {"gauge", ""},
		"vigil_eth_head_age_seconds":                 {"gauge", ""},
		"vigil_eth_node_stalled":                     {"gauge", ""},
		"vigil_eth_balance_wei":                      {"gauge", ""},
		"vigil_eth_monitor_registration_active":      {"gauge", ""},
		"vigil_eth_monitor_deposit_wei":              {"gauge", ""},
		"vigil_eth_observe_only":                     {"gauge", ""},
		"vigil_matrix_events_seen_total":             {"counter", ""},
		"vigil_matrix_receipts_posted_total":         {"counter", ""},
		"vigil_matrix_receipts_failed_total":         {"counter", ""},
		"vigil_matrix_gaps_unverified_total":         {"counter", ""},
		"vigil_matrix_sync_lag_seconds":              {"gauge", ""},
		"vigil_matrix_events_behind":                 {"gauge", ""},
		"vigil_ln_appointments_stored":               {"gauge", ""},
		"vigil_ln_appointments_accepted_total":       {"counter", ""},
		"vigil_ln_appointments_rejected_total":       {"counter", "reason"},
		"vigil_ln_breaches_seen_total":               {"counter", ""},
		"vigil_ln_justice_broadcast_total":           {"counter", ""},
		"vigil_ln_justice_confirmed_total":           {"counter", ""},
		"vigil_ln_justice_problems_total":            {"counter", "reason"},
		"vigil_ln_justice_lost_total":                {"counter", "reason"},
		"vigil_ln_bounty_earned_sat":                 {"counter", ""},
		"vigil_btc_tip_block":                        {"gauge", ""},
		"vigil_btc_last_processed_block":             {"gauge", ""},
		"vigil_btc_blocks_behind":                    {"gauge", ""},
		"vigil_btc_node_out_of_sync":                 {"gauge", "problem"},
		"vigil_btc_last_successful_poll_age_seconds": {"gauge", ""},
		"vigil_store_reserve_bytes":                  {"gauge", ""},
		"vigil_store_reserve_released":               {"gauge", ""},
		"vigil_store_reserve_releases_total":         {"counter", ""},
		"vigil_store_free_bytes":                     {"gauge", ""},
		"vigil_btc_tip_age_seconds":                  {"gauge", ""},
		"vigil_btc_node_stalled":                     {"gauge", ""},
		"vigil_http_requests_total":                  {"counter", "code,method,route"},
		"vigil_http_request_duration_seconds":        {"histogram", "method,route"},
	}
	samples, types := parseExposition(t, get("/metrics").Body.String())
	for name, typ := range types {
		if w, ok := want[name]; !ok {
			t.Errorf("family %s (%s) is not in the contract", name, typ)
		} else if typ != w.typ {
			t.Errorf("TYPE of %s = %s, want %s", name, typ, w.typ)
		}
	}
	seen := map[string]bool{}
	for _, s := range samples {
		family, labels := s.name, slices.Sorted(maps.Keys(s.labels))
		if types[family] == "" { // a histogram's series
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if f, ok := strings.CutSuffix(s.name, suffix); ok && types[f] == "histogram" {
					family = f
				}
			}
			if s.name == family+"_bucket" {
				labels = slices.DeleteFunc(labels, func(l string) bool { return l == "le" })
			}
		}
		w, ok := want[family]
		if !ok {
			t.Errorf("series %s of no listed family", s.name)
			continue
		}
		seen[family] = true
		if got := strings.Join(labels, ","); got != w.labels {
			t.Errorf("%s has labels %q, want %q", s.name, got, w.labels)
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("family %s has no series", name)
		}
	}
}

// TestMetricsBadLabelValue: a stored counter whose source name is not UTF-8
// (a label value the exposition cannot carry) loses only its own series:
// the scrape answers 200 with every other figure, and the problem is
// logged at error.
func TestMetricsBadLabelValue(t *testing.T) {
	e := newEnv(t, nil)
	e.stats.Count("rejected.\xff.stale_nonce", 2)
	e.eth.Rejected("rest", monitor.ReasonStaleNonce)
	r := e.do(http.MethodGet, "/metrics", nil)
	if r.code != http.StatusOK {
		t.Fatalf("%d %s", r.code, r.body)
	}
	samples, _ := parseExposition(t, string(r.body))
	if v, ok := find(samples, "vigil_balance_proofs_rejected_total", map[string]string{"source": "rest", "reason": "stale_nonce"}); !ok || v != 1 {
		t.Errorf("rest stale_nonce = %v (found %v), want 1", v, ok)
	}
	if _, ok := find(samples, "vigil_uptime_seconds", nil); !ok {
		t.Error("vigil_uptime_seconds missing")
	}
	if strings.Contains(string(r.body), "\xff") {
		t.Error("invalid label value exported")
	}
	if logs := e.logs.String(); !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "serving /metrics") {
		t.Errorf("not logged at error:\n%s", logs)
	}
}

// TestMetricsHeadAge: the head ages count from the stats' head and tip
// times to the scrape, and the stalled gauges follow the stats.
func TestMetricsHeadAge(t *testing.T) {
	samples, _ := parseExposition(t, metricsFixture(t)("/metrics").Body.String())
	for name, want := range map[string]float64{
		"vigil_eth_head_age_seconds": 60, "vigil_eth_node_stalled": 0,
		"vigil_btc_tip_age_seconds": 3*3600 + 60, "vigil_btc_node_stalled": 1,
	} {
		if v, ok := find(samples, name, nil); !ok || v != want {
			t.Errorf("%s = %v (found %v), want %v", name, v, ok, want)
		}
	}
}
