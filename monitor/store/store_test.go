package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/internal/sqlcol"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/storetest"
)

var quiet = slog.New(slog.DiscardHandler)

func tempPath(t testing.TB) string { return filepath.Join(t.TempDir(), "vigil.db") }

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(Config{Path: path, Logger: quiet})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.ProofStore { return openAt(t, tempPath(t)) })
}

// testAddr and testRequest make distinct, valid-looking requests.
func testAddr(kind string, i int) common.Address {
	return common.BytesToAddress([]byte(fmt.Sprintf("%s-%016d", kind, i)))
}

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

func pragma(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := db.QueryRow(`PRAGMA ` + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestPragmas(t *testing.T) {
	s := openAt(t, tempPath(t))
	for name, want := range map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"foreign_keys": "1",
		"busy_timeout": "5000",
	} {
		if got := pragma(t, s.w, name); got != want {
			t.Errorf("writer: PRAGMA %s = %s, want %s", name, got, want)
		}
	}
	if got := pragma(t, s.r, "query_only"); got != "1" {
		t.Errorf("readers: PRAGMA query_only = %s, want 1", got)
	}
	if _, err := s.r.Exec(`INSERT INTO counters (name, value) VALUES ('x', 1)`); err == nil {
		t.Error("write through the read pool succeeded")
	}
}

func TestDurableAcrossReopen(t *testing.T) {
	path := tempPath(t)
	ctx := context.Background()
	s, err := Open(Config{Path: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	r := testRequest(1, 3)
	if _, err := s.SaveRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	cur := proofs.Cursor{Number: 42, Hash: common.HexToHash("0x42")}
	if err := s.ApplyChain(ctx, proofs.ChainBatch{Cursor: cur, Blocks: []proofs.BlockRef{{Number: 42, Hash: cur.Hash}}}); err != nil {
		t.Fatal(err)
	}
	id, err := s.InsertUpdate(ctx, proofs.Update{Channel: r.Channel, NonClosing: r.NonClosing, Outcome: proofs.OutcomePending,
		TxHash: common.HexToHash("0x77"), TxNonce: 12})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddCounters(ctx, map[string]int64{"c": 5}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	s = openAt(t, path)
	got, err := s.Request(ctx, r.Channel, r.NonClosing)
	if err != nil || got.Nonce != 3 || got.Reward.Cmp(r.Reward) != 0 || !got.ReceivedAt.Equal(r.ReceivedAt) {
		t.Errorf("request after reopen: %+v, %v", got, err)
	}
	if c, ok, err := s.Cursor(ctx); err != nil || !ok || c != cur {
		t.Errorf("cursor after reopen: %v %v %v", c, ok, err)
	}
	if h, ok, err := s.BlockHash(ctx, 42); err != nil || !ok || h != cur.Hash {
		t.Errorf("block hash after reopen: %v %v %v", h, ok, err)
	}
	us, err := s.Updates(ctx, proofs.UpdateQuery{})
	if err != nil || len(us) != 1 || us[0].ID != id || us[0].TxNonce != 12 {
		t.Errorf("updates after reopen: %+v, %v", us, err)
	}
	tot, err := s.Totals(ctx)
	if err != nil || tot.Requests != 1 || tot.Submitted != 1 {
		t.Errorf("totals after reopen: %+v, %v", tot, err)
	}
	if c, err := s.Counters(ctx); err != nil || c["c"] != 5 {
		t.Errorf("counters after reopen: %+v, %v", c, err)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	path := tempPath(t)
	s := openAt(t, path)
	_, err := Open(Config{Path: path, Logger: quiet})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: got %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path+".lock") {
		t.Errorf("error %q does not name the lock file", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("error %q does not name the holder", err)
	}
	// The failed Open must not have disturbed the first store.
	if _, err := s.SaveRequest(context.Background(), testRequest(1, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(Config{Path: path, Logger: quiet})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	_ = s2.Close()
}

// TestSecondProcessIsLocked runs this test binary again as "a second
// daemon" on the same database.
func TestSecondProcessIsLocked(t *testing.T) {
	if path := os.Getenv("VIGIL_STORE_LOCK_CHILD"); path != "" {
		_, err := Open(Config{Path: path, Logger: quiet})
		fmt.Printf("child: locked=%v err=%v\n", errors.Is(err, ErrLocked), err)
		return
	}
	path := tempPath(t)
	openAt(t, path)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondProcessIsLocked$", "-test.count=1")
	cmd.Env = append(os.Environ(), "VIGIL_STORE_LOCK_CHILD="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "child: locked=true") {
		t.Fatalf("second process was not refused:\n%s", out)
	}
	t.Logf("%s", strings.SplitN(string(out), "\n", 2)[0])
}

func TestOpenValidation(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:x.db?mode=memory", filepath.Join(t.TempDir(), "missing", "vigil.db")} {
		if s, err := Open(Config{Path: path, Logger: quiet}); err == nil {
			_ = s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
	// Characters that mean something in a URI are just part of the name.
	s := openAt(t, filepath.Join(t.TempDir(), "odd ?#%name.db"))
	if _, err := s.SaveRequest(context.Background(), testRequest(1, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.path), "odd ?#%name.db")); err != nil {
		t.Errorf("database not at the given path: %v", err)
	}
}

func schemaVersions(t *testing.T, db *sql.DB) []int {
	t.Helper()
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestMigrationsIdempotentOnReopen(t *testing.T) {
	ms, err := loadMigrations(migrationsFS)
	if err != nil || len(ms) == 0 {
		t.Fatalf("embedded migrations: %d, %v", len(ms), err)
	}
	path := tempPath(t)
	for range 3 {
		s, err := Open(Config{Path: path, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if vs := schemaVersions(t, s.w); len(vs) != len(ms) || vs[len(vs)-1] != len(ms) {
			t.Errorf("schema_migrations: %v, want 1..%d", vs, len(ms))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRefuseNewerSchema(t *testing.T) {
	path := tempPath(t)
	s := openAt(t, path)
	if _, err := s.w.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future', 0)`); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Config{Path: path, Logger: quiet})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema: got %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "999") {
		t.Errorf("error %q does not say which version", err)
	}
	// The refusal released the lock.
	if _, err := Open(Config{Path: path, Logger: quiet}); errors.Is(err, ErrLocked) {
		t.Errorf("lock kept after a failed Open: %v", err)
	}
}

func TestMigrateInOrderEachAtomically(t *testing.T) {
	db, err := sql.Open("sqlite3", dsn(tempPath(t), nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	fsys := fstest.MapFS{
		"0002_add.sql":    {Data: []byte(`INSERT INTO t (v) VALUES ('second');`)},
		"0001_create.sql": {Data: []byte(`CREATE TABLE t (v TEXT); INSERT INTO t (v) VALUES ('first');`)},
		"README":          {Data: []byte(`not a migration`)},
	}
	if v, err := migrate(ctx, db, fsys, quiet); err != nil || v != 2 {
		t.Fatalf("migrate: %d, %v", v, err)
	}
	// 0003 fails half way: its first statement must not stick.
	fsys["0003_broken.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE u (v TEXT); INSERT INTO nowhere VALUES (1);`)}
	if v, err := migrate(ctx, db, fsys, quiet); err == nil || v != 2 || !strings.Contains(err.Error(), "0003_broken") {
		t.Fatalf("broken migration: %d, %v", v, err)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'u'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("partial migration left table u behind (%d, %v)", n, err)
	}
	if vs := schemaVersions(t, db); len(vs) != 2 {
		t.Errorf("versions after failure: %v", vs)
	}
	fsys["0003_broken.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE u (v TEXT);`)}
	if v, err := migrate(ctx, db, fsys, quiet); err != nil || v != 3 {
		t.Fatalf("fixed migration: %d, %v", v, err)
	}
	var got []string
	rows, err := db.Query(`SELECT v FROM t ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		_ = rows.Scan(&v)
		got = append(got, v)
	}
	if strings.Join(got, ",") != "first,second" {
		t.Errorf("applied out of order: %v", got)
	}
}

func TestLoadMigrationsRejectsBadSets(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":        {"0001_a.sql": {}, "0003_c.sql": {}},
		"duplicate":  {"0001_a.sql": {}, "0001_b.sql": {}},
		"unnumbered": {"init.sql": {}},
		"zero":       {"0000_a.sql": {}},
	} {
		if _, err := loadMigrations(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestConcurrentReadersAndWriter: one writer and several readers at full
// speed; no "database is locked", and every reader sees a snapshot that
// never goes backwards.
func TestConcurrentReadersAndWriter(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	const writes = 200
	done := make(chan struct{})
	errs := make(chan error, 64)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for i := range writes {
			r := testRequest(i, 1)
			if _, err := s.SaveRequest(ctx, r); err != nil {
				report(fmt.Errorf("writer: %w", err))
				return
			}
			if i%10 == 0 {
				c := proofs.Channel{Address: r.Channel, Participant1: r.Closing, Participant2: r.NonClosing,
					State: proofs.ChannelClosed, Closing: r.Closing, ClosedBlock: uint64(i), SettleTimeout: 1000}
				b := proofs.ChainBatch{Cursor: proofs.Cursor{Number: uint64(i)}, Blocks: []proofs.BlockRef{{Number: uint64(i)}},
					Channels: []proofs.Channel{c}}
				if err := s.ApplyChain(ctx, b); err != nil {
					report(fmt.Errorf("writer: %w", err))
					return
				}
				if err := s.AddCounters(ctx, map[string]int64{"n": 1}); err != nil {
					report(fmt.Errorf("writer: %w", err))
					return
				}
			}
		}
	})
	var reads sync.Map
	for reader := range 4 {
		wg.Go(func() {
			var last int64
			var n int
			defer func() { reads.Store(reader, n) }()
			for {
				select {
				case <-done:
					return
				default:
				}
				tot, err := s.Totals(ctx)
				if err != nil {
					report(fmt.Errorf("reader %d: %w", reader, err))
					return
				}
				if tot.Requests < last {
					report(fmt.Errorf("reader %d: requests went from %d to %d", reader, last, tot.Requests))
				}
				last = tot.Requests
				if _, _, err := s.Requests(ctx, proofs.RequestQuery{Limit: 20}); err != nil {
					report(fmt.Errorf("reader %d: %w", reader, err))
					return
				}
				if _, err := s.ActionableChannels(ctx, 50); err != nil {
					report(fmt.Errorf("reader %d: %w", reader, err))
					return
				}
				n++
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tot, err := s.Totals(ctx)
	if err != nil || tot.Requests != writes {
		t.Errorf("after the run: %+v, %v", tot, err)
	}
	if c, err := s.Counters(ctx); err != nil || c["n"] != writes/10 {
		t.Errorf("counters after the run: %+v, %v", c, err)
	}
	reads.Range(func(k, v any) bool {
		t.Logf("reader %v: %v rounds", k, v)
		return true
	})
}

func TestSaveRequestsBatch(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	a := testRequest(1, 5)
	b := testRequest(2, 1)
	newer := testRequest(1, 6)
	stale := testRequest(1, 4)
	conflict := testRequest(2, 1)
	conflict.Reward = big.NewInt(1)
	res, rej, err := s.SaveRequests(ctx, []proofs.Request{a, b, a, newer, stale, conflict})
	if err != nil {
		t.Fatal(err)
	}
	wantRes := []monitor.SaveResult{{NewChannel: true, NewParticipants: 2}, {NewChannel: true, NewParticipants: 2}, {Duplicate: true}, {Replaced: true}, {}, {}}
	for i := range wantRes {
		if res[i] != wantRes[i] {
			t.Errorf("result %d: %+v, want %+v", i, res[i], wantRes[i])
		}
	}
	wantRej := []monitor.Reason{"", "", "", "", monitor.ReasonStaleNonce, monitor.ReasonNonceConflict}
	for i, want := range wantRej {
		var me *monitor.Error
		switch {
		case want == "" && rej[i] != nil:
			t.Errorf("rejection %d: %v, want none", i, rej[i])
		case want != "" && (!errors.As(rej[i], &me) || me.Reason != want):
			t.Errorf("rejection %d: %v, want %s", i, rej[i], want)
		}
	}
	got, err := s.Request(ctx, a.Channel, a.NonClosing)
	if err != nil || got.Nonce != 6 {
		t.Errorf("after batch: %+v, %v", got, err)
	}

	// A canceled batch saves nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.SaveRequests(cctx, []proofs.Request{testRequest(3, 1)}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled batch: %v", err)
	}
	if _, err := s.Request(ctx, testAddr("ch", 3), testAddr("nc", 3)); !errors.Is(err, monitor.ErrNotFound) {
		t.Errorf("canceled batch saved: %v", err)
	}
}

func TestRequestsPageSizeCapped(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	reqs := make([]proofs.Request, maxPageSize+5)
	for i := range reqs {
		reqs[i] = testRequest(i, 1)
	}
	if _, _, err := s.SaveRequests(ctx, reqs); err != nil {
		t.Fatal(err)
	}
	page, next, err := s.Requests(ctx, proofs.RequestQuery{Limit: 50_000})
	if err != nil || len(page) != maxPageSize || next == "" {
		t.Fatalf("Limit 50000: %d requests, next %q, %v; want %d and a cursor", len(page), next, err, maxPageSize)
	}
	page, next, err = s.Requests(ctx, proofs.RequestQuery{Limit: 50_000, After: next})
	if err != nil || len(page) != 5 || next != "" {
		t.Fatalf("last page: %d requests, next %q, %v", len(page), next, err)
	}
}

func queryPlan(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// TestQueryPlans pins the indexes the hot queries depend on: none may scan
// the requests table.
func TestQueryPlans(t *testing.T) {
	s := openAt(t, tempPath(t))
	a, b := sqlcol.AddrArg(testAddr("a", 1)), sqlcol.AddrArg(testAddr("b", 1))
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		{"actionable", actionableQuery, []any{100}, []string{"channels_closed_deadline", "SEARCH r USING PRIMARY KEY (channel=?)"}},
		{"participant", `SELECT ` + requestCols + ` FROM requests WHERE closing = ? AND (channel, non_closing) > (?, ?)
			UNION ALL SELECT ` + requestCols + ` FROM requests WHERE non_closing = ? AND closing <> ? AND (channel, non_closing) > (?, ?)
			ORDER BY channel, non_closing LIMIT 10`, []any{a, a, b, a, a, a, b}, []string{"requests_closing", "requests_non_closing"}},
		{"channel page", `SELECT ` + requestCols + ` FROM requests WHERE 1 AND (channel, non_closing) > (?, ?) AND channel = ?
			ORDER BY channel, non_closing LIMIT 10`, []any{a, b, a}, []string{"USING PRIMARY KEY"}},
		{"page", `SELECT ` + requestCols + ` FROM requests WHERE 1 AND (channel, non_closing) > (?, ?)
			ORDER BY channel, non_closing LIMIT 10`, []any{a, b}, []string{"USING PRIMARY KEY"}},
		{"channel events", `SELECT ` + eventCols + ` FROM chain_events WHERE channel = ? ORDER BY block, log_index`, []any{a}, []string{"chain_events_channel"}},
	} {
		plan := queryPlan(t, s.r, tc.query, tc.args...)
		for _, w := range tc.want {
			if !strings.Contains(plan, w) {
				t.Errorf("%s: plan does not use %q:\n%s", tc.name, w, plan)
			}
		}
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: sorts in a temporary b-tree:\n%s", tc.name, plan)
		}
		for _, line := range strings.Split(plan, "\n") {
			if strings.HasPrefix(line, "SCAN") && !strings.Contains(line, "USING") && !strings.Contains(line, "UNION") {
				t.Errorf("%s: full scan %q:\n%s", tc.name, line, plan)
			}
		}
		t.Logf("%s:\n%s", tc.name, plan)
	}
}

func TestStateSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := Open(Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, ok, err := st.State(ctx, "matrix.next_batch"); ok || err != nil {
		t.Fatalf("empty state: %v %v", ok, err)
	}
	if err := st.SetState(ctx, "matrix.next_batch", "s1"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetState(ctx, "matrix.next_batch", "s2"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, ok, err := st.State(ctx, "matrix.next_batch"); v != "s2" || !ok || err != nil {
		t.Fatalf("state after reopen: %q %v %v", v, ok, err)
	}
	for _, k := range []string{"p.a", "p.b", "q.a"} {
		if err := st.SetState(ctx, k, k); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := st.StatePrefix(ctx, "p."); err != nil || len(m) != 2 || m["p.b"] != "p.b" {
		t.Fatalf("prefix: %v %v", m, err)
	}
	if err := st.DeleteState(ctx, "p.a"); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.StatePrefix(ctx, "p."); len(m) != 1 {
		t.Fatalf("after delete: %v", m)
	}
}

// TestSeenCountsMigratedFromV3: a database written before migration 0004
// (a row in seen_channels / seen_addresses per first sighting) keeps its
// counts, and a request on an already seen channel or participant after the
// upgrade is not counted again, even once its requests are deleted.
func TestSeenCountsMigratedFromV3(t *testing.T) {
	path := tempPath(t)
	db, err := sql.Open("sqlite3", dsn(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	v3 := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_state.sql", "0003_tower.sql"} {
		data, err := fs.ReadFile(migrationsFS, name)
		if err != nil {
			t.Fatal(err)
		}
		v3[name] = &fstest.MapFile{Data: data}
	}
	if _, err := migrate(context.Background(), db, v3, quiet); err != nil {
		t.Fatal(err)
	}
	// What a v3 binary wrote for testRequest(1): the request and its three
	// first sightings; plus a channel whose requests were deleted since.
	r := testRequest(1, 1)
	if _, err := db.Exec(`INSERT INTO requests (`+requestCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, requestArgs(&r)...); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		table string
		a     common.Address
	}{{"seen_channels", r.Channel}, {"seen_channels", testAddr("gone", 1)}, {"seen_addresses", r.Closing}, {"seen_addresses", r.NonClosing}} {
		if _, err := db.Exec(`INSERT INTO `+q.table+` (address) VALUES (?)`, q.a[:]); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, path)
	ctx := context.Background()
	tot, err := s.Totals(ctx)
	if err != nil || tot.Channels != 2 || tot.Participants != 2 {
		t.Fatalf("after the upgrade: channels %d participants %d (%v), want 2 2", tot.Channels, tot.Participants, err)
	}
	// The partner's request on the same channel: nothing new.
	p := testRequest(1, 1)
	p.NonClosing, p.Closing = r.Closing, r.NonClosing
	if res, err := s.SaveRequest(ctx, p); err != nil || res.NewChannel || res.NewParticipants != 0 {
		t.Fatalf("partner's request: %+v, %v; want nothing new", res, err)
	}
	if _, err := s.DeleteRequests(ctx, r.Channel); err != nil {
		t.Fatal(err)
	}
	if res, err := s.SaveRequest(ctx, r); err != nil || res.NewChannel || res.NewParticipants != 0 {
		t.Fatalf("request after delete: %+v, %v; want nothing new", res, err)
	}
	n := testRequest(2, 1)
	if res, err := s.SaveRequest(ctx, n); err != nil || !res.NewChannel || res.NewParticipants != 2 {
		t.Fatalf("new channel: %+v, %v; want a new channel and 2 new participants", res, err)
	}
	if tot, err = s.Totals(ctx); err != nil || tot.Channels != 3 || tot.Participants != 4 {
		t.Fatalf("totals: channels %d participants %d (%v), want 3 4", tot.Channels, tot.Participants, err)
	}
}

// TestChannelCacheFollowsChainWrites: Store.Channel answers from memory
// after the first read, and every write of the channel (ApplyChain,
// RollbackChain) is seen by the next read.
func TestChannelCacheFollowsChainWrites(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	ch := proofs.Channel{Address: testAddr("cached", 1), Participant1: testAddr("p", 1), Participant2: testAddr("p", 2),
		SettleTimeout: 100, OpenedBlock: 5, RewardDeposit1: big.NewInt(7)}
	if err := s.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 5}, Channels: []proofs.Channel{ch}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Channel(ctx, ch.Address)
	if err != nil || got.State != proofs.ChannelOpen {
		t.Fatalf("first read: %+v, %v", got, err)
	}
	got.RewardDeposit1.SetInt64(1) // a caller's change must not reach the cache
	if got, _ := s.Channel(ctx, ch.Address); got.RewardDeposit1.Int64() != 7 {
		t.Fatalf("cached deposit changed by a caller: %v", got.RewardDeposit1)
	}
	closed := ch
	closed.State, closed.Closing, closed.ClosedBlock = proofs.ChannelClosed, ch.Participant2, 9
	if err := s.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 9}, Channels: []proofs.Channel{closed}}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Channel(ctx, ch.Address); err != nil || got.State != proofs.ChannelClosed || got.ClosedBlock != 9 {
		t.Fatalf("after the close: %+v, %v", got, err)
	}
	if err := s.RollbackChain(ctx, proofs.ChainRollback{To: proofs.Cursor{Number: 4}, Removed: []common.Address{ch.Address}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Channel(ctx, ch.Address); !errors.Is(err, monitor.ErrNotFound) {
		t.Fatalf("after the rollback removed it: %v, want ErrNotFound", err)
	}
}
