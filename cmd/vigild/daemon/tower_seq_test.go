package daemon_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// TestTowerReplayRefused: a client's first appointment for a commitment
// carries a broken blob; it sends a fixed one with a higher seq. Anyone can
// copy the old one (it was posted in the public room) and send it again,
// over REST or in the room: vigil refuses it with stale_sequence (409 over
// REST; no receipt in the room), counts it under that reason in the
// watchtower's and the room's figures, and keeps the newer one. An equal
// seq with other content is refused the same way; the identical newer one
// sent again is accepted (idempotent). When the breach comes, the justice
// transaction of the newest appointment is broadcast and mined.
func TestTowerReplayRefused(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	payout, payoutScript := payoutAddress(t)
	v := roomVigilTower(t, chain, hs, alias, btc, payout)
	b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	waitProcessed(t, v, btc.Height(t))

	user, _ := btcec.NewPrivateKey()
	version := func(seq uint64, blob []byte, reward uint64) tower.Appointment {
		a := b.appt
		a.Seq, a.EncryptedBlob, a.RewardSat = seq, blob, reward
		if err := a.Sign(user); err != nil {
			t.Fatal(err)
		}
		return a
	}
	junk := make([]byte, 300)
	_, _ = rand.Read(junk)
	broken := version(1, seal(t, junk, b.commit.TxHash()), 20_000) // decrypts to no transaction
	fixed := version(2, b.appt.EncryptedBlob, 20_000)
	put := func(a tower.Appointment) (int, map[string]any) {
		return v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(a)))
	}
	for _, a := range []tower.Appointment{broken, fixed} {
		if code, body := put(a); code != http.StatusCreated {
			t.Fatalf("PUT seq %d: %d %v", a.Seq, code, body)
		}
	}
	// Over REST: the replay, and other content at the same seq.
	for name, a := range map[string]tower.Appointment{"replay of seq 1": broken, "other content at seq 2": version(2, b.appt.EncryptedBlob, 30_000)} {
		if code, body := put(a); code != http.StatusConflict || body["error"] != string(monitor.ReasonStaleSequence) {
			t.Fatalf("PUT %s: %d %v, want 409 stale_sequence", name, code, body)
		}
	}
	if code, body := put(fixed); code != http.StatusCreated {
		t.Fatalf("PUT the stored seq 2 again: %d %v, want 201", code, body)
	}

	// In the room: the replay gets no receipt; a newer one does; a replay
	// of the previous one is refused again.
	client := newRoomClient(t, hs, "mallory", alias)
	client.post(matrixbus.TypeAppointment, tower.EncodeAppointment(broken))
	ethtest.Eventually(t, defaultWait, "the room replay refused", func() bool {
		return v.stats().Lightning.RejectedByReason[string(monitor.ReasonStaleSequence)] == 3
	})
	newest := version(3, b.appt.EncryptedBlob, 25_000)
	verifyTowerReceipt(t, client.waitReceipt(client.post(matrixbus.TypeAppointment, tower.EncodeAppointment(newest)), defaultWait), newest)
	client.post(matrixbus.TypeAppointment, tower.EncodeAppointment(fixed))
	ethtest.Eventually(t, defaultWait, "the second room replay refused", func() bool {
		return v.stats().Lightning.RejectedByReason[string(monitor.ReasonStaleSequence)] == 4
	})
	st := v.stats()
	if st.Matrix.RejectedBy[string(monitor.ReasonStaleSequence)] != 2 || st.Lightning.AppointmentsStored != 1 {
		t.Fatalf("room rejections %v, stored %d", st.Matrix.RejectedBy, st.Lightning.AppointmentsStored)
	}
	locHex := hex.EncodeToString(b.appt.Locator[:])
	code, body := v.do(http.MethodGet, "/api/1/appointments/"+locHex+"?blobs=1", nil)
	list, _ := body["appointments"].([]any)
	if code != http.StatusOK || len(list) != 1 {
		t.Fatalf("GET appointments: %d %v", code, body)
	}
	if got := list[0].(map[string]any); got["seq"] != "3" || got["reward_sat"] != "25000" || got["user_signature"] != newest.UserSignature {
		t.Fatalf("stored appointment: %v", got)
	}

	// The breach: the newest appointment's justice transaction is sent and
	// mined, the victim's output as signed.
	btc.Broadcast(t, b.commit)
	btc.Generate(t, 1)
	justice := waitSpender(t, btc, b.commit.TxHash())
	jid := justice.TxHash()
	if !btc.BlockHasTx(t, btc.Generate(t, 1)[0], &jid) {
		t.Fatal("the justice transaction was not mined")
	}
	if got := justice.TxOut[0]; got.Value != b.victimOut.Value || !bytes.Equal(got.PkScript, b.victimOut.PkScript) ||
		len(justice.TxOut) != 2 || !bytes.Equal(justice.TxOut[1].PkScript, payoutScript) {
		t.Fatalf("justice outputs: %v", justice.TxOut)
	}
	var rec map[string]any
	ethtest.Eventually(t, defaultWait, "the justice record", func() bool {
		rs := justiceRecords(t, v, "")
		if len(rs) == 1 {
			rec = rs[0]
		}
		return rec != nil
	})
	if rec["txid"] != jid.String() || rec["promised_sat"] != "25000" || rec["outcome"] == string(tower.JusticeFailed) {
		t.Fatalf("justice record: %v", rec)
	}
}
