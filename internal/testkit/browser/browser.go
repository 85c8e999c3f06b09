// Package browser drives a real headless Chromium for tests of the status
// page, through chromedriver's W3C WebDriver HTTP API: start a session,
// load a page, run a script in it, read the browser's console log, take a
// screenshot. It uses the system's Chromium and chromedriver (Debian's
// chromium and chromium-driver, which the Makefile's test-deps installs)
// and never downloads a browser.
//
// chromedriver is started with the proc helper on a free 127.0.0.1 port
// and stopped by its pid; Chromium runs headless with a fresh profile in a
// temporary directory, without background networking, and is closed with
// the session. Test support only: product code must not import it.
package browser

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/internal/testkit/proc"
)

// Default locations of Debian's packages; VIGIL_CHROMIUM and
// VIGIL_CHROMEDRIVER override them.
const (
	DefaultChromium     = "/usr/bin/chromium"
	DefaultChromedriver = "/usr/bin/chromedriver"
)

// Config says which binaries to use and where the profile and logs go.
type Config struct {
	Chromium, Chromedriver string
	// Dir holds the profile and chromedriver's log; it must exist.
	Dir string
	// Width and Height of the window (default 1400 x 1800).
	Width, Height int
}

// Browser is one WebDriver session in a headless Chromium.
type Browser struct {
	driver  *proc.Process
	base    string // chromedriver's URL
	session string
	profile string // Chromium's --user-data-dir, unique to this browser
	client  *http.Client
}

// LogEntry is one line of the browser's console log.
type LogEntry struct {
	Level     string `json:"level"` // SEVERE, WARNING, INFO, DEBUG
	Message   string `json:"message"`
	Source    string `json:"source"` // javascript, network, console-api, security...
	Timestamp int64  `json:"timestamp"`
}

// Binaries returns the Chromium and chromedriver paths (the defaults or
// the environment's overrides) and an error saying how to install them
// when either is missing.
func Binaries() (chromium, driver string, err error) {
	chromium, driver = DefaultChromium, DefaultChromedriver
	if v := os.Getenv("VIGIL_CHROMIUM"); v != "" {
		chromium = v
	}
	if v := os.Getenv("VIGIL_CHROMEDRIVER"); v != "" {
		driver = v
	}
	for _, b := range []string{chromium, driver} {
		if _, err := exec.LookPath(b); err != nil {
			return "", "", fmt.Errorf("browser: %s not found (%v): install Debian's chromium and chromium-driver (make test-deps does)", b, err)
		}
	}
	return chromium, driver, nil
}

// New starts a browser for a test and closes it when the test ends.
func New(t testing.TB) *Browser {
	t.Helper()
	chromium, driver, err := Binaries()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Start(ctx, Config{Chromium: chromium, Chromedriver: driver, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("browser: %v", err)
		}
	})
	return b
}

// Start starts chromedriver and opens a session in a headless Chromium.
func Start(ctx context.Context, cfg Config) (*Browser, error) {
	if cfg.Width == 0 {
		cfg.Width = 1400
	}
	if cfg.Height == 0 {
		cfg.Height = 1800
	}
	b := &Browser{client: &http.Client{Timeout: time.Minute}}
	log := filepath.Join(cfg.Dir, "chromedriver.log")
	driver, addr, err := proc.Launch(ctx, proc.Timing{Ready: 30 * time.Second, Poll: 100 * time.Millisecond, Grace: 10 * time.Second},
		func(addr string) (proc.Spec, error) {
			_, port, _ := strings.Cut(addr, ":")
			return proc.Spec{Name: "chromedriver", Bin: cfg.Chromedriver, Log: log,
				Args: []string{"--port=" + port, "--log-path=" + log + ".verbose"}}, nil
		},
		func(addr string) error {
			var st struct {
				Value struct {
					Ready bool `json:"ready"`
				} `json:"value"`
			}
			if err := b.call(ctx, http.MethodGet, "http://"+addr+"/status", nil, &st); err != nil {
				return err
			}
			if !st.Value.Ready {
				return errors.New("chromedriver is not ready")
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("browser: start chromedriver: %w", err)
	}
	b.driver, b.base = driver, "http://"+addr
	profile := filepath.Join(cfg.Dir, "profile")
	b.profile = profile
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": cfg.Chromium,
			"args": []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--user-data-dir=" + profile, fmt.Sprintf("--window-size=%d,%d", cfg.Width, cfg.Height)},
		},
		"goog:loggingPrefs": map[string]string{"browser": "ALL"},
	}}}
	var sess struct {
		Value struct {
			SessionID string `json:"sessionId"`
		} `json:"value"`
	}
	if err := b.call(ctx, http.MethodPost, b.base+"/session", caps, &sess); err != nil {
		_ = driver.Stop(10 * time.Second)
		return nil, fmt.Errorf("browser: new session: %w (chromedriver log: %s)", err, proc.Tail(log+".verbose", 2048))
	}
	b.session = sess.Value.SessionID
	return b, nil
}

// Navigate loads url and waits for the document to load.
func (b *Browser) Navigate(url string) error {
	return b.sessionCall(http.MethodPost, "/url", map[string]string{"url": url}, nil)
}

// Execute runs script as the body of a function in the page, with args as
// its arguments, and decodes what it returns into out (when not nil).
func (b *Browser) Execute(out any, script string, args ...any) error {
	if args == nil {
		args = []any{}
	}
	var res struct {
		Value json.RawMessage `json:"value"`
	}
	if err := b.sessionCall(http.MethodPost, "/execute/sync", map[string]any{"script": script, "args": args}, &res); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(res.Value, out)
}

// Logs returns the browser's console log entries since the last call.
func (b *Browser) Logs() ([]LogEntry, error) {
	var res struct {
		Value []LogEntry `json:"value"`
	}
	if err := b.sessionCall(http.MethodPost, "/se/log", map[string]string{"type": "browser"}, &res); err != nil {
		return nil, err
	}
	return res.Value, nil
}

// Screenshot returns a PNG of the whole page, beyond the window (through
// chromedriver's DevTools passthrough).
func (b *Browser) Screenshot() ([]byte, error) {
	var res struct {
		Value struct {
			Data string `json:"data"`
		} `json:"value"`
	}
	params := map[string]any{"format": "png", "captureBeyondViewport": true}
	if err := b.sessionCall(http.MethodPost, "/goog/cdp/execute", map[string]any{"cmd": "Page.captureScreenshot", "params": params}, &res); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(res.Value.Data)
}

// Close ends the session (chromedriver closes Chromium) and stops
// chromedriver by its pid; a Chromium process of this browser's profile
// still running after that is killed by its pid.
func (b *Browser) Close() error {
	var errs []error
	if b.session != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := b.call(ctx, http.MethodDelete, b.base+"/session/"+b.session, nil, nil); err != nil {
			errs = append(errs, fmt.Errorf("end session: %w", err))
		}
		b.session = ""
	}
	if b.driver != nil {
		if err := b.driver.Stop(10 * time.Second); err != nil {
			errs = append(errs, err)
		}
		b.driver = nil
	}
	// Chromium exits just after the session ends: give it a moment.
	deadline := time.Now().Add(10 * time.Second)
	for len(processesOf(b.profile)) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	for _, pid := range processesOf(b.profile) {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill()
			errs = append(errs, fmt.Errorf("chromium (pid %d) outlived its session: killed", pid))
		}
	}
	return errors.Join(errs...)
}

// processesOf lists the pids whose command line names profile as their
// --user-data-dir (Linux /proc; none elsewhere).
func processesOf(profile string) []int {
	if profile == "" {
		return nil
	}
	entries, _ := os.ReadDir("/proc")
	flag := []byte("--user-data-dir=" + profile + "\x00")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, flag) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func (b *Browser) sessionCall(method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return b.call(ctx, method, b.base+"/session/"+b.session+path, in, out)
}

// call does one WebDriver request; a WebDriver error answer becomes an
// error with its code and message.
func (b *Browser) call(ctx context.Context, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Value struct {
				Error   string `json:"error"`
				Message string `json:"message"`
			} `json:"value"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Value.Error != "" {
			msg, _, _ := strings.Cut(e.Value.Message, "\n")
			return fmt.Errorf("webdriver %s %s: %s: %s", method, url, e.Value.Error, msg)
		}
		return fmt.Errorf("webdriver %s %s: HTTP %d: %.300s", method, url, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("webdriver %s %s: %w", method, url, err)
		}
	}
	return nil
}
