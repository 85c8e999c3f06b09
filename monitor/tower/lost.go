package tower

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
)

// How a justice record ends lost (docs/protocol.md §8.9):
//
//   - A transaction in a block spends a breach output that the record's
//     justice transaction spends, and it is none of the tower's own versions
//     of that justice transaction: the record can never be mined. If the
//     spend took the same path through the output's script as the justice
//     transaction (sameSpendPath), it is another justice transaction (the
//     client's own, another tower's) and the client is protected:
//     ReasonSpentByJustice, a warning. Otherwise it took another path (for
//     a to_local output the cheater's delayed key after to_self_delay, for
//     an HTLC output a second-stage transaction): ReasonSpentByCheater, the
//     client's money is gone, an error.
//   - The tip reaches the deadline (breach block + to_self_delay) and the
//     justice transaction is not confirmed: from that block on the cheater
//     may spend the output by the delayed path, and the tower stops
//     following: ReasonDeadlinePassed, an error.
//
// Either way the record leaves the open set (outcome lost): it is never
// rebroadcast or bumped again, and it is counted once, by reason.

// sameSpendPath reports whether two witnesses spending the same output take
// the same path through its script: the same number of items and every
// item equal but the first, which is the signature (it differs between
// signers and sighash types). For BOLT 3 outputs this tells the revocation
// path (to_local: <sig> 1 <script>; HTLC: <sig> <revocationpubkey>
// <script>) from the owner's paths (to_local: <sig> <> <script>; HTLC
// second stage: 0 <sig> <sig> <preimage or empty> <script>).
func sameSpendPath(ours, theirs wire.TxWitness) bool {
	if len(ours) < 2 || len(ours) != len(theirs) {
		return false
	}
	for i := 1; i < len(ours); i++ {
		if !bytes.Equal(ours[i], theirs[i]) {
			return false
		}
	}
	return true
}

// lostReason classifies a foreign spend of a breach output the justice
// transaction spends with witness ours.
func lostReason(ours, theirs wire.TxWitness) monitor.Reason {
	if sameSpendPath(ours, theirs) {
		return monitor.ReasonSpentByJustice
	}
	return monitor.ReasonSpentByCheater
}

// checkSpends settles as lost every open justice record one of whose breach
// outputs a transaction of blocks spends, unless that transaction is a
// version of the record's own justice transaction (Tick follows those).
// Called under respMu.
func (t *Tower) checkSpends(ctx context.Context, blocks []recentBlock) error {
	if len(blocks) == 0 {
		return nil
	}
	open, err := t.cfg.Store.JusticeRecords(ctx, JusticeQuery{Outcomes: []JusticeOutcome{JusticeBroadcast}})
	if err != nil || len(open) == 0 {
		return err
	}
	type input struct{ rec, in int }
	watched := map[wire.OutPoint][]input{}
	txs := make([]*wire.MsgTx, len(open))
	for i, j := range open {
		tx := wire.NewMsgTx(2)
		if err := tx.Deserialize(bytes.NewReader(j.Raw)); err != nil {
			continue // not a transaction we could have sent; Tick reports it
		}
		txs[i] = tx
		for k, in := range tx.TxIn {
			watched[in.PreviousOutPoint] = append(watched[in.PreviousOutPoint], input{i, k})
		}
	}
	settled := make([]bool, len(open))
	for _, b := range blocks {
		for ti, tx := range b.txs {
			for _, in := range tx.TxIn {
				for _, w := range watched[in.PreviousOutPoint] {
					if settled[w.rec] {
						continue
					}
					j := open[w.rec]
					ours, err := t.isOurVersion(ctx, j, b.ids[ti])
					if err != nil {
						return err
					}
					if ours {
						continue
					}
					reason := lostReason(txs[w.rec].TxIn[w.in].Witness, in.Witness)
					detail := fmt.Sprintf("breach output %s was spent by %s in block %d", in.PreviousOutPoint, b.ids[ti], b.height)
					if err := t.settleLost(ctx, j, reason, detail, b.ids[ti], b.height); err != nil {
						return err
					}
					settled[w.rec] = true
				}
			}
		}
	}
	return nil
}

// isOurVersion tells whether txid is a version (the original or a fee-bump
// replacement) of j's justice transaction.
func (t *Tower) isOurVersion(ctx context.Context, j Justice, txid chainhash.Hash) (bool, error) {
	if txid == j.TxID {
		return true, nil
	}
	all, err := t.cfg.Store.JusticeForBreach(ctx, j.BreachTxID)
	if err != nil {
		return false, err
	}
	for _, p := range all {
		if p.UserPubkey == j.UserPubkey && p.TxID == txid {
			return true, nil
		}
	}
	return false, nil
}

// settleLost records j as lost for reason, counts it and logs it: at error
// level when the client's money may be gone, as a warning when another
// justice transaction protected the client.
func (t *Tower) settleLost(ctx context.Context, j Justice, reason monitor.Reason, detail string, spentBy chainhash.Hash, spentBlock uint32) error {
	j.Outcome, j.Reason, j.Detail = JusticeLost, reason, detail
	j.SpentBy, j.SpentBlock = spentBy, spentBlock
	j.UpdatedAt = t.cfg.Clock.Now().UTC()
	if err := t.cfg.Store.SaveJustice(ctx, j); err != nil {
		return err
	}
	t.cfg.Stats.Count(CounterJusticeLost+string(reason), 1)
	attrs := []any{"txid", j.TxID.String(), "breach_txid", j.BreachTxID.String(),
		"locator", fmt.Sprintf("%x", j.Locator), "reason", string(reason), "detail", detail,
		"deadline", j.Deadline, "bounty_sat", j.BountySat}
	if spentBy != (chainhash.Hash{}) {
		attrs = append(attrs, "spent_by", spentBy.String(), "spent_block", spentBlock)
	}
	switch reason {
	case monitor.ReasonSpentByJustice:
		t.log.Warn("breach outputs spent by another justice transaction: the client is protected, our justice transaction is dropped", attrs...)
	case monitor.ReasonSpentByCheater:
		t.log.Log(ctx, slog.LevelError, "breach outputs spent by the cheater: the client's funds in them are lost", attrs...)
	default:
		t.log.Log(ctx, slog.LevelError, "justice transaction unconfirmed at the deadline: no longer followed, the cheater can now take the breach outputs", attrs...)
	}
	return nil
}
