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

// RegistryParams are the constructor arguments of a ChannelRegistry and of
// the MonitorRegistry it deploys.
type RegistryParams struct {
	// MaxSettleTimeout is the longest challenge window a channel may have.
	MaxSettleTimeout uint64
	// MinDeposit is the smallest monitor deposit, in wei.
	MinDeposit *big.Int
	// ActivationDelay is how many blocks a registration waits before it counts (>= 1).
	ActivationDelay uint64
	// WithdrawDelay is how many blocks an exiting monitor's deposit stays
	// locked (>= 2 * MaxSettleTimeout).
	WithdrawDelay uint64
}

// DefaultRegistryParams are the parameters vigil deploy uses unless told
// otherwise: channels of up to 1,000,000 blocks, a 1 ETH deposit that counts
// after 10 blocks and is locked for 2,000,000 blocks after an exit.
func DefaultRegistryParams() RegistryParams {
	return RegistryParams{MaxSettleTimeout: 1_000_000, MinDeposit: big.NewInt(1e18), ActivationDelay: 10, WithdrawDelay: 2_000_000}
}

// DeployRegistry deploys a ChannelRegistry, which deploys its MonitorRegistry.
func (o Ops) DeployRegistry(ctx context.Context, p RegistryParams) (common.Address, *types.Receipt, error) {
	a, err := o.auth(ctx, nil)
	if err != nil {
		return common.Address{}, nil, err
	}
	addr, tx, _, err := contracts.DeployChannelRegistry(a, o.Backend, p.MaxSettleTimeout, p.MinDeposit, p.ActivationDelay, p.WithdrawDelay)
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

// UpdateTransfer submits a monitoring request directly, as the non-closing
// participant or as a registered monitor in its slot; the reward is claimed
// for the caller (a monitor's registered payout).
func (o Ops) UpdateTransfer(ctx context.Context, bp proofs.BalanceProof) (*types.Receipt, error) {
	return o.transact(ctx, bp.Channel, nil, "updateTransfer", func(c *contracts.NettingChannel, a *bind.TransactOpts) (*types.Transaction, error) {
		return c.UpdateTransfer(a, bp.Nonce, bp.TransferredAmount, bp.Locksroot, bp.ExtraHash, bp.Signature, bp.NonClosingSignature, bp.Reward)
	})
}

// MonitorRegistryOf returns the MonitorRegistry of the channel registry.
func (o Ops) MonitorRegistryOf(ctx context.Context, registry common.Address) (common.Address, error) {
	reg, err := contracts.NewChannelRegistry(registry, o.Backend)
	if err != nil {
		return common.Address{}, err
	}
	return reg.MonitorRegistry(&bind.CallOpts{Context: ctx})
}

// Register registers the key's account in the monitor registry with deposit
// (wei) and the payout address that will receive its rewards.
func (o Ops) Register(ctx context.Context, monitors, payout common.Address, deposit *big.Int) (*types.Receipt, error) {
	return o.transactMonitors(ctx, monitors, deposit, "register", func(m *contracts.MonitorRegistry, a *bind.TransactOpts) (*types.Transaction, error) {
		return m.Register(a, payout)
	})
}

// AnnounceExit ends the key's registration now and starts its withdraw delay.
func (o Ops) AnnounceExit(ctx context.Context, monitors common.Address) (*types.Receipt, error) {
	return o.transactMonitors(ctx, monitors, nil, "announce exit", func(m *contracts.MonitorRegistry, a *bind.TransactOpts) (*types.Transaction, error) {
		return m.AnnounceExit(a)
	})
}

// WithdrawDeposit returns the key's deposit after the withdraw delay.
func (o Ops) WithdrawDeposit(ctx context.Context, monitors common.Address) (*types.Receipt, error) {
	return o.transactMonitors(ctx, monitors, nil, "withdraw deposit", func(m *contracts.MonitorRegistry, a *bind.TransactOpts) (*types.Transaction, error) {
		return m.Withdraw(a)
	})
}

func (o Ops) transactMonitors(ctx context.Context, monitors common.Address, value *big.Int, what string,
	f func(*contracts.MonitorRegistry, *bind.TransactOpts) (*types.Transaction, error)) (*types.Receipt, error) {
	m, err := contracts.NewMonitorRegistry(monitors, o.Backend)
	if err != nil {
		return nil, err
	}
	a, err := o.auth(ctx, value)
	if err != nil {
		return nil, err
	}
	tx, err := f(m, a)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return o.wait(ctx, tx, what)
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
