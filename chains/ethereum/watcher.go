package ethereum

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// State is where the watcher keeps its cursor and delivers events; the
// proofs.ChainState implements it.
type State interface {
	Cursor(ctx context.Context) (proofs.Cursor, bool, error)
	BlockHash(ctx context.Context, n uint64) (common.Hash, bool, error)
	Apply(ctx context.Context, cur proofs.Cursor, blocks []proofs.BlockRef, events []proofs.ChainEvent) error
	Rollback(ctx context.Context, ancestor proofs.Cursor) error
}

// WatcherNode is what a Watcher asks a node: the head, headers by number
// and hash, and the contract logs of a block range.
type WatcherNode interface {
	ethereum.BlockNumberReader
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	HeaderByHash(ctx context.Context, hash common.Hash) (*types.Header, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// HeadSubscriber pushes the node's new heads: the watcher calls
// EthSubscribe(ctx, chan *PushedHead, "newHeads") (over a WebSocket).
// go-ethereum's *rpc.Client implements it.
type HeadSubscriber interface {
	EthSubscribe(ctx context.Context, channel any, args ...any) (*rpc.ClientSubscription, error)
}

// WatcherConfig configures a Watcher.
type WatcherConfig struct {
	Node WatcherNode
	// Heads, when set, wakes the watcher as soon as the node announces a
	// block, so that it reacts without waiting for the next poll, and the
	// pushed heads' parent links stand in for asking the node which block
	// is canonical at a number. Polling goes on regardless: the durable
	// cursor, not the notifications, says what was processed, so a lost or
	// late notification costs at most one PollInterval. A node that cannot
	// push (plain HTTP) is only polled.
	Heads    HeadSubscriber
	Registry common.Address
	State    State
	// OnHead runs after every poll, once the confirmed events are applied,
	// with the node's head block (the responder's Tick). A last block range
	// without events is recorded after OnHead, not before: it changes no
	// channel, and its write is then off the path from a block to the
	// responder's transaction (a crash in between reads the range again).
	OnHead func(ctx context.Context, head uint64) error
	// Prepare, when set, runs at the start of every poll with the node's
	// head, beside the reading and applying of its blocks, and is done
	// before OnHead: the responder's reads ahead for that head.
	Prepare func(ctx context.Context, head uint64)
	// OnStatus reports progress for stats (optional).
	OnStatus func(head uint64, processed proofs.Cursor)
	// OnSync reports, after every poll that got as far as comparing the
	// node's chain with the cursor, whether the node follows the processed
	// chain: the zero OutOfSync after a successful poll, else how the node
	// is out of sync (optional; see Poll).
	OnSync func(monitor.OutOfSync)
	// OnHeadTime, when set, is told after every poll that read the head
	// its number and its block's timestamp (zero when the node did not
	// give it): what monitor.HeadStall judges.
	OnHeadTime func(head uint64, stamp time.Time)
	// Confirmations: events are processed once this many blocks are on top.
	Confirmations uint64
	PollInterval  time.Duration
	// MaxBlockRange caps one eth_getLogs query; the range adapts down when
	// the node refuses or times out, and back up when queries are fast.
	MaxBlockRange uint64
	// StartBlock is where scanning starts when no cursor is stored.
	StartBlock uint64
	RPCTimeout time.Duration
	Logger     *slog.Logger
}

// Watcher follows the channel contracts' events block range by block range.
type Watcher struct {
	cfg     WatcherConfig
	log     *slog.Logger
	topics  []common.Hash
	span    uint64
	storage monitor.StoragePause
	// pushed is the newest head the node pushed since the last poll began
	// (nil: none): that poll's head, without asking.
	pushed atomic.Pointer[PushedHead]
	// heads remembers the pushed heads; known is, for the poll under way,
	// the canonical hashes they name (nil: none), read by hashAt and
	// readRange before asking the node. known is written only by Poll,
	// before the goroutines that read it start.
	heads *headChain
	known map[uint64]common.Hash
	// unsaved is the last range of the poll under way when it had no
	// events: Poll records it after OnHead.
	unsaved *proofs.Cursor
	// head is the last head whose timestamp is known (owned by Poll).
	head headSeen
}

// headSeen is a head block's number and timestamp.
type headSeen struct {
	number uint64
	stamp  time.Time
}

// NewWatcher validates cfg and fills defaults.
func NewWatcher(cfg WatcherConfig) (*Watcher, error) {
	if cfg.Node == nil || cfg.State == nil {
		return nil, errors.New("ethereum: watcher needs a node and a state")
	}
	if cfg.Registry == (common.Address{}) {
		return nil, errors.New("ethereum: watcher needs the registry address")
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 2 * time.Second
	}
	if cfg.MaxBlockRange == 0 {
		cfg.MaxBlockRange = 5000
	}
	if cfg.RPCTimeout == 0 {
		cfg.RPCTimeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	topics, err := eventTopics()
	if err != nil {
		return nil, err
	}
	return &Watcher{cfg: cfg, log: cfg.Logger, topics: topics, span: cfg.MaxBlockRange, heads: newHeadChain(),
		storage: monitor.StoragePause{Log: cfg.Logger, What: "ethereum watcher"}}, nil
}

// Run polls until ctx is done. A failing poll is logged and retried at the
// next interval, and so is a store that refuses writes (disk full: the
// cursor stays where it is); only another failure of the store ends Run.
func (w *Watcher) Run(ctx context.Context) error {
	loop := monitor.PollLoop{Name: "ethereum", Interval: w.cfg.PollInterval, Round: w.Poll, OnSync: w.cfg.OnSync,
		Storage: &w.storage, Log: w.log}
	if w.cfg.Heads != nil {
		loop.Follow = w.followHeads
	}
	return loop.Run(ctx)
}

// headRetry bounds the wait before subscribing again after the node ended
// or refused a head subscription.
const headRetry = 30 * time.Second

// followHeads keeps a head subscription open and turns every announced head
// into a wake-up of Run (at most one pending: a poll catches up on all).
// It resubscribes with a growing delay after a failure, logging once per
// change of state, and gives up quietly on a transport that cannot push.
func (w *Watcher) followHeads(ctx context.Context, wake chan<- struct{}) {
	delay := time.Second
	failing := false
	for ctx.Err() == nil {
		heads := make(chan *PushedHead, 16)
		sub, err := w.cfg.Heads.EthSubscribe(ctx, heads, "newHeads")
		if errors.Is(err, rpc.ErrNotificationsUnsupported) {
			w.log.Info("the node cannot push new heads over this connection; polling only (use a ws:// URL to react at once)",
				"poll_interval", w.cfg.PollInterval)
			return
		}
		if err != nil {
			if !failing && ctx.Err() == nil {
				w.log.Warn("cannot subscribe to new heads; polling meanwhile", "err", err, "retry_in", delay)
				failing = true
			}
		} else {
			if failing {
				w.log.Info("following new heads pushed by the node again")
			} else {
				w.log.Info("following new heads pushed by the node")
			}
			failing, delay = false, time.Second
			err = w.drainHeads(ctx, sub, heads, wake)
			sub.Unsubscribe()
			if ctx.Err() != nil {
				return
			}
			w.log.Warn("head subscription ended; polling meanwhile", "err", err, "retry_in", delay)
			failing = true
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, headRetry)
	}
}

// drainHeads wakes Run for every head until the subscription fails or ctx
// is done.
func (w *Watcher) drainHeads(ctx context.Context, sub ethereum.Subscription, heads <-chan *PushedHead, wake chan<- struct{}) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-sub.Err():
			return err
		case h := <-heads:
			if h != nil && h.Number > 0 && h.Hash != (common.Hash{}) {
				w.heads.add(*h)
				w.pushed.Store(h)
			}
			select {
			case wake <- struct{}{}:
			default: // a poll is already due
			}
		}
	}
}

// Poll processes every block confirmed since the cursor, then calls OnHead.
//
// A node that does not follow the processed chain gives a
// *monitor.OutOfSync error: its head is below the cursor
// (SyncHeadBelow), or it does not know the cursor's block at all
// (SyncBlockUnknown: a wiped or replaced node, a node on another chain
// with the same id). Poll then applies nothing, rolls nothing back and
// does not run OnHead (the node's head means nothing for the channels
// watched); the next poll goes on once the node follows the processed
// chain. A reorg (the node knows the cursor's block, on a side chain) is
// not this: the watcher rolls back to the common ancestor.
func (w *Watcher) Poll(ctx context.Context) error {
	// The head the node pushed last is its head (a newer one would have
	// been pushed after it); without one, it is asked.
	var head uint64
	w.known, w.unsaved = nil, nil
	if p := w.pushed.Swap(nil); p != nil {
		head = uint64(p.Number)
		w.head = headSeen{number: head, stamp: time.Unix(int64(p.Time), 0)}
		w.known = w.heads.canonical(p.Hash, knownDepth)
	} else {
		var err error
		if head, err = w.call(ctx, func(c context.Context) (uint64, error) { return w.cfg.Node.BlockNumber(c) }); err != nil {
			return fmt.Errorf("eth_blockNumber: %w", err)
		}
	}
	defer w.noteHead(ctx, head)
	var prepared sync.WaitGroup
	if w.cfg.Prepare != nil {
		prepared.Add(1)
		go func() {
			defer prepared.Done()
			w.cfg.Prepare(ctx, head)
		}()
	}
	cur, err := w.catchUp(ctx, head)
	prepared.Wait()
	if w.cfg.OnStatus != nil {
		w.cfg.OnStatus(head, cur)
	}
	if err != nil {
		return err
	}
	if w.cfg.OnHead != nil {
		if err := w.cfg.OnHead(ctx, head); err != nil {
			return monitor.Fatal(fmt.Errorf("responder: %w", err))
		}
	}
	if u := w.unsaved; u != nil {
		w.unsaved = nil
		return w.apply(ctx, *u, []proofs.BlockRef{{Number: u.Number, Hash: u.Hash}}, nil)
	}
	return nil
}

// noteHead tells OnHeadTime the head read by this poll and its block's
// timestamp: the one the node pushed with it, or of the last poll's head,
// or else asked of the node. A node that does not give it is judged by
// the wall clock alone (monitor.HeadStall).
func (w *Watcher) noteHead(ctx context.Context, head uint64) {
	if w.cfg.OnHeadTime == nil || ctx.Err() != nil {
		return
	}
	if w.head.number != head || w.head.stamp.IsZero() {
		c, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
		h, err := w.cfg.Node.HeaderByNumber(c, new(big.Int).SetUint64(head))
		cancel()
		if err != nil {
			w.log.Warn("cannot read the head's timestamp; its age counts from now", "head", head, "err", err)
			w.head = headSeen{number: head}
		} else {
			w.head = headSeen{number: head, stamp: time.Unix(int64(h.Time), 0)}
		}
	}
	w.cfg.OnHeadTime(head, w.head.stamp)
}

// knownDepth bounds the canonical stretch a poll takes from the pushed
// heads: the blocks it reads, plus the cursor's.
const knownDepth = 64

func (w *Watcher) call(ctx context.Context, f func(context.Context) (uint64, error)) (uint64, error) {
	c, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	defer cancel()
	return f(c)
}

// catchUp processes [cursor+1, head-confirmations], checking that the chain
// still extends the cursor and rolling back when it does not.
func (w *Watcher) catchUp(ctx context.Context, head uint64) (proofs.Cursor, error) {
	cur, ok, err := w.cfg.State.Cursor(ctx)
	if err != nil {
		return cur, monitor.Fatal(err)
	}
	if head < w.cfg.Confirmations {
		return cur, nil
	}
	target := head - w.cfg.Confirmations
	from := w.cfg.StartBlock
	if ok {
		if head < cur.Number {
			return cur, &monitor.OutOfSync{Code: monitor.SyncHeadBelow,
				Detail: fmt.Sprintf("its head %d is below the last processed block %d", head, cur.Number)}
		}
		// The first range is read while the cursor's block is checked:
		// on a node that still has it (nearly always) that range is what
		// comes next; after a rollback the reads are dropped.
		from = cur.Number + 1
		var first *rangeRead
		var wg sync.WaitGroup
		if from <= target {
			to := min(from+w.span-1, target)
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := w.readRange(ctx, from, to)
				first = &r
			}()
		}
		err := w.checkReorg(ctx, &cur)
		wg.Wait()
		if err != nil {
			return cur, err
		}
		if cur.Number+1 != from {
			first, from = nil, cur.Number+1
		}
		if first != nil {
			next, err := w.processRange(ctx, *first, first.to == target)
			if err != nil {
				return cur, err
			}
			cur, from = next, first.to+1
		}
	}
	for from <= target {
		if ctx.Err() != nil {
			return cur, ctx.Err()
		}
		to := min(from+w.span-1, target)
		next, err := w.processRange(ctx, w.readRange(ctx, from, to), to == target)
		if err != nil {
			return cur, err
		}
		cur = next
		from = to + 1
	}
	return cur, nil
}

// checkReorg compares the stored cursor with the canonical chain and, on a
// mismatch, walks back through remembered hashes to the common ancestor.
func (w *Watcher) checkReorg(ctx context.Context, cur *proofs.Cursor) error {
	canon, err := w.hashAt(ctx, cur.Number)
	if err != nil {
		return err
	}
	if canon == cur.Hash {
		return nil
	}
	// A node that does not know the processed block at all is on another
	// chain: rolling back to its view would drop what the real chain holds.
	c, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	_, err = w.cfg.Node.HeaderByHash(c, cur.Hash)
	cancel()
	if errors.Is(err, ethereum.NotFound) {
		return &monitor.OutOfSync{Code: monitor.SyncBlockUnknown,
			Detail: fmt.Sprintf("it does not know the last processed block %d (%s)", cur.Number, cur.Hash.Hex())}
	}
	if err != nil {
		return fmt.Errorf("header %s: %w", cur.Hash.Hex(), err)
	}
	w.log.Warn("ethereum reorg detected", "block", cur.Number, "stored_hash", cur.Hash.Hex(), "canonical_hash", canon.Hex())
	for n := cur.Number; n > 0; n-- {
		stored, ok, err := w.cfg.State.BlockHash(ctx, n-1)
		if err != nil {
			return monitor.Fatal(err)
		}
		if !ok {
			if n-1 < w.cfg.StartBlock || n-1 == 0 {
				break
			}
			continue
		}
		canon, err := w.hashAt(ctx, n-1)
		if err != nil {
			return err
		}
		if canon == stored {
			anc := proofs.Cursor{Number: n - 1, Hash: stored}
			if err := w.cfg.State.Rollback(ctx, anc); err != nil {
				return monitor.Fatal(err)
			}
			*cur = anc
			return nil
		}
	}
	// No remembered block survives: start over from the configured start.
	anc := proofs.Cursor{}
	if w.cfg.StartBlock > 0 {
		h, err := w.hashAt(ctx, w.cfg.StartBlock-1)
		if err != nil {
			return err
		}
		anc = proofs.Cursor{Number: w.cfg.StartBlock - 1, Hash: h}
	}
	w.log.Error("reorg deeper than the remembered blocks: rescanning from the start block", "start_block", w.cfg.StartBlock)
	if err := w.cfg.State.Rollback(ctx, anc); err != nil {
		return monitor.Fatal(err)
	}
	*cur = anc
	return nil
}

func (w *Watcher) hashAt(ctx context.Context, n uint64) (common.Hash, error) {
	if h, ok := w.known[n]; ok {
		return h, nil
	}
	c, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	defer cancel()
	h, err := w.cfg.Node.HeaderByNumber(c, new(big.Int).SetUint64(n))
	if err != nil {
		return common.Hash{}, fmt.Errorf("header %d: %w", n, err)
	}
	return h.Hash(), nil
}

// rangeRead is what the node said of one block range: its contract logs
// (and how long the query took) and the hash of its last block.
type rangeRead struct {
	from, to uint64
	logs     []types.Log
	logsErr  error
	took     time.Duration
	toHash   common.Hash
	hashErr  error
}

// readRange asks the node for a range's logs and its last block's hash at
// once; processRange checks that the two answers agree.
func (w *Watcher) readRange(ctx context.Context, from, to uint64) rangeRead {
	r := rangeRead{from: from, to: to}
	if h, ok := w.known[to]; ok && from == to {
		r.toHash = h
		// One block the pushed heads name. Its logs bloom, when the node
		// pushed one, says for sure when none of the channel events is in
		// it (a bloom has false positives, never false negatives): then it
		// is not asked.
		if b, ok := w.heads.bloom(h); ok && !bloomHasAny(b, w.topics) {
			return r
		}
		// Its logs by hash are that block's, whatever the node's head is
		// by now.
		c, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
		start := time.Now()
		r.logs, r.logsErr = w.cfg.Node.FilterLogs(c, ethereum.FilterQuery{BlockHash: &h, Topics: [][]common.Hash{w.topics}})
		r.took = time.Since(start)
		cancel()
		return r
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.toHash, r.hashErr = w.hashAt(ctx, to)
	}()
	c, cancel := context.WithTimeout(ctx, w.cfg.RPCTimeout)
	start := time.Now()
	r.logs, r.logsErr = w.cfg.Node.FilterLogs(c, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from),
		ToBlock:   new(big.Int).SetUint64(to),
		Topics:    [][]common.Hash{w.topics},
	})
	r.took = time.Since(start)
	cancel()
	<-done
	return r
}

// bloomHasAny reports whether b may hold a log with any of topics.
func bloomHasAny(b types.Bloom, topics []common.Hash) bool {
	for _, t := range topics {
		if types.BloomLookup(b, t) {
			return true
		}
	}
	return false
}

// processRange applies one range read by readRange, shrinking the range
// when the node refused a large query.
//
// The last range of a poll (last) is not recorded when it has no events:
// Poll records it after OnHead.
func (w *Watcher) processRange(ctx context.Context, rr rangeRead, last bool) (proofs.Cursor, error) {
	from, to, logs, err := rr.from, rr.to, rr.logs, rr.logsErr
	if err != nil {
		if to > from && ctx.Err() == nil {
			w.span = max((to-from+1)/2, 1)
			w.log.Info("eth_getLogs failed; narrowing the block range", "from", from, "to", to, "new_range", w.span, "err", err)
		}
		return proofs.Cursor{}, fmt.Errorf("eth_getLogs %d-%d: %w", from, to, err)
	}
	if rr.took < w.cfg.RPCTimeout/10 && w.span < w.cfg.MaxBlockRange {
		w.span = min(w.span*2, w.cfg.MaxBlockRange)
	}
	toHash, err := rr.toHash, rr.hashErr
	if err != nil {
		return proofs.Cursor{}, err
	}
	var events []proofs.ChainEvent
	blocks := map[uint64]common.Hash{to: toHash}
	for _, l := range logs {
		if l.Removed {
			continue
		}
		ev, ok, err := decodeLog(l, w.cfg.Registry)
		if err != nil {
			w.log.Warn("undecodable contract log skipped", "err", err)
			continue
		}
		if !ok {
			continue
		}
		events = append(events, ev)
		blocks[l.BlockNumber] = l.BlockHash
	}
	// The logs and the cursor hash come from separate calls: make sure every
	// block that had events is still canonical, or retry the range later.
	refs := make([]proofs.BlockRef, 0, len(blocks))
	if blocks[to] != toHash {
		return proofs.Cursor{}, fmt.Errorf("block %d changed while reading logs %d-%d (reorg in progress)", to, from, to)
	}
	for n, h := range blocks {
		if n != to {
			canon, err := w.hashAt(ctx, n)
			if err != nil {
				return proofs.Cursor{}, err
			}
			if canon != h {
				return proofs.Cursor{}, fmt.Errorf("block %d changed while reading logs %d-%d (reorg in progress)", n, from, to)
			}
		}
		refs = append(refs, proofs.BlockRef{Number: n, Hash: h})
	}
	cur := proofs.Cursor{Number: to, Hash: toHash}
	if len(events) == 0 && last && w.cfg.OnHead != nil {
		w.unsaved = &cur
		return cur, nil
	}
	if err := w.apply(ctx, cur, refs, events); err != nil {
		return proofs.Cursor{}, err
	}
	w.log.Debug("ethereum blocks processed", "from", from, "to", to, "events", len(events))
	return cur, nil
}

// apply records a processed range up to cur.
func (w *Watcher) apply(ctx context.Context, cur proofs.Cursor, refs []proofs.BlockRef, events []proofs.ChainEvent) error {
	if err := w.cfg.State.Apply(ctx, cur, refs, events); err != nil {
		return monitor.Fatal(fmt.Errorf("apply blocks up to %d: %w", cur.Number, err))
	}
	return nil
}
