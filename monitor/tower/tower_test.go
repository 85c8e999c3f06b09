package tower_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// Unit tests of the tower's decisions around the store: late responses
// retried, expiry leaving the locator index, a breach counted once. The
// store is the real SQLite one (wrapped to inject a failure or count
// lookups); the node is a fake that records what is sent; the channel is
// lntest's BOLT 3 construction on a made-up funding outpoint (the tower
// verifies the justice transaction against the breach's outputs only).

// towerStore is the SQLite store with an injected InsertJustice failure and
// a count of AppointmentsByLocator calls (each one a confirmed index hit).
type towerStore struct {
	*store.Store
	mu         sync.Mutex
	failInsert int
	lookups    int
	// inserts and batches count InsertJustice and InsertJustices calls.
	inserts, batches int
}

func (s *towerStore) InsertJustices(ctx context.Context, js []tower.Justice) error {
	s.mu.Lock()
	s.batches++
	s.mu.Unlock()
	return s.Store.InsertJustices(ctx, js)
}

func (s *towerStore) writes() (inserts, batches int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inserts, s.batches
}

func (s *towerStore) InsertJustice(ctx context.Context, j tower.Justice) (int64, error) {
	s.mu.Lock()
	s.inserts++
	fail := s.failInsert > 0
	if fail {
		s.failInsert--
	}
	s.mu.Unlock()
	if fail {
		return 0, errors.New("injected: disk I/O error")
	}
	return s.Store.InsertJustice(ctx, j)
}

func (s *towerStore) AppointmentsByLocator(ctx context.Context, l [16]byte) ([]tower.StoredAppointment, error) {
	s.mu.Lock()
	s.lookups++
	s.mu.Unlock()
	return s.Store.AppointmentsByLocator(ctx, l)
}

func (s *towerStore) lookupCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookups
}

// sentNode records broadcasts; a sent transaction is in its mempool.
type sentNode struct {
	mu   sync.Mutex
	sent map[chainhash.Hash]*wire.MsgTx
}

func (n *sentNode) Broadcast(_ context.Context, tx *wire.MsgTx) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent[tx.TxHash()] = tx
	return nil
}

func (n *sentNode) FeeRate(context.Context) (int64, error) { return 0, nil }

func (n *sentNode) TxStatus(_ context.Context, txid chainhash.Hash) (tower.TxStatus, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	_, ok := n.sent[txid]
	return tower.TxStatus{InMempool: ok}, nil
}

// spenders are the sent transactions spending an output of txid.
func (n *sentNode) spenders(txid chainhash.Hash) []*wire.MsgTx {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []*wire.MsgTx
	for _, tx := range n.sent {
		for _, in := range tx.TxIn {
			if in.PreviousOutPoint.Hash == txid {
				out = append(out, tx)
				break
			}
		}
	}
	return out
}

// madeUpFunder funds a channel with an outpoint of a transaction that
// exists nowhere: enough for the tower, which never looks behind the breach.
type madeUpFunder struct{}

func (madeUpFunder) Fund(pkScript []byte, amount btcutil.Amount) (wire.OutPoint, *wire.TxOut, error) {
	var h chainhash.Hash
	_, _ = rand.Read(h[:])
	return wire.OutPoint{Hash: h}, wire.NewTxOut(int64(amount), pkScript), nil
}

type towerFixture struct {
	t     *testing.T
	st    *towerStore
	node  *sentNode
	stats *monitor.Stats
	tower *tower.Tower
	tip   uint32
}

const fixtureTip = 500

func newTowerFixture(t *testing.T) *towerFixture {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(store.Config{Path: filepath.Join(t.TempDir(), "v.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	stats, err := monitor.NewStats(ctx, s, "test", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	stats.Register(tower.NewStats(stats))
	f := &towerFixture{t: t, st: &towerStore{Store: s}, node: &sentNode{sent: map[chainhash.Hash]*wire.MsgTx{}}, stats: stats, tip: fixtureTip}
	payout, _ := btcec.NewPrivateKey()
	f.tower, err = tower.New(tower.Config{Store: f.st, Node: f.node, Stats: stats, Network: "regtest",
		Payout: lntest.P2WPKH(payout.PubKey()), MinRewardSat: 1000, FallbackFeeRate: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.tower.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.tower.SetTip(f.tip)
	return f
}

// breach is a revoked commitment and an appointment for it whose justice
// transaction leaves a surplus for a bounty.
func (f *towerFixture) breach(user *btcec.PrivateKey, end uint32) (*wire.MsgTx, tower.Appointment) {
	f.t.Helper()
	ch, err := lntest.NewChannel(madeUpFunder{}, 1_000_000, 144)
	if err != nil {
		f.t.Fatal(err)
	}
	commit, err := ch.BuildCommitment(600_000, 390_000, 10_000)
	if err != nil {
		f.t.Fatal(err)
	}
	st, err := ch.StateOf(commit)
	if err != nil {
		f.t.Fatal(err)
	}
	victim, _ := btcec.NewPrivateKey()
	justice, err := ch.BuildJustice(commit, lntest.P2WPKH(victim.PubKey()), lntest.SighashSingleAnyoneCanPay, st.ToLocal-25_000)
	if err != nil {
		f.t.Fatal(err)
	}
	var raw bytes.Buffer
	_ = justice.Serialize(&raw)
	return commit, f.appointment(user, lncrypto.Locator(commit.TxHash()), f.seal(raw.Bytes(), commit.TxHash()), end)
}

func (f *towerFixture) seal(plain []byte, txid chainhash.Hash) []byte {
	blob, err := lncrypto.Encrypt(lncrypto.CipherChaCha20Poly1305, plain, txid)
	if err != nil {
		f.t.Fatal(err)
	}
	return blob
}

func (f *towerFixture) appointment(user *btcec.PrivateKey, loc [16]byte, blob []byte, end uint32) tower.Appointment {
	f.t.Helper()
	a := tower.Appointment{Network: "regtest", Locator: loc, EncryptedBlob: blob, Cipher: lncrypto.CipherChaCha20Poly1305,
		ToSelfDelay: 144, StartBlock: f.tip, EndBlock: end, RewardSat: 20_000, Seq: 1}
	if err := a.Sign(user); err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *towerFixture) submit(a tower.Appointment) {
	f.t.Helper()
	body, _ := json.Marshal(tower.EncodeAppointment(a))
	if _, err := f.tower.SubmitAppointmentJSON(context.Background(), body, monitor.Source{Kind: "rest"}); err != nil {
		f.t.Fatalf("submit: %v", err)
	}
}

// block processes a block of txs at the next height.
func (f *towerFixture) block(txs ...*wire.MsgTx) uint32 {
	f.t.Helper()
	f.tip++
	b := wire.NewMsgBlock(&wire.BlockHeader{})
	for _, tx := range txs {
		b.AddTransaction(tx)
	}
	if err := f.tower.ProcessBlock(context.Background(), f.tip, b); err != nil {
		f.t.Fatalf("ProcessBlock(%d): %v", f.tip, err)
	}
	return f.tip
}

func (f *towerFixture) records() []tower.Justice {
	f.t.Helper()
	js, err := f.st.JusticeRecords(context.Background(), tower.JusticeQuery{})
	if err != nil {
		f.t.Fatal(err)
	}
	return js
}

func (f *towerFixture) counters() monitor.StatsSnapshot { return f.stats.Snapshot(time.Unix(0, 0)) }

// TestTowerLateResponseRetried: an appointment arrives after its breach was
// mined; the immediate response fails (the store refuses the justice
// record); the appointment is accepted all the same and the response is
// made at the next block, once.
func TestTowerLateResponseRetried(t *testing.T) {
	f := newTowerFixture(t)
	user, _ := btcec.NewPrivateKey()
	commit, a := f.breach(user, fixtureTip+1000)
	h := f.block(commit) // the breach, before any appointment
	f.st.failInsert = 1
	f.submit(a)
	if s := f.node.spenders(commit.TxHash()); len(s) != 0 || len(f.records()) != 0 {
		t.Fatalf("after the failed response: %d sent, %d records", len(s), len(f.records()))
	}
	f.block()
	js := f.records()
	if len(js) != 1 || js[0].Outcome != tower.JusticeBroadcast || js[0].BreachBlock != h || js[0].BountySat <= 0 {
		t.Fatalf("after the retry: %+v", js)
	}
	if s := f.node.spenders(commit.TxHash()); len(s) != 1 || s[0].TxHash() != js[0].TxID {
		t.Fatalf("sent after the retry: %d", len(s))
	}
	f.block()
	if n := len(f.records()); n != 1 {
		t.Fatalf("%d records after another block, want 1 (retried once)", n)
	}
	if l := f.counters().Lightning; l.BreachesSeen != 1 || l.JusticeBroadcast != 1 {
		t.Fatalf("stats: %+v", l)
	}
}

// TestTowerExpiryLeavesIndex: expired appointments leave the locator index
// and the stored figure at once; a prefix another stored locator shares is
// kept. Eve copies the first 8 bytes of Alice's public locator into her own
// appointment, which expires soon: Alice's breach is still answered.
func TestTowerExpiryLeavesIndex(t *testing.T) {
	f := newTowerFixture(t)
	alice, bob, eve := mustKey(t), mustKey(t), mustKey(t)
	aliceBreach, aliceAppt := f.breach(alice, fixtureTip+1000)
	bobBreach, bobAppt := f.breach(bob, fixtureTip+2)
	eveLoc := aliceAppt.Locator
	copy(eveLoc[8:], bytes.Repeat([]byte{0xee}, 8))
	junk := make([]byte, 300)
	_, _ = rand.Read(junk)
	eveAppt := f.appointment(eve, eveLoc, junk, fixtureTip+2)
	for _, a := range []tower.Appointment{aliceAppt, bobAppt, eveAppt} {
		f.submit(a)
	}
	if n := f.counters().Lightning.AppointmentsStored; n != 3 {
		t.Fatalf("stored %d, want 3", n)
	}
	f.block()
	f.block()
	h := f.block() // end_block + 1: Bob's and Eve's are below it
	n, err := f.tower.Expire(context.Background(), h)
	if err != nil || n != 2 {
		t.Fatalf("Expire(%d): %d, %v; want 2", h, n, err)
	}
	if n := f.counters().Lightning.AppointmentsStored; n != 1 {
		t.Fatalf("stored %d after expiry, want 1", n)
	}
	before := f.st.lookupCount()
	f.block(bobBreach)
	if got := f.st.lookupCount() - before; got != 0 {
		t.Fatalf("Bob's expired locator still hits the index (%d lookups)", got)
	}
	if len(f.node.spenders(bobBreach.TxHash())) != 0 {
		t.Fatal("responded to an expired appointment")
	}
	f.block(aliceBreach)
	if s := f.node.spenders(aliceBreach.TxHash()); len(s) != 1 {
		t.Fatalf("Alice's breach: %d justice transactions sent, want 1 (her prefix was shared with Eve's expired one)", len(s))
	}
}

// TestTowerBreachCountedOnce: one breach matched by two users'
// appointments (one with a blob that does not decrypt) gives two records
// and one breach.
func TestTowerBreachCountedOnce(t *testing.T) {
	f := newTowerFixture(t)
	commit, a := f.breach(mustKey(t), fixtureTip+1000)
	junk := make([]byte, 300)
	_, _ = rand.Read(junk)
	f.submit(a)
	f.submit(f.appointment(mustKey(t), a.Locator, junk, fixtureTip+1000))
	f.block(commit)
	f.block(commit) // the same block handled again (a restart): nothing new
	if n := len(f.records()); n != 2 {
		t.Fatalf("%d records, want 2", n)
	}
	if l := f.counters().Lightning; l.BreachesSeen != 1 || l.JusticeProblems[string(monitor.ReasonDecryptFailed)] != 1 {
		t.Fatalf("stats: breaches %d, problems %v", l.BreachesSeen, l.JusticeProblems)
	}
}

func mustKey(t *testing.T) *btcec.PrivateKey {
	k, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestTowerFixAfterFailedResponse: the breach is answered with a failed
// record (the client's blob does not decrypt); within the window of recent
// blocks the client sends a fixed appointment with a higher seq: it is
// answered, although a record for this breach and user exists. The same
// fixed appointment sent again is not answered twice.
func TestTowerFixAfterFailedResponse(t *testing.T) {
	f := newTowerFixture(t)
	user := mustKey(t)
	commit, good := f.breach(user, fixtureTip+1000)
	junk := make([]byte, 300)
	_, _ = rand.Read(junk)
	broken := f.appointment(user, good.Locator, junk, fixtureTip+1000)
	f.submit(broken)
	f.block(commit)
	if js := f.records(); len(js) != 1 || js[0].Outcome != tower.JusticeFailed {
		t.Fatalf("records after the breach: %+v", js)
	}
	fixed := good
	fixed.Seq = broken.Seq + 1
	if err := fixed.Sign(user); err != nil {
		t.Fatal(err)
	}
	f.submit(fixed)
	f.submit(fixed)
	if s := f.node.spenders(commit.TxHash()); len(s) != 1 {
		t.Fatalf("%d justice transactions sent for the fixed appointment, want 1", len(s))
	}
	if js := f.records(); len(js) != 2 || js[1].Outcome != tower.JusticeBroadcast {
		t.Fatalf("records after the fix: %+v", js)
	}
	if l := f.counters().Lightning; l.BreachesSeen != 1 {
		t.Fatalf("breaches %d, want 1", l.BreachesSeen)
	}
}

// TestTowerSquattedLocator: 200 junk appointments under 200 keys on the
// breach's locator (garbage, and the victim's own justice transaction with
// its output changed, so its signature no longer holds) do not keep the
// victim's appointment out; at the breach the victim's justice transaction
// is the one sent, with its record, and the 200 failures take one write.
// The block handled again (a restart) writes and counts nothing more.
func TestTowerSquattedLocator(t *testing.T) {
	const junk = 200
	f := newTowerFixture(t)
	victim, _ := btcec.NewPrivateKey()
	commit, appt := f.breach(victim, f.tip+100)
	plain, err := lncrypto.Decrypt(appt.Cipher, appt.EncryptedBlob, commit.TxHash())
	if err != nil {
		t.Fatal(err)
	}
	justice := wire.NewMsgTx(2)
	if err := justice.Deserialize(bytes.NewReader(plain)); err != nil {
		t.Fatal(err)
	}
	for i := range junk {
		blob := make([]byte, 200)
		_, _ = rand.Read(blob)
		if i%2 == 0 {
			forged := justice.Copy()
			forged.TxOut[0].Value -= int64(1 + i)
			var raw bytes.Buffer
			_ = forged.Serialize(&raw)
			blob = raw.Bytes()
		}
		cheater, _ := btcec.NewPrivateKey()
		f.submit(f.appointment(cheater, appt.Locator, f.seal(blob, commit.TxHash()), f.tip+100))
	}
	f.submit(appt)

	f.block(commit)
	sent := f.node.spenders(commit.TxHash())
	if len(sent) != 1 || sent[0].TxOut[0].Value != justice.TxOut[0].Value || len(sent[0].TxOut) != 2 {
		t.Fatalf("sent %d transactions spending the breach, want the victim's justice with a bounty", len(sent))
	}
	if ins, batches := f.st.writes(); ins != 1 || batches != 1 {
		t.Fatalf("%d single inserts and %d batches, want 1 (the victim's record) and 1 (the junk)", ins, batches)
	}
	byReason := map[monitor.Reason]int{}
	for _, j := range f.records() {
		byReason[j.Reason]++
	}
	if byReason[monitor.ReasonBadSignature] != junk/2 || byReason[monitor.ReasonNotATransaction] != junk/2 || byReason[""] != 1 {
		t.Fatalf("records by reason: %v", byReason)
	}
	snap := f.counters()
	if snap.Lightning.JusticeProblems[string(monitor.ReasonBadSignature)] != junk/2 || snap.Lightning.BreachesSeen != 1 {
		t.Fatalf("stats: %+v", snap.Lightning)
	}

	// The same block again, as after a restart.
	f.tip--
	f.block(commit)
	if ins, batches := f.st.writes(); ins != 1 || batches != 1 || len(f.records()) != junk+1 {
		t.Fatalf("handled again: %d inserts, %d batches, %d records", ins, batches, len(f.records()))
	}
	if again := f.counters(); again.Lightning.JusticeProblems[string(monitor.ReasonBadSignature)] != junk/2 || again.Lightning.BreachesSeen != 1 {
		t.Fatalf("counted again: %+v", again.Lightning)
	}
}
