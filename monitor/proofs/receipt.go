package proofs

import (
	"encoding/hex"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
)

// ReceiptKindBalanceProof is the "kind" of a balance-proof receipt.
const ReceiptKindBalanceProof = "balance_proof"

// BalanceProofReceipt is the one receipt object for an accepted balance
// proof: the body fields of a PUT /api/1/balance_proofs answer and the
// content of the room's org.vigil.receipt event are both this object
// (docs/protocol.md §4.3, §7.2). Signature is the monitor's EIP-712
// MonitorReceipt over (channel, nonce, reward, monitor) in the channel's
// domain on ChainID; Monitor and Signature are empty when the monitor signs
// no receipts. MonitorRegistry names the registry whose deposit backs the
// receipt; it is not signed: the channel's own monitor registry is the one
// a penalty claim slashes, and a client checks the two are the same
// (docs/protocol.md §7.2).
type BalanceProofReceipt struct {
	// ForEventID is the answered room event; only in the room.
	ForEventID     string `json:"for_event_id,omitempty"`
	Kind           string `json:"kind"`
	Monitor        string `json:"monitor,omitempty"`
	ChainID        string `json:"chain_id"`
	ChannelAddress string `json:"channel_address"`
	Nonce          string `json:"nonce"`
	RewardAmount   string `json:"reward_amount"`
	Signature      string `json:"signature,omitempty"`
	// MonitorRegistry is the monitor registry the monitor is registered in.
	MonitorRegistry string `json:"monitor_registry,omitempty"`
}

// Receipt is the receipt for what intake accepted.
func (a Accepted) Receipt() BalanceProofReceipt {
	r := BalanceProofReceipt{
		Kind:           ReceiptKindBalanceProof,
		ChainID:        bigString(a.ChainID),
		ChannelAddress: a.Channel.Hex(),
		Nonce:          strconv.FormatUint(a.Nonce, 10),
		RewardAmount:   bigString(a.Reward),
	}
	if a.Monitor != (common.Address{}) {
		r.Monitor = a.Monitor.Hex()
	}
	if a.MonitorRegistry != (common.Address{}) {
		r.MonitorRegistry = a.MonitorRegistry.Hex()
	}
	if len(a.ReceiptSignature) > 0 {
		r.Signature = "0x" + hex.EncodeToString(a.ReceiptSignature)
	}
	return r
}
