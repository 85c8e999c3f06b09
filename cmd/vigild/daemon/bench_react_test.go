package daemon_test

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// BenchmarkBitcoinReaction measures how fast a running vigild reacts to a
// breach: from the moment the block holding it reaches the node to the
// moment the node accepts vigild's justice transaction into its mempool.
//
// Everything is the real thing: btcd in regtest (internal/testkit/btctest),
// the whole daemon (Daemon.Run: the SQLite store, the watchtower, the block
// watcher woken by btcd's websocket notifyblocks, the REST API), an
// appointment submitted over REST. The watcher's poll interval is an hour,
// so only the pushed block can wake it: the figure includes detection.
//
// The start instant is taken just before the generate call that mines the
// breach block; mining a regtest block takes the node a millisecond or so,
// which the span therefore includes (mine-p50-ms reports generate's own
// duration). The end instant is the arrival, at the benchmark, of btcd's
// websocket txaccepted notification (notifynewtransactions) for a
// transaction spending the breach; the benchmark then checks that it is
// vigild's justice transaction with the bounty output to vigild's payout.
//
// Per iteration, untimed: a channel is opened and its funding mined, the
// appointment is accepted over REST, the revoked commitment enters the
// mempool. Metrics over the iterations (nearest rank: with 30 samples p99
// is the maximum): p50-ms, p99-ms, max-ms, mine-p50-ms, events.
//
//	go test ./cmd/vigild/daemon/ -run '^$' -bench BitcoinReaction -benchtime 30x
func BenchmarkBitcoinReaction(b *testing.B) {
	chain := ethtest.New(b, 1)
	btc := btctest.Start(b)
	btc.Generate(b, 101)
	payout, payoutScript := payoutAddress(b)
	var logs lockedBuffer
	o := vigilOpts{key: chain.Keys[0], logs: &logs}
	o.bitcoin = &daemon.BitcoinConfig{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest",
		PollInterval: time.Hour, PayoutAddress: payout, MinRewardSat: 1000, Confirmations: 6,
		FallbackFeeRate: 2000, MaxFeeRate: 100_000}
	v := startVigil(b, chain, o)
	ethtest.Eventually(b, defaultWait, "vigild to follow the pushed blocks", func() bool {
		return strings.Contains(logs.String(), "following blocks pushed by the node")
	})
	accepted := newTxWatch(b, btc)

	var total, mine []time.Duration
	for b.Loop() {
		b.StopTimer()
		br := newBreach(b, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(b))+1, 20_000)
		tip := uint32(btc.Height(b))
		ethtest.Eventually(b, defaultWait, "vigild to process the funding block", func() bool {
			return v.stats().Lightning.LastProcessed >= tip
		})
		if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(b, tower.EncodeAppointment(br.appt))); code != http.StatusCreated {
			b.Fatalf("appointment refused: %d %v", code, body)
		}
		btc.Broadcast(b, br.commit)
		accepted.reset()
		b.StartTimer()

		start := time.Now()
		if _, err := btc.Client.Generate(1); err != nil {
			b.Fatal(err)
		}
		mined := time.Now()
		tx, at := accepted.spender(b, br.commit.TxHash(), defaultWait)

		b.StopTimer()
		if len(tx.TxOut) != 2 || !slices.Equal(tx.TxOut[1].PkScript, payoutScript) {
			b.Fatalf("the transaction spending the breach is not vigild's justice with its bounty: %d outputs", len(tx.TxOut))
		}
		total = append(total, at.Sub(start))
		mine = append(mine, mined.Sub(start))
		b.StartTimer()
	}
	if len(total) == 0 {
		b.Fatal("no iterations")
	}
	if os.Getenv("VIGIL_BENCH_SAMPLES") != "" {
		for i := range total {
			b.Logf("breach %d: reaction %v (generate %v)", i, total[i], mine[i])
		}
	}
	slices.Sort(total)
	slices.Sort(mine)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(total, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(total, 99)), "p99-ms")
	b.ReportMetric(ms(total[len(total)-1]), "max-ms")
	b.ReportMetric(ms(percentile(mine, 50)), "mine-p50-ms")
	b.ReportMetric(float64(len(total)), "events")
}

// txWatch timestamps, on arrival, btcd's websocket txaccepted
// notifications: the instant the node has accepted a transaction into its
// mempool, as seen by a client on the same host.
type txWatch struct {
	client *rpcclient.Client
	mu     sync.Mutex
	seen   []acceptedTx
	signal chan struct{}
}

type acceptedTx struct {
	hash chainhash.Hash
	at   time.Time
}

func newTxWatch(tb testing.TB, btc *btctest.Node) *txWatch {
	tb.Helper()
	w := &txWatch{signal: make(chan struct{}, 1)}
	handlers := &rpcclient.NotificationHandlers{
		OnTxAccepted: func(hash *chainhash.Hash, _ btcutil.Amount) {
			at := time.Now()
			w.mu.Lock()
			w.seen = append(w.seen, acceptedTx{*hash, at})
			w.mu.Unlock()
			select {
			case w.signal <- struct{}{}:
			default:
			}
		},
	}
	c, err := rpcclient.New(&rpcclient.ConnConfig{Host: btc.RPCAddr, Endpoint: "ws", User: btc.User, Pass: btc.Pass, DisableTLS: true}, handlers)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Shutdown)
	if err := c.NotifyNewTransactions(false); err != nil {
		tb.Fatal(err)
	}
	w.client = c
	return w
}

func (w *txWatch) reset() {
	w.mu.Lock()
	w.seen = nil
	w.mu.Unlock()
}

// spender waits for an accepted transaction that spends an output of
// breach and returns it with its notification's arrival time.
func (w *txWatch) spender(tb testing.TB, breach chainhash.Hash, timeout time.Duration) (*wire.MsgTx, time.Time) {
	tb.Helper()
	deadline := time.After(timeout)
	checked := 0
	for {
		w.mu.Lock()
		seen := slices.Clone(w.seen)
		w.mu.Unlock()
		for ; checked < len(seen); checked++ {
			tx, err := w.client.GetRawTransaction(&seen[checked].hash)
			if err != nil {
				continue // already mined out of the mempool and not indexed yet: not ours
			}
			for _, in := range tx.MsgTx().TxIn {
				if in.PreviousOutPoint.Hash == breach {
					return tx.MsgTx(), seen[checked].at
				}
			}
		}
		select {
		case <-w.signal:
		case <-deadline:
			tb.Fatalf("no transaction spending the breach %v was accepted within %v", breach, timeout)
		}
	}
}
