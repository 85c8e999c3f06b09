package monitor

import (
	"log/slog"
	"sync"
	"time"
)

// NodeSync is what a chain watcher found out about its node: whether the
// node follows the chain Vigil processed. A node whose head is below the
// last processed block, or that does not know that block at all (wiped,
// replaced by a fresh chain, pointed at another network), is out of sync:
// what it says about channels and blocks must not be believed, so intake
// refuses with node_out_of_sync and /healthz answers 503 until it catches
// up again. A reorg (the node knows the processed block but it is no
// longer on its best chain) is not a sync problem: the watcher rolls back.
//
// It logs once per change of state: at error when the node falls out of
// sync (the operator must look at the node), at info when it recovers.
type NodeSync struct {
	chain string
	log   *slog.Logger

	mu      sync.Mutex
	problem string
	since   time.Time
}

// NewNodeSync starts in sync.
func NewNodeSync(chain string, log *slog.Logger) *NodeSync {
	if log == nil {
		log = slog.Default()
	}
	return &NodeSync{chain: chain, log: log}
}

// Report records the watcher's latest finding: problem "" means the node
// follows the processed chain, anything else says how it does not.
func (s *NodeSync) Report(now time.Time, problem string) {
	s.mu.Lock()
	prev := s.problem
	if prev == problem {
		s.mu.Unlock()
		return
	}
	s.problem = problem
	since := s.since
	s.since = now
	s.mu.Unlock()
	switch {
	case problem != "" && prev == "":
		s.log.Error("chain node is out of sync: intake refuses with node_out_of_sync until it follows the processed chain again",
			"chain", s.chain, "problem", problem)
	case problem != "":
		s.log.Warn("chain node is still out of sync, differently", "chain", s.chain, "problem", problem, "was", prev)
	default:
		s.log.Info("chain node is in sync again", "chain", s.chain, "was", prev, "out_of_sync_for", now.Sub(since).Round(time.Second))
	}
}

// State is the current finding: the problem ("" in sync) and since when.
func (s *NodeSync) State() (problem string, since time.Time) {
	if s == nil {
		return "", time.Time{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.problem, s.since
}

// Err is nil while the node is in sync, else a node_out_of_sync rejection
// (503) saying why.
func (s *NodeSync) Err() error {
	p, _ := s.State()
	if p == "" {
		return nil
	}
	return Unavailable(ReasonNodeOutOfSync, "the "+s.chain+" node is out of sync: "+p, nil)
}
