package ethereum_test

import (
	"context"
	"log/slog"
	"math/big"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	vethereum "github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
)

// countingNode is the real JSON-RPC client with a call counter in front.
type countingNode struct {
	*ethclient.Client
	calls atomic.Int64
}

func (c *countingNode) BlockNumber(ctx context.Context) (uint64, error) {
	c.calls.Add(1)
	return c.Client.BlockNumber(ctx)
}
func (c *countingNode) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	c.calls.Add(1)
	return c.Client.HeaderByNumber(ctx, n)
}
func (c *countingNode) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	c.calls.Add(1)
	return c.Client.FilterLogs(ctx, q)
}

// TestWatcherFollowsAllChannelsByTopic: the watcher finds every channel's
// events through topic-filtered eth_getLogs in small ranges, applies each
// once, resumes from its cursor, and costs the same RPC calls per idle poll
// however many channels exist.
func TestWatcherFollowsAllChannelsByTopic(t *testing.T) {
	chain := ethtest.New(t, 2)
	a, b := chain.Keys[0], chain.Keys[1]
	ctx := context.Background()
	const n = 12
	opened := make(map[[20]byte]bool)
	for i := 0; i < n; i++ {
		ch, _, err := chain.Ops(a).OpenChannel(ctx, chain.Registry, ethtest.Address(b), 10)
		if err != nil {
			t.Fatal(err)
		}
		opened[ch] = true
		if i%3 == 0 {
			if _, err := chain.Ops(b).Close(ctx, ch, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	st, err := store.Open(store.Config{Path: filepath.Join(t.TempDir(), "w.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	client, err := ethclient.Dial(chain.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	node := &countingNode{Client: client}
	heads := 0
	newWatcher := func() *vethereum.Watcher {
		w, err := vethereum.NewWatcher(vethereum.WatcherConfig{Node: node, Registry: chain.Registry,
			State: proofs.NewChainState(st, slog.New(slog.DiscardHandler)), Confirmations: 2, MaxBlockRange: 5,
			OnHead: func(context.Context, uint64) error { heads++; return nil }, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	w := newWatcher()
	chain.Mine(2)
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	cur, ok, err := st.Cursor(ctx)
	if err != nil || !ok || cur.Number != chain.Head(t)-2 {
		t.Fatalf("cursor %v %v %v, want head-2 = %d", cur, ok, err, chain.Head(t)-2)
	}
	closed := 0
	for ch := range opened {
		c, err := st.Channel(ctx, ch)
		if err != nil {
			t.Fatalf("channel %x not recorded: %v", ch, err)
		}
		if c.State == proofs.ChannelClosed {
			closed++
		}
	}
	if closed != (n+2)/3 {
		t.Fatalf("%d channels closed in the store, want %d", closed, (n+2)/3)
	}
	// An idle poll costs a constant number of calls, independent of n.
	before := node.calls.Load()
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if idle := node.calls.Load() - before; idle != 2 {
		t.Fatalf("an idle poll made %d RPC calls, want 2 (eth_blockNumber and the cursor's header)", idle)
	}
	// A new watcher (a restart) resumes from the cursor: one new block, one range.
	chain.Mine(1)
	before = node.calls.Load()
	if err := newWatcher().Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if calls := node.calls.Load() - before; calls != 4 {
		t.Fatalf("resuming over one block made %d calls, want 4 (number, cursor header, logs, range-end header)", calls)
	}
	evs, err := st.EventsAfter(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := n + (n+2)/3; len(evs) != want {
		t.Fatalf("%d events stored, want %d (each applied once)", len(evs), want)
	}
	if heads != 3 {
		t.Fatalf("OnHead called %d times, want once per poll", heads)
	}
}

// TestWatcherReportsTheHeadsTimestamp: every poll tells OnHeadTime the
// head and its block's timestamp; the timestamp is asked once per new
// head, so an idle poll costs no more calls than without it.
func TestWatcherReportsTheHeadsTimestamp(t *testing.T) {
	chain := ethtest.New(t, 1)
	ctx := context.Background()
	st, err := store.Open(store.Config{Path: filepath.Join(t.TempDir(), "w.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	client, err := ethclient.Dial(chain.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	node := &countingNode{Client: client}
	var gotHead uint64
	var gotStamp time.Time
	reports := 0
	w, err := vethereum.NewWatcher(vethereum.WatcherConfig{Node: node, Registry: chain.Registry,
		State: proofs.NewChainState(st, slog.New(slog.DiscardHandler)), Confirmations: 2,
		OnHeadTime: func(head uint64, stamp time.Time) { gotHead, gotStamp, reports = head, stamp, reports+1 },
		Logger:     slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, wantReports int) {
		t.Helper()
		head := chain.Head(t)
		h, err := client.HeaderByNumber(ctx, new(big.Int).SetUint64(head))
		if err != nil {
			t.Fatal(err)
		}
		if reports != wantReports || gotHead != head || !gotStamp.Equal(time.Unix(int64(h.Time), 0)) {
			t.Fatalf("%s: OnHeadTime(%d, %v) ×%d; want head %d stamped %v ×%d", what, gotHead, gotStamp, reports,
				head, time.Unix(int64(h.Time), 0), wantReports)
		}
	}
	chain.Mine(3)
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	check("first poll", 1)
	before := node.calls.Load()
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if idle := node.calls.Load() - before; idle != 2 {
		t.Fatalf("an idle poll cost %d calls, want 2 (eth_blockNumber and the cursor block)", idle)
	}
	check("idle poll", 2)
	chain.Mine(1)
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	check("a new head", 3)
}
