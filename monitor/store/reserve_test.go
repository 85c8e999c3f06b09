//go:build linux

package store

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/internal/testkit/smallfs"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

const testReserve = 4 << 20

// allocated is the bytes of path's blocks on disk.
func allocated(t *testing.T, path string) int64 {
	t.Helper()
	n, ok := allocatedBytes(path)
	if !ok {
		t.Fatalf("%s does not exist", path)
	}
	return n
}

// saveUntilRefused saves new requests until one is refused, and returns the
// ones acknowledged and the refusal.
func saveUntilRefused(t *testing.T, s *Store, from int) (acked []int, refusal error) {
	t.Helper()
	for i := from; i < from+200_000; i++ {
		if _, err := s.SaveRequest(context.Background(), testRequest(i, 1)); err != nil {
			return acked, err
		}
		acked = append(acked, i)
	}
	t.Fatalf("200000 requests stored on a full disk")
	return nil, nil
}

// TestReserveReleasedAndRecreated: on a real tmpfs, Open allocates the
// reserve for real (its blocks, not only its length). The disk is filled
// to the last byte: the first write that finds no space releases the
// reserve; from then on new requests are refused storage_unavailable while
// the chain cursor, update and justice records keep being written into the
// freed space. A reopen on the still full disk starts with the reserve
// spent instead of refusing. Once space returns the reserve is re-created
// (blocks allocated again) and requests are taken again; every
// acknowledged write is there after a reopen.
func TestReserveReleasedAndRecreated(t *testing.T) {
	fs := smallfs.Mount(t, 16<<20)
	path := fs.Dir + "/vigil.db"
	free0 := fs.Available()
	cfg := Config{Path: path, Logger: quiet, ReserveBytes: testReserve, ReserveCheck: 20 * time.Millisecond}
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	ctx := context.Background()

	if fi, err := os.Stat(path + ".reserve"); err != nil || fi.Size() != testReserve || fi.Mode().Perm() != 0o600 {
		t.Fatalf("reserve file: %v %v", fi, err)
	}
	if n := allocated(t, path+".reserve"); n < testReserve {
		t.Fatalf("reserve has %d bytes allocated, want %d (a sparse file reserves nothing)", n, testReserve)
	}
	if used := free0 - fs.Available(); used < testReserve {
		t.Fatalf("opening used %d bytes of the file system, less than the reserve", used)
	}
	if st := s.Reserve(); st.Bytes != testReserve || st.Spent || st.Releases != 0 || st.FreeBytes <= 0 {
		t.Fatalf("status after open: %+v", st)
	}

	var ackedIDs []int
	for i := 0; i < 20; i++ {
		if _, err := s.SaveRequest(ctx, testRequest(i, 1)); err != nil {
			t.Fatal(err)
		}
		ackedIDs = append(ackedIDs, i)
	}
	fs.Fill()

	// Intake until a request finds no space: that releases the reserve and
	// is refused, not written into the freed space.
	more, refusal := saveUntilRefused(t, s, 20)
	ackedIDs = append(ackedIDs, more...)
	if !monitor.IsStorageUnavailable(refusal) {
		t.Fatalf("refusal on a full disk: %v", refusal)
	}
	st := s.Reserve()
	if !st.Spent || st.Releases != 1 {
		t.Fatalf("status after the disk filled: %+v", st)
	}
	if n := allocated(t, path+".reserve"); n != 0 {
		t.Fatalf("released reserve still has %d bytes allocated", n)
	}
	if st.FreeBytes < testReserve/2 {
		t.Fatalf("free after the release: %d", st.FreeBytes)
	}
	// New requests are refused, whatever their size, without a write.
	for _, i := range []int{1_000_000, 1_000_001} {
		_, err := s.SaveRequest(ctx, testRequest(i, 1))
		if e := monitor.AsError(err); e == nil || e.Reason != monitor.ReasonStorageUnavailable || e.Message != reserveMessage {
			t.Fatalf("request while the reserve is spent: %v", err)
		}
	}
	if _, rej, err := s.SaveRequests(ctx, []proofs.Request{testRequest(1_000_002, 1)}); !monitor.IsStorageUnavailable(err) || rej != nil {
		t.Fatalf("batch while the reserve is spent: %v %v", rej, err)
	}
	if _, err := s.SaveAppointment(ctx, testAppointment(1, 1), 8); !monitor.IsStorageUnavailable(err) {
		t.Fatalf("appointment while the reserve is spent: %v", err)
	}

	// The paths that protect what was promised write on: blocks of the
	// chain with a cursor each, update and justice records (a tight loop,
	// so the WAL grows with every commit: TestReserveCapacity measures).
	var lastUpdate int64
	for n := uint64(1); n <= 50; n++ {
		h := common.BigToHash(new(big.Int).SetUint64(n))
		if err := s.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: n, Hash: h}, Blocks: []proofs.BlockRef{{Number: n, Hash: h}}}); err != nil {
			t.Fatalf("block %d with the reserve released: %v", n, err)
		}
		if err := s.SetBtcCursor(ctx, uint32(n), chainhash.Hash{byte(n), byte(n >> 8)}); err != nil {
			t.Fatalf("bitcoin cursor %d: %v", n, err)
		}
		r := testRequest(int(n%20), 1)
		if lastUpdate, err = s.InsertUpdate(ctx, proofs.Update{Channel: r.Channel, NonClosing: r.NonClosing, Outcome: proofs.OutcomePending,
			TxHash: common.BigToHash(new(big.Int).SetUint64(n)), TxNonce: n}); err != nil {
			t.Fatalf("update %d: %v", n, err)
		}
		if _, err := s.InsertJustice(ctx, tower.Justice{BreachTxID: chainhash.Hash{byte(n), 1}, TxID: chainhash.Hash{byte(n), 2},
			Raw: make([]byte, 300), Outcome: tower.JusticeBroadcast, CreatedAt: time.Unix(int64(n), 0).UTC()}); err != nil {
			t.Fatalf("justice %d: %v", n, err)
		}
	}

	// A restart on the still full disk: the reserve cannot be re-created,
	// the store opens with it spent rather than refusing to start.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(cfg); err != nil {
		t.Fatalf("reopen on a full disk with the reserve released: %v", err)
	}
	if st := s.Reserve(); !st.Spent {
		t.Fatalf("reopened on a full disk: %+v", st)
	}
	if _, err := s.SaveRequest(ctx, testRequest(2_000_000, 1)); !monitor.IsStorageUnavailable(err) {
		t.Fatalf("request after the reopen on a full disk: %v", err)
	}
	if err := s.SetBtcCursor(ctx, 1000, chainhash.Hash{1}); err != nil {
		t.Fatalf("cursor after the reopen: %v", err)
	}

	// Space returns: the reserve is re-created and intake works again.
	fs.Free()
	deadline := time.Now().Add(10 * time.Second)
	for s.Reserve().Spent {
		if time.Now().After(deadline) {
			t.Fatalf("reserve not re-created: %+v", s.Reserve())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := allocated(t, path+".reserve"); n < testReserve {
		t.Fatalf("re-created reserve has %d bytes allocated", n)
	}
	if _, err := s.SaveRequest(ctx, testRequest(3_000_000, 1)); err != nil {
		t.Fatalf("request after the reserve was re-created: %v", err)
	}
	ackedIDs = append(ackedIDs, 3_000_000)

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(cfg); err != nil {
		t.Fatal(err)
	}
	for _, i := range ackedIDs {
		r := testRequest(i, 1)
		if _, err := s.Request(ctx, r.Channel, r.NonClosing); err != nil {
			t.Fatalf("acknowledged request %d after reopen: %v", i, err)
		}
	}
	if u, err := s.Updates(ctx, proofs.UpdateQuery{}); err != nil || len(u) != 50 || u[len(u)-1].ID != lastUpdate {
		t.Fatalf("updates after reopen: %d %v", len(u), err)
	}
	if h, _, ok, err := s.BtcCursor(ctx); err != nil || !ok || h != 1000 {
		t.Fatalf("bitcoin cursor after reopen: %d %v %v", h, ok, err)
	}
}

// TestOpenRefusesReserveThatDoesNotFit: a reserve larger than the free
// space fails Open with a message that says how much is free and how to
// lower or disable it, and leaves nothing in the directory.
func TestOpenRefusesReserveThatDoesNotFit(t *testing.T) {
	fs := smallfs.Mount(t, 8<<20)
	_, err := Open(Config{Path: fs.Dir + "/vigil.db", Logger: quiet, ReserveBytes: 16 << 20})
	if !errors.Is(err, ErrReserveDoesNotFit) {
		t.Fatalf("Open with a reserve larger than the disk: %v", err)
	}
	for _, want := range []string{"16 MiB", "MiB free", "store.reserve_bytes", "0 disables"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	if ents, err := os.ReadDir(fs.Dir); err != nil || len(ents) != 0 {
		t.Fatalf("a failed open left %v (%v)", ents, err)
	}
	// Disabled, the same disk opens.
	s, err := Open(Config{Path: fs.Dir + "/vigil.db", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Reserve(); st.Bytes != 0 || st.Spent {
		t.Fatalf("disabled reserve: %+v", st)
	}
	_ = s.Close()
	if _, err := os.Stat(fs.Dir + "/vigil.db.reserve"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a disabled reserve created a file: %v", err)
	}
}

// TestReserveCapacity measures what a released reserve buys: how many of
// each write the chain watchers and responders make fit into it before the
// disk is full again, (a) when a reader holds the WAL (a long backup: every
// commit appends its pages) and (b) when the checkpointer runs between
// writes, as it does when blocks come seconds apart (the WAL is reused and
// only the database's growth costs space). Blocks keep a bounded window of
// hashes, so (b) for blocks is capped. The figures, scaled to
// store.reserve_bytes, are in operations.md §5.
func TestReserveCapacity(t *testing.T) {
	const reserve = 8 << 20
	const capped = 20_000
	fs := smallfs.Mount(t, 96<<20)
	path := fs.Dir + "/vigil.db"
	s, err := Open(Config{Path: path, Logger: quiet, ReserveBytes: reserve, ReserveCheck: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	ctx := context.Background()
	r := testRequest(1, 1)
	if _, err := s.SaveRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	seq := uint64(0)
	actions := []struct {
		name string
		do   func() error
	}{
		{"ethereum block (batch with its hash and the cursor)", func() error {
			seq++
			h := common.BigToHash(new(big.Int).SetUint64(seq))
			return s.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: seq, Hash: h}, Blocks: []proofs.BlockRef{{Number: seq, Hash: h}}})
		}},
		{"bitcoin block (cursor with its hash)", func() error {
			seq++
			return s.SetBtcCursor(ctx, uint32(seq), chainhash.Hash{byte(seq), byte(seq >> 8), byte(seq >> 16)})
		}},
		{"update record (inserted, then saved as sent)", func() error {
			seq++
			u := proofs.Update{Channel: r.Channel, NonClosing: r.NonClosing, Outcome: proofs.OutcomePending, TxNonce: seq}
			id, err := s.InsertUpdate(ctx, u)
			if err != nil {
				return err
			}
			u.ID, u.TxHash = id, common.BigToHash(new(big.Int).SetUint64(seq))
			return s.SaveUpdate(ctx, u)
		}},
		{"justice record (inserted with a 400-byte transaction, then saved)", func() error {
			seq++
			j := tower.Justice{BreachTxID: chainhash.Hash{byte(seq), byte(seq >> 8), 1}, Raw: make([]byte, 400),
				Outcome: tower.JusticeBroadcast, CreatedAt: time.Unix(int64(seq), 0).UTC()}
			id, err := s.InsertJustice(ctx, j)
			if err != nil {
				return err
			}
			j.ID, j.TxID = id, chainhash.Hash{byte(seq), byte(seq >> 8), 2}
			return s.SaveJustice(ctx, j)
		}},
	}
	for _, pinned := range []bool{false, true} {
		for _, a := range actions {
			fs.Fill()
			var release func()
			if pinned {
				release = pinReader(t, path)
			}
			n, stopped := 0, error(nil)
			for i := 0; i < capped && stopped == nil; i++ {
				if stopped = a.do(); stopped == nil && s.Reserve().Spent {
					n++
				}
				if !pinned {
					s.checkpoint("PASSIVE") // what the checkpointer does between spaced writes
				}
			}
			if !s.Reserve().Spent {
				t.Logf("%s, WAL pinned %v: %d writes on the full disk without needing the reserve", a.name, pinned, capped)
			} else if stopped == nil {
				t.Logf("%s, WAL pinned %v: more than %d in %s (capped)", a.name, pinned, n, mib(reserve))
			} else {
				t.Logf("%s, WAL pinned %v: %d in %s, %.0f bytes each", a.name, pinned, n, mib(reserve), float64(reserve)/float64(max(n, 1)))
				if !monitor.IsStorageUnavailable(stopped) {
					t.Fatalf("%s: %v", a.name, stopped)
				}
			}
			if pinned && n < 100 {
				t.Fatalf("%s: only %d fit in the released reserve", a.name, n)
			}
			if release != nil {
				release()
			}
			fs.Free()
			deadline := time.Now().Add(10 * time.Second)
			for s.Reserve().Spent {
				if time.Now().After(deadline) {
					t.Fatalf("reserve not re-created: %+v", s.Reserve())
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
}

// pinReader holds a read transaction on the database, as a long backup
// would, so the WAL cannot start over.
func pinReader(t *testing.T, path string) func() {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM state`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return func() { _ = tx.Rollback(); _ = db.Close() }
}
