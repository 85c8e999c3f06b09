package pgstore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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

// placeholders is "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// excludedSet is "a = excluded.a, b = excluded.b, ..." for cols.
func excludedSet(cols string) string {
	var parts []string
	for _, c := range strings.Split(cols, ",") {
		c = strings.TrimSpace(c)
		parts = append(parts, c+" = excluded."+c)
	}
	return strings.Join(parts, ", ")
}

// paramSet is "a = $from, b = $from+1, ..." for cols.
func paramSet(cols string, from int) string {
	var parts []string
	for i, c := range strings.Split(cols, ",") {
		parts = append(parts, fmt.Sprintf("%s = $%d", strings.TrimSpace(c), from+i))
	}
	return strings.Join(parts, ", ")
}

var putRequest = `INSERT INTO requests (` + requestCols + `) VALUES (` + placeholders(1, 14) + `)
	ON CONFLICT (channel, non_closing) DO UPDATE SET ` + excludedSet(requestCols)

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

func scanRequest(rows pgx.Rows) (proofs.Request, error) {
	var r proofs.Request
	err := rows.Scan(requestDest(&r)...)
	return r, err
}

// orNull scans into s unless the value is NULL (a column of a row a LEFT
// JOIN did not find).
type orNull struct{ s sql.Scanner }

func (o orNull) Scan(src any) error {
	if src == nil {
		return nil
	}
	return o.s.Scan(src)
}

// SaveRequest implements proofs.Store: read, compare and write in one
// transaction, which concurrent calls share (group commit). If ctx ends
// before that transaction has committed, SaveRequest returns ctx's error,
// and the request may or may not be stored (see groupWrite).
func (s *Store) SaveRequest(ctx context.Context, r proofs.Request) (monitor.SaveResult, error) {
	w := &requestWrite{r: &r}
	if err := s.groupWrite(ctx, "save request", w); err != nil {
		return monitor.SaveResult{}, err
	}
	return w.res, nil
}

// SaveRequests saves many requests in one transaction, as if SaveRequest
// were called for each in order (a later request sees the earlier ones).
// results[i] and rejections[i] are request i's outcome: rejections holds the
// *monitor.Error SaveRequest would have returned, or nil. err is a failure
// of the store itself, in which case nothing was saved.
func (s *Store) SaveRequests(ctx context.Context, reqs []proofs.Request) (results []monitor.SaveResult, rejections []error, err error) {
	ws := make([]intakeWrite, len(reqs))
	for i := range reqs {
		ws[i] = &requestWrite{r: &reqs[i]}
	}
	err = s.write(ctx, "save requests", func(tx pgx.Tx) error {
		var err error
		rejections, err = runWrites(ctx, tx, ws)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	results = make([]monitor.SaveResult, len(reqs))
	for i, w := range ws {
		if rejections[i] == nil {
			results[i] = w.(*requestWrite).res
		}
	}
	return results, rejections, nil
}

// lookupRequest reads the stored request of r's key, if any, and whether
// r's channel, closing and non-closing participant were ever seen. A
// sighting shows in a stored request or in the tables of deleted
// requests' sightings.
const lookupRequest = `SELECT r.channel IS NOT NULL, r.nonce, r.transferred_amount, r.locksroot, r.extra_hash,
		r.signature, r.non_closing_signature, r.reward, r.closing,
		EXISTS (SELECT 1 FROM requests WHERE channel = $1) OR EXISTS (SELECT 1 FROM seen_channels WHERE address = $1),
		EXISTS (SELECT 1 FROM requests WHERE closing = $3) OR EXISTS (SELECT 1 FROM requests WHERE non_closing = $3)
			OR EXISTS (SELECT 1 FROM seen_addresses WHERE address = $3),
		EXISTS (SELECT 1 FROM requests WHERE closing = $2) OR EXISTS (SELECT 1 FROM requests WHERE non_closing = $2)
			OR EXISTS (SELECT 1 FROM seen_addresses WHERE address = $2)
	FROM (SELECT 1) AS one LEFT JOIN requests AS r ON r.channel = $1 AND r.non_closing = $2`

// requestWrite is SaveRequest's read, compare and write (an intakeWrite
// under lockRequests).
type requestWrite struct {
	r   *proofs.Request
	res monitor.SaveResult
	// what the lookup found
	found                                    bool
	old                                      proofs.Request
	seenChannel, seenClosing, seenNonClosing bool
}

func (w *requestWrite) lock() int64 { return lockRequests }

// keys: the channel (the request's key, its first sighting) and both
// participants (their first sightings).
func (w *requestWrite) keys() []string {
	return []string{"channel:" + string(w.r.Channel[:]), "address:" + string(w.r.Closing[:]), "address:" + string(w.r.NonClosing[:])}
}

// keysAfterRead: a replacement with another closing participant may leave
// the former one unseen.
func (w *requestWrite) keysAfterRead() []string {
	if w.found && w.old.Closing != w.r.Closing {
		return []string{"address:" + string(w.old.Closing[:])}
	}
	return nil
}

func (w *requestWrite) read(b *pgx.Batch) {
	r := w.r
	b.Queue(lookupRequest, sqlcol.AddrArg(r.Channel), sqlcol.AddrArg(r.NonClosing), sqlcol.AddrArg(r.Closing)).QueryRow(func(row pgx.Row) error {
		w.old = proofs.Request{}
		return row.Scan(&w.found,
			orNull{sqlcol.U64(&w.old.Nonce)}, sqlcol.Big(&w.old.TransferredAmount), sqlcol.Hash(&w.old.Locksroot), sqlcol.Hash(&w.old.ExtraHash),
			sqlcol.Bytes(&w.old.Signature), sqlcol.Bytes(&w.old.NonClosingSignature), sqlcol.Big(&w.old.Reward), orNull{sqlcol.Addr(&w.old.Closing)},
			&w.seenChannel, &w.seenClosing, &w.seenNonClosing)
	})
}

func (w *requestWrite) decide(b *pgx.Batch) error {
	r, old := w.r, &w.old
	w.res = monitor.SaveResult{}
	switch {
	case !w.found:
	case r.Nonce < old.Nonce:
		return monitor.Reject(monitor.ReasonStaleNonce,
			"nonce %d is older than the stored nonce %d for this channel and participant", r.Nonce, old.Nonce)
	case r.Nonce == old.Nonce:
		if identical(r, old) {
			w.res.Duplicate = true
			return nil
		}
		return monitor.Reject(monitor.ReasonNonceConflict,
			"a different request with nonce %d is already stored for this channel and participant", r.Nonce)
	default:
		w.res.Replaced = true
	}
	// First sightings were judged before the write, which would show them.
	// The replaced request's channel and participants were seen when it was
	// stored.
	if !w.res.Replaced || old.Closing != r.Closing {
		w.res.NewChannel = !w.seenChannel
		for _, seen := range []bool{w.seenClosing, w.seenNonClosing} {
			if !seen {
				w.res.NewParticipants++
			}
		}
		if w.res.NewChannel {
			b.Queue(`UPDATE seen_counts SET n = n + 1 WHERE kind = 'channels'`)
		}
		if w.res.NewParticipants > 0 {
			b.Queue(`UPDATE seen_counts SET n = n + $1 WHERE kind = 'participants'`, w.res.NewParticipants)
		}
	}
	b.Queue(putRequest, requestArgs(r)...)
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
	err := s.pool.QueryRow(ctx, `SELECT `+requestCols+` FROM requests WHERE channel = $1 AND non_closing = $2`,
		sqlcol.AddrArg(channel), sqlcol.AddrArg(nonClosing)).Scan(requestDest(&r)...)
	if noRows(err) {
		return r, notFound("no request for channel %s and participant %s", channel.Hex(), nonClosing.Hex())
	}
	return r, wrap("request", err)
}

// Requests lists stored requests (for rest) with keyset pagination on
// (channel, non_closing). Limit defaults to 100 and is capped at 1000. next
// is the hex of the last returned key, empty when there are no more rows.
func (s *Store) Requests(ctx context.Context, q proofs.RequestQuery) ([]proofs.Request, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultPageSize
	}
	limit = min(limit, maxPageSize)

	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var after string
	if q.After != "" {
		ch, nc, err := sqlcol.DecodePageCursor(q.After)
		if err != nil {
			return nil, "", err
		}
		after = ` AND (channel, non_closing) > (` + arg(sqlcol.AddrArg(ch)) + `, ` + arg(sqlcol.AddrArg(nc)) + `)`
	}
	var query string
	if q.Participant != nil && q.Channel == nil {
		// Two index range scans, each in key order, merged; the second
		// skips rows the first returns.
		p := arg(sqlcol.AddrArg(*q.Participant))
		query = `SELECT ` + requestCols + ` FROM requests WHERE closing = ` + p + after +
			` UNION ALL SELECT ` + requestCols + ` FROM requests WHERE non_closing = ` + p + ` AND closing <> ` + p + after +
			` ORDER BY channel, non_closing LIMIT ` + arg(limit+1)
	} else {
		query = `SELECT ` + requestCols + ` FROM requests WHERE true` + after
		if q.Channel != nil {
			query += ` AND channel = ` + arg(sqlcol.AddrArg(*q.Channel))
		}
		if q.Participant != nil {
			p := arg(sqlcol.AddrArg(*q.Participant))
			query += ` AND (closing = ` + p + ` OR non_closing = ` + p + `)`
		}
		query += ` ORDER BY channel, non_closing LIMIT ` + arg(limit+1)
	}

	reqs, err := queryAll(ctx, s.pool, scanRequest, query, args...)
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
	reqs, err := queryAll(ctx, s.pool, scanRequest,
		`SELECT `+requestCols+` FROM requests WHERE channel = $1 ORDER BY non_closing`, sqlcol.AddrArg(channel))
	return reqs, wrap("requests for channel", err)
}

// DeleteRequests deletes a channel's stored requests (for rest). The
// channel and participants they showed are remembered in seen_channels and
// seen_addresses, so that they are not counted again as new (Totals.Channels
// and Totals.Participants never shrink). It holds lockRequests, as intake
// does.
func (s *Store) DeleteRequests(ctx context.Context, channel common.Address) (int64, error) {
	var n int64
	err := s.write(ctx, "delete requests", func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`SELECT pg_advisory_xact_lock($1)`, lockRequests)
		b.Queue(`INSERT INTO seen_channels (address) SELECT channel FROM requests WHERE channel = $1 LIMIT 1
			ON CONFLICT DO NOTHING`, sqlcol.AddrArg(channel))
		b.Queue(`INSERT INTO seen_addresses (address)
			SELECT closing FROM requests WHERE channel = $1 UNION SELECT non_closing FROM requests WHERE channel = $1
			ON CONFLICT DO NOTHING`, sqlcol.AddrArg(channel))
		del := b.Queue(`DELETE FROM requests WHERE channel = $1`, sqlcol.AddrArg(channel))
		del.Exec(func(ct pgconn.CommandTag) error {
			n = ct.RowsAffected()
			return nil
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
