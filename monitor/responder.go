package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// ResponderConfig configures a Responder.
type ResponderConfig struct {
	Store  Store
	Sender Sender
	Policy Policy
	Stats  *Stats
	// Payout receives the rewards (defaults to the sender's address).
	Payout common.Address
	// ReplaceAfter is how many blocks a transaction may stay unmined before
	// it is replaced with a higher fee (and rebroadcast). Default 3.
	ReplaceAfter uint64
	Logger       *slog.Logger
	Clock        Clock
}

// Responder acts on closed channels: for every channel closed with a stale
// proof of a partner it holds a newer one for, it sends updateTransfer
// before the window ends; it tracks its transactions to the end, replacing
// stuck ones with a higher fee as the deadline nears.
//
// Tick is called by the Ethereum watcher after each poll, on one goroutine,
// after the confirmed events of that poll are applied.
type Responder struct {
	cfg ResponderConfig
	log *slog.Logger
	// decided remembers the last non-send decision per (channel, nonce) so
	// a repeated decision is not written again every block.
	decided map[decisionKey]UpdateOutcome
}

// dropAfter is how many blocks after sending a transaction whose account
// nonce is used but whose receipt never appeared is given up as dropped.
const dropAfter = 12

type decisionKey struct {
	channel common.Address
	nonce   uint64
}

// NewResponder validates cfg and fills defaults.
func NewResponder(cfg ResponderConfig) (*Responder, error) {
	if cfg.Store == nil || cfg.Sender == nil || cfg.Stats == nil {
		return nil, errors.New("monitor: responder needs a store, a sender and stats")
	}
	if cfg.Payout == (common.Address{}) {
		cfg.Payout = cfg.Sender.Address()
	}
	if cfg.ReplaceAfter == 0 {
		cfg.ReplaceAfter = 3
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	return &Responder{cfg: cfg, log: cfg.Logger, decided: map[decisionKey]UpdateOutcome{}}, nil
}

// Payout is the address rewards are claimed for.
func (r *Responder) Payout() common.Address { return r.cfg.Payout }

// Tick runs one round at chain head: reconcile own transactions, then act
// on every actionable channel. Errors of one channel are logged and do not
// stop the others; only store failures are returned.
func (r *Responder) Tick(ctx context.Context, head uint64) error {
	if err := r.reconcile(ctx, head); err != nil {
		return err
	}
	// A transaction sent now is mined at head+1 at the earliest.
	chans, err := r.cfg.Store.ActionableChannels(ctx, head+1)
	if err != nil {
		return fmt.Errorf("actionable channels: %w", err)
	}
	for _, ch := range chans {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := r.act(ctx, ch, head); err != nil {
			if isStoreErr(err) {
				return err
			}
			r.log.Warn("update not sent this block, will retry", "channel", ch.Address.Hex(), "head", head, "err", err)
		}
	}
	return r.resolveRewards(ctx)
}

type storeErr struct{ error }

func (e storeErr) Unwrap() error { return e.error }

func isStoreErr(err error) bool {
	var s storeErr
	return errors.As(err, &s)
}

// act decides for one actionable channel.
func (r *Responder) act(ctx context.Context, ch Channel, head uint64) error {
	req, ok, err := r.bestRequest(ctx, ch)
	if err != nil || !ok {
		return err
	}
	ours, err := r.cfg.Store.Updates(ctx, UpdateQuery{Channel: &ch.Address, Outcomes: []UpdateOutcome{OutcomePending, OutcomeMined}})
	if err != nil {
		return storeErr{err}
	}
	for _, u := range ours {
		if u.Nonce >= req.Nonce {
			return nil // ours is on its way (reconcile bumps it) or already mined
		}
	}
	deadline := ch.Deadline()
	if act := r.cfg.Policy.ActBlock(ch.Address, r.cfg.Sender.Address(), ch.ClosedBlock, ch.SettleTimeout); head < act {
		return nil
	}
	suggested, err := r.cfg.Sender.GasPrice(ctx)
	if err != nil {
		return err
	}
	price := r.cfg.Policy.GasPriceAt(suggested, ch.ClosedBlock, deadline, head)
	if reason, msg := r.cfg.Policy.Judge(req.NonClosing, req.Reward, price); reason != "" {
		return r.decide(ctx, req, OutcomeUnprofitable, msg+" at action time")
	}
	onChain, err := r.cfg.Sender.PendingOnChainNonce(ctx, ch.Address, ch.Closing)
	if err != nil {
		return err
	}
	if onChain >= req.Nonce {
		return r.decide(ctx, req, OutcomeSkipped, fmt.Sprintf("a competing update with nonce %d is already pending or mined", onChain))
	}
	call := UpdateCall{Request: req, Payout: r.cfg.Payout}
	gas, err := r.cfg.Sender.EstimateUpdate(ctx, call)
	if errors.Is(err, ErrWouldRevert) {
		return r.decide(ctx, req, OutcomeSkipped, "would revert: "+err.Error())
	}
	if err != nil {
		return err
	}
	// Re-judge with the live estimate: the real cost at the real price.
	if reason, msg := r.cfg.Policy.JudgeAt(req.NonClosing, req.Reward, price, gas); reason != "" {
		return r.decide(ctx, req, OutcomeUnprofitable, msg+" (live gas estimate) at action time")
	}
	nonce, err := r.nextTxNonce(ctx)
	if err != nil {
		return err
	}
	p := TxParams{Nonce: nonce, GasPrice: price, GasLimit: gas + gas/5}
	hash, raw, err := r.cfg.Sender.SignUpdate(ctx, call, p)
	if err != nil {
		return err
	}
	now := r.cfg.Clock.Now().UTC()
	u := Update{Channel: ch.Address, NonClosing: req.NonClosing, Nonce: req.Nonce, Reward: req.Reward,
		Outcome: OutcomePending, TxHash: hash, TxNonce: nonce, GasPrice: price, GasLimit: p.GasLimit,
		RawTx: raw, SentBlock: head, CreatedAt: now, UpdatedAt: now}
	// Record before broadcasting: a crash after the broadcast must not lose it.
	if u.ID, err = r.cfg.Store.InsertUpdate(ctx, u); err != nil {
		return storeErr{err}
	}
	r.cfg.Stats.Submitted()
	delete(r.decided, decisionKey{ch.Address, req.Nonce})
	if err := r.cfg.Sender.Broadcast(ctx, raw); err != nil {
		r.log.Warn("broadcast failed; will rebroadcast", "channel", ch.Address.Hex(), "tx", hash.Hex(), "err", err)
	}
	r.log.Info("updateTransfer sent", "channel", ch.Address.Hex(), "nonce", req.Nonce, "tx", hash.Hex(),
		"gas_price_wei", price.String(), "head", head, "deadline", deadline, "reward_wei", req.Reward.String())
	return nil
}

// bestRequest is the stored request protecting against ch's closer.
func (r *Responder) bestRequest(ctx context.Context, ch Channel) (Request, bool, error) {
	reqs, err := r.cfg.Store.RequestsForChannel(ctx, ch.Address)
	if err != nil {
		return Request{}, false, storeErr{err}
	}
	var best Request
	found := false
	for _, q := range reqs {
		if q.Closing == ch.Closing && q.Nonce > ch.OnChainNonce && (!found || q.Nonce > best.Nonce) {
			best, found = q, true
		}
	}
	return best, found, nil
}

// decide records a decision not to send, once per (channel, nonce, outcome).
func (r *Responder) decide(ctx context.Context, req Request, o UpdateOutcome, detail string) error {
	k := decisionKey{req.Channel, req.Nonce}
	if r.decided[k] == o {
		return nil
	}
	r.decided[k] = o
	now := r.cfg.Clock.Now().UTC()
	_, err := r.cfg.Store.InsertUpdate(ctx, Update{Channel: req.Channel, NonClosing: req.NonClosing, Nonce: req.Nonce,
		Reward: req.Reward, Outcome: o, Detail: detail, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return storeErr{err}
	}
	r.log.Info("update not sent", "channel", req.Channel.Hex(), "nonce", req.Nonce, "outcome", string(o), "why", detail)
	return nil
}

// nextTxNonce is the account nonce for a new transaction: the node's pending
// nonce, or past our own highest recorded nonce if the node lost track of it.
func (r *Responder) nextTxNonce(ctx context.Context) (uint64, error) {
	pending, _, err := r.cfg.Sender.AccountNonce(ctx)
	if err != nil {
		return 0, err
	}
	mine, ok, err := r.cfg.Store.MaxTxNonce(ctx)
	if err != nil {
		return 0, storeErr{err}
	}
	if ok && mine+1 > pending {
		return mine + 1, nil
	}
	return pending, nil
}

// reconcile follows every pending transaction: mined, reverted, or still
// waiting (then rebroadcast, and replaced with a higher fee when stuck).
func (r *Responder) reconcile(ctx context.Context, head uint64) error {
	pending, err := r.cfg.Store.Updates(ctx, UpdateQuery{Outcomes: []UpdateOutcome{OutcomePending}, Limit: 10000})
	if err != nil {
		return fmt.Errorf("pending updates: %w", err)
	}
	for _, u := range pending {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := r.follow(ctx, u, head); err != nil {
			if isStoreErr(err) {
				return err
			}
			r.log.Warn("cannot follow update transaction", "channel", u.Channel.Hex(), "tx", u.TxHash.Hex(), "err", err)
		}
	}
	return nil
}

func (r *Responder) follow(ctx context.Context, u Update, head uint64) error {
	rc, err := r.cfg.Sender.Receipt(ctx, u.TxHash)
	if err != nil {
		return err
	}
	if rc != nil {
		return r.mined(ctx, u, rc)
	}
	// A transaction this one replaced may have been mined instead.
	siblings, err := r.cfg.Store.Updates(ctx, UpdateQuery{Channel: &u.Channel, Outcomes: []UpdateOutcome{OutcomeReplaced}, Limit: 1000})
	if err != nil {
		return storeErr{err}
	}
	for _, sib := range siblings {
		if sib.TxNonce != u.TxNonce {
			continue
		}
		src, err := r.cfg.Sender.Receipt(ctx, sib.TxHash)
		if err != nil {
			return err
		}
		if src != nil {
			if err := r.mined(ctx, sib, src); err != nil {
				return err
			}
			return r.setOutcome(ctx, u, OutcomeDropped, "an earlier transaction with the same nonce was mined: "+sib.TxHash.Hex())
		}
	}
	_, latest, err := r.cfg.Sender.AccountNonce(ctx)
	if err != nil {
		return err
	}
	if latest > u.TxNonce {
		// The nonce is used, but the receipt may just not be indexed yet
		// (nodes index transactions in the background): give it time.
		if head >= u.SentBlock+dropAfter {
			return r.setOutcome(ctx, u, OutcomeDropped, "its account nonce was used by another transaction")
		}
		return nil
	}
	if head < u.SentBlock+r.cfg.ReplaceAfter {
		return nil
	}
	ch, err := r.cfg.Store.Channel(ctx, u.Channel)
	if err != nil {
		return storeErr{err}
	}
	req, ok, err := r.bestRequest(ctx, ch)
	if err != nil {
		return err
	}
	if !ok || req.Nonce != u.Nonce || ch.State != ChannelClosed || head+1 > ch.Deadline() {
		// Nothing better to do than let the node keep it; rebroadcast.
		return r.cfg.Sender.Broadcast(ctx, u.RawTx)
	}
	suggested, err := r.cfg.Sender.GasPrice(ctx)
	if err != nil {
		return err
	}
	price := BumpedGasPrice(u.GasPrice, r.cfg.Policy.GasPriceAt(suggested, ch.ClosedBlock, ch.Deadline(), head))
	if r.cfg.Policy.MaxGasPrice != nil && r.cfg.Policy.MaxGasPrice.Sign() > 0 && price.Cmp(r.cfg.Policy.MaxGasPrice) > 0 {
		r.log.Warn("update stuck at the gas price cap; rebroadcasting", "channel", u.Channel.Hex(), "tx", u.TxHash.Hex(), "gas_price_wei", u.GasPrice.String())
		return r.cfg.Sender.Broadcast(ctx, u.RawTx)
	}
	hash, raw, err := r.cfg.Sender.SignUpdate(ctx, UpdateCall{Request: req, Payout: r.cfg.Payout},
		TxParams{Nonce: u.TxNonce, GasPrice: price, GasLimit: u.GasLimit})
	if err != nil {
		return err
	}
	old := u.TxHash
	nu := u
	nu.ID, nu.TxHash, nu.RawTx, nu.GasPrice, nu.SentBlock, nu.Replacement = 0, hash, raw, price, head, u.Replacement+1
	nu.CreatedAt, nu.UpdatedAt = r.cfg.Clock.Now().UTC(), r.cfg.Clock.Now().UTC()
	if _, err := r.cfg.Store.InsertUpdate(ctx, nu); err != nil {
		return storeErr{err}
	}
	if err := r.setOutcome(ctx, u, OutcomeReplaced, "replaced by "+hash.Hex()+" with a higher fee"); err != nil {
		return err
	}
	if err := r.cfg.Sender.Broadcast(ctx, raw); err != nil {
		r.log.Warn("replacement broadcast failed; will retry", "channel", u.Channel.Hex(), "tx", hash.Hex(), "err", err)
	}
	r.log.Info("updateTransfer replaced with a higher fee", "channel", u.Channel.Hex(), "old_tx", old.Hex(), "tx", hash.Hex(),
		"gas_price_wei", price.String(), "head", head, "deadline", ch.Deadline())
	return nil
}

func (r *Responder) setOutcome(ctx context.Context, u Update, o UpdateOutcome, detail string) error {
	u.Outcome, u.Detail, u.UpdatedAt = o, detail, r.cfg.Clock.Now().UTC()
	if err := r.cfg.Store.SaveUpdate(ctx, u); err != nil {
		return storeErr{err}
	}
	return nil
}

// mined records a receipt for u.
func (r *Responder) mined(ctx context.Context, u Update, rc *Receipt) error {
	u.Block, u.GasUsed = rc.Block, rc.GasUsed
	u.GasPaid = new(big.Int).Mul(new(big.Int).SetUint64(rc.GasUsed), rc.EffectiveGasPrice)
	u.Outcome, u.Detail = OutcomeMined, ""
	if !rc.Success {
		u.Outcome, u.Detail = OutcomeReverted, "reverted on chain: a competing update was mined first"
	}
	u.UpdatedAt = r.cfg.Clock.Now().UTC()
	if err := r.cfg.Store.SaveUpdate(ctx, u); err != nil {
		return storeErr{err}
	}
	r.cfg.Stats.GasPaid(u.GasPaid)
	lvl := slog.LevelInfo
	if !rc.Success {
		lvl = slog.LevelWarn
	}
	r.log.Log(ctx, lvl, "updateTransfer "+string(u.Outcome), "channel", u.Channel.Hex(), "nonce", u.Nonce,
		"tx", u.TxHash.Hex(), "block", rc.Block, "gas_used", rc.GasUsed, "gas_paid_wei", u.GasPaid.String())
	return nil
}

// resolveRewards credits rewards paid to our payout address on settle.
func (r *Responder) resolveRewards(ctx context.Context) error {
	mined, err := r.cfg.Store.Updates(ctx, UpdateQuery{Outcomes: []UpdateOutcome{OutcomeMined}, Limit: 10000})
	if err != nil {
		return storeErr{err}
	}
	for _, u := range mined {
		if u.RewardWon != nil {
			continue
		}
		ch, err := r.cfg.Store.Channel(ctx, u.Channel)
		if err != nil || ch.State != ChannelSettled {
			continue
		}
		evs, err := r.cfg.Store.ChannelEvents(ctx, u.Channel)
		if err != nil {
			return storeErr{err}
		}
		// Only the last TransferUpdated's payout is paid, and only once.
		var last ChainEvent
		won := new(big.Int)
		for _, ev := range evs {
			switch {
			case ev.Kind == EventTransferUpdated && ev.Nonce >= last.Nonce:
				last = ev
			case ev.Kind == EventRewardPaid && ev.Payout == r.cfg.Payout && ev.Amount != nil:
				won.Set(ev.Amount)
			}
		}
		if last.Payout != r.cfg.Payout || last.Nonce != u.Nonce {
			won.SetInt64(0)
		}
		u.RewardWon, u.UpdatedAt = won, r.cfg.Clock.Now().UTC()
		if err := r.cfg.Store.SaveUpdate(ctx, u); err != nil {
			return storeErr{err}
		}
		if won.Sign() > 0 {
			r.cfg.Stats.Won(won)
			r.log.Info("reward paid", "channel", u.Channel.Hex(), "nonce", u.Nonce, "reward_wei", won.String(), "payout", r.cfg.Payout.Hex())
		} else {
			r.log.Info("channel settled without a reward for us", "channel", u.Channel.Hex(), "nonce", u.Nonce)
		}
	}
	return nil
}
