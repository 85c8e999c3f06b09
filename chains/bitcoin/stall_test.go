package bitcoin_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/chains/bitcoin"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/proc"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// stopProcess freezes pid with SIGSTOP, and waits until the kernel shows
// it stopped, until the returned resume is called (or the test ends: the
// cleanup always continues it).
func stopProcess(t *testing.T, pid int) (resume func()) {
	t.Helper()
	if pid == 0 {
		t.Fatal("process not running")
	}
	cont, err := proc.Freeze(pid, 20*time.Second)
	resume = func() {
		if err := cont(); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(resume)
	if err != nil {
		t.Fatal(err)
	}
	return resume
}

// TestNodeCallsEndAtTheirDeadline: with btcd frozen (SIGSTOP: it accepts
// connections and never answers), every node call returns an error
// wrapping monitor.ErrNoAnswer once its deadline passes, however many run
// at once, and leaves no goroutine behind; once btcd continues, calls
// answer again on the same Node.
func TestNodeCallsEndAtTheirDeadline(t *testing.T) {
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	n, err := bitcoin.Dial(bitcoin.Config{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest",
		Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx := t.Context()
	if _, err := n.Tip(ctx); err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()

	resume := stopProcess(t, btc.PID())
	calls := map[string]func() error{
		"Tip":       func() error { _, err := n.Tip(ctx); return err },
		"HashAt":    func() error { _, err := n.HashAt(ctx, 5); return err },
		"BlockAt":   func() error { _, _, err := n.BlockAt(ctx, 5); return err },
		"FeeRate":   func() error { _, err := n.FeeRate(ctx); return err },
		"TxStatus":  func() error { _, err := n.TxStatus(ctx, [32]byte{1}); return err },
		"Broadcast": func() error { return n.Broadcast(ctx, wire.NewMsgTx(2)) },
		"KnowsBlock": func() error {
			_, err := n.KnowsBlock(ctx, [32]byte{2})
			return err
		},
	}
	var wg sync.WaitGroup
	for round := 0; round < 3; round++ {
		for name, call := range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := call(); !errors.Is(err, monitor.ErrNoAnswer) {
					t.Errorf("%s with btcd stopped: %v, want an error wrapping ErrNoAnswer", name, err)
				}
			}()
		}
	}
	wg.Wait()
	// A caller's own context ends a call sooner than the node timeout.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := n.Tip(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Tip with a canceled context: %v", err)
	}
	n.Close()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base+2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > base+2 {
		t.Fatalf("%d goroutines after the stalled calls ended, %d before", g, base)
	}

	resume()
	tip, err := n.Tip(ctx)
	if err != nil || tip != 101 {
		t.Fatalf("after SIGCONT: tip %d, %v", tip, err)
	}
}

// switchChain is the watcher's node connection, repointed by the test: what
// vigild sees when the node behind its configured address is wiped or
// replaced.
type switchChain struct {
	mu  sync.Mutex
	cur *bitcoin.Node
}

func (s *switchChain) node() *bitcoin.Node {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

func (s *switchChain) set(n *bitcoin.Node) {
	s.mu.Lock()
	s.cur = n
	s.mu.Unlock()
}

func (s *switchChain) Tip(ctx context.Context) (uint32, error) { return s.node().Tip(ctx) }
func (s *switchChain) BlockAt(ctx context.Context, h uint32) (chainhash.Hash, *wire.MsgBlock, error) {
	return s.node().BlockAt(ctx, h)
}
func (s *switchChain) HashAt(ctx context.Context, h uint32) (chainhash.Hash, error) {
	return s.node().HashAt(ctx, h)
}
func (s *switchChain) BlockTime(ctx context.Context, h uint32) (time.Time, error) {
	return s.node().BlockTime(ctx, h)
}
func (s *switchChain) KnowsBlock(ctx context.Context, h chainhash.Hash) (bool, error) {
	return s.node().KnowsBlock(ctx, h)
}

// syncLog counts the watcher's sync reports.
type syncLog struct {
	mu      sync.Mutex
	reports int
	last    monitor.OutOfSync
}

func (l *syncLog) report(p monitor.OutOfSync) {
	l.mu.Lock()
	l.reports++
	l.last = p
	l.mu.Unlock()
}

func (l *syncLog) get() (int, monitor.OutOfSync) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reports, l.last
}

// TestWatcherDetectsAReplacedNode: the node behind the watcher's address
// is replaced by one on a fresh regtest chain. While its tip is below the
// cursor, and then while it is above but does not know the cursor's block,
// the watcher reports it out of sync (logged once, at error), processes
// nothing and rolls nothing back: the cursor and the appointments stay.
// When the original chain is back, it goes on and reports in sync (info).
func TestWatcherDetectsAReplacedNode(t *testing.T) {
	a := btctest.Start(t)
	a.Generate(t, 110)
	b := btctest.Start(t)
	b.Generate(t, 101)
	dial := func(n *btctest.Node) *bitcoin.Node {
		c, err := bitcoin.Dial(bitcoin.Config{Host: n.RPCAddr, User: n.User, Pass: n.Pass, Network: "regtest", Timeout: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	nodeA, nodeB := dial(a), dial(b)
	ctx := t.Context()
	st, err := store.Open(store.Config{Path: filepath.Join(t.TempDir(), "vigil.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := monitor.NewStats(ctx, st, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	payout, err := bitcoin.PayoutScript(a.MiningAddr.EncodeAddress(), "regtest")
	if err != nil {
		t.Fatal(err)
	}
	tw, err := tower.New(tower.Config{Store: st, Node: nodeA, Stats: stats, Network: "regtest", Payout: payout})
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	nsync := monitor.NewNodeSync("bitcoin", log)
	var reports syncLog
	chain := &switchChain{cur: nodeA}
	w, err := bitcoin.NewWatcher(bitcoin.WatcherConfig{Chain: chain, Tower: tw, Cursor: st, PollInterval: 20 * time.Millisecond,
		Logger: log, OnSync: func(p monitor.OutOfSync) { nsync.Report(time.Now(), p); reports.report(p) }})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watcher ended with %v", err)
		}
	}()
	cursorAt := func(height uint32) bool {
		h, _, ok, err := st.BtcCursor(ctx)
		return err == nil && ok && h == height
	}
	waitFor(t, "the watcher at A's tip", func() bool { return cursorAt(110) })
	a.Generate(t, 2)
	waitFor(t, "the watcher at A's new tip", func() bool { return cursorAt(112) })
	_, hashA, _, _ := st.BtcCursor(ctx)

	// B's tip (101) is below the cursor.
	chain.set(nodeB)
	waitFor(t, "an out-of-sync report", func() bool {
		_, last := reports.get()
		return last.Code == monitor.SyncHeadBelow && strings.Contains(last.Detail, "tip 101 is below the last processed block 112")
	})
	if err := nsync.Err(); monitor.AsError(err).Reason != monitor.ReasonNodeOutOfSync {
		t.Fatalf("sync gate: %v", err)
	}
	// B grows past the cursor: it still does not know A's block 112.
	b.Generate(t, 19)
	waitFor(t, "the unknown-block report", func() bool {
		_, last := reports.get()
		return last.Code == monitor.SyncBlockUnknown && strings.Contains(last.Detail, "does not know the last processed block 112")
	})
	n0, _ := reports.get()
	waitFor(t, "more polls", func() bool { n, _ := reports.get(); return n >= n0+10 })
	if h, hash, _, _ := st.BtcCursor(ctx); h != 112 || hash != hashA {
		t.Fatalf("cursor moved to %d %s on the replaced node", h, hash)
	}
	if got := strings.Count(logs.String(), "chain node is out of sync"); got != 1 {
		t.Fatalf("out-of-sync logged %d times, want once:\n%s", got, logs.String())
	}
	if !strings.Contains(logs.String(), "level=ERROR msg=\"chain node is out of sync") {
		t.Fatalf("out-of-sync not logged at error:\n%s", logs.String())
	}

	// The original chain is back.
	chain.set(nodeA)
	a.Generate(t, 1)
	waitFor(t, "the watcher to go on on A, in sync", func() bool { return cursorAt(113) && nsync.Err() == nil })
	if !strings.Contains(logs.String(), "level=INFO msg=\"chain node is in sync again\"") {
		t.Fatalf("recovery not logged:\n%s", logs.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
