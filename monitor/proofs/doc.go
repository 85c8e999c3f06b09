// Package proofs is Vigil's Ethereum side: it takes Raiden-style balance
// proofs from the non-closing participants of payment channels, keeps the
// newest one per (channel, participant), follows the channels' confirmed
// events, and when a channel is closed with an older balance proof than a
// stored one, sends updateTransfer before the settlement window ends and
// collects the participant's reward (docs/protocol.md §4 to §6).
//
// Its parts:
//
//   - the message (wire.go, types.go, receipt.go): the balance proof's wire
//     form, its strict decoding and field checks (DecodeBalanceProof), the
//     stored Request, Channel and Update, and BalanceProofReceipt, the one
//     receipt object for an accepted proof;
//   - intake (intake.go): Intake.SubmitJSON and Intake.Submit, used by both
//     the REST API and the Matrix room: decode, both EIP-712 signatures, the
//     rate per protecting participant, the channel, the reward against the
//     deposit, the policy, the store, the signed receipt;
//   - the decision (policy.go, updategas.go): Policy judges profitability
//     and when to act in the window; UpdateGasModel learns what one update
//     costs;
//   - the chain view (chain.go, events.go): ChainState applies the
//     confirmed blocks and channel events handed over by the chains/ethereum
//     watcher and rolls them back on a reorg;
//   - the responder (responder.go): Responder.Tick sends updateTransfer for
//     each closed channel with a newer stored proof and follows it (receipt,
//     rebroadcast, fee bump, a competitor's pending update, missed window);
//   - the figures (stats.go): Stats keeps the totals (Totals), the Ethereum
//     watcher's view (ChainStatus, with the processed-block Cursor) and fills
//     the balance proofs', updates' and Ethereum parts of the stats
//     document; intake and the responder report to it through IntakeReport
//     and ResponderReport.
//
// It reaches the world only through the ports it declares: the store as
// each part uses it (IntakeStore, ChainStore, ResponderStore; Store is their
// union), a reader of live chain state for intake (ChainReader) and the
// operator's transaction sender for the responder (Sender), with the types
// they exchange in ports.go. chains/ethereum implements the node ports,
// monitor/store the store ones. Reasons, Source, the stats registry, the
// clock, the rate limiter and the node-sync gate are monitor's, shared with the Lightning
// watchtower (monitor/tower).
//
// What it must not do: follow the chain itself (the chains/ethereum watcher
// hands it confirmed blocks in order and keeps the cursor through
// ChainState), speak HTTP or Matrix (rest and matrixbus call intake), know
// anything of Bitcoin, acknowledge a proof before it is stored, or
// broadcast an update before its record is durable.
package proofs
