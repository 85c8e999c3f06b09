package benchdb

// The measurements the intake benchmarks share (balance proofs in monitor,
// appointments in monitor/tower): the bound measured beside each run, CPU
// time, group-commit batching and the message rate.

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/monitor/store"
)

// Clients is the number of concurrent submitters (SetParallelism x
// GOMAXPROCS, rounded up).
var Clients = envInt("VIGIL_BENCH_CLIENTS", 16)

// Stored is how many messages the store holds before the benchmark:
// 1,000,000, or 10,000 with -short; VIGIL_BENCH_STORED overrides.
func Stored() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("VIGIL_BENCH_STORED"), &n); err == nil && n > 0 {
		return n
	}
	if testing.Short() {
		return 10_000
	}
	return 1_000_000
}

// SetParallelism makes b.RunParallel run Clients goroutines.
func SetParallelism(b *testing.B) {
	b.SetParallelism((Clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
}

// Parallel runs fn(i) for i in [0, n) on all cores.
func Parallel(n int, fn func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// BoundRate measures the bound now, right beside the benchmark it is
// compared with (this machine's CPU share varies by the minute): op runs on
// every core for a fixed time.
func BoundRate(op func(i int)) float64 {
	d := time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	var done atomic.Bool
	var ops atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !done.Load(); i++ {
				op(i)
				ops.Add(1)
			}
		}()
	}
	time.Sleep(d)
	done.Store(true)
	wg.Wait()
	return float64(ops.Load()) / time.Since(start).Seconds()
}

// Pool returns a function that builds n work items once, in parallel, and
// then hands out the same items: the bound and its benchmark share them.
func Pool[T any](n int, build func(i int) (T, error)) func() ([]T, error) {
	return sync.OnceValues(func() ([]T, error) {
		xs := make([]T, n)
		err := Parallel(n, func(i int) (err error) { xs[i], err = build(i); return err })
		return xs, err
	})
}

// PoolBound is BoundRate of op over pool's items.
func PoolBound[T any](pool func() ([]T, error), op func(*T) error) float64 {
	xs, err := pool()
	if err != nil {
		panic(err)
	}
	return BoundRate(func(i int) {
		if err := op(&xs[i%len(xs)]); err != nil {
			panic(err)
		}
	})
}

// RunBound benchmarks op over pool's items on every core, reporting CPU
// time and the rate: a bound as a benchmark of its own.
func RunBound[T any](b *testing.B, pool func() ([]T, error), op func(*T) error) {
	xs, err := pool()
	if err != nil {
		b.Fatal(err)
	}
	SetParallelism(b)
	var next atomic.Int64
	b.ResetTimer()
	cpu0 := CPUTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(&xs[int(next.Add(1))%len(xs)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	ReportCPU(b, cpu0)
	ReportRate(b, "", 0)
}

// CPUTime is the CPU time (user + system) this process has used.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ReportCPU reports the CPU time per op since cpu0 and how much of all
// cores the run kept busy.
func ReportCPU(b *testing.B, cpu0 time.Duration) {
	cpu := CPUTime() - cpu0
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
	b.ReportMetric(100*cpu.Seconds()/b.Elapsed().Seconds()/float64(runtime.GOMAXPROCS(0)), "%cpu")
}

// ReportBatching reports the average number of messages per group
// transaction (one fsync) since the counts tx0, w0.
func ReportBatching(b *testing.B, st *store.Store, tx0, w0 int64) {
	tx, w := st.GroupCommits()
	if tx > tx0 {
		b.ReportMetric(float64(w-w0)/float64(tx-tx0), "msgs/commit")
	}
}

// ReportRate reports the message rate and, with a bound, the bound's rate
// (as boundName-msgs/s) and the rate as a share of it (%bound); it returns
// the rate.
func ReportRate(b *testing.B, boundName string, bound float64) float64 {
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "msgs/s")
	if bound > 0 {
		b.ReportMetric(bound, boundName+"-msgs/s")
		b.ReportMetric(100*rate/bound, "%bound")
	}
	return rate
}

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n > 0 {
		return n
	}
	return def
}
