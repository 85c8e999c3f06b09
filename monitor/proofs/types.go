package proofs

import (
	"math"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// BalanceProof is a monitoring request as a client sends it: the closing
// participant's newest balance proof for a channel, the non-closing
// participant's signature asking monitors to submit it, and the reward offer.
type BalanceProof struct {
	ChainID           *big.Int
	Channel           common.Address
	Nonce             uint64
	TransferredAmount *big.Int
	Locksroot         [32]byte
	ExtraHash         [32]byte
	// Signature is the BalanceProof signature by the participant whose
	// transfers it counts: the partner who may later close with stale state.
	Signature []byte
	// NonClosing is the participant the proof protects (the receiver).
	NonClosing common.Address
	// NonClosingSignature is the MonitorRequest signature by NonClosing.
	NonClosingSignature []byte
	Reward              *big.Int
}

// Request is a verified, accepted balance proof as stored.
type Request struct {
	BalanceProof
	// Closing is the recovered signer of Signature: the partner whose stale
	// close this request protects against.
	Closing    common.Address
	Source     string // "rest" or "matrix"
	SourceRef  string // e.g. the Matrix event id
	ReceivedAt time.Time
}

// ChannelState mirrors the NettingChannel contract's state.
type ChannelState uint8

// Channel states, matching NettingChannel.state().
const (
	ChannelOpen    ChannelState = 0
	ChannelClosed  ChannelState = 1
	ChannelSettled ChannelState = 2
)

func (s ChannelState) String() string {
	switch s {
	case ChannelOpen:
		return "open"
	case ChannelClosed:
		return "closed"
	case ChannelSettled:
		return "settled"
	}
	return "unknown"
}

// Channel is what Vigil knows about a channel from confirmed chain events.
type Channel struct {
	Address       common.Address
	Participant1  common.Address
	Participant2  common.Address
	SettleTimeout uint64
	OpenedBlock   uint64
	State         ChannelState
	// Set when closed.
	Closing     common.Address
	ClosedBlock uint64
	// OnChainNonce is the nonce recorded on chain for the closing
	// participant's transfers (raised by TransferUpdated events).
	OnChainNonce uint64
	SettledBlock uint64
	// RewardDeposits of each participant, from RewardDeposited events.
	RewardDeposit1 *big.Int
	RewardDeposit2 *big.Int
}

// IsParticipant reports whether a is one of the channel's two participants.
func (c Channel) IsParticipant(a common.Address) bool {
	return a == c.Participant1 || a == c.Participant2
}

// Partner returns the other participant of a.
func (c Channel) Partner(a common.Address) common.Address {
	if a == c.Participant1 {
		return c.Participant2
	}
	return c.Participant1
}

// RewardDepositOf returns the reward deposit of participant a.
func (c Channel) RewardDepositOf(a common.Address) *big.Int {
	var d *big.Int
	if a == c.Participant1 {
		d = c.RewardDeposit1
	} else if a == c.Participant2 {
		d = c.RewardDeposit2
	}
	if d == nil {
		return new(big.Int)
	}
	return d
}

// Deadline is the last block in which updateTransfer is accepted
// (saturating: a hostile settle timeout cannot wrap it around).
func (c Channel) Deadline() uint64 {
	if d := c.ClosedBlock + c.SettleTimeout; d >= c.ClosedBlock {
		return d
	}
	return math.MaxUint64
}

// UpdateOutcome is the life cycle of one updateTransfer attempt.
type UpdateOutcome string

// Outcomes of an update attempt.
const (
	// OutcomePending: signed and broadcast, not yet mined.
	OutcomePending UpdateOutcome = "pending"
	// OutcomeMined: mined and succeeded; TransferUpdated recorded our payout.
	OutcomeMined UpdateOutcome = "mined"
	// OutcomeReverted: mined but reverted (a competitor was faster).
	OutcomeReverted UpdateOutcome = "reverted"
	// OutcomeSkipped: not sent this block because an update with the same or
	// a newer nonce is mined, or a competitor's that will land is pending
	// (Competitor names it; re-examined every block, and overridden at the
	// stand-down margin), or because it would revert.
	OutcomeSkipped UpdateOutcome = "skipped"
	// OutcomeUnprofitable: not sent because gas at action time exceeds the reward.
	OutcomeUnprofitable UpdateOutcome = "unprofitable"
	// OutcomeMissed: the window closed with our newer proof not on chain: a
	// loss for the client, recorded once per (channel, nonce).
	OutcomeMissed UpdateOutcome = "missed"
	// OutcomeReplaced: superseded by a re-signed transaction with the same
	// account nonce and a higher fee; still watched in case it is mined.
	OutcomeReplaced UpdateOutcome = "replaced"
	// OutcomeDropped: its account nonce was used by another transaction.
	OutcomeDropped UpdateOutcome = "dropped"
)

// Outcomes lists every update outcome.
func Outcomes() []UpdateOutcome {
	return []UpdateOutcome{OutcomePending, OutcomeMined, OutcomeReverted, OutcomeSkipped, OutcomeUnprofitable,
		OutcomeMissed, OutcomeReplaced, OutcomeDropped}
}

// Update is one updateTransfer decision or transaction of this monitor.
type Update struct {
	ID         int64
	Channel    common.Address
	NonClosing common.Address
	Nonce      uint64
	Reward     *big.Int
	Outcome    UpdateOutcome
	Detail     string // why skipped/failed, for operators and auditors
	// Competitor is the competing transaction a skipped decision stood down
	// for (zero when none).
	Competitor common.Hash
	// Transaction fields (empty when not sent).
	TxHash      common.Hash
	TxNonce     uint64
	GasPrice    *big.Int
	GasLimit    uint64
	RawTx       []byte // signed transaction, for rebroadcast after restarts
	SentBlock   uint64
	Block       uint64 // block it was mined in
	GasUsed     uint64
	GasPaid     *big.Int // gasUsed * effective gas price, wei
	RewardWon   *big.Int // set when the channel settled and RewardPaid named us
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Replacement int // how many times it was fee-bumped
}
