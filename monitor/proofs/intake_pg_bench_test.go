package proofs_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/big"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/internal/testkit/benchdb"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/pgstore"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestMain stops the PostgreSQL cluster the PostgreSQL benchmarks start.
func TestMain(m *testing.M) { pgtest.Main(m) }

// BenchmarkIntakePostgres: BenchmarkIntakeParallel's path (Intake.SubmitJSON
// of distinct, really signed balance proofs, each on its own channel known
// to the store, from benchdb's clients) on a PostgreSQL store (pgstore,
// the shared test cluster on loopback, PostgreSQL's default durability)
// holding 100,000 requests (10,000 with -short), with one replica and
// with two. A replica is what a vigild brings to intake: its own Store
// (connection pool and group committer) and its own Intake; with two, the
// clients are split between them, both on the one database. The store
// keeps no channel cache (another replica may change channels): each
// message reads its channel from the database. The bound is
// BenchmarkRecover2's rate, measured right before and after the timed run.
// The server runs on the same machine, so its CPU is not in cpu-us/op but
// takes cores from the recoveries.
func BenchmarkIntakePostgres(b *testing.B) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	url := pgtest.Shared(b).NewDatabase(b)
	ctx := context.Background()
	quiet := benchQuiet
	first, err := pgstore.Open(ctx, pgstore.Config{URL: url, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = first.Close() })
	if err := fillPostgres(ctx, first, n); err != nil {
		b.Fatal(err)
	}
	for _, replicas := range []int{1, 2} {
		b.Run(fmt.Sprintf("stored=%d/replicas=%d", n, replicas), func(b *testing.B) {
			stores := []*pgstore.Store{first}
			for len(stores) < replicas {
				s, err := pgstore.Open(ctx, pgstore.Config{URL: url, Logger: quiet})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { _ = s.Close() })
				stores = append(stores, s)
			}
			chain := &benchChain{}
			intakes := make([]*proofs.Intake, len(stores))
			for i, s := range stores {
				stats, err := monitor.NewStats(ctx, s, "bench", time.Now())
				if err != nil {
					b.Fatal(err)
				}
				intakes[i], err = proofs.NewIntake(proofs.IntakeConfig{Store: s, Chain: chain, Logger: quiet,
					Stats: proofs.NewStats(stats, proofs.Totals{}), Policy: proofs.Policy{MinReward: big.NewInt(1e15), ProfitFactor: 1.5}})
				if err != nil {
					b.Fatal(err)
				}
			}
			bound := recover2Bound()
			signed := signProofs(b, b.N)
			chs := make([]proofs.Channel, len(signed))
			for i := range signed {
				chs[i] = signed[i].ch
			}
			if err := first.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 1}, Channels: chs}); err != nil {
				b.Fatal(err)
			}
			src := monitor.Source{Kind: "rest"}
			benchdb.SetParallelism(b)
			var next, clients atomic.Int64
			var tx0, w0 int64
			for _, s := range stores {
				tx, w := s.GroupCommits()
				tx0, w0 = tx0+tx, w0+w
			}
			runtime.GC()
			b.ResetTimer()
			cpu0 := benchdb.CPUTime()
			b.RunParallel(func(pb *testing.PB) {
				in := intakes[int(clients.Add(1))%len(intakes)]
				for pb.Next() {
					p := &signed[next.Add(1)-1]
					acc, err := in.SubmitJSON(ctx, p.json, src)
					if err != nil {
						b.Error(err)
						return
					}
					if acc.Duplicate || acc.Replaced {
						b.Errorf("unexpected acceptance %+v", acc)
						return
					}
				}
			})
			b.StopTimer()
			benchdb.ReportCPU(b, cpu0)
			var tx, w int64
			for _, s := range stores {
				t, ws := s.GroupCommits()
				tx, w = tx+t, w+ws
			}
			if tx > tx0 {
				b.ReportMetric(float64(w-w0)/float64(tx-tx0), "msgs/commit")
			}
			benchdb.ReportRate(b, "recover2", (bound+recover2Bound())/2)
			if r := chain.channelReads.Load() + chain.depositReads.Load(); r > 0 {
				b.Errorf("%d reads from the node: a channel was missing from the store", r)
			}
			last := signed[len(signed)-1].bp
			if _, err := first.Request(ctx, last.Channel, last.NonClosing); err != nil {
				b.Errorf("last request not stored: %v", err)
			}
		})
	}
}

// fillPostgres stores n requests, each on its own channel, so that intake
// runs against tables and indexes of that size.
func fillPostgres(ctx context.Context, s *pgstore.Store, n int) error {
	sig := make([]byte, 65)
	batch := make([]proofs.Request, 0, 1000)
	for i := 0; i < n; i += cap(batch) {
		batch = batch[:0]
		for j := i; j < min(i+cap(batch), n); j++ {
			k := binary.BigEndian.AppendUint64([]byte("pg fill"), uint64(j))
			batch = append(batch, proofs.Request{BalanceProof: proofs.BalanceProof{ChainID: benchChainID,
				Channel: common.BytesToAddress(crypto.Keccak256(k, []byte("c"))), Nonce: 9, TransferredAmount: big.NewInt(int64(j)),
				Signature: sig, NonClosing: common.BytesToAddress(crypto.Keccak256(k, []byte("n"))), NonClosingSignature: sig,
				Reward: benchReward}, Closing: common.BytesToAddress(crypto.Keccak256(k, []byte("p"))),
				Source: "rest", ReceivedAt: time.Unix(1_700_000_000, 0).UTC()})
		}
		if _, _, err := s.SaveRequests(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}
