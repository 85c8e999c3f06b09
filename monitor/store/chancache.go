package store

import (
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// chanCache keeps channels read by Store.Channel, which intake calls for
// every balance proof (a B-tree read through cgo: ~30 µs at a million
// stored requests, more than a tenth of the message's cost). Every write
// of the channels table bumps gen after committing: ApplyChain then caches
// the values it wrote, RollbackChain drops everything. A reader caches what
// it read only if gen did not move since before its query, so a value read
// just before a commit can never be cached after it.
type chanCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[common.Address]proofs.Channel
}

// chanCacheMax bounds the cache (about 300 bytes per entry); past it an
// arbitrary entry is dropped for each new one.
const chanCacheMax = 1 << 18

func (c *chanCache) get(a common.Address) (proofs.Channel, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.m[a]
	return copyChannel(ch), c.gen, ok
}

func (c *chanCache) put(ch proofs.Channel, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[common.Address]proofs.Channel{}
	}
	if len(c.m) >= chanCacheMax {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[ch.Address] = copyChannel(ch)
}

// written records channels just committed: a concurrent reader's older
// value can no longer be cached (gen moves), and the new values are (a
// channel opened on chain is usually asked for soon after, when its first
// balance proof arrives).
func (c *chanCache) written(chs []proofs.Channel) {
	c.mu.Lock()
	c.gen++
	gen := c.gen
	c.mu.Unlock()
	for _, ch := range chs {
		c.put(ch, gen)
	}
}

// invalidateAll drops everything.
func (c *chanCache) invalidateAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m = nil
}

// copyChannel copies the amounts, so that no caller shares them with the
// cache.
func copyChannel(ch proofs.Channel) proofs.Channel {
	for _, p := range []**big.Int{&ch.RewardDeposit1, &ch.RewardDeposit2} {
		if *p != nil {
			*p = new(big.Int).Set(*p)
		}
	}
	return ch
}
