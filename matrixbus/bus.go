package matrixbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// Room event types of the protocol.
const (
	TypeBalanceProof  = "org.vigil.balance_proof"
	TypeAppointment   = "org.vigil.ln_appointment"
	TypeReceipt       = "org.vigil.receipt"
	typeMessage       = "m.room.message"
	typeRedaction     = "m.room.redaction"
	stateKeyNextBatch = "matrix.next_batch"
)

// Intake takes a balance-proof message (proofs.Intake).
type Intake interface {
	SubmitJSON(ctx context.Context, data []byte, src monitor.Source, extra ...string) (proofs.Accepted, error)
	// Refused counts an event the room refused before intake.
	Refused(src monitor.Source, reason monitor.Reason)
}

// Stats is where the room reports its own figures; *monitor.Stats
// implements it.
type Stats interface {
	monitor.Counter
	SetMatrix(f func(*monitor.MatrixStatus))
}

// AppointmentIntake takes a Lightning appointment message (tower.Tower).
type AppointmentIntake interface {
	SubmitAppointmentJSON(ctx context.Context, data []byte, src monitor.Source, extra ...string) (tower.Accepted, error)
}

// State keeps the sync position and parked events durably (the store).
type State interface {
	State(ctx context.Context, key string) (string, bool, error)
	SetState(ctx context.Context, key, value string) error
	StatePrefix(ctx context.Context, prefix string) (map[string]string, error)
	DeleteState(ctx context.Context, key string) error
}

// ReceiptLog keeps the receipts the room owes, on a store that replicas
// share (pgstore): each receipt is recorded before it is posted, claimed
// right before, and marked posted after, so that a replica taking the room
// over posts what is owed and never one marked posted. The record and the
// claim are fenced by the matrix role's term (carried by Run's context):
// a replica that has lost the role records and posts nothing more.
type ReceiptLog interface {
	// RecordReceipt records content as the receipt owed for forEventID;
	// fresh is false when one was recorded before (posted or not).
	RecordReceipt(ctx context.Context, forEventID, roomID string, content []byte) (fresh bool, err error)
	// ClaimReceipt reports whether forEventID's receipt is still owed.
	ClaimReceipt(ctx context.Context, forEventID string) (owed bool, err error)
	// ReceiptPosted marks forEventID's receipt posted.
	ReceiptPosted(ctx context.Context, forEventID string) error
	// OwedReceipts returns up to limit receipts recorded and not marked
	// posted, in the order they were recorded.
	OwedReceipts(ctx context.Context, limit int) ([]OwedReceipt, error)
}

// OwedReceipt is a recorded receipt not marked posted.
type OwedReceipt struct {
	ForEventID string
	RoomID     string
	Content    json.RawMessage
}

// parkedPrefix keys events that could not be handled yet because a node
// was unavailable: they are stored (so the sync position may advance and
// the room is not held up) and retried every ParkRetry.
const parkedPrefix = "matrix.parked."

// Config configures a Bus.
type Config struct {
	Session SessionConfig
	// RoomAlias is the public room, e.g. #vigil-monitoring:example.org.
	RoomAlias  string
	CreateRoom bool
	// PostReceipts posts an org.vigil.receipt for each accepted request.
	PostReceipts bool
	// CatchupLimit is how many past events are read on first join.
	CatchupLimit int
	// GapLimit is how many events a sync may bring at most when the room
	// got ahead of the bus (default 20000): a gap up to this size is read
	// in stream order, which leaves nothing out; a larger one is read by
	// backward pagination, counted and logged as unverified.
	GapLimit int
	// MaxEventBytes caps an event's content, checked before parsing.
	MaxEventBytes int
	// RatePerSender / RateBurst: token bucket per Matrix sender.
	RatePerSender float64
	RateBurst     int
	// SyncWait is the long-poll duration (default 30 s).
	SyncWait time.Duration
	// ParkRetry is how often parked events are retried (default 30 s).
	ParkRetry time.Duration

	Intake Intake
	// Receipts, when set, records every receipt before it is posted
	// (ReceiptLog); nil: receipts are queued in memory and posted by this
	// process alone, as fits a store no other replica shares.
	Receipts     ReceiptLog
	Appointments AppointmentIntake // the watchtower (tower.Tower); nil: appointments are refused not_supported
	State        State
	Stats        Stats
	ChainID      *big.Int // for balance-proof receipts when intake does not say
	Logger       *slog.Logger
	Clock        monitor.Clock
}

// Bus is the room intake.
type Bus struct {
	cfg      Config
	log      *slog.Logger
	perUser  *monitor.RateLimiter
	filter   string
	receipts chan receipt
	// owed wakes the poster of logged receipts (Config.Receipts).
	owed chan struct{}

	mu     sync.Mutex
	roomID string
	sess   *Session

	// recent remembers handled event ids, so an event a homeserver hands
	// out twice (overlapping history pages, a retried batch) is handled once.
	recent     map[string]struct{}
	recentRing []string
	recentNext int

	// down holds the request kinds ("balance_proof", "ln_appointment")
	// whose chain did not answer the last time: later events of that kind
	// are parked at once, without waiting for the node's deadline again,
	// so a stuck node costs the room one deadline, not one per event.
	// retryParked clears it and tries again. Only Run's goroutine uses it.
	down map[string]bool
}

const recentEvents = 20000

// seen reports whether id was handled recently, and remembers it.
func (b *Bus) seen(id string) bool {
	if id == "" {
		return false
	}
	if _, ok := b.recent[id]; ok {
		return true
	}
	if b.recent == nil {
		b.recent, b.recentRing = map[string]struct{}{}, make([]string, recentEvents)
	}
	if old := b.recentRing[b.recentNext]; old != "" {
		delete(b.recent, old)
	}
	b.recentRing[b.recentNext] = id
	b.recentNext = (b.recentNext + 1) % recentEvents
	b.recent[id] = struct{}{}
	return false
}

type receipt struct {
	roomID  string
	content any // proofs.BalanceProofReceipt or tower.AppointmentReceipt
	forID   string
}

// New validates cfg and fills defaults. It starts nothing.
func New(cfg Config) (*Bus, error) {
	if cfg.Intake == nil || cfg.State == nil || cfg.Stats == nil {
		return nil, errors.New("matrixbus: an intake, a state store and stats are required")
	}
	if cfg.RoomAlias == "" || !strings.HasPrefix(cfg.RoomAlias, "#") || !strings.Contains(cfg.RoomAlias, ":") {
		return nil, fmt.Errorf("matrix.room_alias %q must look like #name:server", cfg.RoomAlias)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = monitor.SystemClock{}
	}
	if cfg.CatchupLimit == 0 {
		cfg.CatchupLimit = 1000
	}
	if cfg.GapLimit == 0 {
		cfg.GapLimit = recentEvents
	}
	if cfg.MaxEventBytes == 0 {
		cfg.MaxEventBytes = 16 << 10
	}
	if cfg.SyncWait == 0 {
		cfg.SyncWait = 30 * time.Second
	}
	if cfg.ParkRetry == 0 {
		cfg.ParkRetry = 30 * time.Second
	}
	return &Bus{cfg: cfg, log: cfg.Logger, perUser: monitor.NewRateLimiter(cfg.RatePerSender, cfg.RateBurst),
		receipts: make(chan receipt, 4096), owed: make(chan struct{}, 1)}, nil
}

// RoomID is the joined room's id, once joined.
func (b *Bus) RoomID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.roomID
}

// Run connects, joins, catches up on first join and then follows the room
// until ctx is done. Homeserver failures are retried with backoff; Run
// returns an error only for a failure of the store.
func (b *Bus) Run(ctx context.Context) error {
	b.cfg.Stats.SetMatrix(func(m *monitor.MatrixStatus) { m.Enabled = true })
	sess, roomID, err := b.connect(ctx)
	if err != nil {
		return nil // ctx done
	}
	b.mu.Lock()
	b.roomID, b.sess = roomID, sess
	b.mu.Unlock()
	defer sess.Close()
	b.cfg.Stats.SetMatrix(func(m *monitor.MatrixStatus) { m.RoomID = roomID })
	b.filter = syncFilter(roomID, min(syncTimeline, b.cfg.GapLimit))

	var wg sync.WaitGroup
	if b.cfg.PostReceipts {
		wg.Add(1)
		go func() { defer wg.Done(); b.postReceipts(ctx, sess) }()
	}
	defer wg.Wait()
	retry := time.NewTicker(b.cfg.ParkRetry)
	defer retry.Stop()

	since, ok, err := b.cfg.State.State(ctx, stateKeyNextBatch)
	if err != nil {
		return fmt.Errorf("matrix: read sync position: %w", err)
	}
	bo := backoff{}
	storage := monitor.StoragePause{Log: b.log, What: "room intake"}
	for ctx.Err() == nil {
		var next string
		if !ok {
			next, err = b.catchUp(ctx, sess, roomID)
		} else {
			next, err = b.syncOnce(ctx, sess, roomID, since)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var fatal storeFailure
			paused := storage.Pause(err) // the position stays: the batch is read again
			if !paused && errors.As(err, &fatal) {
				return err
			}
			wait := bo.next()
			if ra, is := RetryAfter(err); is && ra > wait {
				wait = ra
			}
			if !paused {
				b.log.Warn("matrix sync failed; retrying", "err", err, "retry_in", wait.Round(time.Millisecond))
			}
			if !sleep(ctx, wait) {
				break
			}
			continue
		}
		if next != since || !ok {
			if err := b.cfg.State.SetState(ctx, stateKeyNextBatch, next); err != nil {
				if ctx.Err() != nil {
					break
				}
				if storage.Pause(err) {
					// Every event up to next is handled; the old position
					// only makes the batch be read again (idempotent).
					if !sleep(ctx, bo.next()) {
						break
					}
					continue
				}
				return fmt.Errorf("matrix: save sync position: %w", err)
			}
		}
		bo.reset()
		storage.Resume()
		since, ok = next, true
		now := b.cfg.Clock.Now()
		b.cfg.Stats.SetMatrix(func(m *monitor.MatrixStatus) { m.LastSync = now })
		select {
		case <-retry.C:
			if err := b.retryParked(ctx); err != nil && ctx.Err() == nil && !storage.Pause(err) {
				return err
			}
		default:
		}
	}
	return nil
}

// park stores an event whose handling must wait for a node.
func (b *Bus) park(ctx context.Context, ev Event, why error) error {
	raw, err := json.Marshal(ev)
	if err != nil {
		return storeFailure{err}
	}
	if err := b.cfg.State.SetState(ctx, parkedPrefix+ev.EventID, string(raw)); err != nil {
		return storeFailure{fmt.Errorf("park event %s: %w", ev.EventID, err)}
	}
	b.cfg.Stats.Count(monitor.CounterMatrixParked, 1)
	b.log.Warn("room event parked until its node answers", "event_id", ev.EventID, "err", why)
	return nil
}

// retryParked handles parked events again; each one handled (stored or
// rejected with a reason) is removed, the others stay parked.
func (b *Bus) retryParked(ctx context.Context) error {
	parked, err := b.cfg.State.StatePrefix(ctx, parkedPrefix)
	if err != nil {
		return storeFailure{err}
	}
	// Ask each node again; the first event of a kind that is still
	// unavailable marks it down, and the rest of that kind stay parked
	// without waiting on the node.
	clear(b.down)
	for key, raw := range parked {
		var ev Event
		if err := json.Unmarshal([]byte(raw), &ev); err != nil {
			_ = b.cfg.State.DeleteState(ctx, key)
			continue
		}
		err := b.handle(ctx, ev)
		if errors.Is(err, errUnavailable) {
			continue // still waiting for its node
		}
		if err != nil {
			return err
		}
		if err := b.cfg.State.DeleteState(ctx, key); err != nil {
			return storeFailure{err}
		}
		b.log.Info("parked room event handled", "event_id", ev.EventID)
	}
	return nil
}

// connect logs in and joins, retrying until it works or ctx ends.
func (b *Bus) connect(ctx context.Context) (*Session, string, error) {
	bo := backoff{}
	for {
		sess, err := Connect(ctx, b.cfg.Session)
		if err == nil {
			var roomID string
			roomID, err = sess.JoinAlias(ctx, b.cfg.RoomAlias, b.cfg.CreateRoom)
			if err == nil {
				b.log.Info("joined the monitoring room", "alias", b.cfg.RoomAlias, "room_id", roomID, "user", sess.UserID())
				return sess, roomID, nil
			}
			sess.Close()
		}
		wait := bo.next()
		b.log.Warn("cannot join the monitoring room; retrying", "alias", b.cfg.RoomAlias, "err", err, "retry_in", wait.Round(time.Millisecond))
		if !sleep(ctx, wait) {
			return nil, "", ctx.Err()
		}
	}
}

// syncTimeline is how many events one ordinary sync brings at most (or
// GapLimit when that is smaller).
const syncTimeline = 500

// syncFilter asks only for the room's timeline events of our types, at
// most limit of them.
func syncFilter(roomID string, limit int) string {
	f := map[string]any{
		"presence":     map[string]any{"not_types": []string{"*"}},
		"account_data": map[string]any{"not_types": []string{"*"}},
		"room": map[string]any{
			"rooms":        []string{roomID},
			"state":        map[string]any{"lazy_load_members": true, "not_types": []string{"*"}},
			"ephemeral":    map[string]any{"not_types": []string{"*"}},
			"account_data": map[string]any{"not_types": []string{"*"}},
			"timeline": map[string]any{
				"limit": limit,
				"types": requestTypes,
			},
		},
	}
	out, _ := json.Marshal(f)
	return string(out)
}

// requestTypes are the event types the bus reads from the room.
var requestTypes = []string{TypeBalanceProof, TypeAppointment, typeMessage, typeRedaction}

// syncOnce long-polls once and handles every new event; it returns the
// position to save.
//
// When more happened since the position than one sync holds (a limited
// timeline: the bus was stopped, or a burst), the same span is synced
// again with a larger timeline, up to GapLimit events. A sync lists a
// span's events in the homeserver's stream order, every one once;
// backward pagination through /messages does not promise that: Dendrite
// pages by event depth and its page tokens skip events that share a depth
// with a page's last event, which a room posted to by several users at
// once has many of. Only a gap larger than GapLimit is read backwards,
// and it is counted and logged as unverified.
func (b *Bus) syncOnce(ctx context.Context, sess *Session, roomID, since string) (string, error) {
	resp, err := sess.Sync(ctx, since, b.filter, b.cfg.SyncWait)
	if err != nil {
		return "", err
	}
	for limit := min(syncTimeline, b.cfg.GapLimit); timelineLimited(resp, roomID) && limit < b.cfg.GapLimit; {
		limit = min(limit*4, b.cfg.GapLimit)
		if resp, err = sess.Sync(ctx, since, syncFilter(roomID, limit), 0); err != nil {
			return "", fmt.Errorf("read the gap after %s with a timeline of %d: %w", since, limit, err)
		}
	}
	var events []Event
	for id, room := range resp.Rooms.Join {
		if id != roomID {
			for _, ev := range room.Timeline.Events {
				b.count(ev, monitor.ReasonWrongRoom)
			}
			continue
		}
		events = room.Timeline.Events
		if room.Timeline.Limited {
			gap, err := b.unverifiedGap(ctx, sess, roomID, since, room.Timeline)
			if err != nil {
				return "", err
			}
			events = append(gap, events...)
		}
	}
	if err := b.handleAll(ctx, events); err != nil {
		return "", err
	}
	return resp.NextBatch, nil
}

// timelineLimited reports whether the room's timeline in resp left out
// events before it.
func timelineLimited(resp *SyncResponse, roomID string) bool {
	room, ok := resp.Rooms.Join[roomID]
	return ok && room.Timeline.Limited
}

// unverifiedGap reads the events before tl back to since by backward
// pagination, when more than GapLimit events arrived: the best the
// client-server API offers, and not lossless (see syncOnce). It counts the
// gap and logs an error naming the span, so an operator knows that room
// requests of that span may be missing and clients may resend them.
func (b *Bus) unverifiedGap(ctx context.Context, sess *Session, roomID, since string, tl Timeline) ([]Event, error) {
	var gap []Event
	if tl.PrevBatch != "" {
		var err error
		// Unfiltered: a page of other events (receipts) must not end the walk.
		all, err := sess.History(ctx, roomID, tl.PrevBatch, since, 0, "")
		if err != nil {
			return nil, fmt.Errorf("read the gap before %s: %w", tl.PrevBatch, err)
		}
		for _, ev := range all {
			if slices.Contains(requestTypes, ev.Type) {
				gap = append(gap, ev)
			}
		}
	}
	b.cfg.Stats.Count(monitor.CounterMatrixGapsUnverified, 1)
	b.log.Error("room gap larger than the sync limit read by backward pagination: requests in it may have been missed",
		"room_id", roomID, "since", since, "prev_batch", tl.PrevBatch, "gap_limit", b.cfg.GapLimit,
		"events_in_timeline", len(tl.Events), "events_read_back", len(gap))
	return gap, nil
}

// catchUp is the first sync after joining: it reads the last CatchupLimit
// events, in stream order, so requests posted while no monitor listened
// are not lost.
func (b *Bus) catchUp(ctx context.Context, sess *Session, roomID string) (string, error) {
	resp, err := sess.Sync(ctx, "", syncFilter(roomID, b.cfg.CatchupLimit), 0)
	if err != nil {
		return "", err
	}
	events := resp.Rooms.Join[roomID].Timeline.Events
	if len(events) > b.cfg.CatchupLimit {
		events = events[len(events)-b.cfg.CatchupLimit:]
	}
	b.log.Info("caught up with the room's history", "events", len(events), "limit", b.cfg.CatchupLimit)
	if err := b.handleAll(ctx, events); err != nil {
		return "", err
	}
	return resp.NextBatch, nil
}

// storeFailure marks an error that must stop the bus (the event could not
// be durably handled and retrying will not help the operator).
type storeFailure struct{ error }

func (e storeFailure) Unwrap() error { return e.error }

// handleAll handles events in order. It stops at the first event that was
// not durably handled (a failing store, an unavailable chain node): the
// sync position is then not advanced and the batch is read again.
func (b *Bus) handleAll(ctx context.Context, events []Event) error {
	b.cfg.Stats.SetMatrix(func(m *monitor.MatrixStatus) { m.Behind = len(events) })
	defer b.cfg.Stats.SetMatrix(func(m *monitor.MatrixStatus) { m.Behind = 0 })
	for i, ev := range events {
		if b.seen(ev.EventID) {
			continue
		}
		if err := b.handle(ctx, ev); err != nil {
			if errors.Is(err, errUnavailable) {
				err = b.park(ctx, ev, err) // durably parked: the room is not held up
			}
			if err != nil {
				b.forget(ev.EventID)
				return err
			}
		}
		if ev.OriginTS > 0 {
			lag := b.cfg.Clock.Now().Sub(time.UnixMilli(ev.OriginTS))
			left := len(events) - i - 1
			b.cfg.Stats.SetMatrix(func(m *monitor.MatrixStatus) { m.Lag, m.Behind = lag, left })
		}
	}
	return nil
}

// forget drops id from the recent set (it was not handled after all).
func (b *Bus) forget(id string) { delete(b.recent, id) }

// count records an event rejected before intake.
func (b *Bus) count(ev Event, reason monitor.Reason) {
	b.cfg.Intake.Refused(monitor.Source{Kind: "matrix", Ref: ev.EventID}, reason)
	b.log.Debug("room event not taken", "event_id", ev.EventID, "sender", ev.Sender, "type", ev.Type, "reason", string(reason))
}

// handle routes one event. A nil return means durably handled: stored,
// or rejected with a reason.
func (b *Bus) handle(ctx context.Context, ev Event) (err error) {
	if ev.Sender == b.sessUser() || ev.Type == TypeReceipt {
		return nil // our own receipts, other monitors' receipts
	}
	b.cfg.Stats.Count(monitor.CounterMatrixEvents, 1)
	if ev.StateKey != nil {
		return nil // state events are not requests
	}
	switch ev.Type {
	case typeRedaction:
		b.count(ev, monitor.ReasonRedactionIgnored)
		return nil
	case TypeBalanceProof, TypeAppointment, typeMessage:
	default:
		b.count(ev, monitor.ReasonUnknownEventType)
		return nil
	}
	if !b.perUser.Allow(ev.Sender, b.cfg.Clock.Now()) {
		b.count(ev, monitor.ReasonRateLimited)
		return nil
	}
	if len(ev.Content) > b.cfg.MaxEventBytes {
		b.count(ev, monitor.ReasonBodyTooLarge)
		return nil
	}
	kind, payload, extra, reason := classify(ev)
	if reason != "" {
		b.count(ev, reason)
		return nil
	}
	if b.down[kind] {
		return fmt.Errorf("%w: the %s node did not answer a moment ago", errUnavailable, kind)
	}
	src := monitor.Source{Kind: "matrix", Ref: ev.EventID}
	defer func() {
		if errors.Is(err, errUnavailable) {
			if b.down == nil {
				b.down = map[string]bool{}
			}
			b.down[kind] = true
		}
	}()
	switch kind {
	case "balance_proof":
		acc, err := b.cfg.Intake.SubmitJSON(ctx, payload, src, extra...)
		if err != nil {
			return b.afterReject(err)
		}
		if b.cfg.PostReceipts && len(acc.ReceiptSignature) > 0 {
			rc := acc.Receipt()
			if acc.ChainID == nil && b.cfg.ChainID != nil {
				rc.ChainID = b.cfg.ChainID.String()
			}
			rc.ForEventID = ev.EventID
			return b.owe(ctx, ev, rc)
		}
	case "ln_appointment":
		if b.cfg.Appointments == nil {
			b.count(ev, monitor.ReasonNotSupported)
			return nil
		}
		acc, err := b.cfg.Appointments.SubmitAppointmentJSON(ctx, payload, src, extra...)
		if err != nil {
			return b.afterReject(err)
		}
		if b.cfg.PostReceipts && acc.Signed() {
			rc := acc.Receipt()
			rc.ForEventID = ev.EventID
			return b.owe(ctx, ev, rc)
		}
	}
	return nil
}

// errUnavailable marks a submission that could not be decided because a
// node did not answer: the event is parked and retried.
var errUnavailable = errors.New("intake unavailable")

// afterReject decides whether a failed submission counts as handled.
func (b *Bus) afterReject(err error) error {
	e := monitor.AsError(err)
	switch e.Code() {
	case monitor.CodeUnavailable:
		if e.Reason == monitor.ReasonRateLimited {
			return nil // a definitive answer: dropped for abuse
		}
		if e.Reason == monitor.ReasonMonitorNotRegistered || e.Reason == monitor.ReasonObserveOnly {
			return nil // a definitive answer: this monitor promises nothing now
		}
		if e.Reason == monitor.ReasonRequestCanceled {
			return e // the bus is stopping: not handled, read again at start
		}
		if e.Reason == monitor.ReasonStorageUnavailable {
			// Not stored, and it cannot be parked either (parking writes
			// too): the position stays before this event, which is read
			// again once the store takes writes.
			return e
		}
		return fmt.Errorf("%w: %w", errUnavailable, e) // parked, retried later
	case monitor.CodeInternal:
		return storeFailure{e}
	}
	return nil
}

func (b *Bus) sessUser() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sess == nil {
		return ""
	}
	return b.sess.UserID()
}

// classify finds the request kind and payload of a room event. The plain
// form is an m.room.message whose body is the JSON object with a "type".
// A key given twice in the content or the body is refused here, as the
// payload decoders refuse it in the typed forms: a monitor that keeps the
// first and one that keeps the last must not read different requests.
func classify(ev Event) (kind string, payload []byte, extra []string, reason monitor.Reason) {
	switch ev.Type {
	case TypeBalanceProof:
		return "balance_proof", ev.Content, nil, ""
	case TypeAppointment:
		return "ln_appointment", ev.Content, nil, ""
	}
	var msg struct {
		Body      *string `json:"body"`
		RelatesTo *struct {
			RelType string `json:"rel_type"`
		} `json:"m.relates_to"`
	}
	if err := json.Unmarshal(ev.Content, &msg); err != nil || msg.Body == nil {
		return "", nil, nil, monitor.ReasonNotARequest
	}
	if monitor.CheckDuplicateKeys(ev.Content) != nil {
		return "", nil, nil, monitor.ReasonDuplicateField // e.g. two bodies
	}
	if msg.RelatesTo != nil && msg.RelatesTo.RelType == "m.replace" {
		return "", nil, nil, monitor.ReasonEditIgnored
	}
	body := strings.TrimSpace(*msg.Body)
	if !strings.HasPrefix(body, "{") {
		return "", nil, nil, monitor.ReasonNotARequest
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(body), &head); err != nil {
		return "", nil, nil, monitor.ReasonMalformedJSON
	}
	if monitor.CheckDuplicateKeys([]byte(body)) != nil {
		return "", nil, nil, monitor.ReasonDuplicateField // e.g. two types
	}
	switch head.Type {
	case "balance_proof", "ln_appointment":
		return head.Type, []byte(body), []string{"type"}, ""
	}
	return "", nil, nil, monitor.ReasonNotARequest
}

func (b *Bus) queueReceipt(ev Event, content any) {
	select {
	case b.receipts <- receipt{roomID: b.RoomID(), content: content, forID: ev.EventID}:
	default:
		b.cfg.Stats.Count(monitor.CounterMatrixReceiptsFailed, 1)
		b.log.Warn("receipt queue full; receipt dropped", "for_event_id", ev.EventID)
	}
}

// postReceipts sends queued receipts, retrying each a few times. The
// transaction id is derived from the answered event, so a retry (or a
// re-read after a crash) does not post twice.
func (b *Bus) postReceipts(ctx context.Context, sess *Session) {
	if b.cfg.Receipts != nil {
		b.postOwed(ctx, sess)
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-b.receipts:
			txn := TxnID("receipt", r.forID)
			bo := backoff{}
			for attempt := 0; ; attempt++ {
				_, err := sess.Send(ctx, r.roomID, TypeReceipt, r.content, txn)
				if err == nil {
					b.cfg.Stats.Count(monitor.CounterMatrixReceipts, 1)
					break
				}
				if ctx.Err() != nil {
					return
				}
				if attempt >= 5 {
					b.cfg.Stats.Count(monitor.CounterMatrixReceiptsFailed, 1)
					b.log.Warn("could not post a receipt", "for_event_id", r.forID, "err", err)
					break
				}
				wait := bo.next()
				if ra, ok := RetryAfter(err); ok {
					wait = ra
				}
				if !sleep(ctx, wait) {
					return
				}
			}
		}
	}
}

// backoff is exponential with full jitter, 250 ms to 30 s.
type backoff struct{ n int }

func (b *backoff) next() time.Duration {
	d := 250 * time.Millisecond << min(b.n, 7)
	if d > 30*time.Second {
		d = 30 * time.Second
	}
	b.n++
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (b *backoff) reset() { b.n = 0 }

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
