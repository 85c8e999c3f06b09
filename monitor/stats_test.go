package monitor

import (
	"context"
	"testing"
	"time"
)

// counterMap is a CounterStore in memory: what the registry reads at start
// and what its flushes add.
type counterMap map[string]int64

func (c counterMap) Counters(context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for k, v := range c {
		out[k] = v
	}
	return out, nil
}

func (c counterMap) AddCounters(_ context.Context, d map[string]int64) error {
	for k, v := range d {
		c[k] += v
	}
	return nil
}

// TestShareCounters: with shared counters the snapshot shows the base it
// is given, not this process's counts; when the base has nothing to give
// it shows this process's own.
func TestShareCounters(t *testing.T) {
	st := counterMap{"accepted.rest": 3}
	s, err := NewStats(context.Background(), st, "test", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	s.Count("accepted.rest", 1)
	base, ok := map[string]int64{"accepted.rest": 10, "rejected.rest.bad_hex": 2}, true
	s.ShareCounters(func() (map[string]int64, bool) { return base, ok })
	got := s.Snapshot(time.Unix(1, 0)).Counters
	if got["accepted.rest"] != 10 || got["rejected.rest.bad_hex"] != 2 || len(got) != 2 {
		t.Fatalf("shared counters: %v, want the base's", got)
	}
	ok = false
	if got := s.Snapshot(time.Unix(1, 0)).Counters; got["accepted.rest"] != 4 || len(got) != 1 {
		t.Fatalf("without a base: %v, want this process's own", got)
	}
	if err := s.Flush(context.Background(), st); err != nil || st["accepted.rest"] != 4 {
		t.Fatalf("flush: %v %v; this process's count still goes to the store", st, err)
	}
}
