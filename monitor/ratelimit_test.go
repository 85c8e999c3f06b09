package monitor

import (
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	l := NewRateLimiter(2, 3)
	t0 := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if !l.Allow("a", t0) {
			t.Fatalf("burst token %d refused", i)
		}
	}
	if l.Allow("a", t0) {
		t.Fatal("allowed beyond the burst")
	}
	if !l.Allow("b", t0) {
		t.Fatal("one key's flood limited another key")
	}
	if !l.Allow("a", t0.Add(500*time.Millisecond)) || l.Allow("a", t0.Add(500*time.Millisecond)) {
		t.Fatal("refill at 2/s: one token after 0.5 s")
	}
	l.Allow("c", t0.Add(2*time.Minute)) // sweeps idle buckets
	if len(l.keys) != 1 {
		t.Fatalf("idle buckets not swept: %d", len(l.keys))
	}
	var off *RateLimiter
	if !off.Allow("x", t0) || !NewRateLimiter(0, 1).Allow("x", t0) {
		t.Fatal("a disabled limiter refused")
	}
}
