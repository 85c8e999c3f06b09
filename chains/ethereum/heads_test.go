package ethereum

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
)

func pushedAt(n uint64, fork byte) PushedHead {
	return PushedHead{Number: hexutil.Uint64(n), Hash: common.Hash{fork, byte(n >> 8), byte(n)},
		ParentHash: common.Hash{fork, byte((n - 1) >> 8), byte(n - 1)}}
}

// TestHeadChainCanonical: the canonical stretch named by the pushed heads
// follows parent links only, ends where a link is missing (naming that
// head's parent), is bounded by depth, and forgets the oldest heads.
func TestHeadChainCanonical(t *testing.T) {
	c := newHeadChain()
	for n := uint64(10); n <= 20; n++ {
		c.add(pushedAt(n, 'a'))
	}
	known := c.canonical(pushedAt(20, 'a').Hash, 64)
	if len(known) != 12 { // 10..20, and 9 named by 10
		t.Fatalf("known %d blocks, want 12", len(known))
	}
	for n := uint64(9); n <= 20; n++ {
		if known[n] != pushedAt(n, 'a').Hash {
			t.Fatalf("block %d: %x", n, known[n])
		}
	}
	if got := c.canonical(pushedAt(20, 'a').Hash, 3); len(got) != 3 || got[18] != pushedAt(18, 'a').Hash {
		t.Fatalf("depth 3: %v", got)
	}
	if c.canonical(common.Hash{1}, 64) != nil {
		t.Fatal("an unknown newest head names a chain")
	}
	// A head pushed without a logs bloom says nothing of its logs.
	if _, ok := c.bloom(pushedAt(20, 'a').Hash); ok {
		t.Fatal("a head pushed without a bloom gives one")
	}
	withBloom := pushedAt(21, 'a')
	withBloom.LogsBloom = &types.Bloom{}
	c.add(withBloom)
	if b, ok := c.bloom(withBloom.Hash); !ok || bloomHasAny(b, []common.Hash{{1}}) {
		t.Fatal("an empty pushed bloom must say the block has none of the topics")
	}

	// A reorg whose first blocks were not pushed: the new branch names its
	// own blocks and the parent of its oldest pushed one, never the old
	// branch's blocks at those numbers.
	fork := pushedAt(19, 'b')
	fork.ParentHash = pushedAt(18, 'x').Hash // block 18 of the new branch was never pushed
	c.add(fork)
	tip := pushedAt(20, 'b')
	c.add(tip)
	known = c.canonical(tip.Hash, 64)
	want := map[uint64]common.Hash{20: tip.Hash, 19: fork.Hash, 18: pushedAt(18, 'x').Hash}
	if len(known) != len(want) {
		t.Fatalf("after the reorg: %v, want %v", known, want)
	}
	for n, h := range want {
		if known[n] != h {
			t.Fatalf("after the reorg, block %d: %x, want %x", n, known[n], h)
		}
	}

	// The oldest heads are forgotten past pushedHeadsKept.
	for n := uint64(100); n < 100+pushedHeadsKept; n++ {
		c.add(pushedAt(n, 'c'))
	}
	if c.canonical(pushedAt(20, 'a').Hash, 64) != nil || len(c.byHash) != pushedHeadsKept {
		t.Fatalf("old heads kept: %d remembered", len(c.byHash))
	}
}
