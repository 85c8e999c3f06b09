package proofs

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// EventKind names a contract event Vigil follows.
type EventKind string

// The contract events the Ethereum watcher delivers.
const (
	EventChannelOpened   EventKind = "ChannelOpened"
	EventRewardDeposited EventKind = "RewardDeposited"
	EventChannelClosed   EventKind = "ChannelClosed"
	EventTransferUpdated EventKind = "TransferUpdated"
	EventChannelSettled  EventKind = "ChannelSettled"
	EventRewardPaid      EventKind = "RewardPaid"
)

// ChainEvent is one decoded contract log from a confirmed block. Only the
// fields of its Kind are set.
type ChainEvent struct {
	Kind      EventKind
	Block     uint64
	BlockHash common.Hash
	TxHash    common.Hash
	LogIndex  uint
	// Channel is the NettingChannel the event concerns (for ChannelOpened,
	// the new channel; the registry emitted it).
	Channel common.Address

	// ChannelOpened.
	Participant1  common.Address `json:",omitempty"`
	Participant2  common.Address `json:",omitempty"`
	SettleTimeout uint64         `json:",omitempty"`
	// RewardDeposited: Participant is the depositor, Amount its new total.
	// ChannelClosed: Participant is the closer, Nonce the partner's proof nonce.
	// TransferUpdated: Participant is the non-closing participant, Nonce the
	// new nonce, Payout and Amount the reward claim.
	// RewardPaid: Payout and Amount.
	// ChannelSettled: Amount and Amount2 are the two payouts.
	Participant common.Address `json:",omitempty"`
	Nonce       uint64         `json:",omitempty"`
	Payout      common.Address `json:",omitempty"`
	Amount      *big.Int       `json:",omitempty"`
	Amount2     *big.Int       `json:",omitempty"`
}

// BlockRef names a block by number and hash.
type BlockRef struct {
	Number uint64
	Hash   common.Hash
}

// ChainBatch is the outcome of processing a range of confirmed blocks. The
// store writes it in one transaction, so the cursor never runs ahead of the
// effects it stands for.
type ChainBatch struct {
	Cursor   Cursor       // the last block of the range
	Blocks   []BlockRef   // hashes to remember for reorg detection
	Events   []ChainEvent // in chain order
	Channels []Channel    // new state of every channel the events touched
}

// ChainRollback undoes everything recorded above To.Number after a reorg.
type ChainRollback struct {
	To       Cursor
	Channels []Channel        // channels recomputed from the surviving events
	Removed  []common.Address // channels whose opening was orphaned
}
