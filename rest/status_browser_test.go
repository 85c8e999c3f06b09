package rest

import (
	"context"
	"fmt"
	"math/big"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/internal/testkit/browser"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// TestStatusPageFindsTheNewestRecords: with more update and justice
// records than pages hold, the page lists the newest of each, newest
// first, found without reading them all, with each justice transaction's
// full txid on hover, and adds new ones as they are recorded; the browser
// logs no error.
func TestStatusPageFindsTheNewestRecords(t *testing.T) {
	e := newTowerEnv(t, nil, func(c *Config) { c.PageLimitMax = 40 })
	e.ln.SetBitcoin(func(s *tower.BitcoinStatus) { s.Tip, s.Processed = testTip, testTip })
	ctx := context.Background()
	insertUpdates := func(n int) {
		for range n {
			if _, err := e.store.InsertUpdate(ctx, proofs.Update{Channel: common.HexToAddress("0x1"), NonClosing: common.HexToAddress("0x2"),
				Nonce: 1, Reward: big.NewInt(1), Outcome: proofs.OutcomeUnprofitable, Detail: "test", CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}); err != nil {
				t.Fatal(err)
			}
		}
	}
	txids := map[string]string{} // justice id -> txid
	insertJustice := func(n int) {
		for range n {
			breach, txid := randomTxid(t), randomTxid(t)
			id, err := e.store.InsertJustice(ctx, tower.Justice{
				Locator: lncrypto.Locator(breach), BreachTxID: breach, BreachBlock: testTip - 1, Deadline: testTip + 100,
				TxID: txid, Raw: []byte{1}, FeeSat: 300, PromisedSat: lnReward, FeeRate: 1000, Outcome: tower.JusticeBroadcast,
				SentHeight: testTip, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now(),
			})
			if err != nil {
				t.Fatal(err)
			}
			txids[fmt.Sprint(id)] = chainhash.Hash(txid).String()
		}
	}
	insertUpdates(700)
	insertJustice(250)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	b := browser.New(t)
	if err := b.Navigate(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	newestFirst := func(newest int) []string {
		var ids []string
		for id := newest; id > newest-15; id-- {
			ids = append(ids, fmt.Sprint(id))
		}
		return ids
	}
	type row struct{ ID, Tx string }
	var updates, justice []row
	wait := func(newestUpdate, newestJustice int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			var shown struct{ Updates, Justice []row }
			if err := b.Execute(&shown, `const rows = (sel, col) => Array.from(document.querySelectorAll(sel + ' tbody tr')).map(tr => {
				const h = tr.children[col].querySelector('[data-full]');
				return {ID: tr.children[0].textContent, Tx: h ? h.dataset.full : ''};
			});
			return {Updates: rows('#updates', 4), Justice: rows('#justice', 2)};`); err != nil {
				t.Fatal(err)
			}
			updates, justice = shown.Updates, shown.Justice
			ids := func(rs []row) []string {
				var out []string
				for _, r := range rs {
					out = append(out, r.ID)
				}
				return out
			}
			if slices.Equal(ids(updates), newestFirst(newestUpdate)) && slices.Equal(ids(justice), newestFirst(newestJustice)) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the page lists updates %v and justice %v, want the 15 newest up to %d and %d", ids(updates), ids(justice), newestUpdate, newestJustice)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	wait(700, 250)
	insertUpdates(1)
	insertJustice(1)
	wait(701, 251)
	for _, r := range justice {
		if r.Tx != txids[r.ID] {
			t.Errorf("justice %s: the page's txid %q, the store's %s", r.ID, r.Tx, txids[r.ID])
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
	// Locating the newest took a few probes, not a read of every page.
	for _, route := range []string{"/api/1/channel_update", "/api/1/justice"} {
		n := strings.Count(e.logs.String(), "route="+route+" ")
		if n == 0 || n > 60 {
			t.Errorf("the page made %d %s requests", n, route)
		}
	}
}
