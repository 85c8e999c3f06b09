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

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/internal/testkit/browser"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestStatusPageFindsTheNewestUpdates: with more update records than
// pages hold, the page lists the newest, newest first, found without
// reading them all, and adds a new one as it is recorded; the browser logs
// no error.
func TestStatusPageFindsTheNewestUpdates(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PageLimitMax = 40 })
	ctx := context.Background()
	insert := func(n int) {
		for range n {
			if _, err := e.store.InsertUpdate(ctx, proofs.Update{Channel: common.HexToAddress("0x1"), NonClosing: common.HexToAddress("0x2"),
				Nonce: 1, Reward: big.NewInt(1), Outcome: proofs.OutcomeUnprofitable, Detail: "test", CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now()}); err != nil {
				t.Fatal(err)
			}
		}
	}
	insert(700)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	b := browser.New(t)
	if err := b.Navigate(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	want := func(newest int) []string {
		var ids []string
		for id := newest; id > newest-15; id-- {
			ids = append(ids, fmt.Sprint(id))
		}
		return ids
	}
	var shown []string
	wait := func(newest int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if err := b.Execute(&shown, `return Array.from(document.querySelectorAll('#updates tbody tr')).map(tr => tr.children[0].textContent)`); err != nil {
				t.Fatal(err)
			}
			if slices.Equal(shown, want(newest)) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the page lists updates %v, want %v", shown, want(newest))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	wait(700)
	insert(1)
	wait(701)
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
	probes := strings.Count(e.logs.String(), `route=/api/1/channel_update `)
	if probes == 0 || probes > 60 {
		t.Errorf("the page made %d channel_update requests", probes)
	}
	t.Logf("%d channel_update requests for 701 records in pages of 40", probes)
}
