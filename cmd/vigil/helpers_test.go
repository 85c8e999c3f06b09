package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// result is one CLI invocation.
type result struct {
	args     []string
	out, err string
	code     int
}

// cli runs the command line in-process, as main does.
func cli(args ...string) result {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return result{args: args, out: out.String(), err: errb.String(), code: code}
}

// ok fails the test unless the command succeeded.
func (r result) ok(t *testing.T) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("vigil %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), r.code, r.out, r.err)
	}
	return r
}

// fails checks the exit status and that stderr mentions want.
func (r result) fails(t *testing.T, code int, want string) result {
	t.Helper()
	if r.code != code || !strings.Contains(r.err, want) {
		t.Fatalf("vigil %s: exit %d, stderr %q; want exit %d and stderr containing %q (stdout %q)",
			strings.Join(r.args, " "), r.code, r.err, code, want, r.out)
	}
	return r
}

// decode parses stdout as JSON into v.
func (r result) decode(t *testing.T, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("vigil %s: stdout is not the expected JSON: %v\n%s", strings.Join(r.args, " "), err, r.out)
	}
}

// obj parses stdout as a JSON object.
func (r result) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.out), &m); err != nil {
		t.Fatalf("vigil %s: stdout is not a JSON object: %v\n%s", strings.Join(r.args, " "), err, r.out)
	}
	return m
}

// miner commits blocks on the simulated chain while transactions wait in
// its pool: the CLI waits for receipts by polling, as against a real node.
type miner struct {
	chain *ethtest.Chain
	rpc   *rpc.Client
}

func newMiner(t *testing.T, chain *ethtest.Chain) *miner {
	t.Helper()
	c, err := rpc.Dial(chain.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &miner{chain: chain, rpc: c}
}

// pending is the number of transactions in the node's pool.
func (m *miner) pending(t *testing.T) uint64 {
	t.Helper()
	var st map[string]hexutil.Uint64
	if err := m.rpc.Call(&st, "txpool_status"); err != nil {
		t.Fatalf("txpool_status: %v", err)
	}
	return uint64(st["pending"] + st["queued"])
}

// run runs a CLI command that sends transactions, mining a block whenever
// the pool holds one, until the command returns.
func (m *miner) run(t *testing.T, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- cli(args...) }()
	deadline := time.NewTimer(90 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			return r
		case <-deadline.C:
			t.Fatalf("vigil %s did not return within 90s", strings.Join(args, " "))
		case <-tick.C:
			if m.pending(t) > 0 {
				m.chain.Backend.Commit()
			}
		}
	}
}

// mineUntil mines one block at a time, giving cond up to 300 ms after each,
// and fails after maxBlocks.
func (m *miner) mineUntil(t *testing.T, maxBlocks int, what string, cond func() bool) {
	t.Helper()
	for i := 0; i <= maxBlocks; i++ {
		deadline := time.Now().Add(300 * time.Millisecond)
		for {
			if cond() {
				return
			}
			if time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		m.chain.Mine(1)
	}
	t.Fatalf("after %d blocks: still waiting for %s", maxBlocks, what)
}

// account is a keystore key made with "vigil account new".
type account struct {
	addr common.Address
	file string
}

// newAccount creates a light-scrypt keystore key in dir with the password
// in pwFile.
func newAccount(t *testing.T, dir, pwFile string) account {
	t.Helper()
	r := cli("account", "new", "--keystore-dir", dir, "--password-file", pwFile, "--light").ok(t)
	var out accountJSON
	r.decode(t, &out)
	if !common.IsHexAddress(out.Address) || common.HexToAddress(out.Address).Hex() != out.Address {
		t.Fatalf("account new printed address %q, want an EIP-55 address", out.Address)
	}
	if _, err := os.Stat(out.KeystoreFile); err != nil {
		t.Fatalf("account new printed keystore_file %q: %v", out.KeystoreFile, err)
	}
	if filepath.Dir(out.KeystoreFile) != filepath.Clean(dir) {
		t.Fatalf("key file %s is not in %s", out.KeystoreFile, dir)
	}
	return account{addr: common.HexToAddress(out.Address), file: out.KeystoreFile}
}

// fund sends value wei from a funded chain key to addr and mines it.
func fund(t *testing.T, chain *ethtest.Chain, from *ecdsa.PrivateKey, to common.Address, value *big.Int) {
	t.Helper()
	ctx := context.Background()
	nonce, err := chain.Client.PendingNonceAt(ctx, ethtest.Address(from))
	if err != nil {
		t.Fatal(err)
	}
	price, err := chain.Client.SuggestGasPrice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := types.SignNewTx(from, types.LatestSignerForChainID(chain.ChainID), &types.LegacyTx{
		Nonce: nonce, GasPrice: new(big.Int).Mul(price, big.NewInt(2)), Gas: 21000, To: &to, Value: value,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chain.Client.SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	chain.Backend.Commit()
	if got := chain.Balance(t, to); got.Cmp(value) < 0 {
		t.Fatalf("funding %s: balance %s, want at least %s", to.Hex(), got, value)
	}
}

// writeFile writes content to name in dir and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// ether returns n/1000 ether in wei as a decimal string.
func milliEther(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), new(big.Int).Div(ethtest.Ether, big.NewInt(1000)))
}

// ethArgs appends the eth flags of who to args.
func ethArgs(chain *ethtest.Chain, who account, pwFile string, args ...string) []string {
	return append(args, "--rpc", chain.URL, "--keystore", who.file, "--password-file", pwFile)
}

// channelState runs "vigil eth channel" and decodes its output.
func channelState(t *testing.T, chain *ethtest.Chain, channel string) channelJSON {
	t.Helper()
	var v channelJSON
	cli("eth", "channel", "--rpc", chain.URL, "--channel", channel).ok(t).decode(t, &v)
	return v
}

// participant returns the entry of addr in a channel state.
func participant(t *testing.T, v channelJSON, addr common.Address) participantJSON {
	t.Helper()
	for _, p := range v.Participants {
		if p.Address == addr.Hex() {
			return p
		}
	}
	t.Fatalf("%s is not among the participants %+v", addr.Hex(), v.Participants)
	return participantJSON{}
}

// openedChannel is a channel alice opened with bob through the CLI, both
// funded from the chain's keys, with 5 and 3 ether deposited and alice's
// 0.01 ether reward deposit; dir holds their keystores and password file.
type openedChannel struct {
	dir, pw    string
	alice, bob account
	channel    string
}

func openChannel(t *testing.T, chain *ethtest.Chain, m *miner, settleTimeout string) openedChannel {
	t.Helper()
	o := openedChannel{dir: t.TempDir()}
	o.pw = writeFile(t, o.dir, "password", "secret\n")
	o.alice = newAccount(t, filepath.Join(o.dir, "ks"), o.pw)
	o.bob = newAccount(t, filepath.Join(o.dir, "ks"), o.pw)
	fund(t, chain, chain.Keys[0], o.alice.addr, new(big.Int).Mul(big.NewInt(10), ethtest.Ether))
	fund(t, chain, chain.Keys[1], o.bob.addr, new(big.Int).Mul(big.NewInt(10), ethtest.Ether))
	var open txJSON
	m.run(t, ethArgs(chain, o.alice, o.pw, "eth", "open", "--registry", chain.Registry.Hex(), "--partner", o.bob.addr.Hex(),
		"--settle-timeout", settleTimeout)...).ok(t).decode(t, &open)
	o.channel = open.Channel
	m.run(t, ethArgs(chain, o.alice, o.pw, "eth", "deposit", "--channel", o.channel, "--amount", milliEther(5000).String())...).ok(t)
	m.run(t, ethArgs(chain, o.bob, o.pw, "eth", "deposit", "--channel", o.channel, "--amount", milliEther(3000).String())...).ok(t)
	m.run(t, ethArgs(chain, o.alice, o.pw, "eth", "deposit-reward", "--channel", o.channel, "--amount", milliEther(10).String())...).ok(t)
	return o
}
