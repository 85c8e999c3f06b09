package matrixbus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/matrix-org/gomatrix"
)

// clientPrefix is the client-server API version Vigil speaks (gomatrix
// defaults to the retired r0).
const clientPrefix = "/_matrix/client/v3"

// Session is an authenticated connection to a homeserver. gomatrix has no
// context support, so every call runs on a request-scoped client whose
// transport carries the call's context and timeout.
type Session struct {
	base    *url.URL
	userID  string
	token   string
	timeout time.Duration
	http    *http.Client
}

// SessionConfig says how to log in: with an access token, or with a
// password (a new device per login).
type SessionConfig struct {
	HomeserverURL string
	UserID        string
	Password      string
	AccessToken   string
	Timeout       time.Duration // per request, default 10 s
}

// Connect logs in (or checks the access token) and returns a Session.
func Connect(ctx context.Context, cfg SessionConfig) (*Session, error) {
	u, err := url.Parse(cfg.HomeserverURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("matrix.homeserver_url %q is not an http(s) URL", cfg.HomeserverURL)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	s := &Session{base: u, userID: cfg.UserID, token: cfg.AccessToken, timeout: cfg.Timeout,
		http: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	if s.token == "" {
		if cfg.Password == "" {
			return nil, errors.New("matrix: an access token or a password is needed")
		}
		var resp gomatrix.RespLogin
		req := map[string]any{"type": "m.login.password", "password": cfg.Password,
			"identifier": map[string]string{"type": "m.id.user", "user": cfg.UserID}, "initial_device_display_name": "vigil"}
		if err := s.do(ctx, s.timeout, http.MethodPost, s.url([]string{"login"}, nil), req, &resp); err != nil {
			return nil, fmt.Errorf("matrix login as %s at %s: %w", cfg.UserID, cfg.HomeserverURL, err)
		}
		s.token, s.userID = resp.AccessToken, resp.UserID
		return s, nil
	}
	var who struct {
		UserID string `json:"user_id"`
	}
	if err := s.do(ctx, s.timeout, http.MethodGet, s.url([]string{"account", "whoami"}, nil), nil, &who); err != nil {
		return nil, fmt.Errorf("matrix access token rejected by %s: %w", cfg.HomeserverURL, err)
	}
	s.userID = who.UserID
	return s, nil
}

// UserID is the logged-in user.
func (s *Session) UserID() string { return s.userID }

// Close releases idle connections.
func (s *Session) Close() { s.http.CloseIdleConnections() }

// client builds a one-call gomatrix client bound to ctx.
func (s *Session) client(ctx context.Context, timeout time.Duration) *gomatrix.Client {
	c, _ := gomatrix.NewClient(s.base.String(), s.userID, s.token)
	c.Prefix = clientPrefix
	c.Client = &http.Client{Transport: ctxTransport{ctx: ctx, base: s.http.Transport}, Timeout: timeout}
	return c
}

// ctxTransport attaches a context to every request gomatrix makes.
type ctxTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(r.WithContext(t.ctx))
}

func (s *Session) url(path []string, query map[string]string) string {
	c, _ := gomatrix.NewClient(s.base.String(), s.userID, s.token)
	c.Prefix = clientPrefix
	if query == nil {
		return c.BuildURL(path...)
	}
	return c.BuildURLWithQuery(path, query)
}

func (s *Session) do(ctx context.Context, timeout time.Duration, method, u string, body, out any) error {
	return s.client(ctx, timeout).MakeRequest(method, u, body, out)
}

// JoinAlias joins the room with the given alias, creating it (public, with
// that alias) when create is set and it does not exist. It returns the id.
func (s *Session) JoinAlias(ctx context.Context, alias string, create bool) (string, error) {
	roomID, err := s.resolve(ctx, alias)
	if err != nil && (!create || !isNotFound(err)) {
		return "", fmt.Errorf("resolve %s: %w", alias, err)
	}
	if err != nil { // not found: create it
		local := strings.TrimPrefix(alias, "#")
		local, _, _ = strings.Cut(local, ":")
		var cr gomatrix.RespCreateRoom
		req := map[string]any{"room_alias_name": local, "preset": "public_chat", "visibility": "public",
			"name": "Vigil monitoring requests"}
		if cerr := s.do(ctx, s.timeout, http.MethodPost, s.url([]string{"createRoom"}, nil), req, &cr); cerr == nil {
			return cr.RoomID, nil
		}
		// Someone else may have created it meanwhile.
		if roomID, err = s.resolve(ctx, alias); err != nil {
			return "", fmt.Errorf("create room %s: %w", alias, err)
		}
	}
	var resp gomatrix.RespJoinRoom
	if err := s.do(ctx, s.timeout, http.MethodPost, s.url([]string{"join", roomID}, nil), struct{}{}, &resp); err != nil {
		return "", fmt.Errorf("join %s (%s): %w", alias, roomID, err)
	}
	return resp.RoomID, nil
}

// resolve looks an alias up in the room directory.
func (s *Session) resolve(ctx context.Context, alias string) (string, error) {
	var resp struct {
		RoomID string `json:"room_id"`
	}
	if err := s.do(ctx, s.timeout, http.MethodGet, s.url([]string{"directory", "room", alias}, nil), nil, &resp); err != nil {
		return "", err
	}
	return resp.RoomID, nil
}

// Send posts an event; the same txnID makes a retry idempotent.
func (s *Session) Send(ctx context.Context, roomID, eventType string, content any, txnID string) (string, error) {
	if txnID == "" {
		txnID = "vigil" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	var resp gomatrix.RespSendEvent
	err := s.do(ctx, s.timeout, http.MethodPut, s.url([]string{"rooms", roomID, "send", eventType, txnID}, nil), content, &resp)
	return resp.EventID, err
}

// Redact redacts an event (clients use it to withdraw a message; Vigil
// ignores redactions: an accepted request stays accepted).
func (s *Session) Redact(ctx context.Context, roomID, eventID, reason string) error {
	txn := TxnID("redact", roomID, eventID)
	return s.do(ctx, s.timeout, http.MethodPut, s.url([]string{"rooms", roomID, "redact", eventID, txn}, nil),
		map[string]string{"reason": reason}, nil)
}

// TxnID derives a transaction id from parts, for idempotent sends.
func TxnID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "vigil-" + hex.EncodeToString(h[:12])
}

// Event is a room event with its content kept as raw JSON, so numbers
// keep their exact text and sizes can be checked before parsing.
type Event struct {
	Type     string          `json:"type"`
	EventID  string          `json:"event_id"`
	Sender   string          `json:"sender"`
	RoomID   string          `json:"room_id"`
	OriginTS int64           `json:"origin_server_ts"`
	Content  json.RawMessage `json:"content"`
	Redacts  string          `json:"redacts,omitempty"`
	StateKey *string         `json:"state_key,omitempty"`
	Unsigned json.RawMessage `json:"unsigned,omitempty"`
}

// Timeline is one room's part of a sync response.
type Timeline struct {
	Events    []Event `json:"events"`
	Limited   bool    `json:"limited"`
	PrevBatch string  `json:"prev_batch"`
}

// SyncResponse is the part of /sync Vigil reads.
type SyncResponse struct {
	NextBatch string `json:"next_batch"`
	Rooms     struct {
		Join map[string]struct {
			Timeline Timeline `json:"timeline"`
		} `json:"join"`
	} `json:"rooms"`
}

// Sync long-polls /sync for up to wait.
func (s *Session) Sync(ctx context.Context, since, filter string, wait time.Duration) (*SyncResponse, error) {
	q := map[string]string{"timeout": strconv.FormatInt(wait.Milliseconds(), 10)}
	if since != "" {
		q["since"] = since
	}
	if filter != "" {
		q["filter"] = filter
	}
	var resp SyncResponse
	if err := s.do(ctx, wait+s.timeout, http.MethodGet, s.url([]string{"sync"}, q), nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// MessagesResponse is a page of room history.
type MessagesResponse struct {
	Start string  `json:"start"`
	End   string  `json:"end"`
	Chunk []Event `json:"chunk"`
}

// Messages pages through a room's history from a token ('b' backwards).
func (s *Session) Messages(ctx context.Context, roomID, from, to string, dir rune, limit int, filter string) (*MessagesResponse, error) {
	q := map[string]string{"from": from, "dir": string(dir), "limit": strconv.Itoa(limit)}
	if to != "" {
		q["to"] = to
	}
	if filter != "" {
		q["filter"] = filter
	}
	var resp MessagesResponse
	if err := s.do(ctx, s.timeout, http.MethodGet, s.url([]string{"rooms", roomID, "messages"}, q), nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// History pages backwards through a room's timeline from 'from' (to 'to',
// or up to max events when max > 0), with an event filter, and returns the
// events oldest first. It returns what the homeserver pages out, which
// need not be every event of the span: Dendrite pages by event depth, and
// the token after a page skips the events sharing a depth with the page's
// last event that come later in its stream, as does the 'to' bound for
// the events at its depth. Read a span that must be complete by /sync.
// A filtered page is cut to size before the filter applies, and Dendrite
// ends the walk at a page with no matching event: a sparse type is better
// filtered by the caller.
func (s *Session) History(ctx context.Context, roomID, from, to string, max int, filter string) ([]Event, error) {
	var back []Event
	for {
		page := 500
		if max > 0 {
			page = min(page, max-len(back))
			if page <= 0 {
				break
			}
		}
		resp, err := s.Messages(ctx, roomID, from, to, 'b', page, filter)
		if err != nil {
			return nil, err
		}
		back = append(back, resp.Chunk...)
		if len(resp.Chunk) == 0 || resp.End == "" || resp.End == from {
			break
		}
		from = resp.End
	}
	for i, j := 0, len(back)-1; i < j; i, j = i+1, j-1 {
		back[i], back[j] = back[j], back[i]
	}
	return back, nil
}

func isNotFound(err error) bool {
	var he gomatrix.HTTPError
	if errors.As(err, &he) {
		return he.Code == http.StatusNotFound
	}
	return false
}

// RetryAfter returns the wait a homeserver asked for with a 429, if any.
func RetryAfter(err error) (time.Duration, bool) {
	var he gomatrix.HTTPError
	if !errors.As(err, &he) || he.Code != http.StatusTooManyRequests {
		return 0, false
	}
	var body struct {
		RetryAfterMS int64 `json:"retry_after_ms"`
	}
	_ = json.Unmarshal(he.Contents, &body)
	if body.RetryAfterMS <= 0 {
		body.RetryAfterMS = 1000
	}
	return time.Duration(body.RetryAfterMS) * time.Millisecond, true
}

// IsAuthError reports an invalid or expired access token.
func IsAuthError(err error) bool {
	var he gomatrix.HTTPError
	return errors.As(err, &he) && he.Code == http.StatusUnauthorized
}
