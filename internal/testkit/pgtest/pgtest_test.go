package pgtest

import (
	"context"
	"errors"
	"os"
	"testing"

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
