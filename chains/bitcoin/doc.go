// Package bitcoin adapts a Bitcoin node's JSON-RPC (btcd or bitcoind, HTTP
// POST mode, only calls both serve) to the watchtower: a Watcher that
// follows blocks one by one from a durable cursor (height and hash), walks
// back on a reorg, and hands every block to the watchtower (tower.Tower;
// after a start the last few handled ones again, so that the tower regains
// its window of recent blocks) and then has it expire appointments; and a Node
// that broadcasts, estimates fees and reports a transaction's status. Every
// node call is one HTTP POST under the caller's context and a timeout, so a
// stalled node costs a caller at most that timeout. The Watcher reports a
// node that does not follow the processed chain (tip below the cursor, or
// the cursor's block unknown) as out of sync instead of walking back. Its
// Run is monitor.PollLoop, the loop both chain adapters share.
//
// It makes no decisions: matching, decryption and the justice logic live in
// tower.Tower.
package bitcoin
