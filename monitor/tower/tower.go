package tower

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// BtcNode is what the watchtower needs from a Bitcoin node (chains/bitcoin).
type Node interface {
	// Broadcast sends a transaction; one the node already has is not an error.
	Broadcast(ctx context.Context, tx *wire.MsgTx) error
	// FeeRate is the node's fee estimate in sat per 1000 vbytes.
	FeeRate(ctx context.Context) (int64, error)
	// TxStatus tells whether a transaction is in the mempool or confirmed
	// (confirmations > 0, with its block) or neither.
	TxStatus(ctx context.Context, txid chainhash.Hash) (TxStatus, error)
}

// TxStatus is a transaction's state at a node.
type TxStatus struct {
	InMempool     bool
	Confirmations int64
	BlockHash     chainhash.Hash
	BlockHeight   uint32
}

// TowerConfig configures a Tower.
type Config struct {
	Store  Store
	Node   Node
	Stats  *monitor.Stats
	Logger *slog.Logger
	Clock  monitor.Clock

	Network string // "regtest", "testnet", "mainnet"...
	// Payout is the script the bounty is paid to.
	Payout []byte
	Bounds AppointmentBounds
	// MinRewardSat: appointments promising less are declined.
	MinRewardSat uint64
	// Confirmations after which a justice transaction is final (default 6).
	Confirmations int64
	// FallbackFeeRate (sat/kvB) when the node has no estimate; MaxFeeRate caps.
	FallbackFeeRate int64
	MaxFeeRate      int64
	// DeadlineMultiplier: the feerate rises to this multiple of the
	// estimate as the to_self_delay deadline approaches (default 4).
	DeadlineMultiplier float64
	// BumpAfter blocks unconfirmed before a fee bump (default 2).
	BumpAfter uint32
	// PerKey limits appointments per user key (nil: no limit).
	PerKey *monitor.RateLimiter
	// SignReceipt signs receipt messages with the monitor's Bitcoin key
	// (Lightning message signing); MonitorPubkey is that key.
	SignReceipt   func(msg []byte) (string, error)
	MonitorPubkey [33]byte
	// Sync, when set, says whether the Bitcoin node follows the processed
	// chain; while it does not, appointments are refused with its error.
	Sync monitor.SyncGate
	// ChainDeadline bounds the node reads of one appointment together
	// (default 10 s); past it the appointment is refused with
	// chain_unavailable.
	ChainDeadline time.Duration
}

// Tower is the Lightning watchtower: appointment intake, block matching and
// the justice responder.
type Tower struct {
	cfg   Config
	log   *slog.Logger
	index *LocatorIndex

	mu      sync.Mutex
	tip     uint32
	recent  []recentBlock  // the last recentDepth blocks, for late appointments
	pending []lateResponse // late responses that failed, retried at each block

	// respMu serialises the responder: respond (from the block path and
	// from intake for a late appointment), the spend check and Tick, so
	// that each (breach, user) gets one justice record and each settled
	// record is settled and counted once.
	respMu sync.Mutex
	// idxMu orders additions to the locator index against removals: an
	// expiry checks the store and removes a prefix under it, an intake
	// adds its locator (after saving) under it, so a prefix a new
	// appointment needs is never removed after that appointment was added.
	idxMu sync.Mutex
}

// lateResponse is a response to a late appointment that failed and is
// retried.
type lateResponse struct {
	a      StoredAppointment
	breach *wire.MsgTx
	height uint32
	// fresh: the appointment was stored new or as a replacement (not an
	// identical resubmission), so a failed earlier answer to its breach was
	// for another blob and does not stop this one.
	fresh bool
}

const recentDepth = 6

type recentBlock struct {
	height uint32
	txs    []*wire.MsgTx
	ids    []chainhash.Hash
}

// find returns the block's transaction with this locator, if any (a late
// appointment: rare enough for a scan).
func (b *recentBlock) find(loc [16]byte) *wire.MsgTx {
	for i := range b.ids {
		if lncrypto.Locator(b.ids[i]) == loc {
			return b.txs[i]
		}
	}
	return nil
}

// dustLimit: a payout output below this is not added (P2WPKH dust at the
// default relay fee is 294 sat; stay clear of it).
const dustLimit = 330

// NewTower validates cfg and fills defaults.
func New(cfg Config) (*Tower, error) {
	if cfg.Store == nil || cfg.Node == nil || cfg.Stats == nil {
		return nil, errors.New("monitor: the tower needs a store, a node and stats")
	}
	if len(cfg.Payout) == 0 {
		return nil, errors.New("monitor: the tower needs a payout script")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = monitor.SystemClock{}
	}
	if cfg.Bounds == (AppointmentBounds{}) {
		cfg.Bounds = DefaultAppointmentBounds()
	}
	if cfg.Confirmations == 0 {
		cfg.Confirmations = 6
	}
	if cfg.FallbackFeeRate == 0 {
		cfg.FallbackFeeRate = 2000
	}
	if cfg.MaxFeeRate == 0 {
		cfg.MaxFeeRate = 500_000
	}
	if cfg.DeadlineMultiplier == 0 {
		cfg.DeadlineMultiplier = 4
	}
	if cfg.BumpAfter == 0 {
		cfg.BumpAfter = 2
	}
	if cfg.ChainDeadline <= 0 {
		cfg.ChainDeadline = 10 * time.Second
	}
	return &Tower{cfg: cfg, log: cfg.Logger, index: NewLocatorIndex()}, nil
}

// Load rebuilds the locator index from the store.
func (t *Tower) Load(ctx context.Context) error {
	var prefixes []uint64
	if err := t.cfg.Store.EachLocator(ctx, func(l [16]byte) { prefixes = append(prefixes, Prefix(l)) }); err != nil {
		return fmt.Errorf("rebuild the locator index: %w", err)
	}
	t.index.Build(prefixes)
	t.log.Info("locator index rebuilt", "appointments", len(prefixes), "index_bytes", t.index.Bytes())
	return nil
}

// SetTip records the Bitcoin tip (the watcher calls it before intake can
// judge start_block windows).
func (t *Tower) SetTip(h uint32) {
	t.mu.Lock()
	t.tip = h
	t.mu.Unlock()
}

func (t *Tower) currentTip() uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tip
}

// SubmitAppointmentJSON is the appointment intake (REST and the room). It
// returns the receipt content to post: kind, monitor_pubkey, locator,
// start_block and the monitor's signature.
func (t *Tower) SubmitAppointmentJSON(ctx context.Context, data []byte, src monitor.Source, extra ...string) (map[string]any, error) {
	t.cfg.Stats.Count(monitor.CounterAppointmentsReceived+src.Kind, 1)
	a, err := DecodeAppointment(data, extra...)
	if err == nil {
		var r map[string]any
		if r, err = t.submit(ctx, a, src); err == nil {
			return r, nil
		}
	}
	e := monitor.AsError(monitor.Canceled(ctx, err))
	t.cfg.Stats.Count(monitor.CounterAppointmentsRejected+src.Kind+"."+string(e.Reason), 1)
	lvl := slog.LevelInfo
	switch {
	case e.Reason == monitor.ReasonRequestCanceled:
	case e.Code() == monitor.CodeInternal:
		lvl = slog.LevelError
	case e.Code() == monitor.CodeUnavailable:
		lvl = slog.LevelWarn
	}
	t.log.Log(ctx, lvl, "appointment rejected", "source", src.Kind, "ref", src.Ref, "reason", string(e.Reason), "msg", e.Message, "err", e.Err)
	return nil, e
}

func (t *Tower) submit(ctx context.Context, a Appointment, src monitor.Source) (map[string]any, error) {
	if a.Network != t.cfg.Network {
		return nil, monitor.Reject(monitor.ReasonWrongNetwork, "network %q is not this monitor's %q", a.Network, t.cfg.Network)
	}
	tip := t.currentTip()
	if tip == 0 {
		return nil, monitor.Unavailable(monitor.ReasonChainUnavailable, "the Bitcoin watcher has not seen a block yet", nil)
	}
	if t.cfg.Sync != nil {
		if err := t.cfg.Sync.Err(); err != nil {
			return nil, err
		}
	}
	if err := t.cfg.Bounds.Check(a, tip); err != nil {
		return nil, err
	}
	if err := a.VerifySignature(); err != nil {
		return nil, err
	}
	// An older appointment sent again (anyone can copy one from the room)
	// is refused here, and neither it nor an identical resubmission takes
	// one of the user's tokens: replaying a user's appointments must not
	// rate-limit the user. The store decides again, atomically (step 13).
	prev, stored, err := t.cfg.Store.AppointmentOf(ctx, a.UserPubkey, a.Locator)
	if err != nil {
		return nil, monitor.Internal(err)
	}
	same := stored && prev.SameContent(a)
	if stored && !same && a.OrderSeq() <= prev.OrderSeq() {
		return nil, StaleSequence(a.OrderSeq(), prev.OrderSeq())
	}
	if !same && !t.cfg.PerKey.Allow(hex.EncodeToString(a.UserPubkey[:]), t.cfg.Clock.Now()) {
		return nil, monitor.Reject(monitor.ReasonRateLimited, "too many appointments from this user key; slow down")
	}
	if a.RewardSat < t.cfg.MinRewardSat {
		return nil, monitor.Reject(monitor.ReasonRewardBelowMinimum, "reward %d sat is below the minimum of %d sat", a.RewardSat, t.cfg.MinRewardSat)
	}
	// Without an estimate from the node (btcd has none on a quiet chain),
	// judge with the configured fallback rate; a node that does not answer
	// at all cannot vouch for the tip either: refuse, the client retries.
	fctx, cancel := context.WithTimeout(ctx, t.cfg.ChainDeadline)
	rate, err := t.feeRate(fctx)
	cancel()
	if errors.Is(err, monitor.ErrNoAnswer) || errors.Is(err, context.DeadlineExceeded) {
		return nil, monitor.Unavailable(monitor.ReasonChainUnavailable, "the Bitcoin node does not answer", err)
	}
	// The justice transaction is about as large as its plaintext; ours adds
	// one P2WPKH/P2WSH output (at most 43 vbytes).
	fee := feeFor(rate, int64(len(a.EncryptedBlob)-16+43))
	if int64(a.RewardSat) < fee+int64(t.cfg.MinRewardSat) {
		return nil, monitor.Reject(monitor.ReasonRewardBelowFee, "reward %d sat does not cover the expected fee of %d sat at %d sat/kvB", a.RewardSat, fee, rate)
	}
	res, err := t.cfg.Store.SaveAppointment(ctx, StoredAppointment{Appointment: a, Source: src.Kind, SourceRef: src.Ref,
		ReceivedAt: t.cfg.Clock.Now().UTC(), AcceptedTip: tip}, t.cfg.Bounds.MaxPerLocator)
	if err != nil {
		var e *monitor.Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, monitor.Internal(err)
	}
	t.idxMu.Lock()
	t.index.Add(a.Locator)
	t.idxMu.Unlock()
	t.cfg.Stats.Count(monitor.CounterAppointmentsAccepted+src.Kind, 1)
	if !res.Duplicate && !res.Replaced {
		t.cfg.Stats.Count(monitor.CounterAppointmentsStored, 1)
	}
	t.log.Info("appointment accepted", "source", src.Kind, "locator", hex.EncodeToString(a.Locator[:]),
		"reward_sat", a.RewardSat, "end_block", a.EndBlock, "replaced", res.Replaced, "duplicate", res.Duplicate)

	// A breach already in one of the last blocks: respond at once. The
	// block path adds a block to the window before it matches, so an
	// appointment saved too late for that matching finds the block here.
	t.mu.Lock()
	var late *wire.MsgTx
	var lateHeight uint32
	for _, b := range t.recent {
		if tx := b.find(a.Locator); tx != nil {
			late, lateHeight = tx, b.height
		}
	}
	t.mu.Unlock()
	if late != nil {
		stored := StoredAppointment{Appointment: a, Source: src.Kind, SourceRef: src.Ref, AcceptedTip: tip}
		t.respondLate(ctx, lateResponse{a: stored, breach: late, height: lateHeight, fresh: !res.Duplicate})
	}
	return t.receipt(a, tip)
}

// respondLate responds to an appointment whose breach is in a block
// already handled, then checks the blocks since the breach for a spend of
// its outputs. A failure is logged and queued: it is retried at every
// block until it succeeds or a reorg removes the breach's block.
func (t *Tower) respondLate(ctx context.Context, r lateResponse) {
	t.respMu.Lock()
	defer t.respMu.Unlock()
	t.respondLateLocked(ctx, r)
}

// respondLateLocked is respondLate under respMu.
func (t *Tower) respondLateLocked(ctx context.Context, r lateResponse) {
	log := t.log.With("locator", hex.EncodeToString(r.a.Locator[:]), "breach_height", r.height)
	err := t.respond(ctx, r.a, r.breach, r.height, r.fresh)
	if err == nil {
		t.mu.Lock()
		var since []recentBlock
		for _, b := range t.recent {
			if b.height >= r.height {
				since = append(since, b)
			}
		}
		t.mu.Unlock()
		err = t.checkSpends(ctx, since)
	}
	if err != nil {
		log.Warn("late appointment: response failed; retrying at the next block", "err", err)
		t.mu.Lock()
		t.pending = append(t.pending, r)
		t.mu.Unlock()
		return
	}
	log.Info("late appointment: responded to a breach already mined")
}

// retryLateLocked retries the failed late responses (under respMu); those
// failing again are queued again.
func (t *Tower) retryLateLocked(ctx context.Context) {
	t.mu.Lock()
	todo := t.pending
	t.pending = nil
	t.mu.Unlock()
	for _, r := range todo {
		t.respondLateLocked(ctx, r)
	}
}

// receipt signs user_signature || u32be(start_block) as The Eye of Satoshi does.
func (t *Tower) receipt(a Appointment, tip uint32) (map[string]any, error) {
	if t.cfg.SignReceipt == nil {
		return nil, nil
	}
	msg := make([]byte, 0, len(a.UserSignature)+4)
	msg = append(msg, a.UserSignature...)
	msg = binary.BigEndian.AppendUint32(msg, tip)
	sig, err := t.cfg.SignReceipt(msg)
	if err != nil {
		return nil, monitor.Internal(err)
	}
	return map[string]any{
		"kind": "ln_appointment", "monitor_pubkey": hex.EncodeToString(t.cfg.MonitorPubkey[:]),
		"locator": hex.EncodeToString(a.Locator[:]), "start_block": fmt.Sprint(tip), "signature": sig,
	}, nil
}

// ProcessBlock matches every transaction of a new block against the stored
// locators and responds to breaches, retries failed late responses, and
// settles as lost the open justice records whose breach outputs a
// transaction of the block spends. It is idempotent: a block processed
// again (after a restart) does not respond twice.
func (t *Tower) ProcessBlock(ctx context.Context, height uint32, block *wire.MsgBlock) error {
	rb := recentBlock{height: height, txs: block.Transactions, ids: TxIDs(block.Transactions)}
	locs := make([][16]byte, len(rb.ids))
	for i, id := range rb.ids {
		locs[i] = lncrypto.Locator(id)
	}
	// Into the window before matching: an appointment saved after the
	// index lookup below finds the block there (Tower.submit).
	t.mu.Lock()
	t.tip = max(t.tip, height)
	keep := t.recent[:0]
	for _, b := range t.recent {
		if b.height+recentDepth > height && b.height < height {
			keep = append(keep, b)
		}
	}
	t.recent = append(keep, rb)
	t.mu.Unlock()

	t.respMu.Lock()
	defer t.respMu.Unlock()
	var hits int
	for _, i := range t.index.Hits(locs) {
		apps, err := t.cfg.Store.AppointmentsByLocator(ctx, locs[i])
		if err != nil {
			return fmt.Errorf("appointments for locator %x: %w", locs[i], err)
		}
		for _, a := range apps {
			hits++
			if err := t.respond(ctx, a, block.Transactions[i], height, false); err != nil {
				return err
			}
		}
	}
	t.retryLateLocked(ctx)
	if err := t.checkSpends(ctx, []recentBlock{rb}); err != nil {
		return err
	}
	if hits > 0 {
		t.log.Info("breach block processed", "height", height, "matches", hits)
	}
	return nil
}

// Rollback forgets recent blocks above height after a reorg, and the
// failed late responses to breaches in them (a breach mined again on the
// new branch is matched as usual); justice records stay and are followed
// by Tick (rebroadcast if they fell out).
func (t *Tower) Rollback(height uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	keep := t.recent[:0]
	for _, b := range t.recent {
		if b.height <= height {
			keep = append(keep, b)
		}
	}
	t.recent = keep
	pending := t.pending[:0]
	for _, r := range t.pending {
		if r.height <= height {
			pending = append(pending, r)
		}
	}
	t.pending = pending
	t.tip = height
}

// Expire deletes the appointments whose end_block is below height, lowers
// the stored-appointments figure by their number, and removes from the
// locator index the prefixes no stored locator has any more. It returns
// how many appointments were deleted.
func (t *Tower) Expire(ctx context.Context, height uint32) (int, error) {
	gone, err := t.cfg.Store.ExpireAppointments(ctx, height)
	if err != nil || len(gone) == 0 {
		return 0, err
	}
	t.cfg.Stats.Count(monitor.CounterAppointmentsStored, -int64(len(gone)))
	seen := make(map[uint64]bool, len(gone))
	t.idxMu.Lock()
	defer t.idxMu.Unlock()
	var drop []uint64
	defer func() { t.index.Remove(drop) }()
	for _, l := range gone {
		p := Prefix(l)
		if seen[p] {
			continue
		}
		seen[p] = true
		var key [8]byte
		copy(key[:], l[:8])
		// Another appointment (another user's, or another locator sharing
		// the prefix) may still need it.
		kept, err := t.cfg.Store.LocatorPrefixStored(ctx, key)
		if err != nil {
			return len(gone), err
		}
		if !kept {
			drop = append(drop, p)
		}
	}
	return len(gone), nil
}

// respond builds, checks and broadcasts the justice transaction for one
// appointment whose breach appeared in a block. It responds once per
// (breach, user): a record for them means it already did, except that with
// retryFailed a failed record (a blob that did not work) does not count;
// the late path sets it for an appointment that was just stored new or as
// a replacement, i.e. a blob the tower has not tried yet.
func (t *Tower) respond(ctx context.Context, a StoredAppointment, breach *wire.MsgTx, height uint32, retryFailed bool) error {
	breachID := breach.TxHash()
	prior, err := t.cfg.Store.JusticeForBreach(ctx, breachID)
	if err != nil {
		return err
	}
	for _, j := range prior {
		if j.UserPubkey == a.UserPubkey && !(retryFailed && j.Outcome == JusticeFailed) {
			return nil // already responded
		}
	}
	// A breach is counted once, with its first record (whatever becomes of
	// it), however many appointments it matches.
	firstForBreach := len(prior) == 0
	var braw bytes.Buffer
	_ = breach.Serialize(&braw)
	j := Justice{Locator: a.Locator, UserPubkey: a.UserPubkey, BreachTxID: breachID, BreachRaw: braw.Bytes(),
		BreachBlock: height, Deadline: height + a.ToSelfDelay, PromisedSat: a.RewardSat,
		// Sent now, at the node's tip (later than the breach when catching up).
		SentHeight: max(height, t.currentTip()),
		CreatedAt:  t.cfg.Clock.Now().UTC(), UpdatedAt: t.cfg.Clock.Now().UTC()}
	log := t.log.With("breach_txid", breachID.String(), "locator", hex.EncodeToString(a.Locator[:]), "height", height)

	fail := func(reason monitor.Reason, detail string) error {
		j.Outcome, j.Reason, j.Detail = JusticeFailed, reason, detail
		if _, err := t.cfg.Store.InsertJustice(ctx, j); err != nil {
			return err
		}
		if firstForBreach {
			t.cfg.Stats.Count(monitor.CounterBreachesSeen, 1)
		}
		t.cfg.Stats.Count(monitor.CounterJusticeFailed+string(reason), 1)
		log.Warn("breach seen but no justice transaction can be made", "reason", string(reason), "detail", detail)
		return nil
	}
	plain, err := lncrypto.Decrypt(a.Cipher, a.EncryptedBlob, breachID)
	if err != nil {
		return fail(monitor.ReasonDecryptFailed, "the blob does not decrypt with this breach's txid")
	}
	tx := wire.NewMsgTx(2)
	if err := tx.Deserialize(bytes.NewReader(plain)); err != nil {
		return fail(monitor.ReasonNotATransaction, "the decrypted blob is not a transaction")
	}
	prevs := map[wire.OutPoint]*wire.TxOut{}
	var in int64
	for _, ti := range tx.TxIn {
		op := ti.PreviousOutPoint
		if op.Hash != breachID || int(op.Index) >= len(breach.TxOut) {
			return fail(monitor.ReasonDoesNotSpendBreach, "input "+op.String()+" does not spend an output of the breach")
		}
		prevs[op] = breach.TxOut[op.Index]
		in += breach.TxOut[op.Index].Value
	}
	var out int64
	for _, o := range tx.TxOut {
		out += o.Value
	}
	surplus := in - out
	if surplus < 0 {
		return fail(monitor.ReasonNotATransaction, "outputs exceed the breach outputs spent")
	}
	fetcher := txscript.NewMultiPrevOutFetcher(prevs)
	if err := verifyInputs(tx, fetcher); err != nil {
		return fail(monitor.ReasonBadSignature, "the justice transaction does not verify: "+err.Error())
	}
	rate, _ := t.feeRate(ctx) // the fallback when the node has no estimate
	rate = t.deadlineRate(rate, j.BreachBlock, j.Deadline, height)
	final, bounty, fee := t.withBounty(tx, fetcher, surplus, rate)
	j.FeeRate, j.FeeSat, j.BountySat = rate, fee, bounty
	if bounty == 0 {
		j.Reason = monitor.ReasonNoBounty
		j.Detail = "signed SIGHASH_ALL or too small a surplus: broadcast as signed, no bounty"
	} else if uint64(surplus) < a.RewardSat {
		j.Reason = monitor.ReasonSurplusBelowReward
		j.Detail = fmt.Sprintf("surplus %d sat is below the promised %d sat", surplus, a.RewardSat)
		t.cfg.Stats.Count(monitor.CounterJusticeFailed+string(monitor.ReasonSurplusBelowReward), 1)
	}
	if err := t.send(ctx, j, final, log); err != nil {
		return err
	}
	if firstForBreach {
		t.cfg.Stats.Count(monitor.CounterBreachesSeen, 1)
	}
	return nil
}

// send records and broadcasts a justice transaction.
func (t *Tower) send(ctx context.Context, j Justice, tx *wire.MsgTx, log *slog.Logger) error {
	var raw bytes.Buffer
	_ = tx.Serialize(&raw)
	j.TxID, j.Raw, j.Outcome = tx.TxHash(), raw.Bytes(), JusticeBroadcast
	// Record before broadcasting: a crash after the broadcast must not lose it.
	id, err := t.cfg.Store.InsertJustice(ctx, j)
	if err != nil {
		return err
	}
	j.ID = id
	if j.Replacement == 0 {
		t.cfg.Stats.Count(monitor.CounterJusticeBroadcast, 1)
	}
	if err := t.cfg.Node.Broadcast(ctx, tx); err != nil {
		log.Warn("justice broadcast failed; will retry", "txid", j.TxID.String(), "err", err)
		return nil
	}
	log.Info("justice transaction broadcast", "txid", j.TxID.String(), "fee_sat", j.FeeSat, "bounty_sat", j.BountySat,
		"feerate_sat_kvb", j.FeeRate, "deadline", j.Deadline, "replacement", j.Replacement)
	return nil
}

// withBounty appends our payout output when every input was signed
// SIGHASH_SINGLE|ANYONECANPAY (checked by verifying the extended
// transaction), sized so the fee matches rate. It returns the transaction
// to send, the bounty and the fee.
func (t *Tower) withBounty(tx *wire.MsgTx, fetcher txscript.PrevOutputFetcher, surplus, rate int64) (*wire.MsgTx, int64, int64) {
	ext := tx.Copy()
	ext.AddTxOut(wire.NewTxOut(0, t.cfg.Payout))
	fee := feeFor(rate, vsize(ext))
	bounty := surplus - fee
	if bounty < dustLimit {
		return tx, 0, surplus
	}
	ext.TxOut[len(ext.TxOut)-1].Value = bounty
	if verifyInputs(ext, fetcher) != nil {
		return tx, 0, surplus // SIGHASH_ALL: the signatures cover the outputs
	}
	return ext, bounty, fee
}

func verifyInputs(tx *wire.MsgTx, fetcher txscript.PrevOutputFetcher) error {
	hashes := txscript.NewTxSigHashes(tx, fetcher)
	for i, ti := range tx.TxIn {
		prev := fetcher.FetchPrevOutput(ti.PreviousOutPoint)
		if prev == nil {
			return fmt.Errorf("input %d: unknown previous output", i)
		}
		vm, err := txscript.NewEngine(prev.PkScript, tx, i, txscript.StandardVerifyFlags, nil, hashes, prev.Value, fetcher)
		if err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
		if err := vm.Execute(); err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
	}
	return nil
}

// vsize is the virtual size: (3 x stripped + total) / 4, rounded up.
func vsize(tx *wire.MsgTx) int64 {
	w := int64(tx.SerializeSizeStripped()*3 + tx.SerializeSize())
	return (w + 3) / 4
}

func feeFor(ratePerKvB, vbytes int64) int64 { return (ratePerKvB*vbytes + 999) / 1000 }

func (t *Tower) feeRate(ctx context.Context) (int64, error) {
	r, err := t.cfg.Node.FeeRate(ctx)
	if err != nil {
		return t.cfg.FallbackFeeRate, err
	}
	if r <= 0 {
		return t.cfg.FallbackFeeRate, nil
	}
	return min(r, t.cfg.MaxFeeRate), nil
}

// deadlineRate raises the estimate linearly toward DeadlineMultiplier x as
// the block height approaches the deadline, capped at MaxFeeRate.
func (t *Tower) deadlineRate(rate int64, start, deadline, height uint32) int64 {
	progress := 1.0
	if deadline > start && height < deadline {
		progress = float64(height-start) / float64(deadline-start)
	}
	r := int64(math.Round(float64(rate) * (1 + (t.cfg.DeadlineMultiplier-1)*progress)))
	return min(max(r, rate), t.cfg.MaxFeeRate)
}

// Tick follows every unconfirmed justice transaction at a new tip:
// confirmed (and final after Confirmations), rebroadcast when it fell out
// of the mempool (with the breach, after a reorg), fee-bumped by replacing
// it with a smaller bounty as the deadline nears, settled as lost when the
// tip reaches its deadline unconfirmed.
func (t *Tower) Tick(ctx context.Context, height uint32) error {
	t.respMu.Lock()
	defer t.respMu.Unlock()
	open, err := t.cfg.Store.JusticeRecords(ctx, JusticeQuery{Outcomes: []JusticeOutcome{JusticeBroadcast}})
	if err != nil {
		return err
	}
	for _, j := range open {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := t.follow(ctx, j, height); err != nil {
			t.log.Warn("cannot follow a justice transaction", "txid", j.TxID.String(), "err", err)
		}
	}
	return nil
}

func (t *Tower) follow(ctx context.Context, j Justice, height uint32) error {
	st, err := t.cfg.Node.TxStatus(ctx, j.TxID)
	if err != nil {
		return err
	}
	log := t.log.With("txid", j.TxID.String(), "breach_txid", j.BreachTxID.String())
	if st.Confirmations > 0 {
		changed := j.Block != st.BlockHeight || j.BlockHash != st.BlockHash
		j.Block, j.BlockHash = st.BlockHeight, st.BlockHash
		if st.Confirmations >= t.cfg.Confirmations {
			j.Outcome = JusticeConfirmed
			t.cfg.Stats.Count(monitor.CounterJusticeConfirmed, 1)
			t.cfg.Stats.Count(monitor.CounterBountySat, j.BountySat)
			log.Info("justice transaction final", "block", st.BlockHeight, "confirmations", st.Confirmations, "bounty_sat", j.BountySat)
			changed = true
		}
		if changed {
			j.UpdatedAt = t.cfg.Clock.Now().UTC()
			return t.cfg.Store.SaveJustice(ctx, j)
		}
		return nil
	}
	if j.Block != 0 { // it was confirmed and a reorg removed it
		log.Warn("justice transaction no longer confirmed (reorg); rebroadcasting", "was_block", j.Block)
		j.Block, j.BlockHash = 0, chainhash.Hash{}
		// Its fee got it mined; the new branch's miners never had it. The
		// bump clock restarts here, or the first new-chain block at
		// SentHeight+BumpAfter would replace it at once (a smaller bounty).
		j.SentHeight = height
		j.UpdatedAt = t.cfg.Clock.Now().UTC()
		if err := t.cfg.Store.SaveJustice(ctx, j); err != nil {
			return err
		}
	}
	// A miner may have taken a version this one replaced: follow that.
	if !st.InMempool && j.Replacement > 0 {
		if mined, err := t.adoptMinedVersion(ctx, j, log); mined || err != nil {
			return err
		}
	}
	if height >= j.Deadline {
		// From this block on the cheater's delayed spend is valid: stop
		// (no rebroadcast, no bump, ever) and say so.
		return t.settleLost(ctx, j, monitor.ReasonDeadlinePassed, fmt.Sprintf(
			"unconfirmed at height %d, the deadline (breach block %d + to_self_delay %d)", height, j.BreachBlock, j.Deadline-j.BreachBlock),
			chainhash.Hash{}, 0)
	}
	tx := wire.NewMsgTx(2)
	if err := tx.Deserialize(bytes.NewReader(j.Raw)); err != nil {
		return err
	}
	if !st.InMempool {
		// The breach may have been reorganised out too: send it first.
		if bs, err := t.cfg.Node.TxStatus(ctx, j.BreachTxID); err == nil && !bs.InMempool && bs.Confirmations == 0 {
			breach := wire.NewMsgTx(2)
			if err := breach.Deserialize(bytes.NewReader(j.BreachRaw)); err == nil {
				if err := t.cfg.Node.Broadcast(ctx, breach); err != nil {
					log.Warn("could not rebroadcast the breach transaction", "err", err)
				}
			}
		}
		if err := t.cfg.Node.Broadcast(ctx, tx); err != nil {
			if errors.Is(err, monitor.ErrInputsSpent) {
				// The node has a block this poll has not processed yet:
				// the next block's processing finds the spender (confirmed
				// or lost).
				log.Info("justice transaction not rebroadcast: the node already sees its inputs spent", "height", height)
				return nil
			}
			return fmt.Errorf("rebroadcast: %w", err)
		}
		log.Info("justice transaction rebroadcast", "height", height)
		return nil
	}
	if j.BountySat == 0 || height < j.SentHeight+t.cfg.BumpAfter {
		return nil
	}
	return t.bump(ctx, j, tx, height, log)
}

// adoptMinedVersion looks for an earlier version of j (one j replaced) in a
// block. That one is then the justice transaction: it is followed to
// finality (its bounty is what was earned) and j, which can no longer be
// mined, is closed.
func (t *Tower) adoptMinedVersion(ctx context.Context, j Justice, log *slog.Logger) (bool, error) {
	all, err := t.cfg.Store.JusticeForBreach(ctx, j.BreachTxID)
	if err != nil {
		return false, err
	}
	for _, p := range all {
		if p.ID == j.ID || p.UserPubkey != j.UserPubkey || (p.Outcome != JusticeReplaced && p.Outcome != JusticeBroadcast) {
			continue
		}
		st, err := t.cfg.Node.TxStatus(ctx, p.TxID)
		if err != nil {
			return false, err
		}
		if st.Confirmations == 0 {
			continue
		}
		now := t.cfg.Clock.Now().UTC()
		p.Outcome, p.Detail, p.Block, p.BlockHash, p.UpdatedAt = JusticeBroadcast, "", st.BlockHeight, st.BlockHash, now
		if err := t.cfg.Store.SaveJustice(ctx, p); err != nil {
			return false, err
		}
		j.Outcome, j.Detail, j.UpdatedAt = JusticeReplaced, "an earlier version was mined: "+p.TxID.String(), now
		if err := t.cfg.Store.SaveJustice(ctx, j); err != nil {
			return false, err
		}
		log.Info("an earlier version of the justice transaction was mined; following it", "mined_txid", p.TxID.String(),
			"block", st.BlockHeight, "bounty_sat", p.BountySat)
		return true, nil
	}
	return false, nil
}

// bump replaces an unconfirmed justice transaction with one paying a higher
// fee out of our bounty (BIP 125: more absolute fee, by at least the relay
// fee of the new size).
func (t *Tower) bump(ctx context.Context, j Justice, tx *wire.MsgTx, height uint32, log *slog.Logger) error {
	rate, _ := t.feeRate(ctx) // the fallback when the node has no estimate
	target := t.deadlineRate(rate, j.BreachBlock, j.Deadline, height)
	size := vsize(tx)
	minFee := j.FeeSat + feeFor(1000, size) // + min relay fee of 1 sat/vB for the new size
	fee := max(feeFor(target, size), minFee, j.FeeSat*5/4)
	last := len(tx.TxOut) - 1
	bounty := tx.TxOut[last].Value - (fee - j.FeeSat)
	nt := tx.Copy()
	nu := j
	if bounty < dustLimit {
		// Give the whole bounty to the fee: drop our output.
		nt.TxOut = nt.TxOut[:last]
		fee, bounty = j.FeeSat+tx.TxOut[last].Value, 0
	} else {
		nt.TxOut[last].Value = bounty
	}
	breach := wire.NewMsgTx(2)
	if err := breach.Deserialize(bytes.NewReader(j.BreachRaw)); err != nil {
		return err
	}
	prevs := map[wire.OutPoint]*wire.TxOut{}
	for _, ti := range nt.TxIn {
		prevs[ti.PreviousOutPoint] = breach.TxOut[ti.PreviousOutPoint.Index]
	}
	if err := verifyInputs(nt, txscript.NewMultiPrevOutFetcher(prevs)); err != nil {
		return fmt.Errorf("replacement does not verify: %w", err)
	}
	now := t.cfg.Clock.Now().UTC()
	var raw bytes.Buffer
	_ = nt.Serialize(&raw)
	nu.ID, nu.FeeSat, nu.BountySat, nu.FeeRate = 0, fee, bounty, fee*1000/vsize(nt)
	nu.TxID, nu.Raw, nu.Outcome, nu.Reason, nu.Detail = nt.TxHash(), raw.Bytes(), JusticeBroadcast, "", ""
	nu.Replacement, nu.SentHeight, nu.CreatedAt, nu.UpdatedAt = j.Replacement+1, height, now, now
	// Record before broadcasting: a crash after the broadcast must not lose it.
	id, err := t.cfg.Store.InsertJustice(ctx, nu)
	if err != nil {
		return err
	}
	nu.ID = id
	if berr := t.cfg.Node.Broadcast(ctx, nt); berr != nil {
		// Refused (e.g. the node wants a larger fee increment): the
		// current version stays live and is bumped again later, at the
		// then higher deadline rate.
		nu.Outcome, nu.Reason, nu.Detail, nu.UpdatedAt = JusticeFailed, monitor.ReasonReplacementRefused, "the node refused the replacement: "+berr.Error(), now
		if err := t.cfg.Store.SaveJustice(ctx, nu); err != nil {
			return err
		}
		j.SentHeight, j.UpdatedAt = height, now
		if err := t.cfg.Store.SaveJustice(ctx, j); err != nil {
			return err
		}
		log.Warn("fee bump refused by the node; keeping the current justice transaction", "txid", j.TxID.String(),
			"refused_txid", nu.TxID.String(), "fee_sat", fee, "err", berr)
		return nil
	}
	j.Outcome, j.Detail, j.UpdatedAt = JusticeReplaced, "replaced by "+nu.TxID.String()+" with a higher fee", now
	if err := t.cfg.Store.SaveJustice(ctx, j); err != nil {
		return err
	}
	log.Info("justice transaction replaced with a higher fee", "old_txid", j.TxID.String(), "txid", nu.TxID.String(),
		"fee_sat", fee, "bounty_sat", bounty, "height", height, "deadline", j.Deadline)
	return nil
}
