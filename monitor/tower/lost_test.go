package tower

import (
	"bytes"
	"testing"

	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
)

// TestLostReason: a spend of a breach output is another justice
// transaction when it takes the same path through the output's script as
// ours (whoever signed it, with whatever sighash), and the cheater's
// otherwise. The witnesses are BOLT 3's.
func TestLostReason(t *testing.T) {
	toLocal := bytes.Repeat([]byte{0x63}, 79) // stands for the to_local witness script
	htlc := bytes.Repeat([]byte{0x76}, 133)   // stands for an offered HTLC's script
	sig := func(b byte) []byte { return append(bytes.Repeat([]byte{b}, 71), 0x83) }
	revocationPub := bytes.Repeat([]byte{0x02}, 33)
	preimage := bytes.Repeat([]byte{0x11}, 32)
	for _, c := range []struct {
		name         string
		ours, theirs wire.TxWitness
		want         monitor.Reason
	}{
		{"to_local: another signature on the revocation path", wire.TxWitness{sig(1), {1}, toLocal}, wire.TxWitness{sig(2), {1}, toLocal}, monitor.ReasonSpentByJustice},
		{"to_local: the same transaction's witness", wire.TxWitness{sig(1), {1}, toLocal}, wire.TxWitness{sig(1), {1}, toLocal}, monitor.ReasonSpentByJustice},
		{"to_local: the delayed path", wire.TxWitness{sig(1), {1}, toLocal}, wire.TxWitness{sig(3), {}, toLocal}, monitor.ReasonSpentByCheater},
		{"HTLC: revocation by another", wire.TxWitness{sig(1), revocationPub, htlc}, wire.TxWitness{sig(4), revocationPub, htlc}, monitor.ReasonSpentByJustice},
		{"HTLC: second stage with the preimage", wire.TxWitness{sig(1), revocationPub, htlc}, wire.TxWitness{{}, sig(5), sig(6), preimage, htlc}, monitor.ReasonSpentByCheater},
		{"HTLC: second stage after the timeout", wire.TxWitness{sig(1), revocationPub, htlc}, wire.TxWitness{{}, sig(5), sig(6), {}, htlc}, monitor.ReasonSpentByCheater},
		{"another script", wire.TxWitness{sig(1), {1}, toLocal}, wire.TxWitness{sig(1), {1}, htlc}, monitor.ReasonSpentByCheater},
		{"no witness (not segwit)", wire.TxWitness{sig(1), {1}, toLocal}, nil, monitor.ReasonSpentByCheater},
		{"ours has no path to compare", wire.TxWitness{sig(1)}, wire.TxWitness{sig(1)}, monitor.ReasonSpentByCheater},
	} {
		if got := lostReason(c.ours, c.theirs); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
