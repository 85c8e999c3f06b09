package lncrypto

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/btcsuite/btcd/chainhash/v2"
)

type cipherVector struct {
	Comment      string            `json:"comment"`
	TxidDisplay  string            `json:"txid_display"`
	TxidInternal string            `json:"txid_internal"`
	Locator      string            `json:"locator"`
	Key          string            `json:"key"`
	Plaintext    string            `json:"plaintext"`
	Blobs        map[string]string `json:"blobs"`
}

// cipherVectorInputs are the fixed inputs of testdata/cipher.json.
func cipherVectorInputs() (display string, plaintext []byte) {
	// The genesis coinbase txid, as block explorers display it.
	display = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"
	plaintext = make([]byte, 150)
	for i := range plaintext {
		plaintext[i] = byte(i*7 + 3)
	}
	return display, plaintext
}

func TestCipherVectors(t *testing.T) {
	if *update {
		display, pt := cipherVectorInputs()
		internal := reverseHex(t, display)
		key := sha256Sum(internal)
		v := cipherVector{
			Comment:      "locator = txid_internal[:16]; key = SHA256(txid_internal); blob = AEAD(key, 12 zero bytes, plaintext, no AD) = ciphertext || tag",
			TxidDisplay:  display,
			TxidInternal: hex.EncodeToString(internal),
			Locator:      hex.EncodeToString(internal[:16]),
			Key:          hex.EncodeToString(key[:]),
			Plaintext:    hex.EncodeToString(pt),
			Blobs:        map[string]string{},
		}
		for _, name := range []string{"chacha20-poly1305", "aes-256-gcm"} {
			v.Blobs[name] = hex.EncodeToString(directSeal(t, name, internal, pt))
		}
		writeVectors(t, "cipher.json", v)
	}
	var v cipherVector
	readVectors(t, "cipher.json", &v)

	// The file agrees with the independent computation.
	internal := reverseHex(t, v.TxidDisplay)
	if hex.EncodeToString(internal) != v.TxidInternal {
		t.Fatalf("txid_internal %s is not the reversed display hex", v.TxidInternal)
	}
	pt := mustHex(t, v.Plaintext)
	for name, blob := range v.Blobs {
		if got := hex.EncodeToString(directSeal(t, name, internal, pt)); got != blob {
			t.Fatalf("%s: testdata blob differs from a direct computation", name)
		}
	}
	if len(v.Blobs) != 2 {
		t.Fatalf("want vectors for both ciphers, have %d", len(v.Blobs))
	}

	// The package agrees with the file.
	txid, err := chainhash.NewHashFromStr(v.TxidDisplay)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(txid[:], internal) {
		t.Fatal("chainhash.NewHashFromStr does not store the reversed display hex")
	}
	loc := Locator(*txid)
	if hex.EncodeToString(loc[:]) != v.Locator {
		t.Errorf("Locator = %x, want %s", loc, v.Locator)
	}
	key := Key(*txid)
	if hex.EncodeToString(key[:]) != v.Key {
		t.Errorf("Key = %x, want %s", key, v.Key)
	}
	for name, want := range v.Blobs {
		c, err := ParseCipher(name)
		if err != nil {
			t.Fatal(err)
		}
		blob, err := Encrypt(c, pt, *txid)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(blob) != want {
			t.Errorf("%s: Encrypt = %x, want %s", name, blob, want)
		}
		got, err := Decrypt(c, mustHex(t, want), *txid)
		if err != nil || !bytes.Equal(got, pt) {
			t.Errorf("%s: Decrypt = %x, %v", name, got, err)
		}
	}
}

func TestCipherNames(t *testing.T) {
	for _, c := range []Cipher{CipherChaCha20Poly1305, CipherAES256GCM} {
		p, err := ParseCipher(c.String())
		if err != nil || p != c {
			t.Errorf("ParseCipher(%q) = %v, %v", c.String(), p, err)
		}
		q, err := CipherFromID(c.ID())
		if err != nil || q != c {
			t.Errorf("CipherFromID(%d) = %v, %v", c.ID(), q, err)
		}
	}
	if CipherChaCha20Poly1305.ID() != 1 || CipherAES256GCM.ID() != 2 {
		t.Fatal("cipher ids changed: they are signed by users")
	}
	for _, name := range []string{"", "ChaCha20-Poly1305", "chacha20poly1305", "aes-128-gcm", "xchacha20-poly1305", " aes-256-gcm"} {
		if _, err := ParseCipher(name); !errors.Is(err, ErrUnknownCipher) {
			t.Errorf("ParseCipher(%q): %v", name, err)
		}
	}
	for _, id := range []byte{0, 3, 255} {
		if _, err := CipherFromID(id); !errors.Is(err, ErrUnknownCipher) {
			t.Errorf("CipherFromID(%d): %v", id, err)
		}
	}
	if s := Cipher(9).String(); s != "cipher(9)" {
		t.Errorf("String of unknown = %q", s)
	}
	var txid chainhash.Hash
	if _, err := Encrypt(Cipher(0), []byte("x"), txid); !errors.Is(err, ErrUnknownCipher) {
		t.Errorf("Encrypt with the zero cipher: %v", err)
	}
	if _, err := Decrypt(Cipher(3), make([]byte, 32), txid); !errors.Is(err, ErrUnknownCipher) {
		t.Errorf("Decrypt with cipher 3: %v", err)
	}
}

func TestDecryptRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []Cipher{CipherChaCha20Poly1305, CipherAES256GCM} {
		var txid, other chainhash.Hash
		fill(rng, txid[:])
		fill(rng, other[:])
		pt := make([]byte, 200)
		fill(rng, pt)
		blob, err := Encrypt(c, pt, txid)
		if err != nil {
			t.Fatal(err)
		}
		if len(blob) != len(pt)+TagSize {
			t.Fatalf("%v: blob %d bytes for %d", c, len(blob), len(pt))
		}
		bad := map[string][]byte{
			"empty":     nil,
			"tag only":  blob[len(blob)-TagSize:],
			"short":     blob[:TagSize-1],
			"truncated": blob[:len(blob)-1],
			"flipped":   flip(blob, 5),
			"bad tag":   flip(blob, len(blob)-1),
		}
		for name, b := range bad {
			if _, err := Decrypt(c, b, txid); !errors.Is(err, ErrDecrypt) {
				t.Errorf("%v %s: %v", c, name, err)
			}
		}
		if _, err := Decrypt(c, blob, other); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%v: another txid's key decrypted: %v", c, err)
		}
		wrong := CipherAES256GCM
		if c == CipherAES256GCM {
			wrong = CipherChaCha20Poly1305
		}
		if _, err := Decrypt(wrong, blob, txid); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%v: the other cipher decrypted: %v", c, err)
		}
		// An empty plaintext is a bare tag and round-trips.
		e, _ := Encrypt(c, nil, txid)
		if got, err := Decrypt(c, e, txid); err != nil || len(got) != 0 || len(e) != TagSize {
			t.Errorf("%v empty: %x %v", c, got, err)
		}
	}
}

func TestLocatorIsInternalOrder(t *testing.T) {
	var txid chainhash.Hash
	for i := range txid {
		txid[i] = byte(i)
	}
	loc := Locator(txid)
	for i := range loc {
		if loc[i] != byte(i) {
			t.Fatalf("locator %x is not txid[:16]", loc)
		}
	}
	// The display string starts with the LAST internal byte.
	if s := txid.String(); s[:2] != "1f" {
		t.Fatalf("display %s", s)
	}
}

func fill(rng *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x01
	return c
}
