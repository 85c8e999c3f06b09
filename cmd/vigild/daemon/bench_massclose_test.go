package daemon_test

// BenchmarkMassClose is the "mass close on Ethereum" benchmark (issue 6):
// 1,000 monitored channels (50 with -short) are closed by their partners
// with stale balance proofs within 10 blocks, and every one must be
// corrected by vigild's updateTransfer inside its challenge window.
//
// What runs: the real daemon wiring (startVigil: SQLite store, watcher,
// responder, REST API; one confirmation, the harness's 25 ms poll interval)
// against go-ethereum's simulated backend (a real EVM, transaction pool and
// miner) served over JSON-RPC on 127.0.0.1. Between vigild and the node sits
// a counting reverse proxy (rpcCounter, 127.0.0.1): every JSON-RPC call
// vigild makes goes through it and is counted by method (each call of a
// batch counts). The test's own chain traffic (opening channels, deposits,
// the partners' closes, the checks) uses the in-process client and is not
// counted.
//
// Setup (not timed): all channels are opened between alice (the client who
// goes offline) and bob (her partner, who closes stale); alice deposits the
// reward (0.01 ether) in each. vigild starts, a newer balance proof of bob's
// transfers to alice, with her monitoring request, is PUT to its REST API for
// a tenth of the channels, and ~20 quiet blocks at the cadence are counted
// ("rpc/block-idle-tenth"); then for the rest, and ~20 quiet blocks again
// ("rpc/block-idle"). Equal figures show that watching costs the same for
// 100 and for 1,000 monitored channels.
//
// Measured part: bob closes every channel with alice's (older) proof, a
// tenth of them in each of 10 consecutive blocks (his transactions are
// signed beforehand). Blocks are produced by the test at a fixed cadence,
// one every 200 ms (blockCadence), whether or not vigild is ready, as a real
// chain would; when building a block takes longer than the cadence, the
// next one follows at once (no burst to catch up). Mining goes on until
// every channel has an updateTransfer mined or the last window has passed.
// The test reads each block's logs to record when each channel was closed
// and updated.
//
// Checks (the benchmark fails otherwise): every channel is updated inside
// its window (closedAt .. closedAt+settleTimeout); afterwards each channel's
// on-chain nonce for bob's transfers is its newest proof's nonce and the
// reward payout is vigild's payout address.
//
// Metrics:
//   - channels; updated-%, missed: channels updated in their window / not.
//   - s-to-all-updated: wall time from the block holding the first close to
//     the block holding the last update; blocks-to-all-updated: the same in
//     blocks. block-ms: the mean block interval achieved meanwhile (the
//     cadence, or more when a block took longer to build).
//   - rpc/block-idle, rpc/block-idle-tenth: vigild's JSON-RPC calls per
//     block over ~20 quiet blocks with all / a tenth of the channels
//     monitored. getLogs/block: eth_getLogs per block during the close phase
//     (one topic-filtered query per processed block range, whatever the
//     number of channels; below 1 when a poll covers several blocks).
//   - rpc/update: calls attributable to responding, per update: the calls of
//     the close phase minus the idle rate times its blocks, divided by the
//     updates. txpool-MB/update: bytes vigild read from txpool_content in the
//     close phase, per update.
//   - txs-sent: updates vigild signed and sent (first sends, from its
//     stats); fee-bumps: replacement transactions it sent (records with a
//     replacement count), needed while the base fee climbs during the run.
//   - peak-heap-MB: the largest runtime HeapInuse, sampled every 50 ms over
//     the whole run. The simulated chain runs in the same process, so this
//     is chain + vigild + test; heap-chain-MB is HeapInuse after a GC with
//     all channels open, before vigild starts, for comparison.
//   - gas/close, gas/update: gas used by one close and one first update
//     (go-ethereum 1.17's simulated backend enables future forks, which
//     make both several times dearer than under mainnet's rules);
//     block-gas-limit; updates/block: how many updates a block holds (the
//     miner admits a transaction while its gas limit, estimate + 20%, fits,
//     then charges the gas used); gas-bound-blocks: the fewest blocks the
//     closes and updates of the phase fit in by gas alone.
//   - settle-timeout: the window, 100 blocks: several times gas-bound-blocks
//     plus the 10 close blocks, so that a missed window means vigild fell
//     behind, not that the chain had no room.
//
// Timings depend on the machine: the chain's EVM, the daemon and the test
// share its cores.
//
// Run: go test ./cmd/vigild/daemon/ -run '^$' -bench MassClose -benchtime 1x [-short]

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	vethereum "github.com/vigil-monitor/vigil/chains/ethereum"
	"github.com/vigil-monitor/vigil/contracts"
	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

const (
	massCloseBlocks = 10                     // the closes are spread over this many blocks
	blockCadence    = 200 * time.Millisecond // one block per cadence during the measured part
	settleTimeout   = 100                    // blocks
	idleBlocks      = 20
)

func BenchmarkMassClose(b *testing.B) {
	n := 1000
	if testing.Short() {
		n = 50
	}
	for i := 0; i < b.N; i++ {
		runMassClose(b, n)
	}
}

func runMassClose(b *testing.B, n int) {
	b.StopTimer()
	wall := time.Now()
	var peakHeap atomic.Uint64
	stopSampler := sampleHeap(&peakHeap)
	defer stopSampler()

	chain := ethtest.New(b, 3)
	alice, bob, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2]
	pk, err := crypto.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	payout := ethtest.Address(pk)
	reward := new(big.Int).Div(ethtest.Ether, big.NewInt(100)) // 0.01 ether
	proxy := newRPCCounter(b, chain.URL)

	m := newMassClose(b, chain, alice, bob, reward, payout)
	m.open(n)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapChain := ms.HeapInuse

	// A tenth of the channels monitored, then idle; then all, then idle.
	tenth := max(n/10, 1)
	v := startVigil(b, chain, vigilOpts{key: operator, payout: payout, conf: 1, ethURL: proxy.url()})
	m.register(v, 0, tenth)
	idleTenth := m.idle(v, proxy)
	m.register(v, tenth, n)
	idleAll := m.idle(v, proxy)
	if st := v.stats(); st.BalanceProofs.Stored != int64(n) {
		b.Fatalf("vigild stores %d balance proofs, want %d", st.BalanceProofs.Stored, n)
	}
	closes := m.signCloses()
	setup := time.Since(wall)

	// Measured: the closes, then blocks at the cadence until all updated or
	// every window has passed.
	b.StartTimer()
	res := m.closeAndMine(proxy, closes)
	b.StopTimer()

	m.verify(res)
	st := v.stats()
	outcomes := updateOutcomes(b, v.url)

	updated := len(res.updated)
	missed := n - updated
	blocks := res.lastUpdateBlock - res.firstCloseBlock
	phaseCalls := res.calls.total()
	responding := float64(phaseCalls) - idleAll.perBlock*float64(res.blocksMined)
	b.ReportMetric(float64(n), "channels")
	b.ReportMetric(100*float64(updated)/float64(n), "updated-%")
	b.ReportMetric(float64(missed), "missed")
	b.ReportMetric(res.lastUpdateAt.Sub(res.firstCloseAt).Seconds(), "s-to-all-updated")
	b.ReportMetric(float64(blocks), "blocks-to-all-updated")
	b.ReportMetric(float64(res.elapsed.Milliseconds())/float64(max(res.blocksMined, 1)), "block-ms")
	b.ReportMetric(idleAll.perBlock, "rpc/block-idle")
	b.ReportMetric(idleTenth.perBlock, "rpc/block-idle-tenth")
	b.ReportMetric(float64(res.calls.byMethod["eth_getLogs"])/float64(max(res.blocksMined, 1)), "getLogs/block")
	b.ReportMetric(responding/float64(max(updated, 1)), "rpc/update")
	b.ReportMetric(float64(res.calls.bytesByMethod["txpool_content"])/1e6/float64(max(updated, 1)), "txpool-MB/update")
	b.ReportMetric(float64(st.Updates.Submitted), "txs-sent")
	b.ReportMetric(float64(outcomes["fee-bumps"]), "fee-bumps")
	b.ReportMetric(float64(res.updateGas), "gas/update")
	b.ReportMetric(float64(res.closeGas), "gas/close")
	b.ReportMetric(float64(res.perBlockCap), "updates/block")
	b.ReportMetric(float64(res.gasBound), "gas-bound-blocks")
	b.ReportMetric(float64(res.gasLimit), "block-gas-limit")
	b.ReportMetric(float64(settleTimeout), "settle-timeout")
	b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(heapChain)/(1<<20), "heap-chain-MB")
	b.Logf("channels=%d setup=%s measured=%s total=%s blocks mined=%d (closes in %d-%d), last update block %d",
		n, setup.Round(time.Millisecond), res.elapsed.Round(time.Millisecond), time.Since(wall).Round(time.Millisecond),
		res.blocksMined, res.firstCloseBlock, res.lastCloseBlock, res.lastUpdateBlock)
	b.Logf("idle (all):   %.1f calls/block %v", idleAll.perBlock, idleAll.calls.byMethod)
	b.Logf("idle (tenth): %.1f calls/block %v", idleTenth.perBlock, idleTenth.calls.byMethod)
	b.Logf("close phase:  %d calls %s", phaseCalls, res.calls.latency())
	b.Logf("update blocks (+blocks after the first close: count): %v", res.updatesPerBlock())
	b.Logf("vigild's update records by outcome: %v", outcomes)
	if res.late > 0 {
		b.Errorf("%d updates were mined after their window", res.late)
	}
	if missed > 0 {
		b.Fatalf("%d of %d channels were not updated inside their window", missed, n)
	}
}

// massClose is the benchmark's chain-side state.
type massClose struct {
	b          *testing.B
	chain      *ethtest.Chain
	alice, bob *ecdsa.PrivateKey
	reward     *big.Int
	payout     common.Address
	channels   []common.Address
	newest     map[common.Address]uint64 // nonce of the proof given to vigild
}

func newMassClose(b *testing.B, chain *ethtest.Chain, alice, bob *ecdsa.PrivateKey, reward *big.Int, payout common.Address) *massClose {
	return &massClose{b: b, chain: chain, alice: alice, bob: bob, reward: reward, payout: payout, newest: map[common.Address]uint64{}}
}

// open opens k more channels and deposits alice's reward in each.
func (m *massClose) open(k int) {
	chs := m.chain.OpenChannels(m.b, m.alice, m.bob, k, settleTimeout)
	txs := make([]*types.Transaction, 0, len(chs))
	auth := m.auth(m.alice)
	for _, ch := range chs {
		c, err := contracts.NewNettingChannelTransactor(ch, m.chain.Client)
		if err != nil {
			m.b.Fatal(err)
		}
		auth.Value, auth.GasLimit = m.reward, 200_000
		tx, err := c.DepositReward(auth)
		if err != nil {
			m.b.Fatal(err)
		}
		auth.Nonce.Add(auth.Nonce, big.NewInt(1))
		txs = append(txs, tx)
	}
	m.mineAll(txs, "depositReward")
	m.channels = append(m.channels, chs...)
}

// auth is a signer for key that does not send (the test sends the batch)
// and counts nonces itself.
func (m *massClose) auth(key *ecdsa.PrivateKey) *bind.TransactOpts {
	a, err := bind.NewKeyedTransactorWithChainID(key, m.chain.ChainID)
	if err != nil {
		m.b.Fatal(err)
	}
	nonce, err := m.chain.Client.PendingNonceAt(context.Background(), ethtest.Address(key))
	if err != nil {
		m.b.Fatal(err)
	}
	gp, err := m.chain.Client.SuggestGasPrice(context.Background())
	if err != nil {
		m.b.Fatal(err)
	}
	a.Nonce, a.GasPrice, a.NoSend = new(big.Int).SetUint64(nonce), gp.Mul(gp, big.NewInt(4)), true
	return a
}

// mineAll sends txs and commits blocks until all are mined successfully.
func (m *massClose) mineAll(txs []*types.Transaction, what string) {
	ctx := context.Background()
	for _, tx := range txs {
		if err := m.chain.Client.SendTransaction(ctx, tx); err != nil {
			m.b.Fatalf("%s: send: %v", what, err)
		}
	}
	for i, tx := range txs {
		for tries := 0; ; tries++ {
			r, err := m.chain.Client.TransactionReceipt(ctx, tx.Hash())
			if err == nil {
				if r.Status != types.ReceiptStatusSuccessful {
					m.b.Fatalf("%s %d reverted", what, i)
				}
				break
			}
			if tries > 100 {
				m.b.Fatalf("%s %d not mined", what, i)
			}
			m.chain.Backend.Commit()
		}
	}
}

// proofNonce is the nonce of the newest proof for channel index i (varied
// so that a mix-up between channels would show).
func proofNonce(i int) uint64 { return 5 + uint64(i%7) }

// register PUTs the newest proof of channels [from, to) to vigild, a few at
// a time.
func (m *massClose) register(v *vigil, from, to int) {
	milli := new(big.Int).Div(ethtest.Ether, big.NewInt(1000))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	work := make(chan int)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				ch := m.channels[i]
				nonce := proofNonce(i)
				bp := eip712.BalanceProof{Nonce: nonce, TransferredAmount: new(big.Int).Mul(big.NewInt(int64(nonce)), milli),
					Locksroot: crypto.Keccak256Hash([]byte("locks"), ch.Bytes()), ExtraHash: crypto.Keccak256Hash([]byte("extra"))}
				req, err := vethereum.SignRequest(m.chain.ChainID, ch, bp, m.bob, m.alice, m.reward)
				if err == nil {
					err = putProof(v.url, req)
				}
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("channel %d: %w", i, err))
				} else {
					m.newest[ch] = nonce
				}
				mu.Unlock()
			}
		}()
	}
	for i := from; i < to; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	if len(errs) > 0 {
		m.b.Fatalf("%d PUTs failed, first: %v", len(errs), errs[0])
	}
}

func putProof(base string, bp proofs.BalanceProof) error {
	body, err := json.Marshal(proofs.EncodeBalanceProof(bp))
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPut, base+"/api/1/balance_proofs", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("PUT: %d %s", resp.StatusCode, raw)
	}
	return nil
}

// updateOutcomes tallies vigild's update records by outcome (REST), and
// under "fee-bumps" the records of replacement transactions.
func updateOutcomes(tb testing.TB, base string) map[string]int {
	out := map[string]int{}
	var after int64
	for {
		resp, err := http.Get(fmt.Sprintf("%s/api/1/channel_update?limit=1000&after_id=%d", base, after))
		if err != nil {
			tb.Fatal(err)
		}
		var page struct {
			ChannelUpdates []struct {
				Outcome      string `json:"outcome"`
				Replacements int    `json:"replacements"`
			} `json:"channel_updates"`
			NextAfterID int64 `json:"next_after_id"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			tb.Fatal(err)
		}
		for _, u := range page.ChannelUpdates {
			out[u.Outcome]++
			if u.Replacements > 0 {
				out["fee-bumps"]++
			}
		}
		if page.NextAfterID == 0 {
			return out
		}
		after = page.NextAfterID
	}
}

type idleResult struct {
	calls    rpcCounts
	perBlock float64
}

// idle waits for vigild to catch up, then mines idleBlocks quiet blocks at
// the cadence and counts vigild's calls over them.
func (m *massClose) idle(v *vigil, proxy *rpcCounter) idleResult {
	m.waitCaughtUp(v)
	time.Sleep(blockCadence)
	before := proxy.snapshot()
	next := time.Now()
	for i := 0; i < idleBlocks; i++ {
		next = next.Add(blockCadence)
		time.Sleep(time.Until(next))
		m.chain.Backend.Commit()
	}
	time.Sleep(blockCadence) // the last block's polls
	calls := proxy.snapshot().minus(before)
	// idleBlocks+1 cadence intervals were observed.
	return idleResult{calls: calls, perBlock: float64(calls.total()) / float64(idleBlocks+1)}
}

// waitCaughtUp waits until vigild has processed every block but the
// unconfirmed head.
func (m *massClose) waitCaughtUp(v *vigil) {
	head := m.chain.Head(m.b)
	ethtest.Eventually(m.b, 60*time.Second, "vigild to catch up with the chain", func() bool {
		return v.stats().Ethereum.LastProcessed+1 >= head
	})
}

// signCloses signs bob's stale closes (alice's nonce-1 proof) of every
// channel, with consecutive account nonces, to be sent in the measured part.
func (m *massClose) signCloses() []*types.Transaction {
	auth := m.auth(m.bob)
	var closeGas uint64
	out := make([]*types.Transaction, 0, len(m.channels))
	for _, ch := range m.channels {
		bp := eip712.BalanceProof{Nonce: 1, TransferredAmount: big.NewInt(1)}
		sig, err := eip712.Sign(eip712.Domain{ChainID: m.chain.ChainID, Channel: ch}.BalanceProofDigest(bp), m.alice)
		if err != nil {
			m.b.Fatal(err)
		}
		c, err := contracts.NewNettingChannelTransactor(ch, m.chain.Client)
		if err != nil {
			m.b.Fatal(err)
		}
		auth.GasLimit = closeGas // 0: estimated on the first
		tx, err := c.Close(auth, bp.Nonce, bp.TransferredAmount, bp.Locksroot, bp.ExtraHash, sig)
		if err != nil {
			m.b.Fatal(err)
		}
		if closeGas == 0 {
			closeGas = tx.Gas() + tx.Gas()/4
			if tx, err = c.Close(withGas(auth, closeGas), bp.Nonce, bp.TransferredAmount, bp.Locksroot, bp.ExtraHash, sig); err != nil {
				m.b.Fatal(err)
			}
		}
		auth.Nonce.Add(auth.Nonce, big.NewInt(1))
		out = append(out, tx)
	}
	return out
}

func withGas(a *bind.TransactOpts, gas uint64) *bind.TransactOpts {
	a.GasLimit = gas
	return a
}

type closeResult struct {
	calls                           rpcCounts
	elapsed                         time.Duration
	blocksMined                     int
	firstCloseBlock, lastCloseBlock uint64
	lastUpdateBlock                 uint64
	firstCloseAt, lastUpdateAt      time.Time
	closedAt                        map[common.Address]uint64
	updated                         map[common.Address]uint64 // block of the update in time
	late                            int                       // updates mined after their window
	gasLimit                        uint64                    // block gas limit
	closeGas, updateGas             uint64                    // gas used by one close / one update
	perBlockCap                     uint64                    // updates a block holds
	gasBound                        uint64                    // fewest blocks all closes and updates fit in
}

func (r closeResult) updatesPerBlock() string {
	per := map[uint64]int{}
	for _, blk := range r.updated {
		per[blk-r.firstCloseBlock]++
	}
	keys := make([]uint64, 0, len(per))
	for k := range per {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var buf bytes.Buffer
	for _, k := range keys {
		fmt.Fprintf(&buf, "+%d:%d ", k, per[k])
	}
	return buf.String()
}

// closeAndMine sends the closes over massCloseBlocks blocks and mines at the
// cadence until every channel is updated or every window has passed.
func (m *massClose) closeAndMine(proxy *rpcCounter, closes []*types.Transaction) closeResult {
	ctx := context.Background()
	chAbi, err := contracts.NettingChannelMetaData.GetAbi()
	if err != nil {
		m.b.Fatal(err)
	}
	closedTopic, updatedTopic := chAbi.Events["ChannelClosed"].ID, chAbi.Events["TransferUpdated"].ID
	monitored := map[common.Address]bool{}
	for _, ch := range m.channels {
		monitored[ch] = true
	}
	res := closeResult{closedAt: map[common.Address]uint64{}, updated: map[common.Address]uint64{}}
	per := (len(closes) + massCloseBlocks - 1) / massCloseBlocks
	var maxDeadline, gasUsed uint64
	before := proxy.snapshot()
	start := time.Now()
	next := start
	for blk := 0; ; blk++ {
		if lo := blk * per; lo < len(closes) {
			for _, tx := range closes[lo:min(lo+per, len(closes))] {
				if err := m.chain.Client.SendTransaction(ctx, tx); err != nil {
					m.b.Fatalf("close %d: %v", lo, err)
				}
			}
		}
		next = next.Add(blockCadence)
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		} else {
			next = time.Now() // late: no burst to catch up
		}
		m.chain.Backend.Commit()
		at := time.Now()
		res.blocksMined++
		hdr, err := m.chain.Client.HeaderByNumber(ctx, nil)
		if err != nil {
			m.b.Fatal(err)
		}
		head := hdr.Number.Uint64()
		res.gasLimit = hdr.GasLimit
		gasUsed += hdr.GasUsed
		logs, err := m.chain.Client.FilterLogs(ctx, ethereum.FilterQuery{
			FromBlock: hdr.Number, ToBlock: hdr.Number, Topics: [][]common.Hash{{closedTopic, updatedTopic}},
		})
		if err != nil {
			m.b.Fatal(err)
		}
		for _, l := range logs {
			if !monitored[l.Address] {
				continue
			}
			switch l.Topics[0] {
			case closedTopic:
				res.closedAt[l.Address] = head
				maxDeadline = max(maxDeadline, head+settleTimeout)
				if res.firstCloseBlock == 0 {
					res.firstCloseBlock, res.firstCloseAt = head, at
					res.closeGas = m.gasUsed(l.TxHash)
				}
				res.lastCloseBlock = head
			case updatedTopic:
				closed, ok := res.closedAt[l.Address]
				if !ok || head > closed+settleTimeout {
					res.late++
					continue
				}
				if _, dup := res.updated[l.Address]; !dup {
					res.updated[l.Address] = head
					res.lastUpdateBlock, res.lastUpdateAt = head, at
				}
				if res.updateGas == 0 {
					res.updateGas = m.gasUsed(l.TxHash)
					tx, _, err := m.chain.Client.TransactionByHash(ctx, l.TxHash)
					if err != nil {
						m.b.Fatal(err)
					}
					// The miner admits a transaction while its gas limit
					// fits in what is left of the block, then charges the
					// gas used.
					res.perBlockCap = (hdr.GasLimit-tx.Gas())/res.updateGas + 1
				}
			}
		}
		if len(res.updated) == len(m.channels) {
			break
		}
		if len(res.closedAt) == len(m.channels) && head > maxDeadline {
			break
		}
		if blk > 10*settleTimeout {
			m.b.Fatalf("closes not all mined after %d blocks", blk)
		}
	}
	res.elapsed = time.Since(start)
	res.calls = proxy.snapshot().minus(before)
	if res.gasLimit > 0 {
		res.gasBound = (gasUsed + res.gasLimit - 1) / res.gasLimit
	}
	return res
}

func (m *massClose) gasUsed(tx common.Hash) uint64 {
	r, err := m.chain.Client.TransactionReceipt(context.Background(), tx)
	if err != nil {
		m.b.Fatal(err)
	}
	return r.GasUsed
}

// verify checks on chain that every channel updated in time carries the
// newest proof and vigild's payout.
func (m *massClose) verify(res closeResult) {
	bobAddr := ethtest.Address(m.bob)
	bad := 0
	for _, ch := range m.channels {
		if _, ok := res.updated[ch]; !ok {
			continue
		}
		c, err := contracts.NewNettingChannelCaller(ch, m.chain.Client)
		if err != nil {
			m.b.Fatal(err)
		}
		nonce, err := c.Nonces(&bind.CallOpts{}, bobAddr)
		if err != nil {
			m.b.Fatal(err)
		}
		p, err := c.RewardPayout(&bind.CallOpts{})
		if err != nil {
			m.b.Fatal(err)
		}
		if nonce != m.newest[ch] || p != m.payout {
			bad++
			if bad < 5 {
				m.b.Errorf("channel %s: on-chain nonce %d payout %s, want nonce %d payout %s", ch.Hex(), nonce, p.Hex(), m.newest[ch], m.payout.Hex())
			}
		}
	}
	if bad > 0 {
		m.b.Fatalf("%d channels carry the wrong proof or payout", bad)
	}
}

// sampleHeap records the peak HeapInuse every 50 ms until stopped.
func sampleHeap(peak *atomic.Uint64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// rpcCounter is a reverse proxy in front of a JSON-RPC endpoint that counts
// calls by method (each call of a batch counts) and response bytes.
type rpcCounter struct {
	srv    *httptest.Server
	target string
	client *http.Client

	mu     sync.Mutex
	counts rpcCounts
}

type rpcCounts struct {
	byMethod      map[string]int64
	bytesByMethod map[string]int64 // response bytes, split evenly over a batch
	nanosByMethod map[string]int64 // round-trip time through the proxy, split evenly over a batch
}

func (c rpcCounts) total() int64 {
	var t int64
	for _, v := range c.byMethod {
		t += v
	}
	return t
}

func (c rpcCounts) clone() rpcCounts {
	out := newRPCCounts()
	for k, v := range c.byMethod {
		out.byMethod[k] = v
	}
	for k, v := range c.nanosByMethod {
		out.nanosByMethod[k] = v
	}
	for k, v := range c.bytesByMethod {
		out.bytesByMethod[k] = v
	}
	return out
}

func (c rpcCounts) minus(o rpcCounts) rpcCounts {
	out := c.clone()
	for k, v := range o.byMethod {
		out.byMethod[k] -= v
		if out.byMethod[k] == 0 {
			delete(out.byMethod, k)
		}
	}
	for k, v := range o.bytesByMethod {
		out.bytesByMethod[k] -= v
	}
	for k, v := range o.nanosByMethod {
		out.nanosByMethod[k] -= v
	}
	return out
}

func newRPCCounts() rpcCounts {
	return rpcCounts{byMethod: map[string]int64{}, bytesByMethod: map[string]int64{}, nanosByMethod: map[string]int64{}}
}

// latency is the mean round trip per method, for the log.
func (c rpcCounts) latency() string {
	keys := make([]string, 0, len(c.byMethod))
	for k := range c.byMethod {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	for _, k := range keys {
		if n := c.byMethod[k]; n > 0 {
			fmt.Fprintf(&buf, "%s:%d×%.2fms ", k, n, float64(c.nanosByMethod[k])/float64(n)/1e6)
		}
	}
	return buf.String()
}

func newRPCCounter(tb testing.TB, target string) *rpcCounter {
	c := &rpcCounter{target: target, counts: newRPCCounts(),
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 60 * time.Second}}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve)) // 127.0.0.1
	tb.Cleanup(c.srv.Close)
	return c
}

func (c *rpcCounter) url() string { return c.srv.URL }

func (c *rpcCounter) snapshot() rpcCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts.clone()
}

type rpcCall struct {
	Method string `json:"method"`
}

func (c *rpcCounter) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var methods []string
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '[' {
		var batch []rpcCall
		if json.Unmarshal(t, &batch) == nil {
			for _, call := range batch {
				methods = append(methods, call.Method)
			}
		}
	} else {
		var call rpcCall
		if json.Unmarshal(t, &call) == nil {
			methods = append(methods, call.Method)
		}
	}
	start := time.Now()
	req, err := http.NewRequestWithContext(r.Context(), r.Method, c.target, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header.Set("Content-Type", r.Header.Get("Content-Type"))
	resp, err := c.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	took := time.Since(start)
	c.mu.Lock()
	for _, m := range methods {
		c.counts.byMethod[m]++
		c.counts.bytesByMethod[m] += int64(len(out) / len(methods))
		c.counts.nanosByMethod[m] += int64(took) / int64(len(methods))
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}
