package main

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestChannelLifecycle drives a whole channel through the CLI against a
// simulated chain served over JSON-RPC: keys made with "account new", a
// registry deployed with "eth deploy-registry", open, deposits, a reward
// deposit, proofs signed offline, a close with the partner's proof, and a
// settle that pays what the proof says.
func TestChannelLifecycle(t *testing.T) {
	chain := ethtest.New(t, 2)
	m := newMiner(t, chain)
	dir := t.TempDir()
	pw := writeFile(t, dir, "password", "correct horse battery staple\n")
	alice := newAccount(t, filepath.Join(dir, "alice"), pw)
	bob := newAccount(t, filepath.Join(dir, "bob"), pw)
	fund(t, chain, chain.Keys[0], alice.addr, new(big.Int).Mul(big.NewInt(10), ethtest.Ether))
	fund(t, chain, chain.Keys[1], bob.addr, new(big.Int).Mul(big.NewInt(10), ethtest.Ether))

	var addr accountJSON
	cli("account", "address", "--keystore", alice.file, "--password-file", pw).ok(t).decode(t, &addr)
	if addr.Address != alice.addr.Hex() {
		t.Fatalf("account address printed %s, want %s", addr.Address, alice.addr.Hex())
	}

	// A registry of our own.
	var dep txJSON
	m.run(t, ethArgs(chain, alice, pw, "eth", "deploy-registry")...).ok(t).decode(t, &dep)
	registry := common.HexToAddress(dep.Registry)
	if code, err := chain.Client.CodeAt(t.Context(), registry, nil); err != nil || len(code) == 0 {
		t.Fatalf("no registry code at %s (%v)", dep.Registry, err)
	}
	if dep.TxHash == "" || dep.Block == "" || dep.From != alice.addr.Hex() {
		t.Fatalf("deploy-registry output incomplete: %+v", dep)
	}

	// Open, with the partner given in lowercase and the chain id checked.
	var open txJSON
	m.run(t, ethArgs(chain, alice, pw, "eth", "open", "--registry", dep.Registry,
		"--partner", strings.ToLower(bob.addr.Hex()), "--settle-timeout", "5", "--chain-id", "1337")...).ok(t).decode(t, &open)
	channel := open.Channel
	if !common.IsHexAddress(channel) || open.Partner != bob.addr.Hex() || open.SettleTimeout != "5" {
		t.Fatalf("open output: %+v", open)
	}

	depA, depB, reward := milliEther(5000), milliEther(3000), milliEther(10)
	var d txJSON
	m.run(t, ethArgs(chain, alice, pw, "eth", "deposit", "--channel", channel, "--amount", depA.String())...).ok(t).decode(t, &d)
	if d.Amount != depA.String() || d.Total != depA.String() {
		t.Fatalf("deposit output: %+v", d)
	}
	m.run(t, ethArgs(chain, bob, pw, "eth", "deposit", "--channel", channel, "--amount", depB.String())...).ok(t)
	m.run(t, ethArgs(chain, alice, pw, "eth", "deposit-reward", "--channel", channel, "--amount", reward.String())...).ok(t).decode(t, &d)
	if d.Total != reward.String() {
		t.Fatalf("deposit-reward output: %+v", d)
	}

	v := channelState(t, chain, channel)
	if v.State != "open" || v.Registry != dep.Registry || v.SettleTimeout != "5" || v.ClosedAt != "0" || v.ChainID != "1337" ||
		v.UpdateDeadline != "" || v.RewardPayout != (common.Address{}).Hex() || v.RewardAmount != "0" {
		t.Fatalf("open channel state: %+v", v)
	}
	if v.Participants[0].Address != alice.addr.Hex() || v.Participants[1].Address != bob.addr.Hex() {
		t.Fatalf("participants %+v, want alice then bob", v.Participants)
	}
	if pa := participant(t, v, alice.addr); pa.Deposit != depA.String() || pa.RewardDeposit != reward.String() || pa.Nonce != "0" {
		t.Fatalf("alice on chain: %+v", pa)
	}
	if pb := participant(t, v, bob.addr); pb.Deposit != depB.String() || pb.RewardDeposit != "0" {
		t.Fatalf("bob on chain: %+v", pb)
	}

	// Bob signs his transfers to alice; alice makes a monitoring request.
	locks := crypto.Keccak256Hash([]byte("locks")).Hex()
	bobProof := cli("sign-proof", "--keystore", bob.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
		"--nonce", "4", "--transferred", milliEther(400).String(), "--locksroot", locks).ok(t)
	var bp proofJSON
	bobProof.decode(t, &bp)
	if bp.Nonce != "4" || bp.TransferredAmount != milliEther(400).String() || bp.Locksroot != locks ||
		bp.ExtraHash != "0x"+strings.Repeat("0", 64) || len(bp.Signature) != 2+130 {
		t.Fatalf("sign-proof output: %+v", bp)
	}
	bobProofFile := writeFile(t, dir, "bob-proof.json", bobProof.out)
	reqRes := cli("sign-request", "--keystore", alice.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
		"--proof", bobProofFile, "--reward", milliEther(2).String()).ok(t)
	req, err := proofs.DecodeBalanceProof([]byte(reqRes.out))
	if err != nil {
		t.Fatalf("sign-request output is not a valid balance-proof message: %v\n%s", err, reqRes.out)
	}
	checkRequest(t, req, common.HexToAddress(channel), alice.addr, bob.addr, 4, milliEther(2))

	// Closing with one's own proof is refused before anything is sent.
	m.run(t, ethArgs(chain, bob, pw, "eth", "close", "--channel", channel, "--proof", bobProofFile)...).
		fails(t, exitFailure, "not by your partner "+alice.addr.Hex())

	// Alice sent bob 0.5 ether (nonce 7); bob closes with that proof.
	aliceProof := cli("sign-proof", "--keystore", alice.file, "--password-file", pw, "--chain-id", "1337", "--channel", channel,
		"--nonce", "7", "--transferred", milliEther(500).String()).ok(t)
	aliceProofFile := writeFile(t, dir, "alice-proof.json", aliceProof.out)
	var cl txJSON
	m.run(t, ethArgs(chain, bob, pw, "eth", "close", "--channel", channel, "--proof", aliceProofFile)...).ok(t).decode(t, &cl)
	if cl.Nonce != "7" || cl.TransferredAmount != milliEther(500).String() || cl.Partner != alice.addr.Hex() {
		t.Fatalf("close output: %+v", cl)
	}
	v = channelState(t, chain, channel)
	if v.State != "closed" || v.ClosingParticipant != bob.addr.Hex() || v.ClosedAt != cl.Block {
		t.Fatalf("closed channel state: %+v (close mined in block %s)", v, cl.Block)
	}
	closedAt, _ := new(big.Int).SetString(cl.Block, 10)
	if want := new(big.Int).Add(closedAt, big.NewInt(5)).String(); v.UpdateDeadline != want {
		t.Fatalf("update_deadline %s, want %s", v.UpdateDeadline, want)
	}
	if pa := participant(t, v, alice.addr); pa.Nonce != "7" || pa.TransferredAmount != milliEther(500).String() {
		t.Fatalf("alice's recorded proof: %+v", pa)
	}

	// Too early to settle: refused with the block to wait for.
	m.run(t, ethArgs(chain, bob, pw, "eth", "settle", "--channel", channel)...).fails(t, exitFailure, "challenge period")
	// A deposit after the close is refused too.
	m.run(t, ethArgs(chain, alice, pw, "eth", "deposit", "--channel", channel, "--amount", "1")...).
		fails(t, exitFailure, "only possible while it is open")

	for chain.Head(t) <= closedAt.Uint64()+5 {
		chain.Mine(1)
	}
	aliceBefore := chain.Balance(t, alice.addr)
	var st txJSON
	m.run(t, ethArgs(chain, bob, pw, "eth", "settle", "--channel", channel)...).ok(t).decode(t, &st)
	// alice: deposit - sent; bob: deposit + received. No update, no reward.
	if st.Participant1Amount != milliEther(4500).String() || st.Participant2Amount != milliEther(3500).String() || st.RewardPaid != "" {
		t.Fatalf("settle output: %+v", st)
	}
	// alice gets her balance and her unspent reward deposit back.
	gotAlice := new(big.Int).Sub(chain.Balance(t, alice.addr), aliceBefore)
	if want := new(big.Int).Add(milliEther(4500), reward); gotAlice.Cmp(want) != 0 {
		t.Fatalf("alice received %s wei at settle, want %s", gotAlice, want)
	}
	if v = channelState(t, chain, channel); v.State != "settled" {
		t.Fatalf("state after settle: %s", v.State)
	}
	m.run(t, ethArgs(chain, bob, pw, "eth", "settle", "--channel", channel)...).fails(t, exitFailure, "already settled")
}

// checkRequest verifies a monitoring request's two signatures.
func checkRequest(t *testing.T, req proofs.BalanceProof, channel, own, partner common.Address, nonce uint64, reward *big.Int) {
	t.Helper()
	if req.Channel != channel || req.NonClosing != own || req.Nonce != nonce || req.Reward.Cmp(reward) != 0 || req.ChainID.Int64() != 1337 {
		t.Fatalf("request fields: %+v", req)
	}
	dom := eip712.Domain{ChainID: req.ChainID, Channel: req.Channel}
	bp := eip712.BalanceProof{Nonce: req.Nonce, TransferredAmount: req.TransferredAmount, Locksroot: req.Locksroot, ExtraHash: req.ExtraHash}
	if s, err := eip712.Recover(dom.BalanceProofDigest(bp), req.Signature); err != nil || s != partner {
		t.Fatalf("balance proof signed by %s (%v), want the partner %s", s.Hex(), err, partner.Hex())
	}
	if s, err := eip712.Recover(dom.MonitorRequestDigest(bp, req.Signature, req.Reward), req.NonClosingSignature); err != nil || s != own {
		t.Fatalf("monitor request signed by %s (%v), want %s", s.Hex(), err, own.Hex())
	}
}

// TestCloseWithoutProofAndRefusals opens a channel on the chain's registry,
// closes it declaring no transfers, and checks the errors a participant
// gets before any transaction is sent.
func TestCloseWithoutProofAndRefusals(t *testing.T) {
	chain := ethtest.New(t, 3)
	m := newMiner(t, chain)
	dir := t.TempDir()
	pw := writeFile(t, dir, "password", "pw")
	alice := newAccount(t, filepath.Join(dir, "ks"), pw)
	bob := newAccount(t, filepath.Join(dir, "ks"), pw)
	carol := newAccount(t, filepath.Join(dir, "ks"), pw)
	for i, a := range []account{alice, bob, carol} {
		fund(t, chain, chain.Keys[i], a.addr, ethtest.Ether)
	}
	reg := chain.Registry.Hex()

	m.run(t, ethArgs(chain, alice, pw, "eth", "open", "--registry", reg, "--partner", bob.addr.Hex(), "--settle-timeout", "1")...).
		fails(t, exitFailure, "outside the registry's bounds [5, 1000000]")
	m.run(t, ethArgs(chain, alice, pw, "eth", "open", "--registry", reg, "--partner", alice.addr.Hex(), "--settle-timeout", "5")...).
		fails(t, exitFailure, "your own address")
	m.run(t, ethArgs(chain, alice, pw, "eth", "open", "--registry", bob.addr.Hex(), "--partner", bob.addr.Hex(), "--settle-timeout", "5")...).
		fails(t, exitFailure, "no contract at --registry")
	m.run(t, ethArgs(chain, alice, pw, "eth", "open", "--registry", reg, "--partner", bob.addr.Hex(), "--settle-timeout", "5", "--chain-id", "1")...).
		fails(t, exitFailure, "is on chain 1337, --chain-id is 1")
	wrongPw := writeFile(t, dir, "wrong", "nope\n")
	m.run(t, ethArgs(chain, alice, wrongPw, "eth", "open", "--registry", reg, "--partner", bob.addr.Hex(), "--settle-timeout", "5")...).
		fails(t, exitFailure, "wrong password")

	var open txJSON
	m.run(t, ethArgs(chain, alice, pw, "eth", "open", "--registry", reg, "--partner", bob.addr.Hex(), "--settle-timeout", "5")...).ok(t).decode(t, &open)
	channel := open.Channel

	m.run(t, ethArgs(chain, carol, pw, "eth", "deposit", "--channel", channel, "--amount", "1000")...).
		fails(t, exitFailure, "is not a participant of channel "+channel)
	m.run(t, ethArgs(chain, alice, pw, "eth", "settle", "--channel", channel)...).fails(t, exitFailure, "is open: close it first")
	cli("eth", "channel", "--rpc", chain.URL, "--channel", carol.addr.Hex()).fails(t, exitFailure, "no contract at channel address")

	var cl txJSON
	m.run(t, ethArgs(chain, bob, pw, "eth", "close", "--channel", channel)...).ok(t).decode(t, &cl)
	if cl.Nonce != "0" || cl.TransferredAmount != "0" {
		t.Fatalf("close without proof: %+v", cl)
	}
	v := channelState(t, chain, channel)
	if v.State != "closed" || v.ClosingParticipant != bob.addr.Hex() {
		t.Fatalf("state after close: %+v", v)
	}
	for _, p := range v.Participants {
		if p.Nonce != "0" || p.TransferredAmount != "0" {
			t.Fatalf("no proof was given, yet %+v", p)
		}
	}
	m.run(t, ethArgs(chain, alice, pw, "eth", "close", "--channel", channel)...).fails(t, exitFailure, "is already closed")

	// Keystore files must exist.
	cli(ethArgs(chain, account{file: filepath.Join(dir, "missing.json")}, pw, "eth", "settle", "--channel", channel)...).
		fails(t, exitFailure, "does not exist")
	if _, err := os.Stat(alice.file); err != nil {
		t.Fatal(err)
	}
}

// dataError is a node's revert answer: an error with revert data.
type dataError struct{ data string }

func (e dataError) Error() string          { return "execution reverted" }
func (e dataError) ErrorData() interface{} { return e.data }

func TestExplainRevert(t *testing.T) {
	a, err := contracts.NettingChannelMetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	id := a.Errors["WrongState"].ID
	sel := common.Bytes2Hex(id[:4])
	err = explainRevert(fmt.Errorf("settle: %w", dataError{"0x" + sel}))
	if err.Error() != "settle: execution reverted (contract error WrongState)" {
		t.Fatalf("got %q", err)
	}
	r, _ := contracts.ChannelRegistryMetaData.GetAbi()
	for name, e := range r.Errors {
		got := explainRevert(dataError{"0x" + common.Bytes2Hex(e.ID[:4]) + "00"})
		if !strings.Contains(got.Error(), "contract error "+name) {
			t.Errorf("registry error %s: %q", name, got)
		}
	}
	if got := explainRevert(dataError{"0x12345678"}); got.Error() != "execution reverted" {
		t.Fatalf("unknown selector: %q", got)
	}
	if got := explainRevert(errors.New("plain")); got.Error() != "plain" {
		t.Fatalf("plain error: %q", got)
	}
}
