package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

const channelCols = `address, participant1, participant2, settle_timeout, opened_block,
	state, closing, closed_block, on_chain_nonce, settled_block,
	reward_deposit1, reward_deposit2`

func scanChannel(rows interface{ Scan(...any) error }) (proofs.Channel, error) {
	var c proofs.Channel
	err := rows.Scan(sqlcol.Addr(&c.Address), sqlcol.Addr(&c.Participant1), sqlcol.Addr(&c.Participant2),
		sqlcol.U64(&c.SettleTimeout), sqlcol.U64(&c.OpenedBlock), &c.State, sqlcol.Addr(&c.Closing),
		sqlcol.U64(&c.ClosedBlock), sqlcol.U64(&c.OnChainNonce), sqlcol.U64(&c.SettledBlock),
		sqlcol.Big(&c.RewardDeposit1), sqlcol.Big(&c.RewardDeposit2))
	return c, err
}

func scanChannelRows(rows *sql.Rows) (proofs.Channel, error) { return scanChannel(rows) }

const channelQuery = `SELECT ` + channelCols + ` FROM channels WHERE address = ?`

// Channel implements proofs.Store, from memory when it can (chancache.go).
func (s *Store) Channel(ctx context.Context, addr common.Address) (proofs.Channel, error) {
	c, gen, ok := s.chc.get(addr)
	if ok {
		return c, nil
	}
	c, err := scanChannel(s.rst.channel.QueryRowContext(ctx, sqlcol.AddrArg(addr)))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("unknown channel %s", addr.Hex())
	}
	if err != nil {
		return c, wrap("channel", err)
	}
	s.chc.put(c, gen)
	return c, nil
}

// actionableQuery: closed channels whose window is open at head (deadline >=
// head, from the partial index) with a request against the closing
// participant whose nonce is newer than the on-chain one. A channel's few
// requests are adjacent in the primary key, so they are read with one
// descent; the unary + keeps SQLite from going through requests_closing
// first, which costs a second descent per channel. Nonces are compared as
// unsigned 64-bit numbers.
const actionableQuery = `SELECT ` + channelCols + ` FROM channels AS c
	WHERE c.state = 1 AND c.deadline >= ? AND ` + newerRequestExists + `
	ORDER BY c.deadline, c.address`

// newerRequestExists holds for a channel c when a stored request against
// its closing participant has a nonce newer than the on-chain one.
const newerRequestExists = `EXISTS (
		SELECT 1 FROM requests AS r
		WHERE r.channel = c.address AND +r.closing = c.closing
		AND CASE WHEN (r.nonce < 0) = (c.on_chain_nonce < 0)
			THEN r.nonce > c.on_chain_nonce
			ELSE r.nonce < 0 END
	)`

// missedQuery: closed or settled channels whose deadline is in (?, ?] with
// a request against the closing participant newer than the on-chain nonce.
const missedQuery = `SELECT ` + channelCols + ` FROM channels AS c
	WHERE c.state IN (1, 2) AND c.deadline > ? AND c.deadline <= ? AND ` + newerRequestExists + `
	ORDER BY c.deadline, c.address`

// MissedWindows implements proofs.Store, in deadline order.
func (s *Store) MissedWindows(ctx context.Context, after, upTo uint64) ([]proofs.Channel, error) {
	chs, err := queryAll(ctx, s.r, scanChannelRows, missedQuery, sqlcol.SatInt64(after), sqlcol.SatInt64(upTo))
	return chs, wrap("missed windows", err)
}

// ActionableChannels implements proofs.Store. Channels come in order of
// their deadline, the most urgent first.
func (s *Store) ActionableChannels(ctx context.Context, head uint64) ([]proofs.Channel, error) {
	chs, err := queryAll(ctx, s.r, scanChannelRows, actionableQuery, sqlcol.SatInt64(head))
	return chs, wrap("actionable channels", err)
}

const eventCols = `block, log_index, kind, channel, tx_hash, block_hash, data`

func scanEvent(rows *sql.Rows) (proofs.ChainEvent, error) {
	var e proofs.ChainEvent
	var logIndex int64
	var data string
	if err := rows.Scan(sqlcol.U64(&e.Block), &logIndex, &e.Kind, sqlcol.Addr(&e.Channel),
		sqlcol.Hash((*[32]byte)(&e.TxHash)), sqlcol.Hash((*[32]byte)(&e.BlockHash)), &data); err != nil {
		return e, err
	}
	e.LogIndex = uint(logIndex)
	return e, sqlcol.DecodeEventData(data, &e)
}

// ChannelEvents implements proofs.Store, in chain order.
func (s *Store) ChannelEvents(ctx context.Context, channel common.Address) ([]proofs.ChainEvent, error) {
	evs, err := queryAll(ctx, s.r, scanEvent,
		`SELECT `+eventCols+` FROM chain_events WHERE channel = ? ORDER BY block, log_index`, sqlcol.AddrArg(channel))
	return evs, wrap("channel events", err)
}

// EventsAfter implements proofs.Store: events in blocks > block, in chain
// order.
func (s *Store) EventsAfter(ctx context.Context, block uint64) ([]proofs.ChainEvent, error) {
	evs, err := queryAll(ctx, s.r, scanEvent,
		`SELECT `+eventCols+` FROM chain_events WHERE block > ? ORDER BY block, log_index`, sqlcol.U64Arg(block))
	return evs, wrap("events after", err)
}

// Cursor implements proofs.Store; ok is false before the first ApplyChain.
func (s *Store) Cursor(ctx context.Context) (proofs.Cursor, bool, error) {
	var c proofs.Cursor
	err := s.r.QueryRowContext(ctx, `SELECT number, hash FROM cursor WHERE id = 1`).
		Scan(sqlcol.U64(&c.Number), sqlcol.Hash((*[32]byte)(&c.Hash)))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return proofs.Cursor{}, false, wrap("cursor", err)
	}
	return c, true, nil
}

// BlockHash implements proofs.Store; only the newest 256 blocks are kept.
func (s *Store) BlockHash(ctx context.Context, number uint64) (common.Hash, bool, error) {
	var h common.Hash
	err := s.r.QueryRowContext(ctx, `SELECT hash FROM block_hashes WHERE number = ?`, sqlcol.U64Arg(number)).
		Scan(sqlcol.Hash((*[32]byte)(&h)))
	if errors.Is(err, sql.ErrNoRows) {
		return h, false, nil
	}
	if err != nil {
		return common.Hash{}, false, wrap("block hash", err)
	}
	return h, true, nil
}

// ApplyChain implements proofs.Store in one transaction. Events already
// stored (same block and log index) are left alone, so a batch can be
// applied again after a crash.
func (s *Store) ApplyChain(ctx context.Context, b proofs.ChainBatch) (err error) {
	defer func() {
		if err != nil {
			s.chc.invalidateAll()
			return
		}
		s.chc.written(b.Channels)
	}()
	return s.write(ctx, "apply chain", func(tx *sql.Tx) error {
		if len(b.Events) > 0 {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO chain_events (`+eventCols+`)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (block, log_index) DO NOTHING`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for i := range b.Events {
				e := &b.Events[i]
				data, err := sqlcol.EncodeEventData(e)
				if err != nil {
					return err
				}
				if _, err := stmt.ExecContext(ctx, sqlcol.U64Arg(e.Block), int64(e.LogIndex), string(e.Kind),
					sqlcol.AddrArg(e.Channel), sqlcol.HashArg(e.TxHash), sqlcol.HashArg(e.BlockHash), data); err != nil {
					return fmt.Errorf("event %s at %d/%d: %w", e.Kind, e.Block, e.LogIndex, err)
				}
			}
		}
		if err := upsertChannels(ctx, tx, b.Channels); err != nil {
			return err
		}
		if len(b.Blocks) > 0 {
			stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO block_hashes (number, hash) VALUES (?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, blk := range b.Blocks {
				if _, err := stmt.ExecContext(ctx, sqlcol.U64Arg(blk.Number), sqlcol.HashArg(blk.Hash)); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM block_hashes
				WHERE number <= (SELECT MAX(number) FROM block_hashes) - ?`, blockHashesKept); err != nil {
				return err
			}
		}
		return setCursor(ctx, tx, b.Cursor)
	})
}

// RollbackChain implements proofs.Store in one transaction.
func (s *Store) RollbackChain(ctx context.Context, r proofs.ChainRollback) error {
	defer s.chc.invalidateAll()
	return s.write(ctx, "rollback chain", func(tx *sql.Tx) error {
		to := sqlcol.U64Arg(r.To.Number)
		if _, err := tx.ExecContext(ctx, `DELETE FROM chain_events WHERE block > ?`, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM block_hashes WHERE number > ?`, to); err != nil {
			return err
		}
		if err := upsertChannels(ctx, tx, r.Channels); err != nil {
			return err
		}
		for _, a := range r.Removed {
			if _, err := tx.ExecContext(ctx, `DELETE FROM channels WHERE address = ?`, sqlcol.AddrArg(a)); err != nil {
				return err
			}
		}
		return setCursor(ctx, tx, r.To)
	})
}

func upsertChannels(ctx context.Context, tx *sql.Tx, chs []proofs.Channel) error {
	if len(chs) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO channels (`+channelCols+`, deadline)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range chs {
		if _, err := stmt.ExecContext(ctx, sqlcol.AddrArg(c.Address), sqlcol.AddrArg(c.Participant1), sqlcol.AddrArg(c.Participant2),
			sqlcol.U64Arg(c.SettleTimeout), sqlcol.U64Arg(c.OpenedBlock), int64(c.State), sqlcol.AddrArg(c.Closing),
			sqlcol.U64Arg(c.ClosedBlock), sqlcol.U64Arg(c.OnChainNonce), sqlcol.U64Arg(c.SettledBlock),
			sqlcol.BigArg(c.RewardDeposit1), sqlcol.BigArg(c.RewardDeposit2),
			sqlcol.Deadline(c.ClosedBlock, c.SettleTimeout)); err != nil {
			return fmt.Errorf("channel %s: %w", c.Address.Hex(), err)
		}
	}
	return nil
}

func setCursor(ctx context.Context, tx *sql.Tx, c proofs.Cursor) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO cursor (id, number, hash) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET number = excluded.number, hash = excluded.hash`,
		sqlcol.U64Arg(c.Number), sqlcol.HashArg(c.Hash))
	return err
}
