package bitcoin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
)

// Config says how to reach the node.
type Config struct {
	Host string // host:port of the JSON-RPC server
	User string
	Pass string
	TLS  bool
	// Network the node must be on: "mainnet", "testnet", "signet", "regtest".
	Network string
}

// Node is a JSON-RPC connection; it implements monitor.BtcNode.
type Node struct {
	rpc     *rpcclient.Client
	network string

	// Calls the node answered "method not found" or "unimplemented" to
	// (btcd has neither estimatesmartfee nor getmempoolentry): they are not
	// asked again on this connection, which saves a round trip on every
	// fee estimate (one per breach response and per appointment) and every
	// status check.
	noSmartFee, noMempoolEntry atomic.Bool
}

// Dial connects and checks the node answers and is on the configured network.
func Dial(cfg Config) (*Node, error) {
	c, err := rpcclient.New(&rpcclient.ConnConfig{Host: cfg.Host, User: cfg.User, Pass: cfg.Pass,
		HTTPPostMode: true, DisableTLS: !cfg.TLS}, nil)
	if err != nil {
		return nil, fmt.Errorf("bitcoin node %s: %w", cfg.Host, err)
	}
	n := &Node{rpc: c, network: cfg.Network}
	info, err := c.GetBlockChainInfo()
	if err != nil {
		c.Shutdown()
		return nil, fmt.Errorf("bitcoin node %s does not answer getblockchaininfo: %w", cfg.Host, err)
	}
	if cfg.Network != "" && normalizeNet(info.Chain) != normalizeNet(cfg.Network) {
		c.Shutdown()
		return nil, fmt.Errorf("bitcoin node %s is on %q, bitcoin.network is %q", cfg.Host, info.Chain, cfg.Network)
	}
	return n, nil
}

func normalizeNet(s string) string {
	switch strings.ToLower(s) {
	case "main", "mainnet", "bitcoin":
		return "mainnet"
	case "test", "testnet", "testnet3":
		return "testnet"
	}
	return strings.ToLower(s)
}

// Close ends the connection.
func (n *Node) Close() { n.rpc.Shutdown() }

// Tip is the best block height.
func (n *Node) Tip(ctx context.Context) (uint32, error) {
	h, err := n.rpc.GetBlockCount()
	return uint32(h), err
}

// BlockAt returns the block at height on the node's best chain.
func (n *Node) BlockAt(ctx context.Context, height uint32) (chainhash.Hash, *wire.MsgBlock, error) {
	h, err := n.rpc.GetBlockHash(int64(height))
	if err != nil {
		return chainhash.Hash{}, nil, fmt.Errorf("getblockhash %d: %w", height, err)
	}
	b, err := n.rpc.GetBlock(h)
	if err != nil {
		return chainhash.Hash{}, nil, fmt.Errorf("getblock %s: %w", h, err)
	}
	return *h, b, nil
}

// HashAt is the hash of the best chain's block at height.
func (n *Node) HashAt(ctx context.Context, height uint32) (chainhash.Hash, error) {
	h, err := n.rpc.GetBlockHash(int64(height))
	if err != nil {
		return chainhash.Hash{}, err
	}
	return *h, nil
}

// Broadcast sends tx; a node that already has it is not an error.
func (n *Node) Broadcast(ctx context.Context, tx *wire.MsgTx) error {
	_, err := n.rpc.SendRawTransaction(tx, false)
	if err != nil && alreadyKnown(err) {
		return nil
	}
	return err
}

func alreadyKnown(err error) bool {
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "already have transaction") || strings.Contains(m, "already in block chain") ||
		strings.Contains(m, "txn-already-known") || strings.Contains(m, "txn-already-in-mempool") ||
		strings.Contains(m, "transaction already exists")
}

// FeeRate returns sat per 1000 vbytes: bitcoind's estimatesmartfee, else
// btcd's estimatefee, else an estimate from the node's mempool (the lowest
// feerate that still makes the next block); an error when none has data,
// and the tower then uses its configured fallback.
func (n *Node) FeeRate(ctx context.Context) (int64, error) {
	if !n.noSmartFee.Load() {
		r, err := n.rpc.EstimateSmartFee(6, nil)
		if err == nil && r.FeeRate != nil && *r.FeeRate > 0 {
			return btcPerKvBToSat(*r.FeeRate), nil
		}
		if unsupported(err) {
			n.noSmartFee.Store(true)
		}
	}
	if r, err := n.rpc.EstimateFee(6); err == nil && r > 0 {
		return btcPerKvBToSat(r), nil
	}
	pool, err := n.rpc.GetRawMempoolVerbose()
	if err != nil {
		return 0, fmt.Errorf("no fee estimate and no mempool: %w", err)
	}
	entries := make([]poolEntry, 0, len(pool))
	for _, e := range pool {
		vs := int64(e.Vsize)
		if vs <= 0 {
			vs = int64(e.Size)
		}
		if vs > 0 {
			entries = append(entries, poolEntry{rate: btcPerKvBToSat(e.Fee) * 1000 / vs, vsize: vs})
		}
	}
	if r, ok := nextBlockFloor(entries, maxBlockVBytes); ok {
		return r, nil
	}
	return 0, errors.New("no fee estimate yet and the mempool would not fill a block")
}

// maxBlockVBytes is one block's capacity in virtual bytes.
const maxBlockVBytes = 1_000_000

type poolEntry struct {
	rate  int64 // sat per 1000 vbytes
	vsize int64
}

// nextBlockFloor is the feerate of the last transaction that fits in a
// block filled greedily by feerate: paying more than that gets a new
// transaction into the next block. ok is false when the mempool would not
// fill a block (then any relayable fee gets in, and the caller's fallback
// applies).
func nextBlockFloor(entries []poolEntry, capacity int64) (int64, bool) {
	slices.SortFunc(entries, func(a, b poolEntry) int { return cmp.Compare(b.rate, a.rate) })
	var used int64
	for _, e := range entries {
		if used+e.vsize > capacity {
			return e.rate + 1000, true // beat the first one left out by 1 sat/vB
		}
		used += e.vsize
	}
	return 0, false
}

// unsupported tells whether err is the node saying it has no such method:
// JSON-RPC "method not found" (-32601), or btcd's "Command unimplemented"
// (-1, a code bitcoind also uses for other errors, hence the message check).
func unsupported(err error) bool {
	var je *btcjson.RPCError
	if !errors.As(err, &je) {
		return false
	}
	return je.Code == btcjson.ErrRPCMethodNotFound.Code ||
		(je.Code == btcjson.ErrRPCUnimplemented && strings.Contains(strings.ToLower(je.Message), "unimplemented"))
}

func btcPerKvBToSat(btc float64) int64 { return int64(math.Round(btc * 1e8)) }

// TxStatus reports whether txid is in the mempool or confirmed. It needs
// the node's transaction index (btcd --txindex, bitcoind -txindex) for
// confirmed transactions.
func (n *Node) TxStatus(ctx context.Context, txid chainhash.Hash) (monitor.TxStatus, error) {
	if !n.noMempoolEntry.Load() {
		_, err := n.rpc.GetMempoolEntry(txid.String())
		if err == nil {
			return monitor.TxStatus{InMempool: true}, nil
		}
		if unsupported(err) {
			n.noMempoolEntry.Store(true)
		}
	}
	res, err := n.rpc.GetRawTransactionVerbose(&txid)
	if err != nil {
		var je *btcjson.RPCError
		if errors.As(err, &je) && (je.Code == btcjson.ErrRPCNoTxInfo || je.Code == btcjson.ErrRPCInvalidAddressOrKey) {
			return monitor.TxStatus{}, nil
		}
		if strings.Contains(strings.ToLower(err.Error()), "no information") || strings.Contains(err.Error(), "No such") {
			return monitor.TxStatus{}, nil
		}
		return monitor.TxStatus{}, err
	}
	if res.Confirmations == 0 || res.BlockHash == "" {
		return monitor.TxStatus{InMempool: true}, nil
	}
	bh, err := chainhash.NewHashFromStr(res.BlockHash)
	if err != nil {
		return monitor.TxStatus{}, err
	}
	hdr, err := n.rpc.GetBlockHeaderVerbose(bh)
	if err != nil {
		return monitor.TxStatus{}, err
	}
	if hdr.Confirmations <= 0 { // its block is not on the best chain any more
		return monitor.TxStatus{}, nil
	}
	return monitor.TxStatus{Confirmations: int64(res.Confirmations), BlockHash: *bh, BlockHeight: uint32(hdr.Height)}, nil
}

var _ monitor.BtcNode = (*Node)(nil)
