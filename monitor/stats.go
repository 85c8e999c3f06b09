package monitor

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Per-source intake counters are named "<domain>received.<source>",
// "<domain>accepted.<source>" and "<domain>rejected.<source>.<reason>".
// The balance proofs' domain prefix is empty (the names are persisted and
// predate the watchtower), the watchtower's is "appointments.".
const (
	CounterReceived = "received."
	CounterAccepted = "accepted."
	CounterRejected = "rejected."
)

// Room intake counters.
const (
	CounterMatrixEvents         = "matrix.events_seen"
	CounterMatrixReceipts       = "matrix.receipts_posted"
	CounterMatrixReceiptsFailed = "matrix.receipts_failed"
	CounterMatrixParked         = "matrix.parked"
	// CounterMatrixGapsUnverified counts room gaps larger than the bus
	// reads in stream order: they were read by backward pagination, which
	// a homeserver may answer with events left out.
	CounterMatrixGapsUnverified = "matrix.gaps_unverified"
)

// Counter is how a stage reports what happened: it adds delta to a named,
// persisted counter. *Stats implements it.
type Counter interface {
	Count(name string, delta int64)
}

// Section is one domain's part of the stats: it fills its fields of the
// snapshot from its own figures and the named counters already in
// out.Counters (which it must not change).
type Section interface {
	FillSnapshot(out *StatsSnapshot)
}

// Stats is the registry behind /api/1/stats and /metrics: the persisted
// named counters, the room intake's view, and the domains' sections, which
// keep their own figures. Named counters are loaded from the store once at
// start and persisted by Flush (the daemon flushes every few seconds and
// at shutdown), so serving stats never recounts the database. Processes
// that share one store (replicas) show the store's counters instead of
// their own (ShareCounters).
type Stats struct {
	mu        sync.Mutex
	started   time.Time
	version   string
	counters  map[string]int64
	unflushed map[string]int64
	matrix    MatrixStatus
	sections  []Section
	shared    func() (map[string]int64, bool)
}

// MatrixStatus is the room intake's view, for stats.
type MatrixStatus struct {
	Enabled  bool
	RoomID   string
	LastSync time.Time
	// Lag is the age of the newest event handled, when it was handled.
	Lag time.Duration
	// Behind counts events received but not yet handled.
	Behind int
}

// CounterStore is the store as Stats reads and writes its named counters.
type CounterStore interface {
	// Counters returns the persisted named counters (never nil).
	Counters(ctx context.Context) (map[string]int64, error)
	// AddCounters adds deltas to persisted named counters.
	AddCounters(ctx context.Context, deltas map[string]int64) error
}

// NewStats starts the registry from the store's persisted counters.
func NewStats(ctx context.Context, st CounterStore, version string, now time.Time) (*Stats, error) {
	c, err := st.Counters(ctx)
	if err != nil {
		return nil, err
	}
	s := &Stats{started: now, version: version, counters: map[string]int64{}, unflushed: map[string]int64{}}
	for k, v := range c {
		s.counters[k] = v
	}
	return s, nil
}

// Register adds a domain's section to the snapshot. The daemon registers
// every section before anything is served.
func (s *Stats) Register(sec Section) {
	s.mu.Lock()
	s.sections = append(s.sections, sec)
	s.mu.Unlock()
}

// ShareCounters makes the snapshot's named counters those of every
// process counting into the store: base returns them (as persisted, with
// this process's flushed; the caller caches it), or false when it has
// none to give, and the snapshot then shows this process's own. base must
// not take a snapshot.
func (s *Stats) ShareCounters(base func() (map[string]int64, bool)) {
	s.mu.Lock()
	s.shared = base
	s.mu.Unlock()
}

// Count adds delta to a named counter.
func (s *Stats) Count(name string, delta int64) {
	s.mu.Lock()
	s.counters[name] += delta
	s.unflushed[name] += delta
	s.mu.Unlock()
}

// Value returns a named counter.
func (s *Stats) Value(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counters[name]
}

// Seed sets named counters to exact values recounted from the store, so
// they are right even after a crash lost unflushed increments; the
// difference is persisted by the next Flush.
func (s *Stats) Seed(values map[string]int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, v := range values {
		s.unflushed[name] += v - s.counters[name]
		s.counters[name] = v
	}
}

// SetMatrix records the room intake's latest view.
func (s *Stats) SetMatrix(f func(*MatrixStatus)) {
	s.mu.Lock()
	f(&s.matrix)
	s.mu.Unlock()
}

// Matrix is a copy of the room intake's view, for health checks.
func (s *Stats) Matrix() MatrixStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.matrix
}

// Flush persists counter deltas accumulated since the last flush.
func (s *Stats) Flush(ctx context.Context, st CounterStore) error {
	s.mu.Lock()
	d := s.unflushed
	s.unflushed = map[string]int64{}
	s.mu.Unlock()
	if len(d) == 0 {
		return nil
	}
	if err := st.AddCounters(ctx, d); err != nil {
		s.mu.Lock()
		for k, v := range d {
			s.unflushed[k] += v
		}
		s.mu.Unlock()
		return err
	}
	return nil
}

// StatsSnapshot is the /api/1/stats document.
type StatsSnapshot struct {
	Version       string            `json:"version"`
	StartedAt     string            `json:"started_at"`
	UptimeSeconds int64             `json:"uptime_seconds"`
	BalanceProofs BalanceProofStats `json:"balance_proofs"`
	Updates       UpdateStats       `json:"updates"`
	Ethereum      EthereumStats     `json:"ethereum"`
	Matrix        MatrixStats       `json:"matrix"`
	Lightning     LightningStats    `json:"lightning"`
	Counters      map[string]int64  `json:"counters"`
	// Replica is set on replicas sharing a PostgreSQL store: the acting
	// roles this replica holds now.
	Replica *ReplicaStatus `json:"replica,omitempty"`
	// Store is set for the SQLite store: its disk reserve.
	Store *StoreStats `json:"store,omitempty"`
}

// StoreStats is the SQLite store's disk reserve. ReserveReleased is true
// from the moment a full disk made the store release the reserve (to the
// watchers and responders; new requests are refused storage_unavailable)
// until free space let it be re-created.
type StoreStats struct {
	ReserveBytes    int64 `json:"reserve_bytes"`
	ReserveReleased bool  `json:"reserve_released"`
	// ReserveReleases counts releases since the daemon started.
	ReserveReleases int64 `json:"reserve_releases"`
	// FreeBytes is the data directory's free space, -1 when unknown.
	FreeBytes int64 `json:"free_bytes"`
}

// ReplicaStatus is what a replica leads: the roles it holds ("ethereum",
// "bitcoin", "matrix"; empty on a follower) and each one's term.
type ReplicaStatus struct {
	Roles []string         `json:"roles"`
	Terms map[string]int64 `json:"terms"`
}

// BalanceProofStats is the balance-proof intake's part of the snapshot.
type BalanceProofStats struct {
	Stored            int64            `json:"stored"`
	Received          map[string]int64 `json:"received"`
	Accepted          map[string]int64 `json:"accepted"`
	Rejected          int64            `json:"rejected"`
	RejectedByReason  map[string]int64 `json:"rejected_by_reason"`
	RejectedBySource  map[string]int64 `json:"rejected_by_source"`
	UniqueChannels    int64            `json:"unique_channels"`
	UniqueParticipant int64            `json:"unique_participants"`
}

// UpdateStats is the balance-proof responder's part of the snapshot.
type UpdateStats struct {
	Submitted      int64  `json:"submitted"`
	Won            int64  `json:"won"`
	Missed         int64  `json:"missed"`
	Standdowns     int64  `json:"standdowns"`
	RewardsEarned  string `json:"rewards_earned_wei"`
	GasSpent       string `json:"gas_spent_wei"`
	NetEarningsWei string `json:"net_earnings_wei"`
}

// EthereumStats is the Ethereum watcher's part of the snapshot.
type EthereumStats struct {
	ChainID           string `json:"chain_id"`
	Head              uint64 `json:"head"`
	LastProcessed     uint64 `json:"last_processed_block"`
	LastProcessedHash string `json:"last_processed_hash"`
	BlocksBehind      uint64 `json:"blocks_behind"`
	Confirmations     uint64 `json:"confirmations"`
	LastPoll          string `json:"last_poll,omitempty"`
	Monitor           string `json:"monitor_address"`
	Payout            string `json:"payout_address"`
	Balance           string `json:"balance_wei,omitempty"`
	UpdateGas         uint64 `json:"update_gas,omitempty"`
	// NodeState is "in_sync" or "out_of_sync"; NodeProblemCode (a
	// Sync* code) and NodeProblem say why.
	NodeState          string `json:"node_state"`
	NodeProblemCode    string `json:"node_problem_code,omitempty"`
	NodeProblem        string `json:"node_problem,omitempty"`
	LastSuccessfulPoll string `json:"last_successful_poll,omitempty"`
	// HeadTime is when the head's age counts from: its block's timestamp,
	// or when Vigil first saw that block number if earlier; HeadAgeSeconds
	// is that age (both absent before the first head). Stalled is true
	// while the age exceeds StallAfterSeconds (ethereum.stall_after; 0:
	// the check is off). See HeadStall.
	HeadTime          string   `json:"head_time,omitempty"`
	HeadAgeSeconds    *float64 `json:"head_age_seconds,omitempty"`
	Stalled           bool     `json:"stalled"`
	StallAfterSeconds float64  `json:"stall_after_seconds"`
	// Registration is the monitor's entry in the monitor registry, as last
	// read (its payout is payout_address).
	Registration *RegistrationStats `json:"registration,omitempty"`
	// Mode is "monitor" (accepts requests and acts) or "observe" (watches
	// and records only: ethereum.observe_only).
	Mode string `json:"mode"`
	// ScheduledUpdates are the soonest updates the responder holds (at most
	// 50, by act block); ScheduledTotal counts all it holds.
	ScheduledUpdates []ScheduledUpdateStats `json:"scheduled_updates"`
	ScheduledTotal   int                    `json:"scheduled_updates_total"`
}

// ScheduledUpdateStats is one update the responder holds for a closed
// channel: the nonce it would record, the first block the channel admits
// this monitor's update (its slot), the block its strategy acts from, the
// window's last block, and whether its transaction is out.
type ScheduledUpdateStats struct {
	Channel       string `json:"channel_address"`
	Nonce         uint64 `json:"nonce"`
	SlotBlock     uint64 `json:"slot_block"`
	ActBlock      uint64 `json:"act_block"`
	DeadlineBlock uint64 `json:"deadline_block"`
	Sent          bool   `json:"sent"`
}

// RegistrationStats is a monitor's registration as the snapshot shows it.
// Status is "active" (channels admit its updates; it accepts requests),
// "not_yet_active", "exited" (announced, or its deposit slashed below
// min_deposit_wei) or "not_registered", at block checked_block.
type RegistrationStats struct {
	MonitorRegistry string `json:"monitor_registry"`
	DepositWei      string `json:"deposit_wei"`
	ActiveFromBlock uint64 `json:"active_from_block"`
	Status          string `json:"status,omitempty"`
	ExitBlock       uint64 `json:"exit_block,omitempty"`
	MinDepositWei   string `json:"min_deposit_wei,omitempty"`
	CheckedBlock    uint64 `json:"checked_block,omitempty"`
}

// MatrixStats is the room intake's part of the snapshot.
type MatrixStats struct {
	Enabled        bool             `json:"enabled"`
	RoomID         string           `json:"room_id,omitempty"`
	EventsSeen     int64            `json:"events_seen"`
	Accepted       int64            `json:"accepted"`
	Rejected       int64            `json:"rejected"`
	RejectedBy     map[string]int64 `json:"rejected_by_reason"`
	ReceiptsPosted int64            `json:"receipts_posted"`
	ReceiptsFailed int64            `json:"receipts_failed"`
	// GapsUnverified counts gaps read by backward pagination only: events
	// of those spans may have been missed.
	GapsUnverified int64   `json:"gaps_unverified"`
	LastSync       string  `json:"last_sync,omitempty"`
	LagSeconds     float64 `json:"sync_lag_seconds"`
	EventsBehind   int     `json:"events_behind"`
}

// LightningStats is the watchtower's part of the snapshot.
type LightningStats struct {
	Enabled              bool             `json:"enabled"`
	Tip                  uint32           `json:"tip"`
	LastProcessed        uint32           `json:"last_processed_block"`
	LastPoll             string           `json:"last_poll,omitempty"`
	AppointmentsStored   int64            `json:"appointments_stored"`
	AppointmentsAccepted int64            `json:"appointments_accepted"`
	Rejected             int64            `json:"appointments_rejected"`
	RejectedByReason     map[string]int64 `json:"rejected_by_reason"`
	BreachesSeen         int64            `json:"breaches_seen"`
	JusticeBroadcast     int64            `json:"justice_broadcast"`
	JusticeConfirmed     int64            `json:"justice_confirmed"`
	BountyEarnedSat      int64            `json:"bounty_earned_sat"`
	JusticeProblems      map[string]int64 `json:"justice_problems"`
	// JusticeLost counts justice records that ended lost, by reason
	// (spent_by_cheater and deadline_passed: the client's money may be
	// gone; spent_by_other_justice: another justice protected it).
	JusticeLost map[string]int64 `json:"justice_lost"`
	// NodeState is "in_sync" or "out_of_sync"; NodeProblemCode (a
	// Sync* code) and NodeProblem say why.
	NodeState          string `json:"node_state"`
	NodeProblemCode    string `json:"node_problem_code,omitempty"`
	NodeProblem        string `json:"node_problem,omitempty"`
	LastSuccessfulPoll string `json:"last_successful_poll,omitempty"`
	// TipTime, TipAgeSeconds, Stalled and StallAfterSeconds are the tip's
	// age and whether the node is stalled (bitcoin.stall_after), as for
	// Ethereum's head (EthereumStats.HeadTime).
	TipTime           string   `json:"tip_time,omitempty"`
	TipAgeSeconds     *float64 `json:"tip_age_seconds,omitempty"`
	Stalled           bool     `json:"stalled"`
	StallAfterSeconds float64  `json:"stall_after_seconds"`
}

// Snapshot returns a copy of the figures: the registry's under its lock,
// then each section's under its own.
func (s *Stats) Snapshot(now time.Time) StatsSnapshot {
	s.mu.Lock()
	shared := s.shared
	s.mu.Unlock()
	counters, ok := map[string]int64(nil), false
	if shared != nil { // outside the lock: it may read the store
		counters, ok = shared()
	}
	s.mu.Lock()
	if !ok {
		counters = s.counters
	}
	var out StatsSnapshot
	out.Version = s.version
	out.StartedAt = s.started.UTC().Format(time.RFC3339)
	out.UptimeSeconds = int64(now.Sub(s.started).Seconds())
	out.Counters = make(map[string]int64, len(counters))
	for k, v := range counters {
		out.Counters[k] = v
	}
	out.Matrix = s.matrixStats(out.Counters)
	sections := append([]Section(nil), s.sections...)
	s.mu.Unlock()

	for _, sec := range sections {
		sec.FillSnapshot(&out)
	}
	return out
}

// matrixStats is the room's part: its view, its own counters, and the
// rejections of room messages by either domain's intake.
func (s *Stats) matrixStats(counters map[string]int64) MatrixStats {
	m := MatrixStats{Enabled: s.matrix.Enabled, RoomID: s.matrix.RoomID, EventsBehind: s.matrix.Behind}
	m.LagSeconds = s.matrix.Lag.Seconds()
	if !s.matrix.LastSync.IsZero() {
		m.LastSync = s.matrix.LastSync.UTC().Format(time.RFC3339)
	}
	m.EventsSeen = counters[CounterMatrixEvents]
	// Accepted counts balance proofs taken from the room.
	m.Accepted = counters[CounterAccepted+"matrix"]
	m.ReceiptsPosted = counters[CounterMatrixReceipts]
	m.ReceiptsFailed = counters[CounterMatrixReceiptsFailed]
	m.GapsUnverified = counters[CounterMatrixGapsUnverified]
	m.RejectedBy = map[string]int64{}
	for k, v := range counters {
		if reason, ok := rejectedFrom(k, "matrix"); ok {
			m.Rejected += v
			m.RejectedBy[reason] += v
		}
	}
	return m
}

// rejectedFrom tells whether name counts rejections of messages from
// source, in either domain, and of which reason.
func rejectedFrom(name, source string) (reason string, ok bool) {
	prefix := CounterRejected + source + "."
	if reason, ok := strings.CutPrefix(name, prefix); ok {
		return reason, true
	}
	_, rest, found := strings.Cut(name, ".")
	if !found {
		return "", false
	}
	return strings.CutPrefix(rest, prefix)
}

// Node states in the stats.
const (
	NodeInSync    = "in_sync"
	NodeOutOfSync = "out_of_sync"
)

// NodeState is the stats' word for a node's sync problem p.
func NodeState(p OutOfSync) string {
	if p.Code != "" {
		return NodeOutOfSync
	}
	return NodeInSync
}
