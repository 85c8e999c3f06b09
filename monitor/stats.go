package monitor

import (
	"context"
	"math/big"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Counter names persisted in the store. Per-reason rejection counters are
// "rejected.<source>.<reason>".
const (
	counterReceived = "received."
	counterAccepted = "accepted."
	counterRejected = "rejected."

	// Room intake counters.
	CounterMatrixEvents         = "matrix.events_seen"
	CounterMatrixReceipts       = "matrix.receipts_posted"
	CounterMatrixReceiptsFailed = "matrix.receipts_failed"
	CounterMatrixParked         = "matrix.parked"
)

// Stats keeps the figures served by /api/1/stats and /metrics. Totals are
// loaded from the store once at start and then kept in step with every
// commit, so serving stats never recounts the database. Named counters are
// persisted by Flush (the daemon flushes every few seconds and at shutdown).
type Stats struct {
	mu        sync.Mutex
	started   time.Time
	version   string
	totals    Totals
	counters  map[string]int64
	unflushed map[string]int64
	chain     ChainStatus
	matrix    MatrixStatus
	bitcoin   BitcoinStatus
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
	OutOfSync   OutOfSync
}

// SetBitcoin records the Bitcoin watcher's latest view.
func (s *Stats) SetBitcoin(f func(*BitcoinStatus)) {
	s.mu.Lock()
	s.bitcoin.Enabled = true
	f(&s.bitcoin)
	s.mu.Unlock()
}

// SetMatrix records the room intake's latest view.
func (s *Stats) SetMatrix(f func(*MatrixStatus)) {
	s.mu.Lock()
	f(&s.matrix)
	s.mu.Unlock()
}

// ChainStatus is the Ethereum watcher's view, for stats.
type ChainStatus struct {
	ChainID       *big.Int
	Head          uint64
	LastProcessed Cursor
	Confirmations uint64
	LastPoll      time.Time
	Monitor       common.Address
	Payout        common.Address
	Balance       *big.Int
	// UpdateGas is the gas one update is expected to cost, as learned.
	UpdateGas uint64
	// LastSuccess is the end of the last poll that followed the node's
	// chain to its head; OutOfSync says why the node is not followed (zero
	// in sync).
	LastSuccess time.Time
	OutOfSync   OutOfSync
}

// TotalsStore is the store as NewStats reads it: the aggregates of the
// Ethereum side and the persisted named counters.
type TotalsStore interface {
	Totals(ctx context.Context) (Totals, error)
}

// CounterStore is the store as Flush writes it.
type CounterStore interface {
	// AddCounters adds deltas to persisted named counters.
	AddCounters(ctx context.Context, deltas map[string]int64) error
}

// NewStats starts stats from the store's totals.
func NewStats(ctx context.Context, st TotalsStore, version string, now time.Time) (*Stats, error) {
	t, err := st.Totals(ctx)
	if err != nil {
		return nil, err
	}
	s := &Stats{started: now, version: version, totals: t, counters: map[string]int64{}, unflushed: map[string]int64{}}
	for k, v := range t.Counters {
		s.counters[k] = v
	}
	if s.totals.RewardsWon == nil {
		s.totals.RewardsWon = new(big.Int)
	}
	if s.totals.GasSpent == nil {
		s.totals.GasSpent = new(big.Int)
	}
	return s, nil
}

// Count adds delta to a named counter.
func (s *Stats) Count(name string, delta int64) {
	s.mu.Lock()
	s.counters[name] += delta
	s.unflushed[name] += delta
	s.mu.Unlock()
}

// Received, Accepted and Rejected count intake outcomes per source.
func (s *Stats) Received(source string) { s.Count(counterReceived+source, 1) }

// Accepted counts an accepted request and what it added to the store.
func (s *Stats) Accepted(source string, r SaveResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := counterAccepted + source
	s.counters[name]++
	s.unflushed[name]++
	if !r.Duplicate && !r.Replaced {
		s.totals.Requests++
	}
	if r.NewChannel {
		s.totals.Channels++
	}
	s.totals.Participants += int64(r.NewParticipants)
}

// Rejected counts a rejection by reason.
func (s *Stats) Rejected(source string, reason Reason) {
	s.Count(counterRejected+source+"."+string(reason), 1)
}

// Deleted counts requests removed by an operator.
func (s *Stats) Deleted(n int64) {
	s.mu.Lock()
	s.totals.Requests -= n
	s.mu.Unlock()
}

// Submitted counts an update transaction sent for the first time.
func (s *Stats) Submitted() {
	s.mu.Lock()
	s.totals.Submitted++
	s.mu.Unlock()
}

// Missed counts a window that closed with our newer proof not on chain.
func (s *Stats) Missed() {
	s.mu.Lock()
	s.totals.Missed++
	s.mu.Unlock()
}

// StoodDown counts a decision to wait for a competitor's pending update.
func (s *Stats) StoodDown() {
	s.mu.Lock()
	s.totals.Standdowns++
	s.mu.Unlock()
}

// GasPaid adds the fee of a mined transaction.
func (s *Stats) GasPaid(wei *big.Int) {
	s.mu.Lock()
	s.totals.GasSpent = new(big.Int).Add(s.totals.GasSpent, wei)
	s.mu.Unlock()
}

// Won counts a reward paid to this monitor.
func (s *Stats) Won(wei *big.Int) {
	s.mu.Lock()
	s.totals.Won++
	s.totals.RewardsWon = new(big.Int).Add(s.totals.RewardsWon, wei)
	s.mu.Unlock()
}

// SetChain records the watcher's latest view.
func (s *Stats) SetChain(f func(*ChainStatus)) {
	s.mu.Lock()
	f(&s.chain)
	s.mu.Unlock()
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
	Version       string `json:"version"`
	StartedAt     string `json:"started_at"`
	UptimeSeconds int64  `json:"uptime_seconds"`
	BalanceProofs struct {
		Stored            int64            `json:"stored"`
		Received          map[string]int64 `json:"received"`
		Accepted          map[string]int64 `json:"accepted"`
		Rejected          int64            `json:"rejected"`
		RejectedByReason  map[string]int64 `json:"rejected_by_reason"`
		RejectedBySource  map[string]int64 `json:"rejected_by_source"`
		UniqueChannels    int64            `json:"unique_channels"`
		UniqueParticipant int64            `json:"unique_participants"`
	} `json:"balance_proofs"`
	Updates struct {
		Submitted      int64  `json:"submitted"`
		Won            int64  `json:"won"`
		Missed         int64  `json:"missed"`
		Standdowns     int64  `json:"standdowns"`
		RewardsEarned  string `json:"rewards_earned_wei"`
		GasSpent       string `json:"gas_spent_wei"`
		NetEarningsWei string `json:"net_earnings_wei"`
	} `json:"updates"`
	Ethereum struct {
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
	} `json:"ethereum"`
	Matrix struct {
		Enabled        bool             `json:"enabled"`
		RoomID         string           `json:"room_id,omitempty"`
		EventsSeen     int64            `json:"events_seen"`
		Accepted       int64            `json:"accepted"`
		Rejected       int64            `json:"rejected"`
		RejectedBy     map[string]int64 `json:"rejected_by_reason"`
		ReceiptsPosted int64            `json:"receipts_posted"`
		ReceiptsFailed int64            `json:"receipts_failed"`
		LastSync       string           `json:"last_sync,omitempty"`
		LagSeconds     float64          `json:"sync_lag_seconds"`
		EventsBehind   int              `json:"events_behind"`
	} `json:"matrix"`
	Lightning struct {
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
	} `json:"lightning"`
	Counters map[string]int64 `json:"counters"`
}

// Snapshot returns a consistent copy of the figures.
func (s *Stats) Snapshot(now time.Time) StatsSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out StatsSnapshot
	out.Version = s.version
	out.StartedAt = s.started.UTC().Format(time.RFC3339)
	out.UptimeSeconds = int64(now.Sub(s.started).Seconds())
	bp := &out.BalanceProofs
	bp.Stored = s.totals.Requests
	bp.UniqueChannels = s.totals.Channels
	bp.UniqueParticipant = s.totals.Participants
	bp.Received, bp.Accepted = map[string]int64{}, map[string]int64{}
	bp.RejectedByReason, bp.RejectedBySource = map[string]int64{}, map[string]int64{}
	out.Counters = make(map[string]int64, len(s.counters))
	for k, v := range s.counters {
		out.Counters[k] = v
		switch {
		case strings.HasPrefix(k, counterReceived):
			bp.Received[k[len(counterReceived):]] += v
		case strings.HasPrefix(k, counterAccepted):
			bp.Accepted[k[len(counterAccepted):]] += v
		case strings.HasPrefix(k, counterRejected):
			rest := k[len(counterRejected):]
			src, reason, _ := strings.Cut(rest, ".")
			bp.Rejected += v
			bp.RejectedByReason[reason] += v
			bp.RejectedBySource[src] += v
		}
	}
	m := &out.Matrix
	m.Enabled, m.RoomID, m.EventsBehind = s.matrix.Enabled, s.matrix.RoomID, s.matrix.Behind
	m.LagSeconds = s.matrix.Lag.Seconds()
	if !s.matrix.LastSync.IsZero() {
		m.LastSync = s.matrix.LastSync.UTC().Format(time.RFC3339)
	}
	m.EventsSeen = s.counters[CounterMatrixEvents]
	m.Accepted = s.counters[counterAccepted+"matrix"]
	m.ReceiptsPosted = s.counters[CounterMatrixReceipts]
	m.ReceiptsFailed = s.counters[CounterMatrixReceiptsFailed]
	m.RejectedBy = map[string]int64{}
	for k, v := range s.counters {
		rest, ok := strings.CutPrefix(k, counterRejected+"matrix.")
		if !ok { // a room event the watchtower's intake refused
			rest, ok = strings.CutPrefix(k, CounterAppointmentsRejected+"matrix.")
		}
		if ok {
			m.Rejected += v
			m.RejectedBy[rest] += v
		}
	}
	l := &out.Lightning
	l.Enabled, l.Tip, l.LastProcessed = s.bitcoin.Enabled, s.bitcoin.Tip, s.bitcoin.Processed
	if !s.bitcoin.LastPoll.IsZero() {
		l.LastPoll = s.bitcoin.LastPoll.UTC().Format(time.RFC3339)
	}
	l.NodeState, l.NodeProblemCode, l.NodeProblem = nodeState(s.bitcoin.OutOfSync), s.bitcoin.OutOfSync.Code, s.bitcoin.OutOfSync.Detail
	if !s.bitcoin.LastSuccess.IsZero() {
		l.LastSuccessfulPoll = s.bitcoin.LastSuccess.UTC().Format(time.RFC3339Nano)
	}
	l.AppointmentsStored = s.counters[CounterAppointmentsStored]
	l.BreachesSeen = s.counters[CounterBreachesSeen]
	l.JusticeBroadcast = s.counters[CounterJusticeBroadcast]
	l.JusticeConfirmed = s.counters[CounterJusticeConfirmed]
	l.BountyEarnedSat = s.counters[CounterBountySat]
	l.RejectedByReason, l.JusticeProblems, l.JusticeLost = map[string]int64{}, map[string]int64{}, map[string]int64{}
	for k, v := range s.counters {
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
	u := &out.Updates
	u.Submitted = s.totals.Submitted
	u.Won = s.totals.Won
	u.Missed, u.Standdowns = s.totals.Missed, s.totals.Standdowns
	u.RewardsEarned = s.totals.RewardsWon.String()
	u.GasSpent = s.totals.GasSpent.String()
	u.NetEarningsWei = new(big.Int).Sub(s.totals.RewardsWon, s.totals.GasSpent).String()
	e := &out.Ethereum
	if s.chain.ChainID != nil {
		e.ChainID = s.chain.ChainID.String()
	}
	e.Head = s.chain.Head
	e.LastProcessed = s.chain.LastProcessed.Number
	if s.chain.LastProcessed.Hash != (common.Hash{}) {
		e.LastProcessedHash = s.chain.LastProcessed.Hash.Hex()
	}
	if e.Head > e.LastProcessed {
		e.BlocksBehind = e.Head - e.LastProcessed
	}
	e.Confirmations = s.chain.Confirmations
	if !s.chain.LastPoll.IsZero() {
		e.LastPoll = s.chain.LastPoll.UTC().Format(time.RFC3339)
	}
	e.NodeState, e.NodeProblemCode, e.NodeProblem = nodeState(s.chain.OutOfSync), s.chain.OutOfSync.Code, s.chain.OutOfSync.Detail
	if !s.chain.LastSuccess.IsZero() {
		e.LastSuccessfulPoll = s.chain.LastSuccess.UTC().Format(time.RFC3339Nano)
	}
	e.Monitor = s.chain.Monitor.Hex()
	e.Payout = s.chain.Payout.Hex()
	e.UpdateGas = s.chain.UpdateGas
	if s.chain.Balance != nil {
		e.Balance = s.chain.Balance.String()
	}
	return out
}

// Node states in the stats.
const (
	NodeInSync    = "in_sync"
	NodeOutOfSync = "out_of_sync"
)

func nodeState(p OutOfSync) string {
	if p.Code != "" {
		return NodeOutOfSync
	}
	return NodeInSync
}

// Chains is a copy of both watchers' views, for health checks.
func (s *Stats) Chains() (ChainStatus, BitcoinStatus, MatrixStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chain, s.bitcoin, s.matrix
}

// CounterNames returns the persisted counter names in order (for /metrics).
func (s *Stats) CounterNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.counters))
	for k := range s.counters {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Watchtower counters. The first five are prefixes: the watchtower appends
// the source ("rest", "matrix"), the source, "." and the reason, or the
// reason.
const (
	CounterAppointmentsReceived = "appointments.received."
	CounterAppointmentsAccepted = "appointments.accepted."
	CounterAppointmentsRejected = "appointments.rejected."
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

// TowerTotals are the watchtower's aggregates, loaded at start.
type TowerTotals struct {
	Appointments int64
	Breaches     int64 // distinct breach transactions responded to
	Broadcast    int64
	Confirmed    int64
	BountySat    int64 // bounty in confirmed justice transactions
	// Lost justice records by reason: ReasonSpentByJustice,
	// ReasonSpentByCheater, ReasonDeadlinePassed.
	LostToJustice, LostToCheater, LostAtDeadline int64
}

// SeedTower sets the watchtower's figures from the store at start, so they
// are exact even after a crash lost unflushed counter increments.
func (s *Stats) SeedTower(t TowerTotals) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, v := range map[string]int64{CounterAppointmentsStored: t.Appointments, CounterBreachesSeen: t.Breaches,
		CounterJusticeBroadcast: t.Broadcast, CounterJusticeConfirmed: t.Confirmed, CounterBountySat: t.BountySat} {
		s.unflushed[name] += v - s.counters[name]
		s.counters[name] = v
	}
	for r, v := range map[Reason]int64{ReasonSpentByJustice: t.LostToJustice, ReasonSpentByCheater: t.LostToCheater,
		ReasonDeadlinePassed: t.LostAtDeadline} {
		name := CounterJusticeLost + string(r)
		if v != 0 || s.counters[name] != 0 {
			s.unflushed[name] += v - s.counters[name]
			s.counters[name] = v
		}
	}
}
