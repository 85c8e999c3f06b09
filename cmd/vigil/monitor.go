package main

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"strconv"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/vigil-monitor/vigil/contracts"
)

// cmdMonitorRegister registers the caller's account in the monitor registry
// of a channel registry.
func cmdMonitorRegister(args []string, stdout, stderr io.Writer) error {
	f := newFlags("monitor register", `Registers your account as a monitor of the channels of --registry: locks
--deposit wei (at least the registry's minimum) in its MonitorRegistry and fixes
--payout (default: your account) as the address that receives your rewards.
The registration counts after the registry's activation delay; the payout can
only be changed by exiting, withdrawing and registering again. The deposit
backs every receipt your vigild signs: a client holding one for a proof you
did not submit can claim a penalty from it (docs/operations.md).`)
	depositS := f.String("deposit", "", "deposit in `WEI`, a decimal string (required)")
	payoutS := f.String("payout", "", "`ADDR` that receives the rewards (default: your account)")
	return monitorCmd(f, []string{"deposit"}, args, stdout, stderr, func(ctx context.Context, c *ethConn, monitors common.Address, out *txJSON) (*types.Receipt, error) {
		deposit, err := f.positive("deposit", *depositS)
		if err != nil {
			return nil, err
		}
		payout := c.from
		if *payoutS != "" {
			if payout, err = f.address("payout", *payoutS); err != nil {
				return nil, err
			}
		}
		reg, err := contracts.NewMonitorRegistryCaller(monitors, c.client)
		if err != nil {
			return nil, err
		}
		opts := &bind.CallOpts{Context: ctx}
		if cur, err := reg.Monitors(opts, c.from); err != nil {
			return nil, fmt.Errorf("read monitor registry %s: %w", monitors.Hex(), err)
		} else if cur.ActiveFrom != 0 {
			return nil, fmt.Errorf("%s is already registered (payout %s, deposit %s wei)", c.from.Hex(), cur.Payout.Hex(), cur.Deposit)
		}
		if min, err := reg.MinDeposit(opts); err == nil && deposit.Cmp(min) < 0 {
			return nil, fmt.Errorf("--deposit %s wei is below the registry's minimum of %s wei", deposit, min)
		}
		fmt.Fprintf(stderr, "registering %s with a deposit of %s wei, payout %s; waiting for it to be mined\n", c.from.Hex(), deposit, payout.Hex())
		out.Amount, out.Payout = deposit.String(), payout.Hex()
		return c.ops().Register(ctx, monitors, payout, new(big.Int).Set(deposit))
	})
}

// cmdMonitorExit announces the caller's exit from the monitor registry.
func cmdMonitorExit(args []string, stdout, stderr io.Writer) error {
	f := newFlags("monitor exit", `Ends your monitor registration at once (your updates are refused from this
block on) and starts the withdraw delay, after which monitor withdraw returns
the deposit.`)
	return monitorCmd(f, nil, args, stdout, stderr, func(ctx context.Context, c *ethConn, monitors common.Address, _ *txJSON) (*types.Receipt, error) {
		fmt.Fprintf(stderr, "announcing the exit of %s; waiting for it to be mined\n", c.from.Hex())
		return c.ops().AnnounceExit(ctx, monitors)
	})
}

// cmdMonitorWithdraw withdraws the caller's deposit after its exit.
func cmdMonitorWithdraw(args []string, stdout, stderr io.Writer) error {
	f := newFlags("monitor withdraw", `Returns your monitor deposit (what penalties left of it) once the withdraw
delay after your exit is over, and deletes your registration.`)
	return monitorCmd(f, nil, args, stdout, stderr, func(ctx context.Context, c *ethConn, monitors common.Address, _ *txJSON) (*types.Receipt, error) {
		fmt.Fprintf(stderr, "withdrawing the deposit of %s; waiting for it to be mined\n", c.from.Hex())
		return c.ops().WithdrawDeposit(ctx, monitors)
	})
}

// monitorCmd parses --registry and the eth flags, connects, finds the
// registry's MonitorRegistry and runs send, printing its receipt.
func monitorCmd(f *flagSet, required []string, args []string, stdout, stderr io.Writer,
	send func(context.Context, *ethConn, common.Address, *txJSON) (*types.Receipt, error)) error {
	registryS := f.String("registry", "", "`ADDR` of the ChannelRegistry (required)")
	e := addEthFlags(f, true)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need(append([]string{"registry"}, required...)...); err != nil {
		return err
	}
	registry, err := f.address("registry", *registryS)
	if err != nil {
		return err
	}
	expect, err := e.check()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *e.timeout)
	defer cancel()
	c, err := e.connect(ctx, expect)
	if err != nil {
		return err
	}
	defer c.close()
	monitors, err := c.ops().MonitorRegistryOf(ctx, registry)
	if err != nil {
		return fmt.Errorf("--registry %s does not look like a ChannelRegistry with a monitor registry: %w", registry.Hex(), err)
	}
	out := txJSON{Registry: registry.Hex(), MonitorRegistry: monitors.Hex(), From: c.from.Hex()}
	r, err := send(ctx, c, monitors, &out)
	if err != nil {
		return explainRevert(err)
	}
	out.receipt(r)
	return printJSON(stdout, out)
}

// monitorJSON is one registration as `vigil monitors` prints it.
type monitorJSON struct {
	Monitor    string `json:"monitor"`
	Payout     string `json:"payout"`
	DepositWei string `json:"deposit_wei"`
	ActiveFrom string `json:"active_from"`
	ExitAt     string `json:"exit_at,omitempty"`
	Active     bool   `json:"active"`
	// AgeBlocks is how many blocks the registration has counted (0 before activeFrom).
	AgeBlocks string `json:"age_blocks"`
}

// cmdMonitors lists the monitors registered in a channel registry's
// MonitorRegistry.
func cmdMonitors(args []string, stdout, stderr io.Writer) error {
	f := newFlags("monitors", `Lists the monitors registered in the MonitorRegistry of --registry (from its
MonitorRegistered events, read back from the registry): deposit, payout, the
block the registration counts from, its age in blocks, and the exit block of
a monitor that announced it. Withdrawn registrations are not listed.`)
	registryS := f.String("registry", "", "`ADDR` of the ChannelRegistry (required)")
	e := addEthFlags(f, false)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("registry"); err != nil {
		return err
	}
	registry, err := f.address("registry", *registryS)
	if err != nil {
		return err
	}
	expect, err := e.check()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *e.timeout)
	defer cancel()
	c, err := e.connect(ctx, expect)
	if err != nil {
		return err
	}
	defer c.close()
	monitors, err := c.ops().MonitorRegistryOf(ctx, registry)
	if err != nil {
		return fmt.Errorf("--registry %s does not look like a ChannelRegistry with a monitor registry: %w", registry.Hex(), err)
	}
	reg, err := contracts.NewMonitorRegistry(monitors, c.client)
	if err != nil {
		return err
	}
	head, err := c.client.BlockNumber(ctx)
	if err != nil {
		return err
	}
	it, err := reg.FilterMonitorRegistered(&bind.FilterOpts{Context: ctx}, nil, nil)
	if err != nil {
		return fmt.Errorf("read MonitorRegistered events of %s: %w", monitors.Hex(), err)
	}
	defer it.Close()
	seen := map[common.Address]bool{}
	out := struct {
		Registry        string        `json:"registry"`
		MonitorRegistry string        `json:"monitor_registry"`
		Head            string        `json:"head"`
		Monitors        []monitorJSON `json:"monitors"`
	}{Registry: registry.Hex(), MonitorRegistry: monitors.Hex(), Head: strconv.FormatUint(head, 10), Monitors: []monitorJSON{}}
	opts := &bind.CallOpts{Context: ctx}
	for it.Next() {
		m := it.Event.Monitor
		if seen[m] {
			continue
		}
		seen[m] = true
		rec, err := reg.Monitors(opts, m)
		if err != nil {
			return fmt.Errorf("read the registration of %s: %w", m.Hex(), err)
		}
		if rec.ActiveFrom == 0 {
			continue // withdrawn
		}
		j := monitorJSON{Monitor: m.Hex(), Payout: rec.Payout.Hex(), DepositWei: rec.Deposit.String(),
			ActiveFrom: strconv.FormatUint(rec.ActiveFrom, 10), AgeBlocks: "0"}
		end := head + 1
		if rec.ExitAt != 0 {
			j.ExitAt = strconv.FormatUint(rec.ExitAt, 10)
			end = min(end, rec.ExitAt)
		}
		j.Active = rec.ActiveFrom <= head && (rec.ExitAt == 0 || head < rec.ExitAt)
		if end > rec.ActiveFrom {
			j.AgeBlocks = strconv.FormatUint(end-rec.ActiveFrom, 10)
		}
		out.Monitors = append(out.Monitors, j)
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("read MonitorRegistered events of %s: %w", monitors.Hex(), err)
	}
	return printJSON(stdout, out)
}
