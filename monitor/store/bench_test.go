package store

import (
	"context"
	"database/sql"
	"math/big"
	"os"
	"strconv"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// BenchmarkSaveRequest: one new request per transaction, each fsynced
// (synchronous=FULL): the latency a client waits for its acknowledgement.
func BenchmarkSaveRequest(b *testing.B) {
	s := openAt(b, tempPath(b))
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := s.SaveRequest(ctx, testRequest(i, 1)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveRequestsBatch: new requests committed 100 per transaction;
// one op is one request.
func BenchmarkSaveRequestsBatch(b *testing.B) {
	const batch = 100
	s := openAt(b, tempPath(b))
	ctx := context.Background()
	reqs := make([]proofs.Request, 0, batch)
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		reqs = reqs[:0]
		for j := i; j < min(i+batch, b.N); j++ {
			reqs = append(reqs, testRequest(j, 1))
		}
		if _, _, err := s.SaveRequests(ctx, reqs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLargeStore measures the read paths on a store with
// VIGIL_BENCH_REQUESTS requests (default 1,000,000): two per channel, one
// channel in 200 closed with its window open and a newer request.
func BenchmarkLargeStore(b *testing.B) {
	if testing.Short() {
		b.Skip("large fixture")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("VIGIL_BENCH_REQUESTS")); err == nil && v > 0 {
		n = v
	}
	s := openAt(b, tempPath(b))
	ctx := context.Background()
	fillLarge(b, s, n)
	const head = 5000

	b.Run("ActionableChannels", func(b *testing.B) {
		var found int
		for b.Loop() {
			chs, err := s.ActionableChannels(ctx, head)
			if err != nil {
				b.Fatal(err)
			}
			found = len(chs)
		}
		b.ReportMetric(float64(found), "channels")
	})
	b.Run("ActionableChannelsFew", func(b *testing.B) {
		var found int
		for b.Loop() {
			chs, err := s.ActionableChannels(ctx, 10_299) // only windows of channels closed at 9800
			if err != nil {
				b.Fatal(err)
			}
			found = len(chs)
		}
		b.ReportMetric(float64(found), "channels")
	})
	b.Run("RequestsByParticipant", func(b *testing.B) {
		p := largeAddr(3, 7)
		for b.Loop() {
			if _, _, err := s.Requests(ctx, proofs.RequestQuery{Participant: &p}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RequestsPage100", func(b *testing.B) {
		after := sqlcol.EncodePageCursor(largeAddr(1, n/4), common.Address{})
		for b.Loop() {
			if _, _, err := s.Requests(ctx, proofs.RequestQuery{After: after}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SaveRequest", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := s.SaveRequest(ctx, testRequest(i, 1)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func largeAddr(kind byte, i int) common.Address {
	var a common.Address
	a[0] = kind
	big.NewInt(int64(i)).FillBytes(a[12:])
	return a
}

// fillLarge writes the fixture straight into the tables in large
// transactions. 1000 participants each appear in many channels.
func fillLarge(b *testing.B, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	channels := n / 2
	const chunk = 25_000
	for start := 0; start < channels; start += chunk {
		err := s.write(ctx, "fill", func(tx *sql.Tx) error {
			reqStmt, err := tx.PrepareContext(ctx, `INSERT INTO requests (`+requestCols+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer reqStmt.Close()
			var chs []proofs.Channel
			for i := start; i < min(start+chunk, channels); i++ {
				ch := largeAddr(1, i)
				p1 := largeAddr(3, i%1000)
				p2 := largeAddr(3, (i%1000+1+(i/1000)%999)%1000)
				for _, r := range []proofs.Request{
					largeRequest(ch, p1, p2, i), largeRequest(ch, p2, p1, i),
				} {
					if _, err := reqStmt.ExecContext(ctx, requestArgs(&r)...); err != nil {
						return err
					}
				}
				c := proofs.Channel{Address: ch, Participant1: p1, Participant2: p2, SettleTimeout: 500, OpenedBlock: 1}
				if i%200 == 0 {
					c.State, c.Closing, c.ClosedBlock, c.OnChainNonce = proofs.ChannelClosed, p1, uint64(i%10_000), 3
				}
				chs = append(chs, c)
			}
			return upsertChannels(ctx, tx, chs)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
}

func largeRequest(ch, nonClosing, closing common.Address, i int) proofs.Request {
	return proofs.Request{
		BalanceProof: proofs.BalanceProof{
			ChainID: big.NewInt(1337), Channel: ch, Nonce: 5, TransferredAmount: big.NewInt(int64(i)),
			Signature: make([]byte, 65), NonClosing: nonClosing, NonClosingSignature: make([]byte, 65),
			Reward: big.NewInt(25e15),
		},
		Closing: closing, Source: "rest",
	}
}
