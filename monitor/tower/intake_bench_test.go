package tower_test

// Appointment intake throughput against its bound (docs: "Measured
// performance"; balance-proof intake is measured in monitor), and the
// locator index rebuilt from the store.
//
// BenchmarkRecoverMessage1 is the bound for appointments: the one
// signature recovery every appointment needs, on all cores, nothing else.
// BenchmarkAppointmentIntakeParallel is the whole path
// (Tower.SubmitAppointmentJSON: decode, recovery, bounds, durable group
// commit) with 16 concurrent clients on a SQLite store that already holds
// 1,000,000 appointments (10,000 with -short).
//
// The intake benchmarks report msgs/s; the bound's rate, measured for a
// second on all cores right before and right after the timed run (this
// machine's CPU share drifts by the minute) and averaged; %bound, their
// ratio; cpu-us/op and %cpu, the process's CPU time per message and how busy
// it kept the cores; msgs/commit, the average group-commit batch (the
// measurements are benchdb's, shared by both intakes). An op is one
// accepted message whose client got its acknowledgement, i.e. after the
// commit holding it was durable. "+receipt" also signs the monitor's
// receipt, as the daemon does. VIGIL_BENCH_CLIENTS and VIGIL_BENCH_STORED
// override 16 and 1,000,000.
//
// The pre-filled database (internal/testkit/benchdb) is built once (a few
// minutes for 1,000,000) and cached as $TMPDIR/vigil-bench-<kind>-<n>-v1.db;
// each benchmark works on a copy. Messages are signed before the timer
// starts: signing is the client's cost.
//
//	go test ./monitor/tower/ -run '^$' -bench 'RecoverMessage1|AppointmentIntakeParallel' -benchtime 10000x
//	go test ./monitor/tower/ -run '^$' -bench 'RecoverMessage1|AppointmentIntakeParallel' -short -benchtime 1000x

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/internal/testkit/benchdb"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

var benchQuiet = slog.New(slog.DiscardHandler)

// ---- Lightning appointments ----

var benchUserKeys = sync.OnceValue(func() []*btcec.PrivateKey {
	keys := make([]*btcec.PrivateKey, 64)
	for i := range keys {
		keys[i], _ = btcec.PrivKeyFromBytes(crypto.Keccak256([]byte("vigil bench user"), []byte{byte(i)}))
	}
	return keys
})

const benchTip = benchdb.Tip

type signedAppointment struct {
	a    tower.Appointment
	json []byte
}

// newSignedAppointment makes an appointment with a random locator and a
// 300-byte blob, signed by one of the benchmark users.
func newSignedAppointment(i int) (signedAppointment, error) {
	a := tower.Appointment{Network: "regtest", EncryptedBlob: make([]byte, 300), Cipher: lncrypto.CipherChaCha20Poly1305,
		ToSelfDelay: 144, StartBlock: benchTip, EndBlock: benchTip + 4320, RewardSat: 5000}
	_, _ = rand.Read(a.Locator[:])
	_, _ = rand.Read(a.EncryptedBlob)
	if err := a.Sign(benchUserKeys()[i%64]); err != nil {
		return signedAppointment{}, err
	}
	data, err := json.Marshal(tower.EncodeAppointment(a))
	return signedAppointment{a: a, json: data}, err
}

func signAppointments(b *testing.B, n int) []signedAppointment {
	b.Helper()
	out := make([]signedAppointment, n)
	if err := benchdb.Parallel(n, func(i int) (err error) { out[i], err = newSignedAppointment(i); return err }); err != nil {
		b.Fatal(err)
	}
	return out
}

var appointmentPool = benchdb.Pool(256, newSignedAppointment)

// recover1 is the appointment bound's unit of work: recovering the key.
func recover1(a *signedAppointment) error {
	_, err := lncrypto.RecoverMessage(a.a.SignedMessage(), a.a.UserSignature)
	return err
}

func recover1Bound() float64 { return benchdb.PoolBound(appointmentPool, recover1) }

// BenchmarkRecoverMessage1: one lncrypto.RecoverMessage per op (one
// appointment's signature) on every core: the bound of appointment intake.
func BenchmarkRecoverMessage1(b *testing.B) { benchdb.RunBound(b, appointmentPool, recover1) }

// benchNode is the Bitcoin node stand-in: a constant fee estimate; intake
// calls nothing else.
type benchNode struct{}

func (benchNode) Broadcast(context.Context, *wire.MsgTx) error {
	return errors.New("benchmark: no node")
}
func (benchNode) FeeRate(context.Context) (int64, error) { return 2000, nil }
func (benchNode) TxStatus(context.Context, chainhash.Hash) (tower.TxStatus, error) {
	return tower.TxStatus{}, errors.New("benchmark: no node")
}

func newTower(b *testing.B, n int, receipts bool) (*tower.Tower, *store.Store) {
	b.Helper()
	path := benchdb.Appointments(b, n)
	st, err := store.Open(store.Config{Path: path, Logger: benchQuiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	stats, err := monitor.NewStats(context.Background(), st, "bench", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	cfg := tower.Config{Store: st, Node: benchNode{}, Stats: stats, Logger: benchQuiet,
		Network: "regtest", Payout: []byte{0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}}
	if receipts {
		key, _ := btcec.PrivKeyFromBytes(crypto.Keccak256([]byte("vigil bench tower")))
		cfg.SignReceipt = func(msg []byte) (string, error) { return lncrypto.SignMessage(key, msg) }
		copy(cfg.MonitorPubkey[:], key.PubKey().SerializeCompressed())
	}
	t, err := tower.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	t.SetTip(benchTip)
	return t, st
}

// BenchmarkAppointmentIntakeParallel: Tower.SubmitAppointmentJSON of
// distinct, really signed appointments from 16 concurrent clients on a store
// holding benchdb.Stored() appointments. "+receipt" also signs the receipt, as
// the daemon does.
func BenchmarkAppointmentIntakeParallel(b *testing.B) {
	n := benchdb.Stored()
	for _, receipts := range []bool{false, true} {
		name := fmt.Sprintf("stored=%d", n)
		if receipts {
			name += "+receipt"
		}
		tw, st := newTower(b, n, receipts)
		b.Run(name, func(b *testing.B) {
			bound := recover1Bound()
			as := signAppointments(b, b.N)
			ctx := context.Background()
			src := monitor.Source{Kind: "rest"}
			benchdb.SetParallelism(b)
			var next atomic.Int64
			runtime.GC()
			tx0, w0 := st.GroupCommits()
			b.ResetTimer()
			cpu0 := benchdb.CPUTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					a := &as[next.Add(1)-1]
					r, err := tw.SubmitAppointmentJSON(ctx, a.json, src)
					if err != nil {
						b.Error(err)
						return
					}
					if receipts && !r.Signed() {
						b.Error("no receipt")
						return
					}
				}
			})
			b.StopTimer()
			benchdb.ReportCPU(b, cpu0)
			benchdb.ReportBatching(b, st, tx0, w0)
			benchdb.ReportRate(b, "recover1", (bound+recover1Bound())/2)
			last := as[len(as)-1].a
			if got, err := st.AppointmentsByLocator(ctx, last.Locator); err != nil || len(got) != 1 {
				b.Errorf("last appointment not stored: %v, %d", err, len(got))
			}
		})
	}
}

// BenchmarkIndexRebuild: Tower.Load on a store holding benchdb.Stored()
// appointments, as at start: every locator streamed from SQLite
// (EachLocator) into the in-memory index, which is then sorted. The
// database file is in the OS page cache.
func BenchmarkIndexRebuild(b *testing.B) {
	n := benchdb.Stored()
	tw, _ := newTower(b, n, false)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := tw.Load(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	perAppointment := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(n)
	b.ReportMetric(perAppointment, "ns/appointment")
	b.ReportMetric(perAppointment*10_000_000/1e9, "s-per-10M")
}
