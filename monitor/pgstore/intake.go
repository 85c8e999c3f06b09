package pgstore

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-monitor/vigil/monitor"
)

// intakeWrite is one read-compare-write of intake (a request or an
// appointment), in two steps so that the independent writes of a group
// share round trips: read queues the lookup of what is stored (its result
// lands in the write), and decide, once that result is in, sets the
// write's result or returns its rejection, and queues the statements that
// store it.
type intakeWrite interface {
	// lock is the advisory lock of the write's domain.
	lock() int64
	// keys name the stored state the lookup reads and the write changes
	// (a channel, an address, a locator, a user key). Two writes that
	// share no key are independent: either sees the same whether or not
	// the other was written first.
	keys() []string
	// keysAfterRead are further keys the write changes, known once its
	// lookup is in (a replaced request's former closing participant).
	keysAfterRead() []string
	read(b *pgx.Batch)
	decide(b *pgx.Batch) error
}

// runWrites runs ws in tx as if one after the other, in order, and returns
// each one's rejection (a *monitor.Error, or nil); err is a failure of the
// database, after which tx must be rolled back. It first takes the locks
// of the domains in ws, in key order. Then, run by run: a run is the
// longest sequence of the next writes that are pairwise independent; their
// lookups go to the server together (one round trip), then their writes
// together (another). A write that depends on an earlier one of its run
// (which shows only after the lookups) starts the next run, and is looked
// up again then.
func runWrites(ctx context.Context, tx pgx.Tx, ws []intakeWrite) (rejections []error, err error) {
	rejections = make([]error, len(ws))
	var locks []int64
	for _, w := range ws {
		if !slices.Contains(locks, w.lock()) {
			locks = append(locks, w.lock())
		}
	}
	slices.Sort(locks)
	reads := &pgx.Batch{}
	for _, l := range locks {
		reads.Queue(`SELECT pg_advisory_xact_lock($1)`, l)
	}
	for i := 0; i < len(ws); {
		// The run before its lookups: independent by their keys.
		seen := map[string]bool{}
		end := i
		for ; end < len(ws); end++ {
			ks := ws[end].keys()
			if end > i && slices.ContainsFunc(ks, func(k string) bool { return seen[k] }) {
				break
			}
			for _, k := range ks {
				seen[k] = true
			}
		}
		for _, w := range ws[i:end] {
			w.read(reads)
		}
		if err := tx.SendBatch(ctx, reads).Close(); err != nil {
			return nil, err
		}
		reads = &pgx.Batch{}
		// The run cut where a write turns out to depend on an earlier one.
		seen = map[string]bool{}
		cut := i
		for ; cut < end; cut++ {
			ks := append(ws[cut].keys(), ws[cut].keysAfterRead()...)
			if cut > i && slices.ContainsFunc(ks, func(k string) bool { return seen[k] }) {
				break
			}
			for _, k := range ks {
				seen[k] = true
			}
		}
		writes := &pgx.Batch{}
		for k := i; k < cut; k++ {
			err := ws[k].decide(writes)
			var me *monitor.Error
			switch {
			case errors.As(err, &me):
				rejections[k] = err
			case err != nil:
				return nil, err
			}
		}
		if writes.Len() > 0 {
			if err := tx.SendBatch(ctx, writes).Close(); err != nil {
				return nil, err
			}
		}
		i = cut
	}
	return rejections, nil
}
