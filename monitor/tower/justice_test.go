package tower

import (
	"strings"
	"testing"

	"github.com/btcsuite/btcd/wire/v2"
)

// TestNotFinal: the screen's finality check. A justice transaction spends
// revocation paths (no lock) or, with anchors, the victim's own to_remote
// (1 block, met in the block after the breach); the cheater's delayed path
// (to_self_delay blocks) is not final until the deadline, whatever its
// script says.
func TestNotFinal(t *testing.T) {
	const breach = 1000
	tx := func(version int32, lockTime uint32, seqs ...uint32) *wire.MsgTx {
		m := wire.NewMsgTx(version)
		m.LockTime = lockTime
		for _, s := range seqs {
			m.AddTxIn(&wire.TxIn{Sequence: s})
		}
		return m
	}
	for _, c := range []struct {
		name  string
		tx    *wire.MsgTx
		next  uint32
		final bool
	}{
		{"revocation path, BIP 125 sequence", tx(2, 0, wire.MaxTxInSequenceNum-2), breach + 1, true},
		{"sequence locks disabled", tx(2, 0, wire.SequenceLockTimeDisabled|144), breach + 1, true},
		{"anchors' to_remote: 1 block", tx(2, 0, wire.MaxTxInSequenceNum-2, 1), breach + 1, true},
		{"the delayed path: 144 blocks", tx(2, 0, 144), breach + 1, false},
		{"the delayed path, caught up at the deadline", tx(2, 0, 144), breach + 144, true},
		{"the delayed path, one block early", tx(2, 0, 144), breach + 143, false},
		{"version 1 ignores sequence locks", tx(1, 0, 144), breach + 1, true},
		{"a time-based relative lock", tx(2, 0, wire.SequenceLockTimeIsSeconds|1), breach + 1, false},
		{"a zero time-based relative lock", tx(2, 0, wire.SequenceLockTimeIsSeconds), breach + 1, true},
		{"anti-fee-sniping lock at the tip", tx(2, breach, wire.MaxTxInSequenceNum-2), breach + 1, true},
		{"a height lock above the tip", tx(2, breach+1, wire.MaxTxInSequenceNum-2), breach + 1, false},
		{"a height lock with final sequences", tx(2, breach+50, wire.MaxTxInSequenceNum), breach + 1, true},
		{"a time lock is the node's to judge", tx(2, 2_000_000_000, wire.MaxTxInSequenceNum-2), breach + 1, true},
	} {
		got := notFinal(c.tx, breach, c.next)
		if (got == "") != c.final {
			t.Errorf("%s: notFinal %q, want final %v", c.name, got, c.final)
		}
		if got != "" && !strings.Contains(got, "block") && !strings.Contains(got, "512 s") {
			t.Errorf("%s: detail %q", c.name, got)
		}
	}
}
