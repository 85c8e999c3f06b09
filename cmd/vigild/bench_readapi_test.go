package main

// BenchmarkReadAPI is the "Read API" benchmark of issue 6: GET /api/1/stats
// and one page of GET /api/1/balance_proofs, served by the real vigild
// binary over loopback while its database holds 1,000,000 stored requests
// (10,000 under -short).
//
// The server is a separate vigild process, built from this package, whose
// data dir holds a fresh copy of the benchdb database (vigil.db) and which
// is connected to an ethtest chain (chain id 1337, as in benchdb) with the
// registry deployed. Before any load the benchmark checks that
// /api/1/stats reports every stored proof and that both kinds of page it
// requests come back full.
//
// The load generator is this test process: net/http clients with
// keep-alive connections to 127.0.0.1, in two modes per endpoint.
//
//   - Open loop (offered-rps, achieved-rps, p50-ms, p99-ms, max-ms,
//     errors): requests are scheduled at a fixed rate (stats 5,000/s;
//     balance_proofs pages 200/s, below the most the shared 2-core
//     development machine served, 230 to 750/s depending on its other
//     load, so that the figures describe a server that keeps up) for a
//     fixed time (10 s; 1 s under -short). A scheduler hands request
//     i, due at start + i/rate, to a pool of 64 workers, one connection
//     each; a slow server therefore does not lower the offered load:
//     requests wait in the queue. Latency is taken from the scheduled send
//     time to the last byte of the response body, so it includes any wait
//     for a free connection in this process (no coordinated omission), the
//     client's own scheduling, the loopback round trip, vigild's handler
//     and the body transfer. The connections are opened before the run.
//     achieved-rps is the answered requests over the time from the first
//     due time to the last answer.
//   - Closed loop (max-rps, max-p99-ms): 16 connections each send the next
//     request as soon as the previous answer is read, for 3 s (0.5 s under
//     -short); latency is from send to last byte.
//
// Pages are ?limit=100 pages starting at channels drawn uniformly from the
// stored ones (4,096 cursors), so the reads spread over the whole table.
//
// Any transport error or non-2xx answer is counted in errors and fails the
// benchmark. All load is bounded in count and time. The machine's cores
// are shared by vigild, the load generator and the ethtest chain (and
// whatever else runs), so the latencies are indicative of that setup, not
// of vigild alone. More figures of the open-loop run help to read them:
//
//   - sched-lag-p99-ms: how late this process's scheduler handed requests
//     to the workers (a process starved of CPU sends late; this lateness
//     is part of p99-ms);
//   - sent-p99-ms: from a worker's actual send to the last byte, without
//     the wait in this process (so with coordinated omission: not a
//     replacement for p99-ms);
//   - vigild-p99-bound-ms: the upper bound of the bucket of vigild's own
//     latency histogram (/metrics: router entry to handler return, without
//     the wait to be read or scheduled) that holds its 99th percentile;
//   - on Linux, vigild-cpu-us/req: vigild's CPU time (user+system) per
//     answered request, and cpu-pressure-pct: the share of time some task
//     on the machine waited for a CPU (PSI "some").
//
//	go test ./cmd/vigild/ -run '^$' -bench ReadAPI -benchtime 1x          # 1,000,000 stored
//	go test ./cmd/vigild/ -run '^$' -bench ReadAPI -benchtime 1x -short   # CI: 10,000 stored

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"

	"github.com/vigil-monitor/vigil/internal/testkit/benchdb"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
)

// readAPILoad is the load of one sub-benchmark.
type readAPILoad struct {
	route     string        // vigild's route label, for its latency histogram
	rate      float64       // open loop: offered requests per second
	duration  time.Duration // open loop
	openConns int           // open loop: worker connections
	maxTime   time.Duration // closed loop
	maxConns  int           // closed loop
}

// BenchmarkReadAPI: see the comment at the top of this file.
func BenchmarkReadAPI(b *testing.B) {
	n, open, closed := 1_000_000, 10*time.Second, 3*time.Second
	if testing.Short() {
		n, open, closed = 10_000, time.Second, 500*time.Millisecond
	}
	srv := startReadAPIServer(b, n)

	b.Run("stats", func(b *testing.B) {
		url := srv.url + "/api/1/stats"
		srv.load(b, func(int) string { return url },
			readAPILoad{route: "/api/1/stats", rate: 5000, duration: open, openConns: 64, maxTime: closed, maxConns: 16})
	})

	b.Run("balance_proofs_page", func(b *testing.B) {
		// Pages of 100 starting at channels drawn uniformly from all stored
		// ones, so that the reads spread over the whole table.
		rng := rand.New(rand.NewPCG(6, 1))
		urls := make([]string, 4096)
		for i := range urls {
			urls[i] = srv.url + "/api/1/balance_proofs?limit=100&after=" + pageCursorAt(rng.IntN(n))
		}
		srv.load(b, func(i int) string { return urls[i%len(urls)] },
			readAPILoad{route: "/api/1/balance_proofs", rate: 200, duration: open, openConns: 64, maxTime: closed, maxConns: 16})
	})
}

// pageCursorAt is a page cursor that starts at the channel of the i-th
// stored request: the store's cursor is the hex of the last key (channel,
// non-closing participant), and no participant sorts before the zero
// address.
func pageCursorAt(i int) string {
	ch := benchdb.RequestChannel(i)
	return hex.EncodeToString(append(ch.Bytes(), make([]byte, common.AddressLength)...))
}

// load runs the open-loop and the closed-loop load against url(i) for
// request i and reports the figures. b.N is not used: each run is bounded
// by the load's durations.
func (s *readAPIServer) load(b *testing.B, url func(i int) string, l readAPILoad) {
	var cpu0, psi0 time.Duration
	var hist0 []bucket
	ol := openLoop(url, l.rate, l.duration, l.openConns, func() {
		cpu0, psi0, hist0 = s.cpuTime(), cpuPressure(), s.latencyHistogram(b, l.route)
	})
	cpu1, psi1, hist1 := s.cpuTime(), cpuPressure(), s.latencyHistogram(b, l.route)
	server := histogramQuantile(hist0, hist1, 0.99)
	cl := closedLoop(url, l.maxTime, l.maxConns)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(l.rate, "offered-rps")
	b.ReportMetric(ol.rps(), "achieved-rps")
	b.ReportMetric(ms(ol.percentile(0.50)), "p50-ms")
	b.ReportMetric(ms(ol.percentile(0.99)), "p99-ms")
	b.ReportMetric(ms(ol.percentile(1)), "max-ms")
	b.ReportMetric(float64(ol.errors), "errors")
	b.ReportMetric(cl.rps(), "max-rps")
	b.ReportMetric(ms(cl.percentile(0.99)), "max-p99-ms")
	if cpu0 >= 0 && cpu1 >= 0 && len(ol.lat) > 0 {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(len(ol.lat)), "vigild-cpu-us/req")
	}
	if psi0 >= 0 && psi1 >= 0 && ol.elapsed > 0 {
		b.ReportMetric(100*float64(psi1-psi0)/float64(ol.elapsed), "cpu-pressure-pct")
	}
	if !math.IsNaN(server) {
		b.ReportMetric(server*1000, "vigild-p99-bound-ms")
	}
	b.ReportMetric(ms(quantile(ol.schedLag, 0.99)), "sched-lag-p99-ms")
	b.ReportMetric(ms(quantile(ol.sentLat, 0.99)), "sent-p99-ms")
	b.Logf("open loop: %d of %d requests answered in %v at %.0f/s offered: p50 %.3f ms, p99 %.3f ms, max %.3f ms, %d errors",
		len(ol.lat), ol.sent, ol.elapsed.Round(time.Millisecond), l.rate, ms(ol.percentile(0.50)), ms(ol.percentile(0.99)),
		ms(ol.percentile(1)), ol.errors)
	b.Logf("closed loop, %d connections: %d requests in %v: %.0f/s, p50 %.3f ms, p99 %.3f ms, max %.3f ms, %d errors",
		l.maxConns, len(cl.lat), cl.elapsed.Round(time.Millisecond), cl.rps(), ms(cl.percentile(0.50)), ms(cl.percentile(0.99)),
		ms(cl.percentile(1)), cl.errors)
	if ol.errors > 0 || cl.errors > 0 {
		b.Fatalf("%d open-loop and %d closed-loop requests failed; first: %s", ol.errors, cl.errors, firstNonEmpty(ol.firstErr, cl.firstErr))
	}
}

// bucket is one cumulative bucket of vigild's request latency histogram.
type bucket struct {
	le  float64 // upper bound in seconds; +Inf for the last
	cum float64
}

// latencyHistogram reads vigild's own latency histogram of route (GET)
// from /metrics: the time from the router's entry to the handler's return,
// without the time a request waits to be read or its answer to be sent.
func (s *readAPIServer) latencyHistogram(b *testing.B, route string) []bucket {
	resp, err := http.Get(s.url + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	// Labels are in name order, le last.
	prefix := `vigil_http_request_duration_seconds_bucket{method="GET",route="` + route + `",le="`
	var out []bucket
	for line := range strings.Lines(string(body)) {
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		le, v, ok := strings.Cut(strings.TrimSpace(rest), `"} `)
		if !ok {
			b.Fatalf("unexpected histogram line %q", line)
		}
		bound, err1 := strconv.ParseFloat(le, 64) // accepts "+Inf"
		n, err2 := strconv.ParseFloat(v, 64)
		if err1 != nil || err2 != nil {
			b.Fatalf("unexpected histogram line %q", line)
		}
		out = append(out, bucket{bound, n})
	}
	return out
}

// histogramQuantile is the upper bound of the bucket that holds the
// q-quantile of the requests counted between two readings of a histogram,
// or NaN when there were none.
func histogramQuantile(before, after []bucket, q float64) float64 {
	if len(after) == 0 {
		return math.NaN()
	}
	at := func(h []bucket, i int) float64 {
		if i < len(h) {
			return h[i].cum
		}
		return 0
	}
	total := after[len(after)-1].cum - at(before, len(after)-1)
	if total <= 0 {
		return math.NaN()
	}
	for i, bk := range after {
		if bk.cum-at(before, i) >= q*total {
			return bk.le
		}
	}
	return math.Inf(1)
}

// cpuTime is the user+system CPU time vigild has used, from
// /proc/<pid>/stat (in USER_HZ ticks, 100 per second on Linux), or -1 where
// that is not available.
func (s *readAPIServer) cpuTime() time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid))
	if err != nil {
		return -1
	}
	// The fields after the command name, which is in parentheses: state is
	// field 3, utime 14, stime 15.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(utime+stime) * (time.Second / 100)
}

// cpuPressure is the total time some runnable task on the machine waited
// for a CPU (Linux PSI, /proc/pressure/cpu), or -1 where that is not
// available. Over a run, its increase divided by the run's length is the
// share of time the load competed for the cores.
func cpuPressure() time.Duration {
	data, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(data), "\n")
	_, total, ok := strings.Cut(line, "total=")
	if !strings.HasPrefix(line, "some ") || !ok {
		return -1
	}
	us, err := strconv.ParseInt(strings.TrimSpace(total), 10, 64)
	if err != nil {
		return -1
	}
	return time.Duration(us) * time.Microsecond
}

// loadResult holds the latencies of the answered requests.
type loadResult struct {
	sent int
	lat  []time.Duration // successful requests, sorted
	// Open loop only: how late the scheduler handed each request out, and
	// each answered request's time from the worker's send to its answer,
	// both sorted.
	schedLag []time.Duration
	sentLat  []time.Duration
	errors   int64
	firstErr string
	elapsed  time.Duration // first send (or due time) to last answer
}

func (r *loadResult) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(len(r.lat)) / r.elapsed.Seconds()
}

// percentile is the nearest-rank q-quantile of the latencies.
func (r *loadResult) percentile(q float64) time.Duration { return quantile(r.lat, q) }

// quantile is the nearest-rank q-quantile of sorted.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loadClient keeps up to conns connections to the server open.
func loadClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxConnsPerHost:     conns,
			MaxIdleConnsPerHost: conns,
			MaxIdleConns:        conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// get sends one GET and reads the whole answer; a non-2xx status or an
// empty body is an error.
func get(ctx context.Context, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		return err
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("status %d", resp.StatusCode)
	case n == 0:
		return fmt.Errorf("empty body")
	}
	return nil
}

// warm opens the client's connections with one request on each.
func warm(c *http.Client, url string, conns int) error {
	var g sync.WaitGroup
	errs := make([]error, conns)
	for i := range conns {
		g.Go(func() { errs[i] = get(context.Background(), c, url) })
	}
	g.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// openLoop offers rate requests per second for d: request i is due at
// start + i/rate, whether or not earlier requests were answered, and its
// latency runs from that due time. The whole run is cut off 15 s after
// the last due time; what is unanswered then counts as failed. ready is
// called once the connections are open, just before the first request.
func openLoop(url func(int) string, rate float64, d time.Duration, conns int, ready func()) *loadResult {
	c := loadClient(conns)
	defer c.CloseIdleConnections()
	res := &loadResult{sent: int(rate * d.Seconds())}
	if err := warm(c, url(0), conns); err != nil {
		res.errors, res.firstErr = 1, "warm-up: "+err.Error()
		return res
	}
	ready()
	interval := time.Duration(float64(time.Second) / rate)
	ctx, cancel := context.WithTimeout(context.Background(), d+15*time.Second)
	defer cancel()

	lat := make([]time.Duration, res.sent)
	sentLat := make([]time.Duration, res.sent)
	res.schedLag = make([]time.Duration, res.sent)
	ok := make([]bool, res.sent)
	var errs atomic.Int64
	var firstErr sync.Once
	due := make(chan int, res.sent) // never blocks the scheduler
	start := time.Now().Add(5 * time.Millisecond)
	var g sync.WaitGroup
	for range conns {
		g.Go(func() {
			for i := range due {
				at := start.Add(time.Duration(i) * interval)
				sent := time.Now()
				if err := get(ctx, c, url(i)); err != nil {
					errs.Add(1)
					firstErr.Do(func() { res.firstErr = fmt.Sprintf("request %d: %v", i, err) })
					continue
				}
				done := time.Now()
				lat[i], sentLat[i], ok[i] = done.Sub(at), done.Sub(sent), true
			}
		})
	}
	for i := range res.sent {
		at := start.Add(time.Duration(i) * interval)
		if w := time.Until(at); w > 0 {
			time.Sleep(w)
		}
		res.schedLag[i] = time.Since(at)
		due <- i
	}
	close(due)
	g.Wait()
	res.elapsed = time.Since(start)
	res.errors = errs.Load()
	for i, l := range lat {
		if ok[i] {
			res.lat = append(res.lat, l)
			res.sentLat = append(res.sentLat, sentLat[i])
		}
	}
	slices.Sort(res.lat)
	slices.Sort(res.sentLat)
	slices.Sort(res.schedLag)
	return res
}

// closedLoop has conns workers send back-to-back requests for d.
func closedLoop(url func(int) string, d time.Duration, conns int) *loadResult {
	c := loadClient(conns)
	defer c.CloseIdleConnections()
	res := &loadResult{}
	if err := warm(c, url(0), conns); err != nil {
		res.errors, res.firstErr = 1, "warm-up: "+err.Error()
		return res
	}
	ctx, cancel := context.WithTimeout(context.Background(), d+15*time.Second)
	defer cancel()
	var next atomic.Int64
	var errs atomic.Int64
	var firstErr sync.Once
	lats := make([][]time.Duration, conns)
	start := time.Now()
	stop := start.Add(d)
	var g sync.WaitGroup
	for w := range conns {
		g.Go(func() {
			for time.Now().Before(stop) {
				i := int(next.Add(1) - 1)
				t := time.Now()
				if err := get(ctx, c, url(i)); err != nil {
					errs.Add(1)
					firstErr.Do(func() { res.firstErr = fmt.Sprintf("request %d: %v", i, err) })
					continue
				}
				lats[w] = append(lats[w], time.Since(t))
			}
		})
	}
	g.Wait()
	res.elapsed = time.Since(start)
	res.sent = int(next.Load())
	res.errors = errs.Load()
	for _, l := range lats {
		res.lat = append(res.lat, l...)
	}
	slices.Sort(res.lat)
	return res
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// readAPIServer is the vigild process under load.
type readAPIServer struct {
	url string
	pid int
}

// syncCursor moves the Ethereum cursor of the database at path to the
// chain's head, whose hash it stores.
func syncCursor(b *testing.B, path string, chain *ethtest.Chain) {
	b.Helper()
	ctx := context.Background()
	head, err := chain.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(store.Config{Path: path})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: head.Number.Uint64(), Hash: head.Hash()}}); err != nil {
		b.Fatal(err)
	}
}

// startReadAPIServer builds vigild, starts it on a copy of the benchdb
// database with n requests, waits until it is healthy, checks that it
// serves the stored data, and stops it with SIGTERM when b ends.
func startReadAPIServer(b *testing.B, n int) *readAPIServer {
	b.Helper()
	t0 := time.Now()
	bin := filepath.Join(b.TempDir(), "vigild")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	tBuild := time.Since(t0)

	// benchdb's copy is <dir>/vigil.db, the file vigild opens in its
	// data dir by default.
	t0 = time.Now()
	db := benchdb.Requests(b, n)
	dataDir := filepath.Dir(db)
	if filepath.Base(db) != "vigil.db" {
		b.Fatalf("benchdb copy is %s, want <data dir>/vigil.db", db)
	}
	tCopy := time.Since(t0)

	chain := ethtest.New(b, 1)
	if chain.ChainID.Cmp(benchdb.ChainID) != 0 {
		b.Fatalf("ethtest chain id %v differs from the stored proofs' %v", chain.ChainID, benchdb.ChainID)
	}
	// vigild's account must be a registered monitor; the blocks that takes
	// become the stored cursor, so that vigild starts in sync with the chain.
	chain.RegisterMonitor(b, chain.Keys[0], common.Address{})
	syncCursor(b, db, chain)
	keyDir := b.TempDir()
	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: ethtest.Address(chain.Keys[0]), PrivateKey: chain.Keys[0]},
		"pw", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		b.Fatal(err)
	}
	for name, data := range map[string][]byte{"key.json": ks, "pw": []byte("pw\n")} {
		if err := os.WriteFile(filepath.Join(keyDir, name), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}

	t0 = time.Now()
	v := startVigild(b, bin, []string{"--data-dir", dataDir, "--api.listen", "127.0.0.1:0",
		"--ethereum.rpc-url", chain.URL, "--ethereum.registry-address", chain.Registry.Hex(),
		"--ethereum.chain-id", benchdb.ChainID.String(),
		"--ethereum.keystore-file", filepath.Join(keyDir, "key.json"), "--ethereum.password-file", filepath.Join(keyDir, "pw"),
		"--log.level", "info"}, 60*time.Second)
	s := &readAPIServer{url: v.url, pid: v.PID()}
	ethtest.Eventually(b, 60*time.Second, "healthz 200", func() bool {
		return get(context.Background(), http.DefaultClient, s.url+"/healthz") == nil
	})
	tStart := time.Since(t0)
	s.verify(b, n)
	b.Logf("vigild on %s with %d stored requests; build %v, database copy %v, start to healthy %v",
		s.url, n, tBuild.Round(time.Millisecond), tCopy.Round(time.Millisecond), tStart.Round(time.Millisecond))
	return s
}

// verify checks that vigild serves the stored data: the stored count, a
// full first page, and a full page at a cursor in the middle of the table.
func (s *readAPIServer) verify(b *testing.B, n int) {
	b.Helper()
	var snap monitor.StatsSnapshot
	s.getJSON(b, "/api/1/stats", &snap)
	if snap.BalanceProofs.Stored != int64(n) {
		b.Fatalf("/api/1/stats reports %d stored balance proofs, want %d", snap.BalanceProofs.Stored, n)
	}
	type page struct {
		Proofs []struct {
			Channel string `json:"channel_address"`
		} `json:"balance_proofs"`
		Next string `json:"next"`
	}
	var first page
	s.getJSON(b, "/api/1/balance_proofs?limit=100", &first)
	if len(first.Proofs) != 100 || first.Next == "" {
		b.Fatalf("first page: %d proofs, next %q; want 100 and a cursor", len(first.Proofs), first.Next)
	}
	// Request n/2 has a channel of its own in the middle of the key space
	// unless it happens to sort among the last 50 channels.
	i := n / 2
	want := benchdb.RequestChannel(i)
	var mid page
	s.getJSON(b, "/api/1/balance_proofs?limit=100&after="+pageCursorAt(i), &mid)
	if len(mid.Proofs) != 100 || common.HexToAddress(mid.Proofs[0].Channel) != want {
		got := ""
		if len(mid.Proofs) > 0 {
			got = mid.Proofs[0].Channel
		}
		b.Fatalf("page at request %d: %d proofs starting at channel %s; want 100 starting at %s", i, len(mid.Proofs), got, want.Hex())
	}
}

func (s *readAPIServer) getJSON(b *testing.B, path string, v any) {
	b.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		b.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		b.Fatalf("GET %s: %v", path, err)
	}
}
