package lntest

// The core of the package, usable without testing.TB (the demo in
// scripts/demo builds its channel with it): every function here returns an
// error. The TB-taking API in lntest.go wraps these and fails the test
// instead.

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
)

// Funder pays amount to pkScript in a confirmed transaction and returns the
// outpoint and output it created.
type Funder interface {
	Fund(pkScript []byte, amount btcutil.Amount) (wire.OutPoint, *wire.TxOut, error)
}

// NewChannel makes a channel with fresh keys and funds its 2-of-2 P2WSH
// output with capacity through f. The returned Channel's Node is nil.
func NewChannel(f Funder, capacity btcutil.Amount, toSelfDelay uint16) (*Channel, error) {
	if capacity <= 0 {
		return nil, fmt.Errorf("channel capacity %d: must be positive", capacity)
	}
	c := &Channel{
		Capacity:    capacity,
		ToSelfDelay: toSelfDelay,
		DustLimit:   DefaultDustLimit,
		states:      map[chainhash.Hash]*State{},
	}
	for _, k := range []**btcec.PrivateKey{&c.LocalFundingKey, &c.RemoteFundingKey, &c.LocalPaymentBaseKey,
		&c.RemotePaymentBaseKey, &c.RemoteRevocationBaseKey, &c.LocalDelayedBaseKey} {
		var err error
		if *k, err = btcec.NewPrivateKey(); err != nil {
			return nil, fmt.Errorf("new key: %w", err)
		}
	}
	if _, err := rand.Read(c.CommitSeed[:]); err != nil {
		return nil, fmt.Errorf("commitment seed: %w", err)
	}
	c.FundingScript = FundingScript(c.LocalFundingKey.PubKey(), c.RemoteFundingKey.PubKey())
	var err error
	c.Funding, c.FundingOutput, err = f.Fund(P2WSH(c.FundingScript), capacity)
	if err != nil {
		return nil, fmt.Errorf("fund the channel: %w", err)
	}
	return c, nil
}

// BuildCommitment is Commitment returning an error instead of failing a
// test.
func (c *Channel) BuildCommitment(toLocal, toRemote btcutil.Amount, feeSat int64) (*wire.MsgTx, error) {
	if toLocal < 0 || toRemote < 0 || feeSat < 0 || toLocal+toRemote+btcutil.Amount(feeSat) != c.Capacity {
		return nil, fmt.Errorf("to_local %d + to_remote %d + fee %d != capacity %d", toLocal, toRemote, feeSat, c.Capacity)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.states == nil {
		c.states = map[chainhash.Hash]*State{}
	}
	number := c.next
	secret := PerCommitmentSecret(c.CommitSeed, MaxCommitIndex-number)
	perCommit, point := btcec.PrivKeyFromBytes(secret[:])
	st := &State{
		Number:              number,
		PerCommitmentSecret: secret,
		PerCommitmentPoint:  point,
		RevocationKey:       DeriveRevocationPrivKey(c.RemoteRevocationBaseKey, perCommit),
		DelayedKey:          DerivePrivKey(c.LocalDelayedBaseKey, point),
		ToRemoteKey:         c.RemotePaymentBaseKey,
	}
	p := commitParams{
		funding:       c.Funding,
		capacity:      int64(c.Capacity),
		localFunding:  c.LocalFundingKey,
		remoteFunding: c.RemoteFundingKey,
		obscuring:     ObscuringFactor(c.LocalPaymentBaseKey.PubKey(), c.RemotePaymentBaseKey.PubKey()),
		number:        number,
		toSelfDelay:   c.ToSelfDelay,
		revocationPub: st.RevocationKey.PubKey(),
		delayedPub:    st.DelayedKey.PubKey(),
		toRemotePub:   st.ToRemoteKey.PubKey(),
		toLocal:       int64(toLocal),
		toRemote:      int64(toRemote),
		dustLimit:     int64(c.dustLimit()),
	}
	// The number is used up even when building fails, as before.
	c.next++
	tx, err := buildCommitment(&p, st)
	if err != nil {
		return nil, fmt.Errorf("commitment %d: %w", number, err)
	}
	st.ToLocal, st.ToRemote = toLocal, toRemote
	if st.ToLocalIndex < 0 {
		st.ToLocal = 0
	}
	if st.ToRemoteIndex < 0 {
		st.ToRemote = 0
	}
	st.Fee = c.Capacity - st.ToLocal - st.ToRemote
	c.states[tx.TxHash()] = st
	return tx, nil
}

// StateOf returns what commit was built from; commit must come from
// c.BuildCommitment (or c.Commitment).
func (c *Channel) StateOf(commit *wire.MsgTx) (*State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.states[commit.TxHash()]
	if !ok {
		return nil, fmt.Errorf("%s is not a commitment of this channel", commit.TxHash())
	}
	return st, nil
}

// BuildJustice is Justice returning an error instead of failing a test.
func (c *Channel) BuildJustice(commit *wire.MsgTx, sweepTo []byte, mode SighashMode, outValue btcutil.Amount) (*wire.MsgTx, error) {
	st, err := c.StateOf(commit)
	if err != nil {
		return nil, err
	}
	if st.ToLocalIndex < 0 {
		return nil, fmt.Errorf("commitment %d has no to_local output (trimmed)", st.Number)
	}
	prevOut := commit.TxOut[st.ToLocalIndex]
	if outValue <= 0 || int64(outValue) > prevOut.Value {
		return nil, fmt.Errorf("justice output %d outside (0, %d]", outValue, prevOut.Value)
	}
	tx, err := signJustice(commit.TxHash(), uint32(st.ToLocalIndex), prevOut, st.ToLocalScript, st.RevocationKey, sweepTo, mode, int64(outValue))
	if err != nil {
		return nil, fmt.Errorf("justice for commitment %d: %w", st.Number, err)
	}
	return tx, nil
}

// CoinbaseNode is the part of a btcd JSON-RPC client that CoinbaseFunder
// uses; *rpcclient.Client has it.
type CoinbaseNode interface {
	GetBlockCount() (int64, error)
	GetBlockHash(height int64) (*chainhash.Hash, error)
	GetBlock(hash *chainhash.Hash) (*wire.MsgBlock, error)
	GetTxOut(txid *chainhash.Hash, index uint32, mempool bool) (*btcjson.GetTxOutResult, error)
	SendRawTransaction(tx *wire.MsgTx, allowHighFees bool) (*chainhash.Hash, error)
	Generate(blocks uint32) ([]*chainhash.Hash, error)
}

// CoinbaseFunder is a Funder outside tests: it spends a mature coinbase
// paid to Key's P2WPKH address (the node's --miningaddr), sends amount to
// the script and the change back to that address, broadcasts, mines one
// block and checks that the block holds the transaction. The node needs
// btctest.CoinbaseMaturity+1 blocks mined to Key first. It is safe for
// concurrent use.
type CoinbaseFunder struct {
	Node CoinbaseNode
	Key  *btcec.PrivateKey
	// FeeRate in sat/vB; 0 means btctest.DefaultFeeRate.
	FeeRate int64

	mu   sync.Mutex
	next int64 // lowest height whose coinbase has not been tried
}

// minChange is the smallest change output Fund creates; less goes to the fee.
const minChange = 1000

// Fund implements Funder.
func (f *CoinbaseFunder) Fund(pkScript []byte, amount btcutil.Amount) (wire.OutPoint, *wire.TxOut, error) {
	if len(pkScript) == 0 || amount <= 0 {
		return wire.OutPoint{}, nil, fmt.Errorf("fund %x with %d: need a script and a positive amount", pkScript, amount)
	}
	if f.Node == nil || f.Key == nil {
		return wire.OutPoint{}, nil, errors.New("CoinbaseFunder needs a Node and a Key")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	mining := P2WPKH(f.Key.PubKey())
	prev, prevOut, err := f.matureCoinbase(mining, amount)
	if err != nil {
		return wire.OutPoint{}, nil, err
	}
	rate := f.FeeRate
	if rate <= 0 {
		rate = btctest.DefaultFeeRate
	}
	tx := wire.NewMsgTx(2)
	tx.AddTxIn(wire.NewTxIn(&prev, nil, nil))
	tx.AddTxOut(wire.NewTxOut(int64(amount), pkScript))
	tx.AddTxOut(wire.NewTxOut(0, mining))
	// Sign once to learn the size, then set the fee and sign again (a
	// signature can be a byte longer, hence the margin).
	fee := int64(0)
	for range 2 {
		change := prevOut.Value - int64(amount) - fee
		tx.TxOut = tx.TxOut[:2]
		tx.TxOut[1].Value = change
		if change < minChange {
			tx.TxOut = tx.TxOut[:1]
		}
		fetcher := txscript.NewCannedPrevOutputFetcher(prevOut.PkScript, prevOut.Value)
		w, err := txscript.WitnessSignature(tx, txscript.NewTxSigHashes(tx, fetcher), 0, prevOut.Value,
			prevOut.PkScript, txscript.SigHashAll, f.Key, true)
		if err != nil {
			return wire.OutPoint{}, nil, fmt.Errorf("sign the coinbase spend: %w", err)
		}
		tx.TxIn[0].Witness = w
		fee = (btctest.VSize(tx) + 2) * rate
	}
	if prevOut.Value-int64(amount) < fee {
		return wire.OutPoint{}, nil, fmt.Errorf("coinbase %v holds %d sat, too little for %d + fee %d", prev, prevOut.Value, amount, fee)
	}
	if err := btctest.VerifyTx(tx, map[wire.OutPoint]*wire.TxOut{prev: prevOut}); err != nil {
		return wire.OutPoint{}, nil, fmt.Errorf("coinbase spend does not verify: %w", err)
	}
	txid, err := f.Node.SendRawTransaction(tx, false)
	if err != nil {
		return wire.OutPoint{}, nil, fmt.Errorf("sendrawtransaction %s: %w", tx.TxHash(), err)
	}
	blocks, err := f.Node.Generate(1)
	if err != nil || len(blocks) != 1 {
		return wire.OutPoint{}, nil, fmt.Errorf("generate 1 block to confirm %s: %v", txid, err)
	}
	block, err := f.Node.GetBlock(blocks[0])
	if err != nil {
		return wire.OutPoint{}, nil, fmt.Errorf("getblock %s: %w", blocks[0], err)
	}
	if !hasTx(block, *txid) {
		return wire.OutPoint{}, nil, fmt.Errorf("block %s does not include the funding %s", blocks[0], txid)
	}
	return wire.OutPoint{Hash: *txid, Index: 0}, tx.TxOut[0], nil
}

// matureCoinbase finds an unspent coinbase output paying to script, worth
// more than amount, spendable in the next block.
func (f *CoinbaseFunder) matureCoinbase(script []byte, amount btcutil.Amount) (wire.OutPoint, *wire.TxOut, error) {
	tip, err := f.Node.GetBlockCount()
	if err != nil {
		return wire.OutPoint{}, nil, fmt.Errorf("getblockcount: %w", err)
	}
	if f.next < 1 {
		f.next = 1
	}
	last := tip + 1 - btctest.CoinbaseMaturity
	for h := f.next; h <= last; h++ {
		f.next = h + 1
		hash, err := f.Node.GetBlockHash(h)
		if err != nil {
			return wire.OutPoint{}, nil, fmt.Errorf("getblockhash %d: %w", h, err)
		}
		block, err := f.Node.GetBlock(hash)
		if err != nil {
			return wire.OutPoint{}, nil, fmt.Errorf("getblock %s: %w", hash, err)
		}
		cb := block.Transactions[0]
		for i, out := range cb.TxOut {
			if !bytes.Equal(out.PkScript, script) || out.Value <= int64(amount)+minChange {
				continue
			}
			txid := cb.TxHash()
			utxo, err := f.Node.GetTxOut(&txid, uint32(i), true)
			if err != nil {
				return wire.OutPoint{}, nil, fmt.Errorf("gettxout %s:%d: %w", txid, i, err)
			}
			if utxo == nil {
				continue // spent
			}
			return wire.OutPoint{Hash: txid, Index: uint32(i)}, out, nil
		}
	}
	return wire.OutPoint{}, nil, fmt.Errorf("no mature unspent coinbase of the mining key worth more than %d sat at tip %d: "+
		"mine more blocks (a coinbase needs %d confirmations)", amount, tip, btctest.CoinbaseMaturity)
}

func hasTx(b *wire.MsgBlock, txid chainhash.Hash) bool {
	for _, tx := range b.Transactions {
		if tx.TxHash() == txid {
			return true
		}
	}
	return false
}
