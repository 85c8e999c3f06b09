package lncrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/chainhash/v2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Cipher identifies the AEAD that encrypts an appointment blob. Its ID is the
// byte the user signs (docs/protocol.md §8.4); the zero value is not a cipher.
type Cipher byte

// The blob ciphers. The IDs are part of the signed message: never renumber.
const (
	// CipherChaCha20Poly1305 is ChaCha20-Poly1305 as in RFC 8439, the cipher
	// of The Eye of Satoshi.
	CipherChaCha20Poly1305 Cipher = 1
	// CipherAES256GCM is AES-256 in GCM mode with the same key and nonce.
	CipherAES256GCM Cipher = 2
)

// TagSize is the length of the authentication tag at the end of a blob.
const TagSize = 16

// NonceSize is the length of the (all-zero) nonce of both ciphers.
const NonceSize = 12

var (
	// ErrUnknownCipher is returned for a cipher name or ID that is not one of
	// the ciphers above.
	ErrUnknownCipher = errors.New("unknown cipher")
	// ErrDecrypt is returned when a blob fails authentication (wrong key,
	// corrupted or truncated blob, or the wrong cipher).
	ErrDecrypt = errors.New("blob does not decrypt")
)

// ParseCipher maps a wire name ("chacha20-poly1305", "aes-256-gcm") to a
// Cipher. Names are case-sensitive.
func ParseCipher(name string) (Cipher, error) {
	switch name {
	case "chacha20-poly1305":
		return CipherChaCha20Poly1305, nil
	case "aes-256-gcm":
		return CipherAES256GCM, nil
	}
	return 0, fmt.Errorf("%w %q", ErrUnknownCipher, name)
}

// CipherFromID maps a signed cipher ID back to a Cipher.
func CipherFromID(id byte) (Cipher, error) {
	c := Cipher(id)
	if !c.Valid() {
		return 0, fmt.Errorf("%w id %d", ErrUnknownCipher, id)
	}
	return c, nil
}

// Valid reports whether c is a known cipher.
func (c Cipher) Valid() bool {
	return c == CipherChaCha20Poly1305 || c == CipherAES256GCM
}

// ID is the cipher's byte in the signed message.
func (c Cipher) ID() byte { return byte(c) }

// String is the cipher's wire name; an unknown cipher prints as cipher(N).
func (c Cipher) String() string {
	switch c {
	case CipherChaCha20Poly1305:
		return "chacha20-poly1305"
	case CipherAES256GCM:
		return "aes-256-gcm"
	}
	return fmt.Sprintf("cipher(%d)", byte(c))
}

func (c Cipher) aead(txid chainhash.Hash) (cipher.AEAD, error) {
	key := Key(txid)
	switch c {
	case CipherChaCha20Poly1305:
		return chacha20poly1305.New(key[:])
	case CipherAES256GCM:
		block, err := aes.NewCipher(key[:])
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(block)
	}
	return nil, fmt.Errorf("%w id %d", ErrUnknownCipher, byte(c))
}

// Encrypt seals plaintext (the justice transaction) under [Key](txid) with a
// 12-byte zero nonce and no associated data. The result is
// ciphertext || 16-byte tag, len(plaintext)+16 bytes.
func Encrypt(c Cipher, plaintext []byte, txid chainhash.Hash) ([]byte, error) {
	aead, err := c.aead(txid)
	if err != nil {
		return nil, err
	}
	var nonce [NonceSize]byte
	return aead.Seal(make([]byte, 0, len(plaintext)+TagSize), nonce[:], plaintext, nil), nil
}

// Decrypt opens a blob made by [Encrypt]. A blob shorter than the tag or one
// that fails authentication returns an error wrapping [ErrDecrypt].
func Decrypt(c Cipher, blob []byte, txid chainhash.Hash) ([]byte, error) {
	aead, err := c.aead(txid)
	if err != nil {
		return nil, err
	}
	if len(blob) < TagSize {
		return nil, fmt.Errorf("%w: %d bytes is shorter than the %d-byte tag", ErrDecrypt, len(blob), TagSize)
	}
	var nonce [NonceSize]byte
	out, err := aead.Open(make([]byte, 0, len(blob)-TagSize), nonce[:], blob, nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	return out, nil
}
