// Package monitor is Vigil's domain: the messages clients send (balance
// proofs with a reward offer), their validation, the profitability policy,
// the schedule of on-chain responses and the responder that sends them.
//
// It talks to the outside world only through the small interfaces declared
// in ports.go (a store, a chain reader, a transaction sender, a clock), so it
// imports neither chi, gomatrix nor an RPC client. The daemon (cmd/vigild)
// wires real implementations in; unit tests of pure decisions use fakes.
//
// Data flows one way: intake (Intake.SubmitBalanceProof, used by both the REST
// API and the Matrix room) -> decision (Policy) -> store -> watch (ApplyBlocks
// from the chain watcher) -> act (Responder) -> report (Stats).
package monitor
