package tower

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
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

// TestVerifyCandidates: every candidate gets its verdict, a transaction
// shared by several candidates is verified once for all, each valid one
// is handed over once, and a failing hand-over stops the rest.
func TestVerifyCandidates(t *testing.T) {
	// A P2WSH output whose witness script is OP_TRUE: a witness carrying
	// that script spends it; one carrying another script does not.
	script := []byte{txscript.OP_TRUE}
	h := sha256.Sum256(script)
	prevScript := append([]byte{txscript.OP_0, 32}, h[:]...)
	breach := chainhash.Hash{7}
	mk := func(value int64, witnessScript []byte) *candidate {
		tx := wire.NewMsgTx(2)
		tx.AddTxIn(&wire.TxIn{PreviousOutPoint: wire.OutPoint{Hash: breach}, Witness: wire.TxWitness{witnessScript},
			Sequence: wire.MaxTxInSequenceNum})
		tx.AddTxOut(wire.NewTxOut(value, prevScript))
		prev := map[wire.OutPoint]*wire.TxOut{{Hash: breach}: wire.NewTxOut(100_000, prevScript)}
		return &candidate{tx: tx, fetcher: txscript.NewMultiPrevOutFetcher(prev)}
	}
	var cs []*candidate
	for i := range 40 {
		cs = append(cs, mk(int64(1000+i), []byte{txscript.OP_2})) // junk
	}
	good, again, other := mk(50_000, script), mk(50_000, script), mk(60_000, script)
	cs = append(cs, good, again, other)
	var handed []*candidate
	if err := verifyCandidates(cs, func(c *candidate) error { handed = append(handed, c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(handed) != 3 {
		t.Fatalf("%d handed over, want 3", len(handed))
	}
	for i, c := range cs {
		if valid := c == good || c == again || c == other; valid != (c.err == nil) {
			t.Errorf("candidate %d: err %v", i, c.err)
		}
	}

	for _, c := range cs {
		c.err = nil
	}
	var calls int
	stop := errors.New("disk I/O error")
	if err := verifyCandidates(cs, func(*candidate) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("a failing hand-over: %v after %d calls, want it after 1", err, calls)
	}
	if err := verifyCandidates(nil, func(*candidate) error { return stop }); err != nil {
		t.Fatalf("no candidates: %v", err)
	}
}
