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

// Tower is what the watcher drives (monitor.Tower).
type Tower interface {
	SetTip(height uint32)
	ProcessBlock(ctx context.Context, height uint32, block *wire.MsgBlock) error
	Rollback(height uint32)
	Tick(ctx context.Context, height uint32) error
}

// Cursor is where the watcher keeps its position (the store).
type Cursor interface {
	BtcCursor(ctx context.Context) (uint32, chainhash.Hash, bool, error)
	BtcBlockHash(ctx context.Context, height uint32) (chainhash.Hash, bool, error)
	SetBtcCursor(ctx context.Context, height uint32, hash chainhash.Hash) error
	RollbackBtc(ctx context.Context, height uint32, hash chainhash.Hash) error
	ExpireAppointments(ctx context.Context, height uint32) (int64, error)
}

// Chain is the block source (Node).
type Chain interface {
	Tip(ctx context.Context) (uint32, error)
	BlockAt(ctx context.Context, height uint32) (chainhash.Hash, *wire.MsgBlock, error)
	HashAt(ctx context.Context, height uint32) (chainhash.Hash, error)
}

// WatcherConfig configures a Watcher.
type WatcherConfig struct {
	Chain        Chain
	Tower        Tower
	Cursor       Cursor
	PollInterval time.Duration
	// StartHeight is where a first start begins; 0 means the current tip.
	StartHeight uint32
	// OnBlock reports progress (optional).
	OnBlock func(tip, processed uint32)
	Logger  *slog.Logger
}

// Watcher follows the best chain block by block.
type Watcher struct {
	cfg     WatcherConfig
	log     *slog.Logger
	storage monitor.StoragePause
}

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

type fatal struct{ error }

func (f fatal) Unwrap() error { return f.error }

// Run polls until ctx is done. Node errors are logged and retried, and so
// is a store that refuses writes (disk full: the block is handled again
// once it accepts them); any other store failure ends Run.
func (w *Watcher) Run(ctx context.Context) error {
	t := time.NewTicker(w.cfg.PollInterval)
	defer t.Stop()
	for {
		if err := w.Poll(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var f fatal
			if w.storage.Pause(err) {
				// logged once per pause
			} else if errors.As(err, &f) {
				return err
			} else {
				w.log.Warn("bitcoin poll failed; retrying", "err", err, "retry_in", w.cfg.PollInterval)
			}
		} else {
			w.storage.Resume()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Poll handles every block from the cursor to the tip, in order, each one
// fully (matched, responded to, cursor saved) before the next.
func (w *Watcher) Poll(ctx context.Context) error {
	tip, err := w.cfg.Chain.Tip(ctx)
	if err != nil {
		return fmt.Errorf("getblockcount: %w", err)
	}
	height, hash, ok, err := w.cfg.Cursor.BtcCursor(ctx)
	if err != nil {
		return fatal{err}
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
			return fatal{err}
		}
		w.log.Info("bitcoin watcher starting", "from_height", start)
	}
	w.cfg.Tower.SetTip(tip)
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
			if height, hash, err = w.walkBack(ctx, height); err != nil {
				return err
			}
			continue
		}
		if err := w.cfg.Tower.ProcessBlock(ctx, next, block); err != nil {
			return fatal{fmt.Errorf("process block %d: %w", next, err)}
		}
		if err := w.cfg.Cursor.SetBtcCursor(ctx, next, nh); err != nil {
			return fatal{err}
		}
		if n, err := w.cfg.Cursor.ExpireAppointments(ctx, next); err == nil && n > 0 {
			w.log.Info("expired appointments removed", "count", n, "height", next)
		}
		height, hash = next, nh
		if w.cfg.OnBlock != nil && height < tip { // the last one is reported after Tick
			w.cfg.OnBlock(tip, height)
		}
	}
	// Follow the justice transactions once per poll, at the tip: judging
	// fee bumps at each caught-up past height would bump transactions no
	// miner has seen yet.
	if height > start {
		if err := w.cfg.Tower.Tick(ctx, height); err != nil {
			return fatal{fmt.Errorf("tick at %d: %w", height, err)}
		}
	}
	if w.cfg.OnBlock != nil {
		w.cfg.OnBlock(tip, height)
	}
	return nil
}

// walkBack finds the highest remembered block still on the best chain and
// rolls back to it.
func (w *Watcher) walkBack(ctx context.Context, from uint32) (uint32, chainhash.Hash, error) {
	for h := from; h > 0; h-- {
		stored, ok, err := w.cfg.Cursor.BtcBlockHash(ctx, h)
		if err != nil {
			return 0, chainhash.Hash{}, fatal{err}
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
				return 0, chainhash.Hash{}, fatal{err}
			}
			return h, stored, nil
		}
	}
	return 0, chainhash.Hash{}, fatal{errors.New("bitcoin reorg deeper than the remembered blocks")}
}
