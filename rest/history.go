package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/vigil-monitor/vigil/monitor"
)

// Defaults for HistoryConfig: one sample every 10 s for the last hour.
const (
	DefaultHistoryInterval = 10 * time.Second
	DefaultHistoryKeep     = 360
	// maxHistoryKeep bounds the ring whatever the configuration says.
	maxHistoryKeep = 100_000
)

// HistoryConfig configures a History.
type HistoryConfig struct {
	// Stats is sampled; the same source the API serves /api/1/stats from.
	Stats StatsSource // required
	// Interval between samples. Default DefaultHistoryInterval.
	Interval time.Duration
	// Keep is how many samples are kept; older ones are dropped. Default
	// DefaultHistoryKeep.
	Keep   int
	Clock  monitor.Clock
	Logger *slog.Logger
}

// History keeps a bounded ring of periodic samples of the stats figures
// in memory, for GET /api/1/stats/history and the status page's charts.
// It is lost on restart: the persisted figures stay in /api/1/stats. Its
// memory is fixed by Keep.
type History struct {
	cfg HistoryConfig

	mu   sync.Mutex
	ring []HistorySample // len(ring) == Keep once full
	next int             // where the next sample goes once full
}

// HistorySample is one sample: the cumulative figures of /api/1/stats at
// Time, in the units and encodings of that document (wei as decimal
// strings, counts as numbers). Rates are the differences between samples.
type HistorySample struct {
	Time string `json:"time"`
	// Balance-proof intake, every source together.
	ProofsReceived int64 `json:"proofs_received"`
	ProofsAccepted int64 `json:"proofs_accepted"`
	ProofsRejected int64 `json:"proofs_rejected"`
	// Lightning appointment intake.
	AppointmentsAccepted int64 `json:"appointments_accepted"`
	AppointmentsRejected int64 `json:"appointments_rejected"`
	// Actions on chain.
	UpdatesSubmitted int64 `json:"updates_submitted"`
	UpdatesWon       int64 `json:"updates_won"`
	UpdatesMissed    int64 `json:"updates_missed"`
	JusticeBroadcast int64 `json:"justice_broadcast"`
	JusticeConfirmed int64 `json:"justice_confirmed"`
	// Rewards.
	RewardsEarnedWei string `json:"rewards_earned_wei"`
	GasSpentWei      string `json:"gas_spent_wei"`
	NetEarningsWei   string `json:"net_earnings_wei"`
	BountyEarnedSat  int64  `json:"bounty_earned_sat"`
	// Chains.
	EthereumHead         uint64 `json:"ethereum_head"`
	EthereumBlocksBehind uint64 `json:"ethereum_blocks_behind"`
	BitcoinTip           uint32 `json:"bitcoin_tip"`
}

// statsDoc is the part of the /api/1/stats document a sample reads. The
// sample is taken from the document's JSON, the API's stable contract,
// rather than from the Go type behind it.
type statsDoc struct {
	BalanceProofs struct {
		Received map[string]int64 `json:"received"`
		Accepted map[string]int64 `json:"accepted"`
		Rejected int64            `json:"rejected"`
	} `json:"balance_proofs"`
	Updates struct {
		Submitted      int64  `json:"submitted"`
		Won            int64  `json:"won"`
		Missed         int64  `json:"missed"`
		RewardsEarned  string `json:"rewards_earned_wei"`
		GasSpent       string `json:"gas_spent_wei"`
		NetEarningsWei string `json:"net_earnings_wei"`
	} `json:"updates"`
	Ethereum struct {
		Head         uint64 `json:"head"`
		BlocksBehind uint64 `json:"blocks_behind"`
	} `json:"ethereum"`
	Lightning struct {
		Tip                  uint32 `json:"tip"`
		AppointmentsAccepted int64  `json:"appointments_accepted"`
		Rejected             int64  `json:"appointments_rejected"`
		JusticeBroadcast     int64  `json:"justice_broadcast"`
		JusticeConfirmed     int64  `json:"justice_confirmed"`
		BountyEarnedSat      int64  `json:"bounty_earned_sat"`
	} `json:"lightning"`
}

// NewHistory validates cfg and fills defaults. It starts nothing: Run
// samples.
func NewHistory(cfg HistoryConfig) (*History, error) {
	if cfg.Stats == nil {
		return nil, errors.New("rest: history needs stats")
	}
	if cfg.Interval < 0 || cfg.Keep < 0 {
		return nil, fmt.Errorf("rest: history interval (%v) and keep (%d) must not be negative", cfg.Interval, cfg.Keep)
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultHistoryInterval
	}
	if cfg.Keep == 0 {
		cfg.Keep = DefaultHistoryKeep
	}
	if cfg.Keep > maxHistoryKeep {
		return nil, fmt.Errorf("rest: history keep %d exceeds %d", cfg.Keep, maxHistoryKeep)
	}
	if cfg.Clock == nil {
		cfg.Clock = monitor.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &History{cfg: cfg, ring: make([]HistorySample, 0, cfg.Keep)}, nil
}

// Run takes a sample now and then every Interval until ctx ends; it
// returns nil then. A sample that fails is logged and skipped: the
// history is a convenience and never stops the daemon.
func (h *History) Run(ctx context.Context) error {
	t := time.NewTicker(h.cfg.Interval)
	defer t.Stop()
	for {
		if err := h.Sample(); err != nil {
			h.cfg.Logger.Warn("could not sample the stats for the history", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Sample takes one sample of the stats now.
func (h *History) Sample() error {
	now := h.cfg.Clock.Now()
	raw, err := json.Marshal(h.cfg.Stats.Snapshot(now))
	if err != nil {
		return fmt.Errorf("rest: history: encode stats: %w", err)
	}
	var d statsDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("rest: history: read stats: %w", err)
	}
	s := HistorySample{
		Time:                 now.UTC().Format(time.RFC3339),
		ProofsRejected:       d.BalanceProofs.Rejected,
		AppointmentsAccepted: d.Lightning.AppointmentsAccepted,
		AppointmentsRejected: d.Lightning.Rejected,
		UpdatesSubmitted:     d.Updates.Submitted,
		UpdatesWon:           d.Updates.Won,
		UpdatesMissed:        d.Updates.Missed,
		JusticeBroadcast:     d.Lightning.JusticeBroadcast,
		JusticeConfirmed:     d.Lightning.JusticeConfirmed,
		RewardsEarnedWei:     orZero(d.Updates.RewardsEarned),
		GasSpentWei:          orZero(d.Updates.GasSpent),
		NetEarningsWei:       orZero(d.Updates.NetEarningsWei),
		BountyEarnedSat:      d.Lightning.BountyEarnedSat,
		EthereumHead:         d.Ethereum.Head,
		EthereumBlocksBehind: d.Ethereum.BlocksBehind,
		BitcoinTip:           d.Lightning.Tip,
	}
	for _, v := range d.BalanceProofs.Received {
		s.ProofsReceived += v
	}
	for _, v := range d.BalanceProofs.Accepted {
		s.ProofsAccepted += v
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.ring) < h.cfg.Keep {
		h.ring = append(h.ring, s)
		return nil
	}
	h.ring[h.next] = s
	h.next = (h.next + 1) % h.cfg.Keep
	return nil
}

// Samples returns the kept samples, oldest first.
func (h *History) Samples() []HistorySample {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]HistorySample, 0, len(h.ring))
	out = append(out, h.ring[h.next:]...)
	return append(out, h.ring[:h.next]...)
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// historyJSON is the GET /api/1/stats/history document.
type historyJSON struct {
	// IntervalSeconds is the time between samples; 0 when no history is
	// kept.
	IntervalSeconds float64 `json:"interval_seconds"`
	// Capacity is how many samples are kept at most.
	Capacity int             `json:"capacity"`
	Samples  []HistorySample `json:"samples"`
}

// statsHistory serves the kept samples, oldest first; an empty list when
// the server keeps no history (Config.History nil).
func (s *Server) statsHistory(w http.ResponseWriter, r *http.Request) {
	out := historyJSON{Samples: []HistorySample{}}
	if h := s.cfg.History; h != nil {
		out.IntervalSeconds, out.Capacity, out.Samples = h.cfg.Interval.Seconds(), h.cfg.Keep, h.Samples()
	}
	writeJSON(w, http.StatusOK, out)
}
