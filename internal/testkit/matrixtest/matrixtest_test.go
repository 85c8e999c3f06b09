package matrixtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// client is the least Matrix client the tests need: plain net/http.
type client struct {
	base, token string
	txn         atomic.Int64
}

func (c *client) do(t testing.TB, method, path string, in, out any) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	u := c.base + "/_matrix/client/v3" + path
	if strings.Contains(u, "?") {
		u += "&access_token=" + url.QueryEscape(c.token)
	} else {
		u += "?access_token=" + url.QueryEscape(c.token)
	}
	return doJSON(ctx, method, u, in, out)
}

func (c *client) must(t testing.TB, method, path string, in, out any) {
	t.Helper()
	if err := c.do(t, method, path, in, out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// send puts one event of type typ into room; the body is raw JSON so the
// test controls exactly which number literal Dendrite sees.
func (c *client) send(t testing.TB, room, typ string, rawJSON string) (string, error) {
	t.Helper()
	var resp struct {
		EventID string `json:"event_id"`
	}
	path := fmt.Sprintf("/rooms/%s/send/%s/t%d", url.PathEscape(room), url.PathEscape(typ), c.txn.Add(1))
	err := c.do(t, http.MethodPut, path, rawMessage(rawJSON), &resp)
	return resp.EventID, err
}

// rawMessage marshals to itself.
type rawMessage string

func (m rawMessage) MarshalJSON() ([]byte, error) { return []byte(m), nil }

type syncEvent struct {
	Type    string         `json:"type"`
	EventID string         `json:"event_id"`
	Sender  string         `json:"sender"`
	Content map[string]any `json:"content"`
}

// timeline returns the events of room in an initial sync, polling until
// want reports true (sync is eventually consistent with sends).
func (c *client) timeline(t testing.TB, room string, want func([]syncEvent) bool) []syncEvent {
	t.Helper()
	filter := url.QueryEscape(fmt.Sprintf(`{"room":{"rooms":[%q],"timeline":{"limit":50}}}`, room))
	deadline := time.Now().Add(15 * time.Second)
	for {
		var resp struct {
			Rooms struct {
				Join map[string]struct {
					Timeline struct {
						Events []syncEvent `json:"events"`
					} `json:"timeline"`
				} `json:"join"`
			} `json:"rooms"`
		}
		c.must(t, http.MethodGet, "/sync?timeout=0&filter="+filter, nil, &resp)
		evs := resp.Rooms.Join[room].Timeline.Events
		if want(evs) {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("sync: room %s timeline never matched; last: %+v", room, evs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func ofType(evs []syncEvent, typ string) []syncEvent {
	var out []syncEvent
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func TestDendrite(t *testing.T) {
	binary(t, "dendrite") // build outside the timed start
	t0 := time.Now()
	s := Start(t)
	t.Logf("dendrite %s started in %s (pid %d, dir %s)", s.URL, time.Since(t0).Round(time.Millisecond), s.PID(), s.Dir)

	aliceID, aliceTok := s.Register(t, "alice", "alice-password")
	bobID, bobTok := s.Register(t, "bob", "bob-password")
	if aliceID != "@alice:localhost" || bobID != "@bob:localhost" {
		t.Fatalf("user IDs %q, %q", aliceID, bobID)
	}
	alice := &client{base: s.URL, token: aliceTok}
	bob := &client{base: s.URL, token: bobTok}

	// The password works for /login too (matrixbus logs in with it).
	var login struct {
		UserID      string `json:"user_id"`
		AccessToken string `json:"access_token"`
	}
	if err := doJSON(t.Context(), http.MethodPost, s.URL+"/_matrix/client/v3/login", map[string]any{
		"type":       "m.login.password",
		"identifier": map[string]string{"type": "m.id.user", "user": "bob"},
		"password":   "bob-password",
	}, &login); err != nil || login.UserID != bobID || login.AccessToken == "" {
		t.Fatalf("login as bob: %+v, %v", login, err)
	}

	// The duplicate registration is refused.
	if _, _, err := RegisterUser(t.Context(), s.URL, s.secret, "alice", "other-password"); err == nil {
		t.Fatal("registering alice twice succeeded")
	}

	// alice creates a public room with an alias; bob joins by alias.
	var created struct {
		RoomID string `json:"room_id"`
	}
	alice.must(t, http.MethodPost, "/createRoom", map[string]any{
		"preset":          "public_chat",
		"visibility":      "public",
		"room_alias_name": "vigil-test",
		"name":            "Vigil test",
	}, &created)
	alias := "#vigil-test:" + s.ServerName
	var joined struct {
		RoomID string `json:"room_id"`
	}
	bob.must(t, http.MethodPost, "/join/"+url.PathEscape(alias), map[string]any{}, &joined)
	if joined.RoomID != created.RoomID {
		t.Fatalf("joined %q by alias, created %q", joined.RoomID, created.RoomID)
	}
	room := created.RoomID

	// Custom events: a string, the largest integer canonical JSON allows,
	// and one beyond it.
	if _, err := bob.send(t, room, "org.vigil.test", `{"kind":"text","body":"hello vigil"}`); err != nil {
		t.Fatalf("send string event: %v", err)
	}
	if _, err := bob.send(t, room, "org.vigil.test", `{"kind":"max","n":9007199254740991}`); err != nil {
		t.Fatalf("send 2^53-1: %v", err)
	}
	_, err := bob.send(t, room, "org.vigil.test", `{"kind":"big","n":9007199254740993}`)
	var he *httpError
	if !errors.As(err, &he) || he.Status != http.StatusBadRequest {
		t.Fatalf("send 2^53+1: want HTTP 400, got %v", err)
	}
	t.Logf("Dendrite refuses an integer beyond 2^53-1: %d %s %s", he.Status, he.ErrCode, he.Body)

	check := func(evs []syncEvent) bool {
		got := ofType(evs, "org.vigil.test")
		return len(got) == 2 &&
			got[0].Sender == bobID && got[0].Content["body"] == "hello vigil" &&
			got[1].Content["n"] == float64(9007199254740991)
	}
	alice.timeline(t, room, check)

	// Restart keeps accounts (tokens), the room, its alias and its events.
	oldPID, oldAddr := s.PID(), s.Addr
	t0 = time.Now()
	s.Restart(t)
	t.Logf("restart (stop + start) took %s", time.Since(t0).Round(time.Millisecond))
	if s.Addr != oldAddr || s.PID() == oldPID {
		t.Fatalf("restart: addr %s -> %s, pid %d -> %d", oldAddr, s.Addr, oldPID, s.PID())
	}
	var dir struct {
		RoomID string `json:"room_id"`
	}
	bob.must(t, http.MethodGet, "/directory/room/"+url.PathEscape(alias), nil, &dir)
	if dir.RoomID != room {
		t.Fatalf("alias after restart: %q, want %q", dir.RoomID, room)
	}
	if _, err := bob.send(t, room, "org.vigil.test", `{"kind":"text","body":"after restart"}`); err != nil {
		t.Fatalf("send after restart: %v", err)
	}
	alice.timeline(t, room, func(evs []syncEvent) bool {
		got := ofType(evs, "org.vigil.test")
		return len(got) == 3 && check(got[:2]) && got[2].Content["body"] == "after restart"
	})

	// Stop leaves no process and is idempotent.
	pid := s.PID()
	t0 = time.Now()
	s.Stop(t)
	t.Logf("stop took %s", time.Since(t0).Round(time.Millisecond))
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("pid %d still exists after Stop (kill 0: %v)", pid, err)
	}
	s.Stop(t)
	if s.PID() != 0 {
		t.Fatal("PID after Stop is not 0")
	}
	if _, err := http.Get(s.URL + "/_matrix/client/versions"); err == nil {
		t.Fatal("client API still answers after Stop")
	}
}

// TestRateLimit checks that StartWith(Options{RateLimit: true}) keeps
// Dendrite's own limiter on, and records where Dendrite v0.15.2 applies it:
// a burst of whoami (like join, leave, invite, login, typing, receipts) gets
// 429 M_LIMIT_EXCEEDED, but createRoom and /send are never limited.
func TestRateLimit(t *testing.T) {
	s := StartWith(t, Options{RateLimit: true})
	_, tok := s.Register(t, "carol", "carol-password")
	c := &client{base: s.URL, token: tok}

	limited := -1
	for i := 0; i < 50 && limited < 0; i++ {
		err := c.do(t, http.MethodGet, "/account/whoami", nil, nil)
		var he *httpError
		switch {
		case errors.As(err, &he) && he.Status == http.StatusTooManyRequests:
			if he.ErrCode != "M_LIMIT_EXCEEDED" || !strings.Contains(he.Body, "retry_after_ms") {
				t.Fatalf("429 body: %s", he.Body)
			}
			t.Logf("whoami rate limited after %d requests: %s", i, he.Body)
			limited = i
		case err != nil:
			t.Fatalf("whoami %d: %v", i, err)
		}
	}
	if limited < 0 {
		t.Fatal("50 back-to-back whoami requests were never rate limited")
	}

	var created struct {
		RoomID string `json:"room_id"`
	}
	c.must(t, http.MethodPost, "/createRoom", map[string]any{"preset": "private_chat"}, &created)
	for i := 0; i < 50; i++ {
		if _, err := c.send(t, created.RoomID, "org.vigil.test", `{"i":1}`); err != nil {
			t.Fatalf("send %d with rate limiting on: %v (Dendrite v0.15.2 does not limit /send; has it started to?)", i, err)
		}
	}
}

// BenchmarkSend measures sequential sends of small custom events from one
// user, rate limiting off: go test -run '^$' -bench Send ./internal/testkit/matrixtest/
func BenchmarkSend(b *testing.B) {
	s := Start(b)
	_, tok := s.Register(b, "bench", "bench-password")
	c := &client{base: s.URL, token: tok}
	var created struct {
		RoomID string `json:"room_id"`
	}
	c.must(b, http.MethodPost, "/createRoom", map[string]any{"preset": "private_chat"}, &created)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := c.send(b, created.RoomID, "org.vigil.test", fmt.Sprintf(`{"i":"%d"}`, i)); err != nil {
			b.Fatalf("send %d: %v", i, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
