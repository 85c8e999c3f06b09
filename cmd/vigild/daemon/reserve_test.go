//go:build linux

package daemon_test

import (
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/smallfs"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

const (
	testReserve      = 4 << 20
	testReserveCheck = 100 * time.Millisecond
)

// reserveAllocated is the bytes of the reserve file's blocks.
func reserveAllocated(t *testing.T, dataDir string) int64 {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dataDir, "vigil.db.reserve"))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Blocks * 512
}

// TestDiskFullReserveKeepsChannelsWatched: vigild's data directory is on a
// real small tmpfs with a 4 MiB disk reserve. The disk is filled to the
// last byte while vigild runs (a reader holding the WAL, so every commit
// needs new space). The first request that finds no space releases the
// reserve and is refused storage_unavailable; stats, /metrics and /healthz
// (503, store disk_reserve_spent) say so at once, and new requests keep
// being refused. Then the partner closes the channel stale: the watcher
// and the responder write into the freed space and vigild's updateTransfer
// lands within the window. Once space is freed the reserve is re-created
// (its blocks allocated), everything clears and requests are taken again;
// every acknowledged request is there after a restart.
//
// Without the reserve the same run sends nothing until space returns
// (TestDiskFullPausesAndRecovers).
func TestDiskFullReserveKeepsChannelsWatched(t *testing.T) {
	fs := smallfs.Mount(t, 32<<20)
	chain := ethtest.New(t, 5)
	alice, bob, carol, dave, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2], chain.Keys[3], chain.Keys[4]
	reward := big.NewInt(2_000_000_000_000_000)
	s := newScenario(t, chain, alice, bob, 30, reward)
	later := newScenario(t, chain, carol, dave, 30, reward)
	opts := vigilOpts{key: operator, conf: 1, dataDir: filepath.Join(fs.Dir, "data"), reserveBytes: testReserve, reserveCheck: testReserveCheck}
	v := startVigil(t, chain, opts)
	aliceAddr, bobAddr, carolAddr := ethtest.Address(alice), ethtest.Address(bob), ethtest.Address(carol)

	if n := reserveAllocated(t, opts.dataDir); n < testReserve {
		t.Fatalf("reserve has %d bytes allocated at start, want %d", n, testReserve)
	}
	if st := v.stats().Store; st == nil || st.ReserveBytes != testReserve || st.ReserveReleased || st.FreeBytes <= 0 {
		t.Fatalf("store stats at start: %+v", st)
	}
	v.waitHealth(t, http.StatusOK, "store", "ok")
	milli := new(big.Int).Div(ethtest.Ether, big.NewInt(1000))
	if code, body := v.put(s.proof(t, 2, new(big.Int).Mul(big.NewInt(200), milli), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}

	// Fill the disk with a reader holding the WAL; requests until one
	// finds no space. A 201 is an acknowledgement: that nonce must survive.
	release := pinWAL(t, filepath.Join(opts.dataDir, "vigil.db"))
	filled := fs.Fill()
	t.Logf("filled %d bytes; %d left", filled, fs.Available())
	acked := uint64(2)
	var refusal map[string]any
	for nonce := uint64(3); refusal == nil; nonce++ {
		if nonce > 5000 {
			t.Fatal("no request was refused on a full disk")
		}
		switch code, body := v.put(s.proof(t, nonce, new(big.Int).Mul(big.NewInt(int64(100*nonce)), milli), reward)); {
		case code == http.StatusCreated:
			acked = nonce
		case code == http.StatusServiceUnavailable && body["error"] == string(monitor.ReasonStorageUnavailable):
			refusal = body
		default:
			t.Fatalf("PUT nonce %d on a full disk: %d %v", nonce, code, body)
		}
	}
	t.Logf("acknowledged up to nonce %d; then %v", acked, refusal)

	// The reserve is released and reported at once.
	st := v.stats().Store
	if st == nil || !st.ReserveReleased || st.ReserveReleases != 1 || st.FreeBytes < testReserve/2 {
		t.Fatalf("store stats after the disk filled: %+v", st)
	}
	if n := reserveAllocated(t, opts.dataDir); n != 0 {
		t.Fatalf("released reserve still holds %d bytes", n)
	}
	h := v.waitHealth(t, http.StatusServiceUnavailable, "store", "disk_reserve_spent")
	if p := h.Parts["store"]; !strings.Contains(p.Message, "reserve") {
		t.Fatalf("/healthz store part: %+v", p)
	}
	if m := v.metricsText(); !strings.Contains(m, "\nvigil_store_reserve_released 1\n") ||
		!strings.Contains(m, "\nvigil_store_reserve_releases_total 1\n") || !strings.Contains(m, "\nvigil_store_reserve_bytes 4.194304e+06\n") {
		t.Fatalf("/metrics with the reserve released:\n%s", grepLines(m, "vigil_store_"))
	}
	// New requests are refused while the reserve is spent, though the
	// freed space would hold them.
	for i := 0; i < 3; i++ {
		code, body := v.put(later.proof(t, uint64(1+i), big.NewInt(1000), reward))
		if code != http.StatusServiceUnavailable || body["error"] != string(monitor.ReasonStorageUnavailable) {
			t.Fatalf("PUT of a new client with the reserve spent: %d %v", code, body)
		}
	}

	// Bob closes stale with alice's 1-ether proof: vigild must answer
	// within the window, on the still full disk.
	closed := s.bobClosesStale(t, 7, ethtest.Ether)
	deadline := closed + s.timeout
	mineUntil(t, chain, int(s.timeout)-2, "vigil's updateTransfer on a full disk", func() bool {
		return onChainNonce(t, chain, s.channel, bobAddr) == acked
	})
	if head := chain.Head(t); head > deadline {
		t.Fatalf("update landed at %d, after the deadline %d", head, deadline)
	}
	mineUntil(t, chain, 5, "the update in stats", func() bool { return v.stats().Updates.Submitted == 1 })
	if st := v.stats(); st.Store == nil || !st.Store.ReserveReleased || st.Ethereum.LastProcessed+st.Ethereum.Confirmations < chain.Head(t)-2 {
		t.Fatalf("after the update: store %+v, watcher at %d of %d", st.Store, st.Ethereum.LastProcessed, chain.Head(t))
	}
	select {
	case err := <-v.done:
		t.Fatalf("vigild stopped on a full disk: %v", err)
	default:
	}

	// Space returns: the reserve is re-created and everything clears.
	release()
	fs.Free()
	ethtest.Eventually(t, defaultWait, "the reserve re-created", func() bool {
		st := v.stats().Store
		return st != nil && !st.ReserveReleased
	})
	if n := reserveAllocated(t, opts.dataDir); n < testReserve {
		t.Fatalf("re-created reserve holds %d bytes", n)
	}
	v.waitHealth(t, http.StatusOK, "store", "ok")
	if m := v.metricsText(); !strings.Contains(m, "\nvigil_store_reserve_released 0\n") {
		t.Fatalf("/metrics after the reserve was re-created:\n%s", grepLines(m, "vigil_store_"))
	}
	if code, body := v.put(later.proof(t, 5, big.NewInt(5000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT after space returned: %d %v", code, body)
	}

	// Nothing acknowledged is lost, also across a restart.
	v.stop()
	v = startVigil(t, chain, opts)
	if n, ok := v.storedNonce(s.channel, aliceAddr); !ok || n != acked {
		t.Fatalf("after restart: nonce %d (%v), want %d", n, ok, acked)
	}
	if n, ok := v.storedNonce(later.channel, carolAddr); !ok || n != 5 {
		t.Fatalf("after restart: the later channel's nonce %d (%v), want 5", n, ok)
	}
	if st := v.stats(); st.Store == nil || st.Store.ReserveReleased || st.Updates.Submitted != 1 {
		t.Fatalf("after restart: store %+v, updates %+v", st.Store, st.Updates)
	}
}

// TestTowerDiskFullReserveBreachAnswered: the watchtower's data directory
// is on a real small tmpfs with a 4 MiB reserve. An appointment is stored,
// the disk is filled to the last byte (a reader holding the WAL) and blocks
// are mined: the Bitcoin watcher's first cursor write that finds no space
// releases the reserve and the watcher keeps following the tip. Another
// appointment is refused storage_unavailable, /healthz says
// disk_reserve_spent; the breach mined now is answered with the justice
// transaction while the disk is still full. Once space is freed the
// reserve is re-created and appointments are taken again.
//
// Without the reserve the breach is answered only after space returns
// (TestTowerDiskFullBreachAnsweredAfter).
func TestTowerDiskFullReserveBreachAnswered(t *testing.T) {
	fs := smallfs.Mount(t, 32<<20)
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, _ := payoutAddress(t)
	dataDir := filepath.Join(fs.Dir, "data")
	v := towerVigil(t, chain, btc, vigilOpts{key: chain.Keys[0], conf: 1, dataDir: dataDir,
		reserveBytes: testReserve, reserveCheck: testReserveCheck}, payout)
	b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b.appt))); code != http.StatusCreated {
		t.Fatalf("PUT appointment: %d %v", code, body)
	}

	release := pinWAL(t, filepath.Join(dataDir, "vigil.db"))
	fs.Fill()
	// Blocks until one finds no space (the first may still fit in WAL
	// file space left from before the reader came); the watcher follows
	// the tip throughout.
	for round := 0; ; round++ {
		if round == 40 {
			t.Fatalf("200 blocks on a full disk and the reserve not released: %+v", v.stats().Store)
		}
		btc.Generate(t, 5) // each block is a cursor write that needs new space
		tip := uint32(btc.Height(t))
		ethtest.Eventually(t, defaultWait, "the watcher to follow the tip on a full disk", func() bool {
			return v.stats().Lightning.LastProcessed >= tip
		})
		if st := v.stats().Store; st != nil && st.ReserveReleased {
			break
		}
	}
	if st := v.stats().Store; st == nil || st.ReserveReleases != 1 {
		t.Fatalf("store stats after the disk filled: %+v", st)
	}
	v.waitHealth(t, http.StatusServiceUnavailable, "store", "disk_reserve_spent")

	// A new appointment is refused (never an internal error).
	b2 := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	var code int
	var body map[string]any
	ethtest.Eventually(t, defaultWait, "the tower to take the new tip", func() bool {
		code, body = v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b2.appt)))
		return body["error"] != string(monitor.ReasonStartBlockOutOfWindow)
	})
	if code != http.StatusServiceUnavailable || body["error"] != string(monitor.ReasonStorageUnavailable) {
		t.Fatalf("PUT appointment with the reserve spent: %d %v", code, body)
	}

	// The breach, on the still full disk: answered.
	btc.Broadcast(t, b.commit)
	btc.Generate(t, 1)
	ethtest.Eventually(t, defaultWait, "vigil's justice transaction on a full disk", func() bool {
		return spenderInMempool(t, btc, b.commit.TxHash()) != nil && v.stats().Lightning.JusticeBroadcast > 0
	})
	if st := v.stats().Store; st == nil || !st.ReserveReleased {
		t.Fatalf("the reserve was re-created before space was freed: %+v", st)
	}
	select {
	case err := <-v.done:
		t.Fatalf("vigild stopped on a full disk: %v", err)
	default:
	}

	// Space returns: the reserve is re-created, appointments are taken.
	release()
	fs.Free()
	ethtest.Eventually(t, defaultWait, "the reserve re-created", func() bool {
		st := v.stats().Store
		return st != nil && !st.ReserveReleased
	})
	if n := reserveAllocated(t, dataDir); n < testReserve {
		t.Fatalf("re-created reserve holds %d bytes", n)
	}
	v.waitHealth(t, http.StatusOK, "store", "ok")
	if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b2.appt))); code != http.StatusCreated {
		t.Fatalf("PUT appointment after space returned: %d %v", code, body)
	}
}
