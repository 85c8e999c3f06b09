package ethereum

import (
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
)

// PushedHead is a head as the node announces it (eth_subscribe "newHeads"):
// its number and timestamp, the node's own hashes of it and of its parent,
// and its logs bloom (nil when the node does not send one). The hashes
// are the node's, never computed here, so that a chain whose header has
// fields go-ethereum's types.Header lacks is followed all the same.
type PushedHead struct {
	Number     hexutil.Uint64 `json:"number"`
	Time       hexutil.Uint64 `json:"timestamp"`
	LogsBloom  *types.Bloom   `json:"logsBloom"`
	Hash       common.Hash    `json:"hash"`
	ParentHash common.Hash    `json:"parentHash"`
}

// pushedHeadsKept bounds the heads a headChain remembers, and so how far
// below the newest head it can name the canonical chain.
const pushedHeadsKept = 128

// headChain remembers the heads the node pushed lately, by hash. From the
// newest head, the parent links it holds name the canonical chain as the
// node saw it when it pushed that head: the same answer eth_getHeaderByNumber
// would have given then, without asking. A link it lacks (a head not
// pushed, a reorg whose intermediate blocks were not pushed) ends the known
// stretch, and the watcher asks the node for the rest.
type headChain struct {
	mu     sync.Mutex
	byHash map[common.Hash]PushedHead
	order  []common.Hash // oldest first, for eviction
}

func newHeadChain() *headChain {
	return &headChain{byHash: make(map[common.Hash]PushedHead, pushedHeadsKept)}
}

// add remembers h, forgetting the oldest head beyond pushedHeadsKept.
func (c *headChain) add(h PushedHead) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byHash[h.Hash]; ok {
		return
	}
	c.byHash[h.Hash] = h
	c.order = append(c.order, h.Hash)
	if len(c.order) > pushedHeadsKept {
		delete(c.byHash, c.order[0])
		c.order = c.order[1:]
	}
}

// bloom is the logs bloom the node pushed with the head hash (false when
// that head is not remembered or came without one).
func (c *headChain) bloom(hash common.Hash) (types.Bloom, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.byHash[hash]
	if !ok || h.LogsBloom == nil {
		return types.Bloom{}, false
	}
	return *h.LogsBloom, true
}

// canonical is the chain that ends at the head with hash newest, by
// number: newest's block and each ancestor reached by parent links through
// remembered heads (at most depth blocks). Nil when newest is not
// remembered.
func (c *headChain) canonical(newest common.Hash, depth int) map[uint64]common.Hash {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.byHash[newest]
	if !ok {
		return nil
	}
	known := make(map[uint64]common.Hash, min(depth, len(c.order)+1))
	for len(known) < depth {
		known[uint64(h.Number)] = h.Hash
		parent, ok := c.byHash[h.ParentHash]
		if !ok || uint64(parent.Number)+1 != uint64(h.Number) {
			// The last head reached still names its parent.
			if h.Number > 0 && len(known) < depth {
				known[uint64(h.Number)-1] = h.ParentHash
			}
			break
		}
		h = parent
	}
	return known
}
