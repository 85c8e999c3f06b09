package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/google/uuid"

	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// buildVigild compiles the daemon once per test binary.
func buildVigild(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vigild")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestVigildProcess runs the real binary: --help, a bad configuration, and
// a full start against a chain, then SIGTERM for a graceful exit 0.
func TestVigildProcess(t *testing.T) {
	bin := buildVigild(t)

	out, err := exec.Command(bin, "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ethereum.registry_address") {
		t.Fatalf("--help: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "--ethereum.rpc-url", "http://127.0.0.1:1", "--ethereum.registry-address", "0x12")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err = cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "ethereum.registry_address") {
		t.Fatalf("bad config: want exit 2 naming the field, got %v\n%s", err, out)
	}

	chain := ethtest.New(t, 1)
	dir := t.TempDir()
	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: ethtest.Address(chain.Keys[0]), PrivateKey: chain.Keys[0]},
		"pw", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "key.json"), ks, 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "pw"), []byte("pw\n"), 0o600))
	var stderr lockedBuffer
	cmd = exec.Command(bin, "--data-dir", filepath.Join(dir, "data"), "--api.listen", "127.0.0.1:0",
		"--ethereum.rpc-url", chain.URL, "--ethereum.registry-address", chain.Registry.Hex(),
		"--ethereum.keystore-file", filepath.Join(dir, "key.json"), "--ethereum.password-file", filepath.Join(dir, "pw"),
		"--ethereum.poll-interval", "50ms", "--log.level", "info")
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()

	addr := regexp.MustCompile(`REST API listening.*addr=(127\.0\.0\.1:\d+)`)
	var url string
	ethtest.Eventually(t, 20*time.Second, "vigild to listen", func() bool {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			url = "http://" + m[1]
			return true
		}
		return false
	})
	ethtest.Eventually(t, 20*time.Second, "healthz 200", func() bool {
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	if fi, err := os.Stat(filepath.Join(dir, "data", "admin.token")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin token file: %v %v", fi, err)
	}
	must(t, cmd.Process.Signal(syscall.SIGTERM))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("vigild exited with %v after SIGTERM\n%s", err, stderr.String())
		}
	case <-ctx.Done():
		t.Fatalf("vigild did not stop after SIGTERM\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "vigild stopped") {
		t.Fatalf("no shutdown message:\n%s", stderr.String())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer is written by the process's output copier and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
