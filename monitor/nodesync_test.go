package monitor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestNodeSyncLogsOncePerChange: repeated reports of the same state log
// nothing; falling out of sync logs at error, a different problem at warn,
// recovery at info; Err is node_out_of_sync only while out of sync.
func TestNodeSyncLogsOncePerChange(t *testing.T) {
	var buf bytes.Buffer
	s := NewNodeSync("ethereum", slog.New(slog.NewTextHandler(&buf, nil)))
	t0 := time.Unix(1_700_000_000, 0)
	for i := 0; i < 5; i++ {
		s.Report(t0, OutOfSync{})
	}
	if buf.Len() != 0 || s.Err() != nil {
		t.Fatalf("in sync: logged %q, err %v", buf.String(), s.Err())
	}
	for i := 0; i < 5; i++ {
		// The detail moves (the head); the state does not: logged once.
		s.Report(t0.Add(time.Duration(i)*time.Second), OutOfSync{Code: SyncHeadBelow, Detail: fmt.Sprintf("its head %d is below the last processed block 9", i)})
	}
	e := AsError(s.Err())
	if e.Reason != ReasonNodeOutOfSync || e.Code() != CodeUnavailable || !strings.Contains(e.Message, "its head 4 is below the last processed block 9") {
		t.Fatalf("out of sync: %v", e)
	}
	unknown := OutOfSync{Code: SyncBlockUnknown, Detail: "it does not know the last processed block 9"}
	s.Report(t0.Add(10*time.Second), unknown)
	s.Report(t0.Add(11*time.Second), unknown)
	s.Report(t0.Add(70*time.Second), OutOfSync{})
	s.Report(t0.Add(71*time.Second), OutOfSync{})
	logs := buf.String()
	if strings.Count(logs, "level=ERROR") != 1 || strings.Count(logs, "level=WARN") != 1 || strings.Count(logs, "level=INFO") != 1 {
		t.Fatalf("want one error, one warn, one info:\n%s", logs)
	}
	if !strings.Contains(logs, "out_of_sync_for=1m0s") || s.Err() != nil {
		t.Fatalf("recovery: %v\n%s", s.Err(), logs)
	}
	var nilSync *NodeSync
	if p, _ := nilSync.State(); p.Code != "" {
		t.Fatal("a nil NodeSync is in sync")
	}
}

// TestCanceled: a failure while the caller's context is done is
// request_canceled; a definitive rejection stays what it is; nothing
// changes while the context is live.
func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	internal := Internal(errors.New("store: save: context canceled"))
	if got := AsError(Canceled(ctx, internal)); got.Reason != ReasonInternal {
		t.Fatalf("live context: %v", got)
	}
	cancel()
	for _, err := range []error{internal, Unavailable(ReasonChainUnavailable, "node", context.Canceled), errors.New("plain")} {
		if got := AsError(Canceled(ctx, err)); got.Reason != ReasonRequestCanceled || !errors.Is(got, err) {
			t.Errorf("%v → %v", err, got)
		}
	}
	bad := Reject(ReasonStaleNonce, "older")
	if got := Canceled(ctx, bad); got != error(bad) {
		t.Errorf("a definitive rejection changed: %v", got)
	}
	if Canceled(ctx, nil) != nil {
		t.Error("nil became an error")
	}
}
