package main

// section is one part of docs/BENCHMARKS.md: fixed text explaining what is
// measured and how, then (table) the figures of that section and (group)
// the raw output of the steps that measured them.
type section struct {
	id, title, group string
	table            bool
	text             string
}

var sections = []section{
	{id: "1", title: "Balance-proof intake", group: "intake", table: true, text: `
What is measured: Intake.SubmitJSON, the path a REST PUT or a room event
takes, for distinct balance proofs really signed by two participants (each
on its own channel, known to the store): strict JSON decoding, EIP-712
hashing, both signature recoveries (go-ethereum's libsecp256k1 binding),
the channel from the store's in-memory channel cache, the reward deposit
and profitability check, and the durable compare-and-store of the nonce
(the per-signer rate limit is off: 64 signing keys would trip it), on a SQLite store that already holds
1,000,000 requests (internal/testkit/benchdb). 64 clients submit concurrently;
an op is one accepted message whose client has its answer.

What a client's acknowledgement waits for: the commit of the transaction
that holds its request, with SQLite in WAL mode and synchronous=FULL (the
WAL is fsynced before the commit returns), so an acknowledged request
survives a crash or a power cut. Commits are batched by group commit
(monitor/store/groupcommit.go): whichever waiting caller takes the writer
runs every request queued at that moment (up to 512) in one transaction and
one fsync and answers each with its own result; there is no timer, so a
lone request is committed at once. msgs/commit is the average batch.
WAL checkpoints run in their own goroutine, off the commit path
(monitor/store/checkpoint.go).

The bound is the rate of the two recoveries alone on all cores
(BenchmarkRecover2), measured for a second right before and right after
the timed run and averaged (recover2-msgs/s); %bound is the ratio.
"+receipt" also signs the monitor's EIP-712 receipt, as the daemon does
for every accepted proof. The bound is measured on the machine of the run,
so the ratio, not the rate, compares runs on different machines.
BenchmarkSaveRequestGroup is the store alone (64
writers of new requests on the same 1,000,000-request database, no
signatures): the ceiling the database puts on intake.

The goal is missed: see section 8 for the profile (taken on an earlier,
faster machine of this kind, an Intel Xeon; its microsecond figures are
that machine's). In short, per accepted
proof the two recoveries cost about 95 µs of CPU and everything else about
150 µs more (the SQLite write of a request into a 1,000,000-row table
with three indexes ~80 µs, decoding ~30 µs, the WAL checkpointer ~15 µs,
scheduling and garbage collection the rest), and the process keeps the
two cores about three-quarters busy. Reaching 75% of the bound would need
everything but the recoveries under about a third of their cost: an
append-only request journal as the durable acknowledgement with the
newest nonces in memory and the indexed tables written behind it in
key-ordered batches, and a struct-based decoder.`},
	{id: "2", title: "Appointment intake", group: "intake", table: true, text: `
Tower.SubmitAppointmentJSON for distinct appointments really signed by 64
users: decoding, bounds (blob size, start and end block, per-locator cap),
one recovery of the user's key from the Lightning message signature
(libsecp256k1 through go-ethereum's binding, about 3 times pure-Go btcec on
this curve), the fee check against the bounty and the durable store (group commit as
above), on a store holding 1,000,000 appointments; "+receipt" also signs
the tower's receipt. The bound is one recovery per message on all cores
(BenchmarkRecoverMessage1), measured beside the run.

The goal is missed by more than for balance proofs, for the same reason
with a smaller bound's unit: one recovery is about 45 µs of CPU, while
storing the appointment (a 300-byte blob, the per-locator cap check, the
locator and expiry indexes, the user's first sighting) and decoding cost
several times that. The same remedy applies.`},
	{id: "3", title: "Block matching", group: "match", table: true, text: `
The work per block before any store access: the txid of each of a block's
4,000 transactions (double SHA-256 of its serialization without witnesses,
tower.TxIDs) and a lookup of its locator (the txid's
first 16 bytes) in the in-memory index. The block is decoded beforehand:
the download and decoding of getblock are not included. The index
(monitor/tower/locindex.go) keeps the first 8 bytes of each stored locator in a
sorted array with a bucket table over the top bits (index-bytes/appointment
includes the bucket table); a hit is confirmed against the store, and with
64-bit prefixes a false positive is about one block in 10^8 at 10,000,000
appointments. BenchmarkMatchBlockLookupOnly is the lookups without hashing.

Index rebuild at start (BenchmarkIndexRebuild): Tower.Load on the store
holding 1,000,000 appointments, the locators streamed from SQLite in
chunks in index order and the index built; the table gives the time scaled
to 10,000,000 (the 10,000,000-appointment database is not built by make
bench: filling it takes longer than the whole run). BenchmarkIndexBuild is
the in-memory part alone at 1,000,000 and 10,000,000.

Block matching on a follower replica (BenchmarkFollowerBlock, monitor/pgstore):
replicas on one PostgreSQL database load the index once and then read only
what changed (Tower.Refresh, docs/operations.md section 6a). The database
holds 1,000,000 appointments, loaded into the follower's index once; before
each block another replica stores 100 new appointments (untimed); the
figure is the follower's incremental refresh, which reads those 100, plus
Tower.ProcessBlock on a 4,000-transaction block (txids, lookups and the
per-block store checks), on the shared test cluster; the refresh alone is
shown beside it. This is what a replica that takes the bitcoin role pays
per block instead of a rebuild.

The peers' way, at 1,000,000 stored (make bench does not build their
10,000,000-row databases: 13 and 19 minutes of filling; run them with
VIGIL_BENCH_STORED=10000000): BenchmarkMatchBlockSQLiteIN looks the
block's 4,000 locators up with one indexed SELECT ... WHERE locator IN
(...) on Vigil's own SQLite schema; BenchmarkMatchBlockLndTowerDB calls
lnd v0.21.1-beta's watchtower database (wtdb.TowerDB.QueryMatches on
bbolt, tools/peerbench, its own Go module) with the block's 4,000 breach
hints, as lnd's lookout does per block (lnd's hint is SHA-256 of the txid,
which its "txid + lookups" figure includes). "lookups only" excludes txid
hashing in all three. Their databases are filled once through their own
APIs and cached in $TMPDIR (about 2 minutes each for 1,000,000).`},
	{id: "4", title: "Breach to broadcast", group: "breach", table: true, text: `
On a real btcd v0.26.2 in regtest, with the daemon's own objects (SQLite
store, Bitcoin RPC client, Tower, block watcher) and 10,000 other
appointments stored: a revoked BOLT 3 commitment is mined into a block, and
the time runs from the moment the watcher is told to look (the block
notification: the start of its poll) until sendrawtransaction has returned
for the justice transaction with the bounty output. Each iteration checks
the transaction is in btcd's mempool. Not included: how the watcher learns
of the block (a push from btcd's websocket notifyblocks, or the next poll
on a node without it): section 5 measures the whole reaction, detection
included. p99 of 30 samples is their maximum. The squatted row is the
same path with 1,000 junk appointments (under 1,000 keys, each a distinct
forged-signature spend of the breach that passes every cheap check) on
the breached locator besides the victim's (docs/protocol.md §9 item 15),
10 samples.`},
	{id: "5", title: "Reaction to a pushed block", group: "react", table: true, text: `
The whole daemon (Daemon.Run with the SQLite store, the watchtower, the
REST API) against a real btcd in regtest, its block watcher woken only by
btcd's websocket notifyblocks (bitcoin.poll_interval is an hour in the
benchmark, so detection is included). Each event: a channel is opened, the
victim's appointment is accepted over REST and the revoked commitment
enters the mempool, untimed; then the time runs from just before the
generate call that mines the breach block (so it includes the node's own
mining and acceptance of the block, mine-p50-ms) to the arrival at the
benchmark of btcd's websocket txaccepted notification for vigild's justice
transaction, which is then checked to carry the bounty output to vigild's
payout. p99 of 30 events is their maximum.

The Ethereum side: the whole daemon against a real geth --dev mining on
demand (--dev.period 0: a block is made as soon as a transaction enters the
pool, never otherwise), dialled over its WebSocket so that the watcher is
woken only by the heads geth pushes (eth_subscribe newHeads; the poll
interval is an hour), confirmations 0, vigild's account registered as a
monitor. Each event uses its own channel (settle timeout 5 blocks): opened
and funded with the reward, the victim's newest proof accepted over REST,
untimed. The channel admits vigild's updateTransfer only from its slot,
closedBlock + SlotOffset(channel, monitor) (0, 1 or 2 blocks here), so the
timed block is the slot's first: the close block itself when the offset is
0 (vigild must also find the close event in it; close-events counts these),
else a block mined after the close and the blocks before the slot, untimed.
The time runs from just before the eth_sendRawTransaction that hands geth
the transaction whose arrival makes it mine that block (the partner's stale
close, or a transfer of nothing) to the arrival at the benchmark of geth's
newPendingTransactions notification for a transaction from vigild's account
calling updateTransfer on the channel, which is then checked to be mined in
the slot. The send call itself takes trigger-p50-ms; geth's newHeads
notification of the block reaches the benchmark after head-p50-ms (the
node's share: accepting the transaction, mining the block, pushing it;
head-p99-ms its maximum), and the rest, from that notification to the
pooled update, is vigild's share (after-head-p50-ms, after-head-p99-ms),
its detection included: geth pushes the head to vigild at the same moment. Before each event
vigild has processed the head and is given a second to finish its tick
and its store's background WAL checkpoint (which runs once writes pause
for 100 ms), as it would between real blocks (12 s apart on mainnet): a
checkpoint's fsync running beside the reaction's commit delays that commit
by tens of milliseconds on this virtual disk, which is what a shorter pause
measured. p99 of 30 events is their maximum.`},
	{id: "6", title: "Mass close on Ethereum", group: "massclose", table: true, text: `
The real daemon wiring against go-ethereum's simulated backend (a real
EVM) over JSON-RPC on 127.0.0.1, with a counting proxy in front of it:
1,000 monitored channels, each with a newer balance proof held by vigil,
closed by their partners with stale proofs within 10 blocks while blocks
keep coming; every channel must get vigil's updateTransfer mined inside its
settlement window. RPC calls per block are counted while nothing happens,
with all channels monitored and with a tenth of them: the watcher's
topic-filtered eth_getLogs makes them independent of the number of
channels. The simulated chain runs in the same process, so the peak heap
includes it.`},
	{id: "7", title: "Read API", group: "readapi", table: true, text: `
The real vigild binary, its database holding 1,000,000 stored proofs,
under load from a second process (the benchmark, a Go load generator) over
loopback with keep-alive connections (cmd/vigild/bench_readapi_test.go).
The open-loop run sends at a fixed offered rate (5,000 req/s for stats,
200 req/s for pages of 100 proofs starting at random channels) for 10 s
over 64 connections and measures each request's latency from its scheduled
send time, so a slow server cannot hide its queueing (no coordinated
omission); the closed-loop run finds the maximum rate with 16 connections.
The load generator and vigild share the same two cores, so p99 also holds
the load generator's own lateness on a busy host: vigild-p99-bound-ms is
vigild's handler p99 from its own /metrics histogram, cpu-pressure-pct how
much of the run something on the machine waited for a CPU, and
sched-lag-p99-ms how late the generator sent.`},
	{id: "8", title: "Profile and fix", text: profileText},
	{id: "9", title: "Replicas on PostgreSQL", group: "replicas", table: true, text: `
Takeover (BenchmarkTakeover): two replicas of the real daemon wiring share
one PostgreSQL database (a private cluster on loopback) and the simulated
chain over JSON-RPC, with the default lease check (store.lease_check, 1 s)
and a 25 ms watcher poll. Each op is one kill of the replica leading the
ethereum role: untimed, a channel is opened and funded with a reward, the
victim's newer proof is accepted, and a random part of one lease check
passes (a death comes at any point of the follower's retry cycle); then
the time runs from the kill (the server ends the leader's lease session,
as it does when a dead machine's connection drops, and the daemon stops)
while the partner closes the channel with stale state (mined at once with
the blocks up to the monitor's slot) and the chain makes a block every
100 ms, until the follower's updateTransfer is in the node's pool. The span holds
the follower's wait for the free lock (at most one lease check: it tries
every lease_check), its new term, a watcher built from the shared cursor,
the close found, the slot reached and the update sent; role-p50-ms is the
part until the follower's /api/1/stats shows the new term. After each kill
the update is mined, checked to be the operator account's one transaction,
and the dead replica restarts as the follower. p99 of 20 kills is their
maximum. A shorter lease_check shortens the wait for the lock, at the cost
of one round trip per replica and role per check.

Intake on PostgreSQL (BenchmarkIntakePostgres): section 1's path
(Intake.SubmitJSON, 64 concurrent clients, distinct really signed proofs
on channels the store knows, the two-recovery bound measured beside it) on
the PostgreSQL store holding 100,000 requests, with PostgreSQL's default
durability (every acknowledged commit flushed). A replica is what a vigild
brings to intake: its own connection pool, group committer and Intake;
with two, the clients are split between them, on the one database, in one
process. The store keeps no channel cache (another replica may change a
channel), so each message also reads its channel from the database, and
intake's compare-and-store runs under one transaction-level advisory lock
per domain, so the replicas' group commits take turns. The server shares
the machine's cores with the benchmark: its CPU is not in cpu-us/op but is
taken from the recoveries.`},
}
