package daemon_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/chains/bitcoin"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// BenchmarkBreachToBroadcast (goal: under 100 ms).
//
// What it measures: the wall time from the block notification to the
// return of the sendrawtransaction call that broadcasts the justice
// transaction, for a block holding one breach, on a real btcd in regtest.
//
//   - The start instant is the call of bitcoin.Watcher.Poll that finds the
//     breach block. In vigild that call is the watcher's "notification": Run
//     calls Poll every bitcoin.poll_interval. So the span covers everything
//     the watcher and the tower do for the block: getblockcount, the cursor
//     read, getblockhash and getblock, ProcessBlock (txid → locator → the
//     in-memory index → the appointment from SQLite → the justice record
//     lookup → decrypt → parse → script verification → the fee estimate
//     from the node → the bounty output and its re-verification → the
//     justice record written durably to SQLite) and sendrawtransaction.
//   - The end instant is taken right after the real bitcoin.Node.Broadcast
//     returns without error, by a thin wrapper around the node client that
//     only reads the clock (instrumentation, not a stand-in).
//
// What it does not measure: how the watcher learns of the block. vigild
// is woken by btcd's websocket notifyblocks where the node offers it and
// otherwise polls every bitcoin.poll_interval; BenchmarkBitcoinReaction
// measures the whole reaction, detection included. Also not measured:
// what Poll does after the broadcast (the cursor save, the expiry of old
// appointments, Tick's follow-up of open justice transactions) and the
// time for the justice transaction to relay or be mined. ns/op is the
// whole timed Poll, including that post-broadcast bookkeeping; the custom
// metrics are the figures to quote.
//
// Everything is real and wired as cmd/vigild/daemon wires it (see
// Daemon.watchtower): a btcd started by btctest, the SQLite store in a
// temporary directory, bitcoin.Dial's node client, tower.New with
// the daemon's settings, Load (the locator index rebuilt from the store, as
// at start-up) and bitcoin.NewWatcher with the store as its cursor. The
// watcher's PollInterval is an hour and Run is not started: the benchmark
// calls Poll itself, so it knows when the notification happens.
//
// Set-up, untimed: 10,000 other appointments (2,000 with -short) with
// random locators are stored in bulk before the tower loads its index.
// Each iteration, untimed: a channel is opened with lntest (funded and
// confirmed in one block), a revoked commitment and its justice
// transaction are signed (SIGHASH_SINGLE|ANYONECANPAY, so the tower adds
// its bounty output), the watcher catches up with the funding block, the
// appointment goes through the tower's real intake (SubmitAppointmentJSON,
// as REST and the room call it), and the commitment is broadcast and mined
// into a block of its own. Then, timed: Poll. After it the benchmark
// checks that the broadcast transaction spends the breach, carries the
// bounty output to the payout script and is in btcd's mempool
// (getrawmempool), and fails otherwise.
//
// Metrics (over the iterations; percentiles by nearest rank, so with 30
// iterations p99 is the maximum):
//
//	p50-ms, p99-ms, max-ms  notification → sendrawtransaction returned
//	fetch-p50-ms            Poll start → ProcessBlock entered (getblockcount,
//	                        cursor read, getblockhash, getblock)
//	respond-p50-ms          ProcessBlock entered → sendrawtransaction returned
//	feerate-p50-ms          of respond: the node's fee estimate (FeeRate)
//	sendraw-p50-ms          of respond: the sendrawtransaction call itself
//	local-p50-ms            of respond: the rest (SQLite reads and the durable
//	                        justice record, decryption, script checks)
//	breaches                iterations (one breach each)
//
// Also not represented: block size. The breach block holds the coinbase
// and the breach only; a full mainnet block (about 4,000 transactions,
// 1.5–2 MB) adds the transfer and decoding of getblock and about 4,000
// txid hashes and index look-ups (the tower's BenchmarkMatchBlock measures
// the latter).
//
// Run it with a fixed iteration count, at most a few hundred (each
// iteration mines two regtest blocks, whose subsidy halves every 150
// blocks, and spends tens of milliseconds in untimed set-up);
// VIGIL_BENCH_SAMPLES=1 logs every iteration's figures:
//
//	go test ./cmd/vigild/daemon/ -run '^$' -bench BreachToBroadcast -benchtime 1x -short  # CI
//	go test ./cmd/vigild/daemon/ -run '^$' -bench BreachToBroadcast -benchtime 30x
func BenchmarkBreachToBroadcast(b *testing.B) {
	stored := 10_000
	if testing.Short() {
		stored = 2_000
	}
	runBreachBench(b, stored, 0)
}

// BenchmarkBreachToBroadcastSquatted is BenchmarkBreachToBroadcast with
// the breach's locator crowded by the cheater (docs/protocol.md §9 item
// 15): before the victim's appointment, 1,000 junk appointments under
// 1,000 fresh keys are stored on it (in bulk, untimed; 200 with -short),
// each sealing a distinct transaction that spends the breach's to_local
// through the revocation path with a forged signature and pays the tower's
// payout script, so each passes every cheap check and costs a script
// verification: the worst junk for the responder. The timed poll must
// still broadcast the victim's justice transaction (checked as there), and
// record every junk appointment failed (checked after the poll).
//
//	go test ./cmd/vigild/daemon/ -run '^$' -bench BreachToBroadcastSquatted -benchtime 10x
func BenchmarkBreachToBroadcastSquatted(b *testing.B) {
	stored, junk := 10_000, 1_000
	if testing.Short() {
		stored, junk = 2_000, 200
	}
	runBreachBench(b, stored, junk)
}

// runBreachBench runs the breach-to-broadcast benchmark over a store with
// stored other appointments and junk appointments on each breach's locator.
func runBreachBench(b *testing.B, stored, junk int) {
	e := newBreachBench(b, stored)
	e.junk = junk
	ctx := context.Background()
	var samples []sample
	for b.Loop() {
		b.StopTimer()
		commit, height := e.armBreach(b, ctx)
		e.clock.arm(height)
		b.StartTimer()
		start := time.Now() // the block notification
		err := e.watcher.Poll(ctx)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, e.check(b, commit, start))
		e.checkJunk(b, ctx, commit)
		b.StartTimer()
	}
	if len(samples) == 0 {
		b.Fatal("no iterations")
	}
	pick := func(f func(sample) time.Duration) []time.Duration {
		ds := make([]time.Duration, len(samples))
		for i, s := range samples {
			ds[i] = f(s)
		}
		slices.Sort(ds)
		return ds
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	total := pick(func(s sample) time.Duration { return s.total })
	b.ReportMetric(ms(percentile(total, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(total, 99)), "p99-ms")
	b.ReportMetric(ms(total[len(total)-1]), "max-ms")
	b.ReportMetric(ms(percentile(pick(func(s sample) time.Duration { return s.fetch }), 50)), "fetch-p50-ms")
	b.ReportMetric(ms(percentile(pick(func(s sample) time.Duration { return s.respond }), 50)), "respond-p50-ms")
	b.ReportMetric(ms(percentile(pick(func(s sample) time.Duration { return s.feeRate }), 50)), "feerate-p50-ms")
	b.ReportMetric(ms(percentile(pick(func(s sample) time.Duration { return s.sendraw }), 50)), "sendraw-p50-ms")
	b.ReportMetric(ms(percentile(pick(func(s sample) time.Duration { return s.respond - s.feeRate - s.sendraw }), 50)), "local-p50-ms")
	b.ReportMetric(float64(len(samples)), "breaches")
	if junk > 0 {
		b.ReportMetric(float64(junk), "junk/breach")
	}
	if os.Getenv("VIGIL_BENCH_SAMPLES") != "" {
		for i, s := range samples {
			b.Logf("breach %d: total %v fetch %v respond %v (feerate %v, sendraw %v, local %v)", i, s.total, s.fetch, s.respond,
				s.feeRate, s.sendraw, s.respond-s.feeRate-s.sendraw)
		}
	}
}

// breachClock wraps the node client (the one real *bitcoin.Node, the
// tower's node and the watcher's chain source) to read the clock around the
// calls that make up the breach path. Every call goes to the real
// component unchanged.
type breachClock struct {
	node *bitcoin.Node

	mu        sync.Mutex
	processAt time.Time     // ProcessBlock entered for the breach height
	height    uint32        // the breach height to watch for
	feeRate   time.Duration // FeeRate calls after processAt
	sends     []timedSend   // Broadcast calls after processAt
}

type timedSend struct {
	tx         *wire.MsgTx
	start, end time.Time
	err        error
}

// arm resets the record for the block at height.
func (c *breachClock) arm(height uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.processAt, c.height, c.feeRate, c.sends = time.Time{}, height, 0, nil
}

func (c *breachClock) inBlock() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.processAt.IsZero()
}

// tower.Node, for the tower.

func (c *breachClock) Broadcast(ctx context.Context, tx *wire.MsgTx) error {
	start := time.Now()
	err := c.node.Broadcast(ctx, tx)
	end := time.Now()
	if c.inBlock() {
		c.mu.Lock()
		c.sends = append(c.sends, timedSend{tx: tx, start: start, end: end, err: err})
		c.mu.Unlock()
	}
	return err
}

func (c *breachClock) FeeRate(ctx context.Context) (int64, error) {
	start := time.Now()
	r, err := c.node.FeeRate(ctx)
	d := time.Since(start)
	if c.inBlock() {
		c.mu.Lock()
		if len(c.sends) == 0 {
			c.feeRate += d
		}
		c.mu.Unlock()
	}
	return r, err
}

func (c *breachClock) TxStatus(ctx context.Context, txid chainhash.Hash) (tower.TxStatus, error) {
	return c.node.TxStatus(ctx, txid)
}

// bitcoin.Chain, for the watcher.

func (c *breachClock) Tip(ctx context.Context) (uint32, error) { return c.node.Tip(ctx) }
func (c *breachClock) BlockAt(ctx context.Context, h uint32) (chainhash.Hash, *wire.MsgBlock, error) {
	return c.node.BlockAt(ctx, h)
}
func (c *breachClock) HashAt(ctx context.Context, h uint32) (chainhash.Hash, error) {
	return c.node.HashAt(ctx, h)
}
func (c *breachClock) BlockTime(ctx context.Context, h uint32) (time.Time, error) {
	return c.node.BlockTime(ctx, h)
}
func (c *breachClock) KnowsBlock(ctx context.Context, h chainhash.Hash) (bool, error) {
	return c.node.KnowsBlock(ctx, h)
}

// clockedTower is the tower as the watcher sees it, with ProcessBlock's
// entry time read.
type clockedTower struct {
	*tower.Tower
	c *breachClock
}

func (t clockedTower) ProcessBlock(ctx context.Context, height uint32, block *wire.MsgBlock) error {
	t.c.mu.Lock()
	if height == t.c.height && t.c.processAt.IsZero() {
		t.c.processAt = time.Now()
	}
	t.c.mu.Unlock()
	return t.Tower.ProcessBlock(ctx, height, block)
}

// breachBench is the watchtower half of vigild on a btcd.
type breachBench struct {
	btc          *btctest.Node
	st           *store.Store
	clock        *breachClock
	tower        *tower.Tower
	watcher      *bitcoin.Watcher
	payoutScript []byte
	// junk appointments stored on each breach's locator before the
	// victim's (forged revocation signatures).
	junk int
}

func newBreachBench(b *testing.B, stored int) *breachBench {
	b.Helper()
	ctx := context.Background()
	level := slog.LevelWarn
	if os.Getenv("VIGIL_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	btc := btctest.Start(b)
	btc.Generate(b, 101) // the first coinbase matures; each iteration mines two more blocks
	tip := uint32(btc.Height(b))

	st, err := store.Open(store.Config{Path: filepath.Join(b.TempDir(), "vigil.db"), Logger: log.With("subsystem", "store")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	fillRandomAppointments(b, st, stored, tip)

	payoutKey, _ := btcec.NewPrivateKey()
	payoutAddr, err := address.NewAddressWitnessPubKeyHash(address.Hash160(payoutKey.PubKey().SerializeCompressed()), btctest.Params)
	if err != nil {
		b.Fatal(err)
	}
	// From here on, as Daemon.watchtower does it.
	payout, err := bitcoin.PayoutScript(payoutAddr.EncodeAddress(), "regtest")
	if err != nil {
		b.Fatal(err)
	}
	node, err := bitcoin.Dial(bitcoin.Config{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(node.Close)
	clock := &breachClock{node: node}
	stats, err := monitor.NewStats(ctx, st, "bench", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	towerKey, _ := btcec.NewPrivateKey()
	var pub [33]byte
	copy(pub[:], towerKey.PubKey().SerializeCompressed())
	tw, err := tower.New(tower.Config{
		Store: st, Node: clock, Stats: stats, Logger: log.With("subsystem", "tower"), Clock: monitor.SystemClock{},
		Network: "regtest", Payout: payout, MinRewardSat: 1000, Confirmations: 6,
		FallbackFeeRate: 2000, MaxFeeRate: 100_000, PerKey: monitor.NewRateLimiter(0, 0),
		SignReceipt:   func(msg []byte) (string, error) { return lncrypto.SignMessage(towerKey, msg) },
		MonitorPubkey: pub,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := tw.Load(ctx); err != nil {
		b.Fatal(err)
	}
	totals, err := st.TowerTotals(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if totals.Appointments != int64(stored) {
		b.Fatalf("store holds %d appointments, want %d", totals.Appointments, stored)
	}
	towerStats := tower.NewStats(stats)
	towerStats.Seed(totals)
	w, err := bitcoin.NewWatcher(bitcoin.WatcherConfig{Chain: clock, Tower: clockedTower{tw, clock}, Cursor: st,
		PollInterval: time.Hour, Logger: log.With("subsystem", "bitcoin"),
		OnBlock: func(tip, processed uint32) {
			now := time.Now()
			towerStats.SetBitcoin(func(s *tower.BitcoinStatus) { s.Tip, s.Processed, s.LastPoll = tip, processed, now })
		}})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Poll(ctx); err != nil { // the first poll: cursor at the tip
		b.Fatal(err)
	}
	return &breachBench{btc: btc, st: st, clock: clock, tower: tw, watcher: w, payoutScript: payout}
}

// fillRandomAppointments stores n appointments with random locators and
// 300-byte blobs from 1,000 user keys, valid well past the benchmark, in
// one bulk write (the tower reads them back through Load).
func fillRandomAppointments(b *testing.B, st *store.Store, n int, tip uint32) {
	b.Helper()
	as := make([]tower.StoredAppointment, n)
	for i := range as {
		a := tower.StoredAppointment{Appointment: tower.Appointment{Network: "regtest",
			EncryptedBlob: make([]byte, 300), Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144,
			StartBlock: tip, EndBlock: tip + 4320, RewardSat: 5000, UserSignature: strings.Repeat("y", 104)},
			Source: "rest", ReceivedAt: time.Now().UTC(), AcceptedTip: tip}
		_, _ = rand.Read(a.Locator[:])
		_, _ = rand.Read(a.EncryptedBlob)
		a.UserPubkey[0] = 2
		binary.BigEndian.PutUint32(a.UserPubkey[29:], uint32(i%1000))
		as[i] = a
	}
	_, rej, err := st.SaveAppointments(context.Background(), as, 8)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range rej {
		if e != nil {
			b.Fatal(e)
		}
	}
}

// armBreach opens a channel, lets the watcher catch up, hands the tower an
// appointment for the channel's revoked commitment and mines that
// commitment. It returns the commitment and the breach block's height.
func (e *breachBench) armBreach(b *testing.B, ctx context.Context) (*wire.MsgTx, uint32) {
	b.Helper()
	const reward = 20_000
	ch := lntest.OpenChannel(b, e.btc, 1_000_000, 144)
	commit := ch.Commitment(b, 600_000, 390_000, 10_000)
	victim, _ := btcec.NewPrivateKey()
	st := ch.State(b, commit)
	// The victim's output leaves a surplus for the tower's bounty and fee.
	justice := ch.Justice(b, commit, lntest.P2WPKH(victim.PubKey()), lntest.SighashSingleAnyoneCanPay,
		btcutil.Amount(st.ToLocal)-reward-5_000)
	var raw bytes.Buffer
	if err := justice.Serialize(&raw); err != nil {
		b.Fatal(err)
	}
	txid := commit.TxHash()
	blob, err := lncrypto.Encrypt(lncrypto.CipherChaCha20Poly1305, raw.Bytes(), txid)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.watcher.Poll(ctx); err != nil { // the funding block
		b.Fatal(err)
	}
	tip := uint32(e.btc.Height(b))
	e.storeJunk(b, ctx, ch, commit, tip)
	user, _ := btcec.NewPrivateKey()
	a := tower.Appointment{Network: "regtest", Locator: lncrypto.Locator(txid), EncryptedBlob: blob,
		Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144, StartBlock: tip, EndBlock: tip + 1000, RewardSat: reward}
	if err := a.Sign(user); err != nil {
		b.Fatal(err)
	}
	data, err := json.Marshal(tower.EncodeAppointment(a))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.tower.SubmitAppointmentJSON(ctx, data, monitor.Source{Kind: "rest"}); err != nil {
		b.Fatalf("appointment refused: %v", err)
	}
	e.btc.MineTx(b, commit)
	return commit, tip + 1
}

// sample is one iteration's instants.
type sample struct{ total, fetch, respond, feeRate, sendraw time.Duration }

// check finds the justice transaction the timed poll broadcast for the
// breach, checks it and that btcd has it in its mempool, and returns the
// iteration's sample.
func (e *breachBench) check(b *testing.B, commit *wire.MsgTx, start time.Time) sample {
	b.Helper()
	c := e.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.processAt.IsZero() {
		b.Fatalf("the poll did not process the breach block %d", c.height)
	}
	breachID := commit.TxHash()
	var sent *timedSend
	for i := range c.sends {
		if c.sends[i].tx.TxIn[0].PreviousOutPoint.Hash == breachID {
			sent = &c.sends[i]
			break
		}
	}
	if sent == nil {
		b.Fatalf("no justice transaction for breach %s was broadcast (%d broadcasts)", breachID, len(c.sends))
	}
	if sent.err != nil {
		b.Fatalf("sendrawtransaction of the justice transaction failed: %v", sent.err)
	}
	j := sent.tx
	if len(j.TxOut) != 2 || !bytes.Equal(j.TxOut[1].PkScript, e.payoutScript) || j.TxOut[1].Value <= 0 {
		b.Fatalf("justice %s has no bounty output to the payout script (%d outputs)", j.TxHash(), len(j.TxOut))
	}
	// btcd has no getmempoolentry ("Command unimplemented"): list the pool.
	pool, err := e.btc.Client.GetRawMempool()
	if err != nil {
		b.Fatal(err)
	}
	if jid := j.TxHash(); !slices.ContainsFunc(pool, func(h *chainhash.Hash) bool { return *h == jid }) {
		b.Fatalf("justice %s is not in btcd's mempool (%d transactions there)", jid, len(pool))
	}
	return sample{total: sent.end.Sub(start), fetch: c.processAt.Sub(start), respond: sent.end.Sub(c.processAt),
		feeRate: c.feeRate, sendraw: sent.end.Sub(sent.start)}
}

// percentile is the nearest-rank percentile p of sorted ds.
func percentile(ds []time.Duration, p int) time.Duration {
	i := (p*len(ds)+99)/100 - 1
	return ds[max(0, min(i, len(ds)-1))]
}

// storeJunk stores e.junk appointments on commit's locator, each under a
// fresh key and sealing a distinct spend of its to_local through the
// revocation path with a forged signature (SIGHASH_SINGLE|ANYONECANPAY, by
// a key of the cheater's), paying the payout script too.
func (e *breachBench) storeJunk(b *testing.B, ctx context.Context, ch *lntest.Channel, commit *wire.MsgTx, tip uint32) {
	b.Helper()
	if e.junk == 0 {
		return
	}
	st := ch.State(b, commit)
	txid := commit.TxHash()
	prev := commit.TxOut[st.ToLocalIndex]
	fetcher := txscript.NewCannedPrevOutputFetcher(prev.PkScript, prev.Value)
	forger, _ := btcec.NewPrivateKey()
	as := make([]tower.StoredAppointment, e.junk)
	for i := range as {
		tx := wire.NewMsgTx(2)
		in := wire.NewTxIn(&wire.OutPoint{Hash: txid, Index: uint32(st.ToLocalIndex)}, nil, nil)
		in.Sequence = wire.MaxTxInSequenceNum - 2
		tx.AddTxIn(in)
		tx.AddTxOut(wire.NewTxOut(prev.Value-40_000-int64(i), lntest.P2WPKH(forger.PubKey())))
		tx.AddTxOut(wire.NewTxOut(20_000, e.payoutScript))
		sig, err := txscript.RawTxInWitnessSignature(tx, txscript.NewTxSigHashes(tx, fetcher), 0, prev.Value,
			st.ToLocalScript, txscript.SigHashSingle|txscript.SigHashAnyOneCanPay, forger)
		if err != nil {
			b.Fatal(err)
		}
		tx.TxIn[0].Witness = wire.TxWitness{sig, {1}, st.ToLocalScript}
		var raw bytes.Buffer
		if err := tx.Serialize(&raw); err != nil {
			b.Fatal(err)
		}
		blob, err := lncrypto.Encrypt(lncrypto.CipherChaCha20Poly1305, raw.Bytes(), txid)
		if err != nil {
			b.Fatal(err)
		}
		a := tower.StoredAppointment{Appointment: tower.Appointment{Network: "regtest", Locator: lncrypto.Locator(txid),
			EncryptedBlob: blob, Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144, StartBlock: tip,
			EndBlock: tip + 1000, RewardSat: 20_000, UserSignature: strings.Repeat("y", 104)},
			Source: "rest", ReceivedAt: time.Now().UTC(), AcceptedTip: tip}
		_, _ = rand.Read(a.UserPubkey[1:])
		a.UserPubkey[0] = 3
		as[i] = a
	}
	_, rej, err := e.st.SaveAppointments(ctx, as, 0)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rej {
		if r != nil {
			b.Fatal(r)
		}
	}
}

// checkJunk checks that every junk appointment on the breach got its
// failed record.
func (e *breachBench) checkJunk(b *testing.B, ctx context.Context, commit *wire.MsgTx) {
	b.Helper()
	if e.junk == 0 {
		return
	}
	js, err := e.st.JusticeForBreach(ctx, commit.TxHash())
	if err != nil {
		b.Fatal(err)
	}
	var failed int
	for _, j := range js {
		if j.Outcome == tower.JusticeFailed && j.Reason == monitor.ReasonBadSignature {
			failed++
		}
	}
	if failed != e.junk {
		b.Fatalf("%d junk appointments recorded bad_signature, want %d", failed, e.junk)
	}
}
