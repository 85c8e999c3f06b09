package daemon_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/gethtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestGriefingOnGeth: a cheating partner attacks the monitor before closing
// with stale state, on a real geth --dev node (its transaction pool decides
// what is pending, queued and mined). In every variant the victim's newest
// balance is what settles; where the attack is junk, vigil's own update
// lands and its payout is paid the reward; where a competitor's update
// really lands first, vigil sends nothing. No window is missed.
func TestGriefingOnGeth(t *testing.T) {
	if testing.Short() {
		t.Skip("runs geth --dev: skipped with -short")
	}
	type variant struct {
		name string
		// grief runs before the close (before) and right after it (after);
		// it returns the payout the reward must go to (zero: vigil's).
		before, after func(t *testing.T, g *grief)
		// vigilSends: vigil's own update lands (else a competitor's did).
		vigilSends bool
	}
	variants := []variant{
		{name: "junk queued behind a nonce gap", vigilSends: true, before: func(t *testing.T, g *grief) {
			g.junk(t, g.junkNonce(t)+3, gwei(10), 300_000, ^uint64(0))
		}},
		{name: "junk from an account nonce far ahead", vigilSends: true, before: func(t *testing.T, g *grief) {
			g.junk(t, 1_000_000_000, gwei(10), 300_000, ^uint64(0))
		}},
		{name: "junk priced at 1 wei, below the base fee", vigilSends: true, before: func(t *testing.T, g *grief) {
			g.junk(t, g.junkNonce(t), big.NewInt(1), 300_000, ^uint64(0))
		}},
		{name: "a stream of reverting junk kept three deep", vigilSends: true, after: func(t *testing.T, g *grief) {
			g.junkStream(t, 3)
		}},
		{name: "the valid update copied with too little gas: mined, reverts", vigilSends: true, after: func(t *testing.T, g *grief) {
			g.copyUpdate(t, g.junkNonce(t), gwei(20), 60_000)
		}},
		{name: "the valid update copied below the base fee: never mined", vigilSends: true, after: func(t *testing.T, g *grief) {
			g.copyUpdate(t, g.junkNonce(t), big.NewInt(1), 400_000)
		}},
		// Another, unregistered account's copy reverts whatever its price
		// (the variants above); the client itself may update at any block.
		{name: "the valid update sent by the client itself and mined first", vigilSends: false, after: func(t *testing.T, g *grief) {
			g.copier = g.alice
			g.copyUpdate(t, g.junkNonce(t), gwei(50), 600_000)
		}},
	}

	start := time.Now()
	node := gethtest.Start(t, gethtest.Options{Keys: 1 + 3*len(variants)})
	t.Logf("geth --dev up, keys funded, registry deployed: %s", time.Since(start).Round(time.Millisecond))
	operator := node.Keys[0]
	payout := newPayout(t)
	var logs lockedBuffer
	v := startVigilOn(t, ethNode{url: node.URL, chainID: node.ChainID, registry: node.Registry, register: node.RegisterMonitor},
		vigilOpts{key: operator, payout: payout, conf: 1, profitFactor: -1, poll: 100 * time.Millisecond, logs: &logs})

	t.Logf("vigild ready: %s", time.Since(start).Round(time.Millisecond))
	// All variants at once, on one chain and one vigild (t.Run from
	// several goroutines, so that -parallel does not serialise them).
	t.Run("variants", func(t *testing.T) {
		var wg sync.WaitGroup
		defer wg.Wait()
		for i, vt := range variants {
			g := &grief{node: node, alice: node.Keys[1+3*i], bob: node.Keys[2+3*i], carol: node.Keys[3+3*i], timeout: 14,
				reward: new(big.Int).Div(gethtest.Ether, big.NewInt(200))} // 0.005 ether
			wg.Add(1)
			go t.Run(vt.name, func(t *testing.T) {
				defer wg.Done()
				g.open(t)
				t.Logf("channel open: %s", time.Since(start).Round(time.Millisecond))
				if code, body := v.put(g.request); code != http.StatusCreated {
					t.Fatalf("PUT: %d %v", code, body)
				}
				if vt.before != nil {
					vt.before(t, g)
				}
				closed := g.closeStale(t)
				if vt.after != nil {
					vt.after(t, g)
				}
				node.WaitBlock(t, closed+g.timeout+1)
				g.stop()
				g.settleAndCheck(t, vt.vigilSends, payout)
				recs := v.updates(g.channel)
				o := outcomes(recs)
				if vt.vigilSends {
					if o["mined"] != 1 || o["reverted"] != 0 || o["missed"] != 0 {
						t.Fatalf("vigil's records: %v, want one mined update", o)
					}
					for _, r := range recs {
						if c, _ := r["competitor_tx"].(string); c != "" && r["outcome"] == "skipped" {
							t.Fatalf("vigil stood down for junk: %v", r)
						}
					}
				} else {
					for _, r := range recs {
						if h, _ := r["tx_hash"].(string); h != "" {
							t.Fatalf("vigil sent a transaction although a competitor's update landed first: %v", r)
						}
					}
				}
			})
		}
	})
	t.Logf("variants done: %s", time.Since(start).Round(time.Millisecond))
	st := v.stats()
	if st.Updates.Missed != 0 {
		t.Fatalf("stats count %d missed windows", st.Updates.Missed)
	}
	if strings.Contains(logs.String(), "challenge window missed") {
		t.Fatalf("vigil logged a missed window:\n%s", logs.String())
	}
}

// grief is one channel between alice (the victim, offline) and bob (the
// cheater); carol sends the junk and the copies.
type grief struct {
	node              *gethtest.Node
	alice, bob, carol *ecdsa.PrivateKey
	// copier, when set, sends the copies instead of carol.
	copier            *ecdsa.PrivateKey
	timeout           uint64
	reward            *big.Int
	channel           common.Address
	request           proofs.BalanceProof
	bobSent, aliceGot *big.Int // the newest proof: bob's transfers to alice
	aliceSent         *big.Int // what bob's stale close shows alice sent
	depA, depB        *big.Int

	mu      sync.Mutex
	cancels []context.CancelFunc
	wg      sync.WaitGroup
}

func gwei(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e9)) }

// open opens and funds the channel and signs alice's request for bob's
// newest proof (nonce 7: bob sent alice 3 ether).
func (g *grief) open(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	ch, _, err := g.node.Ops(g.alice).OpenChannel(ctx, g.node.Registry, gethtest.Address(g.bob), g.timeout)
	if err != nil {
		t.Fatal(err)
	}
	g.channel = ch
	g.depA = new(big.Int).Mul(big.NewInt(5), gethtest.Ether)
	g.depB = new(big.Int).Mul(big.NewInt(3), gethtest.Ether)
	errs := make(chan error, 2)
	go func() {
		if _, err := g.node.Ops(g.alice).Deposit(ctx, ch, g.depA); err != nil {
			errs <- err
			return
		}
		_, err := g.node.Ops(g.alice).DepositReward(ctx, ch, g.reward)
		errs <- err
	}()
	go func() { _, err := g.node.Ops(g.bob).Deposit(ctx, ch, g.depB); errs <- err }()
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	g.bobSent = new(big.Int).Mul(big.NewInt(3), gethtest.Ether)
	bp := eip712.BalanceProof{Nonce: 7, TransferredAmount: g.bobSent,
		Locksroot: crypto.Keccak256Hash([]byte("locks")), ExtraHash: crypto.Keccak256Hash([]byte("extra"))}
	if g.request, err = ethereum.SignRequest(g.node.ChainID, ch, bp, g.bob, g.alice, g.reward); err != nil {
		t.Fatal(err)
	}
}

// closeStale: bob closes with alice's proof of her 0.2 ether to him and
// leaves out his 3 ether to her. It returns the close's block.
func (g *grief) closeStale(t *testing.T) uint64 {
	t.Helper()
	g.aliceSent = new(big.Int).Div(gethtest.Ether, big.NewInt(5))
	bp := eip712.BalanceProof{Nonce: 1, TransferredAmount: g.aliceSent}
	sig, err := eip712.Sign(eip712.Domain{ChainID: g.node.ChainID, Channel: g.channel}.BalanceProofDigest(bp), g.alice)
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.node.Ops(g.bob).Close(context.Background(), g.channel, &bp, sig)
	if err != nil {
		t.Fatal(err)
	}
	return r.BlockNumber.Uint64()
}

func (g *grief) junkNonce(t *testing.T) uint64 {
	t.Helper()
	n, err := g.node.Client.PendingNonceAt(context.Background(), gethtest.Address(g.sender()))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// sender is the account junk and copies come from: carol unless copier is set.
func (g *grief) sender() *ecdsa.PrivateKey {
	if g.copier != nil {
		return g.copier
	}
	return g.carol
}

// send signs an updateTransfer call from g.sender() with the given account
// nonce, legacy gas price and gas limit, and hands it to geth.
func (g *grief) send(txNonce uint64, price *big.Int, gas uint64, call func(*contracts.NettingChannelTransactor, *bind.TransactOpts) (*types.Transaction, error)) error {
	tr, err := contracts.NewNettingChannelTransactor(g.channel, g.node.Client)
	if err != nil {
		return err
	}
	opts, err := bind.NewKeyedTransactorWithChainID(g.sender(), g.node.ChainID)
	if err != nil {
		return err
	}
	opts.NoSend, opts.Nonce, opts.GasPrice, opts.GasLimit = true, new(big.Int).SetUint64(txNonce), price, gas
	tx, err := call(tr, opts)
	if err != nil {
		return err
	}
	if err := g.node.Client.SendTransaction(context.Background(), tx); err != nil {
		return fmt.Errorf("geth refused the attacker's transaction (nonce %d, price %s): %w", txNonce, price, err)
	}
	return nil
}

// junk parks an updateTransfer with the given balance-proof nonce and
// random signatures.
func (g *grief) junk(t *testing.T, txNonce uint64, price *big.Int, gas, proofNonce uint64) {
	t.Helper()
	if err := g.sendJunk(txNonce, price, gas, proofNonce); err != nil {
		t.Fatal(err)
	}
}

func (g *grief) sendJunk(txNonce uint64, price *big.Int, gas, proofNonce uint64) error {
	sig1, sig2 := make([]byte, 65), make([]byte, 65)
	_, _ = rand.Read(sig1)
	_, _ = rand.Read(sig2)
	sig1[64], sig2[64] = 27, 28
	return g.send(txNonce, price, gas, func(tr *contracts.NettingChannelTransactor, o *bind.TransactOpts) (*types.Transaction, error) {
		return tr.UpdateTransfer(o, proofNonce, big.NewInt(1), [32]byte{1}, [32]byte{2}, sig1, sig2, big.NewInt(1))
	})
}

// copyUpdate sends alice's real request from g.sender()'s account: what a
// copycat (or the cheater) would do; the channel pays the caller's reward
// to its own payout, so a copy from an unregistered account reverts.
func (g *grief) copyUpdate(t *testing.T, txNonce uint64, price *big.Int, gas uint64) {
	t.Helper()
	r := g.request
	err := g.send(txNonce, price, gas, func(tr *contracts.NettingChannelTransactor, o *bind.TransactOpts) (*types.Transaction, error) {
		return tr.UpdateTransfer(o, r.Nonce, r.TransferredAmount, r.Locksroot, r.ExtraHash, r.Signature, r.NonClosingSignature, r.Reward)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// junkStream keeps depth reverting junk updates in the pool, refilled as
// soon as each block is seen, until stop.
func (g *grief) junkStream(t *testing.T, depth int) {
	ctx, cancel := context.WithCancel(context.Background())
	g.mu.Lock()
	g.cancels = append(g.cancels, cancel)
	g.mu.Unlock()
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		sent := map[uint64]bool{}
		for ctx.Err() == nil {
			latest, err := g.node.Client.NonceAt(ctx, gethtest.Address(g.carol), nil)
			if err != nil {
				return
			}
			for n := latest; n < latest+uint64(depth); n++ {
				if !sent[n] {
					sent[n] = true
					if err := g.sendJunk(n, gwei(20), 100_000, ^uint64(0)); err != nil {
						t.Logf("junk stream: %v", err)
					}
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
}

// stop ends the attacker's background work.
func (g *grief) stop() {
	g.mu.Lock()
	for _, c := range g.cancels {
		c()
	}
	g.mu.Unlock()
	g.wg.Wait()
}

// settleAndCheck settles and checks what each side got: the victim's
// newest balance, and the reward paid to vigil's payout when vigil's
// update landed.
func (g *grief) settleAndCheck(t *testing.T, vigilSends bool, payout common.Address) {
	t.Helper()
	ctx := context.Background()
	r, err := g.node.Ops(g.alice).Settle(ctx, g.channel)
	if err != nil {
		t.Fatal(err)
	}
	f, err := contracts.NewNettingChannelFilterer(g.channel, g.node.Client)
	if err != nil {
		t.Fatal(err)
	}
	var settled *contracts.NettingChannelChannelSettled
	var paid *contracts.NettingChannelRewardPaid
	for _, l := range r.Logs {
		if ev, err := f.ParseChannelSettled(*l); err == nil {
			settled = ev
		}
		if ev, err := f.ParseRewardPaid(*l); err == nil {
			paid = ev
		}
	}
	if settled == nil {
		t.Fatal("no ChannelSettled event")
	}
	// alice is participant1: deposit - sent + received, as the newest proof says.
	want := new(big.Int).Sub(g.depA, g.aliceSent)
	want.Add(want, g.bobSent)
	if settled.Amount1.Cmp(want) != 0 {
		t.Fatalf("the victim settled with %s wei, want %s (the cheater got %s)", settled.Amount1, want, settled.Amount2)
	}
	if paid == nil {
		t.Fatal("no reward paid")
	}
	if vigilSends && (paid.Payout != payout || paid.Amount.Cmp(g.reward) != 0) {
		t.Fatalf("reward %s paid to %s, want %s to vigil's %s", paid.Amount, paid.Payout.Hex(), g.reward, payout.Hex())
	}
	if !vigilSends && paid.Payout != gethtest.Address(g.sender()) {
		t.Fatalf("reward paid to %s, want the competitor whose update landed", paid.Payout.Hex())
	}
}
