package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Room receipts.
//
// The room leader answers each accepted room event with a receipt. A
// receipt is a promise, so replicas record it as an action: the leader
// records the receipt it owes (RecordReceipt) under the matrix role's term,
// claims it under the same term right before posting (ClaimReceipt), posts
// it, and marks it posted (ReceiptPosted). Both fenced writes are refused
// once another replica has won the role: a stale leader records and posts
// nothing more. A new leader posts what is owed (OwedReceipts): recorded,
// not marked posted. The one receipt whose post and mark a dying leader did
// not both complete is owed too; the room, not the store, tells whether it
// was posted (matrixbus checks the room before posting what it inherits).

// OwedReceipt is a recorded receipt not marked posted.
type OwedReceipt struct {
	ForEventID string
	RoomID     string
	Content    []byte // the receipt event's JSON content
}

// RecordReceipt records content as the receipt owed for the room event
// forEventID of roomID, unless one is recorded for it already (posted or
// not): fresh tells which. It records an action: on a Fenced store ctx
// must carry the matrix role's current term.
func (s *Store) RecordReceipt(ctx context.Context, forEventID, roomID string, content []byte) (fresh bool, err error) {
	f, _ := fenceFrom(ctx)
	err = s.actWrite(ctx, "record a receipt", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO room_receipts (for_event_id, room_id, content, term, recorded_at)
			VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT (for_event_id) DO NOTHING`,
			forEventID, roomID, string(content), f.Term, time.Now().UnixNano())
		fresh = tag.RowsAffected() == 1
		return err
	})
	return fresh && err == nil, err
}

// ClaimReceipt is called right before posting forEventID's receipt: owed is
// false when it is marked posted (or was never recorded). It records an
// action: on a Fenced store ctx must carry the matrix role's current term,
// which the row then holds.
func (s *Store) ClaimReceipt(ctx context.Context, forEventID string) (owed bool, err error) {
	f, _ := fenceFrom(ctx)
	err = s.actWrite(ctx, "claim a receipt", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE room_receipts SET term = $2 WHERE for_event_id = $1 AND posted_at IS NULL`,
			forEventID, f.Term)
		owed = tag.RowsAffected() == 1
		return err
	})
	return owed && err == nil, err
}

// ReceiptPosted marks forEventID's receipt posted. It states a fact, not an
// action, so it carries no fence: a leader that posted before it lost the
// role still marks it, and the new leader does not post it again.
func (s *Store) ReceiptPosted(ctx context.Context, forEventID string) error {
	_, err := s.pool.Exec(ctx, `UPDATE room_receipts SET posted_at = $2 WHERE for_event_id = $1 AND posted_at IS NULL`,
		forEventID, time.Now().UnixNano())
	err = wrap("mark a receipt posted", err)
	s.noteWrite(err)
	return err
}

// OwedReceipts returns up to limit recorded receipts not marked posted,
// in the order they were recorded.
func (s *Store) OwedReceipts(ctx context.Context, limit int) ([]OwedReceipt, error) {
	out, err := queryAll(ctx, s.pool, func(rows pgx.Rows) (OwedReceipt, error) {
		var r OwedReceipt
		var content string
		err := rows.Scan(&r.ForEventID, &r.RoomID, &content)
		r.Content = []byte(content)
		return r, err
	}, `SELECT for_event_id, room_id, content::text FROM room_receipts WHERE posted_at IS NULL ORDER BY id LIMIT $1`, limit)
	return out, wrap("read owed receipts", err)
}
