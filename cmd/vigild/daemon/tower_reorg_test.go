package daemon_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcjson"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// floorSatKvB is node B's minimum relay fee (--minrelaytxfee, which btcd
// takes in BTC/kvB). It is above the rate of vigil's first justice
// transaction (btcd has no fee estimate for a fresh regtest chain, so the
// tower uses its fallback of 2000 sat/kvB, about 2.0 sat/vB on the 154 vB
// justice), so B refuses that transaction (by RPC or relayed by A) and
// never mines it. A multiple of 1000 keeps btcd's mempool
// check (fee >= vsize*floor/1000) and its miner's (fee*1000/vsize >= floor)
// in agreement.
const (
	floorSatKvB = 4500
	floorArg    = "--minrelaytxfee=0.000045"
	toSelfDelay = 144 // newBreach's appointment and channel
)

// towerPair is two connected btcd nodes: A, which vigil watches and sends
// to, and B, whose relay floor keeps vigil's first justice out of its
// mempool and blocks. The channel is funded on A, B has every block.
type towerPair struct {
	a, b         *btctest.Node
	v            *vigil
	bs           *breachSetup
	payoutScript []byte
}

func startTowerPair(t *testing.T) *towerPair {
	t.Helper()
	chain := ethtest.New(t, 1)
	p := &towerPair{a: btctest.Start(t), b: btctest.Start(t, btctest.WithArgs(floorArg))}
	p.a.Generate(t, 101)
	p.a.Connect(t, p.b)
	p.a.WaitSynced(t, p.b)
	payout, payoutScript := payoutAddress(t)
	p.payoutScript = payoutScript
	p.v = towerVigil(t, chain, p.a, vigilOpts{key: chain.Keys[0], conf: 1}, payout)
	p.bs = newBreach(t, p.a, lntest.SighashSingleAnyoneCanPay, uint32(p.a.Height(t))+1, 20_000)
	p.a.WaitSynced(t, p.b)
	waitProcessed(t, p.v, p.a.Height(t))
	code, body := p.v.do("PUT", "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(p.bs.appt)))
	if code != 201 {
		t.Fatalf("PUT appointment: %d %v", code, body)
	}
	return p
}

// waitProcessed waits until vigil has handled the block at height (matched
// it and followed its justice transactions).
func waitProcessed(t *testing.T, v *vigil, height int64) {
	t.Helper()
	ethtest.Eventually(t, defaultWait, "vigil to process the Bitcoin block", func() bool {
		return int64(v.stats().Lightning.LastProcessed) >= height
	})
}

// waitSpender waits for a transaction spending the breach in n's mempool.
func waitSpender(t *testing.T, n *btctest.Node, breach chainhash.Hash) *wire.MsgTx {
	t.Helper()
	var tx *wire.MsgTx
	ethtest.Eventually(t, defaultWait, "vigil's justice transaction in the mempool", func() bool {
		tx = spenderInMempool(t, n, breach)
		return tx != nil
	})
	return tx
}

// blockSpenders returns the transactions of a block that spend an output
// of txid, and whether the block holds txid itself.
func blockSpenders(t *testing.T, n *btctest.Node, block *chainhash.Hash, txid chainhash.Hash) (spenders []*wire.MsgTx, holds bool) {
	t.Helper()
	b, err := n.Client.GetBlock(block)
	if err != nil {
		t.Fatalf("getblock %s: %v", block, err)
	}
	for _, tx := range b.Transactions {
		if tx.TxHash() == txid {
			holds = true
		}
		for _, in := range tx.TxIn {
			if in.PreviousOutPoint.Hash == txid {
				spenders = append(spenders, tx)
				break
			}
		}
	}
	return spenders, holds
}

// chainSpenders scans n's best chain from height from to the tip for
// transactions spending txid.
func chainSpenders(t *testing.T, n *btctest.Node, from int64, txid chainhash.Hash) []*wire.MsgTx {
	t.Helper()
	var out []*wire.MsgTx
	for h := from; h <= n.Height(t); h++ {
		hash, err := n.Client.GetBlockHash(h)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := blockSpenders(t, n, hash, txid)
		out = append(out, s...)
	}
	return out
}

// confirmedAt reports the height of the best-chain block holding txid at n
// (txindex), or 0 when it is unconfirmed or unknown.
func confirmedAt(t *testing.T, n *btctest.Node, txid chainhash.Hash) int64 {
	t.Helper()
	res, err := n.Client.GetRawTransactionVerbose(&txid)
	if err != nil {
		var je *btcjson.RPCError
		if errors.As(err, &je) && je.Code == btcjson.ErrRPCNoTxInfo {
			return 0
		}
		t.Fatalf("getrawtransaction %s: %v", txid, err)
	}
	if res.BlockHash == "" || res.Confirmations == 0 {
		return 0
	}
	bh, err := chainhash.NewHashFromStr(res.BlockHash)
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := n.Client.GetBlockHeaderVerbose(bh)
	if err != nil {
		return 0 // not on the best chain
	}
	return int64(hdr.Height)
}

// justiceFee is what a justice transaction leaves to the miner.
func justiceFee(breach, j *wire.MsgTx) int64 {
	var fee int64
	for _, in := range j.TxIn {
		fee += breach.TxOut[in.PreviousOutPoint.Index].Value
	}
	for _, o := range j.TxOut {
		fee -= o.Value
	}
	return fee
}

func feeRate(breach, j *wire.MsgTx) int64 { return justiceFee(breach, j) * 1000 / btctest.VSize(j) }

// checkJustice: j is a version of vigil's justice for the breach: the
// victim's input and output exactly as signed, the input signalling BIP 125
// replaceability, and vigil's bounty output.
func checkJustice(t *testing.T, p *towerPair, j *wire.MsgTx) {
	t.Helper()
	signed := p.bs.justice
	if len(j.TxIn) != len(signed.TxIn) || len(j.TxOut) != 2 {
		t.Fatalf("justice %s: %d inputs, %d outputs", j.TxHash(), len(j.TxIn), len(j.TxOut))
	}
	for i, in := range j.TxIn {
		if in.PreviousOutPoint != signed.TxIn[i].PreviousOutPoint || in.Sequence > wire.MaxTxInSequenceNum-2 {
			t.Fatalf("justice %s input %d: %v seq %#x, signed %v", j.TxHash(), i, in.PreviousOutPoint, in.Sequence, signed.TxIn[i].PreviousOutPoint)
		}
	}
	if got := j.TxOut[0]; got.Value != p.bs.victimOut.Value || !bytes.Equal(got.PkScript, p.bs.victimOut.PkScript) {
		t.Fatalf("justice %s: the victim's output changed: %d %x", j.TxHash(), got.Value, got.PkScript)
	}
	if !bytes.Equal(j.TxOut[1].PkScript, p.payoutScript) || j.TxOut[1].Value <= 0 {
		t.Fatalf("justice %s: payout output %d to %x", j.TxHash(), j.TxOut[1].Value, j.TxOut[1].PkScript)
	}
}

// mineUntilSpent mines one block at a time on n, letting vigil process each,
// until a block holds a spender of txid; it returns that spender and the
// block's height.
func mineUntilSpent(t *testing.T, n *btctest.Node, v *vigil, txid chainhash.Hash, maxBlocks int) (*wire.MsgTx, int64) {
	t.Helper()
	for i := 0; i < maxBlocks; i++ {
		block := n.Generate(t, 1)[0]
		h := n.Height(t)
		waitProcessed(t, v, h)
		if s, _ := blockSpenders(t, n, block, txid); len(s) > 0 {
			if len(s) != 1 {
				t.Fatalf("block %d spends the breach %d times", h, len(s))
			}
			return s[0], h
		}
	}
	t.Fatalf("no block spends %s after %d blocks", txid, maxBlocks)
	return nil, 0
}

// waitBounty mines until the justice is final (Confirmations = 6) and
// checks vigil counts one justice, confirmed, with this bounty.
func waitBounty(t *testing.T, p *towerPair, miner *btctest.Node, confirmedHeight int64, bounty int64) {
	t.Helper()
	if n := confirmedHeight + 5 - miner.Height(t); n > 0 {
		miner.Generate(t, int(n))
	}
	if miner != p.a {
		p.a.WaitSynced(t, miner)
	}
	ethtest.Eventually(t, defaultWait, "the bounty in stats", func() bool {
		l := p.v.stats().Lightning
		return l.JusticeConfirmed == 1 && l.BountyEarnedSat == bounty
	})
	if l := p.v.stats().Lightning; l.BreachesSeen != 1 || l.JusticeBroadcast != 1 {
		t.Fatalf("lightning stats: %+v", l)
	}
}

// refuses checks that n does not take tx into its mempool for its fee.
func refuses(t *testing.T, n *btctest.Node, tx *wire.MsgTx) bool {
	t.Helper()
	_, err := n.Client.SendRawTransaction(tx, false)
	if err == nil {
		return false
	}
	m := err.Error()
	if strings.Contains(m, "already have") {
		return false
	}
	if !strings.Contains(m, "insufficient priority") && !strings.Contains(m, "under the required amount") {
		t.Fatalf("B refused %s for another reason than its fee: %v", tx.TxHash(), err)
	}
	return true
}

// TestTowerReorgResendsJustice: vigil's justice transaction is mined, then
// a longer branch without it replaces the block; vigil must send it again
// and it is mined on the new chain. In the second case the reorg removes
// the breach as well, and vigil sends the breach back before the justice.
//
// btcd puts the transactions of disconnected blocks back into its mempool
// (netsync, NTBlockDisconnected), so after the reorg A would mine the
// justice again with no help from vigil. To make the rebroadcast vigil's
// doing, A is restarted once vigil has followed the reorg: btcd keeps no
// mempool across a restart (nor peers: A is then alone), and B, whose
// branch won, never accepts the justice (its relay floor). The block A
// mines right after the restart proves the mempool empty; the justice is
// in a later block only if vigil resent it.
func TestTowerReorgResendsJustice(t *testing.T) {
	t.Run("justice", func(t *testing.T) {
		start := time.Now()
		p := startTowerPair(t)
		a, b, bs := p.a, p.b, p.bs
		breachID := bs.commit.TxHash()

		// The breach at H, on both nodes.
		a.Broadcast(t, bs.commit)
		if _, holds := blockSpenders(t, a, a.Generate(t, 1)[0], breachID); !holds {
			t.Fatal("the breach was not mined")
		}
		h := a.Height(t)
		a.WaitSynced(t, b)
		j1 := waitSpender(t, a, breachID)
		checkJustice(t, p, j1)
		if !refuses(t, b, j1) {
			t.Fatalf("B accepted the justice at %d sat/kvB", feeRate(bs.commit, j1))
		}

		// The justice at H+1, on A only.
		a.Disconnect(t, b)
		j1ID := j1.TxHash()
		if !a.BlockHasTx(t, a.Generate(t, 1)[0], &j1ID) {
			t.Fatal("the justice is not in the block after the breach")
		}
		waitProcessed(t, p.v, h+1)

		// B's branch H+1', H+2': the breach, not the justice.
		for _, blk := range b.Generate(t, 2) {
			if s, _ := blockSpenders(t, b, blk, breachID); len(s) != 0 {
				t.Fatal("B mined a justice transaction")
			}
		}
		a.Connect(t, b)
		a.WaitSynced(t, b)
		if at := confirmedAt(t, a, j1ID); at != 0 {
			t.Fatalf("the justice is still confirmed at %d after the reorg", at)
		}
		if at := confirmedAt(t, a, breachID); at != h {
			t.Fatalf("the breach is at %d on the new chain, want %d", at, h)
		}
		waitProcessed(t, p.v, h+2)
		t.Logf("after the reorg A's mempool holds %v", spenderInMempool(t, a, breachID) != nil)

		a.Restart(t)
		if s := spenderInMempool(t, a, breachID); s != nil {
			t.Fatalf("A's mempool still holds %s after the restart", s.TxHash())
		}
		got, at := mineUntilSpent(t, a, p.v, breachID, 4)
		checkJustice(t, p, got)
		if at < h+4 {
			t.Fatalf("justice mined at %d, before vigil could resend it", at)
		}
		// The very transaction of the orphaned block: its fee had got it
		// mined, so vigil resends it rather than replacing it.
		if got.TxHash() != j1ID {
			t.Fatalf("vigil replaced the justice after the reorg: %s (bounty %d) instead of %s (bounty %d)",
				got.TxHash(), got.TxOut[1].Value, j1ID, j1.TxOut[1].Value)
		}
		if s := chainSpenders(t, a, h, breachID); len(s) != 1 {
			t.Fatalf("%d spenders of the breach on the new chain", len(s))
		}
		t.Logf("justice %s (first %s) mined again at %d (breach %d); bounty %d, first %d",
			got.TxHash(), j1ID, at, h, got.TxOut[1].Value, j1.TxOut[1].Value)
		waitBounty(t, p, a, at, got.TxOut[1].Value)
		t.Logf("took %s", time.Since(start).Round(time.Millisecond))
	})

	t.Run("breach_and_justice", func(t *testing.T) {
		start := time.Now()
		p := startTowerPair(t)
		a, b, bs := p.a, p.b, p.bs
		breachID := bs.commit.TxHash()
		fork := a.Height(t)

		// The breach at F+1 and the justice at F+2, on A only.
		a.Disconnect(t, b)
		a.Broadcast(t, bs.commit)
		if _, holds := blockSpenders(t, a, a.Generate(t, 1)[0], breachID); !holds {
			t.Fatal("the breach was not mined")
		}
		j1 := waitSpender(t, a, breachID)
		checkJustice(t, p, j1)
		j1ID := j1.TxHash()
		if !a.BlockHasTx(t, a.Generate(t, 1)[0], &j1ID) {
			t.Fatal("the justice is not in the block after the breach")
		}
		waitProcessed(t, p.v, fork+2)

		// B's branch F+1'..F+3': neither.
		for _, blk := range b.Generate(t, 3) {
			if s, holds := blockSpenders(t, b, blk, breachID); holds || len(s) != 0 {
				t.Fatal("B mined the breach or a justice transaction")
			}
		}
		a.Connect(t, b)
		a.WaitSynced(t, b)
		if at := confirmedAt(t, a, breachID); at != 0 {
			t.Fatalf("the breach is still confirmed at %d after the reorg", at)
		}
		waitProcessed(t, p.v, fork+3)

		a.Restart(t)
		if _, err := a.Client.GetMempoolEntry(breachID.String()); err == nil {
			t.Fatal("A's mempool still holds the breach after the restart")
		}
		got, at := mineUntilSpent(t, a, p.v, breachID, 4)
		checkJustice(t, p, got)
		// Nothing at F+4 (A's mempool was empty); vigil resends the breach,
		// then the justice, on that block: both are in F+5.
		breachAt := confirmedAt(t, a, breachID)
		if breachAt < fork+5 || breachAt > at {
			t.Fatalf("breach back at %d, justice at %d (fork %d)", breachAt, at, fork)
		}
		// The justice may be a replacement of j1: the watcher catches up
		// F+1'..F+3' in one poll and the tower bumps on F+3', BumpAfter
		// blocks after it noticed the reorg at F+1'.
		if got.TxHash() != j1ID && got.TxOut[1].Value >= j1.TxOut[1].Value {
			t.Fatalf("justice %s is not a replacement of %s: bounty %d, first %d", got.TxHash(), j1ID, got.TxOut[1].Value, j1.TxOut[1].Value)
		}
		if s := chainSpenders(t, a, fork+1, breachID); len(s) != 1 {
			t.Fatalf("%d spenders of the breach on the new chain", len(s))
		}
		t.Logf("breach back at %d, justice %s (first %s) at %d; bounty %d, first %d",
			breachAt, got.TxHash(), j1ID, at, got.TxOut[1].Value, j1.TxOut[1].Value)
		waitBounty(t, p, a, at, got.TxOut[1].Value)
		t.Logf("took %s", time.Since(start).Round(time.Millisecond))
	})
}

// TestTowerRBFBeforeDeadline: vigil's first justice transaction is stuck:
// the blocks come from node B, whose relay floor is above its fee rate, so
// B never takes it (not by relay from A, not by sendrawtransaction) and
// never mines it, while A, the node vigil watches and sends to, holds it in
// its mempool. After BumpAfter (2) blocks vigil replaces it (BIP 125: same
// input, which signals replaceability with nSequence 0xfffffffd, and the
// victim's output untouched; a higher fee taken from vigil's own output),
// and again every BumpAfter blocks until the fee rate clears B's floor. B
// then accepts the replacement and mines it, long before the deadline
// (breach height + to_self_delay); the first version is never mined.
func TestTowerRBFBeforeDeadline(t *testing.T) {
	start := time.Now()
	p := startTowerPair(t)
	a, b, bs := p.a, p.b, p.bs
	breachID := bs.commit.TxHash()

	a.Broadcast(t, bs.commit)
	if _, holds := blockSpenders(t, a, a.Generate(t, 1)[0], breachID); !holds {
		t.Fatal("the breach was not mined")
	}
	h := a.Height(t)
	a.WaitSynced(t, b)
	j1 := waitSpender(t, a, breachID)
	checkJustice(t, p, j1)
	if r := feeRate(bs.commit, j1); r >= floorSatKvB || !refuses(t, b, j1) {
		t.Fatalf("the first justice (%d sat/kvB) is not stuck below B's floor of %d sat/kvB", r, floorSatKvB)
	}

	// Blocks from B, one at a time; A follows and vigil processes each.
	versions := []*wire.MsgTx{j1}
	seenAt := []int64{h}
	var accepted *wire.MsgTx
	for i := 0; i < 20 && accepted == nil; i++ {
		blk := b.Generate(t, 1)[0]
		height := b.Height(t)
		if s, _ := blockSpenders(t, b, blk, breachID); len(s) != 0 {
			t.Fatalf("B mined %s below its floor", s[0].TxHash())
		}
		a.WaitSynced(t, b)
		waitProcessed(t, p.v, height)
		cur := spenderInMempool(t, a, breachID)
		if cur == nil {
			t.Fatalf("no justice in A's mempool after block %d", height)
		}
		last := versions[len(versions)-1]
		if cur.TxHash() != last.TxHash() {
			checkJustice(t, p, cur)
			if height-seenAt[len(seenAt)-1] < 2 {
				t.Fatalf("replaced at %d, %d block(s) after the previous version", height, height-seenAt[len(seenAt)-1])
			}
			prevFee, fee := justiceFee(bs.commit, last), justiceFee(bs.commit, cur)
			if fee <= prevFee || feeRate(bs.commit, cur) <= feeRate(bs.commit, last) || cur.TxOut[1].Value >= last.TxOut[1].Value {
				t.Fatalf("replacement at %d: fee %d -> %d, bounty %d -> %d", height, prevFee, fee, last.TxOut[1].Value, cur.TxOut[1].Value)
			}
			// A holds one version only: the replacement evicted the last.
			if _, err := a.Client.GetMempoolEntry(last.TxHash().String()); err == nil {
				t.Fatalf("A holds %s and its replacement", last.TxHash())
			}
			versions, seenAt = append(versions, cur), append(seenAt, height)
			t.Logf("block %d: replaced, fee %d sat (%d sat/kvB), bounty %d", height, fee, feeRate(bs.commit, cur), cur.TxOut[1].Value)
		}
		if len(versions) == 1 && height >= h+2 {
			t.Fatalf("no replacement %d blocks after the breach", height-h)
		}
		if !refuses(t, b, cur) {
			accepted = cur
		}
	}
	if accepted == nil {
		t.Fatal("no version of the justice cleared B's floor in 20 blocks")
	}
	if seenAt[1] != h+2 {
		t.Fatalf("first replacement at %d, want breach+BumpAfter = %d", seenAt[1], h+2)
	}

	// B mines it.
	blk := b.Generate(t, 1)[0]
	at := b.Height(t)
	aid := accepted.TxHash()
	if !b.BlockHasTx(t, blk, &aid) {
		t.Fatalf("B did not mine the replacement it accepted (%d sat/kvB)", feeRate(bs.commit, accepted))
	}
	a.WaitSynced(t, b)
	if deadline := h + toSelfDelay; at >= deadline {
		t.Fatalf("justice mined at %d, deadline %d", at, deadline)
	}
	if r := feeRate(bs.commit, accepted); r < floorSatKvB {
		t.Fatalf("mined at %d sat/kvB, below B's floor", r)
	}
	if accepted.TxOut[1].Value >= j1.TxOut[1].Value {
		t.Fatalf("bounty %d, first version %d", accepted.TxOut[1].Value, j1.TxOut[1].Value)
	}
	if s := chainSpenders(t, a, h, breachID); len(s) != 1 || s[0].TxHash() != aid {
		t.Fatalf("spenders of the breach on the chain: %d", len(s))
	}
	for _, v := range versions[:len(versions)-1] {
		for _, n := range []*btctest.Node{a, b} {
			if at := confirmedAt(t, n, v.TxHash()); at != 0 {
				t.Fatalf("replaced version %s confirmed at %d", v.TxHash(), at)
			}
		}
	}
	t.Logf("%d versions; mined at %d (breach %d, deadline %d): fee %d -> %d sat, bounty %d -> %d",
		len(versions), at, h, h+toSelfDelay, justiceFee(bs.commit, j1), justiceFee(bs.commit, accepted),
		j1.TxOut[1].Value, accepted.TxOut[1].Value)
	waitBounty(t, p, b, at, accepted.TxOut[1].Value)
	t.Logf("took %s", time.Since(start).Round(time.Millisecond))
}

// TestTowerRBFEarlierVersionMined: a miner mines a version of the justice
// that vigil has replaced since (the miner had that one, not the
// replacement; normal with RBF). Vigil must take the mined version as its
// justice and count it, with its bounty, once final, instead of resending
// its latest version, which can no longer be mined, at every block.
//
// B's blocks reach A by submitblock, the nodes being disconnected, so that
// B's mempool holds only what the test gives it (btcd relays transactions
// on a 10 s trickle, which would race the test).
func TestTowerRBFEarlierVersionMined(t *testing.T) {
	p := startTowerPair(t)
	a, b, bs := p.a, p.b, p.bs
	breachID := bs.commit.TxHash()
	a.Broadcast(t, bs.commit)
	a.Generate(t, 1)
	a.WaitSynced(t, b)
	j1 := waitSpender(t, a, breachID)
	a.Disconnect(t, b)
	mine := func() (*chainhash.Hash, int64) {
		t.Helper()
		hash := b.Generate(t, 1)[0]
		blk, err := b.Client.GetBlock(hash)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Client.SubmitBlock(btcutil.NewBlock(blk), nil); err != nil {
			t.Fatalf("submitblock to A: %v", err)
		}
		h := b.Height(t)
		waitProcessed(t, p.v, h)
		return hash, h
	}

	// Let vigil bump until a version clears B's floor, then once more.
	versions := []*wire.MsgTx{j1}
	var cleared *wire.MsgTx
	for i := 0; i < 20 && (cleared == nil || versions[len(versions)-1] == cleared); i++ {
		mine()
		cur := spenderInMempool(t, a, breachID)
		if cur == nil {
			t.Fatal("no justice in A's mempool")
		}
		if cur.TxHash() == versions[len(versions)-1].TxHash() {
			continue
		}
		checkJustice(t, p, cur)
		versions = append(versions, cur)
		if cleared == nil && feeRate(bs.commit, cur) >= floorSatKvB {
			cleared = cur
		}
	}
	newest := versions[len(versions)-1]
	if cleared == nil || newest == cleared {
		t.Fatalf("no replacement of a version above B's floor (%d versions)", len(versions))
	}

	// B has the cleared version only and mines it; A drops the newest.
	b.Broadcast(t, cleared)
	blk, at := mine()
	cid := cleared.TxHash()
	if !b.BlockHasTx(t, blk, &cid) {
		t.Fatal("B did not mine the version it had")
	}
	for range 5 {
		mine()
	}
	ethtest.Eventually(t, defaultWait, "the mined version's bounty in stats", func() bool {
		l := p.v.stats().Lightning
		return l.JusticeConfirmed == 1 && l.BountyEarnedSat == cleared.TxOut[1].Value
	})
	if at := confirmedAt(t, a, newest.TxHash()); at != 0 {
		t.Fatalf("the newest version is confirmed at %d too", at)
	}
	if l := p.v.stats().Lightning; l.JusticeBroadcast != 1 {
		t.Fatalf("lightning stats: %+v", l)
	}
	t.Logf("version %d of %d mined at %d: bounty %d (newest %d)", len(versions)-1, len(versions), at,
		cleared.TxOut[1].Value, newest.TxOut[1].Value)
}
