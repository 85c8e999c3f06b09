package lntest

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/btcsuite/btcd/btcec/v2"
)

// MaxCommitIndex is the per-commitment index of commitment number 0: BOLT 3
// counts indexes down from 2^48-1.
const MaxCommitIndex = 1<<48 - 1

// PerCommitmentSecret is BOLT 3's generate_from_seed: the per-commitment
// secret of index I (commitment number n has I = MaxCommitIndex - n).
func PerCommitmentSecret(seed [32]byte, index uint64) [32]byte {
	p := seed
	for b := 47; b >= 0; b-- {
		if index&(1<<uint(b)) != 0 {
			p[b/8] ^= 1 << uint(b%8)
			p = sha256.Sum256(p[:])
		}
	}
	return p
}

// tweak is SHA256(a || b) as a scalar.
func tweak(a, b *btcec.PublicKey) *btcec.ModNScalar {
	h := sha256.New()
	h.Write(a.SerializeCompressed())
	h.Write(b.SerializeCompressed())
	var s btcec.ModNScalar
	s.SetByteSlice(h.Sum(nil))
	return &s
}

// DerivePrivKey is BOLT 3's key derivation for localpubkey, remotepubkey,
// the htlc keys and the delayed keys:
// basepoint_secret + SHA256(per_commitment_point || basepoint).
func DerivePrivKey(baseSecret *btcec.PrivateKey, perCommitmentPoint *btcec.PublicKey) *btcec.PrivateKey {
	s := *tweak(perCommitmentPoint, baseSecret.PubKey())
	s.Add(&baseSecret.Key)
	return btcec.PrivKeyFromScalar(&s)
}

// DeriveRevocationPrivKey is BOLT 3's revocationprivkey:
// revocation_basepoint_secret * SHA256(revocation_basepoint || per_commitment_point)
// + per_commitment_secret * SHA256(per_commitment_point || revocation_basepoint).
func DeriveRevocationPrivKey(revocationBaseSecret, perCommitmentSecret *btcec.PrivateKey) *btcec.PrivateKey {
	base, point := revocationBaseSecret.PubKey(), perCommitmentSecret.PubKey()
	a := *tweak(base, point)
	a.Mul(&revocationBaseSecret.Key)
	b := *tweak(point, base)
	b.Mul(&perCommitmentSecret.Key)
	a.Add(&b)
	return btcec.PrivKeyFromScalar(&a)
}

// ObscuringFactor is the lower 48 bits of
// SHA256(payment_basepoint of the funder || payment_basepoint of the other).
func ObscuringFactor(funderPaymentBase, otherPaymentBase *btcec.PublicKey) uint64 {
	h := sha256.New()
	h.Write(funderPaymentBase.SerializeCompressed())
	h.Write(otherPaymentBase.SerializeCompressed())
	sum := h.Sum(nil)
	return binary.BigEndian.Uint64(sum[24:]) & (1<<48 - 1)
}

// CommitLockTimeSequence returns the commitment transaction's nLockTime and
// its input's nSequence for commitment number n: 0x20 and 0x80 in the top
// byte, the obscured number split over the lower 24 bits of each.
func CommitLockTimeSequence(n, obscuringFactor uint64) (lockTime, sequence uint32) {
	obscured := (n ^ obscuringFactor) & (1<<48 - 1)
	lockTime = 0x20<<24 | uint32(obscured&0xFFFFFF)
	sequence = 0x80<<24 | uint32(obscured>>24&0xFFFFFF)
	return lockTime, sequence
}
