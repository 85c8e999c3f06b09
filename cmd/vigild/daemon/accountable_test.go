package daemon_test

import (
	"context"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// TestReceiptBacksAPenalty: vigild receipts alice's request, then is down
// through the whole window while bob closes with stale state. The receipt
// vigild signed is what the channel checks: a claim with it pays alice five
// times the reward from vigild's deposit, once.
func TestReceiptBacksAPenalty(t *testing.T) {
	chain := ethtest.New(t, 4)
	alice, bob, operator, anyone := chain.Keys[0], chain.Keys[1], chain.Keys[2], chain.Keys[3]
	reward := big.NewInt(3_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 10, reward)
	v := startVigil(t, chain, vigilOpts{key: operator, conf: 1})
	// The deposit that backs the receipt is public.
	if r := v.stats().Ethereum.Registration; r == nil || r.DepositWei != ethtest.RegistryParams.MinDeposit.String() || r.ActiveFromBlock == 0 {
		t.Fatalf("/api/1/stats ethereum.registration: %+v", r)
	}
	proof := s.proof(t, 5, big.NewInt(4000), reward)
	code, body := v.put(proof)
	if code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	sigHex, _ := body["signature"].(string)
	if body["monitor"] != ethtest.Address(operator).Hex() || !strings.HasPrefix(sigHex, "0x") {
		t.Fatalf("receipt without the monitor's signature: %v", body)
	}
	v.stop() // vigild is down through the window
	closed := s.bobClosesStale(t, 1, big.NewInt(10))
	for chain.Head(t) <= closed+s.timeout {
		chain.Mine(1)
	}

	ch, err := contracts.NewNettingChannel(s.channel, chain.Client)
	if err != nil {
		t.Fatal(err)
	}
	req := contracts.NettingChannelMonitorRequest{Nonce: proof.Nonce, TransferredAmount: proof.TransferredAmount,
		Locksroot: proof.Locksroot, ExtraHash: proof.ExtraHash, ClosingSignature: proof.Signature,
		NonClosingSignature: proof.NonClosingSignature, Reward: proof.Reward}
	opts, err := bind.NewKeyedTransactorWithChainID(anyone, chain.ChainID)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	alice0 := chain.Balance(t, ethtest.Address(alice))
	tx, err := ch.ClaimPenalty(opts, ethtest.Address(operator), req, common.FromHex(sigHex))
	if err != nil {
		t.Fatalf("claim with vigild's receipt: %v", err)
	}
	chain.Mine(1)
	rc, err := chain.Client.TransactionReceipt(ctx, tx.Hash())
	if err != nil || rc.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("claim receipt %v (%v)", rc, err)
	}
	penalty := new(big.Int).Mul(reward, big.NewInt(5))
	if got := new(big.Int).Sub(chain.Balance(t, ethtest.Address(alice)), alice0); got.Cmp(penalty) != 0 {
		t.Fatalf("alice received %s, want 5 x the reward = %s", got, penalty)
	}
	if _, err := ch.ClaimPenalty(opts, ethtest.Address(operator), req, common.FromHex(sigHex)); err == nil {
		t.Fatal("a second claim for the same channel and monitor was accepted")
	}
}
