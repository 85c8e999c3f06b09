package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

type stepLog struct {
	step  step
	lines []string
}

type report struct {
	start, end time.Time
	quick      bool
	machine    machine
	loadAfter  string
	results    map[string]result
	logs       []stepLog
	failures   []string
}

// metric is a benchmark's figure, NaN when it did not report it.
func (r *report) metric(bench, unit string) float64 {
	res, ok := r.results[quickName(bench, r.quick)]
	if !ok {
		return math.NaN()
	}
	v, ok := res.metrics[unit]
	if !ok {
		return math.NaN()
	}
	return v
}

// figure is one line of the summary: a measured value beside its goal.
type figure struct {
	section string
	what    string
	value   func(r *report) float64
	unit    string
	goal    func(r *report) float64
	goalFmt string // e.g. ">= %s" or "< %s"
	// lowerIsBetter: the goal is a maximum; otherwise a minimum.
	lowerIsBetter bool
	note          string
}

func m(bench, unit string) func(r *report) float64 {
	return func(r *report) float64 { return r.metric(bench, unit) }
}

func scaled(f func(r *report) float64, k float64) func(r *report) float64 {
	return func(r *report) float64 { return f(r) * k }
}

func constant(v float64) func(r *report) float64 { return func(*report) float64 { return v } }

var figures = []figure{
	{section: "1", what: "balance-proof intake, 1,000,000 stored", value: m("BenchmarkIntakeParallel/stored=1000000", "msgs/s"), unit: "msgs/s",
		goal: scaled(m("BenchmarkIntakeParallel/stored=1000000", "recover2-msgs/s"), 0.75), goalFmt: ">= %s (75% of the two-recovery rate measured beside it)"},
	{section: "1", what: "the same, signing the receipt too", value: m("BenchmarkIntakeParallel/stored=1000000+receipt", "msgs/s"), unit: "msgs/s",
		goal: scaled(m("BenchmarkIntakeParallel/stored=1000000+receipt", "recover2-msgs/s"), 0.75), goalFmt: ">= %s (75% of the bound)"},
	{section: "1", what: "two-recovery bound (all cores)", value: m("BenchmarkRecover2", "msgs/s"), unit: "msgs/s"},
	{section: "1", what: "store alone: 64 writers, 1,000,000 stored", value: m("BenchmarkSaveRequestGroup", "msgs/s"), unit: "msgs/s"},
	{section: "2", what: "appointment intake, 1,000,000 stored", value: m("BenchmarkAppointmentIntakeParallel/stored=1000000", "msgs/s"), unit: "msgs/s",
		goal: scaled(m("BenchmarkAppointmentIntakeParallel/stored=1000000", "recover1-msgs/s"), 0.75), goalFmt: ">= %s (75% of the one-recovery rate measured beside it)"},
	{section: "2", what: "the same, signing the receipt too", value: m("BenchmarkAppointmentIntakeParallel/stored=1000000+receipt", "msgs/s"), unit: "msgs/s",
		goal: scaled(m("BenchmarkAppointmentIntakeParallel/stored=1000000+receipt", "recover1-msgs/s"), 0.75), goalFmt: ">= %s (75% of the bound)"},
	{section: "2", what: "one-recovery bound (all cores)", value: m("BenchmarkRecoverMessage1", "msgs/s"), unit: "msgs/s"},
	{section: "3", what: "match a 4,000-tx block, 1,000,000 appointments", value: scaled(m("BenchmarkMatchBlock/appointments=1000000", "ns/op"), 1e-6), unit: "ms",
		goal: constant(2), goalFmt: "< %s", lowerIsBetter: true},
	{section: "3", what: "match a 4,000-tx block, 10,000,000 appointments", value: scaled(m("BenchmarkMatchBlock/appointments=10000000", "ns/op"), 1e-6), unit: "ms",
		goal: constant(2), goalFmt: "< %s", lowerIsBetter: true},
	{section: "3", what: "index memory per appointment (10,000,000)", value: m("BenchmarkMatchBlock/appointments=10000000", "index-bytes/appointment"), unit: "bytes",
		goal: constant(16), goalFmt: "<= %s", lowerIsBetter: true},
	{section: "3", what: "index rebuild at start, from the store (per 10,000,000)", value: m("BenchmarkIndexRebuild", "s-per-10M"), unit: "s",
		goal: constant(5), goalFmt: "< %s", lowerIsBetter: true, note: "measured on 1,000,000 stored, scaled linearly"},
	{section: "3", what: "follower replica: refresh (100 new) and match a 4,000-tx block, 1,000,000 appointments", value: m("BenchmarkFollowerBlock", "ms/block"), unit: "ms"},
	{section: "3", what: "of which the incremental index refresh", value: m("BenchmarkFollowerBlock", "refresh-ms"), unit: "ms"},
	{section: "3", what: "index build in memory, 10,000,000", value: m("BenchmarkIndexBuild/appointments=10000000", "s-per-10M"), unit: "s"},
	{section: "3", what: "lookups only (txids given), Vigil's index, 1,000,000", value: scaled(m("BenchmarkMatchBlockLookupOnly", "ns/op"), 1e-6), unit: "ms"},
	{section: "3", what: "peers: indexed SQLite IN (...) query, 1,000,000, txids + lookups", value: m("BenchmarkMatchBlockSQLiteIN/appointments=1000000/txid+lookups", "ms/block"), unit: "ms"},
	{section: "3", what: "peers: indexed SQLite IN (...) query, lookups only", value: m("BenchmarkMatchBlockSQLiteIN/appointments=1000000/lookups", "ms/block"), unit: "ms"},
	{section: "3", what: "peers: SQLite database size per appointment", value: m("BenchmarkMatchBlockSQLiteIN/appointments=1000000/lookups", "bytes/appointment"), unit: "bytes"},
	{section: "3", what: "peers: lnd's TowerDB (bbolt), 1,000,000, txids + lookups", value: m("BenchmarkMatchBlockLndTowerDB/appointments=1000000/txid+lookups", "ms/block"), unit: "ms"},
	{section: "3", what: "peers: lnd's TowerDB, lookups only", value: m("BenchmarkMatchBlockLndTowerDB/appointments=1000000/lookups", "ms/block"), unit: "ms"},
	{section: "3", what: "peers: lnd's TowerDB file bytes in use per appointment", value: m("BenchmarkMatchBlockLndTowerDB/appointments=1000000/lookups", "used-bytes/appointment"), unit: "bytes"},
	{section: "4", what: "breach to broadcast, median", value: m("BenchmarkBreachToBroadcast", "p50-ms"), unit: "ms",
		goal: constant(100), goalFmt: "< %s", lowerIsBetter: true},
	{section: "4", what: "breach to broadcast, p99", value: m("BenchmarkBreachToBroadcast", "p99-ms"), unit: "ms",
		goal: constant(100), goalFmt: "< %s", lowerIsBetter: true},
	{section: "4", what: "breach to broadcast, 1,000 junk appointments on the locator, median", value: m("BenchmarkBreachToBroadcastSquatted", "p50-ms"), unit: "ms"},
	{section: "5", what: "Bitcoin: breach block mined to justice accepted, median", value: m("BenchmarkBitcoinReaction", "p50-ms"), unit: "ms",
		goal: constant(50), goalFmt: "< %s", lowerIsBetter: true},
	{section: "5", what: "Bitcoin: breach block mined to justice accepted, p99", value: m("BenchmarkBitcoinReaction", "p99-ms"), unit: "ms",
		goal: constant(50), goalFmt: "< %s", lowerIsBetter: true},
	{section: "5", what: "Ethereum: slot's first block mined to updateTransfer pooled, median", value: m("BenchmarkEthereumReaction", "p50-ms"), unit: "ms",
		goal: constant(50), goalFmt: "< %s", lowerIsBetter: true},
	{section: "5", what: "Ethereum: slot's first block mined to updateTransfer pooled, p99", value: m("BenchmarkEthereumReaction", "p99-ms"), unit: "ms",
		goal: constant(50), goalFmt: "< %s", lowerIsBetter: true},
	{section: "5", what: "Ethereum: of which geth's share (transaction taken, block made, head pushed), p99", value: m("BenchmarkEthereumReaction", "head-p99-ms"), unit: "ms"},
	{section: "5", what: "Ethereum: head pushed to updateTransfer pooled (vigild's share, detection included), median", value: m("BenchmarkEthereumReaction", "after-head-p50-ms"), unit: "ms"},
	{section: "5", what: "Ethereum: head pushed to updateTransfer pooled (vigild's share, detection included), p99", value: m("BenchmarkEthereumReaction", "after-head-p99-ms"), unit: "ms"},
	{section: "6", what: "mass close: channels updated in their window", value: m("BenchmarkMassClose", "updated-%"), unit: "%",
		goal: constant(100), goalFmt: ">= %s"},
	{section: "6", what: "mass close: windows missed", value: m("BenchmarkMassClose", "missed"), unit: "",
		goal: constant(0), goalFmt: "<= %s", lowerIsBetter: true},
	{section: "6", what: "RPC calls per block, idle, all channels monitored", value: m("BenchmarkMassClose", "rpc/block-idle"), unit: "calls"},
	{section: "6", what: "RPC calls per block, idle, a tenth of them", value: m("BenchmarkMassClose", "rpc/block-idle-tenth"), unit: "calls"},
	{section: "6", what: "close of the first to last update mined", value: m("BenchmarkMassClose", "s-to-all-updated"), unit: "s"},
	{section: "6", what: "peak heap (daemon and simulated chain)", value: m("BenchmarkMassClose", "peak-heap-MB"), unit: "MB"},
	{section: "7", what: "GET /api/1/stats p99 at 5,000 req/s offered", value: m("BenchmarkReadAPI/stats", "p99-ms"), unit: "ms",
		goal: constant(5), goalFmt: "< %s", lowerIsBetter: true},
	{section: "7", what: "GET /api/1/stats achieved rate", value: m("BenchmarkReadAPI/stats", "achieved-rps"), unit: "req/s",
		goal: m("BenchmarkReadAPI/stats", "offered-rps"), goalFmt: ">= %s (offered)"},
	{section: "7", what: "GET /api/1/stats, closed loop", value: m("BenchmarkReadAPI/stats", "max-rps"), unit: "req/s"},
	{section: "7", what: "GET /api/1/stats p99 inside vigild (its /metrics)", value: m("BenchmarkReadAPI/stats", "vigild-p99-bound-ms"), unit: "ms"},
	{section: "7", what: "page of GET /api/1/balance_proofs p99 at 200 req/s", value: m("BenchmarkReadAPI/balance_proofs_page", "p99-ms"), unit: "ms"},
	{section: "7", what: "page of GET /api/1/balance_proofs, closed loop", value: m("BenchmarkReadAPI/balance_proofs_page", "max-rps"), unit: "req/s"},
	{section: "9", what: "takeover: Ethereum leader dies to the follower's update pooled, median", value: m("BenchmarkTakeover", "p50-ms"), unit: "ms"},
	{section: "9", what: "takeover, p99 (the maximum of 20 kills)", value: m("BenchmarkTakeover", "p99-ms"), unit: "ms"},
	{section: "9", what: "takeover: until the follower holds the role, median", value: m("BenchmarkTakeover", "role-p50-ms"), unit: "ms"},
	{section: "9", what: "balance-proof intake on PostgreSQL, one replica, 100,000 stored", value: m("BenchmarkIntakePostgres/stored=100000/replicas=1", "msgs/s"), unit: "msgs/s",
		goal: scaled(m("BenchmarkIntakePostgres/stored=100000/replicas=1", "recover2-msgs/s"), 0.75), goalFmt: ">= %s (75% of the two-recovery rate measured beside it)"},
	{section: "9", what: "the same, two replicas on the one database", value: m("BenchmarkIntakePostgres/stored=100000/replicas=2", "msgs/s"), unit: "msgs/s",
		goal: scaled(m("BenchmarkIntakePostgres/stored=100000/replicas=2", "recover2-msgs/s"), 0.75), goalFmt: ">= %s (75% of the bound)"},
}

func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v == 0:
		return "0"
	case math.Abs(v) >= 1000:
		return commas(int64(math.Round(v)))
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// verdict returns the goal text, the ratio measured/goal and whether it is
// met.
func (f figure) verdict(r *report) (goal, ratio, status string) {
	if f.goal == nil {
		return "", "", ""
	}
	v, g := f.value(r), f.goal(r)
	goal = strings.ReplaceAll(f.goalFmt, "%s", num(g)+" "+f.unit)
	if math.IsNaN(v) || math.IsNaN(g) {
		return goal, "—", "not measured"
	}
	if g != 0 {
		ratio = fmt.Sprintf("%.2f", v/g)
	}
	met := v >= g
	if f.lowerIsBetter {
		met = v <= g
		if strings.HasPrefix(f.goalFmt, "< ") {
			met = v < g
		}
	}
	if met {
		return goal, ratio, "met"
	}
	return goal, ratio, "missed"
}

func (r *report) table(section string) string {
	var b strings.Builder
	b.WriteString("| figure | measured | goal or bound | ratio | |\n|---|---:|---|---:|---|\n")
	for _, f := range figures {
		if f.section != section {
			continue
		}
		goal, ratio, status := f.verdict(r)
		what := f.what
		if f.note != "" {
			what += " (" + f.note + ")"
		}
		fmt.Fprintf(&b, "| %s | %s %s | %s | %s | %s |\n", what, num(f.value(r)), f.unit, goal, ratio, status)
	}
	return b.String()
}

func (r *report) summary() string {
	if r.quick {
		return r.quickSummary()
	}
	var b strings.Builder
	b.WriteString("\nbench: summary\n")
	for _, f := range figures {
		goal, ratio, status := f.verdict(r)
		line := fmt.Sprintf("  [%s] %-58s %12s %-6s", f.section, f.what, num(f.value(r)), f.unit)
		if goal != "" {
			line += fmt.Sprintf("  goal %s  ratio %s  %s", goal, ratio, status)
		}
		b.WriteString(line + "\n")
	}
	for _, f := range r.failures {
		b.WriteString("  FAILED: " + f + "\n")
	}
	return b.String()
}

// quickSummary lists, per step, the benchmarks that ran: a quick run only
// checks that they work, at -short sizes and one iteration, so it shows no
// figures (they would be read as measurements).
func (r *report) quickSummary() string {
	var b strings.Builder
	b.WriteString("\nbench: quick run (each benchmark once, at -short size, to check that it works; `make bench` measures)\n")
	for _, l := range r.logs {
		var names []string
		for _, line := range l.lines {
			if m := benchLine.FindStringSubmatch(line); m != nil {
				names = append(names, strings.TrimPrefix(m[1], "Benchmark"))
			}
		}
		fmt.Fprintf(&b, "  ran %-24s %s\n", l.step.name+":", strings.Join(names, ", "))
	}
	for _, f := range r.failures {
		b.WriteString("  FAILED: " + f + "\n")
	}
	if len(r.failures) == 0 {
		fmt.Fprintf(&b, "bench: all %d benchmark steps work\n", len(r.logs))
	}
	return b.String()
}

// rawLines returns the go test lines of the steps in group.
func (r *report) rawLines(group string) string {
	var b strings.Builder
	for _, l := range r.logs {
		if l.step.group != group {
			continue
		}
		for _, line := range l.lines {
			b.WriteString(line + "\n")
		}
	}
	if b.Len() == 0 {
		return "(not run)\n"
	}
	return b.String()
}

func (r *report) commands(group string) string {
	var b strings.Builder
	for _, s := range steps {
		if s.group != group {
			continue
		}
		dir := ""
		if s.dir != "" {
			dir = "cd " + s.dir + " && "
		}
		env := ""
		if e := append(append([]string{}, s.env...), s.fullEnv...); len(e) > 0 {
			env = strings.Join(e, " ") + " "
		}
		fmt.Fprintf(&b, "%s%sgo test -run '^$' -bench '%s' -benchtime %s -benchmem %s\n", dir, env, s.bench, s.benchtime, s.pkg)
	}
	return b.String()
}

func (r *report) markdown() string {
	var b strings.Builder
	mc := r.machine
	fmt.Fprintf(&b, `# Vigil benchmarks

Generated by `+"`make bench`"+` (scripts/bench) on %s, in %s. Do not edit by
hand: rerun it. Every figure below was measured in that run, on this machine:

| | |
|---|---|
| CPU | %s (%s cores visible) |
| memory | %s |
| kernel | %s |
| Go | %s |
| commit | %s |
| load average (1, 5, 15 min) before / after | %s / %s |

The machines these runs are made on are shared virtual machines: the load
average says how busy the host was. Rates and latencies move by tens of
percent between runs; bounds that depend on the machine (signature
recovery) are measured beside the figure they bound, in the same run.
Ratios are measured ÷ goal: a rate meets its goal at 1.00 or more, a time
or a size at 1.00 or less.
`, r.start.Format("2006-01-02 15:04 UTC"), r.end.Sub(r.start).Round(time.Second),
		mc.cpu, mc.cores, mc.memory, mc.kernel, mc.goVersion, mc.commit, mc.loadBefore, r.loadAfter)
	if len(r.failures) > 0 {
		b.WriteString("\n**Failed steps:**\n\n")
		for _, f := range r.failures {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	shown := map[string]bool{}
	for _, sec := range sections {
		fmt.Fprintf(&b, "\n## %s. %s\n\n%s\n", sec.id, sec.title, strings.TrimSpace(sec.text))
		if sec.table {
			b.WriteString("\n" + r.table(sec.id))
		}
		if sec.group != "" && !shown[sec.group] {
			shown[sec.group] = true
			fmt.Fprintf(&b, "\nRaw output:\n\n```\n%s```\n\nRerun:\n\n```\n%s```\n", r.rawLines(sec.group), r.commands(sec.group))
		}
	}
	return b.String()
}
