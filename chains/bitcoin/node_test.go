package bitcoin

import "testing"

func TestNextBlockFloor(t *testing.T) {
	if _, ok := nextBlockFloor([]poolEntry{{5000, 1000}}, 1_000_000); ok {
		t.Fatal("a thin mempool has no floor")
	}
	var full []poolEntry
	for i := 0; i < 300; i++ { // 300 x 5,000 vB = 1.5 blocks, rates 1..300 sat/vB
		full = append(full, poolEntry{rate: int64(i+1) * 1000, vsize: 5000})
	}
	r, ok := nextBlockFloor(full, 1_000_000)
	// The top 200 (rates 300..101 sat/vB) fill the block; 100 sat/vB is
	// the first left out, so the floor is 101 sat/vB.
	if !ok || r != 101_000 {
		t.Fatalf("floor %d %v, want 101000", r, ok)
	}
}
