package pgstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/benchdb"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// followerNode is a Bitcoin node that is never asked anything: a random
// block matches no appointment.
type followerNode struct{}

func (followerNode) Broadcast(context.Context, *wire.MsgTx) error { return nil }
func (followerNode) FeeRate(context.Context) (int64, error)       { return 1000, nil }
func (followerNode) TxStatus(context.Context, chainhash.Hash) (tower.TxStatus, error) {
	return tower.TxStatus{}, nil
}

// randomBlock is a block of n transactions of two witness inputs and two
// outputs each.
func randomBlock(n int) *wire.MsgBlock {
	b := &wire.MsgBlock{}
	for range n {
		tx := wire.NewMsgTx(2)
		for j := range 2 {
			var h chainhash.Hash
			_, _ = rand.Read(h[:])
			in := wire.NewTxIn(wire.NewOutPoint(&h, uint32(j)), nil, nil)
			sig, pub := make([]byte, 72), make([]byte, 33)
			_, _ = rand.Read(sig)
			_, _ = rand.Read(pub)
			in.Witness = wire.TxWitness{sig, pub}
			tx.AddTxIn(in)
			script := make([]byte, 22)
			_, _ = rand.Read(script)
			tx.AddTxOut(wire.NewTxOut(int64(1000+j), script))
		}
		b.Transactions = append(b.Transactions, tx)
	}
	return b
}

// fillAppointments stores n appointments with distinct pseudo-random
// locators in the server (a fixture: intake's checks are not the point).
func fillAppointments(b *testing.B, s *Store, n int) {
	b.Helper()
	cipher := lncrypto.CipherChaCha20Poly1305.String()
	// The count trigger would update its one row a million times in one
	// transaction; the count is set once instead.
	if _, err := s.pool.Exec(ctx, `ALTER TABLE appointments DISABLE TRIGGER appointments_count`); err != nil {
		b.Fatal(err)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO appointments (user_pubkey, locator, network, encrypted_blob, cipher,
		to_self_delay, start_block, end_block, reward_sat, user_signature, source, source_ref, accepted_tip)
		SELECT '\x02'::bytea || sha256(('fill user ' || i)::bytea), substring(sha256(('fill locator ' || i)::bytea) FROM 1 FOR 16),
			'regtest', decode(repeat('ab', 300), 'hex'), $2, 144, 100, 1000000, 5000, 'sig', 'bench', '', 100
		FROM generate_series(1, $1) AS i`, n, cipher)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE appointments ENABLE TRIGGER appointments_count`,
		`UPDATE tower_counts SET appointments = (SELECT COUNT(*) FROM appointments) WHERE id = 1`, `ANALYZE appointments`} {
		if _, err := s.pool.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFollowerBlock: block matching on a follower replica. The store
// holds benchdb.Stored() appointments (1,000,000; 10,000 with -short),
// loaded into the follower's locator index once. Before each block another
// replica (a second store on the same database) accepts 100 appointments,
// untimed; an op is what the follower then does for the block: the
// incremental refresh of its index (which reads those 100) and
// Tower.ProcessBlock on a 4,000-transaction block (txids, index lookups,
// the per-block store checks). refresh-ms is the refresh alone.
func BenchmarkFollowerBlock(b *testing.B) {
	const perBlock = 100
	n := benchdb.Stored()
	url := pgtest.Shared(b).NewDatabase(b)
	s, other := openURL(b, url), openURL(b, url)
	fillAppointments(b, s, n)
	stats, err := monitor.NewStats(ctx, s, "bench", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	tw, err := tower.New(tower.Config{Store: s, Feed: s, Node: followerNode{}, Stats: stats, Logger: quiet,
		Network: "regtest", Payout: []byte{0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}})
	if err != nil {
		b.Fatal(err)
	}
	if err := tw.Load(ctx); err != nil {
		b.Fatal(err)
	}
	block := randomBlock(4000)
	var refresh time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		for j := range perBlock {
			a := feedAppt(fmt.Sprintf("block %d appointment %d", i, j), feedLoc(fmt.Sprintf("%d/%d", i, j)), 1_000_000)
			if _, err := other.SaveAppointment(ctx, a, 0); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		t0 := time.Now()
		if err := tw.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		refresh += time.Since(t0)
		if err := tw.ProcessBlock(ctx, uint32(1000+i), block); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(refresh.Microseconds())/1000/float64(b.N), "refresh-ms")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/block")
}
