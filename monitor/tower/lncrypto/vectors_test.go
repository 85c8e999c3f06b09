package lncrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// -update rewrites testdata/*.json. The expected values are computed here
// from the primitives directly (x/crypto, crypto/aes, libsecp256k1 through
// go-ethereum, a bit-string z-base-32 encoder), never by this package's own
// functions, so the files check the package against independent code.
var update = flag.Bool("update", false, "rewrite testdata/*.json from independent computations")

func readVectors(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func writeVectors(t testing.TB, name string, v any) {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", name), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote testdata/%s", name)
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// reverseHex turns display hex into internal byte order by hand (not
// through chainhash), the way a block explorer user would.
func reverseHex(t testing.TB, display string) []byte {
	b := mustHex(t, display)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return b
}

// directSeal encrypts with the primitives directly: key SHA256(txid bytes),
// zero nonce, no associated data.
func directSeal(t testing.TB, name string, txidInternal, plaintext []byte) []byte {
	t.Helper()
	key := sha256.Sum256(txidInternal)
	var aead cipher.AEAD
	var err error
	switch name {
	case "chacha20-poly1305":
		aead, err = chacha20poly1305.New(key[:])
	case "aes-256-gcm":
		var block cipher.Block
		if block, err = aes.NewCipher(key[:]); err == nil {
			aead, err = cipher.NewGCM(block)
		}
	default:
		t.Fatalf("no cipher %q", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return aead.Seal(nil, make([]byte, 12), plaintext, nil)
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
