package store_test

import (
	"context"
	"encoding/binary"
	"log/slog"
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
	"github.com/vigil-monitor/vigil/monitor/store"
)

// BenchmarkSaveRequestGroup: the store's share of balance-proof intake.
// 64 concurrent callers each SaveRequest a new request (new channel, new
// participants) on a database already holding 1,000,000 requests (10,000
// with -short); calls share group commits, each acknowledged after its
// commit is durable. Reports msgs/s, the process's CPU per request and the
// average group size.
func BenchmarkSaveRequestGroup(b *testing.B) {
	n := 1_000_000
	if testing.Short() {
		n = 10_000
	}
	s, err := store.Open(store.Config{Path: benchdb.Requests(b, n), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	sig := make([]byte, 65)
	reqs := make([]proofs.Request, b.N)
	for i := range reqs {
		k := binary.BigEndian.AppendUint64([]byte("group bench"), uint64(i))
		reqs[i] = proofs.Request{BalanceProof: proofs.BalanceProof{ChainID: benchdb.ChainID,
			Channel: common.BytesToAddress(crypto.Keccak256(k, []byte("c"))), Nonce: 9, TransferredAmount: big.NewInt(int64(i)),
			Signature: sig, NonClosing: common.BytesToAddress(crypto.Keccak256(k, []byte("n"))), NonClosingSignature: sig,
			Reward: benchdb.Reward}, Closing: common.BytesToAddress(crypto.Keccak256(k, []byte("p"))),
			Source: "rest", ReceivedAt: time.Unix(1_700_000_000, 0).UTC()}
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
