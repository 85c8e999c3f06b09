package store

import (
	"context"
	"database/sql"
	"net/url"
	"time"
)

// Checkpoints.
//
// In WAL mode a commit appends the pages it changed to the -wal file; a
// checkpoint copies them back into the database file and fsyncs it.
// SQLite's default runs that checkpoint inside whichever commit crosses
// 1,000 WAL pages, so every few group commits one batch of clients waits
// for thousands of scattered page writes and an fsync of the main file. At
// 1,000,000 stored requests that was most of the store's cost per request
// (BenchmarkSaveRequestGroup: 180 µs of CPU per request with it, 85 µs
// without; docs/BENCHMARKS.md).
//
// So the writer does not checkpoint. A goroutine does, on its own
// connection, once commits pause for checkpointDelay (or checkpointMaxDelay
// after the first of a steady stream): PASSIVE, which copies what it can
// without blocking the writer or readers. It waits for a pause because its
// fsync of the database file holds up a commit's fsync of the WAL on the
// same file system (by tens of milliseconds on a virtual disk), and
// commits come in bursts: a block applied, then the responder's record of
// the update it is about to broadcast. Under sustained writes the
// WAL never becomes fully copied between two commits, so it would grow
// without end (a background RESTART loses every race against a writer that
// begins its next transaction at once). Once the WAL holds more than
// walRestartFrames pages the checkpointer says so, and the writer, right
// after its next commit and before its next transaction, runs a PASSIVE
// checkpoint itself: with no write under way it copies the few pages the
// checkpointer has not, and the following transaction starts the WAL file
// from the beginning (unless a reader still holds an old snapshot: then a
// later commit tries again; the writer never waits for readers). The writer also
// keeps SQLite's own automatic checkpoint as a backstop at
// walBackstopFrames, should this goroutine stop.
//
// Durability is unchanged: a commit is durable once its WAL frames are
// fsynced (synchronous=FULL), whether or not they were checkpointed yet;
// recovery after a crash replays the WAL.
const (
	checkpointDelay    = 100 * time.Millisecond
	checkpointMaxDelay = time.Second
	walRestartFrames   = 16_384 // 64 MiB of 4 KiB pages
	walBackstopFrames  = 65_536
)

type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

func (s *Store) startCheckpointer(busy string) error {
	db, err := sql.Open(driverName, dsn(s.path, url.Values{
		"_synchronous":  {"FULL"},
		"_busy_timeout": {busy},
	}))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return err
	}
	s.ck = &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go s.checkpointLoop()
	return nil
}

// committed is called by the writer after each commit: it tells the
// checkpointer that the WAL grew, and restarts the WAL if the checkpointer
// found it long.
func (s *Store) committed() {
	s.noteWrite(nil)
	if s.ck == nil {
		return
	}
	if s.walLong.CompareAndSwap(true, false) {
		var busy, log, done int64
		err := s.w.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done)
		switch {
		case err != nil:
			s.log.Warn("store: WAL checkpoint by the writer failed; retried after a later commit", "err", err)
		case done < log:
			s.walLong.Store(true) // a reader holds old pages: try again later
		default:
			s.ckRuns.Add(1)
		}
	}
	select {
	case s.ck.kick <- struct{}{}:
	default:
	}
}

func (s *Store) checkpointLoop() {
	c := s.ck
	defer close(c.done)
	// A spent disk reserve is re-created on this goroutine (reserve.go).
	var recheck <-chan time.Time
	if s.res != nil {
		t := time.NewTicker(s.res.check)
		defer t.Stop()
		recheck = t.C
	}
	for {
		select {
		case <-c.stop:
			return
		case <-recheck:
			s.res.recheck()
			continue
		case <-c.kick:
		}
		// Let commits gather, so one checkpoint writes a page changed by
		// many of them once, until they pause.
		if !c.awaitPause() {
			return
		}
		s.checkpoint("PASSIVE")
	}
}

// awaitPause returns once no commit has come for checkpointDelay, or
// checkpointMaxDelay after it was called; false when the store closes.
func (c *checkpointer) awaitPause() bool {
	latest := time.Now().Add(checkpointMaxDelay)
	t := time.NewTimer(checkpointDelay)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return false
		case <-t.C:
			return true
		case <-c.kick:
			// Reset drops a firing not yet received (timers since Go 1.23).
			t.Reset(min(checkpointDelay, max(time.Until(latest), 0)))
		}
	}
}

// checkpoint runs one checkpoint in mode and flags a long WAL for the
// writer to restart.
func (s *Store) checkpoint(mode string) {
	var busy, log, done int64
	err := s.ck.db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &log, &done)
	if err != nil {
		if isStorageFault(err) {
			// A full disk: the store logs that once, not every checkpoint.
			s.log.Debug("store: checkpoint failed for lack of space; the WAL keeps the commits", "mode", mode, "err", err)
			return
		}
		s.log.Warn("store: checkpoint failed; the WAL file grows until one succeeds", "mode", mode, "err", err)
		return
	}
	s.ckRuns.Add(1)
	if log >= walRestartFrames {
		s.walLong.Store(true)
	}
}

func (s *Store) stopCheckpointer() error {
	if s.ck == nil {
		return nil
	}
	close(s.ck.stop)
	<-s.ck.done
	return s.ck.db.Close()
}
