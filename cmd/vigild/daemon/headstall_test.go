package daemon_test

import (
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/gethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// The head-stall tests run vigild against nodes that make blocks only on
// demand (geth --dev.period 0, btcd regtest), with a short stall_after:
// while no block is made the node looks exactly like one cut off from its
// peers on the right chain.
const (
	testStallAfter  = 2 * time.Second
	codeNodeStalled = "node_stalled"
	// The log lines an operator sees (monitor.HeadStall).
	logStalled   = `level=ERROR msg="chain node's head is not advancing`
	logRecovered = `level=INFO msg="chain node's head advances again`
)

// rawSection is one section of /api/1/stats as JSON.
func (v *vigil) rawSection(name string) map[string]any {
	v.t.Helper()
	resp, err := http.Get(v.url + "/api/1/stats")
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		v.t.Fatalf("/api/1/stats: %d %s", resp.StatusCode, raw)
	}
	sec, _ := doc[name].(map[string]any)
	return sec
}

// waitStalled waits until the section says stalled (or not) and returns it.
func (v *vigil) waitStalled(t *testing.T, section string, want bool) map[string]any {
	t.Helper()
	var sec map[string]any
	deadline := time.Now().Add(defaultWait)
	for time.Now().Before(deadline) {
		sec = v.rawSection(section)
		if sec["stalled"] == want {
			return sec
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("stats %s: %v; want stalled=%v", section, sec, want)
	return nil
}

// checkStalledEverywhere asserts what an operator sees of a stalled node:
// the stats section, the metrics, /healthz's part with node_stalled, and
// one error line.
func checkStalledEverywhere(t *testing.T, v *vigil, logs *lockedBuffer, section, part, ageField, metric string) {
	t.Helper()
	sec := v.waitStalled(t, section, true)
	if age, _ := sec[ageField].(float64); age < testStallAfter.Seconds() {
		t.Fatalf("stats %s: %s %v below stall_after while stalled: %v", section, ageField, sec[ageField], sec)
	}
	if sec["stall_after_seconds"] != testStallAfter.Seconds() {
		t.Fatalf("stats %s: stall_after_seconds %v", section, sec["stall_after_seconds"])
	}
	h := v.waitHealth(t, http.StatusServiceUnavailable, part, codeNodeStalled)
	if p := h.Parts[part]; !strings.Contains(p.Message, "peers") || p.HeadAge == nil || *p.HeadAge < testStallAfter.Seconds() {
		t.Fatalf("/healthz %s: %+v (head age %v)", part, p, p.HeadAge)
	}
	m := v.metrics()
	if !strings.Contains(m, metric+"_node_stalled 1") || !strings.Contains(m, metric+"_"+ageField+" ") {
		t.Fatalf("metrics do not show the stall:\n%s", grepLines(m, metric+"_"))
	}
	// Several polls later, still one error line for the one change.
	time.Sleep(300 * time.Millisecond)
	if got := strings.Count(logs.String(), logStalled); got != 1 {
		t.Fatalf("the stall logged %d times at error, want once:\n%s", got, logs.String())
	}
	if !strings.Contains(logs.String(), "check the node's peers") {
		t.Fatalf("the error line does not say what to do:\n%s", logs.String())
	}
}

// checkRecovered asserts that a new block clears the stall everywhere and
// is logged at info.
func checkRecovered(t *testing.T, v *vigil, logs *lockedBuffer, section, part, ageField, metric string) {
	t.Helper()
	sec := v.waitStalled(t, section, false)
	if age, ok := sec[ageField].(float64); !ok || age >= testStallAfter.Seconds() {
		t.Fatalf("stats %s after a new block: %v", section, sec)
	}
	v.waitHealth(t, http.StatusOK, part, "ok")
	if m := v.metrics(); !strings.Contains(m, metric+"_node_stalled 0") {
		// The next stall may already have begun (stall_after is short):
		// it must then have been logged again.
		if strings.Count(logs.String(), logStalled) < 2 {
			t.Fatalf("metrics still stalled after recovery:\n%s", grepLines(m, metric+"_"))
		}
	}
	if !strings.Contains(logs.String(), logRecovered) {
		t.Fatalf("no recovery line at info:\n%s", logs.String())
	}
}

// TestStalledEthereumNodeNoticed: a real geth that makes no block for
// longer than ethereum.stall_after answers every call and stays on the
// right chain; vigild shows it stalled (stats, metrics, /healthz 503
// node_stalled) and logs it once at error, keeps taking intake, and clears
// it all once a block is made.
func TestStalledEthereumNodeNoticed(t *testing.T) {
	n := gethtest.Start(t, gethtest.Options{OnDemand: true, Keys: 3})
	reward := big.NewInt(1_000_000_000_000_000)
	ch := gethChannel(t, n, n.Keys[0], n.Keys[1], reward) // its blocks are made before vigild starts
	var logs lockedBuffer
	v := startVigilOn(t, ethNode{url: n.WSURL, chainID: n.ChainID, registry: n.Registry, register: n.RegisterMonitor},
		vigilOpts{key: n.Keys[2], poll: 50 * time.Millisecond, ethStallAfter: testStallAfter, logs: &logs})
	checkStalledEverywhere(t, v, &logs, "ethereum", "ethereum", "head_age_seconds", "vigil_eth")
	// Intake goes on: what the node says stays true, it is only late.
	if code, body := v.put(signedProof(t, n.ChainID, ch, n.Keys[0], n.Keys[1], 5, reward)); code != http.StatusCreated {
		t.Fatalf("a proof while stalled: %d %v", code, body)
	}
	n.MineBlock(t)
	checkRecovered(t, v, &logs, "ethereum", "ethereum", "head_age_seconds", "vigil_eth")
}

// TestStalledBitcoinNodeNoticed: the same for a real btcd in regtest that
// generates no block for longer than bitcoin.stall_after; appointments are
// taken meanwhile.
func TestStalledBitcoinNodeNoticed(t *testing.T) {
	chain := ethtest.New(t, 3)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	// Its blocks are made before vigild starts.
	appt := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000).appt
	payout, _ := payoutAddress(t)
	bc := stallBitcoin(btc, payout)
	bc.StallAfter = testStallAfter
	var logs lockedBuffer
	v := startVigil(t, chain, vigilOpts{key: chain.Keys[2], bitcoin: bc, logs: &logs})
	checkStalledEverywhere(t, v, &logs, "lightning", "bitcoin", "tip_age_seconds", "vigil_btc")
	if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(appt))); code != http.StatusCreated {
		t.Fatalf("an appointment while stalled: %d %v", code, body)
	}
	btc.Generate(t, 1)
	checkRecovered(t, v, &logs, "lightning", "bitcoin", "tip_age_seconds", "vigil_btc")
	// The Ethereum half, with its check off, never said stalled.
	if strings.Contains(grepLines(logs.String(), logStalled), "chain=ethereum") {
		t.Fatalf("the Ethereum node was reported stalled with the check off:\n%s", logs.String())
	}
}
