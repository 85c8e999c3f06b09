// Package btctest runs real btcd nodes in regtest for tests: a fresh node
// per call, with its data directory, config and log in t.TempDir(), RPC and
// P2P on free 127.0.0.1 ports, RPC over plain HTTP (--notls, loopback only),
// --txindex on, and a coinbase key the harness keeps so that tests can fund
// arbitrary scripts from mined coins.
//
// The btcd binary comes from <repo>/.cache/bin, built by tools/build.sh from
// the version pinned in tools/go.mod (btcd v0.26.2); it is located and, when
// missing or stale, built by proc.Binary, and the process is started,
// awaited and stopped by pid with the proc package, as the Dendrite and geth
// harnesses do. This package is test support only: product code must not
// import it.
//
// # Typical use
//
//	n := btctest.Start(t)
//	n.Generate(t, 101)                       // coinbase of block 1 matures
//	op, out := n.Fund(t, pkScript, 1_000_000) // confirmed in one block
//
// # Reorgs
//
// Two nodes, A and B: Start both, A.Connect(t, B), A.WaitSynced(t, B). Then
// A.Disconnect(t, B) and mine on each side alone; whatever is mined on A
// while disconnected (say a transaction tx, broadcast on A only and mined
// there with A.Generate(t, 1)) exists on A's branch only. To remove tx from
// the best chain, mine a strictly longer branch on B (more blocks than A
// mined since the split), then A.Connect(t, B) and A.WaitSynced(t, B): A sees
// B's greater height in the version handshake, downloads B's branch and
// reorganises to it. With equal heights neither side switches until one of
// them mines the next block.
//
// After the reorg btcd puts the transactions of A's disconnected blocks back
// into A's mempool, so tx is then unconfirmed rather than gone:
// getrawtransaction answers from the mempool with no blockhash and 0
// confirmations, gettxout without the mempool finds none of its outputs, and
// A relays tx to B, so the next block mined on either side may confirm it
// again. To keep tx out of the chain for good, double-spend its input on B's
// branch before reconnecting (nodes started WithMiningKey(sameKey) share the
// coinbases below the fork, so A.Fund and B.Fund made after the split spend
// the same coinbase). Even then btcd v0.26.2 keeps the conflicting tx in A's
// mempool: while it syncs B's branch its sync manager is not "current" and
// skips the mempool clean-up for connected blocks, but it always re-adds the
// transactions of disconnected blocks. The miner skips such a transaction,
// so it never gets mined, but it stays in getrawmempool and
// getrawtransaction. A watcher must judge a transaction by confirmations
// and block membership, never by mempool presence after a reorg.
//
// # btcd versus bitcoind (what this harness found)
//
//   - No generatetoaddress: `generate N` mines to the --miningaddr
//     addresses given at start (random choice among them). Without one,
//     generate fails.
//   - getblock verbosity 2 lists transactions under "rawtx", not "tx";
//     verbosity 0 (raw hex) is the same on both.
//   - No estimatesmartfee and no getnetworkinfo; getinfo exists (bitcoind
//     removed it). rpcclient uses getinfo to detect btcd and changes the
//     shape of sendrawtransaction accordingly (allowhighfees vs maxfeerate).
//   - RPC is TLS by default; --notls is refused unless the RPC listener is
//     on loopback.
//   - btcd has no wallet: every signature here is made with txscript.
//   - Relay fee: the minimum is 1000 sat/kvB of virtual size by default
//     (--minrelaytxfee, in BTC/kB). Below it btcd still applies the old
//     coin-age priority rule: a low-fee transaction is refused with RPC
//     error -26 "TX rejected: transaction <txid> has insufficient priority"
//     (bitcoind: "min relay fee not met"), unless its inputs are old and
//     large enough, in which case it is accepted as a free transaction
//     (rate-limited by --limitfreerelay). --norelaypriority removes the
//     priority check, so btcd then accepts zero-fee transactions (checked
//     here: fees 0 to 109 sat on 110 vB all accepted). Keep the default when
//     a test needs low fees to be refused.
//   - btcd implements BIP 125 replacement: a transaction signalling with
//     nSequence < 0xfffffffe can be replaced by one paying a higher fee and
//     fee rate (the lntest bounty test replaces a justice transaction).
//   - btcd answers getrawtransaction for confirmed transactions only with
//     --txindex (bitcoind likewise needs -txindex=1 unless it has the
//     wallet transaction); gettxout includes the mempool when asked.
//   - Peers: `addnode <host:port> add` makes a persistent peer (reconnected
//     automatically), `node disconnect` refuses a persistent peer ("use
//     remove"), and `addnode ... remove` disconnects and forgets it.
//   - rpcclient in HTTP POST mode retries a refused connection 10 times with
//     a growing backoff (0.5 s, 1 s, ... 4.5 s: about 22 s in all) before it
//     returns an error: a call to a stopped node blocks that long. The
//     harness's own readiness and snapshot calls use a plain HTTP client.
//   - btcd --regtest deletes its block database at every start
//     (removeRegressionDB in btcd.go): a plain restart comes back at height
//     0. Restart therefore replays the saved best chain with submitblock.
//   - getblockheader of a block that is not on the best chain fails ("not in
//     the main chain", code -32603); bitcoind answers with confirmations -1.
//   - After a reorg learned from a peer btcd can keep transactions that
//     conflict with the new chain in its mempool (see Reorgs).
//   - In regtest segwit, CSV and taproot are active from height 1; the block
//     subsidy halves every 150 blocks; coinbase maturity is 100 blocks.
package btctest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/proc"
)

const (
	syncTimeout  = 60 * time.Second
	logTailBytes = 4096

	// CoinbaseMaturity is the regtest coinbase maturity: a coinbase of
	// height h can be spent in a block of height h+100 or later.
	CoinbaseMaturity = 100

	// DefaultFeeRate (sat/vB) is what Fund pays; btcd's default minimum
	// relay fee is 1 sat/vB.
	DefaultFeeRate = 2

	// dustLimit is the smallest change output Fund creates; smaller change
	// goes to the fee.
	dustLimit = 1000
)

// timing: a generous start (parallel tests share few cores), then SIGTERM
// and SIGKILL after 10 s.
var timing = proc.Timing{Ready: 60 * time.Second, Poll: 20 * time.Millisecond, Grace: 10 * time.Second}

// Params are the chain parameters of every node: regtest.
var Params = &chaincfg.RegressionNetParams

// Option changes how Start configures btcd.
type Option func(*config)

type config struct {
	args     []string
	key      *btcec.PrivateKey
	p2pkh    bool
	feeRate  int64
	debugLvl string
}

// WithArgs appends btcd command-line flags, e.g.
// WithArgs("--minrelaytxfee=0.00000100", "--norelaypriority").
func WithArgs(args ...string) Option {
	return func(c *config) { c.args = append(c.args, args...) }
}

// WithMiningKey makes the node mine to this key instead of a fresh one
// (several nodes can then share coinbases).
func WithMiningKey(key *btcec.PrivateKey) Option {
	return func(c *config) { c.key = key }
}

// WithP2PKHMining mines to a P2PKH address instead of P2WPKH, so Fund
// spends legacy (non-witness) coinbase outputs.
func WithP2PKHMining() Option {
	return func(c *config) { c.p2pkh = true }
}

// WithFeeRate sets the fee rate (sat/vB) Fund pays; default DefaultFeeRate.
func WithFeeRate(satPerVByte int64) Option {
	return func(c *config) { c.feeRate = satPerVByte }
}

// WithDebugLevel sets btcd's --debuglevel (default "info"), e.g. "debug"
// or "info,PEER=debug,SYNC=debug".
func WithDebugLevel(level string) Option {
	return func(c *config) { c.debugLvl = level }
}

// Node is one btcd process in regtest and its data directory.
type Node struct {
	// RPCAddr and P2PAddr are the 127.0.0.1:port listeners; kept across
	// Restart.
	RPCAddr, P2PAddr string
	// User and Pass authenticate RPC (HTTP basic auth, no TLS).
	User, Pass string
	// Dir holds btcd.conf (empty), data/, logs/ and btcd.log (stdout and
	// stderr, appended across restarts).
	Dir string
	// Client talks JSON-RPC over HTTP POST to RPCAddr (no websocket, so no
	// notifications). It survives Restart.
	Client *rpcclient.Client
	// MiningAddr is the --miningaddr every generated block pays to, and
	// MiningKey its private key (used by Fund).
	MiningAddr address.Address
	MiningKey  *btcec.PrivateKey
	// MiningScript is the output script of MiningAddr.
	MiningScript []byte

	bin     string
	args    []string
	feeRate int64

	proc proc.Slot // empty when stopped

	saved []string // raw blocks of the best chain, saved by Stop

	fundMu     sync.Mutex
	nextCBHigh int64 // lowest block height whose coinbase Fund has not yet tried
}

// Start runs a fresh btcd in regtest, waits until getblockcount answers and
// stops it in t.Cleanup (logging the tail of its log if the test failed).
func Start(t testing.TB, opts ...Option) *Node {
	t.Helper()
	cfg := config{feeRate: DefaultFeeRate, debugLvl: "info"}
	for _, o := range opts {
		o(&cfg)
	}
	key := cfg.key
	if key == nil {
		var err error
		if key, err = btcec.NewPrivateKey(); err != nil {
			t.Fatalf("btctest: mining key: %v", err)
		}
	}
	pkHash := address.Hash160(key.PubKey().SerializeCompressed())
	var addr address.Address
	var err error
	if cfg.p2pkh {
		addr, err = address.NewAddressPubKeyHash(pkHash, Params)
	} else {
		addr, err = address.NewAddressWitnessPubKeyHash(pkHash, Params)
	}
	if err != nil {
		t.Fatalf("btctest: mining address: %v", err)
	}
	script, err := txscript.PayToAddrScript(addr)
	if err != nil {
		t.Fatalf("btctest: mining script: %v", err)
	}

	bin, err := proc.Binary("btcd")
	if err != nil {
		t.Fatalf("btctest: %v", err)
	}
	n := &Node{
		User:         "vigil",
		Pass:         randomHex(t, 16),
		Dir:          t.TempDir(),
		MiningAddr:   addr,
		MiningKey:    key,
		MiningScript: script,
		bin:          bin,
		feeRate:      cfg.feeRate,
		nextCBHigh:   1,
	}
	if err := WriteConfig(n.Dir); err != nil {
		t.Fatalf("btctest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("btctest: tail of %s:\n%s", n.LogPath(), n.LogTail())
		}
		if err := n.stop(); err != nil {
			t.Errorf("btctest: stop btcd: %v", err)
		}
		if n.Client != nil {
			n.Client.Shutdown()
		}
	})

	rpcAddr, err := n.proc.Launch(context.Background(), timing,
		func(rpcAddr string) (proc.Spec, error) {
			p2pAddr, err := proc.FreeAddr()
			n.RPCAddr, n.P2PAddr = rpcAddr, p2pAddr
			n.args = append(Flags{Dir: n.Dir, User: n.User, Pass: n.Pass, RPCAddr: n.RPCAddr, P2PAddr: n.P2PAddr,
				MiningAddr: addr.EncodeAddress(), DebugLevel: cfg.debugLvl}.Args(), cfg.args...)
			return n.spec(), err
		},
		func(rpcAddr string) error { return n.ready(rpcAddr) })
	if err != nil {
		t.Fatalf("btctest: start btcd: %v\n--- %s (tail) ---\n%s", err, n.LogPath(), n.LogTail())
	}
	n.RPCAddr = rpcAddr
	n.Client, err = rpcclient.New(&rpcclient.ConnConfig{
		Host:         n.RPCAddr,
		User:         n.User,
		Pass:         n.Pass,
		HTTPPostMode: true,
		DisableTLS:   true,
	}, nil)
	if err != nil {
		t.Fatalf("btctest: rpc client: %v", err)
	}
	return n
}

// Stop terminates btcd now: SIGTERM to its pid, SIGKILL after 10 s. It
// returns once the process has been reaped. Calling it again, or on a
// stopped node, does nothing.
//
// Before stopping a running node it saves the raw blocks of the best chain
// so that a later Restart can bring the chain back (see Restart).
func (n *Node) Stop(t testing.TB) {
	t.Helper()
	if n.PID() != 0 {
		blocks, err := n.snapshot()
		if err != nil {
			t.Errorf("btctest: save the chain before stopping: %v", err)
		} else {
			n.saved = blocks
		}
	}
	if err := n.stop(); err != nil {
		t.Errorf("btctest: stop btcd: %v", err)
	}
}

// Restart stops btcd (if running) and starts it again with the same ports,
// data directory and mining address, and brings back the best chain it had:
// same blocks, same hashes, tx index rebuilt. The mempool, side branches
// and peers are not kept (btcd persists none of them).
//
// btcd --regtest deletes its block database at every start (regtest is
// meant to start clean), so the chain cannot simply be reopened: Stop saves
// the raw blocks of the best chain and Restart submits them again with
// submitblock, in order, and checks that the tip height matches.
func (n *Node) Restart(t testing.TB) {
	t.Helper()
	n.Stop(t)
	if err := n.launch(); err != nil {
		t.Fatalf("btctest: restart btcd: %v\n--- %s (tail) ---\n%s", err, n.LogPath(), n.LogTail())
	}
	if err := n.replay(n.saved); err != nil {
		t.Fatalf("btctest: restore the chain after restart: %v\n--- %s (tail) ---\n%s", err, n.LogPath(), n.LogTail())
	}
}

// snapshot returns the raw hex of the best chain's blocks from height 1 up.
func (n *Node) snapshot() ([]string, error) {
	var tip int64
	if err := n.rawCallInto(&tip, "getblockcount"); err != nil {
		return nil, err
	}
	blocks := make([]string, 0, tip)
	for h := int64(1); h <= tip; h++ {
		var hash, raw string
		if err := n.rawCallInto(&hash, "getblockhash", h); err != nil {
			return nil, err
		}
		if err := n.rawCallInto(&raw, "getblock", hash, 0); err != nil {
			return nil, err
		}
		blocks = append(blocks, raw)
	}
	return blocks, nil
}

// replay submits saved blocks, in order, to a freshly started node.
func (n *Node) replay(blocks []string) error {
	for i, raw := range blocks {
		var res *string
		if err := n.rawCallInto(&res, "submitblock", raw); err != nil {
			return fmt.Errorf("submitblock at height %d: %w", i+1, err)
		}
		if res != nil {
			return fmt.Errorf("submitblock at height %d: %s", i+1, *res)
		}
	}
	var tip int64
	if err := n.rawCallInto(&tip, "getblockcount"); err != nil {
		return err
	}
	if tip != int64(len(blocks)) {
		return fmt.Errorf("height %d after replaying %d blocks", tip, len(blocks))
	}
	return nil
}

// rawCallInto makes one JSON-RPC call without rpcclient's retries and
// decodes the result into out.
func (n *Node) rawCallInto(out any, method string, params ...any) error {
	res, err := rawCall(n.RPCAddr, n.User, n.Pass, method, params...)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	if err := json.Unmarshal(res, out); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// PID returns the process id of the running btcd, or 0 when stopped.
func (n *Node) PID() int { return n.proc.PID() }

// LogPath is btcd's combined stdout and stderr (btcd also writes its own
// rotated copy under Dir/logs).
func (n *Node) LogPath() string { return filepath.Join(n.Dir, "btcd.log") }

// LogTail returns the last few kilobytes of the log.
func (n *Node) LogTail() string { return proc.Tail(n.LogPath(), logTailBytes) }

// Generate mines blocks (to MiningAddr) and returns their hashes in order.
func (n *Node) Generate(t testing.TB, blocks int) []*chainhash.Hash {
	t.Helper()
	if blocks <= 0 {
		t.Fatalf("btctest: Generate(%d)", blocks)
	}
	hashes, err := n.Client.Generate(uint32(blocks))
	if err != nil {
		t.Fatalf("btctest: generate %d: %v", blocks, err)
	}
	if len(hashes) != blocks {
		t.Fatalf("btctest: generate %d returned %d hashes", blocks, len(hashes))
	}
	return hashes
}

// Height returns the height of the best block.
func (n *Node) Height(t testing.TB) int64 {
	t.Helper()
	h, err := n.Client.GetBlockCount()
	if err != nil {
		t.Fatalf("btctest: getblockcount: %v", err)
	}
	return h
}

// BestHash returns the hash of the best block.
func (n *Node) BestHash(t testing.TB) *chainhash.Hash {
	t.Helper()
	h, err := n.Client.GetBestBlockHash()
	if err != nil {
		t.Fatalf("btctest: getbestblockhash: %v", err)
	}
	return h
}

// Broadcast submits tx with sendrawtransaction and fails the test if btcd
// refuses it.
func (n *Node) Broadcast(t testing.TB, tx *wire.MsgTx) *chainhash.Hash {
	t.Helper()
	txid, err := n.Client.SendRawTransaction(tx, false)
	if err != nil {
		t.Fatalf("btctest: sendrawtransaction %s: %v", tx.TxHash(), err)
	}
	return txid
}

// MineTx broadcasts tx, mines one block and checks that the block holds tx.
// It returns the block's hash.
func (n *Node) MineTx(t testing.TB, tx *wire.MsgTx) *chainhash.Hash {
	t.Helper()
	txid := n.Broadcast(t, tx)
	block := n.Generate(t, 1)[0]
	if !n.BlockHasTx(t, block, txid) {
		t.Fatalf("btctest: block %s does not include %s", block, txid)
	}
	return block
}

// BlockHasTx reports whether the block holds the transaction.
func (n *Node) BlockHasTx(t testing.TB, block, txid *chainhash.Hash) bool {
	t.Helper()
	b, err := n.Client.GetBlock(block)
	if err != nil {
		t.Fatalf("btctest: getblock %s: %v", block, err)
	}
	for _, tx := range b.Transactions {
		if tx.TxHash() == *txid {
			return true
		}
	}
	return false
}

// Fund pays amount to pkScript from a mature coinbase of MiningKey (the
// change, if any, goes back to MiningAddr as output 1), broadcasts the
// transaction, mines one block and returns the outpoint and output it
// created (always output 0). Mine at least CoinbaseMaturity+1 blocks first.
// The spend is signed here with txscript and checked with the script engine.
func (n *Node) Fund(t testing.TB, pkScript []byte, amount btcutil.Amount) (wire.OutPoint, *wire.TxOut) {
	t.Helper()
	if len(pkScript) == 0 || amount <= 0 {
		t.Fatalf("btctest: Fund(%x, %d): need a script and a positive amount", pkScript, amount)
	}
	n.fundMu.Lock()
	defer n.fundMu.Unlock()

	prev, prevOut := n.matureCoinbase(t, amount)
	tx := wire.NewMsgTx(2)
	tx.AddTxIn(wire.NewTxIn(&prev, nil, nil))
	tx.AddTxOut(wire.NewTxOut(int64(amount), pkScript))
	tx.AddTxOut(wire.NewTxOut(0, n.MiningScript))

	// Sign once to learn the size, then set the fee and sign again. The
	// size does not depend on the change value; a signature can be one
	// byte shorter or longer, hence the margin.
	fee := int64(0)
	for range 2 {
		change := prevOut.Value - int64(amount) - fee
		tx.TxOut = tx.TxOut[:2]
		tx.TxOut[1].Value = change
		if change < dustLimit {
			tx.TxOut = tx.TxOut[:1]
		}
		if err := n.signMining(tx, 0, prevOut); err != nil {
			t.Fatalf("btctest: sign coinbase spend: %v", err)
		}
		fee = (VSize(tx) + 2) * n.feeRate
	}
	if prevOut.Value-int64(amount) < fee {
		t.Fatalf("btctest: coinbase %v holds %d sat, too little for %d + fee %d", prev, prevOut.Value, amount, fee)
	}
	if err := VerifyTx(tx, map[wire.OutPoint]*wire.TxOut{prev: prevOut}); err != nil {
		t.Fatalf("btctest: coinbase spend does not verify: %v", err)
	}
	n.MineTx(t, tx)
	return wire.OutPoint{Hash: tx.TxHash(), Index: 0}, tx.TxOut[0]
}

// matureCoinbase finds an unspent, mature coinbase output paying to
// MiningScript worth more than amount.
func (n *Node) matureCoinbase(t testing.TB, amount btcutil.Amount) (wire.OutPoint, *wire.TxOut) {
	t.Helper()
	tip := n.Height(t)
	// The transaction goes into block tip+1.
	last := tip + 1 - CoinbaseMaturity
	for h := n.nextCBHigh; h <= last; h++ {
		n.nextCBHigh = h + 1
		hash, err := n.Client.GetBlockHash(h)
		if err != nil {
			t.Fatalf("btctest: getblockhash %d: %v", h, err)
		}
		block, err := n.Client.GetBlock(hash)
		if err != nil {
			t.Fatalf("btctest: getblock %s: %v", hash, err)
		}
		cb := block.Transactions[0]
		for i, out := range cb.TxOut {
			if !bytes.Equal(out.PkScript, n.MiningScript) || out.Value <= int64(amount)+dustLimit {
				continue
			}
			txid := cb.TxHash()
			utxo, err := n.Client.GetTxOut(&txid, uint32(i), true)
			if err != nil {
				t.Fatalf("btctest: gettxout %s:%d: %v", txid, i, err)
			}
			if utxo == nil {
				continue // spent
			}
			return wire.OutPoint{Hash: txid, Index: uint32(i)}, out
		}
	}
	t.Fatalf("btctest: no mature unspent coinbase of the mining key worth more than %d sat at tip %d: "+
		"generate more blocks (a coinbase needs %d confirmations)", amount, tip, CoinbaseMaturity)
	return wire.OutPoint{}, nil
}

// signMining signs input idx of tx, which spends prevOut paying to
// MiningScript, with SIGHASH_ALL.
func (n *Node) signMining(tx *wire.MsgTx, idx int, prevOut *wire.TxOut) error {
	fetcher := txscript.NewCannedPrevOutputFetcher(prevOut.PkScript, prevOut.Value)
	sigHashes := txscript.NewTxSigHashes(tx, fetcher)
	if txscript.IsPayToWitnessPubKeyHash(prevOut.PkScript) {
		w, err := txscript.WitnessSignature(tx, sigHashes, idx, prevOut.Value, prevOut.PkScript,
			txscript.SigHashAll, n.MiningKey, true)
		if err != nil {
			return err
		}
		tx.TxIn[idx].Witness = w
		tx.TxIn[idx].SignatureScript = nil
		return nil
	}
	sigScript, err := txscript.SignatureScript(tx, idx, prevOut.PkScript, txscript.SigHashAll, n.MiningKey, true)
	if err != nil {
		return err
	}
	tx.TxIn[idx].SignatureScript = sigScript
	tx.TxIn[idx].Witness = nil
	return nil
}

// Connect makes peer a persistent peer of n (addnode add) and waits until
// both sides list the connection.
func (n *Node) Connect(t testing.TB, peer *Node) {
	t.Helper()
	if err := n.Client.AddNode(peer.P2PAddr, rpcclient.ANAdd); err != nil {
		t.Fatalf("btctest: addnode %s add: %v", peer.P2PAddr, err)
	}
	n.poll(t, syncTimeout, func() (bool, string) {
		ls, err := links(n, peer)
		if err != nil {
			return false, err.Error()
		}
		for _, l := range ls {
			if l.established() {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%s and %s are not connected (%d half-open)", n.P2PAddr, peer.P2PAddr, len(ls))
	})
}

// Disconnect drops every connection between n and peer, in either
// direction, and forgets either as a persistent peer of the other; it
// waits until neither side lists the other.
func (n *Node) Disconnect(t testing.TB, peer *Node) {
	t.Helper()
	// Errors are expected here: a side may have no persistent entry.
	_ = n.Client.AddNode(peer.P2PAddr, rpcclient.ANRemove)
	_ = peer.Client.AddNode(n.P2PAddr, rpcclient.ANRemove)
	n.poll(t, syncTimeout, func() (bool, string) {
		ls, err := links(n, peer)
		if err != nil {
			return false, err.Error()
		}
		if len(ls) == 0 {
			return true, ""
		}
		for _, l := range ls {
			for _, side := range []struct {
				node *Node
				id   int32
			}{{n, l.idA}, {peer, l.idB}} {
				if side.id >= 0 {
					_ = side.node.Client.Node(btcjson.NDisconnect, fmt.Sprint(side.id), nil)
				}
			}
		}
		return false, fmt.Sprintf("%d connection(s) left between %s and %s", len(ls), n.P2PAddr, peer.P2PAddr)
	})
}

// WaitSynced waits until n and peer report the same best block.
func (n *Node) WaitSynced(t testing.TB, peer *Node) {
	t.Helper()
	n.poll(t, syncTimeout, func() (bool, string) {
		a, errA := n.Client.GetBestBlockHash()
		b, errB := peer.Client.GetBestBlockHash()
		if err := errors.Join(errA, errB); err != nil {
			return false, err.Error()
		}
		if *a == *b {
			return true, ""
		}
		ha, _ := n.Client.GetBlockCount()
		hb, _ := peer.Client.GetBlockCount()
		return false, fmt.Sprintf("tips differ: %s at %d (%s) vs %s at %d (%s)", n.P2PAddr, ha, a, peer.P2PAddr, hb, b)
	})
}

// poll calls cond every 20 ms until it reports true or the timeout passes.
func (n *Node) poll(t testing.TB, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("btctest: gave up after %s: %s", timeout, why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// link is one TCP connection between nodes a and b, with the peer id each
// side gives it (-1 while that side does not list it).
type link struct{ idA, idB int32 }

func (l link) established() bool { return l.idA >= 0 && l.idB >= 0 }

// links lists the connections between a and b, matched by socket address:
// the dialling side lists the other's listen address as the peer and its
// own ephemeral address as addrlocal; the accepting side lists that
// ephemeral address as the (inbound) peer.
func links(a, b *Node) ([]link, error) {
	pa, err := a.Client.GetPeerInfo()
	if err != nil {
		return nil, err
	}
	pb, err := b.Client.GetPeerInfo()
	if err != nil {
		return nil, err
	}
	var out []link
	// dialled returns (dialler's id, acceptor's id) for each connection
	// from the dialler to the acceptor's listen address.
	dialled := func(dialler, acceptor []btcjson.GetPeerInfoResult, listen string) [][2]int32 {
		var ids [][2]int32
		for _, p := range dialler {
			if p.Inbound || p.Addr != listen {
				continue
			}
			pair := [2]int32{p.ID, -1}
			for _, q := range acceptor {
				if q.Inbound && q.Addr == p.AddrLocal {
					pair[1] = q.ID
				}
			}
			ids = append(ids, pair)
		}
		return ids
	}
	for _, ids := range dialled(pa, pb, b.P2PAddr) {
		out = append(out, link{idA: ids[0], idB: ids[1]})
	}
	for _, ids := range dialled(pb, pa, a.P2PAddr) {
		out = append(out, link{idA: ids[1], idB: ids[0]})
	}
	return out, nil
}

// Flags say where one regtest node keeps its files and listens, and whom
// it pays when it mines.
type Flags struct {
	// Dir holds btcd.conf (see WriteConfig), data/ and logs/.
	Dir string
	// User and Pass authenticate RPC.
	User, Pass string
	// RPCAddr and P2PAddr are 127.0.0.1:port listeners.
	RPCAddr, P2PAddr string
	// MiningAddr receives every generated block's coinbase.
	MiningAddr string
	// DebugLevel is btcd's --debuglevel, e.g. "info".
	DebugLevel string
}

// Args are the btcd command-line flags of a harness node: regtest, RPC
// over plain HTTP (--notls, loopback only), a transaction index, no DNS
// seeds, onion, banning or stall detection. scripts/demo starts its btcd
// with them too.
func (f Flags) Args() []string {
	return []string{
		"--regtest",
		"--configfile=" + filepath.Join(f.Dir, "btcd.conf"),
		"--datadir=" + filepath.Join(f.Dir, "data"),
		"--logdir=" + filepath.Join(f.Dir, "logs"),
		"--debuglevel=" + f.DebugLevel,
		"--rpcuser=" + f.User,
		"--rpcpass=" + f.Pass,
		"--rpclisten=" + f.RPCAddr,
		"--notls",
		"--listen=" + f.P2PAddr,
		"--txindex",
		"--miningaddr=" + f.MiningAddr,
		"--nodnsseed",
		"--noonion",
		"--nobanning",
		"--nostalldetect",
	}
}

// WriteConfig writes the empty btcd.conf that Args names into dir: without
// --configfile btcd reads (and tries to create) ~/.btcd/btcd.conf.
func WriteConfig(dir string) error {
	return os.WriteFile(filepath.Join(dir, "btcd.conf"), nil, 0o600)
}

// spec is how btcd is started with n.args.
func (n *Node) spec() proc.Spec {
	return proc.Spec{Name: "btcd", Bin: n.bin, Args: n.args, Dir: n.Dir, Log: n.LogPath()}
}

// launch starts the process with n.args and waits until RPC answers.
func (n *Node) launch() error {
	return n.proc.Start(context.Background(), n.spec(), timing, func() error { return n.ready(n.RPCAddr) })
}

func (n *Node) stop() error { return n.proc.Stop(timing.Grace) }

// ready calls getblockcount with a plain HTTP client (rpcclient would
// retry a refused connection for half a minute).
func (n *Node) ready(rpcAddr string) error {
	_, err := rawCall(rpcAddr, n.User, n.Pass, "getblockcount")
	return err
}

var rawClient = &http.Client{Timeout: 2 * time.Second}

// rawCall makes one JSON-RPC call without retries.
func rawCall(addr, user, pass, method string, params ...any) (json.RawMessage, error) {
	if params == nil {
		params = []any{}
	}
	body, err := json.Marshal(map[string]any{"jsonrpc": "1.0", "id": 1, "method": method, "params": params})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(user, pass)
	req.Header.Set("Content-Type", "application/json")
	resp, err := rawClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("HTTP %s: %.200s", resp.Status, b)
	}
	if r.Error != nil {
		return nil, fmt.Errorf("rpc error %d: %s", r.Error.Code, r.Error.Message)
	}
	return r.Result, nil
}

// VSize is the virtual size of tx in vbytes: weight / 4, rounded up.
func VSize(tx *wire.MsgTx) int64 {
	weight := int64(tx.SerializeSizeStripped())*3 + int64(tx.SerializeSize())
	return (weight + 3) / 4
}

// VerifyTx runs every input of tx through the script engine with the
// standard verify flags. prevOuts maps each input's outpoint to the output
// it spends.
func VerifyTx(tx *wire.MsgTx, prevOuts map[wire.OutPoint]*wire.TxOut) error {
	fetcher := txscript.NewMultiPrevOutFetcher(prevOuts)
	sigHashes := txscript.NewTxSigHashes(tx, fetcher)
	for i, in := range tx.TxIn {
		prev, ok := prevOuts[in.PreviousOutPoint]
		if !ok {
			return fmt.Errorf("input %d: no previous output for %v", i, in.PreviousOutPoint)
		}
		vm, err := txscript.NewEngine(prev.PkScript, tx, i, txscript.StandardVerifyFlags, nil, sigHashes, prev.Value, fetcher)
		if err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
		if err := vm.Execute(); err != nil {
			return fmt.Errorf("input %d: %w", i, err)
		}
	}
	return nil
}

// TxHex is the consensus serialization of tx (with witnesses) in hex.
func TxHex(tx *wire.MsgTx) string {
	var buf bytes.Buffer
	_ = tx.Serialize(&buf)
	return hex.EncodeToString(buf.Bytes())
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
