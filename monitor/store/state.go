package store

import (
	"context"
	"database/sql"
	"errors"
)

// State returns the value stored under key; ok is false when there is none.
func (s *Store) State(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT value FROM state WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, wrap("read state", err)
	}
	return value, true, nil
}

// SetState stores value under key, durably, before returning.
func (s *Store) SetState(ctx context.Context, key, value string) error {
	return s.write(ctx, "write state", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO state (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}
