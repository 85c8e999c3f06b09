// Package tools pins and builds the real servers that Vigil's tests and demo
// run against: the Dendrite Matrix homeserver (and its key, config and
// account helpers), the btcd Bitcoin node (and btcctl), and geth (the
// demo's Ethereum node, go-ethereum v1.17.8: v1.17.10's cmd/geth needs a
// dependency the module proxy here refuses).
//
// It is a separate Go module (github.com/vigil-monitor/vigil/tools) so that
// the product's own go.mod stays free of server dependencies: the versions
// live in this module's go.mod as `tool` directives (added with
// `go get -tool module/cmd/x@vX.Y.Z`), and nothing here is imported by the
// product. Build every binary into <repo>/.cache/bin with tools/build.sh
// (or `make tools`); tests and the demo find them there through
// internal/testkit/proc.
//
// This package has no code; it exists only to document the module.
package tools
