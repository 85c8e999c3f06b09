package daemon_test

import (
	"net/http"
	"testing"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// TestRoomAndRESTAppointmentReceiptsSameShape: an appointment's receipt
// posted in the room and the answer to PUT /api/1/appointments for the same
// appointment are one object: the same keys (the room adds only
// for_event_id) and values (start_block and its signature only if the tip
// moved in between), and both verify.
func TestRoomAndRESTAppointmentReceiptsSameShape(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	payout, _ := payoutAddress(t)
	v := roomVigilTower(t, chain, hs, alias, btc, payout)
	b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	client := newRoomClient(t, hs, "alice", alias)
	room := client.waitReceipt(client.post(matrixbus.TypeAppointment, tower.EncodeAppointment(b.appt)), defaultWait)
	code, rest := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b.appt)))
	if code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, rest)
	}
	verifyTowerReceipt(t, room, b.appt)
	verifyTowerReceipt(t, rest, b.appt)
	sameTip := room["start_block"] == rest["start_block"]
	for k, rv := range room {
		if k == "for_event_id" || (!sameTip && (k == "start_block" || k == "signature")) {
			continue
		}
		if got, ok := rest[k]; !ok || got != rv {
			t.Errorf("receipt field %q: room %v, REST %v (present %v)", k, rv, got, ok)
		}
	}
	for k := range rest {
		if _, ok := room[k]; !ok {
			t.Errorf("REST answer has %q, the room receipt does not", k)
		}
	}
	if len(room) != len(rest)+1 || room["kind"] != "ln_appointment" {
		t.Fatalf("room %v\nREST %v", room, rest)
	}
}
