package monitor

import (
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// SaveResult tells what a save of an accepted message (a balance proof
// or an appointment) changed.
type SaveResult struct {
	// Duplicate: the identical message was already stored; nothing
	// changed. Intake is idempotent.
	Duplicate bool
	// Replaced: an older version for the same key (a balance proof's
	// (channel, non-closing), an appointment's (user, locator)) was
	// replaced.
	Replaced bool
	// NewChannel / NewParticipants count a balance proof's first
	// sightings, for stats.
	NewChannel      bool
	NewParticipants int
}

// Totals are the balance proofs' aggregates, recomputed from the store at
// start; afterwards Stats keeps them in step in memory as they commit.
type Totals struct {
	Requests     int64
	Channels     int64 // distinct channels ever seen in requests
	Participants int64 // distinct addresses ever seen in requests
	Submitted    int64 // updates sent (a fee-bumped re-send is not counted again)
	Won          int64 // updates whose reward was paid to us
	Missed       int64 // windows closed with our newer proof not on chain
	Standdowns   int64 // decisions to wait for a competitor's pending update
	RewardsWon   *big.Int
	GasSpent     *big.Int
	Counters     map[string]int64 // persisted named counters (rejections, ...)
}

// Cursor is the last fully processed block of the Ethereum chain (kept
// by the proofs' chain view, reported by Stats).
type Cursor struct {
	Number uint64
	Hash   common.Hash
}

// Clock is injected so tests can move through time without sleeping.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }
