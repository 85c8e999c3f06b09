// Package testkit holds the test support of the module, one package per
// harness: real servers started for a test (btcd, geth, Dendrite), an
// in-process simulated Ethereum chain, BOLT 3 channels, a small tmpfs for
// disk-full tests and the pre-filled benchmark databases. They live under
// internal/ so that nothing outside this module can import them, and the
// product never does: only tests, benchmarks and scripts/demo.
//
// This package has no code; it exists only to document the tree.
package testkit
