package contracts_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/contracts"
)

var artifacts = []struct {
	name string
	meta *bind.MetaData
}{
	{"ChannelRegistry", contracts.ChannelRegistryMetaData},
	{"MonitorRegistry", contracts.MonitorRegistryMetaData},
	{"NettingChannel", contracts.NettingChannelMetaData},
}

// abiSignatures lists every entry of an ABI in a canonical, sorted form:
// the constructor, functions with their mutability and outputs, events with
// their indexed inputs, and errors.
func abiSignatures(a *abi.ABI) []string {
	out := []string{"constructor " + a.Constructor.String()}
	for _, m := range a.Methods {
		out = append(out, m.String())
	}
	for _, e := range a.Events {
		out = append(out, e.String())
	}
	for _, e := range a.Errors {
		out = append(out, e.String())
	}
	if a.HasFallback() {
		out = append(out, "fallback")
	}
	if a.HasReceive() {
		out = append(out, "receive")
	}
	slices.Sort(out)
	return out
}

func parseABI(t *testing.T, data []byte) *abi.ABI {
	t.Helper()
	a, err := abi.JSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return &a
}

// TestBindingsMatchBuild checks that the committed bindings were generated
// from the committed compiler output.
func TestBindingsMatchBuild(t *testing.T) {
	for _, c := range artifacts {
		t.Run(c.name, func(t *testing.T) {
			buildABI, err := os.ReadFile(filepath.Join("build", c.name+".abi"))
			if err != nil {
				t.Fatal(err)
			}
			bound, err := c.meta.GetAbi()
			if err != nil {
				t.Fatal(err)
			}
			got, want := abiSignatures(bound), abiSignatures(parseABI(t, buildABI))
			if !slices.Equal(got, want) {
				t.Errorf("binding ABI differs from build/%s.abi; run go generate ./contracts/\nbinding: %q\nbuild:   %q", c.name, got, want)
			}
			if len(want) == 0 {
				t.Error("empty ABI")
			}

			buildBin, err := os.ReadFile(filepath.Join("build", c.name+".bin"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(common.FromHex(c.meta.Bin), common.FromHex(strings.TrimSpace(string(buildBin)))) {
				t.Errorf("binding bytecode differs from build/%s.bin; run go generate ./contracts/", c.name)
			}
		})
	}
}

// TestBuildIsReproducible compiles the sources into a temporary directory
// and compares the result with the committed build/ files. It needs the
// pinned solc in contracts/node_modules (npm ci --prefix contracts); without
// it the test is skipped, except in CI, where that is a failure.
func TestBuildIsReproducible(t *testing.T) {
	if _, err := os.Stat(filepath.Join("node_modules", "solc", "package.json")); err != nil {
		msg := "solc is not installed; run npm ci --prefix contracts to check build/ against the sources"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not installed")
		}
		t.Skip("node is not installed")
	}
	out := t.TempDir()
	cmd := exec.Command(node, "compile.js", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node compile.js: %v\n%s", err, b)
	}
	for _, c := range artifacts {
		for _, ext := range []string{".abi", ".bin"} {
			fresh, err := os.ReadFile(filepath.Join(out, c.name+ext))
			if err != nil {
				t.Fatal(err)
			}
			committed, err := os.ReadFile(filepath.Join("build", c.name+ext))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(fresh, committed) {
				t.Errorf("build/%s%s differs from a fresh compile; run go generate ./contracts/", c.name, ext)
			}
		}
	}
}
