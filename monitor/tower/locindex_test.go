package tower

import (
	"crypto/rand"
	"encoding/binary"
	"slices"
	"testing"
)

func randLocator() (l [16]byte) {
	_, _ = rand.Read(l[:])
	return l
}

func TestLocatorIndex(t *testing.T) {
	x := NewLocatorIndex()
	var in [][16]byte
	for i := 0; i < 200_000; i++ {
		l := randLocator()
		in = append(in, l)
		x.Add(l) // crosses a merge
	}
	for _, l := range in {
		if !x.Contains(l) {
			t.Fatal("stored locator not found")
		}
	}
	misses := 0
	for i := 0; i < 100_000; i++ {
		if x.Contains(randLocator()) {
			misses++
		}
	}
	if misses > 0 {
		t.Fatalf("%d false positives in 100,000 random lookups", misses)
	}
	var prefixes []uint64
	for _, l := range in[:1000] {
		prefixes = append(prefixes, Prefix(l))
	}
	y := NewLocatorIndex()
	y.Build(prefixes)
	if !y.Contains(in[999]) || y.Contains(in[1000]) || y.Len() != 1000 {
		t.Fatal("Build")
	}
	if NewLocatorIndex().Contains(in[0]) {
		t.Fatal("empty index claims a locator")
	}
}

// TestHitsAgreesWithContains: the batch lookup finds exactly what Contains
// finds, from the sorted array and from recent additions.
func TestHitsAgreesWithContains(t *testing.T) {
	x := indexOf(10_000)
	var added [16]byte
	added[0], added[15] = 0xab, 1
	x.Add(added)
	locs := [][16]byte{added}
	for i, p := range x.sorted[:50] {
		var l [16]byte
		binary.BigEndian.PutUint64(l[:8], p)
		locs = append(locs, l)
		l[7] ^= byte(i + 1) // almost certainly absent
		locs = append(locs, l)
	}
	hits := x.Hits(locs)
	var want []int
	for i, l := range locs {
		if x.Contains(l) {
			want = append(want, i)
		}
	}
	if !slices.Equal(hits, want) || len(hits) < 51 {
		t.Fatalf("Hits %v, Contains %v", hits, want)
	}
}

// TestLocatorIndexRemove: removed prefixes are gone, from the sorted array
// and from the recent additions, whatever their positions (first, last,
// adjacent, repeated, absent); every other one is still found and the
// bucket table still answers for it.
func TestLocatorIndexRemove(t *testing.T) {
	x := NewLocatorIndex()
	var in [][16]byte
	var built []uint64
	for i := 0; i < 5000; i++ {
		l := randLocator()
		in = append(in, l)
		built = append(built, Prefix(l))
	}
	x.Build(built)
	for range 10 {
		l := randLocator()
		in = append(in, l)
		x.Add(l) // recent additions, not merged
	}
	if len(x.extra) != 10 {
		t.Fatalf("%d recent additions, want 10 unmerged", len(x.extra))
	}
	sorted := slices.Clone(x.sorted)
	gone := map[uint64]bool{
		sorted[0]: true, sorted[len(sorted)-1]: true, sorted[100]: true, sorted[101]: true, sorted[2500]: true,
		Prefix(in[len(in)-1]): true, Prefix(in[len(in)-3]): true,
	}
	var drop []uint64
	for p := range gone {
		drop = append(drop, p, p) // repeated
	}
	drop = append(drop, 0x0123_4567_89ab_cdef) // absent
	before := x.Len()
	x.Remove(drop)
	if x.Len() != before-len(gone) {
		t.Fatalf("Len %d after removing %d of %d", x.Len(), len(gone), before)
	}
	if !slices.IsSorted(x.sorted) {
		t.Fatal("sorted array out of order")
	}
	for _, l := range in {
		if got, want := x.Contains(l), !gone[Prefix(l)]; got != want {
			t.Fatalf("Contains(%x) = %v, want %v", l[:8], got, want)
		}
	}
	x.Remove(nil)
	x.Remove(drop) // again: nothing left to remove
	if x.Len() != before-len(gone) {
		t.Fatalf("Len %d after removing again", x.Len())
	}
}
