package rest

import (
	"bytes"
	"math"
	"math/big"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
)

// The /metrics endpoint writes the Prometheus text exposition format 0.0.4
// by hand (no client library): the figures of a monitor.StatsSnapshot plus
// the HTTP counters and latency histogram kept by the observe middleware.
//
// Prometheus values are float64. Wei amounts (vigil_rewards_earned_wei,
// vigil_gas_spent_wei, vigil_eth_balance_wei) are exported as the nearest
// float64, so beyond 2^53 wei (about 0.009 ETH) they lose precision in the
// last digits; the exact figures are in /api/1/stats as decimal strings.

// latencyBuckets are the upper bounds of the request latency histogram, in seconds.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// knownSources are the intake sources reported even before their first request.
var knownSources = []string{"matrix", "rest"}

type requestKey struct{ route, method, code string }
type latencyKey struct{ route, method string }

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

// httpMetrics are the per-route request counters and latency histograms.
type httpMetrics struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[latencyKey]*histogram
}

func newHTTPMetrics() *httpMetrics {
	return &httpMetrics{requests: map[requestKey]uint64{}, latency: map[latencyKey]*histogram{}}
}

func (m *httpMetrics) observe(route, method string, status int, d time.Duration) {
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, method, strconv.Itoa(status)}]++
	lk := latencyKey{route, method}
	h := m.latency[lk]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latency[lk] = h
	}
	i := sort.SearchFloat64s(latencyBuckets, sec) // first bound >= sec; len = +Inf
	h.counts[i]++
	h.sum += sec
	h.count++
}

// serveMetrics writes the exposition.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	var p promWriter
	s.writeSnapshotMetrics(&p, s.cfg.Stats.Snapshot(s.cfg.Clock.Now()))
	s.metrics.write(&p)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(p.buf.Bytes())
}

func (s *Server) writeSnapshotMetrics(p *promWriter, snap monitor.StatsSnapshot) {
	version := s.cfg.Version
	if version == "" {
		version = snap.Version
	}
	bp := snap.BalanceProofs
	p.family("vigil_build_info", "gauge", "Build information; the value is always 1.")
	p.sample("vigil_build_info", labels{{"version", version}}, 1)
	p.family("vigil_uptime_seconds", "gauge", "Seconds since the daemon started.")
	p.sample("vigil_uptime_seconds", nil, float64(snap.UptimeSeconds))

	p.family("vigil_balance_proofs_stored", "gauge", "Balance proofs (monitoring requests) currently stored.")
	p.sample("vigil_balance_proofs_stored", nil, float64(bp.Stored))
	p.family("vigil_balance_proofs_unique_channels", "gauge", "Distinct channels ever seen in accepted balance proofs.")
	p.sample("vigil_balance_proofs_unique_channels", nil, float64(bp.UniqueChannels))
	p.family("vigil_balance_proofs_unique_participants", "gauge", "Distinct participants ever seen in accepted balance proofs.")
	p.sample("vigil_balance_proofs_unique_participants", nil, float64(bp.UniqueParticipant))

	// Rejections by (source, reason) come from the named counters
	// "rejected.<source>.<reason>" (see monitor.Stats); the snapshot's own
	// maps split them by one label only.
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
	srcList, reasonList := sortedKeys(sources), sortedKeys(reasons)

	p.family("vigil_balance_proofs_received_total", "counter", "Balance proofs received, by source.")
	for _, src := range srcList {
		p.sample("vigil_balance_proofs_received_total", labels{{"source", src}}, float64(bp.Received[src]))
	}
	p.family("vigil_balance_proofs_accepted_total", "counter", "Balance proofs accepted (including idempotent duplicates), by source.")
	for _, src := range srcList {
		p.sample("vigil_balance_proofs_accepted_total", labels{{"source", src}}, float64(bp.Accepted[src]))
	}
	p.family("vigil_balance_proofs_rejected_total", "counter", "Balance proofs rejected, by source and reason.")
	for _, src := range srcList {
		for _, reason := range reasonList {
			p.sample("vigil_balance_proofs_rejected_total", labels{{"source", src}, {"reason", reason}}, float64(rejected[[2]string{src, reason}]))
		}
	}

	u := snap.Updates
	p.family("vigil_updates_submitted_total", "counter", "updateTransfer transactions sent.")
	p.sample("vigil_updates_submitted_total", nil, float64(u.Submitted))
	p.family("vigil_updates_won_total", "counter", "Updates whose reward was paid to this monitor.")
	p.sample("vigil_updates_won_total", nil, float64(u.Won))
	p.family("vigil_updates_missed_total", "counter", "Challenge windows that closed with this monitor's newer proof not on chain.")
	p.sample("vigil_updates_missed_total", nil, float64(u.Missed))
	p.family("vigil_updates_standdowns_total", "counter", "Decisions to wait for a competitor's pending update instead of sending.")
	p.sample("vigil_updates_standdowns_total", nil, float64(u.Standdowns))
	p.family("vigil_rewards_earned_wei", "counter", "Rewards paid to this monitor, in wei (float64: approximate above 2^53).")
	p.weiSample("vigil_rewards_earned_wei", u.RewardsEarned)
	p.family("vigil_gas_spent_wei", "counter", "Fees paid for update transactions, in wei (float64: approximate above 2^53).")
	p.weiSample("vigil_gas_spent_wei", u.GasSpent)

	e := snap.Ethereum
	p.family("vigil_eth_head_block", "gauge", "Latest Ethereum block number seen.")
	p.sample("vigil_eth_head_block", nil, float64(e.Head))
	p.family("vigil_eth_last_processed_block", "gauge", "Last Ethereum block whose events were processed.")
	p.sample("vigil_eth_last_processed_block", nil, float64(e.LastProcessed))
	p.family("vigil_eth_blocks_behind", "gauge", "Blocks between the head and the last processed block.")
	p.sample("vigil_eth_blocks_behind", nil, float64(e.BlocksBehind))
	now := s.cfg.Clock.Now()
	p.family("vigil_eth_node_out_of_sync", "gauge", "1 while the Ethereum node does not follow the processed chain, by problem (head_below_processed, processed_block_unknown): intake refuses with node_out_of_sync; see node_problem in /api/1/stats.")
	for _, code := range monitor.SyncCodes() {
		p.sample("vigil_eth_node_out_of_sync", labels{{"problem", code}}, boolGauge(e.NodeProblemCode == code))
	}
	if age, ok := ageSeconds(e.LastSuccessfulPoll, now); ok {
		p.family("vigil_eth_last_successful_poll_age_seconds", "gauge", "Seconds since the Ethereum watcher last followed its node to the head; absent before the first.")
		p.sample("vigil_eth_last_successful_poll_age_seconds", nil, age)
	}
	p.family("vigil_eth_balance_wei", "gauge", "Balance of the monitor's sending account, in wei (float64: approximate above 2^53); absent until known.")
	p.weiSample("vigil_eth_balance_wei", e.Balance)

	m := snap.Matrix
	if m.Enabled {
		p.family("vigil_matrix_events_seen_total", "counter", "Room events of request types seen by the room intake.")
		p.sample("vigil_matrix_events_seen_total", nil, float64(m.EventsSeen))
		p.family("vigil_matrix_receipts_posted_total", "counter", "Receipts posted to the room.")
		p.sample("vigil_matrix_receipts_posted_total", nil, float64(m.ReceiptsPosted))
		p.family("vigil_matrix_receipts_failed_total", "counter", "Receipts that could not be posted.")
		p.sample("vigil_matrix_receipts_failed_total", nil, float64(m.ReceiptsFailed))
		p.family("vigil_matrix_sync_lag_seconds", "gauge", "Age of the newest room event when it was handled.")
		p.sample("vigil_matrix_sync_lag_seconds", nil, m.LagSeconds)
		p.family("vigil_matrix_events_behind", "gauge", "Room events received but not yet handled.")
		p.sample("vigil_matrix_events_behind", nil, float64(m.EventsBehind))
	}

	if s.cfg.Tower != nil || snap.Lightning.Enabled {
		writeLightningMetrics(p, snap)
		l := snap.Lightning
		p.family("vigil_btc_node_out_of_sync", "gauge", "1 while the Bitcoin node does not follow the processed chain, by problem (head_below_processed, processed_block_unknown): appointments are refused with node_out_of_sync.")
		for _, code := range monitor.SyncCodes() {
			p.sample("vigil_btc_node_out_of_sync", labels{{"problem", code}}, boolGauge(l.NodeProblemCode == code))
		}
		if age, ok := ageSeconds(l.LastSuccessfulPoll, now); ok {
			p.family("vigil_btc_last_successful_poll_age_seconds", "gauge", "Seconds since the Bitcoin watcher last followed its node to the tip; absent before the first.")
			p.sample("vigil_btc_last_successful_poll_age_seconds", nil, age)
		}
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
	monitor.ReasonBadSignature, monitor.ReasonSurplusBelowReward,
}

// justiceLostReasons are the reasons a justice record can end lost with.
var justiceLostReasons = []monitor.Reason{
	monitor.ReasonSpentByCheater, monitor.ReasonDeadlinePassed, monitor.ReasonSpentByJustice,
}

// writeLightningMetrics writes the watchtower's families (vigil_ln_*) and
// its Bitcoin watcher's (vigil_btc_*).
func writeLightningMetrics(p *promWriter, snap monitor.StatsSnapshot) {
	l := snap.Lightning
	p.family("vigil_ln_appointments_stored", "gauge", "Lightning appointments stored.")
	p.sample("vigil_ln_appointments_stored", nil, float64(l.AppointmentsStored))
	p.family("vigil_ln_appointments_accepted_total", "counter", "Lightning appointments accepted (including identical resubmissions and replacements).")
	p.sample("vigil_ln_appointments_accepted_total", nil, float64(l.AppointmentsAccepted))
	p.family("vigil_ln_appointments_rejected_total", "counter", "Lightning appointments rejected, by reason.")
	for _, reason := range withReasons(l.RejectedByReason, appointmentReasons) {
		p.sample("vigil_ln_appointments_rejected_total", labels{{"reason", reason}}, float64(l.RejectedByReason[reason]))
	}
	p.family("vigil_ln_breaches_seen_total", "counter", "Breach transactions seen that match a stored appointment.")
	p.sample("vigil_ln_breaches_seen_total", nil, float64(l.BreachesSeen))
	p.family("vigil_ln_justice_broadcast_total", "counter", "Justice transactions broadcast (a fee-bumped replacement counts once).")
	p.sample("vigil_ln_justice_broadcast_total", nil, float64(l.JusticeBroadcast))
	p.family("vigil_ln_justice_confirmed_total", "counter", "Justice transactions confirmed with the configured depth.")
	p.sample("vigil_ln_justice_confirmed_total", nil, float64(l.JusticeConfirmed))
	p.family("vigil_ln_justice_problems_total", "counter", "Breach responses that failed or fell short, by reason.")
	for _, reason := range withReasons(l.JusticeProblems, justiceProblemReasons) {
		p.sample("vigil_ln_justice_problems_total", labels{{"reason", reason}}, float64(l.JusticeProblems[reason]))
	}
	p.family("vigil_ln_justice_lost_total", "counter", "Justice transactions that ended lost, by reason (spent_by_cheater and deadline_passed: the client's money may be gone).")
	for _, reason := range withReasons(l.JusticeLost, justiceLostReasons) {
		p.sample("vigil_ln_justice_lost_total", labels{{"reason", reason}}, float64(l.JusticeLost[reason]))
	}
	p.family("vigil_ln_bounty_earned_sat", "counter", "Bounty in confirmed justice transactions, in satoshis.")
	p.sample("vigil_ln_bounty_earned_sat", nil, float64(l.BountyEarnedSat))

	p.family("vigil_btc_tip_block", "gauge", "Latest Bitcoin block height seen.")
	p.sample("vigil_btc_tip_block", nil, float64(l.Tip))
	p.family("vigil_btc_last_processed_block", "gauge", "Last Bitcoin block matched against the stored locators.")
	p.sample("vigil_btc_last_processed_block", nil, float64(l.LastProcessed))
	var behind uint32
	if l.Tip > l.LastProcessed {
		behind = l.Tip - l.LastProcessed
	}
	p.family("vigil_btc_blocks_behind", "gauge", "Blocks between the Bitcoin tip and the last processed block.")
	p.sample("vigil_btc_blocks_behind", nil, float64(behind))
}

// withReasons returns the keys of seen and the known reasons, sorted.
func withReasons(seen map[string]int64, known []monitor.Reason) []string {
	set := make(map[string]bool, len(seen)+len(known))
	for _, r := range known {
		set[string(r)] = true
	}
	for r := range seen {
		set[r] = true
	}
	return sortedKeys(set)
}

// write appends the HTTP families in a deterministic order.
func (m *httpMetrics) write(p *promWriter) {
	m.mu.Lock()
	defer m.mu.Unlock()

	reqKeys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		reqKeys = append(reqKeys, k)
	}
	sort.Slice(reqKeys, func(i, j int) bool {
		a, b := reqKeys[i], reqKeys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	p.family("vigil_http_requests_total", "counter", "HTTP requests served, by route pattern, method and status code.")
	for _, k := range reqKeys {
		p.sample("vigil_http_requests_total", labels{{"route", k.route}, {"method", k.method}, {"code", k.code}}, float64(m.requests[k]))
	}

	latKeys := make([]latencyKey, 0, len(m.latency))
	for k := range m.latency {
		latKeys = append(latKeys, k)
	}
	sort.Slice(latKeys, func(i, j int) bool {
		a, b := latKeys[i], latKeys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		return a.method < b.method
	})
	const name = "vigil_http_request_duration_seconds"
	p.family(name, "histogram", "HTTP request latency, by route pattern and method.")
	for _, k := range latKeys {
		h := m.latency[k]
		var cum uint64
		for i, bound := range latencyBuckets {
			cum += h.counts[i]
			p.sample(name+"_bucket", labels{{"route", k.route}, {"method", k.method}, {"le", formatFloat(bound)}}, float64(cum))
		}
		p.sample(name+"_bucket", labels{{"route", k.route}, {"method", k.method}, {"le", "+Inf"}}, float64(h.count))
		p.sample(name+"_sum", labels{{"route", k.route}, {"method", k.method}}, h.sum)
		p.sample(name+"_count", labels{{"route", k.route}, {"method", k.method}}, float64(h.count))
	}
}

type label struct{ name, value string }
type labels []label

// promWriter builds a text exposition.
type promWriter struct{ buf bytes.Buffer }

func (p *promWriter) family(name, typ, help string) {
	p.buf.WriteString("# HELP " + name + " " + escapeHelp(help) + "\n")
	p.buf.WriteString("# TYPE " + name + " " + typ + "\n")
}

func (p *promWriter) sample(name string, ls labels, v float64) {
	p.buf.WriteString(name)
	if len(ls) > 0 {
		p.buf.WriteByte('{')
		for i, l := range ls {
			if i > 0 {
				p.buf.WriteByte(',')
			}
			p.buf.WriteString(l.name + `="` + escapeLabel(l.value) + `"`)
		}
		p.buf.WriteByte('}')
	}
	p.buf.WriteByte(' ')
	p.buf.WriteString(formatFloat(v))
	p.buf.WriteByte('\n')
}

// weiSample writes a decimal wei string as a float64; an empty or
// unparsable string writes no sample.
func (p *promWriter) weiSample(name, wei string) {
	n, ok := new(big.Int).SetString(wei, 10)
	if !ok {
		return
	}
	f, _ := new(big.Float).SetInt(n).Float64()
	p.sample(name, nil, f)
}

// formatFloat writes integers exactly (below 2^53) and everything else in
// Go's shortest float form, which Prometheus parses.
func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	case v == math.Trunc(v) && math.Abs(v) < 1<<53:
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
