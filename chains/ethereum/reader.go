package ethereum

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// ReaderNode is what a Reader asks a node: contract calls at the latest
// block and the suggested gas price. Like SenderNode and WatcherNode, the
// node ports of this package's other consumers, it is satisfied by
// *ethclient.Client, and every method is a standard eth_* call that geth,
// Nethermind, Erigon and Besu serve.
type ReaderNode interface {
	bind.ContractCaller
	SuggestGasPrice(ctx context.Context) (*big.Int, error)
}

var (
	_ ReaderNode  = (*ethclient.Client)(nil)
	_ SenderNode  = (*ethclient.Client)(nil)
	_ WatcherNode = (*ethclient.Client)(nil)
)

// Dial connects to a node and checks that it answers (and, when chainID is
// not nil, that it is on that chain) within timeout.
func Dial(ctx context.Context, url string, chainID *big.Int, timeout time.Duration) (*ethclient.Client, *big.Int, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := ethclient.DialContext(cctx, url)
	if err != nil {
		return nil, nil, fmt.Errorf("ethereum node %s: %w", url, err)
	}
	id, err := c.ChainID(cctx)
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("ethereum node %s does not answer eth_chainId: %w", url, err)
	}
	if chainID != nil && id.Cmp(chainID) != 0 {
		c.Close()
		return nil, nil, fmt.Errorf("ethereum node %s is on chain %s, configured ethereum.chain_id is %s", url, id, chainID)
	}
	return c, id, nil
}

// Reader implements proofs.ChainReader on a node.
type Reader struct {
	node     ReaderNode
	chainID  *big.Int
	registry *contracts.ChannelRegistryCaller
	timeout  time.Duration
}

// NewReader returns a Reader for the channels of registry.
func NewReader(node ReaderNode, chainID *big.Int, registry common.Address, timeout time.Duration) (*Reader, error) {
	reg, err := contracts.NewChannelRegistryCaller(registry, node)
	if err != nil {
		return nil, err
	}
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	return &Reader{node: node, chainID: chainID, registry: reg, timeout: timeout}, nil
}

// ChainID is the node's chain id, read at start.
func (r *Reader) ChainID() *big.Int { return r.chainID }

// GasPrice is the node's suggested gas price.
func (r *Reader) GasPrice(ctx context.Context) (*big.Int, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	return r.node.SuggestGasPrice(ctx)
}

// ChannelInfo reads a channel's live state; Exists is false for an address
// the registry did not create.
func (r *Reader) ChannelInfo(ctx context.Context, addr common.Address) (proofs.ChannelInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	opts := &bind.CallOpts{Context: ctx}
	ok, err := r.registry.IsChannel(opts, addr)
	if err != nil {
		return proofs.ChannelInfo{}, err
	}
	if !ok {
		return proofs.ChannelInfo{}, nil
	}
	c, err := contracts.NewNettingChannelCaller(addr, r.node)
	if err != nil {
		return proofs.ChannelInfo{}, err
	}
	info := proofs.ChannelInfo{Exists: true}
	ch := &info.Channel
	ch.Address = addr
	var errs []error
	get := func(err error) { errs = append(errs, err) }
	var e error
	ch.Participant1, e = c.Participant1(opts)
	get(e)
	ch.Participant2, e = c.Participant2(opts)
	get(e)
	ch.SettleTimeout, e = c.SettleTimeout(opts)
	get(e)
	state, e := c.State(opts)
	get(e)
	ch.State = proofs.ChannelState(state)
	ch.ClosedBlock, e = c.ClosedAt(opts)
	get(e)
	ch.Closing, e = c.ClosingParticipant(opts)
	get(e)
	ch.RewardDeposit1, e = c.RewardDeposits(opts, ch.Participant1)
	get(e)
	ch.RewardDeposit2, e = c.RewardDeposits(opts, ch.Participant2)
	get(e)
	if err := errors.Join(errs...); err != nil {
		return proofs.ChannelInfo{}, err
	}
	return info, nil
}

// RewardDeposit reads a participant's reward deposit at the latest block.
func (r *Reader) RewardDeposit(ctx context.Context, channel, participant common.Address) (*big.Int, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	c, err := contracts.NewNettingChannelCaller(channel, r.node)
	if err != nil {
		return nil, err
	}
	return c.RewardDeposits(&bind.CallOpts{Context: ctx}, participant)
}
