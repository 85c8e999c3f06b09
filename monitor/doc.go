// Package monitor is Vigil's Ethereum domain, the Raiden-style balance
// proofs, and what it shares with the Lightning watchtower (monitor/tower).
//
// Balance proofs:
//
//   - the message: its wire form, decoding and field checks (wire.go,
//     types.go) and the one receipt object for an accepted proof
//     (receipt.go);
//   - intake (Intake.SubmitJSON and Intake.Submit, used by both the REST API
//     and the Matrix room): decode, both EIP-712 signatures, the channel,
//     the reward against the deposit, the policy, the store;
//   - the decision: profitability and gas policy (policy.go, updategas.go);
//   - the chain view: ChainState applies the watched blocks and channel
//     events (events.go) and rolls them back on a reorg;
//   - the responder: Responder.Tick sends updateTransfer for a closed
//     channel with a newer stored proof and follows it (receipt,
//     rebroadcast, fee bump, missed window).
//
// Shared by both products: the rejection reasons and their codes
// (errors.go, the one table every rejection comes from), the refusal of
// repeated JSON keys (dupkeys.go), where a message came from (Source), the
// per-key rate limiter, the clock, the stats registry (Stats: persisted
// counters and the figures of /api/1/stats and /metrics), whether a node
// follows the processed chain (NodeSync, SyncGate) and the pause of a loop
// while the store refuses writes (StoragePause).
//
// It talks to the outside world only through the small interfaces declared
// in ports.go (a store, a chain reader, a transaction sender, a clock), so it
// imports neither chi, gomatrix, an RPC client nor any Bitcoin library. The
// daemon (cmd/vigild) wires real implementations in; unit tests of pure
// decisions use fakes.
//
// Data flows one way: intake -> decision (Policy) -> store -> watch
// (ChainState.Apply, from the chains/ethereum watcher) -> act (Responder)
// -> report (Stats).
package monitor
