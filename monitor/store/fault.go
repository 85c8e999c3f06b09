package store

import (
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"

	"github.com/vigil-monitor/vigil/monitor"
)

// Storage faults.
//
// A full disk, a file system remounted read-only or a failing device makes
// SQLite refuse writes. That is not a reason to stop: nothing acknowledged
// is lost (a write that fails is rolled back and never answered as stored),
// reads of what is committed keep working, and writes work again once the
// operator frees space (SQLite rolls back a transaction whose write or
// commit failed for lack of space, so the writer connection is free for the
// next one: TestDiskFull retries on the same Store). So every such failure reaches callers as a
// monitor.Error with ReasonStorageUnavailable (code unavailable): intake
// answers it to the client, watchers pause and retry (monitor.StoragePause).
// The store logs the change of state once each way: at error when writes
// start failing (the operator must act), at info when a commit succeeds
// again.

// storageMessage is what a client is told.
const storageMessage = "the monitor cannot store anything now (its disk is full or read-only); nothing was stored: send it again later"

// isStorageFault reports whether err is SQLite refusing a write for lack of
// space or of a writable device.
func isStorageFault(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case sqlite3.ErrFull, sqlite3.ErrReadonly, sqlite3.ErrIoErr, sqlite3.ErrCantOpen:
		return true
	}
	return false
}

// storageError is err as a storage_unavailable rejection.
func storageError(op string, err error) error {
	return monitor.Unavailable(monitor.ReasonStorageUnavailable, storageMessage,
		fmt.Errorf("%w: store: %s: %w", monitor.ErrStorageUnavailable, op, err))
}

// noteWrite records the outcome of a write for the once-per-change log.
// With the disk reserve released, a write that succeeds again is not yet
// the end of the fault: intake stays refused until the reserve is
// re-created (reserve.go), and the log says so.
func (s *Store) noteWrite(err error) {
	if err == nil {
		if s.faulty.CompareAndSwap(true, false) {
			if s.res != nil && s.res.spent.Load() {
				s.log.Warn("store: writes succeed again, in the space of the released disk reserve: the watchers and responders resume; " +
					"new requests stay refused until space is freed and the reserve re-created")
			} else {
				s.log.Info("store: writes succeed again; intake and the watchers resume")
			}
		}
		return
	}
	if monitor.IsStorageUnavailable(err) && s.faulty.CompareAndSwap(false, true) {
		s.log.Error("store: the database refuses writes (disk full or read-only): requests are answered storage_unavailable "+
			"and the watchers pause until writes succeed; free space or make the data directory writable", "path", s.path, "err", errors.Unwrap(err))
	}
}
