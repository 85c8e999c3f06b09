package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/monitor/proofs"
)

func TestHistoryKeepsTheNewestSamplesOldestFirst(t *testing.T) {
	var h *History
	e := newEnv(t, func(c *Config) {
		var err error
		h, err = NewHistory(HistoryConfig{Stats: c.Stats, Keep: 3, Interval: time.Minute, Clock: c.Clock})
		if err != nil {
			t.Fatal(err)
		}
		c.History = h
	})
	ch := e.newChannel(proofs.ChannelOpen)
	for i := range 5 {
		if i > 0 {
			if r := e.put(e.proof(ch, uint64(i), reward)); r.code != http.StatusCreated {
				t.Fatalf("PUT: %d %s", r.code, r.body)
			}
		}
		if err := h.Sample(); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
	}
	r := e.do(http.MethodGet, "/api/1/stats/history", nil)
	if r.code != http.StatusOK {
		t.Fatalf("history: %d %s", r.code, r.body)
	}
	var doc historyJSON
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.IntervalSeconds != 60 || doc.Capacity != 3 || len(doc.Samples) != 3 {
		t.Fatalf("interval %v, capacity %d, %d samples; want 60, 3, 3", doc.IntervalSeconds, doc.Capacity, len(doc.Samples))
	}
	// Samples 2, 3, 4 remain: after 2, 3 and 4 accepted proofs.
	start := time.Date(2025, 11, 21, 12, 0, 0, 0, time.UTC)
	for i, s := range doc.Samples {
		n := int64(i + 2)
		if want := start.Add(time.Duration(n) * time.Minute).Format(time.RFC3339); s.Time != want {
			t.Errorf("sample %d at %s, want %s", i, s.Time, want)
		}
		if s.ProofsAccepted != n || s.ProofsReceived != n || s.RewardsEarnedWei != "0" {
			t.Errorf("sample %d: %+v, want %d proofs received and accepted", i, s, n)
		}
	}
}

func TestHistoryEmptyWhenNotKept(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(http.MethodGet, "/api/1/stats/history", nil)
	if r.code != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"interval_seconds":0,"capacity":0,"samples":[]}` {
		t.Fatalf("history without a History: %d %s", r.code, r.body)
	}
}

func TestHistoryRunSamplesUntilStopped(t *testing.T) {
	e := newEnv(t, nil)
	h, err := NewHistory(HistoryConfig{Stats: e.stats, Interval: 5 * time.Millisecond, Keep: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(h.Samples()) < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("%d samples after 10 s", len(h.Samples()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := len(h.Samples()); n != 4 {
		t.Fatalf("%d samples kept, want the 4 of Keep", n)
	}
}

func TestNewHistoryValidates(t *testing.T) {
	e := newEnv(t, nil)
	for name, cfg := range map[string]HistoryConfig{
		"no stats":          {},
		"negative interval": {Stats: e.stats, Interval: -time.Second},
		"negative keep":     {Stats: e.stats, Keep: -1},
		"huge keep":         {Stats: e.stats, Keep: maxHistoryKeep + 1},
	} {
		if _, err := NewHistory(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	h, err := NewHistory(HistoryConfig{Stats: e.stats})
	if err != nil {
		t.Fatal(err)
	}
	if h.cfg.Interval != DefaultHistoryInterval || h.cfg.Keep != DefaultHistoryKeep {
		t.Fatalf("defaults: %v, %d", h.cfg.Interval, h.cfg.Keep)
	}
}

// TestStatusPageServedSelfContained: the page and its files are served
// with a same-origin-only Content-Security-Policy, carry no inline script,
// style or handler, load nothing from another origin, and read only public
// GET routes.
func TestStatusPageServedSelfContained(t *testing.T) {
	e := newEnv(t, nil)
	page := e.do(http.MethodGet, "/", nil)
	if page.code != http.StatusOK || page.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: %d %q", page.code, page.header.Get("Content-Type"))
	}
	files := map[string]string{"/": string(page.body)}
	for _, m := range regexp.MustCompile(`(?:src|href)="(/status/[^"]+)"`).FindAllStringSubmatch(string(page.body), -1) {
		files[m[1]] = ""
	}
	if len(files) != 4 {
		t.Fatalf("the page references %d files: %v", len(files)-1, files)
	}
	for path := range files {
		r := e.do(http.MethodGet, path, nil)
		if r.code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.code)
		}
		files[path] = string(r.body)
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: security headers %v", path, r.header)
		}
		if h := e.do(http.MethodHead, path, nil); h.code != http.StatusOK || len(h.body) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes", path, h.code, len(h.body))
		}
	}
	for path, want := range map[string]string{"/status/app.js": "text/javascript", "/status/style.css": "text/css", "/status/icon.svg": "image/svg+xml"} {
		if ct := e.do(http.MethodGet, path, nil).header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
	}
	html := files["/"]
	if regexp.MustCompile(`<script(?:\s+[^>]*)?>\s*[^<\s]`).MatchString(html) || strings.Contains(html, "<style") ||
		regexp.MustCompile(`\s(?:style|on[a-z]+)=`).MatchString(html) {
		t.Error("the page has inline script, style or event handlers")
	}
	external := regexp.MustCompile(`(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for path, body := range files {
		body = strings.ReplaceAll(body, "http://www.w3.org/2000/svg", "") // the SVG namespace, not a request
		if m := external.FindString(body); m != "" {
			t.Errorf("%s refers to another origin: %s", path, m)
		}
	}
	// Every route the script reads is a public GET route.
	routes := regexp.MustCompile(`'(/(?:api/1/[a-z_/]+|healthz))'`).FindAllStringSubmatch(files["/status/app.js"], -1)
	if len(routes) < 4 {
		t.Fatalf("the script reads %d routes", len(routes))
	}
	for _, m := range routes {
		r := e.do(http.MethodGet, m[1], nil)
		if r.code != http.StatusOK && !(m[1] == "/api/1/justice" && r.code == http.StatusNotFound) {
			t.Errorf("GET %s: %d %s", m[1], r.code, r.body)
		}
	}
	wantError(t, e.do(http.MethodGet, "/status/nothing.js", nil), http.StatusNotFound, "not_found")
	wantError(t, e.do(http.MethodGet, "/status/index.html", nil), http.StatusNotFound, "not_found")
}
