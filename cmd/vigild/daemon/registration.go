package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// chainCaller reads contracts and the head.
type chainCaller interface {
	bind.ContractCaller
	BlockNumber(ctx context.Context) (uint64, error)
}

// checkRegistration checks that account is a monitor active in the channel
// registry's MonitorRegistry (the one configured, when configured, must be
// it) and returns its registration, whose payout is the one channels pay:
// they refuse the updates of any other account. The errors say what the
// operator has to do.
func checkRegistration(ctx context.Context, node chainCaller, registry, configured, account, payout common.Address, timeout time.Duration) (proofs.Registration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	opts := &bind.CallOpts{Context: ctx}
	reg, err := contracts.NewChannelRegistryCaller(registry, node)
	if err != nil {
		return proofs.Registration{}, err
	}
	monitors, err := reg.MonitorRegistry(opts)
	if err != nil {
		return proofs.Registration{}, fmt.Errorf("ethereum.registry_address %s has no monitor registry (a registry deployed before protocol version 2?): %w", registry.Hex(), err)
	}
	if configured != (common.Address{}) && configured != monitors {
		return proofs.Registration{}, fmt.Errorf("ethereum.monitor_registry_address %s is not the monitor registry %s of the channel registry %s",
			configured.Hex(), monitors.Hex(), registry.Hex())
	}
	m, err := contracts.NewMonitorRegistryCaller(monitors, node)
	if err != nil {
		return proofs.Registration{}, err
	}
	rec, err := m.Monitors(opts, account)
	if err != nil {
		return proofs.Registration{}, fmt.Errorf("read monitor registry %s: %w", monitors.Hex(), err)
	}
	if rec.ActiveFrom == 0 {
		min, _ := m.MinDeposit(opts)
		return proofs.Registration{}, fmt.Errorf("the operator account %s is not registered in the monitor registry %s, so channels would refuse its updates: "+
			"register it with `vigil monitor register --registry %s --deposit WEI` (minimum deposit %v wei)", account.Hex(), monitors.Hex(), registry.Hex(), min)
	}
	if rec.ExitAt != 0 {
		return proofs.Registration{}, fmt.Errorf("the operator account %s announced its exit from the monitor registry %s at block %d: channels refuse its updates; "+
			"withdraw and register again (vigil monitor withdraw, vigil monitor register)", account.Hex(), monitors.Hex(), rec.ExitAt)
	}
	head, err := node.BlockNumber(ctx)
	if err != nil {
		return proofs.Registration{}, fmt.Errorf("read the head: %w", err)
	}
	if head < rec.ActiveFrom {
		return proofs.Registration{}, fmt.Errorf("the operator account %s is registered in the monitor registry %s but counts only from block %d (head %d): start vigild then",
			account.Hex(), monitors.Hex(), rec.ActiveFrom, head)
	}
	if payout != (common.Address{}) && payout != rec.Payout {
		return proofs.Registration{}, fmt.Errorf("ethereum.payout_address %s is not the payout %s the operator account %s registered; channels pay the registered one: "+
			"unset ethereum.payout_address or set it to %s", payout.Hex(), rec.Payout.Hex(), account.Hex(), rec.Payout.Hex())
	}
	return proofs.Registration{MonitorRegistry: monitors, Deposit: rec.Deposit, ActiveFrom: rec.ActiveFrom, Payout: rec.Payout}, nil
}
