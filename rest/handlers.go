package rest

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/go-chi/chi/v5"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// healthTimeout bounds one Config.Health call.
const healthTimeout = 5 * time.Second

// acceptedJSON answers a PUT that intake took: the receipt object the room
// posts too (proofs.BalanceProofReceipt, without for_event_id), plus what
// only the submitter needs.
type acceptedJSON struct {
	proofs.BalanceProofReceipt
	NonClosingParticipant string `json:"non_closing_participant"`
	ClosingParticipant    string `json:"closing_participant"`
	Duplicate             bool   `json:"duplicate"`
	Replaced              bool   `json:"replaced"`
	// ReceiptSignature repeats Signature under the name this answer used
	// before it carried the room's receipt object; kept for clients that
	// read it (deprecated, PROTOCOL.md §4.3).
	ReceiptSignature string `json:"receipt_signature,omitempty"`
}

// putBalanceProof hands the body to intake. 201 for a new or replacing
// request, 200 for an idempotent duplicate.
func (s *Server) putBalanceProof(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readJSONBody(w, r)
	if !ok {
		return
	}
	// Intake counts and logs its own rejections.
	acc, err := s.cfg.Intake.SubmitJSON(r.Context(), body, monitor.Source{Kind: SourceKind})
	if err != nil {
		s.writeError(w, r, err, false)
		return
	}
	out := acceptedJSON{
		BalanceProofReceipt:   acc.Receipt(),
		NonClosingParticipant: acc.NonClosing.Hex(),
		ClosingParticipant:    acc.Closing.Hex(),
		Duplicate:             acc.Duplicate,
		Replaced:              acc.Replaced,
	}
	out.ReceiptSignature = out.Signature
	status := http.StatusCreated
	if acc.Duplicate {
		status = http.StatusOK
	} else {
		q := url.Values{"channel": {out.ChannelAddress}, "participant": {out.NonClosingParticipant}}
		w.Header().Set("Location", "/api/1/balance_proofs?"+q.Encode())
	}
	writeJSON(w, status, out)
}

// readJSONBody reads a PUT body of at most MaxBodyBytes that is declared
// JSON or not declared at all. When it fails it has answered (415, 413 or
// 400) and returns false.
func (s *Server) readJSONBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSONMediaType(ct) {
		writeErrorBody(w, http.StatusUnsupportedMediaType, ReasonUnsupportedMediaType,
			"the body must be JSON: send Content-Type: application/json (or no Content-Type)")
		return nil, false
	}
	maxBytes := s.cfg.MaxBodyBytes
	if r.ContentLength > maxBytes {
		s.writeError(w, r, bodyTooLarge(maxBytes), false)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(w, r, bodyTooLarge(maxBytes), false)
			return nil, false
		}
		s.writeError(w, r, monitor.Reject(monitor.ReasonMalformedJSON, "cannot read the request body"), false)
		return nil, false
	}
	return body, true
}

func bodyTooLarge(limit int64) error {
	return monitor.Reject(monitor.ReasonBodyTooLarge, "the request body exceeds %d bytes", limit)
}

// isJSONMediaType accepts application/json and application/*+json.
func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// requestJSON is a stored request: the wire form plus what intake learned.
type requestJSON struct {
	proofs.BalanceProofJSON
	ClosingParticipant string `json:"closing_participant"`
	ReceivedAt         string `json:"received_at"`
	Source             string `json:"source"`
}

type requestsPage struct {
	BalanceProofs []requestJSON `json:"balance_proofs"`
	Next          string        `json:"next,omitempty"`
}

// listBalanceProofs pages through stored requests, optionally for one
// channel and/or one participant (closing or non-closing).
func (s *Server) listBalanceProofs(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	var q proofs.RequestQuery
	var err error
	if q.Channel, err = optAddress(qs, "channel"); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	if q.Participant, err = optAddress(qs, "participant"); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	if q.Limit, err = s.pageLimit(qs); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	q.After = qs.Get("after")
	reqs, next, err := s.cfg.Store.Requests(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err, true)
		return
	}
	page := requestsPage{BalanceProofs: make([]requestJSON, 0, len(reqs)), Next: next}
	for _, req := range reqs {
		page.BalanceProofs = append(page.BalanceProofs, requestJSON{
			BalanceProofJSON:   proofs.EncodeBalanceProof(req.BalanceProof),
			ClosingParticipant: req.Closing.Hex(),
			ReceivedAt:         formatTime(req.ReceivedAt),
			Source:             req.Source,
		})
	}
	writeJSON(w, http.StatusOK, page)
}

// deleteBalanceProofs (admin) removes every stored request of a channel.
func (s *Server) deleteBalanceProofs(w http.ResponseWriter, r *http.Request) {
	ch, err := proofs.ParseAddress("channel_address", chi.URLParam(r, "channel_address"))
	if err != nil {
		s.writeError(w, r, err, false)
		return
	}
	n, err := s.cfg.Intake.DeleteChannel(r.Context(), ch)
	if err != nil {
		s.writeError(w, r, err, true)
		return
	}
	s.log.Info("balance proofs deleted by operator", "channel", ch.Hex(), "deleted", n, "remote", r.RemoteAddr)
	writeJSON(w, http.StatusOK, struct {
		Deleted int64 `json:"deleted"`
	}{n})
}

// updateJSON is one update record. The transaction fields are omitted when
// no transaction was sent, the mining fields until it was mined.
type updateJSON struct {
	ID                    int64  `json:"id"`
	ChannelAddress        string `json:"channel_address"`
	NonClosingParticipant string `json:"non_closing_participant"`
	Nonce                 string `json:"nonce"`
	Outcome               string `json:"outcome"`
	Detail                string `json:"detail"`
	// CompetitorTx is the competing transaction a skipped decision stood
	// down for.
	CompetitorTx string `json:"competitor_tx,omitempty"`
	TxHash       string `json:"tx_hash,omitempty"`
	TxNonce      string `json:"tx_nonce,omitempty"`
	Block        string `json:"block,omitempty"`
	SentBlock    string `json:"sent_block,omitempty"`
	GasUsed      string `json:"gas_used,omitempty"`
	GasPriceWei  string `json:"gas_price_wei,omitempty"`
	GasPaidWei   string `json:"gas_paid_wei,omitempty"`
	RewardWei    string `json:"reward_wei"`
	RewardWonWei string `json:"reward_won_wei,omitempty"`
	Replacements *int   `json:"replacements,omitempty"`
	CreatedAt    string `json:"created_at,omitempty"`
	UpdatedAt    string `json:"updated_at,omitempty"`
}

type updatesPage struct {
	ChannelUpdates []updateJSON `json:"channel_updates"`
	// NextAfterID is the after_id of the next page; omitted on the last.
	NextAfterID int64 `json:"next_after_id,omitempty"`
}

// outcomes are the values accepted by ?outcome=.
var outcomes = []proofs.UpdateOutcome{
	proofs.OutcomePending, proofs.OutcomeMined, proofs.OutcomeReverted, proofs.OutcomeSkipped,
	proofs.OutcomeUnprofitable, proofs.OutcomeMissed, proofs.OutcomeDropped,
}

// listUpdates pages through update records by id, for every channel or for
// the one named in the path.
func (s *Server) listUpdates(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	var q proofs.UpdateQuery
	if p := chi.URLParam(r, "channel_address"); p != "" {
		ch, err := proofs.ParseAddress("channel_address", p)
		if err != nil {
			s.writeError(w, r, err, false)
			return
		}
		q.Channel = &ch
	}
	limit, err := s.pageLimit(qs)
	if err != nil {
		s.writeError(w, r, err, false)
		return
	}
	if q.AfterID, err = afterID(qs); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	if q.Outcomes, err = parseOutcomes(qs["outcome"]); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	// One more than asked tells whether another page exists.
	q.Limit = limit + 1
	ups, err := s.cfg.Store.Updates(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err, true)
		return
	}
	var page updatesPage
	page.ChannelUpdates, page.NextAfterID = pageByID(ups, limit, func(u proofs.Update) int64 { return u.ID }, encodeUpdate)
	writeJSON(w, http.StatusOK, page)
}

// pageByID encodes up to limit of items (fetched with limit+1) and returns
// the id to continue after when there was more.
func pageByID[T, J any](items []T, limit int, id func(T) int64, enc func(T) J) ([]J, int64) {
	var next int64
	if len(items) > limit {
		items = items[:limit]
		next = id(items[limit-1])
	}
	out := make([]J, 0, len(items))
	for _, it := range items {
		out = append(out, enc(it))
	}
	return out, next
}

func encodeUpdate(u proofs.Update) updateJSON {
	out := updateJSON{
		ID:                    u.ID,
		ChannelAddress:        u.Channel.Hex(),
		NonClosingParticipant: u.NonClosing.Hex(),
		Nonce:                 strconv.FormatUint(u.Nonce, 10),
		Outcome:               string(u.Outcome),
		Detail:                u.Detail,
		RewardWei:             bigString(u.Reward),
		CreatedAt:             formatTime(u.CreatedAt),
		UpdatedAt:             formatTime(u.UpdatedAt),
	}
	if u.RewardWon != nil {
		out.RewardWonWei = u.RewardWon.String()
	}
	if u.Competitor != (common.Hash{}) {
		out.CompetitorTx = u.Competitor.Hex()
	}
	if u.TxHash == (common.Hash{}) {
		return out
	}
	out.TxHash = u.TxHash.Hex()
	out.TxNonce = strconv.FormatUint(u.TxNonce, 10)
	out.SentBlock = strconv.FormatUint(u.SentBlock, 10)
	if u.GasPrice != nil {
		out.GasPriceWei = u.GasPrice.String()
	}
	rep := u.Replacement
	out.Replacements = &rep
	if u.Block != 0 {
		out.Block = strconv.FormatUint(u.Block, 10)
		out.GasUsed = strconv.FormatUint(u.GasUsed, 10)
		if u.GasPaid != nil {
			out.GasPaidWei = u.GasPaid.String()
		}
	}
	return out
}

// parseOutcomes reads ?outcome=a,b and repeated ?outcome= parameters.
func parseOutcomes(vals []string) ([]proofs.UpdateOutcome, error) {
	return parseEnum("outcome", vals, outcomes)
}

// parseEnum reads a list parameter (comma-separated and/or repeated) whose
// values must each be one of known.
func parseEnum[T ~string](param string, vals []string, known []T) ([]T, error) {
	var out []T
	for _, v := range vals {
		for _, o := range strings.Split(v, ",") {
			o = strings.TrimSpace(o)
			if o == "" {
				continue
			}
			if !slices.Contains(known, T(o)) {
				names := make([]string, len(known))
				for i, k := range known {
					names[i] = string(k)
				}
				return nil, monitor.Reject(monitor.ReasonBadType, "%s %q is not one of %s", param, truncate(o), strings.Join(names, ", "))
			}
			out = append(out, T(o))
		}
	}
	return out, nil
}

// stats serves the counters kept in memory by monitor.Stats.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.cfg.Stats.Snapshot(s.cfg.Clock.Now()))
}

type healthJSON struct {
	Status  string                `json:"status"`
	Error   string                `json:"error,omitempty"`
	Message string                `json:"message,omitempty"`
	Parts   map[string]HealthPart `json:"parts,omitempty"`
}

// HealthPart is one dependency's state in /healthz.
type HealthPart struct {
	// Status is "ok" or "unavailable".
	Status string `json:"status"`
	// Error is the stable reason when not ok (node_out_of_sync,
	// node_stalled, chain_unavailable, room_unavailable, storage_unavailable...).
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
	// State is the part's own state word where it has one: for
	// "registration", the monitor's standing in the monitor registry
	// (active, not_yet_active, exited, not_registered) or observe_only.
	State string `json:"state,omitempty"`
	// AgeSeconds is the time since the part last worked (the last
	// successful poll or sync), when it applies.
	AgeSeconds *float64 `json:"age_seconds,omitempty"`
	// HeadAgeSeconds, for a chain part, is the age of its node's head
	// block (monitor.HeadStall), once a head was read.
	HeadAgeSeconds *float64 `json:"head_age_seconds,omitempty"`
}

// Health part statuses.
const (
	HealthOK          = "ok"
	HealthUnavailable = "unavailable"
)

// healthz is 200 when Config.Health passes and every part of
// Config.HealthParts is ok, else 503 with the first problem's reason.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	out := healthJSON{Status: "ok"}
	if s.cfg.HealthParts != nil {
		out.Parts = s.cfg.HealthParts(ctx)
		names := make([]string, 0, len(out.Parts))
		for name := range out.Parts {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if p := out.Parts[name]; p.Status != HealthOK && out.Error == "" {
				out.Status, out.Error, out.Message = HealthUnavailable, p.Error, name+": "+p.Message
			}
		}
	}
	if s.cfg.Health != nil && out.Error == "" {
		if err := s.cfg.Health(ctx); err != nil {
			out.Status, out.Error, out.Message = HealthUnavailable, string(monitor.CodeUnavailable), err.Error()
			var e *monitor.Error
			if errors.As(err, &e) {
				out.Error, out.Message = string(e.Reason), e.Message
			}
		}
	}
	if out.Error != "" {
		s.log.Debug("health check failed", "error", out.Error, "message", out.Message)
		writeJSON(w, http.StatusServiceUnavailable, out)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, monitor.Reject(monitor.ReasonNotFound, "no such endpoint: %s %s", r.Method, truncate(r.URL.Path)), false)
}

// methodNotAllowed answers 405 with the Allow header listing the methods
// the path does serve.
func (s *Server) methodNotAllowed(mux *chi.Mux) http.HandlerFunc {
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range methods {
			if mux.Match(chi.NewRouteContext(), m, r.URL.Path) {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
		}
		writeErrorBody(w, http.StatusMethodNotAllowed, ReasonMethodNotAllowed,
			"method "+truncate(r.Method)+" is not allowed here; allowed: "+strings.Join(allow, ", "))
	}
}

// pageLimit reads ?limit=, defaulting to s.limit and capped at PageLimitMax.
func (s *Server) pageLimit(qs url.Values) (int, error) {
	v, ok := qs["limit"]
	if !ok {
		return s.limit, nil
	}
	n, err := monitor.ParseUint64("limit", firstOf(v))
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, monitor.Reject(monitor.ReasonBadNumber, "limit must be at least 1")
	}
	if n > uint64(s.cfg.PageLimitMax) {
		return s.cfg.PageLimitMax, nil
	}
	return int(n), nil
}

// optAddress parses an optional address query parameter.
func optAddress(qs url.Values, name string) (*common.Address, error) {
	v, ok := qs[name]
	if !ok {
		return nil, nil
	}
	a, err := proofs.ParseAddress(name, firstOf(v))
	if err != nil {
		return nil, err
	}
	return &a, nil
}

func firstOf(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func bigString(b *big.Int) string {
	if b == nil {
		return "0"
	}
	return b.String()
}

func hex0x(b []byte) string { return "0x" + hex.EncodeToString(b) }

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// truncate keeps client-supplied text short in messages.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
