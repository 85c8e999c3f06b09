package monitor

import (
	"log/slog"
	"sync"
	"time"
)

// Codes of OutOfSync: how a node does not follow the processed chain. They
// are part of the stats and metrics (node_problem_code, the problem label):
// never rename one.
const (
	// SyncHeadBelow: the node's head (tip) is below the last processed
	// block (a lagging, resyncing or wiped node).
	SyncHeadBelow = "head_below_processed"
	// SyncBlockUnknown: the node does not know the last processed block at
	// all, on any chain (a replaced node, another network with the same id).
	SyncBlockUnknown = "processed_block_unknown"
)

// SyncCodes lists the OutOfSync codes, for metrics that report zeros too.
func SyncCodes() []string { return []string{SyncHeadBelow, SyncBlockUnknown} }

// OutOfSync is a chain watcher's finding that its node does not follow the
// chain Vigil processed. The zero value means in sync.
type OutOfSync struct {
	Code   string // SyncHeadBelow or SyncBlockUnknown
	Detail string // for people: which block, which hash
}

func (e *OutOfSync) Error() string { return "node out of sync: " + e.Detail }

// NodeSync is what a chain watcher found out about its node: whether the
// node follows the chain Vigil processed. A node whose head is below the
// last processed block, or that does not know that block at all (wiped,
// replaced by a fresh chain, pointed at another network), is out of sync:
// what it says about channels and blocks must not be believed, so intake
// refuses with node_out_of_sync and /healthz answers 503 until it catches
// up again. A reorg (the node knows the processed block but it is no
// longer on its best chain) is not a sync problem: the watcher rolls back.
//
// It logs once per change of state (of code, not of detail): at error when
// the node falls out of sync (the operator must look at the node), at warn
// when the problem changes, at info when it recovers.
type NodeSync struct {
	chain string
	log   *slog.Logger

	mu    sync.Mutex
	state OutOfSync
	since time.Time
}

// NewNodeSync starts in sync.
func NewNodeSync(chain string, log *slog.Logger) *NodeSync {
	if log == nil {
		log = slog.Default()
	}
	return &NodeSync{chain: chain, log: log}
}

// Report records the watcher's latest finding (the zero OutOfSync: the
// node follows the processed chain).
func (s *NodeSync) Report(now time.Time, p OutOfSync) {
	s.mu.Lock()
	prev := s.state
	s.state = p
	if prev.Code == p.Code {
		s.mu.Unlock()
		return
	}
	since := s.since
	s.since = now
	s.mu.Unlock()
	switch {
	case p.Code != "" && prev.Code == "":
		s.log.Error("chain node is out of sync: intake refuses with node_out_of_sync until it follows the processed chain again",
			"chain", s.chain, "problem", p.Code, "detail", p.Detail)
	case p.Code != "":
		s.log.Warn("chain node is still out of sync, differently", "chain", s.chain, "problem", p.Code, "detail", p.Detail, "was", prev.Code)
	default:
		s.log.Info("chain node is in sync again", "chain", s.chain, "was", prev.Code, "out_of_sync_for", now.Sub(since).Round(time.Second))
	}
}

// State is the current finding (zero: in sync) and since when.
func (s *NodeSync) State() (OutOfSync, time.Time) {
	if s == nil {
		return OutOfSync{}, time.Time{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, s.since
}

// Err is nil while the node is in sync, else a node_out_of_sync rejection
// (503) saying why.
func (s *NodeSync) Err() error {
	p, _ := s.State()
	if p.Code == "" {
		return nil
	}
	return Unavailable(ReasonNodeOutOfSync, "the "+s.chain+" node is out of sync: "+p.Detail, nil)
}

// SyncGate says whether a chain node may be believed (*NodeSync).
type SyncGate interface {
	Err() error
}
