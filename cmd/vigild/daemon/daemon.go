// Package daemon wires Vigil's parts into the running vigild: the store
// (the SQLite file, or a PostgreSQL database when Config.StoreURL is set),
// the Ethereum watcher, reader and sender, the monitor's intake and
// responder, and the REST API. It holds no logic of its own beyond start-up
// checks and lifecycle; cmd/vigild turns the user's config into a Config.
package daemon

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/wire/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-monitor/vigil/chains/bitcoin"
	"github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/pgstore"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
	"github.com/vigil-monitor/vigil/rest"
)

// Config is the daemon's runtime configuration (see config/ for the
// user-facing settings it is made from).
type Config struct {
	Version string
	Logger  *slog.Logger
	Clock   monitor.Clock

	DataDir       string
	DBPath        string // default DataDir/vigil.db
	DBBusyTimeout time.Duration
	// DBReserveBytes is the SQLite store's disk reserve (store.Config's
	// ReserveBytes; config/ supplies the default, 0 disables it);
	// DBReserveCheck how often a spent reserve's disk is checked for room
	// to re-create it (default 5s).
	DBReserveBytes int64
	DBReserveCheck time.Duration
	// StoreURL, when set, is a PostgreSQL database used instead of the
	// SQLite file DBPath.
	StoreURL string
	// LeaseCheck, with StoreURL: how often a replica leading a role checks
	// its lock connection, a follower tries for a free role and every
	// replica refreshes its locator index (default 1s; replica.go).
	LeaseCheck     time.Duration
	APIListen      string // "" disables the API; "127.0.0.1:0" picks a port
	AdminTokenFile string // default DataDir/admin.token
	MaxBodyBytes   int64
	PageLimitMax   int
	ReadTimeout    time.Duration
	WriteTimeout   time.Duration

	EthURL   string
	ChainID  *big.Int // optional; checked against the node
	Registry common.Address
	// MonitorRegistry, when set, must be the Registry's monitor registry
	// (a check of the operator's configuration); zero reads it from Registry.
	MonitorRegistry common.Address
	StartBlock      uint64
	Confirmations   uint64
	PollInterval    time.Duration
	MaxBlockRange   uint64
	// RPCTimeout bounds one Ethereum node call, and all node reads of one
	// balance proof together; it must be shorter than WriteTimeout.
	RPCTimeout time.Duration
	// HealthStaleAfter: /healthz reports a chain part unavailable when its
	// watcher's last successful poll is older (default: three poll
	// intervals plus two node timeouts).
	HealthStaleAfter time.Duration
	// StallAfter: the Ethereum node is stalled when its head is older
	// than this (monitor.HeadStall); 0 disables the check.
	StallAfter time.Duration

	// The operator key: Key, or KeystoreFile + PasswordFile.
	Key          *ecdsa.PrivateKey
	KeystoreFile string
	PasswordFile string
	// Payout, when set, must be the payout the operator account
	// registered in the monitor registry (the chain pays that one).
	Payout common.Address
	// ObserveOnly runs the Ethereum half without acting: vigild starts
	// whether or not the operator account is registered, follows the chain
	// and records its events, refuses every request (observe_only) and
	// sends nothing. Without it, an account the registry does not count
	// is a start-up error.
	ObserveOnly bool

	// Matrix is the room intake; nil disables it.
	Matrix *MatrixConfig
	// Bitcoin is the Lightning watchtower; nil disables it.
	Bitcoin *BitcoinConfig

	Policy proofs.Policy
	// UpdateGasMax caps the updateTransfer gas learned from the chain (0:
	// proofs.DefaultUpdateGasMax).
	UpdateGasMax uint64
	// RatePerKey / RateBurst limit requests per signing participant.
	RatePerKey   float64
	RateBurst    int
	ReplaceAfter uint64
	MinBalance   *big.Int // warn below this operator balance
	StatsFlush   time.Duration
}

// MatrixConfig is the room intake's runtime configuration.
type MatrixConfig struct {
	HomeserverURL string
	UserID        string
	Password      string // or AccessToken
	AccessToken   string
	RoomAlias     string
	CreateRoom    bool
	PostReceipts  bool
	CatchupLimit  int
	MaxEventBytes int
	RatePerSender float64
	RateBurst     int
	SyncWait      time.Duration
	// ParkRetry is how often events parked for an unavailable node are
	// tried again (default 30 s).
	ParkRetry time.Duration
}

// BitcoinConfig is the watchtower's runtime configuration.
type BitcoinConfig struct {
	Host, User, Pass string
	TLS              bool
	Network          string
	PollInterval     time.Duration
	StartHeight      uint32
	PayoutAddress    string
	MinRewardSat     uint64
	FallbackFeeRate  int64
	MaxFeeRate       int64
	Confirmations    int64
	RatePerKey       float64
	RateBurst        int
	// RPCTimeout bounds one node call, and the node reads of one
	// appointment together (default: Config.RPCTimeout); it must be
	// shorter than WriteTimeout.
	RPCTimeout time.Duration
	// StallAfter: the Bitcoin node is stalled when its tip is older than
	// this (monitor.HeadStall); 0 disables the check.
	StallAfter time.Duration
}

// Daemon is one running vigild.
type Daemon struct {
	cfg   Config
	log   *slog.Logger
	ready chan struct{}
	// roles: the acting roles this replica holds (replica.go); empty on
	// the SQLite store, whose parts always act.
	roles replicaRoles

	mu      sync.Mutex
	apiAddr string
}

// New validates cfg and fills defaults. It starts nothing.
func New(cfg Config) (*Daemon, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = monitor.SystemClock{}
	}
	if cfg.DataDir == "" && (cfg.DBPath == "" || cfg.AdminTokenFile == "") {
		return nil, errors.New("daemon: data_dir is required")
	}
	if cfg.DBPath == "" {
		cfg.DBPath = filepath.Join(cfg.DataDir, "vigil.db")
	}
	if cfg.AdminTokenFile == "" {
		cfg.AdminTokenFile = filepath.Join(cfg.DataDir, "admin.token")
	}
	if cfg.EthURL == "" {
		return nil, errors.New("daemon: ethereum.rpc_url is required")
	}
	if cfg.Registry == (common.Address{}) {
		return nil, errors.New("daemon: ethereum.registry_address is required")
	}
	if cfg.Key == nil && (cfg.KeystoreFile == "" || cfg.PasswordFile == "") {
		return nil, errors.New("daemon: ethereum.keystore_file and ethereum.password_file are required")
	}
	if cfg.LeaseCheck < 0 {
		return nil, fmt.Errorf("daemon: store.lease_check must not be negative; got %v", cfg.LeaseCheck)
	}
	if cfg.StatsFlush == 0 {
		cfg.StatsFlush = 5 * time.Second
	}
	if cfg.RPCTimeout == 0 {
		cfg.RPCTimeout = 10 * time.Second
	}
	if b := cfg.Bitcoin; b != nil && b.RPCTimeout == 0 {
		bc := *b
		bc.RPCTimeout = cfg.RPCTimeout
		cfg.Bitcoin = &bc
	}
	if cfg.APIListen != "" {
		// A PUT whose node does not answer must get its 503 before the
		// server's write timeout closes the connection.
		wt := cfg.WriteTimeout
		if wt == 0 {
			wt = rest.DefaultWriteTimeout
		}
		if cfg.RPCTimeout+time.Second > wt {
			return nil, fmt.Errorf("daemon: ethereum.rpc_timeout %v must be at least 1s shorter than api.write_timeout %v", cfg.RPCTimeout, wt)
		}
		if b := cfg.Bitcoin; b != nil && b.RPCTimeout+time.Second > wt {
			return nil, fmt.Errorf("daemon: bitcoin.rpc_timeout %v must be at least 1s shorter than api.write_timeout %v", b.RPCTimeout, wt)
		}
	}
	if cfg.Policy.Strategy == "" {
		cfg.Policy.Strategy = proofs.StrategyImmediate
	}
	if cfg.Policy.DeadlineMultiplier == 0 {
		cfg.Policy.DeadlineMultiplier = 3
	}
	return &Daemon{cfg: cfg, log: cfg.Logger, ready: make(chan struct{})}, nil
}

// Ready is closed once the daemon serves (the API listens, the watcher runs).
func (d *Daemon) Ready() <-chan struct{} { return d.ready }

// APIAddr is the API's listen address once Ready.
func (d *Daemon) APIAddr() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.apiAddr
}

// Run starts everything and blocks until ctx is cancelled or a part fails.
// Start-up problems (unreachable node, wrong password, locked database) are
// returned before anything is started half-way.
func (d *Daemon) Run(ctx context.Context) error {
	cfg := d.cfg
	// What can be checked without creating anything comes first (the key,
	// the node, its chain, the registry), so that a failed start leaves no
	// data directory or database behind.
	key := cfg.Key
	if key == nil {
		var err error
		if key, err = ethereum.LoadKey(cfg.KeystoreFile, cfg.PasswordFile); err != nil {
			return err
		}
	}
	node, chainID, err := ethereum.Dial(ctx, cfg.EthURL, cfg.ChainID, cfg.RPCTimeout)
	if err != nil {
		return err
	}
	defer node.Close()
	reader, err := ethereum.NewReader(node, chainID, cfg.Registry, cfg.RPCTimeout)
	if err != nil {
		return err
	}
	if err := checkRegistry(ctx, node, cfg.Registry, cfg.RPCTimeout); err != nil {
		return err
	}
	regReader, err := newRegistryReader(ctx, node, cfg.Registry, cfg.MonitorRegistry, crypto.PubkeyToAddress(key.PublicKey), cfg.RPCTimeout)
	if err != nil {
		return err
	}
	registration, err := checkRegistration(ctx, regReader, cfg.Registry, cfg.Payout, cfg.ObserveOnly)
	if err != nil {
		return err
	}

	st, el, err := d.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := loadStats(ctx, st, cfg.Version, cfg.Clock.Now())
	if err != nil {
		return fmt.Errorf("load stats: %w", err)
	}

	stats.watchHeads(cfg, d.log)
	regWatch := newRegistrationWatch(regReader, cfg.Registry, registration, cfg.ObserveOnly, stats.eth,
		d.log.With("subsystem", "registration"), cfg.Clock, orDefault(cfg.PollInterval, 2*time.Second))
	eth, err := d.balanceProofs(node, reader, chainID, key, regWatch, registration, st, stats.eth, stats.ethHead)
	if err != nil {
		return err
	}
	tw, btcRun, btcNode, err := d.watchtower(ctx, st, stats, key, el != nil)
	if err != nil {
		return err
	}
	if btcNode != nil {
		defer btcNode.Close()
	}
	var appointments matrixbus.AppointmentIntake
	if tw != nil {
		appointments = tw
	}
	var receipts matrixbus.ReceiptLog
	if ps, ok := st.(*pgstore.Store); ok {
		receipts = roomReceipts{ps}
	}
	roomRun, err := d.room(ctx, eth.intake, appointments, receipts, st, stats.reg, chainID)
	if err != nil {
		return err
	}
	history, err := rest.NewHistory(rest.HistoryConfig{Stats: stats.reg, Clock: cfg.Clock, Logger: d.log.With("subsystem", "api")})
	if err != nil {
		return err
	}
	api, ln, err := d.api(eth.intake, tw, st, stats, history, regWatch)
	if err != nil {
		return err
	}

	d.log.Info("vigild starting", "version", cfg.Version, "chain_id", chainID.String(), "registry", cfg.Registry.Hex(),
		"monitor", eth.sender.Address().Hex(), "payout", eth.payout.Hex(), "api", d.APIAddr(), "db", d.storeName(),
		"strategy", string(cfg.Policy.Strategy), "confirmations", cfg.Confirmations, "mode", eth.mode,
		"monitor_registry", registration.MonitorRegistry.Hex(), "registration", string(registration.Status),
		"deposit_wei", registration.Deposit.String(), "active_from", registration.ActiveFrom)
	if cfg.ObserveOnly {
		d.log.Warn("observe-only mode (ethereum.observe_only): vigild follows the chain and records, refuses every request with observe_only and sends nothing")
	}

	acting := []actingPart{{role: roleEthereum, run: eth.run}}
	if roomRun != nil {
		acting = append(acting, actingPart{role: roleMatrix, run: roomRun})
	}
	if btcRun != nil {
		acting = append(acting, actingPart{role: roleBitcoin, run: btcRun})
	}
	if r, ok := st.(reserveReporter); ok {
		stats.reg.Register(storeSection{r})
	}
	if el != nil {
		stats.reg.Register(replicaSection{&d.roles})
		shareStats(stats, st, cfg.Clock, d.log.With("subsystem", "stats"))
	}

	g, gctx := errgroup.WithContext(ctx)
	for _, p := range acting {
		if el == nil {
			g.Go(func() error { return p.run(gctx) })
		} else {
			g.Go(func() error { return d.lead(gctx, el, p) })
		}
	}
	if api != nil {
		g.Go(func() error { return api.Serve(gctx, ln) })
		g.Go(func() error { return history.Run(gctx) })
	}
	g.Go(func() error { return d.housekeeping(gctx, st, stats, eth.sender) })
	g.Go(func() error { return regWatch.run(gctx) })
	if el != nil && tw != nil {
		g.Go(func() error { return d.followTip(gctx, btcNode, tw) })
		g.Go(func() error { return d.followIndex(gctx, tw) })
	}
	close(d.ready)
	err = g.Wait()
	// Persist the last counters even when stopping.
	fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if ferr := stats.reg.Flush(fctx, st); ferr != nil {
		d.log.Warn("could not persist counters at shutdown", "err", ferr)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		d.log.Error("vigild stopped on error", "err", err)
		return err
	}
	d.log.Info("vigild stopped")
	return nil
}

// stats are the registry behind /api/1/stats and /metrics and the two
// domains' figures registered in it.
type stats struct {
	reg   *monitor.Stats
	eth   *proofs.Stats
	tower *tower.Stats
	// ethHead and btcTip judge whether each chain node's head advances
	// (btcTip nil without the watchtower); watchHeads makes them.
	ethHead, btcTip *monitor.HeadStall
}

// watchHeads makes the judges of the chain nodes' head ages from cfg's
// stall_after settings and shows them in the stats (headSection).
func (s *stats) watchHeads(cfg Config, log *slog.Logger) {
	s.ethHead = monitor.NewHeadStall("ethereum", cfg.StallAfter, log.With("subsystem", "ethereum"))
	if b := cfg.Bitcoin; b != nil {
		s.btcTip = monitor.NewHeadStall("bitcoin", b.StallAfter, log.With("subsystem", "bitcoin"))
	}
	// After the domains' sections, which set their parts whole.
	s.reg.Register(headSection{eth: s.ethHead, btc: s.btcTip, clock: cfg.Clock})
}

// headSection puts the chain nodes' head ages into /api/1/stats.
type headSection struct {
	eth, btc *monitor.HeadStall
	clock    monitor.Clock
}

func (h headSection) FillSnapshot(out *monitor.StatsSnapshot) {
	now := h.clock.Now()
	e := &out.Ethereum
	e.HeadTime, e.HeadAgeSeconds, e.Stalled, e.StallAfterSeconds = h.eth.Status(now).Fields()
	if h.btc != nil {
		l := &out.Lightning
		l.TipTime, l.TipAgeSeconds, l.Stalled, l.StallAfterSeconds = h.btc.Status(now).Fields()
	}
}

// loadStats starts the figures from the store: the persisted counters and
// the balance proofs' totals (the watchtower's are seeded when it starts).
func loadStats(ctx context.Context, st Store, version string, now time.Time) (*stats, error) {
	reg, err := monitor.NewStats(ctx, st, version, now)
	if err != nil {
		return nil, err
	}
	totals, err := st.Totals(ctx)
	if err != nil {
		return nil, err
	}
	s := &stats{reg: reg, eth: proofs.NewStats(reg, totals), tower: tower.NewStats(reg)}
	reg.Register(s.eth)
	reg.Register(s.tower)
	return s, nil
}

// Store is what the daemon's parts use of the store, composed from the
// ports they declare. monitor/store (an SQLite file) and monitor/pgstore (a
// PostgreSQL database) both provide it.
type Store interface {
	proofs.Store
	tower.Store
	rest.Store
	rest.TowerReader
	matrixbus.State
	bitcoin.Cursor
	monitor.CounterStore
	Totals(ctx context.Context) (proofs.Totals, error)
	TowerTotals(ctx context.Context) (tower.Totals, error)
	Close() error
}

var (
	_ Store = (*store.Store)(nil)
	_ Store = (*pgstore.Store)(nil)
)

// openStore opens the PostgreSQL store when StoreURL is set (it fails, with
// nothing created, when the server cannot be reached or refuses the
// credentials), else the SQLite file, creating the data directory. The
// elector is the PostgreSQL store, which replicas may share: its acting
// parts then run only under a lease (replica.go) and its records of
// actions must carry the lease's term; it is nil for the SQLite file,
// whose lock already makes the daemon the only one.
func (d *Daemon) openStore(ctx context.Context) (Store, elector, error) {
	cfg := d.cfg
	if cfg.StoreURL != "" {
		st, err := pgstore.Open(ctx, pgstore.Config{URL: cfg.StoreURL, Logger: d.log.With("subsystem", "store"), Fenced: true})
		if err != nil {
			return nil, nil, fmt.Errorf("store.url %s: %w", d.storeName(), err)
		}
		if cfg.DataDir != "" {
			if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
				st.Close()
				return nil, nil, fmt.Errorf("data_dir: %w", err)
			}
		}
		return st, st, nil
	}
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("data_dir: %w", err)
		}
	}
	st, err := store.Open(store.Config{Path: cfg.DBPath, BusyTimeout: cfg.DBBusyTimeout, Logger: d.log.With("subsystem", "store"),
		ReserveBytes: cfg.DBReserveBytes, ReserveCheck: cfg.DBReserveCheck})
	if err != nil {
		return nil, nil, err
	}
	return st, nil, nil
}

// storeName names the store for logs and errors: the SQLite path, or the
// PostgreSQL URL without its password.
func (d *Daemon) storeName() string {
	if d.cfg.StoreURL == "" {
		return d.cfg.DBPath
	}
	if u, err := url.Parse(d.cfg.StoreURL); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	return "(a PostgreSQL connection string)"
}

// ethereumParts is the balance-proof half as the daemon runs it: intake on
// every replica; run, the responder driven by the watcher, where this
// replica acts.
type ethereumParts struct {
	sender *ethereum.Sender
	payout common.Address
	mode   string
	intake *proofs.Intake
	run    func(ctx context.Context) error
}

// balanceProofs builds the balance-proof half: the sender, intake and the
// responder driven by the Ethereum watcher, reporting to stats.
//
// The registration watch is intake's and the responder's eligibility: while
// the registry does not count the operator account, or in observe-only
// mode, intake refuses every request. In observe-only mode the watcher
// drives no responder: it records the chain and sends nothing.
func (d *Daemon) balanceProofs(node *ethclient.Client, reader *ethereum.Reader, chainID *big.Int, key *ecdsa.PrivateKey,
	regWatch *registrationWatch, registration proofs.Registration, st Store, stats *proofs.Stats, head *monitor.HeadStall) (*ethereumParts, error) {
	payout := registration.Payout
	cfg := d.cfg
	mode := proofs.ModeMonitor
	if cfg.ObserveOnly {
		mode = proofs.ModeObserve
	}
	sender := ethereum.NewSender(node, node.Client(), key, chainID, cfg.RPCTimeout)
	// Intake and the responder judge with one gas model, learned from the
	// chain by the responder.
	policy := cfg.Policy
	policy.Gas = proofs.NewUpdateGasModel(policy.UpdateGas, cfg.UpdateGasMax)
	stats.SetChain(func(c *proofs.ChainStatus) {
		c.ChainID, c.Confirmations, c.Monitor, c.Payout = chainID, cfg.Confirmations, sender.Address(), payout
		c.Registration, c.Mode = registration, mode
		c.UpdateGas = policy.Gas.Gas()
	})
	ethSync := monitor.NewNodeSync("ethereum", d.log.With("subsystem", "ethereum"))
	intake, err := proofs.NewIntake(proofs.IntakeConfig{
		Store: st, Chain: reader, Policy: policy, Stats: stats, Monitor: sender.Address(),
		SignReceipt: sender.SignDigest, MonitorRegistry: registration.MonitorRegistry, Eligibility: regWatch,
		Logger: d.log.With("subsystem", "intake"), Clock: cfg.Clock,
		PerKey: monitor.NewRateLimiter(cfg.RatePerKey, cfg.RateBurst), Sync: ethSync, ChainDeadline: cfg.RPCTimeout,
	})
	if err != nil {
		return nil, err
	}
	// The responder and the watcher are built for each run (each lease):
	// what they keep in memory is rebuilt from the store, which another
	// replica may have changed since.
	newWatcher := func() (*ethereum.Watcher, error) {
		return d.ethereumWatcher(node, st, stats, sender, payout, policy, ethSync, head, regWatch)
	}
	if _, err := newWatcher(); err != nil {
		return nil, err
	}
	run := func(ctx context.Context) error {
		w, err := newWatcher()
		if err != nil {
			return err
		}
		defer head.Forget() // a replica that stops leading judges no head
		return w.Run(ctx)
	}
	return &ethereumParts{sender: sender, payout: payout, mode: mode, intake: intake, run: run}, nil
}

// ethereumWatcher builds the update responder and the Ethereum watcher
// that drives it (no responder in observe-only mode).
func (d *Daemon) ethereumWatcher(node *ethclient.Client, st Store, stats *proofs.Stats, sender *ethereum.Sender,
	payout common.Address, policy proofs.Policy, ethSync *monitor.NodeSync, head *monitor.HeadStall, regWatch *registrationWatch) (*ethereum.Watcher, error) {
	cfg := d.cfg
	var onHead func(ctx context.Context, head uint64) error
	var prepare func(ctx context.Context, head uint64)
	if !cfg.ObserveOnly {
		responder, err := proofs.NewResponder(proofs.ResponderConfig{
			Store: st, Sender: sender, Claims: sender, Gas: sender, Policy: policy, Stats: stats, Payout: payout, SlotOffset: contracts.SlotOffset,
			HonourReceipts: true, // intake signs a receipt for every request it stores (SignReceipt above)
			Eligibility:    regWatch,
			ReplaceAfter:   cfg.ReplaceAfter, Logger: d.log.With("subsystem", "responder"), Clock: cfg.Clock,
		})
		if err != nil {
			return nil, err
		}
		onHead, prepare = responder.Tick, responder.Prepare
	}
	watcher, err := ethereum.NewWatcher(ethereum.WatcherConfig{
		Node: node, Heads: node.Client(), Registry: cfg.Registry, State: proofs.NewChainState(st, d.log.With("subsystem", "chain")),
		OnHead: onHead, Prepare: prepare, Confirmations: cfg.Confirmations, PollInterval: cfg.PollInterval,
		MaxBlockRange: cfg.MaxBlockRange, StartBlock: cfg.StartBlock, RPCTimeout: cfg.RPCTimeout,
		Logger: d.log.With("subsystem", "ethereum"),
		OnStatus: func(head uint64, cur proofs.Cursor) {
			regWatch.noteHead(head)
			now := cfg.Clock.Now()
			stats.SetChain(func(c *proofs.ChainStatus) {
				c.Head, c.LastProcessed, c.LastPoll, c.UpdateGas = head, cur, now, policy.Gas.Gas()
			})
		},
		OnHeadTime: func(number uint64, stamp time.Time) { head.Observe(cfg.Clock.Now(), number, stamp) },
		OnSync: func(p monitor.OutOfSync) {
			now := cfg.Clock.Now()
			ethSync.Report(now, p)
			stats.SetChain(func(c *proofs.ChainStatus) {
				c.OutOfSync = p
				if p.Code == "" {
					c.LastSuccess = now
				}
			})
		},
	})
	if err != nil {
		return nil, err
	}
	return watcher, nil
}

// room builds the Matrix room intake when configured (nil otherwise). It
// refuses to start half-way: the homeserver must answer and accept the
// credentials now (later outages are retried by the bus).
//
// It returns the room's run: each run (each lease) builds its own bus. With
// receipts (a store replicas share), every receipt is recorded under the
// matrix role's term before it is posted (matrixbus.ReceiptLog).
func (d *Daemon) room(ctx context.Context, intake *proofs.Intake, appointments matrixbus.AppointmentIntake, receipts matrixbus.ReceiptLog, st Store,
	stats *monitor.Stats, chainID *big.Int) (func(ctx context.Context) error, error) {
	m := d.cfg.Matrix
	if m == nil {
		return nil, nil
	}
	session := matrixbus.SessionConfig{HomeserverURL: m.HomeserverURL, UserID: m.UserID, Password: m.Password,
		AccessToken: m.AccessToken, Timeout: d.cfg.RPCTimeout}
	probe, err := matrixbus.Connect(ctx, session)
	if err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	probe.Close()
	cfg := matrixbus.Config{
		Session: session, RoomAlias: m.RoomAlias, CreateRoom: m.CreateRoom, PostReceipts: m.PostReceipts, CatchupLimit: m.CatchupLimit,
		MaxEventBytes: m.MaxEventBytes, RatePerSender: m.RatePerSender, RateBurst: m.RateBurst, SyncWait: m.SyncWait, ParkRetry: m.ParkRetry,
		Intake: intake, Appointments: appointments, Receipts: receipts, State: st, Stats: stats, ChainID: chainID, Logger: d.log.With("subsystem", "matrix"), Clock: d.cfg.Clock,
	}
	if _, err := matrixbus.New(cfg); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		bus, err := matrixbus.New(cfg)
		if err != nil {
			return err
		}
		return bus.Run(ctx)
	}, nil
}

// api builds the HTTP API and binds its listener when configured (nil, nil
// otherwise), so that APIAddr is known before Ready.
func (d *Daemon) api(intake *proofs.Intake, tw *tower.Tower, st Store, stats *stats, history *rest.History, reg *registrationWatch) (*rest.Server, net.Listener, error) {
	cfg := d.cfg
	if cfg.APIListen == "" {
		return nil, nil, nil
	}
	token, err := rest.LoadOrCreateToken(cfg.AdminTokenFile)
	if err != nil {
		return nil, nil, err
	}
	rc := rest.Config{
		Intake: intake, Store: st, Stats: stats.reg, AdminToken: token, MaxBodyBytes: cfg.MaxBodyBytes, History: history,
		PageLimitMax: cfg.PageLimitMax, ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout, Logger: d.log.With("subsystem", "api"), Clock: cfg.Clock, Version: cfg.Version,
		HealthParts: func(ctx context.Context) map[string]rest.HealthPart {
			return d.health(ctx, st, stats, reg)
		},
	}
	if tw != nil { // a nil *tower.Tower must not become a non-nil interface
		rc.Tower, rc.TowerRecords = tw, st
	}
	api, err := rest.New(rc)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", cfg.APIListen)
	if err != nil {
		return nil, nil, fmt.Errorf("api.listen %s: %w", cfg.APIListen, err)
	}
	d.mu.Lock()
	d.apiAddr = ln.Addr().String()
	d.mu.Unlock()
	return api, ln, nil
}

// health is each part's state for /healthz: each chain watcher's node
// sync state and the age of its last successful poll, the monitor's
// registration, the room's last sync, and whether the store takes a
// write; on replicas, the roles this one leads.
func (d *Daemon) health(ctx context.Context, st Store, stats *stats, reg *registrationWatch) map[string]rest.HealthPart {
	cfg := d.cfg
	now := cfg.Clock.Now()
	eth, btc, mx := stats.eth.Chain(), stats.tower.Bitcoin(), stats.reg.Matrix()
	parts := map[string]rest.HealthPart{}
	stale := func(poll, timeout time.Duration) time.Duration {
		if cfg.HealthStaleAfter > 0 {
			return cfg.HealthStaleAfter
		}
		return 3*poll + 2*timeout
	}
	parts["ethereum"] = chainPart(now, eth.LastSuccess, eth.OutOfSync, stale(orDefault(cfg.PollInterval, 2*time.Second), cfg.RPCTimeout),
		stats.ethHead.Status(now))
	parts["registration"] = reg.health()
	if b := cfg.Bitcoin; b != nil {
		parts["bitcoin"] = chainPart(now, btc.LastSuccess, btc.OutOfSync, stale(orDefault(b.PollInterval, 5*time.Second), b.RPCTimeout),
			stats.btcTip.Status(now))
	}
	if m := cfg.Matrix; m != nil {
		// One sync long-polls up to SyncWait, then handles its events, each
		// within a node deadline at most once per chain (the rest park).
		limit := 2*orDefault(m.SyncWait, 30*time.Second) + 3*cfg.RPCTimeout
		p := rest.HealthPart{Status: rest.HealthOK}
		switch {
		case mx.LastSync.IsZero():
			p = rest.HealthPart{Status: rest.HealthUnavailable, Error: "room_unavailable", Message: "the room has not been synced yet"}
		case now.Sub(mx.LastSync) > limit:
			p = rest.HealthPart{Status: rest.HealthUnavailable, Error: "room_unavailable",
				Message: fmt.Sprintf("the last room sync was %s ago", now.Sub(mx.LastSync).Round(time.Second))}
		}
		if !mx.LastSync.IsZero() {
			age := now.Sub(mx.LastSync).Seconds()
			p.AgeSeconds = &age
		}
		parts["matrix"] = p
	}
	p := rest.HealthPart{Status: rest.HealthOK}
	if r, ok := st.(reserveReporter); ok && r.Reserve().Spent {
		// The probe write is skipped: the freed space is the channels'.
		p = reserveSpentHealth(r)
	} else if err := st.SetState(ctx, "health.probe", now.UTC().Format(time.RFC3339Nano)); err != nil {
		d.log.Warn("health check: the store does not take a write", "err", err)
		p = rest.HealthPart{Status: rest.HealthUnavailable, Error: "storage_unavailable", Message: "the store does not take a write"}
	}
	parts["store"] = p
	if cfg.StoreURL != "" {
		// A replica reports only the parts it runs.
		for _, role := range []string{roleEthereum, roleBitcoin, roleMatrix} {
			if _, ok := parts[role]; ok && d.roles.term(role) == 0 {
				parts[role] = standby(role)
			}
		}
		parts["replica"] = d.roles.health()
	}
	return parts
}

// chainPart is a chain watcher's health: out of sync, never polled, its
// last successful poll older than staleAfter, or its node's head stalled
// is unavailable, in that order (the first says most about what to do).
func chainPart(now, last time.Time, outOfSync monitor.OutOfSync, staleAfter time.Duration, head monitor.HeadStatus) rest.HealthPart {
	p := rest.HealthPart{Status: rest.HealthOK}
	switch {
	case outOfSync.Code != "":
		p = rest.HealthPart{Status: rest.HealthUnavailable, Error: string(monitor.ReasonNodeOutOfSync),
			Message: outOfSync.Code + ": " + outOfSync.Detail}
	case last.IsZero():
		p = rest.HealthPart{Status: rest.HealthUnavailable, Error: string(monitor.ReasonChainUnavailable), Message: "the watcher has not completed a poll yet"}
	case now.Sub(last) > staleAfter:
		p = rest.HealthPart{Status: rest.HealthUnavailable, Error: string(monitor.ReasonChainUnavailable),
			Message: fmt.Sprintf("the last successful poll was %s ago", now.Sub(last).Round(100*time.Millisecond))}
	case head.Stalled:
		p = rest.HealthPart{Status: rest.HealthUnavailable, Error: monitor.HealthNodeStalled,
			Message: fmt.Sprintf("the node's head block %d is %s old (stall_after %s): the node may be cut off from its peers; check them and compare its head with another source",
				head.Number, head.Age.Round(time.Second), head.After)}
	}
	if !last.IsZero() {
		age := now.Sub(last).Seconds()
		p.AgeSeconds = &age
	}
	if head.Known {
		age := head.Age.Seconds()
		p.HeadAgeSeconds = &age
	}
	return p
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// housekeeping flushes counters and watches the operator balance.
func (d *Daemon) housekeeping(ctx context.Context, st monitor.CounterStore, stats *stats, sender *ethereum.Sender) error {
	t := time.NewTicker(d.cfg.StatsFlush)
	defer t.Stop()
	for {
		if bal, err := sender.Balance(ctx); err == nil {
			stats.eth.SetChain(func(c *proofs.ChainStatus) { c.Balance = bal })
			if d.cfg.MinBalance != nil && bal.Cmp(d.cfg.MinBalance) < 0 && !d.cfg.ObserveOnly { // observing sends nothing
				d.log.Error("operator balance is below gas.min_balance_wei: fund the account or updates will fail",
					"account", sender.Address().Hex(), "balance_wei", bal.String(), "min_wei", d.cfg.MinBalance.String())
			}
		}
		if err := stats.reg.Flush(ctx, st); err != nil && ctx.Err() == nil && !monitor.IsStorageUnavailable(err) {
			d.log.Warn("could not persist counters", "err", err) // a full disk is logged once by the store; kept for the next flush
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func checkRegistry(ctx context.Context, node *ethclient.Client, registry common.Address, timeout time.Duration) error {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	code, err := node.CodeAt(cctx, registry, nil)
	if err != nil {
		return fmt.Errorf("read registry code: %w", err)
	}
	if len(code) == 0 {
		return fmt.Errorf("ethereum.registry_address %s has no contract code on this chain", registry.Hex())
	}
	return nil
}

// watchtower builds the Lightning half when configured: the node
// connection, the tower (its index loaded from the store), which takes
// intake on every replica, and the run of the watcher that drives its
// justice responder, built for each run (each lease). With replicas
// (shared), other replicas accept appointments too: the index follows the
// store incrementally (followIndex on every replica, and before each run
// and each block), never rebuilt after the start.
func (d *Daemon) watchtower(ctx context.Context, st Store, stats *stats, key *ecdsa.PrivateKey, shared bool) (*tower.Tower, func(context.Context) error, *bitcoin.Node, error) {
	b := d.cfg.Bitcoin
	if b == nil {
		return nil, nil, nil, nil
	}
	payout, err := bitcoin.PayoutScript(b.PayoutAddress, b.Network)
	if err != nil {
		return nil, nil, nil, err
	}
	nodeCfg := bitcoin.Config{Host: b.Host, User: b.User, Pass: b.Pass, TLS: b.TLS, Network: b.Network, Timeout: b.RPCTimeout}
	node, err := bitcoin.Dial(nodeCfg)
	if err != nil {
		return nil, nil, nil, err
	}
	btcSync := monitor.NewNodeSync("bitcoin", d.log.With("subsystem", "bitcoin"))
	// The monitor's Bitcoin identity (receipts) is its operator key.
	btcKey, _ := btcec.PrivKeyFromBytes(crypto.FromECDSA(key))
	var pub [33]byte
	copy(pub[:], btcKey.PubKey().SerializeCompressed())
	var feed tower.IndexFeed
	if shared {
		f, ok := st.(tower.IndexFeed)
		if !ok {
			node.Close()
			return nil, nil, nil, errors.New("daemon: a shared store must feed the locator index")
		}
		feed = f
	}
	tw, err := tower.New(tower.Config{
		Store: st, Feed: feed, Node: node, Stats: stats.reg, Logger: d.log.With("subsystem", "tower"), Clock: d.cfg.Clock,
		Network: b.Network, Payout: payout, MinRewardSat: b.MinRewardSat, Confirmations: b.Confirmations,
		FallbackFeeRate: b.FallbackFeeRate, MaxFeeRate: b.MaxFeeRate, PerKey: monitor.NewRateLimiter(b.RatePerKey, b.RateBurst),
		SignReceipt:   func(msg []byte) (string, error) { return lncrypto.SignMessage(btcKey, msg) },
		MonitorPubkey: pub, Sync: btcSync, ChainDeadline: b.RPCTimeout,
	})
	if err != nil {
		node.Close()
		return nil, nil, nil, err
	}
	if err := tw.Load(ctx); err != nil {
		node.Close()
		return nil, nil, nil, err
	}
	totals, err := st.TowerTotals(ctx)
	if err != nil {
		node.Close()
		return nil, nil, nil, fmt.Errorf("load watchtower totals: %w", err)
	}
	stats.tower.Seed(totals)
	var lookout bitcoin.Tower = tw
	if shared {
		lookout = refreshingTower{tw}
	}
	newWatcher := func() (*bitcoin.Watcher, error) {
		return d.bitcoinWatcher(nodeCfg, node, lookout, st, stats, btcSync)
	}
	if _, err := newWatcher(); err != nil {
		node.Close()
		return nil, nil, nil, err
	}
	run := func(ctx context.Context) error {
		if err := tw.Refresh(ctx); err != nil {
			return err
		}
		w, err := newWatcher()
		if err != nil {
			return err
		}
		defer stats.btcTip.Forget() // a replica that stops leading judges no tip
		return w.Run(ctx)
	}
	d.log.Info("watchtower enabled", "network", b.Network, "node", b.Host, "payout", b.PayoutAddress,
		"monitor_pubkey", fmt.Sprintf("%x", pub))
	return tw, run, node, nil
}

// refreshingTower is the tower of a replica leading the bitcoin role: it
// reads what other replicas added to and removed from the store since its
// last read before matching each block.
type refreshingTower struct{ *tower.Tower }

func (t refreshingTower) ProcessBlock(ctx context.Context, height uint32, block *wire.MsgBlock) error {
	if err := t.Refresh(ctx); err != nil {
		return err
	}
	return t.Tower.ProcessBlock(ctx, height, block)
}

// bitcoinWatcher builds the Bitcoin watcher driving the tower.
func (d *Daemon) bitcoinWatcher(nodeCfg bitcoin.Config, node *bitcoin.Node, tw bitcoin.Tower, st Store, stats *stats,
	btcSync *monitor.NodeSync) (*bitcoin.Watcher, error) {
	b := d.cfg.Bitcoin
	return bitcoin.NewWatcher(bitcoin.WatcherConfig{Chain: node, Tower: tw, Cursor: st, PollInterval: b.PollInterval,
		Blocks:      bitcoin.NewBlockNotifier(nodeCfg, d.log.With("subsystem", "bitcoin")),
		StartHeight: b.StartHeight, Logger: d.log.With("subsystem", "bitcoin"),
		OnBlock: func(tip, processed uint32) {
			now := d.cfg.Clock.Now()
			stats.tower.SetBitcoin(func(s *tower.BitcoinStatus) { s.Tip, s.Processed, s.LastPoll = tip, processed, now })
		},
		OnTip: func(tip uint32, stamp time.Time) { stats.btcTip.Observe(d.cfg.Clock.Now(), uint64(tip), stamp) },
		OnSync: func(p monitor.OutOfSync) {
			now := d.cfg.Clock.Now()
			btcSync.Report(now, p)
			stats.tower.SetBitcoin(func(s *tower.BitcoinStatus) {
				s.OutOfSync = p
				if p.Code == "" {
					s.LastSuccess = now
				}
			})
		}})
}
