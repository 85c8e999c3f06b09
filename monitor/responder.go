package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"

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
//
// The node is asked once per Tick, not once per channel or transaction, for
// what is the same for all of them: the account nonce, the suggested gas
// price, the competing updates in the pool, the latest block. Our own
// transactions in flight are kept to what inFlightBlocks blocks can hold
// (the sum of their gas limits at most that many block gas limits): the
// next block's worth, and the one after it while a Tick is still sending.
// More would only queue in the node's pool behind our own nonces, where a
// channel closed later with an earlier deadline could not overtake them and
// where a node may evict them (geth guarantees an account only 16 pool
// slots). The channels left over are taken up, most urgent first, by the
// next Ticks as blocks make room; a Tick therefore also stays short, and
// the watcher keeps polling during a mass close.
//
// Our transactions are mined in account-nonce order, so one that waits
// behind our own earlier ones while those are being mined is not stuck: a
// transaction is replaced with a higher fee when none of ours has been
// mined for ReplaceAfter blocks, or at once when the base fee has risen past
// its price (as it does, 12.5% a block, while a mass close fills blocks).
type Responder struct {
	cfg ResponderConfig
	log *slog.Logger
	// decided remembers the last non-send decision per (channel, nonce) so
	// a repeated decision is not written again every block.
	decided map[decisionKey]UpdateOutcome
	// lastGasLimit is the gas limit of the last update sent: the expected
	// size of the next one, to stop before estimating one that cannot fit.
	lastGasLimit uint64
	// sentAt holds the transactions this process sent with the node's head
	// after their Tick broadcast them (0 while unknown). A Tick that sends
	// many may broadcast its last ones blocks after its head (their
	// SentBlock); "ReplaceAfter blocks after sending" counts from the later
	// of the two. Entries leave when the transaction is settled or replaced.
	sentAt map[common.Hash]uint64
	// followed is the head at which every pending transaction was last
	// followed without a node error.
	followed uint64
	// latest is the account nonce at the latest block when last read, and
	// movedAt the head at which it was seen to change (0: not since start).
	latest     uint64
	latestSeen bool
	movedAt    uint64
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
	return &Responder{cfg: cfg, log: cfg.Logger, decided: map[decisionKey]UpdateOutcome{}, sentAt: map[common.Hash]uint64{}}, nil
}

// Payout is the address rewards are claimed for.
func (r *Responder) Payout() common.Address { return r.cfg.Payout }

// tickState is what one Tick reads from the node once, lazily, and shares
// between channels and transactions.
type tickState struct {
	head uint64

	acctRead    bool
	pending     uint64 // the node's pending account nonce
	latest      uint64 // the account nonce at the latest block
	next        uint64 // the account nonce for our next new transaction
	nextOK      bool
	suggested   *big.Int
	pool        map[common.Address]uint64
	poolRead    bool
	block       *BlockInfo    // the latest block; nil until read
	sent        []common.Hash // broadcast by this Tick
	inFlightGas uint64        // gas limits of our transactions not yet mined
	inFlight    int
	queueStuck  bool // our transactions have not been mined for ReplaceAfter blocks
	deferred    int  // actionable channels left for a later Tick
}

func (t *tickState) account(ctx context.Context, s Sender) error {
	if t.acctRead {
		return nil
	}
	p, l, err := s.AccountNonce(ctx)
	if err != nil {
		return err
	}
	t.pending, t.latest, t.acctRead = p, l, true
	return nil
}

func (t *tickState) latestBlock(ctx context.Context, s Sender) (BlockInfo, error) {
	if t.block == nil {
		b, err := s.LatestBlock(ctx)
		if err != nil {
			return BlockInfo{}, err
		}
		t.block = &b
	}
	return *t.block, nil
}

func (t *tickState) gasPrice(ctx context.Context, s Sender) (*big.Int, error) {
	if t.suggested == nil {
		gp, err := s.GasPrice(ctx)
		if err != nil {
			return nil, err
		}
		t.suggested = gp
	}
	return t.suggested, nil
}

// inFlightBlocks is how many blocks' worth of gas our transactions not yet
// mined may add up to.
const inFlightBlocks = 2

// errInFlightFull stops a Tick's sending: inFlightBlocks blocks' worth of
// our transactions is in flight.
var errInFlightFull = errors.New("the next blocks' worth of updates is in flight")

// checkConcurrency is how many channels' node checks (pending nonce, gas
// estimate) a Tick runs at once.
const checkConcurrency = 8

// Tick runs one round at chain head: reconcile own transactions, then act
// on the actionable channels, most urgent first, as long as our
// transactions in flight fit in inFlightBlocks blocks. Errors of one
// channel are logged and do not stop the others; only store failures are
// returned.
//
// Acting has three steps: plan (from the store: which channels are due and
// worth it, as many as fit), check (ask the node, a few channels at a time,
// whether a newer update is already pending and what ours would cost), send
// (one at a time, in deadline order: record, then broadcast).
func (r *Responder) Tick(ctx context.Context, head uint64) error {
	t := &tickState{head: head}
	if err := r.reconcile(ctx, t); err != nil {
		return err
	}
	// A transaction sent now is mined at head+1 at the earliest.
	chans, err := r.cfg.Store.ActionableChannels(ctx, head+1)
	if err != nil {
		return fmt.Errorf("actionable channels: %w", err)
	}
	var cands []*candidate
	planned := t.inFlightGas
	for i, ch := range chans {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Stop before spending calls on updates that would not fit anyway
		// (and, before the first live estimate, after one round of checks).
		if r.lastGasLimit == 0 && len(cands) == checkConcurrency {
			t.deferred = len(chans) - i
			break
		}
		if t.inFlight > 0 || len(cands) > 0 {
			if err := r.fits(ctx, t, planned, r.expectedGas()); err != nil {
				if !errors.Is(err, errInFlightFull) {
					r.log.Warn("cannot read the block gas limit; updates wait for the next block", "head", head, "err", err)
				}
				t.deferred = len(chans) - i
				break
			}
		}
		c, err := r.plan(ctx, ch, t)
		if err != nil {
			if isStoreErr(err) {
				return err
			}
			r.log.Warn("update not sent this block, will retry", "channel", ch.Address.Hex(), "head", head, "err", err)
			continue
		}
		if c != nil {
			cands = append(cands, c)
			planned += r.expectedGas()
		}
	}
	r.check(ctx, t, cands)
	for i, c := range cands {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := r.send(ctx, c, t); err != nil {
			if isStoreErr(err) {
				return err
			}
			if errors.Is(err, errInFlightFull) {
				t.deferred += len(cands) - i
				break
			}
			r.log.Warn("update not sent this block, will retry", "channel", c.ch.Address.Hex(), "head", head, "err", err)
		}
	}
	r.noteSent(ctx, t)
	if t.deferred > 0 {
		r.log.Debug("updates deferred until blocks make room", "head", head, "deferred", t.deferred,
			"in_flight", t.inFlight, "in_flight_gas", t.inFlightGas)
	}
	return r.resolveRewards(ctx)
}

// noteSent records the node's head after this Tick's broadcasts as their
// sending block (when the node does not answer, the next Tick's head is
// taken instead).
func (r *Responder) noteSent(ctx context.Context, t *tickState) {
	if len(t.sent) == 0 {
		return
	}
	b, err := r.cfg.Sender.LatestBlock(ctx)
	if err != nil {
		return
	}
	for _, h := range t.sent {
		if _, ok := r.sentAt[h]; ok {
			r.sentAt[h] = max(b.Number, 1)
		}
	}
}

// expectedGas is the gas limit the next update is expected to need: the
// last one's, or the configured estimate before any was sent.
func (r *Responder) expectedGas() uint64 {
	if r.lastGasLimit > 0 {
		return r.lastGasLimit
	}
	g := r.cfg.Policy.UpdateGas
	if g == 0 {
		g = UpdateTransferGas
	}
	return g + g/5
}

// fits checks that a transaction of gas more fits in inFlightBlocks blocks
// next to planned gas of ours.
func (r *Responder) fits(ctx context.Context, t *tickState, planned, gas uint64) error {
	b, err := t.latestBlock(ctx, r.cfg.Sender)
	if err != nil {
		return err
	}
	if planned+gas > inFlightBlocks*b.GasLimit {
		return errInFlightFull
	}
	return nil
}

type storeErr struct{ error }

func (e storeErr) Unwrap() error { return e.error }

func isStoreErr(err error) bool {
	var s storeErr
	return errors.As(err, &s)
}

// candidate is an actionable channel a Tick plans to send an update for.
type candidate struct {
	ch    Channel
	req   Request
	price *big.Int
	// Filled by check.
	onChain uint64 // newest nonce pending or mined for the closer
	gas     uint64
	err     error
}

// plan decides from the store and the policy whether ch is due for an
// update now; nil when not (already sent, not its slot yet, not worth it).
func (r *Responder) plan(ctx context.Context, ch Channel, t *tickState) (*candidate, error) {
	head := t.head
	req, ok, err := r.bestRequest(ctx, ch)
	if err != nil || !ok {
		return nil, err
	}
	ours, err := r.cfg.Store.Updates(ctx, UpdateQuery{Channel: &ch.Address, Outcomes: []UpdateOutcome{OutcomePending, OutcomeMined}})
	if err != nil {
		return nil, storeErr{err}
	}
	for _, u := range ours {
		if u.Nonce >= req.Nonce {
			return nil, nil // ours is on its way (reconcile bumps it) or already mined
		}
	}
	if act := r.cfg.Policy.ActBlock(ch.Address, r.cfg.Sender.Address(), ch.ClosedBlock, ch.SettleTimeout); head < act {
		return nil, nil
	}
	suggested, err := t.gasPrice(ctx, r.cfg.Sender)
	if err != nil {
		return nil, err
	}
	price := r.cfg.Policy.GasPriceAt(suggested, ch.ClosedBlock, ch.Deadline(), head)
	if reason, msg := r.cfg.Policy.Judge(req.NonClosing, req.Reward, price); reason != "" {
		return nil, r.decide(ctx, req, OutcomeUnprofitable, msg+" at action time")
	}
	return &candidate{ch: ch, req: req, price: price}, nil
}

// check asks the node, for every candidate, for the newest nonce pending or
// mined for the closer (its pending state and, read once, its pool) and
// for the gas of our update, a few candidates at a time.
func (r *Responder) check(ctx context.Context, t *tickState, cands []*candidate) {
	if len(cands) == 0 {
		return
	}
	if !t.poolRead {
		t.poolRead = true
		var err error
		if t.pool, err = r.cfg.Sender.PoolUpdateNonces(ctx); err != nil {
			r.log.Debug("cannot read the node's pool; relying on its pending state", "err", err)
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, checkConcurrency)
	for _, c := range cands {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, err := r.cfg.Sender.PendingOnChainNonce(ctx, c.ch.Address, c.ch.Closing)
			if err != nil {
				c.err = err
				return
			}
			c.onChain = max(n, t.pool[c.ch.Address])
			if c.onChain >= c.req.Nonce {
				return
			}
			c.gas, c.err = r.cfg.Sender.EstimateUpdate(ctx, UpdateCall{Request: c.req, Payout: r.cfg.Payout})
		}()
	}
	wg.Wait()
}

// send acts on a checked candidate: records a decision not to send, or
// signs, records and broadcasts the update.
func (r *Responder) send(ctx context.Context, c *candidate, t *tickState) error {
	ch, req, price, head := c.ch, c.req, c.price, t.head
	if c.err != nil && !errors.Is(c.err, ErrWouldRevert) {
		return c.err
	}
	if c.onChain >= req.Nonce {
		return r.decide(ctx, req, OutcomeSkipped, fmt.Sprintf("a competing update with nonce %d is already pending or mined", c.onChain))
	}
	if c.err != nil {
		return r.decide(ctx, req, OutcomeSkipped, "would revert: "+c.err.Error())
	}
	// Re-judge with the live estimate: the real cost at the real price.
	if reason, msg := r.cfg.Policy.JudgeAt(req.NonClosing, req.Reward, price, c.gas); reason != "" {
		return r.decide(ctx, req, OutcomeUnprofitable, msg+" (live gas estimate) at action time")
	}
	p := TxParams{GasPrice: price, GasLimit: c.gas + c.gas/5}
	if t.inFlight > 0 {
		if err := r.fits(ctx, t, t.inFlightGas, p.GasLimit); err != nil {
			return err
		}
	}
	var err error
	if p.Nonce, err = r.nextTxNonce(ctx, t); err != nil {
		return err
	}
	call := UpdateCall{Request: req, Payout: r.cfg.Payout}
	hash, raw, err := r.cfg.Sender.SignUpdate(ctx, call, p)
	if err != nil {
		return err
	}
	now := r.cfg.Clock.Now().UTC()
	u := Update{Channel: ch.Address, NonClosing: req.NonClosing, Nonce: req.Nonce, Reward: req.Reward,
		Outcome: OutcomePending, TxHash: hash, TxNonce: p.Nonce, GasPrice: price, GasLimit: p.GasLimit,
		RawTx: raw, SentBlock: head, CreatedAt: now, UpdatedAt: now}
	// Record before broadcasting: a crash after the broadcast must not lose it.
	if u.ID, err = r.cfg.Store.InsertUpdate(ctx, u); err != nil {
		return storeErr{err}
	}
	t.next++
	t.inFlight++
	t.inFlightGas += p.GasLimit
	r.lastGasLimit = p.GasLimit
	r.sentAt[hash] = 0
	t.sent = append(t.sent, hash)
	r.cfg.Stats.Submitted()
	delete(r.decided, decisionKey{ch.Address, req.Nonce})
	if err := r.cfg.Sender.Broadcast(ctx, raw); err != nil {
		r.log.Warn("broadcast failed; will rebroadcast", "channel", ch.Address.Hex(), "tx", hash.Hex(), "err", err)
	}
	r.log.Info("updateTransfer sent", "channel", ch.Address.Hex(), "nonce", req.Nonce, "tx", hash.Hex(),
		"gas_price_wei", price.String(), "head", head, "deadline", ch.Deadline(), "reward_wei", req.Reward.String())
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
// nonce, or past our own highest recorded nonce if the node lost track of
// it; read once per Tick and counted up locally as the Tick sends.
func (r *Responder) nextTxNonce(ctx context.Context, t *tickState) (uint64, error) {
	if t.nextOK {
		return t.next, nil
	}
	if err := t.account(ctx, r.cfg.Sender); err != nil {
		return 0, err
	}
	mine, ok, err := r.cfg.Store.MaxTxNonce(ctx)
	if err != nil {
		return 0, storeErr{err}
	}
	t.next, t.nextOK = t.pending, true
	if ok && mine+1 > t.pending {
		t.next = mine + 1
	}
	return t.next, nil
}

// reconcile follows every pending transaction: mined, reverted, or still
// waiting (then rebroadcast, and replaced with a higher fee when stuck).
// The account nonce at the latest block is read once: a transaction whose
// nonce it has not reached cannot have been mined, so only the others are
// looked up by receipt; and at a head already followed nothing is asked.
// What stays in flight is counted into t.
func (r *Responder) reconcile(ctx context.Context, t *tickState) error {
	pending, err := r.cfg.Store.Updates(ctx, UpdateQuery{Outcomes: []UpdateOutcome{OutcomePending}, Limit: 10000})
	if err != nil {
		return fmt.Errorf("pending updates: %w", err)
	}
	if len(pending) == 0 {
		return nil
	}
	inFlight := func() {
		for _, u := range pending {
			t.inFlight++
			t.inFlightGas += u.GasLimit
		}
	}
	if t.head == r.followed {
		// Followed at this head already (the watcher polls several times a
		// block): nothing can have been mined since.
		inFlight()
		return nil
	}
	if err := t.account(ctx, r.cfg.Sender); err != nil {
		r.log.Warn("cannot read the account nonce; pending updates not followed this block", "err", err)
		inFlight() // nothing is known to have left
		return nil
	}
	// Our transactions are mined in nonce order: the queue is stuck when
	// the account nonce has not moved for ReplaceAfter blocks and the first
	// of ours not mined yet has waited as long.
	if !r.latestSeen || t.latest != r.latest {
		if r.latestSeen {
			r.movedAt = t.head
		}
		r.latest, r.latestSeen = t.latest, true
	}
	var first *Update
	for i := range pending {
		u := &pending[i]
		if at, ok := r.sentAt[u.TxHash]; ok && at == 0 {
			r.sentAt[u.TxHash] = t.head // sent before this Tick began
		}
		if u.TxNonce >= t.latest && (first == nil || u.TxNonce < first.TxNonce) {
			first = u
		}
	}
	t.queueStuck = first != nil && t.head >= r.sentBlock(*first)+r.cfg.ReplaceAfter && t.head >= r.movedAt+r.cfg.ReplaceAfter
	clean := true
	for _, u := range pending {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		done, err := r.follow(ctx, u, t)
		if err != nil {
			if isStoreErr(err) {
				return err
			}
			r.log.Warn("cannot follow update transaction", "channel", u.Channel.Hex(), "tx", u.TxHash.Hex(), "err", err)
			clean = false
		}
		if done {
			delete(r.sentAt, u.TxHash)
		} else {
			t.inFlight++
			t.inFlightGas += u.GasLimit
		}
	}
	if clean {
		r.followed = t.head
	}
	return nil
}

// follow advances one pending update; done reports that its account nonce
// is settled (mined, reverted or dropped) and it no longer takes room in a
// block.
func (r *Responder) follow(ctx context.Context, u Update, t *tickState) (done bool, err error) {
	head := t.head
	if u.TxNonce >= t.latest {
		// Its nonce is not used yet: neither it nor a transaction it
		// replaced can be mined.
		return false, r.stuck(ctx, u, t)
	}
	rc, err := r.cfg.Sender.Receipt(ctx, u.TxHash)
	if err != nil {
		return false, err
	}
	if rc != nil {
		return true, r.mined(ctx, u, rc)
	}
	// A transaction this one replaced may have been mined instead.
	siblings, err := r.cfg.Store.Updates(ctx, UpdateQuery{Channel: &u.Channel, Outcomes: []UpdateOutcome{OutcomeReplaced}, Limit: 1000})
	if err != nil {
		return false, storeErr{err}
	}
	for _, sib := range siblings {
		if sib.TxNonce != u.TxNonce {
			continue
		}
		src, err := r.cfg.Sender.Receipt(ctx, sib.TxHash)
		if err != nil {
			return false, err
		}
		if src != nil {
			if err := r.mined(ctx, sib, src); err != nil {
				return false, err
			}
			return true, r.setOutcome(ctx, u, OutcomeDropped, "an earlier transaction with the same nonce was mined: "+sib.TxHash.Hex())
		}
	}
	// The nonce is used, but the receipt may just not be indexed yet
	// (nodes index transactions in the background): give it time.
	if head >= u.SentBlock+dropAfter {
		return true, r.setOutcome(ctx, u, OutcomeDropped, "its account nonce was used by another transaction")
	}
	return true, nil
}

// sentBlock is when u was broadcast, as far as known: its Tick's head, or
// the node's head after that Tick's broadcasts.
func (r *Responder) sentBlock(u Update) uint64 {
	return max(u.SentBlock, r.sentAt[u.TxHash])
}

// underpriced tells whether u's gas price is below the next block's base
// fee: it cannot be included, however long it waits, unless the base fee
// falls again.
func (r *Responder) underpriced(ctx context.Context, u Update, t *tickState) bool {
	b, err := t.latestBlock(ctx, r.cfg.Sender)
	if err != nil || b.BaseFee == nil || u.GasPrice == nil {
		return false
	}
	return u.GasPrice.Cmp(b.NextBaseFee()) < 0
}

// stuck handles a transaction whose nonce is not used yet: it is replaced
// with a higher fee (or rebroadcast) at once when the base fee has risen
// past its price, and otherwise after ReplaceAfter blocks if none of ours
// has been mined for as long (when ours are being mined, in nonce order, it
// just waits its turn).
func (r *Responder) stuck(ctx context.Context, u Update, t *tickState) error {
	head := t.head
	if !r.underpriced(ctx, u, t) && (head < r.sentBlock(u)+r.cfg.ReplaceAfter || !t.queueStuck) {
		// Not long enough, or waiting behind our own earlier transactions
		// while they are being mined: a higher fee would not help it.
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
	suggested, err := t.gasPrice(ctx, r.cfg.Sender)
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
	delete(r.sentAt, u.TxHash)
	r.sentAt[hash] = 0
	t.sent = append(t.sent, hash)
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
