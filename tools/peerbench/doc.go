// Package peerbench measures Vigil's per-block breach matching the peers'
// way (issue 6), beside tower.BenchmarkMatchBlock: here, lnd's own
// watchtower database (github.com/lightningnetwork/lnd/watchtower/wtdb,
// TowerDB.QueryMatches on bbolt), imported as is; the SQLite `IN (...)`
// counterpart is monitor/store's BenchmarkMatchBlockSQLiteIN.
//
// It is a separate Go module so that the product's go.mod does not carry
// lnd's dependency tree; the lnd version is pinned in this module's go.mod
// (v0.21.1-beta). Nothing here is imported by the product.
//
//	cd tools/peerbench && go test -run '^$' -bench MatchBlockLndTowerDB -short -benchtime 1x
//	cd tools/peerbench && go test -run '^$' -bench MatchBlockLndTowerDB -benchtime 20x -timeout 2h
//
// The first full run fills and caches lnd's database in $TMPDIR (about 2
// minutes for 1,000,000 state updates, 13 for 10,000,000 here: 1.1 and
// 8.4 GB); later runs take seconds. The first build compiles lnd's
// dependencies (a few minutes).
//
// This package has no code besides its benchmark.
package peerbench
