package tower

import (
	"context"
	"fmt"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// LookoutStore is what the lookout (the locator index and block matching)
// needs from the store.
type LookoutStore interface {
	// EachLocator streams every stored locator (to rebuild the index).
	EachLocator(ctx context.Context, fn func(locator [16]byte)) error
	AppointmentsByLocator(ctx context.Context, locator [16]byte) ([]StoredAppointment, error)
	// ExpireAppointments deletes appointments whose end block is below
	// height and returns their locators, one per deleted appointment.
	ExpireAppointments(ctx context.Context, height uint32) ([][16]byte, error)
	// LocatorPrefixStored tells whether a stored locator begins with
	// prefix (the locator index's key; several locators may share one).
	LocatorPrefixStored(ctx context.Context, prefix [8]byte) (bool, error)
}

// recentDepth is how many handled blocks the tower keeps for appointments
// that arrive after their breach was mined.
const recentDepth = 6

type recentBlock struct {
	height uint32
	txs    []*wire.MsgTx
	ids    []chainhash.Hash
}

// find returns the block's transaction with this locator, if any (a late
// appointment: rare enough for a scan).
func (b *recentBlock) find(loc [16]byte) *wire.MsgTx {
	for i := range b.ids {
		if lncrypto.Locator(b.ids[i]) == loc {
			return b.txs[i]
		}
	}
	return nil
}

// Load rebuilds the locator index from the store.
func (t *Tower) Load(ctx context.Context) error {
	var prefixes []uint64
	if err := t.cfg.Store.EachLocator(ctx, func(l [16]byte) { prefixes = append(prefixes, Prefix(l)) }); err != nil {
		return fmt.Errorf("rebuild the locator index: %w", err)
	}
	t.index.Build(prefixes)
	t.log.Info("locator index rebuilt", "appointments", len(prefixes), "index_bytes", t.index.Bytes())
	return nil
}

// ProcessBlock matches every transaction of a new block against the stored
// locators and responds to breaches, retries failed late responses, and
// settles as lost the open justice records whose breach outputs a
// transaction of the block spends. It is idempotent: a block processed
// again (after a restart) does not respond twice.
func (t *Tower) ProcessBlock(ctx context.Context, height uint32, block *wire.MsgBlock) error {
	rb := recentBlock{height: height, txs: block.Transactions, ids: TxIDs(block.Transactions)}
	locs := make([][16]byte, len(rb.ids))
	for i, id := range rb.ids {
		locs[i] = lncrypto.Locator(id)
	}
	// Into the window before matching: an appointment saved after the
	// index lookup below finds the block there (Tower.submit).
	t.mu.Lock()
	t.tip = max(t.tip, height)
	keep := t.recent[:0]
	for _, b := range t.recent {
		if b.height+recentDepth > height && b.height < height {
			keep = append(keep, b)
		}
	}
	t.recent = append(keep, rb)
	t.mu.Unlock()

	t.respMu.Lock()
	defer t.respMu.Unlock()
	var hits int
	for _, i := range t.index.Hits(locs) {
		apps, err := t.cfg.Store.AppointmentsByLocator(ctx, locs[i])
		if err != nil {
			return fmt.Errorf("appointments for locator %x: %w", locs[i], err)
		}
		for _, a := range apps {
			hits++
			if err := t.respond(ctx, a, block.Transactions[i], height, false); err != nil {
				return err
			}
		}
	}
	t.retryLateLocked(ctx)
	if err := t.checkSpends(ctx, []recentBlock{rb}); err != nil {
		return err
	}
	if hits > 0 {
		t.log.Info("breach block processed", "height", height, "matches", hits)
	}
	return nil
}

// Rollback forgets recent blocks above height after a reorg, and the
// failed late responses to breaches in them (a breach mined again on the
// new branch is matched as usual); justice records stay and are followed
// by Tick (rebroadcast if they fell out).
func (t *Tower) Rollback(height uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	keep := t.recent[:0]
	for _, b := range t.recent {
		if b.height <= height {
			keep = append(keep, b)
		}
	}
	t.recent = keep
	pending := t.pending[:0]
	for _, r := range t.pending {
		if r.height <= height {
			pending = append(pending, r)
		}
	}
	t.pending = pending
	t.tip = height
}

// Expire deletes the appointments whose end_block is below height, lowers
// the stored-appointments figure by their number, and removes from the
// locator index the prefixes no stored locator has any more. It returns
// how many appointments were deleted.
func (t *Tower) Expire(ctx context.Context, height uint32) (int, error) {
	gone, err := t.cfg.Store.ExpireAppointments(ctx, height)
	if err != nil || len(gone) == 0 {
		return 0, err
	}
	t.cfg.Stats.Count(CounterAppointmentsStored, -int64(len(gone)))
	seen := make(map[uint64]bool, len(gone))
	t.idxMu.Lock()
	defer t.idxMu.Unlock()
	var drop []uint64
	defer func() { t.index.Remove(drop) }()
	for _, l := range gone {
		p := Prefix(l)
		if seen[p] {
			continue
		}
		seen[p] = true
		var key [8]byte
		copy(key[:], l[:8])
		// Another appointment (another user's, or another locator sharing
		// the prefix) may still need it.
		kept, err := t.cfg.Store.LocatorPrefixStored(ctx, key)
		if err != nil {
			return len(gone), err
		}
		if !kept {
			drop = append(drop, p)
		}
	}
	return len(gone), nil
}
