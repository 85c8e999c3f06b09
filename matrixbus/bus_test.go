package matrixbus_test

import (
	"context"
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
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// flakyIntake answers "node unavailable" while down is set, then accepts.
// It stands in for the monitor's intake to test the bus's own decision:
// what it does with events it cannot get decided.
type flakyIntake struct {
	mu       sync.Mutex
	down     bool
	accepted map[string]bool
}

func (f *flakyIntake) SubmitJSON(_ context.Context, _ []byte, src monitor.Source, _ ...string) (proofs.Accepted, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return proofs.Accepted{}, monitor.Unavailable(monitor.ReasonChainUnavailable, "node down", nil)
	}
	f.accepted[src.Ref] = true
	return proofs.Accepted{}, nil
}

func (f *flakyIntake) Refused(monitor.Source, monitor.Reason) {}

func (f *flakyIntake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.accepted)
}

// TestUnavailableEventsParkedNotBlocking: while the intake's node is down,
// room events are parked durably and the sync position moves on; when the
// node is back, the parked events are handled and removed.
func TestUnavailableEventsParkedNotBlocking(t *testing.T) {
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
	intake := &flakyIntake{down: true, accepted: map[string]bool{}}
	bus, err := matrixbus.New(matrixbus.Config{
		Session:   matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw"},
		RoomAlias: alias, CreateRoom: true, SyncWait: 200 * time.Millisecond, ParkRetry: 100 * time.Millisecond,
		Intake: intake, State: st, Stats: stats, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bus.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bus: %v", err)
		}
	}()
	ethtest.Eventually(t, 20*time.Second, "the bus to join", func() bool { return bus.RoomID() != "" })

	cuser, _ := hs.Register(t, "client", "client-pw")
	c, err := matrixbus.Connect(ctx, matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: cuser, Password: "client-pw"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	room, err := c.JoinAlias(ctx, alias, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := c.Send(ctx, room, matrixbus.TypeBalanceProof, map[string]string{"n": "x"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	ethtest.Eventually(t, 20*time.Second, "three events parked", func() bool {
		m, _ := st.StatePrefix(ctx, "matrix.parked.")
		return len(m) == 3
	})
	pos1, _, _ := st.State(ctx, "matrix.next_batch")
	if _, err := c.Send(ctx, room, "m.room.message", map[string]string{"msgtype": "m.text", "body": "hi"}, ""); err != nil {
		t.Fatal(err)
	}
	ethtest.Eventually(t, 20*time.Second, "the sync position to move on past the parked events", func() bool {
		pos, _, _ := st.State(ctx, "matrix.next_batch")
		return pos != pos1
	})
	intake.mu.Lock()
	intake.down = false
	intake.mu.Unlock()
	ethtest.Eventually(t, 20*time.Second, "the parked events to be handled", func() bool {
		m, _ := st.StatePrefix(ctx, "matrix.parked.")
		return len(m) == 0 && intake.count() == 3
	})
}

// kindIntake answers balance proofs "node unavailable" (counting the
// calls) and takes every appointment: one chain's node is stuck, the
// other's is fine.
type kindIntake struct {
	mu     sync.Mutex
	proofs int
	appts  map[string]bool
}

func (k *kindIntake) SubmitJSON(_ context.Context, _ []byte, _ monitor.Source, _ ...string) (proofs.Accepted, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.proofs++
	return proofs.Accepted{}, monitor.Unavailable(monitor.ReasonChainUnavailable, "the Ethereum node did not answer within 10s", nil)
}

func (k *kindIntake) SubmitAppointmentJSON(_ context.Context, _ []byte, src monitor.Source, _ ...string) (tower.Accepted, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.appts[src.Ref] = true
	return tower.Accepted{}, nil
}

func (k *kindIntake) Refused(monitor.Source, monitor.Reason) {}

func (k *kindIntake) counts() (int, int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.proofs, len(k.appts)
}

// TestStuckKindParkedWithoutAsking: once a balance proof's node did not
// answer, later balance proofs are parked without asking it again (each
// would wait out the node's deadline and hold up the room), while
// appointments, whose node answers, are still handled in order.
func TestStuckKindParkedWithoutAsking(t *testing.T) {
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
	intake := &kindIntake{appts: map[string]bool{}}
	bus, err := matrixbus.New(matrixbus.Config{
		Session:   matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: user, Password: "monitor-pw"},
		RoomAlias: alias, CreateRoom: true, SyncWait: 200 * time.Millisecond, ParkRetry: time.Hour, // no retry round in this test
		Intake: intake, Appointments: intake, State: st, Stats: stats, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bus.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bus: %v", err)
		}
	}()
	ethtest.Eventually(t, 20*time.Second, "the bus to join", func() bool { return bus.RoomID() != "" })
	cuser, _ := hs.Register(t, "client", "client-pw")
	c, err := matrixbus.Connect(ctx, matrixbus.SessionConfig{HomeserverURL: hs.URL, UserID: cuser, Password: "client-pw"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	room, err := c.JoinAlias(ctx, alias, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, err := c.Send(ctx, room, matrixbus.TypeBalanceProof, map[string]string{"n": "x"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Send(ctx, room, matrixbus.TypeAppointment, map[string]string{"a": "x"}, ""); err != nil {
		t.Fatal(err)
	}
	ethtest.Eventually(t, 20*time.Second, "four proofs parked and the appointment handled", func() bool {
		m, _ := st.StatePrefix(ctx, "matrix.parked.")
		_, appts := intake.counts()
		return len(m) == 4 && appts == 1
	})
	if proofs, _ := intake.counts(); proofs != 1 {
		t.Fatalf("the stuck node was asked %d times for 4 proofs, want once", proofs)
	}
}
