package tower

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// JusticeStore is what the justice responder needs from the store: the
// justice records, written before each broadcast.
type JusticeStore interface {
	InsertJustice(ctx context.Context, j Justice) (int64, error)
	// InsertJustices inserts records in one write (the failed answers to
	// one breach, however many): all or none.
	InsertJustices(ctx context.Context, js []Justice) error
	SaveJustice(ctx context.Context, j Justice) error
	JusticeRecords(ctx context.Context, q JusticeQuery) ([]Justice, error)
	JusticeForBreach(ctx context.Context, breach chainhash.Hash) ([]Justice, error)
}

// dustLimit: a payout output below this is not added (P2WPKH dust at the
// default relay fee is 294 sat; stay clear of it).
const dustLimit = 330

// maxSatoshi is every bitcoin there will be: no output is larger, and the
// sum of a transaction's outputs (at most 4 MB of them) stays far from
// overflowing int64.
const maxSatoshi = 21_000_000 * 100_000_000

// respond answers a breach that appeared in a block at height for the
// appointments on its locator (apps; the late path passes one). It
// responds once per (breach, user): a record for them means it already
// did, except that with retryFailed a failed record (a blob that did not
// work) does not count; the late path sets it for an appointment that was
// just stored new or as a replacement, i.e. a blob the tower has not tried
// yet.
//
// A locator may hold any number of appointments: the cheater knows his
// revoked commitments' txids and can crowd their locators with junk under
// fresh keys (docs/protocol.md §9 item 15). So the work is ordered by cost
// and bounded per appointment: first the cheap checks of every blob
// (decrypt, parse, spend only the breach's outputs, each once, outputs
// within the inputs, final in the next block: screen), then the script
// verification of the survivors, in parallel, in a random order and once
// per distinct transaction, each that verifies broadcast at once (with the
// bounty, recorded first, as always), and last the failures, recorded in
// one write, counted by reason and logged once.
func (t *Tower) respond(ctx context.Context, apps []StoredAppointment, breach *wire.MsgTx, height uint32, retryFailed bool) error {
	breachID := breach.TxHash()
	prior, err := t.cfg.Store.JusticeForBreach(ctx, breachID)
	if err != nil {
		return err
	}
	answered := make(map[[33]byte]bool, len(prior))
	for _, j := range prior {
		if !(retryFailed && j.Outcome == JusticeFailed) {
			answered[j.UserPubkey] = true
		}
	}
	// A breach is counted once, with its first record (whatever becomes of
	// it), however many appointments it matches.
	counted := len(prior) > 0
	countBreach := func() {
		if !counted {
			counted = true
			t.cfg.Stats.Count(CounterBreachesSeen, 1)
		}
	}
	var braw bytes.Buffer
	_ = breach.Serialize(&braw)
	now := t.cfg.Clock.Now().UTC()
	// Sent now, at the node's tip (later than the breach when catching up).
	tip := max(height, t.currentTip())
	var locator [16]byte
	if len(apps) > 0 {
		locator = apps[0].Locator // every one of apps is on the breach's locator
	}
	log := t.log.With("breach_txid", breachID.String(), "locator", hex.EncodeToString(locator[:]), "height", height)

	var cands []*candidate
	var failed []Justice
	for _, a := range apps {
		if answered[a.UserPubkey] {
			continue
		}
		answered[a.UserPubkey] = true // one appointment per key; a locator lists each key once
		j := Justice{Locator: a.Locator, UserPubkey: a.UserPubkey, BreachTxID: breachID, BreachRaw: braw.Bytes(),
			BreachBlock: height, Deadline: height + a.ToSelfDelay, PromisedSat: a.RewardSat,
			SentHeight: tip, CreatedAt: now, UpdatedAt: now}
		c, reason, detail := screen(a, breach, breachID, height, tip)
		if reason != "" {
			j.Outcome, j.Reason, j.Detail = JusticeFailed, reason, detail
			failed = append(failed, j)
			continue
		}
		c.j = j
		cands = append(cands, c)
	}
	// Each transaction that verifies goes out at once, while the others
	// are still being verified.
	var sent int
	err = verifyCandidates(cands, func(c *candidate) error {
		j := c.j
		rate, _ := t.feeRate(ctx) // the fallback when the node has no estimate
		rate = t.deadlineRate(rate, j.BreachBlock, j.Deadline, height)
		final, bounty, fee := t.withBounty(c.tx, c.fetcher, c.surplus, rate)
		j.FeeRate, j.FeeSat, j.BountySat = rate, fee, bounty
		if bounty == 0 {
			j.Reason = monitor.ReasonNoBounty
			j.Detail = "signed SIGHASH_ALL or too small a surplus: broadcast as signed, no bounty"
		} else if uint64(c.surplus) < j.PromisedSat {
			j.Reason = monitor.ReasonSurplusBelowReward
			j.Detail = fmt.Sprintf("surplus %d sat is below the promised %d sat", c.surplus, j.PromisedSat)
			t.cfg.Stats.Count(CounterJusticeFailed+string(monitor.ReasonSurplusBelowReward), 1)
		}
		if err := t.send(ctx, j, final, log); err != nil {
			return err
		}
		sent++
		countBreach()
		return nil
	})
	if err != nil {
		return err // nothing recorded for the failures: judged again with the block
	}
	for _, c := range cands {
		if c.err != nil {
			c.j.Outcome, c.j.Reason, c.j.Detail = JusticeFailed, monitor.ReasonBadSignature, "the justice transaction does not verify: "+c.err.Error()
			failed = append(failed, c.j)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	// One write for all of them: junk must not cost a durable write each.
	if err := t.cfg.Store.InsertJustices(ctx, failed); err != nil {
		return err
	}
	countBreach()
	byReason := map[monitor.Reason]int{}
	for _, j := range failed {
		byReason[j.Reason]++
		t.cfg.Stats.Count(CounterJusticeFailed+string(j.Reason), 1)
	}
	if len(failed) == 1 {
		j := failed[0]
		log.Warn("breach seen but no justice transaction can be made", "reason", string(j.Reason), "detail", j.Detail,
			"user_pubkey", hex.EncodeToString(j.UserPubkey[:]))
		return nil
	}
	// Several keys' appointments on one breached locator that give nothing:
	// a cheater crowding the locator (or several broken clients).
	reasons := make([]string, 0, len(byReason))
	for r, n := range byReason {
		reasons = append(reasons, fmt.Sprintf("%s:%d", r, n))
	}
	slices.Sort(reasons)
	log.Error("junk on a breached locator: appointments that give no justice transaction", "junk", len(failed),
		"by_reason", strings.Join(reasons, ","), "justice_sent", sent)
	return nil
}

// candidate is an appointment's justice transaction that passed screen,
// waiting for script verification.
type candidate struct {
	j       Justice
	tx      *wire.MsgTx
	fetcher txscript.PrevOutputFetcher
	surplus int64
	err     error // verifyInputs' verdict
}

// screen runs the cheap checks of a's blob against the breach, mined at
// height, with the node's tip at tip: it decrypts and parses it, and
// checks that every input spends a distinct output of the breach, that the
// outputs do not exceed the inputs and that the transaction could be mined
// in the next block. A failure gives its reason and detail; else the
// candidate, for script verification.
func screen(a StoredAppointment, breach *wire.MsgTx, breachID chainhash.Hash, height, tip uint32) (*candidate, monitor.Reason, string) {
	plain, err := lncrypto.Decrypt(a.Cipher, a.EncryptedBlob, breachID)
	if err != nil {
		return nil, monitor.ReasonDecryptFailed, "the blob does not decrypt with this breach's txid"
	}
	tx := wire.NewMsgTx(2)
	if err := tx.Deserialize(bytes.NewReader(plain)); err != nil {
		return nil, monitor.ReasonNotATransaction, "the decrypted blob is not a transaction"
	}
	if len(tx.TxIn) == 0 || len(tx.TxOut) == 0 {
		return nil, monitor.ReasonNotATransaction, "the decrypted transaction has no inputs or no outputs"
	}
	prevs := make(map[wire.OutPoint]*wire.TxOut, len(tx.TxIn))
	var in int64
	for _, ti := range tx.TxIn {
		op := ti.PreviousOutPoint
		if op.Hash != breachID || int(op.Index) >= len(breach.TxOut) {
			return nil, monitor.ReasonDoesNotSpendBreach, "input " + op.String() + " does not spend an output of the breach"
		}
		if prevs[op] != nil {
			return nil, monitor.ReasonNotATransaction, "input " + op.String() + " is spent twice"
		}
		prevs[op] = breach.TxOut[op.Index]
		in += breach.TxOut[op.Index].Value
	}
	var out int64
	for _, o := range tx.TxOut {
		if o.Value < 0 || o.Value > maxSatoshi {
			return nil, monitor.ReasonNotATransaction, "an output value is negative or above 21 million bitcoin"
		}
		out += o.Value
	}
	if in-out < 0 {
		return nil, monitor.ReasonNotATransaction, "outputs exceed the breach outputs spent"
	}
	if detail := notFinal(tx, height, tip+1); detail != "" {
		return nil, monitor.ReasonNotFinal, detail
	}
	return &candidate{tx: tx, fetcher: txscript.NewMultiPrevOutFetcher(prevs), surplus: in - out}, "", ""
}

// notFinal says why tx, spending only outputs of a transaction mined at
// breachHeight, could not be in a block at height next ("" when it could):
// an absolute height lock above the tip, or a relative lock (BIP 68) not
// yet met. The script engine checks OP_CHECKSEQUENCEVERIFY against the
// input's own sequence number, not against the chain, so without this the
// cheater's delayed spend of his to_local verifies. A time-based relative
// lock counts as unmet: a justice transaction needs none. Absolute time
// locks are left to the node (the tower does not track median time).
func notFinal(tx *wire.MsgTx, breachHeight, next uint32) string {
	if lt := tx.LockTime; lt != 0 && lt < txscript.LockTimeThreshold && lt >= next {
		for _, ti := range tx.TxIn {
			if ti.Sequence != wire.MaxTxInSequenceNum {
				return fmt.Sprintf("locked until height %d; the next block is %d", lt, next)
			}
		}
	}
	if tx.Version < 2 {
		return ""
	}
	for i, ti := range tx.TxIn {
		seq := ti.Sequence
		if seq&wire.SequenceLockTimeDisabled != 0 {
			continue
		}
		v := seq & wire.SequenceLockTimeMask
		if seq&wire.SequenceLockTimeIsSeconds != 0 {
			if v != 0 {
				return fmt.Sprintf("input %d has a time-based relative lock (%d x 512 s)", i, v)
			}
			continue
		}
		if uint64(breachHeight)+uint64(v) > uint64(next) {
			return fmt.Sprintf("input %d is locked for %d blocks after the breach (block %d); the next block is %d", i, v, breachHeight, next)
		}
	}
	return ""
}

// verifyCandidates runs the script verification of the candidates (their
// err), each distinct transaction (by witness hash) once, on up to
// GOMAXPROCS goroutines, and calls valid, on the calling goroutine, for
// each that verifies as soon as it does. The transactions are taken in a
// random order: the cheater can choose keys that sort before the victim's,
// but cannot make the victim's come last. When valid fails, verification
// stops (candidates not verified keep a nil err) and the error is returned.
// It waits for its goroutines.
func verifyCandidates(cs []*candidate, valid func(*candidate) error) error {
	groups := map[chainhash.Hash][]*candidate{}
	var order []chainhash.Hash
	for _, c := range cs {
		h := c.tx.WitnessHash()
		if groups[h] == nil {
			order = append(order, h)
		}
		groups[h] = append(groups[h], c)
	}
	rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	jobs, done, stop := make(chan chainhash.Hash), make(chan chainhash.Hash), make(chan struct{})
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range jobs {
				g := groups[h]
				err := verifyInputs(g[0].tx, g[0].fetcher)
				for _, c := range g {
					c.err = err
				}
				done <- h // received until the workers are gone
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		for _, h := range order {
			select {
			case jobs <- h:
			case <-stop:
				return
			}
		}
	}()
	go func() { wg.Wait(); close(done) }()
	var first error
	for h := range done {
		for _, c := range groups[h] {
			if first != nil || c.err != nil {
				continue
			}
			if first = valid(c); first != nil {
				close(stop)
			}
		}
	}
	return first
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
		t.cfg.Stats.Count(CounterJusticeBroadcast, 1)
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
			t.cfg.Stats.Count(CounterJusticeConfirmed, 1)
			t.cfg.Stats.Count(CounterBountySat, j.BountySat)
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
