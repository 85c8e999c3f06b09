package pgstore

import (
	"errors"
	"testing"

	"github.com/vigil-monitor/vigil/internal/testkit/pgtest"
)

// owedIDs is the event ids of s's owed receipts, in order.
func owedIDs(t *testing.T, s *Store) []string {
	t.Helper()
	owed, err := s.OwedReceipts(ctx, 100)
	must(t, err)
	ids := make([]string, len(owed))
	for i, o := range owed {
		ids[i] = o.ForEventID
	}
	return ids
}

// TestReceiptsFenced: replica a leads "matrix" and records receipts under
// its term; recording again is not fresh; a claimed and posted receipt is
// no longer owed. a's lock session ends and b wins a newer term: a's
// record and claim are refused (nothing is recorded, nothing may be
// posted), its mark of a receipt it had posted is still taken, and b
// inherits what is owed, in the order it was recorded, with its content.
func TestReceiptsFenced(t *testing.T) {
	url := pgtest.Shared(t).NewDatabase(t)
	a, b := openFenced(t, url), openFenced(t, url)
	if _, err := a.RecordReceipt(ctx, "$e0", "!room", []byte(`{}`)); !errors.Is(err, ErrUnfenced) {
		t.Fatalf("an unfenced receipt record: %v, want ErrUnfenced", err)
	}
	la, err := a.Campaign(ctx, leaderCfg("matrix", "a"))
	must(t, err)
	defer la.Release(ctx)
	actx := WithFence(ctx, Fence{Role: "matrix", Term: la.Term()})
	for _, id := range []string{"$e1", "$e2", "$e3"} {
		fresh, err := a.RecordReceipt(actx, id, "!room", []byte(`{"for_event_id":"`+id+`","nonce":1}`))
		must(t, err)
		if !fresh {
			t.Fatalf("first record of %s is not fresh", id)
		}
	}
	if fresh, err := a.RecordReceipt(actx, "$e1", "!room", []byte(`{"other":true}`)); err != nil || fresh {
		t.Fatalf("second record of $e1: fresh %v, %v; want not fresh", fresh, err)
	}
	owed, err := a.ClaimReceipt(actx, "$e1")
	must(t, err)
	if !owed {
		t.Fatal("$e1 is not owed after its record")
	}
	must(t, a.ReceiptPosted(ctx, "$e1"))
	if owed, err := a.ClaimReceipt(actx, "$e1"); err != nil || owed {
		t.Fatalf("claim of the posted $e1: owed %v, %v; want not owed", owed, err)
	}
	// a claims $e2 and posts it; before it marks it, it loses the role.
	owed, err = a.ClaimReceipt(actx, "$e2")
	must(t, err)
	if !owed {
		t.Fatal("$e2 is not owed")
	}
	terminateLeader(t, b, "matrix")
	lb, err := b.Campaign(ctx, leaderCfg("matrix", "b"))
	must(t, err)
	defer lb.Release(ctx)

	if _, err := a.RecordReceipt(actx, "$e4", "!room", []byte(`{}`)); !errors.Is(err, ErrStaleTerm) {
		t.Fatalf("the stale leader's record: %v, want ErrStaleTerm", err)
	}
	if _, err := a.ClaimReceipt(actx, "$e3"); !errors.Is(err, ErrStaleTerm) {
		t.Fatalf("the stale leader's claim: %v, want ErrStaleTerm", err)
	}
	must(t, a.ReceiptPosted(actx, "$e2"))

	got := owedIDs(t, b)
	if len(got) != 1 || got[0] != "$e3" {
		t.Fatalf("owed after the takeover: %v, want [$e3]", got)
	}
	o, err := b.OwedReceipts(ctx, 1)
	must(t, err)
	if len(o) != 1 || o[0].RoomID != "!room" || string(o[0].Content) != `{"nonce": 1, "for_event_id": "$e3"}` {
		t.Fatalf("owed receipt: %+v", o)
	}
	bctx := WithFence(ctx, Fence{Role: "matrix", Term: lb.Term()})
	if owed, err := b.ClaimReceipt(bctx, "$e3"); err != nil || !owed {
		t.Fatalf("the new leader's claim: owed %v, %v", owed, err)
	}
	must(t, b.ReceiptPosted(bctx, "$e3"))
	if fresh, err := b.RecordReceipt(bctx, "$e4", "!room", []byte(`{}`)); err != nil || !fresh {
		t.Fatalf("the new leader's record: fresh %v, %v", fresh, err)
	}
	if got := owedIDs(t, b); len(got) != 1 || got[0] != "$e4" {
		t.Fatalf("owed: %v, want [$e4]", got)
	}
}
