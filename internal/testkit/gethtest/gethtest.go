// Package gethtest runs a real geth --dev node for tests where the node's
// own behaviour matters: its transaction pool (pending and queued
// transactions, price limits, replacement), its pending state and its
// block production every second. The Vigil contracts are deployed and test
// keys funded from geth's developer account.
//
// The binary comes from <repo>/.cache/bin/geth, built by tools/build.sh
// (pinned in tools/go.mod) and found by proc.Binary. The node listens on
// 127.0.0.1 only, keeps its chain in memory and is started, awaited and
// stopped by its process id with the proc package when the test ends.
//
// Test support only: nothing in the daemon imports it.
package gethtest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/proc"
)

// Ether is 10^18 wei.
var Ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

const logTailBytes = 8 << 10

// timing: a generous start (parallel tests share few cores), then SIGTERM
// and SIGKILL after 10 s.
var timing = proc.Timing{Ready: 60 * time.Second, Poll: 50 * time.Millisecond, Grace: 10 * time.Second}

// Node is a running geth --dev with the ChannelRegistry deployed.
type Node struct {
	URL      string // http://127.0.0.1:PORT
	WSURL    string // ws://127.0.0.1:PORT2: the same node over a WebSocket (eth_subscribe)
	Addr     string
	wsAddr   string
	Dir      string
	ChainID  *big.Int
	Client   *ethclient.Client
	RPC      *rpc.Client
	Registry common.Address
	// MonitorRegistry is the Registry's monitor registry.
	MonitorRegistry common.Address
	// Dev is geth's unlocked developer account (eth_accounts[0]).
	Dev common.Address
	// Keys are funded with 1000 ether each.
	Keys []*ecdsa.PrivateKey

	period int
	bin    string

	proc proc.Slot // empty when stopped
}

// Options tune the node.
type Options struct {
	// Period is the block period in seconds (geth --dev.period); default 1.
	Period int
	// Keys is how many funded keys to make; default 4.
	Keys int
}

// Start runs a fresh geth --dev, funds keys and deploys the registry. It
// is stopped when the test ends.
func Start(t testing.TB, o Options) *Node {
	t.Helper()
	if o.Period == 0 {
		o.Period = 1
	}
	if o.Keys == 0 {
		o.Keys = 4
	}
	n := &Node{Dir: t.TempDir(), period: o.Period}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("gethtest: tail of %s:\n%s", n.LogPath(), n.LogTail())
		}
		n.Stop(t)
	})
	n.launch(t)
	ctx := context.Background()
	for i := 0; i < o.Keys; i++ {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		n.Keys = append(n.Keys, k)
	}
	n.Fund(t, new(big.Int).Mul(big.NewInt(1000), Ether), n.Keys...)
	reg, _, err := n.Ops(n.Keys[0]).DeployRegistry(ctx, ethtest.RegistryParams)
	if err != nil {
		t.Fatalf("gethtest: deploy registry: %v", err)
	}
	n.Registry = reg
	if n.MonitorRegistry, err = n.Ops(n.Keys[0]).MonitorRegistryOf(ctx, reg); err != nil {
		t.Fatal(err)
	}
	return n
}

// RegisterMonitor registers key's account as a monitor whose rewards go to
// payout (zero: the account itself) and waits until the registration is
// active; an account already registered with that payout is left as it is.
func (n *Node) RegisterMonitor(t testing.TB, key *ecdsa.PrivateKey, payout common.Address) {
	t.Helper()
	sent, err := ethtest.RegisterMonitor(context.Background(), n.Ops(key), n.MonitorRegistry, payout)
	if err != nil {
		t.Fatalf("gethtest: register monitor: %v", err)
	}
	if sent {
		n.WaitBlock(t, n.Head(t)+ethtest.RegistryParams.ActivationDelay)
	}
}

// launch starts geth on a free address and connects to it.
func (n *Node) launch(t testing.TB) {
	t.Helper()
	bin, err := proc.Binary("geth")
	if err != nil {
		t.Fatalf("gethtest: %v", err)
	}
	n.bin = bin
	addr, err := n.proc.Launch(context.Background(), timing,
		func(addr string) (proc.Spec, error) {
			ws, err := proc.FreeAddr() // the WebSocket's, one per attempt too
			n.wsAddr = ws
			return n.spec(addr), err
		}, ready)
	if err != nil {
		t.Fatalf("gethtest: start geth: %v\n--- %s (tail) ---\n%s", err, n.LogPath(), n.LogTail())
	}
	n.Addr, n.URL = addr, "http://"+addr
	n.WSURL = "ws://" + n.wsAddr
	ctx := context.Background()
	c, err := rpc.DialContext(ctx, n.URL)
	if err != nil {
		t.Fatal(err)
	}
	n.RPC, n.Client = c, ethclient.NewClient(c)
	id, err := n.Client.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n.ChainID = id
	var accounts []common.Address
	if err := c.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		t.Fatalf("gethtest: eth_accounts: %v %v", accounts, err)
	}
	n.Dev = accounts[0]
}

// spec is how geth is started on addr (HTTP) and n.wsAddr (WebSocket).
func (n *Node) spec(addr string) proc.Spec {
	_, port, _ := net.SplitHostPort(addr)
	_, wsPort, _ := net.SplitHostPort(n.wsAddr)
	return proc.Spec{Name: "geth", Bin: n.bin, Dir: n.Dir, Log: n.LogPath(),
		Args: []string{"--dev", "--dev.period", strconv.Itoa(n.period),
			"--http", "--http.addr", "127.0.0.1", "--http.port", port, "--http.api", "eth,net,web3,txpool",
			"--ws", "--ws.addr", "127.0.0.1", "--ws.port", wsPort, "--ws.api", "eth,net,web3,txpool",
			"--port", "0", "--nodiscover", "--maxpeers", "0", "--ipcdisable", "--verbosity", "2"},
		// geth --dev without --datadir keeps its chain in memory; its
		// throwaway keystore goes to the temp dir.
		Env: []string{"TMPDIR=" + n.Dir}}
}

// PID is the running geth's process id, 0 when stopped.
func (n *Node) PID() int { return n.proc.PID() }

// Stop terminates geth: SIGTERM to its pid, SIGKILL after a grace period.
// Stopping a stopped node does nothing.
func (n *Node) Stop(t testing.TB) {
	if err := n.proc.Stop(timing.Grace); err != nil {
		t.Errorf("gethtest: %v", err)
	}
}

// Replace stops this geth and starts a new one, with a fresh chain, on the
// same address: what a daemon sees when its node is wiped or swapped. The
// registry and funded keys of the old chain do not exist on the new one.
func (n *Node) Replace(t testing.TB) {
	t.Helper()
	n.Stop(t)
	if n.RPC != nil {
		n.RPC.Close()
	}
	if err := n.proc.Start(context.Background(), n.spec(n.Addr), timing, func() error { return ready(n.Addr) }); err != nil {
		t.Fatalf("gethtest: restart geth on %s: %v\n%s", n.Addr, err, n.LogTail())
	}
	c, err := rpc.DialContext(context.Background(), n.URL)
	if err != nil {
		t.Fatal(err)
	}
	n.RPC, n.Client = c, ethclient.NewClient(c)
}

// Signal sends sig (SIGSTOP, SIGCONT) to the running geth.
func (n *Node) Signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := n.proc.Signal(sig); err != nil {
		t.Fatalf("gethtest: geth: %v", err)
	}
}

// LogPath is geth's combined output.
func (n *Node) LogPath() string { return filepath.Join(n.Dir, "geth.log") }

// LogTail is the last few kilobytes of the log.
func (n *Node) LogTail() string { return proc.Tail(n.LogPath(), logTailBytes) }

// Fund sends amount from the developer account to each key's address and
// waits until all are mined.
func (n *Node) Fund(t testing.TB, amount *big.Int, keys ...*ecdsa.PrivateKey) {
	t.Helper()
	ctx := context.Background()
	// Nonces are given explicitly: geth assigns them from its pool, which a
	// quick succession of calls can outrun.
	nonce, err := n.Client.PendingNonceAt(ctx, n.Dev)
	if err != nil {
		t.Fatalf("gethtest: developer account nonce: %v", err)
	}
	var hashes []common.Hash
	for i, k := range keys {
		var h common.Hash
		arg := map[string]any{"from": n.Dev, "to": Address(k), "value": (*hexutil.Big)(amount),
			"nonce": hexutil.Uint64(nonce + uint64(i))}
		if err := n.RPC.CallContext(ctx, &h, "eth_sendTransaction", arg); err != nil {
			t.Fatalf("gethtest: fund %s: %v", Address(k).Hex(), err)
		}
		hashes = append(hashes, h)
	}
	for _, h := range hashes {
		if _, err := n.WaitMined(ctx, h); err != nil {
			t.Fatalf("gethtest: fund: %v", err)
		}
	}
}

// WaitMined polls for a transaction's receipt for up to a minute.
func (n *Node) WaitMined(ctx context.Context, h common.Hash) (*types.Receipt, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		r, err := n.Client.TransactionReceipt(ctx, h)
		if err == nil {
			return r, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("transaction %s not mined: %w", h.Hex(), ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Ops returns channel operations for key that wait for each transaction
// to be mined by geth.
func (n *Node) Ops(key *ecdsa.PrivateKey) ethereum.Ops {
	return ethereum.Ops{Backend: n.Client, Key: key, Wait: func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
		return n.WaitMined(ctx, tx.Hash())
	}}
}

// Head is the latest block number.
func (n *Node) Head(t testing.TB) uint64 {
	t.Helper()
	h, err := n.Client.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// WaitBlock waits until the node's head reaches number.
func (n *Node) WaitBlock(t testing.TB, number uint64) {
	t.Helper()
	deadline := time.Now().Add(time.Duration(number-min(number, n.Head(t))+10) * time.Duration(n.period) * 2 * time.Second)
	for n.Head(t) < number {
		if time.Now().After(deadline) {
			t.Fatalf("gethtest: block %d not reached (head %d)", number, n.Head(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Balance at the latest block.
func (n *Node) Balance(t testing.TB, a common.Address) *big.Int {
	t.Helper()
	b, err := n.Client.BalanceAt(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Address of a key.
func Address(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// PoolContent is the node's txpool_content: pending (executable) and
// queued transactions by sender and account nonce.
func (n *Node) PoolContent(t testing.TB) (pending, queued map[common.Address]map[string]*types.Transaction) {
	t.Helper()
	var out struct {
		Pending map[common.Address]map[string]*types.Transaction `json:"pending"`
		Queued  map[common.Address]map[string]*types.Transaction `json:"queued"`
	}
	if err := n.RPC.CallContext(context.Background(), &out, "txpool_content"); err != nil {
		t.Fatalf("gethtest: txpool_content: %v", err)
	}
	return out.Pending, out.Queued
}

var readyClient = &http.Client{Timeout: 2 * time.Second}

// ready tells whether geth at addr answers eth_accounts with its developer
// account.
func ready(addr string) error {
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"eth_accounts","params":[]}`)
	resp, err := readyClient.Post("http://"+addr, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Result []string `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	if len(r.Result) == 0 {
		return errors.New("no developer account yet")
	}
	return nil
}
