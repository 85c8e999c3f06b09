package daemon_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// vigil is one daemon under test, running the real wiring against the
// simulated chain's JSON-RPC endpoint.
const defaultWait = 20 * time.Second

type vigil struct {
	t       testing.TB
	d       *daemon.Daemon
	url     string
	cancel  context.CancelFunc
	done    chan error
	key     *ecdsa.PrivateKey
	payout  common.Address
	dataDir string
}

type vigilOpts struct {
	key      *ecdsa.PrivateKey
	payout   common.Address
	dataDir  string
	strategy proofs.Strategy
	minRew   *big.Int
	conf     uint64
	matrix   *daemon.MatrixConfig
	bitcoin  *daemon.BitcoinConfig
	// profitFactor < 0 means 0 (accept any reward the deposit covers).
	profitFactor float64
	ratePerKey   float64
	// ethURL, when set, is the node URL vigild dials instead of chain.URL
	// (e.g. a counting proxy in front of it).
	ethURL string
	// rpcTimeout, writeTimeout, poll, staleAfter override the defaults
	// (5 s, the API's default, 25 ms, derived).
	rpcTimeout, writeTimeout, poll, staleAfter time.Duration
	// logs, when set, also receives every log line at debug level and up.
	logs io.Writer
	// storeURL, when set, is the PostgreSQL database vigild uses instead
	// of the SQLite file in dataDir.
	storeURL string
	// leaseCheck is the replicas' lease check interval (default 1 s).
	leaseCheck time.Duration
	// unregistered: the key is not registered as a monitor before the
	// start; observeOnly sets ethereum.observe_only.
	unregistered, observeOnly bool
	// reserveBytes is the SQLite store's disk reserve (0: none, as
	// daemon.Config's default); reserveCheck how often a spent one is
	// checked for room to re-create it.
	reserveBytes int64
	reserveCheck time.Duration
	// ethStallAfter is ethereum.stall_after (0: the check is off).
	ethStallAfter time.Duration
}

// ethNode is the Ethereum node a daemon under test dials; register
// registers a key as a monitor (with its payout) and waits until it counts.
type ethNode struct {
	url      string
	chainID  *big.Int
	registry common.Address
	register func(t testing.TB, key *ecdsa.PrivateKey, payout common.Address)
}

func startVigil(t testing.TB, chain *ethtest.Chain, o vigilOpts) *vigil {
	t.Helper()
	return startVigilOn(t, ethNode{url: chain.URL, chainID: chain.ChainID, registry: chain.Registry, register: chain.RegisterMonitor}, o)
}

// startVigilOn starts the real daemon against any Ethereum node (the
// simulated chain, or a real geth from gethtest), its key registered as a
// monitor with payout o.payout (zero: the key's account).
func startVigilOn(t testing.TB, node ethNode, o vigilOpts) *vigil {
	t.Helper()
	if !o.unregistered {
		node.register(t, o.key, o.payout)
	}
	if o.dataDir == "" {
		o.dataDir = t.TempDir()
	}
	if o.strategy == "" {
		o.strategy = proofs.StrategyImmediate
	}
	level := slog.LevelWarn
	if os.Getenv("VIGIL_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	var handler slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})
	if o.logs != nil {
		handler = teeHandler{handler, slog.NewTextHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug})}
	}
	log := slog.New(handler).With("vigil", ethtest.Address(o.key).Hex()[:8])
	pf := 1.0
	if o.profitFactor < 0 {
		pf = 0
	} else if o.profitFactor > 0 {
		pf = o.profitFactor
	}
	ethURL := node.url
	if o.ethURL != "" {
		ethURL = o.ethURL
	}
	if o.rpcTimeout == 0 {
		o.rpcTimeout = 5 * time.Second
	}
	if o.poll == 0 {
		o.poll = 25 * time.Millisecond
	}
	d, err := daemon.New(daemon.Config{
		Version: "test", Logger: log, DataDir: o.dataDir, APIListen: "127.0.0.1:0", WriteTimeout: o.writeTimeout,
		HealthStaleAfter: o.staleAfter, StallAfter: o.ethStallAfter,
		EthURL: ethURL, ChainID: node.chainID, Registry: node.registry, Confirmations: o.conf,
		PollInterval: o.poll, Key: o.key, Payout: o.payout, RPCTimeout: o.rpcTimeout,
		Policy:     proofs.Policy{MinReward: o.minRew, ProfitFactor: pf, Strategy: o.strategy, DeadlineMultiplier: 2},
		StatsFlush: 100 * time.Millisecond, Matrix: o.matrix, Bitcoin: o.bitcoin, RatePerKey: o.ratePerKey, RateBurst: 20,
		StoreURL: o.storeURL, LeaseCheck: o.leaseCheck, ObserveOnly: o.observeOnly,
		DBReserveBytes: o.reserveBytes, DBReserveCheck: o.reserveCheck,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	v := &vigil{t: t, d: d, cancel: cancel, done: make(chan error, 1), key: o.key, payout: o.payout, dataDir: o.dataDir}
	go func() { v.done <- d.Run(ctx) }()
	select {
	case <-d.Ready():
	case err := <-v.done:
		t.Fatalf("vigild did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("vigild did not become ready")
	}
	v.url = "http://" + d.APIAddr()
	t.Cleanup(v.stop)
	return v
}

// teeHandler sends every record to both handlers.
type teeHandler struct{ a, b slog.Handler }

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.a.Enabled(ctx, l) || h.b.Enabled(ctx, l)
}

func (h teeHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.a.Enabled(ctx, r.Level) {
		_ = h.a.Handle(ctx, r.Clone())
	}
	if h.b.Enabled(ctx, r.Level) {
		return h.b.Handle(ctx, r)
	}
	return nil
}

func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{h.a.WithAttrs(as), h.b.WithAttrs(as)}
}

func (h teeHandler) WithGroup(name string) slog.Handler {
	return teeHandler{h.a.WithGroup(name), h.b.WithGroup(name)}
}

// stop shuts the daemon down and waits for it.
func (v *vigil) stop() {
	if v.cancel == nil {
		return
	}
	v.cancel()
	v.cancel = nil
	select {
	case err := <-v.done:
		if err != nil {
			v.t.Errorf("vigild stopped with error: %v", err)
		}
	case <-time.After(30 * time.Second):
		v.t.Error("vigild did not stop within 30s")
	}
}

func (v *vigil) put(bp proofs.BalanceProof) (int, map[string]any) {
	body, _ := json.Marshal(proofs.EncodeBalanceProof(bp))
	return v.do(http.MethodPut, "/api/1/balance_proofs", body)
}

func (v *vigil) do(method, path string, body []byte) (int, map[string]any) {
	v.t.Helper()
	req, err := http.NewRequest(method, v.url+path, bytes.NewReader(body))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		v.t.Fatalf("%s %s: non-JSON response %d: %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func (v *vigil) stats() monitor.StatsSnapshot {
	v.t.Helper()
	resp, err := http.Get(v.url + "/api/1/stats")
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	var s monitor.StatsSnapshot
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		v.t.Fatal(err)
	}
	return s
}

// scenario is one channel between a client (alice, who goes offline) and
// her partner (bob, who closes with stale state).
type scenario struct {
	chain      *ethtest.Chain
	alice, bob *ecdsa.PrivateKey
	channel    common.Address
	timeout    uint64
	depA, depB *big.Int
}

func newScenario(t *testing.T, chain *ethtest.Chain, alice, bob *ecdsa.PrivateKey, timeout uint64, reward *big.Int) *scenario {
	t.Helper()
	ctx := context.Background()
	s := &scenario{chain: chain, alice: alice, bob: bob, timeout: timeout,
		depA: new(big.Int).Mul(big.NewInt(5), ethtest.Ether), depB: new(big.Int).Mul(big.NewInt(3), ethtest.Ether)}
	ch, _, err := chain.Ops(alice).OpenChannel(ctx, chain.Registry, ethtest.Address(bob), timeout)
	if err != nil {
		t.Fatal(err)
	}
	s.channel = ch
	if _, err := chain.Ops(alice).Deposit(ctx, ch, s.depA); err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Ops(bob).Deposit(ctx, ch, s.depB); err != nil {
		t.Fatal(err)
	}
	if reward != nil && reward.Sign() > 0 {
		if _, err := chain.Ops(alice).DepositReward(ctx, ch, reward); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// newScenarioWhere opens channels between alice and bob until one has the
// property a test needs, such as two monitors' slots far enough apart: a
// slot is derived from the channel's address, which comes from the
// deployment and so differs between runs. It fails the test after 40
// channels, which with a 30-block window would mean the slot rule changed.
func newScenarioWhere(t *testing.T, chain *ethtest.Chain, alice, bob *ecdsa.PrivateKey, timeout uint64, reward *big.Int, ok func(*scenario) bool) *scenario {
	t.Helper()
	for range 40 {
		if s := newScenario(t, chain, alice, bob, timeout, reward); ok(s) {
			return s
		}
	}
	t.Fatal("no channel of 40 gave the slots this test needs")
	return nil
}

// proof is bob's balance proof of his transfers to alice, with alice's
// monitoring request and reward.
func (s *scenario) proof(t *testing.T, nonce uint64, transferred, reward *big.Int) proofs.BalanceProof {
	t.Helper()
	bp := eip712.BalanceProof{Nonce: nonce, TransferredAmount: transferred,
		Locksroot: crypto.Keccak256Hash([]byte("locks"), big.NewInt(int64(nonce)).Bytes()),
		ExtraHash: crypto.Keccak256Hash([]byte("extra"))}
	req, err := ethereum.SignRequest(s.chain.ChainID, s.channel, bp, s.bob, s.alice, reward)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// bobClosesStale: bob closes with alice's (real) proof of her transfers to
// him, leaving out his own transfers to her.
func (s *scenario) bobClosesStale(t *testing.T, aliceNonce uint64, aliceTransferred *big.Int) uint64 {
	t.Helper()
	bp := eip712.BalanceProof{Nonce: aliceNonce, TransferredAmount: aliceTransferred}
	sig, err := eip712.Sign(eip712.Domain{ChainID: s.chain.ChainID, Channel: s.channel}.BalanceProofDigest(bp), s.alice)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.chain.Ops(s.bob).Close(context.Background(), s.channel, &bp, sig)
	if err != nil {
		t.Fatal(err)
	}
	return r.BlockNumber.Uint64()
}

// mineUntil mines a block at a time (a block time of ~20 ms) until cond
// holds, failing after maxBlocks.
func mineUntil(t *testing.T, chain *ethtest.Chain, maxBlocks int, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < maxBlocks; i++ {
		if cond() {
			return
		}
		deadline := time.Now().Add(300 * time.Millisecond)
		for time.Now().Before(deadline) && !cond() {
			time.Sleep(10 * time.Millisecond)
		}
		if cond() {
			return
		}
		chain.Mine(1)
	}
	if !cond() {
		t.Fatalf("after %d blocks: still waiting for %s", maxBlocks, what)
	}
}
