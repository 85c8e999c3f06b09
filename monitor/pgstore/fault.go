package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vigil-monitor/vigil/monitor"
)

// Storage faults.
//
// A database server that cannot be reached (down, restarting, the network
// cut), that is out of disk space, or that refuses writes (a read-only
// standby, default_transaction_read_only) is not a reason to stop: nothing
// acknowledged is lost (a write that fails is rolled back and never
// answered as stored) and writes work again once the server does. So every
// such failure reaches callers as a monitor.Error with
// ReasonStorageUnavailable (code unavailable), as the SQLite store's full
// disk does: intake answers it to the client, watchers pause and retry
// (monitor.StoragePause). The store logs the change of state once each way:
// at error when writes start failing, at info when a commit succeeds again.

// storageMessage is what a client is told.
const storageMessage = "the monitor cannot store anything now (its database is unreachable, full or read-only); nothing was stored: send it again later"

// isStorageFault reports whether err is the database being unreachable,
// out of space or read-only. A canceled or expired context is the caller's,
// not the database's.
func isStorageFault(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			strings.HasPrefix(pe.Code, "53"),                           // insufficient resources: disk full, out of memory, too many connections
			strings.HasPrefix(pe.Code, "58"),                           // system error: I/O error
			pe.Code == "25006",                                         // read_only_sql_transaction
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin or crash shutdown, cannot connect now
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	// A connection that broke in the middle of a call.
	return pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed") ||
		strings.Contains(err.Error(), "unexpected EOF")
}

// storageError is err as a storage_unavailable rejection.
func storageError(op string, err error) error {
	return monitor.Unavailable(monitor.ReasonStorageUnavailable, storageMessage,
		fmt.Errorf("%w: pgstore: %s: %w", monitor.ErrStorageUnavailable, op, err))
}

// noteWrite records the outcome of a write for the once-per-change log.
func (s *Store) noteWrite(err error) {
	if err == nil {
		if s.faulty.CompareAndSwap(true, false) {
			s.log.Info("store: writes succeed again; intake and the watchers resume")
		}
		return
	}
	if monitor.IsStorageUnavailable(err) && s.faulty.CompareAndSwap(false, true) {
		s.log.Error("store: the database refuses writes or cannot be reached: requests are answered storage_unavailable "+
			"and the watchers pause until writes succeed; check the PostgreSQL server", "err", errors.Unwrap(err))
	}
}
