package ethereum

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// Backend is what channel operations need: a contract backend that can
// also fetch receipts.
type Backend interface {
	bind.ContractBackend
	bind.DeployBackend
	ChainID(ctx context.Context) (*big.Int, error)
}

// Ops performs a participant's channel operations (open, deposit, close,
// settle) from one key. The client CLI, the demo and the tests use it; the
// daemon does not (it only sends updateTransfer, through Sender).
type Ops struct {
	Backend Backend
	Key     *ecdsa.PrivateKey
	// Wait blocks until a transaction is mined. The default polls for the
	// receipt; tests on the simulated backend commit a block instead.
	Wait func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error)
}

func (o Ops) auth(ctx context.Context, value *big.Int) (*bind.TransactOpts, error) {
	id, err := o.Backend.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	a, err := bind.NewKeyedTransactorWithChainID(o.Key, id)
	if err != nil {
		return nil, err
	}
	a.Context, a.Value = ctx, value
	return a, nil
}

func (o Ops) wait(ctx context.Context, tx *types.Transaction, what string) (*types.Receipt, error) {
	var (
		r   *types.Receipt
		err error
	)
	if o.Wait != nil {
		r, err = o.Wait(ctx, tx)
	} else {
		wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		r, err = bind.WaitMined(wctx, o.Backend, tx)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: waiting for %s: %w", what, tx.Hash().Hex(), err)
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return r, fmt.Errorf("%s: transaction %s reverted", what, tx.Hash().Hex())
	}
	return r, nil
}

// DeployRegistry deploys a ChannelRegistry.
func (o Ops) DeployRegistry(ctx context.Context) (common.Address, *types.Receipt, error) {
	a, err := o.auth(ctx, nil)
	if err != nil {
		return common.Address{}, nil, err
	}
	addr, tx, _, err := contracts.DeployChannelRegistry(a, o.Backend)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("deploy registry: %w", err)
	}
	r, err := o.wait(ctx, tx, "deploy registry")
	return addr, r, err
}

// OpenChannel opens a channel with partner and returns its address.
func (o Ops) OpenChannel(ctx context.Context, registry, partner common.Address, settleTimeout uint64) (common.Address, *types.Receipt, error) {
	reg, err := contracts.NewChannelRegistry(registry, o.Backend)
	if err != nil {
		return common.Address{}, nil, err
	}
	a, err := o.auth(ctx, nil)
	if err != nil {
		return common.Address{}, nil, err
	}
	tx, err := reg.OpenChannel(a, partner, settleTimeout)
	if err != nil {
		return common.Address{}, nil, fmt.Errorf("open channel: %w", err)
	}
	r, err := o.wait(ctx, tx, "open channel")
	if err != nil {
		return common.Address{}, r, err
	}
	for _, l := range r.Logs {
		if ev, err := reg.ParseChannelOpened(*l); err == nil {
			return ev.Channel, r, nil
		}
	}
	return common.Address{}, r, errors.New("open channel: no ChannelOpened event in the receipt")
}

func (o Ops) channel(addr common.Address) (*contracts.NettingChannel, error) {
	return contracts.NewNettingChannel(addr, o.Backend)
}

// Deposit adds value to the caller's channel deposit.
func (o Ops) Deposit(ctx context.Context, channel common.Address, value *big.Int) (*types.Receipt, error) {
	return o.transact(ctx, channel, value, "deposit", func(c *contracts.NettingChannel, a *bind.TransactOpts) (*types.Transaction, error) {
		return c.Deposit(a)
	})
}

// DepositReward adds value to the caller's monitoring reward deposit.
func (o Ops) DepositReward(ctx context.Context, channel common.Address, value *big.Int) (*types.Receipt, error) {
	return o.transact(ctx, channel, value, "deposit reward", func(c *contracts.NettingChannel, a *bind.TransactOpts) (*types.Transaction, error) {
		return c.DepositReward(a)
	})
}

// Close closes the channel with the partner's balance proof (nil: no
// transfers from the partner).
func (o Ops) Close(ctx context.Context, channel common.Address, bp *eip712.BalanceProof, sig []byte) (*types.Receipt, error) {
	return o.transact(ctx, channel, nil, "close", func(c *contracts.NettingChannel, a *bind.TransactOpts) (*types.Transaction, error) {
		if bp == nil {
			return c.Close(a, 0, new(big.Int), [32]byte{}, [32]byte{}, nil)
		}
		return c.Close(a, bp.Nonce, bp.TransferredAmount, bp.Locksroot, bp.ExtraHash, sig)
	})
}

// UpdateTransfer submits a monitoring request directly (as a participant
// or a monitor would).
func (o Ops) UpdateTransfer(ctx context.Context, bp proofs.BalanceProof, payout common.Address) (*types.Receipt, error) {
	return o.transact(ctx, bp.Channel, nil, "updateTransfer", func(c *contracts.NettingChannel, a *bind.TransactOpts) (*types.Transaction, error) {
		return c.UpdateTransfer(a, bp.Nonce, bp.TransferredAmount, bp.Locksroot, bp.ExtraHash, bp.Signature, bp.NonClosingSignature, bp.Reward, payout)
	})
}

// Settle settles a closed channel after its window.
func (o Ops) Settle(ctx context.Context, channel common.Address) (*types.Receipt, error) {
	return o.transact(ctx, channel, nil, "settle", func(c *contracts.NettingChannel, a *bind.TransactOpts) (*types.Transaction, error) {
		return c.Settle(a)
	})
}

func (o Ops) transact(ctx context.Context, channel common.Address, value *big.Int, what string,
	f func(*contracts.NettingChannel, *bind.TransactOpts) (*types.Transaction, error)) (*types.Receipt, error) {
	c, err := o.channel(channel)
	if err != nil {
		return nil, err
	}
	a, err := o.auth(ctx, value)
	if err != nil {
		return nil, err
	}
	tx, err := f(c, a)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return o.wait(ctx, tx, what)
}

// SignRequest makes a complete monitoring request: the partner (partnerKey)
// signs the balance proof of its transfers, the protected participant
// (ownKey) signs the MonitorRequest with the reward.
func SignRequest(chainID *big.Int, channel common.Address, bp eip712.BalanceProof, partnerKey, ownKey *ecdsa.PrivateKey, reward *big.Int) (proofs.BalanceProof, error) {
	dom := eip712.Domain{ChainID: chainID, Channel: channel}
	sig, err := eip712.Sign(dom.BalanceProofDigest(bp), partnerKey)
	if err != nil {
		return proofs.BalanceProof{}, err
	}
	mr, err := eip712.Sign(dom.MonitorRequestDigest(bp, sig, reward), ownKey)
	if err != nil {
		return proofs.BalanceProof{}, err
	}
	return proofs.BalanceProof{
		ChainID: chainID, Channel: channel, Nonce: bp.Nonce, TransferredAmount: bp.TransferredAmount,
		Locksroot: bp.Locksroot, ExtraHash: bp.ExtraHash, Signature: sig,
		NonClosing: crypto.PubkeyToAddress(ownKey.PublicKey), NonClosingSignature: mr, Reward: reward,
	}, nil
}
