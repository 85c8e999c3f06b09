package proofs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sort"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
)

// ResponderStore is the store as the responder uses it: the channels to
// act on or to count as missed, the stored proofs of a channel, the chain
// position and events, and the update records.
type ResponderStore interface {
	// ActionableChannels lists closed channels whose window is still open at
	// block head and for which a stored request has a nonce newer than the
	// on-chain one.
	ActionableChannels(ctx context.Context, head uint64) ([]Channel, error)
	// MissedWindows lists closed or settled channels whose deadline is in
	// (after, upTo] and for which a stored request against the closing
	// participant has a nonce newer than the on-chain one: windows that
	// ended without our newer proof on chain.
	MissedWindows(ctx context.Context, after, upTo uint64) ([]Channel, error)
	Channel(ctx context.Context, addr common.Address) (Channel, error)
	ChannelEvents(ctx context.Context, channel common.Address) ([]ChainEvent, error)
	EventsAfter(ctx context.Context, block uint64) ([]ChainEvent, error)
	Cursor(ctx context.Context) (Cursor, bool, error)
	RequestsForChannel(ctx context.Context, channel common.Address) ([]Request, error)

	// InsertUpdate stores a new update record and returns its ID.
	InsertUpdate(ctx context.Context, u Update) (int64, error)
	// SaveUpdate overwrites the update with u.ID.
	SaveUpdate(ctx context.Context, u Update) error
	Updates(ctx context.Context, q UpdateQuery) ([]Update, error)
	// MaxTxNonce is the highest transaction nonce among updates with a
	// TxHash (the account nonce is derived from it).
	MaxTxNonce(ctx context.Context) (nonce uint64, ok bool, err error)
}

// ResponderConfig configures a Responder.
type ResponderConfig struct {
	Store ResponderStore
	// Sender, Claims and Gas reach the Ethereum node (chains/ethereum's
	// Sender implements all three).
	Sender TxSender
	Claims ClaimReader
	Gas    GasReader
	Policy Policy
	Stats  ResponderReport
	// Payout is where the chain pays this monitor's rewards: the payout
	// address its account fixed in the monitor registry (defaults to the
	// sender's address). The responder never chooses it; it only credits a
	// reward paid to it, for the update whose transaction the chain accepted
	// last.
	Payout common.Address
	// SlotOffset is the chain's slot rule: the channel admits this monitor's
	// update from block closedBlock + SlotOffset(channel, monitor,
	// settleTimeout) on (contracts.SlotOffset for NettingChannel). The
	// responder sends only once the head has reached that block, so that
	// its update, estimated at the head and mined after it, lands in the
	// slot. Nil: the channel admits the monitor at any block of the window.
	SlotOffset func(channel, monitor common.Address, settleTimeout uint64) uint64
	// HonourReceipts: intake gave every stored request this monitor's
	// signed receipt, which the channel backs with the monitor's deposit
	// (a penalty when the window passes without an update). The responder
	// then never drops a request as unprofitable at action time: it sends
	// at a loss, at a price still capped by Policy.MaxGasPrice, and says so
	// in the record and the log. Refusing is intake's job, before a receipt
	// exists.
	HonourReceipts bool
	// Eligibility, when set, says whether the monitor registry still
	// counts this monitor. While it does not, the responder still tries
	// every receipted update (the channel decides), and an update the
	// channel would refuse is logged at error as a receipt that cannot be
	// honoured; its window is then counted as missed when it ends.
	Eligibility Eligibility
	// ReplaceAfter is how many blocks a transaction may stay unmined before
	// it is replaced with a higher fee (and rebroadcast). Default 3.
	ReplaceAfter uint64
	Logger       *slog.Logger
	Clock        monitor.Clock
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
	decided map[decisionKey]decision
	// missedUpTo is the confirmed block up to which ended windows were
	// checked for a miss (0: not since start).
	missedUpTo uint64
	// gasSeeded: the gas model has seen our stored history; gasEventsAfter
	// is the confirmed block after which TransferUpdated events are still
	// to be learned from (set by the first Tick: gasEventsSet).
	gasSeeded      bool
	gasEventsSet   bool
	gasEventsAfter uint64
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
	// scheduledAt is the head the scheduled updates were last reported at.
	scheduledAt uint64
	// upcoming holds, from the last Tick, the channels it found actionable
	// but not due yet (before their act block or their slot), with the
	// block they become due at and the request they would carry.
	upcoming []upcoming
	// early holds what Prepare read for the Tick at its head.
	early *earlyReads
}

// upcoming is a channel whose update becomes due at block due.
type upcoming struct {
	due uint64
	ch  Channel
	req Request
}

// earlyReads is what Prepare read from the node for the Tick at head: the
// node-wide reads in t, and for each channel due at head the two checks of
// check that do not depend on the pool.
type earlyReads struct {
	head   uint64
	t      *tickState
	checks map[decisionKey]*earlyCheck
}

// earlyCheck is one candidate's nonce recorded on chain and our update's
// gas estimate, each with its error, read before check needs them; done is
// closed once both are read.
type earlyCheck struct {
	onChain  uint64
	nonceErr error
	gas      uint64
	gasErr   error
	done     chan struct{}
}

// startCheck reads, in the background, the nonce recorded for ch's closer
// at head and the gas of our update with req at the latest block, as check
// reads them.
func (r *Responder) startCheck(ctx context.Context, ch Channel, req Request, head uint64) *earlyCheck {
	c := &earlyCheck{done: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		c.onChain, c.nonceErr = r.cfg.Claims.OnChainNonce(ctx, ch.Address, ch.Closing, head)
	}()
	go func() {
		defer wg.Done()
		c.gas, c.gasErr = r.cfg.Gas.EstimateUpdate(ctx, UpdateCall{Request: req})
	}()
	go func() {
		wg.Wait()
		close(c.done)
	}()
	return c
}

// dropAfter is how many blocks after sending a transaction whose account
// nonce is used but whose receipt never appeared is given up as dropped.
const dropAfter = 12

type decisionKey struct {
	channel common.Address
	nonce   uint64
}

// decision is a recorded non-send decision: its outcome and the competitor
// it stood down for, if any.
type decision struct {
	outcome    UpdateOutcome
	competitor common.Hash
}

// maxCompetitorChecks is how many pool competitors of one channel are
// checked per block (each costs three node calls), the highest priced
// first; the rest wait for a later block.
const maxCompetitorChecks = 3

// NewResponder validates cfg and fills defaults.
func NewResponder(cfg ResponderConfig) (*Responder, error) {
	if cfg.Store == nil || cfg.Sender == nil || cfg.Claims == nil || cfg.Gas == nil || cfg.Stats == nil {
		return nil, errors.New("monitor: responder needs a store, a sender, a claim reader, a gas reader and stats")
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
		cfg.Clock = monitor.SystemClock{}
	}
	return &Responder{cfg: cfg, log: cfg.Logger, decided: map[decisionKey]decision{}, sentAt: map[common.Hash]uint64{}}, nil
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
	pool        map[common.Address][]Competitor // others' updateTransfer calls in the pool, by channel
	poolHead    uint64                          // the node's head when the pool was read
	poolErr     error                           // the pool could not be read
	poolRead    bool
	block       *BlockInfo    // the latest block; nil until read
	sent        []common.Hash // broadcast by this Tick
	inFlightGas uint64        // gas limits of our transactions not yet mined
	inFlight    int
	queueStuck  bool // our transactions have not been mined for ReplaceAfter blocks
	deferred    int  // actionable channels left for a later Tick
	prefetched  bool // prefetch ran
	// checks are the candidates' reads of check begun before check: by
	// Prepare, or by plan as soon as a channel is found due (at most
	// checkConcurrency of them), beside the Tick's node-wide reads.
	checks  map[decisionKey]*earlyCheck
	started int // checks begun by plan
}

func (t *tickState) account(ctx context.Context, s TxSender) error {
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

func (t *tickState) latestBlock(ctx context.Context, s GasReader) (BlockInfo, error) {
	if t.block == nil {
		b, err := s.LatestBlock(ctx)
		if err != nil {
			return BlockInfo{}, err
		}
		t.block = &b
	}
	return *t.block, nil
}

func (t *tickState) gasPrice(ctx context.Context, s GasReader) (*big.Int, error) {
	if t.suggested == nil {
		gp, err := s.GasPrice(ctx)
		if err != nil {
			return nil, err
		}
		t.suggested = gp
	}
	return t.suggested, nil
}

// prefetch reads at once, concurrently, what a Tick that sends asks the
// node for once and shares: the suggested gas price, the pool's updates,
// the account nonces and the latest block. Each is then served from t by
// its getter above; a read that failed is simply asked again by its getter
// (the pool's failure is kept: readPool records it as a fact of this
// Tick). Called once a channel is due, so an idle Tick asks nothing.
func (r *Responder) prefetch(ctx context.Context, t *tickState) {
	if t.prefetched {
		return
	}
	t.prefetched = true
	t.prefetchNode(ctx, r, true)
}

// prefetchNode reads concurrently what t lacks of the node-wide reads (the
// pool only with pool).
func (t *tickState) prefetchNode(ctx context.Context, r *Responder, pool bool) {
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	// Each goroutine writes only its own fields of t; all are read after
	// wg.Wait.
	if t.suggested == nil {
		run(func() { _, _ = t.gasPrice(ctx, r.cfg.Gas) })
	}
	if pool && !t.poolRead {
		run(func() { r.readPool(ctx, t) })
	}
	if !t.acctRead {
		run(func() { _ = t.account(ctx, r.cfg.Sender) })
	}
	if t.block == nil {
		run(func() { _, _ = t.latestBlock(ctx, r.cfg.Gas) })
	}
	wg.Wait()
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

// Prepare reads from the node, while the watcher is still applying the
// block at head, what the Tick at head will ask it for the channels the
// previous Tick found coming due by head: the suggested gas price, the
// account nonces and the latest block, and for each such channel the nonce
// recorded for its closer and the gas of our update (both at the latest
// block, as check reads them). The pool is not read here: check reads it
// after the block is applied, as before, so competitors are judged on the
// freshest pool. Tick uses these reads only at the same head; a channel the
// Tick does not plan, or plans with another request, is read again. With
// no channel coming due it asks nothing. Called on the watcher's goroutine
// (beside its processing of the block) and done before Tick.
func (r *Responder) Prepare(ctx context.Context, head uint64) {
	r.early = nil
	var due []upcoming
	for _, u := range r.upcoming {
		if u.due <= head && len(due) < checkConcurrency {
			due = append(due, u)
		}
	}
	if len(due) == 0 {
		return
	}
	e := &earlyReads{head: head, t: &tickState{head: head}, checks: map[decisionKey]*earlyCheck{}}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.t.prefetchNode(ctx, r, false)
	}()
	for _, u := range due {
		e.checks[decisionKey{u.ch.Address, u.req.Nonce}] = r.startCheck(ctx, u.ch, u.req, head)
	}
	wg.Wait()
	for _, c := range e.checks {
		<-c.done
	}
	r.early = e
}

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
	if e := r.early; e != nil && e.head == head {
		t = e.t
		t.checks = e.checks
	}
	if t.checks == nil {
		t.checks = map[decisionKey]*earlyCheck{}
	}
	r.early = nil
	r.upcoming = r.upcoming[:0]
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
	// The schedule is for stats: reported after the sends, off their path.
	if err := r.reportSchedule(ctx, head, chans); err != nil {
		return err
	}
	if t.deferred > 0 {
		r.log.Debug("updates deferred until blocks make room", "head", head, "deferred", t.deferred,
			"in_flight", t.inFlight, "in_flight_gas", t.inFlightGas)
	}
	if err := r.resolveRewards(ctx); err != nil {
		return err
	}
	if err := r.learnGas(ctx); err != nil {
		return err
	}
	return r.recordMissed(ctx)
}

// gasHistoryBlocks is how far back from the cursor the first Tick samples
// other monitors' updates.
const gasHistoryBlocks = 5000

// maxGasLearnPerTick bounds the receipts read per Tick to learn from other
// monitors' updates; the rest of a busy stretch is not read.
const maxGasLearnPerTick = 8

// learnGas feeds the gas model: once, the gas our stored mined updates
// used; then, as blocks are confirmed, the gas used by other accounts'
// successful updates of the channels we watch (read from the node, and only
// for a direct updateTransfer call to the channel, so a wrapper contract
// cannot inflate the figure).
func (r *Responder) learnGas(ctx context.Context) error {
	if r.cfg.Policy.Gas == nil {
		return nil
	}
	if !r.gasSeeded {
		mined, err := r.cfg.Store.Updates(ctx, UpdateQuery{Outcomes: []UpdateOutcome{OutcomeMined}})
		if err != nil {
			return storeErr{err}
		}
		for _, u := range mined[max(0, len(mined)-updateGasWindow):] {
			r.observeGas(u.GasUsed, "our stored update", u.Channel, u.TxHash)
		}
		r.gasSeeded = true
	}
	cur, ok, err := r.cfg.Store.Cursor(ctx)
	if err != nil {
		return storeErr{err}
	}
	if !ok {
		return nil
	}
	if !r.gasEventsSet || cur.Number < r.gasEventsAfter {
		// At start, the recent past is sampled too; after a rollback the
		// re-applied stretch is not read again.
		r.gasEventsAfter = cur.Number - min(cur.Number, gasHistoryBlocks)
		if r.gasEventsSet {
			r.gasEventsAfter = cur.Number
		}
		r.gasEventsSet = true
	}
	if cur.Number == r.gasEventsAfter {
		return nil
	}
	evs, err := r.cfg.Store.EventsAfter(ctx, r.gasEventsAfter)
	if err != nil {
		return storeErr{err}
	}
	// A sample is enough: at most maxGasLearnPerTick receipts per Tick.
	read := 0
	for _, ev := range evs {
		if ev.Block > cur.Number || read == maxGasLearnPerTick {
			break
		}
		if ev.Kind != EventTransferUpdated || ev.Payout == r.cfg.Payout {
			continue
		}
		read++
		gas, ok, err := r.cfg.Gas.UpdateGasUsed(ctx, ev.TxHash, ev.Channel)
		if err != nil {
			r.log.Debug("cannot read another monitor's update receipt", "tx", ev.TxHash.Hex(), "err", err)
			continue
		}
		if ok {
			r.observeGas(gas, "another monitor's update", ev.Channel, ev.TxHash)
		}
	}
	r.gasEventsAfter = cur.Number
	return nil
}

// observeGas feeds one observation to the gas model and says so when the
// figure used for decisions changes.
func (r *Responder) observeGas(gas uint64, source string, channel common.Address, tx common.Hash) {
	if r.cfg.Policy.Gas.Observe(gas) {
		r.log.Info("updateTransfer gas learned from the chain", "gas", r.cfg.Policy.Gas.Gas(), "observed", gas,
			"source", source, "channel", channel.Hex(), "tx", tx.Hex())
	}
}

// recordMissed records, counts and reports at error every window that ended
// with a stored proof newer than the chain's: the client's loss. A window
// is judged once the block at its deadline is confirmed (then no update can
// change it), and recorded once per (channel, nonce).
func (r *Responder) recordMissed(ctx context.Context) error {
	cur, ok, err := r.cfg.Store.Cursor(ctx)
	if err != nil {
		return storeErr{err}
	}
	if !ok || cur.Number <= r.missedUpTo {
		return nil
	}
	chans, err := r.cfg.Store.MissedWindows(ctx, r.missedUpTo, cur.Number)
	if err != nil {
		return storeErr{err}
	}
	for _, ch := range chans {
		req, ok, err := r.bestRequest(ctx, ch)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		ours, err := r.cfg.Store.Updates(ctx, UpdateQuery{Channel: &ch.Address})
		if err != nil {
			return storeErr{err}
		}
		last := "no update was sent"
		recorded := false
		for _, u := range ours {
			if u.Nonce != req.Nonce {
				continue
			}
			if u.Outcome == OutcomeMissed {
				recorded = true
				break
			}
			last = "last record: " + string(u.Outcome)
			if u.TxHash != (common.Hash{}) {
				last += " " + u.TxHash.Hex()
			}
			if u.Detail != "" {
				last += " (" + u.Detail + ")"
			}
		}
		if recorded {
			continue
		}
		detail := fmt.Sprintf("the window closed at block %d with nonce %d on chain; our proof has nonce %d; %s",
			ch.Deadline(), ch.OnChainNonce, req.Nonce, last)
		if len(detail) > maxDetail {
			detail = detail[:maxDetail] + "..."
		}
		now := r.cfg.Clock.Now().UTC()
		if _, err := r.cfg.Store.InsertUpdate(ctx, Update{Channel: ch.Address, NonClosing: req.NonClosing, Nonce: req.Nonce,
			Reward: req.Reward, Outcome: OutcomeMissed, Detail: detail, CreatedAt: now, UpdatedAt: now}); err != nil {
			return storeErr{err}
		}
		r.cfg.Stats.Missed()
		r.log.Error("challenge window missed: the client's newer proof is not on chain", "channel", ch.Address.Hex(),
			"nonce", req.Nonce, "on_chain_nonce", ch.OnChainNonce, "deadline", ch.Deadline(), "non_closing", req.NonClosing.Hex(),
			"why", last)
	}
	r.missedUpTo = cur.Number
	return nil
}

// noteSent records the node's head after this Tick's broadcasts as their
// sending block (when the node does not answer, the next Tick's head is
// taken instead).
func (r *Responder) noteSent(ctx context.Context, t *tickState) {
	if len(t.sent) == 0 {
		return
	}
	b, err := r.cfg.Gas.LatestBlock(ctx)
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
	g := r.cfg.Policy.ExpectedGas()
	return g + g/5
}

// fits checks that a transaction of gas more fits in inFlightBlocks blocks
// next to planned gas of ours.
func (r *Responder) fits(ctx context.Context, t *tickState, planned, gas uint64) error {
	b, err := t.latestBlock(ctx, r.cfg.Gas)
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
	// pastMargin: the stand-down margin is reached; a pending competitor no
	// longer stops us.
	pastMargin bool
	// Filled by check.
	onChain uint64      // nonce recorded for the closer at the latest block
	claim   *Competitor // a pending competitor that will land, if any
	ignored []string    // pool competitors that do not count, and why
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
	act := r.cfg.Policy.ActBlock(ch.Address, r.cfg.Sender.Address(), ch.ClosedBlock, ch.SettleTimeout)
	if due := max(act, r.slotStart(ch)); head < due {
		// Not yet: before our act block, or before our slot (the channel
		// would revert our update). Prepare reads ahead for it.
		r.upcoming = append(r.upcoming, upcoming{due: due, ch: ch, req: req})
		return nil, nil
	}
	// Due now: this channel's own reads of check begin at once, and what
	// every send of this Tick needs from the node is read beside them.
	if k := (decisionKey{ch.Address, req.Nonce}); t.checks[k] == nil && t.started < checkConcurrency {
		t.checks[k] = r.startCheck(ctx, ch, req, head)
		t.started++
	}
	r.prefetch(ctx, t)
	suggested, err := t.gasPrice(ctx, r.cfg.Gas)
	if err != nil {
		return nil, err
	}
	price := r.cfg.Policy.GasPriceAt(suggested, ch.ClosedBlock, ch.Deadline(), head)
	if reason, msg := r.cfg.Policy.Judge(req.NonClosing, req.Reward, price); reason != "" && !r.cfg.HonourReceipts {
		return nil, r.decide(ctx, req, OutcomeUnprofitable, common.Hash{}, msg+" at action time")
	}
	margin := r.cfg.Policy.StanddownMargin(ch.SettleTimeout)
	return &candidate{ch: ch, req: req, price: price, pastMargin: head+margin >= ch.Deadline()}, nil
}

// slotStart is the first block in which the channel admits this monitor's
// update of ch (ch.ClosedBlock without a slot rule).
func (r *Responder) slotStart(ch Channel) uint64 {
	if r.cfg.SlotOffset == nil {
		return ch.ClosedBlock
	}
	return ch.ClosedBlock + r.cfg.SlotOffset(ch.Address, r.cfg.Sender.Address(), ch.SettleTimeout)
}

// check asks the node, for every candidate, for the nonce mined for the
// closer, for competing updates that will land (from the pool, read once;
// from the pending state when the pool cannot be read) and for the gas of
// our update, a few candidates at a time. The three questions of one
// candidate are independent and asked at once; their answers are then
// weighed in order, as if asked one after the other: a nonce already
// mined makes the rest moot, and a competitor we stand down for makes our
// estimate moot (its error is not ours to report). A candidate's nonce and
// estimate begun earlier (t.checks: by Prepare, or by plan beside the
// Tick's node-wide reads) are waited for, not asked again.
func (r *Responder) check(ctx context.Context, t *tickState, cands []*candidate) {
	if len(cands) == 0 {
		return
	}
	r.readPool(ctx, t)
	var nextBaseFee *big.Int
	if len(t.pool) > 0 {
		if b, err := t.latestBlock(ctx, r.cfg.Gas); err == nil {
			nextBaseFee = b.NextBaseFee()
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, checkConcurrency)
	for _, c := range cands {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var (
				n            uint64
				nErr, gasErr error
				gas          uint64
				claims       = *c
				inner        sync.WaitGroup
			)
			inner.Add(1)
			go func() {
				defer inner.Done()
				r.checkClaims(ctx, t, &claims, nextBaseFee)
			}()
			if e := t.checks[decisionKey{c.ch.Address, c.req.Nonce}]; e != nil {
				select {
				case <-e.done:
				case <-ctx.Done():
					c.err = ctx.Err()
					return
				}
				n, nErr, gas, gasErr = e.onChain, e.nonceErr, e.gas, e.gasErr
			} else {
				inner.Add(1)
				go func() {
					defer inner.Done()
					gas, gasErr = r.cfg.Gas.EstimateUpdate(ctx, UpdateCall{Request: c.req})
				}()
				n, nErr = r.cfg.Claims.OnChainNonce(ctx, c.ch.Address, c.ch.Closing, t.head)
			}
			inner.Wait()
			if nErr == nil && n < c.req.Nonce && t.poolErr == nil && t.poolHead != t.head {
				// A block came while the pool was read: a competitor gone
				// from the pool by then may be in it, so the nonce is read
				// again where the pool was.
				n, nErr = r.cfg.Claims.OnChainNonce(ctx, c.ch.Address, c.ch.Closing, t.poolHead)
			}
			if nErr != nil {
				c.err = nErr
				return
			}
			c.onChain = n
			if n >= c.req.Nonce {
				return
			}
			c.claim, c.ignored = claims.claim, claims.ignored
			if c.claim != nil && !c.pastMargin {
				return // standing down: our update's cost does not matter yet
			}
			c.gas, c.err = gas, gasErr
		}()
	}
	wg.Wait()
	for _, c := range cands {
		if c.err == nil && c.gas > 0 {
			r.observeGas(c.gas, "estimate", c.ch.Address, common.Hash{})
		}
	}
}

// readPool reads the node's pool once per Tick and keeps the other
// accounts' updateTransfer calls, by channel.
func (r *Responder) readPool(ctx context.Context, t *tickState) {
	if t.poolRead {
		return
	}
	t.poolRead = true
	all, head, err := r.cfg.Claims.PoolUpdates(ctx)
	if err != nil {
		t.poolErr = err
		r.log.Debug("cannot read the node's pool; its pending state stands in for it", "err", err)
		return
	}
	t.poolHead = head
	us := r.cfg.Sender.Address()
	t.pool = map[common.Address][]Competitor{}
	for _, c := range all {
		if c.From != us {
			t.pool[c.Channel] = append(t.pool[c.Channel], c)
		}
	}
}

// checkClaims looks for a pending update of c's channel, by someone else,
// with c's nonce or newer, that will land: a pool competitor that passes
// Competitor.Lands (the highest priced first, at most maxCompetitorChecks),
// or, when the pool cannot be read, the node's pending state. Competitors
// that do not count are noted in c.ignored.
func (r *Responder) checkClaims(ctx context.Context, t *tickState, c *candidate, nextBaseFee *big.Int) {
	if t.poolErr != nil {
		n, err := r.cfg.Claims.PendingNonce(ctx, c.ch.Address, c.ch.Closing)
		if err == nil && n >= c.req.Nonce {
			c.claim = &Competitor{Channel: c.ch.Address, Nonce: n, Checked: true}
		}
		return
	}
	var comps []Competitor
	for _, p := range t.pool[c.ch.Address] {
		if p.Nonce >= c.req.Nonce {
			comps = append(comps, p)
		}
	}
	sort.SliceStable(comps, func(i, j int) bool { return feeCap(comps[i]).Cmp(feeCap(comps[j])) > 0 })
	for i := range comps {
		p := &comps[i]
		if i == maxCompetitorChecks {
			c.ignored = append(c.ignored, fmt.Sprintf("%d more not checked this block", len(comps)-i))
			break
		}
		// Cheap disqualifications first: no node calls for those.
		if ok, why := (Competitor{Checked: true, Executable: p.Executable, FeeCap: p.FeeCap, TipCap: p.TipCap,
			TxNonce: p.TxNonce, SenderNonce: p.TxNonce, SenderBalance: maxBalance}).Lands(nextBaseFee); !ok {
			c.ignored = append(c.ignored, p.TxHash.Hex()+": "+why)
			continue
		}
		if err := r.cfg.Claims.CheckCompetitor(ctx, p, t.poolHead); err != nil {
			c.ignored = append(c.ignored, p.TxHash.Hex()+": cannot be checked: "+err.Error())
			continue
		}
		if ok, why := p.Lands(nextBaseFee); !ok {
			c.ignored = append(c.ignored, p.TxHash.Hex()+": "+why)
			continue
		}
		c.claim = p
		return
	}
}

// maxBalance stands in for a balance in the checks made before it is read.
var maxBalance = new(big.Int).Lsh(big.NewInt(1), 256)

func feeCap(c Competitor) *big.Int {
	if c.FeeCap == nil {
		return new(big.Int)
	}
	return c.FeeCap
}

// send acts on a checked candidate: records a decision not to send, or
// signs, records and broadcasts the update.
func (r *Responder) send(ctx context.Context, c *candidate, t *tickState) error {
	ch, req, price, head := c.ch, c.req, c.price, t.head
	if c.err != nil && !errors.Is(c.err, monitor.ErrWouldRevert) {
		return c.err
	}
	if c.onChain >= req.Nonce {
		return r.decide(ctx, req, OutcomeSkipped, common.Hash{}, fmt.Sprintf("an update with nonce %d is mined", c.onChain))
	}
	detail := ""
	if c.claim != nil {
		if !c.pastMargin {
			return r.standDown(ctx, c)
		}
		// The competitor did not land in time: a claim, not a fact.
		// Ours goes out now, at the price meant for the deadline.
		suggested, err := t.gasPrice(ctx, r.cfg.Gas)
		if err != nil {
			return err
		}
		price = r.cfg.Policy.GasPriceAt(suggested, ch.ClosedBlock, ch.Deadline(), ch.Deadline())
		detail = "sent at the stand-down margin although " + describeClaim(c.claim) + " was pending"
		r.log.Warn("competing update not mined by the stand-down margin; sending our own", "channel", ch.Address.Hex(),
			"nonce", req.Nonce, "competitor_tx", c.claim.TxHash.Hex(), "head", head, "deadline", ch.Deadline())
	}
	if c.err != nil {
		if r.cfg.Eligibility != nil {
			if refusal := r.cfg.Eligibility.Refusal(); refusal != nil {
				return r.cannotHonour(ctx, req, c.err, refusal)
			}
		}
		return r.decide(ctx, req, OutcomeSkipped, common.Hash{}, "would revert: "+c.err.Error())
	}
	if len(c.ignored) > 0 {
		if detail != "" {
			detail += "; "
		}
		detail += "pool competitors that will not land: " + strings.Join(c.ignored, "; ")
		if len(detail) > maxDetail {
			detail = detail[:maxDetail] + "..."
		}
		r.log.Info("competing updates in the pool do not count", "channel", ch.Address.Hex(), "nonce", req.Nonce,
			"ignored", strings.Join(c.ignored, "; "))
	}
	// Re-judge with the live estimate: the real cost at the real price.
	if reason, msg := r.cfg.Policy.JudgeAt(req.NonClosing, req.Reward, price, c.gas); reason != "" {
		if !r.cfg.HonourReceipts {
			return r.decide(ctx, req, OutcomeUnprofitable, common.Hash{}, msg+" (live gas estimate) at action time")
		}
		if detail != "" {
			detail += "; "
		}
		detail += "sent at a loss to honour the receipt: " + msg + " (live gas estimate)"
		r.log.Warn("sending an update at a loss: the monitor's receipt for it is backed by its deposit", "channel", ch.Address.Hex(),
			"nonce", req.Nonce, "reason", string(reason), "detail", msg)
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
	call := UpdateCall{Request: req}
	hash, raw, err := r.cfg.Sender.SignUpdate(ctx, call, p)
	if err != nil {
		return err
	}
	now := r.cfg.Clock.Now().UTC()
	u := Update{Channel: ch.Address, NonClosing: req.NonClosing, Nonce: req.Nonce, Reward: req.Reward,
		Outcome: OutcomePending, Detail: detail, TxHash: hash, TxNonce: p.Nonce, GasPrice: price, GasLimit: p.GasLimit,
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

// cannotHonour records an update the channel would refuse while the
// registry no longer counts this monitor: a receipt it signed that it
// cannot honour. Logged at error once per (channel, nonce); the window is
// counted as missed when it ends.
func (r *Responder) cannotHonour(ctx context.Context, req Request, revert, refusal error) error {
	k := decisionKey{req.Channel, req.Nonce}
	if r.decided[k] != (decision{outcome: OutcomeSkipped}) {
		r.log.Error("cannot honour a receipt: the channel refuses this monitor's update while the monitor registry does not count it; "+
			"its window will be missed (a client may claim a penalty if the registry counted this monitor when its slot opened)", "channel", req.Channel.Hex(), "nonce", req.Nonce,
			"non_closing", req.NonClosing.Hex(), "registration", monitor.AsError(refusal).Message, "revert", revert.Error())
	}
	detail := "would revert: " + revert.Error() + "; " + monitor.AsError(refusal).Message
	if len(detail) > maxDetail {
		detail = detail[:maxDetail] + "..."
	}
	return r.decide(ctx, req, OutcomeSkipped, common.Hash{}, detail)
}

// reportSchedule reports, once per head, the updates held for the
// actionable channels: the soonest MaxScheduledShown by act block, each
// with its nonce, slot, act block and deadline and whether ours is out.
func (r *Responder) reportSchedule(ctx context.Context, head uint64, chans []Channel) error {
	if head == r.scheduledAt && r.scheduledAt != 0 {
		return nil
	}
	us := r.cfg.Sender.Address()
	order := make([]int, len(chans))
	acts := make([]uint64, len(chans))
	for i, ch := range chans {
		order[i] = i
		acts[i] = max(r.slotStart(ch), r.cfg.Policy.ActBlock(ch.Address, us, ch.ClosedBlock, ch.SettleTimeout))
	}
	sort.SliceStable(order, func(i, j int) bool { return acts[order[i]] < acts[order[j]] })
	soonest := make([]ScheduledUpdate, 0, min(len(chans), MaxScheduledShown))
	for _, i := range order[:min(len(order), MaxScheduledShown)] {
		ch := chans[i]
		req, _, err := r.bestRequest(ctx, ch)
		if err != nil {
			return err
		}
		u := ScheduledUpdate{Channel: ch.Address, Nonce: req.Nonce, SlotBlock: r.slotStart(ch), ActBlock: acts[i], DeadlineBlock: ch.Deadline()}
		ours, err := r.cfg.Store.Updates(ctx, UpdateQuery{Channel: &ch.Address, Outcomes: []UpdateOutcome{OutcomePending, OutcomeMined}})
		if err != nil {
			return storeErr{err}
		}
		for _, o := range ours {
			u.Sent = u.Sent || o.Nonce >= req.Nonce
		}
		soonest = append(soonest, u)
	}
	r.cfg.Stats.Scheduled(soonest, len(chans))
	r.scheduledAt = head
	return nil
}

// requestWithNonce is the stored request for channel with the given nonce,
// if it is still stored.
func (r *Responder) requestWithNonce(ctx context.Context, channel common.Address, nonce uint64) (Request, bool) {
	reqs, err := r.cfg.Store.RequestsForChannel(ctx, channel)
	if err != nil {
		return Request{}, false
	}
	for _, q := range reqs {
		if q.Nonce == nonce {
			return q, true
		}
	}
	return Request{}, false
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

// maxDetail bounds an update record's detail text.
const maxDetail = 1000

// standDown records that c's update waits for a competitor's pending one
// (once per competitor), counts it and warns: the competitor is re-examined
// every block, and from the stand-down margin on it no longer counts.
func (r *Responder) standDown(ctx context.Context, c *candidate) error {
	ch, req := c.ch, c.req
	margin := ch.Deadline() - r.cfg.Policy.StanddownMargin(ch.SettleTimeout)
	k := decisionKey{req.Channel, req.Nonce}
	if d := r.decided[k]; d.outcome == OutcomeSkipped && d.competitor == c.claim.TxHash {
		return nil
	}
	detail := fmt.Sprintf("%s will land first; re-checked every block, ours is sent at block %d unless an update with nonce %d or newer is mined",
		describeClaim(c.claim), margin, req.Nonce)
	if err := r.decide(ctx, req, OutcomeSkipped, c.claim.TxHash, detail); err != nil {
		return err
	}
	r.cfg.Stats.StoodDown()
	r.log.Warn("standing down for a competing update", "channel", ch.Address.Hex(), "nonce", req.Nonce,
		"competitor_tx", c.claim.TxHash.Hex(), "competitor_from", c.claim.From.Hex(), "competitor_nonce", c.claim.Nonce,
		"send_at_block", margin, "deadline", ch.Deadline())
	return nil
}

// describeClaim names a competing update for records and logs.
func describeClaim(c *Competitor) string {
	if c.TxHash == (common.Hash{}) {
		return fmt.Sprintf("an update with nonce %d in the node's pending state", c.Nonce)
	}
	return fmt.Sprintf("competing update %s (nonce %d, from %s)", c.TxHash.Hex(), c.Nonce, c.From.Hex())
}

// decide records a decision not to send, once per (channel, nonce,
// outcome, competitor).
func (r *Responder) decide(ctx context.Context, req Request, o UpdateOutcome, competitor common.Hash, detail string) error {
	k := decisionKey{req.Channel, req.Nonce}
	d := decision{outcome: o, competitor: competitor}
	if r.decided[k] == d {
		return nil
	}
	now := r.cfg.Clock.Now().UTC()
	_, err := r.cfg.Store.InsertUpdate(ctx, Update{Channel: req.Channel, NonClosing: req.NonClosing, Nonce: req.Nonce,
		Reward: req.Reward, Outcome: o, Detail: detail, Competitor: competitor, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return storeErr{err}
	}
	r.decided[k] = d
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
	b, err := t.latestBlock(ctx, r.cfg.Gas)
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
	suggested, err := t.gasPrice(ctx, r.cfg.Gas)
	if err != nil {
		return err
	}
	price := BumpedGasPrice(u.GasPrice, r.cfg.Policy.GasPriceAt(suggested, ch.ClosedBlock, ch.Deadline(), head))
	if !ok || req.Nonce != u.Nonce || ch.State != ChannelClosed || head+1 > ch.Deadline() {
		// The update can no longer succeed, but while it waits unmined its
		// account nonce holds back every later transaction of ours: the
		// same call goes out again at a price that gets it mined (it
		// reverts at little cost), or it is rebroadcast when the call is
		// no longer known.
		if req, ok = r.requestWithNonce(ctx, u.Channel, u.Nonce); !ok {
			return r.cfg.Sender.Broadcast(ctx, u.RawTx)
		}
		price = BumpedGasPrice(u.GasPrice, suggested)
	}
	if r.cfg.Policy.MaxGasPrice != nil && r.cfg.Policy.MaxGasPrice.Sign() > 0 && price.Cmp(r.cfg.Policy.MaxGasPrice) > 0 {
		r.log.Warn("update stuck at the gas price cap; rebroadcasting", "channel", u.Channel.Hex(), "tx", u.TxHash.Hex(), "gas_price_wei", u.GasPrice.String())
		return r.cfg.Sender.Broadcast(ctx, u.RawTx)
	}
	hash, raw, err := r.cfg.Sender.SignUpdate(ctx, UpdateCall{Request: req},
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
	if rc.Success {
		r.observeGas(rc.GasUsed, "our update", u.Channel, u.TxHash)
	}
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
		// The reward is this record's only if its own transaction emitted
		// the last TransferUpdated (a second record for the same nonce and
		// payout, however it got there, is not paid twice).
		if last.Payout != r.cfg.Payout || last.Nonce != u.Nonce || (last.TxHash != (common.Hash{}) && last.TxHash != u.TxHash) {
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
