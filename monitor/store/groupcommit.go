package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"

	"github.com/vigil-monitor/vigil/monitor"
)

// Group commit.
//
// SaveRequest and SaveAppointment are the writes a client waits for, and
// with synchronous=FULL each commit costs an fsync. Concurrent calls
// therefore share transactions: a call queues its read-compare-write, and
// whichever waiting caller gets the writer token runs everything queued (up
// to maxGroup items, in arrival order) in one transaction, commits it once
// and answers each caller with its own result. A later item sees the
// earlier ones of the same transaction, so the outcome is the same as if
// the calls had committed one by one in that order. A caller is answered
// only after the commit that holds its item, so "acknowledged" still means
// "durable".
//
// There is no writer goroutine: the committer is a caller that would
// otherwise wait, so nothing is started and nothing has to be stopped, and
// an idle store commits a lone call at once (nobody waits for company).
// While one caller commits, the next callers queue; the next committer
// takes them all.

// ErrClosed is returned by a write that arrives after Close.
var ErrClosed = errors.New("store closed")

// maxGroup caps the items of one group transaction, which bounds how long
// a committer works for others before answering its own client.
const maxGroup = 512

type itemState uint8

const (
	itemQueued    itemState = iota
	itemTaken               // in a transaction under way
	itemAbandoned           // its caller left before it was taken
)

// groupItem is one caller's write. fn runs in the group's transaction and
// may run a second time, alone, if that transaction fails (so fn must set
// its results afresh each time). A *monitor.Error from fn is a rejection of
// this item only; any other error aborts the transaction.
type groupItem struct {
	op    string
	fn    func(ctx context.Context, tx *sql.Tx) error
	state itemState // guarded by group.mu
	err   error     // set before done is closed
	done  chan struct{}
}

type group struct {
	token chan struct{} // capacity 1: held by the caller that commits

	mu     sync.Mutex
	queue  []*groupItem
	closed bool
	txs    int64 // group transactions committed
	items  int64 // writes they held
}

func (g *group) init() { g.token = make(chan struct{}, 1) }

// groupWrite queues fn and returns once the transaction holding it has
// committed (or failed). If ctx ends first it returns ctx's error: the
// write was then either dropped unseen (still queued) or is part of a
// transaction under way and may yet commit. Intake is idempotent, so a
// client that retries gets Duplicate in that case. A caller that is itself
// running a group transaction finishes it (and answers the others) first.
func (s *Store) groupWrite(ctx context.Context, op string, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if err := s.intakeRefused(op); err != nil {
		return err
	}
	g := &s.g
	it := &groupItem{op: op, fn: fn, done: make(chan struct{})}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return wrap(op, ErrClosed)
	}
	g.queue = append(g.queue, it)
	g.mu.Unlock()
	for {
		select {
		case <-it.done:
			return it.err
		default:
		}
		select {
		case <-it.done:
			return it.err
		case g.token <- struct{}{}:
			s.commitGroup()
			<-g.token
		case <-ctx.Done():
			g.mu.Lock()
			if it.state == itemQueued {
				it.state = itemAbandoned
			}
			g.mu.Unlock()
			return wrap(op, ctx.Err())
		}
	}
}

// commitGroup runs up to maxGroup queued items in one transaction and
// answers them. The caller holds the token.
func (s *Store) commitGroup() {
	g := &s.g
	g.mu.Lock()
	batch := make([]*groupItem, 0, min(len(g.queue), maxGroup))
	n := 0
	for _, it := range g.queue {
		if len(batch) == maxGroup {
			break
		}
		n++
		if it.state == itemAbandoned {
			continue
		}
		it.state = itemTaken
		batch = append(batch, it)
	}
	g.queue = slices.Delete(g.queue, 0, n)
	g.mu.Unlock()
	if len(batch) == 0 {
		return
	}

	// The transaction serves every caller in it: no single caller's
	// context may abort it.
	ctx := context.Background()
	err := s.groupTx(ctx, batch)
	if err == nil {
		g.mu.Lock()
		g.txs++
		g.items += int64(len(batch))
		g.mu.Unlock()
		s.committed()
	} else {
		// Nothing was written. Run the items one by one, so that a failure
		// belongs to the item that caused it. These are new client
		// requests: a full disk releases the reserve but they do not use
		// it (reserve.go).
		if len(batch) == 1 {
			batch[0].err = wrap(batch[0].op, err)
			if !s.releaseReserve(batch[0].err) { // a release is logged at error by itself
				s.noteWrite(batch[0].err)
			}
		} else {
			for _, it := range batch {
				it.err = s.writeIntake(ctx, it.op, func(tx *sql.Tx) error { return it.fn(ctx, tx) })
			}
		}
	}
	for _, it := range batch {
		close(it.done)
	}
}

// groupTx runs batch in one transaction; a non-nil result means it rolled
// back.
func (s *Store) groupTx(ctx context.Context, batch []*groupItem) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, it := range batch {
		it.err = it.fn(ctx, tx)
		var me *monitor.Error
		if it.err != nil && !errors.As(it.err, &me) {
			_ = tx.Rollback()
			return it.err
		}
	}
	return tx.Commit()
}

// GroupCommits reports how many group transactions have committed since
// Open and how many SaveRequest and SaveAppointment calls they held: their
// ratio is the average batch.
func (s *Store) GroupCommits() (transactions, writes int64) {
	s.g.mu.Lock()
	defer s.g.mu.Unlock()
	return s.g.txs, s.g.items
}

// closeGroup refuses new writes, waits for a transaction under way and
// commits what is still queued, so that no caller is left waiting.
func (s *Store) closeGroup() {
	g := &s.g
	if g.token == nil {
		return
	}
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.token <- struct{}{} // kept: nobody commits after this
	for {
		g.mu.Lock()
		empty := len(g.queue) == 0
		g.mu.Unlock()
		if empty {
			return
		}
		s.commitGroup()
	}
}
