package monitor_test

// Intake throughput against its bound (docs: "Measured performance").
//
// BenchmarkRecover2 is the bound for balance proofs: the two EIP-712
// signature recoveries every message needs, on all cores, nothing else.
// BenchmarkIntakeParallel is the whole path (Intake.SubmitJSON: decode,
// EIP-712 hashing, both recoveries, channel from the store, policy, durable
// group commit) with 16 concurrent clients on a SQLite store that already
// holds 1,000,000 requests (10,000 with -short). BenchmarkRecoverMessage1 and
// BenchmarkAppointmentIntakeParallel are the same for Lightning
// appointments (one recovery, bounds, durable commit).
//
// The intake benchmarks report msgs/s; the bound's rate, measured for a
// second on all cores right before and right after the timed run (this
// machine's CPU share drifts by the minute) and averaged; %bound, their
// ratio; cpu-us/op and %cpu, the process's CPU time per message and how busy
// it kept the cores; msgs/commit, the average group-commit batch. An op is
// one accepted message whose client got its acknowledgement, i.e. after the
// commit holding it was durable. "+receipt" also signs the monitor's
// receipt, as the daemon does. VIGIL_BENCH_CLIENTS and VIGIL_BENCH_STORED
// override 16 and 1,000,000.
//
// The pre-filled database (internal/testkit/benchdb) is built once (a few
// minutes for 1,000,000) and cached as $TMPDIR/vigil-bench-<kind>-<n>-v1.db;
// each benchmark works on a copy. Messages are signed before the timer starts: signing is the
// client's cost.
//
//	go test ./monitor/ -run '^$' -bench 'Recover2|IntakeParallel|RecoverMessage1' -benchtime 10000x
//	go test ./monitor/ -run '^$' -bench 'Recover2|IntakeParallel|RecoverMessage1' -short -benchtime 1000x

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/benchdb"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/lncrypto"
	"github.com/vigil-monitor/vigil/monitor/store"
)

// benchClients is the number of concurrent submitters (SetParallelism x
// GOMAXPROCS, rounded up).
var benchClients = envInt("VIGIL_BENCH_CLIENTS", 16)

var (
	benchChainID = benchdb.ChainID
	benchReward  = benchdb.Reward
	benchQuiet   = slog.New(slog.DiscardHandler)
)

// benchStored is how many messages the store holds before the benchmark:
// 1,000,000, or 10,000 with -short; VIGIL_BENCH_STORED overrides.
func benchStored() int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("VIGIL_BENCH_STORED"), &n); err == nil && n > 0 {
		return n
	}
	if testing.Short() {
		return 10_000
	}
	return 1_000_000
}

func setParallelism(b *testing.B) {
	b.SetParallelism((benchClients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
}

// parallel runs fn(i) for i in [0, n) on all cores.
func parallel(n int, fn func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func randAddr() common.Address {
	var a common.Address
	_, _ = rand.Read(a[:])
	return a
}

// ---- the bound, measured in the same run ----

// boundRate measures the bound now, right beside the benchmark it is
// compared with (this machine's CPU share varies by the minute): op runs on
// every core for a fixed time.
func boundRate(op func(i int)) float64 {
	d := time.Second
	if testing.Short() {
		d = 300 * time.Millisecond
	}
	var done atomic.Bool
	var ops atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !done.Load(); i++ {
				op(i)
				ops.Add(1)
			}
		}()
	}
	time.Sleep(d)
	done.Store(true)
	wg.Wait()
	return float64(ops.Load()) / time.Since(start).Seconds()
}

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per op since cpu0 and how much of all
// cores the run kept busy.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
	b.ReportMetric(100*cpu.Seconds()/b.Elapsed().Seconds()/float64(runtime.GOMAXPROCS(0)), "%cpu")
}

// reportBatching reports the average number of messages per group
// transaction (one fsync) since the counts tx0, w0.
func reportBatching(b *testing.B, st *store.Store, tx0, w0 int64) {
	tx, w := st.GroupCommits()
	if tx > tx0 {
		b.ReportMetric(float64(w-w0)/float64(tx-tx0), "msgs/commit")
	}
}

func reportRate(b *testing.B, boundName string, bound float64) float64 {
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "msgs/s")
	if bound > 0 {
		b.ReportMetric(bound, boundName+"-msgs/s")
		b.ReportMetric(100*rate/bound, "%bound")
	}
	return rate
}

// ---- balance proofs ----

// benchKeys are the participants of the benchmark channels.
var benchKeys = sync.OnceValue(func() []*ecdsa.PrivateKey {
	keys := make([]*ecdsa.PrivateKey, 64)
	for i := range keys {
		k, err := crypto.ToECDSA(crypto.Keccak256([]byte("vigil bench key"), []byte{byte(i)}))
		if err != nil {
			panic(err)
		}
		keys[i] = k
	}
	return keys
})

type signedProof struct {
	bp   monitor.BalanceProof
	json []byte
	ch   monitor.Channel
}

// newSignedProof makes a balance proof on a new random channel between two
// benchmark keys, signed by the closing partner and the non-closing
// participant.
func newSignedProof(i int) (signedProof, error) {
	keys := benchKeys()
	nc, cl := keys[i%len(keys)], keys[(i+1+i/len(keys))%len(keys)]
	if nc == cl {
		cl = keys[(i+1)%len(keys)]
	}
	ncAddr, clAddr := crypto.PubkeyToAddress(nc.PublicKey), crypto.PubkeyToAddress(cl.PublicKey)
	chAddr := randAddr()
	dom := eip712.Domain{ChainID: benchChainID, Channel: chAddr}
	p := eip712.BalanceProof{Nonce: 7, TransferredAmount: big.NewInt(int64(1000 + i))}
	_, _ = rand.Read(p.Locksroot[:])
	sig, err := eip712.Sign(dom.BalanceProofDigest(p), cl)
	if err != nil {
		return signedProof{}, err
	}
	ncs, err := eip712.Sign(dom.MonitorRequestDigest(p, sig, benchReward), nc)
	if err != nil {
		return signedProof{}, err
	}
	bp := monitor.BalanceProof{ChainID: benchChainID, Channel: chAddr, Nonce: p.Nonce, TransferredAmount: p.TransferredAmount,
		Locksroot: p.Locksroot, ExtraHash: p.ExtraHash, Signature: sig, NonClosing: ncAddr, NonClosingSignature: ncs, Reward: benchReward}
	data, err := json.Marshal(monitor.EncodeBalanceProof(bp))
	if err != nil {
		return signedProof{}, err
	}
	deposit := new(big.Int).Mul(benchReward, big.NewInt(10))
	return signedProof{bp: bp, json: data, ch: monitor.Channel{Address: chAddr, Participant1: ncAddr, Participant2: clAddr,
		SettleTimeout: 500, OpenedBlock: 1, RewardDeposit1: deposit, RewardDeposit2: deposit}}, nil
}

func signProofs(b *testing.B, n int) []signedProof {
	b.Helper()
	out := make([]signedProof, n)
	if err := parallel(n, func(i int) (err error) { out[i], err = newSignedProof(i); return err }); err != nil {
		b.Fatal(err)
	}
	return out
}

// recover2 is the bound's unit of work: both recoveries of one message.
func recover2(p *signedProof) error {
	dom := eip712.Domain{ChainID: benchChainID, Channel: p.bp.Channel}
	proof := eip712.BalanceProof{Nonce: p.bp.Nonce, TransferredAmount: p.bp.TransferredAmount, Locksroot: p.bp.Locksroot, ExtraHash: p.bp.ExtraHash}
	if _, err := eip712.Recover(dom.BalanceProofDigest(proof), p.bp.Signature); err != nil {
		return err
	}
	_, err := eip712.Recover(dom.MonitorRequestDigest(proof, p.bp.Signature, p.bp.Reward), p.bp.NonClosingSignature)
	return err
}

var recoverPool = sync.OnceValues(func() ([]signedProof, error) {
	ps := make([]signedProof, 256)
	err := parallel(len(ps), func(i int) (err error) { ps[i], err = newSignedProof(i); return err })
	return ps, err
})

func recover2Bound() float64 {
	ps, err := recoverPool()
	if err != nil {
		panic(err)
	}
	return boundRate(func(i int) {
		if err := recover2(&ps[i%len(ps)]); err != nil {
			panic(err)
		}
	})
}

// BenchmarkRecover2: two eip712.Recover calls per op (one balance proof's
// signatures) on every core: the bound of balance-proof intake.
func BenchmarkRecover2(b *testing.B) {
	ps, err := recoverPool()
	if err != nil {
		b.Fatal(err)
	}
	setParallelism(b)
	var next atomic.Int64
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := recover2(&ps[int(next.Add(1))%len(ps)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportCPU(b, cpu0)
	reportRate(b, "", 0)
}

// benchChain is the Ethereum node stand-in: a constant gas price; channel
// reads count as misses of the store's cache (the benchmark fails on them).
type benchChain struct{ channelReads, depositReads atomic.Int64 }

func (c *benchChain) ChainID() *big.Int { return benchChainID }
func (c *benchChain) ChannelInfo(context.Context, common.Address) (monitor.ChannelInfo, error) {
	c.channelReads.Add(1)
	return monitor.ChannelInfo{}, errors.New("benchmark: no node")
}
func (c *benchChain) RewardDeposit(context.Context, common.Address, common.Address) (*big.Int, error) {
	c.depositReads.Add(1)
	return nil, errors.New("benchmark: no node")
}
func (c *benchChain) GasPrice(context.Context) (*big.Int, error) {
	return big.NewInt(1_000_000_000), nil
}

type intakeEnv struct {
	st    *store.Store
	in    *monitor.Intake
	chain *benchChain
	stats *monitor.Stats
}

func newIntakeEnv(b *testing.B, n int, receipts bool) *intakeEnv {
	b.Helper()
	path := benchdb.Requests(b, n)
	st, err := store.Open(store.Config{Path: path, Logger: benchQuiet})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	stats, err := monitor.NewStats(ctx, st, "bench", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	chain := &benchChain{}
	cfg := monitor.IntakeConfig{Store: st, Chain: chain, Stats: stats, Logger: benchQuiet,
		Policy: monitor.Policy{MinReward: big.NewInt(1e15), ProfitFactor: 1.5}}
	if receipts {
		key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("vigil bench monitor")))
		cfg.Monitor = crypto.PubkeyToAddress(key.PublicKey)
		cfg.SignReceipt = func(d [32]byte) ([]byte, error) { return eip712.Sign(d, key) }
	}
	in, err := monitor.NewIntake(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return &intakeEnv{st: st, in: in, chain: chain, stats: stats}
}

// BenchmarkIntakeParallel: Intake.SubmitJSON of distinct, really signed
// balance proofs (each on its own channel, which the store knows) from 16
// concurrent clients, on a store holding benchStored() requests. An op is
// one accepted message; its acknowledgement waited for the durable commit.
// "+receipt" also signs the MonitorReceipt, as the daemon does.
func BenchmarkIntakeParallel(b *testing.B) {
	n := benchStored()
	for _, receipts := range []bool{false, true} {
		name := fmt.Sprintf("stored=%d", n)
		if receipts {
			name += "+receipt"
		}
		env := newIntakeEnv(b, n, receipts)
		b.Run(name, func(b *testing.B) {
			bound := recover2Bound()
			proofs := signProofs(b, b.N)
			chs := make([]monitor.Channel, len(proofs))
			for i := range proofs {
				chs[i] = proofs[i].ch
			}
			ctx := context.Background()
			if err := env.st.ApplyChain(ctx, monitor.ChainBatch{Cursor: monitor.Cursor{Number: 1}, Channels: chs}); err != nil {
				b.Fatal(err)
			}
			src := monitor.Source{Kind: "rest"}
			setParallelism(b)
			var next atomic.Int64
			runtime.GC()
			tx0, w0 := env.st.GroupCommits()
			b.ResetTimer()
			cpu0 := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					p := &proofs[next.Add(1)-1]
					acc, err := env.in.SubmitJSON(ctx, p.json, src)
					if err != nil {
						b.Error(err)
						return
					}
					if acc.Duplicate || acc.Replaced || (receipts && len(acc.ReceiptSignature) == 0) {
						b.Errorf("unexpected acceptance %+v", acc)
						return
					}
				}
			})
			b.StopTimer()
			reportCPU(b, cpu0)
			reportBatching(b, env.st, tx0, w0)
			reportRate(b, "recover2", (bound+recover2Bound())/2)
			if r := env.chain.channelReads.Load() + env.chain.depositReads.Load(); r > 0 {
				b.Errorf("%d reads from the node: the channel cache missed", r)
			}
			last := proofs[len(proofs)-1].bp
			if _, err := env.st.Request(ctx, last.Channel, last.NonClosing); err != nil {
				b.Errorf("last request not stored: %v", err)
			}
		})
	}
}

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
	a    monitor.Appointment
	json []byte
}

// newSignedAppointment makes an appointment with a random locator and a
// 300-byte blob, signed by one of the benchmark users.
func newSignedAppointment(i int) (signedAppointment, error) {
	a := monitor.Appointment{Network: "regtest", EncryptedBlob: make([]byte, 300), Cipher: lncrypto.CipherChaCha20Poly1305,
		ToSelfDelay: 144, StartBlock: benchTip, EndBlock: benchTip + 4320, RewardSat: 5000}
	_, _ = rand.Read(a.Locator[:])
	_, _ = rand.Read(a.EncryptedBlob)
	if err := a.Sign(benchUserKeys()[i%64]); err != nil {
		return signedAppointment{}, err
	}
	data, err := json.Marshal(monitor.EncodeAppointment(a))
	return signedAppointment{a: a, json: data}, err
}

func signAppointments(b *testing.B, n int) []signedAppointment {
	b.Helper()
	out := make([]signedAppointment, n)
	if err := parallel(n, func(i int) (err error) { out[i], err = newSignedAppointment(i); return err }); err != nil {
		b.Fatal(err)
	}
	return out
}

var appointmentPool = sync.OnceValues(func() ([]signedAppointment, error) {
	as := make([]signedAppointment, 256)
	err := parallel(len(as), func(i int) (err error) { as[i], err = newSignedAppointment(i); return err })
	return as, err
})

// recover1 is the appointment bound's unit of work: recovering the key.
func recover1(a *signedAppointment) error {
	_, err := lncrypto.RecoverMessage(a.a.SignedMessage(), a.a.UserSignature)
	return err
}

func recover1Bound() float64 {
	as, err := appointmentPool()
	if err != nil {
		panic(err)
	}
	return boundRate(func(i int) {
		if err := recover1(&as[i%len(as)]); err != nil {
			panic(err)
		}
	})
}

// BenchmarkRecoverMessage1: one lncrypto.RecoverMessage per op (one
// appointment's signature) on every core: the bound of appointment intake.
func BenchmarkRecoverMessage1(b *testing.B) {
	as, err := appointmentPool()
	if err != nil {
		b.Fatal(err)
	}
	setParallelism(b)
	var next atomic.Int64
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := recover1(&as[int(next.Add(1))%len(as)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	reportCPU(b, cpu0)
	reportRate(b, "", 0)
}

// benchBtcNode is the Bitcoin node stand-in: a constant fee estimate; intake
// calls nothing else.
type benchBtcNode struct{}

func (benchBtcNode) Broadcast(context.Context, *wire.MsgTx) error {
	return errors.New("benchmark: no node")
}
func (benchBtcNode) FeeRate(context.Context) (int64, error) { return 2000, nil }
func (benchBtcNode) TxStatus(context.Context, chainhash.Hash) (monitor.TxStatus, error) {
	return monitor.TxStatus{}, errors.New("benchmark: no node")
}

func newTower(b *testing.B, n int, receipts bool) (*monitor.Tower, *store.Store) {
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
	cfg := monitor.TowerConfig{Store: st, Node: benchBtcNode{}, Stats: stats, Logger: benchQuiet,
		Network: "regtest", Payout: []byte{0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}}
	if receipts {
		key, _ := btcec.PrivKeyFromBytes(crypto.Keccak256([]byte("vigil bench tower")))
		cfg.SignReceipt = func(msg []byte) (string, error) { return lncrypto.SignMessage(key, msg) }
		copy(cfg.MonitorPubkey[:], key.PubKey().SerializeCompressed())
	}
	t, err := monitor.NewTower(cfg)
	if err != nil {
		b.Fatal(err)
	}
	t.SetTip(benchTip)
	return t, st
}

// BenchmarkAppointmentIntakeParallel: Tower.SubmitAppointmentJSON of
// distinct, really signed appointments from 16 concurrent clients on a store
// holding benchStored() appointments. "+receipt" also signs the receipt, as
// the daemon does.
func BenchmarkAppointmentIntakeParallel(b *testing.B) {
	n := benchStored()
	for _, receipts := range []bool{false, true} {
		name := fmt.Sprintf("stored=%d", n)
		if receipts {
			name += "+receipt"
		}
		tower, st := newTower(b, n, receipts)
		b.Run(name, func(b *testing.B) {
			bound := recover1Bound()
			as := signAppointments(b, b.N)
			ctx := context.Background()
			src := monitor.Source{Kind: "rest"}
			setParallelism(b)
			var next atomic.Int64
			runtime.GC()
			tx0, w0 := st.GroupCommits()
			b.ResetTimer()
			cpu0 := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					a := &as[next.Add(1)-1]
					r, err := tower.SubmitAppointmentJSON(ctx, a.json, src)
					if err != nil {
						b.Error(err)
						return
					}
					if receipts && r == nil {
						b.Error("no receipt")
						return
					}
				}
			})
			b.StopTimer()
			reportCPU(b, cpu0)
			reportBatching(b, st, tx0, w0)
			reportRate(b, "recover1", (bound+recover1Bound())/2)
			last := as[len(as)-1].a
			if got, err := st.AppointmentsByLocator(ctx, last.Locator); err != nil || len(got) != 1 {
				b.Errorf("last appointment not stored: %v, %d", err, len(got))
			}
		})
	}
}

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkIndexRebuild: Tower.Load on a store holding benchStored()
// appointments, as at start: every locator streamed from SQLite
// (EachLocator) into the in-memory index, which is then sorted. The
// database file is in the OS page cache.
func BenchmarkIndexRebuild(b *testing.B) {
	n := benchStored()
	tower, _ := newTower(b, n, false)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := tower.Load(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	perAppointment := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(n)
	b.ReportMetric(perAppointment, "ns/appointment")
	b.ReportMetric(perAppointment*10_000_000/1e9, "s-per-10M")
}
