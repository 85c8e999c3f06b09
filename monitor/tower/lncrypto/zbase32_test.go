package lncrypto

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

type zbase32Vector struct {
	Hex     string `json:"hex"`
	ZBase32 string `json:"zbase32"`
	Note    string `json:"note,omitempty"`
}

// referenceZBase32 encodes by spelling the bits out as a '0'/'1' string,
// padding it with '0' to a multiple of 5 and looking each group up: slow and
// obviously right, and shares no code with ZBase32Encode.
func referenceZBase32(b []byte) string {
	var bits strings.Builder
	for _, c := range b {
		for i := 7; i >= 0; i-- {
			bits.WriteByte('0' + (c>>i)&1)
		}
	}
	s := bits.String()
	for len(s)%5 != 0 {
		s += "0"
	}
	var out strings.Builder
	for i := 0; i < len(s); i += 5 {
		v := 0
		for _, ch := range s[i : i+5] {
			v = v*2 + int(ch-'0')
		}
		out.WriteByte("ybndrfg8ejkmcpqxot1uwisza345h769"[v])
	}
	return out.String()
}

// The hand-worked vectors (alphabet index: y0 b1 n2 d3 r4 f5 g6 8=7 e8 j9
// k10 m11 c12 p13 q14 x15 o16 t17 1=18 u19 w20 i21 s22 z23 a24 3=25 4=26
// 5=27 h28 7=29 6=30 9=31):
//
//	""       -> ""       (no bits)
//	00       -> 00000|000+00            = y y       -> "yy"
//	ff       -> 11111|111+00            = 31 28     -> "9h"
//	f0bfc7   -> 11110000 10111111 11000111
//	         -> 11110|00010|11111|11100|0111+0
//	                                    = 30 2 31 28 14 -> "6n9hq"
//	0000000000 (5 bytes = 40 bits, no padding)    -> "yyyyyyyy"
//	ffffffffff                                    -> "99999999"
//	01       -> 00000|001+00            = 0 4       -> "yr"
var handVectors = []zbase32Vector{
	{"", "", "empty"},
	{"00", "yy", "one zero byte"},
	{"ff", "9h", "one 0xff byte: 3 zero padding bits"},
	{"01", "yr", ""},
	{"f0bfc7", "6n9hq", ""},
	{"0000000000", "yyyyyyyy", "40 bits, no padding"},
	{"ffffffffff", "99999999", ""},
}

func TestZBase32Vectors(t *testing.T) {
	if *update {
		vs := append([]zbase32Vector(nil), handVectors...)
		for _, s := range []string{"a", "hello", "Lightning Signed Message:"} {
			vs = append(vs, zbase32Vector{hex.EncodeToString([]byte(s)), referenceZBase32([]byte(s)), "ASCII " + s})
		}
		seq := make([]byte, 65)
		for i := range seq {
			seq[i] = byte(i * 37)
		}
		vs = append(vs, zbase32Vector{hex.EncodeToString(seq), referenceZBase32(seq), "65 bytes (a compact signature's size): 104 characters, no padding"})
		for i, v := range vs {
			if got := referenceZBase32(mustHex(t, v.Hex)); got != v.ZBase32 {
				t.Fatalf("hand vector %d: reference encoder says %q, hand says %q", i, got, v.ZBase32)
			}
		}
		writeVectors(t, "zbase32.json", vs)
	}
	var vs []zbase32Vector
	readVectors(t, "zbase32.json", &vs)
	if len(vs) < len(handVectors) {
		t.Fatalf("only %d vectors", len(vs))
	}
	for i, v := range handVectors {
		if vs[i] != v {
			t.Fatalf("testdata/zbase32.json lost hand vector %+v", v)
		}
	}
	for _, v := range vs {
		b := mustHex(t, v.Hex)
		if ref := referenceZBase32(b); ref != v.ZBase32 {
			t.Errorf("%s: reference encoder %q, file %q", v.Hex, ref, v.ZBase32)
		}
		if got := ZBase32Encode(b); got != v.ZBase32 {
			t.Errorf("ZBase32Encode(%s) = %q, want %q", v.Hex, got, v.ZBase32)
		}
		got, err := ZBase32Decode(v.ZBase32)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("ZBase32Decode(%q) = %x, %v; want %s", v.ZBase32, got, err, v.Hex)
		}
	}
}

func TestZBase32Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 300; n++ {
		b := make([]byte, n%80)
		fill(rng, b)
		s := ZBase32Encode(b)
		if ref := referenceZBase32(b); s != ref {
			t.Fatalf("%x: %q, reference %q", b, s, ref)
		}
		if len(s) != (len(b)*8+4)/5 {
			t.Fatalf("%d bytes gave %d characters", len(b), len(s))
		}
		got, err := ZBase32Decode(s)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("%q: %x %v", s, got, err)
		}
	}
}

func TestZBase32Rejects(t *testing.T) {
	for _, s := range []string{
		"y", "yyy", "yyyyyy", "yyyyyyyyy", // lengths no byte string encodes to
		"9",        // one character: 5 bits, not a byte
		"Yy", "YY", // uppercase is not in the alphabet
		"y0", "yl", "yv", "y2", // the four excluded characters
		"y=", "y ", " yy", "yy\n", "y\x00",
		"yb",      // 00000 00001: padding bits 01
		"99",      // 11111 11111: padding bits 11
		"9n",      // 11111 00010: padding bits 10
		"yyyb",    // 20 bits, padding 0001
		"yyyyyyb", // 35 bits, padding 001
		"6n9hb",   // 25 bits, padding bit 1
		"ü",
	} {
		if b, err := ZBase32Decode(s); !errors.Is(err, ErrBadZBase32) {
			t.Errorf("ZBase32Decode(%q) = %x, %v; want ErrBadZBase32", s, b, err)
		}
	}
}

func FuzzZBase32(f *testing.F) {
	for _, v := range handVectors {
		f.Add(v.ZBase32)
	}
	f.Add("yb")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ZBase32Decode(s)
		if err != nil {
			if !errors.Is(err, ErrBadZBase32) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		// Strictness: whatever decodes is the one encoding of its bytes.
		if enc := ZBase32Encode(b); enc != s {
			t.Fatalf("%q decodes to %x which encodes to %q", s, b, enc)
		}
	})
}
