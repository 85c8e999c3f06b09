package gethtest

import (
	"context"
	"math/big"
	"testing"
)

// TestStartDeploysAndFunds: a started node has the registry deployed, the
// keys funded, and produces blocks on its own.
func TestStartDeploysAndFunds(t *testing.T) {
	if testing.Short() {
		t.Skip("starts geth: skipped with -short")
	}
	n := Start(t, Options{Keys: 2})
	code, err := n.Client.CodeAt(context.Background(), n.Registry, nil)
	if err != nil || len(code) == 0 {
		t.Fatalf("registry code: %d bytes, %v", len(code), err)
	}
	for _, k := range n.Keys {
		if b := n.Balance(t, Address(k)); b.Cmp(new(big.Int).Mul(big.NewInt(999), Ether)) < 0 {
			t.Fatalf("key %s has %s wei", Address(k).Hex(), b)
		}
	}
	h := n.Head(t)
	n.WaitBlock(t, h+2)
	pending, queued := n.PoolContent(t)
	if len(pending)+len(queued) != 0 {
		t.Fatalf("pool not empty on a quiet chain: %v %v", pending, queued)
	}
}

// TestOnDemandMinesPerTransaction: a node started with OnDemand makes a
// block for a transaction sent while its pool is otherwise empty, and
// WaitBlock makes the blocks it waits for. (geth --dev makes a block of
// its own now and then on a loaded machine, so the heads are checked as
// lower bounds; tests that need an exact head check it themselves.)
func TestOnDemandMinesPerTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("starts geth: skipped with -short")
	}
	n := Start(t, Options{OnDemand: true, Keys: 1})
	h := n.Head(t)
	n.MineBlock(t)
	if got := n.Head(t); got < h+1 {
		t.Fatalf("head %d after one transaction on head %d, want %d", got, h, h+1)
	}
	n.WaitBlock(t, h+4)
	if got := n.Head(t); got < h+4 {
		t.Fatalf("head %d after WaitBlock(%d)", got, h+4)
	}
}
