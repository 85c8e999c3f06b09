package lncrypto

import (
	"crypto/sha256"

	"github.com/btcsuite/btcd/chainhash/v2"
)

// LocatorSize is the length of a locator in bytes.
const LocatorSize = 16

// Locator returns the appointment locator of a breach transaction: the first
// 16 bytes of its txid in internal (wire) byte order, i.e. txid[:16] of the
// chainhash.Hash as stored, which is the byte order of the double-SHA256
// output. It is NOT a prefix of the usual display hex, which is reversed.
//
// Example: the txid displayed as
//
//	4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b
//
// is stored as the bytes
//
//	3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a
//
// so its locator is 3ba3edfd7a7b12b27ac72c3e67768f61.
func Locator(txid chainhash.Hash) [LocatorSize]byte {
	var l [LocatorSize]byte
	copy(l[:], txid[:LocatorSize])
	return l
}

// Key returns the blob key of a breach transaction: SHA256 of the 32 txid
// bytes in internal byte order (the same order as [Locator]).
func Key(txid chainhash.Hash) [32]byte {
	return sha256.Sum256(txid[:])
}
