package btctest_test

import (
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/vigil-monitor/vigil/chains/bitcoin/btctest"
)

func TestScratchTiming(t *testing.T) {
	for i := 0; i < 4; i++ {
		t0 := time.Now()
		n := btctest.Start(t)
		t1 := time.Now()
		n.Generate(t, 101)
		t2 := time.Now()
		key, _ := btcec.NewPrivateKey()
		var fund []time.Duration
		for j := 0; j < 3; j++ {
			s := time.Now()
			n.Fund(t, lnP2WPKH(key), 100000)
			fund = append(fund, time.Since(s))
		}
		t3 := time.Now()
		n.Stop(t)
		t.Logf("start %v gen %v fund %v stop %v", t1.Sub(t0), t2.Sub(t1), fund, time.Since(t3))
	}
}
