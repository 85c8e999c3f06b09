package ethereum

import (
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

var (
	abiOnce     sync.Once
	channelABI  *abi.ABI
	registryABI *abi.ABI
	abiErr      error
)

func abis() (*abi.ABI, *abi.ABI, error) {
	abiOnce.Do(func() {
		channelABI, abiErr = contracts.NettingChannelMetaData.GetAbi()
		if abiErr == nil {
			registryABI, abiErr = contracts.ChannelRegistryMetaData.GetAbi()
		}
	})
	return channelABI, registryABI, abiErr
}

// eventTopics are the topic0 values the watcher filters on, one eth_getLogs
// per block range whatever the number of channels.
func eventTopics() ([]common.Hash, error) {
	ch, reg, err := abis()
	if err != nil {
		return nil, err
	}
	return []common.Hash{
		reg.Events["ChannelOpened"].ID,
		ch.Events["RewardDeposited"].ID,
		ch.Events["ChannelClosed"].ID,
		ch.Events["TransferUpdated"].ID,
		ch.Events["ChannelSettled"].ID,
		ch.Events["RewardPaid"].ID,
	}, nil
}

// decodeLog turns a log into a monitor event. ok is false for logs that are
// not ours (a ChannelOpened from another contract than the registry).
func decodeLog(l types.Log, registry common.Address) (ev proofs.ChainEvent, ok bool, err error) {
	ch, reg, err := abis()
	if err != nil {
		return ev, false, err
	}
	if len(l.Topics) == 0 {
		return ev, false, nil
	}
	ev = proofs.ChainEvent{Block: l.BlockNumber, BlockHash: l.BlockHash, TxHash: l.TxHash, LogIndex: l.Index, Channel: l.Address}
	topicAddr := func(i int) common.Address {
		if i < len(l.Topics) {
			return common.BytesToAddress(l.Topics[i].Bytes())
		}
		return common.Address{}
	}
	unpack := func(a *abi.ABI, name string) (map[string]any, error) {
		m := map[string]any{}
		if err := a.UnpackIntoMap(m, name, l.Data); err != nil {
			return nil, fmt.Errorf("decode %s log %s/%d: %w", name, l.TxHash.Hex(), l.Index, err)
		}
		return m, nil
	}
	switch l.Topics[0] {
	case reg.Events["ChannelOpened"].ID:
		if l.Address != registry || len(l.Topics) != 4 {
			return ev, false, nil
		}
		m, err := unpack(reg, "ChannelOpened")
		if err != nil {
			return ev, false, err
		}
		ev.Kind = proofs.EventChannelOpened
		ev.Channel, ev.Participant1, ev.Participant2 = topicAddr(1), topicAddr(2), topicAddr(3)
		ev.SettleTimeout, _ = m["settleTimeout"].(uint64)
	case ch.Events["RewardDeposited"].ID:
		m, err := unpack(ch, "RewardDeposited")
		if err != nil {
			return ev, false, err
		}
		ev.Kind, ev.Participant = proofs.EventRewardDeposited, topicAddr(1)
		ev.Amount, _ = m["total"].(*big.Int)
	case ch.Events["ChannelClosed"].ID:
		m, err := unpack(ch, "ChannelClosed")
		if err != nil {
			return ev, false, err
		}
		ev.Kind, ev.Participant = proofs.EventChannelClosed, topicAddr(1)
		ev.Nonce, _ = m["nonce"].(uint64)
	case ch.Events["TransferUpdated"].ID:
		m, err := unpack(ch, "TransferUpdated")
		if err != nil {
			return ev, false, err
		}
		ev.Kind, ev.Participant, ev.Payout = proofs.EventTransferUpdated, topicAddr(1), topicAddr(2)
		ev.Nonce, _ = m["nonce"].(uint64)
		ev.Amount, _ = m["rewardAmount"].(*big.Int)
	case ch.Events["ChannelSettled"].ID:
		m, err := unpack(ch, "ChannelSettled")
		if err != nil {
			return ev, false, err
		}
		ev.Kind = proofs.EventChannelSettled
		ev.Amount, _ = m["amount1"].(*big.Int)
		ev.Amount2, _ = m["amount2"].(*big.Int)
	case ch.Events["RewardPaid"].ID:
		m, err := unpack(ch, "RewardPaid")
		if err != nil {
			return ev, false, err
		}
		ev.Kind, ev.Payout = proofs.EventRewardPaid, topicAddr(1)
		ev.Amount, _ = m["amount"].(*big.Int)
	default:
		return ev, false, nil
	}
	return ev, true, nil
}
