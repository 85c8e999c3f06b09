// Package matrixtest runs a real Dendrite homeserver for tests: a fresh
// server per call, with its SQLite databases, keys and log in t.TempDir(),
// listening on a free 127.0.0.1 port, federation and open registration off,
// and users created through the shared-secret admin endpoint.
//
// The binaries come from <repo>/.cache/bin, built by tools/build.sh from the
// versions pinned in tools/go.mod; Binary runs that script once per test
// process when a binary is missing or older than the pins. This package is
// for tests only: it must not be imported by product code, and it does not
// wrap the Matrix client API beyond registering users (tests talk to URL with
// their own client).
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
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// ModulePath identifies the repository root when walking up from a test.
	ModulePath = "github.com/vigil-monitor/vigil"

	// DefaultServerName is the server part of user IDs and room aliases
	// (@alice:localhost, #room:localhost).
	DefaultServerName = "localhost"

	startTimeout = 60 * time.Second // generous: parallel tests share 2 cores
	stopGrace    = 10 * time.Second // SIGTERM, then SIGKILL
	logTailBytes = 4096
)

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
	opts   Options

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
	log  *os.File
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
	bin := Binary(t, "dendrite")
	dir := t.TempDir()
	s := &Server{ServerName: DefaultServerName, Dir: dir, opts: opts, secret: randomHex(t, 24)}
	if err := s.configure(t); err != nil {
		t.Fatalf("matrixtest: configure dendrite: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("matrixtest: tail of %s:\n%s", s.LogPath(), s.LogTail())
		}
		s.Stop(t)
	})

	// A free port can be taken by another process between our probe and
	// Dendrite's bind; try a few.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		addr, err := freeAddr()
		if err != nil {
			t.Fatalf("matrixtest: %v", err)
		}
		s.Addr = addr
		s.URL = "http://" + addr
		lastErr = s.launch(bin)
		if lastErr == nil {
			return s
		}
		if !strings.Contains(s.LogTail(), "address already in use") {
			break
		}
	}
	t.Fatalf("matrixtest: start dendrite: %v\n--- %s (tail) ---\n%s", lastErr, s.LogPath(), s.LogTail())
	return nil
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
	if err := s.launch(Binary(t, "dendrite")); err != nil {
		t.Fatalf("matrixtest: restart dendrite: %v\n--- %s (tail) ---\n%s", err, s.LogPath(), s.LogTail())
	}
}

// PID returns the process id of the running Dendrite, or 0 when stopped.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// LogPath is Dendrite's combined stdout and stderr.
func (s *Server) LogPath() string { return filepath.Join(s.Dir, "dendrite.log") }

// LogTail returns the last few kilobytes of the log.
func (s *Server) LogTail() string {
	f, err := os.Open(s.LogPath())
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > logTailBytes {
		_, _ = f.Seek(st.Size()-logTailBytes, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

// Register creates a (non-admin) account through the shared-secret admin
// registration endpoint and returns its user ID and an access token. The
// password also works for /login; Dendrite refuses passwords shorter than
// 8 characters (M_WEAK_PASSWORD).
func (s *Server) Register(t testing.TB, localpart, password string) (userID, accessToken string) {
	t.Helper()
	userID, accessToken, err := s.register(localpart, password)
	if err != nil {
		t.Fatalf("matrixtest: register %q: %v", localpart, err)
	}
	return userID, accessToken
}

func (s *Server) register(localpart, password string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	endpoint := s.URL + "/_synapse/admin/v1/register"

	var nonce struct {
		Nonce string `json:"nonce"`
	}
	if err := doJSON(ctx, http.MethodGet, endpoint, nil, &nonce); err != nil {
		return "", "", fmt.Errorf("get nonce: %w", err)
	}
	mac := hmac.New(sha1.New, []byte(s.secret))
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
	if err := doJSON(ctx, http.MethodPost, s.URL+"/_matrix/client/v3/login", login, &resp); err != nil {
		return "", "", fmt.Errorf("log in: %w", err)
	}
	if resp.AccessToken == "" {
		return "", "", errors.New("log in returned no access token")
	}
	return resp.UserID, resp.AccessToken, nil
}

// configure writes the signing key and dendrite.yaml into s.Dir.
func (s *Server) configure(t testing.TB) error {
	keyPath := filepath.Join(s.Dir, "matrix_key.pem")
	if out, err := exec.Command(Binary(t, "generate-keys"), "--private-key", keyPath).CombinedOutput(); err != nil {
		return fmt.Errorf("generate-keys: %v: %s", err, out)
	}
	gen := exec.Command(Binary(t, "generate-config"), "-ci", "-dir", s.Dir, "-server", s.ServerName)
	var stderr bytes.Buffer
	gen.Stderr = &stderr
	cfg, err := gen.Output()
	if err != nil {
		return fmt.Errorf("generate-config: %v: %s", err, stderr.Bytes())
	}
	rateLimit := "false"
	if s.opts.RateLimit {
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
		{"global.jetstream.storage_path", strconv.Quote(filepath.Join(s.Dir, "jetstream"))},
		{"global.server_notices.enabled", "false"},
		{"global.trusted_third_party_id_servers", "[]"},
		{"client_api.registration_disabled", "true"},
		{"client_api.registration_shared_secret", strconv.Quote(s.secret)},
		{"client_api.guests_disabled", "true"},
		{"client_api.rate_limiting.enabled", rateLimit},
		{"media_api.base_path", strconv.Quote(filepath.Join(s.Dir, "media"))},
		{"sync_api.search.enabled", "false"},
		{"sync_api.search.index_path", strconv.Quote(filepath.Join(s.Dir, "searchindex"))},
	} {
		if doc, err = setYAML(doc, kv[0], kv[1]); err != nil {
			return err
		}
	}
	// -ci logs at trace level; info keeps the log useful and cheap.
	logging := "logging:\n- type: std\n  level: info\n"
	if doc, err = replaceTopLevel(doc, "logging", logging); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.Dir, "dendrite.yaml"), []byte(doc), 0o600)
}

// launch starts the process on s.Addr and waits until the client API
// answers.
func (s *Server) launch(bin string) error {
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		return errors.New("already running")
	}
	logf, err := os.OpenFile(s.LogPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	fmt.Fprintf(logf, "=== matrixtest: starting dendrite on %s at %s\n", s.Addr, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(bin, "-config", filepath.Join(s.Dir, "dendrite.yaml"), "-http-bind-address", s.Addr)
	cmd.Dir = s.Dir
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		s.mu.Unlock()
		return err
	}
	done := make(chan struct{})
	s.cmd, s.done, s.log = cmd, done, logf
	s.mu.Unlock()
	go func() {
		_ = cmd.Wait()
		close(done)
	}()

	if err := waitReady(s.URL, done); err != nil {
		_ = s.stop()
		return err
	}
	return nil
}

func (s *Server) stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	cmd, done := s.cmd, s.done
	defer func() {
		s.log.Close()
		s.cmd, s.done, s.log = nil, nil, nil
	}()
	select {
	case <-done:
		return nil // already exited (e.g. crashed); reaped
	default:
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-done:
		return nil
	case <-time.After(stopGrace):
	}
	_ = cmd.Process.Kill()
	<-done
	return fmt.Errorf("pid %d ignored SIGTERM for %s; killed", cmd.Process.Pid, stopGrace)
}

func waitReady(base string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := client.Get(base + "/_matrix/client/versions")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s: %v", startTimeout, err)
		}
		select {
		case <-exited:
			return errors.New("dendrite exited before it was ready")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
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

// builds remembers each tool's build in this process.
var builds sync.Map // name -> *toolBuild

type toolBuild struct {
	once sync.Once
	out  []byte
	err  error
}

// Binary returns the path of a tool built by tools/build.sh, e.g.
// Binary(t, "dendrite") or Binary(t, "btcd"). When the binary is missing or
// older than tools/go.mod or tools/go.sum it runs tools/build.sh for that
// tool (once per tool and test process; a cold Dendrite build takes about
// 2.5 minutes) and fails the test if that fails.
func Binary(t testing.TB, name string) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatalf("matrixtest: %v", err)
	}
	path := filepath.Join(root, ".cache", "bin", name)
	if fresh(path, root) {
		return path
	}
	v, _ := builds.LoadOrStore(name, &toolBuild{})
	b := v.(*toolBuild)
	b.once.Do(func() {
		cmd := exec.Command(filepath.Join(root, "tools", "build.sh"), name)
		cmd.Dir = root
		b.out, b.err = cmd.CombinedOutput()
	})
	buildErr, buildOut := b.err, b.out
	if buildErr != nil {
		t.Fatalf("matrixtest: %s is missing and tools/build.sh failed (%v); run `make tools` to see why:\n%s", path, buildErr, buildOut)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("matrixtest: tools/build.sh ran but %s is still missing: is %q a tool in tools/go.mod?\n%s", path, name, buildOut)
	}
	return path
}

func fresh(bin, root string) bool {
	st, err := os.Stat(bin)
	if err != nil {
		return false
	}
	for _, pin := range []string{"go.mod", "go.sum"} {
		if p, err := os.Stat(filepath.Join(root, "tools", pin)); err == nil && p.ModTime().After(st.ModTime()) {
			return false
		}
	}
	return true
}

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

// RepoRoot finds the directory of the go.mod declaring module
// github.com/vigil-monitor/vigil, walking up from the working directory
// (a test's package directory) and, failing that, from this source file.
func RepoRoot() (string, error) {
	rootOnce.Do(func() {
		var starts []string
		if wd, err := os.Getwd(); err == nil {
			starts = append(starts, wd)
		}
		if _, file, _, ok := runtime.Caller(0); ok {
			starts = append(starts, filepath.Dir(file))
		}
		for _, dir := range starts {
			for {
				if isVigilModule(filepath.Join(dir, "go.mod")) {
					rootDir = dir
					return
				}
				parent := filepath.Dir(dir)
				if parent == dir {
					break
				}
				dir = parent
			}
		}
		rootErr = fmt.Errorf("no go.mod for module %s above %v", ModulePath, starts)
	})
	return rootDir, rootErr
}

func isVigilModule(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == ModulePath
		}
	}
	return false
}
