package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/wire/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor/pgstore"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// replicaLeaseCheck: replicas under test check their leases and campaign
// every 100 ms.
const replicaLeaseCheck = 100 * time.Millisecond

// leads tells whether v's stats say it holds role.
func (v *vigil) leads(role string) bool {
	r := v.stats().Replica
	return r != nil && slices.Contains(r.Roles, role)
}

// term is v's term of role, 0 when it does not hold it.
func (v *vigil) term(role string) int64 {
	r := v.stats().Replica
	if r == nil {
		return 0
	}
	return r.Terms[role]
}

// metricsText is v's /metrics exposition.
func (v *vigil) metricsText() string {
	v.t.Helper()
	resp, err := http.Get(v.url + "/metrics")
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	return string(raw)
}

// sentBy is how many transactions account has had mined, and has sent
// counting the node's pool.
func sentBy(t testing.TB, chain *ethtest.Chain, account common.Address) (mined, pending uint64) {
	t.Helper()
	mined, err := chain.Client.NonceAt(context.Background(), account, nil)
	if err != nil {
		t.Fatal(err)
	}
	pending, err = chain.Client.PendingNonceAt(context.Background(), account)
	if err != nil {
		t.Fatal(err)
	}
	return mined, pending
}

// cutOff ends the database sessions holding roles' leases in the database
// of dbURL, as a dead machine's would end: the server frees its advisory
// locks. It returns how many sessions it ended.
func cutOff(t testing.TB, dbURL string) int {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	err = pgtest.Shared(t).Admin().QueryRow(context.Background(), `SELECT count(pg_terminate_backend(a.pid))
		FROM pg_stat_activity a WHERE a.datname = $1 AND a.application_name LIKE 'vigil leader %'
		AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`,
		strings.Trim(u.Path, "/")).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReplicasEthereumTakeover: two replicas share one PostgreSQL
// database and one operator key. Only the first acts (it holds the
// "ethereum" role; the second reports itself a follower and a standby
// chain part, yet accepts a balance proof over REST). Bob closes the
// channel with stale state; before the close is confirmed, the leader dies
// (its lease session is ended in the server and its process stopped).
// The follower takes the role with a newer term and sends updateTransfer
// before the deadline; the operator account sent exactly one transaction;
// settle pays the reward.
func TestReplicasEthereumTakeover(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	payout := newPayout(t)
	opts := vigilOpts{key: operator, payout: payout, conf: 3, storeURL: dbURL, leaseCheck: replicaLeaseCheck}

	a := startVigil(t, chain, opts)
	ethtest.Eventually(t, defaultWait, "the first replica to lead", func() bool { return a.leads("ethereum") })
	b := startVigil(t, chain, opts)
	if r := b.stats().Replica; r == nil || len(r.Roles) != 0 {
		t.Fatalf("second replica's roles: %+v, want none while the first leads", r)
	}
	code, health := b.do(http.MethodGet, "/healthz", nil)
	parts, _ := health["parts"].(map[string]any)
	eth, _ := parts["ethereum"].(map[string]any)
	if code != http.StatusOK || eth["status"] != "ok" || !strings.Contains(eth["message"].(string), "standby") {
		t.Fatalf("follower /healthz: %d %v, want ok with the ethereum part on standby", code, health)
	}

	// The operator's transactions so far (its registration as a monitor).
	op := ethtest.Address(operator)
	before, _ := sentBy(t, chain, op)

	// The follower takes intake.
	proof := s.proof(t, 4, big.NewInt(4000), reward)
	if code, body := b.put(proof); code != http.StatusCreated {
		t.Fatalf("PUT to the follower: %d %v", code, body)
	}
	oldTerm := a.term("ethereum")

	closed := s.bobClosesStale(t, 7, ethtest.Ether)
	deadline := closed + s.timeout
	// The leader's machine dies before the close is confirmed.
	if n := cutOff(t, dbURL); n != 1 {
		t.Fatalf("ended %d lease sessions, want the leader's one", n)
	}
	a.stop()
	ethtest.Eventually(t, defaultWait, "the follower to take the role", func() bool { return b.leads("ethereum") })
	if nt := b.term("ethereum"); nt <= oldTerm {
		t.Fatalf("the follower's term %d is not above the dead leader's %d", nt, oldTerm)
	}
	metrics := b.metricsText()
	if want := fmt.Sprintf("vigil_replica_role_term{role=%q} %d", "ethereum", b.term("ethereum")); !strings.Contains(metrics, want) {
		t.Fatalf("the new leader's /metrics has no %q", want)
	}

	bobAddr := ethtest.Address(bob)
	mineUntil(t, chain, int(s.timeout)-2, "the new leader's updateTransfer", func() bool {
		return onChainNonce(t, chain, s.channel, bobAddr) == 4
	})
	if head := chain.Head(t); head > deadline {
		t.Fatalf("update landed at %d, after the deadline %d", head, deadline)
	}
	for chain.Head(t) <= deadline {
		chain.Mine(1)
	}
	if _, err := chain.Ops(bob).Settle(context.Background(), s.channel); err != nil {
		t.Fatal(err)
	}
	if got := chain.Balance(t, payout); got.Cmp(reward) != 0 {
		t.Fatalf("payout received %s wei, want the reward %s", got, reward)
	}
	// One update for the nonce: the operator account sent one transaction,
	// none other waits in the pool.
	if mined, pending := sentBy(t, chain, op); mined != before+1 || pending != before+1 {
		t.Fatalf("the operator sent %d transactions (%d with the pool) since the close, want exactly one update",
			mined-before, pending-before)
	}
	mineUntil(t, chain, 20, "the won update in the new leader's stats", func() bool {
		st := b.stats()
		return st.Updates.Won == 1 && st.Updates.RewardsEarned == reward.String()
	})
}

// TestReplicasLeaderCutOff: the leader's lease session is ended in the
// server while its process lives (its database connection dropped). It
// stops acting and campaigns again like the other replica; one of them
// leads with a newer term, the other follows; the stale close is corrected
// with exactly one transaction from the shared operator account.
func TestReplicasLeaderCutOff(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	opts := vigilOpts{key: operator, payout: newPayout(t), conf: 3, storeURL: dbURL, leaseCheck: replicaLeaseCheck}
	a := startVigil(t, chain, opts)
	ethtest.Eventually(t, defaultWait, "the first replica to lead", func() bool { return a.leads("ethereum") })
	b := startVigil(t, chain, opts)
	if code, body := a.put(s.proof(t, 4, big.NewInt(4000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	oldTerm := a.term("ethereum")
	op := ethtest.Address(operator)
	before, _ := sentBy(t, chain, op)
	closed := s.bobClosesStale(t, 7, ethtest.Ether)

	if n := cutOff(t, dbURL); n != 1 {
		t.Fatalf("ended %d lease sessions, want the leader's one", n)
	}
	var leader, follower *vigil
	ethtest.Eventually(t, defaultWait, "a replica to lead with a newer term", func() bool {
		ta, tb := a.term("ethereum"), b.term("ethereum")
		switch {
		case ta > oldTerm && tb == 0:
			leader, follower = a, b
		case tb > oldTerm && ta == 0:
			leader, follower = b, a
		default:
			return false
		}
		return true
	})
	bobAddr := ethtest.Address(bob)
	mineUntil(t, chain, int(s.timeout)-2, "the updateTransfer", func() bool {
		return onChainNonce(t, chain, s.channel, bobAddr) == 4
	})
	if head := chain.Head(t); head > closed+s.timeout {
		t.Fatalf("update landed at %d, after the deadline %d", head, closed+s.timeout)
	}
	chain.Mine(3)
	if mined, pending := sentBy(t, chain, op); mined != before+1 || pending != before+1 {
		t.Fatalf("the operator sent %d transactions (%d with the pool) since the close, want exactly one update",
			mined-before, pending-before)
	}
	if follower.leads("ethereum") || !leader.leads("ethereum") {
		t.Fatalf("roles after the takeover: leader %+v, follower %+v", leader.stats().Replica, follower.stats().Replica)
	}
}

// TestReplicasBitcoinTakeover: two replicas with the watchtower share one
// database. An appointment accepted by the follower is matched by the
// leader (which reads the store's changes into its locator index before
// each block), and the leader broadcasts the justice transaction with its
// bounty, once; both replicas' stats show it. Then
// the leader dies (its lease sessions ended, its process stopped) before a
// second breach is mined; the survivor takes the bitcoin role and
// broadcasts that breach's justice with its bounty, once. Each breach has
// exactly one justice record and one spender.
func TestReplicasBitcoinTakeover(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, payoutScript := payoutAddress(t)
	o := vigilOpts{key: chain.Keys[0], conf: 1, storeURL: dbURL, leaseCheck: replicaLeaseCheck}
	a := towerVigil(t, chain, btc, o, payout)
	ethtest.Eventually(t, defaultWait, "the first replica to lead bitcoin", func() bool { return a.leads("bitcoin") })
	b := towerVigil(t, chain, btc, o, payout)
	if b.leads("bitcoin") {
		t.Fatal("both replicas lead bitcoin")
	}

	justiceFor := func(v *vigil, bs *breachSetup) {
		t.Helper()
		btc.Broadcast(t, bs.commit)
		btc.Generate(t, 1)
		var justice *wire.MsgTx
		ethtest.Eventually(t, defaultWait, "the justice transaction in the mempool", func() bool {
			justice = spenderInMempool(t, btc, bs.commit.TxHash())
			return justice != nil
		})
		jid := justice.TxHash()
		if !btc.BlockHasTx(t, btc.Generate(t, 1)[0], &jid) {
			t.Fatal("the justice transaction is not in the next block")
		}
		if len(justice.TxOut) != 2 || !bytes.Equal(justice.TxOut[1].PkScript, payoutScript) || justice.TxOut[1].Value <= 0 {
			t.Fatalf("justice outputs: %d, want the victim's and the bounty", len(justice.TxOut))
		}
		btc.Generate(t, 2)
		if again := spenderInMempool(t, btc, bs.commit.TxHash()); again != nil {
			t.Fatalf("a second justice transaction %s", again.TxHash())
		}
		recordFor(t, justiceRecords(t, v, ""), bs.commit.TxHash())
	}

	// Phase 1: the follower takes the appointment, the leader responds.
	b1 := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	if code, body := b.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b1.appt))); code != http.StatusCreated {
		t.Fatalf("PUT appointment to the follower: %d %v", code, body)
	}
	justiceFor(a, b1)
	// Both replicas' stats show the database's totals (cached a moment).
	ethtest.Eventually(t, defaultWait, "one justice broadcast in both replicas' stats", func() bool {
		return a.stats().Lightning.JusticeBroadcast == 1 && b.stats().Lightning.JusticeBroadcast == 1
	})

	// Phase 2: the leader takes an appointment and dies before the breach.
	b2 := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	if code, body := a.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b2.appt))); code != http.StatusCreated {
		t.Fatalf("PUT appointment to the leader: %d %v", code, body)
	}
	oldTerm := a.term("bitcoin")
	roles := len(a.stats().Replica.Roles)
	if n := cutOff(t, dbURL); n != roles {
		t.Fatalf("ended %d lease sessions, want the leader's %d", n, roles)
	}
	a.stop()
	ethtest.Eventually(t, defaultWait, "the survivor to take bitcoin", func() bool { return b.term("bitcoin") > oldTerm })
	justiceFor(b, b2)
	ethtest.Eventually(t, defaultWait, "two justice broadcasts, one per breach, in the survivor's stats", func() bool {
		return b.stats().Lightning.JusticeBroadcast == 2
	})
	if n := len(justiceRecords(t, b, "")); n != 2 {
		t.Fatalf("%d justice records, want one per breach", n)
	}
}

// TestReplicaStopsOnStaleTerm: the leader's term is overtaken in the
// database (as when another replica won the role before this one noticed
// its session was gone). Its next fenced write, the watcher's cursor for a
// new block, is refused: the part stops, the role is given up and won
// again with a term above the newer one.
func TestReplicaStopsOnStaleTerm(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 1)
	v := startVigil(t, chain, vigilOpts{key: chain.Keys[0], payout: newPayout(t), conf: 1, storeURL: dbURL, leaseCheck: replicaLeaseCheck})
	ethtest.Eventually(t, defaultWait, "the replica to lead", func() bool { return v.leads("ethereum") })
	const overtaken = 100
	if old := v.term("ethereum"); old >= overtaken {
		t.Fatalf("first term %d", old)
	}
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE leader_terms SET term = $1 WHERE role = 'ethereum'`, overtaken); err != nil {
		t.Fatalf("overtake the term: %v", err)
	}
	mineUntil(t, chain, 50, "the replica to give the stale term up and win a new one", func() bool {
		return v.term("ethereum") > overtaken
	})
}

// TestReplicasRoomTakeover: two replicas with the room intake, one Matrix
// account. Only the leader of the matrix role syncs the room: a proof
// posted there is stored and answered by one receipt from it. The leader
// dies; the survivor takes the role, resumes from the shared room
// position and answers the next proof; neither event gets a second
// receipt.
func TestReplicasRoomTakeover(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	o := vigilOpts{key: operator, conf: 1, storeURL: dbURL, leaseCheck: replicaLeaseCheck,
		matrix: &daemon.MatrixConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw", RoomAlias: alias,
			CreateRoom: true, PostReceipts: true, CatchupLimit: 1000, MaxEventBytes: 16 << 10, SyncWait: time.Second}}
	a := roomVigil(t, chain, hs, alias, o)
	ethtest.Eventually(t, defaultWait, "the first replica to lead the room", func() bool {
		return a.leads("matrix") && a.stats().Matrix.RoomID != ""
	})
	b := roomVigil(t, chain, hs, alias, o)
	client := newRoomClient(t, hs, "alice", alias)

	first := client.postProof(s.proof(t, 5, big.NewInt(5000), reward))
	client.waitReceipt(first, defaultWait)
	if n, ok := b.storedNonce(s.channel, ethtest.Address(alice)); !ok || n != 5 {
		t.Fatalf("the follower does not see the stored proof: %d %v", n, ok)
	}
	// Both replicas' stats show the one receipt (the database's counters).
	ethtest.Eventually(t, defaultWait, "one receipt in both replicas' stats", func() bool {
		return a.stats().Matrix.ReceiptsPosted == 1 && b.stats().Matrix.ReceiptsPosted == 1
	})
	if b.leads("matrix") {
		t.Fatal("the follower leads the room")
	}

	roles := len(a.stats().Replica.Roles)
	if n := cutOff(t, dbURL); n != roles {
		t.Fatalf("ended %d lease sessions, want the leader's %d", n, roles)
	}
	a.stop()
	ethtest.Eventually(t, defaultWait, "the survivor to lead the room", func() bool { return b.leads("matrix") })
	second := client.postProof(s.proof(t, 6, big.NewInt(6000), reward))
	client.waitReceipt(second, defaultWait)
	ethtest.Eventually(t, defaultWait, "the newer proof stored", func() bool {
		n, ok := b.storedNonce(s.channel, ethtest.Address(alice))
		return ok && n == 6
	})
	// The survivor posts receipts in order, so a second receipt for the
	// first event would be in the room before the second event's.
	counts := client.receiptCounts()
	if counts[first] != 1 || counts[second] != 1 {
		t.Fatalf("receipts per event: first %d, second %d; want one each", counts[first], counts[second])
	}
}

// receiptCounts counts the receipts in the room's last 200 events, by the
// event each answers.
func (c *roomClient) receiptCounts() map[string]int {
	c.t.Helper()
	resp, err := c.s.Sync(context.Background(), "", `{"room":{"timeline":{"limit":200}}}`, 0)
	if err != nil {
		c.t.Fatal(err)
	}
	out := map[string]int{}
	for _, ev := range resp.Rooms.Join[c.room].Timeline.Events {
		var m map[string]any
		if ev.Type == matrixbus.TypeReceipt && json.Unmarshal(ev.Content, &m) == nil {
			if id, ok := m["for_event_id"].(string); ok {
				out[id]++
			}
		}
	}
	return out
}

// TestReplicasRollingRestart: two replicas take a steady REST load of
// distinct balance proofs, sent to either, while each is restarted in
// turn. A request whose replica is down (refused connection, or its
// answer cut off) is sent to the other. Every acknowledged proof is
// stored, once, and the roles stay with one replica each time.
func TestReplicasRollingRestart(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	const n = 120
	channels := chain.OpenChannels(t, alice, bob, n, 100)
	o := vigilOpts{key: operator, conf: 1, storeURL: dbURL, leaseCheck: replicaLeaseCheck, profitFactor: -1}
	replicas := []*vigil{startVigil(t, chain, o), startVigil(t, chain, o)}
	var mu sync.Mutex
	urlOf := func(i int) string {
		mu.Lock()
		defer mu.Unlock()
		return replicas[i%2].url
	}

	bodies := make([][]byte, n)
	for i, ch := range channels {
		bp, err := ethereum.SignRequest(chain.ChainID, ch, eip712.BalanceProof{Nonce: uint64(i + 1), TransferredAmount: big.NewInt(int64(i + 1))},
			bob, alice, new(big.Int))
		if err != nil {
			t.Fatal(err)
		}
		bodies[i], _ = json.Marshal(proofs.EncodeBalanceProof(bp))
	}
	put := func(base string, body []byte) (int, error) {
		req, err := http.NewRequest(http.MethodPut, base+"/api/1/balance_proofs", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}

	// Two clients, each sending its half in order; progress counts the
	// proofs answered so far.
	var progress atomic.Int64
	acked := make([]bool, n)
	errs := make(chan error, 2)
	for c := 0; c < 2; c++ {
		go func() {
			for i := c; i < n; i += 2 {
				var code int
				var err error
				for try := 0; try < 200; try++ {
					code, err = put(urlOf(i+try), bodies[i])
					if err == nil && code != http.StatusServiceUnavailable {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				if err != nil || (code != http.StatusCreated && code != http.StatusOK) {
					errs <- fmt.Errorf("proof %d: %d %v", i, code, err)
					return
				}
				acked[i] = true
				progress.Add(1)
			}
			errs <- nil
		}()
	}
	for r := 0; r < 2; r++ {
		ethtest.Eventually(t, defaultWait, "load before the restart", func() bool { return progress.Load() >= int64((r+1)*n/3) })
		replicas[r].stop()
		next := startVigil(t, chain, o)
		mu.Lock()
		replicas[r] = next
		mu.Unlock()
	}
	for c := 0; c < 2; c++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}

	code, body := replicas[0].do(http.MethodGet, "/api/1/balance_proofs?limit=1000", nil)
	if code != http.StatusOK {
		t.Fatalf("list: %d %v", code, body)
	}
	seen := map[string]int{}
	for _, p := range body["balance_proofs"].([]any) {
		seen[p.(map[string]any)["channel_address"].(string)]++
	}
	for i, ch := range channels {
		if !acked[i] {
			t.Fatalf("proof %d was never acknowledged", i)
		}
		if seen[ch.Hex()] != 1 {
			t.Fatalf("acknowledged proof %d stored %d times", i, seen[ch.Hex()])
		}
	}
	if len(seen) != n {
		t.Fatalf("%d channels stored, want %d", len(seen), n)
	}
	ethtest.Eventually(t, defaultWait, "one replica to lead ethereum", func() bool {
		return replicas[0].leads("ethereum") != replicas[1].leads("ethereum")
	})
}

// TestReplicaRoomSettlesInheritedReceipt: a matrix leader recorded a
// receipt under its term, claimed it, posted it to the room and died
// before marking it posted (the crash window of a receipt). The next
// leader finds it in the room, marks it posted and does not post it
// again, though it reads the answered event again (its predecessor never
// saved the room position past it). A later event gets its one receipt.
func TestReplicaRoomSettlesInheritedReceipt(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	reward := big.NewInt(1_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	client := newRoomClient(t, hs, "alice", alias)
	first := client.postProof(s.proof(t, 5, big.NewInt(5000), reward))

	// The dead leader's part: its record, claim and post, not its mark.
	ctx := context.Background()
	st, err := pgstore.Open(ctx, pgstore.Config{URL: dbURL, Fenced: true})
	if err != nil {
		t.Fatal(err)
	}
	lease, err := st.Campaign(ctx, pgstore.LeaderConfig{Role: "matrix", Holder: "the dead leader"})
	if err != nil {
		t.Fatal(err)
	}
	fctx := pgstore.WithFence(ctx, pgstore.Fence{Role: "matrix", Term: lease.Term()})
	content := map[string]string{"for_event_id": first, "kind": "balance_proof"}
	raw, _ := json.Marshal(content)
	if fresh, err := st.RecordReceipt(fctx, first, client.room, raw); err != nil || !fresh {
		t.Fatalf("record: fresh %v, %v", fresh, err)
	}
	if owed, err := st.ClaimReceipt(fctx, first); err != nil || !owed {
		t.Fatalf("claim: owed %v, %v", owed, err)
	}
	mon, err := matrixbus.Connect(ctx, matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mon.JoinAlias(ctx, alias, false); err != nil {
		t.Fatal(err)
	}
	if _, err := mon.Send(ctx, client.room, matrixbus.TypeReceipt, content, ""); err != nil {
		t.Fatal(err)
	}
	mon.Close()
	if err := lease.Release(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()

	o := vigilOpts{key: operator, conf: 1, storeURL: dbURL, leaseCheck: replicaLeaseCheck,
		matrix: &daemon.MatrixConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw", RoomAlias: alias,
			CreateRoom: true, PostReceipts: true, CatchupLimit: 1000, MaxEventBytes: 16 << 10, SyncWait: time.Second}}
	v := roomVigil(t, chain, hs, alias, o)
	ethtest.Eventually(t, defaultWait, "the replica to lead the room", func() bool { return v.leads("matrix") })
	second := client.postProof(s.proof(t, 6, big.NewInt(6000), reward))
	client.waitReceipt(second, defaultWait)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var owed int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM room_receipts WHERE posted_at IS NULL`).Scan(&owed); err != nil || owed != 0 {
		t.Fatalf("%d receipts still owed (%v), want none", owed, err)
	}
	// Receipts are posted in order: a second receipt for the first event
	// would be in the room before the second event's.
	counts := client.receiptCounts()
	if counts[first] != 1 || counts[second] != 1 {
		t.Fatalf("receipts per event: first %d, second %d; want one each", counts[first], counts[second])
	}
}
