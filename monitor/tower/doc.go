// Package tower is Vigil's Lightning watchtower: it takes encrypted
// appointments from clients, watches every Bitcoin block for the breach
// (revoked commitment) transactions they name, and answers each breach
// with the client's justice transaction, adding a bounty output for the
// monitor when the client's signatures allow it (docs/protocol.md §8).
//
// Its parts, one file each:
//
//   - intake (intake.go, with the message in appointment.go and the
//     receipt in receipt.go): Tower.SubmitAppointmentJSON decodes and checks
//     an appointment (its network, bounds, user signature, sequence, rate
//     per user key, reward against the minimum and the expected fee), stores
//     it, adds its locator to the index and signs the receipt; it returns
//     Accepted, whose Receipt is the one AppointmentReceipt that REST, the
//     room and the CLI use; an appointment whose breach is already in a
//     recent block is answered at once;
//   - the lookout (lookout.go, locindex.go, txids.go): the in-memory locator
//     index built from the store at start (Tower.Load) and, on a store
//     other writers share (replicas; Config.Feed), kept current by reading
//     only what they added and removed since (Tower.Refresh), the txids of
//     a block (TxIDs), block matching (Tower.ProcessBlock), the
//     window of recent blocks kept for late appointments, reorgs
//     (Tower.Rollback) and expiry (Tower.Expire);
//   - the justice responder (justice.go, lost.go): for every appointment
//     on the breach's locator (any number: a cheater may crowd it with
//     junk), decrypt the blob with the breach txid and check that it is a
//     transaction spending only the breach's outputs, final in the next
//     block, then verify the scripts of the survivors in parallel; for each
//     that verifies append the bounty output (inputs signed
//     SIGHASH_SINGLE|ANYONECANPAY), record and then broadcast; record the
//     failures in one write; at every block (Tower.Tick) follow each open justice
//     transaction to its final confirmation, rebroadcast it (with the breach
//     after a reorg), replace it with a higher fee out of the bounty as the
//     to_self_delay deadline nears, follow an earlier version that was
//     mined, and settle it as lost when another transaction spends the
//     breach outputs or the deadline passes;
//   - the figures (stats.go): the watchtower's named counters (Counter*),
//     counted by its stages through monitor.Counter, and Stats, which seeds
//     them from the store's Totals at start, keeps the Bitcoin watcher's
//     view (BitcoinStatus) and fills the Lightning part of the stats
//     document (Totals.Counters maps the store's totals to the counters,
//     for replicas that show the database's figures).
//
// The cryptography of appointments (locator, blob cipher, message
// signatures) is in monitor/tower/lncrypto.
//
// The tower reaches the world only through the ports it declares: the
// store as each part uses it (IntakeStore, LookoutStore, JusticeStore;
// Store is their union; IndexFeed for a shared store) and a Bitcoin node (Node: broadcast, fee estimate,
// transaction status). Reasons, the stats registry, the clock, the rate limiter and the
// node-sync gate are monitor's, shared with the Ethereum side.
//
// What it must not do: follow the chain itself (chains/bitcoin's watcher
// hands it blocks in order and keeps the cursor), speak HTTP or Matrix
// (rest and matrixbus call intake), broadcast a justice transaction before
// its record is durable, answer one (breach, user) twice, refuse an
// appointment because other keys crowd its locator, or learn anything
// about a channel before its breach: without the breach txid a blob cannot
// be decrypted.
package tower
