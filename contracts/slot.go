package contracts

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// SlotSpanPercent is NettingChannel.SLOT_SPAN_PERCENT: monitors' slots are
// spread over this percentage of the challenge window; the rest of the
// window is open to every registered monitor.
const SlotSpanPercent = 60

// SlotSpan returns NettingChannel.slotSpan() of a channel with the given
// settle timeout: settleTimeout * SlotSpanPercent / 100, at least 1.
func SlotSpan(settleTimeout uint64) uint64 {
	if s := settleTimeout * SlotSpanPercent / 100; s > 0 {
		return s
	}
	return 1
}

// SlotOffset returns NettingChannel.slotOffset(monitor) of channel: the
// number of blocks after the close from which monitor may call
// updateTransfer, keccak256(channel || monitor) modulo SlotSpan. It is below
// SlotSpan(settleTimeout), so every slot opens inside the window.
func SlotOffset(channel, monitor common.Address, settleTimeout uint64) uint64 {
	h := new(big.Int).SetBytes(crypto.Keccak256(channel[:], monitor[:]))
	return h.Mod(h, new(big.Int).SetUint64(SlotSpan(settleTimeout))).Uint64()
}
