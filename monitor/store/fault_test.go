//go:build linux

package store

import (
	"context"
	"testing"

	"github.com/vigil-monitor/vigil/internal/testkit/smallfs"
	"github.com/vigil-monitor/vigil/monitor"
)

// TestDiskFull: on a real tmpfs filled to the last byte, writes fail with
// storage_unavailable (never an internal error, never a hang) while reads
// of what is committed keep working; once space returns the same Store
// writes again without being reopened; and every write that was
// acknowledged is there, also after a reopen.
func TestDiskFull(t *testing.T) {
	fs := smallfs.Mount(t, 4<<20)
	path := fs.Dir + "/vigil.db"
	s, err := Open(Config{Path: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	ctx := context.Background()
	acked := map[int]bool{}
	save := func(i int) error {
		_, err := s.SaveRequest(ctx, testRequest(i, 1))
		if err == nil {
			acked[i] = true
		}
		return err
	}
	for i := 0; i < 20; i++ {
		if err := save(i); err != nil {
			t.Fatal(err)
		}
	}
	fs.Fill()

	// Writes that needed no new space may still succeed; go on until one
	// needs space.
	next := 20
	var fault error
	for ; next < 20000 && fault == nil; next++ {
		fault = save(next)
	}
	if fault == nil {
		t.Fatalf("%d writes on a full file system all succeeded", next-20)
	}
	if !monitor.IsStorageUnavailable(fault) {
		t.Fatalf("write on a full disk: %v, want %s", fault, monitor.ReasonStorageUnavailable)
	}
	if e := monitor.AsError(fault); e.Code() != monitor.CodeUnavailable || e.Message == "" {
		t.Fatalf("storage fault as %s/%q, want code unavailable and a client message", e.Code(), e.Message)
	}
	t.Logf("full after %d more writes; failure: %v", next-21, fault)
	// Other writes fail the same way; reads work.
	if err := s.SetState(ctx, "k", "v"); err != nil && !monitor.IsStorageUnavailable(err) {
		t.Fatalf("SetState on a full disk: %v", err)
	}
	if _, err := s.Request(ctx, testAddr("ch", 0), testAddr("nc", 0)); err != nil {
		t.Fatalf("read while the disk is full: %v", err)
	}
	for i := 0; i < 3; i++ { // still failing, and the store is not stuck in a transaction
		if err := save(next + i); err != nil && !monitor.IsStorageUnavailable(err) {
			t.Fatalf("retry on a full disk: %v", err)
		}
	}

	fs.Free()
	if err := save(next + 10); err != nil {
		t.Fatalf("write after space returned: %v", err)
	}
	if err := s.SetState(ctx, "k", "v"); err != nil {
		t.Fatalf("SetState after space returned: %v", err)
	}
	check := func(s *Store) {
		t.Helper()
		for i := range acked {
			if _, err := s.Request(ctx, testAddr("ch", i), testAddr("nc", i)); err != nil {
				t.Fatalf("acknowledged request %d: %v", i, err)
			}
		}
	}
	check(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	check(s)
	t.Logf("%d acknowledged requests all present after the reopen", len(acked))
}
