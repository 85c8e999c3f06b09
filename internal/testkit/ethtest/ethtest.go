// Package ethtest runs a real, in-process Ethereum chain for tests: go-ethereum's
// simulated backend (a full EVM and node, mining on Commit) serving JSON-RPC
// over HTTP on 127.0.0.1, with the Vigil contracts deployed and funded keys.
// Daemons under test connect to URL exactly as they would to a real node.
//
// Test support only: nothing in the daemon imports it.
package ethtest

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
)

// Ether is 10^18 wei.
var Ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// RegistryParams are the registry parameters of the test chains (ethtest
// and gethtest): the default channel bounds and deposit, an activation delay
// of one block.
var RegistryParams = ethereum.RegistryParams{MaxSettleTimeout: 1_000_000, MinDeposit: Ether, ActivationDelay: 1, WithdrawDelay: 2_000_000}

// Chain is a running simulated chain with the registry deployed.
type Chain struct {
	Backend *simulated.Backend
	Client  simulated.Client
	URL     string
	// WSURL serves the same API over a WebSocket, with subscriptions
	// (eth_subscribe newHeads: a head for every committed block).
	WSURL    string
	ChainID  *big.Int
	Registry common.Address
	// MonitorRegistry is the Registry's monitor registry.
	MonitorRegistry common.Address
	Deployer        *ecdsa.PrivateKey
	// Keys are funded with 1000 ether each.
	Keys []*ecdsa.PrivateKey
}

// New starts a chain with n funded keys besides the deployer and deploys
// the ChannelRegistry. It is stopped when the test ends.
func New(t testing.TB, n int) *Chain {
	t.Helper()
	keys := make([]*ecdsa.PrivateKey, n+1)
	alloc := types.GenesisAlloc{}
	fund := new(big.Int).Mul(big.NewInt(1000), Ether)
	for i := range keys {
		k, err := crypto.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: fund}
	}
	port, wsPort := freePort(t), freePort(t)
	b := simulated.NewBackend(alloc, func(nc *node.Config, ec *ethconfig.Config) {
		nc.HTTPHost = "127.0.0.1"
		nc.HTTPPort = port
		nc.HTTPModules = []string{"eth", "net", "web3", "txpool"}
		nc.WSHost = "127.0.0.1"
		nc.WSPort = wsPort
		nc.WSModules = nc.HTTPModules
	})
	t.Cleanup(func() { _ = b.Close() })
	c := &Chain{Backend: b, Client: b.Client(), URL: fmt.Sprintf("http://127.0.0.1:%d", port),
		WSURL:   fmt.Sprintf("ws://127.0.0.1:%d", wsPort),
		ChainID: big.NewInt(1337), Deployer: keys[0], Keys: keys[1:]}
	reg, _, err := c.Ops(c.Deployer).DeployRegistry(context.Background(), RegistryParams)
	if err != nil {
		t.Fatal(err)
	}
	c.Registry = reg
	if c.MonitorRegistry, err = c.Ops(c.Deployer).MonitorRegistryOf(context.Background(), reg); err != nil {
		t.Fatal(err)
	}
	return c
}

// RegisterMonitor registers key's account as a monitor whose rewards go to
// payout (zero: the account itself), with the minimum deposit, and mines
// until the registration is active. An account already registered with
// that payout is left as it is.
func (c *Chain) RegisterMonitor(t testing.TB, key *ecdsa.PrivateKey, payout common.Address) {
	t.Helper()
	sent, err := RegisterMonitor(context.Background(), c.Ops(key), c.MonitorRegistry, payout)
	if err != nil {
		t.Fatal(err)
	}
	if sent {
		c.Mine(int(RegistryParams.ActivationDelay))
	}
}

// RegisterMonitor registers the account of ops.Key in the monitor registry
// monitors with payout (zero: the account itself) and RegistryParams'
// deposit, unless it is registered already; sent reports whether it sent
// the registration. A registration with another payout is an error.
func RegisterMonitor(ctx context.Context, ops ethereum.Ops, monitors, payout common.Address) (sent bool, err error) {
	self := crypto.PubkeyToAddress(ops.Key.PublicKey)
	if payout == (common.Address{}) {
		payout = self
	}
	reg, err := contracts.NewMonitorRegistry(monitors, ops.Backend)
	if err != nil {
		return false, err
	}
	cur, err := reg.Monitors(&bind.CallOpts{Context: ctx}, self)
	if err != nil {
		return false, err
	}
	if cur.ActiveFrom != 0 {
		if cur.Payout != payout {
			return false, fmt.Errorf("ethtest: %s is registered with payout %s, not %s", self.Hex(), cur.Payout.Hex(), payout.Hex())
		}
		return false, nil
	}
	if _, err := ops.Register(ctx, monitors, payout, RegistryParams.MinDeposit); err != nil {
		return false, err
	}
	return true, nil
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Ops returns channel operations for key that mine a block per transaction.
func (c *Chain) Ops(key *ecdsa.PrivateKey) ethereum.Ops {
	return ethereum.Ops{Backend: c.Client, Key: key, Wait: c.commitAndReceipt}
}

func (c *Chain) commitAndReceipt(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
	c.Backend.Commit()
	return c.Client.TransactionReceipt(ctx, tx.Hash())
}

// Mine commits n blocks.
func (c *Chain) Mine(n int) {
	for i := 0; i < n; i++ {
		c.Backend.Commit()
	}
}

// Head is the current block number.
func (c *Chain) Head(t testing.TB) uint64 {
	n, err := c.Client.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Address of a key.
func Address(k *ecdsa.PrivateKey) common.Address { return crypto.PubkeyToAddress(k.PublicKey) }

// Balance of an address at the head.
func (c *Chain) Balance(t testing.TB, a common.Address) *big.Int {
	b, err := c.Client.BalanceAt(context.Background(), a, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Eventually polls cond until it holds or the deadline passes.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// OpenChannels opens n channels between a and b, many per block, and
// returns their addresses in order.
func (c *Chain) OpenChannels(t testing.TB, a, b *ecdsa.PrivateKey, n int, settleTimeout uint64) []common.Address {
	t.Helper()
	ctx := context.Background()
	reg, err := contracts.NewChannelRegistry(c.Registry, c.Client)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := bind.NewKeyedTransactorWithChainID(a, c.ChainID)
	if err != nil {
		t.Fatal(err)
	}
	nonce, err := c.Client.PendingNonceAt(ctx, Address(a))
	if err != nil {
		t.Fatal(err)
	}
	var out []common.Address
	const perBlock = 100
	for done := 0; done < n; {
		var txs []*types.Transaction
		for i := 0; i < perBlock && done+i < n; i++ {
			auth.Nonce = new(big.Int).SetUint64(nonce)
			auth.GasLimit = 3_000_000
			tx, err := reg.OpenChannel(auth, Address(b), settleTimeout)
			if err != nil {
				t.Fatal(err)
			}
			nonce++
			txs = append(txs, tx)
		}
		for _, tx := range txs {
			var r *types.Receipt
			for tries := 0; r == nil; tries++ { // more than one block's gas: mine on
				if tries > 50 {
					t.Fatalf("open channel %d not mined", done)
				}
				if r, err = c.Client.TransactionReceipt(ctx, tx.Hash()); err != nil {
					r = nil
					c.Backend.Commit()
				}
			}
			if r.Status != types.ReceiptStatusSuccessful {
				t.Fatalf("open channel %d reverted", done)
			}
			for _, l := range r.Logs {
				if ev, err := reg.ParseChannelOpened(*l); err == nil {
					out = append(out, ev.Channel)
				}
			}
		}
		done += len(txs)
	}
	return out
}
