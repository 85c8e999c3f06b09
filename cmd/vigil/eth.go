package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// dialTimeout bounds connecting to the node and reading its chain id.
const dialTimeout = 15 * time.Second

// ethFlags are the flags every eth command shares.
type ethFlags struct {
	f        *flagSet
	withKey  bool
	rpc      *string
	keystore *string
	password *string
	chainID  *string
	timeout  *time.Duration
}

func addEthFlags(f *flagSet, withKey bool) *ethFlags {
	e := &ethFlags{f: f, withKey: withKey}
	e.rpc = f.String("rpc", "", "Ethereum JSON-RPC `URL` (http, https, ws or wss) (required)")
	if withKey {
		e.keystore = f.String("keystore", "", "keystore `FILE` of the sending account (required)")
		e.password = f.String("password-file", "", "`FILE` holding the keystore password (required)")
	}
	e.chainID = f.String("chain-id", "", "expected chain id `N`; refuse to run against a node on another chain")
	e.timeout = f.Duration("timeout", 2*time.Minute, "give up after `D`; a transaction sent but not mined by then is reported with its hash")
	return e
}

// check validates the shared flags; call it after the command's own need().
func (e *ethFlags) check() (*big.Int, error) {
	names := []string{"rpc"}
	if e.withKey {
		names = append(names, "keystore", "password-file")
	}
	if err := e.f.need(names...); err != nil {
		return nil, err
	}
	if *e.timeout <= 0 {
		return nil, e.f.usagef("--timeout must be positive")
	}
	if *e.chainID == "" {
		return nil, nil
	}
	return e.f.chainID("chain-id", *e.chainID)
}

// ethConn is a connected node, with the sending key when the command has one.
type ethConn struct {
	client  *ethclient.Client
	chainID *big.Int
	key     *ecdsa.PrivateKey
	from    common.Address
}

// connect loads the key (first, so a wrong password fails fast) and dials
// the node, checking its chain id against expect when given.
func (e *ethFlags) connect(ctx context.Context, expect *big.Int) (*ethConn, error) {
	c := &ethConn{}
	if e.withKey {
		key, err := loadKey(*e.keystore, *e.password)
		if err != nil {
			return nil, err
		}
		c.key, c.from = key, crypto.PubkeyToAddress(key.PublicKey)
	}
	client, id, err := ethereum.Dial(ctx, *e.rpc, expect, dialTimeout)
	if err != nil {
		if expect != nil {
			err = errors.New(strings.Replace(err.Error(), "configured ethereum.chain_id", "--chain-id", 1))
		}
		return nil, err
	}
	c.client, c.chainID = client, id
	return c, nil
}

func (c *ethConn) close() { c.client.Close() }

// channelSession checks the flags, connects within --timeout and reads the
// channel at one block; done releases both.
func (e *ethFlags) channelSession(channel common.Address) (context.Context, *ethConn, *channelView, func(), error) {
	expect, err := e.check()
	if err != nil {
		return nil, nil, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *e.timeout)
	c, err := e.connect(ctx, expect)
	if err != nil {
		cancel()
		return nil, nil, nil, nil, err
	}
	v, err := readChannel(ctx, c.client, channel)
	if err != nil {
		c.close()
		cancel()
		return nil, nil, nil, nil, err
	}
	return ctx, c, v, func() { c.close(); cancel() }, nil
}

func (c *ethConn) ops() ethereum.Ops { return ethereum.Ops{Backend: c.client, Key: c.key} }

// txJSON is the result of a transaction command. Only the fields that apply
// to the command are set.
type txJSON struct {
	Registry          string `json:"registry,omitempty"`
	MonitorRegistry   string `json:"monitor_registry,omitempty"`
	Payout            string `json:"payout,omitempty"`
	Channel           string `json:"channel_address,omitempty"`
	From              string `json:"from"`
	Partner           string `json:"partner,omitempty"`
	SettleTimeout     string `json:"settle_timeout,omitempty"`
	Amount            string `json:"amount,omitempty"`
	Total             string `json:"total,omitempty"`
	Nonce             string `json:"nonce,omitempty"`
	TransferredAmount string `json:"transferred_amount,omitempty"`
	// settle
	Participant1Amount string `json:"participant1_amount,omitempty"`
	Participant2Amount string `json:"participant2_amount,omitempty"`
	RewardPayout       string `json:"reward_payout,omitempty"`
	RewardPaid         string `json:"reward_paid,omitempty"`

	TxHash  string `json:"tx_hash"`
	Block   string `json:"block"`
	GasUsed string `json:"gas_used"`
}

func (t *txJSON) receipt(r *types.Receipt) {
	t.TxHash = r.TxHash.Hex()
	if r.BlockNumber != nil {
		t.Block = r.BlockNumber.String()
	}
	t.GasUsed = strconv.FormatUint(r.GasUsed, 10)
}

// cmdEthDeployRegistry deploys a ChannelRegistry.
func cmdEthDeployRegistry(args []string, stdout, stderr io.Writer) error {
	f := newFlags("eth deploy-registry", `Deploys a ChannelRegistry, which deploys the MonitorRegistry its channels
admit monitors from, and prints both addresses. vigild watches one registry
(ethereum.registry_address).`)
	def := ethereum.DefaultRegistryParams()
	maxS := f.String("max-settle-timeout", strconv.FormatUint(def.MaxSettleTimeout, 10), "longest challenge period of a channel, `N` blocks")
	depositS := f.String("min-deposit", def.MinDeposit.String(), "smallest monitor deposit in `WEI`")
	activationS := f.String("activation-delay", strconv.FormatUint(def.ActivationDelay, 10), "`N` blocks before a monitor's registration counts (at least 1)")
	withdrawS := f.String("withdraw-delay", strconv.FormatUint(def.WithdrawDelay, 10), "`N` blocks an exiting monitor's deposit stays locked (at least twice --max-settle-timeout)")
	e := addEthFlags(f, true)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	var p ethereum.RegistryParams
	var err error
	if p.MaxSettleTimeout, err = f.uint("max-settle-timeout", *maxS); err != nil {
		return err
	}
	if p.MinDeposit, err = f.positive("min-deposit", *depositS); err != nil {
		return err
	}
	if p.ActivationDelay, err = f.uint("activation-delay", *activationS); err != nil {
		return err
	}
	if p.WithdrawDelay, err = f.uint("withdraw-delay", *withdrawS); err != nil {
		return err
	}
	if p.ActivationDelay == 0 {
		return &usageError{cmd: "eth deploy-registry", msg: "--activation-delay must be at least 1 block"}
	}
	if p.WithdrawDelay/2 < p.MaxSettleTimeout {
		return &usageError{cmd: "eth deploy-registry", msg: fmt.Sprintf("--withdraw-delay %d must be at least twice --max-settle-timeout %d", p.WithdrawDelay, p.MaxSettleTimeout)}
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
	fmt.Fprintf(stderr, "deploying a ChannelRegistry from %s on chain %s; waiting for it to be mined\n", c.from.Hex(), c.chainID)
	addr, r, err := c.ops().DeployRegistry(ctx, p)
	if err != nil {
		return explainRevert(err)
	}
	monitors, err := c.ops().MonitorRegistryOf(ctx, addr)
	if err != nil {
		return err
	}
	out := txJSON{Registry: addr.Hex(), MonitorRegistry: monitors.Hex(), From: c.from.Hex()}
	out.receipt(r)
	return printJSON(stdout, out)
}

// cmdEthOpen opens a channel through a registry.
func cmdEthOpen(args []string, stdout, stderr io.Writer) error {
	f := newFlags("eth open", `Opens a NettingChannel between your account and --partner through the
registry, with a challenge period of --settle-timeout blocks, and prints the
channel's address.`)
	registryS := f.String("registry", "", "`ADDR` of the ChannelRegistry (required)")
	partnerS := f.String("partner", "", "`ADDR` of the partner (required)")
	timeoutS := f.String("settle-timeout", "", "challenge period of `N` blocks (required; the registry bounds it)")
	e := addEthFlags(f, true)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("registry", "partner", "settle-timeout"); err != nil {
		return err
	}
	registry, err := f.address("registry", *registryS)
	if err != nil {
		return err
	}
	partner, err := f.address("partner", *partnerS)
	if err != nil {
		return err
	}
	settleTimeout, err := f.uint("settle-timeout", *timeoutS)
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
	if partner == c.from {
		return fmt.Errorf("--partner %s is your own address: a channel needs two participants", partner.Hex())
	}
	if err := checkSettleTimeout(ctx, c, registry, settleTimeout); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "opening a channel from %s with %s; waiting for it to be mined\n", c.from.Hex(), partner.Hex())
	ch, r, err := c.ops().OpenChannel(ctx, registry, partner, settleTimeout)
	if err != nil {
		return explainRevert(err)
	}
	out := txJSON{Registry: registry.Hex(), Channel: ch.Hex(), From: c.from.Hex(), Partner: partner.Hex(),
		SettleTimeout: strconv.FormatUint(settleTimeout, 10)}
	out.receipt(r)
	return printJSON(stdout, out)
}

// checkSettleTimeout reads the registry's bounds so that a bad value is
// refused with a clear message rather than a revert.
func checkSettleTimeout(ctx context.Context, c *ethConn, registry common.Address, timeout uint64) error {
	code, err := c.client.CodeAt(ctx, registry, nil)
	if err != nil {
		return fmt.Errorf("read registry %s: %w", registry.Hex(), err)
	}
	if len(code) == 0 {
		return fmt.Errorf("no contract at --registry %s on chain %s", registry.Hex(), c.chainID)
	}
	reg, err := contracts.NewChannelRegistryCaller(registry, c.client)
	if err != nil {
		return err
	}
	opts := &bind.CallOpts{Context: ctx}
	lo, err := reg.MINSETTLETIMEOUT(opts)
	if err != nil {
		return fmt.Errorf("--registry %s does not look like a ChannelRegistry: %w", registry.Hex(), err)
	}
	hi, err := reg.MAXSETTLETIMEOUT(opts)
	if err != nil {
		return fmt.Errorf("--registry %s does not look like a ChannelRegistry: %w", registry.Hex(), err)
	}
	if timeout < lo || timeout > hi {
		return fmt.Errorf("--settle-timeout %d is outside the registry's bounds [%d, %d]", timeout, lo, hi)
	}
	return nil
}

// cmdEthDeposit adds to the caller's channel deposit.
func cmdEthDeposit(args []string, stdout, stderr io.Writer) error {
	return depositCmd("eth deposit", `Adds --amount wei to your deposit in an open channel.`, false, args, stdout, stderr)
}

// cmdEthDepositReward adds to the caller's monitoring reward deposit.
func cmdEthDepositReward(args []string, stdout, stderr io.Writer) error {
	return depositCmd("eth deposit-reward", `Adds --amount wei to the reward you offer monitors in an open channel. It is
locked until settle; a monitoring request's reward must not exceed it.`, true, args, stdout, stderr)
}

func depositCmd(name, doc string, reward bool, args []string, stdout, stderr io.Writer) error {
	f := newFlags(name, doc)
	channelS := f.String("channel", "", "`ADDR` of the channel (required)")
	amountS := f.String("amount", "", "amount in `WEI`, a decimal string, above 0 (required)")
	e := addEthFlags(f, true)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("channel", "amount"); err != nil {
		return err
	}
	channel, err := f.address("channel", *channelS)
	if err != nil {
		return err
	}
	amount, err := f.positive("amount", *amountS)
	if err != nil {
		return err
	}
	ctx, c, v, done, err := e.channelSession(channel)
	if err != nil {
		return err
	}
	defer done()
	if err := v.mustBeParticipant(c.from); err != nil {
		return err
	}
	if v.state != proofs.ChannelOpen {
		return fmt.Errorf("channel %s is %s: deposits are only possible while it is open", channel.Hex(), v.state)
	}
	what := "deposit"
	if reward {
		what = "reward deposit"
	}
	fmt.Fprintf(stderr, "sending a %s of %s wei from %s to %s; waiting for it to be mined\n", what, amount, c.from.Hex(), channel.Hex())
	var r *types.Receipt
	if reward {
		r, err = c.ops().DepositReward(ctx, channel, amount)
	} else {
		r, err = c.ops().Deposit(ctx, channel, amount)
	}
	if err != nil {
		return explainRevert(err)
	}
	out := txJSON{Channel: channel.Hex(), From: c.from.Hex(), Amount: amount.String()}
	out.receipt(r)
	if nc, err := contracts.NewNettingChannelFilterer(channel, nil); err == nil {
		for _, l := range r.Logs {
			if reward {
				if ev, err := nc.ParseRewardDeposited(*l); err == nil {
					out.Total = ev.Total.String()
				}
			} else if ev, err := nc.ParseDeposited(*l); err == nil {
				out.Total = ev.Total.String()
			}
		}
	}
	return printJSON(stdout, out)
}

// cmdEthClose closes a channel with the partner's balance proof.
func cmdEthClose(args []string, stdout, stderr io.Writer) error {
	f := newFlags("eth close", `Closes an open channel. With --proof, the channel records the partner's
balance proof of its transfers to you (a sign-proof output signed by the
partner); without it, you close declaring no transfers from the partner. The
challenge period (the settle timeout) starts at the close.`)
	channelS := f.String("channel", "", "`ADDR` of the channel (required)")
	proofFile := f.String("proof", "", "`FILE` holding the partner's balance proof, as sign-proof prints it")
	e := addEthFlags(f, true)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("channel"); err != nil {
		return err
	}
	channel, err := f.address("channel", *channelS)
	if err != nil {
		return err
	}
	var proof *signedProof
	if *proofFile != "" {
		if proof, err = readProofFile(*proofFile); err != nil {
			return err
		}
	}
	ctx, c, v, done, err := e.channelSession(channel)
	if err != nil {
		return err
	}
	defer done()
	if err := v.mustBeParticipant(c.from); err != nil {
		return err
	}
	if v.state != proofs.ChannelOpen {
		return fmt.Errorf("channel %s is already %s", channel.Hex(), v.state)
	}
	partner := v.partner(c.from)
	out := txJSON{Channel: channel.Hex(), From: c.from.Hex(), Partner: partner.Hex(), Nonce: "0", TransferredAmount: "0"}
	var r *types.Receipt
	if proof == nil {
		fmt.Fprintf(stderr, "closing %s with no transfers from %s; waiting for it to be mined\n", channel.Hex(), partner.Hex())
		r, err = c.ops().Close(ctx, channel, nil, nil)
	} else {
		signer, serr := proof.signer(c.chainID, channel)
		if serr != nil {
			return fmt.Errorf("--proof %s: %w", *proofFile, serr)
		}
		if signer != partner {
			return fmt.Errorf("--proof %s is signed by %s, not by your partner %s in channel %s on chain %s "+
				"(a proof is signed by the partner whose transfers it counts, for this channel and chain)",
				*proofFile, signer.Hex(), partner.Hex(), channel.Hex(), c.chainID)
		}
		out.Nonce, out.TransferredAmount = strconv.FormatUint(proof.bp.Nonce, 10), proof.bp.TransferredAmount.String()
		fmt.Fprintf(stderr, "closing %s with %s's proof nonce %d; waiting for it to be mined\n", channel.Hex(), partner.Hex(), proof.bp.Nonce)
		r, err = c.ops().Close(ctx, channel, &proof.bp, proof.sig)
	}
	if err != nil {
		return explainRevert(err)
	}
	out.receipt(r)
	return printJSON(stdout, out)
}

// cmdEthSettle settles a closed channel once its window is over.
func cmdEthSettle(args []string, stdout, stderr io.Writer) error {
	f := newFlags("eth settle", `Settles a closed channel once its challenge period is over (anyone may).
Each participant is paid its balance, the last updateTransfer's payout its
reward, and unspent reward deposits go back to their owners.`)
	channelS := f.String("channel", "", "`ADDR` of the channel (required)")
	e := addEthFlags(f, true)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("channel"); err != nil {
		return err
	}
	channel, err := f.address("channel", *channelS)
	if err != nil {
		return err
	}
	ctx, c, v, done, err := e.channelSession(channel)
	if err != nil {
		return err
	}
	defer done()
	switch v.state {
	case proofs.ChannelOpen:
		return fmt.Errorf("channel %s is open: close it first", channel.Hex())
	case proofs.ChannelSettled:
		return fmt.Errorf("channel %s is already settled", channel.Hex())
	}
	if last := v.closedAt + v.settleTimeout; v.block <= last {
		return fmt.Errorf("the challenge period of %s runs through block %d (the head is %d): settle from block %d on",
			channel.Hex(), last, v.block, last+1)
	}
	fmt.Fprintf(stderr, "settling %s from %s; waiting for it to be mined\n", channel.Hex(), c.from.Hex())
	r, err := c.ops().Settle(ctx, channel)
	if err != nil {
		return explainRevert(err)
	}
	out := txJSON{Channel: channel.Hex(), From: c.from.Hex()}
	out.receipt(r)
	if nc, err := contracts.NewNettingChannelFilterer(channel, nil); err == nil {
		for _, l := range r.Logs {
			if ev, err := nc.ParseChannelSettled(*l); err == nil {
				out.Participant1Amount, out.Participant2Amount = ev.Amount1.String(), ev.Amount2.String()
			}
			if ev, err := nc.ParseRewardPaid(*l); err == nil {
				out.RewardPayout, out.RewardPaid = ev.Payout.Hex(), ev.Amount.String()
			}
		}
	}
	return printJSON(stdout, out)
}

// cmdEthChannel prints a channel's on-chain state.
func cmdEthChannel(args []string, stdout, stderr io.Writer) error {
	f := newFlags("eth channel", `Prints a channel's on-chain state as JSON, read at one block: participants
with their deposits, reward deposits, recorded nonces and transferred
amounts; state, close block, settle timeout, and the reward claimed by the
last updateTransfer with its payout address.`)
	channelS := f.String("channel", "", "`ADDR` of the channel (required)")
	e := addEthFlags(f, false)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("channel"); err != nil {
		return err
	}
	channel, err := f.address("channel", *channelS)
	if err != nil {
		return err
	}
	_, c, v, done, err := e.channelSession(channel)
	if err != nil {
		return err
	}
	defer done()
	return printJSON(stdout, v.json(c.chainID))
}

// channelView is a channel's state read at one block.
type channelView struct {
	addr                 common.Address
	block                uint64
	registry             common.Address
	participants         [2]common.Address
	state                proofs.ChannelState
	settleTimeout        uint64
	closedAt             uint64
	closing              common.Address
	deposits, rewards    [2]*big.Int
	transferred          [2]*big.Int
	nonces               [2]uint64
	rewardAmount         *big.Int
	rewardPayout         common.Address
	locksroots, extraHsh [2][32]byte
}

// readChannel reads every public field of a NettingChannel at the head.
func readChannel(ctx context.Context, client *ethclient.Client, addr common.Address) (*channelView, error) {
	head, err := client.BlockNumber(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the head block: %w", err)
	}
	at := new(big.Int).SetUint64(head)
	code, err := client.CodeAt(ctx, addr, at)
	if err != nil {
		return nil, fmt.Errorf("read channel %s: %w", addr.Hex(), err)
	}
	if len(code) == 0 {
		return nil, fmt.Errorf("no contract at channel address %s (wrong --channel, or a node on another chain?)", addr.Hex())
	}
	c, err := contracts.NewNettingChannelCaller(addr, client)
	if err != nil {
		return nil, err
	}
	opts := &bind.CallOpts{Context: ctx, BlockNumber: at}
	v := &channelView{addr: addr, block: head}
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var e error
	v.registry, e = c.Registry(opts)
	keep(e)
	v.participants[0], e = c.Participant1(opts)
	keep(e)
	v.participants[1], e = c.Participant2(opts)
	keep(e)
	state, e := c.State(opts)
	keep(e)
	v.state = proofs.ChannelState(state)
	v.settleTimeout, e = c.SettleTimeout(opts)
	keep(e)
	v.closedAt, e = c.ClosedAt(opts)
	keep(e)
	v.closing, e = c.ClosingParticipant(opts)
	keep(e)
	v.rewardAmount, e = c.RewardAmount(opts)
	keep(e)
	v.rewardPayout, e = c.RewardPayout(opts)
	keep(e)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%s does not look like a NettingChannel: %w", addr.Hex(), err)
	}
	for i, p := range v.participants {
		v.deposits[i], e = c.Deposits(opts, p)
		keep(e)
		v.rewards[i], e = c.RewardDeposits(opts, p)
		keep(e)
		v.transferred[i], e = c.Transferred(opts, p)
		keep(e)
		v.nonces[i], e = c.Nonces(opts, p)
		keep(e)
		v.locksroots[i], e = c.Locksroots(opts, p)
		keep(e)
		v.extraHsh[i], e = c.ExtraHashes(opts, p)
		keep(e)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("read channel %s: %w", addr.Hex(), err)
	}
	return v, nil
}

func (v *channelView) mustBeParticipant(a common.Address) error {
	if a != v.participants[0] && a != v.participants[1] {
		return fmt.Errorf("your account %s is not a participant of channel %s (participants: %s, %s)",
			a.Hex(), v.addr.Hex(), v.participants[0].Hex(), v.participants[1].Hex())
	}
	return nil
}

func (v *channelView) partner(a common.Address) common.Address {
	if a == v.participants[0] {
		return v.participants[1]
	}
	return v.participants[0]
}

type participantJSON struct {
	Address           string `json:"address"`
	Deposit           string `json:"deposit"`
	RewardDeposit     string `json:"reward_deposit"`
	Nonce             string `json:"nonce"`
	TransferredAmount string `json:"transferred_amount"`
	Locksroot         string `json:"locksroot"`
	ExtraHash         string `json:"extra_hash"`
}

type channelJSON struct {
	ChainID            string            `json:"chain_id"`
	Channel            string            `json:"channel_address"`
	Registry           string            `json:"registry"`
	Block              string            `json:"block"`
	State              string            `json:"state"`
	SettleTimeout      string            `json:"settle_timeout"`
	ClosedAt           string            `json:"closed_at"`
	ClosingParticipant string            `json:"closing_participant"`
	UpdateDeadline     string            `json:"update_deadline,omitempty"`
	Participants       []participantJSON `json:"participants"`
	RewardAmount       string            `json:"reward_amount"`
	RewardPayout       string            `json:"reward_payout"`
}

func (v *channelView) json(chainID *big.Int) channelJSON {
	out := channelJSON{
		ChainID: chainID.String(), Channel: v.addr.Hex(), Registry: v.registry.Hex(),
		Block: strconv.FormatUint(v.block, 10), State: v.state.String(),
		SettleTimeout: strconv.FormatUint(v.settleTimeout, 10), ClosedAt: strconv.FormatUint(v.closedAt, 10),
		ClosingParticipant: v.closing.Hex(), RewardAmount: v.rewardAmount.String(), RewardPayout: v.rewardPayout.Hex(),
	}
	if v.state == proofs.ChannelClosed {
		out.UpdateDeadline = strconv.FormatUint(v.closedAt+v.settleTimeout, 10)
	}
	for i, p := range v.participants {
		out.Participants = append(out.Participants, participantJSON{
			Address: p.Hex(), Deposit: v.deposits[i].String(), RewardDeposit: v.rewards[i].String(),
			Nonce: strconv.FormatUint(v.nonces[i], 10), TransferredAmount: v.transferred[i].String(),
			Locksroot: hex0x(v.locksroots[i][:]), ExtraHash: hex0x(v.extraHsh[i][:]),
		})
	}
	return out
}

// explainRevert names the contract's custom error when the node returned
// revert data (e.g. "WrongState" rather than an opaque selector).
func explainRevert(err error) error {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return err
	}
	data, ok := de.ErrorData().(string)
	if !ok || len(data) < 10 {
		return err
	}
	sel := strings.ToLower(strings.TrimPrefix(data, "0x")[:8])
	for _, md := range []*bind.MetaData{contracts.NettingChannelMetaData, contracts.ChannelRegistryMetaData, contracts.MonitorRegistryMetaData} {
		a, aerr := md.GetAbi()
		if aerr != nil {
			continue
		}
		if name := errorName(a, sel); name != "" {
			return fmt.Errorf("%w (contract error %s)", err, name)
		}
	}
	return err
}

func errorName(a *abi.ABI, selector string) string {
	for name, e := range a.Errors {
		if common.Bytes2Hex(e.ID[:4]) == selector {
			return name
		}
	}
	return ""
}

// signedProof is a partner's balance proof with its signature.
type signedProof struct {
	bp  eip712.BalanceProof
	sig []byte
}

// signer recovers who signed the proof for channel on chainID.
func (p *signedProof) signer(chainID *big.Int, channel common.Address) (common.Address, error) {
	dom := eip712.Domain{ChainID: chainID, Channel: channel}
	return eip712.Recover(dom.BalanceProofDigest(p.bp), p.sig)
}
