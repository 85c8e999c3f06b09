package bitcoin

import (
	"context"
	"log/slog"
	"time"

	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/btcsuite/btcd/wire/v2"
)

// BlockNotifier turns the blocks a btcd node pushes over its websocket
// (notifyblocks) into wake-ups of the Watcher, so that a breach is matched
// as soon as its block arrives instead of at the next poll. bitcoind
// serves no websocket (its equivalent is ZMQ hashblock/rawblock, not
// implemented here): such a node, or a btcd that cannot be reached this
// way, is simply polled. Notifications only wake the watcher; the durable
// cursor says what was processed.
type BlockNotifier struct {
	cfg Config
	log *slog.Logger
}

// NewBlockNotifier returns a notifier for the node cfg names.
func NewBlockNotifier(cfg Config, log *slog.Logger) *BlockNotifier {
	if log == nil {
		log = slog.Default()
	}
	return &BlockNotifier{cfg: cfg, log: log}
}

// notifyRetry bounds the wait between two attempts to open the websocket.
const notifyRetry = 5 * time.Minute

// FollowBlocks wakes the watcher (at most one wake-up pending) for every
// block the node announces, until ctx is done. It connects again with a
// growing delay when the node cannot be reached, logging once per change
// of state; once connected, btcd's client reconnects by itself and
// registers the notification again.
func (b *BlockNotifier) FollowBlocks(ctx context.Context, wake chan<- struct{}) {
	delay, failing := time.Second, false
	for ctx.Err() == nil {
		c, err := b.connect(ctx, wake)
		if err == nil {
			b.log.Info("following blocks pushed by the node (websocket notifyblocks)")
			<-ctx.Done()
			c.Shutdown()
			return
		}
		if ctx.Err() != nil {
			return
		}
		if !failing {
			b.log.Info("the node pushes no blocks over a websocket; polling only meanwhile", "err", err, "retry_in", delay)
			failing = true
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, notifyRetry)
	}
}

// connect opens the websocket and asks for block notifications. btcd's
// client has no deadline of its own, so it runs aside: when ctx ends first
// the attempt is abandoned and its client shut down once it returns.
func (b *BlockNotifier) connect(ctx context.Context, wake chan<- struct{}) (*rpcclient.Client, error) {
	type result struct {
		c   *rpcclient.Client
		err error
	}
	done := make(chan result, 1)
	go func() {
		handlers := &rpcclient.NotificationHandlers{
			OnFilteredBlockConnected: func(int32, *wire.BlockHeader, []*btcutil.Tx) {
				select {
				case wake <- struct{}{}:
				default: // a poll is already due
				}
			},
		}
		c, err := rpcclient.New(&rpcclient.ConnConfig{Host: b.cfg.Host, Endpoint: "ws", User: b.cfg.User, Pass: b.cfg.Pass,
			DisableTLS: !b.cfg.TLS}, handlers)
		if err == nil {
			if err = c.NotifyBlocks(); err != nil {
				c.Shutdown()
			}
		}
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.err == nil {
				r.c.Shutdown()
			}
		}()
		return nil, ctx.Err()
	}
}
