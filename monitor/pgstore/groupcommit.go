package pgstore

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Group commit.
//
// SaveRequest and SaveAppointment are the writes a client waits for, and
// each commit costs the server a WAL flush and the client a round trip.
// Concurrent calls therefore share transactions, as in the SQLite store: a
// call queues its read-compare-write, and whichever waiting caller gets the
// committer token runs everything queued (up to maxGroup items, in arrival
// order) in one transaction, commits it once and answers each caller with
// its own result. A later item sees the earlier ones of the same
// transaction, so the outcome is the same as if the calls had committed
// one by one in that order. A caller is answered only after the commit
// that holds its item, so "acknowledged" still means "durable".
//
// The transaction first takes the advisory lock of each domain its items
// belong to (lockRequests, lockAppointments; in that order, so that two
// groups never wait for each other crosswise): groups of other replicas on
// the same database then run one after the other too, and every
// read-compare-write sees what the previous one committed. Then the items
// run through runWrites (intake.go): the lookups of independent items go
// to the server together, then their writes, so a group of new requests
// costs a handful of round trips and one commit, whatever its size.
//
// There is no writer goroutine: the committer is a caller that would
// otherwise wait, so nothing is started and nothing has to be stopped.

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

// groupItem is one caller's write. w runs in the group's transaction and
// may run a second time, alone, if that transaction fails (so its decide
// step sets its results afresh each time). A *monitor.Error from w is a
// rejection of this item only; any other error aborts the transaction.
type groupItem struct {
	op    string
	w     intakeWrite
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
// client that retries gets Duplicate in that case.
func (s *Store) groupWrite(ctx context.Context, op string, w intakeWrite) error {
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	g := &s.g
	it := &groupItem{op: op, w: w, done: make(chan struct{})}
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
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return runItems(ctx, tx, batch) })
	if err == nil {
		g.mu.Lock()
		g.txs++
		g.items += int64(len(batch))
		g.mu.Unlock()
		s.noteWrite(nil)
	} else {
		// Nothing was written. Run the items one by one, so that a failure
		// belongs to the item that caused it.
		if len(batch) == 1 {
			batch[0].err = wrap(batch[0].op, err)
			s.noteWrite(batch[0].err)
		} else {
			for _, it := range batch {
				// runItems leaves a rejection in it.err and commits.
				if err := s.write(ctx, it.op, func(tx pgx.Tx) error { return runItems(ctx, tx, []*groupItem{it}) }); err != nil {
					it.err = err
				}
			}
		}
	}
	for _, it := range batch {
		close(it.done)
	}
}

// runItems runs the batch's writes in tx (runWrites) and gives each item
// its rejection, if any. Any other error aborts.
func runItems(ctx context.Context, tx pgx.Tx, batch []*groupItem) error {
	ws := make([]intakeWrite, len(batch))
	for i, it := range batch {
		ws[i] = it.w
	}
	rejections, err := runWrites(ctx, tx, ws)
	if err != nil {
		return err
	}
	for i, it := range batch {
		it.err = rejections[i]
	}
	return nil
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
