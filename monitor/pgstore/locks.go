package pgstore

// Advisory lock keys. PostgreSQL's advisory locks share one key space per
// database; Vigil's keys all start with the bytes "vigl" so that they do not
// collide with another application's small integers.
const (
	lockBase = int64(0x7669676c) << 32 // "vigl"
	// lockMigrate is held (session level) while migrations run.
	lockMigrate = lockBase | 1
	// lockRequests and lockAppointments are held (transaction level) by
	// every transaction that reads, compares and writes requests or
	// appointments, and by those that delete them (DeleteRequests,
	// ExpireAppointments), so that concurrent transactions of any replica
	// apply them one after the other.
	lockRequests     = lockBase | 2
	lockAppointments = lockBase | 3
)
