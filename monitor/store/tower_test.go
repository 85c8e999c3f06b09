package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/storetest"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

func TestTowerStore(t *testing.T) {
	storetest.RunTower(t, func(t *testing.T) storetest.TowerStore { return openAt(t, tempPath(t)) })
}

// testAppointment makes distinct appointments: locators spread like real
// ones (the first bytes of a txid), 300-byte blobs.
func testAppointment(i int, user int) tower.StoredAppointment {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(i))
	h := sha256.Sum256(n[:])
	a := tower.StoredAppointment{
		Appointment: tower.Appointment{
			Network:       "regtest",
			Locator:       [16]byte(h[:16]),
			EncryptedBlob: make([]byte, 300),
			Cipher:        lncrypto.CipherChaCha20Poly1305,
			ToSelfDelay:   144,
			StartBlock:    812_000,
			EndBlock:      812_000 + uint32(i%50_000),
			RewardSat:     5000,
			UserSignature: strings.Repeat("y", 104),
		},
		Source:      "rest",
		ReceivedAt:  time.Unix(1_700_000_000, 0).UTC(),
		AcceptedTip: 812_000,
	}
	copy(a.EncryptedBlob, h[:])
	a.UserPubkey[0] = 2
	binary.BigEndian.PutUint64(a.UserPubkey[25:], uint64(user))
	return a
}

// fillAppointments writes n appointments straight into the table in large
// transactions (the count triggers run as for SaveAppointment); every
// sharedEvery-th locator also has a second user's appointment (0: none).
func fillAppointments(tb testing.TB, s *Store, n, sharedEvery int) {
	tb.Helper()
	ctx := context.Background()
	const chunk = 50_000
	for start := 0; start < n; start += chunk {
		err := s.write(ctx, "fill", func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO appointments (`+appointmentCols+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for i := start; i < min(start+chunk, n); i++ {
				a := testAppointment(i, i%1000)
				args, err := appointmentArgs(&a)
				if err != nil {
					return err
				}
				if _, err := stmt.ExecContext(ctx, args...); err != nil {
					return err
				}
				if sharedEvery > 0 && i%sharedEvery == 0 {
					b := testAppointment(i, 1000+i%1000)
					args, _ := appointmentArgs(&b)
					if _, err := stmt.ExecContext(ctx, args...); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
}

func TestTowerDurableAcrossReopen(t *testing.T) {
	path := tempPath(t)
	ctx := context.Background()
	s, err := Open(Config{Path: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	a := testAppointment(1, 7)
	if _, err := s.SaveAppointment(ctx, a, 8); err != nil {
		t.Fatal(err)
	}
	hash := chainhash.Hash{1, 2, 3}
	if err := s.SetBtcCursor(ctx, 812_345, hash); err != nil {
		t.Fatal(err)
	}
	j := tower.Justice{Locator: a.Locator, UserPubkey: a.UserPubkey, BreachTxID: chainhash.Hash{9}, TxID: chainhash.Hash{8},
		Raw: []byte{1, 2}, BountySat: 700, PromisedSat: 5000, Outcome: tower.JusticeConfirmed, Block: 812_400,
		BlockHash: chainhash.Hash{7}, CreatedAt: time.Unix(5, 6).UTC()}
	id, err := s.InsertJustice(ctx, j)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openAt(t, path)
	as, err := s.AppointmentsByLocator(ctx, a.Locator)
	if err != nil || len(as) != 1 || as[0].UserPubkey != a.UserPubkey || as[0].EndBlock != a.EndBlock ||
		as[0].Cipher != a.Cipher || !as[0].ReceivedAt.Equal(a.ReceivedAt) {
		t.Errorf("appointment after reopen: %+v, %v", as, err)
	}
	if res, err := s.SaveAppointment(ctx, a, 8); err != nil || !res.Duplicate {
		t.Errorf("the same appointment after reopen: %+v, %v; want a duplicate", res, err)
	}
	if h, got, ok, err := s.BtcCursor(ctx); err != nil || !ok || h != 812_345 || got != hash {
		t.Errorf("btc cursor after reopen: %d %s %v %v", h, got, ok, err)
	}
	if got, ok, err := s.BtcBlockHash(ctx, 812_345); err != nil || !ok || got != hash {
		t.Errorf("btc block hash after reopen: %s %v %v", got, ok, err)
	}
	js, err := s.JusticeForBreach(ctx, j.BreachTxID)
	if err != nil || len(js) != 1 || js[0].ID != id || js[0].TxID != j.TxID || js[0].BlockHash != j.BlockHash ||
		js[0].PromisedSat != 5000 || !js[0].CreatedAt.Equal(j.CreatedAt) {
		t.Errorf("justice after reopen: %+v, %v", js, err)
	}
	tot, err := s.TowerTotals(ctx)
	if want := (tower.Totals{Appointments: 1, Breaches: 1, Broadcast: 1, Confirmed: 1, BountySat: 700}); err != nil || tot != want {
		t.Errorf("tower totals after reopen: %+v, %v; want %+v", tot, err, want)
	}
}

// TestAppointmentCountKept: the trigger-kept count equals COUNT(*) through
// inserts, replacements, rejections and expiry.
func TestAppointmentCountKept(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	fillAppointments(t, s, 5000, 7)
	for i := range 50 {
		a := testAppointment(i, i%1000)
		a.RewardSat++ // replaces (with a higher seq)
		a.Seq++
		if _, err := s.SaveAppointment(ctx, a, 2); err != nil {
			t.Fatal(err)
		}
		if i%7 == 0 { // a third user on a full locator
			if _, err := s.SaveAppointment(ctx, testAppointment(i, 5000), 2); err == nil {
				t.Fatal("third appointment on a locator with a cap of 2 accepted")
			}
		}
	}
	if _, err := s.ExpireAppointments(ctx, 812_000+1234); err != nil {
		t.Fatal(err)
	}
	var count int64
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM appointments`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	tot, err := s.TowerTotals(ctx)
	if err != nil || tot.Appointments != count || count == 0 {
		t.Errorf("TowerTotals.Appointments %d, COUNT(*) %d, %v", tot.Appointments, count, err)
	}
}

func TestAppointmentsPageSizeCapped(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	fillAppointments(t, s, maxPageSize+5, 0)
	page, next, err := s.Appointments(ctx, tower.AppointmentQuery{Limit: 50_000})
	if err != nil || len(page) != maxPageSize || next == "" {
		t.Fatalf("Limit 50000: %d appointments, next %q, %v; want %d and a cursor", len(page), next, err, maxPageSize)
	}
	page, next, err = s.Appointments(ctx, tower.AppointmentQuery{Limit: 50_000, After: next})
	if err != nil || len(page) != 5 || next != "" {
		t.Fatalf("last page: %d appointments, next %q, %v", len(page), next, err)
	}
}

// TestTowerQueryPlans pins the indexes the tower's queries depend on.
func TestTowerQueryPlans(t *testing.T) {
	s := openAt(t, tempPath(t))
	loc, pub := make([]byte, 16), make([]byte, 33)
	for _, tc := range []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		{"each locator", `SELECT locator FROM appointments ORDER BY locator`, nil,
			[]string{"SCAN appointments USING COVERING INDEX appointments_locator"}},
		{"by locator", `SELECT ` + appointmentCols + ` FROM appointments WHERE locator = ? ORDER BY locator, user_pubkey`,
			[]any{loc}, []string{"USING INDEX appointments_locator (locator=?)"}},
		{"page", `SELECT ` + appointmentCols + ` FROM appointments WHERE 1 AND (locator, user_pubkey) > (?, ?)
			ORDER BY locator, user_pubkey LIMIT 10`, []any{loc, pub}, []string{"USING INDEX appointments_locator"}},
		{"locator page", `SELECT ` + appointmentCols + ` FROM appointments WHERE 1 AND locator = ? AND (locator, user_pubkey) > (?, ?)
			ORDER BY locator, user_pubkey LIMIT 10`, []any{loc, loc, pub}, []string{"USING INDEX appointments_locator (locator=?"}},
		{"per-locator cap", `SELECT COUNT(*) FROM (SELECT 1 FROM appointments WHERE locator = ? LIMIT ?)`,
			[]any{loc, 8}, []string{"USING COVERING INDEX appointments_locator (locator=?)"}},
		{"same key", `SELECT network FROM appointments WHERE user_pubkey = ? AND locator = ?`,
			[]any{pub, loc}, []string{"USING INDEX sqlite_autoindex_appointments_1 (user_pubkey=? AND locator=?)"}},
		{"expire", `SELECT 1 FROM appointments WHERE end_block < ?`, []any{5}, []string{"USING COVERING INDEX appointments_end_block (end_block<?)"}},
		{"locator prefix", `SELECT COUNT(*) FROM (SELECT 1 FROM appointments WHERE locator BETWEEN ? AND ? LIMIT 1)`,
			[]any{loc, loc}, []string{"USING COVERING INDEX appointments_locator (locator>? AND locator<?)"}},
		{"justice outcome", `SELECT id FROM justice WHERE id > ? AND outcome IN (?) ORDER BY id`, []any{0, "broadcast"}, []string{"justice"}},
		{"justice for breach", `SELECT id FROM justice WHERE breach_txid = ? ORDER BY id`, []any{make([]byte, 32)},
			[]string{"justice_breach (breach_txid=?)"}},
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
		t.Logf("%s:\n%s", tc.name, plan)
	}
}

// BenchmarkEachLocator streams the locators of VIGIL_BENCH_APPOINTMENTS
// appointments (default 1,000,000; one locator in ten shared by a second
// user), as the tower does to rebuild its index at start. The database is
// in the OS page cache (warm).
func BenchmarkEachLocator(b *testing.B) {
	if testing.Short() {
		b.Skip("large fixture")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("VIGIL_BENCH_APPOINTMENTS")); err == nil && v > 0 {
		n = v
	}
	s := openAt(b, tempPath(b))
	ctx := context.Background()
	start := time.Now()
	fillAppointments(b, s, n*10/11, 10)
	b.Logf("fixture: %d appointments in %v", n*10/11+(n*10/11+9)/10, time.Since(start).Round(time.Millisecond))

	var total, perRun int64
	for b.Loop() {
		perRun = 0
		if err := s.EachLocator(ctx, func([16]byte) { perRun++ }); err != nil {
			b.Fatal(err)
		}
		total += perRun
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/locator")
	b.ReportMetric(float64(perRun), "locators")
}

// BenchmarkSaveAppointment: one new appointment per transaction, fsynced:
// the latency before a receipt.
func BenchmarkSaveAppointment(b *testing.B) {
	s := openAt(b, tempPath(b))
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := s.SaveAppointment(ctx, testAppointment(i, i%1000), 8); err != nil {
			b.Fatal(fmt.Errorf("appointment %d: %w", i, err))
		}
	}
}

// TestAppointmentUnknownCipher: a cipher the store could not read back is
// refused before anything is written.
func TestAppointmentUnknownCipher(t *testing.T) {
	s := openAt(t, tempPath(t))
	ctx := context.Background()
	a := testAppointment(1, 1)
	a.Cipher = 0
	if _, err := s.SaveAppointment(ctx, a, 8); err == nil || !strings.Contains(err.Error(), "cipher") {
		t.Fatalf("unknown cipher: %v", err)
	}
	if as, err := s.AppointmentsByLocator(ctx, a.Locator); err != nil || len(as) != 0 {
		t.Fatalf("stored anyway: %d, %v", len(as), err)
	}
}

// TestMigrationAppointmentSeq: a database at schema 4 (before sequence
// numbers) with a stored appointment and a justice record opens at the
// current schema; the appointment reads back unsequenced (it was signed
// without seq), orders as seq 0, so a sequenced one replaces it and it
// cannot come back; the justice record has no spender.
func TestMigrationAppointmentSeq(t *testing.T) {
	path := tempPath(t)
	ctx := context.Background()
	old := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_state.sql", "0003_tower.sql", "0004_seen_counts.sql"} {
		b, err := fs.ReadFile(migrationsFS, name)
		if err != nil {
			t.Fatal(err)
		}
		old[name] = &fstest.MapFile{Data: b}
	}
	db, err := sql.Open("sqlite3", dsn(path, nil))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := migrate(ctx, db, old, quiet); err != nil || v != 4 {
		t.Fatalf("schema 4: %d, %v", v, err)
	}
	a := testAppointment(1, 1)
	if _, err := db.Exec(`INSERT INTO appointments (user_pubkey, locator, network, encrypted_blob, cipher,
		to_self_delay, start_block, end_block, reward_sat, user_signature, source, source_ref, received_at, accepted_tip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.UserPubkey[:], a.Locator[:], a.Network, a.EncryptedBlob, a.Cipher.String(), a.ToSelfDelay, a.StartBlock,
		a.EndBlock, a.RewardSat, a.UserSignature, a.Source, a.SourceRef, a.ReceivedAt.UnixNano(), a.AcceptedTip); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO justice (locator, user_pubkey, breach_txid, breach_block, deadline, txid,
		fee_sat, bounty_sat, promised_sat, fee_rate, outcome, reason, detail, sent_height, block, replacement)
		VALUES (?, ?, ?, 10, 154, ?, 300, 9000, 5000, 2000, 'broadcast', '', '', 10, 0, 0)`,
		a.Locator[:], a.UserPubkey[:], make([]byte, 32), bytes.Repeat([]byte{7}, 32)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s := openAt(t, path)
	got, err := s.AppointmentsByLocator(ctx, a.Locator)
	if err != nil || len(got) != 1 {
		t.Fatalf("after migration: %d appointments, %v", len(got), err)
	}
	if !got[0].Unsequenced || got[0].Seq != 0 || !bytes.Equal(got[0].EncryptedBlob, a.EncryptedBlob) {
		t.Fatalf("migrated appointment: unsequenced %v seq %d", got[0].Unsequenced, got[0].Seq)
	}
	legacy := got[0]
	if res, err := s.SaveAppointment(ctx, legacy, 8); err != nil || !res.Duplicate {
		t.Fatalf("the migrated appointment again: %+v, %v; want Duplicate", res, err)
	}
	newer := a
	newer.Seq, newer.RewardSat = 1, a.RewardSat+1
	if res, err := s.SaveAppointment(ctx, newer, 8); err != nil || !res.Replaced {
		t.Fatalf("seq 1 over the migrated appointment: %+v, %v; want Replaced", res, err)
	}
	_, err = s.SaveAppointment(ctx, legacy, 8)
	if me := monitor.AsError(err); err == nil || me.Reason != monitor.ReasonStaleSequence {
		t.Fatalf("the migrated appointment replayed: %v, want stale_sequence", err)
	}
	js, err := s.JusticeRecords(ctx, tower.JusticeQuery{})
	if err != nil || len(js) != 1 || js[0].SpentBy != (chainhash.Hash{}) || js[0].SpentBlock != 0 || js[0].Outcome != tower.JusticeBroadcast {
		t.Fatalf("migrated justice: %+v, %v", js, err)
	}
	if tot, err := s.TowerTotals(ctx); err != nil || tot.Appointments != 1 {
		t.Fatalf("totals after migration: %+v, %v", tot, err)
	}
}
