package tower

import (
	"github.com/vigil-monitor/vigil/monitor"

	"context"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
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

// TowerStore is the durable state of the Lightning watchtower.
type Store interface {
	// SaveAppointment stores a, replacing the one with the same
	// (user_pubkey, locator) when a's OrderSeq is higher (an *Error with
	// ReasonStaleSequence when it is lower, or equal with other content);
	// it enforces maxPerLocator (an *Error with ReasonTooManyPerLocator).
	// An identical one gives Duplicate.
	SaveAppointment(ctx context.Context, a StoredAppointment, maxPerLocator int) (monitor.SaveResult, error)
	AppointmentsByLocator(ctx context.Context, locator [16]byte) ([]StoredAppointment, error)
	// AppointmentOf returns the appointment stored for (user, locator);
	// ok is false when there is none.
	AppointmentOf(ctx context.Context, user [33]byte, locator [16]byte) (a StoredAppointment, ok bool, err error)
	Appointments(ctx context.Context, q AppointmentQuery) ([]StoredAppointment, string, error)
	// EachLocator streams every stored locator (to rebuild the index).
	EachLocator(ctx context.Context, fn func(locator [16]byte)) error
	// ExpireAppointments deletes appointments whose end block is below
	// height and returns their locators, one per deleted appointment.
	ExpireAppointments(ctx context.Context, height uint32) ([][16]byte, error)
	// LocatorPrefixStored tells whether a stored locator begins with
	// prefix (the locator index's key; several locators may share one).
	LocatorPrefixStored(ctx context.Context, prefix [8]byte) (bool, error)

	BtcCursor(ctx context.Context) (height uint32, hash chainhash.Hash, ok bool, err error)
	BtcBlockHash(ctx context.Context, height uint32) (chainhash.Hash, bool, error)
	// SetBtcCursor records a fully handled block (and remembers its hash).
	SetBtcCursor(ctx context.Context, height uint32, hash chainhash.Hash) error
	// RollbackBtc forgets blocks above height.
	RollbackBtc(ctx context.Context, height uint32, hash chainhash.Hash) error

	InsertJustice(ctx context.Context, j Justice) (int64, error)
	SaveJustice(ctx context.Context, j Justice) error
	JusticeRecords(ctx context.Context, q JusticeQuery) ([]Justice, error)
	JusticeForBreach(ctx context.Context, breach chainhash.Hash) ([]Justice, error)
	TowerTotals(ctx context.Context) (monitor.TowerTotals, error)
}
