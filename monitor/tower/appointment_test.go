package tower

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

const testTip = 812000

func testKey(b byte) *btcec.PrivateKey {
	k, _ := btcec.PrivKeyFromBytes(bytes.Repeat([]byte{b}, 32))
	return k
}

// sampleBreach is a fixed breach txid and a fixed justice "transaction".
func sampleBreach() (chainhash.Hash, []byte) {
	var txid chainhash.Hash
	for i := range txid {
		txid[i] = byte(0xa0 + i)
	}
	plain := make([]byte, 200)
	for i := range plain {
		plain[i] = byte(i * 13)
	}
	return txid, plain
}

// sampleAppointment is a valid, signed appointment for sampleBreach.
func sampleAppointment(t testing.TB) Appointment {
	t.Helper()
	txid, plain := sampleBreach()
	blob, err := lncrypto.Encrypt(lncrypto.CipherChaCha20Poly1305, plain, txid)
	if err != nil {
		t.Fatal(err)
	}
	a := Appointment{
		Network: "regtest", Locator: lncrypto.Locator(txid), EncryptedBlob: blob,
		Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144,
		StartBlock: testTip, EndBlock: testTip + 10000, RewardSat: 5000,
	}
	if err := a.Sign(testKey(1)); err != nil {
		t.Fatal(err)
	}
	return a
}

func marshalAppointment(t testing.TB, j AppointmentJSON) []byte {
	t.Helper()
	raw, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestAppointmentRoundTrip(t *testing.T) {
	a := sampleAppointment(t)
	j := EncodeAppointment(a)
	got, err := DecodeAppointment(marshalAppointment(t, j))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, a) {
		t.Fatalf("round trip changed the appointment:\n%+v\n%+v", got, a)
	}
	if EncodeAppointment(got) != j {
		t.Fatal("re-encoding differs")
	}
	if err := got.VerifySignature(); err != nil {
		t.Fatal(err)
	}
	if err := DefaultAppointmentBounds().Check(got, testTip); err != nil {
		t.Fatal(err)
	}
	txid, plain := sampleBreach()
	if out, err := lncrypto.Decrypt(got.Cipher, got.EncryptedBlob, txid); err != nil || !bytes.Equal(out, plain) {
		t.Fatalf("decrypt: %v", err)
	}
	if j.Cipher != "chacha20-poly1305" || len(j.Locator) != 32 || len(j.UserPubkey) != 66 || len(j.UserSignature) != 104 {
		t.Fatalf("wire form %+v", j)
	}

	// Uppercase hex is accepted and comes back lowercase; the signature is
	// over bytes, so it still verifies.
	up := j
	up.Locator, up.EncryptedBlob, up.UserPubkey = strings.ToUpper(j.Locator), strings.ToUpper(j.EncryptedBlob), strings.ToUpper(j.UserPubkey)
	got, err = DecodeAppointment(marshalAppointment(t, up))
	if err != nil || !reflect.DeepEqual(got, a) || EncodeAppointment(got) != j {
		t.Fatalf("uppercase: %v", err)
	}

	// Ignored extra fields (the room's "type").
	var m map[string]any
	_ = json.Unmarshal(marshalAppointment(t, j), &m)
	m["type"] = "ln_appointment"
	raw, _ := json.Marshal(m)
	if _, err := DecodeAppointment(raw, "type"); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeAppointment(raw); monitor.AsError(err).Reason != monitor.ReasonUnknownField {
		t.Fatalf("without ignore: %v", err)
	}

	// AES-GCM appointments work the same way.
	b := a
	b.Cipher = lncrypto.CipherAES256GCM
	b.EncryptedBlob, _ = lncrypto.Encrypt(b.Cipher, plain, txid)
	if err := b.Sign(testKey(1)); err != nil {
		t.Fatal(err)
	}
	got, err = DecodeAppointment(marshalAppointment(t, EncodeAppointment(b)))
	if err != nil || got.Cipher != lncrypto.CipherAES256GCM || got.VerifySignature() != nil {
		t.Fatalf("aes: %v", err)
	}
	// The cipher id is signed: relabelling the cipher breaks the signature.
	b.Cipher = lncrypto.CipherChaCha20Poly1305
	if err := b.VerifySignature(); monitor.AsError(err).Reason != monitor.ReasonWrongSigner {
		t.Fatalf("cipher relabelled: %v", err)
	}
}

// TestAppointmentSignedMessage pins both layouts of §8.4: without seq (an
// unsequenced appointment) and with seq and the layout marker.
func TestAppointmentSignedMessage(t *testing.T) {
	a := Appointment{
		Locator:       [16]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		EncryptedBlob: []byte{0xde, 0xad},
		Cipher:        lncrypto.CipherAES256GCM,
		ToSelfDelay:   144, StartBlock: 812000, EndBlock: 822000, RewardSat: 5000,
		Network: "ignored", Unsequenced: true,
	}
	want := "000102030405060708090a0b0c0d0e0f" + // locator
		"dead" + // blob
		"00000090" + // 144
		"000c63e0" + // 812000
		"000c8af0" + // 822000
		"0000000000001388" + // 5000
		"02" // aes-256-gcm
	if got := hex.EncodeToString(a.SignedMessage()); got != want {
		t.Fatalf("unsequenced signed message\n got %s\nwant %s", got, want)
	}
	a.Unsequenced, a.Seq = false, 1_764_662_400
	want += "00000000692e9c80" + // seq 1764662400
		"80" // the sequenced layout's marker
	if got := hex.EncodeToString(a.SignedMessage()); got != want {
		t.Fatalf("sequenced signed message\n got %s\nwant %s", got, want)
	}
}

// TestAppointmentLayoutsDistinct: the last byte of a message tells the
// layouts apart (a cipher id never equals the marker), so a signature over
// a sequenced appointment verifies no unsequenced reading of it, and an
// appointment's seq, or its having one, cannot be changed without
// wrong_signer.
func TestAppointmentLayoutsDistinct(t *testing.T) {
	for _, c := range []lncrypto.Cipher{lncrypto.CipherChaCha20Poly1305, lncrypto.CipherAES256GCM} {
		if c.ID() == SeqLayoutMarker {
			t.Fatalf("cipher %s has the marker's id", c)
		}
	}
	if c, err := lncrypto.CipherFromID(SeqLayoutMarker); err == nil {
		t.Fatalf("the marker %#x is a cipher id (%s)", SeqLayoutMarker, c)
	}
	a := sampleAppointment(t)
	a.Seq = 42
	if err := a.Sign(testKey(1)); err != nil {
		t.Fatal(err)
	}
	m := a.SignedMessage()
	// Read as unsequenced, the message would end in a cipher id: the marker
	// is none, so no wire appointment has these bytes as its unsequenced
	// message.
	if m[len(m)-1] != SeqLayoutMarker {
		t.Fatalf("sequenced message ends in %#x", m[len(m)-1])
	}
	for name, change := range map[string]func(b *Appointment){
		"seq":         func(b *Appointment) { b.Seq++ },
		"seq dropped": func(b *Appointment) { b.Unsequenced = true },
	} {
		b := a
		change(&b)
		if err := b.VerifySignature(); monitor.AsError(err).Reason != monitor.ReasonWrongSigner {
			t.Errorf("%s: %v, want wrong_signer", name, err)
		}
	}
	// An unsequenced appointment's message is the earlier layout exactly:
	// what clients signed before seq existed still verifies.
	u := sampleAppointment(t)
	u.Unsequenced = true
	if err := u.Sign(testKey(1)); err != nil {
		t.Fatal(err)
	}
	j := EncodeAppointment(u)
	if j.Seq != "" {
		t.Fatalf("unsequenced encodes seq %q", j.Seq)
	}
	raw := marshalAppointment(t, j)
	if bytes.Contains(raw, []byte(`"seq"`)) {
		t.Fatalf("unsequenced JSON has a seq field: %s", raw)
	}
	got, err := DecodeAppointment(raw)
	if err != nil || !got.Unsequenced || got.OrderSeq() != 0 || got.VerifySignature() != nil {
		t.Fatalf("unsequenced round trip: %+v, %v", got, err)
	}
	s, err := DecodeAppointment(marshalAppointment(t, EncodeAppointment(a)))
	if err != nil || s.Unsequenced || s.Seq != 42 || s.OrderSeq() != 42 || s.VerifySignature() != nil {
		t.Fatalf("sequenced round trip: %+v, %v", s, err)
	}
}

// TestAppointmentVector pins a full appointment with the signmessage test
// key of lncrypto's testdata, so a client can check its encoding end to end.
func TestAppointmentVector(t *testing.T) {
	a := sampleAppointment(t)
	j := EncodeAppointment(a)
	if j.Locator != "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf" {
		t.Fatalf("locator %s", j.Locator)
	}
	if j.UserPubkey != hex.EncodeToString(testKey(1).PubKey().SerializeCompressed()) {
		t.Fatal("pubkey")
	}
	// Deterministic signing: the same appointment always gives the same text.
	b := sampleAppointment(t)
	if a.UserSignature != b.UserSignature {
		t.Fatal("signing is not deterministic")
	}
}

func TestAppointmentReasons(t *testing.T) {
	base := EncodeAppointment(sampleAppointment(t))
	mut := func(f func(m map[string]any)) []byte {
		var m map[string]any
		_ = json.Unmarshal(marshalAppointment(t, base), &m)
		f(m)
		out, _ := json.Marshal(m)
		return out
	}
	set := func(k string, v any) []byte { return mut(func(m map[string]any) { m[k] = v }) }
	resign := func(f func(a *Appointment), key byte) []byte {
		a := sampleAppointment(t)
		f(&a)
		if err := a.Sign(testKey(key)); err != nil {
			t.Fatal(err)
		}
		return marshalAppointment(t, EncodeAppointment(a))
	}
	other := sampleAppointment(t)
	_ = other.Sign(testKey(2))
	otherSig := EncodeAppointment(other).UserSignature
	// a valid-looking compressed key whose x is not on the curve (x = 5:
	// 5^3+7 = 132 is not a square mod p).
	offCurve := "02" + strings.Repeat("0", 63) + "5"
	sigBytes, _ := lncrypto.ZBase32Decode(base.UserSignature)
	uncompressedHeader := append([]byte{sigBytes[0] - 4}, sigBytes[1:]...)

	cases := map[string]struct {
		in   []byte
		want monitor.Reason
	}{
		// Envelope.
		"too large":   {[]byte(strings.Repeat(" ", MaxAppointmentBytes+1)), monitor.ReasonBodyTooLarge},
		"not json":    {[]byte("nope"), monitor.ReasonMalformedJSON},
		"null":        {[]byte("null"), monitor.ReasonMalformedJSON},
		"array":       {[]byte("[]"), monitor.ReasonMalformedJSON},
		"trailing":    {append(marshalAppointment(t, base), []byte(" {}")...), monitor.ReasonMalformedJSON},
		"missing":     {mut(func(m map[string]any) { delete(m, "reward_sat") }), monitor.ReasonMissingField},
		"missing sig": {mut(func(m map[string]any) { delete(m, "user_signature") }), monitor.ReasonMissingField},
		"unknown":     {set("locator_hex", "00"), monitor.ReasonUnknownField},
		"case-folded": {mut(func(m map[string]any) { m["Locator"] = m["locator"]; delete(m, "locator") }), monitor.ReasonUnknownField},
		// Types and numbers.
		"json number":             {set("start_block", testTip), monitor.ReasonBadType},
		"json null":               {set("end_block", nil), monitor.ReasonBadType},
		"json bool":               {set("network", true), monitor.ReasonBadType},
		"empty number":            {set("to_self_delay", ""), monitor.ReasonBadNumber},
		"negative":                {set("to_self_delay", "-1"), monitor.ReasonBadNumber},
		"leading zero":            {set("start_block", "0812000"), monitor.ReasonBadNumber},
		"exponent":                {set("reward_sat", "5e3"), monitor.ReasonBadNumber},
		"hex number":              {set("reward_sat", "0x1388"), monitor.ReasonBadNumber},
		"u32 overflow":            {set("end_block", "4294967296"), monitor.ReasonNumberOverflow},
		"u32 overflow 2":          {set("to_self_delay", "99999999999"), monitor.ReasonNumberOverflow},
		"u64 overflow":            {set("reward_sat", "18446744073709551616"), monitor.ReasonNumberOverflow},
		"network empty":           {set("network", ""), monitor.ReasonWrongNetwork},
		"network upper":           {set("network", "Regtest"), monitor.ReasonWrongNetwork},
		"network space":           {set("network", "reg test"), monitor.ReasonWrongNetwork},
		"network long":            {set("network", strings.Repeat("a", 33)), monitor.ReasonWrongNetwork},
		"locator short":           {set("locator", base.Locator[:30]), monitor.ReasonBadLocator},
		"locator long":            {set("locator", base.Locator+"00"), monitor.ReasonBadLocator},
		"locator txid":            {set("locator", strings.Repeat("ab", 32)), monitor.ReasonBadLocator},
		"locator non-hex":         {set("locator", "zz"+base.Locator[2:]), monitor.ReasonBadHex},
		"locator 0x":              {set("locator", "0x"+base.Locator[2:]), monitor.ReasonBadHex},
		"blob odd":                {set("encrypted_blob", base.EncryptedBlob[1:]), monitor.ReasonBadHex},
		"blob 0x":                 {set("encrypted_blob", "0x"+base.EncryptedBlob), monitor.ReasonBadHex},
		"blob non-hex":            {set("encrypted_blob", "g"+base.EncryptedBlob[1:]), monitor.ReasonBadHex},
		"unknown cipher":          {set("cipher", "xchacha20-poly1305"), monitor.ReasonUnknownCipher},
		"cipher case":             {set("cipher", "ChaCha20-Poly1305"), monitor.ReasonUnknownCipher},
		"cipher id":               {set("cipher", "1"), monitor.ReasonUnknownCipher},
		"pubkey short":            {set("user_pubkey", base.UserPubkey[:64]), monitor.ReasonBadPubkey},
		"pubkey uncompr":          {set("user_pubkey", "04"+base.UserPubkey[2:]+strings.Repeat("00", 32)), monitor.ReasonBadPubkey},
		"pubkey prefix":           {set("user_pubkey", "05"+base.UserPubkey[2:]), monitor.ReasonBadPubkey},
		"pubkey off curve":        {set("user_pubkey", offCurve), monitor.ReasonBadPubkey},
		"pubkey non-hex":          {set("user_pubkey", "0x"+base.UserPubkey[2:]), monitor.ReasonBadHex},
		"sig empty":               {set("user_signature", ""), monitor.ReasonBadSignature},
		"sig hex":                 {set("user_signature", strings.Repeat("ab", 65)), monitor.ReasonBadSignature},
		"sig base64-ish":          {set("user_signature", strings.ToUpper(base.UserSignature)), monitor.ReasonBadSignature},
		"sig truncated":           {set("user_signature", base.UserSignature[:103]), monitor.ReasonBadSignature},
		"sig uncompressed header": {set("user_signature", lncrypto.ZBase32Encode(uncompressedHeader)), monitor.ReasonBadSignature},
		// The optional seq: when present, a decimal uint64 string.
		"seq json number":  {set("seq", 5), monitor.ReasonBadType},
		"seq json null":    {set("seq", nil), monitor.ReasonBadType},
		"seq empty":        {set("seq", ""), monitor.ReasonBadNumber},
		"seq leading zero": {set("seq", "07"), monitor.ReasonBadNumber},
		"seq negative":     {set("seq", "-1"), monitor.ReasonBadNumber},
		"seq overflow":     {set("seq", "18446744073709551616"), monitor.ReasonNumberOverflow},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeAppointment(c.in)
			var e *monitor.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error %s", err, c.want)
			}
			if e.Reason != c.want {
				t.Fatalf("reason %s (%s), want %s", e.Reason, e.Message, c.want)
			}
			if e.Code() == monitor.CodeInternal {
				t.Fatalf("reason %s has no code", e.Reason)
			}
		})
	}

	// Decodes, but is out of bounds or not signed by user_pubkey.
	later := map[string]struct {
		in   []byte
		want monitor.Reason
	}{
		"signature by another key": {set("user_signature", otherSig), monitor.ReasonWrongSigner},
		"tampered reward":          {set("reward_sat", "5001"), monitor.ReasonWrongSigner},
		"tampered end_block":       {set("end_block", "822001"), monitor.ReasonWrongSigner},
		"tampered seq":             {set("seq", "1"), monitor.ReasonWrongSigner},
		"seq removed":              {mut(func(m map[string]any) { delete(m, "seq") }), monitor.ReasonWrongSigner},
		"pubkey of another key":    {set("user_pubkey", hex.EncodeToString(testKey(3).PubKey().SerializeCompressed())), monitor.ReasonWrongSigner},
		"blob too small":           {resign(func(a *Appointment) { a.EncryptedBlob = a.EncryptedBlob[:99] }, 1), monitor.ReasonBlobTooSmall},
		"blob too large":           {resign(func(a *Appointment) { a.EncryptedBlob = make([]byte, 2049) }, 1), monitor.ReasonBlobTooLarge},
		"start too early":          {resign(func(a *Appointment) { a.StartBlock = testTip - 7 }, 1), monitor.ReasonStartBlockOutOfWindow},
		"start too late":           {resign(func(a *Appointment) { a.StartBlock, a.EndBlock = testTip+7, testTip+100 }, 1), monitor.ReasonStartBlockOutOfWindow},
		"end before start":         {resign(func(a *Appointment) { a.EndBlock = a.StartBlock - 1 }, 1), monitor.ReasonEndBlockBeforeStart},
		"end equals start":         {resign(func(a *Appointment) { a.EndBlock = a.StartBlock }, 1), monitor.ReasonEndBlockBeforeStart},
		"end too far":              {resign(func(a *Appointment) { a.EndBlock = a.StartBlock + 52561 }, 1), monitor.ReasonEndBlockTooFar},
	}
	for name, c := range later {
		t.Run(name, func(t *testing.T) {
			a, err := DecodeAppointment(c.in)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if err = DefaultAppointmentBounds().Check(a, testTip); err == nil {
				err = a.VerifySignature()
			}
			if e := monitor.AsError(err); err == nil || e.Reason != c.want {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}

	// A signature that is well-formed text but recovers no key at all.
	a := sampleAppointment(t)
	raw, _ := lncrypto.ZBase32Decode(a.UserSignature)
	clear(raw[1:33])
	raw[32] = 5 // r = 5, and x = 5 is not on the curve (5^3+7 is not a square mod p)
	a.UserSignature = lncrypto.ZBase32Encode(raw)
	if err := a.VerifySignature(); monitor.AsError(err).Reason != monitor.ReasonBadSignature {
		t.Fatalf("unrecoverable signature: %v", err)
	}
}

func TestAppointmentBounds(t *testing.T) {
	b := DefaultAppointmentBounds()
	if b != (AppointmentBounds{MinBlob: 100, MaxBlob: 2048, StartWindow: 6, MaxDuration: 52560}) {
		t.Fatalf("defaults %+v", b)
	}
	mk := func(blob int, start, end uint32) Appointment {
		return Appointment{EncryptedBlob: make([]byte, blob), StartBlock: start, EndBlock: end}
	}
	cases := []struct {
		name string
		a    Appointment
		tip  uint32
		want monitor.Reason // "" = accepted
	}{
		{"min blob", mk(100, testTip, testTip+1), testTip, ""},
		{"max blob", mk(2048, testTip, testTip+1), testTip, ""},
		{"blob 99", mk(99, testTip, testTip+1), testTip, monitor.ReasonBlobTooSmall},
		{"blob 2049", mk(2049, testTip, testTip+1), testTip, monitor.ReasonBlobTooLarge},
		{"start tip-6", mk(200, testTip-6, testTip+1), testTip, ""},
		{"start tip+6", mk(200, testTip+6, testTip+7), testTip, ""},
		{"start tip-7", mk(200, testTip-7, testTip+1), testTip, monitor.ReasonStartBlockOutOfWindow},
		{"start tip+7", mk(200, testTip+7, testTip+8), testTip, monitor.ReasonStartBlockOutOfWindow},
		{"low tip", mk(200, 0, 10), 3, ""},
		{"low tip, start 10", mk(200, 10, 20), 3, monitor.ReasonStartBlockOutOfWindow},
		{"max tip", mk(200, 1<<32-1, 1<<32-1), 1<<32 - 1, monitor.ReasonEndBlockBeforeStart},
		{"max tip, start 0", mk(200, 0, 1), 1<<32 - 1, monitor.ReasonStartBlockOutOfWindow},
		{"start max, tip near", mk(200, 1<<32-1, 1<<32-1), 1<<32 - 3, monitor.ReasonEndBlockBeforeStart},
		{"duration max", mk(200, testTip, testTip+52560), testTip, ""},
		{"duration max+1", mk(200, testTip, testTip+52561), testTip, monitor.ReasonEndBlockTooFar},
		{"end before", mk(200, testTip, testTip-1), testTip, monitor.ReasonEndBlockBeforeStart},
	}
	for _, c := range cases {
		err := b.Check(c.a, c.tip)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if e := monitor.AsError(err); err == nil || e.Reason != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	// Zero MaxBlob and MaxDuration are no limit; StartWindow 0 is the tip.
	z := AppointmentBounds{}
	if err := z.Check(mk(5000, testTip, testTip+1_000_000), testTip); err != nil {
		t.Errorf("zero bounds: %v", err)
	}
	if err := z.Check(mk(5000, testTip+1, testTip+2), testTip); monitor.AsError(err).Reason != monitor.ReasonStartBlockOutOfWindow {
		t.Errorf("zero window: %v", err)
	}
}

func TestAppointmentReasonCodes(t *testing.T) {
	want := map[monitor.Reason]monitor.Code{
		monitor.ReasonBadLocator: monitor.CodeInvalid, monitor.ReasonBadPubkey: monitor.CodeInvalid, monitor.ReasonUnknownCipher: monitor.CodeInvalid,
		monitor.ReasonBlobTooSmall: monitor.CodeInvalid, monitor.ReasonBlobTooLarge: monitor.CodeInvalid, monitor.ReasonStartBlockOutOfWindow: monitor.CodeInvalid,
		monitor.ReasonEndBlockBeforeStart: monitor.CodeInvalid, monitor.ReasonEndBlockTooFar: monitor.CodeInvalid, monitor.ReasonTooManyPerLocator: monitor.CodeConflict,
		monitor.ReasonWrongNetwork: monitor.CodeInvalid, monitor.ReasonRewardBelowFee: monitor.CodeUnprofitable, monitor.ReasonDecryptFailed: monitor.CodeInvalid,
		monitor.ReasonNotATransaction: monitor.CodeInvalid, monitor.ReasonDoesNotSpendBreach: monitor.CodeInvalid, monitor.ReasonSurplusBelowReward: monitor.CodeUnprofitable,
	}
	for r, c := range want {
		if got := monitor.Reject(r, "x").Code(); got != c {
			t.Errorf("%s: code %s, want %s", r, got, c)
		}
	}
}

func FuzzDecodeAppointment(f *testing.F) {
	a := sampleAppointment(f)
	good := marshalAppointment(f, EncodeAppointment(a))
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"network":"regtest"}`))
	f.Add(bytes.Replace(good, []byte(`"144"`), []byte(`144`), 1))
	f.Add(bytes.Replace(good, []byte(`chacha20-poly1305`), []byte(`aes-256-gcm`), 1))
	f.Add(bytes.ToUpper(good))
	known := map[monitor.Reason]bool{}
	for _, r := range monitor.Reasons() {
		known[r] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeAppointment(data, "type")
		if err != nil {
			var e *monitor.Error
			if !errors.As(err, &e) || !known[e.Reason] || e.Code() == monitor.CodeInternal {
				t.Fatalf("error %T %v is not a known rejection", err, err)
			}
			return
		}
		j := EncodeAppointment(a)
		b, err := DecodeAppointment(marshalAppointment(t, j))
		if err != nil {
			t.Fatalf("re-decode of %+v: %v", j, err)
		}
		if !reflect.DeepEqual(a, b) || EncodeAppointment(b) != j {
			t.Fatalf("round trip changed the appointment:\n%+v\n%+v", a, b)
		}
		// Whatever decodes can be checked without panicking.
		_ = DefaultAppointmentBounds().Check(a, testTip)
		if err := a.VerifySignature(); err != nil {
			if r := monitor.AsError(err).Reason; r != monitor.ReasonBadSignature && r != monitor.ReasonWrongSigner {
				t.Fatalf("VerifySignature: %v", err)
			}
		}
	})
}

// TestDecodeAppointmentDuplicateField: an appointment with a field given
// twice is refused with duplicate_field whatever the second value and
// however the key is escaped, also when the repeated key is the room's
// extra "type"; a repeated key inside a nested value is refused too.
func TestDecodeAppointmentDuplicateField(t *testing.T) {
	msg := marshalAppointment(t, EncodeAppointment(sampleAppointment(t)))
	if _, err := DecodeAppointment(msg); err != nil {
		t.Fatalf("sample: %v", err)
	}
	cases := map[string][]byte{
		"same value":  withField(msg, `"reward_sat"`, `"0"`),
		"escaped key": withField(msg, `"\u0072eward_sat"`, `"1"`),
		"locator":     withField(msg, `"locator"`, `"00000000000000000000000000000000"`),
		"extra twice": withField(withField(msg, `"type"`, `"ln_appointment"`), `"type"`, `"balance_proof"`),
		"nested":      withField(msg, `"type"`, `[{"x":{"y":1,"\u0079":2}}]`),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeAppointment(in, "type")
			if e := monitor.AsError(err); e.Reason != monitor.ReasonDuplicateField {
				t.Fatalf("got %v, want %s", err, monitor.ReasonDuplicateField)
			}
		})
	}
}

// withField inserts `"key":value` right after the opening brace of msg.
func withField(msg []byte, key, value string) []byte {
	return append([]byte(`{`+key+`:`+value+`,`), msg[1:]...)
}
