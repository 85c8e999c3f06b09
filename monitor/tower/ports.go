package tower

import (
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/vigil-monitor/vigil/monitor"
)

// StoredAppointment is an accepted appointment as stored.
type StoredAppointment struct {
	Appointment
	Source     string
	SourceRef  string
	ReceivedAt time.Time
	// AcceptedTip is the monitor's Bitcoin tip when it accepted (signed in
	// the receipt).
	AcceptedTip uint32
}

// JusticeOutcome is the life cycle of a justice transaction.
type JusticeOutcome string

// Justice outcomes.
const (
	// JusticeBroadcast: sent, not yet confirmed.
	JusticeBroadcast JusticeOutcome = "broadcast"
	// JusticeConfirmed: confirmed with the configured depth.
	JusticeConfirmed JusticeOutcome = "confirmed"
	// JusticeReplaced: superseded by a fee-bumped replacement.
	JusticeReplaced JusticeOutcome = "replaced"
	// JusticeFailed: could not be used (bad blob, not spending the breach,
	// script failure); Detail says why.
	JusticeFailed JusticeOutcome = "failed"
	// JusticeLost: the justice transaction can no longer protect the
	// client and is no longer followed: the breach outputs it spends were
	// spent by another transaction (Reason ReasonSpentByJustice or
	// ReasonSpentByCheater, SpentBy says which), or it was still
	// unconfirmed at the deadline (ReasonDeadlinePassed).
	JusticeLost JusticeOutcome = "lost"
)

// Justice is one response to a breach: the decrypted (and possibly
// bounty-extended) justice transaction and what became of it.
type Justice struct {
	ID          int64
	Locator     [16]byte
	UserPubkey  [33]byte
	BreachTxID  chainhash.Hash
	BreachRaw   []byte // to rebroadcast the breach after a reorg
	BreachBlock uint32
	Deadline    uint32 // breach block + to_self_delay
	TxID        chainhash.Hash
	Raw         []byte
	FeeSat      int64
	BountySat   int64 // our payout output, 0 when none
	PromisedSat uint64
	FeeRate     int64 // sat per kvB
	Outcome     JusticeOutcome
	Reason      monitor.Reason // why no bounty / why failed, empty otherwise
	Detail      string
	SentHeight  uint32
	Block       uint32 // confirmation height, 0 when unconfirmed
	BlockHash   chainhash.Hash
	Replacement int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// SpentBy and SpentBlock: for a lost record, the transaction that spent
	// the breach outputs and its block (zero when none did).
	SpentBy    chainhash.Hash
	SpentBlock uint32
}

// AppointmentQuery selects stored appointments.
type AppointmentQuery struct {
	Locator *[16]byte
	After   string // opaque cursor of the previous page
	Limit   int
}

// JusticeQuery selects justice records.
type JusticeQuery struct {
	Outcomes []JusticeOutcome
	AfterID  int64
	Limit    int // <= 0: no limit
}

// Store is the tower's durable state as the tower uses it: what intake,
// the lookout and the justice responder each need (IntakeStore,
// LookoutStore, JusticeStore). The SQLite store (monitor/store) implements
// it; listing appointments, the Bitcoin cursor and the totals are read by
// their own consumers (rest, chains/bitcoin, the daemon), which declare
// those methods themselves.
type Store interface {
	IntakeStore
	LookoutStore
	JusticeStore
}
