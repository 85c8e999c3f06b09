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
