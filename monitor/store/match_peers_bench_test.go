package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"
	"github.com/mattn/go-sqlite3"

	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// Breach matching the peers' way, beside tower.BenchmarkMatchBlock (issue
// 6): an indexed SQLite IN query here; lnd's watchtower database in
// tools/peerbench (BenchmarkMatchBlockLndTowerDB, its own module).

const (
	peerBlockTxs   = 4000    // tower.BenchmarkMatchBlock's block
	peerBlockPool  = 16      // different random blocks the ops cycle through
	peerFillBatch  = 20_000  // appointments per SaveAppointments call
	peerFillUsers  = 100_000 // distinct user keys
	peerFillMaxPer = 8       // maxPerLocator passed to SaveAppointments
)

// peerStoredSizes: 10,000 appointments with -short, otherwise 1,000,000
// and 10,000,000; VIGIL_BENCH_STORED=n replaces them with n.
func peerStoredSizes() []int {
	var n int
	if _, err := fmt.Sscan(os.Getenv("VIGIL_BENCH_STORED"), &n); err == nil && n > 0 {
		return []int{n}
	}
	if testing.Short() {
		return []int{10_000}
	}
	return []int{1_000_000, 10_000_000}
}

// BenchmarkMatchBlockSQLiteIN is tower.BenchmarkMatchBlock done with the
// database: a 4,000-transaction block of random transactions (no match)
// against Vigil's SQLite store (this package, migration 0003's appointments
// table) holding N appointments (1,000,000 and 10,000,000; 10,000 with
// -short).
//
// Layout: the appointments rowid table (300-byte blobs), its (locator,
// user_pubkey) index, which the query uses (checked with EXPLAIN QUERY
// PLAN), and the primary-key and end_block indexes.
//
// An op is one read transaction on the store's read pool running
// `SELECT <the appointment columns> FROM appointments WHERE locator IN
// (?,?,...)` with the block's 4,000 locators, in statements of at most
// SQLITE_LIMIT_VARIABLE_NUMBER (32,766 in this build) parameters, so one
// statement: the statements/block metric. The statement is prepared (its
// 4,000 placeholders parsed) in the op, as database/sql does for a query
// with arguments. The ops cycle through 16 different random blocks, after
// one untimed pass over them (SQLite's page cache and the OS's warm).
// Sub-benchmarks:
//
//   - lookups: locators precomputed before the timer (no block download, no
//     txid hashing); compare with tower.BenchmarkMatchBlockLookupOnly;
//   - txid+lookups: also every transaction's txid and locator per op, the
//     per-block work tower.BenchmarkMatchBlock measures.
//
// Metrics: ms/block; bytes/appointment, the database file's size over N
// (the whole file: the table, its three indexes, tower_users); fill-s, the
// seconds the fill took through the store's API (SaveAppointments, 20,000
// to a call, maxPerLocator 8), measured when the cached database was built.
//
// The filled database is built once and cached as
// $TMPDIR/vigil-bench-match-appointments-<N>-v1.db (with a .json of its
// fill time; the fill took about 2 minutes for 1,000,000 and 19 for
// 10,000,000 here, 0.8 and 7.3 GB); each run opens a copy with Open.
//
//	go test ./monitor/store/ -run '^$' -bench MatchBlockSQLiteIN -short -benchtime 1x
//	go test ./monitor/store/ -run '^$' -bench MatchBlockSQLiteIN -benchtime 20x -timeout 1h
func BenchmarkMatchBlockSQLiteIN(b *testing.B) {
	blocks := make([]*wire.MsgBlock, peerBlockPool)
	locs := make([][][16]byte, peerBlockPool)
	for k := range blocks {
		blocks[k] = peerBenchBlock(peerBlockTxs)
		for _, tx := range blocks[k].Transactions {
			locs[k] = append(locs[k], lncrypto.Locator(tx.TxHash()))
		}
	}
	ctx := context.Background()
	for _, n := range peerStoredSizes() {
		b.Run(fmt.Sprintf("appointments=%d", n), func(b *testing.B) {
			cached, fillSeconds := cachedMatchDB(b, n)
			fi, err := os.Stat(cached)
			if err != nil {
				b.Fatal(err)
			}
			path := tempPath(b)
			if err := copyMatchDB(cached, path); err != nil {
				b.Fatal(err)
			}
			s := openAt(b, path)
			limit := variableLimit(b, s)

			plan := inPlan(b, s, locs[0][:min(len(locs[0]), limit)])
			if !strings.Contains(plan, "USING INDEX appointments_locator") {
				b.Fatalf("the IN query does not use the locator index: %s", plan)
			}
			b.Logf("SQLITE_LIMIT_VARIABLE_NUMBER %d; plan: %s", limit, plan)
			// Stored locators are found (through the same query), a random
			// block's are not.
			known := [][16]byte{matchLocator(0), matchLocator(n / 2), matchLocator(n - 1)}
			if got, _, err := matchIN(ctx, s, known, limit); err != nil || got != len(known) {
				b.Fatalf("stored locators: %d matches of %d, err %v", got, len(known), err)
			}
			var stmts int
			for _, l := range locs {
				if _, stmts, err = matchIN(ctx, s, l, limit); err != nil {
					b.Fatal(err)
				}
			}

			report := func(b *testing.B) {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/block")
				b.ReportMetric(float64(fi.Size())/float64(n), "bytes/appointment")
				b.ReportMetric(fillSeconds, "fill-s")
				b.ReportMetric(float64(stmts), "statements/block")
			}
			b.Run("lookups", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					if got, _, err := matchIN(ctx, s, locs[i%peerBlockPool], limit); err != nil || got != 0 {
						b.Fatalf("random block: %d matches, err %v", got, err)
					}
				}
				report(b)
			})
			b.Run("txid+lookups", func(b *testing.B) {
				ls := make([][16]byte, 0, peerBlockTxs)
				for i := 0; b.Loop(); i++ {
					ls = ls[:0]
					for _, tx := range blocks[i%peerBlockPool].Transactions {
						ls = append(ls, lncrypto.Locator(tx.TxHash()))
					}
					if got, _, err := matchIN(ctx, s, ls, limit); err != nil || got != 0 {
						b.Fatalf("random block: %d matches, err %v", got, err)
					}
				}
				report(b)
			})
		})
	}
}

// inQuery is the IN query for k locators.
func inQuery(k int) string {
	return `SELECT ` + appointmentCols + ` FROM appointments WHERE locator IN (?` + strings.Repeat(`, ?`, k-1) + `)`
}

// inPlan is SQLite's plan for the IN query with these locators.
func inPlan(b *testing.B, s *Store, locs [][16]byte) string {
	b.Helper()
	args := make([]any, len(locs))
	for i := range locs {
		args[i] = locs[i][:]
	}
	rows, err := s.r.Query(`EXPLAIN QUERY PLAN `+inQuery(len(locs)), args...)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			b.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return strings.Join(lines, "; ")
}

// matchIN finds the appointments of the given locators with IN queries of
// at most limit parameters, in one read transaction: matches and the
// number of statements.
func matchIN(ctx context.Context, s *Store, locs [][16]byte, limit int) (matches, stmts int, err error) {
	args := make([]any, 0, min(len(locs), limit))
	err = s.read(ctx, "match block", func(tx *sql.Tx) error {
		for start := 0; start < len(locs); start += limit {
			chunk := locs[start:min(start+limit, len(locs))]
			args = args[:0]
			for i := range chunk {
				args = append(args, chunk[i][:])
			}
			as, err := queryAll(ctx, tx, scanAppointment, inQuery(len(chunk)), args...)
			if err != nil {
				return err
			}
			matches += len(as)
			stmts++
		}
		return nil
	})
	return matches, stmts, err
}

// variableLimit is SQLITE_LIMIT_VARIABLE_NUMBER on the read pool.
func variableLimit(b *testing.B, s *Store) int {
	b.Helper()
	conn, err := s.r.Conn(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	limit := 0
	if err := conn.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("driver connection is %T", dc)
		}
		limit = c.GetLimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	if limit <= 0 {
		b.Fatalf("variable limit %d", limit)
	}
	return limit
}

// peerBenchBlock is a block of n transactions shaped like
// tower.BenchmarkMatchBlock's (two inputs with witnesses, two outputs,
// about 370 bytes).
func peerBenchBlock(n int) *wire.MsgBlock {
	b := &wire.MsgBlock{}
	for i := 0; i < n; i++ {
		tx := wire.NewMsgTx(2)
		for j := 0; j < 2; j++ {
			var h chainhash.Hash
			_, _ = rand.Read(h[:])
			in := wire.NewTxIn(wire.NewOutPoint(&h, uint32(j)), nil, nil)
			sig := make([]byte, 72)
			pub := make([]byte, 33)
			_, _ = rand.Read(sig)
			_, _ = rand.Read(pub)
			in.Witness = wire.TxWitness{sig, pub}
			tx.AddTxIn(in)
		}
		for j := 0; j < 2; j++ {
			script := make([]byte, 22)
			_, _ = rand.Read(script)
			tx.AddTxOut(wire.NewTxOut(int64(1000+j), script))
		}
		b.Transactions = append(b.Transactions, tx)
	}
	return b
}

// matchLocator is the fill's i-th locator.
func matchLocator(i int) [16]byte {
	h := sha256.Sum256(binary.BigEndian.AppendUint64([]byte("vigil match locator"), uint64(i)))
	return [16]byte(h[:16])
}

// fillMatchDB stores n appointments through SaveAppointments: random
// 300-byte blobs, users drawn from 100,000 keys, the shape of
// monitor's intake benchmark fill.
func fillMatchDB(s *Store, n int) error {
	ctx := context.Background()
	rng := mrand.NewChaCha8([32]byte{'v', 'i', 'g', 'i', 'l'})
	as := make([]tower.StoredAppointment, 0, peerFillBatch)
	for start := 0; start < n; start += peerFillBatch {
		as = as[:0]
		for i := start; i < min(start+peerFillBatch, n); i++ {
			a := tower.StoredAppointment{Appointment: tower.Appointment{Network: "regtest", Locator: matchLocator(i),
				EncryptedBlob: make([]byte, 300), Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144,
				StartBlock: 812_000, EndBlock: 812_000 + uint32(i%50_000), RewardSat: 5000,
				UserSignature: strings.Repeat("y", 104)},
				Source: "rest", ReceivedAt: time.Unix(1_700_000_000, 0).UTC(), AcceptedTip: 812_000}
			_, _ = rng.Read(a.EncryptedBlob)
			a.UserPubkey[0] = 2
			binary.BigEndian.PutUint64(a.UserPubkey[25:], uint64(i%peerFillUsers))
			as = append(as, a)
		}
		_, rej, err := s.SaveAppointments(ctx, as, peerFillMaxPer)
		if err != nil {
			return err
		}
		for _, e := range rej {
			if e != nil {
				return e
			}
		}
	}
	return nil
}

// cachedMatchDB returns the path of the database filled with n
// appointments, building it once into os.TempDir, and the seconds its fill
// took.
func cachedMatchDB(b *testing.B, n int) (string, float64) {
	b.Helper()
	cached := filepath.Join(os.TempDir(), fmt.Sprintf("vigil-bench-match-appointments-%d-v1.db", n))
	var info struct {
		N           int     `json:"n"`
		FillSeconds float64 `json:"fill_seconds"`
	}
	if data, err := os.ReadFile(cached + ".json"); err == nil && json.Unmarshal(data, &info) == nil {
		if _, err := os.Stat(cached); err != nil {
			info.N = 0
		}
	}
	if info.N == n {
		return cached, info.FillSeconds
	}
	start := time.Now()
	tmp := fmt.Sprintf("%s.building-%d", cached, os.Getpid())
	s, err := Open(Config{Path: tmp, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	if err := fillMatchDB(s, n); err != nil {
		_ = s.Close()
		b.Fatal(err)
	}
	if err := s.Close(); err != nil { // checkpoints the WAL into the file
		b.Fatal(err)
	}
	info.N, info.FillSeconds = n, time.Since(start).Seconds()
	_ = os.Remove(tmp + ".lock")
	data, err := json.Marshal(info)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(cached+".json", data, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, cached); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s in %.0fs", cached, info.FillSeconds)
	return cached, info.FillSeconds
}

func copyMatchDB(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
