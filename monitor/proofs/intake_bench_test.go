package proofs_test

// Balance-proof intake throughput against its bound (docs: "Measured
// performance"; appointment intake is measured in monitor/tower).
//
// BenchmarkRecover2 is the bound for balance proofs: the two EIP-712
// signature recoveries every message needs, on all cores, nothing else.
// BenchmarkIntakeParallel is the whole path (Intake.SubmitJSON: decode,
// EIP-712 hashing, both recoveries, channel from the store, policy, durable
// group commit) with 16 concurrent clients on a SQLite store that already
// holds 1,000,000 requests (10,000 with -short).
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
//	go test ./monitor/proofs/ -run '^$' -bench 'Recover2|IntakeParallel' -benchtime 10000x
//	go test ./monitor/proofs/ -run '^$' -bench 'Recover2|IntakeParallel' -short -benchtime 1000x

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/benchdb"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
)

var (
	benchChainID = benchdb.ChainID
	benchReward  = benchdb.Reward
	benchQuiet   = slog.New(slog.DiscardHandler)
)

func randAddr() common.Address {
	var a common.Address
	_, _ = rand.Read(a[:])
	return a
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
	bp   proofs.BalanceProof
	json []byte
	ch   proofs.Channel
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
	bp := proofs.BalanceProof{ChainID: benchChainID, Channel: chAddr, Nonce: p.Nonce, TransferredAmount: p.TransferredAmount,
		Locksroot: p.Locksroot, ExtraHash: p.ExtraHash, Signature: sig, NonClosing: ncAddr, NonClosingSignature: ncs, Reward: benchReward}
	data, err := json.Marshal(proofs.EncodeBalanceProof(bp))
	if err != nil {
		return signedProof{}, err
	}
	deposit := new(big.Int).Mul(benchReward, big.NewInt(10))
	return signedProof{bp: bp, json: data, ch: proofs.Channel{Address: chAddr, Participant1: ncAddr, Participant2: clAddr,
		SettleTimeout: 500, OpenedBlock: 1, RewardDeposit1: deposit, RewardDeposit2: deposit}}, nil
}

func signProofs(b *testing.B, n int) []signedProof {
	b.Helper()
	out := make([]signedProof, n)
	if err := benchdb.Parallel(n, func(i int) (err error) { out[i], err = newSignedProof(i); return err }); err != nil {
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

var recoverPool = benchdb.Pool(256, newSignedProof)

func recover2Bound() float64 { return benchdb.PoolBound(recoverPool, recover2) }

// BenchmarkRecover2: two eip712.Recover calls per op (one balance proof's
// signatures) on every core: the bound of balance-proof intake.
func BenchmarkRecover2(b *testing.B) { benchdb.RunBound(b, recoverPool, recover2) }

// benchChain is the Ethereum node stand-in: a constant gas price; channel
// reads count as misses of the store's cache (the benchmark fails on them).
type benchChain struct{ channelReads, depositReads atomic.Int64 }

func (c *benchChain) ChainID() *big.Int { return benchChainID }
func (c *benchChain) ChannelInfo(context.Context, common.Address) (proofs.ChannelInfo, error) {
	c.channelReads.Add(1)
	return proofs.ChannelInfo{}, errors.New("benchmark: no node")
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
	in    *proofs.Intake
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
	cfg := proofs.IntakeConfig{Store: st, Chain: chain, Stats: proofs.NewStats(stats, proofs.Totals{}), Logger: benchQuiet,
		Policy: proofs.Policy{MinReward: big.NewInt(1e15), ProfitFactor: 1.5}}
	if receipts {
		key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("vigil bench monitor")))
		cfg.Monitor = crypto.PubkeyToAddress(key.PublicKey)
		cfg.SignReceipt = func(d [32]byte) ([]byte, error) { return eip712.Sign(d, key) }
	}
	in, err := proofs.NewIntake(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return &intakeEnv{st: st, in: in, chain: chain, stats: stats}
}

// BenchmarkIntakeParallel: Intake.SubmitJSON of distinct, really signed
// balance proofs (each on its own channel, which the store knows) from 16
// concurrent clients, on a store holding benchdb.Stored() requests. An op is
// one accepted message; its acknowledgement waited for the durable commit.
// "+receipt" also signs the MonitorReceipt, as the daemon does.
func BenchmarkIntakeParallel(b *testing.B) {
	n := benchdb.Stored()
	for _, receipts := range []bool{false, true} {
		name := fmt.Sprintf("stored=%d", n)
		if receipts {
			name += "+receipt"
		}
		env := newIntakeEnv(b, n, receipts)
		b.Run(name, func(b *testing.B) {
			bound := recover2Bound()
			signed := signProofs(b, b.N)
			chs := make([]proofs.Channel, len(signed))
			for i := range signed {
				chs[i] = signed[i].ch
			}
			ctx := context.Background()
			if err := env.st.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 1}, Channels: chs}); err != nil {
				b.Fatal(err)
			}
			src := monitor.Source{Kind: "rest"}
			benchdb.SetParallelism(b)
			var next atomic.Int64
			runtime.GC()
			tx0, w0 := env.st.GroupCommits()
			b.ResetTimer()
			cpu0 := benchdb.CPUTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					p := &signed[next.Add(1)-1]
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
			benchdb.ReportCPU(b, cpu0)
			benchdb.ReportBatching(b, env.st, tx0, w0)
			benchdb.ReportRate(b, "recover2", (bound+recover2Bound())/2)
			if r := env.chain.channelReads.Load() + env.chain.depositReads.Load(); r > 0 {
				b.Errorf("%d reads from the node: the channel cache missed", r)
			}
			last := signed[len(signed)-1].bp
			if _, err := env.st.Request(ctx, last.Channel, last.NonClosing); err != nil {
				b.Errorf("last request not stored: %v", err)
			}
		})
	}
}
