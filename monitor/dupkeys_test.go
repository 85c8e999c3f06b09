package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestCheckDuplicateKeys: equal keys in one object are found at any depth
// (after unescaping); equal keys in different objects, and key-like text
// inside string values, are not duplicates.
func TestCheckDuplicateKeys(t *testing.T) {
	for in, dup := range map[string]string{
		`{}`:                               "",
		`[]`:                               "",
		`"x"`:                              "",
		`{"a":1,"b":2}`:                    "",
		`{"a":{"a":1},"b":{"a":2}}`:        "",
		`[{"a":1},{"a":2}]`:                "",
		`{"a":"\"a\":1,\"a\":2","b":"{}"}`: "",
		`{"a\"":1,"a":2}`:                  "",
		`{"a":1,"a":2}`:                    "a",
		` { "a" : 1 , "a" : 2 } `:          "a",
		`{"a":1,"\u0061":2}`:               "a",
		`{"\ud83d\ude00":1,"😀":2}`:         "😀",
		`{"x":[1,{"k":null,"k":true}]}`:    "k",
		`{"x":{"y":{"z":{"q":1,"q":1}}}}`:  "q",
		`{"a\"b":1,"a\u0022b":2}`:          `a"b`,
		`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k1":0}`: "k1",
	} {
		err := CheckDuplicateKeys([]byte(in))
		switch {
		case dup == "" && err != nil:
			t.Errorf("%s: %v, want no error", in, err)
		case dup != "" && (AsError(err).Reason != ReasonDuplicateField || !strings.Contains(AsError(err).Message, strings.Trim(jsonQuote(dup), `"`))):
			t.Errorf("%s: %v, want duplicate_field naming %q", in, err, dup)
		}
	}
}

// sampleMessage is a well-formed balance-proof message (chain id 1337),
// the size and shape of what intake reads.
const sampleMessage = `{"chain_id":"1337","channel_address":"0xab00000000000000000000000000000000000000","nonce":"7","transferred_amount":"123456789","locksroot":"0x0000000000000000000000000000000000000000000000000000000000000000","extra_hash":"0x0000000000000000000000000000000000000000000000000000000000000000","signature":"0x000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001b","non_closing_participant":"0xCd00000000000000000000000000000000000000","non_closing_signature":"0x000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001c","reward_amount":"25000000000000000"}`

func jsonQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// refDuplicate is a slow reference: encoding/json's tokenizer, keys
// compared after decoding.
func refDuplicate(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, _ := dec.Token()
				key, _ := k.(string)
				if seen[key] {
					return true
				}
				seen[key] = true
				if walk() {
					return true
				}
			}
			_, _ = dec.Token()
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			_, _ = dec.Token()
		}
		return false
	}
	return walk()
}

// FuzzCheckDuplicateKeys: on valid JSON the scanner agrees with the
// reference, and it never panics on anything.
func FuzzCheckDuplicateKeys(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a":{"b":[1,{"c":2,"\u0063":3}]}}`, `[{"x":"\"}"},{"x":1}]`, `{"a\\":1,"a\\\\":2}`} {
		f.Add([]byte(s))
	}
	f.Add([]byte(sampleMessage))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := CheckDuplicateKeys(data)
		if !json.Valid(data) {
			return
		}
		var e *Error
		got := errors.As(err, &e) && e.Reason == ReasonDuplicateField
		if want := refDuplicate(data); got != want {
			t.Fatalf("%s: scanner says duplicate=%v, reference %v", data, got, want)
		}
	})
}

// BenchmarkCheckDuplicateKeys: the duplicate-key pass alone over the
// message of BenchmarkDecodeBalanceProof (monitor/proofs).
func BenchmarkCheckDuplicateKeys(b *testing.B) {
	data := []byte(sampleMessage)
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckDuplicateKeys(data); err != nil {
			b.Fatal(err)
		}
	}
}
