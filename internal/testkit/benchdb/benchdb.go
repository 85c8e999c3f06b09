// Package benchdb provides the pre-filled SQLite databases the benchmarks
// measure against (docs/BENCHMARKS.md): n balance-proof requests
// with their channels, or n Lightning appointments, written through the
// store's own API. Building 1,000,000 takes minutes, so each database is
// built once and cached as $TMPDIR/vigil-bench-<kind>-<n>-v1.db; every
// caller gets its own copy. It also holds the measurements both intake
// benchmarks report (measure.go). Test and benchmark support only: product
// code must not import it.
package benchdb

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/monitor/proofs"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// Values the pre-filled data uses, so benchmarks can build compatible
// messages.
var (
	// ChainID is the chain id of every stored balance proof.
	ChainID = big.NewInt(1337)
	// Reward is the reward of every stored request and the reward deposit
	// of every stored channel.
	Reward = big.NewInt(25e15)
)

// Tip is the Bitcoin height the stored appointments were accepted at.
const Tip = 812_000

var quiet = slog.New(slog.DiscardHandler)

// Requests returns the path of a fresh copy of a database holding n
// requests (two per channel, participants drawn from 100,000 addresses)
// and their channels.
func Requests(tb testing.TB, n int) string {
	return cached(tb, fmt.Sprintf("requests-%d", n), fillRequests(n))
}

// Appointments returns the path of a fresh copy of a database holding n
// appointments (locator i = keccak("locator", i)[:16], 300-byte blobs,
// 100,000 users).
func Appointments(tb testing.TB, n int) string {
	return cached(tb, fmt.Sprintf("appointments-%d", n), fillAppointments(n))
}

// AppointmentLocator is the locator of the i-th stored appointment.
func AppointmentLocator(i int) [16]byte {
	h := crypto.Keccak256([]byte("locator"), binary.BigEndian.AppendUint64(nil, uint64(i)))
	return [16]byte(h[:16])
}

// Address is a deterministic address of a kind ("channel", "participant").
func Address(kind string, i int) common.Address {
	return common.BytesToAddress(crypto.Keccak256([]byte(kind), binary.BigEndian.AppendUint64(nil, uint64(i)))[12:])
}

// RequestChannel is the channel address of the i-th stored request.
func RequestChannel(i int) common.Address { return Address("channel", i-i%2) }

func cached(tb testing.TB, name string, fill func(s *store.Store) error) string {
	tb.Helper()
	path := filepath.Join(os.TempDir(), "vigil-bench-"+name+"-v1.db")
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		tmp := fmt.Sprintf("%s.building-%d", path, os.Getpid())
		s, err := store.Open(store.Config{Path: tmp, Logger: quiet})
		if err != nil {
			tb.Fatal(err)
		}
		if err := fill(s); err != nil {
			_ = s.Close()
			tb.Fatal(err)
		}
		if err := s.Close(); err != nil {
			tb.Fatal(err)
		}
		_ = os.Remove(tmp + ".lock")
		if err := os.Rename(tmp, path); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("built %s in %v", path, time.Since(start).Round(time.Second))
	}
	dst := filepath.Join(tb.TempDir(), "vigil.db")
	if err := copyFile(path, dst); err != nil {
		tb.Fatal(err)
	}
	return dst
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// byKey returns the indices 0, step, 2*step, ... below n ordered by
// key(i), so that the fill appends to the primary-key B-tree instead of
// writing pages all over it.
func byKey(n, step int, key func(i int) []byte) []int {
	idx := make([]int, 0, (n+step-1)/step)
	keys := make(map[int][]byte, cap(idx))
	for i := 0; i < n; i += step {
		idx = append(idx, i)
		keys[i] = key(i)
	}
	slices.SortFunc(idx, func(a, b int) int { return bytes.Compare(keys[a], keys[b]) })
	return idx
}

func fillRequests(n int) func(s *store.Store) error {
	return func(s *store.Store) error {
		ctx := context.Background()
		const batch = 20_000
		sig := make([]byte, 65)
		order := byKey(n, 2, func(i int) []byte { a := Address("channel", i); return a[:] })
		for start := 0; start < len(order); start += batch / 2 {
			var reqs []proofs.Request
			var chs []proofs.Channel
			for _, i := range order[start:min(start+batch/2, len(order))] {
				ch := Address("channel", i)
				p1, p2 := Address("participant", i%100_000), Address("participant", (i+7919)%100_000)
				for j, pair := range [][2]common.Address{{p1, p2}, {p2, p1}} {
					if i+j >= n {
						break
					}
					reqs = append(reqs, proofs.Request{BalanceProof: proofs.BalanceProof{
						ChainID: ChainID, Channel: ch, Nonce: 5, TransferredAmount: big.NewInt(int64(i)),
						Locksroot: common.Hash(crypto.Keccak256(ch[:])), Signature: sig, NonClosing: pair[0],
						NonClosingSignature: sig, Reward: Reward,
					}, Closing: pair[1], Source: "rest", ReceivedAt: time.Unix(1_700_000_000, 0).UTC()})
				}
				chs = append(chs, proofs.Channel{Address: ch, Participant1: p1, Participant2: p2, SettleTimeout: 500, OpenedBlock: 1,
					RewardDeposit1: Reward, RewardDeposit2: Reward})
			}
			_, rej, err := s.SaveRequests(ctx, reqs)
			if err != nil {
				return err
			}
			for _, e := range rej {
				if e != nil {
					return e
				}
			}
			if err := s.ApplyChain(ctx, proofs.ChainBatch{Cursor: proofs.Cursor{Number: 1}, Channels: chs}); err != nil {
				return err
			}
		}
		return nil
	}
}

func fillAppointments(n int) func(s *store.Store) error {
	return func(s *store.Store) error {
		ctx := context.Background()
		const batch = 20_000
		blob := make([]byte, 300)
		order := byKey(n, 1, func(i int) []byte { l := AppointmentLocator(i); return l[:] })
		for start := 0; start < n; start += batch {
			var as []tower.StoredAppointment
			for _, i := range order[start:min(start+batch, n)] {
				a := tower.StoredAppointment{Appointment: tower.Appointment{Network: "regtest", Locator: AppointmentLocator(i),
					EncryptedBlob: blob, Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144, StartBlock: Tip,
					EndBlock: Tip + uint32(i%50_000), RewardSat: 5000, UserSignature: strings.Repeat("y", 104)},
					Source: "rest", ReceivedAt: time.Unix(1_700_000_000, 0).UTC(), AcceptedTip: Tip}
				a.UserPubkey[0] = 2
				binary.BigEndian.PutUint64(a.UserPubkey[25:], uint64(i%100_000))
				as = append(as, a)
			}
			_, rej, err := s.SaveAppointments(ctx, as, 8)
			if err != nil {
				return err
			}
			for _, e := range rej {
				if e != nil {
					return e
				}
			}
		}
		return nil
	}
}
