package tower

import (
	"context"
	"encoding/binary"
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

// IndexPosition is where a locator index stands in the store's history of
// writes (IndexFeed); the tower only hands it back.
type IndexPosition uint64

// IndexFeed is the store as a tower that shares it with other writers
// (replicas that accept appointments too) reads it to keep its locator
// index current without rebuilding it (Tower.Refresh).
type IndexFeed interface {
	// EachLocatorFrom is EachLocator, also returning the position of the
	// snapshot it read.
	EachLocatorFrom(ctx context.Context, fn func(locator [16]byte)) (IndexPosition, error)
	// LocatorChanges reads one snapshot and returns its position. added
	// gets the locator of every appointment stored in it that was not
	// stored at pos (and may get others again); removed gets the 8-byte
	// prefixes of locators deleted since pos that no appointment in the
	// snapshot has. Neither may use the store.
	LocatorChanges(ctx context.Context, pos IndexPosition, added func(locator [16]byte),
		removed func(prefix [8]byte)) (IndexPosition, error)
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

// Load rebuilds the locator index from the store. With a Feed it also
// records the position Refresh goes on from.
func (t *Tower) Load(ctx context.Context) error {
	// Under idxMu: an intake that saved before the snapshot adds its
	// locator before Build replaces the contents, or after it.
	t.idxMu.Lock()
	defer t.idxMu.Unlock()
	var prefixes []uint64
	add := func(l [16]byte) { prefixes = append(prefixes, Prefix(l)) }
	var err error
	var pos IndexPosition
	if t.cfg.Feed != nil {
		pos, err = t.cfg.Feed.EachLocatorFrom(ctx, add)
	} else {
		err = t.cfg.Store.EachLocator(ctx, add)
	}
	if err != nil {
		return fmt.Errorf("rebuild the locator index: %w", err)
	}
	t.index.Build(prefixes)
	t.pos = pos
	t.log.Info("locator index rebuilt", "appointments", len(prefixes), "index_bytes", t.index.Bytes())
	return nil
}

// Refresh brings the locator index up to date with what other writers of
// the store (replicas) added and removed since the last Load or Refresh,
// reading only that (Config.Feed); without a Feed the index is already
// this process's own and Refresh does nothing.
//
// It holds idxMu across the read: an intake of this process that saved
// before the read's snapshot has added its locator already (so no removal
// read in that snapshot can take a prefix it needs), one that saves after
// adds it after the refresh.
func (t *Tower) Refresh(ctx context.Context) error {
	feed := t.cfg.Feed
	if feed == nil {
		return nil
	}
	t.idxMu.Lock()
	defer t.idxMu.Unlock()
	var added int
	var drop []uint64
	pos, err := feed.LocatorChanges(ctx, t.pos,
		func(l [16]byte) { t.index.Add(l); added++ },
		func(p [8]byte) { drop = append(drop, binary.BigEndian.Uint64(p[:])) })
	if err != nil {
		// What was added is in the index; the next refresh reads it again.
		return fmt.Errorf("refresh the locator index: %w", err)
	}
	t.index.Remove(drop)
	t.pos = pos
	if added > 0 || len(drop) > 0 {
		t.log.Debug("locator index refreshed", "read", added, "removed_prefixes", len(drop), "index_prefixes", t.index.Len())
	}
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
		hits += len(apps)
		if err := t.respond(ctx, apps, block.Transactions[i], height, false); err != nil {
			return err
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
