package monitor

import (
	"bytes"
	"runtime"
	"sync"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"
)

// TxIDs returns the txid of every transaction, in order: the double
// SHA-256 of its serialization without witness data. Hashing is most of the
// per-block cost of matching (the index lookups are a twentieth of it), so
// a big block is split across all cores, and each worker serializes into
// one reused buffer instead of allocating one per transaction as
// MsgTx.TxHash does.
func TxIDs(txs []*wire.MsgTx) []chainhash.Hash {
	ids := make([]chainhash.Hash, len(txs))
	const minPerWorker = 256
	workers := max(1, min(runtime.GOMAXPROCS(0), len(txs)/minPerWorker))
	chunk := (len(txs) + workers - 1) / workers
	hash := func(lo, hi int) {
		var buf bytes.Buffer
		for i := lo; i < hi; i++ {
			buf.Reset()
			if err := txs[i].SerializeNoWitness(&buf); err != nil {
				ids[i] = txs[i].TxHash() // cannot happen with a bytes.Buffer
				continue
			}
			ids[i] = chainhash.DoubleHashH(buf.Bytes())
		}
	}
	if workers == 1 {
		hash(0, len(txs))
		return ids
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { hash(w*chunk, min(len(txs), (w+1)*chunk)) })
	}
	hash(0, min(len(txs), chunk))
	wg.Wait()
	return ids
}
