package ethereum_test

import (
	"context"
	"errors"
	"log/slog"
	"math/big"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	vethereum "github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
)

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
	node := &methodCounts{Client: client}
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
	before := node.calls()
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if idle := node.calls() - before; idle != 2 {
		t.Fatalf("an idle poll made %d RPC calls, want 2 (eth_blockNumber and the cursor's header)", idle)
	}
	// A new watcher (a restart) resumes from the cursor: one new block, one range.
	chain.Mine(1)
	before = node.calls()
	if err := newWatcher().Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if calls := node.calls() - before; calls != 4 {
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
	node := &methodCounts{Client: client}
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
	before := node.calls()
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if idle := node.calls() - before; idle != 2 {
		t.Fatalf("an idle poll cost %d calls, want 2 (eth_blockNumber and the cursor block)", idle)
	}
	check("idle poll", 2)
	chain.Mine(1)
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	check("a new head", 3)
}

// methodCounts is the real JSON-RPC client with a count per method in
// front, and the eth_getLogs queries that named a block by hash.
type methodCounts struct {
	*ethclient.Client
	numbers, headers, logs, logsByHash atomic.Int64
}

func (c *methodCounts) BlockNumber(ctx context.Context) (uint64, error) {
	c.numbers.Add(1)
	return c.Client.BlockNumber(ctx)
}
func (c *methodCounts) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	c.headers.Add(1)
	return c.Client.HeaderByNumber(ctx, n)
}
func (c *methodCounts) HeaderByHash(ctx context.Context, h common.Hash) (*types.Header, error) {
	c.headers.Add(1)
	return c.Client.HeaderByHash(ctx, h)
}
func (c *methodCounts) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	c.logs.Add(1)
	if q.BlockHash != nil {
		c.logsByHash.Add(1)
	}
	return c.Client.FilterLogs(ctx, q)
}

// calls is how many calls were made.
func (c *methodCounts) calls() int64 { return c.numbers.Load() + c.headers.Load() + c.logs.Load() }

func (c *methodCounts) snapshot() [4]int64 {
	return [4]int64{c.numbers.Load(), c.headers.Load(), c.logs.Load(), c.logsByHash.Load()}
}

// TestPushedHeadsNameTheCanonicalChain: following the heads the node
// pushes (the simulated chain's WebSocket, confirmations 0, the poll
// interval an hour), the head's number, its hash and the cursor's check
// come from the pushed heads' parent links: a new block whose logs bloom
// holds no channel event costs the watcher no call, and one that does one
// call, the logs of that block by its hash. A block with a channel event
// is recorded before OnHead runs, so the responder sees the event; a block
// without one after OnHead (its write is off the reaction path), and by
// the time Poll returns.
func TestPushedHeadsNameTheCanonicalChain(t *testing.T) {
	chain := ethtest.New(t, 2)
	a, b := chain.Keys[0], chain.Keys[1]
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, _, err := chain.Ops(a).OpenChannel(ctx, chain.Registry, ethtest.Address(b), 10)
	if err != nil {
		t.Fatal(err)
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
	pushes, err := rpc.DialContext(ctx, chain.WSURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pushes.Close()
	node := &methodCounts{Client: client}

	// What the store held when OnHead ran, by head.
	type seen struct {
		cursor uint64
		state  proofs.ChannelState
	}
	var mu sync.Mutex
	atHead := map[uint64]seen{}
	w, err := vethereum.NewWatcher(vethereum.WatcherConfig{Node: node, Heads: pushes, Registry: chain.Registry,
		State: proofs.NewChainState(st, slog.New(slog.DiscardHandler)), Confirmations: 0, PollInterval: time.Hour,
		StartBlock: chain.Head(t), Logger: slog.New(slog.DiscardHandler),
		OnHead: func(ctx context.Context, head uint64) error {
			cur, _, err := st.Cursor(ctx)
			if err != nil {
				return err
			}
			c, err := st.Channel(ctx, ch)
			if err != nil && !errors.Is(err, monitor.ErrNotFound) {
				return err
			}
			mu.Lock()
			atHead[head] = seen{cur.Number, c.State}
			mu.Unlock()
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	processed := func(n uint64) func() bool {
		return func() bool {
			cur, ok, err := st.Cursor(ctx)
			mu.Lock()
			_, ran := atHead[n]
			mu.Unlock()
			return err == nil && ok && cur.Number >= n && ran
		}
	}
	// Blocks are made until one is processed: the subscription is up.
	ethtest.Eventually(t, 10*time.Second, "the watcher to follow pushed heads", func() bool {
		chain.Mine(1)
		return processed(chain.Head(t))()
	})

	for i := 0; i < 3; i++ {
		before := node.snapshot()
		chain.Mine(1)
		head := chain.Head(t)
		ethtest.Eventually(t, 10*time.Second, "the pushed block to be processed", processed(head))
		after := node.snapshot()
		if d := [4]int64{after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]}; d != [4]int64{} {
			t.Fatalf("empty block %d: calls (block number, headers, logs, logs by hash) = %v, want none", head, d)
		}
		mu.Lock()
		s := atHead[head]
		mu.Unlock()
		if s.cursor != head-1 {
			t.Fatalf("OnHead at the empty block %d saw the cursor at %d, want %d (recorded after OnHead)", head, s.cursor, head-1)
		}
	}

	// A block with the close: its logs asked by hash, recorded before
	// OnHead.
	before := node.snapshot()
	if _, err := chain.Ops(b).Close(ctx, ch, nil, nil); err != nil {
		t.Fatal(err)
	}
	head := chain.Head(t)
	ethtest.Eventually(t, 10*time.Second, "the close to be processed", processed(head))
	after := node.snapshot()
	if d := [4]int64{after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]}; d != [4]int64{0, 0, 1, 1} {
		t.Fatalf("the close's block %d: calls (block number, headers, logs, logs by hash) = %v, want [0 0 1 1]", head, d)
	}
	mu.Lock()
	s := atHead[head]
	mu.Unlock()
	if s.cursor != head || s.state != proofs.ChannelClosed {
		t.Fatalf("OnHead at the close's block %d saw cursor %d, channel state %v; want the block and the close recorded", head, s.cursor, s.state)
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
