package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	ethchain "github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// registryView judges receipts' monitors by the monitor registry of the
// request's channel: the registry whose deposit a penalty claim with the
// receipt slashes (NettingChannel.monitorRegistry). A receipt counts when
// its monitor is registered and active there now.
type registryView struct {
	client   *ethclient.Client
	monitors common.Address
	caller   *contracts.MonitorRegistryCaller
	// judged caches each monitor's verdict for the command's run.
	judged map[common.Address]string
}

// dialRegistry connects to the node at url, checks it is on chainID and
// reads channel's monitor registry, which must be want when want is set.
func dialRegistry(ctx context.Context, url string, chainID *big.Int, channel, want common.Address) (*registryView, error) {
	client, nodeChain, err := ethchain.Dial(ctx, url, nil, dialTimeout)
	if err != nil {
		return nil, fmt.Errorf("--eth-rpc: %w", err)
	}
	fail := func(err error) (*registryView, error) {
		client.Close()
		return nil, err
	}
	if nodeChain.Cmp(chainID) != 0 {
		return fail(fmt.Errorf("--eth-rpc %s is a node of chain %s, not of chain %s", url, nodeChain, chainID))
	}
	ch, err := contracts.NewNettingChannelCaller(channel, client)
	if err != nil {
		return fail(err)
	}
	monitors, err := ch.MonitorRegistry(&bind.CallOpts{Context: ctx})
	if err != nil {
		return fail(fmt.Errorf("channel %s names no monitor registry on chain %s (not a channel of protocol version 2?): %v", channel.Hex(), chainID, err))
	}
	if want != (common.Address{}) && want != monitors {
		return fail(fmt.Errorf("the monitor registry of channel %s is %s, not --monitor-registry %s", channel.Hex(), monitors.Hex(), want.Hex()))
	}
	caller, err := contracts.NewMonitorRegistryCaller(monitors, client)
	if err != nil {
		return fail(err)
	}
	return &registryView{client: client, monitors: monitors, caller: caller, judged: map[common.Address]string{}}, nil
}

func (v *registryView) close() { v.client.Close() }

// judge says whether a verified receipt's monitor (key, its address) counts:
// the receipt names no other monitor registry than the channel's, and the
// monitor is registered and active there; else why not.
func (v *registryView) judge(ctx context.Context, key string, content []byte) (bool, string) {
	var d struct {
		MonitorRegistry string `json:"monitor_registry"`
	}
	if json.Unmarshal(content, &d) == nil && d.MonitorRegistry != "" {
		named, err := proofs.ParseAddress("monitor_registry", d.MonitorRegistry)
		if err != nil {
			return false, message(err)
		}
		if named != v.monitors {
			return false, fmt.Sprintf("it names the monitor registry %s, not the channel's %s", named.Hex(), v.monitors.Hex())
		}
	}
	mon := common.HexToAddress(key)
	if why, ok := v.judged[mon]; ok {
		return why == "", why
	}
	head, err := v.client.BlockNumber(ctx)
	if err != nil {
		return false, fmt.Sprintf("cannot read the monitor registry: %v", err)
	}
	rec, err := v.caller.Monitors(&bind.CallOpts{Context: ctx, BlockNumber: new(big.Int).SetUint64(head)}, mon)
	if err != nil {
		return false, fmt.Sprintf("cannot read the monitor registry: %v", err)
	}
	reg := proofs.Registration{ActiveFrom: rec.ActiveFrom, ExitAt: rec.ExitAt}
	why := ""
	switch reg.StatusAt(head) {
	case proofs.RegistrationNotRegistered:
		why = fmt.Sprintf("its monitor %s is not registered in the channel's monitor registry %s: no deposit backs its receipt", mon.Hex(), v.monitors.Hex())
	case proofs.RegistrationExited:
		why = fmt.Sprintf("its monitor %s left the channel's monitor registry %s at block %d", mon.Hex(), v.monitors.Hex(), rec.ExitAt)
	case proofs.RegistrationNotYetActive:
		why = fmt.Sprintf("its monitor %s counts in the channel's monitor registry %s only from block %d", mon.Hex(), v.monitors.Hex(), rec.ActiveFrom)
	}
	v.judged[mon] = why
	return why == "", why
}
