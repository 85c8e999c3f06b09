package matrixbus_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
)

// burstEvents is how many requests a client posts while the bus is away:
// more than one sync timeline holds, so the bus meets a gap.
const burstEvents = 600

// burstInFlight is how many posts are in flight at once. Concurrent sends
// by different users give events the same parents (a homeserver orders one
// user's sends in a room, not different users'), so the room's event graph
// forks and events share a depth: the shape in which paging by depth goes
// wrong.
const burstInFlight = 8

// postBurst posts n balance-proof events to room, burstInFlight at a time,
// in turn from each of clients, and returns their event ids.
func postBurst(t *testing.T, ctx context.Context, clients []*matrixbus.Session, room string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, burstInFlight)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c := clients[i%len(clients)]
			id, err := c.Send(ctx, room, matrixbus.TypeBalanceProof, map[string]string{"n": fmt.Sprint(i)}, matrixbus.TxnID("burst", room, fmt.Sprint(i)))
			if err != nil {
				errs <- fmt.Errorf("post %d: %w", i, err)
				return
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return ids
}

// burstSenders is how many users post the burst.
const burstSenders = 3

// joinClients registers n users, logs each in and joins them to alias
// (the first creates the room when create is set); it returns the
// sessions and the room id.
func joinClients(t *testing.T, ctx context.Context, hs *matrixtest.Server, alias string, n int, create bool) ([]*matrixbus.Session, string) {
	t.Helper()
	var out []*matrixbus.Session
	var room string
	for i := range n {
		name := fmt.Sprintf("client%d", i)
		user, _ := hs.Register(t, name, name+"-pw")
		c, err := matrixbus.Connect(ctx, matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: user, Password: name + "-pw"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		if room, err = c.JoinAlias(ctx, alias, create && i == 0); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out, room
}

// countingIntake takes every balance proof and counts the calls per event.
type countingIntake struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingIntake) SubmitJSON(_ context.Context, _ []byte, src monitor.Source, _ ...string) (proofs.Accepted, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[src.Ref]++
	return proofs.Accepted{}, nil
}

func (c *countingIntake) Refused(monitor.Source, monitor.Reason) {}

func (c *countingIntake) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

// missing lists the ids of want that got is without, and the ids got
// more than once.
func missing(want []string, got []matrixbus.Event) (lost, twice []string) {
	n := map[string]int{}
	for _, ev := range got {
		n[ev.EventID]++
	}
	for _, id := range want {
		switch {
		case n[id] == 0:
			lost = append(lost, id)
		case n[id] > 1:
			twice = append(twice, id)
		}
	}
	return lost, twice
}

// TestGapReadInStreamOrder posts a forked burst while a client's sync
// position stands still, and reads the span back two ways: a sync from
// that position with a timeline large enough (the bus's gap read) must
// return each posted event exactly once; Session.History, backward
// pagination from the limited sync's prev_batch, is logged for comparison
// (a homeserver may leave events out of it) and must not repeat an event.
func TestGapReadInStreamOrder(t *testing.T) {
	hs := matrixtest.Start(t)
	ctx := context.Background()
	clients, room := joinClients(t, ctx, hs, "#burst:"+hs.ServerName, burstSenders, true)
	c := clients[0]
	filterWith := func(limit int) string {
		return fmt.Sprintf(`{"room":{"rooms":["%s"],"timeline":{"limit":%d,"types":["%s"]},`+
			`"state":{"not_types":["*"]},"ephemeral":{"not_types":["*"]}},"presence":{"not_types":["*"]},"account_data":{"not_types":["*"]}}`,
			room, limit, matrixbus.TypeBalanceProof)
	}
	before, err := c.Sync(ctx, "", filterWith(50), 0)
	if err != nil {
		t.Fatal(err)
	}
	ids := postBurst(t, ctx, clients, room, burstEvents)

	small, err := c.Sync(ctx, before.NextBatch, filterWith(50), 0)
	if err != nil {
		t.Fatal(err)
	}
	tl := small.Rooms.Join[room].Timeline
	if !tl.Limited {
		t.Fatalf("a sync over %d events with a timeline of 50 is not limited", len(ids))
	}
	large, err := c.Sync(ctx, before.NextBatch, filterWith(4*burstEvents), 0)
	if err != nil {
		t.Fatal(err)
	}
	full := large.Rooms.Join[room].Timeline
	if full.Limited {
		t.Fatalf("a sync over %d events with a timeline of %d is limited", len(ids), 4*burstEvents)
	}
	if lost, twice := missing(ids, full.Events); len(lost) > 0 || len(twice) > 0 {
		t.Fatalf("a sync from %s: %d of %d events missing %v, %d twice %v", before.NextBatch, len(lost), len(ids), lost, len(twice), twice)
	}

	filter := `{"types":["` + matrixbus.TypeBalanceProof + `"]}`
	gap, err := c.History(ctx, room, tl.PrevBatch, before.NextBatch, 0, filter)
	if err != nil {
		t.Fatal(err)
	}
	lost, twice := missing(ids, append(gap, tl.Events...))
	if len(twice) > 0 {
		t.Fatalf("History from %s to %s repeats %d events: %v", tl.PrevBatch, before.NextBatch, len(twice), twice)
	}
	t.Logf("backward pagination from %s to %s and the limited timeline: %d of %d events left out %v",
		tl.PrevBatch, before.NextBatch, len(lost), len(ids), lost)
}

// TestBusReadsEveryEventOfAGap stops the bus, has a client post more
// requests than one sync holds, concurrently so the room's graph forks,
// and starts the bus again on the same store: every request is handed to
// the intake exactly once.
func TestBusReadsEveryEventOfAGap(t *testing.T) {
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	st, err := store.Open(store.Config{Path: filepath.Join(t.TempDir(), "b.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := monitor.NewStats(context.Background(), st, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	intake := &countingIntake{calls: map[string]int{}}
	newBus := func() *matrixbus.Bus {
		bus, err := matrixbus.New(matrixbus.Config{
			Session:   matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw"},
			RoomAlias: alias, CreateRoom: true, SyncWait: 200 * time.Millisecond,
			Intake: intake, State: st, Stats: stats, Logger: slog.New(slog.DiscardHandler),
		})
		if err != nil {
			t.Fatal(err)
		}
		return bus
	}

	first := newBus()
	stop := runBus(t, first)
	ethtest.Eventually(t, 20*time.Second, "the bus to join", func() bool { return first.RoomID() != "" })
	ethtest.Eventually(t, 20*time.Second, "the bus to save its position", func() bool {
		_, ok, _ := st.State(context.Background(), "matrix.next_batch")
		return ok
	})
	stop()

	ctx := context.Background()
	clients, room := joinClients(t, ctx, hs, alias, burstSenders, false)
	c := clients[0]
	ids := postBurst(t, ctx, clients, room, burstEvents)

	stop = runBus(t, newBus())
	defer stop()
	// A last event posted after the bus is back: once it is handled, the
	// gap before it has been read.
	last, err := c.Send(ctx, room, matrixbus.TypeBalanceProof, map[string]string{"n": "last"}, "")
	if err != nil {
		t.Fatal(err)
	}
	ethtest.Eventually(t, 40*time.Second, "the bus to handle the event posted after it came back", func() bool {
		return intake.snapshot()[last] > 0
	})
	calls := intake.snapshot()
	var lost, twice []string
	for _, id := range ids {
		switch {
		case calls[id] == 0:
			lost = append(lost, id)
		case calls[id] > 1:
			twice = append(twice, id)
		}
	}
	if len(lost) > 0 || len(twice) > 0 {
		t.Fatalf("of %d requests posted while the bus was away, %d were never handled %v and %d more than once %v",
			len(ids), len(lost), lost, len(twice), twice)
	}
	if len(calls) != len(ids)+1 {
		t.Fatalf("the intake saw %d events, want %d", len(calls), len(ids)+1)
	}
}

// TestBusCountsAnUnverifiedGap: a gap larger than GapLimit can only be read
// by backward pagination; the bus still reads it, counts it and says so.
func TestBusCountsAnUnverifiedGap(t *testing.T) {
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	st, err := store.Open(store.Config{Path: filepath.Join(t.TempDir(), "b.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := monitor.NewStats(context.Background(), st, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	intake := &countingIntake{calls: map[string]int{}}
	cfg := matrixbus.Config{
		Session:   matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw"},
		RoomAlias: alias, CreateRoom: true, SyncWait: 200 * time.Millisecond, GapLimit: 100,
		Intake: intake, State: st, Stats: stats, Logger: slog.New(slog.DiscardHandler),
	}
	ctx := context.Background()
	first, err := matrixbus.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	stop := runBus(t, first)
	ethtest.Eventually(t, 20*time.Second, "the bus to save its position", func() bool {
		_, ok, _ := st.State(ctx, "matrix.next_batch")
		return ok
	})
	stop()
	clients, room := joinClients(t, ctx, hs, alias, 1, false)
	ids := postBurst(t, ctx, clients, room, 4*cfg.GapLimit)

	again, err := matrixbus.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer runBus(t, again)()
	ethtest.Eventually(t, 40*time.Second, "the gap to be read and counted", func() bool {
		return stats.Value(monitor.CounterMatrixGapsUnverified) > 0
	})
	if got := stats.Snapshot(time.Now()).Matrix.GapsUnverified; got != 1 {
		t.Fatalf("gaps_unverified = %d after one gap of %d events over a limit of %d, want 1", got, len(ids), cfg.GapLimit)
	}
}

// runBus runs bus until the returned stop is called.
func runBus(t *testing.T, bus *matrixbus.Bus) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bus.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bus: %v", err)
		}
	}
}
