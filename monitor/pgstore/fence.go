package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Fencing.
//
// A leader learns that it lost its role only at its next connection check
// (leader.go), and another replica may win the role before that. Writes
// that record an action therefore carry the leader's term in their
// context (WithFence), and the store checks it inside the write's own
// transaction: it reads the role's row of leader_terms FOR SHARE and
// refuses the write with a *StaleTermError when the term there is not the
// fence's. The share lock orders the check against Campaign's increment of
// the term: either the write commits before a new term exists, and the new
// leader, which reads after winning, sees what was recorded (and follows
// it instead of acting again), or it sees the new term and is refused,
// before the caller sends anything (the responder and the tower record an
// action before they send it).
//
// With Config.Fenced, the writes that record an action (update and justice
// records) are refused unless they carry a fence: no path of a replica can
// act without holding the role's current term.

// ReasonStaleTerm is the stable reason of a StaleTermError.
const ReasonStaleTerm = "stale_term"

// Fence is a leader's claim on a role, carried by the context of its
// writes.
type Fence struct {
	Role string
	Term int64
	// Stale, when set, is called (once per refused write) when the store
	// refuses a write of this fence: the holder must stop acting.
	Stale func()
}

type fenceKey struct{}

// WithFence returns ctx carrying f: every write made with it is refused
// unless f.Term is still the role's current term.
func WithFence(ctx context.Context, f Fence) context.Context {
	return context.WithValue(ctx, fenceKey{}, f)
}

func fenceFrom(ctx context.Context) (Fence, bool) {
	f, ok := ctx.Value(fenceKey{}).(Fence)
	return f, ok
}

// ErrStaleTerm matches every *StaleTermError (errors.Is).
var ErrStaleTerm = errors.New("pgstore: " + ReasonStaleTerm)

// ErrUnfenced is the error of an action write without a fence on a store
// opened with Config.Fenced.
var ErrUnfenced = fmt.Errorf("%w: an action written without a leader's term on a replicated store", ErrStaleTerm)

// StaleTermError is a write refused because its fence's term is no longer
// the role's: another replica has won the role since.
type StaleTermError struct {
	Role          string
	Term, Current int64
}

func (e *StaleTermError) Error() string {
	return fmt.Sprintf("pgstore: %s: the write of %s leader term %d is refused, the current term is %d",
		ReasonStaleTerm, e.Role, e.Term, e.Current)
}

// Is makes every StaleTermError match ErrStaleTerm.
func (e *StaleTermError) Is(target error) bool { return target == ErrStaleTerm }

// Reason is the stable reason code.
func (e *StaleTermError) Reason() string { return ReasonStaleTerm }

// checkFence refuses the transaction's write when ctx carries a fence whose
// term is not the role's current one; with required, also when it carries
// none on a Fenced store.
func (s *Store) checkFence(ctx context.Context, tx pgx.Tx, required bool) error {
	f, ok := fenceFrom(ctx)
	if !ok {
		if required && s.fenced {
			return ErrUnfenced
		}
		return nil
	}
	var current int64
	err := tx.QueryRow(ctx, `SELECT term FROM leader_terms WHERE role = $1 FOR SHARE`, f.Role).Scan(&current)
	if err != nil && !noRows(err) {
		return err
	}
	if current != f.Term {
		if f.Stale != nil {
			f.Stale()
		}
		return &StaleTermError{Role: f.Role, Term: f.Term, Current: current}
	}
	return nil
}

// actWrite is write for a record of an action: on a Fenced store it
// requires a fence.
func (s *Store) actWrite(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	return s.fencedWrite(ctx, op, true, fn)
}

// fencedWrite runs fn after the fence check, in one transaction.
func (s *Store) fencedWrite(ctx context.Context, op string, required bool, fn func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.checkFence(ctx, tx, required); err != nil {
			return err
		}
		return fn(tx)
	})
	var se *StaleTermError
	if errors.As(err, &se) || errors.Is(err, ErrStaleTerm) {
		return err
	}
	err = wrap(op, err)
	s.noteWrite(err)
	return err
}
