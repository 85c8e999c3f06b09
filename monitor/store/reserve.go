package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/vigil-monitor/vigil/monitor"
)

// The disk reserve.
//
// Every action is recorded before it is broadcast, so a store that refuses
// writes sends nothing: on a full disk the watchers would pause and a
// stale close or a breach that lands meanwhile would go unanswered until
// the operator frees space. The reserve turns that into an alert with time
// to act. At Open the store allocates a file of Config.ReserveBytes next to
// the database (<path>.reserve, blocks really allocated and fsynced: a
// sparse file would reserve nothing). The first write that fails for lack
// of space truncates it to zero, logs at error what the operator must do,
// and the write that met the full disk is tried once more, now in the
// freed space.
//
// While the reserve is spent, only the paths that protect what was already
// promised write into the freed space: the chain watchers' batches and
// cursors, the responders' update and justice records, counters and state.
// New client requests (SaveRequest, SaveAppointment and their batch forms,
// whichever transport they came from) are refused storage_unavailable
// before they touch the disk: a client turned away can go to another
// monitor, while a channel already receipted has only this one. The store
// decides this, not REST or the room, because it is the one place every
// intake path passes through and the one that knows the reserve's state at
// the moment of the write.
//
// The checkpointer's goroutine looks at the free space every
// Config.ReserveCheck while the reserve is spent, and re-creates it once
// the free space is at least twice the reserve (re-creating it as soon as
// it just fits would leave the disk full again and the next write would
// spend it at once); intake then takes requests again.
//
// A reserve file that exists but is not whole when Open finds no room to
// complete it was released by an earlier run that stopped on a full disk:
// the store then opens with the reserve spent, logged at error, rather than
// refusing to start and leaving every channel unwatched.

const (
	defaultReserveCheck = 5 * time.Second
	// reserveHeadroom is the free space Open requires beyond what the
	// reserve still needs, so that the database can be created and
	// migrated.
	reserveHeadroom = 1 << 20
	// lowSpace is the free space below which an I/O error of SQLite is
	// taken for a full disk (a write to the -shm file, for one, reports
	// SQLITE_IOERR rather than SQLITE_FULL).
	lowSpace = 64 << 10
)

// ErrReserveDoesNotFit is wrapped by Open's error when the disk has no room
// for the reserve.
var ErrReserveDoesNotFit = errors.New("the disk reserve does not fit")

// ReserveStatus is the disk reserve's state.
type ReserveStatus struct {
	// Bytes is the configured size; 0 means the reserve is disabled.
	Bytes int64
	// Path is the reserve file.
	Path string
	// Spent is true from the release until the reserve is re-created:
	// intake refuses new requests meanwhile.
	Spent bool
	// Releases counts releases since Open.
	Releases int64
	// FreeBytes is the free space of the data directory's file system
	// (for an unprivileged process), or -1 when unknown.
	FreeBytes int64
}

type reserve struct {
	path  string
	dir   string
	size  int64
	check time.Duration
	log   *slog.Logger

	mu       sync.Mutex // serialises release and re-creation
	spent    atomic.Bool
	releases atomic.Int64
}

func newReserve(dbPath string, size int64, check time.Duration, log *slog.Logger) *reserve {
	if check <= 0 {
		check = defaultReserveCheck
	}
	return &reserve{path: dbPath + ".reserve", dir: filepath.Dir(dbPath), size: size, check: check, log: log}
}

// plan checks, before anything is created, whether the reserve fits. It
// returns spent when the reserve cannot be completed but an earlier run
// left it released beside an existing database (see above).
func (r *reserve) plan(dbExists bool) (spent bool, err error) {
	have, exists := allocatedBytes(r.path)
	need := r.size - min(have, r.size)
	if need == 0 {
		return false, nil
	}
	free, ferr := freeBytes(r.dir)
	if ferr != nil || free >= need+reserveHeadroom {
		return false, nil // unknown free space: allocate decides
	}
	if exists && dbExists {
		return true, nil
	}
	return false, r.doesNotFit(free)
}

// startSpent marks the reserve spent at Open (see plan), once the lock is
// held.
func (r *reserve) startSpent() {
	free, _ := freeBytes(r.dir)
	r.log.Error(fmt.Sprintf("disk full: the %s disk reserve released by an earlier run cannot be re-created; "+
		"new requests are refused until it is: free space on %s now", mib(r.size), r.dir),
		"reserve", r.path, "free_bytes", free)
	r.spent.Store(true)
}

func (r *reserve) doesNotFit(free int64) error {
	return fmt.Errorf("store: %w: the reserve %s needs %s and %s more to work in, but %s has %s free: "+
		"free space there, or lower the reserve (store.reserve_bytes; 0 disables it, and a full disk then stops every write)",
		ErrReserveDoesNotFit, r.path, mib(r.size), mib(reserveHeadroom), r.dir, mib(free))
}

// create allocates the whole reserve and makes it durable. On failure the
// file is left released (or removed when it did not exist before).
func (r *reserve) create() error {
	_, existed := allocatedBytes(r.path)
	err := allocate(r.path, r.size)
	if err == nil {
		err = syncDir(r.dir)
	}
	if err == nil {
		return nil
	}
	if existed {
		_ = os.Truncate(r.path, 0)
	} else {
		_ = os.Remove(r.path)
	}
	if !errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("store: create the reserve %s: %w", r.path, err)
	}
	free, _ := freeBytes(r.dir)
	return fmt.Errorf("%w (%w)", r.doesNotFit(free), err)
}

// release gives the reserve's space back to the file system for the writes
// that protect channels already promised. It reports whether the reserve is
// spent now (released by this call or earlier): the caller's write may then
// find room.
func (r *reserve) release(cause error) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.spent.Load() {
		return true
	}
	// A reserve file the operator deleted to free space counts as
	// released: it is re-created with the others.
	if err := os.Truncate(r.path, 0); err != nil && !errors.Is(err, fs.ErrNotExist) {
		if rerr := os.Remove(r.path); rerr != nil {
			r.log.Error("disk full: the disk reserve could not be released; free space now", "reserve", r.path,
				"err", errors.Join(err, rerr), "cause", cause)
			return false
		}
	}
	r.spent.Store(true)
	r.releases.Add(1)
	free, _ := freeBytes(r.dir)
	r.log.Error(fmt.Sprintf("disk full: released the %s reserve so that channels stay watched; free space on %s now "+
		"(new requests are refused until it is re-created)", mib(r.size), r.dir),
		"reserve", r.path, "free_bytes", free, "cause", cause)
	return true
}

// recheck re-creates a spent reserve once the file system has room for it
// twice over.
func (r *reserve) recheck() {
	if !r.spent.Load() {
		return
	}
	free, err := freeBytes(r.dir)
	switch {
	case errors.Is(err, errors.ErrUnsupported): // not known here: try
	case err != nil || free < 2*r.size:
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := allocate(r.path, r.size); err != nil {
		_ = os.Truncate(r.path, 0)
		r.log.Warn("store: re-creating the disk reserve failed; tried again later", "reserve", r.path, "err", err)
		return
	}
	if err := syncDir(r.dir); err != nil {
		r.log.Warn("store: re-creating the disk reserve: sync of the directory failed", "dir", r.dir, "err", err)
	}
	r.spent.Store(false)
	r.log.Info(fmt.Sprintf("disk reserve re-created (%s); new requests are accepted again", mib(r.size)),
		"reserve", r.path, "free_bytes", free-r.size)
}

func (r *reserve) status() ReserveStatus {
	free, err := freeBytes(r.dir)
	if err != nil {
		free = -1
	}
	return ReserveStatus{Bytes: r.size, Path: r.path, Spent: r.spent.Load(), Releases: r.releases.Load(), FreeBytes: free}
}

// Reserve reports the disk reserve's state; Bytes is 0 when it is
// disabled.
func (s *Store) Reserve() ReserveStatus {
	if s.res == nil {
		free, err := freeBytes(filepath.Dir(s.path))
		if err != nil {
			free = -1
		}
		return ReserveStatus{FreeBytes: free}
	}
	return s.res.status()
}

// releaseReserve releases the reserve when err is a write refused for lack
// of space, and reports whether the write is worth one more try.
func (s *Store) releaseReserve(err error) bool {
	if s.res == nil || err == nil || !s.lackOfSpace(err) {
		return false
	}
	return s.res.release(err)
}

// lackOfSpace reports whether err is SQLite refusing a write because the
// file system is full.
func (s *Store) lackOfSpace(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case sqlite3.ErrFull:
		return true
	case sqlite3.ErrIoErr:
		free, ferr := freeBytes(filepath.Dir(s.path))
		return ferr == nil && free < lowSpace
	}
	return false
}

// reserveMessage is what a client turned away while the reserve is spent
// is told.
const reserveMessage = "the monitor's disk is full and it keeps its remaining space for the channels it already watches; nothing was stored: send it again later or to another monitor"

// intakeRefused is the refusal of a new client request while the reserve
// is spent, or nil.
func (s *Store) intakeRefused(op string) error {
	if s.res == nil || !s.res.spent.Load() {
		return nil
	}
	return monitor.Unavailable(monitor.ReasonStorageUnavailable, reserveMessage,
		fmt.Errorf("%w: store: %s: the disk reserve is spent", monitor.ErrStorageUnavailable, op))
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeZeros writes f's first size bytes with zeros.
func writeZeros(f *os.File, size int64) error {
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; {
		n := min(int64(len(buf)), size-off)
		if _, err := f.WriteAt(buf[:n], off); err != nil {
			return err
		}
		off += n
	}
	return f.Truncate(size)
}
