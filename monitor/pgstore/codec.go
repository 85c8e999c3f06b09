package pgstore

import (
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// Column encodings (migrations/0001_init.sql states the conventions).
// Values go in through the *Arg helpers and come out through the
// sql.Scanner types below (pgx hands a Scanner bytea as []byte, bigint as
// int64, numeric and text as string, NULL as nil), so every table encodes
// a Go type the same way.

func addrArg(a common.Address) []byte { return a.Bytes() }

func hashArg(h common.Hash) []byte { return h.Bytes() }

// optHashArg stores the zero hash as NULL ("not set").
func optHashArg(h common.Hash) any {
	if h == (common.Hash{}) {
		return nil
	}
	return h.Bytes()
}

// bigArg stores an amount as its decimal text, which the server parses
// into numeric; nil is NULL.
func bigArg(b *big.Int) any {
	if b == nil {
		return nil
	}
	return b.String()
}

// u64Arg keeps all 64 bits in a bigint: values >= 2^63 are stored
// negative, and queries that compare them as numbers say so.
func u64Arg(v uint64) int64 { return int64(v) }

// blobArg is for NOT NULL bytea columns: nil is stored as an empty value.
func blobArg(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// optBlobArg stores an empty slice as NULL.
func optBlobArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// timeArg stores Unix nanoseconds: timestamptz keeps only microseconds.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// satInt64 clamps v into bigint's range, for values compared as numbers in
// SQL (deadlines, heads).
func satInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// deadline is closed+timeout saturated at 2^63-1: a window that ends beyond
// any representable block is open for every head.
func deadline(closed, timeout uint64) int64 {
	d := closed + timeout
	if d < closed {
		return math.MaxInt64
	}
	return satInt64(d)
}

type addrCol struct{ p *common.Address }

func (c addrCol) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok || len(b) != common.AddressLength {
		return fmt.Errorf("want a %d-byte address, got %T of length %d", common.AddressLength, src, lenOf(src))
	}
	copy(c.p[:], b)
	return nil
}

// hashCol reads a 32-byte value; NULL reads as zero.
type hashCol struct{ p *[32]byte }

func (c hashCol) Scan(src any) error {
	if src == nil {
		*c.p = [32]byte{}
		return nil
	}
	b, ok := src.([]byte)
	if !ok || len(b) != 32 {
		return fmt.Errorf("want a 32-byte value, got %T of length %d", src, lenOf(src))
	}
	copy(c.p[:], b)
	return nil
}

// bytesCol copies a bytea; NULL and empty read as nil.
type bytesCol struct{ p *[]byte }

func (c bytesCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.p = nil
	case []byte:
		if len(v) == 0 {
			*c.p = nil
		} else {
			*c.p = append([]byte(nil), v...)
		}
	default:
		return fmt.Errorf("want bytes, got %T", src)
	}
	return nil
}

// bigCol reads a numeric amount; NULL reads as nil.
type bigCol struct{ p **big.Int }

func (c bigCol) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*c.p = nil
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	case int64:
		*c.p = big.NewInt(v)
		return nil
	default:
		return fmt.Errorf("want a decimal amount, got %T", src)
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return fmt.Errorf("bad decimal amount %q", s)
	}
	*c.p = b
	return nil
}

type u64Col struct{ p *uint64 }

func (c u64Col) Scan(src any) error {
	v, ok := src.(int64)
	if !ok {
		return fmt.Errorf("want an integer, got %T", src)
	}
	*c.p = uint64(v)
	return nil
}

// timeCol reads Unix nanoseconds as UTC; NULL reads as the zero time.
type timeCol struct{ p *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.p = time.Time{}
	case int64:
		*c.p = time.Unix(0, v).UTC()
	default:
		return fmt.Errorf("want Unix nanoseconds, got %T", src)
	}
	return nil
}

// fixedCol reads a bytea of exactly len(p) bytes into p (a slice of an
// array: a locator, a public key).
type fixedCol struct{ p []byte }

func (c fixedCol) Scan(src any) error {
	b, ok := src.([]byte)
	if !ok || len(b) != len(c.p) {
		return fmt.Errorf("want a %d-byte value, got %T of length %d", len(c.p), src, lenOf(src))
	}
	copy(c.p, b)
	return nil
}

type u32Col struct{ p *uint32 }

func (c u32Col) Scan(src any) error {
	v, ok := src.(int64)
	if !ok || v < 0 || v > math.MaxUint32 {
		return fmt.Errorf("want a 32-bit height, got %T %v", src, src)
	}
	*c.p = uint32(v)
	return nil
}

// cipherCol reads a cipher's wire name.
type cipherCol struct{ p *lncrypto.Cipher }

func (c cipherCol) Scan(src any) error {
	name, ok := src.(string)
	if !ok {
		return fmt.Errorf("want a cipher name, got %T", src)
	}
	ci, err := lncrypto.ParseCipher(name)
	if err != nil {
		return err
	}
	*c.p = ci
	return nil
}

// cipherArg stores the wire name; an unknown cipher could not be read back.
func cipherArg(c lncrypto.Cipher) (string, error) {
	if !c.Valid() {
		return "", fmt.Errorf("cannot store unknown cipher %d", c.ID())
	}
	return c.String(), nil
}

// seqCol reads an appointment's seq: NULL is an unsequenced appointment.
type seqCol struct{ a *tower.Appointment }

func (c seqCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		c.a.Seq, c.a.Unsequenced = 0, true
	case int64:
		c.a.Seq, c.a.Unsequenced = uint64(v), false
	default:
		return fmt.Errorf("want a sequence number, got %T", src)
	}
	return nil
}

// seqArg stores an unsequenced appointment's seq as NULL.
func seqArg(a *tower.Appointment) any {
	if a.Unsequenced {
		return nil
	}
	return u64Arg(a.Seq)
}

// optBtcHashArg stores the zero hash as NULL ("not set").
func optBtcHashArg(h chainhash.Hash) any {
	if h == (chainhash.Hash{}) {
		return nil
	}
	return h[:]
}

func lenOf(src any) int {
	switch v := src.(type) {
	case []byte:
		return len(v)
	case string:
		return len(v)
	}
	return 0
}
