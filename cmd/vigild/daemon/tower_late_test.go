package daemon_test

import (
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// TestTowerLateAppointment: the breach is mined (and vigil has handled its
// block and the next) before the client's appointment arrives. vigil
// answers at once from its window of recent blocks: the justice
// transaction is sent and mined, the record names the breach's block. In
// the second case vigil was restarted after handling the breach's block:
// the window is rebuilt at start, and the answer is the same.
func TestTowerLateAppointment(t *testing.T) {
	for _, restart := range []bool{false, true} {
		name := "running"
		if restart {
			name = "after_restart"
		}
		t.Run(name, func(t *testing.T) {
			chain := ethtest.New(t, 1)
			btc := btctest.Start(t)
			btc.Generate(t, 101)
			payout, _ := payoutAddress(t)
			o := vigilOpts{key: chain.Keys[0], conf: 1, dataDir: t.TempDir()}
			v := towerVigil(t, chain, btc, o, payout)
			b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
			btc.Broadcast(t, b.commit)
			btc.Generate(t, 1)
			h := btc.Height(t)
			btc.Generate(t, 1)
			waitProcessed(t, v, h+1)
			if restart {
				v.stop()
				v = towerVigil(t, chain, btc, o, payout)
				waitProcessed(t, v, h+1)
			}
			if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b.appt))); code != http.StatusCreated {
				t.Fatalf("PUT appointment: %d %v", code, body)
			}
			justice := waitSpender(t, btc, b.commit.TxHash())
			jid := justice.TxHash()
			if !btc.BlockHasTx(t, btc.Generate(t, 1)[0], &jid) {
				t.Fatal("the late justice transaction was not mined")
			}
			rs := justiceRecords(t, v, "")
			if len(rs) != 1 || rs[0]["txid"] != jid.String() || rs[0]["breach_block"] != itoa(h) {
				t.Fatalf("justice records: %v", rs)
			}
			if l := v.stats().Lightning; l.BreachesSeen != 1 || l.JusticeBroadcast != 1 {
				t.Fatalf("lightning stats: %+v", l)
			}
		})
	}
}

// TestTowerExpiryExact: an appointment leaves the store, the stored figure
// and the locator index once its end_block has passed, without a restart;
// its breach mined later is not answered and not counted. A breach matched
// by two users' appointments counts once.
func TestTowerExpiryExact(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, _ := payoutAddress(t)
	v := towerVigil(t, chain, btc, vigilOpts{key: chain.Keys[0], conf: 1}, payout)
	tip := uint32(btc.Height(t)) + 2 // the two funding blocks
	short, long := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, tip, 20_000), newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, tip, 20_000)
	waitProcessed(t, v, btc.Height(t))
	shortAppt := short.appt
	shortAppt.EndBlock = shortAppt.StartBlock + 2
	k, _ := btcec.NewPrivateKey()
	if err := shortAppt.Sign(k); err != nil {
		t.Fatal(err)
	}
	// A second user on the long one's breach, with a blob that does not
	// decrypt: a second (failed) record for the same breach.
	other := appointmentWith(t, long.appt, seal(t, serialize(t, long.justice), chainhash.Hash{1}), 20_000)
	for _, a := range []tower.Appointment{shortAppt, long.appt, other} {
		if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(a))); code != http.StatusCreated {
			t.Fatalf("PUT appointment: %d %v", code, body)
		}
	}
	if n := v.stats().Lightning.AppointmentsStored; n != 3 {
		t.Fatalf("stored %d, want 3", n)
	}
	// Past end_block + 1.
	for uint32(btc.Height(t)) <= shortAppt.EndBlock {
		btc.Generate(t, 1)
	}
	waitProcessed(t, v, btc.Height(t))
	ethtest.Eventually(t, defaultWait, "the expired appointment out of the figures", func() bool {
		return v.stats().Lightning.AppointmentsStored == 2
	})
	shortLoc := hex.EncodeToString(shortAppt.Locator[:])
	if code, body := v.do(http.MethodGet, "/api/1/appointments/"+shortLoc, nil); code != http.StatusNotFound {
		t.Fatalf("expired appointment still listed: %d %v", code, body)
	}

	btc.Broadcast(t, short.commit)
	btc.Broadcast(t, long.commit)
	btc.Generate(t, 1)
	h := btc.Height(t)
	justice := waitSpender(t, btc, long.commit.TxHash())
	jid := justice.TxHash()
	if !btc.BlockHasTx(t, btc.Generate(t, 1)[0], &jid) {
		t.Fatal("the justice transaction was not mined")
	}
	waitProcessed(t, v, h+1)
	if s := chainSpenders(t, btc, h, short.commit.TxHash()); len(s) != 0 {
		t.Fatal("the expired appointment was answered")
	}
	rs := justiceRecords(t, v, "")
	if len(rs) != 2 {
		t.Fatalf("%d justice records, want the long breach's two: %v", len(rs), rs)
	}
	for _, r := range rs {
		if r["breach_txid"] != long.commit.TxHash().String() {
			t.Fatalf("a record for another breach: %v", r)
		}
	}
	l := v.stats().Lightning
	if l.BreachesSeen != 1 || l.JusticeBroadcast != 1 || l.AppointmentsStored != 2 || l.JusticeProblems[string(monitor.ReasonDecryptFailed)] != 1 {
		t.Fatalf("lightning stats: %+v", l)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
