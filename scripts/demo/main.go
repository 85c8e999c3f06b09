// Command demo plays Vigil's whole mission on a local stack, in one
// command: `make demo` (which runs `go run ./scripts/demo`).
//
// README lines:
//
//	make demo                          # build what is missing, play the mission, stop everything
//	make demo DEMO_ARGS=--keep         # leave the stack running until Ctrl-C
//	go run ./scripts/demo --workdir /tmp/vigil-demo   # keep every log and file there
//
// It needs Go, gcc and npm like `make test`, and nothing else: it builds
// the servers pinned in tools/go.mod (Dendrite, geth, btcd) into .cache/bin
// with tools/build.sh (about 6 minutes the first time, a moment after) and
// vigild and vigil with go build, then, all on 127.0.0.1:
//
//  1. starts Dendrite (the monitors' Matrix room), geth --dev (Ethereum, a
//     block every second) and btcd --regtest (Bitcoin, blocks mined on
//     demand), deploys the ChannelRegistry with `vigil eth deploy-registry`,
//     writes a vigild configuration (config.WriteTOML) with the Matrix room
//     and the Lightning watchtower enabled, and starts vigild;
//  2. plays the clients with the real `vigil` CLI: two Ethereum channels
//     are opened and funded; their owners post balance proofs with rewards
//     to the room; one reward is too small and is declined, with its
//     reason in `vigil stats`; a partner closes a channel with stale state
//     while its counterparty is offline, vigil's updateTransfer lands
//     inside the window and the settle pays vigil its reward;
//  3. funds a Lightning-style channel on regtest (BOLT 3 transactions from
//     internal/testkit/lntest), posts a watchtower appointment with a bounty
//     to the room, broadcasts the revoked commitment, and shows vigil's
//     justice transaction confirming with its bounty output;
//  4. prints /api/1/stats, the API URL and the status page's, then runs
//     `vigil audit` against geth and btcd, which checks every claim of the
//     API (the update, the justice transaction, the totals) and must find
//     them all true, and stops every process it started, by pid (SIGTERM,
//     then SIGKILL after 10 s), on every exit path; with --keep it waits
//     for Ctrl-C first.
//
// Every step is narrated with the seconds since the start; every vigil
// command the clients ran is in <workdir>/commands.log with its output, and
// each server's log is <workdir>/<server>.log. Without --workdir the files
// go to a temporary directory that is removed after a successful run and
// kept (and named) after a failure.
//
// Flags:
//
//	--keep          leave everything running after the mission until Ctrl-C
//	--workdir DIR   put data, configuration and logs in DIR (created; must be empty) and keep it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/rpcclient"

	"github.com/vigil-monitor/vigil/internal/testkit/proc"
)

// options are the command line, and what the test sets.
type options struct {
	keep    bool
	workdir string
	out     io.Writer
}

func main() {
	var opt options
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.BoolVar(&opt.keep, "keep", false, "leave the stack running after the mission until Ctrl-C")
	fs.StringVar(&opt.workdir, "workdir", "", "`DIR` for data, configuration and logs (created, must be empty; kept)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: go run ./scripts/demo [--keep] [--workdir DIR]\n\n"+
			"Plays Vigil's mission on a local Dendrite, geth --dev, btcd --regtest and vigild.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "demo: unexpected argument %q\n", fs.Arg(0))
		os.Exit(2)
	}
	opt.out = os.Stdout

	// The first Ctrl-C (or SIGTERM) cancels ctx: the demo stops what it
	// started and exits. The servers run in their own process groups, so
	// the terminal's SIGINT reaches this process only.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := run(ctx, opt); err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
		os.Exit(1)
	}
}

// demo is one run: the stack it started and what the mission needs.
type demo struct {
	n    *narrator
	root string // repository root
	bin  string // <root>/.cache/bin
	work string // workdir

	mu    sync.Mutex
	procs []*proc.Process // in start order
	cmds  *os.File

	// Matrix
	hsURL, hsSecret string
	// Ethereum
	ethURL, devAccount string
	chainID            *big.Int
	registry           string
	registryBlock      uint64
	pwFile             string // every demo keystore's password
	accounts           map[string]account
	// Bitcoin
	btcAddr, btcUser, btcPass string
	btc                       *rpcclient.Client
	miningKey                 *btcec.PrivateKey
	btcPayout                 string
	btcPayoutScript           []byte
	// vigild
	api string
	// the mission
	chA string // channel A (alice, bob)

	res result
}

// result is what the mission achieved, for the test.
type result struct {
	API           string
	AcceptedEvent string   // room event of the accepted request
	Declined      int64    // room requests declined as reward_below_gas_cost
	UpdateTx      string   // vigil's updateTransfer
	RewardPaid    *big.Int // what the settle paid vigil's payout address
	PayoutBalance *big.Int
	JusticeTx     string
	BountySat     int64
	StatsJSON     []byte
	Audit         *auditResult // vigil audit's report on the stack
}

// run plays the whole demo and stops everything it started before it
// returns, whatever happened.
func run(ctx context.Context, opt options) (res *result, err error) {
	if opt.out == nil {
		opt.out = io.Discard
	}
	d := &demo{n: &narrator{w: opt.out, start: time.Now()}, accounts: map[string]account{}}
	if d.root, err = proc.RepoRoot(); err != nil {
		return nil, err
	}
	d.bin = filepath.Join(d.root, ".cache", "bin")
	temp := opt.workdir == ""
	if temp {
		if d.work, err = os.MkdirTemp("", "vigil-demo-"); err != nil {
			return nil, err
		}
	} else {
		if d.work, err = filepath.Abs(opt.workdir); err != nil {
			return nil, err
		}
		if entries, err := os.ReadDir(d.work); err == nil && len(entries) > 0 {
			return nil, fmt.Errorf("--workdir %s is not empty: give a new or empty directory", d.work)
		}
		if err := os.MkdirAll(d.work, 0o700); err != nil {
			return nil, err
		}
	}
	if d.cmds, err = os.Create(filepath.Join(d.work, "commands.log")); err != nil {
		return nil, err
	}
	d.n.say("workdir %s (every vigil command run: <workdir>/commands.log; server logs: <workdir>/*.log)", d.work)
	if temp {
		d.n.say("it is removed when the demo succeeds (kept if it fails); run with --workdir DIR to keep it")
	}
	defer func() {
		d.shutdown()
		d.cmds.Close()
		switch {
		case err != nil:
			fmt.Fprintf(opt.out, "\nlogs and data kept in %s\n", d.work)
			if p := filepath.Join(d.work, "vigild.log"); fileExists(p) && ctx.Err() == nil {
				fmt.Fprintf(opt.out, "--- tail of %s ---\n%s\n", p, proc.Tail(p, 2500))
			}
		case temp:
			os.RemoveAll(d.work)
			fmt.Fprintf(opt.out, "removed the workdir %s (make demo DEMO_ARGS=\"--workdir DIR\" keeps the logs)\n", d.work)
		default:
			fmt.Fprintf(opt.out, "logs and data are in %s\n", d.work)
		}
	}()

	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"build", d.build},
		{"start the servers", d.startServers},
		{"prepare the accounts and the registry", d.prepare},
		{"start vigild", d.startVigild},
		{"a. Ethereum channels and monitoring requests", d.missionRequests},
		{"b. stale close corrected by vigil", d.missionStaleClose},
		{"c. Lightning breach and justice", d.missionLightning},
		{"report", d.report},
		{"audit", d.audit},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("interrupted during step %q", s.name)
			}
			return nil, fmt.Errorf("step %q: %w", s.name, err)
		}
	}
	if opt.keep {
		d.n.section("the stack keeps running (--keep): press Ctrl-C to stop it")
		d.describeStack()
		<-ctx.Done()
		fmt.Fprintln(opt.out)
	}
	return &d.res, nil
}

// startServers starts Dendrite, geth and btcd side by side.
func (d *demo) startServers(ctx context.Context) error {
	d.n.section("local stack")
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, start := range []func(context.Context) error{d.startDendrite, d.startGeth, d.startBtcd} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = start(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// track records a started process so that shutdown stops it.
func (d *demo) track(p *proc.Process) {
	d.mu.Lock()
	d.procs = append(d.procs, p)
	d.mu.Unlock()
}

// shutdown stops every process the demo started, newest first, by pid.
func (d *demo) shutdown() {
	if d.btc != nil {
		d.btc.Shutdown()
	}
	d.mu.Lock()
	procs := d.procs
	d.procs = nil
	d.mu.Unlock()
	if len(procs) == 0 {
		return
	}
	d.n.section("stopping everything the demo started")
	for i := len(procs) - 1; i >= 0; i-- {
		p := procs[i]
		if p.Exited() {
			continue
		}
		t0 := time.Now()
		if err := p.Stop(stopGrace); err != nil {
			d.n.say("%v", err)
			continue
		}
		d.n.say("%s (pid %d): stopped in %.1fs", p.Name(), p.PID(), time.Since(t0).Seconds())
	}
}

// describeStack prints where each part of the running stack answers.
func (d *demo) describeStack() {
	d.n.say("vigild API     %s   (vigil stats --api %s)", d.api, d.api)
	d.n.say("status page    %s/   (open it in a browser)", d.api)
	d.n.say("Matrix         %s   room %s", d.hsURL, roomAlias)
	d.n.say("geth RPC       %s   chain id %s", d.ethURL, d.chainID)
	d.n.say("btcd RPC       http://%s   user %s, password %s (no TLS)", d.btcAddr, d.btcUser, d.btcPass)
	d.n.say("files and logs %s", d.work)
}

// rel shortens a path under the workdir or the repository for printing.
func (d *demo) rel(p string) string {
	for _, base := range []string{d.work, d.root} {
		if r, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(r, "..") {
			if base == d.work {
				return filepath.Join("<workdir>", r)
			}
			return r
		}
	}
	return p
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
