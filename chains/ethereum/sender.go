package ethereum

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// LoadKey decrypts a go-ethereum keystore file with the password in
// passwordFile (trailing newline ignored).
func LoadKey(keystoreFile, passwordFile string) (*ecdsa.PrivateKey, error) {
	data, err := os.ReadFile(keystoreFile)
	if err != nil {
		return nil, fmt.Errorf("ethereum.keystore_file: %w", err)
	}
	pw, err := os.ReadFile(passwordFile)
	if err != nil {
		return nil, fmt.Errorf("ethereum.password_file: %w", err)
	}
	key, err := keystore.DecryptKey(data, strings.TrimRight(string(pw), "\r\n"))
	if err != nil {
		if errors.Is(err, keystore.ErrDecrypt) {
			return nil, fmt.Errorf("keystore %s: wrong password in %s", keystoreFile, passwordFile)
		}
		return nil, fmt.Errorf("keystore %s: %w", keystoreFile, err)
	}
	return key.PrivateKey, nil
}

// SenderNode is what a Sender asks a node: contract calls (also on the
// pending state) and gas estimates, fees, nonces and balances, sending,
// and transactions, receipts and headers.
type SenderNode interface {
	bind.ContractCaller
	PendingCallContract(ctx context.Context, call ethereum.CallMsg) ([]byte, error)
	EstimateGasAtBlock(ctx context.Context, msg ethereum.CallMsg, blockNumber *big.Int) (uint64, error)
	SuggestGasPrice(ctx context.Context) (*big.Int, error)
	PendingNonceAt(ctx context.Context, account common.Address) (uint64, error)
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	TransactionByHash(ctx context.Context, hash common.Hash) (tx *types.Transaction, isPending bool, err error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	BlockNumber(ctx context.Context) (uint64, error)
}

// Sender implements the responder's ports (proofs.TxSender, ClaimReader
// and GasReader) with a local key.
type Sender struct {
	node    SenderNode
	rpc     *rpc.Client // for txpool_content; nil disables the pool scan
	key     *ecdsa.PrivateKey
	addr    common.Address
	signer  types.Signer
	timeout time.Duration
}

// NewSender returns a Sender signing with key for chainID. raw, when not
// nil, is used to scan the node's pool (txpool_content) for competing
// updates before sending.
func NewSender(node SenderNode, raw *rpc.Client, key *ecdsa.PrivateKey, chainID *big.Int, timeout time.Duration) *Sender {
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	return &Sender{node: node, rpc: raw, key: key, addr: crypto.PubkeyToAddress(key.PublicKey), signer: types.LatestSignerForChainID(chainID), timeout: timeout}
}

// Address is the operator account.
func (s *Sender) Address() common.Address { return s.addr }

// SignDigest signs a 32-byte digest with the operator key (for receipts).
func (s *Sender) SignDigest(d [32]byte) ([]byte, error) {
	sig, err := crypto.Sign(d[:], s.key)
	if err != nil {
		return nil, err
	}
	sig[64] += 27
	return sig, nil
}

func (s *Sender) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

func packUpdate(c proofs.UpdateCall) ([]byte, error) {
	ch, _, err := abis()
	if err != nil {
		return nil, err
	}
	r := c.Request
	return ch.Pack("updateTransfer", r.Nonce, r.TransferredAmount, r.Locksroot, r.ExtraHash,
		r.Signature, r.NonClosingSignature, r.Reward)
}

// EstimateUpdate estimates updateTransfer against the latest state. (The
// pending state counts transactions that may never be mined: a junk or
// never-mined competitor there must not make ours look like a revert.)
func (s *Sender) EstimateUpdate(ctx context.Context, c proofs.UpdateCall) (uint64, error) {
	data, err := packUpdate(c)
	if err != nil {
		return 0, err
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	to := c.Request.Channel
	gas, err := s.node.EstimateGasAtBlock(ctx, ethereum.CallMsg{From: s.addr, To: &to, Data: data}, big.NewInt(int64(rpc.LatestBlockNumber)))
	if err != nil {
		if isRevert(err) {
			return 0, fmt.Errorf("%w: %s", monitor.ErrWouldRevert, revertReason(err))
		}
		return 0, err
	}
	return gas, nil
}

func isRevert(err error) bool {
	var de rpc.DataError
	if errors.As(err, &de) && de.ErrorData() != nil {
		return true
	}
	return strings.Contains(err.Error(), "revert")
}

// revertReason names the contract's custom error when the node returns it.
func revertReason(err error) string {
	var de rpc.DataError
	if errors.As(err, &de) {
		if s, ok := de.ErrorData().(string); ok && len(s) >= 10 {
			ch, _, aerr := abis()
			if aerr == nil {
				for name, e := range ch.Errors {
					if strings.EqualFold(common.Bytes2Hex(e.ID[:4]), strings.TrimPrefix(s, "0x")[:8]) {
						return name
					}
				}
			}
		}
	}
	return err.Error()
}

// OnChainNonce returns nonces(closing) at the latest block, or with
// pending in the node's pending state.
func (s *Sender) OnChainNonce(ctx context.Context, channel, closing common.Address, block uint64) (uint64, error) {
	return s.nonces(ctx, channel, closing, &bind.CallOpts{BlockNumber: new(big.Int).SetUint64(block)})
}

// PendingNonce returns nonces(closing) in the node's pending state.
func (s *Sender) PendingNonce(ctx context.Context, channel, closing common.Address) (uint64, error) {
	return s.nonces(ctx, channel, closing, &bind.CallOpts{Pending: true})
}

func (s *Sender) nonces(ctx context.Context, channel, closing common.Address, opts *bind.CallOpts) (uint64, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	c, err := contracts.NewNettingChannelCaller(channel, s.node)
	if err != nil {
		return 0, err
	}
	opts.Context = ctx
	return c.Nonces(opts, closing)
}

// PoolUpdates reads txpool_content once and returns every updateTransfer
// call waiting in the pool, executable ("pending") or not ("queued"), with
// the balance-proof nonce it would record. (geth rebuilds its pending state
// only every few seconds, so the pool scan is what sees a competitor's
// transaction sent a moment ago.) Without a raw client it returns nothing;
// a node that does not serve the txpool namespace gives an error.
func (s *Sender) PoolUpdates(ctx context.Context) ([]proofs.Competitor, uint64, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	if s.rpc == nil {
		head, err := s.node.BlockNumber(ctx)
		return nil, head, err
	}
	var content map[string]map[common.Address]map[string]*types.Transaction
	if err := s.rpc.CallContext(ctx, &content, "txpool_content"); err != nil {
		return nil, 0, err
	}
	// Asked after the pool's answer, not beside it: see proofs.ClaimReader.
	head, err := s.node.BlockNumber(ctx)
	if err != nil {
		return nil, 0, err
	}
	ch, _, err := abis()
	if err != nil {
		return nil, 0, err
	}
	m := ch.Methods["updateTransfer"]
	var out []proofs.Competitor
	for section, byAccount := range content {
		for from, byNonce := range byAccount {
			for _, tx := range byNonce {
				if tx == nil || tx.To() == nil || len(tx.Data()) < 4 || !bytes.Equal(tx.Data()[:4], m.ID) {
					continue
				}
				args, err := m.Inputs.Unpack(tx.Data()[4:])
				if err != nil || len(args) == 0 {
					continue
				}
				n, ok := args[0].(uint64)
				if !ok {
					continue
				}
				out = append(out, proofs.Competitor{TxHash: tx.Hash(), From: from, Channel: *tx.To(), Nonce: n,
					TxNonce: tx.Nonce(), Gas: tx.Gas(), FeeCap: tx.GasFeeCap(), TipCap: tx.GasTipCap(), Value: tx.Value(),
					Input: tx.Data(), Executable: section == "pending"})
			}
		}
	}
	return out, head, nil
}

// CheckCompetitor reads, at block, the competitor's sender's
// account nonce and balance, and simulates its call from its sender with
// its gas limit and value.
func (s *Sender) CheckCompetitor(ctx context.Context, c *proofs.Competitor, block uint64) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	at := new(big.Int).SetUint64(block)
	// The three reads are independent: asked at once, under one deadline.
	var (
		n            uint64
		bal          *big.Int
		nErr, balErr error
		simErr       error
		wg           sync.WaitGroup
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		n, nErr = s.node.NonceAt(ctx, c.From, at)
	}()
	go func() {
		defer wg.Done()
		bal, balErr = s.node.BalanceAt(ctx, c.From, at)
	}()
	to := c.Channel
	_, simErr = s.node.CallContract(ctx, ethereum.CallMsg{From: c.From, To: &to, Gas: c.Gas, Value: c.Value, Data: c.Input}, at)
	wg.Wait()
	if nErr != nil {
		return nErr
	}
	if balErr != nil {
		return balErr
	}
	if simErr != nil && !isRevert(simErr) && !isExecutionFailure(simErr) {
		return simErr
	}
	if simErr != nil {
		simErr = errors.New(revertReason(simErr))
	}
	c.SenderNonce, c.SenderBalance, c.SimErr, c.Checked = n, bal, simErr, true
	return nil
}

// isExecutionFailure recognises a call that ran and failed without revert
// data (out of gas, invalid opcode).
func isExecutionFailure(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "out of gas") || strings.Contains(msg, "execution") || strings.Contains(msg, "invalid opcode")
}

// LatestBlock describes the latest block.
func (s *Sender) LatestBlock(ctx context.Context) (proofs.BlockInfo, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	h, err := s.node.HeaderByNumber(ctx, nil)
	if err != nil {
		return proofs.BlockInfo{}, err
	}
	return proofs.BlockInfo{Number: h.Number.Uint64(), GasLimit: h.GasLimit, GasUsed: h.GasUsed, BaseFee: h.BaseFee}, nil
}

// SignUpdate builds and signs a legacy-priced updateTransfer transaction.
func (s *Sender) SignUpdate(ctx context.Context, c proofs.UpdateCall, p proofs.TxParams) (common.Hash, []byte, error) {
	data, err := packUpdate(c)
	if err != nil {
		return common.Hash{}, nil, err
	}
	tx, err := types.SignNewTx(s.key, s.signer, &types.LegacyTx{
		Nonce: p.Nonce, GasPrice: p.GasPrice, Gas: p.GasLimit, To: &c.Request.Channel, Data: data,
	})
	if err != nil {
		return common.Hash{}, nil, err
	}
	raw, err := tx.MarshalBinary()
	return tx.Hash(), raw, err
}

// Broadcast sends a signed transaction. A node that already has it, or has
// already mined its nonce, is not an error.
func (s *Sender) Broadcast(ctx context.Context, raw []byte) error {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(raw); err != nil {
		return err
	}
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	err := s.node.SendTransaction(ctx, tx)
	if err != nil {
		msg := strings.ToLower(err.Error())
		if strings.Contains(msg, "already known") || strings.Contains(msg, "nonce too low") {
			return nil
		}
	}
	return err
}

// Receipt returns the receipt, or nil while the transaction is not mined.
func (s *Sender) Receipt(ctx context.Context, hash common.Hash) (*proofs.Receipt, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	r, err := s.node.TransactionReceipt(ctx, hash)
	if errors.Is(err, ethereum.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	price := r.EffectiveGasPrice
	if price == nil {
		price = new(big.Int)
	}
	return &proofs.Receipt{Block: r.BlockNumber.Uint64(), BlockHash: r.BlockHash, Success: r.Status == types.ReceiptStatusSuccessful,
		GasUsed: r.GasUsed, EffectiveGasPrice: price}, nil
}

// AccountNonce returns the operator's pending and latest account nonces.
func (s *Sender) AccountNonce(ctx context.Context) (uint64, uint64, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var (
		l    uint64
		lErr error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		l, lErr = s.node.NonceAt(ctx, s.addr, nil)
	}()
	p, err := s.node.PendingNonceAt(ctx, s.addr)
	<-done
	if err != nil {
		return 0, 0, err
	}
	return p, l, lErr
}

// GasPrice is the legacy gas price to offer for a transaction sent now:
// the node's suggestion (eth_gasPrice: its priority-fee suggestion over the
// latest block's base fee) plus room for the base fee to rise for
// baseFeeRoomBlocks blocks by EIP-1559's maximum of 12.5% a block. The bare
// suggestion prices for the latest block; when blocks are fuller than their
// target — as a mass close makes them, with the closes and with our own
// updates — the base fee rises every block and a transaction priced at the
// suggestion cannot be included until it is replaced, blocks later.
func (s *Sender) GasPrice(ctx context.Context) (*big.Int, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	var (
		h    *types.Header
		hErr error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		h, hErr = s.node.HeaderByNumber(ctx, nil)
	}()
	gp, err := s.node.SuggestGasPrice(ctx)
	<-done
	if err != nil {
		return nil, err
	}
	if hErr != nil {
		return nil, hErr
	}
	return new(big.Int).Add(gp, BaseFeeRoom(h.BaseFee)), nil
}

// baseFeeRoomBlocks is how many blocks of maximal base-fee increase a
// transaction's price covers: the block it is meant for and the next, for
// when the responder's updates in flight spill over. (One that the base fee
// overtakes anyway is replaced at once by the responder.)
const baseFeeRoomBlocks = 2

// BaseFeeRoom is how much baseFee can grow in baseFeeRoomBlocks blocks under
// EIP-1559 (at most 1/8 a block), rounded up; 0 before London (nil).
func BaseFeeRoom(baseFee *big.Int) *big.Int {
	if baseFee == nil {
		return new(big.Int)
	}
	f := new(big.Int).Set(baseFee)
	for i := 0; i < baseFeeRoomBlocks; i++ {
		inc := new(big.Int).Add(f, big.NewInt(7))
		f.Add(f, inc.Div(inc, big.NewInt(8)))
	}
	return f.Sub(f, baseFee)
}

// Balance is the operator account's balance.
func (s *Sender) Balance(ctx context.Context) (*big.Int, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return s.node.BalanceAt(ctx, s.addr, nil)
}

// UpdateGasUsed returns the gas used by tx when it is a successful
// updateTransfer called directly on channel.
func (s *Sender) UpdateGasUsed(ctx context.Context, hash common.Hash, channel common.Address) (uint64, bool, error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	tx, _, err := s.node.TransactionByHash(ctx, hash)
	if err != nil {
		return 0, false, err
	}
	ch, _, err := abis()
	if err != nil {
		return 0, false, err
	}
	if tx.To() == nil || *tx.To() != channel || len(tx.Data()) < 4 || !bytes.Equal(tx.Data()[:4], ch.Methods["updateTransfer"].ID) {
		return 0, false, nil
	}
	r, err := s.node.TransactionReceipt(ctx, hash)
	if err != nil {
		return 0, false, err
	}
	return r.GasUsed, r.Status == types.ReceiptStatusSuccessful, nil
}
