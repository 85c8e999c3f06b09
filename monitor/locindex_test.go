package monitor

import (
	"crypto/rand"
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
