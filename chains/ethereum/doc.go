// Package ethereum adapts an Ethereum JSON-RPC node to the balance proofs'
// interfaces: a Watcher that follows the channel contracts' events behind a
// confirmation depth with a durable, reorg-checked cursor; a Reader for live
// channel state at intake; and a Sender that signs and submits updateTransfer
// from the operator's keystore account (the responder's TxSender,
// ClaimReader and GasReader). Each declares what it asks of the node
// (WatcherNode, ReaderNode, SenderNode); *ethclient.Client is all three.
// Every node call runs under a deadline. The Watcher tells a reorg (the node knows the cursor's block on
// a side chain: roll back) from a node that does not follow the processed
// chain at all (head below the cursor, or the cursor's block unknown: report
// it out of sync and process nothing). Its Run is monitor.PollLoop, the
// loop both chain adapters share; over a WebSocket it is woken by the heads
// the node pushes, whose parent links (headChain) name the canonical chain
// without asking (HeadSubscriber is *rpc.Client).
//
// It holds no domain decisions (those are in monitor/proofs) and no state
// of its own beyond caches: the cursor and channel state live in the store.
package ethereum
