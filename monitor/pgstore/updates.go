package pgstore

import (
	"context"
	"fmt"
	"math/big"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

const updateCols = `channel, non_closing, nonce, reward, outcome, detail,
	tx_hash, tx_nonce, gas_price, gas_limit, raw_tx, sent_block, block,
	gas_used, gas_paid, reward_won, created_at, updated_at, replacement, competitor`

var (
	insertUpdate = `INSERT INTO updates (` + updateCols + `) VALUES (` + placeholders(1, 20) + `) RETURNING id`
	saveUpdate   = `UPDATE updates SET ` + paramSet(updateCols, 1) + ` WHERE id = $21`
)

func updateArgs(u *proofs.Update) []any {
	return []any{
		sqlcol.AddrArg(u.Channel), sqlcol.AddrArg(u.NonClosing), sqlcol.U64Arg(u.Nonce), sqlcol.BigArg(u.Reward), string(u.Outcome), u.Detail,
		sqlcol.OptHashArg(u.TxHash), sqlcol.U64Arg(u.TxNonce), sqlcol.BigArg(u.GasPrice), sqlcol.U64Arg(u.GasLimit), sqlcol.OptBlobArg(u.RawTx),
		sqlcol.U64Arg(u.SentBlock), sqlcol.U64Arg(u.Block), sqlcol.U64Arg(u.GasUsed), sqlcol.BigArg(u.GasPaid), sqlcol.BigArg(u.RewardWon),
		sqlcol.TimeArg(u.CreatedAt), sqlcol.TimeArg(u.UpdatedAt), u.Replacement, sqlcol.OptHashArg(u.Competitor),
	}
}

func scanUpdate(rows pgx.Rows) (proofs.Update, error) {
	var u proofs.Update
	err := rows.Scan(&u.ID,
		sqlcol.Addr(&u.Channel), sqlcol.Addr(&u.NonClosing), sqlcol.U64(&u.Nonce), sqlcol.Big(&u.Reward), &u.Outcome, &u.Detail,
		sqlcol.Hash((*[32]byte)(&u.TxHash)), sqlcol.U64(&u.TxNonce), sqlcol.Big(&u.GasPrice), sqlcol.U64(&u.GasLimit), sqlcol.Bytes(&u.RawTx),
		sqlcol.U64(&u.SentBlock), sqlcol.U64(&u.Block), sqlcol.U64(&u.GasUsed), sqlcol.Big(&u.GasPaid), sqlcol.Big(&u.RewardWon),
		sqlcol.Time(&u.CreatedAt), sqlcol.Time(&u.UpdatedAt), &u.Replacement, sqlcol.Hash((*[32]byte)(&u.Competitor)))
	return u, err
}

// InsertUpdate implements proofs.Store; u.ID is ignored. A zero TxHash is
// stored as "not sent". It records an action: on a Fenced store ctx must
// carry the current term (fence.go).
func (s *Store) InsertUpdate(ctx context.Context, u proofs.Update) (int64, error) {
	var id int64
	err := s.actWrite(ctx, "insert update", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, insertUpdate, updateArgs(&u)...).Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// SaveUpdate implements proofs.Store; fenced as InsertUpdate.
func (s *Store) SaveUpdate(ctx context.Context, u proofs.Update) error {
	return s.actWrite(ctx, "save update", func(tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, saveUpdate, append(updateArgs(&u), u.ID)...)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			return notFound("no update with id %d", u.ID)
		}
		return nil
	})
}

// Updates implements proofs.Store, in ID order. A Limit <= 0 means no
// limit: callers reload all pending updates at start.
func (s *Store) Updates(ctx context.Context, q proofs.UpdateQuery) ([]proofs.Update, error) {
	query := `SELECT id, ` + updateCols + ` FROM updates WHERE id > $1`
	args := []any{q.AfterID}
	if q.Channel != nil {
		args = append(args, sqlcol.AddrArg(*q.Channel))
		query += fmt.Sprintf(` AND channel = $%d`, len(args))
	}
	if len(q.Outcomes) > 0 {
		outcomes := make([]string, len(q.Outcomes))
		for i, o := range q.Outcomes {
			outcomes[i] = string(o)
		}
		args = append(args, outcomes)
		query += fmt.Sprintf(` AND outcome = ANY($%d)`, len(args))
	}
	query += ` ORDER BY id`
	if q.Limit > 0 {
		args = append(args, q.Limit)
		query += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	us, err := queryAll(ctx, s.pool, scanUpdate, query, args...)
	return us, wrap("list updates", err)
}

// MaxTxNonce implements proofs.Store: the highest tx_nonce (as an unsigned
// number: negative bigints are the values >= 2^63) among updates that
// were sent.
func (s *Store) MaxTxNonce(ctx context.Context) (uint64, bool, error) {
	var n uint64
	err := s.pool.QueryRow(ctx, `SELECT tx_nonce FROM updates WHERE tx_hash IS NOT NULL
		ORDER BY tx_nonce < 0 DESC, tx_nonce DESC LIMIT 1`).Scan(sqlcol.U64(&n))
	if noRows(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, wrap("max tx nonce", err)
	}
	return n, true, nil
}

// Totals returns the balance proofs' aggregates from one snapshot, with no
// count over the requests (a counter the schema's triggers keep), so that
// replicas may read it for every stats document. RewardsWon and GasSpent
// are never nil.
func (s *Store) Totals(ctx context.Context) (proofs.Totals, error) {
	var t proofs.Totals
	err := s.read(ctx, "totals", func(tx pgx.Tx) error {
		t = proofs.Totals{RewardsWon: new(big.Int), GasSpent: new(big.Int)}
		var won, gas *big.Int
		err := tx.QueryRow(ctx, `SELECT
			(SELECT requests FROM request_counts WHERE id = 1),
			(SELECT n FROM seen_counts WHERE kind = 'channels'),
			(SELECT n FROM seen_counts WHERE kind = 'participants'),
			COUNT(*) FILTER (WHERE tx_hash IS NOT NULL AND replacement = 0),
			COUNT(*) FILTER (WHERE outcome = 'missed'),
			COUNT(*) FILTER (WHERE outcome = 'skipped' AND competitor IS NOT NULL),
			COUNT(*) FILTER (WHERE reward_won > 0),
			COALESCE(SUM(reward_won) FILTER (WHERE reward_won > 0), 0),
			COALESCE(SUM(gas_paid), 0)
			FROM updates`).Scan(&t.Requests, &t.Channels, &t.Participants, &t.Submitted, &t.Missed, &t.Standdowns,
			&t.Won, sqlcol.Big(&won), sqlcol.Big(&gas))
		if err != nil {
			return err
		}
		t.RewardsWon, t.GasSpent = won, gas
		return nil
	})
	if err != nil {
		return proofs.Totals{}, err
	}
	return t, nil
}

// Counters implements monitor.CounterStore: the persisted named counters,
// never nil.
func (s *Store) Counters(ctx context.Context) (map[string]int64, error) {
	c := map[string]int64{}
	err := s.read(ctx, "counters", func(tx pgx.Tx) error {
		clear(c)
		rows, err := tx.Query(ctx, `SELECT name, value FROM counters`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var v int64
			if err := rows.Scan(&name, &v); err != nil {
				return err
			}
			c[name] = v
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AddCounters implements monitor.CounterStore in one transaction (one
// round trip).
func (s *Store) AddCounters(ctx context.Context, deltas map[string]int64) error {
	if len(deltas) == 0 {
		return ctx.Err()
	}
	names := make([]string, 0, len(deltas))
	for n := range deltas {
		names = append(names, n)
	}
	sort.Strings(names) // rows locked in one order: no deadlock between two flushes
	values := make([]int64, len(names))
	for i, n := range names {
		values[i] = deltas[n]
	}
	return s.write(ctx, "add counters", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO counters (name, value)
			SELECT * FROM unnest($1::text[], $2::bigint[])
			ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value`, names, values)
		return err
	})
}
