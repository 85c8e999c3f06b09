package store

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"sort"
	"strings"

	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

const updateCols = `channel, non_closing, nonce, reward, outcome, detail,
	tx_hash, tx_nonce, gas_price, gas_limit, raw_tx, sent_block, block,
	gas_used, gas_paid, reward_won, created_at, updated_at, replacement, competitor`

// updateSet is "channel = ?, non_closing = ?, ..." in updateCols order.
var updateSet = strings.ReplaceAll(strings.Join(strings.Fields(updateCols), " "), ",", " = ?,") + " = ?"

func updateArgs(u *proofs.Update) []any {
	return []any{
		sqlcol.AddrArg(u.Channel), sqlcol.AddrArg(u.NonClosing), sqlcol.U64Arg(u.Nonce), sqlcol.BigArg(u.Reward), string(u.Outcome), u.Detail,
		sqlcol.OptHashArg(u.TxHash), sqlcol.U64Arg(u.TxNonce), sqlcol.BigArg(u.GasPrice), sqlcol.U64Arg(u.GasLimit), sqlcol.OptBlobArg(u.RawTx),
		sqlcol.U64Arg(u.SentBlock), sqlcol.U64Arg(u.Block), sqlcol.U64Arg(u.GasUsed), sqlcol.BigArg(u.GasPaid), sqlcol.BigArg(u.RewardWon),
		sqlcol.TimeArg(u.CreatedAt), sqlcol.TimeArg(u.UpdatedAt), u.Replacement, sqlcol.OptHashArg(u.Competitor),
	}
}

func scanUpdate(rows *sql.Rows) (proofs.Update, error) {
	var u proofs.Update
	err := rows.Scan(&u.ID,
		sqlcol.Addr(&u.Channel), sqlcol.Addr(&u.NonClosing), sqlcol.U64(&u.Nonce), sqlcol.Big(&u.Reward), &u.Outcome, &u.Detail,
		sqlcol.Hash((*[32]byte)(&u.TxHash)), sqlcol.U64(&u.TxNonce), sqlcol.Big(&u.GasPrice), sqlcol.U64(&u.GasLimit), sqlcol.Bytes(&u.RawTx),
		sqlcol.U64(&u.SentBlock), sqlcol.U64(&u.Block), sqlcol.U64(&u.GasUsed), sqlcol.Big(&u.GasPaid), sqlcol.Big(&u.RewardWon),
		sqlcol.Time(&u.CreatedAt), sqlcol.Time(&u.UpdatedAt), &u.Replacement, sqlcol.Hash((*[32]byte)(&u.Competitor)))
	return u, err
}

// InsertUpdate implements proofs.Store; u.ID is ignored. A zero TxHash is
// stored as "not sent".
func (s *Store) InsertUpdate(ctx context.Context, u proofs.Update) (int64, error) {
	var id int64
	err := s.write(ctx, "insert update", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO updates (`+updateCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, updateArgs(&u)...)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// SaveUpdate implements proofs.Store.
func (s *Store) SaveUpdate(ctx context.Context, u proofs.Update) error {
	return s.write(ctx, "save update", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE updates SET `+updateSet+` WHERE id = ?`, append(updateArgs(&u), u.ID)...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound("no update with id %d", u.ID)
		}
		return nil
	})
}

// Updates implements proofs.Store, in ID order. Unlike Requests, a Limit
// <= 0 means no limit: callers reload all pending updates at start.
func (s *Store) Updates(ctx context.Context, q proofs.UpdateQuery) ([]proofs.Update, error) {
	query := `SELECT id, ` + updateCols + ` FROM updates WHERE id > ?`
	args := []any{q.AfterID}
	if q.Channel != nil {
		query += ` AND channel = ?`
		args = append(args, sqlcol.AddrArg(*q.Channel))
	}
	if len(q.Outcomes) > 0 {
		query += ` AND outcome IN (?` + strings.Repeat(`, ?`, len(q.Outcomes)-1) + `)`
		for _, o := range q.Outcomes {
			args = append(args, string(o))
		}
	}
	query += ` ORDER BY id`
	if q.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	us, err := queryAll(ctx, s.r, scanUpdate, query, args...)
	return us, wrap("list updates", err)
}

// MaxTxNonce implements proofs.Store: the highest tx_nonce (as an unsigned
// number) among updates that were sent.
func (s *Store) MaxTxNonce(ctx context.Context) (uint64, bool, error) {
	var n uint64
	err := s.r.QueryRowContext(ctx, `SELECT tx_nonce FROM updates WHERE tx_hash IS NOT NULL
		ORDER BY tx_nonce < 0 DESC, tx_nonce DESC LIMIT 1`).Scan(sqlcol.U64(&n))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, wrap("max tx nonce", err)
	}
	return n, true, nil
}

// Totals returns the balance proofs' aggregates from one snapshot. Amounts
// are summed in Go: wei totals overflow SQLite's integers and must not
// become REAL. RewardsWon and GasSpent are never nil.
func (s *Store) Totals(ctx context.Context) (proofs.Totals, error) {
	t := proofs.Totals{RewardsWon: new(big.Int), GasSpent: new(big.Int)}
	err := s.read(ctx, "totals", func(tx *sql.Tx) error {
		for _, c := range []struct {
			dst   *int64
			query string
		}{
			{&t.Requests, `SELECT COUNT(*) FROM requests`},
			{&t.Channels, `SELECT n FROM seen_counts WHERE kind = 'channels'`},
			{&t.Participants, `SELECT n FROM seen_counts WHERE kind = 'participants'`},
			{&t.Submitted, `SELECT COUNT(*) FROM updates WHERE tx_hash IS NOT NULL AND replacement = 0`},
			{&t.Missed, `SELECT COUNT(*) FROM updates WHERE outcome = 'missed'`},
			{&t.Standdowns, `SELECT COUNT(*) FROM updates WHERE outcome = 'skipped' AND competitor IS NOT NULL`},
		} {
			if err := tx.QueryRowContext(ctx, c.query).Scan(c.dst); err != nil {
				return err
			}
		}
		won, err := queryAll(ctx, tx, scanBig, `SELECT reward_won FROM updates WHERE reward_won IS NOT NULL`)
		if err != nil {
			return err
		}
		for _, w := range won {
			if w.Sign() > 0 {
				t.Won++
				t.RewardsWon.Add(t.RewardsWon, w)
			}
		}
		gas, err := queryAll(ctx, tx, scanBig, `SELECT gas_paid FROM updates WHERE gas_paid IS NOT NULL`)
		if err != nil {
			return err
		}
		for _, g := range gas {
			t.GasSpent.Add(t.GasSpent, g)
		}
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
	err := s.read(ctx, "counters", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name, value FROM counters`)
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

func scanBig(rows *sql.Rows) (*big.Int, error) {
	var b *big.Int
	err := rows.Scan(sqlcol.Big(&b))
	return b, err
}

// AddCounters implements monitor.CounterStore in one transaction.
func (s *Store) AddCounters(ctx context.Context, deltas map[string]int64) error {
	if len(deltas) == 0 {
		return ctx.Err()
	}
	names := make([]string, 0, len(deltas))
	for n := range deltas {
		names = append(names, n)
	}
	sort.Strings(names)
	return s.write(ctx, "add counters", func(tx *sql.Tx) error {
		for _, n := range names {
			if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES (?, ?)
				ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`, n, deltas[n]); err != nil {
				return err
			}
		}
		return nil
	})
}
