package proofs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
)

// ChainStore is the store as the chain view uses it: the processed cursor
// and block hashes, confirmed events and channel state, and the update
// records a reorg puts back to pending.
type ChainStore interface {
	Cursor(ctx context.Context) (Cursor, bool, error)
	BlockHash(ctx context.Context, number uint64) (common.Hash, bool, error)
	ApplyChain(ctx context.Context, b ChainBatch) error
	RollbackChain(ctx context.Context, r ChainRollback) error
	Channel(ctx context.Context, addr common.Address) (Channel, error)
	ChannelEvents(ctx context.Context, channel common.Address) ([]ChainEvent, error)
	EventsAfter(ctx context.Context, block uint64) ([]ChainEvent, error)
	Updates(ctx context.Context, q UpdateQuery) ([]Update, error)
	// SaveUpdate overwrites the update with u.ID.
	SaveUpdate(ctx context.Context, u Update) error
}

// ChainState turns confirmed contract events into channel state in the
// store. The Ethereum watcher (chains/ethereum) calls Apply for every
// processed block range and Rollback after a reorg; it owns no state itself.
type ChainState struct {
	store ChainStore
	log   *slog.Logger
}

// NewChainState returns a ChainState writing to st.
func NewChainState(st ChainStore, log *slog.Logger) *ChainState {
	if log == nil {
		log = slog.Default()
	}
	return &ChainState{store: st, log: log}
}

// Cursor is the last processed block, if any.
func (c *ChainState) Cursor(ctx context.Context) (Cursor, bool, error) {
	return c.store.Cursor(ctx)
}

// BlockHash is the remembered hash of a processed block.
func (c *ChainState) BlockHash(ctx context.Context, n uint64) (common.Hash, bool, error) {
	return c.store.BlockHash(ctx, n)
}

// Apply records the events of a confirmed block range and advances the
// cursor to its last block, atomically. Events for channels that the
// registry did not open are dropped here (anyone can emit the same topics).
func (c *ChainState) Apply(ctx context.Context, cur Cursor, blocks []BlockRef, events []ChainEvent) error {
	touched := map[common.Address]*Channel{}
	var kept []ChainEvent
	for _, ev := range events {
		ch, ok := touched[ev.Channel]
		if !ok {
			if ev.Kind == EventChannelOpened {
				ch = &Channel{}
			} else {
				got, err := c.store.Channel(ctx, ev.Channel)
				if errors.Is(err, monitor.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				ch = &got
			}
			touched[ev.Channel] = ch
		}
		if ch.Address == (common.Address{}) && ev.Kind != EventChannelOpened {
			continue // a channel we never saw opened
		}
		applyEvent(ch, ev)
		kept = append(kept, ev)
		c.log.Info("channel event", "event", string(ev.Kind), "channel", ev.Channel.Hex(), "block", ev.Block,
			"participant", ev.Participant.Hex(), "nonce", ev.Nonce, "tx", ev.TxHash.Hex())
	}
	b := ChainBatch{Cursor: cur, Blocks: blocks, Events: kept}
	for _, ch := range touched {
		if ch.Address != (common.Address{}) {
			b.Channels = append(b.Channels, *ch)
		}
	}
	return c.store.ApplyChain(ctx, b)
}

// applyEvent folds one event into a channel's state.
func applyEvent(ch *Channel, ev ChainEvent) {
	switch ev.Kind {
	case EventChannelOpened:
		*ch = Channel{Address: ev.Channel, Participant1: ev.Participant1, Participant2: ev.Participant2,
			SettleTimeout: ev.SettleTimeout, OpenedBlock: ev.Block, State: ChannelOpen}
	case EventRewardDeposited:
		if ev.Participant == ch.Participant1 {
			ch.RewardDeposit1 = new(big.Int).Set(ev.Amount)
		} else if ev.Participant == ch.Participant2 {
			ch.RewardDeposit2 = new(big.Int).Set(ev.Amount)
		}
	case EventChannelClosed:
		ch.State, ch.Closing, ch.ClosedBlock, ch.OnChainNonce = ChannelClosed, ev.Participant, ev.Block, 0
	case EventTransferUpdated:
		if ev.Nonce > ch.OnChainNonce {
			ch.OnChainNonce = ev.Nonce
		}
	case EventChannelSettled:
		ch.State, ch.SettledBlock = ChannelSettled, ev.Block
	}
}

// Rollback undoes everything recorded above ancestor after a reorg: channel
// states are recomputed from the surviving events, update records mined in
// orphaned blocks go back to pending (the responder re-checks them).
func (c *ChainState) Rollback(ctx context.Context, ancestor Cursor) error {
	orphaned, err := c.store.EventsAfter(ctx, ancestor.Number)
	if err != nil {
		return err
	}
	seen := map[common.Address]bool{}
	rb := ChainRollback{To: ancestor}
	for _, ev := range orphaned {
		if seen[ev.Channel] {
			continue
		}
		seen[ev.Channel] = true
		all, err := c.store.ChannelEvents(ctx, ev.Channel)
		if err != nil {
			return err
		}
		var ch Channel
		for _, e := range all {
			if e.Block <= ancestor.Number {
				applyEvent(&ch, e)
			}
		}
		if ch.Address == (common.Address{}) {
			rb.Removed = append(rb.Removed, ev.Channel)
		} else {
			rb.Channels = append(rb.Channels, ch)
		}
	}
	if err := c.store.RollbackChain(ctx, rb); err != nil {
		return err
	}
	ups, err := c.store.Updates(ctx, UpdateQuery{Outcomes: []UpdateOutcome{OutcomeMined, OutcomeReverted}, Limit: 100000})
	if err != nil {
		return err
	}
	for _, u := range ups {
		if u.Block > ancestor.Number {
			u.Outcome, u.Block, u.GasUsed, u.GasPaid = OutcomePending, 0, 0, nil
			u.Detail = fmt.Sprintf("mined block orphaned by a reorg to %d", ancestor.Number)
			if err := c.store.SaveUpdate(ctx, u); err != nil {
				return err
			}
		}
	}
	c.log.Warn("chain reorganised: rolled back", "to_block", ancestor.Number, "to_hash", ancestor.Hash.Hex(),
		"orphaned_events", len(orphaned), "channels_recomputed", len(rb.Channels), "channels_removed", len(rb.Removed))
	return nil
}
