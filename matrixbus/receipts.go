package matrixbus

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
)

// Receipts kept in a ReceiptLog.
//
// With Config.Receipts, a receipt goes through three steps: it is recorded
// (RecordReceipt, in the sync loop, before the room position passes its
// event), claimed right before it is posted (ClaimReceipt), then marked
// posted (ReceiptPosted). The record and the claim are fenced writes of
// the matrix role's term, so a replica that has lost the role can neither
// record nor claim, and posts nothing more; the store refuses it before
// anything reaches the room.
//
// A receipt is posted at least once: a replica that dies between posting
// and marking leaves its receipt owed, and the next leader would post it
// again. Before posting what it inherits, the next leader therefore reads
// the room's newest receipts of its own Matrix user and marks posted those
// it finds there. What remains is the rare receipt whose post was still on
// its way to the homeserver when the room was read: it is posted twice,
// which a client reads as one (receipts are keyed by the event they
// answer and the monitor that signs them). Never is one marked posted
// posted again, and none is lost: an event whose receipt was not recorded
// is before the saved room position, and is handled again.

const (
	// owedPage is how many owed receipts one pass of the poster reads.
	owedPage = 100
	// inheritedScan is how many of the room's newest receipt events a new
	// leader reads for receipts its predecessor posted without marking.
	inheritedScan = 500
)

// owe makes rc the receipt of ev: queued for this process to post, or,
// with a ReceiptLog, recorded under the role's term (a nil return then
// means durably recorded, or recorded before).
func (b *Bus) owe(ctx context.Context, ev Event, rc any) error {
	if b.cfg.Receipts == nil {
		b.queueReceipt(ev, rc)
		return nil
	}
	raw, err := json.Marshal(rc)
	if err != nil {
		return storeFailure{fmt.Errorf("encode the receipt for %s: %w", ev.EventID, err)}
	}
	fresh, err := b.cfg.Receipts.RecordReceipt(ctx, ev.EventID, b.RoomID(), raw)
	if err != nil {
		if ctx.Err() != nil || monitor.IsStorageUnavailable(err) {
			return err // not handled: the event is read again
		}
		return storeFailure{fmt.Errorf("record the receipt for %s: %w", ev.EventID, err)}
	}
	if fresh {
		select {
		case b.owed <- struct{}{}:
		default:
		}
	}
	return nil
}

// postOwed posts the logged receipts owed, in the order they were
// recorded, until ctx ends; it first settles what an earlier leader may
// have posted without marking.
func (b *Bus) postOwed(ctx context.Context, sess *Session) {
	retry := time.NewTicker(b.cfg.ParkRetry)
	defer retry.Stop()
	for bo := (backoff{}); ; {
		err := b.settleInherited(ctx, sess)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		wait := bo.next()
		b.log.Warn("cannot read the room's receipts before posting those owed; retrying", "err", err,
			"retry_in", wait.Round(time.Millisecond))
		if !sleep(ctx, wait) {
			return
		}
	}
	for {
		owed, err := b.cfg.Receipts.OwedReceipts(ctx, owedPage)
		if err != nil && ctx.Err() == nil && !monitor.IsStorageUnavailable(err) {
			b.log.Warn("cannot read the receipts owed", "err", err)
		}
		posted := 0
		for _, r := range owed {
			ok, err := b.postLogged(ctx, sess, r)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				if !monitor.IsStorageUnavailable(err) {
					b.log.Warn("could not post a receipt; it stays owed", "for_event_id", r.ForEventID, "err", err)
				}
				break
			}
			if ok {
				posted++
			}
		}
		if len(owed) == owedPage && posted > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-b.owed:
		case <-retry.C:
		}
	}
}

// postLogged claims, posts and marks one owed receipt; ok is false when it
// was no longer owed. A post that fails five times leaves it owed (the
// next pass tries again) and is counted failed.
func (b *Bus) postLogged(ctx context.Context, sess *Session, r OwedReceipt) (ok bool, err error) {
	owed, err := b.cfg.Receipts.ClaimReceipt(ctx, r.ForEventID)
	if err != nil || !owed {
		return false, err
	}
	// The transaction id derives from the answered event: a post retried
	// in this session is one event in the room.
	txn := TxnID("receipt", r.ForEventID)
	bo := backoff{}
	for attempt := 0; ; attempt++ {
		_, err = sess.Send(ctx, r.RoomID, TypeReceipt, r.Content, txn)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if attempt >= 5 {
			b.cfg.Stats.Count(monitor.CounterMatrixReceiptsFailed, 1)
			return false, err
		}
		wait := bo.next()
		if ra, ok := RetryAfter(err); ok {
			wait = ra
		}
		if !sleep(ctx, wait) {
			return false, ctx.Err()
		}
	}
	b.cfg.Stats.Count(monitor.CounterMatrixReceipts, 1)
	// Marked even when ctx has just ended: the receipt is in the room.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := b.cfg.Receipts.ReceiptPosted(mctx, r.ForEventID); err != nil {
		return true, fmt.Errorf("mark the receipt for %s posted: %w", r.ForEventID, err)
	}
	return true, nil
}

// settleInherited marks posted the owed receipts that are already in the
// room: posted by this Matrix user (an earlier leader) without being
// marked. It reads the room's newest receipt events once.
func (b *Bus) settleInherited(ctx context.Context, sess *Session) error {
	owed, err := b.cfg.Receipts.OwedReceipts(ctx, inheritedScan)
	if err != nil || len(owed) == 0 {
		return err
	}
	want := make(map[string]bool, len(owed))
	for _, r := range owed {
		want[r.ForEventID] = true
	}
	roomID := b.RoomID()
	filter, _ := json.Marshal(map[string]any{
		"presence":     map[string]any{"not_types": []string{"*"}},
		"account_data": map[string]any{"not_types": []string{"*"}},
		"room": map[string]any{
			"rooms":     []string{roomID},
			"state":     map[string]any{"lazy_load_members": true, "not_types": []string{"*"}},
			"ephemeral": map[string]any{"not_types": []string{"*"}},
			"timeline":  map[string]any{"limit": inheritedScan, "types": []string{TypeReceipt}, "senders": []string{sess.UserID()}},
		},
	})
	resp, err := sess.Sync(ctx, "", string(filter), 0)
	if err != nil {
		return err
	}
	found := 0
	for _, ev := range resp.Rooms.Join[roomID].Timeline.Events {
		var c struct {
			ForEventID string `json:"for_event_id"`
		}
		if ev.Type != TypeReceipt || ev.Sender != sess.UserID() || json.Unmarshal(ev.Content, &c) != nil || !want[c.ForEventID] {
			continue
		}
		if err := b.cfg.Receipts.ReceiptPosted(ctx, c.ForEventID); err != nil {
			return err
		}
		delete(want, c.ForEventID)
		found++
	}
	if found > 0 {
		b.log.Info("receipts an earlier leader posted without marking them are marked posted", "receipts", found)
	}
	b.log.Info("posting the receipts owed", "owed", len(owed)-found)
	return nil
}
