package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// The Lightning watchtower's state (tower.Store, the Bitcoin watcher's
// cursor, the API's listing; storetest.TowerStore is the whole contract), in
// the tables of migrations/0003_tower.sql.

var _ tower.Store = (*Store)(nil)

// btcBlockHashesKept is how many of the newest Bitcoin block hashes are kept
// for reorg detection: two days of blocks.
const btcBlockHashesKept = 288

const appointmentCols = `user_pubkey, locator, network, encrypted_blob, cipher,
	to_self_delay, start_block, end_block, reward_sat, user_signature,
	source, source_ref, received_at, accepted_tip, seq`

func appointmentDest(a *tower.StoredAppointment) []any {
	return []any{
		sqlcol.Fixed(a.UserPubkey[:]), sqlcol.Fixed(a.Locator[:]), &a.Network, sqlcol.Bytes(&a.EncryptedBlob), sqlcol.Cipher(&a.Cipher),
		sqlcol.U32(&a.ToSelfDelay), sqlcol.U32(&a.StartBlock), sqlcol.U32(&a.EndBlock), sqlcol.U64(&a.RewardSat), &a.UserSignature,
		&a.Source, &a.SourceRef, sqlcol.Time(&a.ReceivedAt), sqlcol.U32(&a.AcceptedTip), sqlcol.Seq(&a.Appointment),
	}
}

func appointmentArgs(a *tower.StoredAppointment) ([]any, error) {
	ci, err := sqlcol.CipherArg(a.Cipher)
	if err != nil {
		return nil, err
	}
	return []any{
		a.UserPubkey[:], a.Locator[:], a.Network, sqlcol.BlobArg(a.EncryptedBlob), ci,
		int64(a.ToSelfDelay), int64(a.StartBlock), int64(a.EndBlock), sqlcol.U64Arg(a.RewardSat), a.UserSignature,
		a.Source, a.SourceRef, sqlcol.TimeArg(a.ReceivedAt), int64(a.AcceptedTip), sqlcol.SeqArg(&a.Appointment),
	}, nil
}

func scanAppointment(rows *sql.Rows) (tower.StoredAppointment, error) {
	var a tower.StoredAppointment
	err := rows.Scan(appointmentDest(&a)...)
	return a, err
}

// ---- appointments ----

// SaveAppointment implements tower.IntakeStore: read, compare and write in
// one transaction, which concurrent calls share (group commit, as for
// SaveRequest; so is the behaviour when ctx ends first).
//
//   - The same (user_pubkey, locator) with identical content (every
//     Appointment field; Source, SourceRef, ReceivedAt and AcceptedTip only
//     say how it arrived): Duplicate, nothing changes.
//   - The same key with other content and a higher sequence number
//     (Appointment.OrderSeq; an unsequenced appointment orders as 0): the
//     new one replaces the old: Replaced. A replacement never counts
//     against maxPerLocator.
//   - The same key with other content and a lower or equal sequence
//     number: an *monitor.Error with ReasonStaleSequence, nothing changes
//     (a replayed older appointment never undoes a newer one).
//   - A new key on a locator that already holds maxPerLocator appointments
//     (of other users): an *monitor.Error with ReasonTooManyPerLocator.
//     maxPerLocator <= 0 means no limit.
//   - Otherwise the appointment is inserted.
//
// NewParticipants is 1 when a's user key was never seen before (first
// sightings are kept when appointments expire), else 0; NewChannel is
// always false.
func (s *Store) SaveAppointment(ctx context.Context, a tower.StoredAppointment, maxPerLocator int) (monitor.SaveResult, error) {
	var res monitor.SaveResult
	args, err := appointmentArgs(&a)
	if err != nil {
		return res, wrap("save appointment", err)
	}
	err = s.groupWrite(ctx, "save appointment", func(ctx context.Context, tx *sql.Tx) error {
		var err error
		res, err = s.saveAppointment(ctx, tx, &a, args, maxPerLocator)
		return err
	})
	if err != nil {
		return monitor.SaveResult{}, err
	}
	return res, nil
}

// saveAppointment is SaveAppointment's read, compare and write in tx; args
// are appointmentArgs(a).
func (s *Store) saveAppointment(ctx context.Context, tx *sql.Tx, a *tower.StoredAppointment, args []any, maxPerLocator int) (monitor.SaveResult, error) {
	var res monitor.SaveResult
	var old tower.Appointment
	err := tx.QueryRowContext(ctx, `SELECT network, encrypted_blob, cipher, to_self_delay, start_block,
		end_block, reward_sat, user_signature, seq FROM appointments WHERE user_pubkey = ? AND locator = ?`,
		a.UserPubkey[:], a.Locator[:]).Scan(&old.Network, sqlcol.Bytes(&old.EncryptedBlob), sqlcol.Cipher(&old.Cipher),
		sqlcol.U32(&old.ToSelfDelay), sqlcol.U32(&old.StartBlock), sqlcol.U32(&old.EndBlock), sqlcol.U64(&old.RewardSat), &old.UserSignature,
		sqlcol.Seq(&old))
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return res, err
	default:
		old.Locator, old.UserPubkey = a.Locator, a.UserPubkey
		if sameAppointment(&old, &a.Appointment) {
			res.Duplicate = true
			return res, nil
		}
		if got, have := a.OrderSeq(), old.OrderSeq(); got <= have {
			return res, tower.StaleSequence(got, have)
		}
		res.Replaced = true
		_, err := tx.ExecContext(ctx, `UPDATE appointments SET network = ?, encrypted_blob = ?, cipher = ?,
			to_self_delay = ?, start_block = ?, end_block = ?, reward_sat = ?, user_signature = ?,
			source = ?, source_ref = ?, received_at = ?, accepted_tip = ?, seq = ?
			WHERE user_pubkey = ? AND locator = ?`, append(slices.Clone(args[2:]), args[:2]...)...)
		return res, err
	}

	if maxPerLocator > 0 {
		// Bounded: the count stops at the cap.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM
			(SELECT 1 FROM appointments WHERE locator = ? LIMIT ?)`, a.Locator[:], maxPerLocator).Scan(&n); err != nil {
			return res, err
		}
		if n >= maxPerLocator {
			return res, monitor.Reject(monitor.ReasonTooManyPerLocator,
				"this locator already has %d appointments from other users, the most this monitor keeps", n)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO appointments (`+appointmentCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
		return res, err
	}
	r, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO tower_users (user_pubkey) VALUES (?)`, a.UserPubkey[:])
	if err != nil {
		return res, err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return res, err
	}
	res.NewParticipants = int(n)
	return res, nil
}

// sameAppointment compares every field of the appointment itself; nil and
// empty blobs are equal.
func sameAppointment(a, b *tower.Appointment) bool { return a.SameContent(*b) }

// AppointmentsByLocator implements tower.LookoutStore, in user key order;
// none is an empty result, not an error.
func (s *Store) AppointmentsByLocator(ctx context.Context, locator [16]byte) ([]tower.StoredAppointment, error) {
	as, err := queryAll(ctx, s.r, scanAppointment,
		`SELECT `+appointmentCols+` FROM appointments WHERE locator = ? ORDER BY locator, user_pubkey`, locator[:])
	return as, wrap("appointments by locator", err)
}

// AppointmentOf implements tower.IntakeStore: one primary-key read.
func (s *Store) AppointmentOf(ctx context.Context, user [33]byte, locator [16]byte) (tower.StoredAppointment, bool, error) {
	as, err := queryAll(ctx, s.r, scanAppointment,
		`SELECT `+appointmentCols+` FROM appointments WHERE user_pubkey = ? AND locator = ?`, user[:], locator[:])
	if err != nil || len(as) == 0 {
		return tower.StoredAppointment{}, false, wrap("appointment of", err)
	}
	return as[0], true, nil
}

// Appointments is the API's listing (rest.TowerReader), with keyset
// pagination on (locator, user_pubkey). Limit defaults to 100 and is capped
// at 1000. next is an opaque cursor (hex of the last returned key), empty
// when there are no more rows; a malformed After is an *monitor.Error with ReasonBadHex.
func (s *Store) Appointments(ctx context.Context, q tower.AppointmentQuery) ([]tower.StoredAppointment, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, maxPageSize)

	query := `SELECT ` + appointmentCols + ` FROM appointments WHERE 1`
	var args []any
	if q.Locator != nil {
		query += ` AND locator = ?`
		args = append(args, q.Locator[:])
	}
	if q.After != "" {
		loc, pub, err := decodeAppointmentCursor(q.After)
		if err != nil {
			return nil, "", err
		}
		query += ` AND (locator, user_pubkey) > (?, ?)`
		args = append(args, loc[:], pub[:])
	}
	query += ` ORDER BY locator, user_pubkey LIMIT ?`
	args = append(args, limit+1)

	as, err := queryAll(ctx, s.r, scanAppointment, query, args...)
	if err != nil {
		return nil, "", wrap("list appointments", err)
	}
	next := ""
	if len(as) > limit {
		as = as[:limit]
		last := &as[limit-1]
		next = encodeAppointmentCursor(last.Locator, last.UserPubkey)
	}
	return as, next, nil
}

func encodeAppointmentCursor(locator [16]byte, pub [33]byte) string {
	return hex.EncodeToString(append(locator[:], pub[:]...))
}

func decodeAppointmentCursor(s string) (locator [16]byte, pub [33]byte, err error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(locator)+len(pub) {
		return locator, pub, monitor.Reject(monitor.ReasonBadHex, "invalid page cursor %q", monitor.Excerpt(s))
	}
	copy(locator[:], b)
	copy(pub[:], b[len(locator):])
	return locator, pub, nil
}

// EachLocator implements tower.LookoutStore: every distinct stored locator
// once, in byte order, streamed from the locator index (it reads neither
// the table nor more than one row at a time). fn runs while the read is
// open: it may read the store but should be quick. The locators come from
// one snapshot.
func (s *Store) EachLocator(ctx context.Context, fn func(locator [16]byte)) error {
	// One row per locator costs a cgo crossing and database/sql's
	// bookkeeping (~700 ns a row, 7 s for 10,000,000 appointments), so
	// SQLite hands them out in chunks: the hex of up to locatorChunk
	// consecutive locators of the covering index, concatenated, and the
	// chunk's last locator to continue after. Locators shared by several
	// users come out once.
	var prev [16]byte
	first := true
	var after []byte
	for {
		var n int64
		var text []byte
		var last []byte
		err := s.r.QueryRowContext(ctx, `SELECT count(*), coalesce(group_concat(h, ''), ''), max(l) FROM (
			SELECT hex(locator) AS h, locator AS l FROM appointments WHERE locator > coalesce(?, x'')
			ORDER BY locator LIMIT ?)`, after, locatorChunk).Scan(&n, &text, &last)
		if err != nil {
			return wrap("each locator", err)
		}
		if n == 0 {
			return nil
		}
		if int64(len(text)) != 32*n || len(last) != 16 {
			return wrap("each locator", fmt.Errorf("chunk of %d locators: %d hex digits, last %d bytes", n, len(text), len(last)))
		}
		var cur [16]byte
		for k := int64(0); k < n; k++ {
			if _, err := hex.Decode(cur[:], text[32*k:32*k+32]); err != nil {
				return wrap("each locator", err)
			}
			if !first && cur == prev {
				continue
			}
			first, prev = false, cur
			fn(cur)
		}
		if err := ctx.Err(); err != nil {
			return wrap("each locator", err)
		}
		after = last
	}
}

// locatorChunk is how many locators EachLocator reads per query.
const locatorChunk = 32_768

// ExpireAppointments implements tower.LookoutStore: it deletes every
// appointment with end_block < height and returns the locator of each (one
// per deleted appointment, in no particular order).
func (s *Store) ExpireAppointments(ctx context.Context, height uint32) ([][16]byte, error) {
	var gone [][16]byte
	err := s.write(ctx, "expire appointments", func(tx *sql.Tx) error {
		gone = gone[:0] // a retried transaction starts over
		rows, err := tx.QueryContext(ctx, `DELETE FROM appointments WHERE end_block < ? RETURNING locator`, int64(height))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l [16]byte
			if err := rows.Scan(sqlcol.Fixed(l[:])); err != nil {
				return err
			}
			gone = append(gone, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return gone, nil
}

// LocatorPrefixStored implements tower.LookoutStore: whether any stored
// appointment's locator begins with these 8 bytes (a range of the locator
// index).
func (s *Store) LocatorPrefixStored(ctx context.Context, prefix [8]byte) (bool, error) {
	lo := append(prefix[:], make([]byte, 8)...)
	hi := append(prefix[:], bytes.Repeat([]byte{0xff}, 8)...)
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM appointments
		WHERE locator BETWEEN ? AND ? LIMIT 1)`, lo, hi).Scan(&n)
	if err != nil {
		return false, wrap("locator prefix stored", err)
	}
	return n > 0, nil
}

// ---- Bitcoin cursor ----

// BtcCursor implements bitcoin.Cursor; ok is false before the first
// SetBtcCursor.
func (s *Store) BtcCursor(ctx context.Context) (height uint32, hash chainhash.Hash, ok bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT height, hash FROM btc_cursor WHERE id = 1`).
		Scan(sqlcol.U32(&height), sqlcol.Hash((*[32]byte)(&hash)))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, chainhash.Hash{}, false, nil
	}
	if err != nil {
		return 0, chainhash.Hash{}, false, wrap("btc cursor", err)
	}
	return height, hash, true, nil
}

// BtcBlockHash implements bitcoin.Cursor; only the newest 288 blocks
// are kept.
func (s *Store) BtcBlockHash(ctx context.Context, height uint32) (chainhash.Hash, bool, error) {
	var h chainhash.Hash
	err := s.r.QueryRowContext(ctx, `SELECT hash FROM btc_block_hashes WHERE height = ?`, int64(height)).
		Scan(sqlcol.Hash((*[32]byte)(&h)))
	if errors.Is(err, sql.ErrNoRows) {
		return h, false, nil
	}
	if err != nil {
		return chainhash.Hash{}, false, wrap("btc block hash", err)
	}
	return h, true, nil
}

// SetBtcCursor implements bitcoin.Cursor in one transaction: it
// remembers hash at height (replacing a hash stored there), moves the
// cursor, and forgets hashes more than 288 blocks below the newest one.
func (s *Store) SetBtcCursor(ctx context.Context, height uint32, hash chainhash.Hash) error {
	return s.write(ctx, "set btc cursor", func(tx *sql.Tx) error {
		if err := putBtcBlock(ctx, tx, height, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM btc_block_hashes
			WHERE height <= (SELECT MAX(height) FROM btc_block_hashes) - ?`, btcBlockHashesKept); err != nil {
			return err
		}
		return setBtcCursor(ctx, tx, height, hash)
	})
}

// RollbackBtc implements bitcoin.Cursor in one transaction: it forgets
// the hashes of blocks above height and sets the cursor to (height, hash),
// remembering hash at height.
func (s *Store) RollbackBtc(ctx context.Context, height uint32, hash chainhash.Hash) error {
	return s.write(ctx, "rollback btc", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM btc_block_hashes WHERE height > ?`, int64(height)); err != nil {
			return err
		}
		if err := putBtcBlock(ctx, tx, height, hash); err != nil {
			return err
		}
		return setBtcCursor(ctx, tx, height, hash)
	})
}

func putBtcBlock(ctx context.Context, tx *sql.Tx, height uint32, hash chainhash.Hash) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO btc_block_hashes (height, hash) VALUES (?, ?)
		ON CONFLICT (height) DO UPDATE SET hash = excluded.hash`, int64(height), hash[:])
	return err
}

func setBtcCursor(ctx context.Context, tx *sql.Tx, height uint32, hash chainhash.Hash) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO btc_cursor (id, height, hash) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET height = excluded.height, hash = excluded.hash`, int64(height), hash[:])
	return err
}

// ---- justice ----

const justiceCols = `locator, user_pubkey, breach_txid, breach_raw, breach_block, deadline,
	txid, raw, fee_sat, bounty_sat, promised_sat, fee_rate, outcome, reason, detail,
	sent_height, block, block_hash, replacement, created_at, updated_at, spent_by, spent_block`

// justiceSet is "locator = ?, user_pubkey = ?, ..." in justiceCols order.
var justiceSet = strings.ReplaceAll(strings.Join(strings.Fields(justiceCols), " "), ",", " = ?,") + " = ?"

func justiceArgs(j *tower.Justice) []any {
	return []any{
		j.Locator[:], j.UserPubkey[:], j.BreachTxID[:], sqlcol.OptBlobArg(j.BreachRaw), int64(j.BreachBlock), int64(j.Deadline),
		sqlcol.OptBtcHashArg(j.TxID), sqlcol.OptBlobArg(j.Raw), j.FeeSat, j.BountySat, sqlcol.U64Arg(j.PromisedSat), j.FeeRate,
		string(j.Outcome), string(j.Reason), j.Detail,
		int64(j.SentHeight), int64(j.Block), sqlcol.OptBtcHashArg(j.BlockHash), j.Replacement,
		sqlcol.TimeArg(j.CreatedAt), sqlcol.TimeArg(j.UpdatedAt), sqlcol.OptBtcHashArg(j.SpentBy), int64(j.SpentBlock),
	}
}

func scanJustice(rows *sql.Rows) (tower.Justice, error) {
	var j tower.Justice
	err := rows.Scan(&j.ID,
		sqlcol.Fixed(j.Locator[:]), sqlcol.Fixed(j.UserPubkey[:]), sqlcol.Fixed(j.BreachTxID[:]), sqlcol.Bytes(&j.BreachRaw),
		sqlcol.U32(&j.BreachBlock), sqlcol.U32(&j.Deadline),
		sqlcol.Hash((*[32]byte)(&j.TxID)), sqlcol.Bytes(&j.Raw), &j.FeeSat, &j.BountySat, sqlcol.U64(&j.PromisedSat), &j.FeeRate,
		&j.Outcome, &j.Reason, &j.Detail,
		sqlcol.U32(&j.SentHeight), sqlcol.U32(&j.Block), sqlcol.Hash((*[32]byte)(&j.BlockHash)), &j.Replacement,
		sqlcol.Time(&j.CreatedAt), sqlcol.Time(&j.UpdatedAt), sqlcol.Hash((*[32]byte)(&j.SpentBy)), sqlcol.U32(&j.SpentBlock))
	return j, err
}

// InsertJustice implements tower.JusticeStore; j.ID is ignored. A zero TxID
// is stored as "no transaction".
func (s *Store) InsertJustice(ctx context.Context, j tower.Justice) (int64, error) {
	var id int64
	err := s.write(ctx, "insert justice", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO justice (`+justiceCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, justiceArgs(&j)...)
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

// InsertJustices implements tower.JusticeStore: every record of js (their
// IDs ignored) in one transaction, so one durable write, or none.
func (s *Store) InsertJustices(ctx context.Context, js []tower.Justice) error {
	if len(js) == 0 {
		return nil
	}
	return s.write(ctx, "insert justice records", func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO justice (`+justiceCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range js {
			if _, err := st.ExecContext(ctx, justiceArgs(&js[i])...); err != nil {
				return err
			}
		}
		return nil
	})
}

// SaveJustice implements tower.JusticeStore: it overwrites the record with
// j.ID; an unknown ID is not found (monitor.ErrNotFound).
func (s *Store) SaveJustice(ctx context.Context, j tower.Justice) error {
	return s.write(ctx, "save justice", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE justice SET `+justiceSet+` WHERE id = ?`, append(justiceArgs(&j), j.ID)...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound("no justice record with id %d", j.ID)
		}
		return nil
	})
}

// JusticeRecords implements tower.JusticeStore, in ID order. A Limit <= 0
// means no limit: the responder reloads every open record at start.
func (s *Store) JusticeRecords(ctx context.Context, q tower.JusticeQuery) ([]tower.Justice, error) {
	query := `SELECT id, ` + justiceCols + ` FROM justice WHERE id > ?`
	args := []any{q.AfterID}
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
	js, err := queryAll(ctx, s.r, scanJustice, query, args...)
	return js, wrap("list justice", err)
}

// JusticeForBreach implements tower.JusticeStore: every record for the
// breach transaction, in ID order.
func (s *Store) JusticeForBreach(ctx context.Context, breach chainhash.Hash) ([]tower.Justice, error) {
	js, err := queryAll(ctx, s.r, scanJustice,
		`SELECT id, `+justiceCols+` FROM justice WHERE breach_txid = ? ORDER BY id`, breach[:])
	return js, wrap("justice for breach", err)
}

// TowerTotals reads the totals the stats are seeded from, from one snapshot:
//   - Appointments: stored now (a counter the schema's triggers keep);
//   - Breaches: distinct breach txids with any justice record, failed ones
//     included;
//   - Broadcast: records with a transaction (a TxID) that are not fee-bump
//     replacements (Replacement == 0), so a bumped transaction counts once;
//   - Confirmed and BountySat: records with outcome confirmed, and the sum
//     of their BountySat;
//   - LostToJustice, LostToCheater, LostAtDeadline: records with outcome
//     lost, by reason.
func (s *Store) TowerTotals(ctx context.Context) (tower.Totals, error) {
	var t tower.Totals
	err := s.read(ctx, "tower totals", func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT appointments FROM tower_counts WHERE id = 1`).Scan(&t.Appointments); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT breach_txid) FROM justice`).Scan(&t.Breaches); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM justice
			WHERE txid IS NOT NULL AND replacement = 0`).Scan(&t.Broadcast); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(bounty_sat), 0) FROM justice WHERE outcome = ?`,
			string(tower.JusticeConfirmed)).Scan(&t.Confirmed, &t.BountySat); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(reason = ?), 0), COALESCE(SUM(reason = ?), 0), COALESCE(SUM(reason = ?), 0)
			FROM justice WHERE outcome = ?`,
			string(monitor.ReasonSpentByJustice), string(monitor.ReasonSpentByCheater), string(monitor.ReasonDeadlinePassed),
			string(tower.JusticeLost)).Scan(&t.LostToJustice, &t.LostToCheater, &t.LostAtDeadline)
	})
	if err != nil {
		return tower.Totals{}, err
	}
	return t, nil
}
