package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/config"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/internal/testkit/proc"
)

const (
	startTimeout = 60 * time.Second // a server must answer within this
	stopGrace    = 10 * time.Second // SIGTERM, then SIGKILL
	serverName   = "localhost"      // Matrix server name: @alice:localhost
	roomAlias    = "#vigil-monitoring:" + serverName
)

// build runs tools/build.sh (Dendrite, geth, btcd) and builds vigild and
// vigil into .cache/bin. Both skip what is up to date.
func (d *demo) build(ctx context.Context) error {
	d.n.step("build the servers: tools/build.sh (Dendrite, geth, btcd into .cache/bin: about 7 minutes on a fresh 2-core machine, a moment after)")
	t0 := time.Now()
	if err := d.stream(ctx, exec.CommandContext(ctx, filepath.Join(d.root, "tools", "build.sh"))); err != nil {
		return fmt.Errorf("tools/build.sh: %w", err)
	}
	d.n.say("servers ready in %.1fs", time.Since(t0).Seconds())

	d.n.step("build vigild and vigil: go build -o .cache/bin/ ./cmd/vigild ./cmd/vigil")
	t0 = time.Now()
	cmd := exec.CommandContext(ctx, goCmd(), "build", "-buildvcs=auto", "-o", d.bin+string(filepath.Separator), "./cmd/vigild", "./cmd/vigil")
	if err := d.stream(ctx, cmd); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	d.n.say("vigild and vigil ready in %.1fs", time.Since(t0).Seconds())
	return nil
}

func goCmd() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// stream runs cmd in the repository root and narrates its output lines.
// On an interrupt the whole process group (the compilers too) is stopped.
func (d *demo) stream(ctx context.Context, cmd *exec.Cmd) error {
	cmd.Dir = d.root
	proc.InGroup(cmd, stopGrace)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			d.n.say("%s", sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	err := cmd.Wait()
	pw.Close()
	<-done
	return err
}

// launch starts a server on a free port with its log in the workdir and
// waits until ready answers, trying another port when the first was taken
// meanwhile (proc.Launch).
func (d *demo) launch(ctx context.Context, name string, args func(addr string) (bin, dir string, argv []string, err error), ready func(addr string) error) (*proc.Process, string, error) {
	logPath := filepath.Join(d.work, name+".log")
	t0 := time.Now()
	p, addr, err := proc.Launch(ctx, proc.Timing{Ready: startTimeout, Poll: 50 * time.Millisecond, Grace: stopGrace},
		func(addr string) (proc.Spec, error) {
			bin, dir, argv, err := args(addr)
			// Temporary files (geth --dev's throwaway keystore) go to the
			// server's directory, so even a killed server leaves nothing
			// behind elsewhere.
			return proc.Spec{Name: name, Bin: bin, Args: argv, Dir: dir, Env: []string{"TMPDIR=" + dir}, Log: logPath}, err
		}, ready)
	if err != nil {
		return nil, "", fmt.Errorf("%w\n--- tail of %s ---\n%s", err, logPath, proc.Tail(logPath, 3000))
	}
	d.track(p)
	d.n.say("%s is up on %s (pid %d) after %.1fs; log %s", name, addr, p.PID(), time.Since(t0).Seconds(), d.rel(logPath))
	return p, addr, nil
}

// startDendrite configures Dendrite as the test harness does
// (matrixtest.Configure: federation and open registration off, a
// registration shared secret, rate limits off) and starts it.
func (d *demo) startDendrite(ctx context.Context) error {
	d.n.step("start Dendrite (Matrix homeserver, SQLite, federation off) for the monitors' room %s", roomAlias)
	dir := filepath.Join(d.work, "dendrite")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	d.hsSecret = randomHex(24)
	cfgPath, err := matrixtest.Configure(dir, serverName, d.hsSecret, matrixtest.Options{})
	if err != nil {
		return err
	}
	_, addr, err := d.launch(ctx, "dendrite", func(addr string) (string, string, []string, error) {
		return filepath.Join(d.bin, "dendrite"), dir, []string{"-config", cfgPath, "-http-bind-address", addr}, nil
	}, func(addr string) error {
		return getJSON(ctx, "http://"+addr+"/_matrix/client/versions", nil)
	})
	if err != nil {
		return err
	}
	d.hsURL = "http://" + addr
	return nil
}

// registerMatrix creates an account through Dendrite's shared-secret admin
// registration endpoint and returns its user ID.
func (d *demo) registerMatrix(ctx context.Context, localpart, password string) (string, error) {
	userID, _, err := matrixtest.RegisterUser(ctx, d.hsURL, d.hsSecret, localpart, password)
	if err != nil {
		return "", fmt.Errorf("register %s: %w", localpart, err)
	}
	return userID, nil
}

// startGeth runs geth --dev: a one-second block period, HTTP RPC on
// 127.0.0.1, no networking, no IPC, an in-memory chain (no --datadir) and
// a prefunded, unlocked developer account.
func (d *demo) startGeth(ctx context.Context) error {
	d.n.step("start geth --dev (Ethereum, a block every second, in-memory chain)")
	_, addr, err := d.launch(ctx, "geth", func(addr string) (string, string, []string, error) {
		_, port, _ := strings.Cut(addr, ":")
		return filepath.Join(d.bin, "geth"), d.work, []string{"--dev", "--dev.period", "1",
			"--http", "--http.addr", "127.0.0.1", "--http.port", port, "--http.api", "eth,net,web3,txpool",
			"--ws=false", "--port", "0", "--nodiscover", "--maxpeers", "0", "--ipcdisable"}, nil
	}, func(addr string) error {
		var accounts []string
		if err := rpcCall(ctx, "http://"+addr, "", "", "eth_accounts", nil, &accounts); err != nil {
			return err
		}
		if len(accounts) == 0 {
			return errors.New("no developer account yet")
		}
		d.devAccount = accounts[0]
		return nil
	})
	if err != nil {
		return err
	}
	d.ethURL = "http://" + addr
	var id string
	if err := rpcCall(ctx, d.ethURL, "", "", "eth_chainId", nil, &id); err != nil {
		return err
	}
	d.chainID, _ = new(big.Int).SetString(strings.TrimPrefix(id, "0x"), 16)
	if d.chainID == nil {
		return fmt.Errorf("eth_chainId answered %q", id)
	}
	d.n.say("chain id %s; developer account %s funds the demo's accounts", d.chainID, d.devAccount)
	return nil
}

// startBtcd runs btcd in regtest with the flags of the test harness
// (btctest.Flags): plain-HTTP RPC on loopback (--notls), a transaction
// index, and a mining
// address whose key the demo keeps to fund the Lightning channel. Regtest
// wipes its chain at every start, so each run begins at height 0.
func (d *demo) startBtcd(ctx context.Context) error {
	d.n.step("start btcd --regtest (Bitcoin; the demo mines blocks on demand)")
	dir := filepath.Join(d.work, "btcd")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := btctest.WriteConfig(dir); err != nil {
		return err
	}
	key, err := btcec.NewPrivateKey()
	if err != nil {
		return err
	}
	d.miningKey = key
	mining, err := address.NewAddressWitnessPubKeyHash(address.Hash160(key.PubKey().SerializeCompressed()), &chaincfg.RegressionNetParams)
	if err != nil {
		return err
	}
	d.btcUser, d.btcPass = "vigil", randomHex(16)
	_, addr, err := d.launch(ctx, "btcd", func(addr string) (string, string, []string, error) {
		p2p, err := proc.FreeAddr()
		return filepath.Join(d.bin, "btcd"), dir, btctest.Flags{Dir: dir, User: d.btcUser, Pass: d.btcPass, RPCAddr: addr, P2PAddr: p2p,
			MiningAddr: mining.EncodeAddress(), DebugLevel: "info"}.Args(), err
	}, func(addr string) error {
		// A plain HTTP call: rpcclient retries a refused connection for ~22 s.
		return rpcCall(ctx, "http://"+addr, d.btcUser, d.btcPass, "getblockcount", nil, nil)
	})
	if err != nil {
		return err
	}
	d.btcAddr = addr
	d.btc, err = rpcclient.New(&rpcclient.ConnConfig{Host: addr, User: d.btcUser, Pass: d.btcPass,
		HTTPPostMode: true, DisableTLS: true}, nil)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := d.btc.Generate(101); err != nil {
		return fmt.Errorf("generate 101: %w", err)
	}
	d.n.say("mined 101 blocks to %s in %.1fs (a coinbase matures after 100: the demo can spend block 1's 50 BTC)",
		mining.EncodeAddress(), time.Since(t0).Seconds())
	return nil
}

// startVigild writes vigild's configuration with config.WriteTOML and
// starts the real binary on it.
func (d *demo) startVigild(ctx context.Context) error {
	d.n.step("start vigild: Ethereum monitor, Matrix room intake and Lightning watchtower")
	dataDir := filepath.Join(d.work, "vigild")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	matrixPw, btcPw := filepath.Join(d.work, "keys", "vigil-matrix.password"), filepath.Join(d.work, "keys", "btcd-rpc.password")
	if err := os.WriteFile(matrixPw, []byte(d.pw("vigil")+"\n"), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(btcPw, []byte(d.btcPass+"\n"), 0o600); err != nil {
		return err
	}
	user, err := d.registerMatrix(ctx, "vigil", d.pw("vigil"))
	if err != nil {
		return err
	}
	op := d.accounts["vigil"]
	cfgPath := filepath.Join(d.work, "vigild.toml")
	writeConfig := func(api string) error {
		c := config.Default()
		c.DataDir = dataDir
		c.Store.Path = filepath.Join(dataDir, "vigil.db")
		c.API.AdminTokenFile = filepath.Join(dataDir, "admin.token")
		c.Log.Level = "info"
		c.API.Listen = api
		c.Ethereum.RPCURL = d.ethURL
		c.Ethereum.ChainID = d.chainID
		c.Ethereum.RegistryAddress = common.HexToAddress(d.registry)
		c.Ethereum.StartBlock = d.registryBlock
		c.Ethereum.Confirmations = 1
		c.Ethereum.PollInterval = 250 * time.Millisecond
		// geth --dev and btcd --regtest make blocks only when the demo
		// sends something: a quiet spell is not a stalled node here.
		c.Ethereum.StallAfter = 0
		c.Ethereum.KeystoreFile = op.keystore
		if !filepath.IsAbs(op.keystore) {
			c.Ethereum.KeystoreFile = filepath.Join(d.work, op.keystore)
		}
		c.Ethereum.PasswordFile = d.pwFile
		c.Ethereum.PayoutAddress = common.HexToAddress(d.accounts["payout"].addr)
		c.Matrix.Enabled = true
		c.Matrix.HomeserverURL = d.hsURL
		c.Matrix.UserID = user
		c.Matrix.PasswordFile = matrixPw
		c.Matrix.RoomAlias = roomAlias
		c.Matrix.CreateRoom = true
		c.Matrix.PostReceipts = true
		c.Bitcoin.Enabled = true
		c.Bitcoin.RPCHost = d.btcAddr
		c.Bitcoin.RPCUser = d.btcUser
		c.Bitcoin.RPCPasswordFile = btcPw
		c.Bitcoin.Network = "regtest"
		c.Bitcoin.PollInterval = 250 * time.Millisecond
		c.Bitcoin.StallAfter = 0
		c.Bitcoin.PayoutAddress = d.btcPayout
		if err := c.Validate(); err != nil {
			return fmt.Errorf("vigild configuration: %w", err)
		}
		f, err := os.OpenFile(cfgPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if err := c.WriteTOML(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	_, addr, err := d.launch(ctx, "vigild", func(addr string) (string, string, []string, error) {
		return filepath.Join(d.bin, "vigild"), d.work, []string{"--config", cfgPath}, writeConfig(addr)
	}, func(addr string) error {
		return getJSON(ctx, "http://"+addr+"/healthz", nil)
	})
	if err != nil {
		return err
	}
	d.api = "http://" + addr
	d.n.say("configuration %s (written with config.WriteTOML): confirmations 1, profit factor 1.5, matrix user %s, "+
		"Ethereum payout %s, Bitcoin payout %s", d.rel(cfgPath), user, d.accounts["payout"].addr, d.btcPayout)
	// Clients join the room by alias and never create it: wait for vigild
	// to have made it, and for the watchtower to follow the Bitcoin tip.
	tip, err := d.btc.GetBlockCount()
	if err != nil {
		return err
	}
	err = poll(ctx, 30*time.Second, 100*time.Millisecond, "vigild to join "+roomAlias+" and follow the Bitcoin tip", func() (bool, string, error) {
		st, err := d.stats(ctx)
		if err != nil {
			return false, err.Error(), nil
		}
		state := fmt.Sprintf("room %q, bitcoin processed %d of %d", st.Matrix.RoomID, st.Lightning.LastProcessed, tip)
		return st.Matrix.RoomID != "" && int64(st.Lightning.LastProcessed) >= tip, state, nil
	})
	if err != nil {
		return err
	}
	st, err := d.stats(ctx)
	if err != nil {
		return err
	}
	r := st.Ethereum.Registration
	if r == nil || r.Status != "active" {
		return fmt.Errorf("vigild's registration in /api/1/stats: %+v", r)
	}
	d.n.say("vigild checked its registration and re-reads it every block (/api/1/stats ethereum.registration): %s in the monitor registry %s, "+
		"deposit %s backing its receipts, active from block %d, mode %q", r.Status, r.MonitorRegistry, fmtWei(r.DepositWei), r.ActiveFromBlock, st.Ethereum.Mode)
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// atoi parses a decimal string from a CLI answer (0 when empty).
func atoi(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}
