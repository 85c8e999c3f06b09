// Package contracts holds Vigil's Ethereum contracts and their Go bindings.
//
//   - solidity/ChannelRegistry.sol opens channels: openChannel deploys one
//     NettingChannel per call and isChannel tells deployed channels apart.
//     Its constructor deploys the MonitorRegistry its channels use.
//   - solidity/MonitorRegistry.sol registers monitors: register locks an ETH
//     deposit and fixes a payout address, counting from activationDelay
//     blocks later; announceExit ends eligibility, withdraw returns the
//     deposit withdrawDelay blocks later; channels slash it for a broken
//     receipt.
//   - solidity/NettingChannel.sol is one ETH payment channel: deposit,
//     depositReward, close, updateTransfer (the non-closing participant at
//     any block of the challenge window, a registered monitor from its slot
//     on), settle, withdraw and claimPenalty.
//   - slot.go computes a monitor's slot (SlotOffset, SlotSpan) as the
//     channel does, for the monitor's scheduler.
//   - build/ holds the compiler output (<Name>.abi, <Name>.bin) made by
//     compile.js with the solc-js version pinned in package.json.
//   - registry_binding.go, monitor_registry_binding.go and channel_binding.go
//     are abigen (v1) bindings of those artifacts: DeployChannelRegistry,
//     NewChannelRegistry, NewMonitorRegistry, NewNettingChannel and their
//     event filterers.
//   - the eip712 subpackage hashes and signs the protocol's typed data.
//
// Everything under build/ and every *_binding.go file is generated and
// committed, so building Vigil needs neither node nor solc. To regenerate
// after editing a .sol file (needs node and npm):
//
//	go generate ./contracts/
//
// which runs generate.sh: npm ci (when contracts/node_modules is missing),
// node compile.js, then go tool abigen for each contract. The tests check
// that the bindings embed the ABI in build/ and, when solc is installed,
// that build/ matches a fresh compile.
//
// This package is bindings and the slot arithmetic only: it holds no keys,
// makes no policy decisions and opens no connections; callers pass a
// bind.ContractBackend.
package contracts

//go:generate sh generate.sh
