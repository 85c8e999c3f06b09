package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/rest"
)

// chainCaller reads contracts and the head.
type chainCaller interface {
	bind.ContractCaller
	BlockNumber(ctx context.Context) (uint64, error)
}

// registryReader reads one monitor's registration: the monitor registry
// is resolved once (from the channel registry), its minimum deposit read
// once (immutable); each read is then one eth_call and the head.
type registryReader struct {
	node       chainCaller
	monitors   common.Address
	caller     *contracts.MonitorRegistryCaller
	account    common.Address
	minDeposit *big.Int
	timeout    time.Duration
}

// newRegistryReader resolves the channel registry's monitor registry (the
// one configured, when configured, must be it).
func newRegistryReader(ctx context.Context, node chainCaller, registry, configured, account common.Address, timeout time.Duration) (*registryReader, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	opts := &bind.CallOpts{Context: ctx}
	reg, err := contracts.NewChannelRegistryCaller(registry, node)
	if err != nil {
		return nil, err
	}
	monitors, err := reg.MonitorRegistry(opts)
	if err != nil {
		return nil, fmt.Errorf("ethereum.registry_address %s has no monitor registry (a registry deployed before protocol version 2?): %w", registry.Hex(), err)
	}
	if configured != (common.Address{}) && configured != monitors {
		return nil, fmt.Errorf("ethereum.monitor_registry_address %s is not the monitor registry %s of the channel registry %s",
			configured.Hex(), monitors.Hex(), registry.Hex())
	}
	m, err := contracts.NewMonitorRegistryCaller(monitors, node)
	if err != nil {
		return nil, err
	}
	min, err := m.MinDeposit(opts)
	if err != nil {
		return nil, fmt.Errorf("read monitor registry %s: %w", monitors.Hex(), err)
	}
	return &registryReader{node: node, monitors: monitors, caller: m, account: account, minDeposit: min, timeout: timeout}, nil
}

// head reads the node's head.
func (r *registryReader) head(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	head, err := r.node.BlockNumber(ctx)
	if err != nil {
		return 0, fmt.Errorf("read the head: %w", err)
	}
	return head, nil
}

// read returns the account's registration and its status at block head
// (read at that block, so that status and record agree).
func (r *registryReader) read(ctx context.Context, head uint64) (proofs.Registration, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	rec, err := r.caller.Monitors(&bind.CallOpts{Context: ctx, BlockNumber: new(big.Int).SetUint64(head)}, r.account)
	if err != nil {
		return proofs.Registration{}, fmt.Errorf("read monitor registry %s: %w", r.monitors.Hex(), err)
	}
	reg := proofs.Registration{MonitorRegistry: r.monitors, Deposit: rec.Deposit, ActiveFrom: rec.ActiveFrom, Payout: rec.Payout,
		ExitAt: rec.ExitAt, MinDeposit: r.minDeposit, CheckedBlock: head}
	reg.Status = reg.StatusAt(head)
	return reg, nil
}

// registrationProblem says, for an operator, why reg does not let the
// account act and what to do; "" while it is active.
func registrationProblem(reg proofs.Registration, registry, account common.Address) string {
	switch reg.Status {
	case proofs.RegistrationNotRegistered:
		return fmt.Sprintf("the operator account %s is not registered in the monitor registry %s, so channels would refuse its updates: "+
			"register it with `vigil monitor register --registry %s --deposit WEI` (minimum deposit %v wei)",
			account.Hex(), reg.MonitorRegistry.Hex(), registry.Hex(), reg.MinDeposit)
	case proofs.RegistrationExited:
		if reg.Deposit != nil && reg.MinDeposit != nil && reg.Deposit.Cmp(reg.MinDeposit) < 0 {
			return fmt.Sprintf("the operator account %s no longer counts in the monitor registry %s from block %d: its deposit was slashed to %s wei, "+
				"below the minimum %s wei (a client claimed a penalty for a receipt it did not honour); channels refuse its updates: "+
				"withdraw the rest once the withdraw delay is over (vigil monitor withdraw) and register again with a new deposit (vigil monitor register)",
				account.Hex(), reg.MonitorRegistry.Hex(), reg.ExitAt, reg.Deposit, reg.MinDeposit)
		}
		return fmt.Sprintf("the operator account %s announced its exit from the monitor registry %s at block %d: channels refuse its updates; "+
			"withdraw and register again (vigil monitor withdraw, vigil monitor register)", account.Hex(), reg.MonitorRegistry.Hex(), reg.ExitAt)
	case proofs.RegistrationNotYetActive:
		return fmt.Sprintf("the operator account %s is registered in the monitor registry %s but counts only from block %d (head %d): start vigild then",
			account.Hex(), reg.MonitorRegistry.Hex(), reg.ActiveFrom, reg.CheckedBlock)
	}
	return ""
}

// notActiveHint names the setting that lets vigild start anyway.
const notActiveHint = " (or set ethereum.observe_only = true to run vigild watching and recording only, accepting and sending nothing)"

// checkRegistration reads the account's registration at start and checks
// that the account is a monitor active in the channel registry's
// MonitorRegistry whose payout is the configured one, if any (channels
// pay the registered payout and refuse the updates of any other
// account). The errors say what the operator has to do. With observe, a
// registration that is not active is no error: it is returned as read.
func checkRegistration(ctx context.Context, r *registryReader, registry, payout common.Address, observe bool) (proofs.Registration, error) {
	head, err := r.head(ctx)
	if err != nil {
		return proofs.Registration{}, err
	}
	reg, err := r.read(ctx, head)
	if err != nil {
		return proofs.Registration{}, err
	}
	if p := registrationProblem(reg, registry, r.account); p != "" {
		if observe {
			return reg, nil
		}
		return proofs.Registration{}, fmt.Errorf("%s%s", p, notActiveHint)
	}
	if payout != (common.Address{}) && payout != reg.Payout {
		return proofs.Registration{}, fmt.Errorf("ethereum.payout_address %s is not the payout %s the operator account %s registered; channels pay the registered one: "+
			"unset ethereum.payout_address or set it to %s", payout.Hex(), reg.Payout.Hex(), r.account.Hex(), reg.Payout.Hex())
	}
	return reg, nil
}

// registrationWatch follows the operator account's registration while
// vigild runs: one registry read (one eth_call) per new head. The heads
// come from the Ethereum watcher's polls (noteHead); where no watcher runs
// here (a replica that does not lead the ethereum role), the watch reads
// the head itself every poll interval. It is intake's and the responder's
// proofs.Eligibility: while the registry does not count the account (an
// exit, a deposit slashed below the minimum), or in observe-only mode,
// requests are refused with a stable reason, so that no receipt promises
// what the channel would refuse.
type registrationWatch struct {
	reader   *registryReader
	registry common.Address
	observe  bool
	stats    *proofs.Stats
	log      *slog.Logger
	clock    monitor.Clock
	every    time.Duration
	// heads carries the newest head the watcher saw (at most one waits).
	heads chan uint64

	mu      sync.Mutex
	reg     proofs.Registration
	problem string // registrationProblem of reg
	failing bool   // the last read failed (logged once)
}

func newRegistrationWatch(reader *registryReader, registry common.Address, reg proofs.Registration, observe bool,
	stats *proofs.Stats, log *slog.Logger, clock monitor.Clock, every time.Duration) *registrationWatch {
	w := &registrationWatch{reader: reader, registry: registry, observe: observe, stats: stats, log: log, clock: clock, every: every,
		heads: make(chan uint64, 1)}
	w.set(reg)
	return w
}

// noteHead hands the watch the head of a watcher poll without waiting: a
// head not read yet is replaced by the newer one.
func (w *registrationWatch) noteHead(head uint64) {
	select {
	case <-w.heads:
	default:
	}
	select {
	case w.heads <- head:
	default:
	}
}

// Refusal is nil while the account may promise action.
func (w *registrationWatch) Refusal() error {
	if w.observe {
		return monitor.Reject(monitor.ReasonObserveOnly, "this monitor runs in observe-only mode: it watches and records, and takes no requests")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.problem == "" {
		return nil
	}
	return monitor.Reject(monitor.ReasonMonitorNotRegistered, "this monitor is %s in the monitor registry %s: channels would refuse its updates, so it takes no requests",
		statusWords(w.reg.Status), w.reg.MonitorRegistry.Hex())
}

// healthObserveOnly is the registration part's state in observe-only mode.
const healthObserveOnly = "observe_only"

// health is the registration's part of /healthz. A monitor the registry
// does not count cannot keep a promise (channels refuse its updates), so
// that is unavailable, with what to do; observe-only is the operator's
// choice and healthy. The state is the last registration read.
func (w *registrationWatch) health() rest.HealthPart {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.observe:
		return rest.HealthPart{Status: rest.HealthOK, State: healthObserveOnly}
	case w.problem != "":
		return rest.HealthPart{Status: rest.HealthUnavailable, State: string(w.reg.Status),
			Error: string(monitor.ReasonMonitorNotRegistered), Message: w.problem}
	}
	return rest.HealthPart{Status: rest.HealthOK, State: string(w.reg.Status)}
}

func statusWords(s proofs.RegistrationStatus) string {
	switch s {
	case proofs.RegistrationExited:
		return "no longer active (exited)"
	case proofs.RegistrationNotYetActive:
		return "not yet active"
	}
	return "not registered"
}

// set records reg in the stats and says so in the log when the account's
// standing changed: at error when it lost it (the operator must act).
func (w *registrationWatch) set(reg proofs.Registration) {
	problem := registrationProblem(reg, w.registry, w.reader.account)
	w.mu.Lock()
	prev, first := w.reg, w.reg.MonitorRegistry == (common.Address{})
	w.reg, w.problem = reg, problem
	w.mu.Unlock()
	w.stats.SetChain(func(c *proofs.ChainStatus) { c.Registration = reg })
	switch {
	case first:
	case prev.Status == reg.Status:
		if prev.Deposit != nil && reg.Deposit != nil && reg.Deposit.Cmp(prev.Deposit) < 0 {
			w.log.Warn("the monitor's deposit was slashed: a client claimed a penalty for a receipt it did not honour", "deposit_wei", reg.Deposit.String(),
				"was_wei", prev.Deposit.String(), "min_deposit_wei", reg.MinDeposit.String())
		}
	case problem != "" && w.observe:
		w.log.Info("monitor registration changed", "status", string(reg.Status), "detail", problem)
	case problem != "":
		w.log.Error("the monitor registry no longer counts this monitor: it takes no new requests (monitor_not_registered) "+
			"and its updates for requests already receipted will be refused by the channels", "status", string(reg.Status),
			"deposit_wei", reg.Deposit.String(), "exit_block", reg.ExitAt, "what_to_do", problem)
	default:
		w.log.Info("monitor registration active", "monitor_registry", reg.MonitorRegistry.Hex(), "deposit_wei", reg.Deposit.String(),
			"active_from", reg.ActiveFrom)
	}
}

// checkAt reads the registration at head unless it was read there.
func (w *registrationWatch) checkAt(ctx context.Context, head uint64) {
	w.mu.Lock()
	last, failing := w.reg.CheckedBlock, w.failing
	w.mu.Unlock()
	if head == last {
		return
	}
	reg, err := w.reader.read(ctx, head)
	if err != nil {
		if ctx.Err() == nil && !failing {
			w.log.Warn("cannot read the monitor registration; the last one read stands until a read succeeds", "err", err)
		}
		w.mu.Lock()
		w.failing = true
		w.mu.Unlock()
		return
	}
	w.mu.Lock()
	w.failing = false
	w.mu.Unlock()
	w.set(reg)
}

// run reads the registration at every head the watcher notes, and, when
// none was noted for two poll intervals, at the head it reads itself,
// until ctx ends.
func (w *registrationWatch) run(ctx context.Context) error {
	t := time.NewTicker(w.every)
	defer t.Stop()
	noted := w.clock.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case head := <-w.heads:
			noted = w.clock.Now()
			w.checkAt(ctx, head)
		case <-t.C:
			if w.clock.Now().Sub(noted) < 2*w.every {
				continue
			}
			if head, err := w.reader.head(ctx); err == nil {
				w.checkAt(ctx, head)
			}
		}
	}
}
