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
//   - the stats registry (stats.go): Stats, the persisted named counters and
//     the figures of /api/1/stats and /metrics, with the aggregates it is
//     seeded from (Totals, TowerTotals) and the store methods it reads and
//     writes (TotalsStore, CounterStore);
//   - whether a node follows the processed chain (nodesync.go: NodeSync, and
//     SyncGate, which intake asks), and the pause of a loop while the store
//     refuses writes (storagefault.go: StoragePause);
//   - the small values both stores and products exchange (ports.go):
//     SaveResult, Totals, the processed-block Cursor, and the injected Clock.
//
// What it must not do: import either product, a chain library other than
// go-ethereum's common types (the Ethereum figures of Stats and the Cursor
// use them), an HTTP router, a Matrix client or a database driver. Anything
// specific to one product belongs in that product's package.
package monitor
