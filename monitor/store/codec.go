package store

import (
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Column encodings. Values go in through the *Arg helpers and come out
// through the sql.Scanner types below, so every table encodes a Go type the
// same way (see migrations/0001_init.sql for the conventions).

func addrArg(a common.Address) []byte { return a.Bytes() }

func hashArg(h common.Hash) []byte { return h.Bytes() }

// optHashArg stores the zero hash as NULL ("not set").
func optHashArg(h common.Hash) any {
	if h == (common.Hash{}) {
		return nil
	}
	return h.Bytes()
}

// bigArg stores an amount as decimal TEXT, nil as NULL.
func bigArg(b *big.Int) any {
	if b == nil {
		return nil
	}
	return b.String()
}

// u64Arg keeps all 64 bits; database/sql rejects uint64 values >= 2^63.
func u64Arg(v uint64) int64 { return int64(v) }

// blobArg is for NOT NULL BLOB columns: nil is stored as an empty blob.
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

func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// satInt64 clamps v into SQLite's signed integer range, for values compared
// as numbers in SQL (deadlines, heads).
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

// bytesCol copies a blob; NULL and empty read as nil.
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
		return fmt.Errorf("want a blob, got %T", src)
	}
	return nil
}

// bigCol reads decimal TEXT; NULL reads as nil.
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
	case int64: // written by hand in the sqlite3 shell
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

func lenOf(src any) int {
	switch v := src.(type) {
	case []byte:
		return len(v)
	case string:
		return len(v)
	}
	return 0
}
