package proofs

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// RequestQuery selects stored requests in (channel, non-closing) order;
// After is the opaque cursor returned with the previous page.
type RequestQuery struct {
	Channel     *common.Address
	Participant *common.Address // matches closing or non-closing
	After       string
	Limit       int
}

// UpdateQuery selects update records.
type UpdateQuery struct {
	Channel  *common.Address
	Outcomes []UpdateOutcome // empty: all
	AfterID  int64
	Limit    int // <= 0: no limit; results are in ID order
}

// Store is the balance-proof state as this package uses it: what intake,
// the chain view and the responder each need (IntakeStore, ChainStore,
// ResponderStore). Every write that a client is told about is committed
// before the call returns. The SQLite store (monitor/store) implements it;
// listing and reading requests, the totals, the persisted counters and
// closing are used by their own consumers (rest, the daemon's stats,
// monitor.Stats), which declare those methods themselves; monitor/storetest
// checks all of them.
type Store interface {
	IntakeStore
	ChainStore
	ResponderStore
}

// ChannelInfo is a channel's live on-chain state, read from a node.
type ChannelInfo struct {
	Channel
	Exists bool // registered by the configured ChannelRegistry
}

// ChainReader reads live Ethereum state for intake decisions, for channels
// the confirmed-event cache does not know yet.
type ChainReader interface {
	ChainID() *big.Int
	ChannelInfo(ctx context.Context, channel common.Address) (ChannelInfo, error)
	RewardDeposit(ctx context.Context, channel, participant common.Address) (*big.Int, error)
	GasPrice(ctx context.Context) (*big.Int, error)
}

// UpdateCall is one updateTransfer call.
type UpdateCall struct {
	Request Request
}

// TxParams are the fee and nonce of one transaction.
type TxParams struct {
	Nonce    uint64
	GasPrice *big.Int
	GasLimit uint64
}

// Receipt is the part of a transaction receipt the responder needs.
type Receipt struct {
	Block             uint64
	BlockHash         common.Hash
	Success           bool
	GasUsed           uint64
	EffectiveGasPrice *big.Int
}

// BlockInfo is what the responder needs to know of a block.
type BlockInfo struct {
	Number   uint64
	GasLimit uint64
	GasUsed  uint64
	BaseFee  *big.Int // nil before London
}

// NextBaseFee is the base fee of the block after b under EIP-1559 with
// Ethereum's parameters (gas target half the limit, at most 1/8 change a
// block); nil before London.
func (b BlockInfo) NextBaseFee() *big.Int {
	if b.BaseFee == nil {
		return nil
	}
	next := new(big.Int).Set(b.BaseFee)
	target := b.GasLimit / 2
	if target == 0 || b.GasUsed == target {
		return next
	}
	var diff uint64
	if b.GasUsed > target {
		diff = b.GasUsed - target
	} else {
		diff = target - b.GasUsed
	}
	delta := new(big.Int).Mul(b.BaseFee, new(big.Int).SetUint64(diff))
	delta.Div(delta, new(big.Int).SetUint64(target))
	delta.Div(delta, big.NewInt(8))
	if b.GasUsed > target {
		if delta.Sign() == 0 {
			delta.SetInt64(1)
		}
		return next.Add(next, delta)
	}
	return next.Sub(next, delta)
}

// Competitor is an updateTransfer call by another account waiting in the
// node's pool: a claim that the channel will be updated, not a fact. The
// fields up to Executable come from the pool scan; the facts after them are
// read by ClaimReader.CheckCompetitor at the latest block. A claim counts only
// when Lands says it will really be mined and succeed.
type Competitor struct {
	TxHash  common.Hash
	From    common.Address
	Channel common.Address
	// Nonce is the balance-proof nonce the call would record.
	Nonce   uint64
	TxNonce uint64
	Gas     uint64
	// FeeCap and TipCap are the transaction's maximum fee and priority fee
	// per gas (both its gas price for a legacy transaction).
	FeeCap, TipCap *big.Int
	Value          *big.Int
	Input          []byte // the call data
	// Executable: in the pool's executable set (geth's "pending"), not
	// waiting behind a nonce gap of its sender ("queued").
	Executable bool

	// Checked is set once the facts below were read.
	Checked bool
	// SenderNonce and SenderBalance are From's account nonce and balance at
	// the latest block.
	SenderNonce   uint64
	SenderBalance *big.Int
	// SimErr is the result of the call simulated from From, with its gas
	// limit and value, against the latest state (nil: it succeeds).
	SimErr error
}

// Lands tells whether the competitor will be included in the next block
// and succeed, judged from the facts read by CheckCompetitor: it is the
// next transaction of its sender, its fee cap covers nextBaseFee (nil
// before London) with a tip left over, its sender can pay for its gas, and
// the call succeeds at the latest state (which also checks both
// participants' signatures and that its nonce is newer than the chain's).
// When it does not, why says what fails.
func (c Competitor) Lands(nextBaseFee *big.Int) (ok bool, why string) {
	switch {
	case !c.Checked:
		return false, "not checked"
	case !c.Executable:
		return false, "queued behind a nonce gap of its sender"
	case c.TxNonce != c.SenderNonce:
		return false, fmt.Sprintf("not its sender's next transaction (account nonce %d, transaction nonce %d)", c.SenderNonce, c.TxNonce)
	case c.FeeCap == nil || c.TipCap == nil:
		return false, "no fee"
	case nextBaseFee != nil && c.FeeCap.Cmp(nextBaseFee) < 0:
		return false, fmt.Sprintf("fee cap %s wei is below the next base fee %s wei", c.FeeCap, nextBaseFee)
	case nextBaseFee != nil && (c.TipCap.Sign() <= 0 || c.FeeCap.Cmp(nextBaseFee) == 0):
		return false, "no priority fee over the next base fee"
	case nextBaseFee == nil && c.FeeCap.Sign() <= 0:
		return false, "zero gas price"
	}
	cost := new(big.Int).Mul(c.FeeCap, new(big.Int).SetUint64(c.Gas))
	if c.Value != nil {
		cost.Add(cost, c.Value)
	}
	if c.SenderBalance == nil || c.SenderBalance.Cmp(cost) < 0 {
		return false, fmt.Sprintf("its sender cannot pay for its gas (balance %v wei, needs %s wei)", c.SenderBalance, cost)
	}
	if c.SimErr != nil {
		return false, "fails when simulated: " + c.SimErr.Error()
	}
	return true, ""
}

// TxSender signs, sends and follows the operator's updateTransfer
// transactions: what the responder needs to send, rebroadcast, replace
// with a higher fee and see mined.
type TxSender interface {
	Address() common.Address
	AccountNonce(ctx context.Context) (pending uint64, latest uint64, err error)
	// SignUpdate signs the call with the given parameters.
	SignUpdate(ctx context.Context, c UpdateCall, p TxParams) (hash common.Hash, raw []byte, err error)
	// Broadcast sends a signed transaction; "already known" is not an error.
	Broadcast(ctx context.Context, raw []byte) error
	Receipt(ctx context.Context, hash common.Hash) (*Receipt, error) // nil, nil when not mined
}

// ClaimReader reads what the chain and the node's pool say of a channel's
// recorded nonce: the facts the responder weighs before sending and
// before standing down for a competitor. The responder calls it for
// several channels at once.
type ClaimReader interface {
	// OnChainNonce returns the nonce recorded for the closing participant's
	// transfers at block.
	OnChainNonce(ctx context.Context, channel, closing common.Address, block uint64) (uint64, error)
	// PendingNonce returns that nonce in the node's pending state (which
	// counts transactions not yet mined: a claim, not a fact).
	PendingNonce(ctx context.Context, channel, closing common.Address) (uint64, error)
	// PoolUpdates scans the node's transaction pool once and returns the
	// updateTransfer calls waiting there, ours included (the node's pending
	// state lags behind its pool, so this is what sees a competing update
	// sent a moment ago), and the node's head block number read after the
	// pool: a transaction that left the pool before the scan was mined by
	// that block (or dropped), so a nonce read at it counts it. Only the
	// pool's own fields are filled. An error means the pool cannot be read.
	PoolUpdates(ctx context.Context) (updates []Competitor, head uint64, err error)
	// CheckCompetitor reads the facts Competitor.Lands judges from, at
	// block (the head PoolUpdates read the pool at, so that a competitor
	// mined since is judged as it stood in the pool, not simulated again on
	// top of itself): its sender's nonce and balance and the call
	// simulated.
	CheckCompetitor(ctx context.Context, c *Competitor, block uint64) error
}

// GasReader prices an update: its gas, the fee market and what updates
// really cost once mined. The responder calls EstimateUpdate for several
// channels at once.
type GasReader interface {
	// EstimateUpdate runs the call against the latest state; a revert gives
	// an error wrapping ErrWouldRevert.
	EstimateUpdate(ctx context.Context, c UpdateCall) (gas uint64, err error)
	// LatestBlock describes the node's latest block.
	LatestBlock(ctx context.Context) (BlockInfo, error)
	GasPrice(ctx context.Context) (*big.Int, error)
	// UpdateGasUsed returns the gas used by a successful transaction that
	// called updateTransfer directly on channel; ok is false for anything
	// else (a failed call, or one made through another contract).
	UpdateGasUsed(ctx context.Context, tx common.Hash, channel common.Address) (gas uint64, ok bool, err error)
}
