package daemon_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// appointmentWith re-seals base's locator with another blob, signed by a
// fresh user key.
func appointmentWith(t *testing.T, base tower.Appointment, blob []byte, reward uint64) tower.Appointment {
	t.Helper()
	a := base
	a.EncryptedBlob, a.RewardSat = blob, reward
	k, _ := btcec.NewPrivateKey()
	if err := a.Sign(k); err != nil {
		t.Fatal(err)
	}
	return a
}

func seal(t *testing.T, plain []byte, txid chainhash.Hash) []byte {
	t.Helper()
	b, err := lncrypto.Encrypt(lncrypto.CipherChaCha20Poly1305, plain, txid)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func serialize(t *testing.T, tx *wire.MsgTx) []byte {
	var b bytes.Buffer
	if err := tx.Serialize(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestTowerBadBlobsRecorded: for one breach, appointments with a blob under
// the wrong key, a truncated blob, a blob that is not a transaction and one
// whose transaction does not spend the breach are each recorded with their
// reason; one whose real surplus is below its promised reward is still
// answered (bounty recorded with surplus_below_reward). A second breach
// whose justice is signed SIGHASH_ALL is broadcast as signed, without a
// bounty. The daemon keeps going throughout.
func TestTowerBadBlobsRecorded(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, _ := payoutAddress(t)
	v := towerVigil(t, chain, btc, vigilOpts{key: chain.Keys[0], conf: 1}, payout)

	tip := uint32(btc.Height(t)) + 2 // two funding blocks below
	b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, tip, 20_000)
	all := newBreach(t, btc, lntest.SighashAll, tip, 20_000)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	txid := b.commit.TxHash()
	justice := serialize(t, b.justice)
	junk := make([]byte, 300)
	_, _ = rand.Read(junk)
	other := all.justice // a valid transaction, spending another breach
	sealed := seal(t, justice, txid)
	cases := []struct {
		appt   tower.Appointment
		reason monitor.Reason
	}{
		{appointmentWith(t, b.appt, seal(t, justice, chainhash.Hash{1}), 20_000), monitor.ReasonDecryptFailed},
		{appointmentWith(t, b.appt, sealed[:len(sealed)-40], 20_000), monitor.ReasonDecryptFailed},
		{appointmentWith(t, b.appt, seal(t, junk, txid), 20_000), monitor.ReasonNotATransaction},
		{appointmentWith(t, b.appt, seal(t, serialize(t, other), txid), 20_000), monitor.ReasonDoesNotSpendBreach},
		// Surplus is 25,000 sat: promising 30,000 is an overstatement.
		{appointmentWith(t, b.appt, sealed, 30_000), monitor.ReasonSurplusBelowReward},
	}
	for _, c := range append(cases, struct {
		appt   tower.Appointment
		reason monitor.Reason
	}{all.appt, monitor.ReasonNoBounty}) {
		if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(c.appt))); code != 201 {
			t.Fatalf("PUT appointment (%s): %d %v", c.reason, code, body)
		}
	}

	btc.Broadcast(t, b.commit)
	btc.Broadcast(t, all.commit)
	btc.Generate(t, 1)
	var records []any
	ethtest.Eventually(t, defaultWait, "six justice records", func() bool {
		code, body := v.do(http.MethodGet, "/api/1/justice", nil)
		if code != 200 {
			return false
		}
		records, _ = body["justice"].([]any)
		return len(records) >= 6
	})
	got := map[string]string{}
	for _, r := range records {
		m := r.(map[string]any)
		reason, _ := m["reason"].(string)
		got[reason] = m["outcome"].(string)
	}
	for _, c := range cases[:4] {
		if got[string(c.reason)] != string(tower.JusticeFailed) {
			t.Errorf("%s: outcome %q, want failed (records %v)", c.reason, got[string(c.reason)], got)
		}
	}
	if got["surplus_below_reward"] != "broadcast" || got["no_bounty"] != "broadcast" {
		t.Fatalf("valid justice transactions not broadcast: %v", got)
	}
	// The SIGHASH_ALL justice goes out exactly as signed.
	var sent *wire.MsgTx
	ethtest.Eventually(t, defaultWait, "the SIGHASH_ALL justice in the mempool", func() bool {
		sent = spenderInMempool(t, btc, all.commit.TxHash())
		return sent != nil
	})
	if sent.TxHash() != all.justice.TxHash() {
		t.Fatal("a SIGHASH_ALL justice transaction was changed")
	}
	problems := v.stats().Lightning.JusticeProblems
	for _, r := range []monitor.Reason{monitor.ReasonDecryptFailed, monitor.ReasonNotATransaction, monitor.ReasonDoesNotSpendBreach, monitor.ReasonSurplusBelowReward} {
		if problems[string(r)] == 0 {
			t.Errorf("problem %s not counted: %v", r, problems)
		}
	}
	if code, _ := v.do(http.MethodGet, "/healthz", nil); code != 200 {
		t.Fatal("daemon unhealthy")
	}
}
