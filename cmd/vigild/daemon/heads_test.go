package daemon_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/gethtest"
)

// TestPushedHeadsWakeTheWatcher: connected over a WebSocket, vigild follows
// the heads geth pushes (eth_subscribe newHeads) and processes each block
// as it comes, although its poll interval is an hour; over plain HTTP it
// says that it can only poll.
func TestPushedHeadsWakeTheWatcher(t *testing.T) {
	if testing.Short() {
		t.Skip("runs geth --dev: skipped with -short")
	}
	node := gethtest.Start(t, gethtest.Options{Keys: 2})
	var logs lockedBuffer
	v := startVigilOn(t, ethNode{url: node.WSURL, chainID: node.ChainID, registry: node.Registry, register: node.RegisterMonitor},
		vigilOpts{key: node.Keys[1], conf: 1, poll: time.Hour, logs: &logs})
	start := v.stats().Ethereum.Head
	target := node.Head(t) + 3
	node.WaitBlock(t, target)
	ethtest.Eventually(t, 10*time.Second, "vigild to see the pushed heads", func() bool {
		return v.stats().Ethereum.Head >= target
	})
	if got := v.stats().Ethereum.Head; got <= start {
		t.Fatalf("head did not move: %d -> %d", start, got)
	}
	if !strings.Contains(logs.String(), "following new heads pushed by the node") {
		t.Fatalf("no sign of the head subscription in the log:\n%s", logs.String())
	}

	// Over HTTP the node cannot push: vigild says so and keeps polling.
	var httpLogs lockedBuffer
	startVigilOn(t, ethNode{url: node.URL, chainID: node.ChainID, registry: node.Registry, register: node.RegisterMonitor},
		vigilOpts{key: node.Keys[1], conf: 1, logs: &httpLogs})
	ethtest.Eventually(t, 10*time.Second, "vigild to say it polls only", func() bool {
		return strings.Contains(httpLogs.String(), "polling only")
	})
}

// TestPushedBlocksWakeTheBitcoinWatcher: btcd pushes each block over its
// websocket (notifyblocks) and vigild's Bitcoin watcher processes it at
// once, although its poll interval is an hour.
func TestPushedBlocksWakeTheBitcoinWatcher(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, _ := payoutAddress(t)
	var logs lockedBuffer
	o := vigilOpts{key: chain.Keys[0], logs: &logs}
	o.bitcoin = &daemon.BitcoinConfig{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest",
		PollInterval: time.Hour, PayoutAddress: payout, MinRewardSat: 1000, Confirmations: 6,
		FallbackFeeRate: 2000, MaxFeeRate: 100_000}
	v := startVigil(t, chain, o)
	ethtest.Eventually(t, defaultWait, "vigild to follow the pushed blocks", func() bool {
		return strings.Contains(logs.String(), "following blocks pushed by the node")
	})
	for i := 0; i < 3; i++ {
		btc.Generate(t, 1)
		want := uint32(btc.Height(t))
		ethtest.Eventually(t, 10*time.Second, "the pushed block to be processed", func() bool {
			return v.stats().Lightning.LastProcessed >= want
		})
	}
}
