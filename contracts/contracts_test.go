package contracts_test

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"fmt"
	"math/big"
	"testing"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// Channel states as NettingChannel.state() reports them.
const (
	stateOpen    = 0
	stateClosed  = 1
	stateSettled = 2
)

// explicitGas is the gas limit of transactions sent without estimation, to
// land a call that is expected to fail on chain or to pin the block it is
// mined in.
const explicitGas = 1_000_000

func eth(n int64) *big.Int   { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e18)) }
func milli(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e15)) }

func sum(xs ...*big.Int) *big.Int {
	s := new(big.Int)
	for _, x := range xs {
		s.Add(s, x)
	}
	return s
}

var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

type account struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

func newAccount(t *testing.T) account {
	t.Helper()
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return account{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// Parameters of the registries the tests deploy: small delays, so that the
// tests can mine past them.
const (
	testMaxSettleTimeout = 100
	testActivationDelay  = 3
	testWithdrawDelay    = 2 * testMaxSettleTimeout
)

var testMinDeposit = eth(2)

// env is a simulated chain with a deployed registry and funded accounts:
// alice and bob are channel participants, carol and dave are monitors
// registered and active in the monitor registry (their rewards go to
// carolPayout and davePayout, accounts that never send a transaction), and
// erin is an outsider who is not registered.
type env struct {
	t                             *testing.T
	backend                       *simulated.Backend
	client                        simulated.Client
	chainID                       *big.Int
	alice, bob, carol, dave, erin account
	registry                      *contracts.ChannelRegistry
	registryAddr                  common.Address
	monitors                      *contracts.MonitorRegistry
	monitorsAddr                  common.Address
	carolPayout, davePayout       common.Address
}

func newEnv(t *testing.T, options ...func(*node.Config, *ethconfig.Config)) *env {
	t.Helper()
	e := &env{t: t}
	e.alice, e.bob, e.carol, e.dave, e.erin = newAccount(t), newAccount(t), newAccount(t), newAccount(t), newAccount(t)
	alloc := types.GenesisAlloc{}
	for _, a := range []account{e.alice, e.bob, e.carol, e.dave, e.erin} {
		alloc[a.addr] = types.Account{Balance: eth(1000)}
	}
	options = append([]func(*node.Config, *ethconfig.Config){simulated.WithBlockGasLimit(30_000_000)}, options...)
	e.backend = simulated.NewBackend(alloc, options...)
	t.Cleanup(func() { e.backend.Close() })
	e.client = e.backend.Client()
	chainID, err := e.client.ChainID(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	e.chainID = chainID

	addr, tx, registry, err := contracts.DeployChannelRegistry(e.opts(e.alice, nil), e.client,
		testMaxSettleTimeout, testMinDeposit, testActivationDelay, testWithdrawDelay)
	e.mined(tx, err)
	e.registry, e.registryAddr = registry, addr
	e.monitorsAddr = must[common.Address](t)(registry.MonitorRegistry(&bind.CallOpts{Context: t.Context()}))
	e.monitors = must[*contracts.MonitorRegistry](t)(contracts.NewMonitorRegistry(e.monitorsAddr, e.client))
	e.carolPayout, e.davePayout = newAccount(t).addr, newAccount(t).addr
	e.mined(e.monitors.Register(e.opts(e.carol, testMinDeposit), e.carolPayout))
	e.mined(e.monitors.Register(e.opts(e.dave, testMinDeposit), e.davePayout))
	e.mine(testActivationDelay)
	return e
}

// newMonitor funds a fresh account from erin, registers it with payout and
// deposit, and mines until its registration is active.
func (e *env) newMonitor(payout common.Address, deposit *big.Int) account {
	e.t.Helper()
	m := newAccount(e.t)
	e.mined(sendTransfer(e.t, e, e.erin, m.addr, sum(deposit, eth(1)), 21_000), nil)
	e.mined(e.monitors.Register(e.opts(m, deposit), payout))
	e.mine(testActivationDelay)
	return m
}

// opts returns fresh transact options for a, sending value (nil for none).
func (e *env) opts(a account, value *big.Int) *bind.TransactOpts {
	e.t.Helper()
	o, err := bind.NewKeyedTransactorWithChainID(a.key, e.chainID)
	if err != nil {
		e.t.Fatal(err)
	}
	o.Value = value
	o.Context = e.t.Context()
	return o
}

// fixedGas is opts with a fixed gas limit, so the transaction is sent even
// if it would revert.
func (e *env) fixedGas(a account) *bind.TransactOpts {
	o := e.opts(a, nil)
	o.GasLimit = explicitGas
	return o
}

// mined mines tx into a block and returns its receipt, failing the test
// unless it was sent and succeeded.
func (e *env) mined(tx *types.Transaction, err error) *types.Receipt {
	e.t.Helper()
	rc := e.include(tx, err)
	if rc.Status != types.ReceiptStatusSuccessful {
		e.t.Fatalf("transaction %s failed on chain", tx.Hash())
	}
	return rc
}

// include mines tx into a block and returns its receipt, whatever its status.
func (e *env) include(tx *types.Transaction, err error) *types.Receipt {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("send: %v", err)
	}
	e.backend.Commit()
	rc, err := e.client.TransactionReceipt(e.t.Context(), tx.Hash())
	if err != nil {
		e.t.Fatalf("receipt of %s: %v", tx.Hash(), err)
	}
	return rc
}

// reverts returns a check that a send failed in gas estimation with the
// custom error called name (of either contract). Usage:
//
//	e.reverts("StaleNonce")(ch.UpdateTransfer(...))
func (e *env) reverts(name string) func(*types.Transaction, error) {
	return func(tx *types.Transaction, err error) {
		e.t.Helper()
		if err == nil {
			e.t.Fatalf("want revert %s, but transaction %s was sent", name, tx.Hash())
		}
		data, ok := ethclient.RevertErrorData(err)
		if !ok {
			e.t.Fatalf("want revert %s, got error without revert data: %v", name, err)
		}
		if got := errorName(data); got != name {
			e.t.Fatalf("want revert %s, got %s (%v)", name, got, err)
		}
	}
}

// errorName names the custom error whose selector starts data.
func errorName(data []byte) string {
	if len(data) < 4 {
		return fmt.Sprintf("revert without selector 0x%x", data)
	}
	for _, meta := range []*bind.MetaData{contracts.NettingChannelMetaData, contracts.ChannelRegistryMetaData, contracts.MonitorRegistryMetaData} {
		parsed, err := meta.GetAbi()
		if err != nil {
			panic(err)
		}
		for name, e := range parsed.Errors {
			if bytes.Equal(e.ID[:4], data[:4]) {
				return name
			}
		}
	}
	return fmt.Sprintf("unknown revert 0x%x", data)
}

func (e *env) mine(blocks uint64) {
	for range blocks {
		e.backend.Commit()
	}
}

func (e *env) head() uint64 {
	e.t.Helper()
	n, err := e.client.BlockNumber(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) balance(addr common.Address) *big.Int {
	e.t.Helper()
	b, err := e.client.BalanceAt(e.t.Context(), addr, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

func fee(rc *types.Receipt) *big.Int {
	return new(big.Int).Mul(new(big.Int).SetUint64(rc.GasUsed), rc.EffectiveGasPrice)
}

// events returns the logs of rc that parse as the event parse expects.
func events[T any](rc *types.Receipt, parse func(types.Log) (*T, error)) []*T {
	var out []*T
	for _, l := range rc.Logs {
		if ev, err := parse(*l); err == nil {
			out = append(out, ev)
		}
	}
	return out
}

func oneEvent[T any](t *testing.T, rc *types.Receipt, parse func(types.Log) (*T, error)) *T {
	t.Helper()
	evs := events(rc, parse)
	if len(evs) != 1 {
		t.Fatalf("want 1 %T event, got %d", *new(T), len(evs))
	}
	return evs[0]
}

func wantBig(t *testing.T, what string, got, want *big.Int) {
	t.Helper()
	if got.Cmp(want) != 0 {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// channel is an open NettingChannel between p1 (the opener) and p2.
type channel struct {
	*contracts.NettingChannel
	e       *env
	addr    common.Address
	domain  eip712.Domain
	p1, p2  account
	timeout uint64
}

func (e *env) openChannel(p1, p2 account, timeout uint64) *channel {
	e.t.Helper()
	rc := e.mined(e.registry.OpenChannel(e.opts(p1, nil), p2.addr, timeout))
	ev := oneEvent(e.t, rc, e.registry.ParseChannelOpened)
	return e.bindChannel(ev.Channel, p1, p2, timeout)
}

func (e *env) bindChannel(addr common.Address, p1, p2 account, timeout uint64) *channel {
	e.t.Helper()
	ch, err := contracts.NewNettingChannel(addr, e.client)
	if err != nil {
		e.t.Fatal(err)
	}
	return &channel{
		NettingChannel: ch,
		e:              e,
		addr:           addr,
		domain:         eip712.Domain{ChainID: e.chainID, Channel: addr},
		p1:             p1,
		p2:             p2,
		timeout:        timeout,
	}
}

func (c *channel) call() *bind.CallOpts { return &bind.CallOpts{Context: c.e.t.Context()} }

// proof is a balance proof with distinct, non-zero locksroot and extra hash.
func proof(nonce uint64, amount *big.Int) eip712.BalanceProof {
	return eip712.BalanceProof{
		Nonce:             nonce,
		TransferredAmount: amount,
		Locksroot:         crypto.Keccak256Hash([]byte(fmt.Sprintf("locksroot %d", nonce))),
		ExtraHash:         crypto.Keccak256Hash([]byte(fmt.Sprintf("extra %d", nonce))),
	}
}

func (c *channel) signProof(signer account, bp eip712.BalanceProof) []byte {
	c.e.t.Helper()
	sig, err := eip712.Sign(c.domain.BalanceProofDigest(bp), signer.key)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return sig
}

func (c *channel) signRequest(signer account, bp eip712.BalanceProof, bpSig []byte, reward *big.Int) []byte {
	c.e.t.Helper()
	sig, err := eip712.Sign(c.domain.MonitorRequestDigest(bp, bpSig, reward), signer.key)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return sig
}

func (c *channel) close(o *bind.TransactOpts, bp eip712.BalanceProof, sig []byte) (*types.Transaction, error) {
	amount := bp.TransferredAmount
	if amount == nil {
		amount = new(big.Int)
	}
	return c.Close(o, bp.Nonce, amount, bp.Locksroot, bp.ExtraHash, sig)
}

func (c *channel) update(o *bind.TransactOpts, bp eip712.BalanceProof, closingSig, nonClosingSig []byte, reward *big.Int) (*types.Transaction, error) {
	return c.UpdateTransfer(o, bp.Nonce, bp.TransferredAmount, bp.Locksroot, bp.ExtraHash, closingSig, nonClosingSig, reward)
}

// slotStart is the first block monitor may update the closed channel in.
func (c *channel) slotStart(monitor common.Address) uint64 {
	c.e.t.Helper()
	return c.closedAt() + must[uint64](c.e.t)(c.SlotOffset(c.call(), monitor))
}

// openTail mines until the head is in the part of the window open to every
// registered monitor.
func (c *channel) openTail() {
	c.e.t.Helper()
	c.e.mineTo(c.closedAt() + must[uint64](c.e.t)(c.SlotSpan(c.call())))
}

// atSlot mines until monitor's slot has opened at the head, so that a call
// estimated at the head succeeds and the transaction lands in its slot.
func (c *channel) atSlot(monitor common.Address) {
	c.e.t.Helper()
	c.e.mineTo(c.slotStart(monitor))
}

// mineTo mines empty blocks until the head is at least block n.
func (e *env) mineTo(n uint64) {
	e.t.Helper()
	if h := e.head(); h < n {
		e.mine(n - h)
	}
}

// closeEmpty closes the channel by closer with no transfers from the partner.
func (c *channel) closeEmpty(closer account) *types.Receipt {
	c.e.t.Helper()
	return c.e.mined(c.close(c.e.opts(closer, nil), eip712.BalanceProof{}, nil))
}

func (c *channel) closedAt() uint64 {
	c.e.t.Helper()
	return must[uint64](c.e.t)(c.ClosedAt(c.call()))
}

func (c *channel) state() uint8 {
	c.e.t.Helper()
	return must[uint8](c.e.t)(c.State(c.call()))
}

// mineUntil mines empty blocks until the head is block n, so that the next
// transaction is mined in block n+1.
func (e *env) mineUntil(n uint64) {
	e.t.Helper()
	h := e.head()
	if h > n {
		e.t.Fatalf("head %d is already past %d", h, n)
	}
	e.mine(n - h)
}

func TestOpenChannel(t *testing.T) {
	e := newEnv(t)
	rc := e.mined(e.registry.OpenChannel(e.opts(e.alice, nil), e.bob.addr, 10))
	ev := oneEvent(t, rc, e.registry.ParseChannelOpened)
	if ev.Participant1 != e.alice.addr || ev.Participant2 != e.bob.addr || ev.SettleTimeout != 10 {
		t.Fatalf("ChannelOpened = %+v", ev)
	}
	c := e.bindChannel(ev.Channel, e.alice, e.bob, 10)
	call := c.call()
	if !must[bool](t)(e.registry.IsChannel(call, c.addr)) {
		t.Error("isChannel(channel) = false")
	}
	if must[bool](t)(e.registry.IsChannel(call, e.alice.addr)) {
		t.Error("isChannel(alice) = true")
	}
	for _, v := range []struct {
		name      string
		got, want common.Address
	}{
		{"registry", must[common.Address](t)(c.Registry(call)), e.registryAddr},
		{"participant1", must[common.Address](t)(c.Participant1(call)), e.alice.addr},
		{"participant2", must[common.Address](t)(c.Participant2(call)), e.bob.addr},
		{"closingParticipant", must[common.Address](t)(c.ClosingParticipant(call)), common.Address{}},
		{"rewardPayout", must[common.Address](t)(c.RewardPayout(call)), common.Address{}},
		{"monitorRegistry", must[common.Address](t)(c.MonitorRegistry(call)), e.monitorsAddr},
	} {
		if v.got != v.want {
			t.Errorf("%s() = %s, want %s", v.name, v.got, v.want)
		}
	}
	if got := must[uint64](t)(c.SettleTimeout(call)); got != 10 {
		t.Errorf("settleTimeout() = %d", got)
	}
	if c.state() != stateOpen || c.closedAt() != 0 {
		t.Errorf("state %d closedAt %d, want open and 0", c.state(), c.closedAt())
	}
	if e.chainID.Cmp(big.NewInt(1337)) != 0 {
		t.Errorf("simulated chain id %s, want 1337", e.chainID)
	}

	// Bounds of settleTimeout are inclusive.
	e.mined(e.registry.OpenChannel(e.opts(e.bob, nil), e.alice.addr, 5))
	e.mined(e.registry.OpenChannel(e.opts(e.bob, nil), e.alice.addr, testMaxSettleTimeout))
	if lo, hi := must[uint64](t)(e.registry.MINSETTLETIMEOUT(call)), must[uint64](t)(e.registry.MAXSETTLETIMEOUT(call)); lo != 5 || hi != testMaxSettleTimeout {
		t.Errorf("settle timeout bounds [%d, %d]", lo, hi)
	}

	e.reverts("BadSettleTimeout")(e.registry.OpenChannel(e.opts(e.alice, nil), e.bob.addr, 4))
	e.reverts("BadSettleTimeout")(e.registry.OpenChannel(e.opts(e.alice, nil), e.bob.addr, testMaxSettleTimeout+1))
	e.reverts("BadSettleTimeout")(e.registry.OpenChannel(e.opts(e.alice, nil), e.bob.addr, 0))
	e.reverts("InvalidPartner")(e.registry.OpenChannel(e.opts(e.alice, nil), e.alice.addr, 10))
	e.reverts("InvalidPartner")(e.registry.OpenChannel(e.opts(e.alice, nil), common.Address{}, 10))
}

// TestDomainSeparatorMatchesGo cross-checks eip712.Domain with the contract.
func TestDomainSeparatorMatchesGo(t *testing.T) {
	e := newEnv(t)
	c1 := e.openChannel(e.alice, e.bob, 10)
	c2 := e.openChannel(e.alice, e.bob, 10)
	for _, c := range []*channel{c1, c2} {
		got := must[[32]byte](t)(c.DomainSeparator(c.call()))
		if want := c.domain.Separator(); got != want {
			t.Errorf("channel %s: domainSeparator() = %x, eip712 %x", c.addr, got, want)
		}
	}
	if c1.domain.Separator() == c2.domain.Separator() {
		t.Error("two channels share a domain separator")
	}
}

func TestDeposits(t *testing.T) {
	e := newEnv(t)
	c := e.openChannel(e.alice, e.bob, 10)

	before := e.balance(e.alice.addr)
	rc := e.mined(c.Deposit(e.opts(e.alice, eth(3))))
	if ev := oneEvent(t, rc, c.ParseDeposited); ev.Participant != e.alice.addr || ev.Total.Cmp(eth(3)) != 0 {
		t.Errorf("Deposited = %+v", ev)
	}
	wantBig(t, "alice's balance", e.balance(e.alice.addr), new(big.Int).Sub(before, sum(eth(3), fee(rc))))

	rc = e.mined(c.Deposit(e.opts(e.alice, eth(2))))
	wantBig(t, "Deposited.total", oneEvent(t, rc, c.ParseDeposited).Total, eth(5))
	e.mined(c.Deposit(e.opts(e.bob, eth(1))))
	rc = e.mined(c.DepositReward(e.opts(e.bob, milli(300))))
	if ev := oneEvent(t, rc, c.ParseRewardDeposited); ev.Participant != e.bob.addr || ev.Total.Cmp(milli(300)) != 0 {
		t.Errorf("RewardDeposited = %+v", ev)
	}
	rc = e.mined(c.DepositReward(e.opts(e.bob, milli(200))))
	wantBig(t, "RewardDeposited.total", oneEvent(t, rc, c.ParseRewardDeposited).Total, milli(500))

	wantBig(t, "deposits(alice)", must[*big.Int](t)(c.Deposits(c.call(), e.alice.addr)), eth(5))
	wantBig(t, "deposits(bob)", must[*big.Int](t)(c.Deposits(c.call(), e.bob.addr)), eth(1))
	wantBig(t, "rewardDeposits(bob)", must[*big.Int](t)(c.RewardDeposits(c.call(), e.bob.addr)), milli(500))
	wantBig(t, "rewardDeposits(alice)", must[*big.Int](t)(c.RewardDeposits(c.call(), e.alice.addr)), new(big.Int))
	wantBig(t, "channel balance", e.balance(c.addr), sum(eth(6), milli(500)))

	e.reverts("NotParticipant")(c.Deposit(e.opts(e.dave, eth(1))))
	e.reverts("NotParticipant")(c.DepositReward(e.opts(e.dave, eth(1))))
	e.reverts("ZeroValue")(c.Deposit(e.opts(e.alice, nil)))
	e.reverts("ZeroValue")(c.DepositReward(e.opts(e.alice, nil)))

	c.closeEmpty(e.bob)
	e.reverts("WrongState")(c.Deposit(e.opts(e.alice, eth(1))))
	e.reverts("WrongState")(c.DepositReward(e.opts(e.alice, eth(1))))
}

func TestClose(t *testing.T) {
	e := newEnv(t)
	c := e.openChannel(e.alice, e.bob, 10)
	e.mined(c.Deposit(e.opts(e.bob, eth(5))))

	// alice closes with bob's proof of his transfers to her, signed by bob.
	bp := proof(7, eth(2))
	bobSig := c.signProof(e.bob, bp)
	o := func() *bind.TransactOpts { return e.opts(e.alice, nil) }

	e.reverts("NotParticipant")(c.close(e.opts(e.dave, nil), bp, bobSig))
	e.reverts("InvalidSignature")(c.close(o(), bp, c.signProof(e.alice, bp)))
	e.reverts("InvalidSignature")(c.close(o(), bp, c.signProof(e.carol, bp)))
	e.reverts("InvalidSignature")(c.close(o(), proof(8, eth(2)), bobSig)) // signature over other values
	other := e.openChannel(e.alice, e.bob, 10)
	e.reverts("InvalidSignature")(c.close(o(), bp, other.signProof(e.bob, bp))) // another channel's domain
	e.reverts("MalformedSignature")(c.close(o(), bp, bobSig[:64]))
	e.reverts("MalformedSignature")(c.close(o(), bp, append(bytes.Clone(bobSig), 0)))
	badV := bytes.Clone(bobSig)
	badV[64] -= 27
	e.reverts("MalformedSignature")(c.close(o(), bp, badV))
	e.reverts("MalformedSignature")(c.close(o(), bp, highS(bobSig)))
	zeroR, zeroS := bytes.Clone(bobSig), bytes.Clone(bobSig)
	clear(zeroR[:32])
	clear(zeroS[32:64])
	e.reverts("MalformedSignature")(c.close(o(), bp, zeroR))
	e.reverts("MalformedSignature")(c.close(o(), bp, zeroS))
	e.reverts("InvalidSignature")(c.close(o(), bp, unrecoverable(t, c.domain.BalanceProofDigest(bp)))) // ecrecover finds no key
	e.reverts("MalformedSignature")(c.close(o(), bp, nil))                                             // a proof without signature
	e.reverts("MalformedSignature")(c.close(o(), eip712.BalanceProof{Nonce: 1}, nil))                  // nonce without signature
	e.reverts("StaleNonce")(c.close(o(), proof(0, eth(1)), c.signProof(e.bob, proof(0, eth(1)))))      // signed nonce 0
	e.reverts("WrongState")(c.update(e.opts(e.carol, nil), bp, bobSig, bobSig, big.NewInt(0)))

	rc := e.mined(c.close(o(), bp, bobSig))
	ev := oneEvent(t, rc, c.ParseChannelClosed)
	if ev.ClosingParticipant != e.alice.addr || ev.Nonce != 7 || ev.BlockNumber.Cmp(rc.BlockNumber) != 0 {
		t.Errorf("ChannelClosed = %+v, mined in %s", ev, rc.BlockNumber)
	}
	call := c.call()
	if c.state() != stateClosed || c.closedAt() != rc.BlockNumber.Uint64() {
		t.Errorf("state %d closedAt %d, want closed at %s", c.state(), c.closedAt(), rc.BlockNumber)
	}
	if got := must[common.Address](t)(c.ClosingParticipant(call)); got != e.alice.addr {
		t.Errorf("closingParticipant = %s", got)
	}
	if got := must[uint64](t)(c.Nonces(call, e.bob.addr)); got != 7 {
		t.Errorf("nonces(bob) = %d", got)
	}
	if got := must[uint64](t)(c.Nonces(call, e.alice.addr)); got != 0 {
		t.Errorf("nonces(alice) = %d", got)
	}
	wantBig(t, "transferred(bob)", must[*big.Int](t)(c.Transferred(call, e.bob.addr)), eth(2))
	if got := must[[32]byte](t)(c.Locksroots(call, e.bob.addr)); got != bp.Locksroot {
		t.Errorf("locksroots(bob) = %x", got)
	}
	if got := must[[32]byte](t)(c.ExtraHashes(call, e.bob.addr)); got != bp.ExtraHash {
		t.Errorf("extraHashes(bob) = %x", got)
	}

	e.reverts("WrongState")(c.close(e.opts(e.bob, nil), eip712.BalanceProof{}, nil))
	e.reverts("WrongState")(c.close(o(), bp, bobSig))

	// Closing without transfers: nonce 0, empty signature.
	c2 := e.openChannel(e.alice, e.bob, 10)
	rc = c2.closeEmpty(e.bob)
	if ev := oneEvent(t, rc, c2.ParseChannelClosed); ev.ClosingParticipant != e.bob.addr || ev.Nonce != 0 {
		t.Errorf("ChannelClosed = %+v", ev)
	}
	if got := must[uint64](t)(c2.Nonces(c2.call(), e.alice.addr)); got != 0 {
		t.Errorf("nonces(alice) = %d", got)
	}
}

// highS returns the high-s twin of a valid signature: (r, n-s) with the
// other v, which ecrecover maps to the same signer.
// unrecoverable returns a well-formed signature (r, s in range, v 27)
// from which no public key can be recovered for digest: r is the smallest
// x with no point on the curve, so ecrecover yields the zero address.
func unrecoverable(t *testing.T, digest [32]byte) []byte {
	t.Helper()
	sig := make([]byte, 65)
	big.NewInt(1).FillBytes(sig[32:64])
	for x := int64(1); x < 1000; x++ {
		big.NewInt(x).FillBytes(sig[:32])
		sig[64] = 0
		if _, err := crypto.Ecrecover(digest[:], sig); err != nil {
			sig[64] = 27
			return sig
		}
	}
	t.Fatal("no unrecoverable r below 1000")
	return nil
}

func highS(sig []byte) []byte {
	out := bytes.Clone(sig)
	n := crypto.S256().Params().N
	new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:64])).FillBytes(out[32:64])
	out[64] = 55 - out[64]
	return out
}

func TestUpdateTransfer(t *testing.T) {
	e := newEnv(t)
	const timeout = 20
	c := e.openChannel(e.alice, e.bob, timeout)
	e.mined(c.Deposit(e.opts(e.alice, eth(10))))
	e.mined(c.DepositReward(e.opts(e.alice, eth(1))))

	// bob closes with nothing from alice; alice (non-closing) wants bob's
	// newer proof (bob's transfers to her) submitted by a monitor.
	closeRc := c.closeEmpty(e.bob)
	closedAt := closeRc.BlockNumber.Uint64()
	c.openTail() // both carol's and dave's slots are open
	monitor := func() *bind.TransactOpts { return e.opts(e.carol, nil) }
	payoutA, payoutB := e.carolPayout, e.davePayout

	bp := proof(5, eth(3))
	bobSig := c.signProof(e.bob, bp)
	reward := milli(100)
	aliceSig := c.signRequest(e.alice, bp, bobSig, reward)

	// Wrong closing signer: the proof must be bob's.
	aliceProofSig := c.signProof(e.alice, bp)
	e.reverts("InvalidSignature")(c.update(monitor(), bp, aliceProofSig, c.signRequest(e.alice, bp, aliceProofSig, reward), reward))
	carolProofSig := c.signProof(e.carol, bp)
	e.reverts("InvalidSignature")(c.update(monitor(), bp, carolProofSig, c.signRequest(e.alice, bp, carolProofSig, reward), reward))
	// Wrong non-closing signer: the request must be alice's.
	e.reverts("InvalidSignature")(c.update(monitor(), bp, bobSig, c.signRequest(e.carol, bp, bobSig, reward), reward))
	e.reverts("InvalidSignature")(c.update(monitor(), bp, bobSig, c.signRequest(e.bob, bp, bobSig, reward), reward))
	// Swapped signatures.
	e.reverts("InvalidSignature")(c.update(monitor(), bp, aliceSig, bobSig, reward))
	// The request binds the reward, the partner's signature and the proof.
	e.reverts("InvalidSignature")(c.update(monitor(), bp, bobSig, aliceSig, milli(101)))
	e.reverts("InvalidSignature")(c.update(monitor(), bp, bobSig, c.signRequest(e.alice, bp, carolProofSig, reward), reward))
	e.reverts("InvalidSignature")(c.update(monitor(), proof(5, eth(4)), bobSig, aliceSig, reward))
	// Malformed signatures.
	e.reverts("MalformedSignature")(c.update(monitor(), bp, highS(bobSig), aliceSig, reward))
	e.reverts("MalformedSignature")(c.update(monitor(), bp, bobSig, highS(aliceSig), reward))
	e.reverts("MalformedSignature")(c.update(monitor(), bp, bobSig, nil, reward))
	// Zero nonce.
	zero := proof(0, eth(3))
	zeroSig := c.signProof(e.bob, zero)
	e.reverts("StaleNonce")(c.update(monitor(), zero, zeroSig, c.signRequest(e.alice, zero, zeroSig, reward), reward))

	// Accepted: a registered monitor submits; the reward is claimed for its payout.
	rc := e.mined(c.update(monitor(), bp, bobSig, aliceSig, reward))
	ev := oneEvent(t, rc, c.ParseTransferUpdated)
	if ev.NonClosingParticipant != e.alice.addr || ev.Nonce != 5 || ev.Payout != payoutA || ev.RewardAmount.Cmp(reward) != 0 {
		t.Errorf("TransferUpdated = %+v", ev)
	}
	checkRecorded := func(bp eip712.BalanceProof, reward *big.Int, payout common.Address) {
		t.Helper()
		call := c.call()
		if got := must[uint64](t)(c.Nonces(call, e.bob.addr)); got != bp.Nonce {
			t.Errorf("nonces(bob) = %d, want %d", got, bp.Nonce)
		}
		wantBig(t, "transferred(bob)", must[*big.Int](t)(c.Transferred(call, e.bob.addr)), bp.TransferredAmount)
		if got := must[[32]byte](t)(c.Locksroots(call, e.bob.addr)); got != bp.Locksroot {
			t.Errorf("locksroots(bob) = %x", got)
		}
		if got := must[[32]byte](t)(c.ExtraHashes(call, e.bob.addr)); got != bp.ExtraHash {
			t.Errorf("extraHashes(bob) = %x", got)
		}
		wantBig(t, "rewardAmount", must[*big.Int](t)(c.RewardAmount(call)), reward)
		if got := must[common.Address](t)(c.RewardPayout(call)); got != payout {
			t.Errorf("rewardPayout = %s, want %s", got, payout)
		}
	}
	checkRecorded(bp, reward, payoutA)

	// Equal and lower nonces are stale, whoever submits them.
	e.reverts("StaleNonce")(c.update(e.opts(e.dave, nil), bp, bobSig, aliceSig, reward))
	lower := proof(4, eth(2))
	lowerSig := c.signProof(e.bob, lower)
	e.reverts("StaleNonce")(c.update(monitor(), lower, lowerSig, c.signRequest(e.alice, lower, lowerSig, reward), reward))

	// A newer nonce from another monitor replaces the proof and the reward claim.
	newer := proof(6, eth(4))
	newerSig := c.signProof(e.bob, newer)
	newReward := milli(250)
	e.mined(c.update(e.opts(e.dave, nil), newer, newerSig, c.signRequest(e.alice, newer, newerSig, newReward), newReward))
	checkRecorded(newer, newReward, payoutB)

	// The window's last block is closedAt + settleTimeout, inclusive.
	last := proof(7, eth(5))
	lastSig := c.signProof(e.bob, last)
	lastReq := c.signRequest(e.alice, last, lastSig, newReward)
	e.mineUntil(closedAt + timeout - 1)
	rc = e.mined(c.update(e.fixedGas(e.carol), last, lastSig, lastReq, newReward))
	if rc.BlockNumber.Uint64() != closedAt+timeout {
		t.Fatalf("mined in %s, want %d", rc.BlockNumber, closedAt+timeout)
	}
	late := proof(8, eth(6))
	lateSig := c.signProof(e.bob, late)
	lateReq := c.signRequest(e.alice, late, lateSig, newReward)
	rc = e.include(c.update(e.fixedGas(e.carol), late, lateSig, lateReq, newReward))
	if rc.Status != types.ReceiptStatusFailed {
		t.Fatalf("updateTransfer in block %s (window ended at %d) succeeded", rc.BlockNumber, closedAt+timeout)
	}
	e.reverts("WindowClosed")(c.update(monitor(), late, lateSig, lateReq, newReward))
	checkRecorded(last, newReward, payoutA)
}

// settleCase is one end-to-end settlement with expected payouts to the wei.
type settleCase struct {
	name             string
	deposit1         *big.Int // alice (participant1)
	deposit2         *big.Int // bob (participant2)
	reward1, reward2 *big.Int // reward deposits
	aliceCloses      bool     // else bob closes
	fromPartner      *big.Int // transferred by the non-closer, in the closing proof (nil: close without transfers)
	fromCloser       *big.Int // transferred by the closer, submitted by updateTransfer (nil: no update)
	claimed          *big.Int // reward in the monitor request
	want1, want2     *big.Int // ChannelSettled amounts
	wantReward       *big.Int // paid to the payout
}

func TestSettle(t *testing.T) {
	cases := []settleCase{
		{
			name:     "bob closes, reward below alice's reward deposit",
			deposit1: eth(10), deposit2: eth(5), reward1: milli(300), reward2: milli(200),
			fromPartner: eth(3), fromCloser: eth(1), claimed: milli(100),
			want1: eth(8), want2: eth(7), wantReward: milli(100),
		},
		{
			name:     "alice closes, reward above bob's reward deposit",
			deposit1: eth(10), deposit2: eth(5), reward1: milli(300), reward2: milli(200),
			aliceCloses: true, fromPartner: eth(1), fromCloser: eth(3), claimed: milli(500),
			want1: eth(8), want2: eth(7), wantReward: milli(200),
		},
		{
			name:     "no update: all reward deposits return",
			deposit1: eth(10), deposit2: eth(5), reward1: milli(300), reward2: milli(200),
			fromPartner: eth(3),
			want1:       eth(7), want2: eth(8), wantReward: new(big.Int),
		},
		{
			name:     "zero reward claimed",
			deposit1: eth(10), deposit2: eth(5), reward1: milli(300), reward2: milli(200),
			fromPartner: eth(3), fromCloser: eth(1), claimed: new(big.Int),
			want1: eth(8), want2: eth(7), wantReward: new(big.Int),
		},
		{
			name:     "no reward deposits",
			deposit1: eth(10), deposit2: eth(5), reward1: new(big.Int), reward2: new(big.Int),
			fromCloser: eth(2), claimed: milli(100),
			want1: eth(12), want2: eth(3), wantReward: new(big.Int),
		},
		{
			name:     "alice sent more than her deposit: clamped to zero",
			deposit1: eth(1), deposit2: eth(2), reward1: new(big.Int), reward2: new(big.Int),
			fromPartner: eth(5),
			want1:       new(big.Int), want2: eth(3), wantReward: new(big.Int),
		},
		{
			name:     "alice received more than the channel holds: clamped to the total",
			deposit1: eth(1), deposit2: eth(2), reward1: new(big.Int), reward2: new(big.Int),
			aliceCloses: true, fromPartner: eth(7), fromCloser: eth(1), claimed: new(big.Int),
			want1: eth(3), want2: new(big.Int), wantReward: new(big.Int),
		},
		{
			name:     "maximal transferred amount does not overflow",
			deposit1: eth(1), deposit2: eth(2), reward1: new(big.Int), reward2: new(big.Int),
			aliceCloses: true, fromPartner: maxUint256,
			want1: eth(3), want2: new(big.Int), wantReward: new(big.Int),
		},
		{
			name:     "maximal transferred amounts both ways cancel",
			deposit1: eth(1), deposit2: eth(2), reward1: new(big.Int), reward2: new(big.Int),
			aliceCloses: true, fromPartner: maxUint256, fromCloser: maxUint256, claimed: new(big.Int),
			want1: eth(1), want2: eth(2), wantReward: new(big.Int),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runSettle(t, tc) })
	}
}

func runSettle(t *testing.T, tc settleCase) {
	e := newEnv(t)
	const timeout = 5
	c := e.openChannel(e.alice, e.bob, timeout)
	e.reverts("WrongState")(c.Settle(e.opts(e.dave, nil)))
	for _, d := range []struct {
		who     account
		deposit *big.Int
		reward  *big.Int
	}{{e.alice, tc.deposit1, tc.reward1}, {e.bob, tc.deposit2, tc.reward2}} {
		if d.deposit.Sign() > 0 {
			e.mined(c.Deposit(e.opts(d.who, d.deposit)))
		}
		if d.reward.Sign() > 0 {
			e.mined(c.DepositReward(e.opts(d.who, d.reward)))
		}
	}

	closer, partner := e.bob, e.alice
	if tc.aliceCloses {
		closer, partner = e.alice, e.bob
	}
	var closeRc *types.Receipt
	if tc.fromPartner != nil {
		bp := proof(4, tc.fromPartner)
		closeRc = e.mined(c.close(e.opts(closer, nil), bp, c.signProof(partner, bp)))
	} else {
		closeRc = c.closeEmpty(closer)
	}
	closedAt := closeRc.BlockNumber.Uint64()

	payout := e.carolPayout // never sends a transaction: its balance is exactly what it was paid
	if tc.fromCloser != nil {
		bp := proof(9, tc.fromCloser)
		closerSig := c.signProof(closer, bp)
		c.atSlot(e.carol.addr)
		e.mined(c.update(e.opts(e.carol, nil), bp, closerSig, c.signRequest(partner, bp, closerSig, tc.claimed), tc.claimed))
	}

	// The window is still open at closedAt + timeout.
	e.mineUntil(closedAt + timeout - 1)
	e.reverts("WindowOpen")(c.Settle(e.opts(e.dave, nil)))
	if rc := e.include(c.Settle(e.fixedGas(e.dave))); rc.Status != types.ReceiptStatusFailed {
		t.Fatalf("settle in block %s succeeded; window ends at %d", rc.BlockNumber, closedAt+timeout)
	}

	// First block after the window. (eth_estimateGas at "latest" runs with
	// block.number = head, one less than the block a transaction lands in,
	// so estimating settle() here would still see the window open.)
	alice0, bob0 := e.balance(e.alice.addr), e.balance(e.bob.addr)
	rc := e.mined(c.Settle(e.fixedGas(e.dave)))
	if rc.BlockNumber.Uint64() != closedAt+timeout+1 {
		t.Fatalf("settled in block %s, want %d", rc.BlockNumber, closedAt+timeout+1)
	}
	t.Logf("settle gas used: %d", rc.GasUsed)

	settled := oneEvent(t, rc, c.ParseChannelSettled)
	wantBig(t, "ChannelSettled.amount1", settled.Amount1, tc.want1)
	wantBig(t, "ChannelSettled.amount2", settled.Amount2, tc.want2)
	paid := events(rc, c.ParseRewardPaid)
	if tc.wantReward.Sign() == 0 {
		if len(paid) != 0 {
			t.Errorf("RewardPaid emitted for a zero reward: %+v", paid[0])
		}
	} else if len(paid) != 1 || paid[0].Payout != payout || paid[0].Amount.Cmp(tc.wantReward) != 0 {
		t.Errorf("RewardPaid = %+v, want %s to %s", paid, tc.wantReward, payout)
	}
	if d := events(rc, c.ParsePaymentDeferred); len(d) != 0 {
		t.Errorf("PaymentDeferred to %s", d[0].Payee)
	}

	// Reward deposits: the non-closer's pays the reward, the rest returns.
	refund1, refund2 := new(big.Int).Set(tc.reward1), new(big.Int).Set(tc.reward2)
	if tc.aliceCloses {
		refund2.Sub(refund2, tc.wantReward)
	} else {
		refund1.Sub(refund1, tc.wantReward)
	}
	wantBig(t, "alice received", new(big.Int).Sub(e.balance(e.alice.addr), alice0), sum(tc.want1, refund1))
	wantBig(t, "bob received", new(big.Int).Sub(e.balance(e.bob.addr), bob0), sum(tc.want2, refund2))
	wantBig(t, "payout received", e.balance(payout), tc.wantReward)
	wantBig(t, "channel balance", e.balance(c.addr), new(big.Int))
	if c.state() != stateSettled {
		t.Errorf("state = %d", c.state())
	}

	e.reverts("WrongState")(c.Settle(e.opts(e.dave, nil)))
	e.reverts("WrongState")(c.Deposit(e.opts(e.alice, eth(1))))
	e.reverts("WrongState")(c.close(e.opts(e.alice, nil), eip712.BalanceProof{}, nil))
	bp := proof(10, eth(1))
	closerSig := c.signProof(closer, bp)
	e.reverts("WrongState")(c.update(e.opts(e.carol, nil), bp, closerSig, c.signRequest(partner, bp, closerSig, tc.claimed), new(big.Int)))
	e.reverts("NothingToWithdraw")(c.Withdraw(e.opts(e.alice, nil)))
}

// Payee is a minimal contract wallet, written in EVM assembly so that the
// test needs no compiler. Called with no calldata (a plain ETH transfer) it
// accepts the ETH only if more than 100,000 gas is left: it rejects what
// settle() sends with PAYMENT_GAS and accepts withdraw(), which forwards all
// gas. Called with calldata target (32 bytes, address right-aligned) ||
// payload, it calls target with payload and the call value, and bubbles up a
// revert. Anyone may drive it; it is a test fixture.
var payeeRuntime = assemble(
	0x00, "36", // CALLDATASIZE
	0x01, "6013", // PUSH1 forward
	0x03, "57", // JUMPI
	0x04, "620186a0", // PUSH3 100000
	0x08, "5a", // GAS
	0x09, "11", // GT              gas > 100000
	0x0a, "6011", // PUSH1 stop
	0x0c, "57", // JUMPI
	0x0d, "6000", // PUSH1 0
	0x0f, "80", // DUP1
	0x10, "fd", // REVERT          revert(0, 0)
	0x11, "5b", // stop: JUMPDEST
	0x12, "00", // STOP
	0x13, "5b", // forward: JUMPDEST
	0x14, "6020", // PUSH1 32
	0x16, "36", // CALLDATASIZE
	0x17, "03", // SUB             n = calldatasize - 32
	0x18, "80", // DUP1
	0x19, "6020", // PUSH1 32
	0x1b, "6000", // PUSH1 0
	0x1d, "37", // CALLDATACOPY    memory[0:n] = calldata[32:]
	0x1e, "6000", // PUSH1 0         retSize
	0x20, "80", // DUP1            retOffset
	0x21, "82", // DUP3            argsSize n
	0x22, "6000", // PUSH1 0         argsOffset
	0x24, "34", // CALLVALUE       value
	0x25, "6000", // PUSH1 0
	0x27, "35", // CALLDATALOAD    target
	0x28, "5a", // GAS
	0x29, "f1", // CALL
	0x2a, "6011", // PUSH1 stop
	0x2c, "57", // JUMPI           success: stop
	0x2d, "3d", // RETURNDATASIZE
	0x2e, "6000", // PUSH1 0
	0x30, "80", // DUP1
	0x31, "3e", // RETURNDATACOPY
	0x32, "3d", // RETURNDATASIZE
	0x33, "6000", // PUSH1 0
	0x35, "fd", // REVERT          revert(0, returndatasize)
)

// assemble concatenates (offset, hex) pairs, checking every offset.
func assemble(parts ...any) []byte {
	var code []byte
	for i := 0; i < len(parts); i += 2 {
		if off := parts[i].(int); off != len(code) {
			panic(fmt.Sprintf("payee assembly: offset 0x%02x, want 0x%02x", off, len(code)))
		}
		b, err := hex.DecodeString(parts[i+1].(string))
		if err != nil {
			panic(err)
		}
		code = append(code, b...)
	}
	return code
}

// initCode returns creation code that deploys runtime as is.
func initCode(runtime []byte) []byte {
	if len(runtime) > 0xff {
		panic("runtime too long")
	}
	// PUSH1 len DUP1 PUSH1 11 PUSH1 0 CODECOPY PUSH1 0 RETURN, then runtime at offset 11.
	prefix := []byte{0x60, byte(len(runtime)), 0x80, 0x60, 0x0b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3}
	return append(prefix, runtime...)
}

type payee struct {
	e     *env
	addr  common.Address
	bound *bind.BoundContract
}

func (e *env) deployPayee() *payee {
	e.t.Helper()
	addr, tx, bound, err := bind.DeployContract(e.opts(e.carol, nil), abi.ABI{}, initCode(payeeRuntime), e.client)
	e.mined(tx, err)
	code, err := e.client.CodeAt(e.t.Context(), addr, nil)
	if err != nil || !bytes.Equal(code, payeeRuntime) {
		e.t.Fatalf("payee code %x (%v)", code, err)
	}
	return &payee{e: e, addr: addr, bound: bound}
}

// exec makes the payee call target with the ABI call method(args...),
// carol paying for the transaction.
func (p *payee) exec(target common.Address, value *big.Int, gas uint64, parsed *abi.ABI, method string, args ...any) *types.Receipt {
	p.e.t.Helper()
	payload, err := parsed.Pack(method, args...)
	if err != nil {
		p.e.t.Fatal(err)
	}
	o := p.e.opts(p.e.carol, value)
	o.GasLimit = gas
	return p.e.mined(p.bound.RawTransact(o, append(common.LeftPadBytes(target.Bytes(), 32), payload...)))
}

func channelABI(t *testing.T) *abi.ABI {
	return must[*abi.ABI](t)(contracts.NettingChannelMetaData.GetAbi())
}

// TestRejectingParticipantCannotBlockSettle: participant1 is a contract
// that rejects settle's payment; settle succeeds, credits it, and it
// withdraws later.
func TestRejectingParticipantCannotBlockSettle(t *testing.T) {
	e := newEnv(t)
	p := e.deployPayee()
	if rc := e.include(sendTransfer(t, e, e.dave, p.addr, eth(1), 50_000), nil); rc.Status != types.ReceiptStatusFailed {
		t.Fatal("payee accepted a transfer with 50,000 gas; the fixture is wrong")
	}

	registryABI := must[*abi.ABI](t)(contracts.ChannelRegistryMetaData.GetAbi())
	rc := p.exec(e.registryAddr, nil, 0, registryABI, "openChannel", e.bob.addr, uint64(5))
	opened := oneEvent(t, rc, e.registry.ParseChannelOpened)
	if opened.Participant1 != p.addr {
		t.Fatalf("participant1 = %s, want the payee %s", opened.Participant1, p.addr)
	}
	c := e.bindChannel(opened.Channel, account{addr: p.addr}, e.bob, 5)
	p.exec(c.addr, eth(2), 0, channelABI(t), "deposit")
	e.mined(c.Deposit(e.opts(e.bob, eth(1))))
	closedAt := c.closeEmpty(e.bob).BlockNumber.Uint64()
	e.mineUntil(closedAt + 5) // settle lands in the first block after the window

	bob0 := e.balance(e.bob.addr)
	rc = e.mined(c.Settle(e.fixedGas(e.dave)))
	settled := oneEvent(t, rc, c.ParseChannelSettled)
	wantBig(t, "amount1", settled.Amount1, eth(2))
	wantBig(t, "amount2", settled.Amount2, eth(1))
	deferred := oneEvent(t, rc, c.ParsePaymentDeferred)
	if deferred.Payee != p.addr || deferred.Amount.Cmp(eth(2)) != 0 {
		t.Errorf("PaymentDeferred = %+v", deferred)
	}
	wantBig(t, "bob received", new(big.Int).Sub(e.balance(e.bob.addr), bob0), eth(1))
	wantBig(t, "withdrawable(payee)", must[*big.Int](t)(c.Withdrawable(c.call(), p.addr)), eth(2))
	wantBig(t, "channel balance", e.balance(c.addr), eth(2))
	wantBig(t, "payee balance", e.balance(p.addr), new(big.Int))

	// With too little gas the payee rejects the withdrawal too, and nothing moves.
	withdraw := append(common.LeftPadBytes(c.addr.Bytes(), 32), must[[]byte](t)(channelABI(t).Pack("withdraw"))...)
	_, err := e.client.CallContract(t.Context(), ethereum.CallMsg{From: e.carol.addr, To: &p.addr, Gas: 120_000, Data: withdraw}, nil)
	if data, _ := ethclient.RevertErrorData(err); errorName(data) != "WithdrawFailed" {
		t.Fatalf("withdraw with little gas: %v", err)
	}

	rc = p.exec(c.addr, nil, explicitGas, channelABI(t), "withdraw")
	if w := oneEvent(t, rc, c.ParseWithdrawn); w.To != p.addr || w.Amount.Cmp(eth(2)) != 0 {
		t.Errorf("Withdrawn = %+v", w)
	}
	wantBig(t, "payee balance", e.balance(p.addr), eth(2))
	wantBig(t, "channel balance", e.balance(c.addr), new(big.Int))
	wantBig(t, "withdrawable(payee)", must[*big.Int](t)(c.Withdrawable(c.call(), p.addr)), new(big.Int))
	e.reverts("NothingToWithdraw")(c.Withdraw(e.opts(e.bob, nil)))
}

// TestRejectingPayoutCannotBlockSettle: the monitor's payout address rejects
// the reward; settle pays the participants and credits the reward.
func TestRejectingPayoutCannotBlockSettle(t *testing.T) {
	e := newEnv(t)
	p := e.deployPayee()
	c := e.openChannel(e.alice, e.bob, 5)
	e.mined(c.Deposit(e.opts(e.alice, eth(4))))
	e.mined(c.Deposit(e.opts(e.bob, eth(4))))
	e.mined(c.DepositReward(e.opts(e.alice, milli(50))))
	monitor := e.newMonitor(p.addr, testMinDeposit)
	closedAt := c.closeEmpty(e.bob).BlockNumber.Uint64()
	bp := proof(3, eth(1))
	bobSig := c.signProof(e.bob, bp)
	c.atSlot(monitor.addr)
	e.mined(c.update(e.opts(monitor, nil), bp, bobSig, c.signRequest(e.alice, bp, bobSig, milli(40)), milli(40)))
	e.mineUntil(closedAt + 5) // settle lands in the first block after the window

	alice0, bob0 := e.balance(e.alice.addr), e.balance(e.bob.addr)
	rc := e.mined(c.Settle(e.fixedGas(e.dave)))
	if paid := oneEvent(t, rc, c.ParseRewardPaid); paid.Payout != p.addr || paid.Amount.Cmp(milli(40)) != 0 {
		t.Errorf("RewardPaid = %+v", paid)
	}
	if d := oneEvent(t, rc, c.ParsePaymentDeferred); d.Payee != p.addr || d.Amount.Cmp(milli(40)) != 0 {
		t.Errorf("PaymentDeferred = %+v", d)
	}
	wantBig(t, "alice received", new(big.Int).Sub(e.balance(e.alice.addr), alice0), sum(eth(5), milli(10)))
	wantBig(t, "bob received", new(big.Int).Sub(e.balance(e.bob.addr), bob0), eth(3))
	wantBig(t, "withdrawable(payout)", must[*big.Int](t)(c.Withdrawable(c.call(), p.addr)), milli(40))

	p.exec(c.addr, nil, explicitGas, channelABI(t), "withdraw")
	wantBig(t, "payout balance", e.balance(p.addr), milli(40))
	wantBig(t, "channel balance", e.balance(c.addr), new(big.Int))
}

// sendTransfer sends a plain ETH transfer with the given gas limit.
func sendTransfer(t *testing.T, e *env, from account, to common.Address, value *big.Int, gas uint64) *types.Transaction {
	t.Helper()
	nonce := must[uint64](t)(e.client.PendingNonceAt(t.Context(), from.addr))
	tip := must[*big.Int](t)(e.client.SuggestGasTipCap(t.Context()))
	head := must[*types.Header](t)(e.client.HeaderByNumber(t.Context(), nil))
	tx := types.NewTx(&types.DynamicFeeTx{
		ChainID:   e.chainID,
		Nonce:     nonce,
		GasTipCap: tip,
		GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2))),
		Gas:       gas,
		To:        &to,
		Value:     value,
	})
	signed, err := types.SignTx(tx, types.LatestSignerForChainID(e.chainID), from.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.client.SendTransaction(t.Context(), signed); err != nil {
		t.Fatal(err)
	}
	return signed
}

// osakaRules makes the simulated chain run the Osaka (Fusaka) rules that
// mainnet runs. By default the simulated backend enables every fork
// go-ethereum knows, including Amsterdam/Bogota with EIP-8037 and EIP-8038,
// which reprice storage: gas measured there is far above mainnet's.
func osakaRules(_ *node.Config, ethConf *ethconfig.Config) {
	cfg := *ethConf.Genesis.Config
	cfg.AmsterdamTime, cfg.BogotaTime, cfg.UBTTime = nil, nil, nil
	ethConf.Genesis.Config = &cfg
}

// TestUpdateTransferGas measures updateTransfer on the EVM: the figure the
// monitor's profitability check needs. It logs estimateGas and the gas used
// for a first update (fresh storage) and a replacing one, under mainnet's
// Osaka rules and under the simulated backend's default (all forks).
func TestUpdateTransferGas(t *testing.T) {
	t.Run("osaka", func(t *testing.T) {
		first := measureUpdateTransfer(t, newEnv(t, osakaRules))
		// Keep the policy's constant honest: it must cover the real cost
		// of a first update on mainnet rules, without overstating it by
		// more than 10% (which would refuse profitable requests).
		if g := proofs.UpdateTransferGas; g < first || g > first+first/10 {
			t.Errorf("proofs.UpdateTransferGas = %d, but updateTransfer estimates %d gas: update the constant", g, first)
		}
	})
	t.Run("simulated-default", func(t *testing.T) { measureUpdateTransfer(t, newEnv(t)) })
}

// measureUpdateTransfer returns the estimateGas of a first update.
func measureUpdateTransfer(t *testing.T, e *env) (first uint64) {
	c := e.openChannel(e.alice, e.bob, 100)
	e.mined(c.Deposit(e.opts(e.alice, eth(10))))
	e.mined(c.Deposit(e.opts(e.bob, eth(10))))
	e.mined(c.DepositReward(e.opts(e.alice, eth(1))))
	// alice closes with bob's proof; a monitor then submits alice's newer
	// proof on behalf of bob, the non-closing participant.
	closeRc := e.mined(c.close(e.opts(e.alice, nil), proof(17, milli(777)), c.signProof(e.bob, proof(17, milli(777)))))
	t.Logf("close gas used: %d", closeRc.GasUsed)
	parsed := channelABI(t)
	c.openTail()
	for i, bp := range []eip712.BalanceProof{proof(42, milli(4321)), proof(43, milli(5321))} {
		aliceSig := c.signProof(e.alice, bp)
		reward := milli(3)
		bobSig := c.signRequest(e.bob, bp, aliceSig, reward)
		data, err := parsed.Pack("updateTransfer", bp.Nonce, bp.TransferredAmount, bp.Locksroot, bp.ExtraHash, aliceSig, bobSig, reward)
		if err != nil {
			t.Fatal(err)
		}
		estimate, err := e.client.EstimateGas(t.Context(), ethereum.CallMsg{From: e.carol.addr, To: &c.addr, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		o := e.opts(e.carol, nil)
		o.GasLimit = estimate
		rc := e.mined(c.update(o, bp, aliceSig, bobSig, reward))
		kind := "first"
		if i > 0 {
			kind = "replacing"
		}
		t.Logf("updateTransfer (%s update): estimateGas %d, gasUsed %d", kind, estimate, rc.GasUsed)
		if rc.GasUsed > estimate {
			t.Errorf("gas used %d above the estimate %d", rc.GasUsed, estimate)
		}
		if i == 0 {
			first = estimate
		}
	}
	return first
}
