package monitor

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestIsStorageUnavailable: a storage fault is recognised however it is
// wrapped, also under an internal error; other unavailable reasons are
// not storage faults.
func TestIsStorageUnavailable(t *testing.T) {
	fault := Unavailable(ReasonStorageUnavailable, "full", fmt.Errorf("%w: disk full", ErrStorageUnavailable))
	for name, err := range map[string]error{
		"as is":          fault,
		"wrapped":        fmt.Errorf("apply blocks 1-2: %w", fault),
		"under internal": Internal(fmt.Errorf("respond: %w", fault)),
	} {
		if !IsStorageUnavailable(err) {
			t.Errorf("%s: not recognised: %v", name, err)
		}
	}
	for _, err := range []error{nil, errors.New("x"), Unavailable(ReasonChainUnavailable, "node", nil), Internal(errors.New("y"))} {
		if IsStorageUnavailable(err) {
			t.Errorf("%v taken for a storage fault", err)
		}
	}
}

// TestStoragePauseLogsChanges: many failed rounds log one pause, the next
// success one resume, and other errors are not pauses.
func TestStoragePauseLogsChanges(t *testing.T) {
	var buf bytes.Buffer
	p := StoragePause{Log: slog.New(slog.NewTextHandler(&buf, nil)), What: "test loop"}
	fault := Unavailable(ReasonStorageUnavailable, "full", ErrStorageUnavailable)
	if p.Pause(errors.New("node down")) || p.Paused() {
		t.Fatal("a node error paused the loop")
	}
	for i := 0; i < 5; i++ {
		if !p.Pause(fault) {
			t.Fatal("a storage fault did not pause the loop")
		}
	}
	p.Resume()
	p.Resume()
	out := buf.String()
	if strings.Count(out, "test loop paused") != 1 || strings.Count(out, "test loop resumed") != 1 || !strings.Contains(out, "level=WARN") {
		t.Fatalf("log:\n%s", out)
	}
}
