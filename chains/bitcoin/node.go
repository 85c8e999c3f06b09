package bitcoin

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// Config says how to reach the node.
type Config struct {
	Host string // host:port of the JSON-RPC server
	User string
	Pass string
	TLS  bool
	// Network the node must be on: "mainnet", "testnet", "signet", "regtest".
	Network string
	// Timeout bounds every call (default 10 s): a node that does not answer
	// within it gets an error wrapping monitor.ErrNoAnswer, never a wait without end.
	Timeout time.Duration
}

// Node is a JSON-RPC connection; it implements tower.Node.
//
// Every call is one HTTP POST made under the caller's context and the
// configured Timeout, so a stalled node costs each caller at most the
// timeout and leaves nothing behind: the request is abandoned and its
// connection closed when the deadline passes. (btcd's rpcclient is not used
// for calls: in HTTP POST mode it sends every request through one queue
// served by one goroutine, with a one-minute timeout and retries, so a
// single stuck request would hold up every later call.)
type Node struct {
	url, user, pass string
	network         string
	timeout         time.Duration
	http            *http.Client
	id              atomic.Uint64

	// Calls the node answered "method not found" or "unimplemented" to
	// (btcd has neither estimatesmartfee nor getmempoolentry): they are not
	// asked again on this connection, which saves a round trip on every
	// fee estimate (one per breach response and per appointment) and every
	// status check.
	noSmartFee, noMempoolEntry atomic.Bool
}

// Dial connects and checks the node answers and is on the configured network.
func Dial(cfg Config) (*Node, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	scheme := "http"
	if cfg.TLS {
		scheme = "https"
	}
	n := &Node{url: scheme + "://" + cfg.Host, user: cfg.User, pass: cfg.Pass, network: cfg.Network, timeout: cfg.Timeout,
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}}}
	var info struct {
		Chain string `json:"chain"`
	}
	if err := n.call(context.Background(), btcjson.NewGetBlockChainInfoCmd(), &info); err != nil {
		n.Close()
		return nil, fmt.Errorf("bitcoin node %s does not answer getblockchaininfo: %w", cfg.Host, err)
	}
	if cfg.Network != "" && normalizeNet(info.Chain) != normalizeNet(cfg.Network) {
		n.Close()
		return nil, fmt.Errorf("bitcoin node %s is on %q, bitcoin.network is %q", cfg.Host, info.Chain, cfg.Network)
	}
	return n, nil
}

// maxResponseBytes bounds one answer (a 4 MB block is 8 MB of hex).
const maxResponseBytes = 32 << 20

// call sends cmd (a btcjson command) and decodes the result into out. An
// error the node answered is a *btcjson.RPCError; a node that did not
// answer in time or could not be reached gives an error wrapping
// monitor.ErrNoAnswer.
func (n *Node) call(ctx context.Context, cmd any, out any) error {
	method, _ := btcjson.CmdMethod(cmd)
	body, err := btcjson.MarshalCmd(btcjson.RpcVersion1, n.id.Add(1), cmd)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	ctx, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(n.user, n.pass)
	resp, err := n.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w: %w", method, monitor.ErrNoAnswer, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("%s: %w: reading the answer: %w", method, monitor.ErrNoAnswer, err)
	}
	var r struct {
		Result json.RawMessage   `json:"result"`
		Error  *btcjson.RPCError `json:"error"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("%s: HTTP %d: %.200q", method, resp.StatusCode, raw)
	}
	if r.Error != nil {
		return r.Error
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.Result, out); err != nil {
		return fmt.Errorf("%s: decode result: %w", method, err)
	}
	return nil
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

// Close drops idle connections.
func (n *Node) Close() { n.http.CloseIdleConnections() }

// Tip is the best block height.
func (n *Node) Tip(ctx context.Context) (uint32, error) {
	var h int64
	err := n.call(ctx, btcjson.NewGetBlockCountCmd(), &h)
	return uint32(h), err
}

// BlockAt returns the block at height on the node's best chain.
func (n *Node) BlockAt(ctx context.Context, height uint32) (chainhash.Hash, *wire.MsgBlock, error) {
	h, err := n.HashAt(ctx, height)
	if err != nil {
		return chainhash.Hash{}, nil, fmt.Errorf("getblockhash %d: %w", height, err)
	}
	var hexBlock string
	if err := n.call(ctx, btcjson.NewGetBlockCmd(h.String(), btcjson.Int(0)), &hexBlock); err != nil {
		return chainhash.Hash{}, nil, fmt.Errorf("getblock %s: %w", h, err)
	}
	raw, err := hex.DecodeString(hexBlock)
	if err != nil {
		return chainhash.Hash{}, nil, fmt.Errorf("getblock %s: %w", h, err)
	}
	var b wire.MsgBlock
	if err := b.Deserialize(bytes.NewReader(raw)); err != nil {
		return chainhash.Hash{}, nil, fmt.Errorf("getblock %s: %w", h, err)
	}
	return h, &b, nil
}

// HashAt is the hash of the best chain's block at height.
func (n *Node) HashAt(ctx context.Context, height uint32) (chainhash.Hash, error) {
	var s string
	if err := n.call(ctx, btcjson.NewGetBlockHashCmd(int64(height)), &s); err != nil {
		return chainhash.Hash{}, err
	}
	h, err := chainhash.NewHashFromStr(s)
	if err != nil {
		return chainhash.Hash{}, err
	}
	return *h, nil
}

// BlockTime is the timestamp in the header of the best chain's block at
// height (what the miner wrote: up to two hours ahead of the network's
// time, and not always later than its parent's).
func (n *Node) BlockTime(ctx context.Context, height uint32) (time.Time, error) {
	h, err := n.HashAt(ctx, height)
	if err != nil {
		return time.Time{}, fmt.Errorf("getblockhash %d: %w", height, err)
	}
	var hexHeader string
	if err := n.call(ctx, btcjson.NewGetBlockHeaderCmd(h.String(), btcjson.Bool(false)), &hexHeader); err != nil {
		return time.Time{}, fmt.Errorf("getblockheader %s: %w", h, err)
	}
	raw, err := hex.DecodeString(hexHeader)
	if err != nil {
		return time.Time{}, fmt.Errorf("getblockheader %s: %w", h, err)
	}
	var hdr wire.BlockHeader
	if err := hdr.Deserialize(bytes.NewReader(raw)); err != nil {
		return time.Time{}, fmt.Errorf("getblockheader %s: %w", h, err)
	}
	return hdr.Timestamp, nil
}

// KnowsBlock tells whether the node has the block with this hash at all,
// on its best chain or on a side chain: a node that does not know a block
// Vigil processed is on another chain (wiped, replaced, or pointed at
// another network), not in a reorg.
func (n *Node) KnowsBlock(ctx context.Context, hash chainhash.Hash) (bool, error) {
	// Not verbose: btcd answers the verbose form only for blocks on its
	// best chain, the plain one for every block it has.
	err := n.call(ctx, btcjson.NewGetBlockHeaderCmd(hash.String(), btcjson.Bool(false)), nil)
	if err == nil {
		return true, nil
	}
	var je *btcjson.RPCError
	if errors.As(err, &je) && (je.Code == btcjson.ErrRPCBlockNotFound || je.Code == btcjson.ErrRPCInvalidAddressOrKey) {
		return false, nil
	}
	return false, err
}

// Broadcast sends tx; a node that already has it is not an error.
func (n *Node) Broadcast(ctx context.Context, tx *wire.MsgTx) error {
	var buf bytes.Buffer
	if err := tx.Serialize(&buf); err != nil {
		return err
	}
	// One parameter: btcd reads the second as allowhighfees, bitcoind as
	// maxfeerate; both default to refusing absurd fees.
	err := n.call(ctx, btcjson.NewSendRawTransactionCmd(hex.EncodeToString(buf.Bytes()), nil), nil)
	if err != nil && alreadyKnown(err) {
		return nil
	}
	if err != nil && inputsSpent(err) {
		return fmt.Errorf("%w: %v", monitor.ErrInputsSpent, err)
	}
	return err
}

// inputsSpent recognises a refusal because an input is spent or unknown
// (btcd: an orphan referencing fully-spent outputs; bitcoind:
// missingorspent).
func inputsSpent(err error) bool {
	m := strings.ToLower(err.Error())
	return strings.Contains(m, "orphan transaction") || strings.Contains(m, "missingorspent") ||
		strings.Contains(m, "missing inputs") || strings.Contains(m, "fully-spent")
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
		var r btcjson.EstimateSmartFeeResult
		err := n.call(ctx, btcjson.NewEstimateSmartFeeCmd(6, nil), &r)
		if err == nil && r.FeeRate != nil && *r.FeeRate > 0 {
			return btcPerKvBToSat(*r.FeeRate), nil
		}
		if errors.Is(err, monitor.ErrNoAnswer) {
			return 0, err
		}
		if unsupported(err) {
			n.noSmartFee.Store(true)
		}
	}
	var r float64
	err := n.call(ctx, btcjson.NewEstimateFeeCmd(6), &r)
	if err == nil && r > 0 {
		return btcPerKvBToSat(r), nil
	}
	if errors.Is(err, monitor.ErrNoAnswer) {
		return 0, err
	}
	var pool map[string]btcjson.GetRawMempoolVerboseResult
	if err := n.call(ctx, btcjson.NewGetRawMempoolCmd(btcjson.Bool(true)), &pool); err != nil {
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
func (n *Node) TxStatus(ctx context.Context, txid chainhash.Hash) (tower.TxStatus, error) {
	if !n.noMempoolEntry.Load() {
		err := n.call(ctx, btcjson.NewGetMempoolEntryCmd(txid.String()), nil)
		if err == nil {
			return tower.TxStatus{InMempool: true}, nil
		}
		if errors.Is(err, monitor.ErrNoAnswer) {
			return tower.TxStatus{}, err
		}
		if unsupported(err) {
			n.noMempoolEntry.Store(true)
		}
	}
	var res btcjson.TxRawResult
	if err := n.call(ctx, btcjson.NewGetRawTransactionCmd(txid.String(), btcjson.Int(1)), &res); err != nil {
		var je *btcjson.RPCError
		if errors.As(err, &je) && (je.Code == btcjson.ErrRPCNoTxInfo || je.Code == btcjson.ErrRPCInvalidAddressOrKey) {
			return tower.TxStatus{}, nil
		}
		if strings.Contains(strings.ToLower(err.Error()), "no information") || strings.Contains(err.Error(), "No such") {
			return tower.TxStatus{}, nil
		}
		return tower.TxStatus{}, err
	}
	if res.Confirmations == 0 || res.BlockHash == "" {
		return tower.TxStatus{InMempool: true}, nil
	}
	bh, err := chainhash.NewHashFromStr(res.BlockHash)
	if err != nil {
		return tower.TxStatus{}, err
	}
	var hdr btcjson.GetBlockHeaderVerboseResult
	if err := n.call(ctx, btcjson.NewGetBlockHeaderCmd(bh.String(), btcjson.Bool(true)), &hdr); err != nil {
		return tower.TxStatus{}, err
	}
	if hdr.Confirmations <= 0 { // its block is not on the best chain any more
		return tower.TxStatus{}, nil
	}
	return tower.TxStatus{Confirmations: int64(res.Confirmations), BlockHash: *bh, BlockHeight: uint32(hdr.Height)}, nil
}

var _ tower.Node = (*Node)(nil)
