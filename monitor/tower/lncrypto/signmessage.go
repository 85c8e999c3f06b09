package lncrypto

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
	"github.com/ethereum/go-ethereum/crypto"
)

// signedMessagePrefix is prepended to every message before hashing, so that
// a message signature can never be a signature over a transaction.
const signedMessagePrefix = "Lightning Signed Message:"

// CompactSignatureSize is the length of a compact recoverable signature:
// one header byte, then r and s as 32-byte big-endian numbers.
const CompactSignatureSize = 65

// SignatureTextSize is the length of a signature's z-base-32 text.
const SignatureTextSize = (CompactSignatureSize*8 + 4) / 5 // 104

// Compact signature headers: 27 + recovery id, plus 4 for a compressed key.
const (
	headerCompressed   = 27 + 4
	headerCompressedHi = headerCompressed + 3
)

// ErrBadSignature is returned for a signature that is not a canonical
// compact signature (see [DecodeSignature]) or from which no key can be
// recovered.
var ErrBadSignature = errors.New("bad message signature")

// MessageDigest is SHA256(SHA256("Lightning Signed Message:" || msg)), the
// digest lnd's signmessage/verifymessage sign and recover.
func MessageDigest(msg []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(signedMessagePrefix))
	h.Write(msg)
	var first [32]byte
	h.Sum(first[:0])
	return sha256.Sum256(first[:])
}

// SignMessage signs msg in the lnd signmessage format: a compact recoverable
// signature (header 31+recid, i.e. a compressed key) over [MessageDigest],
// deterministic (RFC 6979) and low-s, encoded as 104 z-base-32 characters.
func SignMessage(key *btcec.PrivateKey, msg []byte) (string, error) {
	if key == nil {
		return "", errors.New("lncrypto: nil private key")
	}
	d := MessageDigest(msg)
	sig := ecdsa.SignCompact(key, d[:], true)
	if len(sig) != CompactSignatureSize {
		return "", fmt.Errorf("lncrypto: compact signature of %d bytes", len(sig))
	}
	return ZBase32Encode(sig), nil
}

// DecodeSignature checks that sig is a canonical Lightning message
// signature and returns its 65 bytes. It rejects, wrapping [ErrBadSignature]:
//
//   - text that is not canonical z-base-32 or not exactly 65 bytes;
//   - headers other than 31..34. The headers 27..30 (the same signature,
//     flagged for an uncompressed key) are rejected: lnd, Core Lightning and
//     btcec always sign for the compressed key, appointment keys are
//     compressed, and accepting both would give every signature two texts;
//   - r or s outside [1, N-1];
//   - high s (s > N/2). Every signer above produces low s. (r, N-s) with the
//     other recovery id is a second valid signature of the same message by
//     the same key that anyone can compute; rejecting it makes the signature
//     text non-malleable, so it can serve as an identifier (receipts are
//     built from it).
func DecodeSignature(sig string) ([CompactSignatureSize]byte, error) {
	var out [CompactSignatureSize]byte
	if len(sig) != SignatureTextSize {
		return out, fmt.Errorf("%w: %d characters, want %d", ErrBadSignature, len(sig), SignatureTextSize)
	}
	raw, err := ZBase32Decode(sig)
	if err != nil {
		return out, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	copy(out[:], raw) // exactly 65 bytes: 104 characters carry 520 bits
	if h := out[0]; h < headerCompressed || h > headerCompressedHi {
		return out, fmt.Errorf("%w: header byte %d, want %d..%d (compressed key)", ErrBadSignature, h, headerCompressed, headerCompressedHi)
	}
	var r, s btcec.ModNScalar
	if overflow := r.SetByteSlice(out[1:33]); overflow || r.IsZero() {
		return out, fmt.Errorf("%w: r is not in [1, N-1]", ErrBadSignature)
	}
	if overflow := s.SetByteSlice(out[33:65]); overflow || s.IsZero() {
		return out, fmt.Errorf("%w: s is not in [1, N-1]", ErrBadSignature)
	}
	if s.IsOverHalfOrder() {
		return out, fmt.Errorf("%w: high s (s > N/2)", ErrBadSignature)
	}
	return out, nil
}

// RecoverMessage returns the key that signed msg with sig (see
// [DecodeSignature] for what it rejects). Any well-formed signature recovers
// to some key; callers compare it with the key they expect.
//
// Recovery runs in libsecp256k1 through go-ethereum's crypto.Ecrecover (cgo;
// about 3x faster than pure-Go btcec, which go-ethereum falls back to without
// cgo). The signature is the same; only the layout differs: Lightning puts
// the header 31+recid first, go-ethereum wants r || s || recid.
func RecoverMessage(msg []byte, sig string) (*btcec.PublicKey, error) {
	raw, err := DecodeSignature(sig)
	if err != nil {
		return nil, err
	}
	var eth [65]byte
	copy(eth[:64], raw[1:])
	eth[64] = raw[0] - headerCompressed
	d := MessageDigest(msg)
	pub, err := crypto.Ecrecover(d[:], eth[:])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	if len(pub) != 65 || pub[0] != 4 {
		return nil, fmt.Errorf("%w: recovered key of %d bytes", ErrBadSignature, len(pub))
	}
	// The point comes from libsecp256k1 and is on the curve; skip the
	// re-check btcec.ParsePubKey would do.
	var x, y btcec.FieldVal
	x.SetByteSlice(pub[1:33])
	y.SetByteSlice(pub[33:65])
	return btcec.NewPublicKey(&x, &y), nil
}
