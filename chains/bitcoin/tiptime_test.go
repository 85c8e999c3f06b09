package bitcoin_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/chains/bitcoin"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// tipLog records what a watcher told OnTip.
type tipLog struct {
	mu     sync.Mutex
	tip    uint32
	stamp  time.Time
	called int
}

func (l *tipLog) note(tip uint32, stamp time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tip, l.stamp, l.called = tip, stamp, l.called+1
}

func (l *tipLog) get() (uint32, time.Time, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tip, l.stamp, l.called
}

// TestWatcherReportsTheTipsTimestamp: against a real btcd, every poll
// tells OnTip the tip and the timestamp in its block's header, whether
// the watcher handled that block (a new tip) or only read the height (a
// restart at a stored cursor that is the tip: Node.BlockTime asks).
func TestWatcherReportsTheTipsTimestamp(t *testing.T) {
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	node, err := bitcoin.Dial(bitcoin.Config{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
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
	payout, err := bitcoin.PayoutScript(btc.MiningAddr.EncodeAddress(), "regtest")
	if err != nil {
		t.Fatal(err)
	}
	tw, err := tower.New(tower.Config{Store: st, Node: node, Stats: stats, Network: "regtest", Payout: payout})
	if err != nil {
		t.Fatal(err)
	}
	headerTime := func(height uint32) time.Time {
		_, b, err := node.BlockAt(ctx, height)
		if err != nil {
			t.Fatal(err)
		}
		return b.Header.Timestamp
	}
	poll := func(what string, want uint32) {
		t.Helper()
		var log tipLog
		w, err := bitcoin.NewWatcher(bitcoin.WatcherConfig{Chain: node, Tower: tw, Cursor: st, OnTip: log.note})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		tip, stamp, n := log.get()
		if n != 1 || tip != want || stamp.IsZero() || !stamp.Equal(headerTime(want)) {
			t.Fatalf("%s: OnTip(%d, %v) ×%d; want tip %d stamped %v", what, tip, stamp, n, want, headerTime(want))
		}
	}
	poll("first start", 101)
	btc.Generate(t, 2)
	poll("two new blocks", 103)
	poll("restart at the tip", 103)
	got, err := node.BlockTime(ctx, 102)
	if err != nil || !got.Equal(headerTime(102)) {
		t.Fatalf("BlockTime(102) = %v, %v; want %v", got, err, headerTime(102))
	}
	if _, err := node.BlockTime(ctx, 104); err == nil {
		t.Fatal("BlockTime above the tip: no error")
	}
}
