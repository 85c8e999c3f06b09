package sqlcol

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
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

// TestEventDataAndCursors: a chain event's fields and a page cursor read
// back as written; a malformed cursor is refused with bad_hex.
func TestEventDataAndCursors(t *testing.T) {
	in := proofs.ChainEvent{Participant: common.HexToAddress("0x1"), Payout: common.HexToAddress("0x2"), Nonce: 7,
		SettleTimeout: 40, Amount: new(big.Int).Lsh(big.NewInt(1), 200)}
	data, err := EncodeEventData(&in)
	if err != nil {
		t.Fatal(err)
	}
	var out proofs.ChainEvent
	if err := DecodeEventData(data, &out); err != nil || out.Participant != in.Participant || out.Payout != in.Payout ||
		out.Nonce != 7 || out.SettleTimeout != 40 || out.Amount.Cmp(in.Amount) != 0 || out.Amount2 != nil {
		t.Fatalf("event data %s read back as %+v, %v", data, out, err)
	}
	ch, nc := common.HexToAddress("0xc"), common.HexToAddress("0xd")
	if gc, gn, err := DecodePageCursor(EncodePageCursor(ch, nc)); err != nil || gc != ch || gn != nc {
		t.Fatalf("cursor read back as %s %s, %v", gc.Hex(), gn.Hex(), err)
	}
	if _, _, err := DecodePageCursor("zz"); monitor.AsError(err).Reason != monitor.ReasonBadHex {
		t.Fatalf("malformed cursor: %v", err)
	}
}
