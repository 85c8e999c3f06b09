package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"
)

// TestPollLoopOutcomes: each kind of round outcome gets its treatment, and
// a Fatal failure, even wrapped, ends the loop with its error while every
// other failure is retried.
func TestPollLoopOutcomes(t *testing.T) {
	stop := errors.New("the store is corrupt")
	rounds := []error{
		nil,
		&OutOfSync{Code: SyncHeadBelow, Detail: "head 3 below 5"},
		Unavailable(ReasonStorageUnavailable, "disk full", ErrStorageUnavailable),
		errors.New("connection refused"),
		nil,
		fmt.Errorf("apply: %w", Fatal(stop)),
		nil, // never reached
	}
	var sync []OutOfSync
	n := 0
	pause := &StoragePause{Log: slog.New(slog.DiscardHandler), What: "test watcher"}
	pausedAfter := map[int]bool{}
	loop := PollLoop{Name: "test", Interval: time.Millisecond, Storage: pause, Log: slog.New(slog.DiscardHandler),
		OnSync: func(p OutOfSync) { sync = append(sync, p) },
		Round: func(context.Context) error {
			if n > 0 {
				pausedAfter[n-1] = pause.Paused()
			}
			err := rounds[n]
			n++
			return err
		}}
	err := loop.Run(context.Background())
	if !errors.Is(err, stop) || !IsFatal(err) {
		t.Fatalf("Run ended with %v, want the fatal error", err)
	}
	if n != 6 {
		t.Errorf("%d rounds ran, want 6 (the loop ends at the fatal one)", n)
	}
	want := []OutOfSync{{}, {Code: SyncHeadBelow, Detail: "head 3 below 5"}, {}}
	if fmt.Sprint(sync) != fmt.Sprint(want) {
		t.Errorf("OnSync got %v, want %v (in sync, out of sync, in sync)", sync, want)
	}
	if !pausedAfter[2] || !pausedAfter[3] || pausedAfter[4] {
		t.Errorf("storage pause after rounds 2, 3, 4: %v %v %v, want paused until the round that succeeds", pausedAfter[2], pausedAfter[3], pausedAfter[4])
	}
}

// TestPollLoopStops: a canceled context ends the loop with nil, and the
// follower goroutine has returned when Run does.
func TestPollLoopStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	followed := make(chan struct{})
	loop := PollLoop{Name: "test", Interval: time.Hour, Storage: &StoragePause{}, Log: slog.New(slog.DiscardHandler),
		Round: func(context.Context) error { cancel(); return nil },
		Follow: func(ctx context.Context, wake chan<- struct{}) {
			defer close(followed)
			<-ctx.Done()
		}}
	if err := loop.Run(ctx); err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	select {
	case <-followed:
	default:
		t.Error("Run returned before its follower")
	}
}
