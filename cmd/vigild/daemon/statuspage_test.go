package daemon_test

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/internal/testkit/browser"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// pageView is what the status page shows, read from its DOM.
type pageView struct {
	Loaded bool `json:"loaded"`
	// Ints are the integer figures by their /api/1/stats path, as shown.
	Ints map[string]string `json:"ints"`
	// Wei are the amounts by path: the wei line and the ETH line as shown.
	Wei map[string]struct {
		Wei string `json:"wei"`
		ETH string `json:"eth"`
	} `json:"wei"`
	Received string `json:"received"`
	Accepted string `json:"accepted"`
	// Updates are the rows of the channel-update table: the id, the full
	// transaction hash (the cell shows it shortened, in full on hover) and
	// the outcome.
	Updates []struct {
		ID      string `json:"id"`
		TxHash  string `json:"tx"`
		Outcome string `json:"outcome"`
	} `json:"updates"`
	Reasons map[string]string `json:"reasons"`
	Charts  int               `json:"charts"`
	Problem string            `json:"problem"`
}

const readPage = `
const v = {loaded: document.body.dataset.loaded === 'true', ints: {}, wei: {}, updates: [], reasons: {}};
for (const n of document.querySelectorAll('[data-stat][data-fmt=int]')) v.ints[n.dataset.stat] = n.textContent;
for (const n of document.querySelectorAll('[data-stat][data-fmt=wei]')) {
  const sub = n.querySelector('.sub'), main = n.querySelector('.main');
  v.wei[n.dataset.stat] = {wei: sub ? sub.textContent : '', eth: main ? main.textContent : ''};
}
v.received = document.getElementById('proofs-received').textContent;
v.accepted = document.getElementById('proofs-accepted').textContent;
for (const tr of document.querySelectorAll('#updates tbody tr')) {
  const tx = tr.children[4].querySelector('[data-full]');
  v.updates.push({id: tr.children[0].textContent, tx: tx ? tx.dataset.full : '', outcome: tr.children[3].textContent});
}
for (const tr of document.querySelectorAll('#reasons tr[data-reason]')) v.reasons[tr.dataset.reason] = tr.children[1].textContent;
v.charts = document.querySelectorAll('.chart svg').length;
const p = document.getElementById('problem');
v.problem = p.hidden ? '' : p.textContent;
return v;`

// TestStatusPageShowsTheRunningStack loads the status page of a running
// vigild in a real headless Chromium: every figure it shows equals
// /api/1/stats, the channel update vigil sent is listed with its hash, the
// rejection is counted by reason, the page updates by itself when a new
// proof is accepted, and the browser logs no error (no script error, no
// failed request, no Content-Security-Policy violation).
func TestStatusPageShowsTheRunningStack(t *testing.T) {
	chain := ethtest.New(t, 5)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(2_000_000_000_000_000) // 0.002 ether
	s := newScenario(t, chain, alice, bob, 20, reward)
	later := newScenario(t, chain, chain.Keys[3], chain.Keys[4], 20, reward)
	payout := newPayout(t)
	v := startVigil(t, chain, vigilOpts{key: operator, payout: payout, conf: 1})

	// A stack with something to show: a proof, a stale one refused, an
	// update sent and mined, the channel settled and the reward won.
	milli := new(big.Int).Div(ethtest.Ether, big.NewInt(1000))
	if code, body := v.put(s.proof(t, 3, new(big.Int).Mul(big.NewInt(300), milli), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	if code, body := v.put(s.proof(t, 2, new(big.Int).Mul(big.NewInt(200), milli), reward)); code != http.StatusConflict {
		t.Fatalf("stale PUT: %d %v", code, body)
	}
	closed := s.bobClosesStale(t, 1, ethtest.Ether)
	mineUntil(t, chain, int(s.timeout)-2, "vigil's updateTransfer", func() bool {
		return onChainNonce(t, chain, s.channel, ethtest.Address(bob)) == 3
	})
	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}
	if _, err := chain.Ops(bob).Settle(context.Background(), s.channel); err != nil {
		t.Fatal(err)
	}
	mineUntil(t, chain, 20, "the reward in stats", func() bool { return v.stats().Updates.Won == 1 })

	b := browser.New(t)
	if err := b.Navigate(v.url + "/"); err != nil {
		t.Fatal(err)
	}

	// The page shows the API's figures (it polls: wait until it has).
	var view pageView
	var stats map[string]any
	var diff string
	eventually(t, 30*time.Second, "the page to show /api/1/stats", func() bool {
		view = readView(t, b)
		stats = v.statsJSON()
		diff = compareView(view, stats)
		return view.Loaded && diff == ""
	}, func() string { return diff })
	if view.Problem != "" {
		t.Errorf("the page reports a problem: %s", view.Problem)
	}
	if got := view.Wei["updates.rewards_earned_wei"].ETH; got != "0.002 ETH" {
		t.Errorf("rewards earned shown as %q, want 0.002 ETH", got)
	}
	if view.Reasons["stale_nonce"] != "1" {
		t.Errorf("rejections by reason: %v, want stale_nonce 1", view.Reasons)
	}
	if view.Charts < 3 {
		t.Errorf("%d charts drawn, want at least 3", view.Charts)
	}
	code, ups := v.do(http.MethodGet, "/api/1/channel_update", nil)
	if code != http.StatusOK {
		t.Fatalf("channel_update: %d", code)
	}
	recs, _ := ups["channel_updates"].([]any)
	if len(recs) != 1 || len(view.Updates) != 1 {
		t.Fatalf("the API lists %d updates, the page %d: %+v", len(recs), len(view.Updates), view.Updates)
	}
	rec := recs[0].(map[string]any)
	if view.Updates[0].TxHash != rec["tx_hash"] || view.Updates[0].Outcome != rec["outcome"] || view.Updates[0].ID != fmt.Sprint(rec["id"]) {
		t.Errorf("page row %+v, API record %v", view.Updates[0], rec)
	}

	// The daemon keeps the history the charts read: its first sample was
	// taken at start.
	if code, h := v.do(http.MethodGet, "/api/1/stats/history", nil); code != http.StatusOK || h["interval_seconds"] != 10.0 || len(h["samples"].([]any)) == 0 {
		t.Errorf("history: %d %v", code, h)
	}

	// A new proof accepted through the API shows up without a reload.
	before := view.Ints["balance_proofs.stored"]
	if code, body := v.put(later.proof(t, 1, milli, reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	eventually(t, 30*time.Second, "the page to show the new proof", func() bool {
		view = readView(t, b)
		return view.Ints["balance_proofs.stored"] == "2" && view.Accepted == "2" && view.Ints["balance_proofs.unique_channels"] == "2"
	}, func() string {
		return fmt.Sprintf("stored %s (was %s), accepted %s, channels %s", view.Ints["balance_proofs.stored"], before, view.Accepted, view.Ints["balance_proofs.unique_channels"])
	})

	if path := os.Getenv("VIGIL_STATUSPAGE_SHOT"); path != "" {
		png, err := b.Screenshot()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	logs, err := b.Logs()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logs {
		if l.Level == "SEVERE" || l.Level == "WARNING" {
			t.Errorf("browser console %s (%s): %s", l.Level, l.Source, l.Message)
		}
	}
}

func readView(t *testing.T, b *browser.Browser) pageView {
	t.Helper()
	var view pageView
	if err := b.Execute(&view, readPage); err != nil {
		t.Fatal(err)
	}
	return view
}

// statsJSON is /api/1/stats as the page reads it: the JSON document.
func (v *vigil) statsJSON() map[string]any {
	v.t.Helper()
	code, out := v.do(http.MethodGet, "/api/1/stats", nil)
	if code != http.StatusOK {
		v.t.Fatalf("stats: %d %v", code, out)
	}
	return out
}

// compareView says where the page differs from the stats document ("" when
// it shows every figure as the document has it).
func compareView(view pageView, stats map[string]any) string {
	var diffs []string
	if len(view.Ints) < 20 || len(view.Wei) < 3 {
		return fmt.Sprintf("the page shows %d integer figures and %d amounts", len(view.Ints), len(view.Wei))
	}
	for path, shown := range view.Ints {
		want := fmt.Sprint(lookup(stats, path))
		if strings.ReplaceAll(shown, ",", "") != want {
			diffs = append(diffs, fmt.Sprintf("%s: shown %q, API %s", path, shown, want))
		}
	}
	for path, shown := range view.Wei {
		want := fmt.Sprint(lookup(stats, path))
		if strings.ReplaceAll(shown.Wei, ",", "") != want+" wei" || !sameETH(shown.ETH, want) {
			diffs = append(diffs, fmt.Sprintf("%s: shown %q / %q, API %s wei", path, shown.ETH, shown.Wei, want))
		}
	}
	for name, path := range map[string]string{"received": "balance_proofs.received", "accepted": "balance_proofs.accepted"} {
		var sum float64
		for _, n := range lookup(stats, path).(map[string]any) {
			sum += n.(float64)
		}
		shown := map[string]string{"received": view.Received, "accepted": view.Accepted}[name]
		if shown != fmt.Sprint(sum) {
			diffs = append(diffs, fmt.Sprintf("%s: shown %q, API %v", name, shown, sum))
		}
	}
	return strings.Join(diffs, "; ")
}

func lookup(doc map[string]any, path string) any {
	var cur any = doc
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	if f, ok := cur.(float64); ok && f == float64(int64(f)) {
		return int64(f)
	}
	return cur
}

// sameETH reports whether shown ("0.002 ETH", "≈1,999.999813 ETH") is the
// wei amount in ether: exactly, or rounded to the decimals shown (at
// least six) when marked ≈.
func sameETH(shown, wei string) bool {
	exact, ok := new(big.Rat).SetString(wei)
	if !ok {
		return false
	}
	exact.Quo(exact, new(big.Rat).SetInt(ethtest.Ether))
	num, ok := strings.CutSuffix(shown, " ETH")
	if !ok {
		return false
	}
	num, rounded := strings.CutPrefix(num, "≈")
	num = strings.ReplaceAll(strings.ReplaceAll(num, ",", ""), "−", "-")
	got, ok := new(big.Rat).SetString(num)
	if !ok {
		return false
	}
	if !rounded {
		return got.Cmp(exact) == 0
	}
	_, frac, _ := strings.Cut(num, ".")
	if len(frac) < 6 {
		return false
	}
	half := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Mul(big.NewInt(2), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)))
	diff := new(big.Rat).Sub(got, exact)
	return diff.Abs(diff).Cmp(half) <= 0
}

// eventually polls cond until it holds, failing after timeout with what
// last said.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool, last func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s: %s", timeout, what, last())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
