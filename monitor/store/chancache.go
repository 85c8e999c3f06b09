package store

import (
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
)

// chanCache keeps channels read by Store.Channel, which intake calls for
// every balance proof (a B-tree read through cgo: ~30 µs at a million
// stored requests, more than a tenth of the message's cost). Every write
// of the channels table (ApplyChain, RollbackChain) invalidates what it
// touched after committing and bumps gen; a reader caches what it read
// only if gen did not move since before its query, so a value read just
// before a commit can never be cached after it.
type chanCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[common.Address]monitor.Channel
}

// chanCacheMax bounds the cache (about 300 bytes per entry); past it an
// arbitrary entry is dropped for each new one.
const chanCacheMax = 1 << 18

func (c *chanCache) get(a common.Address) (monitor.Channel, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.m[a]
	return copyChannel(ch), c.gen, ok
}

func (c *chanCache) put(ch monitor.Channel, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[common.Address]monitor.Channel{}
	}
	if len(c.m) >= chanCacheMax {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[ch.Address] = copyChannel(ch)
}

// invalidate drops addrs, or everything if all.
func (c *chanCache) invalidate(all bool, addrs ...common.Address) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if all {
		c.m = nil
		return
	}
	for _, a := range addrs {
		delete(c.m, a)
	}
}

// copyChannel copies the amounts, so that no caller shares them with the
// cache.
func copyChannel(ch monitor.Channel) monitor.Channel {
	for _, p := range []**big.Int{&ch.RewardDeposit1, &ch.RewardDeposit2} {
		if *p != nil {
			*p = new(big.Int).Set(*p)
		}
	}
	return ch
}
