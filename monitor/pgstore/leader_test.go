package pgstore

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
)

// fast elections for tests: a follower retries and a leader checks its
// connection every 50 ms.
func leaderCfg(role, holder string) LeaderConfig {
	return LeaderConfig{Role: role, Holder: holder, RetryInterval: 50 * time.Millisecond, CheckInterval: 50 * time.Millisecond}
}

// lostWithin fails the test unless l's Lost is closed before the deadline
// (a bound on waiting, not a measurement).
func lostWithin(t *testing.T, l *Lease, d time.Duration) {
	t.Helper()
	select {
	case <-l.Lost():
	case <-time.After(d):
		t.Fatalf("the lease of %s (term %d) was not reported lost within %s", l.Role(), l.Term(), d)
	}
}

// TestElectionOneHolder: two replicas campaign for one role; one holds it,
// the other waits; when the holder releases it the other wins with a
// greater term. Other roles are independent.
func TestElectionOneHolder(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	a, b := openURL(t, url), openURL(t, url)
	la, err := a.Campaign(ctx, leaderCfg("ethereum", "a"))
	must(t, err)
	if la.Term() != 1 {
		t.Errorf("first term: %d, want 1", la.Term())
	}
	// b waits while a holds the role.
	wctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err = b.Campaign(wctx, leaderCfg("ethereum", "b"))
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second campaign while the role is held: %v, want to wait until its context ends", err)
	}
	// Another role is free.
	lbtc, err := b.Campaign(ctx, leaderCfg("bitcoin", "b"))
	must(t, err)
	if lbtc.Term() != 1 {
		t.Errorf("first bitcoin term: %d", lbtc.Term())
	}

	won := make(chan *Lease, 1)
	errs := make(chan error, 1)
	go func() {
		l, err := b.Campaign(ctx, leaderCfg("ethereum", "b"))
		if err != nil {
			errs <- err
			return
		}
		won <- l
	}()
	must(t, la.Release(ctx))
	if !errors.Is(la.Err(), ErrReleased) {
		t.Errorf("Err after Release: %v", la.Err())
	}
	lostWithin(t, la, time.Second) // Release closes Lost at once
	var lb *Lease
	select {
	case lb = <-won:
	case err := <-errs:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting replica did not win the released role")
	}
	if lb.Term() <= la.Term() {
		t.Errorf("new term %d after term %d", lb.Term(), la.Term())
	}
	if term, err := a.Term(ctx, "ethereum"); err != nil || term != lb.Term() {
		t.Errorf("Term(ethereum): %d %v, want %d", term, err, lb.Term())
	}
	must(t, lb.Release(ctx))
	must(t, lbtc.Release(ctx))
	must(t, lb.Release(ctx)) // twice is harmless
}

// TestElectionConnectionCut: the leader's backend is terminated by the
// server (as pg_terminate_backend, or a broken network, does) while its
// process lives: the lease reports the loss on Lost, the role is free at
// once for another replica, which wins it with a greater term.
func TestElectionConnectionCut(t *testing.T) {
	c := pgtest.Shared(t)
	url := c.NewDatabase(t)
	a, b := openURL(t, url), openURL(t, url)
	la, err := a.Campaign(ctx, leaderCfg("matrix", "a"))
	must(t, err)
	defer la.Release(ctx)

	var n int
	if err := c.Admin().QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'vigil leader matrix'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminate the leader's backend: %d terminated, %v", n, err)
	}
	lostWithin(t, la, 10*time.Second)
	if err := la.Err(); err == nil || errors.Is(err, ErrReleased) {
		t.Errorf("Err after the connection was cut: %v", err)
	}
	lb, err := b.Campaign(ctx, leaderCfg("matrix", "b"))
	must(t, err)
	defer lb.Release(ctx)
	if lb.Term() <= la.Term() {
		t.Errorf("term %d after the lost term %d", lb.Term(), la.Term())
	}
	must(t, la.Release(ctx)) // after the loss: harmless
}

// TestLeaseLeavesNoGoroutines: a lease's connection check ends with
// Release, and with the loss of its connection.
func TestLeaseLeavesNoGoroutines(t *testing.T) {
	c := pgtest.Shared(t)
	s := open(t)
	before := runtime.NumGoroutine()
	l, err := s.Campaign(ctx, leaderCfg("leak", "a"))
	must(t, err)
	must(t, l.Release(ctx))
	l, err = s.Campaign(ctx, leaderCfg("leak", "a"))
	must(t, err)
	if _, err := c.Admin().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'vigil leader leak'`); err != nil {
		t.Fatal(err)
	}
	lostWithin(t, l, 10*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after the leases ended, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
