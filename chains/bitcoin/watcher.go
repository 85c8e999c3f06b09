package bitcoin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
)

// Tower is what the watcher drives (tower.Tower).
type Tower interface {
	SetTip(height uint32)
	ProcessBlock(ctx context.Context, height uint32, block *wire.MsgBlock) error
	Rollback(height uint32)
	Tick(ctx context.Context, height uint32) error
	// Expire forgets the appointments whose end block is below height.
	Expire(ctx context.Context, height uint32) (int, error)
}

// Cursor is where the watcher keeps its position (the store).
type Cursor interface {
	BtcCursor(ctx context.Context) (uint32, chainhash.Hash, bool, error)
	BtcBlockHash(ctx context.Context, height uint32) (chainhash.Hash, bool, error)
	SetBtcCursor(ctx context.Context, height uint32, hash chainhash.Hash) error
	RollbackBtc(ctx context.Context, height uint32, hash chainhash.Hash) error
}

// Chain is the block source (Node).
type Chain interface {
	Tip(ctx context.Context) (uint32, error)
	BlockAt(ctx context.Context, height uint32) (chainhash.Hash, *wire.MsgBlock, error)
	HashAt(ctx context.Context, height uint32) (chainhash.Hash, error)
	// KnowsBlock tells whether the node has the block at all (best or
	// side chain).
	KnowsBlock(ctx context.Context, hash chainhash.Hash) (bool, error)
	// BlockTime is the header timestamp of the best chain's block at
	// height.
	BlockTime(ctx context.Context, height uint32) (time.Time, error)
}

// WatcherConfig configures a Watcher.
type WatcherConfig struct {
	Chain  Chain
	Tower  Tower
	Cursor Cursor
	// Blocks, when set, wakes the watcher as soon as the node announces a
	// block (BlockNotifier); polling every PollInterval goes on regardless.
	Blocks       BlockFollower
	PollInterval time.Duration
	// StartHeight is where a first start begins; 0 means the current tip.
	StartHeight uint32
	// OnBlock reports progress (optional).
	OnBlock func(tip, processed uint32)
	// OnSync reports, after every poll that got as far as comparing the
	// node's chain with the cursor, whether the node follows the processed
	// chain: the zero OutOfSync after a successful poll, else how the node
	// is out of sync (optional; see Poll).
	OnSync func(monitor.OutOfSync)
	// OnTip, when set, is told after every poll that read the tip its
	// height and its block's timestamp (zero when the node did not give
	// it): what monitor.HeadStall judges.
	OnTip  func(tip uint32, stamp time.Time)
	Logger *slog.Logger
}

// BlockFollower wakes the watcher for every block the node announces,
// until ctx is done; BlockNotifier implements it.
type BlockFollower interface {
	FollowBlocks(ctx context.Context, wake chan<- struct{})
}

// Watcher follows the best chain block by block.
type Watcher struct {
	cfg     WatcherConfig
	log     *slog.Logger
	storage monitor.StoragePause
	// replayed: the blocks just below the stored cursor were handed to
	// the tower again after the start (see replayRecent).
	replayed bool
	// tip is the last tip whose timestamp is known (owned by Poll).
	tip struct {
		height uint32
		stamp  time.Time
	}
}

// ReplayDepth is how many handled blocks the watcher hands to the tower
// again when it starts from a stored cursor: the tower's window for late
// appointments (tower's recentDepth).
const ReplayDepth = 6

// NewWatcher validates cfg and fills defaults.
func NewWatcher(cfg WatcherConfig) (*Watcher, error) {
	if cfg.Chain == nil || cfg.Tower == nil || cfg.Cursor == nil {
		return nil, errors.New("bitcoin: watcher needs a chain, a tower and a cursor store")
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Watcher{cfg: cfg, log: cfg.Logger, storage: monitor.StoragePause{Log: cfg.Logger, What: "bitcoin watcher"}}, nil
}

// Run polls until ctx is done. Node errors are logged and retried, and so
// is a store that refuses writes (disk full: the block is handled again
// once it accepts them); any other store failure ends Run.
func (w *Watcher) Run(ctx context.Context) error {
	loop := monitor.PollLoop{Name: "bitcoin", Interval: w.cfg.PollInterval, Round: w.Poll, OnSync: w.cfg.OnSync,
		Storage: &w.storage, Log: w.log}
	if w.cfg.Blocks != nil {
		loop.Follow = w.cfg.Blocks.FollowBlocks
	}
	return loop.Run(ctx)
}

// Poll handles every block from the cursor to the tip, in order, each one
// fully (matched, responded to, cursor saved) before the next.
//
// A node that does not follow the processed chain gives a
// *monitor.OutOfSync error: its tip is below the cursor (SyncHeadBelow),
// or it does not know the cursor's block at all (SyncBlockUnknown: a wiped
// or replaced node, another network). Poll then processes nothing and
// rolls nothing back; the next poll goes on once the node follows the
// processed chain. A reorg (the node knows the cursor's block, on a side
// chain) is not this: the watcher walks back.
func (w *Watcher) Poll(ctx context.Context) error {
	tip, err := w.cfg.Chain.Tip(ctx)
	if err != nil {
		return fmt.Errorf("getblockcount: %w", err)
	}
	defer w.noteTip(ctx, tip)
	height, hash, ok, err := w.cfg.Cursor.BtcCursor(ctx)
	if err != nil {
		return monitor.Fatal(err)
	}
	if !ok {
		start := w.cfg.StartHeight
		if start == 0 || start > tip {
			start = tip
		}
		if start == 0 {
			return nil
		}
		// Begin just below start so start itself is processed.
		h, err := w.cfg.Chain.HashAt(ctx, start-1)
		if err != nil {
			return err
		}
		height, hash = start-1, h
		if err := w.cfg.Cursor.SetBtcCursor(ctx, height, hash); err != nil {
			return monitor.Fatal(err)
		}
		w.log.Info("bitcoin watcher starting", "from_height", start)
		w.replayed = true // nothing handled before
	}
	if err := w.checkSync(ctx, tip, height, hash); err != nil {
		return err
	}
	w.cfg.Tower.SetTip(tip)
	if !w.replayed {
		if err := w.replayRecent(ctx, height, hash); err != nil {
			return err
		}
		w.replayed = true
	}
	start := height
	for height < tip {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		next := height + 1
		nh, block, err := w.cfg.Chain.BlockAt(ctx, next)
		if err != nil {
			return err
		}
		if block.Header.PrevBlock != hash {
			if err := w.checkSync(ctx, tip, height, hash); err != nil {
				return err
			}
			if height, hash, err = w.walkBack(ctx, height); err != nil {
				return err
			}
			continue
		}
		if err := w.cfg.Tower.ProcessBlock(ctx, next, block); err != nil {
			return monitor.Fatal(fmt.Errorf("process block %d: %w", next, err))
		}
		if err := w.cfg.Cursor.SetBtcCursor(ctx, next, nh); err != nil {
			return monitor.Fatal(err)
		}
		if n, err := w.cfg.Tower.Expire(ctx, next); err != nil {
			// Harmless: the next block expires them (end_block < height).
			w.log.Warn("could not expire appointments; retrying at the next block", "height", next, "err", err)
		} else if n > 0 {
			w.log.Info("expired appointments removed", "count", n, "height", next)
		}
		height, hash = next, nh
		if height == tip {
			w.tip.height, w.tip.stamp = tip, block.Header.Timestamp
		}
		if w.cfg.OnBlock != nil && height < tip { // the last one is reported after Tick
			w.cfg.OnBlock(tip, height)
		}
	}
	// Follow the justice transactions once per poll, at the tip: judging
	// fee bumps at each caught-up past height would bump transactions no
	// miner has seen yet.
	if height > start {
		if err := w.cfg.Tower.Tick(ctx, height); err != nil {
			return monitor.Fatal(fmt.Errorf("tick at %d: %w", height, err))
		}
	}
	if w.cfg.OnBlock != nil {
		w.cfg.OnBlock(tip, height)
	}
	return nil
}

// noteTip tells OnTip the tip read by this poll and its block's
// timestamp: the one of the tip block the poll handled, or of the last
// poll's tip, or else asked of the node. A node that does not give it is
// judged by the wall clock alone (monitor.HeadStall).
func (w *Watcher) noteTip(ctx context.Context, tip uint32) {
	if w.cfg.OnTip == nil || ctx.Err() != nil {
		return
	}
	if w.tip.height != tip || w.tip.stamp.IsZero() {
		stamp, err := w.cfg.Chain.BlockTime(ctx, tip)
		if err != nil {
			w.log.Warn("cannot read the tip's timestamp; its age counts from now", "tip", tip, "err", err)
			w.tip.height, w.tip.stamp = tip, time.Time{}
		} else {
			w.tip.height, w.tip.stamp = tip, stamp
		}
	}
	w.cfg.OnTip(tip, w.tip.stamp)
}

// replayRecent hands the last ReplayDepth handled blocks (up to the cursor,
// when still on the best chain) to the tower again once after a start. The
// tower is idempotent for them (no second response for a breach); what it
// gains is its window of recent blocks, so that an appointment arriving
// late for a breach mined just before the restart is still answered, and a
// late response lost in a crash is made now.
func (w *Watcher) replayRecent(ctx context.Context, cursor uint32, cursorHash chainhash.Hash) error {
	from := uint32(1)
	if cursor > ReplayDepth {
		from = cursor - ReplayDepth + 1
	}
	for h := from; h <= cursor && h > 0; h++ {
		stored, ok, err := w.cfg.Cursor.BtcBlockHash(ctx, h)
		if err != nil {
			return monitor.Fatal(err)
		}
		if h == cursor {
			stored, ok = cursorHash, true
		}
		if !ok {
			continue
		}
		hash, block, err := w.cfg.Chain.BlockAt(ctx, h)
		if err != nil {
			return err
		}
		if hash != stored {
			return nil // reorganised while stopped: the walk back handles it
		}
		if err := w.cfg.Tower.ProcessBlock(ctx, h, block); err != nil {
			return monitor.Fatal(fmt.Errorf("process block %d again: %w", h, err))
		}
	}
	return nil
}

// checkSync makes sure the node follows the chain the cursor (height,
// hash) is on: its tip is not below the cursor, and when its block at the
// cursor's height is another one, it still knows the cursor's block (a
// reorg) rather than not at all (another chain).
func (w *Watcher) checkSync(ctx context.Context, tip, height uint32, hash chainhash.Hash) error {
	if tip < height {
		return &monitor.OutOfSync{Code: monitor.SyncHeadBelow,
			Detail: fmt.Sprintf("its tip %d is below the last processed block %d", tip, height)}
	}
	canon, err := w.cfg.Chain.HashAt(ctx, height)
	if err != nil {
		return err
	}
	if canon == hash {
		return nil
	}
	known, err := w.cfg.Chain.KnowsBlock(ctx, hash)
	if err != nil {
		return err
	}
	if !known {
		return &monitor.OutOfSync{Code: monitor.SyncBlockUnknown,
			Detail: fmt.Sprintf("it does not know the last processed block %d (%s)", height, hash)}
	}
	return nil
}

// walkBack finds the highest remembered block still on the best chain and
// rolls back to it.
func (w *Watcher) walkBack(ctx context.Context, from uint32) (uint32, chainhash.Hash, error) {
	for h := from; h > 0; h-- {
		stored, ok, err := w.cfg.Cursor.BtcBlockHash(ctx, h)
		if err != nil {
			return 0, chainhash.Hash{}, monitor.Fatal(err)
		}
		if !ok {
			continue
		}
		canon, err := w.cfg.Chain.HashAt(ctx, h)
		if err != nil {
			return 0, chainhash.Hash{}, err
		}
		if canon == stored {
			w.log.Warn("bitcoin reorg: rolled back", "to_height", h, "from_height", from)
			w.cfg.Tower.Rollback(h)
			if err := w.cfg.Cursor.RollbackBtc(ctx, h, stored); err != nil {
				return 0, chainhash.Hash{}, monitor.Fatal(err)
			}
			return h, stored, nil
		}
	}
	return 0, chainhash.Hash{}, monitor.Fatal(errors.New("bitcoin reorg deeper than the remembered blocks"))
}
