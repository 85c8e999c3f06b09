package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestMain stops the PostgreSQL cluster the replica tests start.
func TestMain(m *testing.M) { pgtest.Main(m) }

// statsOf is p's /api/1/stats.
func (v *vigild) statsOf(t *testing.T) monitor.StatsSnapshot {
	t.Helper()
	resp, err := http.Get(v.url + "/api/1/stats")
	must(t, err)
	defer resp.Body.Close()
	var s monitor.StatsSnapshot
	must(t, json.NewDecoder(resp.Body).Decode(&s))
	return s
}

// leads tells whether v holds role, and its term.
func (v *vigild) leads(t *testing.T, role string) (bool, int64) {
	r := v.statsOf(t).Replica
	if r == nil || !slices.Contains(r.Roles, role) {
		return false, 0
	}
	return true, r.Terms[role]
}

// TestReplicasSurviveSIGKILL: two vigild processes share one PostgreSQL
// database and one operator key. The first leads the ethereum role; the
// second follows and takes a client's balance proof over REST. Bob closes
// the channel with stale state and, before the close is confirmed, the
// leader is killed with SIGKILL. The survivor takes the role with a newer
// term and sends updateTransfer before the deadline: exactly one
// transaction from the operator account, and settle pays the reward.
func TestReplicasSurviveSIGKILL(t *testing.T) {
	bin := buildVigild(t)
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	ctx := context.Background()
	const timeout = 30
	reward := big.NewInt(1_000_000_000_000_000)
	ch, _, err := chain.Ops(alice).OpenChannel(ctx, chain.Registry, ethtest.Address(bob), timeout)
	must(t, err)
	_, err = chain.Ops(alice).Deposit(ctx, ch, new(big.Int).Mul(big.NewInt(5), ethtest.Ether))
	must(t, err)
	_, err = chain.Ops(bob).Deposit(ctx, ch, new(big.Int).Mul(big.NewInt(3), ethtest.Ether))
	must(t, err)
	_, err = chain.Ops(alice).DepositReward(ctx, ch, reward)
	must(t, err)

	dir := t.TempDir()
	ks, err := keystore.EncryptKey(&keystore.Key{Id: uuid.New(), Address: ethtest.Address(operator), PrivateKey: operator},
		"pw", keystore.LightScryptN, keystore.LightScryptP)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dir, "key.json"), ks, 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "pw"), []byte("pw\n"), 0o600))
	pk, err := crypto.GenerateKey()
	must(t, err)
	payout := crypto.PubkeyToAddress(pk.PublicKey)
	chain.RegisterMonitor(t, operator, payout)
	op := ethtest.Address(operator)
	before, err := chain.Client.NonceAt(ctx, op, nil) // its registration
	must(t, err)
	args := func(name string) []string {
		return []string{"--data-dir", filepath.Join(dir, name), "--api.listen", "127.0.0.1:0",
			"--store.url", dbURL, "--store.lease-check", "100ms",
			"--ethereum.rpc-url", chain.URL, "--ethereum.registry-address", chain.Registry.Hex(),
			"--ethereum.keystore-file", filepath.Join(dir, "key.json"), "--ethereum.password-file", filepath.Join(dir, "pw"),
			"--ethereum.payout-address", payout.Hex(), "--ethereum.poll-interval", "50ms", "--ethereum.confirmations", "3",
			"--policy.profit-factor", "0", "--log.level", "info"}
	}

	a := startVigild(t, bin, args("a"), 30*time.Second)
	ethtest.Eventually(t, 30*time.Second, "the first replica to lead", func() bool { ok, _ := a.leads(t, "ethereum"); return ok })
	_, oldTerm := a.leads(t, "ethereum")
	b := startVigild(t, bin, args("b"), 30*time.Second)
	if r := b.statsOf(t).Replica; r == nil || len(r.Roles) != 0 {
		t.Fatalf("the second replica's roles: %+v, want none", r)
	}

	bp, err := ethereum.SignRequest(chain.ChainID, ch, eip712.BalanceProof{Nonce: 4, TransferredAmount: big.NewInt(4000),
		Locksroot: crypto.Keccak256Hash([]byte("locks")), ExtraHash: crypto.Keccak256Hash([]byte("extra"))}, bob, alice, reward)
	must(t, err)
	body, _ := json.Marshal(proofs.EncodeBalanceProof(bp))
	req, _ := http.NewRequest(http.MethodPut, b.url+"/api/1/balance_proofs", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT to the follower: %d", resp.StatusCode)
	}

	// Bob closes with alice's proof of her transfers to him, leaving out
	// his own to her; the leader dies before the close is confirmed.
	stale := eip712.BalanceProof{Nonce: 7, TransferredAmount: ethtest.Ether}
	sig, err := eip712.Sign(eip712.Domain{ChainID: chain.ChainID, Channel: ch}.BalanceProofDigest(stale), alice)
	must(t, err)
	r, err := chain.Ops(bob).Close(ctx, ch, &stale, sig)
	must(t, err)
	deadline := r.BlockNumber.Uint64() + timeout
	must(t, a.Signal(syscall.SIGKILL))
	<-a.Done()

	ethtest.Eventually(t, 30*time.Second, "the survivor to take the role", func() bool {
		_, term := b.leads(t, "ethereum")
		return term > oldTerm
	})
	caller, err := contracts.NewNettingChannelCaller(ch, chain.Client)
	must(t, err)
	updated := func() bool {
		n, err := caller.Nonces(&bind.CallOpts{}, ethtest.Address(bob))
		must(t, err)
		return n == 4
	}
	for i := 0; i < timeout-2 && !updated(); i++ {
		wait := time.Now().Add(300 * time.Millisecond)
		for time.Now().Before(wait) && !updated() {
			time.Sleep(10 * time.Millisecond)
		}
		if !updated() {
			chain.Mine(1)
		}
	}
	if !updated() {
		t.Fatalf("no updateTransfer by block %d\nsurvivor log:\n%s", chain.Head(t), b.log())
	}
	if head := chain.Head(t); head > deadline {
		t.Fatalf("the update landed at %d, after the deadline %d", head, deadline)
	}
	for chain.Head(t) <= deadline {
		chain.Mine(1)
	}
	_, err = chain.Ops(bob).Settle(ctx, ch)
	must(t, err)
	if got := chain.Balance(t, payout); got.Cmp(reward) != 0 {
		t.Fatalf("payout received %s wei, want the reward %s", got, reward)
	}
	mined, err := chain.Client.NonceAt(ctx, op, nil)
	must(t, err)
	pending, err := chain.Client.PendingNonceAt(ctx, op)
	must(t, err)
	if mined != before+1 || pending != before+1 {
		t.Fatalf("the operator sent %d transactions (%d with the pool) since its registration, want exactly one update",
			mined-before, pending-before)
	}
}

// TestReplicasRoomBurstSIGKILL: two vigild processes share one PostgreSQL
// database and one Matrix account. A client posts a burst of 1,000
// balance proofs to the room; the replica leading the matrix role is
// killed with SIGKILL once it has posted part of the receipts, while the
// burst is being handled. The survivor takes the role, resumes from the
// shared room position and the receipts owed: every event is stored once,
// and the room holds exactly one receipt for each of the 1,000 events.
func TestReplicasRoomBurstSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 1,000 room events")
	}
	const n = 1000
	t0 := time.Now()
	bin := buildVigild(t)
	dbURL := pgtest.Shared(t).NewDatabase(t)
	chain := ethtest.New(t, 3)
	hs := matrixtest.Start(t)
	alice, bob := chain.Keys[0], chain.Keys[1]
	channels := chain.OpenChannels(t, alice, bob, n, 100)
	alias := "#vigil-monitoring:" + hs.ServerName
	sent := make([]proofs.BalanceProof, n)
	for i, ch := range channels {
		bp, err := ethereum.SignRequest(chain.ChainID, ch, eip712.BalanceProof{Nonce: uint64(i + 1), TransferredAmount: big.NewInt(int64(i))},
			bob, alice, new(big.Int))
		must(t, err)
		sent[i] = bp
	}

	dir := t.TempDir()
	chain.RegisterMonitor(t, chain.Keys[2], common.Address{})
	key, err := keystoreFor(t, dir, chain.Keys[2])
	must(t, err)
	monUser, _ := hs.Register(t, "vigil", "monitor-pw")
	must(t, os.WriteFile(filepath.Join(dir, "mpw"), []byte("monitor-pw\n"), 0o600))
	args := func(name string) []string {
		return []string{"--data-dir", filepath.Join(dir, name), "--api.listen", "127.0.0.1:0",
			"--store.url", dbURL, "--store.lease-check", "100ms",
			"--ethereum.rpc-url", chain.URL, "--ethereum.registry-address", chain.Registry.Hex(),
			"--ethereum.keystore-file", key, "--ethereum.password-file", filepath.Join(dir, "pw"),
			"--ethereum.poll-interval", "100ms", "--ethereum.confirmations", "0", "--ethereum.max-block-range", "100000",
			"--policy.profit-factor", "0", "--policy.rate-limit-per-key", "0",
			"--matrix.enabled", "--matrix.homeserver-url", hs.URL, "--matrix.user-id", monUser,
			"--matrix.password-file", filepath.Join(dir, "mpw"), "--matrix.room-alias", alias, "--matrix.create-room",
			"--matrix.rate-limit-per-sender", "0", "--log.level", "info"}
	}
	a := startVigild(t, bin, args("a"), 30*time.Second)
	ethtest.Eventually(t, 30*time.Second, "the first replica to lead the room", func() bool {
		ok, _ := a.leads(t, "matrix")
		return ok && a.statsOf(t).Matrix.RoomID != ""
	})
	_, oldTerm := a.leads(t, "matrix")
	b := startVigild(t, bin, args("b"), 30*time.Second)
	if ok, _ := b.leads(t, "matrix"); ok {
		t.Fatal("both replicas lead the room")
	}
	t.Logf("set up in %s", time.Since(t0).Round(time.Millisecond))

	db, err := pgx.Connect(context.Background(), dbURL)
	must(t, err)
	defer db.Close(context.Background())
	receipts := func() (recorded, posted int) {
		must(t, db.QueryRow(context.Background(), `SELECT count(*), count(posted_at) FROM room_receipts`).Scan(&recorded, &posted))
		return recorded, posted
	}
	// stored counts the proofs in the shared database (a replica's stats
	// count what it took itself).
	stored := func() (n int) {
		must(t, db.QueryRow(context.Background(), `SELECT count(*) FROM requests`).Scan(&n))
		return n
	}

	client, err := matrixbus.Connect(context.Background(), matrixbus.SessionConfig{HomeserverURL: hs.URL,
		UserID: mustRegister(t, hs, "alice"), Password: "password-alice"})
	must(t, err)
	room, err := client.JoinAlias(context.Background(), alias, false)
	must(t, err)
	watch := watchReceipts(t, client, room, monUser)
	ids := make([]string, n)
	posted := make(chan error, 1)
	burst := time.Now()
	// The client posts with eight requests in flight, as a busy client
	// would.
	go func() {
		var g errgroup.Group
		g.SetLimit(8)
		for i, bp := range sent {
			g.Go(func() error {
				id, err := client.Send(context.Background(), room, matrixbus.TypeBalanceProof, proofs.EncodeBalanceProof(bp), "")
				if err != nil {
					return fmt.Errorf("post event %d: %w", i, err)
				}
				ids[i] = id
				return nil
			})
		}
		posted <- g.Wait()
	}()

	// The leader dies once it has posted a fifth of the receipts.
	ethtest.Eventually(t, 120*time.Second, "the leader to post receipts", func() bool {
		_, p := receipts()
		return p >= n/5
	})
	must(t, a.Signal(syscall.SIGKILL))
	<-a.Done()
	rec, pos := receipts()
	t.Logf("killed the room leader with %d receipts recorded, %d posted, %d proofs stored", rec, pos, stored())
	if err := <-posted; err != nil {
		t.Fatal(err)
	}
	t.Logf("the burst was posted in %s", time.Since(burst).Round(time.Millisecond))
	ethtest.Eventually(t, 30*time.Second, "the survivor to lead the room", func() bool {
		_, term := b.leads(t, "matrix")
		return term > oldTerm
	})
	start := time.Now()
	ethtest.Eventually(t, 120*time.Second, "every proof stored and every receipt posted", func() bool {
		rec, pos := receipts()
		return stored() == n && rec == n && pos == n
	})
	t.Logf("the survivor finished %s after the burst was posted", time.Since(start).Round(time.Millisecond))

	all := b.listAll(t)
	if len(all) != n {
		t.Fatalf("listed %d proofs, want %d", len(all), n)
	}
	seen := map[string]int{}
	for _, m := range all {
		seen[fmt.Sprint(m["channel_address"], m["non_closing_participant"])]++
	}
	for i, bp := range sent {
		if k := fmt.Sprint(bp.Channel.Hex(), bp.NonClosing.Hex()); seen[k] != 1 {
			t.Fatalf("proof %d stored %d times", i, seen[k])
		}
	}
	counts := watch.stop(n)
	for i, id := range ids {
		if counts[id] != 1 {
			t.Fatalf("event %d (%s) has %d receipts, want 1", i, id, counts[id])
		}
	}
	if len(counts) != n {
		t.Fatalf("receipts answer %d events, want %d", len(counts), n)
	}
}

// mustRegister registers name on hs with the password "password-"+name.
func mustRegister(t *testing.T, hs *matrixtest.Server, name string) string {
	user, _ := hs.Register(t, name, "password-"+name)
	return user
}

// receiptWatch follows a room by incremental sync, as a client would, and
// counts the receipts a monitor posts, by the event each answers. (Sync's
// stream order sees every event once; backward pagination may skip events
// of a busy room whose DAG forks.)
type receiptWatch struct {
	t       *testing.T
	s       *matrixbus.Session
	room    string
	monitor string
	filter  string
	cancel  context.CancelFunc
	done    chan error

	mu     sync.Mutex
	since  string
	counts map[string]int
}

func watchReceipts(t *testing.T, s *matrixbus.Session, room, monitor string) *receiptWatch {
	t.Helper()
	filter := `{"room":{"rooms":["` + room + `"],"timeline":{"limit":1000,"types":["` + matrixbus.TypeReceipt + `"]},` +
		`"state":{"not_types":["*"]},"ephemeral":{"not_types":["*"]}},"presence":{"not_types":["*"]}}`
	first, err := s.Sync(context.Background(), "", filter, 0)
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	w := &receiptWatch{t: t, s: s, room: room, monitor: monitor, filter: filter, cancel: cancel, done: make(chan error, 1),
		since: first.NextBatch, counts: map[string]int{}}
	go func() {
		for {
			err := w.syncOnce(ctx, time.Second)
			if err != nil {
				if ctx.Err() != nil {
					err = nil
				}
				w.done <- err
				return
			}
		}
	}()
	return w
}

// syncOnce reads what the room has after the watch's position.
func (w *receiptWatch) syncOnce(ctx context.Context, wait time.Duration) error {
	w.mu.Lock()
	since := w.since
	w.mu.Unlock()
	resp, err := w.s.Sync(ctx, since, w.filter, wait)
	if err != nil {
		return err
	}
	tl := resp.Rooms.Join[w.room].Timeline
	if tl.Limited {
		return fmt.Errorf("a sync after %s skipped events (limited timeline)", since)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ev := range tl.Events {
		var c struct {
			ForEventID string `json:"for_event_id"`
		}
		if ev.Type == matrixbus.TypeReceipt && ev.Sender == w.monitor && json.Unmarshal(ev.Content, &c) == nil {
			w.counts[c.ForEventID]++
		}
	}
	w.since = resp.NextBatch
	return nil
}

// stop waits until the watch has seen receipts for n events, ends the
// watch, reads once more all the room has after it, and returns the
// counts. Call it once the receipts are known to be posted.
func (w *receiptWatch) stop(n int) map[string]int {
	w.t.Helper()
	ethtest.Eventually(w.t, 60*time.Second, "the client to see the receipts", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return len(w.counts) >= n
	})
	w.cancel()
	if err := <-w.done; err != nil {
		w.t.Fatal(err)
	}
	must(w.t, w.syncOnce(context.Background(), 0))
	return w.counts
}
