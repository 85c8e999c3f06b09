package tower

import (
	"testing"

	"github.com/btcsuite/btcd/wire/v2"
)

// TestTxIDsMatchTxHash: TxIDs gives MsgTx.TxHash for witness and
// non-witness transactions, in order, for blocks below and above the size
// that is split across workers.
func TestTxIDsMatchTxHash(t *testing.T) {
	for _, n := range []int{0, 1, 255, 1000, 4001} {
		b := benchBlock(n)
		for i, tx := range b.Transactions {
			if i%3 == 0 { // a legacy transaction without witnesses
				for _, in := range tx.TxIn {
					in.Witness = nil
					in.SignatureScript = []byte{0x51}
				}
			}
		}
		if n == 1000 { // long scripts: CompactSize beyond one byte
			b.Transactions[0].TxIn[0].SignatureScript = make([]byte, 300)
			b.Transactions[1].TxOut[0].PkScript = make([]byte, 70_000)
		}
		var msg wire.MsgBlock
		msg.Transactions = b.Transactions
		ids := TxIDs(msg.Transactions)
		if len(ids) != n {
			t.Fatalf("%d transactions: %d ids", n, len(ids))
		}
		for i, tx := range msg.Transactions {
			if ids[i] != tx.TxHash() {
				t.Fatalf("%d transactions: id %d is %s, want %s", n, i, ids[i], tx.TxHash())
			}
		}
	}
}
