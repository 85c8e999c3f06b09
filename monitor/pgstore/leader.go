package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Leader election.
//
// Replicas sharing one database elect, for each acting role, one holder at
// a time: the replica whose dedicated connection holds the role's
// session-level advisory lock. PostgreSQL releases that lock when the
// session ends (the process dies, the connection breaks, an operator runs
// pg_terminate_backend), so a dead leader's role becomes free without any
// timeout of ours. On winning, the same session increments the role's term
// in leader_terms: terms only grow, so each leadership has its own.
//
// The holder learns that it lost the role by checking its connection every
// CheckInterval: Lease.Lost is closed when a check fails. Between the
// server ending the session and that check failing, another replica may
// already have won the role: the lease alone does not stop a stale leader
// from acting. That is what the term is for: writes that act must carry
// it, and the store refuses those of an older term (fencing, fence.go).

// ErrReleased is Lease.Err after Release.
var ErrReleased = errors.New("leadership released")

// LeaderConfig configures Campaign.
type LeaderConfig struct {
	// Role names what is led ("ethereum", "bitcoin", "matrix"); each role
	// has its own lock and term.
	Role string
	// Holder names this replica in leader_terms, for operators.
	Holder string
	// RetryInterval is how often a follower tries the lock again (default
	// 1s).
	RetryInterval time.Duration
	// CheckInterval is how often the leader checks its connection (default
	// 1s); CheckTimeout bounds one check (default CheckInterval).
	CheckInterval, CheckTimeout time.Duration
}

// Lease is one won leadership of a role. Its methods are safe for
// concurrent use.
type Lease struct {
	role string
	term int64
	key  int64
	conn *pgx.Conn

	lost     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	mu       sync.Mutex
	err      error
}

// roleLock is the advisory lock key of a role.
func roleLock(role string) int64 {
	h := fnv.New32a()
	h.Write([]byte(role))
	return lockBase | 1<<31 | int64(h.Sum32()&0x7fffffff)
}

// Campaign returns once this replica holds cfg.Role, with its new term, or
// when ctx ends. It uses a connection of its own, outside the store's
// pool, for as long as the lease lasts. A failure to reach the server is
// retried every RetryInterval, as a lock held by another replica is.
func (s *Store) Campaign(ctx context.Context, cfg LeaderConfig) (*Lease, error) {
	if cfg.Role == "" {
		return nil, errors.New("pgstore: LeaderConfig.Role is required")
	}
	if cfg.RetryInterval <= 0 {
		cfg.RetryInterval = time.Second
	}
	if cfg.CheckInterval <= 0 {
		cfg.CheckInterval = time.Second
	}
	if cfg.CheckTimeout <= 0 {
		cfg.CheckTimeout = cfg.CheckInterval
	}
	key := roleLock(cfg.Role)
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close(context.Background())
		}
	}()
	for {
		if conn == nil {
			cc := s.pool.Config().ConnConfig.Copy()
			cc.RuntimeParams["application_name"] = "vigil leader " + cfg.Role
			// The server notices a leader whose machine vanished within
			// seconds, and frees the lock.
			cc.RuntimeParams["tcp_keepalives_idle"] = "5"
			cc.RuntimeParams["tcp_keepalives_interval"] = "2"
			cc.RuntimeParams["tcp_keepalives_count"] = "3"
			c, err := pgx.ConnectConfig(ctx, cc)
			if err == nil {
				conn = c
			} else if ctx.Err() != nil {
				return nil, wrap("campaign", ctx.Err())
			} else {
				s.log.Warn("leader election: cannot reach the database; retrying", "role", cfg.Role, "err", err)
			}
		}
		if conn != nil {
			var won bool
			err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&won)
			switch {
			case err != nil && ctx.Err() != nil:
				return nil, wrap("campaign", ctx.Err())
			case err != nil:
				s.log.Warn("leader election: lost the connection; retrying", "role", cfg.Role, "err", err)
				_ = conn.Close(context.Background())
				conn = nil
			case won:
				var term int64
				err := conn.QueryRow(ctx, `INSERT INTO leader_terms (role, term, holder, since) VALUES ($1, 1, $2, $3)
					ON CONFLICT (role) DO UPDATE SET term = leader_terms.term + 1, holder = excluded.holder, since = excluded.since
					RETURNING term`, cfg.Role, cfg.Holder, time.Now().UnixNano()).Scan(&term)
				if err != nil {
					// The lock goes with the connection.
					return nil, wrap("campaign: new term", err)
				}
				l := &Lease{role: cfg.Role, term: term, key: key, conn: conn,
					lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
				conn = nil // the lease's now
				go l.watch(cfg.CheckInterval, cfg.CheckTimeout)
				s.log.Info("leader election: won", "role", cfg.Role, "term", term, "holder", cfg.Holder)
				return l, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, wrap("campaign", ctx.Err())
		case <-time.After(cfg.RetryInterval):
		}
	}
}

// watch checks the connection until it fails or Release.
func (l *Lease) watch(interval, timeout time.Duration) {
	defer close(l.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := l.conn.Ping(ctx)
		cancel()
		if err != nil {
			l.end(fmt.Errorf("pgstore: leadership of %s (term %d) lost: %w", l.role, l.term, err))
			_ = l.conn.Close(context.Background())
			return
		}
	}
}

// end records why the lease ended and closes Lost, once.
func (l *Lease) end(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		l.err = err
		close(l.lost)
	}
}

// Role is the led role.
func (l *Lease) Role() string { return l.role }

// Term is this leadership's term: greater than every earlier one's.
func (l *Lease) Term() int64 { return l.term }

// Lost is closed when the lease ends: its connection failed a check (the
// role may already have another holder), or Release.
func (l *Lease) Lost() <-chan struct{} { return l.lost }

// Err says why the lease ended (ErrReleased after Release), nil while it
// lasts.
func (l *Lease) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Release gives the role up: the lock is released and the connection
// closed, and the checking goroutine has ended when it returns. It is safe
// to call more than once and after the lease was lost.
func (l *Lease) Release(ctx context.Context) error {
	var err error
	l.stopOnce.Do(func() {
		close(l.stop)
		<-l.done
		l.end(ErrReleased)
		if !l.conn.IsClosed() {
			_, err = l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
			// Closing the session releases the lock in any case.
			err = errors.Join(err, l.conn.Close(ctx))
		}
	})
	return wrap("release leadership", err)
}

// Term reads a role's current term (0 before its first leader).
func (s *Store) Term(ctx context.Context, role string) (int64, error) {
	var term int64
	err := s.pool.QueryRow(ctx, `SELECT term FROM leader_terms WHERE role = $1`, role).Scan(&term)
	if noRows(err) {
		return 0, nil
	}
	return term, wrap("term", err)
}
