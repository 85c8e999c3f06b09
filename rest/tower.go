package rest

import (
	"encoding/hex"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/go-chi/chi/v5"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// The Lightning watchtower's routes. They exist only when Config.Tower is
// set; towerEnabled answers 404 for them otherwise. Bitcoin conventions
// apply here (docs/protocol.md §8): bytes are plain lowercase
// hex without 0x, txids and block hashes are in display (reversed) byte
// order as Bitcoin tools show them, and locators are the first 16 bytes of
// the breach txid in internal byte order, as in the appointment.

// towerEnabled guards the watchtower routes.
func (s *Server) towerEnabled(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Tower == nil {
			writeErrorBody(w, http.StatusNotFound, monitor.ReasonNotFound, "the Lightning watchtower is not enabled")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// putAppointment hands the body to the tower's intake and answers 201 with
// the receipt. A new appointment, a replacement and an identical one sent
// again all answer 201 (docs/protocol.md §8.5).
func (s *Server) putAppointment(w http.ResponseWriter, r *http.Request) {
	body, ok := s.readJSONBody(w, r)
	if !ok {
		return
	}
	// The tower counts and logs its own rejections.
	acc, err := s.cfg.Tower.SubmitAppointmentJSON(r.Context(), body, monitor.Source{Kind: SourceKind})
	if err != nil {
		s.writeError(w, r, err, false)
		return
	}
	receipt := acc.Receipt()
	w.Header().Set("Location", "/api/1/appointments/"+url.PathEscape(receipt.Locator))
	writeJSON(w, http.StatusCreated, receipt)
}

// appointmentJSON is a stored appointment's metadata: the wire form
// without the blob and the signature, plus what the intake recorded.
type appointmentJSON struct {
	Locator     string `json:"locator"`
	UserPubkey  string `json:"user_pubkey"`
	Network     string `json:"network"`
	Cipher      string `json:"cipher"`
	ToSelfDelay string `json:"to_self_delay"`
	StartBlock  string `json:"start_block"`
	EndBlock    string `json:"end_block"`
	RewardSat   string `json:"reward_sat"`
	// Seq is omitted for an unsequenced appointment (sent without one).
	Seq        string `json:"seq,omitempty"`
	BlobBytes  int    `json:"blob_bytes"`
	ReceivedAt string `json:"received_at"`
	Source     string `json:"source"`
	// With ?blobs=1 the two remaining wire fields are added, so that an
	// entry is a complete appointment a client can re-verify.
	*appointmentBlob
}

type appointmentBlob struct {
	EncryptedBlob string `json:"encrypted_blob"`
	UserSignature string `json:"user_signature"`
}

type appointmentsPage struct {
	Appointments []appointmentJSON `json:"appointments"`
	// Next is the after of the next page; omitted on the last.
	Next string `json:"next,omitempty"`
}

// listAppointments pages through stored appointments in (locator, user
// key) order, optionally for one locator.
func (s *Server) listAppointments(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	var q tower.AppointmentQuery
	blobs, err := optBool(qs, "blobs")
	if err != nil {
		s.writeError(w, r, err, false)
		return
	}
	if v, ok := qs["locator"]; ok {
		l, err := parseLocator("locator", firstOf(v))
		if err != nil {
			s.writeError(w, r, err, false)
			return
		}
		q.Locator = &l
	}
	if q.Limit, err = s.pageLimit(qs); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	q.After = qs.Get("after")
	apps, next, err := s.cfg.TowerRecords.Appointments(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err, true)
		return
	}
	writeJSON(w, http.StatusOK, appointmentsPage{Appointments: encodeAppointments(apps, blobs), Next: next})
}

// appointmentsByLocator answers the appointments stored for one locator
// (one per user key), a page at a time as listAppointments does: a locator
// holds any number of them (a cheater may crowd one with junk), 404 for
// none.
func (s *Server) appointmentsByLocator(w http.ResponseWriter, r *http.Request) {
	l, err := parseLocator("locator", chi.URLParam(r, "locator"))
	if err != nil {
		s.writeError(w, r, err, false)
		return
	}
	qs := r.URL.Query()
	blobs, err := optBool(qs, "blobs")
	if err != nil {
		s.writeError(w, r, err, false)
		return
	}
	q := tower.AppointmentQuery{Locator: &l, After: qs.Get("after")}
	if q.Limit, err = s.pageLimit(qs); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	apps, next, err := s.cfg.TowerRecords.Appointments(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err, true)
		return
	}
	if len(apps) == 0 && q.After == "" {
		s.writeError(w, r, monitor.Reject(monitor.ReasonNotFound, "no appointment is stored for locator %x", l), false)
		return
	}
	writeJSON(w, http.StatusOK, appointmentsPage{Appointments: encodeAppointments(apps, blobs), Next: next})
}

func encodeAppointments(apps []tower.StoredAppointment, blobs bool) []appointmentJSON {
	out := make([]appointmentJSON, 0, len(apps))
	for _, a := range apps {
		wire := tower.EncodeAppointment(a.Appointment)
		j := appointmentJSON{
			Locator: wire.Locator, UserPubkey: wire.UserPubkey, Network: wire.Network, Cipher: wire.Cipher,
			ToSelfDelay: wire.ToSelfDelay, StartBlock: wire.StartBlock, EndBlock: wire.EndBlock,
			RewardSat: wire.RewardSat, Seq: wire.Seq, BlobBytes: len(a.EncryptedBlob),
			ReceivedAt: formatTime(a.ReceivedAt), Source: a.Source,
		}
		if blobs {
			j.appointmentBlob = &appointmentBlob{EncryptedBlob: wire.EncryptedBlob, UserSignature: wire.UserSignature}
		}
		out = append(out, j)
	}
	return out
}

// justiceJSON is one justice record. The transaction fields are omitted
// for a record without a transaction (outcome failed), the block fields
// until it is confirmed. Confirmations are not stored: a client computes
// them from block and its own tip.
type justiceJSON struct {
	ID          int64  `json:"id"`
	Locator     string `json:"locator"`
	UserPubkey  string `json:"user_pubkey"`
	BreachTxID  string `json:"breach_txid"`
	BreachBlock string `json:"breach_block"`
	Deadline    string `json:"deadline"`
	TxID        string `json:"txid,omitempty"`
	Outcome     string `json:"outcome"`
	Reason      string `json:"reason"`
	Detail      string `json:"detail"`
	FeeSat      string `json:"fee_sat,omitempty"`
	BountySat   string `json:"bounty_sat,omitempty"`
	PromisedSat string `json:"promised_sat"`
	FeeRate     string `json:"fee_rate_sat_kvb,omitempty"`
	SentHeight  string `json:"sent_height,omitempty"`
	Block       string `json:"block,omitempty"`
	BlockHash   string `json:"block_hash,omitempty"`
	Replacement *int   `json:"replacement,omitempty"`
	CreatedAt   string `json:"created_at,omitempty"`
	UpdatedAt   string `json:"updated_at,omitempty"`
	// SpentBy and SpentBlock: for a lost record, the transaction that spent
	// the breach outputs and its block; omitted when none did.
	SpentBy    string `json:"spent_by_txid,omitempty"`
	SpentBlock string `json:"spent_block,omitempty"`
}

type justicePage struct {
	Justice []justiceJSON `json:"justice"`
	// NextAfterID is the after_id of the next page; omitted on the last.
	NextAfterID int64 `json:"next_after_id,omitempty"`
}

// justiceOutcomes are the values accepted by ?outcome= on /api/1/justice.
var justiceOutcomes = []tower.JusticeOutcome{
	tower.JusticeBroadcast, tower.JusticeConfirmed, tower.JusticeReplaced, tower.JusticeFailed, tower.JusticeLost,
}

// listJustice pages through justice records by id.
func (s *Server) listJustice(w http.ResponseWriter, r *http.Request) {
	qs := r.URL.Query()
	var q tower.JusticeQuery
	limit, err := s.pageLimit(qs)
	if err != nil {
		s.writeError(w, r, err, false)
		return
	}
	if q.AfterID, err = afterID(qs); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	if q.Outcomes, err = parseEnum("outcome", qs["outcome"], justiceOutcomes); err != nil {
		s.writeError(w, r, err, false)
		return
	}
	// One more than asked tells whether another page exists.
	q.Limit = limit + 1
	js, err := s.cfg.TowerRecords.JusticeRecords(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err, true)
		return
	}
	var page justicePage
	page.Justice, page.NextAfterID = pageByID(js, limit, func(j tower.Justice) int64 { return j.ID }, encodeJustice)
	writeJSON(w, http.StatusOK, page)
}

func encodeJustice(j tower.Justice) justiceJSON {
	out := justiceJSON{
		ID:          j.ID,
		Locator:     hex.EncodeToString(j.Locator[:]),
		UserPubkey:  hex.EncodeToString(j.UserPubkey[:]),
		BreachTxID:  j.BreachTxID.String(),
		BreachBlock: u32String(j.BreachBlock),
		Deadline:    u32String(j.Deadline),
		Outcome:     string(j.Outcome),
		Reason:      string(j.Reason),
		Detail:      j.Detail,
		PromisedSat: strconv.FormatUint(j.PromisedSat, 10),
		CreatedAt:   formatTime(j.CreatedAt),
		UpdatedAt:   formatTime(j.UpdatedAt),
	}
	if j.SpentBy != (chainhash.Hash{}) {
		out.SpentBy, out.SpentBlock = j.SpentBy.String(), u32String(j.SpentBlock)
	}
	if j.TxID == (chainhash.Hash{}) {
		return out
	}
	out.TxID = j.TxID.String()
	out.FeeSat = strconv.FormatInt(j.FeeSat, 10)
	out.BountySat = strconv.FormatInt(j.BountySat, 10)
	out.FeeRate = strconv.FormatInt(j.FeeRate, 10)
	out.SentHeight = u32String(j.SentHeight)
	rep := j.Replacement
	out.Replacement = &rep
	if j.Block != 0 {
		out.Block = u32String(j.Block)
		if j.BlockHash != (chainhash.Hash{}) {
			out.BlockHash = j.BlockHash.String()
		}
	}
	return out
}

// afterID reads ?after_id=, a record id (0 when absent).
func afterID(qs url.Values) (int64, error) {
	v, ok := qs["after_id"]
	if !ok {
		return 0, nil
	}
	id, err := monitor.ParseUint64("after_id", firstOf(v))
	if err == nil && id > math.MaxInt64 {
		err = monitor.Reject(monitor.ReasonNumberOverflow, "after_id exceeds 2^63-1")
	}
	if err != nil {
		return 0, err
	}
	return int64(id), nil
}

// parseLocator reads a locator: exactly 32 hex characters (16 bytes), any
// case, no 0x. Anything else is bad_locator.
func parseLocator(name, s string) ([16]byte, error) {
	var l [16]byte
	b, err := hex.DecodeString(s)
	if len(s) != 2*len(l) || err != nil {
		return l, monitor.Reject(monitor.ReasonBadLocator, "%s must be exactly 32 hex characters (16 bytes, no 0x), got %q", name, truncate(s))
	}
	copy(l[:], b)
	return l, nil
}

// optBool reads an optional flag parameter: 1/true or 0/false (absent or
// empty is false).
func optBool(qs url.Values, name string) (bool, error) {
	v := qs.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, monitor.Reject(monitor.ReasonBadType, "%s must be 1 or 0, got %q", name, truncate(v))
	}
	return b, nil
}

func u32String(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
