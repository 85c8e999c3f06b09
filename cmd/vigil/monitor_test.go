package main

import (
	"math/big"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
)

// TestMonitorRegistration drives a monitor's registration through the CLI:
// a registry deployed with its monitor parameters, a registration below the
// minimum refused, one at it recorded with its payout, a second refused, an
// exit, a withdrawal refused before the delay and accepted after it.
func TestMonitorRegistration(t *testing.T) {
	chain := ethtest.New(t, 2)
	m := newMiner(t, chain)
	dir := t.TempDir()
	pw := writeFile(t, dir, "password", "pw\n")
	op := newAccount(t, filepath.Join(dir, "op"), pw)
	fund(t, chain, chain.Keys[0], op.addr, new(big.Int).Mul(big.NewInt(10), ethtest.Ether))
	payout := common.HexToAddress("0x00000000000000000000000000000000000000Aa")

	cli(ethArgs(chain, op, pw, "eth", "deploy-registry", "--max-settle-timeout", "10", "--withdraw-delay", "19")...).
		fails(t, exitUsage, "--withdraw-delay 19 must be at least twice --max-settle-timeout 10")
	cli(ethArgs(chain, op, pw, "eth", "deploy-registry", "--activation-delay", "0")...).
		fails(t, exitUsage, "--activation-delay must be at least 1 block")
	var dep txJSON
	m.run(t, ethArgs(chain, op, pw, "eth", "deploy-registry", "--max-settle-timeout", "10", "--withdraw-delay", "20",
		"--activation-delay", "2", "--min-deposit", milliEther(500).String())...).ok(t).decode(t, &dep)
	if !common.IsHexAddress(dep.MonitorRegistry) {
		t.Fatalf("deploy-registry printed no monitor registry: %+v", dep)
	}
	monitors, err := contracts.NewMonitorRegistry(common.HexToAddress(dep.MonitorRegistry), chain.Client)
	if err != nil {
		t.Fatal(err)
	}

	cli(ethArgs(chain, op, pw, "monitor", "register", "--registry", dep.Registry, "--deposit", milliEther(499).String())...).
		fails(t, exitFailure, "below the registry's minimum")
	var reg txJSON
	m.run(t, ethArgs(chain, op, pw, "monitor", "register", "--registry", dep.Registry, "--deposit", milliEther(600).String(),
		"--payout", payout.Hex())...).ok(t).decode(t, &reg)
	if reg.Payout != payout.Hex() || reg.Amount != milliEther(600).String() || reg.MonitorRegistry != dep.MonitorRegistry {
		t.Fatalf("monitor register output: %+v", reg)
	}
	rec, err := monitors.Monitors(&bind.CallOpts{}, op.addr)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Payout != payout || rec.Deposit.Cmp(milliEther(600)) != 0 || rec.ActiveFrom != uint64(atoiT(t, reg.Block))+2 {
		t.Fatalf("registration on chain: %+v", rec)
	}
	cli(ethArgs(chain, op, pw, "monitor", "register", "--registry", dep.Registry, "--deposit", milliEther(600).String())...).
		fails(t, exitFailure, "is already registered")
	list := func() []monitorJSON {
		t.Helper()
		var out struct {
			Registry        string        `json:"registry"`
			MonitorRegistry string        `json:"monitor_registry"`
			Head            string        `json:"head"`
			Monitors        []monitorJSON `json:"monitors"`
		}
		cli("monitors", "--rpc", chain.URL, "--registry", dep.Registry).ok(t).decode(t, &out)
		return out.Monitors
	}
	chain.Mine(2)
	if l := list(); len(l) != 1 || l[0].Monitor != op.addr.Hex() || l[0].Payout != payout.Hex() ||
		l[0].DepositWei != milliEther(600).String() || !l[0].Active || l[0].AgeBlocks == "0" || l[0].ExitAt != "" {
		t.Fatalf("monitors after registering: %+v", l)
	}

	var exit txJSON
	m.run(t, ethArgs(chain, op, pw, "monitor", "exit", "--registry", dep.Registry)...).ok(t).decode(t, &exit)
	cli(ethArgs(chain, op, pw, "monitor", "withdraw", "--registry", dep.Registry)...).fails(t, exitFailure, "WithdrawTooEarly")
	if l := list(); len(l) != 1 || l[0].Active || l[0].ExitAt != exit.Block {
		t.Fatalf("monitors after the exit: %+v", l)
	}
	for chain.Head(t) < uint64(atoiT(t, exit.Block))+20 {
		chain.Mine(1)
	}
	before := chain.Balance(t, op.addr)
	m.run(t, ethArgs(chain, op, pw, "monitor", "withdraw", "--registry", dep.Registry)...).ok(t)
	if got := new(big.Int).Sub(chain.Balance(t, op.addr), before); got.Cmp(milliEther(590)) < 0 {
		t.Fatalf("withdraw returned %s wei, want the 0.6 ether deposit less the fee", got)
	}
	if rec, err := monitors.Monitors(&bind.CallOpts{}, op.addr); err != nil || rec.ActiveFrom != 0 {
		t.Fatalf("registration after withdraw: %+v (%v)", rec, err)
	}
	if l := list(); len(l) != 0 {
		t.Fatalf("monitors after the withdrawal: %+v", l)
	}
}

func atoiT(t *testing.T, s string) int64 {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("not a number: %q", s)
	}
	return n.Int64()
}
