package monitor

import "time"

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

// Clock is injected so tests can move through time without sleeping.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }
