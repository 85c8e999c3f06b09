package tower

import (
	"crypto/rand"
	"fmt"
	"testing"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// benchBlock is a block of n transactions shaped like mainnet ones (two
// inputs with witnesses, two outputs, about 370 bytes).
func benchBlock(n int) *wire.MsgBlock {
	b := &wire.MsgBlock{}
	for i := 0; i < n; i++ {
		tx := wire.NewMsgTx(2)
		for j := 0; j < 2; j++ {
			var h chainhash.Hash
			_, _ = rand.Read(h[:])
			in := wire.NewTxIn(wire.NewOutPoint(&h, uint32(j)), nil, nil)
			sig := make([]byte, 72)
			pub := make([]byte, 33)
			_, _ = rand.Read(sig)
			_, _ = rand.Read(pub)
			in.Witness = wire.TxWitness{sig, pub}
			tx.AddTxIn(in)
		}
		for j := 0; j < 2; j++ {
			script := make([]byte, 22)
			_, _ = rand.Read(script)
			tx.AddTxOut(wire.NewTxOut(int64(1000+j), script))
		}
		b.Transactions = append(b.Transactions, tx)
	}
	return b
}

// matchBlock is the per-block work of Tower.ProcessBlock before any store
// access: every transaction's txid, its locator, and an index lookup.
func matchBlock(x *LocatorIndex, b *wire.MsgBlock) int {
	ids := TxIDs(b.Transactions)
	locs := make([][16]byte, len(ids))
	for i, id := range ids {
		locs[i] = lncrypto.Locator(id)
	}
	return len(x.Hits(locs))
}

func indexOf(n int) *LocatorIndex {
	prefixes := make([]uint64, n)
	buf := make([]byte, 8*n)
	_, _ = rand.Read(buf)
	for i := range prefixes {
		var l [16]byte
		copy(l[:8], buf[8*i:])
		prefixes[i] = Prefix(l)
	}
	x := NewLocatorIndex()
	x.Build(prefixes)
	return x
}

// BenchmarkMatchBlock: a 4,000-transaction block against 1,000,000 stored
// appointments (and 10,000,000 unless -short). Reports the index's bytes
// per appointment; ns/op is the whole block.
func BenchmarkMatchBlock(b *testing.B) {
	sizes := []int{1_000_000}
	if !testing.Short() {
		sizes = append(sizes, 10_000_000)
	}
	block := benchBlock(4000)
	for _, n := range sizes {
		x := indexOf(n)
		b.Run(fmt.Sprintf("appointments=%d", n), func(b *testing.B) {
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if matchBlock(x, block) != 0 {
					b.Fatal("random block matched")
				}
			}
			b.ReportMetric(float64(x.Bytes())/float64(n), "index-bytes/appointment")
		})
	}
}

// BenchmarkMatchBlockLookupOnly separates the index lookups from txid
// hashing (precomputed locators).
func BenchmarkMatchBlockLookupOnly(b *testing.B) {
	x := indexOf(1_000_000)
	block := benchBlock(4000)
	locs := make([][16]byte, len(block.Transactions))
	for i, tx := range block.Transactions {
		locs[i] = lncrypto.Locator(tx.TxHash())
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Hits(locs)
	}
}

// BenchmarkIndexBuild: the in-memory part of rebuilding the index at
// start, for 1,000,000 and (unless -short) 10,000,000 appointments: the
// prefixes arrive one by one in locator order, as the store streams them
// (BenchmarkIndexRebuild measures the whole, store included), and Build
// sorts, deduplicates and makes the bucket table.
func BenchmarkIndexBuild(b *testing.B) {
	sizes := []int{1_000_000}
	if !testing.Short() {
		sizes = append(sizes, 10_000_000)
	}
	for _, n := range sizes {
		src := indexOf(n).sorted
		b.Run(fmt.Sprintf("appointments=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var p []uint64
				for _, v := range src {
					p = append(p, v)
				}
				x := NewLocatorIndex()
				x.Build(p)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n)*10_000_000/1e9, "s-per-10M")
		})
	}
}
