package lntest_test

import (
	"bytes"
	"testing"

	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
)

const feeRate = 2 // sat/vB, twice btcd's minimum relay fee

// breach opens a channel, signs two states and confirms the first (revoked)
// one: the breach. It returns the channel, the breach and its state.
func breach(t *testing.T) (*btctest.Node, *lntest.Channel, *wire.MsgTx, *lntest.State) {
	t.Helper()
	n := btctest.Start(t)
	n.Generate(t, 101)
	ch := lntest.OpenChannel(t, n, 1_000_000, 144)

	utxo, err := n.Client.GetTxOut(&ch.Funding.Hash, ch.Funding.Index, false)
	if err != nil || utxo == nil || utxo.Confirmations != 1 {
		t.Fatalf("funding output %v: %+v %v", ch.Funding, utxo, err)
	}
	if !bytes.Equal(ch.FundingOutput.PkScript, lntest.P2WSH(ch.FundingScript)) {
		t.Fatal("funding output is not the P2WSH of the 2-of-2 script")
	}

	revoked := ch.Commitment(t, 700_000, 297_000, 3_000)
	current := ch.Commitment(t, 400_000, 597_000, 3_000)
	st := ch.State(t, revoked)
	if st.Number != 0 || ch.State(t, current).Number != 1 {
		t.Fatalf("commitment numbers %d, %d", st.Number, ch.State(t, current).Number)
	}
	if got := revoked.TxOut[st.ToLocalIndex]; got.Value != 700_000 || !bytes.Equal(got.PkScript, lntest.P2WSH(st.ToLocalScript)) {
		t.Fatalf("to_local output %d %x", got.Value, got.PkScript)
	}
	if got := revoked.TxOut[st.ToRemoteIndex]; got.Value != 297_000 || !bytes.Equal(got.PkScript, lntest.P2WPKH(st.ToRemoteKey.PubKey())) {
		t.Fatalf("to_remote output %d %x", got.Value, got.PkScript)
	}
	if revoked.LockTime>>24 != 0x20 || revoked.TxIn[0].Sequence>>24 != 0x80 {
		t.Fatalf("locktime %x sequence %x", revoked.LockTime, revoked.TxIn[0].Sequence)
	}

	// The cheat: the local side broadcasts the revoked state.
	n.MineTx(t, revoked)
	return n, ch, revoked, st
}

func TestJusticeSighashAll(t *testing.T) {
	n, ch, revoked, st := breach(t)
	sweep := lntest.P2WPKH(n.MiningKey.PubKey()) // the victim's wallet, say

	// Size with a placeholder value, then the real fee.
	draft := ch.Justice(t, revoked, sweep, lntest.SighashAll, st.ToLocal-1000)
	fee := btcutil.Amount((btctest.VSize(draft) + 1) * feeRate)
	justice := ch.Justice(t, revoked, sweep, lntest.SighashAll, st.ToLocal-fee)
	if w := justice.TxIn[0].Witness; len(w) != 3 || !bytes.Equal(w[1], []byte{1}) || !bytes.Equal(w[2], st.ToLocalScript) {
		t.Fatalf("justice witness %x", w)
	}
	if ht := justice.TxIn[0].Witness[0]; ht[len(ht)-1] != 0x01 {
		t.Fatalf("sighash byte %#x, want SIGHASH_ALL", ht[len(ht)-1])
	}
	prev := prevOuts(revoked, st)
	// SIGHASH_ALL: nothing can be added.
	tampered := justice.Copy()
	tampered.AddTxOut(wire.NewTxOut(500, n.MiningScript))
	if err := btctest.VerifyTx(tampered, prev); err == nil {
		t.Fatal("a SIGHASH_ALL justice transaction still verifies with an extra output")
	}

	block := n.MineTx(t, justice)
	rid := revoked.TxHash()
	if utxo, _ := n.Client.GetTxOut(&rid, uint32(st.ToLocalIndex), true); utxo != nil {
		t.Fatal("to_local still unspent after the justice transaction")
	}
	txid := justice.TxHash()
	out, err := n.Client.GetTxOut(&txid, 0, false)
	if err != nil || out == nil || out.Value != (st.ToLocal-fee).ToBTC() {
		t.Fatalf("justice output: %+v %v", out, err)
	}
	t.Logf("justice %s (%d vB, fee %d sat) mined in %s", txid, btctest.VSize(justice), fee, block)
}

func TestJusticeSingleAnyoneCanPayBounty(t *testing.T) {
	n, ch, revoked, st := breach(t)
	victim := lntest.P2WPKH(ch.RemotePaymentBaseKey.PubKey())

	// The victim keeps 650,000 of the 700,000 and leaves the surplus for
	// whoever broadcasts: the watchtower.
	const userOut = 650_000
	signed := ch.Justice(t, revoked, victim, lntest.SighashSingleAnyoneCanPay, userOut)
	if ht := signed.TxIn[0].Witness[0]; ht[len(ht)-1] != 0x83 {
		t.Fatalf("sighash byte %#x, want 0x83", ht[len(ht)-1])
	}
	surplus := st.ToLocal - userOut
	prev := prevOuts(revoked, st)

	// The watchtower appends its own output for surplus - fee, with the fee
	// at its rate for the final size.
	tx := signed.Copy()
	tx.AddTxOut(wire.NewTxOut(0, n.MiningScript))
	fee := btcutil.Amount(btctest.VSize(tx) * feeRate)
	tx.TxOut[1].Value = int64(surplus - fee)
	if err := btctest.VerifyTx(tx, prev); err != nil {
		t.Fatalf("the user's signature no longer verifies with the tower's output: %v", err)
	}
	// Output 0 is committed: touching it breaks the signature.
	bad := tx.Copy()
	bad.TxOut[0].Value--
	if err := btctest.VerifyTx(bad, prev); err == nil {
		t.Fatal("justice still verifies with output 0 changed")
	}

	// Broadcast at the low rate first, then replace it (BIP 125: the input
	// signals with nSequence 0xfffffffd) with a smaller tower output and a
	// higher fee, as a tower bumping toward the deadline would.
	first := n.Broadcast(t, tx)
	bumped := signed.Copy()
	bumped.AddTxOut(wire.NewTxOut(0, n.MiningScript))
	bumpFee := btcutil.Amount(btctest.VSize(bumped) * 10 * feeRate)
	bumped.TxOut[1].Value = int64(surplus - bumpFee)
	if err := btctest.VerifyTx(bumped, prev); err != nil {
		t.Fatalf("bumped: %v", err)
	}
	n.Broadcast(t, bumped)
	pool, err := n.Client.GetRawMempool()
	if err != nil {
		t.Fatal(err)
	}
	if len(pool) != 1 || *pool[0] != bumped.TxHash() {
		t.Fatalf("mempool after the replacement: %v; want only %s (replaced %s)", pool, bumped.TxHash(), first)
	}
	firstFee := fee
	tx, fee = bumped, bumpFee

	block := n.Generate(t, 1)[0]
	txid := tx.TxHash()
	if !n.BlockHasTx(t, block, &txid) {
		t.Fatalf("block %s does not hold the bumped justice %s", block, txid)
	}
	if txid == signed.TxHash() {
		t.Fatal("the broadcast transaction is the user's own")
	}
	mined, err := n.Client.GetRawTransaction(&txid)
	if err != nil {
		t.Fatal(err)
	}
	got := mined.MsgTx()
	if len(got.TxOut) != 2 {
		t.Fatalf("%d outputs mined", len(got.TxOut))
	}
	if !sameOut(got.TxOut[0], signed.TxOut[0]) {
		t.Fatalf("victim's output changed: %d %x, signed %d %x", got.TxOut[0].Value, got.TxOut[0].PkScript, signed.TxOut[0].Value, signed.TxOut[0].PkScript)
	}
	if got.TxOut[1].Value != int64(surplus-fee) || !bytes.Equal(got.TxOut[1].PkScript, n.MiningScript) {
		t.Fatalf("tower's output %d %x, want %d to the mining key", got.TxOut[1].Value, got.TxOut[1].PkScript, surplus-fee)
	}
	if !bytes.Equal(got.TxIn[0].Witness[0], signed.TxIn[0].Witness[0]) {
		t.Fatal("the user's signature was changed")
	}
	t.Logf("bounty: surplus %d sat on %d vB; fee %d sat, replaced by fee %d sat; mined tower output %d sat",
		surplus, btctest.VSize(tx), firstFee, fee, surplus-fee)
}

// prevOuts maps the to_local outpoint of commit to its output.
func prevOuts(commit *wire.MsgTx, st *lntest.State) map[wire.OutPoint]*wire.TxOut {
	return map[wire.OutPoint]*wire.TxOut{
		{Hash: commit.TxHash(), Index: uint32(st.ToLocalIndex)}: commit.TxOut[st.ToLocalIndex],
	}
}

func sameOut(a, b *wire.TxOut) bool {
	return a.Value == b.Value && bytes.Equal(a.PkScript, b.PkScript)
}
