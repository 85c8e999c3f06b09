package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/pgstore"
	"github.com/vigil-monitor/vigil/rest"
)

// Replicas.
//
// On a PostgreSQL store several vigild may share one database. Every
// replica serves the API and takes intake (idempotent by key, answered
// after commit), but each acting part runs only on the replica holding
// its role's lease (pgstore.Campaign): "ethereum" (the Ethereum watcher
// and the update responder it drives), "bitcoin" (the Bitcoin watcher and
// the tower's justice responder) and "matrix" (the room sync and its
// receipts). One role per part: the chains and the room fail
// independently, and a replica that cannot reach one node need not hold
// the others.
//
// A part runs with a context carrying its lease's term (pgstore.WithFence),
// so every record of an action it makes is refused once another replica
// has won a newer term, before anything is sent; a refusal, or the lease
// lost, cancels the part's context, the replica waits for the part to
// end, and campaigns again. On a new lease the part is built afresh from
// the shared store (cursors, records, the locator index), so it resumes
// where the previous leader stopped.

// Acting roles.
const (
	roleEthereum = "ethereum"
	roleBitcoin  = "bitcoin"
	roleMatrix   = "matrix"
)

// defaultLeaseCheck is Config.LeaseCheck's default.
const defaultLeaseCheck = time.Second

// elector is what the daemon uses of the PostgreSQL store to lead.
type elector interface {
	Campaign(ctx context.Context, cfg pgstore.LeaderConfig) (*pgstore.Lease, error)
}

// actingPart is one part that acts: run blocks until ctx ends or it fails.
type actingPart struct {
	role string
	run  func(ctx context.Context) error
}

// replicaRoles is the set of roles this replica holds, with their terms.
type replicaRoles struct {
	mu    sync.Mutex
	terms map[string]int64
}

func (r *replicaRoles) set(role string, term int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.terms == nil {
		r.terms = map[string]int64{}
	}
	if term == 0 {
		delete(r.terms, role)
	} else {
		r.terms[role] = term
	}
}

// term is the term of a held role, 0 when not held.
func (r *replicaRoles) term(role string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.terms[role]
}

// status is the roles held, in name order, for stats and health.
func (r *replicaRoles) status() *monitor.ReplicaStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &monitor.ReplicaStatus{Roles: []string{}, Terms: map[string]int64{}}
	for role, term := range r.terms {
		s.Roles = append(s.Roles, role)
		s.Terms[role] = term
	}
	sort.Strings(s.Roles)
	return s
}

// holderName names this replica in leader_terms.
func holderName(api string) string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s pid %d api %s", host, os.Getpid(), api)
}

// lead runs p whenever this replica holds p.role, until ctx ends. It
// returns nil when ctx ends, and p's error when p fails while leading for a
// reason other than losing the role.
func (d *Daemon) lead(ctx context.Context, el elector, p actingPart) error {
	check := orDefault(d.cfg.LeaseCheck, defaultLeaseCheck)
	log := d.log.With("role", p.role)
	for ctx.Err() == nil {
		lease, err := el.Campaign(ctx, pgstore.LeaderConfig{Role: p.role, Holder: holderName(d.APIAddr()),
			RetryInterval: check, CheckInterval: check})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			log.Warn("leader election failed; campaigning again", "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(check):
			}
			continue
		}
		if err := d.actUnder(ctx, lease, p); err != nil {
			return err
		}
	}
	return nil
}

// actUnder runs p while lease lasts: the part's context ends when the
// lease is lost, when the store refuses a write of its term, or with ctx;
// the lease is released once the part has ended. A part stopped by either, or
// failing because the store is unavailable, is not an error: the replica
// campaigns again.
func (d *Daemon) actUnder(ctx context.Context, lease *pgstore.Lease, p actingPart) error {
	log := d.log.With("role", p.role, "term", lease.Term())
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	var staleOnce sync.Once
	stale := make(chan struct{})
	actx = pgstore.WithFence(actx, pgstore.Fence{Role: p.role, Term: lease.Term(), Stale: func() {
		staleOnce.Do(func() { close(stale) })
		cancel()
	}})
	d.roles.set(p.role, lease.Term())
	log.Info("leading: acting for this role")
	done := make(chan error, 1)
	go func() { done <- p.run(actx) }()
	var err error
	select {
	case <-lease.Lost():
		log.Warn("lost the role: stopping its acting part", "err", lease.Err())
		cancel()
		err = <-done
	case err = <-done:
	}
	d.roles.set(p.role, 0)
	rctx, rcancel := context.WithTimeout(context.Background(), 5*time.Second)
	if rerr := lease.Release(rctx); rerr != nil {
		log.Debug("releasing the role", "err", rerr)
	}
	rcancel()
	select {
	case <-stale:
		log.Warn("another replica holds a newer term of this role: stopped acting")
		return nil
	default:
	}
	if err == nil || ctx.Err() != nil || actx.Err() != nil || errors.Is(err, pgstore.ErrStaleTerm) {
		return nil
	}
	if monitor.IsStorageUnavailable(err) {
		// The database is away: another replica may take the role once it
		// is back; this one campaigns again after a pause.
		log.Warn("the store is unavailable: gave the role up", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(orDefault(d.cfg.LeaseCheck, defaultLeaseCheck)):
		}
		return nil
	}
	return fmt.Errorf("%s: %w", p.role, err)
}

// replicaSection puts the roles held into /api/1/stats.
type replicaSection struct{ roles *replicaRoles }

func (s replicaSection) FillSnapshot(out *monitor.StatsSnapshot) { out.Replica = s.roles.status() }

// replicaHealth is the "replica" part of /healthz: always ok, its message
// says which roles this replica leads.
func (r *replicaRoles) health() rest.HealthPart {
	st := r.status()
	if len(st.Roles) == 0 {
		return rest.HealthPart{Status: rest.HealthOK, Message: "follower: leads no role"}
	}
	parts := make([]string, len(st.Roles))
	for i, role := range st.Roles {
		parts[i] = fmt.Sprintf("%s (term %d)", role, st.Terms[role])
	}
	return rest.HealthPart{Status: rest.HealthOK, Message: "leads " + strings.Join(parts, ", ")}
}

// standby is the health of a part this replica does not run: another
// replica leads its role.
func standby(role string) rest.HealthPart {
	return rest.HealthPart{Status: rest.HealthOK, Message: "standby: another replica leads the " + role + " role"}
}

// roomReceipts is the PostgreSQL store as the room's receipt log: the
// matrix leader records each receipt under its term before posting it.
type roomReceipts struct{ *pgstore.Store }

func (r roomReceipts) OwedReceipts(ctx context.Context, limit int) ([]matrixbus.OwedReceipt, error) {
	owed, err := r.Store.OwedReceipts(ctx, limit)
	out := make([]matrixbus.OwedReceipt, len(owed))
	for i, o := range owed {
		out[i] = matrixbus.OwedReceipt{ForEventID: o.ForEventID, RoomID: o.RoomID, Content: o.Content}
	}
	return out, err
}

// indexFollower is the tower as followIndex keeps it current.
type indexFollower interface {
	Refresh(ctx context.Context) error
}

// followIndex reads what other replicas stored and removed into the
// tower's locator index every lease check, on every replica (the leader
// also refreshes before each block). A failed read is logged once until
// one succeeds, and retried at the next interval; what it missed is read
// then.
func (d *Daemon) followIndex(ctx context.Context, tw indexFollower) error {
	t := time.NewTicker(orDefault(d.cfg.LeaseCheck, defaultLeaseCheck))
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		err := tw.Refresh(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil
		case err != nil && !failing:
			d.log.Warn("could not refresh the locator index; retrying", "err", err)
			failing = true
		case err == nil && failing:
			d.log.Info("the locator index follows the store again")
			failing = false
		}
	}
}

// tipSource is the Bitcoin node as followTip reads it.
type tipSource interface {
	Tip(ctx context.Context) (uint32, error)
}

// tipSink is the tower as followTip feeds it.
type tipSink interface {
	SetTip(height uint32)
}

// followTip keeps the tower's tip current while this replica does not lead
// the bitcoin role: the leader's watcher sets it on the replica that runs
// it, and intake judges appointments' start blocks against it on every
// replica. A failed read is retried at the next interval (intake then
// answers as before the first block: chain_unavailable).
func (d *Daemon) followTip(ctx context.Context, node tipSource, tw tipSink) error {
	b := d.cfg.Bitcoin
	t := time.NewTicker(orDefault(b.PollInterval, 5*time.Second))
	defer t.Stop()
	for {
		if d.roles.term(roleBitcoin) == 0 {
			cctx, cancel := context.WithTimeout(ctx, orDefault(b.RPCTimeout, 10*time.Second))
			tip, err := node.Tip(cctx)
			cancel()
			if err == nil {
				tw.SetTip(tip)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
