package lntest_test

import (
	"bytes"
	"testing"

	"github.com/btcsuite/btcd/btcutil/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
)

// TestCoreWithoutTB builds a channel, a breach and its justice with the
// error-returning core, funded by CoinbaseFunder from the node's mining key
// over plain RPC, as scripts/demo does.
func TestCoreWithoutTB(t *testing.T) {
	n := btctest.Start(t)
	n.Generate(t, btctest.CoinbaseMaturity+1)
	f := &lntest.CoinbaseFunder{Node: n.Client, Key: n.MiningKey}

	if _, err := lntest.NewChannel(f, 0, 144); err == nil {
		t.Fatal("a zero-capacity channel was made")
	}
	ch, err := lntest.NewChannel(f, 1_000_000, 144)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Node != nil || !bytes.Equal(ch.FundingOutput.PkScript, lntest.P2WSH(ch.FundingScript)) {
		t.Fatalf("funding output %x", ch.FundingOutput.PkScript)
	}
	utxo, err := n.Client.GetTxOut(&ch.Funding.Hash, ch.Funding.Index, false)
	if err != nil || utxo == nil || utxo.Confirmations != 1 {
		t.Fatalf("funding output %v: %+v %v", ch.Funding, utxo, err)
	}
	// A second funding spends another coinbase.
	if _, _, err := f.Fund(n.MiningScript, 50_000); err != nil {
		t.Fatal(err)
	}

	if _, err := ch.BuildCommitment(1, 1, 1); err == nil {
		t.Fatal("a commitment not adding up to the capacity was built")
	}
	revoked, err := ch.BuildCommitment(700_000, 297_000, 3_000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.BuildCommitment(400_000, 597_000, 3_000); err != nil {
		t.Fatal(err)
	}
	st, err := ch.StateOf(revoked)
	if err != nil {
		t.Fatal(err)
	}
	if st.Number != 0 { // the refused commitment used no number
		t.Fatalf("revoked state number %d", st.Number)
	}
	if _, err := ch.BuildJustice(revoked, n.MiningScript, lntest.SighashAll, st.ToLocal+1); err == nil {
		t.Fatal("a justice output above to_local was signed")
	}
	justice, err := ch.BuildJustice(revoked, n.MiningScript, lntest.SighashAll, st.ToLocal-btcutil.Amount(1_000))
	if err != nil {
		t.Fatal(err)
	}
	n.MineTx(t, revoked)
	n.MineTx(t, justice)
}
