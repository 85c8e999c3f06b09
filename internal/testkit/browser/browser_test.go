package browser_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/internal/testkit/browser"
)

// TestConsoleErrorsAndScripts loads a page that logs an error and throws,
// and checks that both reach Logs, that Execute reads the DOM, and that a
// screenshot is a PNG.
func TestConsoleErrorsAndScripts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`<!doctype html><title>t</title><link rel="icon" href="data:,"><p id="x">hello</p><script src="/a.js"></script>`))
		case "/a.js":
			w.Header().Set("Content-Type", "text/javascript")
			_, _ = w.Write([]byte(`console.error("logged on purpose"); setTimeout(function(){ throw new Error("thrown on purpose") }, 0);`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	b := browser.New(t)
	if err := b.Navigate(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := b.Execute(&text, `return document.getElementById(arguments[0]).textContent`, "x"); err != nil {
		t.Fatal(err)
	}
	if text != "hello" {
		t.Fatalf("read %q from the page", text)
	}
	var all []browser.LogEntry
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		logs, err := b.Logs()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, logs...)
		var logged, thrown bool
		for _, l := range all {
			logged = logged || (l.Level == "SEVERE" && strings.Contains(l.Message, "logged on purpose"))
			thrown = thrown || (l.Level == "SEVERE" && strings.Contains(l.Message, "thrown on purpose"))
		}
		if logged && thrown {
			png, err := b.Screenshot()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(png), "\x89PNG") {
				t.Fatalf("screenshot is not a PNG: % x", png[:min(8, len(png))])
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("console log lacks the page's error or exception: %+v", all)
}
