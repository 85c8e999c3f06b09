package daemon_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// logBuffer collects vigild's log lines for a test to read.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the logged lines at level that contain msg.
func (l *logBuffer) lines(level, msg string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, "level="+level) && strings.Contains(line, msg) {
			out = append(out, line)
		}
	}
	return out
}

var _ io.Writer = (*logBuffer)(nil)

// justiceRecords lists vigil's justice records (GET /api/1/justice).
func justiceRecords(t *testing.T, v *vigil, query string) []map[string]any {
	t.Helper()
	code, body := v.do(http.MethodGet, "/api/1/justice"+query, nil)
	if code != http.StatusOK {
		t.Fatalf("GET /api/1/justice%s: %d %v", query, code, body)
	}
	list, _ := body["justice"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, r := range list {
		out = append(out, r.(map[string]any))
	}
	return out
}

// recordFor is the justice record of a breach, failing unless there is
// exactly one.
func recordFor(t *testing.T, records []map[string]any, breach chainhash.Hash) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range records {
		if r["breach_txid"] == breach.String() {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d records for breach %s: %v", len(found), breach, records)
	}
	return found[0]
}

// signedBreach is a channel with to_self_delay delay and a revoked
// commitment whose justice transaction the victim signed SIGHASH_ALL with
// a fee of feeSat: the tower sends it exactly as signed, with no bounty
// and therefore no fee bump, at whatever rate feeSat gives.
func signedBreach(t *testing.T, btc *btctest.Node, delay uint16, feeSat int64, tip uint32) *breachSetup {
	t.Helper()
	ch := lntest.OpenChannel(t, btc, 1_000_000, delay)
	commit := ch.Commitment(t, 600_000, 390_000, 10_000)
	st := ch.State(t, commit)
	victim, _ := btcec.NewPrivateKey()
	justice := ch.Justice(t, commit, lntest.P2WPKH(victim.PubKey()), lntest.SighashAll, st.ToLocal-btcutil.Amount(feeSat))
	a := tower.Appointment{Network: "regtest", Locator: lncrypto.Locator(commit.TxHash()),
		EncryptedBlob: seal(t, serialize(t, justice), commit.TxHash()), Cipher: lncrypto.CipherChaCha20Poly1305,
		ToSelfDelay: uint32(delay), StartBlock: tip, EndBlock: tip + 1000, RewardSat: 2000, Seq: 1}
	user, _ := btcec.NewPrivateKey()
	if err := a.Sign(user); err != nil {
		t.Fatal(err)
	}
	return &breachSetup{ch: ch, commit: commit, justice: justice, appt: a, victimOut: justice.TxOut[0]}
}

// delayedSpend is the cheater's own spend of the breach's to_local output:
// the delayed path (witness <sig> <> <script>), valid from to_self_delay
// blocks after the breach confirms (nSequence = to_self_delay, BIP 68).
func delayedSpend(t *testing.T, b *breachSetup, feeSat int64) *wire.MsgTx {
	t.Helper()
	st := b.ch.State(t, b.commit)
	prev := b.commit.TxOut[st.ToLocalIndex]
	tx := wire.NewMsgTx(2)
	in := wire.NewTxIn(&wire.OutPoint{Hash: b.commit.TxHash(), Index: uint32(st.ToLocalIndex)}, nil, nil)
	in.Sequence = uint32(b.ch.ToSelfDelay)
	tx.AddTxIn(in)
	cheater, _ := btcec.NewPrivateKey()
	tx.AddTxOut(wire.NewTxOut(prev.Value-feeSat, lntest.P2WPKH(cheater.PubKey())))
	fetcher := txscript.NewCannedPrevOutputFetcher(prev.PkScript, prev.Value)
	sig, err := txscript.RawTxInWitnessSignature(tx, txscript.NewTxSigHashes(tx, fetcher), 0, prev.Value,
		st.ToLocalScript, txscript.SigHashAll, st.DelayedKey)
	if err != nil {
		t.Fatal(err)
	}
	tx.TxIn[0].Witness = wire.TxWitness{sig, {}, st.ToLocalScript}
	if err := btctest.VerifyTx(tx, map[wire.OutPoint]*wire.TxOut{in.PreviousOutPoint: prev}); err != nil {
		t.Fatalf("the delayed spend does not verify: %v", err)
	}
	return tx
}

// TestTowerLostToOtherJustice: vigil's justice transaction waits in node
// A's mempool (node B, which mines, refuses its fee rate) when the victim's
// own justice transaction, the one the victim signed, is mined on B. The
// breach output is spent by a justice transaction that is not vigil's:
// the client is protected. vigil settles its record as lost with reason
// spent_by_other_justice and the spender's txid, warns (not an error),
// counts it, and from then on neither rebroadcasts nor bumps.
func TestTowerLostToOtherJustice(t *testing.T) {
	logs := &logBuffer{}
	p := startTowerPairLogged(t, logs)
	a, b, bs := p.a, p.b, p.bs
	breachID := bs.commit.TxHash()

	b.Broadcast(t, bs.commit)
	b.Generate(t, 1)
	h := b.Height(t)
	a.WaitSynced(t, b)
	ours := waitSpender(t, a, breachID)
	checkJustice(t, p, ours)
	if !refuses(t, b, ours) {
		t.Fatal("B accepted vigil's justice transaction")
	}
	// The victim's own justice transaction, mined on B at h+1.
	theirs := bs.justice
	b.Broadcast(t, theirs)
	theirsID := theirs.TxHash()
	if !b.BlockHasTx(t, b.Generate(t, 1)[0], &theirsID) {
		t.Fatal("the victim's justice transaction was not mined")
	}
	a.WaitSynced(t, b)
	waitProcessed(t, p.v, h+1)

	var r map[string]any
	ethtest.Eventually(t, defaultWait, "vigil's record settled as lost", func() bool {
		r = recordFor(t, justiceRecords(t, p.v, ""), breachID)
		return r["outcome"] == string(tower.JusticeLost)
	})
	if r["reason"] != string(monitor.ReasonSpentByJustice) || r["spent_by_txid"] != theirsID.String() ||
		r["spent_block"] != fmt.Sprint(h+1) || r["txid"] != ours.TxHash().String() {
		t.Fatalf("lost record: %v", r)
	}
	l := p.v.stats().Lightning
	if l.JusticeLost[string(monitor.ReasonSpentByJustice)] != 1 || l.JusticeLost[string(monitor.ReasonSpentByCheater)] != 0 ||
		l.BreachesSeen != 1 || l.JusticeConfirmed != 0 || l.BountyEarnedSat != 0 {
		t.Fatalf("lightning stats: %+v", l)
	}
	if got := logs.lines("WARN", "spent by another justice transaction"); len(got) != 1 {
		t.Fatalf("warnings about the other justice transaction: %q", got)
	}
	if got := logs.lines("ERROR", ""); len(got) != 0 {
		t.Fatalf("errors logged although the client is protected: %q", got)
	}

	// Settled: three more blocks bring no rebroadcast attempt, no bump and
	// no change to the record.
	b.Generate(t, 3)
	a.WaitSynced(t, b)
	waitProcessed(t, p.v, h+4)
	if again := recordFor(t, justiceRecords(t, p.v, ""), breachID); again["updated_at"] != r["updated_at"] || again["outcome"] != r["outcome"] {
		t.Fatalf("the lost record changed: %v, was %v", again, r)
	}
	if n := len(justiceRecords(t, p.v, "")); n != 1 {
		t.Fatalf("%d justice records, want 1 (no replacement after the loss)", n)
	}
	if got := logs.lines("WARN", "cannot follow a justice transaction"); len(got) != 0 {
		t.Fatalf("vigil still tries to follow the lost justice transaction: %q", got)
	}
}

// startTowerPairLogged is startTowerPair with vigild's warnings and errors
// also written to logs.
func startTowerPairLogged(t *testing.T, logs io.Writer) *towerPair {
	t.Helper()
	chain := ethtest.New(t, 1)
	p := &towerPair{a: btctest.Start(t), b: btctest.Start(t, btctest.WithArgs(floorArg))}
	p.a.Generate(t, 101)
	p.a.Connect(t, p.b)
	p.a.WaitSynced(t, p.b)
	payout, payoutScript := payoutAddress(t)
	p.payoutScript = payoutScript
	p.v = towerVigil(t, chain, p.a, vigilOpts{key: chain.Keys[0], conf: 1, logs: logs}, payout)
	p.bs = newBreach(t, p.a, lntest.SighashSingleAnyoneCanPay, uint32(p.a.Height(t))+1, 20_000)
	p.a.WaitSynced(t, p.b)
	waitProcessed(t, p.v, p.a.Height(t))
	if code, body := p.v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(p.bs.appt))); code != 201 {
		t.Fatalf("PUT appointment: %d %v", code, body)
	}
	return p
}

// TestTowerLostToCheaterAndDeadline: two channels breached in one block,
// each with a short to_self_delay and a justice transaction whose fee rate
// node B (which mines) refuses, so neither is mined: vigil keeps them in
// node A's mempool. At the deadline (breach block + to_self_delay) the
// first cheater takes its to_local output by the delayed path, in the
// first block where that is valid: vigil records that transaction as the
// spender, with reason spent_by_cheater, logs an error and counts the loss.
// The second cheater does nothing: at the deadline vigil settles that
// record as deadline_passed, logs an error and counts it. Afterwards vigil
// sends neither again: with A restarted (an empty mempool) and mining alone,
// no block holds a justice transaction.
func TestTowerLostToCheaterAndDeadline(t *testing.T) {
	const delay = 8
	logs := &logBuffer{}
	chain := ethtest.New(t, 1)
	a, b := btctest.Start(t), btctest.Start(t, btctest.WithArgs(floorArg))
	a.Generate(t, 101)
	a.Connect(t, b)
	a.WaitSynced(t, b)
	payout, _ := payoutAddress(t)
	v := towerVigil(t, chain, a, vigilOpts{key: chain.Keys[0], conf: 1, logs: logs}, payout)
	tip := uint32(a.Height(t)) + 2 // the two funding blocks
	// About 2 sat/vB: A relays it (its floor is 1 sat/vB), B refuses it.
	spent, idle := signedBreach(t, a, delay, 250, tip), signedBreach(t, a, delay, 250, tip)
	a.WaitSynced(t, b)
	waitProcessed(t, v, a.Height(t))
	for _, bs := range []*breachSetup{spent, idle} {
		if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(bs.appt))); code != 201 {
			t.Fatalf("PUT appointment: %d %v", code, body)
		}
	}

	b.Broadcast(t, spent.commit)
	b.Broadcast(t, idle.commit)
	b.Generate(t, 1)
	h := b.Height(t)
	deadline := h + delay
	a.WaitSynced(t, b)
	for _, bs := range []*breachSetup{spent, idle} {
		j := waitSpender(t, a, bs.commit.TxHash())
		if j.TxHash() != bs.justice.TxHash() {
			t.Fatal("a SIGHASH_ALL justice transaction was changed")
		}
		if !refuses(t, b, j) {
			t.Fatalf("B accepted a justice transaction at %d sat/kvB", feeRate(bs.commit, j))
		}
	}
	// Up to the block before the deadline, one block at a time: both stay
	// open (and unbumped: they carry no bounty).
	for b.Height(t) < deadline-1 {
		b.Generate(t, 1)
		a.WaitSynced(t, b)
		waitProcessed(t, v, b.Height(t))
	}
	for _, r := range justiceRecords(t, v, "") {
		if r["outcome"] != string(tower.JusticeBroadcast) {
			t.Fatalf("before the deadline: %v", r)
		}
	}
	// The first cheater's delayed spend, valid from the deadline block on.
	steal := delayedSpend(t, spent, 2000)
	b.Broadcast(t, steal)
	stealID := steal.TxHash()
	if !b.BlockHasTx(t, b.Generate(t, 1)[0], &stealID) {
		t.Fatal("the cheater's delayed spend was not mined at the deadline")
	}
	a.WaitSynced(t, b)
	waitProcessed(t, v, deadline)

	var records []map[string]any
	ethtest.Eventually(t, defaultWait, "both records settled as lost", func() bool {
		records = justiceRecords(t, v, "?outcome=lost")
		return len(records) == 2
	})
	rs, ri := recordFor(t, records, spent.commit.TxHash()), recordFor(t, records, idle.commit.TxHash())
	if rs["reason"] != string(monitor.ReasonSpentByCheater) || rs["spent_by_txid"] != stealID.String() || rs["spent_block"] != fmt.Sprint(deadline) {
		t.Fatalf("record of the spent breach: %v", rs)
	}
	if ri["reason"] != string(monitor.ReasonDeadlinePassed) || ri["spent_by_txid"] != nil || ri["deadline"] != fmt.Sprint(deadline) {
		t.Fatalf("record of the idle breach: %v", ri)
	}
	l := v.stats().Lightning
	if l.JusticeLost[string(monitor.ReasonSpentByCheater)] != 1 || l.JusticeLost[string(monitor.ReasonDeadlinePassed)] != 1 ||
		l.BreachesSeen != 2 || l.JusticeBroadcast != 2 || l.JusticeConfirmed != 0 {
		t.Fatalf("lightning stats: %+v", l)
	}
	if got := logs.lines("ERROR", "spent by the cheater"); len(got) != 1 || !strings.Contains(got[0], "spent_by="+stealID.String()) {
		t.Fatalf("error log of the theft: %q", got)
	}
	if got := logs.lines("ERROR", "unconfirmed at the deadline"); len(got) != 1 {
		t.Fatalf("error log of the deadline: %q", got)
	}
	metrics := getText(t, v, "/metrics")
	for _, want := range []string{`vigil_ln_justice_lost_total{reason="spent_by_cheater"} 1`, `vigil_ln_justice_lost_total{reason="deadline_passed"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// No sending after the deadline: A forgets its mempool and mines alone;
	// the idle breach's to_local output is still unspent, so a justice
	// transaction vigil sent would be mined.
	a.Restart(t)
	if s := spenderInMempool(t, a, idle.commit.TxHash()); s != nil {
		t.Fatalf("A's mempool still holds %s after the restart", s.TxHash())
	}
	for range 3 {
		a.Generate(t, 1)
		waitProcessed(t, v, a.Height(t))
	}
	if s := chainSpenders(t, a, deadline+1, idle.commit.TxHash()); len(s) != 0 {
		t.Fatalf("a justice transaction was sent after the deadline: %s", s[0].TxHash())
	}
	if s := spenderInMempool(t, a, idle.commit.TxHash()); s != nil {
		t.Fatalf("vigil sent %s after the deadline", s.TxHash())
	}
}

// getText GETs path and returns the body as text.
func getText(t *testing.T, v *vigil, path string) string {
	t.Helper()
	resp, err := http.Get(v.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	return string(raw)
}
