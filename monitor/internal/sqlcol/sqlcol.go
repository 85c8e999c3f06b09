// Package sqlcol is how the stores (monitor/store on SQLite, monitor/pgstore
// on PostgreSQL) encode Go values in table columns, so that both keep every
// type the same way: values go in through the *Arg helpers and come out
// through the sql.Scanner values of the column constructors (Addr, Hash,
// ...), which accept what database/sql's SQLite driver and pgx both hand a
// Scanner (bytes, int64, string, NULL as nil).
//
// The conventions: addresses and hashes as their bytes, the zero hash and
// empty blobs as NULL where a column is optional, amounts as decimal text
// (SQLite TEXT, PostgreSQL numeric), uint64 in a signed 64-bit integer with
// all 64 bits kept, times as Unix nanoseconds, heights compared in SQL
// clamped to the signed range. encode.go holds the encodings beyond one
// column: a chain event's fields as JSON and the request listing's cursor.
package sqlcol

import (
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

func AddrArg(a common.Address) []byte { return a.Bytes() }

func HashArg(h common.Hash) []byte { return h.Bytes() }

// OptHashArg stores the zero hash as NULL ("not set").
func OptHashArg(h common.Hash) any {
	if h == (common.Hash{}) {
		return nil
	}
	return h.Bytes()
}

// BigArg stores an amount as decimal TEXT, nil as NULL.
func BigArg(b *big.Int) any {
	if b == nil {
		return nil
	}
	return b.String()
}

// U64Arg keeps all 64 bits; database/sql rejects uint64 values >= 2^63.
func U64Arg(v uint64) int64 { return int64(v) }

// BlobArg is for NOT NULL BLOB columns: nil is stored as an empty blob.
func BlobArg(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// OptBlobArg stores an empty slice as NULL.
func OptBlobArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func TimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// SatInt64 clamps v into SQLite's signed integer range, for values compared
// as numbers in SQL (deadlines, heads).
func SatInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}

// Deadline is closed+timeout saturated at 2^63-1: a window that ends beyond
// any representable block is open for every head.
func Deadline(closed, timeout uint64) int64 {
	d := closed + timeout
	if d < closed {
		return math.MaxInt64
	}
	return SatInt64(d)
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

// fixedCol reads a blob of exactly len(p) bytes into p (a slice of an
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
	var name string
	switch v := src.(type) {
	case string:
		name = v
	case []byte:
		name = string(v)
	default:
		return fmt.Errorf("want a cipher name, got %T", src)
	}
	ci, err := lncrypto.ParseCipher(name)
	if err != nil {
		return err
	}
	*c.p = ci
	return nil
}

// CipherArg stores the wire name; an unknown cipher could not be read back.
func CipherArg(c lncrypto.Cipher) (string, error) {
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

// SeqArg stores an unsequenced appointment's seq as NULL.
func SeqArg(a *tower.Appointment) any {
	if a.Unsequenced {
		return nil
	}
	return U64Arg(a.Seq)
}

// OptBtcHashArg stores the zero hash as NULL ("not set").
func OptBtcHashArg(h chainhash.Hash) any {
	if h == (chainhash.Hash{}) {
		return nil
	}
	return h[:]
}

// Addr scans an address column into p.
func Addr(p *common.Address) sql.Scanner { return addrCol{p} }

// Hash scans a 32-byte hash column into p.
func Hash(p *[32]byte) sql.Scanner { return hashCol{p} }

// Bytes scans a blob column into p; NULL and empty read as nil.
func Bytes(p *[]byte) sql.Scanner { return bytesCol{p} }

// Big scans an amount column into p; NULL reads as nil.
func Big(p **big.Int) sql.Scanner { return bigCol{p} }

// U64 scans a uint64 kept in a signed 64-bit column into p.
func U64(p *uint64) sql.Scanner { return u64Col{p} }

// Time scans a Unix-nanosecond column into p.
func Time(p *time.Time) sql.Scanner { return timeCol{p} }

// Fixed scans a blob of exactly len(p) bytes into p.
func Fixed(p []byte) sql.Scanner { return fixedCol{p} }

// U32 scans a 32-bit height into p.
func U32(p *uint32) sql.Scanner { return u32Col{p} }

// Cipher scans a cipher's wire name into p.
func Cipher(p *lncrypto.Cipher) sql.Scanner { return cipherCol{p} }

// Seq scans an appointment's seq into a (NULL: unsequenced).
func Seq(a *tower.Appointment) sql.Scanner { return seqCol{a} }
