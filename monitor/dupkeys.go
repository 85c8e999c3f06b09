package monitor

import (
	"bytes"
	"encoding/json"
)

// Duplicate keys.
//
// encoding/json (like most decoders) keeps the last of two equal keys in an
// object, others keep the first or refuse. A message with a repeated field
// could therefore be read as two different requests by two monitors, or by
// a monitor and the client that checked it. Every decoder of a message
// refuses such input with ReasonDuplicateField, at every depth, comparing
// keys after unescaping: "nonce" and "non\u0063e" are the same key.

// CheckDuplicateKeys returns a duplicate_field rejection if any object in
// data, which must already be known to be valid JSON, has the same key
// twice. It allocates nothing for objects of up to 16 keys without escapes.
func CheckDuplicateKeys(data []byte) error {
	var sc dupScanner
	sc.data = data
	sc.value()
	if sc.dup != nil {
		return Reject(ReasonDuplicateField, "field %q appears more than once", Excerpt(string(sc.dup)))
	}
	return nil
}

// dupScanner walks valid JSON and stops at the first repeated key.
type dupScanner struct {
	data []byte
	i    int
	dup  []byte // the repeated key, unescaped
}

func (sc *dupScanner) ws() {
	for sc.i < len(sc.data) {
		switch sc.data[sc.i] {
		case ' ', '\t', '\r', '\n':
			sc.i++
		default:
			return
		}
	}
}

// value skips one value starting at (or after whitespace before) sc.i.
func (sc *dupScanner) value() {
	sc.ws()
	if sc.i >= len(sc.data) {
		return
	}
	switch sc.data[sc.i] {
	case '{':
		sc.object()
	case '[':
		sc.i++
		for sc.dup == nil {
			sc.ws()
			if sc.i >= len(sc.data) {
				return
			}
			if sc.data[sc.i] == ']' {
				sc.i++
				return
			}
			if sc.data[sc.i] == ',' {
				sc.i++
				continue
			}
			sc.value()
		}
	case '"':
		sc.str()
	default:
		start := sc.i
		for sc.i < len(sc.data) {
			switch sc.data[sc.i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				if sc.i == start {
					sc.i = len(sc.data) // not valid JSON: stop here
				}
				return
			}
			sc.i++
		}
	}
}

// str skips a string at sc.i and returns its raw contents (without quotes)
// and whether it has escapes.
func (sc *dupScanner) str() (raw []byte, escaped bool) {
	start := sc.i + 1
	// Most strings (hex, decimals, field names) have no escapes: find the
	// closing quote with IndexByte and take the slow path only on a '\\'.
	if q := bytes.IndexByte(sc.data[start:], '"'); q >= 0 && bytes.IndexByte(sc.data[start:start+q], '\\') < 0 {
		sc.i = start + q + 1
		return sc.data[start : start+q], false
	}
	for j := start; j < len(sc.data); j++ {
		switch sc.data[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			sc.i = j + 1
			return sc.data[start:j], escaped
		}
	}
	sc.i = len(sc.data)
	return sc.data[start:], escaped
}

func (sc *dupScanner) object() {
	var buf [16][]byte
	keys := buf[:0]
	sc.i++ // {
	for sc.dup == nil {
		sc.ws()
		if sc.i >= len(sc.data) {
			return
		}
		switch sc.data[sc.i] {
		case '}':
			sc.i++
			return
		case ',':
			sc.i++
			continue
		case '"':
		default:
			return // not valid JSON: the caller's decoder has refused it
		}
		pos := sc.i
		key, escaped := sc.str()
		if escaped {
			var s string
			if err := json.Unmarshal(sc.data[pos:sc.i], &s); err == nil {
				key = []byte(s)
			}
		}
		for _, k := range keys {
			if bytes.Equal(k, key) {
				sc.dup = key
				return
			}
		}
		keys = append(keys, key)
		sc.ws()
		if sc.i < len(sc.data) && sc.data[sc.i] == ':' {
			sc.i++
		}
		sc.value()
	}
}
