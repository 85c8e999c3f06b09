package rest

import (
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vigil-monitor/vigil/monitor"
)

// The /metrics endpoint serves the Server's own Prometheus registry with
// prometheus/client_golang (never the library's global registry, so that
// several Servers in one process, as in tests, keep their figures apart).
// Two kinds of metric live in it:
//
//   - statsCollector turns the monitor.StatsSnapshot taken at scrape time
//     into const metrics: the domains keep their figures in the stats
//     registry and nothing else counts them;
//   - httpMetrics are the request counter and latency histogram that the
//     observe middleware updates for every request.
//
// Prometheus values are float64. Wei amounts (vigil_rewards_earned_wei,
// vigil_gas_spent_wei, vigil_eth_balance_wei) are exported as the nearest
// float64, so beyond 2^53 wei (about 0.009 ETH) they lose precision in the
// last digits; the exact figures are in /api/1/stats as decimal strings.
//
// OpenMetrics is not offered: it would append _total to the counters whose
// names do not end in it (vigil_rewards_earned_wei...), and the names are a
// contract with the operators' alert rules.

// family is one metric family of the stats collector: its name, help,
// label names (in the Desc) and type.
type family struct {
	desc *prometheus.Desc
	typ  prometheus.ValueType
}

// families lists every family of the stats collector, for Describe.
var families []family

func newFamily(typ prometheus.ValueType, name, help string, labels ...string) family {
	f := family{desc: prometheus.NewDesc(name, help, labels, nil), typ: typ}
	families = append(families, f)
	return f
}

func gauge(name, help string, labels ...string) family {
	return newFamily(prometheus.GaugeValue, name, help, labels...)
}

func counter(name, help string, labels ...string) family {
	return newFamily(prometheus.CounterValue, name, help, labels...)
}

var (
	buildInfo   = gauge("vigil_build_info", "Build information; the value is always 1.", "version")
	uptime      = gauge("vigil_uptime_seconds", "Seconds since the daemon started.")
	replicaTerm = gauge("vigil_replica_role_term", "On replicas sharing a PostgreSQL store: the term of each acting role this replica leads (absent for the roles it does not).", "role")

	bpStored       = gauge("vigil_balance_proofs_stored", "Balance proofs (monitoring requests) currently stored.")
	bpChannels     = gauge("vigil_balance_proofs_unique_channels", "Distinct channels ever seen in accepted balance proofs.")
	bpParticipants = gauge("vigil_balance_proofs_unique_participants", "Distinct participants ever seen in accepted balance proofs.")
	bpReceived     = counter("vigil_balance_proofs_received_total", "Balance proofs received, by source.", "source")
	bpAccepted     = counter("vigil_balance_proofs_accepted_total", "Balance proofs accepted (including idempotent duplicates), by source.", "source")
	bpRejected     = counter("vigil_balance_proofs_rejected_total", "Balance proofs rejected, by source and reason.", "source", "reason")

	updSubmitted  = counter("vigil_updates_submitted_total", "updateTransfer transactions sent.")
	updWon        = counter("vigil_updates_won_total", "Updates whose reward was paid to this monitor.")
	updMissed     = counter("vigil_updates_missed_total", "Challenge windows that closed with this monitor's newer proof not on chain.")
	updStanddowns = counter("vigil_updates_standdowns_total", "Decisions to wait for a competitor's pending update instead of sending.")
	rewardsEarned = counter("vigil_rewards_earned_wei", "Rewards paid to this monitor, in wei (float64: approximate above 2^53).")
	gasSpent      = counter("vigil_gas_spent_wei", "Fees paid for update transactions, in wei (float64: approximate above 2^53).")

	ethHead          = gauge("vigil_eth_head_block", "Latest Ethereum block number seen.")
	ethProcessed     = gauge("vigil_eth_last_processed_block", "Last Ethereum block whose events were processed.")
	ethBehind        = gauge("vigil_eth_blocks_behind", "Blocks between the head and the last processed block.")
	ethOutOfSync     = gauge("vigil_eth_node_out_of_sync", "1 while the Ethereum node does not follow the processed chain, by problem (head_below_processed, processed_block_unknown): intake refuses with node_out_of_sync; see node_problem in /api/1/stats.", "problem")
	ethLastPollAge   = gauge("vigil_eth_last_successful_poll_age_seconds", "Seconds since the Ethereum watcher last followed its node to the head; absent before the first.")
	ethHeadAge       = gauge("vigil_eth_head_age_seconds", "Age of the Ethereum node's head block: from its timestamp, or from when vigild first saw it if earlier; absent before the first head.")
	ethStalled       = gauge("vigil_eth_node_stalled", "1 while the Ethereum node's head is older than ethereum.stall_after (cut off from its peers or eclipsed, still on the right chain): /healthz answers 503 node_stalled; 0 otherwise and with the check off.")
	ethBalance       = gauge("vigil_eth_balance_wei", "Balance of the monitor's sending account, in wei (float64: approximate above 2^53); absent until known.")
	ethRegActive     = gauge("vigil_eth_monitor_registration_active", "1 while the monitor registry counts the operator account (registered, active, no exit): else intake refuses with monitor_not_registered and channels refuse its updates; absent when not read.")
	ethRegDeposit    = gauge("vigil_eth_monitor_deposit_wei", "The operator account's deposit in the monitor registry, in wei (float64: approximate above 2^53); it falls when a penalty is claimed; absent when not read.")
	ethObserveOnly   = gauge("vigil_eth_observe_only", "1 in observe-only mode (ethereum.observe_only): the daemon accepts and sends nothing.")
	mxEventsSeen     = counter("vigil_matrix_events_seen_total", "Room events of request types seen by the room intake.")
	mxReceiptsPosted = counter("vigil_matrix_receipts_posted_total", "Receipts posted to the room.")
	mxReceiptsFailed = counter("vigil_matrix_receipts_failed_total", "Receipts that could not be posted.")
	mxGapsUnverified = counter("vigil_matrix_gaps_unverified_total", "Room gaps too large to read in stream order, read by backward pagination only: events may have been missed.")
	mxSyncLag        = gauge("vigil_matrix_sync_lag_seconds", "Age of the newest room event when it was handled.")
	mxEventsBehind   = gauge("vigil_matrix_events_behind", "Room events received but not yet handled.")

	lnStored       = gauge("vigil_ln_appointments_stored", "Lightning appointments stored.")
	lnAccepted     = counter("vigil_ln_appointments_accepted_total", "Lightning appointments accepted (including identical resubmissions and replacements).")
	lnRejected     = counter("vigil_ln_appointments_rejected_total", "Lightning appointments rejected, by reason.", "reason")
	lnBreaches     = counter("vigil_ln_breaches_seen_total", "Breach transactions seen that match a stored appointment.")
	lnBroadcast    = counter("vigil_ln_justice_broadcast_total", "Justice transactions broadcast (a fee-bumped replacement counts once).")
	lnConfirmed    = counter("vigil_ln_justice_confirmed_total", "Justice transactions confirmed with the configured depth.")
	lnProblems     = counter("vigil_ln_justice_problems_total", "Breach responses that failed or fell short, by reason.", "reason")
	lnLost         = counter("vigil_ln_justice_lost_total", "Justice transactions that ended lost, by reason (spent_by_cheater and deadline_passed: the client's money may be gone).", "reason")
	lnBounty       = counter("vigil_ln_bounty_earned_sat", "Bounty in confirmed justice transactions, in satoshis.")
	btcTip         = gauge("vigil_btc_tip_block", "Latest Bitcoin block height seen.")
	btcProcessed   = gauge("vigil_btc_last_processed_block", "Last Bitcoin block matched against the stored locators.")
	btcBehind      = gauge("vigil_btc_blocks_behind", "Blocks between the Bitcoin tip and the last processed block.")
	btcOutOfSync   = gauge("vigil_btc_node_out_of_sync", "1 while the Bitcoin node does not follow the processed chain, by problem (head_below_processed, processed_block_unknown): appointments are refused with node_out_of_sync.", "problem")
	storeReserve   = gauge("vigil_store_reserve_bytes", "Size of the SQLite store's disk reserve (store.reserve_bytes; 0: disabled).")
	storeReleased  = gauge("vigil_store_reserve_released", "1 while the SQLite store's disk reserve is released: the disk filled, the watchers and responders write into the reserve's space and new requests are refused storage_unavailable until space is freed.")
	storeReleases  = counter("vigil_store_reserve_releases_total", "Times the SQLite store released its disk reserve because the disk was full, since the daemon started.")
	storeFree      = gauge("vigil_store_free_bytes", "Free space of the SQLite store's file system, in bytes; absent when unknown.")
	btcTipAge      = gauge("vigil_btc_tip_age_seconds", "Age of the Bitcoin node's tip block: from its timestamp, or from when vigild first saw it if earlier; absent before the first tip.")
	btcStalled     = gauge("vigil_btc_node_stalled", "1 while the Bitcoin node's tip is older than bitcoin.stall_after (cut off from its peers or eclipsed, still on the right chain): /healthz answers 503 node_stalled; 0 otherwise and with the check off.")
	btcLastPollAge = gauge("vigil_btc_last_successful_poll_age_seconds", "Seconds since the Bitcoin watcher last followed its node to the tip; absent before the first.")
)

// latencyBuckets are the upper bounds of the request latency histogram, in seconds.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// httpMetrics are the per-route request counters and latency histograms.
type httpMetrics struct {
	requests *prometheus.CounterVec   // route, method, code
	latency  *prometheus.HistogramVec // route, method
}

func newHTTPMetrics() *httpMetrics {
	return &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vigil_http_request_duration_seconds",
			Help:    "HTTP request latency, by route pattern and method.",
			Buckets: latencyBuckets,
		}, []string{"route", "method"}),
	}
}

func (m *httpMetrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(d.Seconds())
}

// newMetricsRegistry registers the stats collector and the HTTP metrics.
func (s *Server) newMetricsRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(&statsCollector{
		stats: s.cfg.Stats, clock: s.cfg.Clock, version: s.cfg.Version, tower: s.cfg.Tower != nil,
	})
	reg.MustRegister(s.metrics.requests, s.metrics.latency)
	return reg
}

// metricsHandler serves the registry in the text format 0.0.4 (or the
// protobuf format when a scraper asks for it). A series that cannot be
// gathered is left out and logged at error; the rest is served, so one
// bad label value does not blind the operator's alerts.
func (s *Server) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{
		ErrorLog:      slogPrinter{s.log},
		ErrorHandling: promhttp.ContinueOnError,
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// slogPrinter is promhttp's error logger.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.log.Error("serving /metrics", "error", strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

// statsCollector exports a monitor.StatsSnapshot taken at each scrape.
type statsCollector struct {
	stats   StatsSource
	clock   monitor.Clock
	version string // Config.Version; empty uses the snapshot's
	tower   bool   // a tower is configured: the Lightning families are exported
}

func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range families {
		ch <- f.desc
	}
}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	now := c.clock.Now()
	snap := c.stats.Snapshot(now)
	out := emitter{ch}
	version := c.version
	if version == "" {
		version = snap.Version
	}
	out.put(buildInfo, 1, version)
	out.put(uptime, float64(snap.UptimeSeconds))
	if r := snap.Replica; r != nil {
		for _, role := range r.Roles {
			out.put(replicaTerm, float64(r.Terms[role]), role)
		}
	}
	collectBalanceProofs(out, snap)
	collectUpdates(out, snap)
	collectEthereum(out, snap, now)
	if snap.Matrix.Enabled {
		collectMatrix(out, snap)
	}
	if c.tower || snap.Lightning.Enabled {
		collectLightning(out, snap)
		collectBitcoin(out, snap, now)
	}
	if st := snap.Store; st != nil {
		out.put(storeReserve, float64(st.ReserveBytes))
		out.put(storeReleased, boolGauge(st.ReserveReleased))
		out.put(storeReleases, float64(st.ReserveReleases))
		if st.FreeBytes >= 0 {
			out.put(storeFree, float64(st.FreeBytes))
		}
	}
}

// emitter sends const metrics to a Collect channel.
type emitter struct{ ch chan<- prometheus.Metric }

// put sends one sample. A label value the exposition cannot carry (a
// source name from the stored counters that is not UTF-8) makes an invalid
// metric: the scrape leaves that series out and logs why, and the daemon
// does not panic in a collecting goroutine.
func (e emitter) put(f family, v float64, labelValues ...string) {
	m, err := prometheus.NewConstMetric(f.desc, f.typ, v, labelValues...)
	if err != nil {
		m = prometheus.NewInvalidMetric(f.desc, err)
	}
	e.ch <- m
}

// putWei sends a decimal wei string as a float64; an empty or unparsable
// string sends nothing.
func (e emitter) putWei(f family, wei string) {
	n, ok := new(big.Int).SetString(wei, 10)
	if !ok {
		return
	}
	v, _ := new(big.Float).SetInt(n).Float64()
	e.put(f, v)
}

// knownSources are the intake sources reported even before their first request.
var knownSources = []string{"matrix", "rest"}

func collectBalanceProofs(out emitter, snap monitor.StatsSnapshot) {
	bp := snap.BalanceProofs
	out.put(bpStored, float64(bp.Stored))
	out.put(bpChannels, float64(bp.UniqueChannels))
	out.put(bpParticipants, float64(bp.UniqueParticipant))

	// Rejections by (source, reason) come from the named counters
	// "rejected.<source>.<reason>" (see monitor.Stats); the snapshot's own
	// maps split them by one label only. Every source is reported with
	// every reason, zeros included, so that rate() sees each series start.
	rejected := map[[2]string]int64{}
	sources := map[string]bool{}
	reasons := map[string]bool{}
	for _, src := range knownSources {
		sources[src] = true
	}
	for _, reason := range monitor.Reasons() {
		reasons[string(reason)] = true
	}
	for k := range bp.Received {
		sources[k] = true
	}
	for k := range bp.Accepted {
		sources[k] = true
	}
	for name, v := range snap.Counters {
		rest, ok := strings.CutPrefix(name, "rejected.")
		if !ok {
			continue
		}
		src, reason, _ := strings.Cut(rest, ".")
		rejected[[2]string{src, reason}] += v
		sources[src], reasons[reason] = true, true
	}
	for src := range sources {
		out.put(bpReceived, float64(bp.Received[src]), src)
		out.put(bpAccepted, float64(bp.Accepted[src]), src)
		for reason := range reasons {
			out.put(bpRejected, float64(rejected[[2]string{src, reason}]), src, reason)
		}
	}
}

func collectUpdates(out emitter, snap monitor.StatsSnapshot) {
	u := snap.Updates
	out.put(updSubmitted, float64(u.Submitted))
	out.put(updWon, float64(u.Won))
	out.put(updMissed, float64(u.Missed))
	out.put(updStanddowns, float64(u.Standdowns))
	out.putWei(rewardsEarned, u.RewardsEarned)
	out.putWei(gasSpent, u.GasSpent)
}

func collectEthereum(out emitter, snap monitor.StatsSnapshot, now time.Time) {
	e := snap.Ethereum
	out.put(ethHead, float64(e.Head))
	out.put(ethProcessed, float64(e.LastProcessed))
	out.put(ethBehind, float64(e.BlocksBehind))
	for _, code := range monitor.SyncCodes() {
		out.put(ethOutOfSync, boolGauge(e.NodeProblemCode == code), code)
	}
	if age, ok := ageSeconds(e.LastSuccessfulPoll, now); ok {
		out.put(ethLastPollAge, age)
	}
	if age, ok := ageSeconds(e.HeadTime, now); ok {
		out.put(ethHeadAge, age)
	}
	out.put(ethStalled, boolGauge(e.Stalled))
	out.putWei(ethBalance, e.Balance)
	if r := e.Registration; r != nil {
		out.put(ethRegActive, boolGauge(r.Status == "active"))
		out.putWei(ethRegDeposit, r.DepositWei)
	}
	out.put(ethObserveOnly, boolGauge(e.Mode == "observe"))
}

func collectMatrix(out emitter, snap monitor.StatsSnapshot) {
	m := snap.Matrix
	out.put(mxEventsSeen, float64(m.EventsSeen))
	out.put(mxReceiptsPosted, float64(m.ReceiptsPosted))
	out.put(mxReceiptsFailed, float64(m.ReceiptsFailed))
	out.put(mxGapsUnverified, float64(m.GapsUnverified))
	out.put(mxSyncLag, m.LagSeconds)
	out.put(mxEventsBehind, float64(m.EventsBehind))
}

// appointmentReasons are the rejection reasons the appointment intake can
// give, reported (as zeros) before their first occurrence.
var appointmentReasons = []monitor.Reason{
	monitor.ReasonMalformedJSON, monitor.ReasonBodyTooLarge, monitor.ReasonMissingField, monitor.ReasonUnknownField,
	monitor.ReasonBadType, monitor.ReasonBadNumber, monitor.ReasonNumberOverflow, monitor.ReasonBadHex,
	monitor.ReasonBadLocator, monitor.ReasonBadPubkey, monitor.ReasonUnknownCipher, monitor.ReasonBadSignature,
	monitor.ReasonWrongSigner, monitor.ReasonWrongNetwork, monitor.ReasonBlobTooSmall, monitor.ReasonBlobTooLarge,
	monitor.ReasonStartBlockOutOfWindow, monitor.ReasonEndBlockBeforeStart, monitor.ReasonEndBlockTooFar,
	monitor.ReasonTooManyPerLocator, monitor.ReasonRateLimited, monitor.ReasonRewardBelowMinimum,
	monitor.ReasonRewardBelowFee, monitor.ReasonChainUnavailable, monitor.ReasonInternal,
	monitor.ReasonStaleSequence,
	monitor.ReasonNodeOutOfSync, monitor.ReasonRequestCanceled,
}

// justiceProblemReasons are the reasons a breach response can fail or fall
// short with, reported (as zeros) before their first occurrence.
var justiceProblemReasons = []monitor.Reason{
	monitor.ReasonDecryptFailed, monitor.ReasonNotATransaction, monitor.ReasonDoesNotSpendBreach,
	monitor.ReasonNotFinal, monitor.ReasonBadSignature, monitor.ReasonSurplusBelowReward,
}

// justiceLostReasons are the reasons a justice record can end lost with.
var justiceLostReasons = []monitor.Reason{
	monitor.ReasonSpentByCheater, monitor.ReasonDeadlinePassed, monitor.ReasonSpentByJustice,
}

// collectLightning exports the watchtower's families (vigil_ln_*).
func collectLightning(out emitter, snap monitor.StatsSnapshot) {
	l := snap.Lightning
	out.put(lnStored, float64(l.AppointmentsStored))
	out.put(lnAccepted, float64(l.AppointmentsAccepted))
	putByReason(out, lnRejected, l.RejectedByReason, appointmentReasons)
	out.put(lnBreaches, float64(l.BreachesSeen))
	out.put(lnBroadcast, float64(l.JusticeBroadcast))
	out.put(lnConfirmed, float64(l.JusticeConfirmed))
	putByReason(out, lnProblems, l.JusticeProblems, justiceProblemReasons)
	putByReason(out, lnLost, l.JusticeLost, justiceLostReasons)
	out.put(lnBounty, float64(l.BountyEarnedSat))
}

// collectBitcoin exports the tower's Bitcoin watcher's families (vigil_btc_*).
func collectBitcoin(out emitter, snap monitor.StatsSnapshot, now time.Time) {
	l := snap.Lightning
	out.put(btcTip, float64(l.Tip))
	out.put(btcProcessed, float64(l.LastProcessed))
	var behind uint32
	if l.Tip > l.LastProcessed {
		behind = l.Tip - l.LastProcessed
	}
	out.put(btcBehind, float64(behind))
	for _, code := range monitor.SyncCodes() {
		out.put(btcOutOfSync, boolGauge(l.NodeProblemCode == code), code)
	}
	if age, ok := ageSeconds(l.LastSuccessfulPoll, now); ok {
		out.put(btcLastPollAge, age)
	}
	if age, ok := ageSeconds(l.TipTime, now); ok {
		out.put(btcTipAge, age)
	}
	out.put(btcStalled, boolGauge(l.Stalled))
}

// putByReason sends one series per reason seen or known, zeros included.
func putByReason(out emitter, f family, seen map[string]int64, known []monitor.Reason) {
	reasons := make(map[string]bool, len(seen)+len(known))
	for _, r := range known {
		reasons[string(r)] = true
	}
	for r := range seen {
		reasons[r] = true
	}
	for r := range reasons {
		out.put(f, float64(seen[r]), r)
	}
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ageSeconds is the age of an RFC 3339 time at now.
func ageSeconds(at string, now time.Time) (float64, bool) {
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return 0, false
	}
	return max(now.Sub(t).Seconds(), 0), true
}
