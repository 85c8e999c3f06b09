package store

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestCheckpointerKeepsWALBounded: commits are checkpointed by the
// checkpointer, not by the writer, the WAL file stays bounded while writes
// go on, and everything is there after reopening.
func TestCheckpointerKeepsWALBounded(t *testing.T) {
	path := tempPath(t)
	s := openAt(t, path)
	ctx := context.Background()
	const batches, per = 40, 250
	maxWAL := int64(0)
	for b := 0; b < batches; b++ {
		reqs := make([]proofs.Request, per)
		for i := range reqs {
			reqs[i] = testRequest(b*per+i, 1)
		}
		if _, _, err := s.SaveRequests(ctx, reqs); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path + "-wal"); err == nil {
			maxWAL = max(maxWAL, fi.Size())
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.ckRuns.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the checkpointer never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if limit := int64(walBackstopFrames) * 4096; maxWAL > limit {
		t.Errorf("WAL grew to %d bytes, beyond the backstop %d", maxWAL, limit)
	}
	runs := s.ckRuns.Load()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	tot, err := s.Totals(ctx)
	if err != nil || tot.Requests != batches*per {
		t.Fatalf("after reopen: %d requests (%v), want %d", tot.Requests, err, batches*per)
	}
	t.Logf("%d checkpoints, largest WAL %d KiB", runs, maxWAL/1024)
}
