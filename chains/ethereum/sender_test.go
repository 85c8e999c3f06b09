package ethereum_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/ethclient"

	vethereum "github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// BaseFeeRoom covers two blocks of EIP-1559's largest base-fee rise (1/8 a
// block, which the protocol rounds down and we round up).
func TestBaseFeeRoom(t *testing.T) {
	for _, c := range []struct{ base, room int64 }{
		{0, 0}, {1, 2}, {8, 1 + 2}, {100, 13 + 15}, {1_000_000_000, 265_625_000},
	} {
		if got := vethereum.BaseFeeRoom(big.NewInt(c.base)); got.Int64() != c.room {
			t.Errorf("BaseFeeRoom(%d) = %s, want %d", c.base, got, c.room)
		}
	}
	if vethereum.BaseFeeRoom(nil).Sign() != 0 {
		t.Error("no room before London")
	}
}

// On a real node whose base fee is rising (blocks past their gas target),
// the Sender's price is the node's suggestion plus that room, and stays
// above the base fee even if the next two blocks are full.
func TestSenderGasPriceCoversRisingBaseFee(t *testing.T) {
	chain := ethtest.New(t, 2)
	ctx := context.Background()
	node, err := ethclient.Dial(chain.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	s := vethereum.NewSender(node, node.Client(), chain.Keys[0], chain.ChainID, 0)

	// 150 channel deployments fill several blocks past their gas target.
	chain.OpenChannels(t, chain.Keys[0], chain.Keys[1], 150, 10)
	head, err := node.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	suggested, err := node.SuggestGasPrice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	price, err := s.GasPrice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := new(big.Int).Add(suggested, vethereum.BaseFeeRoom(head.BaseFee)); price.Cmp(want) != 0 {
		t.Fatalf("price %s, want suggestion %s + room = %s", price, suggested, want)
	}
	// Two more blocks at the gas limit raise the base fee the most they can.
	maxRise := func(b *big.Int) *big.Int { return new(big.Int).Add(b, new(big.Int).Div(b, big.NewInt(8))) }
	worst := maxRise(maxRise(head.BaseFee))
	if price.Cmp(worst) < 0 {
		t.Fatalf("price %s is below the base fee %s two full blocks on", price, worst)
	}
}
