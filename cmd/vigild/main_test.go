package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"

	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/proc"
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
	chain.RegisterMonitor(t, chain.Keys[0], common.Address{})
	dir := t.TempDir()
	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: ethtest.Address(chain.Keys[0]), PrivateKey: chain.Keys[0]},
		"pw", keystore.LightScryptN, keystore.LightScryptP)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "key.json"), ks, 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "pw"), []byte("pw\n"), 0o600))
	v := startVigild(t, bin, []string{"--data-dir", filepath.Join(dir, "data"), "--api.listen", "127.0.0.1:0",
		"--ethereum.rpc-url", chain.URL, "--ethereum.registry-address", chain.Registry.Hex(),
		"--ethereum.keystore-file", filepath.Join(dir, "key.json"), "--ethereum.password-file", filepath.Join(dir, "pw"),
		"--ethereum.poll-interval", "50ms", "--log.level", "info"}, 20*time.Second)
	ethtest.Eventually(t, 20*time.Second, "healthz 200", func() bool {
		resp, err := http.Get(v.url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	if fi, err := os.Stat(filepath.Join(dir, "data", "admin.token")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin token file: %v %v", fi, err)
	}
	if err := v.Stop(15 * time.Second); err != nil || v.ExitState() != "exit status 0" {
		t.Fatalf("vigild after SIGTERM: %v, %s\n%s", err, v.ExitState(), v.log())
	}
	if !strings.Contains(v.log(), "vigild stopped") {
		t.Fatalf("no shutdown message:\n%s", v.log())
	}
}

// vigild is a vigild process under test, its output in a log file.
type vigild struct {
	*proc.Process
	url string // the REST API, as the log announces it
}

var listening = regexp.MustCompile(`REST API listening.*addr=(127\.0\.0\.1:\d+)`)

// startVigild starts bin with args and waits, up to wait, until its log
// announces the REST API's address; it fails tb at once if vigild exits
// first. When tb ends vigild is stopped by pid (SIGTERM, SIGKILL after
// 15 s) and, if tb failed, the tail of its log is logged.
func startVigild(tb testing.TB, bin string, args []string, wait time.Duration) *vigild {
	tb.Helper()
	p, err := proc.Start(proc.Spec{Name: "vigild", Bin: bin, Args: args, Log: filepath.Join(tb.TempDir(), "vigild.log")})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := p.Stop(15 * time.Second); err != nil {
			tb.Errorf("stop vigild: %v", err)
		}
		if tb.Failed() {
			tb.Logf("vigild log (tail):\n%s", proc.Tail(p.LogPath(), 4000))
		}
	})
	v := &vigild{Process: p}
	err = p.WaitReady(context.Background(), wait, 20*time.Millisecond, func() error {
		m := listening.FindStringSubmatch(v.log())
		if m == nil {
			return errors.New("the log does not announce the REST API yet")
		}
		v.url = "http://" + m[1]
		return nil
	})
	if err != nil {
		tb.Fatalf("start vigild: %v\n%s", err, proc.Tail(p.LogPath(), 4000))
	}
	return v
}

// log is vigild's whole log so far.
func (v *vigild) log() string { return proc.Tail(v.LogPath(), 1<<30) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
