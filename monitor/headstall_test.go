package monitor

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func newTestStall(after time.Duration) (*HeadStall, *bytes.Buffer) {
	var buf bytes.Buffer
	return NewHeadStall("bitcoin", after, slog.New(slog.NewTextHandler(&buf, nil))), &buf
}

// TestHeadStallAgeFromTimestamp: a head whose block is older than After is
// stalled at once, even on the first observation (a node already stuck
// when Vigil starts); a newer head clears it; each change is logged once.
func TestHeadStallAgeFromTimestamp(t *testing.T) {
	s, logs := newTestStall(time.Hour)
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if st := s.Status(t0); st.Known || st.Stalled {
		t.Fatalf("before any head: %+v", st)
	}
	s.Observe(t0, 100, t0.Add(-90*time.Minute))
	st := s.Status(t0)
	if !st.Known || !st.Stalled || st.Age != 90*time.Minute || st.Number != 100 || st.After != time.Hour {
		t.Fatalf("a head 90 min old: %+v", st)
	}
	for i := 1; i <= 5; i++ {
		s.Observe(t0.Add(time.Duration(i)*time.Second), 100, t0.Add(-90*time.Minute))
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Fatalf("logged %d times at error, want once:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "check the node's peers") || !strings.Contains(logs.String(), "head=100") {
		t.Fatalf("the error line: %s", logs)
	}
	// The age keeps counting between observations.
	if st := s.Status(t0.Add(time.Minute)); st.Age != 91*time.Minute || !st.Stalled {
		t.Fatalf("a minute later: %+v", st)
	}
	now := t0.Add(10 * time.Second)
	s.Observe(now, 101, now.Add(-30*time.Second))
	if st := s.Status(now); st.Stalled || st.Age != 30*time.Second {
		t.Fatalf("a new head: %+v", st)
	}
	if n := strings.Count(logs.String(), "level=INFO msg=\"chain node's head advances again\""); n != 1 {
		t.Fatalf("recovery logged %d times at info, want once:\n%s", n, logs)
	}
	s.Observe(now.Add(time.Second), 101, now.Add(-30*time.Second))
	if n := strings.Count(logs.String(), "level="); n != 2 {
		t.Fatalf("want exactly two lines (stall, recovery):\n%s", logs)
	}
}

// TestHeadStallFrozenHeadStampedAhead: a head stamped in the future (or
// freshly re-stamped by a lying node) that does not move is stalled once
// Vigil has seen the same number for longer than After by its own clock.
func TestHeadStallFrozenHeadStampedAhead(t *testing.T) {
	s, logs := newTestStall(time.Hour)
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for m := 0; m <= 60; m += 10 {
		now := t0.Add(time.Duration(m) * time.Minute)
		s.Observe(now, 7, now.Add(2*time.Hour)) // always looks ahead of now
		if st := s.Status(now); st.Stalled || st.Age != time.Duration(m)*time.Minute {
			t.Fatalf("after %d min: %+v", m, st)
		}
	}
	now := t0.Add(61 * time.Minute)
	s.Observe(now, 7, now.Add(2*time.Hour))
	if st := s.Status(now); !st.Stalled || !st.Time.Equal(t0) {
		t.Fatalf("the same head for 61 min: %+v", st)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Fatalf("logged %d times at error:\n%s", n, logs)
	}
}

// TestHeadStallNumberChangeEitherWay: any change of the head number (a
// reorg to a shorter chain too) restarts the wall clock; the timestamp
// still counts.
func TestHeadStallNumberChangeEitherWay(t *testing.T) {
	s, _ := newTestStall(time.Minute)
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s.Observe(t0, 10, time.Time{}) // no timestamp: wall clock only
	s.Observe(t0.Add(2*time.Minute), 10, time.Time{})
	if !s.Status(t0.Add(2 * time.Minute)).Stalled {
		t.Fatal("the same number for 2 min, no timestamp: not stalled")
	}
	now := t0.Add(3 * time.Minute)
	s.Observe(now, 9, time.Time{})
	if st := s.Status(now); st.Stalled || st.Age != 0 {
		t.Fatalf("a new (lower) head: %+v", st)
	}
	s.Observe(now.Add(time.Second), 8, now.Add(-5*time.Minute))
	if st := s.Status(now.Add(time.Second)); !st.Stalled {
		t.Fatalf("a new head stamped 5 min ago: %+v", st)
	}
}

// TestHeadStallDisabled: After 0 reports the age and never stalls.
func TestHeadStallDisabled(t *testing.T) {
	s, logs := newTestStall(0)
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s.Observe(t0, 5, t0.Add(-24*time.Hour))
	if st := s.Status(t0); st.Stalled || st.Age != 24*time.Hour || st.After != 0 {
		t.Fatalf("disabled: %+v", st)
	}
	if logs.Len() != 0 {
		t.Fatalf("logged with the check off: %s", logs)
	}
	var nilStall *HeadStall
	if st := nilStall.Status(t0); st.Known {
		t.Fatalf("nil: %+v", st)
	}
}

// TestHeadStallForget: after Forget nothing is known or stalled, and the
// next head is judged afresh (its stall logged again).
func TestHeadStallForget(t *testing.T) {
	s, logs := newTestStall(time.Minute)
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s.Observe(t0, 3, t0.Add(-time.Hour))
	s.Forget()
	if st := s.Status(t0); st.Known || st.Stalled {
		t.Fatalf("after Forget: %+v", st)
	}
	s.Observe(t0, 3, t0.Add(-time.Hour))
	if !s.Status(t0).Stalled || strings.Count(logs.String(), "level=ERROR") != 2 {
		t.Fatalf("judged afresh: %+v\n%s", s.Status(t0), logs)
	}
}
