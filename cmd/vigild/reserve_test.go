//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/google/uuid"

	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/smallfs"
)

// TestVigildDiskReserve: vigild as installed (configuration defaults)
// creates the 64 MiB disk reserve beside its database, blocks allocated;
// on a file system too small for it, it refuses to start with exit status 1
// and a message that says how much is free and how to lower or disable
// the reserve, leaving no database behind; with store.reserve_bytes
// lowered it starts there.
func TestVigildDiskReserve(t *testing.T) {
	fs := smallfs.Mount(t, 32<<20)
	bin := buildVigild(t)
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
	args := func(dataDir string, extra ...string) []string {
		return append([]string{"--data-dir", dataDir, "--api.listen", "127.0.0.1:0",
			"--ethereum.rpc-url", chain.URL, "--ethereum.registry-address", chain.Registry.Hex(),
			"--ethereum.keystore-file", filepath.Join(dir, "key.json"), "--ethereum.password-file", filepath.Join(dir, "pw"),
			"--ethereum.poll-interval", "50ms"}, extra...)
	}

	// The default, on an ordinary disk.
	data := filepath.Join(dir, "data")
	v := startVigild(t, bin, args(data), 20*time.Second)
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(data, "vigil.db.reserve"), &st); err != nil || st.Size != 64<<20 || st.Blocks*512 < 64<<20 {
		t.Fatalf("default reserve: size %d, %d bytes allocated (%v)", st.Size, st.Blocks*512, err)
	}
	must(t, v.Stop(15*time.Second))

	// A 32 MiB file system: refused, nothing left but the data directory.
	small := filepath.Join(fs.Dir, "data")
	out, err := exec.Command(bin, args(small)...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("vigild on a disk too small for the reserve: %v\n%s", err, out)
	}
	for _, want := range []string{"the disk reserve does not fit", "64 MiB", "MiB free", "store.reserve_bytes", "0 disables"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("start-up message does not say %q:\n%s", want, out)
		}
	}
	if ents, err := os.ReadDir(small); err != nil || len(ents) != 0 {
		t.Fatalf("a refused start left %v (%v)", ents, err)
	}

	// Lowered, it fits.
	v = startVigild(t, bin, args(small, "--store.reserve-bytes", "8388608"), 20*time.Second)
	if err := syscall.Stat(filepath.Join(small, "vigil.db.reserve"), &st); err != nil || st.Blocks*512 < 8<<20 {
		t.Fatalf("lowered reserve: %d bytes allocated (%v)", st.Blocks*512, err)
	}
	must(t, v.Stop(15*time.Second))
}
