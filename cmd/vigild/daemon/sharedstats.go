package daemon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// One truth for stats.
//
// Replicas count what they do in memory and persist the deltas (the named
// counters) every stats flush, and each keeps in step only with its own
// writes. On a shared store every replica's /api/1/stats and /metrics
// show instead the figures of the database: the named counters all
// replicas have flushed, and the totals recounted from the records
// (requests, updates, rewards, gas, appointments, justice), read at most
// once per sharedStatsMaxAge and cached meanwhile, so that a busy stats
// reader costs the database a few small queries a second. What a replica
// has counted but not flushed yet shows on every replica after its next
// flush; each replica flushes its own before it reads. Its roles, its
// chain views and its health stay its own.

const (
	// sharedStatsMaxAge is how old the database figures a replica shows
	// may be.
	sharedStatsMaxAge = time.Second
	// sharedStatsTimeout bounds one read of them; on failure the last
	// figures read are shown (this replica's own before the first).
	sharedStatsTimeout = 2 * time.Second
)

// sharedFigureStore is the store as sharedFigures reads it.
type sharedFigureStore interface {
	monitor.CounterStore
	Totals(ctx context.Context) (proofs.Totals, error)
	TowerTotals(ctx context.Context) (tower.Totals, error)
}

// sharedFigures are the database's figures, cached.
type sharedFigures struct {
	st    sharedFigureStore
	reg   *monitor.Stats
	clock monitor.Clock
	log   *slog.Logger

	mu       sync.Mutex
	at       time.Time // of the last read, successful or not
	ok       bool
	failing  bool
	counters map[string]int64
	totals   proofs.Totals
}

// shareStats makes stats show the database's figures.
func shareStats(stats *stats, st sharedFigureStore, clock monitor.Clock, log *slog.Logger) {
	f := &sharedFigures{st: st, reg: stats.reg, clock: clock, log: log}
	stats.reg.ShareCounters(func() (map[string]int64, bool) {
		c, _, ok := f.get()
		return c, ok
	})
	stats.eth.ShareTotals(func() (proofs.Totals, bool) {
		_, t, ok := f.get()
		return t, ok
	})
}

// get returns the figures, read again when older than sharedStatsMaxAge.
// The counters map is not changed after it is returned.
func (f *sharedFigures) get() (map[string]int64, proofs.Totals, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now := f.clock.Now(); f.at.IsZero() || now.Sub(f.at) >= sharedStatsMaxAge || now.Before(f.at) {
		f.at = now
		ctx, cancel := context.WithTimeout(context.Background(), sharedStatsTimeout)
		err := f.read(ctx)
		cancel()
		switch {
		case err != nil && !f.failing:
			f.log.Warn("could not read the shared stats from the database; showing the last read", "err", err)
			f.failing = true
		case err == nil && f.failing:
			f.log.Info("the shared stats are read from the database again")
			f.failing = false
		}
	}
	return f.counters, f.totals, f.ok
}

// read flushes this replica's counts, then reads the counters and the
// totals; the watchtower's totals set its counters, as at start.
func (f *sharedFigures) read(ctx context.Context) error {
	if err := f.reg.Flush(ctx, f.st); err != nil {
		return err
	}
	counters, err := f.st.Counters(ctx)
	if err != nil {
		return err
	}
	totals, err := f.st.TowerTotals(ctx)
	if err != nil {
		return err
	}
	for k, v := range totals.Counters(func(name string) int64 { return counters[name] }) {
		counters[k] = v
	}
	eth, err := f.st.Totals(ctx)
	if err != nil {
		return err
	}
	f.counters, f.totals, f.ok = counters, eth, true
	return nil
}
