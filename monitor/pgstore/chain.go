package pgstore

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

const channelCols = `address, participant1, participant2, settle_timeout, opened_block,
	state, closing, closed_block, on_chain_nonce, settled_block,
	reward_deposit1, reward_deposit2`

// cChannelCols is channelCols of the table aliased c.
const cChannelCols = `c.address, c.participant1, c.participant2, c.settle_timeout, c.opened_block,
	c.state, c.closing, c.closed_block, c.on_chain_nonce, c.settled_block,
	c.reward_deposit1, c.reward_deposit2`

var upsertChannel = `INSERT INTO channels (` + channelCols + `, deadline) VALUES (` + placeholders(1, 13) + `)
	ON CONFLICT (address) DO UPDATE SET ` + excludedSet(channelCols+`, deadline`)

func scanChannel(row pgx.Row) (proofs.Channel, error) {
	var c proofs.Channel
	var state int16
	err := row.Scan(sqlcol.Addr(&c.Address), sqlcol.Addr(&c.Participant1), sqlcol.Addr(&c.Participant2),
		sqlcol.U64(&c.SettleTimeout), sqlcol.U64(&c.OpenedBlock), &state, sqlcol.Addr(&c.Closing),
		sqlcol.U64(&c.ClosedBlock), sqlcol.U64(&c.OnChainNonce), sqlcol.U64(&c.SettledBlock),
		sqlcol.Big(&c.RewardDeposit1), sqlcol.Big(&c.RewardDeposit2))
	c.State = proofs.ChannelState(state)
	return c, err
}

func scanChannelRows(rows pgx.Rows) (proofs.Channel, error) { return scanChannel(rows) }

// Channel implements proofs.Store.
func (s *Store) Channel(ctx context.Context, addr common.Address) (proofs.Channel, error) {
	c, err := scanChannel(s.pool.QueryRow(ctx, `SELECT `+channelCols+` FROM channels WHERE address = $1`, sqlcol.AddrArg(addr)))
	if noRows(err) {
		return c, notFound("unknown channel %s", addr.Hex())
	}
	return c, wrap("channel", err)
}

// newerRequestExists holds for a channel c when a stored request against
// its closing participant has a nonce newer than the on-chain one. Nonces
// are compared as unsigned 64-bit numbers: a negative bigint is >= 2^63.
const newerRequestExists = `EXISTS (
		SELECT 1 FROM requests AS r
		WHERE r.channel = c.address AND r.closing = c.closing
		AND CASE WHEN (r.nonce < 0) = (c.on_chain_nonce < 0)
			THEN r.nonce > c.on_chain_nonce
			ELSE r.nonce < 0 END
	)`

// ActionableChannels implements proofs.Store: closed channels whose window
// is open at head (deadline >= head), with a newer request against the
// closer, the most urgent first.
func (s *Store) ActionableChannels(ctx context.Context, head uint64) ([]proofs.Channel, error) {
	chs, err := queryAll(ctx, s.pool, scanChannelRows, `SELECT `+cChannelCols+` FROM channels AS c
		WHERE c.state = 1 AND c.deadline >= $1 AND `+newerRequestExists+`
		ORDER BY c.deadline, c.address`, sqlcol.SatInt64(head))
	return chs, wrap("actionable channels", err)
}

// MissedWindows implements proofs.Store: closed or settled channels whose
// deadline is in (after, upTo] with a newer request against the closer, in
// deadline order.
func (s *Store) MissedWindows(ctx context.Context, after, upTo uint64) ([]proofs.Channel, error) {
	chs, err := queryAll(ctx, s.pool, scanChannelRows, `SELECT `+cChannelCols+` FROM channels AS c
		WHERE c.state IN (1, 2) AND c.deadline > $1 AND c.deadline <= $2 AND `+newerRequestExists+`
		ORDER BY c.deadline, c.address`, sqlcol.SatInt64(after), sqlcol.SatInt64(upTo))
	return chs, wrap("missed windows", err)
}

// eventSelect reads data as text: its JSON is decoded here.
const eventSelect = `SELECT block, log_index, kind, channel, tx_hash, block_hash, data::text FROM chain_events`

func scanEvent(rows pgx.Rows) (proofs.ChainEvent, error) {
	var e proofs.ChainEvent
	var logIndex int64
	var kind, data string
	if err := rows.Scan(sqlcol.U64(&e.Block), &logIndex, &kind, sqlcol.Addr(&e.Channel),
		sqlcol.Hash((*[32]byte)(&e.TxHash)), sqlcol.Hash((*[32]byte)(&e.BlockHash)), &data); err != nil {
		return e, err
	}
	e.Kind, e.LogIndex = proofs.EventKind(kind), uint(logIndex)
	return e, sqlcol.DecodeEventData(data, &e)
}

// ChannelEvents implements proofs.Store, in chain order.
func (s *Store) ChannelEvents(ctx context.Context, channel common.Address) ([]proofs.ChainEvent, error) {
	evs, err := queryAll(ctx, s.pool, scanEvent, eventSelect+` WHERE channel = $1 ORDER BY block, log_index`, sqlcol.AddrArg(channel))
	return evs, wrap("channel events", err)
}

// EventsAfter implements proofs.Store: events in blocks > block, in chain
// order.
func (s *Store) EventsAfter(ctx context.Context, block uint64) ([]proofs.ChainEvent, error) {
	evs, err := queryAll(ctx, s.pool, scanEvent, eventSelect+` WHERE block > $1 ORDER BY block, log_index`, sqlcol.U64Arg(block))
	return evs, wrap("events after", err)
}

// Cursor implements proofs.Store; ok is false before the first ApplyChain.
func (s *Store) Cursor(ctx context.Context) (proofs.Cursor, bool, error) {
	var c proofs.Cursor
	err := s.pool.QueryRow(ctx, `SELECT number, hash FROM cursor WHERE id = 1`).
		Scan(sqlcol.U64(&c.Number), sqlcol.Hash((*[32]byte)(&c.Hash)))
	if noRows(err) {
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
	err := s.pool.QueryRow(ctx, `SELECT hash FROM block_hashes WHERE number = $1`, sqlcol.U64Arg(number)).
		Scan(sqlcol.Hash((*[32]byte)(&h)))
	if noRows(err) {
		return h, false, nil
	}
	if err != nil {
		return common.Hash{}, false, wrap("block hash", err)
	}
	return h, true, nil
}

// ApplyChain implements proofs.Store in one transaction, its statements
// sent together (one round trip). Events already stored (same block and
// log index) are left alone, so a batch can be applied again after a
// crash.
func (s *Store) ApplyChain(ctx context.Context, cb proofs.ChainBatch) error {
	b := &pgx.Batch{}
	for i := range cb.Events {
		e := &cb.Events[i]
		data, err := sqlcol.EncodeEventData(e)
		if err != nil {
			return wrap("apply chain", err)
		}
		b.Queue(`INSERT INTO chain_events (block, log_index, kind, channel, tx_hash, block_hash, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (block, log_index) DO NOTHING`,
			sqlcol.U64Arg(e.Block), int64(e.LogIndex), string(e.Kind), sqlcol.AddrArg(e.Channel), sqlcol.HashArg(e.TxHash), sqlcol.HashArg(e.BlockHash), data)
	}
	queueChannels(b, cb.Channels)
	if len(cb.Blocks) > 0 {
		for _, blk := range cb.Blocks {
			b.Queue(`INSERT INTO block_hashes (number, hash) VALUES ($1, $2)
				ON CONFLICT (number) DO UPDATE SET hash = excluded.hash`, sqlcol.U64Arg(blk.Number), sqlcol.HashArg(blk.Hash))
		}
		b.Queue(`DELETE FROM block_hashes WHERE number <= (SELECT MAX(number) FROM block_hashes) - $1`, blockHashesKept)
	}
	queueCursor(b, cb.Cursor)
	return s.write(ctx, "apply chain", func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
}

// RollbackChain implements proofs.Store in one transaction.
func (s *Store) RollbackChain(ctx context.Context, r proofs.ChainRollback) error {
	to := sqlcol.U64Arg(r.To.Number)
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM chain_events WHERE block > $1`, to)
	b.Queue(`DELETE FROM block_hashes WHERE number > $1`, to)
	queueChannels(b, r.Channels)
	for _, a := range r.Removed {
		b.Queue(`DELETE FROM channels WHERE address = $1`, sqlcol.AddrArg(a))
	}
	queueCursor(b, r.To)
	return s.write(ctx, "rollback chain", func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
}

func queueChannels(b *pgx.Batch, chs []proofs.Channel) {
	for _, c := range chs {
		b.Queue(upsertChannel, sqlcol.AddrArg(c.Address), sqlcol.AddrArg(c.Participant1), sqlcol.AddrArg(c.Participant2),
			sqlcol.U64Arg(c.SettleTimeout), sqlcol.U64Arg(c.OpenedBlock), int16(c.State), sqlcol.AddrArg(c.Closing),
			sqlcol.U64Arg(c.ClosedBlock), sqlcol.U64Arg(c.OnChainNonce), sqlcol.U64Arg(c.SettledBlock),
			sqlcol.BigArg(c.RewardDeposit1), sqlcol.BigArg(c.RewardDeposit2),
			sqlcol.Deadline(c.ClosedBlock, c.SettleTimeout))
	}
}

func queueCursor(b *pgx.Batch, c proofs.Cursor) {
	b.Queue(`INSERT INTO cursor (id, number, hash) VALUES (1, $1, $2)
		ON CONFLICT (id) DO UPDATE SET number = excluded.number, hash = excluded.hash`,
		sqlcol.U64Arg(c.Number), sqlcol.HashArg(c.Hash))
}
