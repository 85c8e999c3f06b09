// Package bitcoin adapts a Bitcoin node's JSON-RPC (btcd or bitcoind, HTTP
// POST mode, only calls both serve) to the watchtower: a Watcher that
// follows blocks one by one from a durable cursor (height and hash), walks
// back on a reorg, and hands every block to the monitor's Tower (after a
// start the last few handled ones again, so that the tower regains its
// window of recent blocks) and then has it expire appointments; and a Node
// that broadcasts, estimates fees and reports a transaction's status.
//
// It makes no decisions: matching, decryption and the justice logic live in
// monitor.Tower.
package bitcoin
