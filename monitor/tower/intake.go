package tower

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"log/slog"

	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
)

// IntakeStore is what appointment intake needs from the store.
type IntakeStore interface {
	// AppointmentOf returns the appointment stored for (user, locator);
	// ok is false when there is none.
	AppointmentOf(ctx context.Context, user [33]byte, locator [16]byte) (a StoredAppointment, ok bool, err error)
	// SaveAppointment stores a, replacing the one with the same
	// (user_pubkey, locator) when a's OrderSeq is higher (an *Error with
	// ReasonStaleSequence when it is lower, or equal with other content);
	// it enforces maxPerLocator (an *Error with ReasonTooManyPerLocator).
	// An identical one gives Duplicate.
	SaveAppointment(ctx context.Context, a StoredAppointment, maxPerLocator int) (monitor.SaveResult, error)
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

// SubmitAppointmentJSON is the appointment intake (REST and the room): it
// decodes, checks and stores an appointment and tells what it took, with
// the signed receipt (Accepted.Receipt).
func (t *Tower) SubmitAppointmentJSON(ctx context.Context, data []byte, src monitor.Source, extra ...string) (Accepted, error) {
	t.cfg.Stats.Count(CounterAppointmentsReceived+src.Kind, 1)
	a, err := DecodeAppointment(data, extra...)
	if err == nil {
		var acc Accepted
		if acc, err = t.submit(ctx, a, src); err == nil {
			return acc, nil
		}
	}
	e := monitor.AsError(monitor.Canceled(ctx, err))
	t.cfg.Stats.Count(CounterAppointmentsRejected+src.Kind+"."+string(e.Reason), 1)
	lvl := slog.LevelInfo
	switch {
	case e.Reason == monitor.ReasonRequestCanceled:
	case e.Code() == monitor.CodeInternal:
		lvl = slog.LevelError
	case e.Code() == monitor.CodeUnavailable:
		lvl = slog.LevelWarn
	}
	t.log.Log(ctx, lvl, "appointment rejected", "source", src.Kind, "ref", src.Ref, "reason", string(e.Reason), "msg", e.Message, "err", e.Err)
	return Accepted{}, e
}

func (t *Tower) submit(ctx context.Context, a Appointment, src monitor.Source) (Accepted, error) {
	tip, err := t.check(ctx, a)
	if err != nil {
		return Accepted{}, err
	}
	res, err := t.cfg.Store.SaveAppointment(ctx, StoredAppointment{Appointment: a, Source: src.Kind, SourceRef: src.Ref,
		ReceivedAt: t.cfg.Clock.Now().UTC(), AcceptedTip: tip}, t.cfg.Bounds.MaxPerLocator)
	if err != nil {
		var e *monitor.Error
		if errors.As(err, &e) {
			return Accepted{}, e
		}
		return Accepted{}, monitor.Internal(err)
	}
	t.idxMu.Lock()
	t.index.Add(a.Locator)
	t.idxMu.Unlock()
	t.cfg.Stats.Count(CounterAppointmentsAccepted+src.Kind, 1)
	if !res.Duplicate && !res.Replaced {
		t.cfg.Stats.Count(CounterAppointmentsStored, 1)
	}
	t.log.Info("appointment accepted", "source", src.Kind, "locator", hex.EncodeToString(a.Locator[:]),
		"reward_sat", a.RewardSat, "end_block", a.EndBlock, "replaced", res.Replaced, "duplicate", res.Duplicate)
	t.answerIfLate(ctx, StoredAppointment{Appointment: a, Source: src.Kind, SourceRef: src.Ref, AcceptedTip: tip}, !res.Duplicate)
	acc := Accepted{Locator: a.Locator, Tip: tip, Duplicate: res.Duplicate, Replaced: res.Replaced}
	if err := t.signReceipt(a, &acc); err != nil {
		return Accepted{}, err
	}
	return acc, nil
}

// check runs the checks of an appointment before it is stored
// (docs/protocol.md §8.5) and returns the tip it is accepted at.
func (t *Tower) check(ctx context.Context, a Appointment) (tip uint32, err error) {
	if a.Network != t.cfg.Network {
		return 0, monitor.Reject(monitor.ReasonWrongNetwork, "network %q is not this monitor's %q", a.Network, t.cfg.Network)
	}
	tip = t.currentTip()
	if tip == 0 {
		return 0, monitor.Unavailable(monitor.ReasonChainUnavailable, "the Bitcoin watcher has not seen a block yet", nil)
	}
	if t.cfg.Sync != nil {
		if err := t.cfg.Sync.Err(); err != nil {
			return 0, err
		}
	}
	if err := t.cfg.Bounds.Check(a, tip); err != nil {
		return 0, err
	}
	if err := a.VerifySignature(); err != nil {
		return 0, err
	}
	// An older appointment sent again (anyone can copy one from the room)
	// is refused here, and neither it nor an identical resubmission takes
	// one of the user's tokens: replaying a user's appointments must not
	// rate-limit the user. The store decides again, atomically (step 13).
	prev, stored, err := t.cfg.Store.AppointmentOf(ctx, a.UserPubkey, a.Locator)
	if err != nil {
		return 0, monitor.Internal(err)
	}
	same := stored && prev.SameContent(a)
	if stored && !same && a.OrderSeq() <= prev.OrderSeq() {
		return 0, StaleSequence(a.OrderSeq(), prev.OrderSeq())
	}
	if !same && !t.cfg.PerKey.Allow(hex.EncodeToString(a.UserPubkey[:]), t.cfg.Clock.Now()) {
		return 0, monitor.Reject(monitor.ReasonRateLimited, "too many appointments from this user key; slow down")
	}
	if err := t.checkReward(ctx, a); err != nil {
		return 0, err
	}
	return tip, nil
}

// checkReward refuses a reward below the minimum or one that does not
// cover the expected fee of the justice transaction on top of it.
func (t *Tower) checkReward(ctx context.Context, a Appointment) error {
	if a.RewardSat < t.cfg.MinRewardSat {
		return monitor.Reject(monitor.ReasonRewardBelowMinimum, "reward %d sat is below the minimum of %d sat", a.RewardSat, t.cfg.MinRewardSat)
	}
	// Without an estimate from the node (btcd has none on a quiet chain),
	// judge with the configured fallback rate; a node that does not answer
	// at all cannot vouch for the tip either: refuse, the client retries.
	fctx, cancel := context.WithTimeout(ctx, t.cfg.ChainDeadline)
	rate, err := t.feeRate(fctx)
	cancel()
	if errors.Is(err, monitor.ErrNoAnswer) || errors.Is(err, context.DeadlineExceeded) {
		return monitor.Unavailable(monitor.ReasonChainUnavailable, "the Bitcoin node does not answer", err)
	}
	// The justice transaction is about as large as its plaintext; ours adds
	// one P2WPKH/P2WSH output (at most 43 vbytes).
	fee := feeFor(rate, int64(len(a.EncryptedBlob)-16+43))
	if int64(a.RewardSat) < fee+int64(t.cfg.MinRewardSat) {
		return monitor.Reject(monitor.ReasonRewardBelowFee, "reward %d sat does not cover the expected fee of %d sat at %d sat/kvB", a.RewardSat, fee, rate)
	}
	return nil
}

// answerIfLate responds at once to a stored appointment whose breach is
// already in one of the last blocks. The block path adds a block to the
// window before it matches, so an appointment saved too late for that
// matching finds the block here. fresh: stored new or as a replacement.
func (t *Tower) answerIfLate(ctx context.Context, a StoredAppointment, fresh bool) {
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
		t.respondLate(ctx, lateResponse{a: a, breach: late, height: lateHeight, fresh: fresh})
	}
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
	err := t.respond(ctx, []StoredAppointment{r.a}, r.breach, r.height, r.fresh)
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

// signReceipt signs user_signature || u32be(start_block) as The Eye of
// Satoshi does, when the monitor signs receipts.
func (t *Tower) signReceipt(a Appointment, acc *Accepted) error {
	if t.cfg.SignReceipt == nil {
		return nil
	}
	msg := make([]byte, 0, len(a.UserSignature)+4)
	msg = append(msg, a.UserSignature...)
	msg = binary.BigEndian.AppendUint32(msg, acc.Tip)
	sig, err := t.cfg.SignReceipt(msg)
	if err != nil {
		return monitor.Internal(err)
	}
	acc.MonitorPubkey, acc.ReceiptSignature = t.cfg.MonitorPubkey, sig
	return nil
}
