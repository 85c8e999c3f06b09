package tower

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"
)

// TxIDs returns the txid of every transaction, in order: the double
// SHA-256 of its serialization without witness data. Hashing is nearly all
// of the per-block cost of matching (the index lookups are a twentieth of
// it), so the serialization is appended to one reused buffer rather than
// written through MsgTx.TxHash's io.Writer into a fresh one (that took a
// third of the time; BenchmarkMatchBlock). It runs on one core: on the
// 2-vCPU machines measured, splitting a block over two goroutines was
// slower (SHA-256 runs on the CPU's SHA extensions, which the two vCPUs
// did not double).
func TxIDs(txs []*wire.MsgTx) []chainhash.Hash {
	ids := make([]chainhash.Hash, len(txs))
	var buf []byte
	for i, tx := range txs {
		buf = appendStripped(buf[:0], tx)
		first := sha256.Sum256(buf)
		ids[i] = sha256.Sum256(first[:])
	}
	return ids
}

// appendStripped appends tx's serialization without witness data (BIP
// 144's txid form) to b.
func appendStripped(b []byte, tx *wire.MsgTx) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(tx.Version))
	b = appendVarInt(b, uint64(len(tx.TxIn)))
	for _, in := range tx.TxIn {
		b = append(b, in.PreviousOutPoint.Hash[:]...)
		b = binary.LittleEndian.AppendUint32(b, in.PreviousOutPoint.Index)
		b = appendVarInt(b, uint64(len(in.SignatureScript)))
		b = append(b, in.SignatureScript...)
		b = binary.LittleEndian.AppendUint32(b, in.Sequence)
	}
	b = appendVarInt(b, uint64(len(tx.TxOut)))
	for _, out := range tx.TxOut {
		b = binary.LittleEndian.AppendUint64(b, uint64(out.Value))
		b = appendVarInt(b, uint64(len(out.PkScript)))
		b = append(b, out.PkScript...)
	}
	return binary.LittleEndian.AppendUint32(b, tx.LockTime)
}

// appendVarInt appends Bitcoin's CompactSize encoding of n.
func appendVarInt(b []byte, n uint64) []byte {
	switch {
	case n < 0xfd:
		return append(b, byte(n))
	case n <= 0xffff:
		return binary.LittleEndian.AppendUint16(append(b, 0xfd), uint16(n))
	case n <= 0xffffffff:
		return binary.LittleEndian.AppendUint32(append(b, 0xfe), uint32(n))
	default:
		return binary.LittleEndian.AppendUint64(append(b, 0xff), n)
	}
}
