package monitor

import (
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// SaveResult tells what SaveRequest changed.
type SaveResult struct {
	// Duplicate: the identical request (same nonce and signatures) was
	// already stored; nothing changed. Intake is idempotent.
	Duplicate bool
	// Replaced: an older nonce for the same (channel, non-closing) was replaced.
	Replaced bool
	// NewChannel / NewParticipants count first sightings, for stats.
	NewChannel      bool
	NewParticipants int
}

// Totals are aggregates recomputed from the store at start; afterwards the
// monitor keeps them in step in memory as it commits.
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

// Cursor is the last fully processed block of a chain.
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
