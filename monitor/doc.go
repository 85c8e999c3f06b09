// Package monitor is what Vigil's two products share: the Ethereum
// balance proofs (monitor/proofs) and the Lightning watchtower
// (monitor/tower). Each product is its own package below it; this one holds
// no decision of either.
//
// The shared parts:
//
//   - the rejection reasons and their codes (errors.go): the one table every
//     rejection comes from, which rest maps to HTTP statuses and the room to
//     receipts, with Error, Reject and the sentinel errors of stores and
//     nodes;
//   - input rules: the refusal of repeated JSON keys (dupkeys.go) and the
//     decimal number fields (numbers.go: ParseUint64, ParseUint256);
//   - where a message came from (Source, source.go) and the per-key rate
//     limiter (ratelimit.go);
//   - the stats registry (stats.go): Stats, the persisted named counters,
//     the room intake's view and the /api/1/stats document (StatsSnapshot)
//     served by rest. Stages report through the narrow Counter; each product
//     keeps its own figures (proofs.Stats, tower.Stats) and fills its part of
//     the document as a registered Section;
//   - whether a node follows the processed chain (nodesync.go: NodeSync, and
//     SyncGate, which intake asks), whether its head still advances
//     (headstall.go: HeadStall, judged by the head block's age), the pause of a loop while the store
//     refuses writes (storagefault.go: StoragePause), and the life of a
//     chain watcher that both chains' adapters run (pollloop.go: PollLoop,
//     with Fatal for the failures that end it);
//   - the small values both stores and products exchange (ports.go):
//     SaveResult and the injected Clock.
//
// What it must not do: import either product, a chain library, an HTTP
// router, a Matrix client or a database driver. Anything specific to one
// product belongs in that product's package.
package monitor
