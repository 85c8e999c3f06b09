// Package lntest builds real Lightning-style transactions in the shapes of
// BOLT 3 for tests, on a btctest node: a 2-of-2 P2WSH funding output, fully
// signed commitment transactions with a revocable to_local output and a
// P2WPKH to_remote output (option_static_remotekey, no anchors, no HTLCs),
// and justice (penalty) transactions that sweep to_local through the
// revocation path, signed SIGHASH_ALL or SIGHASH_SINGLE|SIGHASH_ANYONECANPAY
// (docs/protocol.md §8.2: the latter lets a watchtower append its own output for
// the surplus).
//
// Naming follows BOLT 3 from the point of view of the commitment's owner:
// "local" is the party whose commitments Commitment builds and who can
// broadcast them (the one that cheats by broadcasting a revoked one);
// "remote" is the victim, who holds the revocation basepoint secret and
// signs the justice transaction (and gives it to a watchtower). The test
// holds every secret.
//
// Keys are derived as in BOLT 3: per-commitment secrets from a seed with
// generate_from_seed, local_delayedpubkey from the delayed payment
// basepoint, revocationpubkey from the remote revocation basepoint and the
// per-commitment point, and the commitment number obscured in nLockTime and
// nSequence. Outputs are in BIP 69 order and those below DustLimit are
// trimmed. The builder reproduces BOLT 3 Appendix C byte for byte (see the
// tests). Every helper checks all inputs it signed with the script engine
// (standard verify flags) before returning.
//
// The helpers taking a testing.TB fail the test on error. The same builders
// returning errors (NewChannel, BuildCommitment, StateOf, BuildJustice) and
// CoinbaseFunder, which funds a channel from a node's mining key without a
// btctest harness, are in core.go, for programs such as scripts/demo. This
// package makes test and demo transactions with throwaway keys: product
// code must not import it.
package lntest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
)

// DefaultDustLimit is the dust_limit_satoshis commitments use unless the
// Channel says otherwise (the usual 354 sat of lnd and CLN).
const DefaultDustLimit btcutil.Amount = 354

// SighashMode is how a justice transaction's input is signed.
type SighashMode int

const (
	// SighashAll commits to every input and output: the transaction can
	// only be broadcast as is, and pays no bounty.
	SighashAll SighashMode = iota
	// SighashSingleAnyoneCanPay commits only to its own input and the
	// output of the same index (0): anyone may add inputs and outputs, so
	// a watchtower can append an output claiming the surplus.
	SighashSingleAnyoneCanPay
)

// HashType is the sighash flag byte of the mode.
func (m SighashMode) HashType() txscript.SigHashType {
	if m == SighashSingleAnyoneCanPay {
		return txscript.SigHashSingle | txscript.SigHashAnyOneCanPay
	}
	return txscript.SigHashAll
}

func (m SighashMode) String() string {
	if m == SighashSingleAnyoneCanPay {
		return "SIGHASH_SINGLE|SIGHASH_ANYONECANPAY"
	}
	return "SIGHASH_ALL"
}

// Channel is a funded channel between local and remote. Its keys are
// random; Capacity, ToSelfDelay and the funding fields describe the
// confirmed funding output.
type Channel struct {
	// Node is the btctest node OpenChannel funded the channel from; nil
	// for a channel made with NewChannel.
	Node        *btctest.Node
	Capacity    btcutil.Amount
	ToSelfDelay uint16
	DustLimit   btcutil.Amount

	// Funding is the 2-of-2 output; FundingScript its witness script
	// (OP_2 <lesser pubkey> <greater pubkey> OP_2 OP_CHECKMULTISIG) and
	// FundingOutput the P2WSH output itself.
	Funding       wire.OutPoint
	FundingOutput *wire.TxOut
	FundingScript []byte

	LocalFundingKey, RemoteFundingKey *btcec.PrivateKey
	// Payment basepoints: both obscure the commitment number (local is the
	// funder), and the remote one is also the to_remote key
	// (option_static_remotekey).
	LocalPaymentBaseKey, RemotePaymentBaseKey *btcec.PrivateKey
	// RemoteRevocationBaseKey is the remote's revocation basepoint secret:
	// with a revealed per-commitment secret it gives the revocation key.
	RemoteRevocationBaseKey *btcec.PrivateKey
	// LocalDelayedBaseKey is the local delayed payment basepoint secret.
	LocalDelayedBaseKey *btcec.PrivateKey
	// CommitSeed generates the local per-commitment secrets.
	CommitSeed [32]byte

	mu     sync.Mutex
	next   uint64
	states map[chainhash.Hash]*State
}

// State is what one commitment transaction was built from.
type State struct {
	// Number is the commitment number (0 for the first).
	Number uint64
	// PerCommitmentSecret is revealed to the remote when the local side
	// revokes this state; PerCommitmentPoint is its public key.
	PerCommitmentSecret [32]byte
	PerCommitmentPoint  *btcec.PublicKey
	// RevocationKey is revocationprivkey: what the remote can compute from
	// the revealed secret, and what signs the justice transaction.
	RevocationKey *btcec.PrivateKey
	// DelayedKey is local_delayedprivkey (the non-revoked, delayed path).
	DelayedKey *btcec.PrivateKey
	// ToRemoteKey is the key of the P2WPKH to_remote output.
	ToRemoteKey *btcec.PrivateKey
	// ToLocalScript is the witness script of to_local.
	ToLocalScript []byte
	// ToLocalIndex and ToRemoteIndex are the output indexes, -1 when the
	// output was trimmed as dust.
	ToLocalIndex, ToRemoteIndex int
	ToLocal, ToRemote, Fee      btcutil.Amount
}

// OpenChannel makes a channel with fresh keys, funds its 2-of-2 P2WSH
// output with capacity from n's coinbases (n needs 101+ blocks) and returns
// it confirmed (one block). It is NewChannel with n.Fund as the funder.
func OpenChannel(t testing.TB, n *btctest.Node, capacity btcutil.Amount, toSelfDelay uint16) *Channel {
	t.Helper()
	c, err := NewChannel(nodeFunder{t, n}, capacity, toSelfDelay)
	if err != nil {
		t.Fatalf("lntest: %v", err)
	}
	c.Node = n
	return c
}

// nodeFunder funds through btctest.Node.Fund, which fails the test itself.
type nodeFunder struct {
	t testing.TB
	n *btctest.Node
}

func (f nodeFunder) Fund(pkScript []byte, amount btcutil.Amount) (wire.OutPoint, *wire.TxOut, error) {
	f.t.Helper()
	op, out := f.n.Fund(f.t, pkScript, amount)
	return op, out, nil
}

// Commitment builds and signs (both funding keys) the next commitment
// transaction of the local side, with to_local and to_remote as given and
// feeSat as the fee; the three must add up to Capacity. An output below
// DustLimit is left out and its value goes to the fee. Each call is a new
// state (commitment number 0, 1, 2, ...); State(commit) tells which.
func (c *Channel) Commitment(t testing.TB, toLocal, toRemote btcutil.Amount, feeSat int64) *wire.MsgTx {
	t.Helper()
	tx, err := c.BuildCommitment(toLocal, toRemote, feeSat)
	if err != nil {
		t.Fatalf("lntest: %v", err)
	}
	return tx
}

func (c *Channel) dustLimit() btcutil.Amount {
	if c.DustLimit == 0 {
		return DefaultDustLimit
	}
	return c.DustLimit
}

// State returns what commit was built from; commit must come from
// c.Commitment.
func (c *Channel) State(t testing.TB, commit *wire.MsgTx) *State {
	t.Helper()
	st, err := c.StateOf(commit)
	if err != nil {
		t.Fatalf("lntest: %v", err)
	}
	return st
}

// Justice spends commit's to_local output through the revocation path
// (witness <revocation_sig> 1 <witness_script>) to a single output paying
// outValue to sweepTo, signed with mode. With SighashAll the fee is the
// rest of to_local; with SighashSingleAnyoneCanPay the signature commits
// only to the input and output 0, so the rest (to_local - outValue) is a
// surplus anyone may claim by adding an output. The input's nSequence is
// 0xfffffffd (replaceable, BIP 125) and nLockTime 0; both are signed.
func (c *Channel) Justice(t testing.TB, commit *wire.MsgTx, sweepTo []byte, mode SighashMode, outValue btcutil.Amount) *wire.MsgTx {
	t.Helper()
	tx, err := c.BuildJustice(commit, sweepTo, mode, outValue)
	if err != nil {
		t.Fatalf("lntest: %v", err)
	}
	return tx
}

func signJustice(commitID chainhash.Hash, idx uint32, prevOut *wire.TxOut, witnessScript []byte,
	revocationKey *btcec.PrivateKey, sweepTo []byte, mode SighashMode, outValue int64) (*wire.MsgTx, error) {
	tx := wire.NewMsgTx(2)
	in := wire.NewTxIn(&wire.OutPoint{Hash: commitID, Index: idx}, nil, nil)
	in.Sequence = wire.MaxTxInSequenceNum - 2
	tx.AddTxIn(in)
	tx.AddTxOut(wire.NewTxOut(outValue, sweepTo))
	fetcher := txscript.NewCannedPrevOutputFetcher(prevOut.PkScript, prevOut.Value)
	sig, err := txscript.RawTxInWitnessSignature(tx, txscript.NewTxSigHashes(tx, fetcher), 0,
		prevOut.Value, witnessScript, mode.HashType(), revocationKey)
	if err != nil {
		return nil, err
	}
	tx.TxIn[0].Witness = wire.TxWitness{sig, {1}, witnessScript}
	if err := btctest.VerifyTx(tx, map[wire.OutPoint]*wire.TxOut{in.PreviousOutPoint: prevOut}); err != nil {
		return nil, fmt.Errorf("does not verify: %w", err)
	}
	return tx, nil
}

// commitParams is everything one commitment transaction depends on.
type commitParams struct {
	funding                     wire.OutPoint
	capacity                    int64
	localFunding, remoteFunding *btcec.PrivateKey
	obscuring, number           uint64
	toSelfDelay                 uint16
	revocationPub, delayedPub   *btcec.PublicKey
	toRemotePub                 *btcec.PublicKey
	toLocal, toRemote           int64
	dustLimit                   int64
}

// buildCommitment makes and signs the commitment and fills st's script and
// output indexes.
func buildCommitment(p *commitParams, st *State) (*wire.MsgTx, error) {
	fundingScript := FundingScript(p.localFunding.PubKey(), p.remoteFunding.PubKey())
	fundingOut := wire.NewTxOut(p.capacity, P2WSH(fundingScript))

	lockTime, sequence := CommitLockTimeSequence(p.number, p.obscuring)
	tx := wire.NewMsgTx(2)
	tx.LockTime = lockTime
	in := wire.NewTxIn(&p.funding, nil, nil)
	in.Sequence = sequence
	tx.AddTxIn(in)

	st.ToLocalScript = ToLocalScript(p.revocationPub, p.delayedPub, p.toSelfDelay)
	toLocal := wire.NewTxOut(p.toLocal, P2WSH(st.ToLocalScript))
	toRemote := wire.NewTxOut(p.toRemote, P2WPKH(p.toRemotePub))
	if p.toLocal >= p.dustLimit {
		tx.AddTxOut(toLocal)
	}
	if p.toRemote >= p.dustLimit {
		tx.AddTxOut(toRemote)
	}
	if len(tx.TxOut) == 0 {
		return nil, fmt.Errorf("both outputs are below the dust limit %d", p.dustLimit)
	}
	// BIP 69: by amount, then by script.
	sort.SliceStable(tx.TxOut, func(i, j int) bool {
		a, b := tx.TxOut[i], tx.TxOut[j]
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return bytes.Compare(a.PkScript, b.PkScript) < 0
	})
	st.ToLocalIndex, st.ToRemoteIndex = -1, -1
	for i, out := range tx.TxOut {
		switch out {
		case toLocal:
			st.ToLocalIndex = i
		case toRemote:
			st.ToRemoteIndex = i
		}
	}

	fetcher := txscript.NewCannedPrevOutputFetcher(fundingOut.PkScript, fundingOut.Value)
	sigHashes := txscript.NewTxSigHashes(tx, fetcher)
	sign := func(key *btcec.PrivateKey) ([]byte, error) {
		return txscript.RawTxInWitnessSignature(tx, sigHashes, 0, p.capacity, fundingScript, txscript.SigHashAll, key)
	}
	localSig, err := sign(p.localFunding)
	if err != nil {
		return nil, err
	}
	remoteSig, err := sign(p.remoteFunding)
	if err != nil {
		return nil, err
	}
	// Signatures in the order of the keys in the script.
	first, second := localSig, remoteSig
	if bytes.Compare(p.localFunding.PubKey().SerializeCompressed(), p.remoteFunding.PubKey().SerializeCompressed()) > 0 {
		first, second = remoteSig, localSig
	}
	tx.TxIn[0].Witness = wire.TxWitness{nil, first, second, fundingScript}
	if err := btctest.VerifyTx(tx, map[wire.OutPoint]*wire.TxOut{p.funding: fundingOut}); err != nil {
		return nil, fmt.Errorf("does not verify: %w", err)
	}
	return tx, nil
}

// ToLocalScript is BOLT 3's to_local witness script:
//
//	OP_IF <revocationpubkey> OP_ELSE <to_self_delay> OP_CHECKSEQUENCEVERIFY
//	OP_DROP <local_delayedpubkey> OP_ENDIF OP_CHECKSIG
func ToLocalScript(revocationPub, delayedPub *btcec.PublicKey, toSelfDelay uint16) []byte {
	script, err := txscript.NewScriptBuilder().
		AddOp(txscript.OP_IF).
		AddData(revocationPub.SerializeCompressed()).
		AddOp(txscript.OP_ELSE).
		AddInt64(int64(toSelfDelay)).
		AddOp(txscript.OP_CHECKSEQUENCEVERIFY).
		AddOp(txscript.OP_DROP).
		AddData(delayedPub.SerializeCompressed()).
		AddOp(txscript.OP_ENDIF).
		AddOp(txscript.OP_CHECKSIG).
		Script()
	if err != nil {
		panic(err) // fixed shape: cannot fail
	}
	return script
}

// FundingScript is the 2-of-2 witness script with the keys sorted
// (lexicographically by compressed encoding).
func FundingScript(a, b *btcec.PublicKey) []byte {
	ka, kb := a.SerializeCompressed(), b.SerializeCompressed()
	if bytes.Compare(ka, kb) > 0 {
		ka, kb = kb, ka
	}
	script, err := txscript.NewScriptBuilder().
		AddOp(txscript.OP_2).AddData(ka).AddData(kb).AddOp(txscript.OP_2).
		AddOp(txscript.OP_CHECKMULTISIG).
		Script()
	if err != nil {
		panic(err)
	}
	return script
}

// P2WSH is the version 0 witness output script for witnessScript.
func P2WSH(witnessScript []byte) []byte {
	h := sha256.Sum256(witnessScript)
	addr, err := address.NewAddressWitnessScriptHash(h[:], btctest.Params)
	if err != nil {
		panic(err)
	}
	script, err := txscript.PayToAddrScript(addr)
	if err != nil {
		panic(err)
	}
	return script
}

// P2WPKH is the version 0 witness output script paying to pub.
func P2WPKH(pub *btcec.PublicKey) []byte {
	addr, err := address.NewAddressWitnessPubKeyHash(address.Hash160(pub.SerializeCompressed()), btctest.Params)
	if err != nil {
		panic(err)
	}
	script, err := txscript.PayToAddrScript(addr)
	if err != nil {
		panic(err)
	}
	return script
}
