package daemon_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// TestReplicasHotIndex: two replicas with the watchtower share one
// database; a leads the bitcoin role, b follows. Every replica loads its
// locator index once, at start, and then reads only what changed.
//
//   - An appointment with a broken blob, then its replacement (a higher
//     seq, the right blob), both accepted through b's REST: a's next
//     breach block is matched and answered with the replacement's justice
//     transaction, once.
//   - An appointment accepted through b that expires (a deletes it) before
//     its breach is mined: nobody answers the breach.
//   - An appointment accepted through the leader a reaches b's index in the
//     background; a dies before its breach; b takes the role and answers
//     the breach in the first block it handles. Neither replica rebuilt its
//     index after its start.
func TestReplicasHotIndex(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, payoutScript := payoutAddress(t)
	var logsA, logsB logBuffer
	o := vigilOpts{key: chain.Keys[0], conf: 1, storeURL: dbURL, leaseCheck: replicaLeaseCheck, logs: &logsA}
	a := towerVigil(t, chain, btc, o, payout)
	ethtest.Eventually(t, defaultWait, "a to lead bitcoin", func() bool { return a.leads("bitcoin") })
	o.logs = &logsB
	b := towerVigil(t, chain, btc, o, payout)
	waitProcessed(t, a, btc.Height(t))
	put := func(v *vigil, ap tower.Appointment) {
		t.Helper()
		if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(ap))); code != http.StatusCreated {
			t.Fatalf("PUT appointment (seq %d): %d %v", ap.Seq, code, body)
		}
	}
	// justiceOnce mines bs's breach and waits for one justice transaction
	// with the victim's output as signed and the bounty, mined next.
	justiceOnce := func(v *vigil, bs *breachSetup) {
		t.Helper()
		btc.Broadcast(t, bs.commit)
		btc.Generate(t, 1)
		justice := waitSpender(t, btc, bs.commit.TxHash())
		jid := justice.TxHash()
		if !btc.BlockHasTx(t, btc.Generate(t, 1)[0], &jid) {
			t.Fatal("the justice transaction is not in the next block")
		}
		if len(justice.TxOut) != 2 || justice.TxOut[0].Value != bs.victimOut.Value ||
			!bytes.Equal(justice.TxOut[0].PkScript, bs.victimOut.PkScript) || !bytes.Equal(justice.TxOut[1].PkScript, payoutScript) {
			t.Fatalf("justice outputs: %v, want the victim's as signed and the bounty", justice.TxOut)
		}
		waitProcessed(t, v, btc.Height(t))
		if rec := recordFor(t, justiceRecords(t, v, ""), bs.commit.TxHash()); rec["txid"] != jid.String() {
			t.Fatalf("justice record %v, want the mined %s", rec, jid)
		}
	}

	// 1. Accepted and replaced through the follower, matched by the leader.
	b1 := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	user, _ := btcec.NewPrivateKey()
	version := func(bs *breachSetup, seq uint64, blob []byte) tower.Appointment {
		ap := bs.appt
		ap.Seq, ap.EncryptedBlob = seq, blob
		if err := ap.Sign(user); err != nil {
			t.Fatal(err)
		}
		return ap
	}
	junk := make([]byte, 300)
	_, _ = rand.Read(junk)
	put(b, version(b1, 1, seal(t, junk, b1.commit.TxHash()))) // decrypts to no transaction
	put(b, version(b1, 2, b1.appt.EncryptedBlob))
	justiceOnce(a, b1)

	// 2. Accepted through the follower, expired before its breach.
	b2 := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	short := b2.appt
	short.EndBlock = short.StartBlock + 1
	if err := short.Sign(user); err != nil {
		t.Fatal(err)
	}
	put(b, short)
	btc.Generate(t, 3) // past end_block: the leader expires it
	waitProcessed(t, a, btc.Height(t))
	ethtest.Eventually(t, defaultWait, "the expiry in the stats: one appointment stored, the replaced one", func() bool {
		return a.stats().Lightning.AppointmentsStored == 1
	})
	btc.Broadcast(t, b2.commit)
	btc.Generate(t, 2)
	waitProcessed(t, a, btc.Height(t))
	if tx := spenderInMempool(t, btc, b2.commit.TxHash()); tx != nil {
		t.Fatalf("%s answers the breach of an expired appointment", tx.TxHash())
	}
	if n := len(justiceRecords(t, a, "")); n != 1 {
		t.Fatalf("%d justice records, want the first breach's only", n)
	}

	// 3. Accepted through the leader; the follower reads it in the
	// background, takes over and matches its breach.
	b3 := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	put(a, b3.appt)
	before := len(logsB.lines("DEBUG", "locator index refreshed"))
	ethtest.Eventually(t, defaultWait, "the follower to read the leader's appointment", func() bool {
		return len(logsB.lines("DEBUG", "locator index refreshed")) > before
	})
	oldTerm := a.term("bitcoin")
	roles := len(a.stats().Replica.Roles)
	if n := cutOff(t, dbURL); n != roles {
		t.Fatalf("ended %d lease sessions, want the leader's %d", n, roles)
	}
	a.stop()
	ethtest.Eventually(t, defaultWait, "b to take bitcoin", func() bool { return b.term("bitcoin") > oldTerm })
	justiceOnce(b, b3)
	for name, logs := range map[string]*logBuffer{"a": &logsA, "b": &logsB} {
		if n := len(logs.lines("INFO", "locator index rebuilt")); n != 1 {
			t.Errorf("replica %s rebuilt its locator index %d times, want once, at start", name, n)
		}
	}
}
