package sqlcol

import (
	"math"
	"math/big"
	"testing"
	"time"
)

// TestRoundTrips: what an *Arg helper writes, the matching column reads
// back unchanged, at the edges of each encoding.
func TestRoundTrips(t *testing.T) {
	for _, v := range []uint64{0, 1, math.MaxInt64, math.MaxInt64 + 1, math.MaxUint64} {
		var got uint64
		if err := U64(&got).Scan(U64Arg(v)); err != nil || got != v {
			t.Errorf("uint64 %d: read %d, %v", v, got, err)
		}
	}
	huge, _ := new(big.Int).SetString("115792089237316195423570985008687907853269984665640564039457584007913129639935", 10)
	for _, v := range []*big.Int{big.NewInt(0), big.NewInt(1), huge} {
		var got *big.Int
		if err := Big(&got).Scan(BigArg(v)); err != nil || got.Cmp(v) != 0 {
			t.Errorf("amount %v: read %v, %v", v, got, err)
		}
	}
	var none *big.Int = big.NewInt(7)
	if err := Big(&none).Scan(BigArg(nil)); err != nil || none != nil {
		t.Errorf("NULL amount read as %v, %v", none, err)
	}
	at := time.Unix(1_700_000_000, 123_456_789).UTC()
	var got time.Time
	if err := Time(&got).Scan(TimeArg(at)); err != nil || !got.Equal(at) {
		t.Errorf("time %v: read %v, %v", at, got, err)
	}
	if SatInt64(math.MaxUint64) != math.MaxInt64 {
		t.Error("SatInt64 does not clamp")
	}
}

// TestScanRefusesWrongTypes: a column holding something else is an error,
// not a zero value.
func TestScanRefusesWrongTypes(t *testing.T) {
	var u uint64
	var b []byte
	var h [32]byte
	for name, err := range map[string]error{
		"u64 from text":     U64(&u).Scan("12"),
		"fixed wrong size":  Fixed(make([]byte, 16)).Scan(make([]byte, 15)),
		"hash from integer": Hash(&h).Scan(int64(1)),
		"bytes from int":    Bytes(&b).Scan(int64(1)),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
