package rest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// Intake takes balance proofs; *proofs.Intake implements it.
type Intake interface {
	SubmitJSON(ctx context.Context, data []byte, src monitor.Source, extra ...string) (proofs.Accepted, error)
	// DeleteChannel removes every stored request of a channel (admin).
	DeleteChannel(ctx context.Context, channel common.Address) (int64, error)
}

// Store is what the API reads of the balance-proof store.
type Store interface {
	Requests(ctx context.Context, q proofs.RequestQuery) ([]proofs.Request, string, error)
	Updates(ctx context.Context, q proofs.UpdateQuery) ([]proofs.Update, error)
}

// StatsSource serves the figures; *monitor.Stats implements it.
type StatsSource interface {
	Snapshot(now time.Time) monitor.StatsSnapshot
}

// TowerIntake takes Lightning appointments; *tower.Tower implements it.
type TowerIntake interface {
	SubmitAppointmentJSON(ctx context.Context, data []byte, src monitor.Source, extra ...string) (tower.Accepted, error)
}

// TowerReader is what the API reads of the watchtower's store.
type TowerReader interface {
	Appointments(ctx context.Context, q tower.AppointmentQuery) ([]tower.StoredAppointment, string, error)
	JusticeRecords(ctx context.Context, q tower.JusticeQuery) ([]tower.Justice, error)
}

// Defaults for Config.
const (
	DefaultMaxBodyBytes = 64 << 10
	DefaultPageLimitMax = 1000
	// DefaultPageLimit is the page size when a request names no limit (or
	// PageLimitMax when that is smaller).
	DefaultPageLimit = 100
	// DefaultWriteTimeout bounds writing one response when
	// Config.WriteTimeout is 0.
	DefaultWriteTimeout = 60 * time.Second

	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = DefaultWriteTimeout
	idleTimeout       = 120 * time.Second
	shutdownTimeout   = 5 * time.Second
)

// SourceKind is the monitor.Source kind of requests that came over REST.
const SourceKind = "rest"

// Config configures a Server.
type Config struct {
	Intake Intake      // required
	Store  Store       // required
	Stats  StatsSource // required
	// AdminToken guards the admin routes (DELETE). Empty disables them: every
	// admin request is then refused with 401. See LoadOrCreateToken.
	AdminToken string
	// MaxBodyBytes caps a request body; larger bodies get 413
	// body_too_large. Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// PageLimitMax caps the limit of list endpoints. Default DefaultPageLimitMax.
	PageLimitMax int
	// Health reports readiness for /healthz; nil means always healthy. Its
	// error message is shown to the caller, so it must be client-safe.
	Health func(ctx context.Context) error
	// HealthParts, when set, reports each dependency's state for /healthz
	// (ethereum, bitcoin, matrix, store...): the answer lists them all and
	// is 503 when any is not "ok", with the first such part's reason.
	HealthParts func(ctx context.Context) map[string]HealthPart
	Logger      *slog.Logger
	Clock       monitor.Clock
	// Version is exported as vigil_build_info{version}; empty uses the
	// version in the stats snapshot.
	Version string
	// ReadTimeout and WriteTimeout bound one request; defaults 30 s and 60 s.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration

	// Tower enables the Lightning watchtower routes (/api/1/appointments,
	// /api/1/justice) and metrics; nil disables them (pass a nil interface,
	// not a nil *tower.Tower): the routes then answer 404. TowerRecords, the
	// appointments and justice records the API reads, is required with
	// Tower and ignored without it.
	Tower        TowerIntake
	TowerRecords TowerReader

	// History serves GET /api/1/stats/history; nil serves an empty one.
	History *History
}

// Server is the HTTP API. Create it with New; it starts nothing until Serve.
type Server struct {
	cfg      Config
	log      *slog.Logger
	limit    int // default page size
	metrics  *httpMetrics
	registry *prometheus.Registry // serves /metrics
	handler  http.Handler
}

// New validates cfg, fills defaults and builds the router.
func New(cfg Config) (*Server, error) {
	if cfg.Intake == nil || cfg.Store == nil || cfg.Stats == nil {
		return nil, errors.New("rest: config needs an intake, a store and stats")
	}
	if cfg.MaxBodyBytes < 0 || cfg.PageLimitMax < 0 {
		return nil, fmt.Errorf("rest: MaxBodyBytes (%d) and PageLimitMax (%d) must not be negative", cfg.MaxBodyBytes, cfg.PageLimitMax)
	}
	if cfg.Tower == nil {
		cfg.TowerRecords = nil
	} else if cfg.TowerRecords == nil {
		return nil, errors.New("rest: config has a tower but no tower store")
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.PageLimitMax == 0 {
		cfg.PageLimitMax = DefaultPageLimitMax
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = monitor.SystemClock{}
	}
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		limit:   min(DefaultPageLimit, cfg.PageLimitMax),
		metrics: newHTTPMetrics(),
	}
	s.registry = s.newMetricsRegistry()
	s.handler = s.routes()
	return s, nil
}

func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	// Outermost first: metrics and the access log see the status the
	// recoverer wrote for a panicking handler.
	// GetHead answers HEAD on GET routes (load balancers probe /healthz so).
	r.Use(s.observe, s.recoverer, middleware.GetHead)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))

	// Flat, full patterns: the pattern is the route label of the metrics,
	// and an unmatched path has none.
	r.Put("/api/1/balance_proofs", s.putBalanceProof)
	r.Get("/api/1/balance_proofs", s.listBalanceProofs)
	r.With(s.admin).Delete("/api/1/balance_proofs/{channel_address}", s.deleteBalanceProofs)
	r.Get("/api/1/channel_update", s.listUpdates)
	r.Get("/api/1/channel_update/{channel_address}", s.listUpdates)
	tower := r.With(s.towerEnabled)
	tower.Put("/api/1/appointments", s.putAppointment)
	tower.Get("/api/1/appointments", s.listAppointments)
	tower.Get("/api/1/appointments/{locator}", s.appointmentsByLocator)
	tower.Get("/api/1/justice", s.listJustice)
	r.Get("/api/1/stats", s.stats)
	r.Get("/api/1/stats/history", s.statsHistory)
	r.Get("/", s.statusPage)
	r.Get("/status/{file}", s.statusAsset)
	r.Method(http.MethodGet, "/metrics", s.metricsHandler())
	r.Get("/healthz", s.healthz)
	return r
}

// Handler returns the API's http.Handler, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves the API on ln until ctx is cancelled, then shuts down
// gracefully, giving in-flight requests up to 5 s. It returns nil after a
// shutdown caused by ctx, or the error that stopped the server. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       orDefault(s.cfg.ReadTimeout, readTimeout),
		WriteTimeout:      orDefault(s.cfg.WriteTimeout, writeTimeout),
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// Requests keep ctx's values but not its cancellation: in-flight
		// requests finish during the graceful shutdown.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("REST API listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		// Serve stopped on its own (the listener failed): drop what is open.
		_ = srv.Close()
		return fmt.Errorf("rest: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.log.Warn("REST API shutdown timed out; closing open connections", "err", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("rest: serve: %w", err)
	}
	s.log.Info("REST API stopped")
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
