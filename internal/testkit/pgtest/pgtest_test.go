package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// TestDatabasesAreSeparate: each test's database starts empty, whatever
// another one holds, and commits are durable (fsync on).
func TestDatabasesAreSeparate(t *testing.T) {
	c := Shared(t)
	ctx := context.Background()
	a, err := pgx.Connect(ctx, c.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	b, err := pgx.Connect(ctx, c.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	if _, err := a.Exec(ctx, `CREATE TABLE x (v int); INSERT INTO x VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Exec(ctx, `SELECT v FROM x`); err == nil {
		t.Fatal("the second database sees the first one's table")
	}
	var fsync, syncCommit string
	if err := a.QueryRow(ctx, `SELECT current_setting('fsync'), current_setting('synchronous_commit')`).Scan(&fsync, &syncCommit); err != nil {
		t.Fatal(err)
	}
	if fsync != "on" || syncCommit != "on" {
		t.Errorf("fsync %s, synchronous_commit %s: want the defaults (on, on)", fsync, syncCommit)
	}
}

// TestStartStop: a cluster of its own starts, answers and, once stopped,
// is gone with its directory.
func TestStartStop(t *testing.T) {
	ctx := context.Background()
	c, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir, url := c.dir, c.URL("postgres")
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var user string
	if err := conn.QueryRow(ctx, `SELECT current_user`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	if user != User {
		t.Errorf("current_user %q, want %q", user, User)
	}
	// A client still connected does not hold the shutdown up.
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster directory after Stop: %v", err)
	}
	if c2, err := pgx.Connect(ctx, url); err == nil {
		c2.Close(ctx)
		t.Error("the stopped cluster still accepts connections")
	}
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// orphanChild, set in the environment, makes TestNoBackendOutlivesItsTest
// the child process that starts a cluster and is killed mid-statement.
const orphanChild = "PGTEST_ORPHAN_CHILD"

// TestNoBackendOutlivesItsTest: a test binary killed (SIGKILL, as a test
// timeout's exit or an operator's kill would) while one of its backends
// runs a long statement leaves neither the postmaster nor that backend
// running on: the kernel sends the postmaster SIGQUIT, which stops every
// backend. After a SIGKILL the postmaster would die alone and the backend
// run its statement to the end, holding a core.
func TestNoBackendOutlivesItsTest(t *testing.T) {
	if os.Getenv(orphanChild) != "" {
		runOrphanChild(t)
		return
	}
	if testing.Short() {
		t.Skip("starts a child test binary with a cluster of its own")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestNoBackendOutlivesItsTest$", "-test.v")
	cmd.Env = append(os.Environ(), orphanChild+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var postmaster, backend int
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if n, _ := fmt.Sscanf(sc.Text(), "orphan-child: postmaster %d backend %d", &postmaster, &backend); n == 2 {
			break
		}
	}
	if backend == 0 {
		t.Fatalf("the child did not report its cluster (%v)", sc.Err())
	}
	go io.Copy(io.Discard, out)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for _, pid := range []int{backend, postmaster} {
		for alive(pid) {
			if time.Now().After(deadline) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("process %d of the killed test's cluster still runs 30 s later", pid)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// runOrphanChild starts a cluster, reports its postmaster's and one busy
// backend's pids on stdout and waits to be killed.
func runOrphanChild(t *testing.T) {
	ctx := context.Background()
	c, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	var backend int
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		t.Fatal(err)
	}
	// A statement that computes without waiting: a backend notices its
	// postmaster's death only where it waits (pg_sleep, a lock, a client).
	go conn.Exec(ctx, `SELECT count(*) FROM generate_series(1, 10000000000)`)
	time.Sleep(200 * time.Millisecond)
	fmt.Printf("orphan-child: postmaster %d backend %d\n", c.PID(), backend)
	select {}
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name's closing parenthesis.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
