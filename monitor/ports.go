package monitor

import (
	"context"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// SaveResult tells what SaveRequest changed.
type SaveResult struct {
	// Duplicate: the identical request (same nonce and signatures) was
	// already stored; nothing changed. Intake is idempotent.
	Duplicate bool
	// Replaced: an older nonce for the same (channel, non-closing) was replaced.
	Replaced bool
	// NewChannel / NewParticipants count first sightings, for stats.
	NewChannel      bool
	NewParticipants int
}

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

// Totals are aggregates recomputed from the store at start; afterwards the
// monitor keeps them in step in memory as it commits.
type Totals struct {
	Requests     int64
	Channels     int64 // distinct channels ever seen in requests
	Participants int64 // distinct addresses ever seen in requests
	Submitted    int64 // updates sent (a fee-bumped re-send is not counted again)
	Won          int64 // updates whose reward was paid to us
	RewardsWon   *big.Int
	GasSpent     *big.Int
	Counters     map[string]int64 // persisted named counters (rejections, ...)
}

// Store is the durable state the monitor needs. Every write that a client
// is told about is committed before the call returns. The SQLite
// implementation lives in monitor/store; monitor/storetest is the suite any
// implementation must pass.
type Store interface {
	// SaveRequest stores r unless a request with the same (channel,
	// non-closing) and a nonce >= r.Nonce exists: an identical one gives
	// Duplicate; an equal nonce with different content returns an *Error
	// with ReasonNonceConflict; a lower nonce ReasonStaleNonce.
	SaveRequest(ctx context.Context, r Request) (SaveResult, error)
	Request(ctx context.Context, channel, nonClosing common.Address) (Request, error)
	Requests(ctx context.Context, q RequestQuery) (reqs []Request, next string, err error)
	RequestsForChannel(ctx context.Context, channel common.Address) ([]Request, error)
	DeleteRequests(ctx context.Context, channel common.Address) (int64, error)

	Channel(ctx context.Context, addr common.Address) (Channel, error)
	// ActionableChannels lists closed channels whose window is still open at
	// block head and for which a stored request has a nonce newer than the
	// on-chain one.
	ActionableChannels(ctx context.Context, head uint64) ([]Channel, error)
	ChannelEvents(ctx context.Context, channel common.Address) ([]ChainEvent, error)
	EventsAfter(ctx context.Context, block uint64) ([]ChainEvent, error)

	Cursor(ctx context.Context) (Cursor, bool, error)
	BlockHash(ctx context.Context, number uint64) (common.Hash, bool, error)
	ApplyChain(ctx context.Context, b ChainBatch) error
	RollbackChain(ctx context.Context, r ChainRollback) error

	// InsertUpdate stores a new update record and returns its ID.
	InsertUpdate(ctx context.Context, u Update) (int64, error)
	// SaveUpdate overwrites the update with u.ID.
	SaveUpdate(ctx context.Context, u Update) error
	Updates(ctx context.Context, q UpdateQuery) ([]Update, error)
	// NextTxNonce / account nonces are derived from updates with a TxHash.
	MaxTxNonce(ctx context.Context) (nonce uint64, ok bool, err error)

	Totals(ctx context.Context) (Totals, error)
	// AddCounters adds deltas to persisted named counters.
	AddCounters(ctx context.Context, deltas map[string]int64) error

	Close() error
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
	Payout  common.Address
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

// Sender submits updateTransfer transactions from the operator's account.
// The responder calls PendingOnChainNonce and EstimateUpdate for several
// channels at once.
type Sender interface {
	Address() common.Address
	// EstimateUpdate runs the call against the pending state; a revert gives
	// an error wrapping ErrWouldRevert.
	EstimateUpdate(ctx context.Context, c UpdateCall) (gas uint64, err error)
	// PendingOnChainNonce returns the nonce recorded for the closing
	// participant's transfers in the node's pending state.
	PendingOnChainNonce(ctx context.Context, channel, closing common.Address) (uint64, error)
	// PoolUpdateNonces scans the node's transaction pool once and returns,
	// per channel, the highest balance-proof nonce of the updateTransfer
	// calls waiting there (competitors' and our own). The node's pending
	// state lags behind its pool, so this is what sees a competing update
	// sent a moment ago. An error means the pool cannot be read.
	PoolUpdateNonces(ctx context.Context) (map[common.Address]uint64, error)
	// LatestBlock describes the node's latest block.
	LatestBlock(ctx context.Context) (BlockInfo, error)
	// SignUpdate signs the call with the given parameters.
	SignUpdate(ctx context.Context, c UpdateCall, p TxParams) (hash common.Hash, raw []byte, err error)
	// Broadcast sends a signed transaction; "already known" is not an error.
	Broadcast(ctx context.Context, raw []byte) error
	Receipt(ctx context.Context, hash common.Hash) (*Receipt, error) // nil, nil when not mined
	AccountNonce(ctx context.Context) (pending uint64, latest uint64, err error)
	GasPrice(ctx context.Context) (*big.Int, error)
	Balance(ctx context.Context) (*big.Int, error)
}

// Clock is injected so tests can move through time without sleeping.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }
