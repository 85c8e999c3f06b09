//go:build linux

package daemon_test

import (
	"context"
	"database/sql"
	"math/big"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver, for pinWAL

	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/internal/testkit/smallfs"
	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// pinWAL opens a read transaction on vigild's database, as a long backup
// would, right after a write. Its snapshot includes frames not yet copied
// back into the database file, so until release the WAL cannot start over
// and every commit must grow it: on a full disk the next writes fail
// instead of reusing WAL space the checkpointer freed.
func pinWAL(t *testing.T, dbPath string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM state`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return func() {
		_ = tx.Rollback()
		_ = db.Close()
	}
}

// TestDiskFullPausesAndRecovers: vigild's data directory is on a real small
// tmpfs that is filled to the last byte while it runs (and a reader holds
// the WAL, so freed WAL space is not reused). REST requests are
// answered 503 storage_unavailable, a proof posted to the room meanwhile is
// refused the same way and the room position does not pass it, reads keep
// working, and the daemon does not stop (the watchers' pause is shown by
// TestWatcherPausesOnFullDisk). Once space is freed it recovers by itself, without a restart: the
// room proof is stored (read again, not re-posted), the watcher catches
// up, REST takes requests again; every acknowledged request is present,
// also after a restart. It runs without a disk reserve
// (store.reserve_bytes = 0), which is also where a monitor stands once the
// reserve's space is used up; with one, see
// TestDiskFullReserveKeepsChannelsWatched.
func TestDiskFullPausesAndRecovers(t *testing.T) {
	fs := smallfs.Mount(t, 16<<20)
	chain := ethtest.New(t, 5)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	alice, bob, carol, dave, operator := chain.Keys[0], chain.Keys[1], chain.Keys[2], chain.Keys[3], chain.Keys[4]
	reward := big.NewInt(1_000_000_000_000_000)
	restCh := newScenario(t, chain, alice, bob, 40, reward)
	roomCh := newScenario(t, chain, carol, dave, 40, reward)
	opts := vigilOpts{key: operator, conf: 1, dataDir: filepath.Join(fs.Dir, "data")}
	v := roomVigil(t, chain, hs, alias, opts)
	opts.matrix = nil // a restart registers a fresh monitor user; the database keeps the position
	client := newRoomClient(t, hs, "carol", alias)
	aliceAddr, carolAddr := ethtest.Address(alice), ethtest.Address(carol)

	// Before: a request over REST, one from the room, the watcher current.
	if code, body := v.put(restCh.proof(t, 1, big.NewInt(1000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	client.postProof(roomCh.proof(t, 1, big.NewInt(1000), reward))
	ethtest.Eventually(t, defaultWait, "the first room proof", func() bool {
		n, ok := v.storedNonce(roomCh.channel, carolAddr)
		return ok && n == 1
	})
	chain.Mine(2)
	ethtest.Eventually(t, defaultWait, "the watcher to be current", func() bool {
		st := v.stats()
		return st.Ethereum.LastProcessed+st.Ethereum.Confirmations >= chain.Head(t)
	})

	// A write, then a reader holding the WAL, then no space.
	if code, body := v.put(restCh.proof(t, 2, big.NewInt(2000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT: %d %v", code, body)
	}
	release := pinWAL(t, filepath.Join(opts.dataDir, "vigil.db"))
	filled := fs.Fill()
	t.Logf("filled %d bytes; %d left", filled, fs.Available())

	// REST: requests with higher nonces until one finds no space. A 201
	// is an acknowledgement: that nonce must survive.
	acked := uint64(2)
	refused := false
	for nonce := uint64(3); nonce < 2000 && !refused; nonce++ {
		code, body := v.put(restCh.proof(t, nonce, big.NewInt(int64(nonce)*1000), reward))
		switch {
		case code == http.StatusCreated:
			acked = nonce
		case code == http.StatusServiceUnavailable && body["error"] == string(monitor.ReasonStorageUnavailable):
			refused = true
		default:
			t.Fatalf("PUT nonce %d on a full disk: %d %v", nonce, code, body)
		}
	}
	if !refused {
		t.Fatal("no PUT was refused on a full disk")
	}
	t.Logf("acknowledged up to nonce %d before the disk refused writes", acked)

	// Reads keep working.
	if n, ok := v.storedNonce(restCh.channel, aliceAddr); !ok || n != acked {
		t.Fatalf("read on a full disk: nonce %d (%v), want %d", n, ok, acked)
	}

	// The room: proofs with higher nonces until one meets the full disk
	// (a write may still find space the WAL freed). The one refused stays
	// before the room position and is read again later, never lost.
	reason := string(monitor.ReasonStorageUnavailable)
	roomNonce := uint64(1)
	for refused := false; !refused; {
		if roomNonce++; roomNonce > 50 {
			t.Fatal("no room proof met the full disk")
		}
		before := v.stats().Matrix.RejectedBy[reason]
		client.postProof(roomCh.proof(t, roomNonce, big.NewInt(int64(roomNonce)*1000), reward))
		ethtest.Eventually(t, defaultWait, "the room proof to be stored or refused", func() bool {
			if v.stats().Matrix.RejectedBy[reason] > before {
				refused = true
				return true
			}
			n, _ := v.storedNonce(roomCh.channel, carolAddr)
			return n == roomNonce
		})
	}
	t.Logf("room proof with nonce %d refused for lack of space", roomNonce)

	// The chain: blocks mined now are not applied, and the daemon runs on.
	stuck := v.stats().Ethereum.LastProcessed
	chain.Mine(5)
	ethtest.Eventually(t, defaultWait, "the watcher to see the new head", func() bool { return v.stats().Ethereum.Head >= chain.Head(t) })
	if st := v.stats(); st.Ethereum.LastProcessed != stuck {
		t.Logf("watcher advanced from %d to %d on a full disk (space freed by the WAL)", stuck, st.Ethereum.LastProcessed)
	}
	select {
	case err := <-v.done:
		t.Fatalf("vigild stopped on a full disk: %v", err)
	default:
	}
	// Another PUT: refused, or (space the WAL freed) acknowledged.
	late := acked + 100
	switch code, body := v.put(restCh.proof(t, late, big.NewInt(int64(late)*1000), reward)); {
	case code == http.StatusCreated:
		acked = late
	case code != http.StatusServiceUnavailable || body["error"] != reason:
		t.Fatalf("PUT on a full disk: %d %v", code, body)
	}

	release()
	fs.Free()

	// Recovery, same process.
	ethtest.Eventually(t, 90*time.Second, "the room proof held back by the full disk", func() bool {
		n, ok := v.storedNonce(roomCh.channel, carolAddr)
		return ok && n == roomNonce
	})
	ethtest.Eventually(t, defaultWait, "the watcher to catch up", func() bool {
		st := v.stats()
		return st.Ethereum.LastProcessed+st.Ethereum.Confirmations >= chain.Head(t)
	})
	next := acked + 1
	if code, body := v.put(restCh.proof(t, next, big.NewInt(int64(next)*1000), reward)); code != http.StatusCreated {
		t.Fatalf("PUT after space returned: %d %v", code, body)
	}
	select {
	case err := <-v.done:
		t.Fatalf("vigild stopped: %v", err)
	default:
	}

	// Nothing acknowledged is lost, also across a restart.
	v.stop()
	v = startVigil(t, chain, opts)
	if n, ok := v.storedNonce(restCh.channel, aliceAddr); !ok || n != next {
		t.Fatalf("after restart: REST channel nonce %d (%v), want %d", n, ok, next)
	}
	if n, ok := v.storedNonce(roomCh.channel, carolAddr); !ok || n != roomNonce {
		t.Fatalf("after restart: room channel nonce %d (%v), want %d", n, ok, roomNonce)
	}
}

// TestTowerDiskFullBreachAnsweredAfter: the watchtower's data directory is
// on a real small tmpfs. An appointment is stored, the disk is filled (a
// reader holding the WAL), and blocks and then the breach are mined while
// it is full: the Bitcoin watcher stops short of the tip, another
// appointment is refused (storage_unavailable, never an internal error),
// vigild keeps running, and once space is freed (no restart) the Bitcoin watcher catches
// up and the breach is answered with the justice transaction. It runs
// without a disk reserve; with one the breach is answered while the disk is
// still full (TestTowerDiskFullReserveBreachAnswered).
func TestTowerDiskFullBreachAnsweredAfter(t *testing.T) {
	fs := smallfs.Mount(t, 16<<20)
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, _ := payoutAddress(t)
	v := towerVigil(t, chain, btc, vigilOpts{key: chain.Keys[0], conf: 1, dataDir: filepath.Join(fs.Dir, "data")}, payout)
	b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	if code, body := v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b.appt))); code != http.StatusCreated {
		t.Fatalf("PUT appointment: %d %v", code, body)
	}

	release := pinWAL(t, filepath.Join(fs.Dir, "data", "vigil.db"))
	fs.Fill()
	btc.Generate(t, 40) // each block is a cursor write: more than the WAL has room for
	btc.Broadcast(t, b.commit)
	btc.Generate(t, 1)
	tip := uint32(btc.Height(t))
	// Another appointment now finds no space (or, rarely, space the WAL
	// freed): never an internal error.
	b2 := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	var code int
	var body map[string]any
	ethtest.Eventually(t, defaultWait, "the tower to take the new tip", func() bool { // it learns the tip at its next poll
		code, body = v.do(http.MethodPut, "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b2.appt)))
		return body["error"] != string(monitor.ReasonStartBlockOutOfWindow)
	})
	switch {
	case code == http.StatusServiceUnavailable && body["error"] == string(monitor.ReasonStorageUnavailable):
	case code == http.StatusCreated:
		t.Log("the second appointment found space the WAL freed")
	default:
		t.Fatalf("PUT appointment on a full disk: %d %v", code, body)
	}
	if p := v.stats().Lightning.LastProcessed; p >= tip {
		t.Fatalf("the watcher processed up to %d, the tip, on a full disk", p)
	}
	select {
	case err := <-v.done:
		t.Fatalf("vigild stopped on a full disk: %v", err)
	default:
	}

	release()
	fs.Free()
	ethtest.Eventually(t, 60*time.Second, "the watcher to catch up", func() bool { return v.stats().Lightning.LastProcessed >= tip })
	ethtest.Eventually(t, defaultWait, "vigil's justice transaction", func() bool {
		if spenderInMempool(t, btc, b.commit.TxHash()) != nil {
			return true
		}
		return v.stats().Lightning.JusticeBroadcast > 0
	})
	select {
	case err := <-v.done:
		t.Fatalf("vigild stopped: %v", err)
	default:
	}
}
