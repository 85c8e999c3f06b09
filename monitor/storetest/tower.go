package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// TowerStore is everything a watchtower store provides, the union of what
// its consumers declare: the tower's own ports (tower.Store), the listing
// the API reads, the Bitcoin watcher's cursor and the totals the stats are
// seeded from. The suite checks all of it in one place.
type TowerStore interface {
	tower.Store
	Appointments(ctx context.Context, q tower.AppointmentQuery) ([]tower.StoredAppointment, string, error)
	BtcCursor(ctx context.Context) (height uint32, hash chainhash.Hash, ok bool, err error)
	BtcBlockHash(ctx context.Context, height uint32) (chainhash.Hash, bool, error)
	// SetBtcCursor records a fully handled block (and remembers its hash).
	SetBtcCursor(ctx context.Context, height uint32, hash chainhash.Hash) error
	// RollbackBtc forgets blocks above height.
	RollbackBtc(ctx context.Context, height uint32, hash chainhash.Hash) error
	TowerTotals(ctx context.Context) (tower.Totals, error)
}

// RunTower runs the suite for a TowerStore; open must return a new, empty
// store for each call and arrange for it to be closed (t.Cleanup). It
// checks the contract documented in monitor/tower (ports.go and the
// IntakeStore, LookoutStore and JusticeStore declarations) and above,
// compared by meaning as Run does.
func RunTower(t *testing.T, open func(t *testing.T) TowerStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s TowerStore)
	}{
		{"SaveAppointment", testSaveAppointment},
		{"SaveAppointmentReplacesOnAnyChange", testSaveAppointmentReplaces},
		{"SaveAppointmentLargeValues", testSaveAppointmentLargeValues},
		{"SaveAppointmentSequence", testSaveAppointmentSequence},
		{"LocatorPrefixStored", testLocatorPrefixStored},
		{"AppointmentsPerLocator", testAppointmentsPerLocator},
		{"CrowdedLocator", testCrowdedLocator},
		{"AppointmentPagination", testAppointmentPagination},
		{"AppointmentPaginationDefaultLimit", testAppointmentPaginationDefaultLimit},
		{"AppointmentPaginationBadCursor", testAppointmentPaginationBadCursor},
		{"EachLocator", testEachLocator},
		{"ExpireAppointments", testExpireAppointments},
		{"BtcCursor", testBtcCursor},
		{"BtcRollback", testBtcRollback},
		{"Justice", testJustice},
		{"JusticeQueries", testJusticeQueries},
		{"InsertJustices", testInsertJustices},
		{"TowerTotals", testTowerTotals},
		{"TowerContextCanceled", testTowerContextCanceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// ---- fixtures ----

// pubkey derives a distinct compressed-looking public key from a label.
func pubkey(label string) [33]byte {
	h := sha256.Sum256([]byte("pubkey/" + label))
	var k [33]byte
	k[0] = 2 + h[31]&1
	copy(k[1:], h[:])
	return k
}

func locator(label string) [16]byte {
	h := sha256.Sum256([]byte("locator/" + label))
	return [16]byte(h[:16])
}

func btcHash(label string) chainhash.Hash {
	return sha256.Sum256([]byte("btc/" + label))
}

func blob(label string, n int) []byte {
	var b []byte
	for i := 0; len(b) < n; i++ {
		h := sha256.Sum256([]byte(fmt.Sprintf("blob/%s/%d", label, i)))
		b = append(b, h[:]...)
	}
	return b[:n]
}

// appointment builds an appointment of user on loc with every field set.
func appointment(user, loc string) tower.StoredAppointment {
	label := user + "/" + loc
	return tower.StoredAppointment{
		Appointment: tower.Appointment{
			Network:       "regtest",
			Locator:       locator(loc),
			EncryptedBlob: blob(label, 300),
			Cipher:        lncrypto.CipherChaCha20Poly1305,
			ToSelfDelay:   144,
			StartBlock:    812_000,
			EndBlock:      822_000,
			RewardSat:     5000,
			UserPubkey:    pubkey(user),
			UserSignature: "rbz" + fmt.Sprintf("%x", sha256.Sum256([]byte("sig/"+label)))[:40],
		},
		Source:      "rest",
		SourceRef:   "ref-" + label,
		ReceivedAt:  t0,
		AcceptedTip: 812_001,
	}
}

func apptStr(a tower.StoredAppointment) string {
	return fmt.Sprintf("user=%x locator=%x network=%q blob=%x cipher=%s delay=%d start=%d end=%d reward=%d seq=%d unsequenced=%v usig=%q source=%q ref=%q received=%s tip=%d",
		a.UserPubkey, a.Locator, a.Network, a.EncryptedBlob, a.Cipher, a.ToSelfDelay, a.StartBlock, a.EndBlock,
		a.RewardSat, a.Seq, a.Unsequenced, a.UserSignature, a.Source, a.SourceRef, timeStr(a.ReceivedAt), a.AcceptedTip)
}

func justiceStr(j tower.Justice) string {
	return fmt.Sprintf("id=%d locator=%x user=%x breach=%s breachRaw=%x breachBlock=%d deadline=%d tx=%s raw=%x fee=%d bounty=%d promised=%d rate=%d outcome=%s reason=%s detail=%q sent=%d block=%d/%s replacement=%d created=%s updated=%s spent=%s/%d",
		j.ID, j.Locator, j.UserPubkey, j.BreachTxID, j.BreachRaw, j.BreachBlock, j.Deadline, j.TxID, j.Raw, j.FeeSat, j.BountySat,
		j.PromisedSat, j.FeeRate, j.Outcome, j.Reason, j.Detail, j.SentHeight, j.Block, j.BlockHash, j.Replacement,
		timeStr(j.CreatedAt), timeStr(j.UpdatedAt), j.SpentBy, j.SpentBlock)
}

func sortAppointments(as []tower.StoredAppointment) {
	sort.Slice(as, func(i, j int) bool {
		if c := bytes.Compare(as[i].Locator[:], as[j].Locator[:]); c != 0 {
			return c < 0
		}
		return bytes.Compare(as[i].UserPubkey[:], as[j].UserPubkey[:]) < 0
	})
}

func saveAppt(t *testing.T, s TowerStore, a tower.StoredAppointment, maxPerLocator int) monitor.SaveResult {
	t.Helper()
	res, err := s.SaveAppointment(ctx, a, maxPerLocator)
	if err != nil {
		t.Fatalf("SaveAppointment(%x, %x): %v", a.UserPubkey[:4], a.Locator[:4], err)
	}
	return res
}

func byLocator(t *testing.T, s TowerStore, loc [16]byte) []tower.StoredAppointment {
	t.Helper()
	as, err := s.AppointmentsByLocator(ctx, loc)
	must(t, err)
	return as
}

func towerTotals(t *testing.T, s TowerStore) tower.Totals {
	t.Helper()
	tot, err := s.TowerTotals(ctx)
	must(t, err)
	return tot
}

// ---- appointments ----

func testSaveAppointment(t *testing.T, s TowerStore) {
	a1 := appointment("u1", "l1")
	if res := saveAppt(t, s, a1, 8); res != (monitor.SaveResult{NewParticipants: 1}) {
		t.Errorf("first save: got %+v, want 1 new participant", res)
	}
	equalList(t, "stored", apptStr, byLocator(t, s, a1.Locator), []tower.StoredAppointment{a1})

	// The same appointment again, arriving another way: a duplicate; the
	// stored one is kept as it was.
	again := a1
	again.Source, again.SourceRef, again.ReceivedAt, again.AcceptedTip = "matrix", "$event", t0.Add(time.Hour), 812_005
	if res := saveAppt(t, s, again, 8); res != (monitor.SaveResult{Duplicate: true}) {
		t.Errorf("duplicate: got %+v, want Duplicate only", res)
	}
	equalList(t, "after duplicate", apptStr, byLocator(t, s, a1.Locator), []tower.StoredAppointment{a1})

	// New content for the same (user, locator) replaces.
	a1b := appointment("u1", "l1")
	a1b.EncryptedBlob, a1b.EndBlock, a1b.Source, a1b.Seq = blob("newer", 400), 830_000, "matrix", 1
	if res := saveAppt(t, s, a1b, 8); res != (monitor.SaveResult{Replaced: true}) {
		t.Errorf("replace: got %+v, want Replaced only", res)
	}
	equalList(t, "after replace", apptStr, byLocator(t, s, a1.Locator), []tower.StoredAppointment{a1b})

	// The same user on another locator: nothing new seen.
	a2 := appointment("u1", "l2")
	if res := saveAppt(t, s, a2, 8); res != (monitor.SaveResult{}) {
		t.Errorf("same user, other locator: got %+v, want nothing new", res)
	}
	// Another user on the first locator.
	a3 := appointment("u2", "l1")
	if res := saveAppt(t, s, a3, 8); res != (monitor.SaveResult{NewParticipants: 1}) {
		t.Errorf("second user: got %+v, want 1 new participant", res)
	}
	want := []tower.StoredAppointment{a1b, a3}
	sortAppointments(want)
	equalList(t, "AppointmentsByLocator", apptStr, byLocator(t, s, a1.Locator), want)
	equalList(t, "AppointmentsByLocator l2", apptStr, byLocator(t, s, a2.Locator), []tower.StoredAppointment{a2})
	if as := byLocator(t, s, locator("nope")); len(as) != 0 {
		t.Errorf("AppointmentsByLocator of an unknown locator: %d appointments", len(as))
	}
	if n := towerTotals(t, s).Appointments; n != 3 {
		t.Errorf("TowerTotals.Appointments: %d, want 3", n)
	}
}

// testSaveAppointmentReplaces: a change in any one field of the appointment
// itself, with a higher seq, replaces it; how it arrived does not.
func testSaveAppointmentReplaces(t *testing.T, s TowerStore) {
	base := appointment("u", "l")
	saveAppt(t, s, base, 8)
	seq := uint64(0)
	for name, change := range map[string]func(a *tower.Appointment){
		"network":        func(a *tower.Appointment) { a.Network = "testnet" },
		"blob":           func(a *tower.Appointment) { a.EncryptedBlob[7] ^= 1 },
		"blob length":    func(a *tower.Appointment) { a.EncryptedBlob = a.EncryptedBlob[:299] },
		"cipher":         func(a *tower.Appointment) { a.Cipher = lncrypto.CipherAES256GCM },
		"to_self_delay":  func(a *tower.Appointment) { a.ToSelfDelay++ },
		"start_block":    func(a *tower.Appointment) { a.StartBlock++ },
		"end_block":      func(a *tower.Appointment) { a.EndBlock++ },
		"reward_sat":     func(a *tower.Appointment) { a.RewardSat++ },
		"user_signature": func(a *tower.Appointment) { a.UserSignature += "y" },
	} {
		t.Run(name, func(t *testing.T) {
			a := appointment("u", "l")
			change(&a.Appointment)
			seq++
			a.SourceRef, a.Seq = "ref-"+name, seq
			if res := saveAppt(t, s, a, 1); res != (monitor.SaveResult{Replaced: true}) {
				t.Fatalf("got %+v, want Replaced (a replacement does not count against the cap)", res)
			}
			equalList(t, "after replace", apptStr, byLocator(t, s, a.Locator), []tower.StoredAppointment{a})
			if res := saveAppt(t, s, a, 1); res != (monitor.SaveResult{Duplicate: true}) {
				t.Fatalf("again: got %+v, want Duplicate", res)
			}
			// Back to the base for the next case.
			seq++
			base.Seq = seq
			if res := saveAppt(t, s, base, 1); res != (monitor.SaveResult{Replaced: true}) {
				t.Fatalf("back to the base: got %+v, want Replaced", res)
			}
		})
	}
	if n := towerTotals(t, s).Appointments; n != 1 {
		t.Errorf("TowerTotals.Appointments after replacements: %d, want 1", n)
	}
}

func testSaveAppointmentLargeValues(t *testing.T, s TowerStore) {
	a := appointment("u", "l")
	a.ToSelfDelay, a.StartBlock, a.EndBlock, a.AcceptedTip = math.MaxUint32, math.MaxUint32-1, math.MaxUint32, math.MaxUint32
	a.RewardSat = math.MaxUint64
	a.EncryptedBlob = blob("large", 4096)
	a.Cipher = lncrypto.CipherAES256GCM
	a.ReceivedAt = time.Time{}
	saveAppt(t, s, a, 8)
	equalList(t, "extremes", apptStr, byLocator(t, s, a.Locator), []tower.StoredAppointment{a})
	if res := saveAppt(t, s, a, 8); !res.Duplicate {
		t.Errorf("extremes again: %+v, want Duplicate", res)
	}
	// Nothing expires below the largest height.
	if gone, err := s.ExpireAppointments(ctx, math.MaxUint32); err != nil || len(gone) != 0 {
		t.Errorf("ExpireAppointments(MaxUint32): %x, %v; want none", gone, err)
	}
}

func testAppointmentsPerLocator(t *testing.T, s TowerStore) {
	const maxPer = 3
	loc := "crowded"
	var want []tower.StoredAppointment
	for i := range maxPer {
		a := appointment(fmt.Sprint("u", i), loc)
		saveAppt(t, s, a, maxPer)
		want = append(want, a)
	}
	_, err := s.SaveAppointment(ctx, appointment("late", loc), maxPer)
	wantReason(t, err, monitor.ReasonTooManyPerLocator)
	sortAppointments(want)
	equalList(t, "after a rejection", apptStr, byLocator(t, s, locator(loc)), want)

	// Users already there may still replace, or send the same again.
	u0 := appointment("u0", loc)
	u0.EndBlock, u0.Seq = u0.EndBlock+1, 1
	if res := saveAppt(t, s, u0, maxPer); !res.Replaced {
		t.Errorf("replace at the cap: %+v", res)
	}
	if res := saveAppt(t, s, u0, maxPer); !res.Duplicate {
		t.Errorf("duplicate at the cap: %+v", res)
	}
	// The rejected user was not counted as seen; elsewhere it is welcome.
	if res := saveAppt(t, s, appointment("late", "elsewhere"), maxPer); res != (monitor.SaveResult{NewParticipants: 1}) {
		t.Errorf("rejected user on another locator: %+v, want 1 new participant", res)
	}
	// maxPerLocator <= 0: no limit.
	saveAppt(t, s, appointment("late", loc), 0)
	saveAppt(t, s, appointment("later", loc), -1)
	if n := len(byLocator(t, s, locator(loc))); n != maxPer+2 {
		t.Errorf("without a cap: %d appointments on the locator, want %d", n, maxPer+2)
	}
	// A cap below what is stored still refuses newcomers only.
	_, err = s.SaveAppointment(ctx, appointment("newcomer", loc), 2)
	wantReason(t, err, monitor.ReasonTooManyPerLocator)
	u1 := appointment("u1", loc)
	u1.RewardSat, u1.Seq = 1, 1
	if res := saveAppt(t, s, u1, 2); !res.Replaced {
		t.Errorf("replace above the cap: %+v", res)
	}
	if n := towerTotals(t, s).Appointments; n != int64(maxPer+3) {
		t.Errorf("TowerTotals.Appointments: %d, want %d", n, maxPer+3)
	}
}

// pagedAppointments saves 3 users' appointments on 8 locators, some shared.
func pagedAppointments(t *testing.T, s TowerStore) []tower.StoredAppointment {
	var all []tower.StoredAppointment
	for i := range 8 {
		for u := range 3 {
			if (i+u)%2 == 0 || i%3 == 0 {
				all = append(all, appointment(fmt.Sprint("u", u), fmt.Sprint("l", i)))
			}
		}
	}
	for _, a := range all {
		saveAppt(t, s, a, 8)
	}
	sortAppointments(all)
	return all
}

func testAppointmentPagination(t *testing.T, s TowerStore) {
	all := pagedAppointments(t, s)
	l3 := locator("l3")
	filters := []struct {
		name string
		q    tower.AppointmentQuery
	}{
		{"all", tower.AppointmentQuery{}},
		{"locator", tower.AppointmentQuery{Locator: &l3}},
		{"unknown locator", tower.AppointmentQuery{Locator: ptr(locator("nope"))}},
	}
	for _, f := range filters {
		var want []tower.StoredAppointment
		for _, a := range all {
			if f.q.Locator == nil || a.Locator == *f.q.Locator {
				want = append(want, a)
			}
		}
		if f.name != "unknown locator" && len(want) < 3 {
			t.Fatalf("%s: fixture selects %d appointments; want several", f.name, len(want))
		}
		for _, limit := range []int{1, 2, 5, len(want), len(want) + 1} {
			if limit <= 0 {
				continue
			}
			t.Run(fmt.Sprintf("%s/limit%d", f.name, limit), func(t *testing.T) {
				var got []tower.StoredAppointment
				q := f.q
				q.Limit = limit
				for page := 0; ; page++ {
					if page > len(want)+1 {
						t.Fatal("pagination does not end")
					}
					as, next, err := s.Appointments(ctx, q)
					must(t, err)
					if len(as) > limit {
						t.Fatalf("page %d: %d appointments, limit %d", page, len(as), limit)
					}
					if next != "" && len(as) < limit {
						t.Fatalf("page %d: short page (%d of %d) with a next cursor", page, len(as), limit)
					}
					if next != "" && len(as) == 0 {
						t.Fatalf("page %d: empty page with a next cursor", page)
					}
					got = append(got, as...)
					if next == "" {
						break
					}
					q.After = next
				}
				equalList(t, "pages", apptStr, got, want)
			})
		}
	}

	// A page boundary inside a locator's users, then a new appointment
	// before the cursor: keyset pages neither repeat nor skip.
	first, next, err := s.Appointments(ctx, tower.AppointmentQuery{Limit: 2})
	must(t, err)
	early := appointment("u0", "l0")
	early.Locator = [16]byte{} // sorts first
	saveAppt(t, s, early, 8)
	rest, _, err := s.Appointments(ctx, tower.AppointmentQuery{Limit: 1000, After: next})
	must(t, err)
	equalList(t, "pages around an insert", apptStr, append(first, rest...), all)
}

func testAppointmentPaginationDefaultLimit(t *testing.T, s TowerStore) {
	for i := range 101 {
		saveAppt(t, s, appointment("u", fmt.Sprint("l", i)), 8)
	}
	as, next, err := s.Appointments(ctx, tower.AppointmentQuery{})
	must(t, err)
	if len(as) != 100 || next == "" {
		t.Fatalf("Limit 0: got %d appointments and next %q, want the default of 100 and a next cursor", len(as), next)
	}
	as, next, err = s.Appointments(ctx, tower.AppointmentQuery{After: next})
	must(t, err)
	if len(as) != 1 || next != "" {
		t.Fatalf("second page: got %d appointments and next %q, want 1 and no cursor", len(as), next)
	}
}

func testAppointmentPaginationBadCursor(t *testing.T, s TowerStore) {
	pagedAppointments(t, s)
	for _, after := range []string{"zz", "00", strings.Repeat("g", 98), strings.Repeat("00", 48)} {
		_, _, err := s.Appointments(ctx, tower.AppointmentQuery{After: after})
		var me *monitor.Error
		if !errors.As(err, &me) || me.Code() != monitor.CodeInvalid {
			t.Errorf("After %q: got %v, want an invalid-input *monitor.Error", after, err)
		}
	}
}

func testEachLocator(t *testing.T, s TowerStore) {
	collect := func() map[[16]byte]int {
		t.Helper()
		seen := map[[16]byte]int{}
		must(t, s.EachLocator(ctx, func(l [16]byte) { seen[l]++ }))
		return seen
	}
	if seen := collect(); len(seen) != 0 {
		t.Fatalf("EachLocator of an empty store: %d locators", len(seen))
	}
	all := pagedAppointments(t, s)
	want := map[[16]byte]bool{}
	for _, a := range all {
		want[a.Locator] = true
	}
	seen := collect()
	for l, n := range seen {
		if !want[l] {
			t.Errorf("EachLocator: %x was never stored", l)
		}
		if n != 1 {
			t.Errorf("EachLocator: %x streamed %d times, want once", l, n)
		}
	}
	for l := range want {
		if seen[l] == 0 {
			t.Errorf("EachLocator: %x missing", l)
		}
	}

	// Expired appointments are gone from the stream.
	late := appointment("u9", "late")
	late.EndBlock = 900_000
	saveAppt(t, s, late, 8)
	_, err := s.ExpireAppointments(ctx, 850_000)
	must(t, err)
	if seen := collect(); len(seen) != 1 || seen[late.Locator] != 1 {
		t.Errorf("EachLocator after expiry: %v, want only %x", seen, late.Locator)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.EachLocator(cctx, func([16]byte) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("EachLocator with a canceled context: %v", err)
	}
}

func testExpireAppointments(t *testing.T, s TowerStore) {
	var ends = map[string]uint32{"a": 100, "b": 101, "c": 101, "d": 102, "e": 1_000_000}
	for name, end := range ends {
		a := appointment("u-"+name, "l-"+name)
		a.StartBlock, a.EndBlock = 50, end
		saveAppt(t, s, a, 8)
	}
	// A second user on c's locator, with the same end: one locator per
	// deleted appointment.
	c2 := appointment("u-c2", "l-c")
	c2.StartBlock, c2.EndBlock = 50, 102
	saveAppt(t, s, c2, 8)
	expire := func(height uint32, want ...string) {
		t.Helper()
		gone, err := s.ExpireAppointments(ctx, height)
		must(t, err)
		var got, exp []string
		for _, l := range gone {
			got = append(got, fmt.Sprintf("%x", l))
		}
		for _, name := range want {
			exp = append(exp, fmt.Sprintf("%x", locator("l-"+name)))
		}
		sort.Strings(got)
		sort.Strings(exp)
		if strings.Join(got, ",") != strings.Join(exp, ",") {
			t.Errorf("ExpireAppointments(%d): %v, want the locators of %v", height, got, want)
		}
	}
	expire(0)
	expire(100)      // end_block 100 is still good at 100
	expire(101, "a") // below 101: only a
	expire(101)
	for name, end := range ends {
		if got, want := len(byLocator(t, s, locator("l-"+name))) >= 1, end >= 101; got != want {
			t.Errorf("%s (end %d) after ExpireAppointments(101): stored %v, want %v", name, end, got, want)
		}
	}
	if n := towerTotals(t, s).Appointments; n != 5 {
		t.Errorf("TowerTotals.Appointments: %d, want 5", n)
	}
	expire(103, "b", "c", "c", "d")
	if n := towerTotals(t, s).Appointments; n != 1 {
		t.Errorf("TowerTotals.Appointments: %d, want 1", n)
	}
	// An expired user's key was already seen.
	if res := saveAppt(t, s, appointment("u-a", "again"), 8); res != (monitor.SaveResult{}) {
		t.Errorf("expired user again: %+v, want nothing new", res)
	}
}

// testSaveAppointmentSequence: an appointment replaces the stored one of
// its (user, locator) only with a higher seq; a lower one, or an equal one
// with other content, is refused with stale_sequence and changes nothing;
// an unsequenced one orders as 0.
func testSaveAppointmentSequence(t *testing.T, s TowerStore) {
	at := func(seq uint64, label string) tower.StoredAppointment {
		a := appointment("u", "l")
		a.Seq, a.EncryptedBlob, a.SourceRef = seq, blob(label, 300), "ref-"+label
		return a
	}
	stored := func(want tower.StoredAppointment) {
		t.Helper()
		equalList(t, "stored", apptStr, byLocator(t, s, want.Locator), []tower.StoredAppointment{want})
	}
	refused := func(a tower.StoredAppointment) {
		t.Helper()
		_, err := s.SaveAppointment(ctx, a, 8)
		wantReason(t, err, monitor.ReasonStaleSequence)
	}
	// Unsequenced first: stored as such.
	legacy := at(0, "legacy")
	legacy.Unsequenced = true
	saveAppt(t, s, legacy, 8)
	stored(legacy)
	// Another unsequenced one (also order 0) and seq 0 are refused.
	other := at(0, "legacy-2")
	other.Unsequenced = true
	refused(other)
	refused(at(0, "zero"))
	stored(legacy)
	// seq 5 replaces it; a replay of the unsequenced one is refused.
	five := at(5, "five")
	if res := saveAppt(t, s, five, 8); res != (monitor.SaveResult{Replaced: true}) {
		t.Fatalf("seq 5 over unsequenced: %+v, want Replaced", res)
	}
	refused(legacy)
	refused(at(4, "four"))
	refused(at(5, "five-other")) // equal seq, other content
	stored(five)
	// An identical resubmission, however it arrives, stays a duplicate.
	again := five
	again.Source, again.SourceRef = "matrix", "$replay"
	if res := saveAppt(t, s, again, 8); res != (monitor.SaveResult{Duplicate: true}) {
		t.Fatalf("identical seq 5: %+v, want Duplicate", res)
	}
	// The highest seq keeps its 64 bits and cannot be replaced.
	top := at(math.MaxUint64, "top")
	saveAppt(t, s, top, 8)
	stored(top)
	refused(at(math.MaxUint64-1, "below-top"))
	refused(at(6, "six"))
	stored(top)
	// Other users and locators are not affected.
	saveAppt(t, s, appointment("u2", "l"), 8)
	saveAppt(t, s, appointment("u", "l2"), 8)
	// AppointmentOf reads one (user, locator).
	for _, want := range []tower.StoredAppointment{top, appointment("u2", "l"), appointment("u", "l2")} {
		got, ok, err := s.AppointmentOf(ctx, want.UserPubkey, want.Locator)
		must(t, err)
		if !ok {
			t.Fatalf("AppointmentOf(%x, %x): none", want.UserPubkey[:4], want.Locator[:4])
		}
		equalList(t, "AppointmentOf", apptStr, []tower.StoredAppointment{got}, []tower.StoredAppointment{want})
	}
	if _, ok, err := s.AppointmentOf(ctx, pubkey("u3"), locator("l")); err != nil || ok {
		t.Fatalf("AppointmentOf of nothing stored: %v, %v", ok, err)
	}
	if n := towerTotals(t, s).Appointments; n != 3 {
		t.Errorf("TowerTotals.Appointments: %d, want 3", n)
	}
}

// testLocatorPrefixStored: the answer follows the first 8 bytes of every
// stored locator, including the extremes of a prefix's range.
func testLocatorPrefixStored(t *testing.T, s TowerStore) {
	has := func(p [8]byte) bool {
		t.Helper()
		ok, err := s.LocatorPrefixStored(ctx, p)
		must(t, err)
		return ok
	}
	var low, high, top [16]byte
	copy(low[:8], []byte{1, 2, 3, 4, 5, 6, 7, 8})
	copy(high[:], low[:8])
	for i := 8; i < 16; i++ {
		high[i] = 0xff
	}
	for i := range top {
		top[i] = 0xff
	}
	if has([8]byte(low[:8])) {
		t.Fatal("empty store has a prefix")
	}
	for _, l := range [][16]byte{low, high, top} {
		a := appointment("u", "x")
		a.Locator = l
		saveAppt(t, s, a, 8)
	}
	if !has([8]byte(low[:8])) || !has([8]byte(top[:8])) {
		t.Error("stored prefixes not found")
	}
	next := [8]byte{1, 2, 3, 4, 5, 6, 7, 9}
	prev := [8]byte{1, 2, 3, 4, 5, 6, 7, 7}
	if has(next) || has(prev) || has([8]byte{}) {
		t.Error("a neighbouring prefix reported stored")
	}
	if _, err := s.ExpireAppointments(ctx, math.MaxUint32); err != nil {
		t.Fatal(err)
	}
	if has([8]byte(low[:8])) || has([8]byte(top[:8])) {
		t.Error("prefixes still stored after every appointment expired")
	}
}

// ---- Bitcoin cursor ----

func height(label string) chainhash.Hash { return btcHash("block/" + label) }

func testBtcCursor(t *testing.T, s TowerStore) {
	if h, hash, ok, err := s.BtcCursor(ctx); err != nil || ok {
		t.Fatalf("BtcCursor of an empty store: %d %s %v %v", h, hash, ok, err)
	}
	if _, ok, err := s.BtcBlockHash(ctx, 1); err != nil || ok {
		t.Fatalf("BtcBlockHash of an empty store: %v %v", ok, err)
	}
	// Genesis is a height like any other.
	must(t, s.SetBtcCursor(ctx, 0, height("0")))
	if h, hash, ok, err := s.BtcCursor(ctx); err != nil || !ok || h != 0 || hash != height("0") {
		t.Fatalf("BtcCursor at genesis: %d %s %v %v", h, hash, ok, err)
	}
	for n := uint32(1); n <= 300; n++ {
		must(t, s.SetBtcCursor(ctx, n, height(fmt.Sprint(n))))
	}
	// Only the newest 288 (13..300) are kept.
	for n := uint32(0); n <= 301; n++ {
		h, ok, err := s.BtcBlockHash(ctx, n)
		must(t, err)
		if want := n >= 13 && n <= 300; ok != want || (ok && h != height(fmt.Sprint(n))) {
			t.Errorf("BtcBlockHash(%d): found %v (%s), want found %v", n, ok, h, want)
		}
	}
	if h, hash, ok, err := s.BtcCursor(ctx); err != nil || !ok || h != 300 || hash != height("300") {
		t.Errorf("BtcCursor: %d %s %v %v, want 300", h, hash, ok, err)
	}
	// Internal byte order: the bytes come back as given, not reversed.
	odd := chainhash.Hash{0: 1, 31: 0xff}
	must(t, s.SetBtcCursor(ctx, math.MaxUint32, odd))
	if h, hash, ok, err := s.BtcCursor(ctx); err != nil || !ok || h != math.MaxUint32 || hash != odd {
		t.Errorf("BtcCursor at the largest height: %d %s %v %v", h, hash, ok, err)
	}
	if h, ok, err := s.BtcBlockHash(ctx, math.MaxUint32); err != nil || !ok || h != odd {
		t.Errorf("BtcBlockHash(MaxUint32): %s %v %v", h, ok, err)
	}
}

func testBtcRollback(t *testing.T, s TowerStore) {
	for n := uint32(100); n <= 120; n++ {
		must(t, s.SetBtcCursor(ctx, n, height(fmt.Sprint(n))))
	}
	must(t, s.RollbackBtc(ctx, 110, height("110")))
	for n := uint32(100); n <= 120; n++ {
		h, ok, err := s.BtcBlockHash(ctx, n)
		must(t, err)
		if want := n <= 110; ok != want || (ok && h != height(fmt.Sprint(n))) {
			t.Errorf("after rollback to 110: BtcBlockHash(%d) found %v (%s), want found %v", n, ok, h, want)
		}
	}
	if h, hash, ok, err := s.BtcCursor(ctx); err != nil || !ok || h != 110 || hash != height("110") {
		t.Errorf("BtcCursor after rollback: %d %s %v %v, want 110", h, hash, ok, err)
	}
	// The other branch.
	for n := uint32(111); n <= 115; n++ {
		must(t, s.SetBtcCursor(ctx, n, height(fmt.Sprint(n, "b"))))
	}
	for n := uint32(109); n <= 116; n++ {
		h, ok, err := s.BtcBlockHash(ctx, n)
		must(t, err)
		want := height(fmt.Sprint(n))
		if n > 110 {
			want = height(fmt.Sprint(n, "b"))
		}
		if wantOK := n <= 115; ok != wantOK || (ok && h != want) {
			t.Errorf("new branch: BtcBlockHash(%d) = %s %v, want %s %v", n, h, ok, want, wantOK)
		}
	}
	if h, hash, ok, err := s.BtcCursor(ctx); err != nil || !ok || h != 115 || hash != height("115b") {
		t.Errorf("BtcCursor on the new branch: %d %s %v %v", h, hash, ok, err)
	}
	// A rollback to the same height is harmless.
	must(t, s.RollbackBtc(ctx, 115, height("115b")))
	if h, ok, err := s.BtcBlockHash(ctx, 115); err != nil || !ok || h != height("115b") {
		t.Errorf("rollback to the tip: %s %v %v", h, ok, err)
	}
}

// ---- justice ----

// justice builds a record with every field set.
func justice(label string, outcome tower.JusticeOutcome) tower.Justice {
	return tower.Justice{
		Locator:     locator("l-" + label),
		UserPubkey:  pubkey("u-" + label),
		BreachTxID:  btcHash("breach/" + label),
		BreachRaw:   blob("breach/"+label, 250),
		BreachBlock: 820_000,
		Deadline:    820_144,
		TxID:        btcHash("justice/" + label),
		Raw:         blob("justice/"+label, 180),
		FeeSat:      1_234,
		BountySat:   45_000,
		PromisedSat: math.MaxUint64 - 5,
		FeeRate:     2_500,
		Outcome:     outcome,
		Reason:      monitor.ReasonSurplusBelowReward,
		Detail:      "detail of " + label,
		SentHeight:  820_001,
		Block:       820_003,
		BlockHash:   btcHash("block/" + label),
		Replacement: 2,
		CreatedAt:   t0,
		UpdatedAt:   t0.Add(time.Minute),
	}
}

func insertJustice(t *testing.T, s TowerStore, j *tower.Justice) {
	t.Helper()
	id, err := s.InsertJustice(ctx, *j)
	must(t, err)
	if id <= 0 {
		t.Fatalf("InsertJustice: id %d", id)
	}
	j.ID = id
}

func justiceRecords(t *testing.T, s TowerStore, q tower.JusticeQuery) []tower.Justice {
	t.Helper()
	js, err := s.JusticeRecords(ctx, q)
	must(t, err)
	return js
}

func testJustice(t *testing.T, s TowerStore) {
	if js := justiceRecords(t, s, tower.JusticeQuery{}); len(js) != 0 {
		t.Fatalf("empty store: %d justice records", len(js))
	}
	full := justice("full", tower.JusticeBroadcast)
	full.ID = 999 // ignored
	insertJustice(t, s, &full)

	// A failure before any transaction existed: zero and empty values.
	bare := tower.Justice{Locator: locator("bare"), UserPubkey: pubkey("bare"), BreachTxID: btcHash("bare"),
		Outcome: tower.JusticeFailed, Reason: monitor.ReasonDecryptFailed}
	insertJustice(t, s, &bare)
	if bare.ID <= full.ID {
		t.Errorf("ids not increasing: %d then %d", full.ID, bare.ID)
	}
	equalList(t, "records", justiceStr, justiceRecords(t, s, tower.JusticeQuery{}), []tower.Justice{full, bare})

	// Save every field back changed.
	changed := justice("changed", tower.JusticeConfirmed)
	changed.ID = full.ID
	changed.FeeSat, changed.BountySat, changed.PromisedSat, changed.FeeRate = -1, 0, 0, math.MaxInt64
	changed.Reason, changed.Replacement = "", 0
	changed.BreachRaw, changed.Raw = nil, nil
	must(t, s.SaveJustice(ctx, changed))
	equalList(t, "after save", justiceStr, justiceRecords(t, s, tower.JusticeQuery{}), []tower.Justice{changed, bare})

	// And back to zero values: hashes and times that were set are cleared.
	cleared := tower.Justice{ID: full.ID, Outcome: tower.JusticeLost}
	must(t, s.SaveJustice(ctx, cleared))
	equalList(t, "after clearing", justiceStr, justiceRecords(t, s, tower.JusticeQuery{}), []tower.Justice{cleared, bare})

	missing := justice("missing", tower.JusticeBroadcast)
	missing.ID = bare.ID + 100
	wantNotFound(t, s.SaveJustice(ctx, missing))
}

func testJusticeQueries(t *testing.T, s TowerStore) {
	var all []tower.Justice
	add := func(label, breach string, outcome tower.JusticeOutcome) tower.Justice {
		j := justice(label, outcome)
		j.BreachTxID = btcHash("breach/" + breach)
		insertJustice(t, s, &j)
		all = append(all, j)
		return j
	}
	a1 := add("a1", "A", tower.JusticeReplaced)
	b1 := add("b1", "B", tower.JusticeFailed)
	a2 := add("a2", "A", tower.JusticeBroadcast)
	c1 := add("c1", "C", tower.JusticeConfirmed)
	b2 := add("b2", "B", tower.JusticeBroadcast)
	d1 := add("d1", "D", tower.JusticeLost)

	for _, tc := range []struct {
		name string
		q    tower.JusticeQuery
		want []tower.Justice
	}{
		{"all", tower.JusticeQuery{}, all},
		{"negative limit", tower.JusticeQuery{Limit: -1}, all},
		{"broadcast", tower.JusticeQuery{Outcomes: []tower.JusticeOutcome{tower.JusticeBroadcast}}, []tower.Justice{a2, b2}},
		{"two outcomes", tower.JusticeQuery{Outcomes: []tower.JusticeOutcome{tower.JusticeLost, tower.JusticeReplaced}}, []tower.Justice{a1, d1}},
		{"no such outcome", tower.JusticeQuery{Outcomes: []tower.JusticeOutcome{"nope"}}, nil},
		{"after", tower.JusticeQuery{AfterID: a2.ID}, []tower.Justice{c1, b2, d1}},
		{"limit", tower.JusticeQuery{Limit: 2}, []tower.Justice{a1, b1}},
		{"after and limit", tower.JusticeQuery{AfterID: b1.ID, Limit: 2}, []tower.Justice{a2, c1}},
		{"everything combined", tower.JusticeQuery{AfterID: a1.ID, Limit: 1,
			Outcomes: []tower.JusticeOutcome{tower.JusticeBroadcast, tower.JusticeConfirmed}}, []tower.Justice{a2}},
		{"after the last", tower.JusticeQuery{AfterID: d1.ID}, nil},
	} {
		equalList(t, tc.name, justiceStr, justiceRecords(t, s, tc.q), tc.want)
	}

	for breach, want := range map[string][]tower.Justice{
		"A": {a1, a2}, "B": {b1, b2}, "C": {c1}, "D": {d1}, "none": nil,
	} {
		js, err := s.JusticeForBreach(ctx, btcHash("breach/"+breach))
		must(t, err)
		equalList(t, "JusticeForBreach "+breach, justiceStr, js, want)
	}
}

func testTowerTotals(t *testing.T, s TowerStore) {
	if tot := towerTotals(t, s); tot != (tower.Totals{}) {
		t.Fatalf("empty store: %+v", tot)
	}
	for _, a := range []tower.StoredAppointment{appointment("u1", "l1"), appointment("u2", "l1"), appointment("u1", "l2")} {
		saveAppt(t, s, a, 8)
	}
	saveAppt(t, s, appointment("u1", "l1"), 8) // duplicate
	r := appointment("u2", "l1")
	r.RewardSat, r.Seq = 1, 1
	saveAppt(t, s, r, 8) // replacement
	_, err := s.SaveAppointment(ctx, appointment("u3", "l1"), 2)
	wantReason(t, err, monitor.ReasonTooManyPerLocator)

	rec := func(label, breach string, outcome tower.JusticeOutcome, replacement int, bounty int64, sent bool) tower.Justice {
		j := justice(label, outcome)
		j.BreachTxID, j.Replacement, j.BountySat = btcHash("breach/"+breach), replacement, bounty
		if !sent {
			j.TxID, j.Raw = chainhash.Hash{}, nil
		}
		insertJustice(t, s, &j)
		return j
	}
	// Breach A: sent, bumped twice, the last one confirmed.
	rec("a0", "A", tower.JusticeReplaced, 0, 9_000, true)
	rec("a1", "A", tower.JusticeReplaced, 1, 8_000, true)
	a2 := rec("a2", "A", tower.JusticeBroadcast, 2, 7_000, true)
	// Breach B: no transaction could be made.
	rec("b0", "B", tower.JusticeFailed, 0, 0, false)
	// Breach C: sent, the outputs went elsewhere.
	c0 := justice("c0", tower.JusticeLost)
	c0.BreachTxID, c0.Replacement, c0.BountySat, c0.Reason = btcHash("breach/C"), 0, 5_000, monitor.ReasonSpentByCheater
	insertJustice(t, s, &c0)
	// Breach D: SIGHASH_ALL, no bounty, confirmed.
	rec("d0", "D", tower.JusticeConfirmed, 0, 0, true)
	// Breach E: two users' appointments on one breach, both sent.
	rec("e0", "E", tower.JusticeBroadcast, 0, 1_000, true)
	e1 := rec("e1", "E", tower.JusticeBroadcast, 0, 2_000, true)

	// Broadcast: a0, c0, d0, e0, e1 (a1 and a2 replace a0; b0 has no
	// transaction).
	want := tower.Totals{Appointments: 3, Breaches: 5, Broadcast: 5, Confirmed: 1, BountySat: 0, LostToCheater: 1}
	if tot := towerTotals(t, s); tot != want {
		t.Errorf("totals: %+v, want %+v", tot, want)
	}
	a2.Outcome = tower.JusticeConfirmed
	must(t, s.SaveJustice(ctx, a2))
	e1.Outcome = tower.JusticeConfirmed
	must(t, s.SaveJustice(ctx, e1))
	// e0 lost to another justice transaction, a deadline passed on breach F.
	e0 := justiceRecords(t, s, tower.JusticeQuery{Outcomes: []tower.JusticeOutcome{tower.JusticeBroadcast}})
	if len(e0) != 1 {
		t.Fatalf("open records: %d, want e0 alone", len(e0))
	}
	e0[0].Outcome, e0[0].Reason = tower.JusticeLost, monitor.ReasonSpentByJustice
	must(t, s.SaveJustice(ctx, e0[0]))
	f0 := justice("f0", tower.JusticeLost)
	f0.Reason, f0.Replacement = monitor.ReasonDeadlinePassed, 0
	insertJustice(t, s, &f0)
	_, err = s.ExpireAppointments(ctx, 822_001)
	must(t, err)
	want = tower.Totals{Appointments: 0, Breaches: 6, Broadcast: 6, Confirmed: 3, BountySat: 9_000,
		LostToJustice: 1, LostToCheater: 1, LostAtDeadline: 1}
	if tot := towerTotals(t, s); tot != want {
		t.Errorf("totals after confirmations and expiry: %+v, want %+v", tot, want)
	}
}

func testTowerContextCanceled(t *testing.T, s TowerStore) {
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	a := appointment("u", "l")
	j := justice("j", tower.JusticeBroadcast)
	calls := map[string]func() error{
		"SaveAppointment":       func() error { _, err := s.SaveAppointment(cctx, a, 8); return err },
		"AppointmentsByLocator": func() error { _, err := s.AppointmentsByLocator(cctx, a.Locator); return err },
		"Appointments":          func() error { _, _, err := s.Appointments(cctx, tower.AppointmentQuery{}); return err },
		"EachLocator":           func() error { return s.EachLocator(cctx, func([16]byte) {}) },
		"ExpireAppointments":    func() error { _, err := s.ExpireAppointments(cctx, 1); return err },
		"LocatorPrefixStored":   func() error { _, err := s.LocatorPrefixStored(cctx, [8]byte{}); return err },
		"AppointmentOf":         func() error { _, _, err := s.AppointmentOf(cctx, a.UserPubkey, a.Locator); return err },
		"BtcCursor":             func() error { _, _, _, err := s.BtcCursor(cctx); return err },
		"BtcBlockHash":          func() error { _, _, err := s.BtcBlockHash(cctx, 1); return err },
		"SetBtcCursor":          func() error { return s.SetBtcCursor(cctx, 1, height("1")) },
		"RollbackBtc":           func() error { return s.RollbackBtc(cctx, 1, height("1")) },
		"InsertJustice":         func() error { _, err := s.InsertJustice(cctx, j); return err },
		"SaveJustice":           func() error { return s.SaveJustice(cctx, j) },
		"JusticeRecords":        func() error { _, err := s.JusticeRecords(cctx, tower.JusticeQuery{}); return err },
		"JusticeForBreach":      func() error { _, err := s.JusticeForBreach(cctx, j.BreachTxID); return err },
		"TowerTotals":           func() error { _, err := s.TowerTotals(cctx); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: got %v, want an error wrapping context.Canceled", name, err)
		}
	}
	// Nothing was written.
	if as := byLocator(t, s, a.Locator); len(as) != 0 {
		t.Errorf("appointment saved with a canceled context")
	}
	if _, _, ok, err := s.BtcCursor(ctx); err != nil || ok {
		t.Errorf("cursor set with a canceled context: %v %v", ok, err)
	}
	if tot := towerTotals(t, s); tot != (tower.Totals{}) {
		t.Errorf("writes with a canceled context took effect: %+v", tot)
	}
}

// testCrowdedLocator: without a cap (the tower's default) a locator takes
// every new user key: a cheater's 300 appointments under fresh keys do not
// keep the victim's out, all are read back for the breach in key order,
// and the users there may still replace theirs.
func testCrowdedLocator(t *testing.T, s TowerStore) {
	const junk = 300
	loc := "squatted"
	var want []tower.StoredAppointment
	for i := range junk {
		a := appointment(fmt.Sprint("cheater", i), loc)
		if res := saveAppt(t, s, a, 0); res != (monitor.SaveResult{NewParticipants: 1}) {
			t.Fatalf("junk %d: %+v, want a new participant", i, res)
		}
		want = append(want, a)
	}
	victim := appointment("victim", loc)
	if res := saveAppt(t, s, victim, 0); res != (monitor.SaveResult{NewParticipants: 1}) {
		t.Fatalf("the victim on a crowded locator: %+v", res)
	}
	// The victim's client sends the next state's appointment later.
	victim.EncryptedBlob, victim.Seq = blob("victim/next", 320), 1
	if res := saveAppt(t, s, victim, 0); !res.Replaced {
		t.Fatalf("the victim's replacement on a crowded locator: %+v", res)
	}
	want = append(want, victim)
	other := appointment("victim", "elsewhere")
	saveAppt(t, s, other, 0)
	sortAppointments(want)
	equalList(t, "the crowded locator", apptStr, byLocator(t, s, locator(loc)), want)
	equalList(t, "another locator", apptStr, byLocator(t, s, locator("elsewhere")), []tower.StoredAppointment{other})
	if n := towerTotals(t, s).Appointments; n != junk+2 {
		t.Errorf("TowerTotals.Appointments: %d, want %d", n, junk+2)
	}
}

// testInsertJustices: the failed answers to one breach, however many, go in
// with one call; each reads back as written, with its own increasing ID,
// after the records already there. An empty batch writes nothing.
func testInsertJustices(t *testing.T, s TowerStore) {
	sent := justice("sent", tower.JusticeBroadcast)
	insertJustice(t, s, &sent)
	must(t, s.InsertJustices(ctx, nil))
	breach := btcHash("squatted breach")
	sent.BreachTxID = breach
	must(t, s.SaveJustice(ctx, sent))
	var batch []tower.Justice
	for i := range 250 {
		j := tower.Justice{Locator: locator("squatted"), UserPubkey: pubkey(fmt.Sprint("cheater", i)), BreachTxID: breach,
			BreachRaw: blob("breach", 250), BreachBlock: 820_000, Deadline: 820_144, PromisedSat: 20_000,
			Outcome: tower.JusticeFailed, Reason: []monitor.Reason{monitor.ReasonBadSignature, monitor.ReasonNotFinal,
				monitor.ReasonDecryptFailed}[i%3], Detail: fmt.Sprint("junk ", i), SentHeight: 820_001, CreatedAt: t0, UpdatedAt: t0}
		j.ID = 12345 // ignored
		batch = append(batch, j)
	}
	must(t, s.InsertJustices(ctx, batch))
	got, err := s.JusticeForBreach(ctx, breach)
	must(t, err)
	if len(got) != len(batch)+1 || got[0].ID != sent.ID {
		t.Fatalf("JusticeForBreach: %d records (first id %d), want the sent one (id %d) and %d more", len(got), got[0].ID, sent.ID, len(batch))
	}
	for i := range batch {
		if got[i+1].ID <= got[i].ID {
			t.Fatalf("ids not increasing at %d: %d then %d", i, got[i].ID, got[i+1].ID)
		}
		batch[i].ID = got[i+1].ID
	}
	equalList(t, "the batch", justiceStr, got[1:], batch)
	if n := len(justiceRecords(t, s, tower.JusticeQuery{})); n != len(batch)+1 {
		t.Errorf("JusticeRecords: %d, want %d", n, len(batch)+1)
	}
}
