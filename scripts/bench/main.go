// Command bench runs Vigil's performance benchmarks and writes
// docs/BENCHMARKS.md: `make bench` (go run ./scripts/bench).
//
//	make bench                              # every benchmark, full size; rewrites docs/BENCHMARKS.md
//	go run ./scripts/bench --quick          # the same benchmarks at -short, one iteration each (CI)
//	go run ./scripts/bench --only intake    # one group (see --help), for working on it
//
// Each benchmark is an ordinary `go test -bench` in the package it
// measures (the list is in steps.go); this program runs them one after the
// other (never in parallel: they share two cores), reads the figures they
// report, sets each beside its goal or bound as a ratio and writes the
// document with the machine, the Go version, the date, the commit and the
// load average before and after. Bounds that depend on the machine, such
// as the signature-recovery rate, are measured by the benchmarks in the
// same run. It exits non-zero if a benchmark fails or reports nothing; a
// goal that is missed is reported, not an error.
//
// The first full run builds the pre-filled databases (1,000,000 requests
// and 1,000,000 appointments from internal/testkit/benchdb, and the peers'
// SQLite and lnd databases) and caches them in $TMPDIR (about 3 GB), and
// builds btcd into .cache/bin; later runs reuse them.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	quick := flag.Bool("quick", false, "run every benchmark at -short with one iteration, to check they work; do not write the document")
	out := flag.String("out", "docs/BENCHMARKS.md", "document to write (full runs only)")
	only := flag.String("only", "", "run only the steps of this group: "+strings.Join(groups(), ", "))
	flag.Parse()

	root, err := repoRoot()
	if err != nil {
		fatal(err)
	}
	var run []step
	for _, s := range steps {
		if *only == "" || s.group == *only {
			run = append(run, s)
		}
	}
	if len(run) == 0 {
		fatal(fmt.Errorf("no benchmark group %q (groups: %s)", *only, strings.Join(groups(), ", ")))
	}

	rep := &report{start: time.Now().UTC(), quick: *quick, results: map[string]result{}}
	rep.machine = describeMachine(root)
	failed := 0
	for _, s := range run {
		res, err := s.run(root, *quick)
		if err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", s.name, err)
			rep.failures = append(rep.failures, fmt.Sprintf("%s: %v", s.name, err))
		}
		for k, v := range res {
			rep.results[k] = v
		}
		rep.logs = append(rep.logs, stepLog{step: s, lines: res.lines()})
	}
	rep.end = time.Now().UTC()
	rep.loadAfter = loadAverage()

	if !*quick && *only == "" {
		doc := rep.markdown()
		if err := os.WriteFile(filepath.Join(root, *out), []byte(doc), 0o644); err != nil {
			fatal(err)
		}
		fmt.Printf("bench: wrote %s (%s)\n", *out, rep.end.Sub(rep.start).Round(time.Second))
	}
	fmt.Print(rep.summary())
	if failed > 0 {
		fatal(fmt.Errorf("%d of %d steps failed", failed, len(run)))
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "scripts", "bench")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run from inside the Vigil repository")
		}
		dir = parent
	}
}

// result is one benchmark's line: its metrics by unit.
type result struct {
	name    string
	line    string
	metrics map[string]float64
}

type results map[string]result

func (r results) lines() []string {
	var out []string
	for _, v := range r {
		out = append(out, v.line)
	}
	slices.Sort(out)
	return out
}

// benchLine matches `BenchmarkName-2  <iterations>  <value> <unit> ...`.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// parse reads go test -bench output: every benchmark line, keyed by name
// without the GOMAXPROCS suffix.
func parse(r io.Reader, echo io.Writer) (results, error) {
	res := results{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(echo, line)
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		fields := strings.Fields(m[3])
		metrics := map[string]float64{}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			metrics[fields[i+1]] = v
		}
		res[m[1]] = result{name: m[1], line: strings.Join(strings.Fields(line), " "), metrics: metrics}
	}
	return res, sc.Err()
}

// step is one `go test -bench` invocation.
type step struct {
	group, name string
	dir         string // module directory relative to the root ("" = root)
	pkg, bench  string
	benchtime   string // full runs; quick runs use 1x
	env         []string
	fullEnv     []string // only in full runs
	timeout     time.Duration
	expect      []string // benchmark names that must report
	quickExpect []string // the same for --quick, when not expect with -short sizes
}

func (s step) run(root string, quick bool) (results, error) {
	benchtime := s.benchtime
	args := []string{"test", "-run", "^$", "-bench", s.bench, "-count", "1", "-timeout", s.timeout.String()}
	if quick {
		benchtime = "1x"
		args = append(args, "-short")
	}
	args = append(args, "-benchtime", benchtime, "-benchmem", s.pkg)
	fmt.Printf("bench: == %s: go %s\n", s.name, strings.Join(args, " "))
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd(), args...)
	cmd.Dir = filepath.Join(root, s.dir)
	cmd.Env = append(os.Environ(), s.env...)
	if !quick {
		cmd.Env = append(cmd.Env, s.fullEnv...)
	}
	var stderr bytes.Buffer
	cmd.Stderr = io.MultiWriter(os.Stderr, &stderr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	res, perr := parse(stdout, os.Stdout)
	werr := cmd.Wait()
	fmt.Printf("bench: == %s: %s\n", s.name, time.Since(t0).Round(100*time.Millisecond))
	if werr != nil {
		return res, fmt.Errorf("go test: %w", werr)
	}
	if perr != nil {
		return res, perr
	}
	want := s.expect
	if quick {
		want = nil
		for _, w := range s.expect {
			want = append(want, quickName(w, true))
		}
		if s.quickExpect != nil {
			want = s.quickExpect
		}
	}
	for _, w := range want {
		if _, ok := res[w]; !ok {
			return res, fmt.Errorf("benchmark %s reported nothing", w)
		}
	}
	return res, nil
}

// quickName maps a full-size benchmark name to its -short one.
func quickName(name string, quick bool) string {
	if quick {
		return strings.ReplaceAll(name, "stored=1000000", "stored=10000")
	}
	return name
}

func goCmd() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

func groups() []string {
	var gs []string
	seen := map[string]bool{}
	for _, s := range steps {
		if !seen[s.group] {
			seen[s.group] = true
			gs = append(gs, s.group)
		}
	}
	return gs
}

type machine struct {
	cpu, cores, memory, kernel, goVersion, commit, loadBefore string
}

func describeMachine(root string) machine {
	m := machine{cores: strconv.Itoa(runtime.NumCPU()), loadBefore: loadAverage()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				if kb, err := strconv.ParseFloat(strings.Fields(l)[1], 64); err == nil {
					m.memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
				}
			}
		}
	}
	m.kernel = command(root, "uname", "-sr")
	m.goVersion = command(root, goCmd(), "version")
	m.commit = command(root, "git", "describe", "--always", "--dirty")
	return m
}

func command(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
