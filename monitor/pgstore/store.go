// Package pgstore is the PostgreSQL implementation of the stores the
// products declare (proofs.Store, tower.Store, and the few methods their
// other consumers declare for themselves): the same durable state as
// monitor/store's SQLite file, both domains in one database, for vigild
// replicas that share it. It passes the same conformance suite
// (monitor/storetest) with the same semantics: idempotent intake by key,
// the same results and rejections, cursors, reorg rollbacks, counters and
// totals.
//
// Every acknowledged write has committed (PostgreSQL's defaults: fsync and
// synchronous_commit on) before the call returns, and writes that belong
// together share one transaction. Concurrent SaveRequest and
// SaveAppointment calls are group-committed: many share one transaction
// and one commit, each still answered only after that commit
// (groupcommit.go). Intake's read-compare-write runs under a
// transaction-level advisory lock per domain, so replicas accepting the
// same key at once get the answers one process would give. Migrations
// (migrate.go) run under a session-level advisory lock, so replicas
// starting together apply each one once. A database that cannot be reached
// or refuses writes (disk full, read-only) makes calls fail with a
// storage_unavailable rejection, as the SQLite store does (fault.go).
// Replicas elect one leader per acting role (leader.go), and a write whose
// context carries a leader's term is refused once that term is stale
// (fence.go). They keep their watchtower locator indexes current with
// incremental reads (tower.IndexFeed: EachLocatorFrom, LocatorChanges in
// tower.go) and read the stats' totals from counts the schema's triggers
// keep, so that neither recounts millions of rows.
//
// Unlike the SQLite store it keeps no cache of channels: another replica
// may change them.
//
// The package stores and retrieves; it must not decide. It knows nothing
// of signatures, profitability, schedules or chains, applies no business
// rules beyond the orderings the store ports document and never logs
// client data. Its one goroutine is a leader Lease's connection check
// (leader.go), which ends with Release. Callers outside cmd should depend
// on the store ports their own package declares, not on this package.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// Config configures Open.
type Config struct {
	// URL is the database, as a postgres:// URL or a libpq key=value
	// string; pool settings such as pool_max_conns may be part of it.
	URL string
	// Logger receives migration and lifecycle messages. Default slog.Default().
	Logger *slog.Logger
	// Fenced: the database is shared by replicas, so the records of
	// actions (update and justice records) are refused unless their
	// context carries the current term of the role (WithFence).
	Fenced bool
}

const (
	// blockHashesKept is how many of the newest block hashes are kept for
	// reorg detection.
	blockHashesKept = 256
	// btcBlockHashesKept: two days of Bitcoin blocks.
	btcBlockHashesKept = 288
	// minConns: the group committer, a read and a streaming read
	// (EachLocator) at once, with room to spare.
	minConns = 4
)

// Store is a proofs.Store and a tower.Store on a PostgreSQL database. It
// is safe for concurrent use, also by several processes on one database.
type Store struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	g    group
	// faulty is set while writes fail on a storage fault (fault.go).
	faulty atomic.Bool
	// fenced: Config.Fenced.
	fenced bool

	closeOnce sync.Once
}

var (
	_ proofs.Store = (*Store)(nil)
	_ tower.Store  = (*Store)(nil)
)

// Open connects to cfg.URL and migrates the database. It fails with
// ErrSchemaTooNew if a newer binary has migrated it, and with a
// storage_unavailable rejection when the server cannot be reached.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URL == "" {
		return nil, errors.New("pgstore: Config.URL is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		// The parser's message may quote the URL with its password.
		return nil, errors.New("pgstore: the database URL does not parse (want postgres://user[:password]@host[:port]/database[?options])")
	}
	if pc.MaxConns < minConns {
		pc.MaxConns = minConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, wrap("connect", err)
	}
	s := &Store{pool: pool, log: cfg.Logger, fenced: cfg.Fenced}
	s.g.init()
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, wrap(fmt.Sprintf("connect to %s", where(pc)), err)
	}
	version, err := migrate(ctx, pool, migrationsFS, s.log)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: %s: %w", where(pc), wrap("migrate", err))
	}
	s.log.Debug("store opened", "database", where(pc), "schema_version", version)
	return s, nil
}

// where names the server and database of pc, without credentials.
func where(pc *pgxpool.Config) string {
	return fmt.Sprintf("%s:%d/%s", pc.ConnConfig.Host, pc.ConnConfig.Port, pc.ConnConfig.Database)
}

// Close commits the group-committed writes already queued (later ones fail
// with ErrClosed) and closes the connections. It is safe to call more than
// once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeGroup()
		s.pool.Close()
	})
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return wrap("ping", s.pool.Ping(ctx)) }

// write runs fn in a transaction and commits it. A *monitor.Error from fn
// (a rejection) is returned as is; other errors are wrapped with op.
// When ctx carries a Fence, the transaction first checks its term
// (fence.go).
func (s *Store) write(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	return s.fencedWrite(ctx, op, false, fn)
}

// read runs fn in a read-only transaction on one snapshot.
func (s *Store) read(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	return wrap(op, pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn))
}

// wrap adds op to a failure of the database; an unreachable or full
// database becomes a storage_unavailable rejection (fault.go).
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
	return fmt.Errorf("pgstore: %s: %w", op, err)
}

// notFound is a not_found rejection that also matches monitor.ErrNotFound.
func notFound(format string, args ...any) error {
	e := monitor.Reject(monitor.ReasonNotFound, format, args...)
	e.Err = monitor.ErrNotFound
	return e
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// queryAll runs a query and collects one value per row.
func queryAll[T any](ctx context.Context, q querier, scan func(pgx.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
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

// noRows tells a missing row from a failure.
func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
