package proofs

import (
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
)

func sampleWire() BalanceProofJSON {
	return BalanceProofJSON{
		ChainID:               "1337",
		ChannelAddress:        "0x87F5636c67f2Fd4F11710974766a5B1b6f33FB1d",
		Nonce:                 "13",
		TransferredAmount:     "15000",
		Locksroot:             "0x" + strings.Repeat("eb", 32),
		ExtraHash:             "0x" + strings.Repeat("e0", 32),
		Signature:             "0x" + strings.Repeat("11", 65),
		NonClosingParticipant: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		NonClosingSignature:   "0x" + strings.Repeat("22", 65),
		RewardAmount:          "1000000000000000",
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	raw, _ := json.Marshal(sampleWire())
	bp, err := DecodeBalanceProof(raw)
	if err != nil {
		t.Fatal(err)
	}
	if bp.Nonce != 13 || bp.TransferredAmount.Int64() != 15000 || bp.ChainID.Int64() != 1337 {
		t.Fatalf("decoded %+v", bp)
	}
	if got := EncodeBalanceProof(bp); got != sampleWire() {
		t.Fatalf("round trip changed the message:\n%+v\n%+v", got, sampleWire())
	}
}

func TestDecodeReasons(t *testing.T) {
	mut := func(f func(m map[string]any)) []byte {
		raw, _ := json.Marshal(sampleWire())
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		f(m)
		out, _ := json.Marshal(m)
		return out
	}
	cases := map[string]struct {
		in   []byte
		want monitor.Reason
	}{
		"too large":        {[]byte(strings.Repeat(" ", MaxMessageBytes+1)), monitor.ReasonBodyTooLarge},
		"not json":         {[]byte("nope"), monitor.ReasonMalformedJSON},
		"null":             {[]byte("null"), monitor.ReasonMalformedJSON},
		"array":            {[]byte("[]"), monitor.ReasonMalformedJSON},
		"trailing":         {[]byte("{} 1"), monitor.ReasonMalformedJSON},
		"missing":          {mut(func(m map[string]any) { delete(m, "nonce") }), monitor.ReasonMissingField},
		"unknown":          {mut(func(m map[string]any) { m["x"] = "1" }), monitor.ReasonUnknownField},
		"number":           {mut(func(m map[string]any) { m["nonce"] = 13 }), monitor.ReasonBadType},
		"null field":       {mut(func(m map[string]any) { m["nonce"] = nil }), monitor.ReasonBadType},
		"empty number":     {mut(func(m map[string]any) { m["nonce"] = "" }), monitor.ReasonBadNumber},
		"plus sign":        {mut(func(m map[string]any) { m["nonce"] = "+1" }), monitor.ReasonBadNumber},
		"space":            {mut(func(m map[string]any) { m["nonce"] = " 1" }), monitor.ReasonBadNumber},
		"exponent":         {mut(func(m map[string]any) { m["reward_amount"] = "1e18" }), monitor.ReasonBadNumber},
		"leading zero":     {mut(func(m map[string]any) { m["nonce"] = "013" }), monitor.ReasonBadNumber},
		"uint64 overflow":  {mut(func(m map[string]any) { m["nonce"] = "18446744073709551616" }), monitor.ReasonNumberOverflow},
		"uint256 overflow": {mut(func(m map[string]any) { m["reward_amount"] = new(big.Int).Lsh(big.NewInt(1), 256).String() }), monitor.ReasonNumberOverflow},
		"80 digits":        {mut(func(m map[string]any) { m["reward_amount"] = strings.Repeat("9", 80) }), monitor.ReasonNumberOverflow},
		"no 0x":            {mut(func(m map[string]any) { m["locksroot"] = strings.Repeat("eb", 32) }), monitor.ReasonBadHex},
		"odd hex":          {mut(func(m map[string]any) { m["locksroot"] = "0x" + strings.Repeat("e", 63) }), monitor.ReasonBadHex},
		"short sig":        {mut(func(m map[string]any) { m["signature"] = "0x11" }), monitor.ReasonBadSignature},
		"short addr":       {mut(func(m map[string]any) { m["channel_address"] = "0x87F5" }), monitor.ReasonBadAddress},
		"non-hex addr":     {mut(func(m map[string]any) { m["channel_address"] = "0x" + strings.Repeat("g", 40) }), monitor.ReasonBadAddress},
		"bad checksum":     {mut(func(m map[string]any) { m["channel_address"] = "0x87f5636c67f2Fd4F11710974766a5B1b6f33FB1d" }), monitor.ReasonBadChecksum},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeBalanceProof(c.in)
			var e *monitor.Error
			if !errors.As(err, &e) || e.Reason != c.want {
				t.Fatalf("got %v, want reason %s", err, c.want)
			}
		})
	}
}

func TestAddressCaseRules(t *testing.T) {
	good := "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
	for _, s := range []string{good, strings.ToLower(good), "0x" + strings.ToUpper(good[2:])} {
		a, err := ParseAddress("a", s)
		if err != nil || a != common.HexToAddress(good) {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// FuzzDecodeBalanceProof: the decoder never panics, every failure is an
// *Error with a known reason, and every success re-encodes to a message
// that decodes to the same proof.
func FuzzDecodeBalanceProof(f *testing.F) {
	raw, _ := json.Marshal(sampleWire())
	f.Add(raw)
	f.Add([]byte(`{"nonce":1}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"chain_id":"1","nonce":"18446744073709551616"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		bp, err := DecodeBalanceProof(data)
		if err != nil {
			var e *monitor.Error
			if !errors.As(err, &e) {
				t.Fatalf("non-*Error failure: %v", err)
			}
			if !slices.Contains(monitor.Reasons(), e.Reason) {
				t.Fatalf("unknown reason %q", e.Reason)
			}
			return
		}
		again, _ := json.Marshal(EncodeBalanceProof(bp))
		bp2, err := DecodeBalanceProof(again)
		if err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		if bp2.Nonce != bp.Nonce || bp2.Reward.Cmp(bp.Reward) != 0 || bp2.Channel != bp.Channel {
			t.Fatal("re-encoding changed the proof")
		}
	})
}

// wireSample is a well-formed balance-proof message with chain id 1337.
func wireSample(tb testing.TB) []byte {
	var bp BalanceProof
	bp.ChainID, bp.Nonce, bp.TransferredAmount, bp.Reward = big.NewInt(1337), 7, big.NewInt(123456789), big.NewInt(25e15)
	bp.Channel[0], bp.NonClosing[0] = 0xab, 0xcd
	bp.Signature, bp.NonClosingSignature = make([]byte, 65), make([]byte, 65)
	bp.Signature[64], bp.NonClosingSignature[64] = 27, 28
	data, err := json.Marshal(EncodeBalanceProof(bp))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// BenchmarkDecodeBalanceProof: strict decoding of one ~700-byte message
// (JSON, numbers, hex, EIP-55 checksums), the first step of intake.
func BenchmarkDecodeBalanceProof(b *testing.B) {
	data := wireSample(b)
	if _, err := DecodeBalanceProof(data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBalanceProof(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeStringEscapes: a field written with JSON escapes means the same
// string as without them; a number, null, object or array is not a string.
func TestDecodeStringEscapes(t *testing.T) {
	data := wireSample(t)
	escaped := strings.Replace(string(data), `"chain_id":"1337"`, `"chain_id" : "\u00313\u0033\u0037"`, 1)
	if escaped == string(data) {
		t.Fatal("test message has no chain_id to rewrite")
	}
	got, err := DecodeBalanceProof([]byte(escaped))
	if err != nil || got.ChainID.Int64() != 1337 {
		t.Fatalf("escaped chain_id: %v, %v", got.ChainID, err)
	}
	for _, v := range []string{`1337`, `null`, `{}`, `["1337"]`, `true`} {
		bad := strings.Replace(string(data), `"chain_id":"1337"`, `"chain_id":`+v, 1)
		if _, err := DecodeBalanceProof([]byte(bad)); monitor.AsError(err).Reason != monitor.ReasonBadType {
			t.Errorf("chain_id %s: %v, want %s", v, err, monitor.ReasonBadType)
		}
	}
}

// withField inserts `"key":value` right after the opening brace of msg.
func withField(msg []byte, key, value string) []byte {
	return append([]byte(`{`+key+`:`+value+`,`), msg[1:]...)
}

// TestDecodeBalanceProofDuplicateField: a balance proof with a field given
// twice is refused with duplicate_field whatever the second value and
// however the key is escaped, also when the repeated key is the room's
// extra "type"; a repeated key inside a nested value is refused too.
func TestDecodeBalanceProofDuplicateField(t *testing.T) {
	msg := wireSample(t)
	typed := withField(msg, `"type"`, `"balance_proof"`)
	if _, err := DecodeBalanceProof(typed, "type"); err != nil {
		t.Fatalf("plain-form sample: %v", err)
	}
	cases := map[string][]byte{
		"same value":        withField(msg, `"nonce"`, `"7"`),
		"other value":       withField(msg, `"nonce"`, `"8"`),
		"escaped key":       withField(msg, `"non\u0063e"`, `"8"`),
		"escaped slash key": withField(msg, `"reward\u005famount"`, `"1"`),
		"non-string value":  withField(msg, `"chain_id"`, `1337`),
		"extra field twice": withField(typed, `"type"`, `"ln_appointment"`),
		"nested":            withField(msg, `"type"`, `{"a":1,"b":[{"c":1,"c":2}]}`),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeBalanceProof(in, "type")
			if e := monitor.AsError(err); e.Reason != monitor.ReasonDuplicateField {
				t.Fatalf("got %v, want %s", err, monitor.ReasonDuplicateField)
			}
		})
	}
}
