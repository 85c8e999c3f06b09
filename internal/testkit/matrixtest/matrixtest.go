// Package matrixtest runs a real Dendrite homeserver for tests: a fresh
// server per call, with its SQLite databases, keys and log in t.TempDir(),
// listening on a free 127.0.0.1 port, federation and open registration off,
// and users created through the shared-secret admin endpoint.
//
// The binaries come from <repo>/.cache/bin, built by tools/build.sh from the
// versions pinned in tools/go.mod (proc.Binary builds one when it is missing
// or older than the pins); the process is started, awaited and stopped by
// pid with the proc package. This package is test support only: product
// code must not import it, and it does not wrap the Matrix client API beyond
// registering users (tests talk to URL with their own client).
package matrixtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
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

const (
	// DefaultServerName is the server part of user IDs and room aliases
	// (@alice:localhost, #room:localhost).
	DefaultServerName = "localhost"

	logTailBytes = 4096
)

// timing: a generous start (parallel tests share few cores), then SIGTERM
// and SIGKILL after 10 s.
var timing = proc.Timing{Ready: 60 * time.Second, Poll: 20 * time.Millisecond, Grace: 10 * time.Second}

// Options change how StartWith configures Dendrite.
type Options struct {
	// RateLimit keeps Dendrite's own client API rate limiting on (its
	// defaults: at most 5 requests per user and device within 500 ms, then
	// 429 M_LIMIT_EXCEEDED with retry_after_ms 500). Off by default.
	// Dendrite v0.15.2 limits join, leave, invite, login, typing, receipts,
	// whoami and profile calls, but never /send or /createRoom: a burst of
	// events is not refused even with this on.
	RateLimit bool
}

// Server is one Dendrite process and its data directory.
type Server struct {
	// URL is the client API base, e.g. http://127.0.0.1:41234 (no slash).
	URL string
	// ServerName is the Matrix server name: user IDs are @x:ServerName.
	ServerName string
	// Dir holds dendrite.yaml, matrix_key.pem, the databases and
	// dendrite.log (appended across restarts).
	Dir string
	// Addr is the host:port Dendrite listens on; kept across Restart.
	Addr string

	secret string

	proc proc.Slot // empty when stopped
}

// Start runs a fresh Dendrite with rate limiting off and stops it in
// t.Cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := binary(t, "dendrite")
	dir := t.TempDir()
	s := &Server{ServerName: DefaultServerName, Dir: dir, secret: randomHex(t, 24)}
	if _, err := Configure(dir, s.ServerName, s.secret, opts); err != nil {
		t.Fatalf("matrixtest: configure dendrite: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("matrixtest: tail of %s:\n%s", s.LogPath(), s.LogTail())
		}
		s.Stop(t)
	})
	addr, err := s.proc.Launch(context.Background(), timing,
		func(addr string) (proc.Spec, error) { return s.spec(bin, addr), nil },
		func(addr string) error { return ready("http://" + addr) })
	if err != nil {
		t.Fatalf("matrixtest: start dendrite: %v\n--- %s (tail) ---\n%s", err, s.LogPath(), s.LogTail())
	}
	s.Addr, s.URL = addr, "http://"+addr
	return s
}

// Stop terminates Dendrite now: SIGTERM to its pid, SIGKILL after 10 s.
// It returns once the process has been reaped. Calling it again, or on a
// stopped server, does nothing.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Errorf("matrixtest: stop dendrite: %v", err)
	}
}

// Restart stops Dendrite and starts it again on the same address with the
// same data directory, so accounts, rooms and events are kept.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop(t)
	if err := s.launch(binary(t, "dendrite")); err != nil {
		t.Fatalf("matrixtest: restart dendrite: %v\n--- %s (tail) ---\n%s", err, s.LogPath(), s.LogTail())
	}
}

// PID returns the process id of the running Dendrite, or 0 when stopped.
func (s *Server) PID() int { return s.proc.PID() }

// LogPath is Dendrite's combined stdout and stderr.
func (s *Server) LogPath() string { return filepath.Join(s.Dir, "dendrite.log") }

// LogTail returns the last few kilobytes of the log.
func (s *Server) LogTail() string { return proc.Tail(s.LogPath(), logTailBytes) }

// Register creates a (non-admin) account through the shared-secret admin
// registration endpoint and returns its user ID and an access token. The
// password also works for /login; Dendrite refuses passwords shorter than
// 8 characters (M_WEAK_PASSWORD).
func (s *Server) Register(t testing.TB, localpart, password string) (userID, accessToken string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	userID, accessToken, err := RegisterUser(ctx, s.URL, s.secret, localpart, password)
	if err != nil {
		t.Fatalf("matrixtest: register %q: %v", localpart, err)
	}
	return userID, accessToken
}

// RegisterUser is Register for the Dendrite at url (no slash at the end)
// whose registration shared secret is secret; scripts/demo uses it too.
func RegisterUser(ctx context.Context, url, secret, localpart, password string) (userID, accessToken string, err error) {
	endpoint := url + "/_synapse/admin/v1/register"

	var nonce struct {
		Nonce string `json:"nonce"`
	}
	if err := doJSON(ctx, http.MethodGet, endpoint, nil, &nonce); err != nil {
		return "", "", fmt.Errorf("get nonce: %w", err)
	}
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(nonce.Nonce + "\x00" + localpart + "\x00" + password + "\x00notadmin"))
	req := map[string]any{
		"nonce":    nonce.Nonce,
		"username": localpart,
		"password": password,
		"admin":    false,
		"mac":      hex.EncodeToString(mac.Sum(nil)),
	}
	var resp struct {
		UserID      string `json:"user_id"`
		AccessToken string `json:"access_token"`
	}
	if err := doJSON(ctx, http.MethodPost, endpoint, req, &resp); err != nil {
		return "", "", err
	}
	if resp.AccessToken != "" {
		return resp.UserID, resp.AccessToken, nil
	}
	// Registration succeeded without a token: log in.
	login := map[string]any{
		"type":       "m.login.password",
		"identifier": map[string]string{"type": "m.id.user", "user": localpart},
		"password":   password,
	}
	if err := doJSON(ctx, http.MethodPost, url+"/_matrix/client/v3/login", login, &resp); err != nil {
		return "", "", fmt.Errorf("log in: %w", err)
	}
	if resp.AccessToken == "" {
		return "", "", errors.New("log in returned no access token")
	}
	return resp.UserID, resp.AccessToken, nil
}

// Configure writes a signing key and dendrite.yaml into dir, an existing
// directory that then also holds the databases, for a server named
// serverName whose users are created with the registration shared secret
// secret: federation, presence, open registration, guests, server notices
// and search off, JetStream persisted in dir, logs at info. It returns the
// path of dendrite.yaml. StartWith uses it; so does scripts/demo.
func Configure(dir, serverName, secret string, opts Options) (string, error) {
	keys, err := proc.Binary("generate-keys")
	if err != nil {
		return "", err
	}
	generate, err := proc.Binary("generate-config")
	if err != nil {
		return "", err
	}
	keyPath := filepath.Join(dir, "matrix_key.pem")
	if out, err := exec.Command(keys, "--private-key", keyPath).CombinedOutput(); err != nil {
		return "", fmt.Errorf("generate-keys: %v: %s", err, out)
	}
	gen := exec.Command(generate, "-ci", "-dir", dir, "-server", serverName)
	var stderr bytes.Buffer
	gen.Stderr = &stderr
	cfg, err := gen.Output()
	if err != nil {
		return "", fmt.Errorf("generate-config: %v: %s", err, stderr.Bytes())
	}
	rateLimit := "false"
	if opts.RateLimit {
		rateLimit = "true"
	}
	doc := string(cfg)
	for _, kv := range [][2]string{
		{"global.private_key", strconv.Quote(keyPath)},
		{"global.disable_federation", "true"},
		{"global.presence.enable_inbound", "false"},
		{"global.presence.enable_outbound", "false"},
		// Persist JetStream (the -ci default keeps it in memory) so that
		// Restart loses nothing that was accepted but not yet consumed.
		{"global.jetstream.in_memory", "false"},
		{"global.jetstream.storage_path", strconv.Quote(filepath.Join(dir, "jetstream"))},
		{"global.server_notices.enabled", "false"},
		{"global.trusted_third_party_id_servers", "[]"},
		{"client_api.registration_disabled", "true"},
		{"client_api.registration_shared_secret", strconv.Quote(secret)},
		{"client_api.guests_disabled", "true"},
		{"client_api.rate_limiting.enabled", rateLimit},
		{"media_api.base_path", strconv.Quote(filepath.Join(dir, "media"))},
		{"sync_api.search.enabled", "false"},
		{"sync_api.search.index_path", strconv.Quote(filepath.Join(dir, "searchindex"))},
	} {
		if doc, err = setYAML(doc, kv[0], kv[1]); err != nil {
			return "", err
		}
	}
	// -ci logs at trace level; info keeps the log useful and cheap.
	logging := "logging:\n- type: std\n  level: info\n"
	if doc, err = replaceTopLevel(doc, "logging", logging); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "dendrite.yaml")
	return path, os.WriteFile(path, []byte(doc), 0o600)
}

// spec is how Dendrite is started on addr.
func (s *Server) spec(bin, addr string) proc.Spec {
	return proc.Spec{Name: "dendrite", Bin: bin, Dir: s.Dir, Log: s.LogPath(),
		Args: []string{"-config", filepath.Join(s.Dir, "dendrite.yaml"), "-http-bind-address", addr}}
}

// launch starts the process on s.Addr and waits until the client API
// answers.
func (s *Server) launch(bin string) error {
	return s.proc.Start(context.Background(), s.spec(bin, s.Addr), timing, func() error { return ready(s.URL) })
}

func (s *Server) stop() error { return s.proc.Stop(timing.Grace) }

var readyClient = &http.Client{Timeout: 2 * time.Second}

// ready tells whether the client API at base answers.
func ready(base string) error {
	resp, err := readyClient.Get(base + "/_matrix/client/versions")
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// httpError is a non-2xx answer from Dendrite.
type httpError struct {
	Status  int
	ErrCode string // the Matrix errcode, e.g. M_LIMIT_EXCEEDED
	Body    string
}

func (e *httpError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body) }

func doJSON(ctx context.Context, method, url string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var m struct {
			ErrCode string `json:"errcode"`
		}
		_ = json.Unmarshal(b, &m)
		return &httpError{Status: resp.StatusCode, ErrCode: m.ErrCode, Body: string(b)}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// setYAML sets the scalar at a dotted path of mappings (e.g.
// "client_api.rate_limiting.enabled") in a block-style YAML document as
// written by generate-config, keeping everything else byte for byte. It
// fails if the path is not there, so a changed config layout is noticed.
func setYAML(doc, path, value string) (string, error) {
	lines := strings.Split(doc, "\n")
	start, end, indent := 0, len(lines), 0
	keys := strings.Split(path, ".")
	for i, key := range keys {
		found := -1
		for j := start; j < end; j++ {
			ln := lines[j]
			if lineIndent(ln) == indent && strings.HasPrefix(ln[indent:], key+":") {
				found = j
				break
			}
		}
		if found < 0 {
			return "", fmt.Errorf("dendrite config: no key %q (looking for %q)", path, key)
		}
		if i == len(keys)-1 {
			lines[found] = strings.Repeat(" ", indent) + key + ": " + value
			// Drop a block value that followed (e.g. a list under the key).
			j := found + 1
			for j < end && (strings.TrimSpace(lines[j]) == "" || lineIndent(lines[j]) > indent ||
				(lineIndent(lines[j]) == indent && strings.HasPrefix(lines[j][indent:], "- "))) {
				j++
			}
			lines = append(lines[:found+1], lines[j:]...)
			break
		}
		// Descend: the block is the following lines indented deeper.
		start = found + 1
		end = start
		for end < len(lines) && (strings.TrimSpace(lines[end]) == "" || lineIndent(lines[end]) > indent) {
			end++
		}
		if start == end {
			return "", fmt.Errorf("dendrite config: %q is not a mapping", key)
		}
		indent = lineIndent(lines[start])
	}
	return strings.Join(lines, "\n"), nil
}

// replaceTopLevel replaces the top-level key and its whole block with text.
func replaceTopLevel(doc, key, text string) (string, error) {
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(doc))
	replaced, skipping := false, false
	for sc.Scan() {
		ln := sc.Text()
		if skipping {
			if ln == "" || lineIndent(ln) > 0 || strings.HasPrefix(ln, "- ") {
				continue
			}
			skipping = false
		}
		if strings.HasPrefix(ln, key+":") {
			out.WriteString(text)
			replaced, skipping = true, true
			continue
		}
		out.WriteString(ln + "\n")
	}
	if !replaced {
		return "", fmt.Errorf("dendrite config: no top-level key %q", key)
	}
	return out.String(), sc.Err()
}

func lineIndent(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// binary is proc.Binary, failing the test when the tool cannot be built.
func binary(t testing.TB, name string) string {
	t.Helper()
	path, err := proc.Binary(name)
	if err != nil {
		t.Fatalf("matrixtest: %v", err)
	}
	return path
}
