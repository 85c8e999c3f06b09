package lncrypto

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/ecdsa"
	"github.com/ethereum/go-ethereum/crypto"
)

type signVector struct {
	Comment    string `json:"comment,omitempty"`
	PrivateKey string `json:"private_key"`
	PublicKey  string `json:"public_key"`
	MessageHex string `json:"message_hex"`
	Signature  string `json:"signature"`
}

// independentDigest spells out SHA256(SHA256(prefix || msg)).
func independentDigest(msg []byte) []byte {
	first := sha256.Sum256(append([]byte("Lightning Signed Message:"), msg...))
	second := sha256.Sum256(first[:])
	return second[:]
}

// independentSign signs with libsecp256k1 (through go-ethereum, RFC 6979,
// low s) and lays the result out as a Lightning compact signature by hand.
func independentSign(t testing.TB, keyHex string, msg []byte) string {
	t.Helper()
	k, err := crypto.ToECDSA(mustHex(t, keyHex))
	if err != nil {
		t.Fatal(err)
	}
	rsv, err := crypto.Sign(independentDigest(msg), k)
	if err != nil {
		t.Fatal(err)
	}
	compact := append([]byte{31 + rsv[64]}, rsv[:64]...)
	return referenceZBase32(compact)
}

// recoverBtcec is the pure-Go recovery path (btcec/decred), with the same
// acceptance rules as RecoverMessage; the tests use it as a cross-check and
// the benchmark as the baseline.
func recoverBtcec(msg []byte, sig string) (*btcec.PublicKey, error) {
	raw, err := DecodeSignature(sig)
	if err != nil {
		return nil, err
	}
	d := MessageDigest(msg)
	pub, compressed, err := ecdsa.RecoverCompact(raw[:], d[:])
	if err != nil {
		return nil, errors.Join(ErrBadSignature, err)
	}
	if !compressed {
		return nil, errors.New("header said uncompressed after DecodeSignature accepted it")
	}
	return pub, nil
}

func TestSignMessageVectors(t *testing.T) {
	if *update {
		seed := sha256Sum([]byte("vigil lncrypto signmessage test key"))
		keyHex := hex.EncodeToString(seed[:])
		k, _ := crypto.ToECDSA(mustHex(t, keyHex))
		pubHex := hex.EncodeToString(crypto.CompressPubkey(&k.PublicKey))
		appt := mustHex(t, "3ba3edfd7a7b12b27ac72c3e67768f61"+strings.Repeat("ab", 40)+"00000090"+"000c63e0"+"000c8af0"+"0000000000001388"+"01")
		var vs []signVector
		for _, m := range []struct {
			comment string
			msg     []byte
		}{
			{"empty message", nil},
			{"ASCII message", []byte("vigil")},
			{"an appointment's signed message: locator || blob || u32be(144) || u32be(812000) || u32be(822000) || u64be(5000) || u8(1)", appt},
		} {
			vs = append(vs, signVector{m.comment, keyHex, pubHex, hex.EncodeToString(m.msg), independentSign(t, keyHex, m.msg)})
		}
		writeVectors(t, "signmessage.json", vs)
	}
	var vs []signVector
	readVectors(t, "signmessage.json", &vs)
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range vs {
		msg := mustHex(t, v.MessageHex)
		if got := independentSign(t, v.PrivateKey, msg); got != v.Signature {
			t.Fatalf("%s: libsecp256k1 signs %s, file says %s", v.Comment, got, v.Signature)
		}
		key, _ := btcec.PrivKeyFromBytes(mustHex(t, v.PrivateKey))
		if hex.EncodeToString(key.PubKey().SerializeCompressed()) != v.PublicKey {
			t.Fatalf("%s: public key mismatch", v.Comment)
		}
		d := MessageDigest(msg)
		if !bytes.Equal(d[:], independentDigest(msg)) {
			t.Fatalf("MessageDigest differs")
		}
		sig, err := SignMessage(key, msg)
		if err != nil {
			t.Fatal(err)
		}
		if sig != v.Signature {
			t.Errorf("%s: SignMessage = %s, want %s", v.Comment, sig, v.Signature)
		}
		for name, rec := range map[string]func([]byte, string) (*btcec.PublicKey, error){"geth": RecoverMessage, "btcec": recoverBtcec} {
			pub, err := rec(msg, v.Signature)
			if err != nil {
				t.Fatalf("%s %s: %v", name, v.Comment, err)
			}
			if got := hex.EncodeToString(pub.SerializeCompressed()); got != v.PublicKey {
				t.Errorf("%s %s: recovered %s, want %s", name, v.Comment, got, v.PublicKey)
			}
		}
	}
}

// TestRecoverPathsAgree signs random messages with random keys and checks
// that the libsecp256k1 path and the pure-btcec path recover the signer; then
// feeds both random well-formed signatures nobody made and checks they agree
// on the key (or both fail).
func TestRecoverPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 300
	if testing.Short() {
		n = 50
	}
	for i := 0; i < n; i++ {
		var seed [32]byte
		fill(rng, seed[:])
		key, _ := btcec.PrivKeyFromBytes(seed[:])
		msg := make([]byte, rng.IntN(300))
		fill(rng, msg)
		sig, err := SignMessage(key, msg)
		if err != nil {
			t.Fatal(err)
		}
		a, errA := RecoverMessage(msg, sig)
		b, errB := recoverBtcec(msg, sig)
		if errA != nil || errB != nil {
			t.Fatalf("recover: %v / %v", errA, errB)
		}
		want := key.PubKey().SerializeCompressed()
		if !bytes.Equal(a.SerializeCompressed(), want) || !bytes.Equal(b.SerializeCompressed(), want) {
			t.Fatalf("recovered %x / %x, want %x", a.SerializeCompressed(), b.SerializeCompressed(), want)
		}
		if !a.IsEqual(b) {
			t.Fatal("keys differ")
		}
		// Another message recovers some other key, never the signer.
		if c, err := RecoverMessage(append(msg, 0), sig); err == nil && bytes.Equal(c.SerializeCompressed(), want) {
			t.Fatal("a different message recovered the signer")
		}
	}
	halfN := new(big.Int).Rsh(btcec.S256().N, 1)
	ok, failed := 0, 0
	for i := 0; i < 4*n; i++ {
		var raw [65]byte
		fill(rng, raw[:])
		raw[0] = 31 + byte(rng.IntN(4))
		s := new(big.Int).SetBytes(raw[33:])
		if s.Cmp(halfN) > 0 { // keep it low-s so DecodeSignature lets it through
			s.Sub(btcec.S256().N, s)
			s.FillBytes(raw[33:])
		}
		sig := ZBase32Encode(raw[:])
		msg := []byte{byte(i), byte(i >> 8)}
		a, errA := RecoverMessage(msg, sig)
		b, errB := recoverBtcec(msg, sig)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("header %d: geth err %v, btcec err %v", raw[0], errA, errB)
		}
		if errA != nil {
			if !errors.Is(errA, ErrBadSignature) {
				t.Fatalf("error not ErrBadSignature: %v", errA)
			}
			failed++
			continue
		}
		if !a.IsEqual(b) {
			t.Fatalf("header %d: geth %x, btcec %x", raw[0], a.SerializeCompressed(), b.SerializeCompressed())
		}
		ok++
	}
	t.Logf("random signatures: %d recovered (same key on both paths), %d rejected by both", ok, failed)
	if ok == 0 || failed == 0 {
		t.Fatalf("expected both outcomes, got %d ok and %d failed", ok, failed)
	}
}

func TestRecoverMessageRejects(t *testing.T) {
	key, _ := btcec.PrivKeyFromBytes(bytes.Repeat([]byte{7}, 32))
	msg := []byte("appointment")
	good, err := SignMessage(key, msg)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ZBase32Decode(good)
	if err != nil || len(raw) != 65 || raw[0] < 31 || raw[0] > 34 {
		t.Fatalf("SignMessage produced %x (%v)", raw, err)
	}
	with := func(f func(b []byte)) string {
		b := append([]byte(nil), raw...)
		f(b)
		return ZBase32Encode(b)
	}
	N := btcec.S256().N
	highS := with(func(b []byte) {
		s := new(big.Int).SetBytes(b[33:])
		new(big.Int).Sub(N, s).FillBytes(b[33:])
		b[0] = 31 + ((b[0] - 31) ^ 1)
	})
	// The high-s twin is a valid signature by the same key (btcec accepts
	// it); RecoverMessage rejects it to keep signatures non-malleable.
	if pub, _, err := ecdsa.RecoverCompact(mustZ(t, highS), independentDigest(msg)); err != nil || !pub.IsEqual(key.PubKey()) {
		t.Fatalf("high-s twin is not a valid signature by the key: %v", err)
	}
	uncompressed := with(func(b []byte) { b[0] -= 4 })
	if pub, _, err := ecdsa.RecoverCompact(mustZ(t, uncompressed), independentDigest(msg)); err != nil || !pub.IsEqual(key.PubKey()) {
		t.Fatalf("uncompressed-header twin does not recover the key: %v", err)
	}
	cases := map[string]string{
		"empty":               "",
		"103 chars":           good[:103],
		"105 chars":           good + "y",
		"uppercase":           strings.ToUpper(good),
		"bad char":            "0" + good[1:],
		"64 bytes":            ZBase32Encode(raw[:64]),
		"66 bytes":            ZBase32Encode(append(append([]byte(nil), raw...), 0)),
		"header 27 (uncompr)": uncompressed,
		"header 35":           with(func(b []byte) { b[0] = 35 }),
		"header 0":            with(func(b []byte) { b[0] = 0 }),
		"high s":              highS,
		"r zero":              with(func(b []byte) { clear(b[1:33]) }),
		"s zero":              with(func(b []byte) { clear(b[33:]) }),
		"r = N":               with(func(b []byte) { N.FillBytes(b[1:33]) }),
		"s = N":               with(func(b []byte) { N.FillBytes(b[33:]) }),
		"r all ff":            with(func(b []byte) { copy(b[1:33], bytes.Repeat([]byte{0xff}, 32)) }),
	}
	for name, sig := range cases {
		if pub, err := RecoverMessage(msg, sig); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: RecoverMessage = %v, %v; want ErrBadSignature", name, pub, err)
		}
	}
	if pub, err := RecoverMessage(msg, good); err != nil || !pub.IsEqual(key.PubKey()) {
		t.Fatalf("good signature: %v", err)
	}
	if _, err := SignMessage(nil, msg); err == nil {
		t.Fatal("nil key signed")
	}
}

func mustZ(t testing.TB, s string) []byte {
	t.Helper()
	b, err := ZBase32Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func benchSig(b *testing.B) ([]byte, string, *btcec.PublicKey) {
	key, _ := btcec.PrivKeyFromBytes(bytes.Repeat([]byte{9}, 32))
	msg := bytes.Repeat([]byte{0xab}, 16+300+21) // an appointment with a 300-byte blob
	sig, err := SignMessage(key, msg)
	if err != nil {
		b.Fatal(err)
	}
	return msg, sig, key.PubKey()
}

// BenchmarkRecoverMessage is the production path (libsecp256k1 via cgo).
func BenchmarkRecoverMessage(b *testing.B) {
	msg, sig, want := benchSig(b)
	b.ReportAllocs()
	for b.Loop() {
		pub, err := RecoverMessage(msg, sig)
		if err != nil || !pub.IsEqual(want) {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecoverMessageBtcec is the same work in pure-Go btcec.
func BenchmarkRecoverMessageBtcec(b *testing.B) {
	msg, sig, want := benchSig(b)
	b.ReportAllocs()
	for b.Loop() {
		pub, err := recoverBtcec(msg, sig)
		if err != nil || !pub.IsEqual(want) {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignMessage(b *testing.B) {
	key, _ := btcec.PrivKeyFromBytes(bytes.Repeat([]byte{9}, 32))
	msg := bytes.Repeat([]byte{0xab}, 337)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignMessage(key, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeSignature(b *testing.B) {
	_, sig, _ := benchSig(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeSignature(sig); err != nil {
			b.Fatal(err)
		}
	}
}
