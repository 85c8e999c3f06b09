// Package store is the SQLite implementation of the stores the products
// declare (proofs.Store, tower.Store, and the few methods their other
// consumers declare for themselves): Vigil's durable state (accepted
// monitoring requests, the confirmed-event view of channels, the chain
// cursor, update records and counters, and the watchtower's appointments,
// justice records and Bitcoin cursor) in one database file, with embedded
// numbered migrations.
//
// Every acknowledged write is committed with synchronous=FULL in WAL mode
// before the call returns, and writes that belong together (a request's
// read-compare-write, a chain batch with its cursor) share one transaction.
// Concurrent SaveRequest and SaveAppointment calls are group-committed:
// many share one transaction and one fsync, each still answered only after
// that commit (groupcommit.go).
// All writes go through a single connection; reads use a separate read-only
// pool, so readers never wait for the writer and never see SQLITE_BUSY. An
// exclusive lock on <path>.lock makes a second process on the same database
// fail fast with ErrLocked. The database files are the owner's only (0600,
// perm.go). A full or read-only disk makes writes fail with a
// storage_unavailable rejection, not an internal error, and the same Store
// writes again once space returns (fault.go). Before that, a disk reserve
// allocated at Open is released so that the chain watchers and responders
// keep recording while new requests are refused (reserve.go).
//
// The package stores and retrieves; it must not decide. It knows nothing of
// signatures, profitability, schedules or chains, applies no business rules
// beyond the nonce ordering that proofs.Store documents and never logs
// client data. Its one goroutine, the checkpointer (checkpoint.go), which
// also re-creates a released reserve, ends with Close. Callers outside cmd
// should depend on the store ports their own package declares, not on this
// package.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// ErrLocked is returned by Open when another process (or another Store in
// this process) holds the database's lock file.
var ErrLocked = errors.New("database is locked by another process")

// Config configures Open.
type Config struct {
	// Path of the database file; it is created if missing, its directory
	// must exist. The lock file is Path + ".lock"; SQLite adds -wal and -shm.
	// All four are readable and writable by their owner only (perm.go).
	Path string
	// BusyTimeout bounds how long a statement waits for an SQLite lock
	// (checkpoints, WAL recovery). Default 5s.
	BusyTimeout time.Duration
	// Logger receives migration and lifecycle messages. Default slog.Default().
	Logger *slog.Logger
	// ReserveBytes is the size of the disk reserve, Path + ".reserve",
	// allocated at Open and released when a write finds the disk full, so
	// that the watchers and responders keep recording (reserve.go). 0
	// disables it.
	ReserveBytes int64
	// ReserveCheck is how often a spent reserve's file system is checked
	// for room to re-create it. Default 5s.
	ReserveCheck time.Duration
}

const (
	defaultBusyTimeout = 5 * time.Second
	readConns          = 4
	// mmapSize is SQLite's mmap_size: how much of the database file may be
	// memory-mapped (address space, not memory).
	mmapSize = "4294967296"
	// blockHashesKept is how many of the newest block hashes are kept for
	// reorg detection.
	blockHashesKept = 256
)

// Store is a proofs.Store on an SQLite database. It is safe for concurrent
// use.
type Store struct {
	w    *sql.DB // the single writer connection
	r    *sql.DB // read-only pool
	lock *os.File
	log  *slog.Logger
	path string
	st   stmts // prepared on w
	rst  rstmts
	g    group // group commit of SaveRequest and SaveAppointment
	ck   *checkpointer
	chc  chanCache
	// ckRuns counts checkpoints run; walLong is set by the checkpointer
	// when the WAL needs a restart (checkpoint.go).
	ckRuns  atomic.Int64
	walLong atomic.Bool
	// faulty is set while writes fail on a storage fault (fault.go).
	faulty atomic.Bool
	// res is the disk reserve; nil when disabled (reserve.go).
	res *reserve

	closeOnce sync.Once
	closeErr  error
}

var _ proofs.Store = (*Store)(nil)

// driverName is the sqlite3 driver with Vigil's per-connection settings:
// pages not in SQLite's own cache are read from the memory-mapped file (the
// OS page cache) rather than with a read() each, which at a million stored
// requests was a syscall per B-tree leaf.
const driverName = "sqlite3_vigil"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(`PRAGMA mmap_size = `+mmapSize, nil)
		return err
	}})
}

// Open opens (creating if needed) and migrates the database at cfg.Path.
// It fails with ErrLocked if another process has it open, and with
// ErrSchemaTooNew if a newer binary has migrated it.
func Open(cfg Config) (*Store, error) {
	if cfg.Path == "" {
		return nil, errors.New("store: Config.Path is required")
	}
	if cfg.Path == ":memory:" || strings.HasPrefix(cfg.Path, "file:") {
		return nil, fmt.Errorf("store: Config.Path must be a file path, not %q", cfg.Path)
	}
	if cfg.BusyTimeout <= 0 {
		cfg.BusyTimeout = defaultBusyTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	path, err := filepath.Abs(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("store: directory of the database: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("store: %s is not a directory", filepath.Dir(path))
	}

	if cfg.ReserveBytes < 0 {
		return nil, fmt.Errorf("store: Config.ReserveBytes must not be negative; got %d", cfg.ReserveBytes)
	}
	// The reserve is checked before anything is created, so that a disk
	// too full for it fails the start with nothing left behind.
	var res *reserve
	spent := false
	if cfg.ReserveBytes > 0 {
		res = newReserve(path, cfg.ReserveBytes, cfg.ReserveCheck, cfg.Logger)
		_, dbErr := os.Stat(path)
		if spent, err = res.plan(dbErr == nil); err != nil {
			return nil, err
		}
	}

	_, lockErr := os.Stat(path + ".lock")
	lock, err := lockFile(path + ".lock")
	if err != nil {
		return nil, err
	}
	if res != nil && !spent {
		if err := res.create(); err != nil {
			if lockErr != nil { // created by this call: leave nothing behind
				_ = os.Remove(path + ".lock")
			}
			_ = unlockFile(lock)
			return nil, err
		}
	}
	if spent {
		res.startSpent()
	}
	s := &Store{lock: lock, log: cfg.Logger, path: path, res: res}
	s.g.init()
	if err := restrictFiles(path); err != nil {
		_ = s.Close()
		return nil, err
	}
	if err := s.open(cfg); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(cfg Config) error {
	ctx := context.Background()
	busy := strconv.FormatInt(cfg.BusyTimeout.Milliseconds(), 10)

	// The writer: WAL, fsync on every commit (synchronous=FULL; NORMAL in WAL
	// mode may lose the last commits on power loss, and an acknowledged
	// request must survive that), BEGIN IMMEDIATE so a write transaction
	// takes the write lock up front.
	w, err := sql.Open(driverName, dsn(s.path, url.Values{
		"_journal_mode": {"WAL"},
		"_synchronous":  {"FULL"},
		"_foreign_keys": {"on"},
		"_busy_timeout": {busy},
		"_txlock":       {"immediate"},
	}))
	if err != nil {
		return fmt.Errorf("store: open %s: %w", s.path, err)
	}
	s.w = w
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	var mode string
	if err := w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("store: open %s: %w", s.path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("store: %s: journal_mode is %q, want wal (is the file on a network file system?)", s.path, mode)
	}
	// Checkpoints are the checkpointer's (checkpoint.go); SQLite's
	// automatic one is a backstop.
	for _, p := range []string{
		`PRAGMA wal_autocheckpoint = ` + strconv.Itoa(walBackstopFrames),
		// A WAL file that grew past this during a burst is cut back to it
		// when the log restarts.
		`PRAGMA journal_size_limit = ` + strconv.Itoa(walRestartFrames*4096),
	} {
		if _, err := w.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("store: open %s: %s: %w", s.path, p, err)
		}
	}
	version, err := migrate(ctx, w, migrationsFS, s.log)
	if err != nil {
		return fmt.Errorf("store: %s: %w", s.path, err)
	}
	if err := s.st.prepare(ctx, w); err != nil {
		return fmt.Errorf("store: %s: %w", s.path, err)
	}

	// Readers: WAL lets them read a committed snapshot while the writer
	// works; query_only makes a write through this pool an error.
	r, err := sql.Open(driverName, dsn(s.path, url.Values{
		"_query_only":   {"1"},
		"_foreign_keys": {"on"},
		"_busy_timeout": {busy},
	}))
	if err != nil {
		return fmt.Errorf("store: open %s: %w", s.path, err)
	}
	s.r = r
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	if err := r.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open %s: %w", s.path, err)
	}
	if s.rst.channel, err = r.PrepareContext(ctx, channelQuery); err != nil {
		return fmt.Errorf("store: %s: prepare: %w", s.path, err)
	}
	if err := s.startCheckpointer(busy); err != nil {
		return fmt.Errorf("store: open %s: checkpointer: %w", s.path, err)
	}
	s.log.Debug("store opened", "path", s.path, "schema_version", version)
	return nil
}

// dsn builds a file: URI, so that any character in the path is escaped.
func dsn(path string, params url.Values) string {
	return "file:" + (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath() + "?" + params.Encode()
}

// Close closes the database and releases the lock. It is safe to call more
// than once. Group-committed writes already queued are committed first;
// later ones fail with ErrClosed.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeGroup()
		var errs []error
		errs = append(errs, s.stopCheckpointer())
		if s.rst.channel != nil {
			errs = append(errs, s.rst.channel.Close())
		}
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		errs = append(errs, s.st.close())
		if s.w != nil {
			errs = append(errs, s.w.Close()) // the last connection checkpoints the WAL
		}
		if s.lock != nil {
			errs = append(errs, unlockFile(s.lock))
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("store: close %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// stmts are the hot write statements, prepared once on the writer
// connection: parsing SQL was nearly half the cost of saving a request.
type stmts struct {
	getRequest, putRequest, seen, countSeen *sql.Stmt
}

func (st *stmts) prepare(ctx context.Context, w *sql.DB) error {
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&st.getRequest, `SELECT nonce, transferred_amount, locksroot, extra_hash,
			signature, non_closing_signature, reward, closing
			FROM requests WHERE channel = ? AND non_closing = ?`},
		{&st.putRequest, `INSERT OR REPLACE INTO requests (` + requestCols + `)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		// Whether a request's channel, closing and non-closing participant
		// were ever seen (migration 0004): every EXISTS is one descent of
		// a B-tree the request's own insert is about to touch, or of the
		// small tables of deleted sightings.
		{&st.seen, `SELECT
			EXISTS (SELECT 1 FROM requests WHERE channel = ?1) OR EXISTS (SELECT 1 FROM seen_channels WHERE address = ?1),
			EXISTS (SELECT 1 FROM requests WHERE closing = ?2) OR EXISTS (SELECT 1 FROM requests WHERE non_closing = ?2)
				OR EXISTS (SELECT 1 FROM seen_addresses WHERE address = ?2),
			EXISTS (SELECT 1 FROM requests WHERE closing = ?3) OR EXISTS (SELECT 1 FROM requests WHERE non_closing = ?3)
				OR EXISTS (SELECT 1 FROM seen_addresses WHERE address = ?3)`},
		{&st.countSeen, `UPDATE seen_counts SET n = n + ?2 WHERE kind = ?1`},
	} {
		stmt, err := w.PrepareContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*p.dst = stmt
	}
	return nil
}

// rstmts are the hot read statements, prepared on the read pool (each
// connection prepares them once, when first used). Store.Channel is read
// for every balance proof taken in.
type rstmts struct {
	channel *sql.Stmt
}

func (st *stmts) close() error {
	var errs []error
	for _, stmt := range []*sql.Stmt{st.getRequest, st.putRequest, st.seen, st.countSeen} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(errs...)
}

// write runs fn in a write transaction and commits it. A *monitor.Error
// from fn (a rejection) is returned as is; other errors are wrapped with op.
//
// A write that fails for lack of space releases the disk reserve and is
// tried once more in the space freed (reserve.go): these are the writes
// that protect what was already promised.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	err := s.writeTx(ctx, op, fn)
	if err != nil && s.releaseReserve(err) {
		err = s.writeTx(ctx, op, fn)
	}
	if err != nil {
		s.noteWrite(err)
		return err
	}
	s.committed()
	return nil
}

// writeIntake is write for new client requests: refused while the disk
// reserve is spent; a failure for lack of space releases the reserve (the
// operator is alerted at once) but is not tried again, since the freed
// space is not for new requests.
func (s *Store) writeIntake(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if err := s.intakeRefused(op); err != nil {
		return err
	}
	err := s.writeTx(ctx, op, fn)
	if err != nil {
		if !s.releaseReserve(err) { // a release is logged at error by itself
			s.noteWrite(err)
		}
		return err
	}
	s.committed()
	return nil
}

// writeTx runs fn in a write transaction and commits it.
func (s *Store) writeTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return wrap(op, err)
	}
	if err := tx.Commit(); err != nil {
		return wrap(op, err)
	}
	return nil
}

// read runs fn in a read transaction: one consistent snapshot.
func (s *Store) read(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return wrap(op, err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	return wrap(op, fn(tx))
}

// wrap adds op to a failure of the database; a storage fault (disk full,
// read-only) becomes a storage_unavailable rejection (fault.go).
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var me *monitor.Error
	if errors.As(err, &me) {
		return err
	}
	if isStorageFault(err) {
		return storageError(op, err)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// notFound is a not_found rejection that also matches monitor.ErrNotFound.
func notFound(format string, args ...any) error {
	e := monitor.Reject(monitor.ReasonNotFound, format, args...)
	e.Err = monitor.ErrNotFound
	return e
}

// queryAll runs a query and collects one value per row.
func queryAll[T any](ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
