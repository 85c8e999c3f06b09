package daemon_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/gethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/internal/testkit/proc"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// The stall tests freeze one real dependency (SIGSTOP: it keeps its
// sockets and never answers) under a running vigild and check that the
// other paths keep answering within their deadlines, then continue it
// (SIGCONT) and check that what waited for it is handled. Short node
// timeouts and poll intervals keep them quick.
const (
	stallRPCTimeout   = time.Second
	stallWriteTimeout = 3 * time.Second
	stallStaleAfter   = 2 * time.Second
)

// freeze stops pid with SIGSTOP, and waits until the kernel shows it
// stopped, until the returned resume is called; the test's cleanup always
// continues it (before the processes are stopped).
func freeze(t *testing.T, what string, pid int) (resume func()) {
	t.Helper()
	if pid == 0 {
		t.Fatalf("%s is not running", what)
	}
	cont, err := proc.Freeze(pid, defaultWait)
	resume = func() {
		if err := cont(); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	t.Cleanup(resume)
	if err != nil {
		t.Fatalf("freeze %s: %v", what, err)
	}
	return resume
}

type healthDoc struct {
	Status  string `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Parts   map[string]struct {
		Status  string   `json:"status"`
		Error   string   `json:"error"`
		Message string   `json:"message"`
		State   string   `json:"state"`
		Age     *float64 `json:"age_seconds"`
		HeadAge *float64 `json:"head_age_seconds"`
	} `json:"parts"`
}

func (v *vigil) health() (int, healthDoc) {
	v.t.Helper()
	resp, err := http.Get(v.url + "/healthz")
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	var h healthDoc
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &h); err != nil {
		v.t.Fatalf("/healthz: %d %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, h
}

// waitHealth waits until /healthz answers code with part in the state
// want ("ok" or a reason).
func (v *vigil) waitHealth(t *testing.T, code int, part, want string) healthDoc {
	t.Helper()
	var last healthDoc
	var lastCode int
	deadline := time.Now().Add(defaultWait)
	for time.Now().Before(deadline) {
		lastCode, last = v.health()
		p := last.Parts[part]
		if lastCode == code && (p.Status == want || p.Error == want) {
			return last
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("/healthz: %d %+v; want %d with %s %s", lastCode, last, code, part, want)
	return last
}

func stallMatrix(hs *matrixtest.Server, user, alias string) *daemon.MatrixConfig {
	return &daemon.MatrixConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw", RoomAlias: alias,
		CreateRoom: true, PostReceipts: true, SyncWait: 500 * time.Millisecond, ParkRetry: 300 * time.Millisecond}
}

func stallBitcoin(btc *btctest.Node, payout string) *daemon.BitcoinConfig {
	return &daemon.BitcoinConfig{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest",
		PollInterval: 50 * time.Millisecond, PayoutAddress: payout, MinRewardSat: 1000, Confirmations: 6,
		FallbackFeeRate: 2000, MaxFeeRate: 100_000, RPCTimeout: stallRPCTimeout}
}

func wantReason(t *testing.T, what string, code int, body map[string]any, wantCode int, reason string) {
	t.Helper()
	if code != wantCode || body["error"] != reason {
		t.Fatalf("%s: %d %v, want %d %s", what, code, body, wantCode, reason)
	}
}

// TestStallBitcoinNode: btcd frozen. An appointment in the room is parked
// (chain_unavailable) and the Ethereum proof posted after it still gets
// its receipt; a REST balance proof is taken; a REST appointment gets 503
// chain_unavailable before the write timeout; /healthz names the Bitcoin
// part. Once btcd continues, the parked appointment is taken and answered
// in the room, REST appointments are taken and /healthz is 200.
func TestStallBitcoinNode(t *testing.T) {
	chain := ethtest.New(t, 3)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, chain.Keys[0], chain.Keys[1], 30, reward)
	payout, _ := payoutAddress(t)
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	v := startVigil(t, chain, vigilOpts{key: chain.Keys[2], conf: 1, rpcTimeout: stallRPCTimeout, writeTimeout: stallWriteTimeout,
		staleAfter: stallStaleAfter, matrix: stallMatrix(hs, user, alias), bitcoin: stallBitcoin(btc, payout)})
	inRoom := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	overREST := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	v.waitHealth(t, http.StatusOK, "bitcoin", "ok")
	client := newRoomClient(t, hs, "alice", alias)

	resume := freeze(t, "btcd", btc.PID())
	apptEvent := client.post(matrixbus.TypeAppointment, tower.EncodeAppointment(inRoom.appt))
	proofEvent := client.postProof(s.proof(t, 5, big.NewInt(5000), reward))
	verifyReceipt(t, chain, client.waitReceipt(proofEvent, defaultWait), ethtest.Address(chain.Keys[2]))

	code, body := v.put(s.proof(t, 6, big.NewInt(6000), reward))
	if code != http.StatusCreated {
		t.Fatalf("balance proof over REST with btcd stopped: %d %v", code, body)
	}
	// The answer arrives as JSON: the connection was not closed by the
	// write timeout first.
	code, body = v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(overREST.appt)))
	wantReason(t, "appointment over REST with btcd stopped", code, body, http.StatusServiceUnavailable, string(monitor.ReasonChainUnavailable))
	h := v.waitHealth(t, http.StatusServiceUnavailable, "bitcoin", string(monitor.ReasonChainUnavailable))
	if h.Parts["ethereum"].Status != "ok" || h.Parts["matrix"].Status != "ok" || h.Parts["store"].Status != "ok" {
		t.Fatalf("/healthz with only btcd stopped: %+v", h)
	}
	if st := v.stats(); st.Counters[monitor.CounterMatrixParked] < 1 || st.Lightning.AppointmentsAccepted != 0 {
		t.Fatalf("the room appointment was not parked: %v", st.Counters)
	}

	resume()
	verifyTowerReceipt(t, client.waitReceipt(apptEvent, defaultWait), inRoom.appt)
	ethtest.Eventually(t, defaultWait, "the REST appointment to be taken", func() bool {
		code, _ := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(overREST.appt)))
		return code == http.StatusCreated
	})
	v.waitHealth(t, http.StatusOK, "bitcoin", "ok")
	if st := v.stats(); st.Lightning.AppointmentsAccepted != 2 || st.BalanceProofs.RejectedByReason[string(monitor.ReasonInternal)] != 0 {
		t.Fatalf("after btcd continued: %+v %v", st.Lightning, st.BalanceProofs.RejectedByReason)
	}
}

// gethChannel opens a channel between alice and bob on geth, with deposits
// and alice's reward deposit.
func gethChannel(t *testing.T, n *gethtest.Node, alice, bob *ecdsa.PrivateKey, reward *big.Int) common.Address {
	t.Helper()
	ctx := context.Background()
	ch, _, err := n.Ops(alice).OpenChannel(ctx, n.Registry, gethtest.Address(bob), 30)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Ops(alice).Deposit(ctx, ch, gethtest.Ether); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Ops(alice).DepositReward(ctx, ch, reward); err != nil {
		t.Fatal(err)
	}
	return ch
}

// signedProof is bob's balance proof for alice with her monitoring request.
func signedProof(t *testing.T, chainID *big.Int, channel common.Address, alice, bob *ecdsa.PrivateKey, nonce uint64, reward *big.Int) proofs.BalanceProof {
	t.Helper()
	bp := eip712.BalanceProof{Nonce: nonce, TransferredAmount: big.NewInt(int64(nonce) * 1000),
		Locksroot: crypto.Keccak256Hash([]byte("locks")), ExtraHash: crypto.Keccak256Hash([]byte("extra"))}
	req, err := ethereum.SignRequest(chainID, channel, bp, bob, alice, reward)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func gethVigil(t *testing.T, n *gethtest.Node, o vigilOpts) *vigil {
	t.Helper()
	return startVigilOn(t, ethNode{url: n.URL, chainID: n.ChainID, registry: n.Registry, register: n.RegisterMonitor}, o)
}

// TestStallEthereumNode: geth frozen. A balance proof that needs the node
// gets 503 chain_unavailable before the write timeout; a client that
// gives up mid-request is counted as request_canceled, not as an internal
// error; appointments are still taken over REST and from the room (with
// their receipt) after a balance proof in the room that waits for geth;
// /healthz names the Ethereum part. Once geth continues, the parked proof
// is handled (rejected with its reason), the node answers intake again and
// /healthz is 200.
func TestStallEthereumNode(t *testing.T) {
	n := gethtest.Start(t, gethtest.Options{Keys: 3})
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	payout, _ := payoutAddress(t)
	alice, bob := n.Keys[0], n.Keys[1]
	v := gethVigil(t, n, vigilOpts{key: n.Keys[2], conf: 1, poll: 100 * time.Millisecond, rpcTimeout: stallRPCTimeout,
		writeTimeout: stallWriteTimeout, staleAfter: stallStaleAfter, bitcoin: stallBitcoin(btc, payout),
		matrix: stallMatrix(hs, user, alias)})
	appt := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	roomAppt := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	client := newRoomClient(t, hs, "alice", alias)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	v.waitHealth(t, http.StatusOK, "ethereum", "ok")
	// Not a channel: intake must ask the node (nothing is cached for it).
	unknown := common.HexToAddress("0x00000000000000000000000000000000000c0ffe")
	reward := big.NewInt(1_000_000_000_000_000)

	resume := freeze(t, "geth", n.PID())
	code, body := v.put(signedProof(t, n.ChainID, unknown, alice, bob, 3, reward))
	wantReason(t, "balance proof with geth stopped", code, body, http.StatusServiceUnavailable, string(monitor.ReasonChainUnavailable))

	// A client that hangs up before the node deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, v.url+"/api/1/balance_proofs",
		strings.NewReader(string(mustJSON(t, proofs.EncodeBalanceProof(signedProof(t, n.ChainID, unknown, alice, bob, 4, reward))))))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the request outlived its client's deadline: %d", resp.StatusCode)
	}
	cancel()
	ethtest.Eventually(t, defaultWait, "the canceled request to be counted", func() bool {
		return v.stats().BalanceProofs.RejectedByReason[string(monitor.ReasonRequestCanceled)] == 1
	})

	code, body = v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(appt.appt)))
	if code != http.StatusCreated {
		t.Fatalf("appointment with geth stopped: %d %v", code, body)
	}
	client.postProof(signedProof(t, n.ChainID, unknown, alice, bob, 6, reward))
	apptEvent := client.post(matrixbus.TypeAppointment, tower.EncodeAppointment(roomAppt.appt))
	verifyTowerReceipt(t, client.waitReceipt(apptEvent, defaultWait), roomAppt.appt)
	if st := v.stats(); st.Counters[monitor.CounterMatrixParked] < 1 {
		t.Fatalf("the room proof was not parked: %v", st.Counters)
	}
	h := v.waitHealth(t, http.StatusServiceUnavailable, "ethereum", string(monitor.ReasonChainUnavailable))
	if h.Parts["bitcoin"].Status != "ok" || h.Parts["store"].Status != "ok" || h.Parts["matrix"].Status != "ok" {
		t.Fatalf("/healthz with only geth stopped: %+v", h)
	}

	resume()
	ethtest.Eventually(t, defaultWait, "the parked room proof to be handled", func() bool {
		return v.stats().Matrix.RejectedBy[string(monitor.ReasonUnknownChannel)] == 1
	})
	ethtest.Eventually(t, defaultWait, "the node to answer intake again", func() bool {
		code, body := v.put(signedProof(t, n.ChainID, unknown, alice, bob, 5, reward))
		return code == http.StatusBadRequest && body["error"] == string(monitor.ReasonUnknownChannel)
	})
	v.waitHealth(t, http.StatusOK, "ethereum", "ok")
	if r := v.stats().BalanceProofs.RejectedByReason; r[string(monitor.ReasonInternal)] != 0 {
		t.Fatalf("internal errors counted: %v", r)
	}
}

// TestStallHomeserver: Dendrite frozen. REST intake goes on; /healthz
// names the room. Once Dendrite continues, a proof posted to the room is
// taken and answered.
func TestStallHomeserver(t *testing.T) {
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, chain.Keys[0], chain.Keys[1], 30, reward)
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	v := startVigil(t, chain, vigilOpts{key: chain.Keys[2], conf: 1, rpcTimeout: stallRPCTimeout, writeTimeout: stallWriteTimeout,
		staleAfter: stallStaleAfter, matrix: stallMatrix(hs, user, alias)})
	v.waitHealth(t, http.StatusOK, "matrix", "ok")
	client := newRoomClient(t, hs, "alice", alias)

	resume := freeze(t, "dendrite", hs.PID())
	code, body := v.put(s.proof(t, 4, big.NewInt(4000), reward))
	if code != http.StatusCreated {
		t.Fatalf("balance proof over REST with Dendrite stopped: %d %v", code, body)
	}
	h := v.waitHealth(t, http.StatusServiceUnavailable, "matrix", "room_unavailable")
	if h.Parts["ethereum"].Status != "ok" || h.Parts["store"].Status != "ok" {
		t.Fatalf("/healthz with only Dendrite stopped: %+v", h)
	}

	resume()
	id := client.postProof(s.proof(t, 5, big.NewInt(5000), reward))
	verifyReceipt(t, chain, client.waitReceipt(id, defaultWait), ethtest.Address(chain.Keys[2]))
	v.waitHealth(t, http.StatusOK, "matrix", "ok")
}

// TestReplacedEthereumNode: the node behind vigild's ethereum.rpc_url is
// replaced by one with a fresh chain (first shorter than the processed
// chain, then longer). vigild reports it out of sync in /api/1/stats,
// /metrics and /healthz (503 node_out_of_sync), refuses intake with
// node_out_of_sync, even for a channel the store knows, logs it once at
// error, and rolls nothing back.
func TestReplacedEthereumNode(t *testing.T) {
	n := gethtest.Start(t, gethtest.Options{Keys: 3})
	alice, bob := n.Keys[0], n.Keys[1]
	reward := big.NewInt(1_000_000_000_000_000)
	ch := gethChannel(t, n, alice, bob, reward)
	var logs lockedBuffer
	v := gethVigil(t, n, vigilOpts{key: n.Keys[2], conf: 1, poll: 100 * time.Millisecond, rpcTimeout: stallRPCTimeout,
		writeTimeout: stallWriteTimeout, staleAfter: stallStaleAfter, logs: &logs})
	if code, body := v.put(signedProof(t, n.ChainID, ch, alice, bob, 5, reward)); code != http.StatusCreated {
		t.Fatalf("proof: %d %v", code, body)
	}
	head := n.Head(t)
	ethtest.Eventually(t, defaultWait, "vigil to process the channel's blocks", func() bool {
		return v.stats().Ethereum.LastProcessed+1 >= head
	})
	v.waitHealth(t, http.StatusOK, "ethereum", "ok")
	processed := v.stats().Ethereum.LastProcessed

	n.Replace(t)
	h := v.waitHealth(t, http.StatusServiceUnavailable, "ethereum", string(monitor.ReasonNodeOutOfSync))
	if h.Error != string(monitor.ReasonNodeOutOfSync) || !strings.Contains(h.Parts["ethereum"].Message, "below the last processed block") {
		t.Fatalf("/healthz: %+v", h)
	}
	st := v.stats()
	if st.Ethereum.NodeState != monitor.NodeOutOfSync || st.Ethereum.NodeProblemCode != monitor.SyncHeadBelow ||
		!strings.Contains(st.Ethereum.NodeProblem, "below the last processed block") {
		t.Fatalf("stats: %+v", st.Ethereum)
	}
	if m := v.metrics(); !strings.Contains(m, `vigil_eth_node_out_of_sync{problem="head_below_processed"} 1`) ||
		!strings.Contains(m, `vigil_eth_node_out_of_sync{problem="processed_block_unknown"} 0`) {
		t.Fatalf("metrics do not show the node out of sync:\n%s", m)
	}
	code, body := v.put(signedProof(t, n.ChainID, ch, alice, bob, 6, reward))
	wantReason(t, "a known channel's proof", code, body, http.StatusServiceUnavailable, string(monitor.ReasonNodeOutOfSync))
	// A channel that does not exist on either chain is not believed either.
	code, body = v.put(signedProof(t, n.ChainID, common.HexToAddress("0x0000000000000000000000000000000000000bad"), alice, bob, 6, reward))
	wantReason(t, "an unknown channel's proof", code, body, http.StatusServiceUnavailable, string(monitor.ReasonNodeOutOfSync))

	// The fresh chain grows past the processed block: the node still does
	// not know that block.
	n.WaitBlock(t, processed+2)
	ethtest.Eventually(t, defaultWait, "the unknown-block problem", func() bool {
		e := v.stats().Ethereum
		return e.NodeProblemCode == monitor.SyncBlockUnknown && strings.Contains(e.NodeProblem, "does not know the last processed block")
	})
	if !strings.Contains(v.metrics(), `vigil_eth_node_out_of_sync{problem="processed_block_unknown"} 1`) {
		t.Fatal("metrics do not show the unknown block")
	}
	h = v.waitHealth(t, http.StatusServiceUnavailable, "ethereum", string(monitor.ReasonNodeOutOfSync))
	if got := strings.Count(logs.String(), "chain node is out of sync:"); got != 1 {
		t.Fatalf("out of sync logged %d times, want once:\n%s", got, logs.String())
	}
	if !strings.Contains(logs.String(), `level=ERROR msg="chain node is out of sync:`) {
		t.Fatalf("not logged at error:\n%s", logs.String())
	}
	if st := v.stats(); st.Ethereum.LastProcessed != processed {
		t.Fatalf("the processed block moved from %d to %d on the replaced node", processed, st.Ethereum.LastProcessed)
	}
	if got, ok := v.storedNonce(ch, gethtest.Address(alice)); !ok || got != 5 {
		t.Fatalf("the stored proof is gone: %d %v", got, ok)
	}
}

func (v *vigil) metrics() string {
	v.t.Helper()
	resp, err := http.Get(v.url + "/metrics")
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// lockedBuffer collects log lines from the daemon's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
