//go:build linux

package ethereum_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"

	vethereum "github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/smallfs"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
)

// logLines keeps every log message with its level.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Enabled(context.Context, slog.Level) bool { return true }
func (l *logLines) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, r.Level.String()+" "+r.Message)
	return nil
}
func (l *logLines) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logLines) WithGroup(string) slog.Handler      { return l }
func (l *logLines) count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// TestWatcherPausesOnFullDisk: with its store on a real tmpfs filled to
// the last byte, the watcher keeps polling instead of ending Run (which
// would stop the daemon), its cursor stays, and it logs the pause once
// however many polls fail. When space returns it resumes by itself, logs
// that once, and applies the blocks mined meanwhile, a channel opened
// while the disk was full included.
func TestWatcherPausesOnFullDisk(t *testing.T) {
	fs := smallfs.Mount(t, 4<<20)
	chain := ethtest.New(t, 2)
	a, b := chain.Keys[0], chain.Keys[1]
	ctx := context.Background()
	st, err := store.Open(store.Config{Path: filepath.Join(fs.Dir, "w.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	client, err := ethclient.Dial(chain.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	logs := &logLines{}
	var polls atomic.Int64
	w, err := vethereum.NewWatcher(vethereum.WatcherConfig{Node: client, Registry: chain.Registry,
		State: proofs.NewChainState(st, slog.New(slog.DiscardHandler)), Confirmations: 1, PollInterval: 20 * time.Millisecond,
		OnStatus: func(uint64, proofs.Cursor) { polls.Add(1) }, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}

	fs.Fill()
	ch, _, err := chain.Ops(a).OpenChannel(ctx, chain.Registry, ethtest.Address(b), 10)
	if err != nil {
		t.Fatal(err)
	}
	chain.Mine(2)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	ethtest.Eventually(t, 20*time.Second, "the watcher to pause", func() bool { return logs.count("WARN ethereum watcher paused") == 1 })
	start := polls.Load()
	ethtest.Eventually(t, 20*time.Second, "more polls on the full disk", func() bool { return polls.Load() > start+5 })
	select {
	case err := <-done:
		t.Fatalf("Run ended on a full disk: %v", err)
	default:
	}
	if _, ok, err := st.Cursor(ctx); err != nil || ok {
		t.Fatalf("cursor on a full disk: stored %v, err %v; want none", ok, err)
	}
	if n := logs.count("WARN ethereum watcher paused"); n != 1 {
		t.Fatalf("pause logged %d times, want once", n)
	}

	fs.Free()
	ethtest.Eventually(t, 20*time.Second, "the watcher to catch up", func() bool {
		cur, ok, err := st.Cursor(ctx)
		return err == nil && ok && cur.Number+1 >= chain.Head(t)
	})
	if _, err := st.Channel(ctx, ch); err != nil {
		t.Fatalf("channel opened while the disk was full: %v", err)
	}
	ethtest.Eventually(t, 5*time.Second, "the resume to be logged", func() bool { return logs.count("INFO ethereum watcher resumed") == 1 })
	if n := logs.count("WARN ethereum watcher paused"); n != 1 {
		t.Fatalf("pause logged %d times, want once", n)
	}
}
