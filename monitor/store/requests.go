package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

const requestCols = `channel, non_closing, closing, chain_id, nonce, transferred_amount,
	locksroot, extra_hash, signature, non_closing_signature, reward,
	source, source_ref, received_at`

func requestDest(r *proofs.Request) []any {
	return []any{
		sqlcol.Addr(&r.Channel), sqlcol.Addr(&r.NonClosing), sqlcol.Addr(&r.Closing),
		sqlcol.Big(&r.ChainID), sqlcol.U64(&r.Nonce), sqlcol.Big(&r.TransferredAmount),
		sqlcol.Hash(&r.Locksroot), sqlcol.Hash(&r.ExtraHash),
		sqlcol.Bytes(&r.Signature), sqlcol.Bytes(&r.NonClosingSignature), sqlcol.Big(&r.Reward),
		&r.Source, &r.SourceRef, sqlcol.Time(&r.ReceivedAt),
	}
}

func requestArgs(r *proofs.Request) []any {
	return []any{
		sqlcol.AddrArg(r.Channel), sqlcol.AddrArg(r.NonClosing), sqlcol.AddrArg(r.Closing),
		sqlcol.BigArg(r.ChainID), sqlcol.U64Arg(r.Nonce), sqlcol.BigArg(r.TransferredAmount),
		r.Locksroot[:], r.ExtraHash[:],
		sqlcol.BlobArg(r.Signature), sqlcol.BlobArg(r.NonClosingSignature), sqlcol.BigArg(r.Reward),
		r.Source, r.SourceRef, sqlcol.TimeArg(r.ReceivedAt),
	}
}

func scanRequest(rows *sql.Rows) (proofs.Request, error) {
	var r proofs.Request
	err := rows.Scan(requestDest(&r)...)
	return r, err
}

// SaveRequest implements proofs.Store: read, compare and write in one
// transaction, which concurrent calls share (group commit). If ctx ends
// before that transaction has committed, SaveRequest returns ctx's error,
// and the request may or may not be stored (see groupWrite).
func (s *Store) SaveRequest(ctx context.Context, r proofs.Request) (monitor.SaveResult, error) {
	var res monitor.SaveResult
	err := s.groupWrite(ctx, "save request", func(ctx context.Context, tx *sql.Tx) error {
		var err error
		res, err = s.saveRequest(ctx, tx, &r)
		return err
	})
	if err != nil {
		return monitor.SaveResult{}, err
	}
	return res, nil
}

// SaveRequests saves many requests in one transaction, as if SaveRequest
// were called for each in order (a later request sees the earlier ones).
// results[i] and rejections[i] are request i's outcome: rejections holds the
// *monitor.Error SaveRequest would have returned, or nil. err is a failure
// of the store itself, in which case nothing was saved.
//
// It is not part of proofs.Store: it exists for high intake rates, where
// one fsync per request is the bottleneck.
func (s *Store) SaveRequests(ctx context.Context, reqs []proofs.Request) (results []monitor.SaveResult, rejections []error, err error) {
	results = make([]monitor.SaveResult, len(reqs))
	rejections = make([]error, len(reqs))
	err = s.writeIntake(ctx, "save requests", func(tx *sql.Tx) error {
		for i := range reqs {
			res, err := s.saveRequest(ctx, tx, &reqs[i])
			var me *monitor.Error
			switch {
			case errors.As(err, &me):
				rejections[i] = err
			case err != nil:
				return err
			default:
				results[i] = res
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return results, rejections, nil
}

func (s *Store) saveRequest(ctx context.Context, tx *sql.Tx, r *proofs.Request) (monitor.SaveResult, error) {
	var res monitor.SaveResult
	var old proofs.Request
	err := tx.StmtContext(ctx, s.st.getRequest).QueryRowContext(ctx, sqlcol.AddrArg(r.Channel), sqlcol.AddrArg(r.NonClosing)).Scan(
		sqlcol.U64(&old.Nonce), sqlcol.Big(&old.TransferredAmount), sqlcol.Hash(&old.Locksroot), sqlcol.Hash(&old.ExtraHash),
		sqlcol.Bytes(&old.Signature), sqlcol.Bytes(&old.NonClosingSignature), sqlcol.Big(&old.Reward), sqlcol.Addr(&old.Closing))
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return res, err
	case r.Nonce < old.Nonce:
		return res, monitor.Reject(monitor.ReasonStaleNonce,
			"nonce %d is older than the stored nonce %d for this channel and participant", r.Nonce, old.Nonce)
	case r.Nonce == old.Nonce:
		if identical(r, &old) {
			res.Duplicate = true
			return res, nil
		}
		return res, monitor.Reject(monitor.ReasonNonceConflict,
			"a different request with nonce %d is already stored for this channel and participant", r.Nonce)
	default:
		res.Replaced = true
	}

	// First sightings are judged before the insert, which would show them.
	// The replaced request's channel and participants were seen when it was
	// stored.
	if !res.Replaced || old.Closing != r.Closing {
		var ch, closing, nonClosing bool
		err := tx.StmtContext(ctx, s.st.seen).QueryRowContext(ctx, sqlcol.AddrArg(r.Channel), sqlcol.AddrArg(r.Closing), sqlcol.AddrArg(r.NonClosing)).
			Scan(&ch, &closing, &nonClosing)
		if err != nil {
			return res, err
		}
		res.NewChannel = !ch
		for _, seen := range []bool{closing, nonClosing} {
			if !seen {
				res.NewParticipants++
			}
		}
		if err := s.countSeen(ctx, tx, res.NewChannel, res.NewParticipants); err != nil {
			return res, err
		}
	}
	if _, err := tx.StmtContext(ctx, s.st.putRequest).ExecContext(ctx, requestArgs(r)...); err != nil {
		return res, err
	}
	return res, nil
}

func (s *Store) countSeen(ctx context.Context, tx *sql.Tx, newChannel bool, newParticipants int) error {
	stmt := tx.StmtContext(ctx, s.st.countSeen)
	if newChannel {
		if _, err := stmt.ExecContext(ctx, "channels", 1); err != nil {
			return err
		}
	}
	if newParticipants > 0 {
		if _, err := stmt.ExecContext(ctx, "participants", newParticipants); err != nil {
			return err
		}
	}
	return nil
}

// identical reports whether two requests with the same key carry the same
// balance proof, signatures and reward offer. Source, SourceRef and
// ReceivedAt only say how it arrived.
func identical(a, b *proofs.Request) bool {
	return a.Nonce == b.Nonce &&
		bigEqual(a.TransferredAmount, b.TransferredAmount) &&
		a.Locksroot == b.Locksroot &&
		a.ExtraHash == b.ExtraHash &&
		bytes.Equal(a.Signature, b.Signature) &&
		bytes.Equal(a.NonClosingSignature, b.NonClosingSignature) &&
		bigEqual(a.Reward, b.Reward)
}

// bigEqual treats nil as zero.
func bigEqual(a, b *big.Int) bool {
	if a == nil {
		a = new(big.Int)
	}
	if b == nil {
		b = new(big.Int)
	}
	return a.Cmp(b) == 0
}

// Request returns the stored request for (channel, non-closing).
func (s *Store) Request(ctx context.Context, channel, nonClosing common.Address) (proofs.Request, error) {
	var r proofs.Request
	err := s.r.QueryRowContext(ctx, `SELECT `+requestCols+` FROM requests WHERE channel = ? AND non_closing = ?`,
		sqlcol.AddrArg(channel), sqlcol.AddrArg(nonClosing)).Scan(requestDest(&r)...)
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("no request for channel %s and participant %s", channel.Hex(), nonClosing.Hex())
	}
	return r, wrap("request", err)
}

// Requests lists stored requests (for rest) with keyset pagination on
// (channel, non_closing). Limit defaults to 100 and is capped at 1000. next is the hex
// of the last returned key, empty when there are no more rows.
func (s *Store) Requests(ctx context.Context, q proofs.RequestQuery) ([]proofs.Request, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, maxPageSize)

	var afterSQL string
	var afterArgs []any
	if q.After != "" {
		ch, nc, err := sqlcol.DecodePageCursor(q.After)
		if err != nil {
			return nil, "", err
		}
		afterSQL = ` AND (channel, non_closing) > (?, ?)`
		afterArgs = []any{sqlcol.AddrArg(ch), sqlcol.AddrArg(nc)}
	}

	var query string
	var args []any
	if q.Participant != nil && q.Channel == nil {
		// Two index range scans, each already in key order, merged; the
		// second skips rows the first returns. One scan with OR could make
		// SQLite walk the whole table in key order.
		p := sqlcol.AddrArg(*q.Participant)
		query = `SELECT ` + requestCols + ` FROM requests WHERE closing = ?` + afterSQL +
			` UNION ALL SELECT ` + requestCols + ` FROM requests WHERE non_closing = ? AND closing <> ?` + afterSQL +
			` ORDER BY channel, non_closing LIMIT ?`
		args = append(args, p)
		args = append(args, afterArgs...)
		args = append(args, p, p)
		args = append(args, afterArgs...)
	} else {
		query = `SELECT ` + requestCols + ` FROM requests WHERE 1` + afterSQL
		args = append(args, afterArgs...)
		if q.Channel != nil {
			query += ` AND channel = ?`
			args = append(args, sqlcol.AddrArg(*q.Channel))
		}
		if q.Participant != nil {
			query += ` AND (closing = ? OR non_closing = ?)`
			args = append(args, sqlcol.AddrArg(*q.Participant), sqlcol.AddrArg(*q.Participant))
		}
		query += ` ORDER BY channel, non_closing LIMIT ?`
	}
	args = append(args, limit+1)

	reqs, err := queryAll(ctx, s.r, scanRequest, query, args...)
	if err != nil {
		return nil, "", wrap("list requests", err)
	}
	next := ""
	if len(reqs) > limit {
		reqs = reqs[:limit]
		last := reqs[limit-1]
		next = sqlcol.EncodePageCursor(last.Channel, last.NonClosing)
	}
	return reqs, next, nil
}

// RequestsForChannel implements proofs.Store.
func (s *Store) RequestsForChannel(ctx context.Context, channel common.Address) ([]proofs.Request, error) {
	reqs, err := queryAll(ctx, s.r, scanRequest,
		`SELECT `+requestCols+` FROM requests WHERE channel = ? ORDER BY non_closing`, sqlcol.AddrArg(channel))
	return reqs, wrap("requests for channel", err)
}

// DeleteRequests deletes a channel's stored requests (for rest). The
// channel and participants the deleted requests showed are remembered in seen_channels and
// seen_addresses, so that they are not counted again as new (Totals.Channels
// and Totals.Participants never shrink).
func (s *Store) DeleteRequests(ctx context.Context, channel common.Address) (int64, error) {
	var n int64
	err := s.write(ctx, "delete requests", func(tx *sql.Tx) error {
		for _, q := range []string{
			`INSERT OR IGNORE INTO seen_channels (address) SELECT channel FROM requests WHERE channel = ?1 LIMIT 1`,
			`INSERT OR IGNORE INTO seen_addresses (address)
				SELECT closing FROM requests WHERE channel = ?1 UNION SELECT non_closing FROM requests WHERE channel = ?1`,
		} {
			if _, err := tx.ExecContext(ctx, q, sqlcol.AddrArg(channel)); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM requests WHERE channel = ?`, sqlcol.AddrArg(channel))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
