//go:build unix

package store

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilesOwnerOnly: the database, its -wal and -shm and the lock file
// are created 0600 even under a umask that lets everyone read, and a
// database left 0644 by an older binary is tightened when opened.
func TestFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)

	check := func(path string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm", path + ".lock"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(p), err)
			}
			if got := fi.Mode().Perm(); got != 0o600 {
				t.Errorf("%s has mode %o, want 600", filepath.Base(p), got)
			}
		}
	}

	path := tempPath(t)
	s := openAt(t, path)
	if _, err := s.SaveRequest(context.Background(), testRequest(1, 1)); err != nil {
		t.Fatal(err)
	}
	check(path) // open: -wal and -shm exist
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// An existing world-readable database (and its leftovers).
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s = openAt(t, path)
	if _, err := s.SaveRequest(context.Background(), testRequest(2, 1)); err != nil {
		t.Fatal(err)
	}
	check(path)
	if _, err := s.Request(context.Background(), testAddr("ch", 1), testAddr("nc", 1)); err != nil {
		t.Fatalf("the request saved before the reopen: %v", err)
	}
}
