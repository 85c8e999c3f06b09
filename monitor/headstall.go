package monitor

import (
	"log/slog"
	"sync"
	"time"
)

// HealthNodeStalled is the /healthz code of a chain part whose node's head
// is older than its stall_after (HeadStall). Never rename it: alerts and
// load balancers match it.
const HealthNodeStalled = "node_stalled"

// HeadStall judges whether a chain node's head still advances.
//
// A node cut off from its peers, or eclipsed by an attacker, stays on the
// right chain and answers every call: it is not out of sync (NodeSync),
// and the watcher's polls succeed. What gives it away is its head's age.
// The head's age is counted from the head block's own timestamp or from
// when Vigil first saw that block number, whichever is earlier:
//
//   - the timestamp catches a node that was already stuck when Vigil
//     started (the wall clock alone would need stall_after first);
//   - the wall clock catches a head stamped in the future (Bitcoin admits
//     blocks up to two hours ahead; a lying node may stamp what it likes),
//     which would otherwise look fresh while it does not move.
//
// A node is stalled while that age exceeds After (After 0: never). The
// judgement is made when the watcher reads the head (Observe); it logs
// once per change of state: at error when the node stalls, with what to
// do, at info when it advances again.
//
// Stalled is no reason to refuse intake: what such a node says is true,
// only late. It is for the operator, through the stats, the metrics and
// /healthz (HealthNodeStalled).
type HeadStall struct {
	chain string
	after time.Duration
	log   *slog.Logger

	mu        sync.Mutex
	known     bool      // a head was observed
	number    uint64    // the head's number
	stamp     time.Time // the head's timestamp, as the node says (zero: unknown)
	firstSeen time.Time // when Vigil first saw this head number
	stalled   bool
	since     time.Time // of the current state
}

// NewHeadStall judges chain's node against after (0 disables the check:
// the age is still reported).
func NewHeadStall(chain string, after time.Duration, log *slog.Logger) *HeadStall {
	if log == nil {
		log = slog.Default()
	}
	return &HeadStall{chain: chain, after: after, log: log}
}

// HeadStatus is a HeadStall's view at one moment.
type HeadStatus struct {
	Known   bool      // a head was observed; the rest is zero until then
	Number  uint64    // the head's number
	Time    time.Time // the moment its age counts from (see HeadStall)
	Age     time.Duration
	Stalled bool          // as judged when the head was last read
	After   time.Duration // the threshold (0: the check is off)
}

// Observe records the head the watcher just read: its number and its
// block's timestamp (zero when unknown: then only the wall clock counts),
// and judges it at now.
func (s *HeadStall) Observe(now time.Time, number uint64, stamp time.Time) {
	s.mu.Lock()
	if !s.known || number != s.number {
		s.known, s.number, s.firstSeen = true, number, now
	}
	s.stamp = stamp
	st := s.statusLocked(now)
	stalled := s.after > 0 && st.Age > s.after
	prev, since := s.stalled, s.since
	if stalled != prev || s.since.IsZero() {
		s.stalled, s.since = stalled, now
	}
	s.mu.Unlock()
	switch {
	case stalled && !prev:
		s.log.Error("chain node's head is not advancing: check the node's peers and compare its head with another source (a block explorer, a second node); channels may be closing unseen",
			"chain", s.chain, "head", number, "head_time", st.Time.UTC().Format(time.RFC3339), "head_age", st.Age.Round(time.Second),
			"stall_after", s.after)
	case !stalled && prev:
		s.log.Info("chain node's head advances again", "chain", s.chain, "head", number,
			"head_age", st.Age.Round(time.Second), "stalled_for", now.Sub(since).Round(time.Second))
	}
}

// Forget drops what was observed, unlogged: the watcher that read the
// heads stopped (a replica that no longer leads the chain's role), and
// what it last saw must not age on in this process's stats. The next
// Observe starts afresh.
func (s *HeadStall) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.known, s.number, s.stamp, s.firstSeen, s.stalled, s.since = false, 0, time.Time{}, time.Time{}, false, time.Time{}
}

// Status is the view at now: the head's age counted to now, and whether
// it was judged stalled when last read.
func (s *HeadStall) Status(now time.Time) HeadStatus {
	if s == nil {
		return HeadStatus{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statusLocked(now)
}

func (s *HeadStall) statusLocked(now time.Time) HeadStatus {
	st := HeadStatus{After: s.after}
	if !s.known {
		return st
	}
	st.Known, st.Number, st.Stalled = true, s.number, s.stalled
	st.Time = s.firstSeen
	if !s.stamp.IsZero() && s.stamp.Before(st.Time) {
		st.Time = s.stamp
	}
	st.Age = max(now.Sub(st.Time), 0)
	return st
}

// Fields are the status as the stats show it: the moment the age counts
// from (RFC 3339) and the age in seconds, both empty before the first
// head; whether stalled; the threshold in seconds.
func (st HeadStatus) Fields() (at string, age *float64, stalled bool, after float64) {
	if st.Known {
		a := st.Age.Seconds()
		at, age = st.Time.UTC().Format(time.RFC3339Nano), &a
	}
	return at, age, st.Stalled, st.After.Seconds()
}
