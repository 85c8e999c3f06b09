package tower

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
)

// Node is what the watchtower needs from a Bitcoin node (chains/bitcoin).
type Node interface {
	// Broadcast sends a transaction; one the node already has is not an error.
	Broadcast(ctx context.Context, tx *wire.MsgTx) error
	// FeeRate is the node's fee estimate in sat per 1000 vbytes.
	FeeRate(ctx context.Context) (int64, error)
	// TxStatus tells whether a transaction is in the mempool or confirmed
	// (confirmations > 0, with its block) or neither.
	TxStatus(ctx context.Context, txid chainhash.Hash) (TxStatus, error)
}

// TxStatus is a transaction's state at a node.
type TxStatus struct {
	InMempool     bool
	Confirmations int64
	BlockHash     chainhash.Hash
	BlockHeight   uint32
}

// Config configures a Tower.
type Config struct {
	Store  Store
	Node   Node
	Stats  monitor.Counter
	Logger *slog.Logger
	Clock  monitor.Clock

	Network string // "regtest", "testnet", "mainnet"...
	// Payout is the script the bounty is paid to.
	Payout []byte
	Bounds AppointmentBounds
	// MinRewardSat: appointments promising less are declined.
	MinRewardSat uint64
	// Confirmations after which a justice transaction is final (default 6).
	Confirmations int64
	// FallbackFeeRate (sat/kvB) when the node has no estimate; MaxFeeRate caps.
	FallbackFeeRate int64
	MaxFeeRate      int64
	// DeadlineMultiplier: the feerate rises to this multiple of the
	// estimate as the to_self_delay deadline approaches (default 4).
	DeadlineMultiplier float64
	// BumpAfter blocks unconfirmed before a fee bump (default 2).
	BumpAfter uint32
	// PerKey limits appointments per user key (nil: no limit).
	PerKey *monitor.RateLimiter
	// SignReceipt signs receipt messages with the monitor's Bitcoin key
	// (Lightning message signing); MonitorPubkey is that key.
	SignReceipt   func(msg []byte) (string, error)
	MonitorPubkey [33]byte
	// Sync, when set, says whether the Bitcoin node follows the processed
	// chain; while it does not, appointments are refused with its error.
	Sync monitor.SyncGate
	// ChainDeadline bounds the node reads of one appointment together
	// (default 10 s); past it the appointment is refused with
	// chain_unavailable.
	ChainDeadline time.Duration
	// Feed, when set, is the store as read by a tower that shares it with
	// other writers: Load records a position and Refresh reads what changed
	// since. Nil when this process is the store's only writer.
	Feed IndexFeed
}

// Tower is the Lightning watchtower: appointment intake (intake.go), the
// lookout (lookout.go) and the justice responder (justice.go, lost.go).
type Tower struct {
	cfg   Config
	log   *slog.Logger
	index *LocatorIndex

	mu      sync.Mutex
	tip     uint32
	recent  []recentBlock  // the last recentDepth blocks, for late appointments
	pending []lateResponse // late responses that failed, retried at each block

	// respMu serialises the responder: respond (from the block path and
	// from intake for a late appointment), the spend check and Tick, so
	// that each (breach, user) gets one justice record and each settled
	// record is settled and counted once.
	respMu sync.Mutex
	// idxMu orders additions to the locator index against removals: an
	// expiry or a refresh checks the store and removes a prefix under it,
	// an intake adds its locator (after saving) under it, so a prefix a new
	// appointment needs is never removed after that appointment was added.
	idxMu sync.Mutex
	// pos is where the index stands in Feed's history (under idxMu).
	pos IndexPosition
}

// New validates cfg and fills defaults.
func New(cfg Config) (*Tower, error) {
	if cfg.Store == nil || cfg.Node == nil || cfg.Stats == nil {
		return nil, errors.New("tower: a store, a node and stats are required")
	}
	if len(cfg.Payout) == 0 {
		return nil, errors.New("tower: a payout script is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = monitor.SystemClock{}
	}
	if cfg.Bounds == (AppointmentBounds{}) {
		cfg.Bounds = DefaultAppointmentBounds()
	}
	if cfg.Confirmations == 0 {
		cfg.Confirmations = 6
	}
	if cfg.FallbackFeeRate == 0 {
		cfg.FallbackFeeRate = 2000
	}
	if cfg.MaxFeeRate == 0 {
		cfg.MaxFeeRate = 500_000
	}
	if cfg.DeadlineMultiplier == 0 {
		cfg.DeadlineMultiplier = 4
	}
	if cfg.BumpAfter == 0 {
		cfg.BumpAfter = 2
	}
	if cfg.ChainDeadline <= 0 {
		cfg.ChainDeadline = 10 * time.Second
	}
	return &Tower{cfg: cfg, log: cfg.Logger, index: NewLocatorIndex()}, nil
}

// SetTip records the Bitcoin tip (the watcher calls it before intake can
// judge start_block windows).
func (t *Tower) SetTip(h uint32) {
	t.mu.Lock()
	t.tip = h
	t.mu.Unlock()
}

func (t *Tower) currentTip() uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tip
}
