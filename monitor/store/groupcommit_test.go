package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// The tests below hold the writer token themselves, as a committer under
// way would, to line calls up in the queue in a known order.

func holdToken(s *Store)    { s.g.token <- struct{}{} }
func releaseToken(s *Store) { <-s.g.token }

func queued(s *Store) int {
	s.g.mu.Lock()
	defer s.g.mu.Unlock()
	return len(s.g.queue)
}

func batches(s *Store) int64 {
	n, _ := s.GroupCommits()
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

type outcome struct {
	res monitor.SaveResult
	err error
}

// lineUp starts one call per fn, each queued before the next starts, while
// the test holds the token; it returns their outcomes once all returned.
func lineUp(t *testing.T, s *Store, fns []func() (monitor.SaveResult, error)) func() []outcome {
	t.Helper()
	out := make([]outcome, len(fns))
	var wg sync.WaitGroup
	base := queued(s)
	for i, fn := range fns {
		wg.Go(func() { out[i].res, out[i].err = fn() })
		waitFor(t, fmt.Sprintf("call %d to queue", i), func() bool { return queued(s) == base+i+1 })
	}
	return func() []outcome { wg.Wait(); return out }
}

func wantOutcomes(t *testing.T, got []outcome, res []monitor.SaveResult, reasons []monitor.Reason) {
	t.Helper()
	for i := range got {
		var me *monitor.Error
		switch {
		case reasons[i] == "" && got[i].err != nil:
			t.Errorf("call %d: %v, want no error", i, got[i].err)
		case reasons[i] != "" && (!errors.As(got[i].err, &me) || me.Reason != reasons[i]):
			t.Errorf("call %d: %v, want %s", i, got[i].err, reasons[i])
		case got[i].res != res[i]:
			t.Errorf("call %d: %+v, want %+v", i, got[i].res, res[i])
		}
	}
}

// TestGroupCommitInArrivalOrder: calls queued together commit in one
// transaction, each with the outcome it would have had alone, in arrival
// order (a later call sees the earlier ones).
func TestGroupCommitInArrivalOrder(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	a, b := testRequest(1, 5), testRequest(2, 1)
	newer, stale := testRequest(1, 6), testRequest(1, 4)
	conflict := testRequest(2, 1)
	conflict.Reward = big.NewInt(1)
	save := func(r proofs.Request) func() (monitor.SaveResult, error) {
		return func() (monitor.SaveResult, error) { return s.SaveRequest(ctx, r) }
	}
	app := func(i, user int) tower.StoredAppointment { return testAppointment(i, user) }
	changed := app(7, 1)
	changed.RewardSat++
	changed.Seq++
	saveApp := func(a tower.StoredAppointment) func() (monitor.SaveResult, error) {
		return func() (monitor.SaveResult, error) { return s.SaveAppointment(ctx, a, 2) }
	}

	holdToken(s)
	before := batches(s)
	wait := lineUp(t, s, []func() (monitor.SaveResult, error){
		save(a), save(b), save(a), save(newer), save(stale), save(conflict),
		saveApp(app(7, 1)), saveApp(app(7, 1)), saveApp(changed), saveApp(app(7, 2)), saveApp(app(7, 3)),
	})
	releaseToken(s)
	got := wait()
	wantOutcomes(t, got,
		[]monitor.SaveResult{{NewChannel: true, NewParticipants: 2}, {NewChannel: true, NewParticipants: 2}, {Duplicate: true}, {Replaced: true}, {}, {},
			{NewParticipants: 1}, {Duplicate: true}, {Replaced: true}, {NewParticipants: 1}, {}},
		[]monitor.Reason{"", "", "", "", monitor.ReasonStaleNonce, monitor.ReasonNonceConflict,
			"", "", "", "", monitor.ReasonTooManyPerLocator})
	if n := batches(s) - before; n != 1 {
		t.Errorf("%d transactions, want 1", n)
	}
	if r, err := s.Request(ctx, a.Channel, a.NonClosing); err != nil || r.Nonce != 6 {
		t.Errorf("stored: %+v, %v", r, err)
	}
	if as, err := s.AppointmentsByLocator(ctx, changed.Locator); err != nil || len(as) != 2 || as[0].RewardSat != changed.RewardSat {
		t.Errorf("stored appointments: %+v, %v", as, err)
	}
}

// TestGroupCommitFailureIsOwn: a store error in one call rolls the group
// back; every call is then run alone, so only that call fails.
func TestGroupCommitFailureIsOwn(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	boom := errors.New("boom")
	holdToken(s)
	wait := lineUp(t, s, []func() (monitor.SaveResult, error){
		func() (monitor.SaveResult, error) { return s.SaveRequest(ctx, testRequest(1, 1)) },
		func() (monitor.SaveResult, error) {
			return monitor.SaveResult{}, s.groupWrite(ctx, "failing", func(ctx context.Context, tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ('half-done', 1)`); err != nil {
					return err
				}
				return boom
			})
		},
		func() (monitor.SaveResult, error) { return s.SaveRequest(ctx, testRequest(2, 1)) },
	})
	releaseToken(s)
	got := wait()
	if got[0].err != nil || got[2].err != nil || !errors.Is(got[1].err, boom) {
		t.Fatalf("outcomes: %+v", got)
	}
	for _, i := range []int{1, 2} {
		if _, err := s.Request(ctx, testAddr("ch", i), testAddr("nc", i)); err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	if c, err := s.Counters(ctx); err != nil || c["half-done"] != 0 {
		t.Errorf("the failed call's write was kept: %+v, %v", c, err)
	}
}

// TestGroupCommitCanceled: a call whose context ends while it is queued
// returns the context's error and is not written; one whose context ends
// while its transaction is under way returns the error too, but is
// written (the documented "may still be committed").
func TestGroupCommitCanceled(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()

	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.SaveRequest(done, testRequest(9, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled before the call: %v", err)
	}

	// Ends while queued: dropped.
	holdToken(s)
	cctx, cancel := context.WithCancel(ctx)
	wait := lineUp(t, s, []func() (monitor.SaveResult, error){
		func() (monitor.SaveResult, error) { return s.SaveRequest(cctx, testRequest(1, 1)) },
	})
	cancel()
	if got := wait(); !errors.Is(got[0].err, context.Canceled) {
		t.Errorf("canceled while queued: %v", got[0].err)
	}
	releaseToken(s)
	if _, err := s.SaveRequest(ctx, testRequest(2, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Request(ctx, testAddr("ch", 1), testAddr("nc", 1)); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("a request canceled while queued was stored: %v", err)
	}

	// Ends while its transaction is under way: the test commits, and the
	// first item of the group blocks until the second caller has left.
	holdToken(s)
	started, unblock := make(chan struct{}), make(chan struct{})
	cctx, cancel = context.WithCancel(ctx)
	wait = lineUp(t, s, []func() (monitor.SaveResult, error){
		func() (monitor.SaveResult, error) {
			return monitor.SaveResult{}, s.groupWrite(ctx, "slow", func(context.Context, *sql.Tx) error {
				close(started)
				<-unblock
				return nil
			})
		},
	})
	left := make(chan error, 1)
	go func() { _, err := s.SaveRequest(cctx, testRequest(3, 1)); left <- err }()
	waitFor(t, "the second call to queue", func() bool { return queued(s) == 2 })
	committed := make(chan struct{})
	go func() { s.commitGroup(); close(committed) }()
	<-started
	cancel()
	if err := <-left; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled while its transaction was under way: %v", err)
	}
	close(unblock)
	if got := wait(); got[0].err != nil {
		t.Errorf("the slow call: %v", got[0].err)
	}
	<-committed
	releaseToken(s)
	if _, err := s.Request(ctx, testAddr("ch", 3), testAddr("nc", 3)); err != nil {
		t.Errorf("the request taken before the cancel: %v", err)
	}
}

// TestCloseDrainsGroupAndLeavesNoGoroutines: Close waits for the commit
// under way, commits what is queued, refuses later calls, and nothing of
// the store is left running.
func TestCloseDrainsGroupAndLeavesNoGoroutines(t *testing.T) {
	baseline := runtime.NumGoroutine()
	path := tempPath(t)
	ctx := context.Background()
	s, err := Open(Config{Path: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	holdToken(s) // a commit under way
	var fns []func() (monitor.SaveResult, error)
	for i := range 20 {
		fns = append(fns, func() (monitor.SaveResult, error) { return s.SaveRequest(ctx, testRequest(i, 1)) })
	}
	wait := lineUp(t, s, fns)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	waitFor(t, "Close to refuse new calls", func() bool {
		s.g.mu.Lock()
		defer s.g.mu.Unlock()
		return s.g.closed
	})
	if _, err := s.SaveRequest(ctx, testRequest(99, 1)); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	releaseToken(s)
	for i, o := range wait() {
		if o.err != nil {
			t.Errorf("queued call %d: %v", i, o.err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}

	s = openAt(t, path)
	if tot, err := s.Totals(ctx); err != nil || tot.Requests != 20 {
		t.Errorf("after reopening: %d requests, %v", tot.Requests, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the store's goroutines to end", func() bool { return runtime.NumGoroutine() <= baseline })
}

// TestGroupCommitConcurrent: many writers on few keys end with the newest
// nonce of each key stored, every call answered with an outcome a serial
// order allows.
func TestGroupCommitConcurrent(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	const keys, writers, calls = 8, 16, 60
	var mu sync.Mutex
	maxNonce := map[int]uint64{}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range calls {
				k, nonce := rng.IntN(keys), 1+rng.Uint64N(20)
				if rng.IntN(4) == 0 {
					if _, err := s.SaveAppointment(ctx, testAppointment(int(nonce), k), 0); err != nil {
						t.Errorf("appointment: %v", err)
					}
					continue
				}
				_, err := s.SaveRequest(ctx, testRequest(k, nonce))
				var me *monitor.Error
				if err != nil && !(errors.As(err, &me) && me.Reason == monitor.ReasonStaleNonce) {
					t.Errorf("key %d nonce %d: %v", k, nonce, err)
				}
				mu.Lock()
				maxNonce[k] = max(maxNonce[k], nonce)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for k, n := range maxNonce {
		if r, err := s.Request(ctx, testAddr("ch", k), testAddr("nc", k)); err != nil || r.Nonce != n {
			t.Errorf("key %d: stored %+v, %v; want nonce %d", k, r.Nonce, err, n)
		}
	}
	t.Logf("%d group transactions for %d calls", batches(s), writers*calls)
}
