package proofs

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/monitor"
)

// UpdateTransferGas is the gas of a first updateTransfer on a channel (fresh
// storage), measured with eth_estimateGas on go-ethereum's simulated backend
// under mainnet's Osaka rules, caller a registered monitor in its slot:
// 163,508 (gas used 161,062; a replacing update costs about 74,000). TestUpdateTransferGas in contracts fails when the
// contract's real cost leaves [constant-10%, constant]. The policy judges
// intake with it; at action time the responder uses the live estimate.
const UpdateTransferGas uint64 = 164_000

// Strategy decides when, inside the challenge window, to act.
type Strategy string

// Strategies.
const (
	// StrategyImmediate acts as soon as the close is confirmed.
	StrategyImmediate Strategy = "immediate"
	// StrategySlotted acts at a per-monitor offset inside the window, so
	// competing monitors do not all race in the same block.
	StrategySlotted Strategy = "slotted"
)

// Policy is the profitability and timing policy.
type Policy struct {
	MinReward    *big.Int
	ProfitFactor float64 // reward must be >= ProfitFactor * update gas * gasPrice
	// UpdateGas is the gas one update costs when Gas is nil (0:
	// UpdateTransferGas).
	UpdateGas uint64
	// Gas, when set, is the gas model learned from the chain; it takes
	// precedence over UpdateGas. Intake and the responder share it.
	Gas *UpdateGasModel
	// Altruistic participants are monitored whatever their reward.
	Altruistic map[common.Address]bool
	Strategy   Strategy
	// DeadlineMultiplier: the gas price rises linearly from the node's
	// suggestion to this multiple of it as the window runs out.
	DeadlineMultiplier float64
	MaxGasPrice        *big.Int
	// MarginBlocks and MarginFraction set the stand-down margin (see
	// StanddownMargin); zero values take the defaults, a negative fraction
	// means none.
	MarginBlocks   uint64
	MarginFraction float64
}

// Default stand-down margin: the last fifth of the window, at least 4 blocks.
const (
	DefaultMarginBlocks   = 4
	DefaultMarginFraction = 0.2
)

// StanddownMargin is how many blocks before the deadline a pending
// competitor stops counting: from deadline - margin on, the monitor sends
// its own update (at the deadline gas price) unless one with its nonce or
// newer is mined. It is the larger of MarginBlocks and MarginFraction of
// the window, and never more than the window.
func (p Policy) StanddownMargin(settleTimeout uint64) uint64 {
	blocks, frac := p.MarginBlocks, p.MarginFraction
	if blocks == 0 {
		blocks = DefaultMarginBlocks
	}
	if frac == 0 {
		frac = DefaultMarginFraction
	}
	frac = max(frac, 0)
	m := max(blocks, uint64(math.Ceil(float64(settleTimeout)*frac)))
	return min(m, settleTimeout)
}

// Judge decides whether a reward is worth acting for at gasPrice. It returns
// the empty reason when the request is acceptable.
func (p Policy) Judge(nonClosing common.Address, reward, gasPrice *big.Int) (monitor.Reason, string) {
	if p.Altruistic[nonClosing] {
		return "", ""
	}
	if p.MinReward != nil && reward.Cmp(p.MinReward) < 0 {
		return monitor.ReasonRewardBelowMinimum, "reward " + reward.String() + " wei is below the minimum of " + p.MinReward.String() + " wei"
	}
	cost := p.GasCost(gasPrice)
	if reward.Cmp(cost) < 0 {
		return monitor.ReasonRewardBelowGasCost, "reward " + reward.String() + " wei is below " + cost.String() +
			" wei (profit factor x updateTransfer gas " + strconv.FormatUint(p.ExpectedGas(), 10) + " x gas price " + gasPrice.String() + " wei)"
	}
	return "", ""
}

// GasCost is the smallest acceptable reward at gasPrice:
// ProfitFactor * ExpectedGas * gasPrice, rounded up.
func (p Policy) GasCost(gasPrice *big.Int) *big.Int {
	return p.gasCost(gasPrice, p.ExpectedGas())
}

// ExpectedGas is the gas one update is expected to cost: the learned
// model's figure, else UpdateGas, else UpdateTransferGas.
func (p Policy) ExpectedGas() uint64 {
	if p.Gas != nil {
		return p.Gas.Gas()
	}
	if p.UpdateGas != 0 {
		return p.UpdateGas
	}
	return UpdateTransferGas
}

// JudgeAt is Judge with a measured gas amount (the live estimate at action
// time) instead of the expected one.
func (p Policy) JudgeAt(nonClosing common.Address, reward, gasPrice *big.Int, gas uint64) (monitor.Reason, string) {
	q := p
	q.UpdateGas, q.Gas = gas, nil
	return q.Judge(nonClosing, reward, gasPrice)
}

func (p Policy) gasCost(gasPrice *big.Int, gas uint64) *big.Int {
	milli := int64(math.Ceil(p.ProfitFactor * 1000))
	c := new(big.Int).Mul(gasPrice, new(big.Int).SetUint64(gas))
	c.Mul(c, big.NewInt(milli))
	c.Add(c, big.NewInt(999))
	return c.Div(c, big.NewInt(1000))
}

// GasPriceAt is the deadline-aware gas price for an update at block head in
// a window [closed, deadline]: the suggestion scaled from 1x at the close to
// DeadlineMultiplier x at the deadline, capped at MaxGasPrice.
func (p Policy) GasPriceAt(suggested *big.Int, closed, deadline, head uint64) *big.Int {
	progress := 1.0
	if deadline > closed && head < deadline {
		progress = float64(head-closed) / float64(deadline-closed)
		if head < closed {
			progress = 0
		}
	}
	mult := 1 + (math.Max(p.DeadlineMultiplier, 1)-1)*progress
	permille := big.NewInt(int64(math.Round(mult * 1000)))
	price := new(big.Int).Mul(suggested, permille)
	price.Div(price, big.NewInt(1000))
	if p.MaxGasPrice != nil && p.MaxGasPrice.Sign() > 0 && price.Cmp(p.MaxGasPrice) > 0 {
		price.Set(p.MaxGasPrice)
	}
	return price
}

// BumpedGasPrice is the price for replacing a transaction priced at old:
// at least 12.5% more (nodes require 10%), and at least target.
func BumpedGasPrice(old, target *big.Int) *big.Int {
	b := new(big.Int).Mul(old, big.NewInt(1125))
	b.Div(b, big.NewInt(1000))
	b.Add(b, big.NewInt(1))
	if target != nil && target.Cmp(b) > 0 {
		return new(big.Int).Set(target)
	}
	return b
}

// ActBlock is the first block at which this monitor acts on a close seen in
// block closed, for a window of settleTimeout blocks.
//
// Immediate: right away. Slotted: closed + 30% of the window + (hash(channel,
// monitor) mod 50% of the window), the per-monitor offset spreading
// competitors over the window. Either way the last guard blocks of the window
// are never waited through: a monitor acts by deadline - guard at the latest.
func (p Policy) ActBlock(channel, monitor common.Address, closed, settleTimeout uint64) uint64 {
	if p.Strategy != StrategySlotted || settleTimeout < 4 {
		return closed
	}
	h := crypto.Keccak256(channel.Bytes(), monitor.Bytes())
	spread := settleTimeout / 2
	offset := settleTimeout*3/10 + binary.BigEndian.Uint64(h[24:])%max(spread, 1)
	act := closed + offset
	if latest := closed + settleTimeout - DeadlineGuard(settleTimeout); act > latest {
		act = latest
	}
	return act
}

// DeadlineGuard is how many blocks before the deadline a monitor stops
// waiting for its slot: a fifth of the window, at least 2 blocks.
func DeadlineGuard(settleTimeout uint64) uint64 {
	return max(settleTimeout/5, 2)
}
