package pgstore

import (
	"encoding/binary"
	"math/big"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/internal/testkit/benchdb"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// The PostgreSQL store's intake benchmarks, the same shape as the SQLite
// store's (monitor/store: BenchmarkSaveRequest, BenchmarkSaveRequestGroup),
// on the shared test cluster (PostgreSQL's default durability: every
// acknowledged commit is flushed).

// BenchmarkSaveRequest: one new request per transaction, each committed
// before the next: the latency a lone client waits for its acknowledgement.
func BenchmarkSaveRequest(b *testing.B) {
	s := open(b)
	for i := 0; b.Loop(); i++ {
		if _, err := s.SaveRequest(ctx, testRequest(i, 1)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveRequestGroup: the store's share of balance-proof intake.
// 64 concurrent callers each SaveRequest a new request (new channel, new
// participants) on a database already holding 100,000 requests (10,000
// with -short); calls share group commits, each acknowledged after its
// commit. Reports msgs/s, this process's CPU per request (the server's is
// not included) and the average group size.
func BenchmarkSaveRequestGroup(b *testing.B) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	s := open(b)
	sig := make([]byte, 65)
	mk := func(kind string, i int) proofs.Request {
		k := binary.BigEndian.AppendUint64([]byte(kind), uint64(i))
		return proofs.Request{BalanceProof: proofs.BalanceProof{ChainID: benchdb.ChainID,
			Channel: common.BytesToAddress(crypto.Keccak256(k, []byte("c"))), Nonce: 9, TransferredAmount: big.NewInt(int64(i)),
			Signature: sig, NonClosing: common.BytesToAddress(crypto.Keccak256(k, []byte("n"))), NonClosingSignature: sig,
			Reward: benchdb.Reward}, Closing: common.BytesToAddress(crypto.Keccak256(k, []byte("p"))),
			Source: "rest", ReceivedAt: time.Unix(1_700_000_000, 0).UTC()}
	}
	fill := make([]proofs.Request, 0, 1000)
	for i := 0; i < n; i += cap(fill) {
		fill = fill[:0]
		for j := i; j < min(i+cap(fill), n); j++ {
			fill = append(fill, mk("fill", j))
		}
		if _, _, err := s.SaveRequests(ctx, fill); err != nil {
			b.Fatal(err)
		}
	}
	reqs := make([]proofs.Request, b.N)
	for i := range reqs {
		reqs[i] = mk("group bench", i)
	}
	tx0, w0 := s.GroupCommits()
	b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var next atomic.Int64
	var ru0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.SaveRequest(ctx, reqs[next.Add(1)-1]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if tx, w := s.GroupCommits(); tx > tx0 {
		b.ReportMetric(float64(w-w0)/float64(tx-tx0), "msgs/commit")
	}
}
