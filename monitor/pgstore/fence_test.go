package pgstore

import (
	"context"
	"errors"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

func openFenced(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URL: url, Logger: quiet, Fenced: true})
	must(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func fenceUpdate(nonce uint64) proofs.Update {
	now := time.Now()
	return proofs.Update{Channel: common.HexToAddress("0xc1"), NonClosing: common.HexToAddress("0xa1"), Nonce: nonce,
		Reward: big.NewInt(1), Outcome: proofs.OutcomePending, CreatedAt: now, UpdatedAt: now}
}

// TestFenceRefusesStaleLeader: replica a leads "ethereum" and records an
// update under its term; its lock connection is terminated and b wins a
// new term; a's next writes under its old term (an update inserted or
// saved, a justice record, a cursor) are refused with a StaleTermError
// and a's Stale callback runs, while b's writes are stored. Nothing of a's
// refused writes is in the database.
func TestFenceRefusesStaleLeader(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	a, b := openFenced(t, url), openFenced(t, url)
	la, err := a.Campaign(ctx, leaderCfg("ethereum", "a"))
	must(t, err)
	defer la.Release(ctx)
	var staleCalls atomic.Int32
	actx := WithFence(ctx, Fence{Role: "ethereum", Term: la.Term(), Stale: func() { staleCalls.Add(1) }})
	id, err := a.InsertUpdate(actx, fenceUpdate(1))
	must(t, err)

	// a's machine is cut off: its lock session ends; b wins the next term
	// before a has noticed.
	terminateLeader(t, b, "ethereum")
	lb, err := b.Campaign(ctx, leaderCfg("ethereum", "b"))
	must(t, err)
	defer lb.Release(ctx)
	if lb.Term() <= la.Term() {
		t.Fatalf("new term %d is not above the old %d", lb.Term(), la.Term())
	}

	_, err = a.InsertUpdate(actx, fenceUpdate(2))
	var se *StaleTermError
	if !errors.As(err, &se) || se.Reason() != ReasonStaleTerm || se.Term != la.Term() || se.Current != lb.Term() {
		t.Fatalf("stale leader's insert: %v, want a StaleTermError (term %d, current %d)", err, la.Term(), lb.Term())
	}
	u := fenceUpdate(1)
	u.ID, u.Outcome = id, proofs.OutcomeMined
	if err := a.SaveUpdate(actx, u); !errors.Is(err, ErrStaleTerm) {
		t.Fatalf("stale leader's save: %v, want ErrStaleTerm", err)
	}
	btcCtx := WithFence(ctx, Fence{Role: "ethereum", Term: la.Term()})
	if _, err := a.InsertJustice(btcCtx, tower.Justice{Outcome: tower.JusticeBroadcast}); !errors.Is(err, ErrStaleTerm) {
		t.Fatalf("stale leader's justice record: %v, want ErrStaleTerm", err)
	}
	if err := a.SetState(actx, "matrix.next_batch", "x"); !errors.Is(err, ErrStaleTerm) {
		t.Fatalf("stale leader's state write: %v, want ErrStaleTerm", err)
	}
	if n := staleCalls.Load(); n != 3 {
		t.Errorf("Stale called %d times, want once per refused write of its fence (3)", n)
	}

	// The new leader writes.
	bctx := WithFence(ctx, Fence{Role: "ethereum", Term: lb.Term()})
	if _, err := b.InsertUpdate(bctx, fenceUpdate(3)); err != nil {
		t.Fatalf("new leader's insert: %v", err)
	}
	ups, err := b.Updates(ctx, proofs.UpdateQuery{})
	must(t, err)
	var nonces []uint64
	for _, u := range ups {
		nonces = append(nonces, u.Nonce)
		if u.Outcome != proofs.OutcomePending {
			t.Errorf("update %d: outcome %s, the stale save was stored", u.ID, u.Outcome)
		}
	}
	if len(nonces) != 2 || nonces[0] != 1 || nonces[1] != 3 {
		t.Errorf("stored update nonces %v, want [1 3] (the stale leader's second insert refused)", nonces)
	}
	if _, ok, err := b.State(ctx, "matrix.next_batch"); err != nil || ok {
		t.Errorf("the stale state write is stored (%v, %v)", ok, err)
	}
}

// TestFenceRequired: on a Fenced store an action record without a fence
// is refused; other writes (intake, state) are not.
func TestFenceRequired(t *testing.T) {
	s := openFenced(t, pgtest.Shared(t).NewDatabase(t))
	if _, err := s.InsertUpdate(ctx, fenceUpdate(1)); !errors.Is(err, ErrUnfenced) {
		t.Fatalf("unfenced update: %v, want ErrUnfenced", err)
	}
	if _, err := s.InsertJustice(ctx, tower.Justice{Outcome: tower.JusticeBroadcast}); !errors.Is(err, ErrUnfenced) {
		t.Fatalf("unfenced justice: %v, want ErrUnfenced", err)
	}
	must(t, s.SetState(ctx, "k", "v"))
	// A role that never had a leader has no current term: nothing passes.
	fctx := WithFence(ctx, Fence{Role: "bitcoin", Term: 1})
	if _, err := s.InsertJustice(fctx, tower.Justice{Outcome: tower.JusticeBroadcast}); !errors.Is(err, ErrStaleTerm) {
		t.Fatalf("a term the role never had: %v, want ErrStaleTerm", err)
	}
}

// terminateLeader ends the session holding role's lock, as an operator's
// pg_terminate_backend or a dead machine would.
func terminateLeader(t *testing.T, s *Store, role string) {
	t.Helper()
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()`, "vigil leader "+role).Scan(&n)
	must(t, err)
	if n != 1 {
		t.Fatalf("terminated %d sessions of the %s leader, want 1", n, role)
	}
}
