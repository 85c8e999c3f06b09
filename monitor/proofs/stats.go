package proofs

import (
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
)

// Cursor is the last fully processed block of the Ethereum chain (kept
// by the chain view, reported in the stats).
type Cursor struct {
	Number uint64
	Hash   common.Hash
}

// Totals are the balance proofs' aggregates, recounted from the store at
// start; afterwards Stats keeps them in step in memory as they commit.
type Totals struct {
	Requests     int64
	Channels     int64 // distinct channels ever seen in requests
	Participants int64 // distinct addresses ever seen in requests
	Submitted    int64 // updates sent (a fee-bumped re-send is not counted again)
	Won          int64 // updates whose reward was paid to us
	Missed       int64 // windows closed with our newer proof not on chain
	Standdowns   int64 // decisions to wait for a competitor's pending update
	RewardsWon   *big.Int
	GasSpent     *big.Int
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
	OutOfSync   monitor.OutOfSync
	// Registration is the monitor's registration, as last read from the
	// monitor registry.
	Registration Registration
	// Mode is ModeMonitor, or ModeObserve when the daemon watches and
	// records without accepting or sending anything.
	Mode string
	// Scheduled are the soonest updates the responder holds for channels
	// whose window is open (at most MaxScheduledShown), and ScheduledTotal
	// how many it holds in all.
	Scheduled      []ScheduledUpdate
	ScheduledTotal int
}

// The daemon's modes, as /api/1/stats shows them.
const (
	ModeMonitor = "monitor"
	ModeObserve = "observe"
)

// Registration is a monitor's entry in the MonitorRegistry: the deposit
// that backs its receipts, the block from which channels admit its
// updates, and the payout they pay; and where it stands at CheckedBlock.
type Registration struct {
	MonitorRegistry common.Address
	Deposit         *big.Int
	ActiveFrom      uint64
	Payout          common.Address
	// ExitAt is the block from which the registry no longer counts the
	// monitor (an announced exit, or a slash below MinDeposit); 0: none.
	ExitAt     uint64
	MinDeposit *big.Int
	// Status is the registration's state at block CheckedBlock.
	Status       RegistrationStatus
	CheckedBlock uint64
}

// RegistrationStatus is where a monitor stands in the registry at a block.
type RegistrationStatus string

// Registration states. Only RegistrationActive lets channels admit the
// monitor's updates (and lets it promise any).
const (
	RegistrationActive        RegistrationStatus = "active"
	RegistrationNotYetActive  RegistrationStatus = "not_yet_active"
	RegistrationExited        RegistrationStatus = "exited"
	RegistrationNotRegistered RegistrationStatus = "not_registered"
)

// StatusAt is where the registration stands at block head, as the
// registry's activeAt judges it.
func (r Registration) StatusAt(head uint64) RegistrationStatus {
	switch {
	case r.ActiveFrom == 0:
		return RegistrationNotRegistered
	case r.ExitAt != 0 && head >= r.ExitAt:
		return RegistrationExited
	case head < r.ActiveFrom:
		return RegistrationNotYetActive
	}
	return RegistrationActive
}

// ScheduledUpdate is one update the responder holds for a closed channel:
// the nonce it would record, the first block the channel admits this
// monitor's update (SlotBlock), the block its strategy acts from
// (ActBlock, at or after SlotBlock) and the window's last block.
type ScheduledUpdate struct {
	Channel       common.Address
	Nonce         uint64
	SlotBlock     uint64
	ActBlock      uint64
	DeadlineBlock uint64
	// Sent: an update transaction of ours for this nonce is in flight or
	// mined.
	Sent bool
}

// MaxScheduledShown bounds the scheduled updates the stats show.
const MaxScheduledShown = 50

// IntakeReport is how intake reports what it did with a request.
type IntakeReport interface {
	Received(source string)
	Accepted(source string, r monitor.SaveResult)
	Rejected(source string, reason monitor.Reason)
	Deleted(n int64)
}

// ResponderReport is how the responder reports what it did on chain.
type ResponderReport interface {
	Submitted()
	Missed()
	StoodDown()
	GasPaid(wei *big.Int)
	Won(wei *big.Int)
	// Scheduled reports, once per head, the soonest updates held (at most
	// MaxScheduledShown, by act block) and how many are held in all.
	Scheduled(soonest []ScheduledUpdate, total int)
}

// Stats keeps the balance proofs' figures: the totals, kept in step with
// every commit, and the watcher's chain view. Per-source intake outcomes
// go to the registry's persisted counters. It is the balance proofs'
// monitor.Section and implements IntakeReport and ResponderReport.
type Stats struct {
	counter monitor.Counter
	mu      sync.Mutex
	totals  Totals
	chain   ChainStatus
	shared  func() (Totals, bool)
}

// NewStats starts the figures from the store's totals; counter is the
// registry the per-source counters go to.
func NewStats(counter monitor.Counter, t Totals) *Stats {
	if t.RewardsWon == nil {
		t.RewardsWon = new(big.Int)
	}
	if t.GasSpent == nil {
		t.GasSpent = new(big.Int)
	}
	return &Stats{counter: counter, totals: t}
}

// ShareTotals makes the snapshot show the totals of every process that
// shares the store (replicas) instead of this process's: totals returns
// them (the caller caches them), or false when it has none to give.
func (s *Stats) ShareTotals(totals func() (Totals, bool)) {
	s.mu.Lock()
	s.shared = totals
	s.mu.Unlock()
}

// Received counts a request received from source.
func (s *Stats) Received(source string) { s.counter.Count(monitor.CounterReceived+source, 1) }

// Accepted counts an accepted request and what it added to the store.
func (s *Stats) Accepted(source string, r monitor.SaveResult) {
	s.counter.Count(monitor.CounterAccepted+source, 1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !r.Duplicate && !r.Replaced {
		s.totals.Requests++
	}
	if r.NewChannel {
		s.totals.Channels++
	}
	s.totals.Participants += int64(r.NewParticipants)
}

// Rejected counts a rejection by reason.
func (s *Stats) Rejected(source string, reason monitor.Reason) {
	s.counter.Count(monitor.CounterRejected+source+"."+string(reason), 1)
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

// Scheduled records the responder's scheduled updates.
func (s *Stats) Scheduled(soonest []ScheduledUpdate, total int) {
	s.mu.Lock()
	s.chain.Scheduled, s.chain.ScheduledTotal = soonest, total
	s.mu.Unlock()
}

// SetChain records the watcher's latest view.
func (s *Stats) SetChain(f func(*ChainStatus)) {
	s.mu.Lock()
	f(&s.chain)
	s.mu.Unlock()
}

// Chain is a copy of the watcher's view, for health checks.
func (s *Stats) Chain() ChainStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chain
}

// FillSnapshot fills the balance proofs', updates' and Ethereum parts.
func (s *Stats) FillSnapshot(out *monitor.StatsSnapshot) {
	s.mu.Lock()
	t, c, shared := s.totals, s.chain, s.shared
	s.mu.Unlock()
	if shared != nil {
		if st, ok := shared(); ok {
			t = st
		}
	}
	out.BalanceProofs = balanceProofStats(t, out.Counters)
	out.Updates = updateStats(t)
	out.Ethereum = ethereumStats(c)
}

func balanceProofStats(t Totals, counters map[string]int64) monitor.BalanceProofStats {
	bp := monitor.BalanceProofStats{Stored: t.Requests, UniqueChannels: t.Channels, UniqueParticipant: t.Participants}
	bp.Received, bp.Accepted = map[string]int64{}, map[string]int64{}
	bp.RejectedByReason, bp.RejectedBySource = map[string]int64{}, map[string]int64{}
	for k, v := range counters {
		if src, ok := strings.CutPrefix(k, monitor.CounterReceived); ok {
			bp.Received[src] += v
		} else if src, ok := strings.CutPrefix(k, monitor.CounterAccepted); ok {
			bp.Accepted[src] += v
		} else if rest, ok := strings.CutPrefix(k, monitor.CounterRejected); ok {
			src, reason, _ := strings.Cut(rest, ".")
			bp.Rejected += v
			bp.RejectedByReason[reason] += v
			bp.RejectedBySource[src] += v
		}
	}
	return bp
}

func updateStats(t Totals) monitor.UpdateStats {
	return monitor.UpdateStats{
		Submitted:      t.Submitted,
		Won:            t.Won,
		Missed:         t.Missed,
		Standdowns:     t.Standdowns,
		RewardsEarned:  t.RewardsWon.String(),
		GasSpent:       t.GasSpent.String(),
		NetEarningsWei: new(big.Int).Sub(t.RewardsWon, t.GasSpent).String(),
	}
}

func ethereumStats(c ChainStatus) monitor.EthereumStats {
	e := monitor.EthereumStats{Head: c.Head, LastProcessed: c.LastProcessed.Number, Confirmations: c.Confirmations,
		Monitor: c.Monitor.Hex(), Payout: c.Payout.Hex(), UpdateGas: c.UpdateGas}
	if c.ChainID != nil {
		e.ChainID = c.ChainID.String()
	}
	if c.LastProcessed.Hash != (common.Hash{}) {
		e.LastProcessedHash = c.LastProcessed.Hash.Hex()
	}
	if e.Head > e.LastProcessed {
		e.BlocksBehind = e.Head - e.LastProcessed
	}
	if !c.LastPoll.IsZero() {
		e.LastPoll = c.LastPoll.UTC().Format(time.RFC3339)
	}
	e.NodeState, e.NodeProblemCode, e.NodeProblem = monitor.NodeState(c.OutOfSync), c.OutOfSync.Code, c.OutOfSync.Detail
	if !c.LastSuccess.IsZero() {
		e.LastSuccessfulPoll = c.LastSuccess.UTC().Format(time.RFC3339Nano)
	}
	if c.Balance != nil {
		e.Balance = c.Balance.String()
	}
	if r := c.Registration; r.MonitorRegistry != (common.Address{}) {
		e.Registration = &monitor.RegistrationStats{MonitorRegistry: r.MonitorRegistry.Hex(), ActiveFromBlock: r.ActiveFrom,
			Status: string(r.Status), ExitBlock: r.ExitAt, CheckedBlock: r.CheckedBlock}
		if r.Deposit != nil {
			e.Registration.DepositWei = r.Deposit.String()
		}
		if r.MinDeposit != nil {
			e.Registration.MinDepositWei = r.MinDeposit.String()
		}
	}
	e.Mode = c.Mode
	if e.Mode == "" {
		e.Mode = ModeMonitor
	}
	e.ScheduledUpdates = make([]monitor.ScheduledUpdateStats, 0, len(c.Scheduled))
	for _, u := range c.Scheduled {
		e.ScheduledUpdates = append(e.ScheduledUpdates, monitor.ScheduledUpdateStats{Channel: u.Channel.Hex(), Nonce: u.Nonce,
			SlotBlock: u.SlotBlock, ActBlock: u.ActBlock, DeadlineBlock: u.DeadlineBlock, Sent: u.Sent})
	}
	e.ScheduledTotal = c.ScheduledTotal
	return e
}
