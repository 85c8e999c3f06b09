// Package lncrypto holds the cryptography of Lightning appointments
// (docs/protocol.md §8.3), byte-compatible with The Eye of Satoshi:
//
//   - the locator and the blob key, both derived from the breach (commitment)
//     transaction id in internal byte order ([Locator], [Key]);
//   - the blob cipher: ChaCha20-Poly1305 (RFC 8439) or AES-256-GCM with a
//     12-byte all-zero nonce and no associated data ([Encrypt], [Decrypt]);
//   - z-base-32 ([ZBase32Encode], [ZBase32Decode]);
//   - Lightning message signatures in the lnd signmessage format
//     ([SignMessage], [RecoverMessage]).
//
// The zero nonce is safe because every key is used for exactly one
// plaintext: the key is SHA256 of a txid, and a client encrypts one justice
// transaction per breach transaction (a newer appointment for the same
// locator replaces the older one; reusing a key with a different plaintext
// is the client's mistake and only exposes the client's own data).
//
// The package is a leaf: it imports no other Vigil package, and its errors
// are plain sentinel errors that callers map to their own rejection reasons.
package lncrypto
