package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// State returns the value stored under key; ok is false when there is none.
func (s *Store) State(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT value FROM state WHERE key = $1`, key).Scan(&value)
	if noRows(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, wrap("read state", err)
	}
	return value, true, nil
}

// SetState stores value under key, durably, before returning.
func (s *Store) SetState(ctx context.Context, key, value string) error {
	return s.write(ctx, "write state", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO state (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

// StatePrefix returns every value whose key starts with prefix.
func (s *Store) StatePrefix(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT key, value FROM state WHERE starts_with(key, $1) ORDER BY key`, prefix)
	if err != nil {
		return nil, wrap("read state", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, wrap("read state", err)
		}
		out[k] = v
	}
	return out, wrap("read state", rows.Err())
}

// DeleteState removes key (no error when absent).
func (s *Store) DeleteState(ctx context.Context, key string) error {
	return s.write(ctx, "delete state", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM state WHERE key = $1`, key)
		return err
	})
}
