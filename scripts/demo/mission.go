package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// The mission's figures.
var (
	ether       = big.NewInt(1_000_000_000_000_000_000)
	milliEther  = big.NewInt(1_000_000_000_000_000)
	settleBlock = uint64(10) // challenge period of both channels, in blocks (~10 s on geth --dev)

	goodReward = new(big.Int).Mul(big.NewInt(2), milliEther) // alice offers 0.002 ETH
	tinyReward = big.NewInt(1000)                            // carol offers 1000 wei
)

// Lightning figures, in satoshi.
const (
	lnCapacity  = 1_000_000
	lnDelay     = 144    // to_self_delay
	lnBounty    = 20_000 // promised to the watchtower
	lnFeeMargin = 5_000  // left in the surplus for the justice fee
)

// account is a keystore account made with `vigil account new`.
type account struct {
	name, addr string
	keystore   string // as the CLI printed it: relative to the workdir
}

// pw is the Matrix password of a demo user.
func (d *demo) pw(user string) string { return "demo-" + user + "-password" }

// vigil runs the real CLI in the workdir and returns its stdout. The
// command and its output are appended to commands.log.
func (d *demo) vigil(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(d.bin, "vigil"), args...)
	cmd.Dir = d.work
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	d.mu.Lock()
	fmt.Fprintf(d.cmds, "$ vigil %s\n%s", shellQuote(args), stdout.String())
	if stderr.Len() > 0 {
		fmt.Fprintf(d.cmds, "(stderr) %s", stderr.String())
	}
	fmt.Fprintf(d.cmds, "(exit: %v, %.2fs)\n\n", exitText(err), time.Since(t0).Seconds())
	d.mu.Unlock()
	if err != nil {
		name := strings.Join(args[:min(2, len(args))], " ")
		return stdout.Bytes(), fmt.Errorf("vigil %s: %v: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

func exitText(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}

// vigilJSON runs the CLI and decodes its JSON answer.
func (d *demo) vigilJSON(ctx context.Context, out any, args ...string) error {
	b, err := d.vigil(ctx, args...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("vigil %s: unexpected output %q: %w", strings.Join(args[:min(2, len(args))], " "), b, err)
	}
	return nil
}

// eth runs an `vigil eth` command as the named account.
func (d *demo) eth(ctx context.Context, who, sub string, out any, args ...string) error {
	a := d.accounts[who]
	full := append([]string{"eth", sub}, args...)
	full = append(full, "--rpc", d.ethURL, "--keystore", a.keystore, "--password-file", "keys/password", "--chain-id", d.chainID.String())
	return d.vigilJSON(ctx, out, full...)
}

// txOut is the part of an `vigil eth` answer the demo reads.
type txOut struct {
	Registry          string `json:"registry"`
	MonitorRegistry   string `json:"monitor_registry"`
	Payout            string `json:"payout"`
	Channel           string `json:"channel_address"`
	Total             string `json:"total"`
	TxHash            string `json:"tx_hash"`
	Block             string `json:"block"`
	GasUsed           string `json:"gas_used"`
	Participant1      string `json:"participant1_amount"`
	Participant2      string `json:"participant2_amount"`
	RewardPayout      string `json:"reward_payout"`
	RewardPaid        string `json:"reward_paid"`
	Nonce             string `json:"nonce"`
	TransferredAmount string `json:"transferred_amount"`
}

// write saves data under the workdir and returns the relative path.
func (d *demo) write(rel string, data []byte) (string, error) {
	p := filepath.Join(d.work, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	return rel, os.WriteFile(p, data, 0o600)
}

// prepare makes the keystore accounts, funds them from geth's developer
// account, registers the Matrix users and deploys the ChannelRegistry.
func (d *demo) prepare(ctx context.Context) error {
	d.n.section("accounts, funds and the ChannelRegistry")
	var err error
	if d.pwFile, err = d.write("keys/password", []byte("demo-keystore-password\n")); err != nil {
		return err
	}
	d.pwFile = filepath.Join(d.work, d.pwFile)
	names := []string{"alice", "bob", "carol", "dave", "vigil", "payout"}
	d.n.step("create keystore accounts with `vigil account new --light`: %s", strings.Join(names, ", "))
	for _, name := range names {
		var a struct {
			Address      string `json:"address"`
			KeystoreFile string `json:"keystore_file"`
		}
		if err := d.vigilJSON(ctx, &a, "account", "new", "--keystore-dir", "keys/"+name, "--password-file", "keys/password", "--light"); err != nil {
			return err
		}
		d.accounts[name] = account{name: name, addr: a.Address, keystore: a.KeystoreFile}
		d.n.say("%-6s %s", name, a.Address)
	}
	d.n.say("vigil is the monitor's operator account (it pays the gas); payout only receives rewards")

	d.n.step("fund them from geth's developer account (eth_sendTransaction)")
	funds := map[string]*big.Int{"alice": mul(ether, 10), "bob": mul(ether, 10), "carol": mul(ether, 10),
		"dave": mul(ether, 10), "vigil": mul(ether, 2)}
	var hashes []string
	for _, name := range names[:5] {
		var h string
		if err := rpcCall(ctx, d.ethURL, "", "", "eth_sendTransaction", []any{map[string]string{
			"from": d.devAccount, "to": d.accounts[name].addr, "value": "0x" + funds[name].Text(16)}}, &h); err != nil {
			return err
		}
		hashes = append(hashes, h)
	}
	for i, h := range hashes {
		block, err := d.waitReceipt(ctx, h)
		if err != nil {
			return err
		}
		d.n.say("%-6s +%s  tx %s (block %d)", names[i], fmtEth(funds[names[i]]), h, block)
	}

	// Matrix users and btcd's payout address meanwhile need no chain.
	for _, u := range []string{"alice", "carol"} {
		if _, err := d.registerMatrix(ctx, u, d.pw(u)); err != nil {
			return err
		}
		if _, err := d.write("keys/"+u+"-matrix.password", []byte(d.pw(u)+"\n")); err != nil {
			return err
		}
	}
	d.n.say("Matrix users @alice:%s and @carol:%s registered (shared-secret admin registration)", serverName, serverName)
	payoutKey, err := btcec.NewPrivateKey()
	if err != nil {
		return err
	}
	pa, err := address.NewAddressWitnessPubKeyHash(address.Hash160(payoutKey.PubKey().SerializeCompressed()), &chaincfg.RegressionNetParams)
	if err != nil {
		return err
	}
	d.btcPayout, d.btcPayoutScript = pa.EncodeAddress(), lntest.P2WPKH(payoutKey.PubKey())
	if _, err := d.write("keys/btc-payout.key", []byte(hex.EncodeToString(payoutKey.Serialize())+"\n")); err != nil {
		return err
	}

	d.n.step("deploy the ChannelRegistry and its MonitorRegistry: vigil eth deploy-registry (from alice)")
	var dep txOut
	if err := d.eth(ctx, "alice", "deploy-registry", &dep, "--max-settle-timeout", "1000", "--withdraw-delay", "2000",
		"--activation-delay", strconv.Itoa(demoActivationDelay), "--min-deposit", ether.String()); err != nil {
		return err
	}
	d.registry, d.registryBlock = dep.Registry, atoi(dep.Block)
	d.n.say("registry %s  tx %s (block %s, %s gas); vigild scans from this block", dep.Registry, dep.TxHash, dep.Block, dep.GasUsed)
	d.n.say("monitor registry %s: a 1 ETH deposit, counting %d blocks after registration, locked 2000 blocks after an exit",
		dep.MonitorRegistry, demoActivationDelay)

	d.n.step("register vigil as a monitor: vigil monitor register --deposit 1 ETH --payout payout (from vigil)")
	var reg txOut
	a := d.accounts["vigil"]
	if err := d.vigilJSON(ctx, &reg, "monitor", "register", "--registry", d.registry, "--deposit", ether.String(),
		"--payout", d.accounts["payout"].addr, "--rpc", d.ethURL, "--keystore", a.keystore, "--password-file", "keys/password",
		"--chain-id", d.chainID.String()); err != nil {
		return err
	}
	d.n.say("vigil registered  tx %s (block %s, %s gas); rewards go to payout %s, fixed in the registry", reg.TxHash, reg.Block, reg.GasUsed, reg.Payout)
	active := uint64(atoi(reg.Block)) + demoActivationDelay
	return poll(ctx, time.Duration(demoActivationDelay+10)*2*time.Second, 200*time.Millisecond, fmt.Sprintf("block %d", active), func() (bool, string, error) {
		n, err := d.blockNumber(ctx)
		return n >= active, fmt.Sprintf("head %d", n), err
	})
}

// demoActivationDelay is the demo registry's activation delay, in blocks.
const demoActivationDelay = 2

// waitReceipt waits until the transaction is mined and returns its block.
func (d *demo) waitReceipt(ctx context.Context, hash string) (uint64, error) {
	var block uint64
	err := poll(ctx, 30*time.Second, 100*time.Millisecond, "transaction "+hash+" to be mined", func() (bool, string, error) {
		var r *struct {
			Status      string `json:"status"`
			BlockNumber string `json:"blockNumber"`
		}
		if err := rpcCall(ctx, d.ethURL, "", "", "eth_getTransactionReceipt", []any{hash}, &r); err != nil {
			return false, err.Error(), nil
		}
		if r == nil {
			return false, "not mined", nil
		}
		if r.Status != "0x1" {
			return false, "", fmt.Errorf("transaction %s failed (status %s)", hash, r.Status)
		}
		block, _ = strconv.ParseUint(strings.TrimPrefix(r.BlockNumber, "0x"), 16, 64)
		return true, "", nil
	})
	return block, err
}

// channelSetup opens a channel from opener to partner and funds it; the
// opener also deposits the monitoring reward. Both deposits go out at once.
func (d *demo) channelSetup(ctx context.Context, label, opener, partner string, depOpener, depPartner, reward *big.Int) (string, error) {
	var open txOut
	if err := d.eth(ctx, opener, "open", &open, "--registry", d.registry, "--partner", d.accounts[partner].addr,
		"--settle-timeout", strconv.FormatUint(settleBlock, 10)); err != nil {
		return "", err
	}
	d.n.say("channel %s %s: %s opened it with %s (settle timeout %d blocks)  tx %s (block %s)",
		label, open.Channel, opener, partner, settleBlock, open.TxHash, open.Block)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	deposit := func(i int, who string, amount *big.Int) {
		defer wg.Done()
		var dep txOut
		if errs[i] = d.eth(ctx, who, "deposit", &dep, "--channel", open.Channel, "--amount", amount.String()); errs[i] == nil {
			d.n.say("channel %s: %s deposits %s  tx %s (block %s)", label, who, fmtEth(amount), dep.TxHash, dep.Block)
		}
	}
	wg.Add(2)
	go deposit(0, opener, depOpener)
	go deposit(1, partner, depPartner)
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		return "", fmt.Errorf("deposits: %v; %v", errs[0], errs[1])
	}
	var rd txOut
	if err := d.eth(ctx, opener, "deposit-reward", &rd, "--channel", open.Channel, "--amount", reward.String()); err != nil {
		return "", err
	}
	d.n.say("channel %s: %s deposits a monitoring reward of %s (locked until settle; pays whoever corrects a stale close)  tx %s (block %s)",
		label, opener, fmtEth(reward), rd.TxHash, rd.Block)
	return open.Channel, nil
}

// signProof is `vigil sign-proof`: who signs her transfers to her partner.
func (d *demo) signProof(ctx context.Context, who, channel string, nonce uint64, transferred *big.Int, file string) error {
	b, err := d.vigil(ctx, "sign-proof", "--keystore", d.accounts[who].keystore, "--password-file", "keys/password",
		"--chain-id", d.chainID.String(), "--channel", channel, "--nonce", strconv.FormatUint(nonce, 10),
		"--transferred", transferred.String())
	if err != nil {
		return err
	}
	_, err = d.write(file, b)
	return err
}

// signRequest is `vigil sign-request`: who asks monitors to submit her
// partner's proof, for reward.
func (d *demo) signRequest(ctx context.Context, who, channel, proofFile string, reward *big.Int, file string) error {
	b, err := d.vigil(ctx, "sign-request", "--keystore", d.accounts[who].keystore, "--password-file", "keys/password",
		"--chain-id", d.chainID.String(), "--channel", channel, "--proof", proofFile, "--reward", reward.String())
	if err != nil {
		return err
	}
	_, err = d.write(file, b)
	return err
}

// broadcast posts a request file to the room as who; with wait it waits
// for one verified receipt. It returns the JSON lines printed.
func (d *demo) broadcast(ctx context.Context, kind, who, file string, wait bool, extra ...string) ([]map[string]any, error) {
	args := []string{"broadcast", kind, "--homeserver", d.hsURL, "--user", "@" + who + ":" + serverName,
		"--password-file", "keys/" + who + "-matrix.password", "--room", roomAlias, "--file", file, "--timeout", "60s"}
	if wait {
		// Only receipts from the monitor the client chose count: vigild's
		// operator account (its appointment receipts' key has that address).
		args = append(args, "--wait-receipts", "1", "--trust", d.accounts["vigil"].addr)
	}
	args = append(args, extra...)
	b, err := d.vigil(ctx, args...)
	if err != nil {
		return nil, err
	}
	var lines []map[string]any
	for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			return nil, fmt.Errorf("broadcast %s: unexpected output %q", kind, l)
		}
		lines = append(lines, m)
	}
	if len(lines) == 0 || (wait && len(lines) < 2) {
		return nil, fmt.Errorf("broadcast %s printed %d lines", kind, len(lines))
	}
	return lines, nil
}

// missionRequests: two channels, two monitoring requests through the room;
// one accepted with a verified receipt, one declined as not worth the gas.
func (d *demo) missionRequests(ctx context.Context) error {
	d.n.section("a. two Ethereum channels; their owners ask the room's monitors to watch them")
	chA, chB, err := d.openChannels(ctx)
	if err != nil {
		return err
	}
	d.chA = chA
	if err := d.payOffChain(ctx, chA, chB); err != nil {
		return err
	}
	if err := d.requestAccepted(ctx, chA); err != nil {
		return err
	}
	return d.requestDeclined(ctx, chB)
}

// openChannels opens and funds channel A (alice, bob) and channel B
// (carol, dave) side by side.
func (d *demo) openChannels(ctx context.Context) (chA, chB string, err error) {
	d.n.step("open and fund channel A (alice, bob) and channel B (carol, dave) side by side")
	var wg sync.WaitGroup
	var errA, errB error
	wg.Add(2)
	go func() {
		defer wg.Done()
		chA, errA = d.channelSetup(ctx, "A", "alice", "bob", mul(ether, 5), mul(ether, 3), goodReward)
	}()
	go func() {
		defer wg.Done()
		chB, errB = d.channelSetup(ctx, "B", "carol", "dave", mul(ether, 2), mul(ether, 2), mul(milliEther, 1))
	}()
	wg.Wait()
	if errA != nil || errB != nil {
		return "", "", fmt.Errorf("channel A: %v; channel B: %v", errA, errB)
	}
	return chA, chB, nil
}

// payOffChain signs the balance proofs of the payments in both channels.
func (d *demo) payOffChain(ctx context.Context, chA, chB string) error {
	d.n.step("off-chain payments (nothing on chain): balance proofs signed with `vigil sign-proof`")
	// alice paid bob 1 ETH in 7 payments; her newest proof is bob's to use.
	if err := d.signProof(ctx, "alice", chA, 7, ether, "proofs/alice-to-bob-7.json"); err != nil {
		return err
	}
	d.n.say("alice paid bob 1 ETH in 7 payments: her proof (nonce 7, 1 ETH) is with bob")
	bobSent := mul(milliEther, 400)
	if err := d.signProof(ctx, "bob", chA, 4, bobSent, "proofs/bob-to-alice-4.json"); err != nil {
		return err
	}
	d.n.say("bob paid alice 0.4 ETH in 4 payments: his newest proof (nonce 4, 0.4 ETH) is with alice")
	if err := d.signProof(ctx, "dave", chB, 2, mul(milliEther, 50), "proofs/dave-to-carol-2.json"); err != nil {
		return err
	}
	d.n.say("dave paid carol 0.05 ETH in 2 payments: his proof (nonce 2) is with carol")
	return nil
}

// requestAccepted: alice asks the room to guard bob's proof for a good
// reward; vigil accepts and signs a receipt the CLI verifies.
func (d *demo) requestAccepted(ctx context.Context, chA string) error {
	// The threshold as vigild computes it: the node's gas price and the
	// updateTransfer gas vigild expects on this chain (stats), so that the
	// narration and vigild's log give the same figures.
	gasPrice, err := d.gasPrice(ctx)
	if err != nil {
		return err
	}
	st, err := d.stats(ctx)
	if err != nil {
		return err
	}
	updateGas := st.Ethereum.UpdateGas
	policy := proofs.Policy{ProfitFactor: 1.5, UpdateGas: updateGas}
	threshold := policy.GasCost(gasPrice)
	d.n.step("alice goes offline soon: she asks the monitors to guard bob's proof, for a reward of %s", fmtEth(goodReward))
	if err := d.signRequest(ctx, "alice", chA, "proofs/bob-to-alice-4.json", goodReward, "requests/alice.json"); err != nil {
		return err
	}
	lines, err := d.broadcast(ctx, "balance-proof", "alice", "requests/alice.json", true, "--chain-id", d.chainID.String())
	if err != nil {
		return err
	}
	d.res.AcceptedEvent, _ = lines[0]["event_id"].(string)
	r := lines[1]
	if r["verified"] != true {
		return fmt.Errorf("alice's receipt did not verify: %v", r)
	}
	d.n.say("posted %s to %s: `vigil sign-request` then `vigil broadcast balance-proof --wait-receipts 1 --trust <vigil>`", d.res.AcceptedEvent, roomAlias)
	d.n.say("vigil ACCEPTED it: %s >= its threshold (profit factor 1.5 x %d gas for updateTransfer x the node's gas price, %s wei a moment ago: about %s)",
		fmtEth(goodReward), updateGas, gasPrice, fmtEth(threshold))
	d.n.say("receipt %v from monitor %v: EIP-712 signature verified by the CLI", r["receipt_event_id"], r["monitor"])
	return nil
}

// requestDeclined: carol offers too little for channel B; vigil declines
// and says why in its stats and its log.
func (d *demo) requestDeclined(ctx context.Context, chB string) error {
	d.n.step("carol offers only %s wei for channel B", tinyReward)
	if err := d.signRequest(ctx, "carol", chB, "proofs/dave-to-carol-2.json", tinyReward, "requests/carol.json"); err != nil {
		return err
	}
	lines, err := d.broadcast(ctx, "balance-proof", "carol", "requests/carol.json", false)
	if err != nil {
		return err
	}
	d.n.say("posted %v to the room (no receipt is expected for a declined request)", lines[0]["event_id"])
	err = poll(ctx, 30*time.Second, 100*time.Millisecond, "vigil to decline carol's request", func() (bool, string, error) {
		s, err := d.stats(ctx)
		if err != nil {
			return false, err.Error(), nil
		}
		return s.Matrix.RejectedBy[string(monitor.ReasonRewardBelowGasCost)] >= 1, fmt.Sprintf("room rejections %v", s.Matrix.RejectedBy), nil
	})
	if err != nil {
		return err
	}
	// Show it the way an operator or the client sees it: vigil stats.
	var cli monitor.StatsSnapshot
	if err := d.vigilJSON(ctx, &cli, "stats", "--api", d.api); err != nil {
		return err
	}
	d.res.Declined = cli.Matrix.RejectedBy[string(monitor.ReasonRewardBelowGasCost)]
	byReason, _ := json.Marshal(cli.Matrix.RejectedBy)
	d.n.say("vigil DECLINED it: reason %q in `vigil stats` (matrix.rejected_by_reason %s):", monitor.ReasonRewardBelowGasCost, byReason)
	d.n.say("  %s wei would not pay for the gas of one updateTransfer: not worth watching", tinyReward)
	if kv := d.vigildLog(ctx, "balance proof rejected", "reason="+string(monitor.ReasonRewardBelowGasCost)); kv != nil {
		d.n.say("  vigild's log says why: %s", kv["msg"])
	}
	d.n.say("stats now: %d proof stored, room accepted %d, room rejected %d", cli.BalanceProofs.Stored, cli.Matrix.Accepted, cli.Matrix.Rejected)
	return nil
}

// missionStaleClose: bob closes channel A with stale state while alice is
// offline; vigil corrects it inside the window and is paid on settle.
func (d *demo) missionStaleClose(ctx context.Context) error {
	d.n.section("b. bob closes channel A with stale state while alice is offline")
	ch := d.chA
	deadline, err := d.staleClose(ctx, ch)
	if err != nil {
		return err
	}
	view, err := d.vigilUpdates(ctx, ch, deadline)
	if err != nil {
		return err
	}
	return d.settleAfterWindow(ctx, ch, deadline, view)
}

// staleClose: bob closes ch with alice's old proof; it returns the last
// block of the challenge window.
func (d *demo) staleClose(ctx context.Context, ch string) (uint64, error) {
	d.n.step("alice is offline. bob closes with alice's proof (her 1 ETH to him) and leaves out his own 0.4 ETH to her")
	var cl txOut
	if err := d.eth(ctx, "bob", "close", &cl, "--channel", ch, "--proof", "proofs/alice-to-bob-7.json"); err != nil {
		return 0, err
	}
	closed := atoi(cl.Block)
	deadline := closed + settleBlock
	d.n.say("close tx %s in block %d: the challenge window runs through block %d", cl.TxHash, closed, deadline)
	return deadline, nil
}

// channelView is `vigil eth channel`'s answer, as far as the demo reads it.
type channelView struct {
	Participants []struct {
		Address           string `json:"address"`
		Nonce             string `json:"nonce"`
		TransferredAmount string `json:"transferred_amount"`
	} `json:"participants"`
	RewardAmount string `json:"reward_amount"`
	RewardPayout string `json:"reward_payout"`
}

// vigilUpdates waits for vigil's updateTransfer on ch, mined before the
// deadline, and shows the channel as the chain now has it.
func (d *demo) vigilUpdates(ctx context.Context, ch string, deadline uint64) (channelView, error) {
	var view channelView
	d.n.step("vigil sees ChannelClosed (after 1 confirmation), holds a newer proof of bob's (nonce 4 > 0) and calls updateTransfer in its slot")
	closed := deadline - settleBlock
	offset := contracts.SlotOffset(common.HexToAddress(ch), common.HexToAddress(d.accounts["vigil"].addr), settleBlock)
	slot := closed + offset
	d.n.say("vigil's slot in channel A opens at block %d: the close block %d + slotOffset(vigil) = keccak256(channel, vigil) mod %d = %d; "+
		"before it the channel reverts vigil's update (BeforeSlot), and an unregistered account's always (MonitorNotActive)",
		slot, closed, contracts.SlotSpan(settleBlock), offset)
	var scheduled *monitor.ScheduledUpdateStats
	type updates struct {
		Updates []map[string]any `json:"channel_updates"`
	}
	mined := func(page updates) map[string]any {
		for _, u := range page.Updates {
			if u["outcome"] == string(proofs.OutcomeMined) {
				return u
			}
		}
		return nil
	}
	err := poll(ctx, 60*time.Second, 200*time.Millisecond, "vigil's updateTransfer to be mined", func() (bool, string, error) {
		if st, err := d.stats(ctx); err == nil && scheduled == nil {
			for _, u := range st.Ethereum.ScheduledUpdates {
				if strings.EqualFold(u.Channel, ch) {
					scheduled = &u
				}
			}
		}
		var page updates
		if err := getJSON(ctx, d.api+"/api/1/channel_update/"+ch, &page); err != nil {
			return false, err.Error(), nil
		}
		return mined(page) != nil, fmt.Sprintf("%d update records", len(page.Updates)), nil
	})
	if err != nil {
		return view, err
	}
	if scheduled != nil {
		d.n.say("/api/1/stats showed the scheduled update (ethereum.scheduled_updates): nonce %d, slot_block %d, act_block %d, deadline_block %d",
			scheduled.Nonce, scheduled.SlotBlock, scheduled.ActBlock, scheduled.DeadlineBlock)
		if scheduled.SlotBlock != slot || scheduled.DeadlineBlock != deadline {
			return view, fmt.Errorf("/api/1/stats schedules slot %d and deadline %d; the contract's rule gives %d and %d",
				scheduled.SlotBlock, scheduled.DeadlineBlock, slot, deadline)
		}
	}
	var page updates
	if err := d.vigilJSON(ctx, &page, "updates", "--api", d.api, "--channel", ch); err != nil {
		return view, err
	}
	upd := mined(page)
	if upd == nil {
		return view, fmt.Errorf("vigil updates --channel %s lists no mined update", ch)
	}
	d.res.UpdateTx, _ = upd["tx_hash"].(string)
	ub, _ := upd["block"].(string)
	if atoi(ub) > deadline {
		return view, fmt.Errorf("vigil's update was mined in block %s, after the window closed at %d", ub, deadline)
	}
	if atoi(ub) < slot {
		return view, fmt.Errorf("vigil's update was mined in block %s, before its slot opened at %d", ub, slot)
	}
	if kv := d.vigildLog(ctx, "updateTransfer sent", "channel="+ch); kv != nil {
		d.n.say("vigild's log: updateTransfer sent at head %s for a window through block %s, gas price %s wei, for a reward of %s",
			kv["head"], kv["deadline"], kv["gas_price_wei"], fmtWei(kv["reward_wei"]))
	}
	gasPaid, _ := upd["gas_paid_wei"].(string)
	d.n.say("updateTransfer tx %s mined in block %s, in vigil's slot (open since block %d), %d blocks before the window closes (gas paid %s); `vigil updates` shows it",
		d.res.UpdateTx, ub, slot, deadline-atoi(ub), fmtWei(gasPaid))
	if err := d.vigilJSON(ctx, &view, "eth", "channel", "--rpc", d.ethURL, "--channel", ch); err != nil {
		return view, err
	}
	for _, p := range view.Participants {
		if strings.EqualFold(p.Address, d.accounts["bob"].addr) {
			d.n.say("on chain now (`vigil eth channel`): bob's nonce %s, transferred %s; a reward of %s to payout %s",
				p.Nonce, fmtWei(p.TransferredAmount), fmtWei(view.RewardAmount), view.RewardPayout)
		}
	}
	if !strings.EqualFold(view.RewardPayout, d.accounts["payout"].addr) {
		return view, fmt.Errorf("the channel's reward payout is %s, not vigil's %s", view.RewardPayout, d.accounts["payout"].addr)
	}
	return view, nil
}

// settleAfterWindow waits for the window to pass; bob settles and the
// reward goes to vigil's payout address.
func (d *demo) settleAfterWindow(ctx context.Context, ch string, deadline uint64, view channelView) error {
	d.n.step("wait for the window to pass (block %d), then bob settles", deadline+1)
	err := poll(ctx, time.Duration(settleBlock+20)*2*time.Second, 200*time.Millisecond, fmt.Sprintf("block %d", deadline+1), func() (bool, string, error) {
		head, err := d.blockNumber(ctx)
		if err != nil {
			return false, err.Error(), nil
		}
		return head > deadline, fmt.Sprintf("head %d", head), nil
	})
	if err != nil {
		return err
	}
	payout := d.accounts["payout"].addr
	payoutBefore, err := d.balance(ctx, payout)
	if err != nil {
		return err
	}
	aliceBefore, err := d.balance(ctx, d.accounts["alice"].addr)
	if err != nil {
		return err
	}
	var st txOut
	if err := d.eth(ctx, "bob", "settle", &st, "--channel", ch); err != nil {
		return err
	}
	payoutAfter, err := d.balance(ctx, payout)
	if err != nil {
		return err
	}
	aliceAfter, err := d.balance(ctx, d.accounts["alice"].addr)
	if err != nil {
		return err
	}
	d.res.RewardPaid, _ = new(big.Int).SetString(st.RewardPaid, 10)
	d.res.PayoutBalance = payoutAfter
	d.n.say("settle tx %s (block %s): alice %s, bob %s, and the reward %s to %s", st.TxHash, st.Block,
		fmtWei(d.participantAmount(st, "alice", view.Participants[0].Address)), fmtWei(d.participantAmount(st, "bob", view.Participants[0].Address)),
		fmtWei(st.RewardPaid), st.RewardPayout)
	d.n.say("vigil's payout address: %s -> %s: the reward went to the payout the slot holder fixed in the monitor registry, "+
		"which the channel reads itself; no caller can name another", fmtEth(payoutBefore), fmtEth(payoutAfter))
	d.n.say("alice receives %s (5 deposited - 1 sent + 0.4 received); bob's stale close would have given her 4 ETH", fmtEth(new(big.Int).Sub(aliceAfter, aliceBefore)))
	if d.res.RewardPaid == nil || d.res.RewardPaid.Cmp(goodReward) != 0 || new(big.Int).Sub(payoutAfter, payoutBefore).Cmp(goodReward) != 0 {
		return fmt.Errorf("the settle paid %s wei to %s; want the reward %s", st.RewardPaid, st.RewardPayout, goodReward)
	}
	return poll(ctx, 30*time.Second, 200*time.Millisecond, "the reward in vigil's stats", func() (bool, string, error) {
		s, err := d.stats(ctx)
		if err != nil {
			return false, err.Error(), nil
		}
		return s.Updates.Won >= 1 && s.Updates.RewardsEarned == goodReward.String(),
			fmt.Sprintf("won %d, rewards %s", s.Updates.Won, s.Updates.RewardsEarned), nil
	})
}

// missionLightning: a channel on regtest, an appointment with a bounty
// through the room, the breach, and vigil's justice transaction.
func (d *demo) missionLightning(ctx context.Context) error {
	d.n.section("c. Lightning: mallory broadcasts a revoked commitment; vigil punishes it for a bounty")
	c, err := d.lnRevokedState()
	if err != nil {
		return err
	}
	tip, err := d.lnPostAppointment(ctx, c)
	if err != nil {
		return err
	}
	jt, err := d.lnBreach(ctx, c, tip)
	if err != nil {
		return err
	}
	return d.lnJusticeMined(ctx, c, jt, tip)
}

// lnCase is a channel's revoked state and alice's justice transaction for
// it.
type lnCase struct {
	revoked *wire.MsgTx
	toLocal int64 // mallory's output in the revoked state, sat
	justice *wire.MsgTx
}

// lnRevokedState funds a channel, moves it past a state it revokes, and
// has alice sign the justice transaction for that state.
func (d *demo) lnRevokedState() (lnCase, error) {
	d.n.step("fund a BOLT 3 channel (2-of-2 P2WSH) of %d sat between mallory (local) and alice (remote) from btcd's mining key", lnCapacity)
	funder := &lntest.CoinbaseFunder{Node: d.btc, Key: d.miningKey}
	ch, err := lntest.NewChannel(funder, lnCapacity, lnDelay)
	if err != nil {
		return lnCase{}, err
	}
	d.n.say("funding %s:%d confirmed", ch.Funding.Hash, ch.Funding.Index)
	revoked, err := ch.BuildCommitment(600_000, 390_000, 10_000)
	if err != nil {
		return lnCase{}, err
	}
	if _, err := ch.BuildCommitment(300_000, 690_000, 10_000); err != nil {
		return lnCase{}, err
	}
	st, err := ch.StateOf(revoked)
	if err != nil {
		return lnCase{}, err
	}
	d.n.say("state 0: mallory 600,000 / alice 390,000 (commitment %s); mallory then paid alice 300,000: state 1, and state 0 is revoked", revoked.TxHash())

	victim, err := btcec.NewPrivateKey()
	if err != nil {
		return lnCase{}, err
	}
	userOut := btcutil.Amount(st.ToLocal) - lnBounty - lnFeeMargin
	justice, err := ch.BuildJustice(revoked, lntest.P2WPKH(victim.PubKey()), lntest.SighashSingleAnyoneCanPay, userOut)
	if err != nil {
		return lnCase{}, err
	}
	d.n.say("alice signs the justice transaction for state 0 (SIGHASH_SINGLE|ANYONECANPAY): %d sat to her, a surplus of %d sat left for a watchtower",
		userOut, int64(st.ToLocal)-int64(userOut))
	return lnCase{revoked: revoked, toLocal: int64(st.ToLocal), justice: justice}, nil
}

// lnPostAppointment has alice post the appointment for c through the room
// and checks vigil's receipt; it returns the tip it was made at.
func (d *demo) lnPostAppointment(ctx context.Context, c lnCase) (int64, error) {
	d.n.step("alice posts an appointment with a bounty of %d sat: `vigil ln key new`, `vigil ln appointment`, `vigil broadcast appointment --wait-receipts 1 --trust <vigil>`", lnBounty)
	var key struct {
		Pubkey string `json:"pubkey"`
	}
	if err := d.vigilJSON(ctx, &key, "ln", "key", "new", "--out", "keys/alice-ln.key"); err != nil {
		return 0, err
	}
	tip, err := d.btc.GetBlockCount()
	if err != nil {
		return 0, err
	}
	appt, err := d.vigil(ctx, "ln", "appointment", "--key", "keys/alice-ln.key", "--justice-hex", btctest.TxHex(c.justice),
		"--commitment-txid", c.revoked.TxHash().String(), "--to-self-delay", strconv.Itoa(lnDelay),
		"--start-block", strconv.FormatInt(tip, 10), "--reward-sat", strconv.Itoa(lnBounty), "--network", "regtest")
	if err != nil {
		return 0, err
	}
	if _, err := d.write("requests/alice-appointment.json", appt); err != nil {
		return 0, err
	}
	lines, err := d.broadcast(ctx, "appointment", "alice", "requests/alice-appointment.json", true)
	if err != nil {
		return 0, err
	}
	r := lines[1]
	if r["verified"] != true {
		return 0, fmt.Errorf("the appointment receipt did not verify: %v", r)
	}
	d.n.say("posted %v; vigil ACCEPTED it: receipt from tower %v for locator %v, verified by the CLI", lines[0]["event_id"], r["monitor_pubkey"], r["locator"])
	d.n.say("vigil holds only the encrypted blob: it can read it once the commitment %s appears on chain", c.revoked.TxHash())
	return tip, nil
}

// lnBreach has mallory broadcast the revoked commitment and waits for
// vigil's justice transaction, paying its bounty, in the mempool.
func (d *demo) lnBreach(ctx context.Context, c lnCase, tip int64) (*wire.MsgTx, error) {
	d.n.step("mallory broadcasts the revoked commitment")
	breachID, err := d.btc.SendRawTransaction(c.revoked, false)
	if err != nil {
		return nil, fmt.Errorf("broadcast the revoked commitment: %w", err)
	}
	blocks, err := d.btc.Generate(1)
	if err != nil {
		return nil, err
	}
	d.n.say("breach %s mined in block %d (%s)", breachID, tip+1, blocks[0])

	var jt *wire.MsgTx
	err = poll(ctx, 30*time.Second, 100*time.Millisecond, "vigil's justice transaction in the mempool", func() (bool, string, error) {
		pool, err := d.btc.GetRawMempool()
		if err != nil {
			return false, err.Error(), nil
		}
		for _, h := range pool {
			tx, err := d.btc.GetRawTransaction(h)
			if err != nil {
				continue
			}
			for _, in := range tx.MsgTx().TxIn {
				if in.PreviousOutPoint.Hash == *breachID {
					jt = tx.MsgTx()
					return true, "", nil
				}
			}
		}
		return false, fmt.Sprintf("%d in the mempool", len(pool)), nil
	})
	if err != nil {
		return nil, err
	}
	if len(jt.TxOut) != 2 || !bytes.Equal(jt.TxOut[1].PkScript, d.btcPayoutScript) {
		return nil, fmt.Errorf("justice %s has %d outputs and does not pay vigil's payout address", jt.TxHash(), len(jt.TxOut))
	}
	return jt, nil
}

// lnJusticeMined mines the justice transaction and checks what vigil
// reports of it.
func (d *demo) lnJusticeMined(ctx context.Context, c lnCase, jt *wire.MsgTx, tip int64) error {
	bounty := jt.TxOut[1].Value
	fee := c.toLocal - jt.TxOut[0].Value - bounty
	d.n.say("vigil decrypted the blob and broadcast justice %s:", jt.TxHash())
	d.n.say("  output 0: %d sat to alice, exactly as she signed it", jt.TxOut[0].Value)
	d.n.say("  output 1: %d sat to vigil's payout %s (its bounty: the surplus minus the fee)", bounty, d.btcPayout)
	d.n.say("  fee %d sat (%.1f sat/vB)", fee, float64(fee)/float64(btctest.VSize(jt)))
	blocks, err := d.btc.Generate(1)
	if err != nil {
		return err
	}
	block, err := d.btc.GetBlock(blocks[0])
	if err != nil {
		return err
	}
	jid := jt.TxHash()
	if !hasTx(block, jid) {
		return fmt.Errorf("block %s does not hold vigil's justice %s", blocks[0], jid)
	}
	d.n.say("justice mined in block %d (%s), the block after the breach", tip+2, blocks[0])
	if _, err := d.btc.Generate(5); err != nil {
		return err
	}
	err = poll(ctx, 30*time.Second, 100*time.Millisecond, "the justice transaction confirmed in vigil's stats", func() (bool, string, error) {
		s, err := d.stats(ctx)
		if err != nil {
			return false, err.Error(), nil
		}
		return s.Lightning.JusticeConfirmed >= 1 && s.Lightning.BountyEarnedSat == bounty,
			fmt.Sprintf("confirmed %d, bounty %d", s.Lightning.JusticeConfirmed, s.Lightning.BountyEarnedSat), nil
	})
	if err != nil {
		return err
	}
	d.res.JusticeTx, d.res.BountySat = jid.String(), bounty
	var js struct {
		Justice []map[string]any `json:"justice"`
	}
	if err := d.vigilJSON(ctx, &js, "justice", "--api", d.api); err != nil {
		return err
	}
	for _, j := range js.Justice {
		if j["txid"] == jid.String() {
			d.n.say("after 6 confirmations `vigil justice` reports %v: bounty %v sat (promised %v), fee %v sat, block %v",
				j["outcome"], j["bounty_sat"], j["promised_sat"], j["fee_sat"], j["block"])
		}
	}
	return nil
}

// report prints /api/1/stats, the API URL and the status page's.
func (d *demo) report(ctx context.Context) error {
	d.n.section("vigil's public record: GET %s/api/1/stats", d.api)
	var raw json.RawMessage
	if err := getJSON(ctx, d.api+"/api/1/stats", &raw); err != nil {
		return err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		return err
	}
	d.res.StatsJSON, d.res.API = pretty.Bytes(), d.api
	d.n.raw(pretty.String())
	d.n.say("API: %s  (also /api/1/channel_update, /api/1/appointments, /api/1/justice, /metrics)", d.api)
	d.n.say("Status page: %s/  (open it in a browser)", d.api)
	return nil
}

// logField is one key=value of a log line in slog's text format.
var logField = regexp.MustCompile(`(\w+)=("(?:[^"\\]|\\.)*"|\S*)`)

// vigildLog finds vigild's latest log line holding every one of substrs
// and returns its fields (for a repeated key, the last: slog's text
// handler writes the message first, so "msg" is then the attribute). It
// waits up to 2 s for the line and returns nil without one: the log only
// adds to the narration.
func (d *demo) vigildLog(ctx context.Context, substrs ...string) map[string]string {
	var fields map[string]string
	_ = poll(ctx, 2*time.Second, 100*time.Millisecond, "a vigild log line", func() (bool, string, error) {
		b, err := os.ReadFile(filepath.Join(d.work, "vigild.log"))
		if err != nil {
			return false, "", nil
		}
		lines := strings.Split(string(b), "\n")
	next:
		for i := len(lines) - 1; i >= 0; i-- {
			for _, s := range substrs {
				if !strings.Contains(lines[i], s) {
					continue next
				}
			}
			fields = map[string]string{}
			for _, m := range logField.FindAllStringSubmatch(lines[i], -1) {
				v := m[2]
				if uq, err := strconv.Unquote(v); err == nil {
					v = uq
				}
				fields[m[1]] = v
			}
			return true, "", nil
		}
		return false, "", nil
	})
	return fields
}

// stats reads /api/1/stats (the demo's own polling; the clients use the CLI).
func (d *demo) stats(ctx context.Context) (monitor.StatsSnapshot, error) {
	var s monitor.StatsSnapshot
	err := getJSON(ctx, d.api+"/api/1/stats", &s)
	return s, err
}

func (d *demo) gasPrice(ctx context.Context) (*big.Int, error) {
	var h string
	if err := rpcCall(ctx, d.ethURL, "", "", "eth_gasPrice", nil, &h); err != nil {
		return nil, err
	}
	return hexBig(h)
}

func (d *demo) blockNumber(ctx context.Context) (uint64, error) {
	var h string
	if err := rpcCall(ctx, d.ethURL, "", "", "eth_blockNumber", nil, &h); err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimPrefix(h, "0x"), 16, 64)
}

func (d *demo) balance(ctx context.Context, addr string) (*big.Int, error) {
	var h string
	if err := rpcCall(ctx, d.ethURL, "", "", "eth_getBalance", []any{addr, "latest"}, &h); err != nil {
		return nil, err
	}
	return hexBig(h)
}

func hexBig(h string) (*big.Int, error) {
	v, ok := new(big.Int).SetString(strings.TrimPrefix(h, "0x"), 16)
	if !ok {
		return nil, fmt.Errorf("not a hex quantity: %q", h)
	}
	return v, nil
}

// participantAmount picks who's amount from a settle answer, knowing
// participant 1's address.
func (d *demo) participantAmount(st txOut, who, participant1 string) string {
	if strings.EqualFold(d.accounts[who].addr, participant1) {
		return st.Participant1
	}
	return st.Participant2
}

// fmtWei prints a decimal wei string as ETH.
func fmtWei(s string) string {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return s + " wei"
	}
	return fmtEth(v)
}

func mul(a *big.Int, n int64) *big.Int { return new(big.Int).Mul(a, big.NewInt(n)) }

// fmtEth prints wei as ETH with up to 6 decimals.
func fmtEth(wei *big.Int) string {
	f := new(big.Float).Quo(new(big.Float).SetInt(wei), new(big.Float).SetInt(ether))
	s := f.Text('f', 6)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "0" && wei.Sign() != 0 {
		return wei.String() + " wei"
	}
	return s + " ETH"
}

func hasTx(b *wire.MsgBlock, txid chainhash.Hash) bool {
	for _, tx := range b.Transactions {
		if tx.TxHash() == txid {
			return true
		}
	}
	return false
}
