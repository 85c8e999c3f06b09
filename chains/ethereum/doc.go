// Package ethereum adapts an Ethereum JSON-RPC node to the monitor's
// interfaces: a Watcher that follows the channel contracts' events behind a
// confirmation depth with a durable, reorg-checked cursor; a Reader for live
// channel state at intake; and a Sender that signs and submits updateTransfer
// from the operator's keystore account.
//
// It holds no domain decisions (those are in monitor) and no state of its
// own beyond caches: the cursor and channel state live in the store.
package ethereum
