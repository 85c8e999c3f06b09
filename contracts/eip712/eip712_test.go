package eip712

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

// Fixed inputs of the known-answer vectors. The key is a test key, never a
// real one.
var (
	vectorKeyHex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
	vectorDomain = Domain{
		ChainID: big.NewInt(1337),
		Channel: common.HexToAddress("0x87F5636c67f2Fd4F11710974766a5B1b6f33FB1d"),
	}
	vectorProof = BalanceProof{
		Nonce:             13,
		TransferredAmount: big.NewInt(15000),
		Locksroot:         common.HexToHash("0xebd7a1e0c3b2f4d5968778695a4b3c2d1e0f1a2b3c4d5e6f708192a3b4c5f211"),
		ExtraHash:         common.HexToHash("0xe0fa0102030405060708090a0b0c0d0e0f101112131415161718191a1b1cfc9c"),
	}
	vectorReward  = big.NewInt(1_000_000_000_000_000)
	vectorMonitor = common.HexToAddress("0x00000000000000000000000000000000000000AA")
)

// Expected values, computed once with this package and cross-checked below
// against go-ethereum's independent EIP-712 encoder (signer/core/apitypes)
// and, in contracts_test.go, against NettingChannel on the EVM.
const (
	vectorAddress          = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
	vectorSeparator        = "0x8b83195227b0eb0359af95f203211d77f694e449ef1225a85d1be877a3107396"
	vectorBalanceProof     = "0x30e370d2b1dc8cfa63827ee5470c45507941094d9f5be77da642911242f93bdf"
	vectorMonitorRequest   = "0x8705988b7530682c11220e7441739dc2d74f4a2de7967eb5b78e57b62000e002"
	vectorMonitorReceipt   = "0x141e2ff2913b498f4fd189eb0e4ee26ff87e29c40869a2ebf4abdcfbe341ea71"
	vectorBalanceProofSign = "0x7325ae1b0d894a67aa0ff6edfadb4c982ee269736f848bbc51f960126e4e77db6eb49fb207b95c6e0b596d9acb019344429aad4dbd151392423e16cfd5b62b891c"
)

func vectorKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := crypto.HexToECDSA(vectorKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func hexOf(b []byte) string { return "0x" + hex.EncodeToString(b) }

func TestKnownVectors(t *testing.T) {
	key := vectorKey(t)
	if got := crypto.PubkeyToAddress(key.PublicKey).Hex(); got != vectorAddress {
		t.Fatalf("address = %s, want %s", got, vectorAddress)
	}
	sep := vectorDomain.Separator()
	bp := vectorDomain.BalanceProofDigest(vectorProof)
	sig, err := Sign(bp, key)
	if err != nil {
		t.Fatal(err)
	}
	mr := vectorDomain.MonitorRequestDigest(vectorProof, sig, vectorReward)
	rc := vectorDomain.MonitorReceiptDigest(vectorProof.Nonce, vectorReward, vectorMonitor)

	for _, c := range []struct {
		name      string
		got, want string
	}{
		{"separator", hexOf(sep[:]), vectorSeparator},
		{"BalanceProof digest", hexOf(bp[:]), vectorBalanceProof},
		{"BalanceProof signature", hexOf(sig), vectorBalanceProofSign},
		{"MonitorRequest digest", hexOf(mr[:]), vectorMonitorRequest},
		{"MonitorReceipt digest", hexOf(rc[:]), vectorMonitorReceipt},
	} {
		if c.got != c.want {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}
}

// TestAgainstGoEthereumEncoder hashes the same messages with go-ethereum's
// generic EIP-712 implementation.
func TestAgainstGoEthereumEncoder(t *testing.T) {
	key := vectorKey(t)
	bpDigest := vectorDomain.BalanceProofDigest(vectorProof)
	sig, err := Sign(bpDigest, key)
	if err != nil {
		t.Fatal(err)
	}
	domainTypes := []apitypes.Type{
		{Name: "name", Type: "string"},
		{Name: "version", Type: "string"},
		{Name: "chainId", Type: "uint256"},
		{Name: "verifyingContract", Type: "address"},
	}
	typed := func(primary string, fields []apitypes.Type, msg apitypes.TypedDataMessage) []byte {
		t.Helper()
		td := apitypes.TypedData{
			Types:       apitypes.Types{"EIP712Domain": domainTypes, primary: fields},
			PrimaryType: primary,
			Domain: apitypes.TypedDataDomain{
				Name:              Name,
				Version:           Version,
				ChainId:           (*math.HexOrDecimal256)(vectorDomain.ChainID),
				VerifyingContract: vectorDomain.Channel.Hex(),
			},
			Message: msg,
		}
		h, _, err := apitypes.TypedDataAndHash(td)
		if err != nil {
			t.Fatalf("%s: %v", primary, err)
		}
		return h
	}
	proofFields := []apitypes.Type{
		{Name: "nonce", Type: "uint64"},
		{Name: "transferredAmount", Type: "uint256"},
		{Name: "locksroot", Type: "bytes32"},
		{Name: "extraHash", Type: "bytes32"},
	}
	proofMsg := apitypes.TypedDataMessage{
		"nonce":             "13",
		"transferredAmount": vectorProof.TransferredAmount.String(),
		"locksroot":         hexOf(vectorProof.Locksroot[:]),
		"extraHash":         hexOf(vectorProof.ExtraHash[:]),
	}
	if want := typed("BalanceProof", proofFields, proofMsg); !bytes.Equal(bpDigest[:], want) {
		t.Errorf("BalanceProof digest %x, go-ethereum %x", bpDigest, want)
	}

	requestMsg := apitypes.TypedDataMessage{"balanceProofSignature": hexOf(sig), "rewardAmount": vectorReward.String()}
	for k, v := range proofMsg {
		requestMsg[k] = v
	}
	requestFields := append(append([]apitypes.Type{}, proofFields...),
		apitypes.Type{Name: "balanceProofSignature", Type: "bytes"},
		apitypes.Type{Name: "rewardAmount", Type: "uint256"})
	mr := vectorDomain.MonitorRequestDigest(vectorProof, sig, vectorReward)
	if want := typed("MonitorRequest", requestFields, requestMsg); !bytes.Equal(mr[:], want) {
		t.Errorf("MonitorRequest digest %x, go-ethereum %x", mr, want)
	}

	receiptFields := []apitypes.Type{
		{Name: "channel", Type: "address"},
		{Name: "nonce", Type: "uint64"},
		{Name: "rewardAmount", Type: "uint256"},
		{Name: "monitor", Type: "address"},
	}
	receiptMsg := apitypes.TypedDataMessage{
		"channel":      vectorDomain.Channel.Hex(),
		"nonce":        "13",
		"rewardAmount": vectorReward.String(),
		"monitor":      vectorMonitor.Hex(),
	}
	rc := vectorDomain.MonitorReceiptDigest(vectorProof.Nonce, vectorReward, vectorMonitor)
	if want := typed("MonitorReceipt", receiptFields, receiptMsg); !bytes.Equal(rc[:], want) {
		t.Errorf("MonitorReceipt digest %x, go-ethereum %x", rc, want)
	}
}

func TestSignRecoverRoundTrip(t *testing.T) {
	for i := 0; i < 32; i++ {
		key, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		bp := vectorProof
		bp.Nonce = uint64(i + 1)
		digest := vectorDomain.BalanceProofDigest(bp)
		sig, err := Sign(digest, key)
		if err != nil {
			t.Fatal(err)
		}
		if len(sig) != SignatureLength || (sig[64] != 27 && sig[64] != 28) {
			t.Fatalf("signature %x: want 65 bytes with v 27/28", sig)
		}
		if new(big.Int).SetBytes(sig[32:64]).Cmp(secp256k1HalfN) > 0 {
			t.Fatalf("signature %x has a high s", sig)
		}
		got, err := Recover(digest, sig)
		if err != nil {
			t.Fatal(err)
		}
		if want := crypto.PubkeyToAddress(key.PublicKey); got != want {
			t.Fatalf("recovered %s, want %s", got, want)
		}
		// Another digest recovers to someone else.
		other := vectorDomain.BalanceProofDigest(BalanceProof{Nonce: bp.Nonce + 1, TransferredAmount: bp.TransferredAmount})
		if got, err := Recover(other, sig); err == nil && got == crypto.PubkeyToAddress(key.PublicKey) {
			t.Fatal("signature verified for a different digest")
		}
	}
}

func TestRecoverRejects(t *testing.T) {
	key := vectorKey(t)
	digest := vectorDomain.BalanceProofDigest(vectorProof)
	sig, err := Sign(digest, key)
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(s []byte) []byte) []byte {
		return f(append([]byte(nil), sig...))
	}
	// The high-s twin of a valid signature: s' = n - s with the other v.
	highS := mutate(func(s []byte) []byte {
		new(big.Int).Sub(secp256k1N, new(big.Int).SetBytes(s[32:64])).FillBytes(s[32:64])
		s[64] = 55 - s[64] // 27 <-> 28
		return s
	})
	for _, c := range []struct {
		name string
		sig  []byte
		want error
	}{
		{"empty", nil, ErrSignatureLength},
		{"64 bytes", sig[:64], ErrSignatureLength},
		{"66 bytes", append(append([]byte(nil), sig...), 0), ErrSignatureLength},
		{"v 0", mutate(func(s []byte) []byte { s[64] -= 27; return s }), ErrSignatureV},
		{"v 29", mutate(func(s []byte) []byte { s[64] = 29; return s }), ErrSignatureV},
		{"high s", highS, ErrSignatureHighS},
		{"r zero", mutate(func(s []byte) []byte { clear(s[:32]); return s }), ErrSignatureInvalid},
		{"s zero", mutate(func(s []byte) []byte { clear(s[32:64]); return s }), ErrSignatureInvalid},
		{"r = n", mutate(func(s []byte) []byte { secp256k1N.FillBytes(s[:32]); return s }), ErrSignatureInvalid},
		{"r not on curve", mutate(func(s []byte) []byte { clear(s[:32]); s[31] = 5; return s }), ErrSignatureInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			addr, err := Recover(digest, c.sig)
			if !errors.Is(err, c.want) {
				t.Fatalf("Recover = %s, %v; want %v", addr, err, c.want)
			}
		})
	}
	// The high-s twin is a valid ECDSA signature by the same key: only the
	// malleability rule rejects it.
	raw := append([]byte(nil), highS...)
	raw[64] -= 27
	pub, err := crypto.Ecrecover(digest[:], raw)
	if err != nil || common.BytesToAddress(crypto.Keccak256(pub[1:])[12:]) != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("high-s twin does not recover to the signer (%v): the test is wrong", err)
	}
}

func TestDigestsBindEveryField(t *testing.T) {
	key := vectorKey(t)
	base := vectorDomain.BalanceProofDigest(vectorProof)
	sig, err := Sign(base, key)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[32]byte]string{}
	add := func(name string, d [32]byte) {
		if prev, ok := seen[d]; ok {
			t.Errorf("%s and %s have the same digest", name, prev)
		}
		seen[d] = name
	}
	add("base", base)
	otherDomain := vectorDomain
	otherDomain.ChainID = big.NewInt(1)
	add("chain id", otherDomain.BalanceProofDigest(vectorProof))
	otherDomain = vectorDomain
	otherDomain.Channel[0] ^= 1
	add("channel", otherDomain.BalanceProofDigest(vectorProof))
	bp := vectorProof
	bp.Nonce++
	add("nonce", vectorDomain.BalanceProofDigest(bp))
	bp = vectorProof
	bp.TransferredAmount = big.NewInt(15001)
	add("amount", vectorDomain.BalanceProofDigest(bp))
	bp = vectorProof
	bp.Locksroot[0] ^= 1
	add("locksroot", vectorDomain.BalanceProofDigest(bp))
	bp = vectorProof
	bp.ExtraHash[0] ^= 1
	add("extra hash", vectorDomain.BalanceProofDigest(bp))

	req := vectorDomain.MonitorRequestDigest(vectorProof, sig, vectorReward)
	add("request", req)
	add("request reward", vectorDomain.MonitorRequestDigest(vectorProof, sig, big.NewInt(1)))
	otherSig := append([]byte(nil), sig...)
	otherSig[0] ^= 1
	add("request signature", vectorDomain.MonitorRequestDigest(vectorProof, otherSig, vectorReward))
	add("receipt", vectorDomain.MonitorReceiptDigest(13, vectorReward, vectorMonitor))
	add("receipt monitor", vectorDomain.MonitorReceiptDigest(13, vectorReward, common.Address{1}))
}

func TestNilAmountsAreZero(t *testing.T) {
	a := vectorDomain.BalanceProofDigest(BalanceProof{Nonce: 1})
	b := vectorDomain.BalanceProofDigest(BalanceProof{Nonce: 1, TransferredAmount: new(big.Int)})
	if a != b {
		t.Fatal("nil transferred amount differs from zero")
	}
}

func TestOutOfRangeAmountPanics(t *testing.T) {
	for _, x := range []*big.Int{big.NewInt(-1), new(big.Int).Lsh(big.NewInt(1), 256)} {
		if ValidUint256(x) {
			t.Fatalf("ValidUint256(%s) = true", x)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic for amount %s", x)
				}
			}()
			vectorDomain.BalanceProofDigest(BalanceProof{TransferredAmount: x})
		}()
	}
	if !ValidUint256(maxUint256) || !ValidUint256(nil) {
		t.Fatal("ValidUint256 rejects a valid value")
	}
}

func BenchmarkRecover(b *testing.B) {
	key := vectorKey(b)
	digest := vectorDomain.BalanceProofDigest(vectorProof)
	sig, err := Sign(digest, key)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Recover(digest, sig); err != nil {
			b.Fatal(err)
		}
	}
}
