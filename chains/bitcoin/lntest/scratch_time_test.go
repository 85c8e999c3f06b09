package lntest_test

import (
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/chains/bitcoin/btctest"
	"github.com/vigil-monitor/vigil/chains/bitcoin/lntest"
)

func TestScratchLnTiming(t *testing.T) {
	for i := 0; i < 4; i++ {
		var marks []time.Duration
		last := time.Now()
		mark := func() { marks = append(marks, time.Since(last)); last = time.Now() }
		n := btctest.Start(t)
		mark()
		n.Generate(t, 101)
		mark()
		ch := lntest.OpenChannel(t, n, 1_000_000, 144)
		mark()
		c := ch.Commitment(t, 700_000, 297_000, 3_000)
		mark()
		txid := n.Broadcast(t, c)
		mark()
		b := n.Generate(t, 1)[0]
		mark()
		n.BlockHasTx(t, b, txid)
		mark()
		n.Stop(t)
		mark()
		t.Logf("start, gen101, open, commit, broadcast, gen1, blockhas, stop: %v", marks)
	}
}
