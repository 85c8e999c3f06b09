package pgstore

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// feedAppt is an appointment of user on loc, ending at end.
func feedAppt(user string, loc [16]byte, end uint32) tower.StoredAppointment {
	h := sha256.Sum256([]byte("user/" + user))
	var pub [33]byte
	pub[0] = 2
	copy(pub[1:], h[:])
	return tower.StoredAppointment{Appointment: tower.Appointment{Network: "regtest", Locator: loc,
		EncryptedBlob: make([]byte, 120), Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144,
		StartBlock: 100, EndBlock: end, RewardSat: 5000, UserPubkey: pub, UserSignature: "sig-" + user},
		Source: "rest", SourceRef: user, ReceivedAt: time.Unix(1_700_000_000, 0).UTC(), AcceptedTip: 100}
}

func feedLoc(label string) [16]byte {
	h := sha256.Sum256([]byte("loc/" + label))
	return [16]byte(h[:16])
}

// changes reads the changes since pos into sets.
func changes(t *testing.T, s *Store, pos tower.IndexPosition) (map[[16]byte]bool, map[[8]byte]bool, tower.IndexPosition) {
	t.Helper()
	added, removed := map[[16]byte]bool{}, map[[8]byte]bool{}
	next, err := s.LocatorChanges(ctx, pos, func(l [16]byte) { added[l] = true }, func(p [8]byte) { removed[p] = true })
	must(t, err)
	return added, removed, next
}

// xid gives tx its transaction id now (as a group transaction's first
// write does, before it takes the appointments' lock and row locks).
func xid(t *testing.T, tx pgx.Tx) {
	t.Helper()
	_, err := tx.Exec(ctx, `SELECT pg_current_xact_id()`)
	must(t, err)
}

// insertIn inserts a in tx, as SaveAppointment's transaction would.
func insertIn(t *testing.T, tx pgx.Tx, a tower.StoredAppointment) {
	t.Helper()
	args, err := appointmentArgs(&a)
	must(t, err)
	_, err = tx.Exec(ctx, insertAppointment, args...)
	must(t, err)
}

func written(t *testing.T, s *Store, loc [16]byte) int64 {
	t.Helper()
	var x int64
	must(t, s.pool.QueryRow(ctx, `SELECT written::text::bigint FROM appointments WHERE locator = $1`, loc[:]).Scan(&x))
	return x
}

// TestLocatorChangesOutOfOrderCommits: two transactions take their ids
// and stay open while a third, with a higher id, inserts an appointment,
// commits and is read; they then insert theirs and commit, in the reverse
// order of their ids. (Inserts into appointments wait for each other's
// commit on the count row, but a transaction's id is its first write's.)
// Each read reports what committed since the previous one, including the
// rows of transactions with lower ids than rows already read.
func TestLocatorChangesOutOfOrderCommits(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	s := openURL(t, url)
	l0, l1, l2, l3 := feedLoc("0"), feedLoc("1"), feedLoc("2"), feedLoc("3")
	_, err := s.SaveAppointment(ctx, feedAppt("u0", l0, 1000), 0)
	must(t, err)
	var start []([16]byte)
	pos0, err := s.EachLocatorFrom(ctx, func(l [16]byte) { start = append(start, l) })
	must(t, err)
	if len(start) != 1 || start[0] != l0 {
		t.Fatalf("full read: %x, want the one stored locator", start)
	}

	begin := func() pgx.Tx {
		conn, err := pgx.Connect(ctx, url)
		must(t, err)
		t.Cleanup(func() { _ = conn.Close(ctx) })
		tx, err := conn.Begin(ctx)
		must(t, err)
		return tx
	}
	tx1 := begin()
	xid(t, tx1)
	tx2 := begin()
	xid(t, tx2)
	_, err = s.SaveAppointment(ctx, feedAppt("u3", l3, 1000), 0)
	must(t, err)

	added, _, pos1 := changes(t, s, pos0)
	if !added[l3] || added[l1] || added[l2] {
		t.Fatalf("after the third committed: added %v, want l3 and neither open one", added)
	}
	insertIn(t, tx2, feedAppt("u2", l2, 1000))
	must(t, tx2.Commit(ctx))
	added, _, pos2 := changes(t, s, pos1)
	if !added[l2] || added[l1] {
		t.Fatalf("after the second committed: added %v, want l2 and not the open l1", added)
	}
	insertIn(t, tx1, feedAppt("u1", l1, 1000))
	must(t, tx1.Commit(ctx))
	if w1, w2, w3 := written(t, s, l1), written(t, s, l2), written(t, s, l3); !(w1 < w2 && w2 < w3) {
		t.Fatalf("transaction ids %d %d %d: the test wants them in insertion order, committed in the reverse", w1, w2, w3)
	}
	added, _, _ = changes(t, s, pos2)
	if !added[l1] {
		t.Fatalf("after the first committed (lowest id, committed last): added %v, want l1", added)
	}
}

// TestLocatorChangesRemovals: an expired appointment's prefix is reported
// removed once no stored locator has it; a prefix another stored locator
// shares is not; a replaced appointment keeps its locator.
func TestLocatorChangesRemovals(t *testing.T) {
	s := open(t)
	gone, kept := feedLoc("gone"), feedLoc("kept")
	twin := kept
	twin[15] ^= 0xff // same 8-byte prefix as kept
	for _, a := range []tower.StoredAppointment{feedAppt("a", gone, 150), feedAppt("b", kept, 1000),
		feedAppt("c", twin, 150), feedAppt("d", feedLoc("replaced"), 1000)} {
		_, err := s.SaveAppointment(ctx, a, 0)
		must(t, err)
	}
	pos, err := s.EachLocatorFrom(ctx, func([16]byte) {})
	must(t, err)
	newer := feedAppt("d", feedLoc("replaced"), 1000)
	newer.EncryptedBlob = make([]byte, 130)
	newer.Seq = 1 // a newer sequence
	res, err := s.SaveAppointment(ctx, newer, 0)
	must(t, err)
	if !res.Replaced {
		t.Fatalf("the newer appointment did not replace the stored one: %+v", res)
	}
	expired, err := s.ExpireAppointments(ctx, 200)
	must(t, err)
	if len(expired) != 2 {
		t.Fatalf("expired %d appointments, want 2", len(expired))
	}
	_, removed, _ := changes(t, s, pos)
	if want := [8]byte(gone[:8]); len(removed) != 1 || !removed[want] {
		t.Fatalf("removed prefixes %v, want only %x (kept's twin shares its prefix with a stored locator)", removed, want)
	}
}

// TestLocatorChangesConcurrentWriters: writers on their own connections
// insert appointments in transactions that overlap and commit in any
// order while a reader follows with LocatorChanges; the reads together
// report every committed locator.
func TestLocatorChangesConcurrentWriters(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	s := openURL(t, url)
	pos, err := s.EachLocatorFrom(ctx, func([16]byte) {})
	must(t, err)
	const writers, each = 6, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close(ctx)
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range each {
				err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
					// Take an id, then stay open a while before inserting,
					// so that transactions commit out of their ids' order.
					if _, err := tx.Exec(ctx, `SELECT pg_current_xact_id(), pg_sleep($1)`, rng.Float64()*0.01); err != nil {
						return err
					}
					a := feedAppt(fmt.Sprintf("w%d-%d", w, i), feedLoc(fmt.Sprintf("w%d-%d", w, i)), 1000)
					args, err := appointmentArgs(&a)
					if err != nil {
						return err
					}
					_, err = tx.Exec(ctx, insertAppointment, args...)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[[16]byte]bool{}
	for reading := true; reading; {
		select {
		case <-done:
			reading = false // one more read after the last commit
		default:
		}
		added, _, next := changes(t, s, pos)
		for l := range added {
			seen[l] = true
		}
		pos = next
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for w := range writers {
		for i := range each {
			if l := feedLoc(fmt.Sprintf("w%d-%d", w, i)); !seen[l] {
				t.Errorf("writer %d's appointment %d was never reported", w, i)
			}
		}
	}
}
