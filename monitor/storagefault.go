package monitor

import (
	"errors"
	"log/slog"
)

// ErrStorageUnavailable is wrapped by every storage fault a store reports
// (as a storage_unavailable *Error), so that it is recognised even under
// another *Error that wraps it.
var ErrStorageUnavailable = errors.New("the store refuses writes")

// IsStorageUnavailable reports whether err, anywhere in its chain, is a
// storage fault: the store refused a write because its disk is full or
// read-only. Such a failure passes once space returns, so callers retry
// instead of stopping.
func IsStorageUnavailable(err error) bool {
	if errors.Is(err, ErrStorageUnavailable) {
		return true
	}
	var e *Error
	return errors.As(err, &e) && e.Reason == ReasonStorageUnavailable
}

// StoragePause is the state of a loop (a chain watcher, the room sync) that
// pauses while the store refuses writes and retries on its own schedule. It
// logs only changes of state, so a full disk produces two lines per loop,
// not one per retry; the store itself logs the fault at error. The zero
// value logs to slog.Default. It is owned by one goroutine.
type StoragePause struct {
	Log    *slog.Logger
	What   string // e.g. "ethereum watcher"
	paused bool
}

// Pause reports whether err is a storage fault; the first of a run is
// logged at warn.
func (p *StoragePause) Pause(err error) bool {
	if !IsStorageUnavailable(err) {
		return false
	}
	if !p.paused {
		p.paused = true
		p.logger().Warn(p.What+" paused: the store refuses writes; retrying until it accepts them", "err", err)
	}
	return true
}

// Resume records a round that succeeded; the first after a pause is logged
// at info.
func (p *StoragePause) Resume() {
	if p.paused {
		p.paused = false
		p.logger().Info(p.What + " resumed: the store accepts writes again")
	}
}

// Paused reports whether the last round failed on a storage fault.
func (p *StoragePause) Paused() bool { return p.paused }

func (p *StoragePause) logger() *slog.Logger {
	if p.Log == nil {
		return slog.Default()
	}
	return p.Log
}
