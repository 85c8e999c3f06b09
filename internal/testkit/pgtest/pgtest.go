// Package pgtest runs a private PostgreSQL 15 server for tests: initdb
// into a fresh temporary directory, the server on a free 127.0.0.1 port
// with its Unix socket in that directory, and a fresh database for each
// test. One cluster serves a whole test binary: a package's TestMain calls
// Main, its tests call Shared(t).NewDatabase(t).
//
// The server binaries come from Debian's postgresql package
// (/usr/lib/postgresql/15/bin, or `pg_config --bindir`); `make test-deps`
// installs it when it is missing. PostgreSQL refuses to run as root, so
// when the tests run as root initdb and the server run as the `postgres`
// system user, which owns the temporary directory. The server is started,
// awaited and stopped by pid with the proc package, as the other harnesses
// do.
//
// The server keeps PostgreSQL's default durability settings (fsync on,
// synchronous_commit on): a commit in a test is as durable, and as slow,
// as in production, which the store's benchmarks rely on. Only initdb runs
// with --no-sync: the cluster it writes is thrown away with the test run.
// Client connections over TCP need the cluster's password (scram-sha-256);
// the socket directory is the owner's only.
//
// Test support only: product code must not import it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vigil-monitor/vigil/internal/testkit/proc"
)

// DefaultBinDir is where Debian's postgresql-15 package puts the server.
const DefaultBinDir = "/usr/lib/postgresql/15/bin"

// runAsUser is the system user the server runs as when the tests run as
// root.
const runAsUser = "postgres"

// User is the cluster's superuser, the user of every URL.
const User = "vigil"

var timing = proc.Timing{Ready: 60 * time.Second, Poll: 50 * time.Millisecond, Grace: 10 * time.Second}

// Cluster is one running PostgreSQL server. Its methods are safe for
// concurrent use.
type Cluster struct {
	dir      string // temporary directory: data/, the socket, the log
	addr     string // 127.0.0.1:port
	password string
	p        *proc.Process
	admin    *pgxpool.Pool
	dbs      atomic.Int64
}

// BinDir finds the PostgreSQL server binaries, or says how to install them.
func BinDir() (string, error) {
	if _, err := os.Stat(filepath.Join(DefaultBinDir, "postgres")); err == nil {
		return DefaultBinDir, nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
				return dir, nil
			}
		}
	}
	return "", fmt.Errorf("PostgreSQL server binaries not found (%s/postgres, nor `pg_config --bindir`): run `make test-deps`, which installs Debian's postgresql package", DefaultBinDir)
}

// Start initialises and starts a new cluster in a temporary directory and
// waits until it accepts connections. Stop it with Stop.
func Start(ctx context.Context) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{dir: dir}
	if err := c.start(ctx, bin); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, bin string) error {
	var user string
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		uid, gid, err := proc.LookupUser(runAsUser)
		if err != nil {
			return fmt.Errorf("pgtest: PostgreSQL refuses to run as root and needs the %q system user (created by Debian's postgresql package; `make test-deps`): %w", runAsUser, err)
		}
		if err := os.Chown(c.dir, int(uid), int(gid)); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		user, cred = runAsUser, &syscall.Credential{Uid: uid, Gid: gid}
	}
	if err := os.Chmod(c.dir, 0o700); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}

	pw := make([]byte, 16)
	if _, err := rand.Read(pw); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	c.password = hex.EncodeToString(pw)
	pwfile := filepath.Join(c.dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(c.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if cred != nil {
		if err := os.Chown(pwfile, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
	}
	data := filepath.Join(c.dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", User, "--pwfile", pwfile,
		"--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.Dir = c.dir
	proc.InGroup(initdb, 5*time.Second)
	initdb.SysProcAttr.Credential = cred
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	_ = os.Remove(pwfile)

	log := filepath.Join(c.dir, "postgres.log")
	p, addr, err := proc.Launch(ctx, timing, func(addr string) (proc.Spec, error) {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return proc.Spec{}, err
		}
		return proc.Spec{
			Name: "postgres", Bin: filepath.Join(bin, "postgres"), Dir: c.dir, Log: log, User: user,
			Args: []string{"-D", data, "-h", "127.0.0.1", "-p", port, "-k", c.dir,
				"-c", "logging_collector=off", "-c", "max_connections=200"},
			// A test binary that dies without Stop (a timeout, a kill)
			// leaves no backend running on: the postmaster's immediate
			// shutdown stops them all.
			DeathSignal: syscall.SIGQUIT,
		}, nil
	}, func(addr string) error {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		pool, err := pgxpool.New(cctx, c.url(addr, "postgres"))
		if err != nil {
			return err
		}
		defer pool.Close()
		return pool.Ping(cctx)
	})
	if err != nil {
		return fmt.Errorf("pgtest: %w (log %s:\n%s)", err, log, proc.Tail(log, 4096))
	}
	c.p, c.addr = p, addr
	if c.admin, err = pgxpool.New(ctx, c.url(addr, "postgres")); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

// Stop stops the server by its pid and removes its directory. It is safe
// to call more than once. The shutdown is PostgreSQL's "immediate" one
// (SIGQUIT, then SIGTERM and SIGKILL if it lingers): SIGTERM would wait
// for every client to disconnect, and SIGINT's shutdown checkpoint writes
// and fsyncs every test's database, which takes many seconds, for a
// cluster that is deleted right after.
func (c *Cluster) Stop() error {
	if c.admin != nil {
		c.admin.Close()
		c.admin = nil
	}
	var err error
	if c.p != nil {
		if serr := c.p.Signal(syscall.SIGQUIT); serr == nil {
			select {
			case <-c.p.Done():
			case <-time.After(timing.Grace):
			}
		}
		err = c.p.Stop(timing.Grace)
		c.p = nil
	}
	if c.dir != "" {
		if rerr := os.RemoveAll(c.dir); rerr != nil && err == nil {
			err = rerr
		}
		c.dir = ""
	}
	return err
}

// Addr is the server's 127.0.0.1:port.
func (c *Cluster) Addr() string { return c.addr }

// PID is the server's (the postmaster's) process id.
func (c *Cluster) PID() int { return c.p.PID() }

// URL is a connection URL for database db as the cluster's superuser.
func (c *Cluster) URL(db string) string { return c.url(c.addr, db) }

func (c *Cluster) url(addr, db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(User, c.password), Host: addr, Path: "/" + db,
		RawQuery: "sslmode=disable"}
	return u.String()
}

// Admin is a pool connected to the cluster's postgres database as the
// superuser, for what a test does around the store (terminating backends,
// inspecting locks). Do not close it.
func (c *Cluster) Admin() *pgxpool.Pool { return c.admin }

// CreateDatabase creates a new, empty database and returns its URL.
func (c *Cluster) CreateDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("test_%d", c.dbs.Add(1))
	if _, err := c.admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return c.URL(name), nil
}

// NewDatabase creates a new, empty database for t and returns its URL. The
// database lives until the cluster stops (dropping one forces a
// checkpoint, which costs more than keeping it).
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	u, err := c.CreateDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// LogTail is the end of the server's log, for a failing test's message.
func (c *Cluster) LogTail() string { return proc.Tail(filepath.Join(c.dir, "postgres.log"), 8192) }

var shared struct {
	once sync.Once
	c    *Cluster
	err  error
	used atomic.Bool // Main runs the tests
}

// Main runs a package's tests (call it from TestMain) and then stops the
// shared cluster if a test started it.
func Main(m *testing.M) {
	shared.used.Store(true)
	code := m.Run()
	if shared.c != nil {
		if err := shared.c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stop the shared cluster:", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// Shared is the test binary's one cluster, started by the first call. The
// package's TestMain must call Main, which stops it.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	if !shared.used.Load() {
		t.Fatal("pgtest.Shared: the package's TestMain must call pgtest.Main(m), which stops the cluster")
	}
	shared.once.Do(func() {
		shared.c, shared.err = Start(context.Background())
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.c
}
