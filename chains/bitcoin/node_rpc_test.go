package bitcoin_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-monitor/vigil/chains/bitcoin"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
)

// rpcCounter is a reverse proxy on 127.0.0.1 in front of a node's JSON-RPC
// that counts the methods called through it.
type rpcCounter struct {
	mu    sync.Mutex
	calls map[string]int
}

func countRPC(t *testing.T, target string) (*rpcCounter, string) {
	t.Helper()
	c := &rpcCounter{calls: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var req struct{ Method string }
		_ = json.Unmarshal(body, &req)
		c.mu.Lock()
		c.calls[req.Method]++
		c.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return c, strings.TrimPrefix(srv.URL, "http://")
}

func (c *rpcCounter) count(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[method]
}

// TestNodeSkipsMethodsBtcdLacks: btcd answers estimatesmartfee with "method
// not found" and getmempoolentry with "Command unimplemented". The node
// client asks each once, then goes straight to what btcd has, with the
// same answers. A broadcast is one round trip: sendrawtransaction with the
// one parameter both btcd and bitcoind read the same way, no backend
// detection (getinfo) first.
func TestNodeSkipsMethodsBtcdLacks(t *testing.T) {
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	calls, addr := countRPC(t, btc.RPCAddr)
	n, err := bitcoin.Dial(bitcoin.Config{Host: addr, User: btc.User, Pass: btc.Pass, Network: "regtest"})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx := t.Context()

	// A confirmed transaction (the channel's funding) and one in the
	// mempool (its commitment).
	ch := lntest.OpenChannel(t, btc, 1_000_000, 144)
	commit := ch.Commitment(t, 600_000, 390_000, 10_000)
	if err := n.Broadcast(ctx, commit); err != nil {
		t.Fatal(err)
	}
	if got := calls.count("getinfo"); got != 0 {
		t.Fatalf("getinfo asked %d times, want never", got)
	}
	if got := calls.count("sendrawtransaction"); got != 1 {
		t.Fatalf("sendrawtransaction asked %d times for one broadcast", got)
	}
	for range 2 {
		st, err := n.TxStatus(ctx, commit.TxHash())
		if err != nil || !st.InMempool || st.Confirmations != 0 {
			t.Fatalf("commitment status %+v, %v: want in the mempool", st, err)
		}
		st, err = n.TxStatus(ctx, ch.Funding.Hash)
		if err != nil || st.InMempool || st.Confirmations != 1 || st.BlockHeight != uint32(btc.Height(t)) {
			t.Fatalf("funding status %+v, %v: want one confirmation at the tip", st, err)
		}
	}
	if got := calls.count("getmempoolentry"); got != 1 {
		t.Fatalf("getmempoolentry asked %d times, want once", got)
	}

	// The same answer (btcd's estimatefee, or no estimate on so short a
	// chain) every time, with estimatesmartfee asked only the first time.
	first, firstErr := n.FeeRate(ctx)
	for range 3 {
		if r, err := n.FeeRate(ctx); r != first || fmt.Sprint(err) != fmt.Sprint(firstErr) {
			t.Fatalf("fee rate %d, %v; the first was %d, %v", r, err, first, firstErr)
		}
	}
	if got := calls.count("estimatesmartfee"); got != 1 {
		t.Fatalf("estimatesmartfee asked %d times, want once", got)
	}
	if got := calls.count("estimatefee"); got != 4 {
		t.Fatalf("estimatefee asked %d times, want 4", got)
	}
}
