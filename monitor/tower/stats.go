package tower

import (
	"strings"
	"sync"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
)

// The watchtower's named counters. The first five are prefixes: the
// watchtower appends the source ("rest", "matrix"), the source, "." and
// the reason, or the reason.
const (
	counterDomain               = "appointments."
	CounterAppointmentsReceived = counterDomain + monitor.CounterReceived
	CounterAppointmentsAccepted = counterDomain + monitor.CounterAccepted
	CounterAppointmentsRejected = counterDomain + monitor.CounterRejected
	CounterJusticeFailed        = "justice.failed."
	CounterJusticeLost          = "justice.lost."
	// CounterAppointmentsStored counts the stored appointments: new (not
	// replacing) ones add, expired ones subtract.
	CounterAppointmentsStored = "appointments.stored"
	CounterBreachesSeen       = "breaches.seen"
	CounterJusticeBroadcast   = "justice.broadcast"
	CounterJusticeConfirmed   = "justice.confirmed"
	CounterBountySat          = "justice.bounty_sat"
)

// Totals are the watchtower's aggregates, recounted from the store at
// start.
type Totals struct {
	Appointments int64
	Breaches     int64 // distinct breach transactions responded to
	Broadcast    int64
	Confirmed    int64
	BountySat    int64 // bounty in confirmed justice transactions
	// Lost justice records by reason: ReasonSpentByJustice,
	// ReasonSpentByCheater, ReasonDeadlinePassed.
	LostToJustice, LostToCheater, LostAtDeadline int64
}

// BitcoinStatus is the Bitcoin watcher's view, for stats.
type BitcoinStatus struct {
	Enabled   bool
	Tip       uint32
	Processed uint32
	LastPoll  time.Time
	// LastSuccess is the end of the last poll that followed the node's
	// chain to its tip; OutOfSync says why the node is not followed (zero
	// in sync).
	LastSuccess time.Time
	OutOfSync   monitor.OutOfSync
}

// Registry is the stats registry as the watchtower's figures use it: its
// figures are named counters there. *monitor.Stats implements it.
type Registry interface {
	monitor.Counter
	Value(name string) int64
	Seed(values map[string]int64)
}

// Stats keeps the watchtower's figures: its named counters, kept in the
// registry, and the Bitcoin watcher's view. It is the watchtower's
// monitor.Section; the tower's stages count through the registry's
// monitor.Counter.
type Stats struct {
	reg     Registry
	mu      sync.Mutex
	bitcoin BitcoinStatus
}

// NewStats returns the watchtower's figures kept in reg.
func NewStats(reg Registry) *Stats { return &Stats{reg: reg} }

// Seed sets the watchtower's counters from the store's totals at start, so
// they are exact even after a crash lost unflushed counter increments. A
// lost-by-reason counter is created only when it has something to say.
func (s *Stats) Seed(t Totals) { s.reg.Seed(t.Counters(s.reg.Value)) }

// Counters are the named counters that t's figures set: each total, and
// each lost-by-reason count that is not zero or whose counter has a value
// now (now may be nil).
func (t Totals) Counters(now func(name string) int64) map[string]int64 {
	values := map[string]int64{CounterAppointmentsStored: t.Appointments, CounterBreachesSeen: t.Breaches,
		CounterJusticeBroadcast: t.Broadcast, CounterJusticeConfirmed: t.Confirmed, CounterBountySat: t.BountySat}
	for r, v := range map[monitor.Reason]int64{monitor.ReasonSpentByJustice: t.LostToJustice,
		monitor.ReasonSpentByCheater: t.LostToCheater, monitor.ReasonDeadlinePassed: t.LostAtDeadline} {
		name := CounterJusticeLost + string(r)
		if v != 0 || (now != nil && now(name) != 0) {
			values[name] = v
		}
	}
	return values
}

// SetBitcoin records the Bitcoin watcher's latest view.
func (s *Stats) SetBitcoin(f func(*BitcoinStatus)) {
	s.mu.Lock()
	s.bitcoin.Enabled = true
	f(&s.bitcoin)
	s.mu.Unlock()
}

// Bitcoin is a copy of the Bitcoin watcher's view, for health checks.
func (s *Stats) Bitcoin() BitcoinStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bitcoin
}

// FillSnapshot fills the Lightning part.
func (s *Stats) FillSnapshot(out *monitor.StatsSnapshot) {
	b := s.Bitcoin()
	counters := out.Counters
	l := &out.Lightning
	l.Enabled, l.Tip, l.LastProcessed = b.Enabled, b.Tip, b.Processed
	if !b.LastPoll.IsZero() {
		l.LastPoll = b.LastPoll.UTC().Format(time.RFC3339)
	}
	l.NodeState, l.NodeProblemCode, l.NodeProblem = monitor.NodeState(b.OutOfSync), b.OutOfSync.Code, b.OutOfSync.Detail
	if !b.LastSuccess.IsZero() {
		l.LastSuccessfulPoll = b.LastSuccess.UTC().Format(time.RFC3339Nano)
	}
	l.AppointmentsStored = counters[CounterAppointmentsStored]
	l.BreachesSeen = counters[CounterBreachesSeen]
	l.JusticeBroadcast = counters[CounterJusticeBroadcast]
	l.JusticeConfirmed = counters[CounterJusticeConfirmed]
	l.BountyEarnedSat = counters[CounterBountySat]
	l.RejectedByReason, l.JusticeProblems, l.JusticeLost = map[string]int64{}, map[string]int64{}, map[string]int64{}
	for k, v := range counters {
		if _, ok := strings.CutPrefix(k, CounterAppointmentsAccepted); ok {
			l.AppointmentsAccepted += v
		} else if rest, ok := strings.CutPrefix(k, CounterAppointmentsRejected); ok {
			_, reason, _ := strings.Cut(rest, ".")
			l.Rejected += v
			l.RejectedByReason[reason] += v
		} else if reason, ok := strings.CutPrefix(k, CounterJusticeFailed); ok {
			l.JusticeProblems[reason] += v
		} else if reason, ok := strings.CutPrefix(k, CounterJusticeLost); ok {
			l.JusticeLost[reason] += v
		}
	}
}
