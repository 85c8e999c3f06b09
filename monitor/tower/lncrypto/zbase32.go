package lncrypto

import (
	"errors"
	"fmt"
)

// zbase32Alphabet is the z-base-32 alphabet; a character's index is its value.
const zbase32Alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769"

// ErrBadZBase32 is returned for text that is not canonical z-base-32.
var ErrBadZBase32 = errors.New("not canonical z-base-32")

// zbase32Values maps a byte to its 5-bit value, or 0xff if it is not in the
// alphabet.
var zbase32Values = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(zbase32Alphabet); i++ {
		t[zbase32Alphabet[i]] = byte(i)
	}
	return t
}()

// ZBase32Encode encodes b as z-base-32: the bits of b, most significant bit
// of the first byte first, in groups of 5, each group one character; the last
// group is padded with zero bits. There are no padding characters, so n bytes
// take ceil(8n/5) characters (65 bytes take exactly 104).
func ZBase32Encode(b []byte) string {
	out := make([]byte, 0, (len(b)*8+4)/5)
	var acc uint32 // pending bits, right-aligned
	var bits uint  // number of pending bits, always < 5 between bytes
	for _, c := range b {
		acc = acc<<8 | uint32(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out = append(out, zbase32Alphabet[(acc>>bits)&31])
		}
		acc &= 1<<bits - 1
	}
	if bits > 0 {
		out = append(out, zbase32Alphabet[(acc<<(5-bits))&31])
	}
	return string(out)
}

// ZBase32Decode is the strict inverse of [ZBase32Encode]. It rejects any
// character outside the (lowercase) alphabet, a length that no byte string
// encodes to (n characters with n mod 8 in {1, 3, 6}), and non-zero padding
// bits in the last character. Every accepted string is therefore the one
// encoding of its bytes.
func ZBase32Decode(s string) ([]byte, error) {
	switch len(s) % 8 {
	case 1, 3, 6:
		return nil, fmt.Errorf("%w: length %d is not the length of an encoding", ErrBadZBase32, len(s))
	}
	out := make([]byte, 0, len(s)*5/8)
	var acc uint32
	var bits uint
	for i := 0; i < len(s); i++ {
		v := zbase32Values[s[i]]
		if v == 0xff {
			return nil, fmt.Errorf("%w: character %d is not in the alphabet", ErrBadZBase32, i)
		}
		acc = acc<<5 | uint32(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
			acc &= 1<<bits - 1
		}
	}
	// The remaining bits (fewer than 5) are padding and must be zero.
	if acc != 0 {
		return nil, fmt.Errorf("%w: non-zero padding bits", ErrBadZBase32)
	}
	return out, nil
}
