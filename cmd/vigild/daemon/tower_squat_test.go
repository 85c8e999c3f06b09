package daemon_test

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// squatJunk is what a cheater who knows the txid of his revoked commitment
// can seal under it: transactions spending the breach's to_local (with a
// forged revocation signature, or through his own delayed path, which
// verifies but is not final until to_self_delay blocks after the breach),
// each also paying the tower's payout script, garbage, a blob under
// another key, and a transaction spending something else.
type squatJunk struct {
	blob   []byte
	reason monitor.Reason
}

// cheaterJunk returns n junk blobs for b's breach, in the mix above.
func cheaterJunk(t *testing.T, b *breachSetup, payoutScript []byte, n int) []squatJunk {
	t.Helper()
	st := b.ch.State(t, b.commit)
	txid := b.commit.TxHash()
	prev := b.commit.TxOut[st.ToLocalIndex]
	fetcher := txscript.NewCannedPrevOutputFetcher(prev.PkScript, prev.Value)
	cheaterKey, _ := btcec.NewPrivateKey()
	spend := func(i int, seq uint32) *wire.MsgTx {
		tx := wire.NewMsgTx(2)
		in := wire.NewTxIn(&wire.OutPoint{Hash: txid, Index: uint32(st.ToLocalIndex)}, nil, nil)
		in.Sequence = seq
		tx.AddTxIn(in)
		tx.AddTxOut(wire.NewTxOut(prev.Value-30_000-int64(i), lntest.P2WPKH(cheaterKey.PubKey())))
		tx.AddTxOut(wire.NewTxOut(20_000, payoutScript)) // "pays the bounty"
		return tx
	}
	sign := func(tx *wire.MsgTx, key *btcec.PrivateKey) []byte {
		sig, err := txscript.RawTxInWitnessSignature(tx, txscript.NewTxSigHashes(tx, fetcher), 0, prev.Value,
			st.ToLocalScript, txscript.SigHashSingle|txscript.SigHashAnyOneCanPay, key)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	var out []squatJunk
	for i := range n {
		var j squatJunk
		switch i % 10 {
		case 0, 1, 2, 3: // the revocation path with a signature by a key of his own
			tx := spend(i, wire.MaxTxInSequenceNum-2)
			forger, _ := btcec.NewPrivateKey()
			tx.TxIn[0].Witness = wire.TxWitness{sign(tx, forger), {1}, st.ToLocalScript}
			j = squatJunk{seal(t, serialize(t, tx), txid), monitor.ReasonBadSignature}
		case 4, 5: // his own delayed path: a valid script, not final yet
			tx := spend(i, uint32(b.ch.ToSelfDelay))
			tx.TxIn[0].Witness = wire.TxWitness{sign(tx, st.DelayedKey), nil, st.ToLocalScript}
			if err := btctest.VerifyTx(tx, map[wire.OutPoint]*wire.TxOut{tx.TxIn[0].PreviousOutPoint: prev}); err != nil {
				t.Fatalf("the cheater's delayed spend does not verify: %v", err)
			}
			j = squatJunk{seal(t, serialize(t, tx), txid), monitor.ReasonNotFinal}
		case 6, 7: // garbage
			junk := make([]byte, 200+i)
			_, _ = rand.Read(junk)
			j = squatJunk{seal(t, junk, txid), monitor.ReasonNotATransaction}
		case 8: // sealed under another txid
			j = squatJunk{seal(t, serialize(t, b.justice), chainhash.Hash{byte(i)}), monitor.ReasonDecryptFailed}
		case 9: // spends something else
			tx := spend(i, wire.MaxTxInSequenceNum-2)
			tx.TxIn[0].PreviousOutPoint.Hash = chainhash.Hash{byte(i)}
			tx.TxIn[0].Witness = wire.TxWitness{{1}, {1}, st.ToLocalScript}
			j = squatJunk{seal(t, serialize(t, tx), txid), monitor.ReasonDoesNotSpendBreach}
		}
		out = append(out, j)
	}
	return out
}

// TestTowerLocatorSquatting: the cheater, who knows the txid of his revoked
// commitment, fills its locator with 50 junk appointments under 50 fresh
// keys before the victim's client sends its appointment, 12 of them
// spending the breach's to_local and paying the tower's payout script. The
// victim's appointment is still accepted; when the breach is mined vigild
// broadcasts the victim's justice transaction, with its bounty to vigild's
// payout, and it is mined; every junk appointment is recorded failed, once,
// counted by reason in /api/1/stats and /metrics, and the attack is logged
// at error. With the SQLite store and with PostgreSQL.
func TestTowerLocatorSquatting(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testLocatorSquatting(t, "") })
	t.Run("postgres", func(t *testing.T) { testLocatorSquatting(t, pgtest.Shared(t).NewDatabase(t)) })
}

func testLocatorSquatting(t *testing.T, storeURL string) {
	const junkCount = 50
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, payoutScript := payoutAddress(t)
	logs := &logBuffer{}
	v := towerVigil(t, chain, btc, vigilOpts{key: chain.Keys[0], conf: 1, logs: logs, storeURL: storeURL}, payout)

	b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	junk := cheaterJunk(t, b, payoutScript, junkCount)
	want := map[monitor.Reason]int64{}
	for i, j := range junk {
		a := appointmentWith(t, b.appt, j.blob, 20_000)
		if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(a))); code != 201 {
			t.Fatalf("PUT junk appointment %d (%s): %d %v", i, j.reason, code, body)
		}
		want[j.reason]++
	}
	// The victim comes last, to a locator holding 50 appointments.
	if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b.appt))); code != 201 {
		t.Fatalf("the victim's appointment refused on a squatted locator: %d %v", code, body)
	}

	btc.Broadcast(t, b.commit)
	btc.Generate(t, 1)
	var justice *wire.MsgTx
	ethtest.Eventually(t, defaultWait, "the victim's justice transaction in the mempool", func() bool {
		justice = spenderInMempool(t, btc, b.commit.TxHash())
		return justice != nil
	})
	if len(justice.TxOut) != 2 || justice.TxOut[0].Value != b.victimOut.Value ||
		string(justice.TxOut[0].PkScript) != string(b.victimOut.PkScript) ||
		string(justice.TxOut[1].PkScript) != string(payoutScript) || justice.TxOut[1].Value <= 0 {
		t.Fatalf("broadcast %s is not the victim's justice with vigil's bounty: %+v", justice.TxHash(), justice.TxOut)
	}
	jid := justice.TxHash()
	if !btc.BlockHasTx(t, btc.Generate(t, 1)[0], &jid) {
		t.Fatal("the victim's justice transaction was not mined")
	}
	waitProcessed(t, v, btc.Height(t))

	// Every junk appointment: one failed record with its reason.
	var records []any
	ethtest.Eventually(t, defaultWait, "a record per appointment", func() bool {
		code, body := v.do(http.MethodGet, "/api/1/justice?limit=1000", nil)
		records, _ = body["justice"].([]any)
		return code == 200 && len(records) >= junkCount+1
	})
	got := map[monitor.Reason]int64{}
	var sent int
	for _, r := range records {
		m := r.(map[string]any)
		switch m["outcome"] {
		case string(tower.JusticeFailed):
			got[monitor.Reason(m["reason"].(string))]++
		case string(tower.JusticeBroadcast), string(tower.JusticeConfirmed):
			sent++
		default:
			t.Errorf("unexpected record %v", m)
		}
	}
	if len(records) != junkCount+1 || sent != 1 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("records: %d, %d sent, failed by reason %v; want %d, 1 sent, %v", len(records), sent, got, junkCount+1, want)
	}
	// The stats may trail the records (with PostgreSQL they are the shared
	// counters, flushed in the background).
	var l monitor.LightningStats
	ethtest.Eventually(t, defaultWait, "the junk counted in the stats", func() bool {
		l = v.stats().Lightning
		var n int64
		for _, c := range l.JusticeProblems {
			n += c
		}
		return n >= junkCount && l.BreachesSeen >= 1 && l.AppointmentsStored >= junkCount+1
	})
	for r, n := range want {
		if l.JusticeProblems[string(r)] != n {
			t.Errorf("justice_problems[%s] = %d, want %d (%v)", r, l.JusticeProblems[string(r)], n, l.JusticeProblems)
		}
	}
	if l.BreachesSeen != 1 || l.JusticeBroadcast != 1 || l.AppointmentsStored != junkCount+1 {
		t.Errorf("lightning stats: breaches %d, broadcast %d, stored %d", l.BreachesSeen, l.JusticeBroadcast, l.AppointmentsStored)
	}
	metrics := getText(t, v, "/metrics")
	for r, n := range want {
		if line := fmt.Sprintf(`vigil_ln_justice_problems_total{reason=%q} %d`, r, n); !strings.Contains(metrics, line) {
			t.Errorf("/metrics lacks %s", line)
		}
	}
	if got := logs.lines("ERROR", "junk on a breached locator"); len(got) != 1 || !strings.Contains(got[0], fmt.Sprintf("junk=%d", junkCount)) {
		t.Errorf("error log of the squatting: %q", got)
	}
}
