package contracts_test

import (
	"math/big"
	"testing"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/holiman/uint256"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
)

// registration is MonitorRegistry.monitors(m).
type registration struct {
	Deposit    *big.Int
	Payout     common.Address
	ActiveFrom uint64
	ExitAt     uint64
}

func (e *env) registration(m common.Address) registration {
	e.t.Helper()
	r, err := e.monitors.Monitors(&bind.CallOpts{Context: e.t.Context()}, m)
	if err != nil {
		e.t.Fatal(err)
	}
	return registration{r.Deposit, r.Payout, r.ActiveFrom, r.ExitAt}
}

func (e *env) isActive(m common.Address) bool {
	e.t.Helper()
	return must[bool](e.t)(e.monitors.IsActive(&bind.CallOpts{Context: e.t.Context()}, m))
}

// fundedAccount is a fresh account erin sends value to.
func (e *env) fundedAccount(value *big.Int) account {
	e.t.Helper()
	a := newAccount(e.t)
	e.mined(sendTransfer(e.t, e, e.erin, a.addr, value, 21_000), nil)
	return a
}

func TestChannelRegistryConstructorRules(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name                 string
		maxTimeout           uint64
		minDeposit           *big.Int
		activation, withdraw uint64
		want                 string
	}{
		{"withdraw delay below twice the max settle timeout", 100, eth(1), 1, 199, "BadParameters"},
		{"zero minimum deposit", 100, new(big.Int), 1, 200, "BadParameters"},
		{"zero activation delay", 100, eth(1), 0, 200, "BadParameters"},
		{"max settle timeout below the minimum", 4, eth(1), 1, 200, "BadSettleTimeout"},
	}
	for _, tc := range cases {
		_, tx, _, err := contracts.DeployChannelRegistry(e.opts(e.alice, nil), e.client, tc.maxTimeout, tc.minDeposit, tc.activation, tc.withdraw)
		t.Log(tc.name)
		e.reverts(tc.want)(tx, err)
	}
	// The limits are inclusive.
	_, tx, _, err := contracts.DeployChannelRegistry(e.opts(e.alice, nil), e.client, 5, big.NewInt(1), 1, 10)
	e.mined(tx, err)

	call := &bind.CallOpts{Context: t.Context()}
	if got := must[common.Address](t)(e.monitors.ChannelRegistry(call)); got != e.registryAddr {
		t.Errorf("channelRegistry() = %s, want %s", got, e.registryAddr)
	}
	wantBig(t, "minDeposit", must[*big.Int](t)(e.monitors.MinDeposit(call)), testMinDeposit)
	if a, w := must[uint64](t)(e.monitors.ActivationDelay(call)), must[uint64](t)(e.monitors.WithdrawDelay(call)); a != testActivationDelay || w != testWithdrawDelay {
		t.Errorf("activationDelay %d withdrawDelay %d", a, w)
	}
}

func TestRegister(t *testing.T) {
	e := newEnv(t)
	m := e.fundedAccount(eth(10))
	payout := newAccount(t).addr

	e.reverts("DepositTooLow")(e.monitors.Register(e.opts(m, new(big.Int).Sub(testMinDeposit, big.NewInt(1))), payout))
	e.reverts("ZeroAddress")(e.monitors.Register(e.opts(m, testMinDeposit), common.Address{}))
	if e.isActive(m.addr) || e.registration(m.addr).ActiveFrom != 0 {
		t.Fatal("an account that never registered is active or registered")
	}

	deposit := sum(testMinDeposit, milli(500))
	rc := e.mined(e.monitors.Register(e.opts(m, deposit), payout))
	t.Logf("register gas used: %d", rc.GasUsed)
	ev := oneEvent(t, rc, e.monitors.ParseMonitorRegistered)
	activeFrom := rc.BlockNumber.Uint64() + testActivationDelay
	if ev.Monitor != m.addr || ev.Payout != payout || ev.Deposit.Cmp(deposit) != 0 || ev.ActiveFrom != activeFrom {
		t.Fatalf("MonitorRegistered = %+v, want activeFrom %d", ev, activeFrom)
	}
	if r := e.registration(m.addr); r.Deposit.Cmp(deposit) != 0 || r.Payout != payout || r.ActiveFrom != activeFrom || r.ExitAt != 0 {
		t.Fatalf("monitors() = %+v", r)
	}
	wantBig(t, "registry balance", e.balance(e.monitorsAddr), sum(deposit, testMinDeposit, testMinDeposit)) // carol's and dave's too
	e.reverts("AlreadyRegistered")(e.monitors.Register(e.opts(m, testMinDeposit), payout))
	if got := must[common.Address](t)(e.monitors.PayoutOf(&bind.CallOpts{}, m.addr)); got != payout {
		t.Errorf("payoutOf = %s", got)
	}

	// It counts from activeFrom on, not before.
	call := &bind.CallOpts{Context: t.Context()}
	for b, want := range map[uint64]bool{activeFrom - 1: false, activeFrom: true, activeFrom + 1000: true} {
		if got := must[bool](t)(e.monitors.ActiveAt(call, m.addr, new(big.Int).SetUint64(b))); got != want {
			t.Errorf("activeAt(%d) = %v, want %v", b, got, want)
		}
	}
	e.mineTo(activeFrom - 1)
	if e.isActive(m.addr) {
		t.Fatalf("active at block %d, before activeFrom %d", e.head(), activeFrom)
	}
	if got := must[common.Address](t)(e.monitors.ActivePayout(call, m.addr)); got != (common.Address{}) {
		t.Errorf("activePayout before activation = %s", got)
	}
	e.mine(1)
	if !e.isActive(m.addr) {
		t.Fatalf("inactive at activeFrom %d", activeFrom)
	}
	if got := must[common.Address](t)(e.monitors.ActivePayout(call, m.addr)); got != payout {
		t.Errorf("activePayout = %s, want %s", got, payout)
	}
}

// requestFixture is a monitoring request of alice (non-closing) for bob's
// proof, on a channel bob closed with nothing from himself.
type requestFixture struct {
	c        *channel
	bp       eip712.BalanceProof
	bobSig   []byte
	aliceSig []byte
	reward   *big.Int
	closedAt uint64
}

func (f requestFixture) update(o *bind.TransactOpts) (*types.Transaction, error) {
	return f.c.update(o, f.bp, f.bobSig, f.aliceSig, f.reward)
}

func (f requestFixture) request() contracts.NettingChannelMonitorRequest {
	return contracts.NettingChannelMonitorRequest{
		Nonce: f.bp.Nonce, TransferredAmount: f.bp.TransferredAmount, Locksroot: f.bp.Locksroot, ExtraHash: f.bp.ExtraHash,
		ClosingSignature: f.bobSig, NonClosingSignature: f.aliceSig, Reward: f.reward,
	}
}

// closedWithRequest opens a channel whose slots satisfy accept, funds it,
// closes it by bob and returns alice's request for bob's proof of nonce 5.
func (e *env) closedWithRequest(timeout uint64, reward, rewardDeposit *big.Int, accept func(*channel) bool) requestFixture {
	e.t.Helper()
	var c *channel
	for range 100 {
		c = e.openChannel(e.alice, e.bob, timeout)
		if accept == nil || accept(c) {
			break
		}
		c = nil
	}
	if c == nil {
		e.t.Fatal("no channel with the wanted slots in 100 tries")
	}
	e.mined(c.Deposit(e.opts(e.alice, eth(10))))
	e.mined(c.Deposit(e.opts(e.bob, eth(10))))
	if rewardDeposit.Sign() > 0 {
		e.mined(c.DepositReward(e.opts(e.alice, rewardDeposit)))
	}
	f := requestFixture{c: c, bp: proof(5, eth(3)), reward: reward}
	f.bobSig = c.signProof(e.bob, f.bp)
	f.aliceSig = c.signRequest(e.alice, f.bp, f.bobSig, reward)
	f.closedAt = c.closeEmpty(e.bob).BlockNumber.Uint64()
	return f
}

func (c *channel) offset(m common.Address) uint64 {
	c.e.t.Helper()
	return must[uint64](c.e.t)(c.SlotOffset(c.call(), m))
}

// TestSlotOffsetMatchesGo: contracts.SlotOffset and SlotSpan compute what
// the channel does, for many monitors and several settle timeouts.
func TestSlotOffsetMatchesGo(t *testing.T) {
	e := newEnv(t)
	for _, timeout := range []uint64{5, 6, 17, 100} {
		c := e.openChannel(e.alice, e.bob, timeout)
		span := must[uint64](t)(c.SlotSpan(c.call()))
		if want := contracts.SlotSpan(timeout); span != want || span != max(1, timeout*60/100) {
			t.Fatalf("timeout %d: slotSpan() = %d, contracts.SlotSpan %d", timeout, span, want)
		}
		seen := map[uint64]bool{}
		for range 40 {
			m := newAccount(t).addr
			got := c.offset(m)
			if want := contracts.SlotOffset(c.addr, m, timeout); got != want {
				t.Fatalf("timeout %d monitor %s: slotOffset() = %d, contracts.SlotOffset %d", timeout, m, got, want)
			}
			if got >= span {
				t.Fatalf("offset %d not below the span %d", got, span)
			}
			seen[got] = true
		}
		if timeout == 100 && len(seen) < 10 {
			t.Errorf("40 monitors share %d offsets of 60: not spread", len(seen))
		}
	}
}

// TestUpdateTransferSlots: who may update when.
func TestUpdateTransferSlots(t *testing.T) {
	e := newEnv(t)
	const timeout = 100
	f := e.closedWithRequest(timeout, milli(10), milli(50), func(c *channel) bool {
		return c.offset(e.carol.addr) >= 3
	})
	c := f.c
	carolSlot := c.slotStart(e.carol.addr)

	// Unregistered accounts and the closing participant revert at any block.
	e.reverts("MonitorNotActive")(f.update(e.opts(e.erin, nil)))
	e.reverts("MonitorNotActive")(f.update(e.opts(e.bob, nil)))
	// A registered monitor before its slot reverts, naming the slot.
	e.reverts("BeforeSlot")(f.update(e.opts(e.carol, nil)))
	_, err := c.UpdateTransfer(e.opts(e.carol, nil), f.bp.Nonce, f.bp.TransferredAmount, f.bp.Locksroot, f.bp.ExtraHash, f.bobSig, f.aliceSig, f.reward)
	if data, ok := ethclient.RevertErrorData(err); ok {
		vals := must[[]any](t)(must[*abi.ABI](t)(contracts.NettingChannelMetaData.GetAbi()).Errors["BeforeSlot"].Inputs.Unpack(data[4:]))
		if slot := vals[0].(*big.Int); slot.Uint64() != carolSlot {
			t.Errorf("BeforeSlot(%s), want %d", slot, carolSlot)
		}
	}
	// The transaction mined in the block before the slot fails; in the
	// slot's first block it succeeds.
	e.mineUntil(carolSlot - 2)
	if rc := e.include(f.update(e.fixedGas(e.carol))); rc.Status != types.ReceiptStatusFailed || rc.BlockNumber.Uint64() != carolSlot-1 {
		t.Fatalf("update in block %s (slot %d): status %d", rc.BlockNumber, carolSlot, rc.Status)
	}
	rc := e.include(f.update(e.fixedGas(e.carol)))
	if rc.Status != types.ReceiptStatusSuccessful || rc.BlockNumber.Uint64() != carolSlot {
		t.Fatalf("update in block %s (slot %d): status %d", rc.BlockNumber, carolSlot, rc.Status)
	}
	t.Logf("updateTransfer by a monitor in its slot, gas used: %d", rc.GasUsed)
	if ev := oneEvent(t, rc, c.ParseTransferUpdated); ev.Payout != e.carolPayout || ev.Nonce != 5 {
		t.Errorf("TransferUpdated = %+v, want payout carol's %s", ev, e.carolPayout)
	}

	// In the open tail every registered monitor may update, whatever its
	// offset; unregistered accounts still may not.
	c.openTail()
	newer := proof(6, eth(4))
	newerSig := c.signProof(e.bob, newer)
	newerReq := c.signRequest(e.alice, newer, newerSig, f.reward)
	data := must[[]byte](t)(channelABI(t).Pack("updateTransfer", newer.Nonce, newer.TransferredAmount, newer.Locksroot, newer.ExtraHash, newerSig, newerReq, f.reward))
	for range 5 {
		m := e.newMonitor(newAccount(t).addr, testMinDeposit)
		if _, err := e.client.CallContract(t.Context(), ethereum.CallMsg{From: m.addr, To: &c.addr, Data: data}, nil); err != nil {
			t.Fatalf("monitor with offset %d in the open tail (head %d, closed %d): %v", c.offset(m.addr), e.head(), f.closedAt, err)
		}
	}
	e.reverts("MonitorNotActive")(c.update(e.opts(e.erin, nil), newer, newerSig, newerReq, f.reward))
	rc = e.mined(c.update(e.opts(e.dave, nil), newer, newerSig, newerReq, f.reward))
	if ev := oneEvent(t, rc, c.ParseTransferUpdated); ev.Payout != e.davePayout {
		t.Errorf("TransferUpdated payout %s, want dave's %s", ev.Payout, e.davePayout)
	}
}

// TestParticipantUpdatesAnyTime: the non-closing participant needs no
// registration and no slot; its own update pays the reward back to itself.
func TestParticipantUpdatesAnyTime(t *testing.T) {
	e := newEnv(t)
	f := e.closedWithRequest(100, milli(10), milli(50), func(c *channel) bool { return c.offset(e.alice.addr) > 0 })
	rc := e.mined(f.update(e.opts(e.alice, nil)))
	if rc.BlockNumber.Uint64() != f.closedAt+1 {
		t.Fatalf("mined in %s, want the block after the close %d", rc.BlockNumber, f.closedAt+1)
	}
	if ev := oneEvent(t, rc, f.c.ParseTransferUpdated); ev.Payout != e.alice.addr {
		t.Errorf("TransferUpdated payout %s, want alice", ev.Payout)
	}
	// And in the window's last block.
	last := proof(9, eth(5))
	lastSig := f.c.signProof(e.bob, last)
	e.mineUntil(f.closedAt + 100 - 1)
	rc = e.mined(f.c.update(e.fixedGas(e.alice), last, lastSig, f.c.signRequest(e.alice, last, lastSig, f.reward), f.reward))
	if rc.BlockNumber.Uint64() != f.closedAt+100 {
		t.Fatalf("mined in %s, want the window's last block %d", rc.BlockNumber, f.closedAt+100)
	}
}

// TestFlashLoanRegistration: registering and updating in the same block
// fails; so does every block before activeFrom.
func TestFlashLoanRegistration(t *testing.T) {
	e := newEnv(t)
	f := e.closedWithRequest(100, milli(10), milli(50), nil)
	f.c.openTail()
	m := e.fundedAccount(eth(5))
	regTx := must[*types.Transaction](t)(e.monitors.Register(e.opts(m, testMinDeposit), m.addr))
	o := e.fixedGas(m)
	o.Nonce = new(big.Int).SetUint64(regTx.Nonce() + 1)
	upTx := must[*types.Transaction](t)(f.update(o))
	e.backend.Commit()
	reg := must[*types.Receipt](t)(e.client.TransactionReceipt(t.Context(), regTx.Hash()))
	up := must[*types.Receipt](t)(e.client.TransactionReceipt(t.Context(), upTx.Hash()))
	if reg.Status != types.ReceiptStatusSuccessful || up.Status != types.ReceiptStatusFailed || reg.BlockNumber.Cmp(up.BlockNumber) != 0 {
		t.Fatalf("register status %d in %s, update status %d in %s: want the update to fail in the same block", reg.Status, reg.BlockNumber, up.Status, up.BlockNumber)
	}
	activeFrom := reg.BlockNumber.Uint64() + testActivationDelay
	e.reverts("MonitorNotActive")(f.update(e.opts(m, nil)))
	e.mineUntil(activeFrom - 2)
	if rc := e.include(f.update(e.fixedGas(m))); rc.Status != types.ReceiptStatusFailed || rc.BlockNumber.Uint64() != activeFrom-1 {
		t.Fatalf("update in block %s before activeFrom %d: status %d", rc.BlockNumber, activeFrom, rc.Status)
	}
	if rc := e.include(f.update(e.fixedGas(m))); rc.Status != types.ReceiptStatusSuccessful || rc.BlockNumber.Uint64() != activeFrom {
		t.Fatalf("update in block %s at activeFrom %d: status %d", rc.BlockNumber, activeFrom, rc.Status)
	}
}

// TestExitAndWithdraw: an exit ends eligibility in its own block; the
// deposit comes back withdrawDelay blocks later, not before, once.
func TestExitAndWithdraw(t *testing.T) {
	e := newEnv(t)
	f := e.closedWithRequest(100, milli(10), milli(50), nil)
	f.c.openTail()
	e.reverts("NotRegistered")(e.monitors.AnnounceExit(e.opts(e.erin, nil)))
	e.reverts("NotExiting")(e.monitors.Withdraw(e.opts(e.carol, nil)))

	rc := e.mined(e.monitors.AnnounceExit(e.opts(e.carol, nil)))
	exitAt := rc.BlockNumber.Uint64()
	ev := oneEvent(t, rc, e.monitors.ParseMonitorExitAnnounced)
	if ev.Monitor != e.carol.addr || ev.ExitAt != exitAt || ev.WithdrawableFrom != exitAt+testWithdrawDelay {
		t.Fatalf("MonitorExitAnnounced = %+v", ev)
	}
	call := &bind.CallOpts{Context: t.Context()}
	if e.isActive(e.carol.addr) || must[bool](t)(e.monitors.ActiveAt(call, e.carol.addr, new(big.Int).SetUint64(exitAt))) {
		t.Fatal("active after announcing the exit")
	}
	if !must[bool](t)(e.monitors.ActiveAt(call, e.carol.addr, new(big.Int).SetUint64(exitAt-1))) {
		t.Fatal("not active in the block before the exit")
	}
	e.reverts("MonitorNotActive")(f.update(e.opts(e.carol, nil)))
	e.reverts("AlreadyExiting")(e.monitors.AnnounceExit(e.opts(e.carol, nil)))
	e.reverts("WithdrawTooEarly")(e.monitors.Withdraw(e.opts(e.carol, nil)))

	// Mined in the block before exitAt + withdrawDelay: fails.
	e.mineUntil(exitAt + testWithdrawDelay - 2)
	if rc := e.include(e.monitors.Withdraw(e.fixedGas(e.carol))); rc.Status != types.ReceiptStatusFailed {
		t.Fatalf("withdraw in block %s succeeded; allowed from %d", rc.BlockNumber, exitAt+testWithdrawDelay)
	}
	carol0, registry0 := e.balance(e.carol.addr), e.balance(e.monitorsAddr)
	rc = e.mined(e.monitors.Withdraw(e.fixedGas(e.carol)))
	if rc.BlockNumber.Uint64() != exitAt+testWithdrawDelay {
		t.Fatalf("withdraw mined in %s", rc.BlockNumber)
	}
	if w := oneEvent(t, rc, e.monitors.ParseMonitorWithdrawn); w.Monitor != e.carol.addr || w.Amount.Cmp(testMinDeposit) != 0 {
		t.Errorf("MonitorWithdrawn = %+v", w)
	}
	wantBig(t, "carol received", new(big.Int).Sub(e.balance(e.carol.addr), carol0), new(big.Int).Sub(testMinDeposit, fee(rc)))
	wantBig(t, "registry paid", new(big.Int).Sub(registry0, e.balance(e.monitorsAddr)), testMinDeposit)
	if r := e.registration(e.carol.addr); r.ActiveFrom != 0 || r.Deposit.Sign() != 0 {
		t.Errorf("registration after withdraw = %+v", r)
	}
	e.reverts("NotRegistered")(e.monitors.Withdraw(e.opts(e.carol, nil)))
	// A new registration starts over, with a new activation delay and payout.
	rc = e.mined(e.monitors.Register(e.opts(e.carol, testMinDeposit), e.davePayout))
	if r := e.registration(e.carol.addr); r.Payout != e.davePayout || r.ActiveFrom != rc.BlockNumber.Uint64()+testActivationDelay {
		t.Errorf("re-registration = %+v", r)
	}
}

// attackerRuntime is a contract that forwards calldata target(32) || call to
// target with the call value (as payeeRuntime does, storing target in slot
// 0), and on a plain ETH transfer calls withdraw() on the stored target,
// recording 1 + that call's success in slot 1: 1 means the re-entering
// withdraw failed, 2 that it succeeded.
var attackerRuntime = assemble(
	0x00, "36", // CALLDATASIZE
	0x01, "6025", // PUSH1 forward
	0x03, "57", // JUMPI
	0x04, "633ccfd60b", // PUSH4 withdraw()
	0x09, "60e0", // PUSH1 224
	0x0b, "1b", // SHL
	0x0c, "6000", // PUSH1 0
	0x0e, "52", // MSTORE          memory[0:4] = selector
	0x0f, "6000", // PUSH1 0         retSize
	0x11, "6000", // PUSH1 0         retOffset
	0x13, "6004", // PUSH1 4         argsSize
	0x15, "6000", // PUSH1 0         argsOffset
	0x17, "6000", // PUSH1 0         value
	0x19, "6000", // PUSH1 0
	0x1b, "54", // SLOAD           target
	0x1c, "5a", // GAS
	0x1d, "f1", // CALL
	0x1e, "6001", // PUSH1 1
	0x20, "01", // ADD
	0x21, "6001", // PUSH1 1
	0x23, "55", // SSTORE          slot1 = 1 + success
	0x24, "00", // STOP
	0x25, "5b", // forward: JUMPDEST
	0x26, "6000", // PUSH1 0
	0x28, "35", // CALLDATALOAD
	0x29, "6000", // PUSH1 0
	0x2b, "55", // SSTORE          slot0 = target
	0x2c, "6020", // PUSH1 32
	0x2e, "36", // CALLDATASIZE
	0x2f, "03", // SUB             n = calldatasize - 32
	0x30, "80", // DUP1
	0x31, "6020", // PUSH1 32
	0x33, "6000", // PUSH1 0
	0x35, "37", // CALLDATACOPY    memory[0:n] = calldata[32:]
	0x36, "6000", // PUSH1 0         retSize
	0x38, "80", // DUP1            retOffset
	0x39, "82", // DUP3            argsSize n
	0x3a, "6000", // PUSH1 0         argsOffset
	0x3c, "34", // CALLVALUE       value
	0x3d, "6000", // PUSH1 0
	0x3f, "35", // CALLDATALOAD    target
	0x40, "5a", // GAS
	0x41, "f1", // CALL
	0x42, "604e", // PUSH1 ok
	0x44, "57", // JUMPI
	0x45, "3d", // RETURNDATASIZE
	0x46, "6000", // PUSH1 0
	0x48, "80", // DUP1
	0x49, "3e", // RETURNDATACOPY
	0x4a, "3d", // RETURNDATASIZE
	0x4b, "6000", // PUSH1 0
	0x4d, "fd", // REVERT          revert(0, returndatasize)
	0x4e, "5b", // ok: JUMPDEST
	0x4f, "00", // STOP
)

// TestWithdrawReentrancy: a monitor contract that re-enters withdraw from
// its receive path gets its deposit once; the re-entering call fails.
func TestWithdrawReentrancy(t *testing.T) {
	e := newEnv(t)
	addr, tx, bound, err := bind.DeployContract(e.opts(e.carol, nil), abi.ABI{}, initCode(attackerRuntime), e.client)
	e.mined(tx, err)
	attacker := &payee{e: e, addr: addr, bound: bound}
	registryABI := must[*abi.ABI](t)(contracts.MonitorRegistryMetaData.GetAbi())
	// A fourth monitor's deposit sits in the registry too, as a target.
	attacker.exec(e.monitorsAddr, testMinDeposit, 3_000_000, registryABI, "register", addr)
	rc := attacker.exec(e.monitorsAddr, nil, 3_000_000, registryABI, "announceExit")
	e.mineTo(rc.BlockNumber.Uint64() + testWithdrawDelay)
	registry0 := e.balance(e.monitorsAddr)
	wantBig(t, "registry holds", registry0, new(big.Int).Mul(testMinDeposit, big.NewInt(3)))

	rc = attacker.exec(e.monitorsAddr, nil, 3_000_000, registryABI, "withdraw")
	if w := oneEvent(t, rc, e.monitors.ParseMonitorWithdrawn); w.Amount.Cmp(testMinDeposit) != 0 {
		t.Errorf("MonitorWithdrawn = %+v", w)
	}
	wantBig(t, "attacker balance", e.balance(addr), testMinDeposit)
	wantBig(t, "registry paid", new(big.Int).Sub(registry0, e.balance(e.monitorsAddr)), testMinDeposit)
	flag := must[[]byte](t)(e.client.StorageAt(t.Context(), addr, common.BigToHash(big.NewInt(1)), nil))
	if got := new(big.Int).SetBytes(flag).Uint64(); got != 1 {
		t.Fatalf("re-entry flag %d, want 1 (attempted, failed)", got)
	}
}

// TestCopycatCannotTakeTheReward: the exact call of the monitor whose slot
// is open, copied by an unregistered account and by a registered monitor
// whose slot is not open yet, both with a higher tip and mined first in the
// same block, reverts; the original lands and its payout gets the reward.
func TestCopycatCannotTakeTheReward(t *testing.T) {
	e := newEnv(t)
	reward := milli(10)
	f := e.closedWithRequest(100, reward, milli(50), func(c *channel) bool {
		return c.offset(e.dave.addr) > c.offset(e.carol.addr)+2
	})
	c := f.c
	e.mineTo(c.slotStart(e.carol.addr))
	copyOpts := func(a account) *bind.TransactOpts {
		o := e.fixedGas(a)
		o.GasTipCap = big.NewInt(50e9)
		o.GasFeeCap = big.NewInt(100e9)
		return o
	}
	erinTx := must[*types.Transaction](t)(f.update(copyOpts(e.erin)))
	daveTx := must[*types.Transaction](t)(f.update(copyOpts(e.dave)))
	carolTx := must[*types.Transaction](t)(f.update(e.fixedGas(e.carol)))
	e.backend.Commit()
	var block *big.Int
	for _, x := range []struct {
		name string
		tx   *types.Transaction
		want uint64
	}{{"unregistered copy", erinTx, types.ReceiptStatusFailed}, {"early-slot copy", daveTx, types.ReceiptStatusFailed}, {"original", carolTx, types.ReceiptStatusSuccessful}} {
		rc := must[*types.Receipt](t)(e.client.TransactionReceipt(t.Context(), x.tx.Hash()))
		if rc.Status != x.want {
			t.Errorf("%s: status %d, want %d", x.name, rc.Status, x.want)
		}
		if block != nil && rc.BlockNumber.Cmp(block) != 0 {
			t.Errorf("%s mined in %s, not %s", x.name, rc.BlockNumber, block)
		}
		block = rc.BlockNumber
		if x.name == "unregistered copy" && rc.TransactionIndex != 0 {
			t.Errorf("the copy with the higher tip is not first in the block (index %d)", rc.TransactionIndex)
		}
	}
	e.mineTo(f.closedAt + 101)
	rc := e.mined(c.Settle(e.opts(e.erin, nil)))
	if paid := oneEvent(t, rc, c.ParseRewardPaid); paid.Payout != e.carolPayout || paid.Amount.Cmp(reward) != 0 {
		t.Errorf("RewardPaid = %+v, want %s to carol's payout", paid, reward)
	}
	wantBig(t, "carol's payout balance", e.balance(e.carolPayout), reward)
}

func (f requestFixture) receipt(signer account, monitor common.Address, nonce uint64, reward *big.Int) []byte {
	f.c.e.t.Helper()
	sig, err := eip712.Sign(f.c.domain.MonitorReceiptDigest(nonce, reward, monitor), signer.key)
	if err != nil {
		f.c.e.t.Fatal(err)
	}
	return sig
}

// TestClaimPenalty: a receipted request newer than the settled proof costs
// the monitor PENALTY_MULTIPLE times the reward, paid to the client, once.
func TestClaimPenalty(t *testing.T) {
	e := newEnv(t)
	reward := milli(100)
	f := e.closedWithRequest(20, reward, milli(300), nil)
	c := f.c
	multiple := must[*big.Int](t)(c.PENALTYMULTIPLE(c.call()))
	if multiple.Cmp(big.NewInt(5)) != 0 {
		t.Fatalf("PENALTY_MULTIPLE = %s", multiple)
	}
	carolReceipt := f.receipt(e.carol, e.carol.addr, 5, reward)
	claim := func(o *bind.TransactOpts, monitor common.Address, req contracts.NettingChannelMonitorRequest, sig []byte) (*types.Transaction, error) {
		return c.ClaimPenalty(o, monitor, req, sig)
	}
	e.reverts("WindowOpen")(claim(e.opts(e.erin, nil), e.carol.addr, f.request(), carolReceipt))
	e.mineTo(f.closedAt + 20)
	e.reverts("WindowOpen")(claim(e.opts(e.erin, nil), e.carol.addr, f.request(), carolReceipt))
	e.mine(1)

	// Forged: signed by another key, for another monitor, nonce or reward.
	e.reverts("InvalidSignature")(claim(e.opts(e.erin, nil), e.carol.addr, f.request(), f.receipt(e.erin, e.carol.addr, 5, reward)))
	e.reverts("InvalidSignature")(claim(e.opts(e.erin, nil), e.dave.addr, f.request(), carolReceipt))
	e.reverts("InvalidSignature")(claim(e.opts(e.erin, nil), e.carol.addr, f.request(), f.receipt(e.carol, e.carol.addr, 5, milli(99))))
	e.reverts("MalformedSignature")(claim(e.opts(e.erin, nil), e.carol.addr, f.request(), highS(carolReceipt)))
	// The request must be a valid update: alice's request over bob's proof.
	bad := f.request()
	bad.TransferredAmount = eth(4)
	e.reverts("InvalidSignature")(claim(e.opts(e.erin, nil), e.carol.addr, bad, carolReceipt))
	bad = f.request()
	bad.NonClosingSignature = c.signRequest(e.bob, f.bp, f.bobSig, reward)
	e.reverts("InvalidSignature")(claim(e.opts(e.erin, nil), e.carol.addr, bad, carolReceipt))
	// Not registered at all.
	e.reverts("MonitorNotActive")(claim(e.opts(e.erin, nil), e.erin.addr, f.request(), f.receipt(e.erin, e.erin.addr, 5, reward)))
	// slash is for channels only.
	e.reverts("NotChannel")(e.monitors.Slash(e.opts(e.erin, nil), e.carol.addr, e.erin.addr, eth(1)))

	// Valid: anyone sends it, alice gets 5 x reward from carol's deposit.
	alice0, registry0 := e.balance(e.alice.addr), e.balance(e.monitorsAddr)
	rc := e.mined(claim(e.opts(e.erin, nil), e.carol.addr, f.request(), carolReceipt))
	t.Logf("claimPenalty gas used: %d", rc.GasUsed)
	penalty := new(big.Int).Mul(reward, multiple)
	if ev := oneEvent(t, rc, c.ParsePenaltyClaimed); ev.Monitor != e.carol.addr || ev.Beneficiary != e.alice.addr || ev.Nonce != 5 || ev.Amount.Cmp(penalty) != 0 {
		t.Errorf("PenaltyClaimed = %+v", ev)
	}
	if ev := oneEvent(t, rc, e.monitors.ParseMonitorSlashed); ev.Channel != c.addr || ev.Amount.Cmp(penalty) != 0 || ev.Remaining.Cmp(new(big.Int).Sub(testMinDeposit, penalty)) != 0 {
		t.Errorf("MonitorSlashed = %+v", ev)
	}
	wantBig(t, "alice received", new(big.Int).Sub(e.balance(e.alice.addr), alice0), penalty)
	wantBig(t, "registry paid", new(big.Int).Sub(registry0, e.balance(e.monitorsAddr)), penalty)
	wantBig(t, "carol's deposit", e.registration(e.carol.addr).Deposit, new(big.Int).Sub(testMinDeposit, penalty))
	// Below the minimum deposit, carol's registration stops counting.
	if e.isActive(e.carol.addr) || e.registration(e.carol.addr).ExitAt != rc.BlockNumber.Uint64() {
		t.Errorf("carol active with a deposit below the minimum: %+v", e.registration(e.carol.addr))
	}
	if len(events(rc, e.monitors.ParseMonitorExitAnnounced)) != 1 {
		t.Error("no MonitorExitAnnounced for the deposit below the minimum")
	}

	// Once per (channel, monitor), after settle too.
	e.mined(c.Settle(e.opts(e.erin, nil)))
	e.reverts("PenaltyAlreadyClaimed")(claim(e.opts(e.erin, nil), e.carol.addr, f.request(), carolReceipt))
	if !must[bool](t)(c.PenaltyClaimed(c.call(), e.carol.addr)) {
		t.Error("penaltyClaimed(carol) = false")
	}
	// Dave receipted the same request: his claim works after settle.
	rc = e.mined(claim(e.opts(e.alice, nil), e.dave.addr, f.request(), f.receipt(e.dave, e.dave.addr, 5, reward)))
	if ev := oneEvent(t, rc, c.ParsePenaltyClaimed); ev.Amount.Cmp(penalty) != 0 {
		t.Errorf("dave's PenaltyClaimed = %+v", ev)
	}
}

// TestClaimPenaltyRefused: the monitor's update landed (or a newer one
// did), no reward was funded, or the monitor was not active when its slot
// opened.
func TestClaimPenaltyRefused(t *testing.T) {
	e := newEnv(t)
	reward := milli(100)
	f := e.closedWithRequest(20, reward, milli(300), nil)
	c := f.c
	c.atSlot(e.carol.addr)
	e.mined(f.update(e.opts(e.carol, nil)))
	e.reverts("WrongState")(e.openChannel(e.alice, e.bob, 20).ClaimPenalty(e.opts(e.erin, nil), e.carol.addr, f.request(), f.receipt(e.carol, e.carol.addr, 5, reward)))
	e.mineTo(f.closedAt + 21)
	e.reverts("StaleNonce")(c.ClaimPenalty(e.opts(e.alice, nil), e.carol.addr, f.request(), f.receipt(e.carol, e.carol.addr, 5, reward)))
	// dave receipted an older request: the settled proof is newer.
	older := proof(4, eth(2))
	olderSig := c.signProof(e.bob, older)
	olderReq := contracts.NettingChannelMonitorRequest{Nonce: 4, TransferredAmount: eth(2), Locksroot: older.Locksroot, ExtraHash: older.ExtraHash,
		ClosingSignature: olderSig, NonClosingSignature: c.signRequest(e.alice, older, olderSig, reward), Reward: reward}
	e.reverts("StaleNonce")(c.ClaimPenalty(e.opts(e.alice, nil), e.dave.addr, olderReq, f.receipt(e.dave, e.dave.addr, 4, reward)))

	// No reward deposit: nothing was at stake for the monitor.
	g := e.closedWithRequest(20, reward, new(big.Int), nil)
	e.mineTo(g.closedAt + 21)
	e.reverts("NoPenalty")(g.c.ClaimPenalty(e.opts(e.alice, nil), e.dave.addr, g.request(), g.receipt(e.dave, e.dave.addr, 5, reward)))

	// A monitor that exited before the close was not active at its slot.
	m := e.newMonitor(newAccount(t).addr, testMinDeposit)
	e.mined(e.monitors.AnnounceExit(e.opts(m, nil)))
	h := e.closedWithRequest(20, reward, milli(300), nil)
	e.mineTo(h.closedAt + 21)
	e.reverts("MonitorNotActive")(h.c.ClaimPenalty(e.opts(e.alice, nil), m.addr, h.request(), h.receipt(m, m.addr, 5, reward)))
}

// TestClaimPenaltyCappedByDeposit: the penalty never exceeds the deposit.
func TestClaimPenaltyCappedByDeposit(t *testing.T) {
	e := newEnv(t)
	reward := eth(1) // 5 x 1 ETH is above the 2 ETH deposit
	f := e.closedWithRequest(20, reward, eth(1), nil)
	e.mineTo(f.closedAt + 21)
	alice0 := e.balance(e.alice.addr)
	rc := e.mined(f.c.ClaimPenalty(e.opts(e.erin, nil), e.dave.addr, f.request(), f.receipt(e.dave, e.dave.addr, 5, reward)))
	if ev := oneEvent(t, rc, f.c.ParsePenaltyClaimed); ev.Amount.Cmp(testMinDeposit) != 0 {
		t.Errorf("PenaltyClaimed = %+v, want the whole deposit %s", ev, testMinDeposit)
	}
	wantBig(t, "alice received", new(big.Int).Sub(e.balance(e.alice.addr), alice0), testMinDeposit)
	if r := e.registration(e.dave.addr); r.Deposit.Sign() != 0 || r.ExitAt == 0 {
		t.Errorf("dave after a full slash: %+v", r)
	}
	// The emptied registration can still be withdrawn (nothing) after the delay.
	e.mineTo(e.registration(e.dave.addr).ExitAt + testWithdrawDelay)
	if w := oneEvent(t, e.mined(e.monitors.Withdraw(e.opts(e.dave, nil))), e.monitors.ParseMonitorWithdrawn); w.Amount.Sign() != 0 {
		t.Errorf("MonitorWithdrawn = %+v", w)
	}
	// The reward the monitor would have earned is capped by the funded
	// reward deposit: 5 x min(1 ETH, 10 milli) from carol.
	g := e.closedWithRequest(20, reward, milli(10), nil)
	e.mineTo(g.closedAt + 21)
	rc = e.mined(g.c.ClaimPenalty(e.opts(e.erin, nil), e.carol.addr, g.request(), g.receipt(e.carol, e.carol.addr, 5, reward)))
	if ev := oneEvent(t, rc, g.c.ParsePenaltyClaimed); ev.Amount.Cmp(milli(50)) != 0 {
		t.Errorf("PenaltyClaimed = %+v, want 5 x the funded 10 milli", ev)
	}
}

// monitorGas is the gas docs/protocol.md §6.1 gives for the monitor's and
// the client's calls besides updateTransfer (proofs.UpdateTransferGas).
// TestMonitorRegistryGas keeps each figure at or above the call's
// eth_estimateGas under mainnet's Osaka rules and within 10 % of it: change
// a figure here and in the docs together.
var monitorGas = map[string]uint64{
	"register":     75_000,
	"announceExit": 50_000,
	"withdraw":     50_000,
	"claimPenalty": 135_000,
}

// TestMonitorRegistryGas measures, under mainnet's Osaka rules, the
// eth_estimateGas of a registration, a monitor's first update in its slot,
// a penalty claim, an exit and a withdrawal, sends each with its estimate
// as the limit, and checks the figures documented in monitorGas.
func TestMonitorRegistryGas(t *testing.T) {
	e := newEnv(t, osakaRules)
	estimated := func(what string, send func(*bind.TransactOpts) (*types.Transaction, error), from account, value *big.Int) {
		t.Helper()
		o := e.opts(from, value)
		o.NoSend = true
		tx := must[*types.Transaction](t)(send(o))
		o = e.opts(from, value)
		o.GasLimit = tx.Gas()
		rc := e.mined(send(o))
		t.Logf("%s: estimateGas %d, gasUsed %d", what, tx.Gas(), rc.GasUsed)
		if rc.GasUsed > tx.Gas() {
			t.Errorf("%s: gas used %d above the estimate %d", what, rc.GasUsed, tx.Gas())
		}
		if doc, ok := monitorGas[what]; ok && (doc < tx.Gas() || doc > tx.Gas()+tx.Gas()/10) {
			t.Errorf("%s: documented %d gas, but it estimates %d: update monitorGas and docs/protocol.md §6.1", what, doc, tx.Gas())
		}
	}
	m := e.fundedAccount(eth(5))
	estimated("register", func(o *bind.TransactOpts) (*types.Transaction, error) { return e.monitors.Register(o, m.addr) }, m, testMinDeposit)

	f := e.closedWithRequest(20, milli(10), milli(50), nil)
	f.c.atSlot(e.carol.addr)
	estimated("updateTransfer (monitor in its slot, first update)", f.update, e.carol, nil)

	g := e.closedWithRequest(20, milli(10), milli(50), nil)
	e.mineTo(g.closedAt + 21)
	estimated("claimPenalty", func(o *bind.TransactOpts) (*types.Transaction, error) {
		return g.c.ClaimPenalty(o, e.dave.addr, g.request(), g.receipt(e.dave, e.dave.addr, 5, g.reward))
	}, e.erin, nil)
	estimated("announceExit", e.monitors.AnnounceExit, e.carol, nil)
	e.mineTo(e.registration(e.carol.addr).ExitAt + testWithdrawDelay)
	estimated("withdraw", e.monitors.Withdraw, e.carol, nil)
}

// rejecterRuntime is payeeRuntime without its plain-transfer path: it
// rejects every plain ETH transfer, whatever the gas, and forwards a call
// target(32) || payload to target with the call value as payee does.
var rejecterRuntime = assemble(
	0x00, "36", // CALLDATASIZE
	0x01, "6008", // PUSH1 forward
	0x03, "57", // JUMPI
	0x04, "6000", // PUSH1 0
	0x06, "80", // DUP1
	0x07, "fd", // REVERT          revert(0, 0)
	0x08, "5b", // forward: JUMPDEST
	0x09, "6020", // PUSH1 32
	0x0b, "36", // CALLDATASIZE
	0x0c, "03", // SUB             n = calldatasize - 32
	0x0d, "80", // DUP1
	0x0e, "6020", // PUSH1 32
	0x10, "6000", // PUSH1 0
	0x12, "37", // CALLDATACOPY    memory[0:n] = calldata[32:]
	0x13, "6000", // PUSH1 0         retSize
	0x15, "80", // DUP1            retOffset
	0x16, "82", // DUP3            argsSize n
	0x17, "6000", // PUSH1 0         argsOffset
	0x19, "34", // CALLVALUE       value
	0x1a, "6000", // PUSH1 0
	0x1c, "35", // CALLDATALOAD    target
	0x1d, "5a", // GAS
	0x1e, "f1", // CALL
	0x1f, "602b", // PUSH1 stop
	0x21, "57", // JUMPI           success: stop
	0x22, "3d", // RETURNDATASIZE
	0x23, "6000", // PUSH1 0
	0x25, "80", // DUP1
	0x26, "3e", // RETURNDATACOPY
	0x27, "3d", // RETURNDATASIZE
	0x28, "6000", // PUSH1 0
	0x2a, "fd", // REVERT          revert(0, returndatasize)
	0x2b, "5b", // stop: JUMPDEST
	0x2c, "00", // STOP
)

// TestRegistryWithdrawRejected: a monitor contract that rejects ETH
// cannot withdraw its deposit: withdraw reverts TransferFailed and the
// registration and deposit stay as they were.
func TestRegistryWithdrawRejected(t *testing.T) {
	e := newEnv(t)
	addr, tx, bound, err := bind.DeployContract(e.opts(e.carol, nil), abi.ABI{}, initCode(rejecterRuntime), e.client)
	e.mined(tx, err)
	p := &payee{e: e, addr: addr, bound: bound}
	if rc := e.include(sendTransfer(t, e, e.erin, addr, eth(1), 1_000_000), nil); rc.Status != types.ReceiptStatusFailed {
		t.Fatal("the rejecter accepted a plain transfer; the fixture is wrong")
	}
	registryABI := must[*abi.ABI](t)(contracts.MonitorRegistryMetaData.GetAbi())
	p.exec(e.monitorsAddr, testMinDeposit, 3_000_000, registryABI, "register", e.carolPayout)
	rc := p.exec(e.monitorsAddr, nil, 3_000_000, registryABI, "announceExit")
	e.mineTo(rc.BlockNumber.Uint64() + testWithdrawDelay)
	registry0 := e.balance(e.monitorsAddr)
	payload := must[[]byte](t)(registryABI.Pack("withdraw"))
	e.reverts("TransferFailed")(p.bound.RawTransact(e.opts(e.carol, nil), append(common.LeftPadBytes(e.monitorsAddr.Bytes(), 32), payload...)))
	if r := e.registration(addr); r.Deposit.Cmp(testMinDeposit) != 0 || r.ExitAt != rc.BlockNumber.Uint64() {
		t.Errorf("registration after the failed withdraw: %+v", r)
	}
	wantBig(t, "registry holds", e.balance(e.monitorsAddr), registry0)
}

// delegate makes erin send an EIP-7702 transaction that sets who's
// account code to a delegation to target (the zero address: no code).
func (e *env) delegate(who account, target common.Address) {
	e.t.Helper()
	t := e.t
	nonce := must[uint64](t)(e.client.PendingNonceAt(t.Context(), who.addr))
	auth := must[types.SetCodeAuthorization](t)(types.SignSetCode(who.key, types.SetCodeAuthorization{
		ChainID: *uint256.MustFromBig(e.chainID), Address: target, Nonce: nonce}))
	head := must[*types.Header](t)(e.client.HeaderByNumber(t.Context(), nil))
	tip := must[*big.Int](t)(e.client.SuggestGasTipCap(t.Context()))
	tx := types.MustSignNewTx(e.erin.key, types.LatestSignerForChainID(e.chainID), &types.SetCodeTx{
		ChainID:   uint256.MustFromBig(e.chainID),
		Nonce:     must[uint64](t)(e.client.PendingNonceAt(t.Context(), e.erin.addr)),
		GasTipCap: uint256.MustFromBig(tip),
		GasFeeCap: uint256.MustFromBig(new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))),
		Gas:       100_000,
		To:        e.erin.addr,
		Value:     new(uint256.Int),
		AuthList:  []types.SetCodeAuthorization{auth},
	})
	e.mined(tx, e.client.SendTransaction(t.Context(), tx))
}

// TestClaimPenaltyBeneficiaryRejects: the client the penalty goes to has
// code that rejects ETH (an EIP-7702 delegation): the claim reverts
// TransferFailed and consumes nothing, and the same claim goes through
// once the client's account accepts ETH again.
func TestClaimPenaltyBeneficiaryRejects(t *testing.T) {
	e := newEnv(t)
	addr, tx, _, err := bind.DeployContract(e.opts(e.carol, nil), abi.ABI{}, initCode(rejecterRuntime), e.client)
	e.mined(tx, err)
	reward := milli(10)
	f := e.closedWithRequest(20, reward, milli(50), nil)
	e.mineTo(f.closedAt + 21)
	receipt := f.receipt(e.dave, e.dave.addr, 5, reward)

	e.delegate(e.alice, addr)
	if code := must[[]byte](t)(e.client.CodeAt(t.Context(), e.alice.addr, nil)); len(code) == 0 {
		t.Fatal("alice's account has no code after the delegation")
	}
	deposit0 := e.registration(e.dave.addr).Deposit
	e.reverts("TransferFailed")(f.c.ClaimPenalty(e.opts(e.erin, nil), e.dave.addr, f.request(), receipt))
	if must[bool](t)(f.c.PenaltyClaimed(f.c.call(), e.dave.addr)) {
		t.Error("penaltyClaimed(dave) after the failed claim")
	}
	wantBig(t, "dave's deposit after the failed claim", e.registration(e.dave.addr).Deposit, deposit0)

	e.delegate(e.alice, common.Address{})
	alice0 := e.balance(e.alice.addr)
	rc := e.mined(f.c.ClaimPenalty(e.opts(e.erin, nil), e.dave.addr, f.request(), receipt))
	penalty := new(big.Int).Mul(reward, big.NewInt(5))
	if ev := oneEvent(t, rc, f.c.ParsePenaltyClaimed); ev.Amount.Cmp(penalty) != 0 {
		t.Errorf("PenaltyClaimed = %+v", ev)
	}
	wantBig(t, "alice received", new(big.Int).Sub(e.balance(e.alice.addr), alice0), penalty)
}

// yesRuntime answers every call with the word 1 (true): as the code of a
// channel registry, it says every caller is a channel.
var yesRuntime = assemble(
	0x00, "6001", // PUSH1 1
	0x02, "6000", // PUSH1 0
	0x04, "52", // MSTORE          memory[0:32] = 1
	0x05, "6020", // PUSH1 32
	0x07, "6000", // PUSH1 0
	0x09, "f3", // RETURN          return memory[0:32]
)

// TestSlashChecks: slash's own checks, which a channel never fails (its
// beneficiary is a participant, never zero, and claimPenalty checks the
// registration first), on a MonitorRegistry whose channel registry (its
// deployer, delegated by EIP-7702 to code that calls every caller a
// channel) lets the test call slash directly: a zero beneficiary reverts
// ZeroAddress, an unregistered monitor NotRegistered; a valid slash pays
// min(amount, deposit).
func TestSlashChecks(t *testing.T) {
	e := newEnv(t)
	yes, tx, _, err := bind.DeployContract(e.opts(e.carol, nil), abi.ABI{}, initCode(yesRuntime), e.client)
	e.mined(tx, err)
	deployer := e.fundedAccount(eth(10))
	addr, tx, reg, err := contracts.DeployMonitorRegistry(e.opts(deployer, nil), e.client, testMinDeposit, testActivationDelay, testWithdrawDelay, testMaxSettleTimeout)
	e.mined(tx, err)
	if got := must[common.Address](t)(reg.ChannelRegistry(&bind.CallOpts{Context: t.Context()})); got != deployer.addr {
		t.Fatalf("channelRegistry = %s, want the deployer %s", got, deployer.addr)
	}
	e.delegate(deployer, yes)

	e.mined(reg.Register(e.opts(e.carol, testMinDeposit), e.carolPayout))
	e.reverts("ZeroAddress")(reg.Slash(e.opts(deployer, nil), e.carol.addr, common.Address{}, eth(1)))
	e.reverts("NotRegistered")(reg.Slash(e.opts(deployer, nil), e.dave.addr, e.alice.addr, eth(1)))

	alice0 := e.balance(e.alice.addr)
	rc := e.mined(reg.Slash(e.opts(deployer, nil), e.carol.addr, e.alice.addr, milli(300)))
	if ev := oneEvent(t, rc, reg.ParseMonitorSlashed); ev.Channel != deployer.addr || ev.Amount.Cmp(milli(300)) != 0 ||
		ev.Remaining.Cmp(new(big.Int).Sub(testMinDeposit, milli(300))) != 0 {
		t.Errorf("MonitorSlashed = %+v", ev)
	}
	wantBig(t, "alice received", new(big.Int).Sub(e.balance(e.alice.addr), alice0), milli(300))
	// More than is left: it pays what is left.
	rc = e.mined(reg.Slash(e.opts(deployer, nil), e.carol.addr, e.alice.addr, eth(100)))
	if ev := oneEvent(t, rc, reg.ParseMonitorSlashed); ev.Amount.Cmp(new(big.Int).Sub(testMinDeposit, milli(300))) != 0 || ev.Remaining.Sign() != 0 {
		t.Errorf("MonitorSlashed = %+v", ev)
	}
	wantBig(t, "registry left", e.balance(addr), new(big.Int))
}
