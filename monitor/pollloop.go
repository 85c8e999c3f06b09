package monitor

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// fatalError marks an error that ends a polling loop.
type fatalError struct{ error }

func (e fatalError) Unwrap() error { return e.error }

// Fatal marks err as ending a PollLoop: a failure of the store other than
// a full disk, which retrying will not mend and the operator must see.
func Fatal(err error) error { return fatalError{err} }

// IsFatal reports whether err, anywhere in its chain, was marked Fatal.
func IsFatal(err error) bool {
	var f fatalError
	return errors.As(err, &f)
}

// PollLoop is the life of a chain watcher: a round now, then one at every
// Interval or wake-up, until the context ends. A round that succeeds
// reports the node in sync and ends a storage pause; one that finds the
// node out of sync (an *OutOfSync error) reports why; one that fails on a
// full disk pauses, logged once, until a later round succeeds; a Fatal
// failure ends the loop with its error; any other is logged and retried.
type PollLoop struct {
	Name     string // the chain, in log lines: "ethereum", "bitcoin"
	Interval time.Duration
	// Round handles every block the node has that was not handled yet.
	Round func(ctx context.Context) error
	// Follow, when set, runs beside the loop until it ends and sends on
	// wake when the node announces a block, so the next round starts at
	// once. The rounds, not the announcements, say what was handled, so a
	// lost announcement costs at most one Interval.
	Follow func(ctx context.Context, wake chan<- struct{})
	// OnSync, when set, is told the node's state after every round that
	// got an answer (zero: in sync).
	OnSync  func(OutOfSync)
	Storage *StoragePause
	Log     *slog.Logger
}

// Run runs rounds until ctx is done (nil) or a round fails Fatal.
func (l PollLoop) Run(ctx context.Context) error {
	t := time.NewTicker(l.Interval)
	defer t.Stop()
	wake := make(chan struct{}, 1)
	if l.Follow != nil {
		fctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			l.Follow(fctx, wake)
		}()
		defer func() { cancel(); <-done }()
	}
	for {
		if err := l.round(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-wake:
		}
	}
}

// round runs one round and judges its outcome; only a Fatal failure is
// returned.
func (l PollLoop) round(ctx context.Context) error {
	var oos *OutOfSync
	err := l.Round(ctx)
	switch {
	case err == nil:
		l.report(OutOfSync{})
		l.Storage.Resume()
	case ctx.Err() != nil:
	case errors.As(err, &oos):
		l.report(*oos) // logged once per change, by the receiver
	case l.Storage.Pause(err):
		// logged once per pause
	case IsFatal(err):
		return err
	default:
		l.Log.Warn(l.Name+" poll failed; retrying", "err", err, "retry_in", l.Interval)
	}
	return nil
}

func (l PollLoop) report(p OutOfSync) {
	if l.OnSync != nil {
		l.OnSync(p)
	}
}
