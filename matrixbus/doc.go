// Package matrixbus connects Vigil to the public Matrix room where clients
// broadcast monitoring requests. It holds everything gomatrix: logging in,
// joining (or creating) the room by alias, the long-poll sync loop with a
// durable position, reading history on first join, decoding room events
// into calls of the monitor's intake, per-sender rate limits, and posting
// signed receipts (each kind's one receipt type: proofs.BalanceProofReceipt,
// tower.AppointmentReceipt). Its own figures go to the stats registry
// through Stats; an event it refuses before intake is counted by intake
// (Intake.Refused).
//
// It makes no decisions about requests (proofs.Intake and tower.Tower do) and
// keeps no state of its own beyond the sync position, which lives in the
// store and advances only after every event before it has been durably
// handled: a crash re-reads, never skips. An event whose chain node does
// not answer is parked in the store and retried, and later events of that
// kind are parked without asking the node again until the next retry, so a
// stuck node never holds up the room. A store that refuses writes (a full
// disk) pauses the room intake at the event it could not store, which is
// read again once the store takes writes. A message whose content or body
// has a key twice is refused (duplicate_field) before intake. On a store
// that replicas share, each receipt is recorded in a ReceiptLog, under the
// room leader's term, before it is posted (receipts.go): a replica that
// has lost the room posts nothing more, and its successor posts what is
// owed.
package matrixbus
