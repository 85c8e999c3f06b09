package pgstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/jackc/pgx/v5"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// The Lightning watchtower's state (tower.Store, the Bitcoin watcher's
// cursor, the API's listing; storetest.TowerStore is the whole contract).

const appointmentCols = `user_pubkey, locator, network, encrypted_blob, cipher,
	to_self_delay, start_block, end_block, reward_sat, user_signature,
	source, source_ref, received_at, accepted_tip, seq`

// appointmentValueCols are appointmentCols after the key.
const appointmentValueCols = `network, encrypted_blob, cipher,
	to_self_delay, start_block, end_block, reward_sat, user_signature,
	source, source_ref, received_at, accepted_tip, seq`

var (
	insertAppointment = `INSERT INTO appointments (` + appointmentCols + `) VALUES (` + placeholders(1, 15) + `)`
	// replaceAppointment is an UPDATE, so that the count triggers see no
	// delete and insert.
	replaceAppointment = `UPDATE appointments SET ` + paramSet(appointmentValueCols, 3) + `
		WHERE user_pubkey = $1 AND locator = $2`
)

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

func scanAppointment(rows pgx.Rows) (tower.StoredAppointment, error) {
	var a tower.StoredAppointment
	err := rows.Scan(appointmentDest(&a)...)
	return a, err
}

// ---- appointments ----

// SaveAppointment implements tower.IntakeStore with the SQLite store's
// semantics (see monitor/store): read, compare and write in one
// transaction under lockAppointments, which concurrent calls share (group
// commit).
//
//   - The same (user_pubkey, locator) with identical content: Duplicate.
//   - The same key with other content and a higher sequence number
//     (Appointment.OrderSeq): Replaced; a replacement never counts against
//     maxPerLocator.
//   - The same key with a lower or equal sequence number: ReasonStaleSequence.
//   - A new key on a locator that already holds maxPerLocator appointments:
//     ReasonTooManyPerLocator (maxPerLocator <= 0: no limit).
//   - Otherwise the appointment is inserted; NewParticipants is 1 when the
//     user key was never seen before.
func (s *Store) SaveAppointment(ctx context.Context, a tower.StoredAppointment, maxPerLocator int) (monitor.SaveResult, error) {
	var res monitor.SaveResult
	args, err := appointmentArgs(&a)
	if err != nil {
		return res, wrap("save appointment", err)
	}
	w := &appointmentWrite{a: &a, args: args, maxPerLocator: maxPerLocator}
	if err := s.groupWrite(ctx, "save appointment", w); err != nil {
		return monitor.SaveResult{}, err
	}
	return w.res, nil
}

// lookupAppointment reads the stored appointment of the key, if any, how
// many appointments the locator holds, counted up to the cap ($3; 0: not
// counted), and whether the user key was seen before.
const lookupAppointment = `SELECT a.user_pubkey IS NOT NULL, a.network, a.encrypted_blob, a.cipher, a.to_self_delay,
		a.start_block, a.end_block, a.reward_sat, a.user_signature, a.seq,
		(SELECT COUNT(*) FROM (SELECT 1 FROM appointments WHERE locator = $2 LIMIT $3) AS capped),
		EXISTS (SELECT 1 FROM tower_users WHERE user_pubkey = $1)
	FROM (SELECT 1) AS one LEFT JOIN appointments AS a ON a.user_pubkey = $1 AND a.locator = $2`

// appointmentWrite is SaveAppointment's read, compare and write (an
// intakeWrite under lockAppointments); args are appointmentArgs(a).
type appointmentWrite struct {
	a             *tower.StoredAppointment
	args          []any
	maxPerLocator int
	res           monitor.SaveResult
	// what the lookup found
	found, userSeen bool
	old             tower.Appointment
	onLocator       int64
}

func (w *appointmentWrite) lock() int64 { return lockAppointments }

// keys: the locator (the key, the cap) and the user (its first sighting).
func (w *appointmentWrite) keys() []string {
	return []string{"locator:" + string(w.a.Locator[:]), "user:" + string(w.a.UserPubkey[:])}
}

func (w *appointmentWrite) keysAfterRead() []string { return nil }

func (w *appointmentWrite) read(b *pgx.Batch) {
	a := w.a
	b.Queue(lookupAppointment, a.UserPubkey[:], a.Locator[:], max(w.maxPerLocator, 0)).QueryRow(func(row pgx.Row) error {
		w.old = tower.Appointment{}
		var network, usig *string // NULL when not found
		err := row.Scan(&w.found,
			&network, sqlcol.Bytes(&w.old.EncryptedBlob), orNull{sqlcol.Cipher(&w.old.Cipher)},
			orNull{sqlcol.U32(&w.old.ToSelfDelay)}, orNull{sqlcol.U32(&w.old.StartBlock)}, orNull{sqlcol.U32(&w.old.EndBlock)},
			orNull{sqlcol.U64(&w.old.RewardSat)}, &usig, sqlcol.Seq(&w.old), &w.onLocator, &w.userSeen)
		if err == nil && w.found {
			w.old.Network, w.old.UserSignature = *network, *usig
			w.old.Locator, w.old.UserPubkey = a.Locator, a.UserPubkey
		}
		return err
	})
}

func (w *appointmentWrite) decide(b *pgx.Batch) error {
	a := w.a
	w.res = monitor.SaveResult{}
	if w.found {
		if w.old.SameContent(a.Appointment) {
			w.res.Duplicate = true
			return nil
		}
		if got, have := a.OrderSeq(), w.old.OrderSeq(); got <= have {
			return tower.StaleSequence(got, have)
		}
		w.res.Replaced = true
		b.Queue(replaceAppointment, w.args...)
		return nil
	}
	if w.maxPerLocator > 0 && w.onLocator >= int64(w.maxPerLocator) {
		return monitor.Reject(monitor.ReasonTooManyPerLocator,
			"this locator already has %d appointments from other users, the most this monitor keeps", w.onLocator)
	}
	b.Queue(insertAppointment, w.args...)
	if !w.userSeen {
		w.res.NewParticipants = 1
		b.Queue(`INSERT INTO tower_users (user_pubkey) VALUES ($1)`, a.UserPubkey[:])
	}
	return nil
}

// AppointmentsByLocator implements tower.LookoutStore, in user key order;
// none is an empty result, not an error.
func (s *Store) AppointmentsByLocator(ctx context.Context, locator [16]byte) ([]tower.StoredAppointment, error) {
	as, err := queryAll(ctx, s.pool, scanAppointment,
		`SELECT `+appointmentCols+` FROM appointments WHERE locator = $1 ORDER BY locator, user_pubkey`, locator[:])
	return as, wrap("appointments by locator", err)
}

// AppointmentOf implements tower.IntakeStore: one primary-key read.
func (s *Store) AppointmentOf(ctx context.Context, user [33]byte, locator [16]byte) (tower.StoredAppointment, bool, error) {
	as, err := queryAll(ctx, s.pool, scanAppointment,
		`SELECT `+appointmentCols+` FROM appointments WHERE user_pubkey = $1 AND locator = $2`, user[:], locator[:])
	if err != nil || len(as) == 0 {
		return tower.StoredAppointment{}, false, wrap("appointment of", err)
	}
	return as[0], true, nil
}

// Appointments is the API's listing (rest.TowerReader), with keyset
// pagination on (locator, user_pubkey). Limit defaults to 100 and is capped
// at 1000. next is an opaque cursor (hex of the last returned key), empty
// when there are no more rows; a malformed After is an *monitor.Error with
// ReasonBadHex.
func (s *Store) Appointments(ctx context.Context, q tower.AppointmentQuery) ([]tower.StoredAppointment, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, maxPageSize)

	query := `SELECT ` + appointmentCols + ` FROM appointments WHERE true`
	var args []any
	if q.Locator != nil {
		args = append(args, q.Locator[:])
		query += fmt.Sprintf(` AND locator = $%d`, len(args))
	}
	if q.After != "" {
		loc, pub, err := decodeAppointmentCursor(q.After)
		if err != nil {
			return nil, "", err
		}
		args = append(args, loc[:], pub[:])
		query += fmt.Sprintf(` AND (locator, user_pubkey) > ($%d, $%d)`, len(args)-1, len(args))
	}
	args = append(args, limit+1)
	query += fmt.Sprintf(` ORDER BY locator, user_pubkey LIMIT $%d`, len(args))

	as, err := queryAll(ctx, s.pool, scanAppointment, query, args...)
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

// locatorChunk is how many locators EachLocator reads per query.
const locatorChunk = 32_768

// EachLocator implements tower.LookoutStore: every distinct stored locator
// once, in byte order, read in chunks from the locator index inside one
// read-only snapshot. fn runs between chunks' reads, never while a query
// is open, so it may read the store (on another connection); it should be
// quick.
func (s *Store) EachLocator(ctx context.Context, fn func(locator [16]byte)) error {
	return s.read(ctx, "each locator", func(tx pgx.Tx) error { return eachLocator(ctx, tx, fn) })
}

// EachLocatorFrom implements tower.IndexFeed: EachLocator, and the
// position of its snapshot, from which LocatorChanges goes on.
func (s *Store) EachLocatorFrom(ctx context.Context, fn func(locator [16]byte)) (tower.IndexPosition, error) {
	var pos tower.IndexPosition
	err := s.read(ctx, "each locator", func(tx pgx.Tx) error {
		var err error
		if pos, err = snapshotPosition(ctx, tx); err != nil {
			return err
		}
		return eachLocator(ctx, tx, fn)
	})
	return pos, err
}

func eachLocator(ctx context.Context, tx pgx.Tx, fn func(locator [16]byte)) error {
	var prev [16]byte
	first := true
	after := []byte{}
	chunk := make([][16]byte, 0, locatorChunk)
	for {
		chunk = chunk[:0]
		rows, err := tx.Query(ctx, `SELECT locator FROM appointments WHERE locator > $1 ORDER BY locator LIMIT $2`,
			after, locatorChunk)
		if err != nil {
			return err
		}
		for rows.Next() {
			var l [16]byte
			if err := rows.Scan(sqlcol.Fixed(l[:])); err != nil {
				rows.Close()
				return err
			}
			chunk = append(chunk, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, l := range chunk {
			if !first && l == prev {
				continue
			}
			first, prev = false, l
			fn(l)
		}
		if len(chunk) < locatorChunk {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		last := chunk[len(chunk)-1]
		after = last[:]
	}
}

// snapshotPosition is the xmin of tx's snapshot: every transaction with a
// lower id had ended when it was taken (migration 0004 says why that makes
// the incremental reads complete).
func snapshotPosition(ctx context.Context, tx pgx.Tx) (tower.IndexPosition, error) {
	var xmin int64
	err := tx.QueryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint`).Scan(&xmin)
	return tower.IndexPosition(xmin), err
}

// LocatorChanges implements tower.IndexFeed from one read-only snapshot:
// added gets the locator of every appointment inserted by a transaction
// at or above pos (some again, when their transaction was still running
// at pos's snapshot), removed the 8-byte prefix of every locator deleted
// at or above pos that no stored locator has in this snapshot. It returns
// the snapshot's position. A row whose transaction id is above the
// snapshot's xmax cannot have been written by this cluster since (it came
// with a restored dump, whose full read at start covered it) and is
// skipped. added and removed run while a query is open: they must not
// use the store.
func (s *Store) LocatorChanges(ctx context.Context, pos tower.IndexPosition, added func(locator [16]byte),
	removed func(prefix [8]byte)) (tower.IndexPosition, error) {
	var next tower.IndexPosition
	err := s.read(ctx, "locator changes", func(tx pgx.Tx) error {
		var err error
		if next, err = snapshotPosition(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT locator FROM appointments
			WHERE written >= $1::bigint::text::xid8 AND written < pg_snapshot_xmax(pg_current_snapshot())`, int64(pos))
		if err != nil {
			return err
		}
		for rows.Next() {
			var l [16]byte
			if err := rows.Scan(sqlcol.Fixed(l[:])); err != nil {
				rows.Close()
				return err
			}
			added(l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT DISTINCT p FROM (
				SELECT substring(locator FROM 1 FOR 8) AS p FROM appointment_removals
				WHERE removed >= $1::bigint::text::xid8) AS r
			WHERE NOT EXISTS (SELECT 1 FROM appointments
				WHERE locator BETWEEN r.p || '\x0000000000000000'::bytea AND r.p || '\xffffffffffffffff'::bytea)`, int64(pos))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p [8]byte
			if err := rows.Scan(sqlcol.Fixed(p[:])); err != nil {
				return err
			}
			removed(p)
		}
		return rows.Err()
	})
	if err != nil {
		return pos, err
	}
	return next, nil
}

// removalsKept is how long appointment_removals keeps a removal for
// replicas to read: far longer than any replica's interval between
// reads; one that misses a removal keeps a prefix that only costs a
// store lookup on a match.
const removalsKept = 24 * time.Hour

// ExpireAppointments implements tower.LookoutStore: it deletes every
// appointment with end_block < height and returns the locator of each (one
// per deleted appointment, in no particular order). The schema's trigger
// logs the removals for other replicas' indexes (LocatorChanges); those
// older than removalsKept are pruned here.
func (s *Store) ExpireAppointments(ctx context.Context, height uint32) ([][16]byte, error) {
	var gone [][16]byte
	err := s.write(ctx, "expire appointments", func(tx pgx.Tx) error {
		gone = gone[:0]
		// As intake does: a delete racing a replacement of the same row
		// would otherwise deadlock with it on the count the triggers keep.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockAppointments); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM appointment_removals
			WHERE removed_at < (extract(epoch FROM now()) * 1e9)::bigint - $1`, removalsKept.Nanoseconds()); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `DELETE FROM appointments WHERE end_block < $1 RETURNING locator`, int64(height))
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
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM appointments WHERE locator BETWEEN $1 AND $2)`, lo, hi).Scan(&ok)
	if err != nil {
		return false, wrap("locator prefix stored", err)
	}
	return ok, nil
}

// ---- Bitcoin cursor ----

// BtcCursor implements bitcoin.Cursor; ok is false before the first
// SetBtcCursor.
func (s *Store) BtcCursor(ctx context.Context) (height uint32, hash chainhash.Hash, ok bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT height, hash FROM btc_cursor WHERE id = 1`).
		Scan(sqlcol.U32(&height), sqlcol.Hash((*[32]byte)(&hash)))
	if noRows(err) {
		return 0, chainhash.Hash{}, false, nil
	}
	if err != nil {
		return 0, chainhash.Hash{}, false, wrap("btc cursor", err)
	}
	return height, hash, true, nil
}

// BtcBlockHash implements bitcoin.Cursor; only the newest 288 blocks are
// kept.
func (s *Store) BtcBlockHash(ctx context.Context, height uint32) (chainhash.Hash, bool, error) {
	var h chainhash.Hash
	err := s.pool.QueryRow(ctx, `SELECT hash FROM btc_block_hashes WHERE height = $1`, int64(height)).
		Scan(sqlcol.Hash((*[32]byte)(&h)))
	if noRows(err) {
		return h, false, nil
	}
	if err != nil {
		return chainhash.Hash{}, false, wrap("btc block hash", err)
	}
	return h, true, nil
}

// SetBtcCursor implements bitcoin.Cursor in one transaction: it remembers
// hash at height (replacing a hash stored there), moves the cursor, and
// forgets hashes more than 288 blocks below the newest one.
func (s *Store) SetBtcCursor(ctx context.Context, height uint32, hash chainhash.Hash) error {
	b := &pgx.Batch{}
	queueBtcBlock(b, height, hash)
	b.Queue(`DELETE FROM btc_block_hashes WHERE height <= (SELECT MAX(height) FROM btc_block_hashes) - $1`, btcBlockHashesKept)
	queueBtcCursor(b, height, hash)
	return s.write(ctx, "set btc cursor", func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
}

// RollbackBtc implements bitcoin.Cursor in one transaction: it forgets the
// hashes of blocks above height and sets the cursor to (height, hash),
// remembering hash at height.
func (s *Store) RollbackBtc(ctx context.Context, height uint32, hash chainhash.Hash) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM btc_block_hashes WHERE height > $1`, int64(height))
	queueBtcBlock(b, height, hash)
	queueBtcCursor(b, height, hash)
	return s.write(ctx, "rollback btc", func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
}

func queueBtcBlock(b *pgx.Batch, height uint32, hash chainhash.Hash) {
	b.Queue(`INSERT INTO btc_block_hashes (height, hash) VALUES ($1, $2)
		ON CONFLICT (height) DO UPDATE SET hash = excluded.hash`, int64(height), hash[:])
}

func queueBtcCursor(b *pgx.Batch, height uint32, hash chainhash.Hash) {
	b.Queue(`INSERT INTO btc_cursor (id, height, hash) VALUES (1, $1, $2)
		ON CONFLICT (id) DO UPDATE SET height = excluded.height, hash = excluded.hash`, int64(height), hash[:])
}

// ---- justice ----

const justiceCols = `locator, user_pubkey, breach_txid, breach_raw, breach_block, deadline,
	txid, raw, fee_sat, bounty_sat, promised_sat, fee_rate, outcome, reason, detail,
	sent_height, block, block_hash, replacement, created_at, updated_at, spent_by, spent_block`

var (
	insertJustice = `INSERT INTO justice (` + justiceCols + `) VALUES (` + placeholders(1, 23) + `) RETURNING id`
	saveJustice   = `UPDATE justice SET ` + paramSet(justiceCols, 1) + ` WHERE id = $24`
)

func justiceArgs(j *tower.Justice) []any {
	return []any{
		j.Locator[:], j.UserPubkey[:], j.BreachTxID[:], sqlcol.OptBlobArg(j.BreachRaw), int64(j.BreachBlock), int64(j.Deadline),
		sqlcol.OptBtcHashArg(j.TxID), sqlcol.OptBlobArg(j.Raw), j.FeeSat, j.BountySat, sqlcol.U64Arg(j.PromisedSat), j.FeeRate,
		string(j.Outcome), string(j.Reason), j.Detail,
		int64(j.SentHeight), int64(j.Block), sqlcol.OptBtcHashArg(j.BlockHash), j.Replacement,
		sqlcol.TimeArg(j.CreatedAt), sqlcol.TimeArg(j.UpdatedAt), sqlcol.OptBtcHashArg(j.SpentBy), int64(j.SpentBlock),
	}
}

func scanJustice(rows pgx.Rows) (tower.Justice, error) {
	var j tower.Justice
	var outcome, reason string
	err := rows.Scan(&j.ID,
		sqlcol.Fixed(j.Locator[:]), sqlcol.Fixed(j.UserPubkey[:]), sqlcol.Fixed(j.BreachTxID[:]), sqlcol.Bytes(&j.BreachRaw),
		sqlcol.U32(&j.BreachBlock), sqlcol.U32(&j.Deadline),
		sqlcol.Hash((*[32]byte)(&j.TxID)), sqlcol.Bytes(&j.Raw), &j.FeeSat, &j.BountySat, sqlcol.U64(&j.PromisedSat), &j.FeeRate,
		&outcome, &reason, &j.Detail,
		sqlcol.U32(&j.SentHeight), sqlcol.U32(&j.Block), sqlcol.Hash((*[32]byte)(&j.BlockHash)), &j.Replacement,
		sqlcol.Time(&j.CreatedAt), sqlcol.Time(&j.UpdatedAt), sqlcol.Hash((*[32]byte)(&j.SpentBy)), sqlcol.U32(&j.SpentBlock))
	j.Outcome, j.Reason = tower.JusticeOutcome(outcome), monitor.Reason(reason)
	return j, err
}

// InsertJustice implements tower.JusticeStore; j.ID is ignored. A zero
// TxID is stored as "no transaction". It records an action: on a Fenced
// store ctx must carry the current term (fence.go).
func (s *Store) InsertJustice(ctx context.Context, j tower.Justice) (int64, error) {
	var id int64
	err := s.actWrite(ctx, "insert justice", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, insertJustice, justiceArgs(&j)...).Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// InsertJustices implements tower.JusticeStore: every record of js (their
// IDs ignored) in one transaction, sent as one batch, or none. Fenced as
// InsertJustice.
func (s *Store) InsertJustices(ctx context.Context, js []tower.Justice) error {
	if len(js) == 0 {
		return nil
	}
	return s.actWrite(ctx, "insert justice records", func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for i := range js {
			b.Queue(insertJustice, justiceArgs(&js[i])...)
		}
		return tx.SendBatch(ctx, b).Close()
	})
}

// SaveJustice implements tower.JusticeStore: it overwrites the record with
// j.ID; an unknown ID is not found (monitor.ErrNotFound). Fenced as
// InsertJustice.
func (s *Store) SaveJustice(ctx context.Context, j tower.Justice) error {
	return s.actWrite(ctx, "save justice", func(tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, saveJustice, append(justiceArgs(&j), j.ID)...)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			return notFound("no justice record with id %d", j.ID)
		}
		return nil
	})
}

// JusticeRecords implements tower.JusticeStore, in ID order. A Limit <= 0
// means no limit: the responder reloads every open record at start.
func (s *Store) JusticeRecords(ctx context.Context, q tower.JusticeQuery) ([]tower.Justice, error) {
	query := `SELECT id, ` + justiceCols + ` FROM justice WHERE id > $1`
	args := []any{q.AfterID}
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
	js, err := queryAll(ctx, s.pool, scanJustice, query, args...)
	return js, wrap("list justice", err)
}

// JusticeForBreach implements tower.JusticeStore: every record for the
// breach transaction, in ID order.
func (s *Store) JusticeForBreach(ctx context.Context, breach chainhash.Hash) ([]tower.Justice, error) {
	js, err := queryAll(ctx, s.pool, scanJustice,
		`SELECT id, `+justiceCols+` FROM justice WHERE breach_txid = $1 ORDER BY id`, breach[:])
	return js, wrap("justice for breach", err)
}

// TowerTotals reads the totals the stats are seeded from, from one
// snapshot, with the SQLite store's definitions (monitor/store): stored
// appointments (a counter the schema's triggers keep), distinct breaches
// with any record, broadcast records that are not fee-bump replacements,
// confirmed records and their bounties, lost records by reason.
func (s *Store) TowerTotals(ctx context.Context) (tower.Totals, error) {
	var t tower.Totals
	err := s.read(ctx, "tower totals", func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT
			(SELECT appointments FROM tower_counts WHERE id = 1),
			COUNT(DISTINCT breach_txid),
			COUNT(*) FILTER (WHERE txid IS NOT NULL AND replacement = 0),
			COUNT(*) FILTER (WHERE outcome = $1),
			COALESCE(SUM(bounty_sat) FILTER (WHERE outcome = $1), 0)::bigint,
			COUNT(*) FILTER (WHERE outcome = $2 AND reason = $3),
			COUNT(*) FILTER (WHERE outcome = $2 AND reason = $4),
			COUNT(*) FILTER (WHERE outcome = $2 AND reason = $5)
			FROM justice`,
			string(tower.JusticeConfirmed), string(tower.JusticeLost),
			string(monitor.ReasonSpentByJustice), string(monitor.ReasonSpentByCheater), string(monitor.ReasonDeadlinePassed),
		).Scan(&t.Appointments, &t.Breaches, &t.Broadcast, &t.Confirmed, &t.BountySat,
			&t.LostToJustice, &t.LostToCheater, &t.LostAtDeadline)
	})
	if err != nil {
		return tower.Totals{}, err
	}
	return t, nil
}
