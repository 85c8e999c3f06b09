package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/jackc/pgx/v5"

	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

var ctx = context.Background()

func testAddr(kind string, i int) common.Address {
	h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte(kind), uint64(i)))
	return common.BytesToAddress(h[:20])
}

// testRequest is request i (its own channel and participants) at nonce.
func testRequest(i int, nonce uint64) proofs.Request {
	return proofs.Request{
		BalanceProof: proofs.BalanceProof{
			ChainID:             big.NewInt(1337),
			Channel:             testAddr("ch", i),
			Nonce:               nonce,
			TransferredAmount:   big.NewInt(int64(i) * 1000),
			Locksroot:           common.BytesToHash([]byte(fmt.Sprintf("locks-%d-%d", i, nonce))),
			Signature:           make([]byte, 65),
			NonClosing:          testAddr("nc", i),
			NonClosingSignature: make([]byte, 65),
			Reward:              big.NewInt(25e15),
		},
		Closing:    testAddr("cl", i),
		Source:     "rest",
		ReceivedAt: time.Unix(1_700_000_000, 0).UTC(),
	}
}

func schemaVersions(t *testing.T, url string) []int {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestDurableAcrossReopen: what one Store committed, the next one on the
// same database reads; reopening applies no migration twice.
func TestDurableAcrossReopen(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	s := openURL(t, url)
	r := testRequest(1, 5)
	if _, err := s.SaveRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	must(t, s.SetState(ctx, "matrix.since", "s42"))
	must(t, s.Close())

	s = openURL(t, url)
	got, err := s.Request(ctx, r.Channel, r.NonClosing)
	must(t, err)
	if got.Nonce != 5 || got.TransferredAmount.Cmp(r.TransferredAmount) != 0 {
		t.Errorf("after reopen: %+v", got)
	}
	if v, ok, err := s.State(ctx, "matrix.since"); err != nil || !ok || v != "s42" {
		t.Errorf("state after reopen: %q %v %v", v, ok, err)
	}
	if res, err := s.SaveRequest(ctx, r); err != nil || !res.Duplicate {
		t.Errorf("the same request after reopen: %+v %v, want Duplicate", res, err)
	}
	if vs := schemaVersions(t, url); len(vs) != len(mustMigrations(t)) {
		t.Errorf("schema_migrations after two opens: %v", vs)
	}
}

func mustMigrations(t *testing.T) []migration {
	t.Helper()
	ms, err := loadMigrations(migrationsFS)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestReplicasMigrateOnce: replicas opening one empty database at the same
// time all start, and each migration is applied once (the migration lock).
func TestReplicasMigrateOnce(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	const replicas = 4
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Go(func() {
			s, err := Open(ctx, Config{URL: url, Logger: quiet})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	if vs, ms := schemaVersions(t, url), mustMigrations(t); len(vs) != len(ms) || vs[len(vs)-1] != ms[len(ms)-1].version {
		t.Errorf("schema_migrations: %v, want each of %d migrations once", vs, len(ms))
	}
}

// TestRefuseNewerSchema: a database migrated by a newer binary is refused.
func TestRefuseNewerSchema(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	must(t, openURL(t, url).Close())
	conn, err := pgx.Connect(ctx, url)
	must(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_future', 0)`)
	conn.Close(ctx)
	must(t, err)
	if _, err := Open(ctx, Config{URL: url, Logger: quiet}); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

// TestGroupCommitConcurrent: many concurrent SaveRequest calls, each key
// sent twice, share transactions; every key is stored once, every call is
// answered as one-by-one commits would answer it (one stored, one
// duplicate per key), and the totals count each new channel and
// participant once.
func TestGroupCommitConcurrent(t *testing.T) {
	s := open(t)
	const keys = 200
	var wg sync.WaitGroup
	results := make([]monitor.SaveResult, 2*keys)
	errs := make([]error, 2*keys)
	for i := range 2 * keys {
		wg.Go(func() { results[i], errs[i] = s.SaveRequest(ctx, testRequest(i%keys, 1)) })
	}
	wg.Wait()
	dups := map[int]int{}
	for i := range 2 * keys {
		must(t, errs[i])
		if results[i].Duplicate {
			dups[i%keys]++
		} else if results[i] != (monitor.SaveResult{NewChannel: true, NewParticipants: 2}) {
			t.Errorf("call %d: %+v, want a new channel and 2 new participants, or a duplicate", i, results[i])
		}
	}
	for k := range keys {
		if dups[k] != 1 {
			t.Errorf("key %d: %d duplicates, want 1", k, dups[k])
		}
	}
	tot, err := s.Totals(ctx)
	must(t, err)
	if tot.Requests != keys || tot.Channels != keys || tot.Participants != 2*keys {
		t.Errorf("totals: %d requests, %d channels, %d participants; want %d, %d, %d", tot.Requests, tot.Channels, tot.Participants, keys, keys, 2*keys)
	}
	if txs, writes := s.GroupCommits(); writes != 2*keys || txs < 1 || txs > writes {
		t.Errorf("GroupCommits: %d transactions for %d writes", txs, writes)
	}
}

// TestReplicasShareIntake: two Stores on one database (two replicas) take
// the same requests and appointments at once. The intake locks make their
// transactions apply one after the other: each key is stored once and
// answered once as new, the rest as duplicates, and the per-locator cap
// holds across both.
func TestReplicasShareIntake(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	a, b := openURL(t, url), openURL(t, url)
	const keys, maxPer = 100, 3
	appt := func(i int) tower.StoredAppointment {
		var loc [16]byte
		loc[0] = byte(i % 10) // ten locators, each offered to ten users
		var pub [33]byte
		pub[0], pub[1] = 2, byte(i)
		return tower.StoredAppointment{Appointment: tower.Appointment{Network: "regtest", Locator: loc, UserPubkey: pub,
			EncryptedBlob: []byte{byte(i)}, Cipher: lncrypto.CipherChaCha20Poly1305, StartBlock: 1, EndBlock: 100,
			UserSignature: "sig"}, Source: "rest"}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	stored, accepted, capped := 0, 0, 0
	for i := range 2 * keys {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			res, err := s.SaveRequest(ctx, testRequest(i/2, 1))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
			} else if !res.Duplicate {
				stored++
			}
		})
		wg.Go(func() {
			_, err := s.SaveAppointment(ctx, appt(i/2), maxPer)
			mu.Lock()
			defer mu.Unlock()
			var me *monitor.Error
			switch {
			case err == nil:
				accepted++
			case errors.As(err, &me) && me.Reason == monitor.ReasonTooManyPerLocator:
				capped++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if stored != keys {
		t.Errorf("%d requests answered as stored, want %d", stored, keys)
	}
	tot, err := a.Totals(ctx)
	must(t, err)
	if tot.Requests != keys || tot.Channels != keys || tot.Participants != 2*keys {
		t.Errorf("totals: %d requests, %d channels, %d participants; want %d, %d, %d", tot.Requests, tot.Channels, tot.Participants, keys, keys, 2*keys)
	}
	tt, err := b.TowerTotals(ctx)
	must(t, err)
	if tt.Appointments != 10*maxPer {
		t.Errorf("%d appointments stored, want %d (10 locators at the cap of %d)", tt.Appointments, 10*maxPer, maxPer)
	}
	for l := range 10 {
		as, err := a.AppointmentsByLocator(ctx, [16]byte{byte(l)})
		must(t, err)
		if len(as) != maxPer {
			t.Errorf("locator %d: %d appointments, want the cap %d", l, len(as), maxPer)
		}
	}
}

// TestServerGone: while the server is down every call fails with a
// storage_unavailable rejection, not an internal error; when a backend is
// terminated under it the store carries on with new connections.
func TestServerGone(t *testing.T) {
	c := pgtest.Shared(t)
	url := c.NewDatabase(t)
	s := openURL(t, url)
	if _, err := s.SaveRequest(ctx, testRequest(1, 1)); err != nil {
		t.Fatal(err)
	}
	// Every connection of the store is cut.
	if _, err := c.Admin().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	var err error
	for range 5 { // a pooled connection found dead fails its call once
		if _, err = s.SaveRequest(ctx, testRequest(2, 1)); err == nil || !monitor.IsStorageUnavailable(err) {
			break
		}
	}
	if err != nil {
		t.Fatalf("SaveRequest after the backends were terminated: %v", err)
	}

	own, err := pgtest.Start(ctx)
	must(t, err)
	defer own.Stop()
	url, err = own.CreateDatabase(ctx)
	must(t, err)
	s = openURL(t, url)
	must(t, own.Stop())
	calls := map[string]func() error{
		"SaveRequest": func() error { _, err := s.SaveRequest(ctx, testRequest(3, 1)); return err },
		"ApplyChain": func() error {
			return s.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 1}})
		},
		"Request": func() error { _, err := s.Request(ctx, testAddr("ch", 3), testAddr("nc", 3)); return err },
		"Totals":  func() error { _, err := s.Totals(ctx); return err },
	}
	for name, call := range calls {
		if err := call(); !monitor.IsStorageUnavailable(err) {
			t.Errorf("%s with the server down: %v, want storage_unavailable", name, err)
		}
	}
	if _, err := Open(ctx, Config{URL: url, Logger: quiet}); !monitor.IsStorageUnavailable(err) {
		t.Errorf("Open with the server down: %v, want storage_unavailable", err)
	}
}

// TestBatchEqualsOneByOne: SaveRequests, whose independent writes share
// round trips, answers and stores exactly what SaveRequest called for each
// request in order does, on a sequence full of dependencies: repeated keys,
// shared participants, newer and older nonces, and replacements that
// change the closing participant (which may leave the former one unseen).
func TestBatchEqualsOneByOne(t *testing.T) {
	batched, single := open(t), open(t)
	var reqs []proofs.Request
	for i := range 300 {
		ch, nc, cl := i%7, (i*3)%11, (i*5)%13
		r := testRequest(0, uint64(1+(i*7)%5))
		if i%17 == 0 {
			cl = 100 + i // a participant never seen before
		}
		r.Channel, r.NonClosing, r.Closing = testAddr("ch", ch), testAddr("p", nc), testAddr("p", cl)
		if i%10 == 0 {
			r.Locksroot = hash32("other") // the same nonce with other content: a conflict
		}
		reqs = append(reqs, r)
		if i%9 == 0 {
			reqs = append(reqs, r) // the same again: a duplicate, or the same rejection
		}
	}
	results, rejections, err := batched.SaveRequests(ctx, reqs)
	must(t, err)
	kinds := map[string]int{}
	for i := range reqs {
		switch {
		case rejections[i] != nil:
			kinds["rejected"]++
		case results[i].Duplicate:
			kinds["duplicate"]++
		case results[i].Replaced && results[i].NewParticipants > 0:
			kinds["replaced with a new closing participant"]++
		case results[i].Replaced:
			kinds["replaced"]++
		default:
			kinds["new"]++
		}
	}
	if len(kinds) != 5 {
		t.Fatalf("the sequence exercises %v; want every kind of outcome", kinds)
	}
	for i, r := range reqs {
		res, err := single.SaveRequest(ctx, r)
		if fmt.Sprint(err) != fmt.Sprint(rejections[i]) || res != results[i] {
			t.Errorf("request %d: batched %+v %v, one by one %+v %v", i, results[i], rejections[i], res, err)
		}
	}
	a, err := batched.Totals(ctx)
	must(t, err)
	b, err := single.Totals(ctx)
	must(t, err)
	if a.Requests != b.Requests || a.Channels != b.Channels || a.Participants != b.Participants {
		t.Errorf("totals: batched %+v, one by one %+v", a, b)
	}
	la, _, err := batched.Requests(ctx, proofs.RequestQuery{Limit: 1000})
	must(t, err)
	lb, _, err := single.Requests(ctx, proofs.RequestQuery{Limit: 1000})
	must(t, err)
	if fmt.Sprint(la) != fmt.Sprint(lb) {
		t.Errorf("stored requests differ:\n batched %v\n one by one %v", la, lb)
	}
}

func hash32(label string) common.Hash { return sha256.Sum256([]byte(label)) }
