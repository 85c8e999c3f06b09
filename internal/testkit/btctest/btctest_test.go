package btctest_test

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
)

// p2wpkh returns a fresh key's P2WPKH script.
func p2wpkh(t *testing.T) []byte {
	t.Helper()
	key, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	addr, err := address.NewAddressWitnessPubKeyHash(address.Hash160(key.PubKey().SerializeCompressed()), btctest.Params)
	if err != nil {
		t.Fatal(err)
	}
	script, err := txscript.PayToAddrScript(addr)
	if err != nil {
		t.Fatal(err)
	}
	return script
}

func confirmations(t *testing.T, n *btctest.Node, txid *chainhash.Hash) (confs uint64, block string) {
	t.Helper()
	res, err := n.Client.GetRawTransactionVerbose(txid)
	if err != nil {
		t.Fatalf("getrawtransaction %s: %v", txid, err)
	}
	return res.Confirmations, res.BlockHash
}

func TestLifecycleFundRestartStop(t *testing.T) {
	t0 := time.Now()
	n := btctest.Start(t)
	tStart := time.Since(t0)

	if h := n.Height(t); h != 0 {
		t.Fatalf("fresh node at height %d", h)
	}
	t0 = time.Now()
	hashes := n.Generate(t, 100)
	tGen := time.Since(t0)
	if len(hashes) != 100 || n.Height(t) != 100 || *n.BestHash(t) != *hashes[99] {
		t.Fatalf("after generate 100: height %d, best %s, last %s", n.Height(t), n.BestHash(t), hashes[99])
	}
	n.Generate(t, 1)

	script := p2wpkh(t)
	op, out := n.Fund(t, script, 1_234_567)
	if out.Value != 1_234_567 || string(out.PkScript) != string(script) {
		t.Fatalf("Fund returned output %d %x", out.Value, out.PkScript)
	}
	utxo, err := n.Client.GetTxOut(&op.Hash, op.Index, false)
	if err != nil || utxo == nil {
		t.Fatalf("gettxout %v: %v %v", op, utxo, err)
	}
	if utxo.Confirmations != 1 || utxo.Value != btcutil.Amount(1_234_567).ToBTC() {
		t.Fatalf("gettxout %v: %+v", op, utxo)
	}
	if confs, _ := confirmations(t, n, &op.Hash); confs != 1 {
		t.Fatalf("funding tx has %d confirmations, want 1", confs)
	}
	// A second Fund takes the next coinbase.
	op2, _ := n.Fund(t, script, 50_000)
	if op2.Hash == op.Hash {
		t.Fatal("second Fund reused the first transaction")
	}

	best, height := *n.BestHash(t), n.Height(t)
	t0 = time.Now()
	n.Restart(t)
	tRestart := time.Since(t0)
	if n.Height(t) != height || *n.BestHash(t) != best {
		t.Fatalf("after restart: height %d best %s, want %d %s", n.Height(t), n.BestHash(t), height, best)
	}
	// The same in two steps: Stop (saves the chain), then Restart.
	t0 = time.Now()
	n.Stop(t)
	tStopSave := time.Since(t0)
	if n.PID() != 0 {
		t.Fatal("PID after Stop")
	}
	t0 = time.Now()
	n.Restart(t)
	tStartReplay := time.Since(t0)
	if n.Height(t) != height || *n.BestHash(t) != best {
		t.Fatalf("after restart: height %d best %s, want %d %s", n.Height(t), n.BestHash(t), height, best)
	}
	if confs, _ := confirmations(t, n, &op.Hash); confs != 2 {
		t.Fatalf("after restart the tx index gives %d confirmations, want 2", confs)
	}
	op3, _ := n.Fund(t, script, 70_000)
	if confs, _ := confirmations(t, n, &op3.Hash); confs != 1 {
		t.Fatalf("Fund after restart: %d confirmations", confs)
	}

	pid := n.PID()
	t0 = time.Now()
	n.Stop(t)
	tStop := time.Since(t0)
	if n.PID() != 0 {
		t.Fatal("PID after Stop")
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("btcd pid %d still exists after Stop: kill(0) = %v", pid, err)
	}
	n.Stop(t) // idempotent

	t.Logf("timings: start %s, generate 100 %s, restart %s (stop with chain saved %s, start with chain replayed %s; %d blocks), final stop %s",
		tStart, tGen, tRestart, tStopSave, tStartReplay, height, tStop)
}

func TestFundFromP2PKHCoinbase(t *testing.T) {
	n := btctest.Start(t, btctest.WithP2PKHMining(), btctest.WithFeeRate(5))
	if _, ok := n.MiningAddr.(*address.AddressPubKeyHash); !ok {
		t.Fatalf("mining address %T", n.MiningAddr)
	}
	n.Generate(t, 101)
	op, _ := n.Fund(t, p2wpkh(t), 100_000)
	tx, err := n.Client.GetRawTransaction(&op.Hash)
	if err != nil {
		t.Fatal(err)
	}
	msg := tx.MsgTx()
	if len(msg.TxIn[0].SignatureScript) == 0 || len(msg.TxIn[0].Witness) != 0 {
		t.Fatalf("P2PKH spend: sigScript %x witness %d items", msg.TxIn[0].SignatureScript, len(msg.TxIn[0].Witness))
	}
	var in int64
	prev, err := n.Client.GetRawTransaction(&msg.TxIn[0].PreviousOutPoint.Hash)
	if err != nil {
		t.Fatal(err)
	}
	in = prev.MsgTx().TxOut[msg.TxIn[0].PreviousOutPoint.Index].Value
	var outSum int64
	for _, o := range msg.TxOut {
		outSum += o.Value
	}
	fee := in - outSum
	if rate := float64(fee) / float64(btctest.VSize(msg)); rate < 5 || rate > 6 {
		t.Fatalf("fee %d for %d vB = %.2f sat/vB, want about 5", fee, btctest.VSize(msg), rate)
	}
}

func TestFundNeedsMatureCoinbase(t *testing.T) {
	n := btctest.Start(t)
	n.Generate(t, 50)
	ft := &fatalRecorder{TB: t}
	func() {
		defer func() { _ = recover() }()
		n.Fund(ft, p2wpkh(t), 1000)
	}()
	if !ft.fatal {
		t.Fatal("Fund with no mature coinbase did not fail")
	}
}

// fatalRecorder turns Fatalf into a recorded panic so a helper's failure
// can be asserted.
type fatalRecorder struct {
	testing.TB
	fatal bool
	msg   string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.fatal = true
	panic("fatal")
}

// TestReorgRemovesTx: A and B share the mining key (hence the coinbases
// below the fork). While they are disconnected A confirms tx1 (spending
// coinbase 1) and tx3 (coinbase 2); B confirms tx2, a conflicting spend of
// coinbase 1, and mines a longer branch. After reconnecting A follows B:
// tx1 is gone everywhere (its input is spent by tx2), tx3 is back in A's
// mempool unconfirmed, and A's old blocks are off the best chain.
func TestReorgRemovesTx(t *testing.T) {
	key, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	a := btctest.Start(t, btctest.WithMiningKey(key))
	b := btctest.Start(t, btctest.WithMiningKey(key))
	a.Connect(t, b)
	a.Generate(t, 101)
	a.WaitSynced(t, b)
	fork := a.Height(t)

	t0 := time.Now()
	a.Disconnect(t, b)
	tDisc := time.Since(t0)

	op1, _ := a.Fund(t, p2wpkh(t), 100_000) // block fork+1 on A
	op3, _ := a.Fund(t, p2wpkh(t), 200_000) // block fork+2 on A
	aBlock1, _ := a.Client.GetBlockHash(fork + 1)
	if confs, _ := confirmations(t, a, &op1.Hash); confs != 2 {
		t.Fatalf("tx1 on A: %d confirmations", confs)
	}
	if _, err := b.Client.GetRawTransactionVerbose(&op1.Hash); err == nil {
		t.Fatal("tx1 reached B while disconnected")
	}

	op2, _ := b.Fund(t, p2wpkh(t), 300_000) // block fork+1 on B: spends coinbase 1 too
	b.Generate(t, 2)                        // B: fork+3 > A: fork+2
	tx1, _ := a.Client.GetRawTransaction(&op1.Hash)
	tx2, _ := b.Client.GetRawTransaction(&op2.Hash)
	if tx1.MsgTx().TxIn[0].PreviousOutPoint != tx2.MsgTx().TxIn[0].PreviousOutPoint {
		t.Fatalf("tx1 and tx2 do not conflict: %v vs %v", tx1.MsgTx().TxIn[0].PreviousOutPoint, tx2.MsgTx().TxIn[0].PreviousOutPoint)
	}

	t0 = time.Now()
	a.Connect(t, b)
	a.WaitSynced(t, b)
	tReorg := time.Since(t0)
	if h := a.Height(t); h != fork+3 {
		t.Fatalf("A at height %d after reorg, want %d", h, fork+3)
	}
	if h, _ := a.Client.GetBlockHash(fork + 1); *h == *aBlock1 {
		t.Fatal("A's block with tx1 is still on the best chain")
	}
	for h := fork + 1; h <= fork+3; h++ {
		hash, _ := a.Client.GetBlockHash(h)
		if a.BlockHasTx(t, hash, &op1.Hash) || a.BlockHasTx(t, hash, &op3.Hash) {
			t.Fatalf("best-chain block %d still holds tx1 or tx3", h)
		}
	}
	// tx1 is off the chain: no confirmations, no block, its output is not
	// in the UTXO set. (btcd leaves it in A's mempool: see the package doc.)
	if res, err := a.Client.GetRawTransactionVerbose(&op1.Hash); err == nil {
		if res.Confirmations != 0 || res.BlockHash != "" {
			t.Fatalf("tx1 after reorg: %d confirmations in %q", res.Confirmations, res.BlockHash)
		}
		t.Logf("btcd: getrawtransaction tx1 after the reorg answers from the mempool (0 confirmations) although tx2 spent its input")
	} else {
		t.Logf("getrawtransaction tx1 after reorg: %v", err)
	}
	if utxo, err := a.Client.GetTxOut(&op1.Hash, 0, false); err != nil || utxo != nil {
		t.Fatalf("gettxout tx1:0 after reorg: %+v, %v; want none", utxo, err)
	}
	if confs, block := confirmations(t, a, &op3.Hash); confs != 0 || block != "" {
		t.Fatalf("tx3 after reorg: %d confirmations in %q, want unconfirmed", confs, block)
	}
	if confs, _ := confirmations(t, a, &op2.Hash); confs != 3 {
		t.Fatalf("tx2 on A after reorg: %d confirmations, want 3", confs)
	}
	pool, err := a.Client.GetRawMempool()
	if err != nil {
		t.Fatal(err)
	}
	inPool := map[chainhash.Hash]bool{}
	for _, h := range pool {
		inPool[*h] = true
	}
	if !inPool[op3.Hash] {
		t.Fatal("tx3 is not back in A's mempool after the reorg")
	}
	t.Logf("A's mempool after reorg: tx3 %v, tx1 (conflicts with the chain) %v", inPool[op3.Hash], inPool[op1.Hash])
	// A stale block: what getblockheader says about it.
	if hdr, err := a.Client.GetBlockHeaderVerbose(aBlock1); err != nil {
		t.Logf("getblockheader of A's stale block: %v", err)
	} else {
		t.Logf("getblockheader of A's stale block: height %d confirmations %d", hdr.Height, hdr.Confirmations)
	}
	// The next block mined on A is valid (B accepts it) and never holds
	// the conflicting tx1; tx3 is confirmed again.
	next := a.Generate(t, 1)[0]
	a.WaitSynced(t, b)
	if a.BlockHasTx(t, next, &op1.Hash) {
		t.Fatal("A mined the conflicting tx1")
	}
	if !a.BlockHasTx(t, next, &op3.Hash) {
		t.Fatal("A's next block does not hold tx3")
	}
	pool, _ = a.Client.GetRawMempool()
	t.Logf("A's mempool after its next block: %d transaction(s) %v", len(pool), pool)
	t.Logf("timings: disconnect %s, reconnect + reorg of 2 blocks by 3 %s", tDisc, tReorg)
}

// TestLowFeeRejected: with the default policy btcd refuses a transaction
// below 1 sat/vB (coin-age priority too low) and accepts one at 1 sat/vB.
func TestLowFeeRejected(t *testing.T) {
	n := btctest.Start(t)
	n.Generate(t, 101)
	key, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	addr, err := address.NewAddressWitnessPubKeyHash(address.Hash160(key.PubKey().SerializeCompressed()), btctest.Params)
	if err != nil {
		t.Fatal(err)
	}
	script, _ := txscript.PayToAddrScript(addr)
	op, out := n.Fund(t, script, 1_000_000)

	spend := func(fee int64) *wire.MsgTx {
		tx := wire.NewMsgTx(2)
		tx.AddTxIn(wire.NewTxIn(&op, nil, nil))
		tx.AddTxOut(wire.NewTxOut(out.Value-fee, script))
		sigHashes := txscript.NewTxSigHashes(tx, txscript.NewCannedPrevOutputFetcher(script, out.Value))
		w, err := txscript.WitnessSignature(tx, sigHashes, 0, out.Value, script, txscript.SigHashAll, key, true)
		if err != nil {
			t.Fatal(err)
		}
		tx.TxIn[0].Witness = w
		return tx
	}
	low := spend(0)
	vsize := btctest.VSize(low)
	low = spend(vsize - 1)
	if _, err := n.Client.SendRawTransaction(low, false); err == nil || !strings.Contains(err.Error(), "insufficient priority") {
		t.Fatalf("fee %d on %d vB: %v, want an insufficient priority rejection", vsize-1, vsize, err)
	} else {
		t.Logf("fee %d sat on %d vB: %v", vsize-1, vsize, err)
	}
	n.MineTx(t, spend(vsize))
}
