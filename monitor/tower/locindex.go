package tower

import (
	"encoding/binary"
	"slices"
	"sync"
)

// LocatorIndex answers "might a stored appointment have this locator?"
// for every transaction of every block without touching the database. It
// keeps the first 8 bytes of each locator: a sorted array (8 bytes per
// appointment) with a bucket table over the top bits for a short search,
// plus a small set of recent additions merged in batches. A hit is
// confirmed against the store (a false positive costs one query; with 64
// bits and 10^7 appointments it is about one block in 10^8).
type LocatorIndex struct {
	mu     sync.RWMutex
	sorted []uint64
	bits   uint
	bucket []uint32 // bucket[i]: first index in sorted whose top bits >= i
	extra  map[uint64]struct{}
}

// NewLocatorIndex returns an empty index.
func NewLocatorIndex() *LocatorIndex {
	return &LocatorIndex{extra: map[uint64]struct{}{}}
}

// Prefix is the index key of a locator.
func Prefix(locator [16]byte) uint64 { return binary.BigEndian.Uint64(locator[:8]) }

// Add records a locator.
func (x *LocatorIndex) Add(locator [16]byte) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.extra[Prefix(locator)] = struct{}{}
	if len(x.extra) > max(1<<16, len(x.sorted)/16) {
		x.mergeLocked()
	}
}

// Build replaces the contents with prefixes (e.g. at start, from the store).
func (x *LocatorIndex) Build(prefixes []uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sorted = prefixes
	x.extra = map[uint64]struct{}{}
	x.mergeLocked()
}

func (x *LocatorIndex) mergeLocked() {
	for p := range x.extra {
		x.sorted = append(x.sorted, p)
	}
	x.extra = map[uint64]struct{}{}
	slices.Sort(x.sorted)
	x.sorted = slices.Compact(x.sorted)
	x.buildBucketsLocked()
}

// Remove forgets prefixes (of expired appointments). The caller checks
// first that no stored locator still has one of them: several locators
// can share a prefix, and removing a shared one would hide the others
// from matching. Absent prefixes are ignored.
func (x *LocatorIndex) Remove(prefixes []uint64) {
	if len(prefixes) == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	// Find each in sorted (a binary search each), then close the gaps in
	// one pass: a few per block among millions, without touching the rest
	// more than once.
	var at []int
	for _, p := range prefixes {
		delete(x.extra, p)
		if i, ok := slices.BinarySearch(x.sorted, p); ok {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return
	}
	slices.Sort(at)
	at = slices.Compact(at)
	w := at[0]
	for k, i := range at {
		end := len(x.sorted)
		if k+1 < len(at) {
			end = at[k+1]
		}
		w += copy(x.sorted[w:], x.sorted[i+1:end])
	}
	x.sorted = x.sorted[:w]
	x.buildBucketsLocked()
}

// buildBucketsLocked rebuilds the bucket table over sorted.
func (x *LocatorIndex) buildBucketsLocked() {
	// About one bucket per 4 entries, at most 2^22 buckets (16 MiB).
	x.bits = 1
	for (1<<x.bits)*4 < len(x.sorted) && x.bits < 22 {
		x.bits++
	}
	n := 1 << x.bits
	x.bucket = make([]uint32, n+1)
	shift := 64 - x.bits
	j := 0
	for i := 0; i <= n; i++ {
		for j < len(x.sorted) && int(x.sorted[j]>>shift) < i {
			j++
		}
		x.bucket[i] = uint32(j)
	}
}

// Contains reports whether a locator with this prefix may be stored.
func (x *LocatorIndex) Contains(locator [16]byte) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.containsLocked(Prefix(locator))
}

// Hits returns the indexes of the locators that may be stored, under one
// read lock (a block's worth of Contains calls spent a tenth of their time
// taking and releasing it).
func (x *LocatorIndex) Hits(locators [][16]byte) []int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var hits []int
	for i, l := range locators {
		if x.containsLocked(Prefix(l)) {
			hits = append(hits, i)
		}
	}
	return hits
}

func (x *LocatorIndex) containsLocked(p uint64) bool {
	if len(x.extra) > 0 {
		if _, ok := x.extra[p]; ok {
			return true
		}
	}
	if len(x.sorted) == 0 {
		return false
	}
	b := p >> (64 - x.bits)
	lo, hi := int(x.bucket[b]), int(x.bucket[b+1])
	_, found := slices.BinarySearch(x.sorted[lo:hi], p)
	return found
}

// Len is the number of distinct prefixes.
func (x *LocatorIndex) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.sorted) + len(x.extra)
}

// Bytes is the index's memory footprint, approximately.
func (x *LocatorIndex) Bytes() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return cap(x.sorted)*8 + len(x.bucket)*4 + len(x.extra)*48
}
