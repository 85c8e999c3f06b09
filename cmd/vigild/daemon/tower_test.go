package daemon_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/matrixbus"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// breachSetup is a Lightning channel whose old (revoked) commitment the
// victim's watchtower appointment covers.
type breachSetup struct {
	ch        *lntest.Channel
	commit    *wire.MsgTx // the revoked commitment the cheater will publish
	justice   *wire.MsgTx // as the victim signed it
	appt      tower.Appointment
	victimOut *wire.TxOut
}

func newBreach(t testing.TB, btc *btctest.Node, mode lntest.SighashMode, tip uint32, rewardSat uint64) *breachSetup {
	t.Helper()
	ch := lntest.OpenChannel(t, btc, 1_000_000, 144)
	commit := ch.Commitment(t, 600_000, 390_000, 10_000)
	victim, _ := btcec.NewPrivateKey()
	victimScript := lntest.P2WPKH(victim.PubKey())
	st := ch.State(t, commit)
	out := btcutil.Amount(st.ToLocal) - btcutil.Amount(rewardSat) - 5_000 // leaves a surplus
	justice := ch.Justice(t, commit, victimScript, mode, out)
	var raw bytes.Buffer
	if err := justice.Serialize(&raw); err != nil {
		t.Fatal(err)
	}
	txid := commit.TxHash()
	blob, err := lncrypto.Encrypt(lncrypto.CipherChaCha20Poly1305, raw.Bytes(), txid)
	if err != nil {
		t.Fatal(err)
	}
	user, _ := btcec.NewPrivateKey()
	a := tower.Appointment{Network: "regtest", Locator: lncrypto.Locator(txid), EncryptedBlob: blob,
		Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144, StartBlock: tip, EndBlock: tip + 1000, RewardSat: rewardSat}
	if err := a.Sign(user); err != nil {
		t.Fatal(err)
	}
	return &breachSetup{ch: ch, commit: commit, justice: justice, appt: a, victimOut: justice.TxOut[0]}
}

func payoutAddress(t testing.TB) (string, []byte) {
	k, _ := btcec.NewPrivateKey()
	a, err := address.NewAddressWitnessPubKeyHash(address.Hash160(k.PubKey().SerializeCompressed()), &chaincfg.RegressionNetParams)
	if err != nil {
		t.Fatal(err)
	}
	return a.EncodeAddress(), lntest.P2WPKH(k.PubKey())
}

// spenderInMempool finds a mempool transaction spending any output of txid.
func spenderInMempool(t *testing.T, btc *btctest.Node, txid chainhash.Hash) *wire.MsgTx {
	hashes, err := btc.Client.GetRawMempool()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hashes {
		tx, err := btc.Client.GetRawTransaction(h)
		if err != nil {
			continue
		}
		for _, in := range tx.MsgTx().TxIn {
			if in.PreviousOutPoint.Hash == txid {
				return tx.MsgTx()
			}
		}
	}
	return nil
}

func towerVigil(t *testing.T, chain *ethtest.Chain, btc *btctest.Node, o vigilOpts, payout string) *vigil {
	t.Helper()
	o.bitcoin = &daemon.BitcoinConfig{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest",
		PollInterval: 50 * time.Millisecond, PayoutAddress: payout, MinRewardSat: 1000, Confirmations: 6,
		FallbackFeeRate: 2000, MaxFeeRate: 100_000}
	return startVigil(t, chain, o)
}

// TestTowerBreachJusticeWithBounty: a client posts an appointment to the
// room; the cheater publishes the revoked commitment and it is mined;
// vigil's justice transaction is in the next block with the victim's
// output exactly as signed and vigil's payout output holding surplus - fee.
func TestTowerBreachJusticeWithBounty(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	payout, payoutScript := payoutAddress(t)
	v := roomVigilTower(t, chain, hs, alias, btc, payout)

	b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	client := newRoomClient(t, hs, "alice", alias)
	id := client.post(matrixbus.TypeAppointment, tower.EncodeAppointment(b.appt))
	r := client.waitReceipt(id, defaultWait)
	verifyTowerReceipt(t, r, b.appt)

	// The breach.
	btc.Broadcast(t, b.commit)
	breachBlock := btc.Generate(t, 1)[0]
	if !btc.BlockHasTx(t, breachBlock, ptrHash(b.commit.TxHash())) {
		t.Fatal("the breach was not mined")
	}
	var justice *wire.MsgTx
	ethtest.Eventually(t, defaultWait, "vigil's justice transaction in the mempool", func() bool {
		justice = spenderInMempool(t, btc, b.commit.TxHash())
		return justice != nil
	})
	next := btc.Generate(t, 1)[0]
	jid := justice.TxHash()
	if !btc.BlockHasTx(t, next, &jid) {
		t.Fatal("vigil's justice transaction is not in the next block")
	}
	if len(justice.TxOut) != 2 {
		t.Fatalf("justice has %d outputs, want the victim's and vigil's", len(justice.TxOut))
	}
	if got := justice.TxOut[0]; got.Value != b.victimOut.Value || !bytes.Equal(got.PkScript, b.victimOut.PkScript) {
		t.Fatalf("the victim's output changed: %d %x", got.Value, got.PkScript)
	}
	st := b.ch.State(t, b.commit)
	surplus := int64(st.ToLocal) - b.victimOut.Value
	bounty := justice.TxOut[1].Value
	fee := surplus - bounty
	if !bytes.Equal(justice.TxOut[1].PkScript, payoutScript) || bounty <= 0 || fee <= 0 {
		t.Fatalf("payout output %d sat to %x (fee %d)", bounty, justice.TxOut[1].PkScript, fee)
	}
	t.Logf("surplus %d sat: bounty %d, fee %d (%.1f sat/vB)", surplus, bounty, fee, float64(fee)/float64(btctest.VSize(justice)))

	btc.Generate(t, 6)
	ethtest.Eventually(t, defaultWait, "the bounty in stats", func() bool {
		l := v.stats().Lightning
		return l.JusticeConfirmed == 1 && l.BountyEarnedSat == bounty
	})
	l := v.stats().Lightning
	if l.BreachesSeen != 1 || l.JusticeBroadcast != 1 || l.AppointmentsAccepted != 1 {
		t.Fatalf("lightning stats: %+v", l)
	}
}

func roomVigilTower(t *testing.T, chain *ethtest.Chain, hs *matrixtest.Server, alias string, btc *btctest.Node, payout string) *vigil {
	user, _ := hs.Register(t, "vigil", "monitor-pw")
	o := vigilOpts{key: chain.Keys[0], conf: 1, matrix: &daemon.MatrixConfig{HomeserverURL: hs.URL, UserID: user,
		Password: "monitor-pw", RoomAlias: alias, CreateRoom: true, PostReceipts: true, SyncWait: time.Second}}
	return towerVigil(t, chain, btc, o, payout)
}

func ptrHash(h chainhash.Hash) *chainhash.Hash { return &h }

// verifyTowerReceipt checks the receipt's Lightning signature over
// user_signature || u32be(start_block) recovers to monitor_pubkey.
func verifyTowerReceipt(t *testing.T, r map[string]any, a tower.Appointment) {
	t.Helper()
	var start uint32
	if _, err := fmt.Sscan(r["start_block"].(string), &start); err != nil {
		t.Fatal(err)
	}
	msg := append([]byte(a.UserSignature), binary.BigEndian.AppendUint32(nil, start)...)
	pub, err := lncrypto.RecoverMessage(msg, r["signature"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(pub.SerializeCompressed()) != r["monitor_pubkey"] || r["locator"] != hex.EncodeToString(a.Locator[:]) {
		t.Fatalf("receipt does not verify: %v", r)
	}
}

// TestTowerRespondsAfterRestart: vigil is down when the breach is mined and
// comes back two blocks later: it scans the blocks it missed from its
// cursor and still responds.
func TestTowerRespondsAfterRestart(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, payoutScript := payoutAddress(t)
	o := vigilOpts{key: chain.Keys[0], conf: 1, dataDir: t.TempDir()}
	v := towerVigil(t, chain, btc, o, payout)
	b := newBreach(t, btc, lntest.SighashSingleAnyoneCanPay, uint32(btc.Height(t))+1, 20_000)
	ethtest.Eventually(t, defaultWait, "vigil to follow the Bitcoin tip", func() bool {
		return v.stats().Lightning.LastProcessed >= uint32(btc.Height(t))
	})
	code, body := v.do("PUT", "/api/1/appointments", mustJSON(t, tower.EncodeAppointment(b.appt)))
	if code != 201 {
		t.Fatalf("PUT appointment: %d %v", code, body)
	}
	v.stop()

	btc.Broadcast(t, b.commit)
	btc.Generate(t, 1) // the breach, while vigil is down
	btc.Generate(t, 2)
	v = towerVigil(t, chain, btc, o, payout)
	var justice *wire.MsgTx
	ethtest.Eventually(t, defaultWait, "vigil's justice after the restart", func() bool {
		justice = spenderInMempool(t, btc, b.commit.TxHash())
		return justice != nil
	})
	if len(justice.TxOut) != 2 || !bytes.Equal(justice.TxOut[1].PkScript, payoutScript) {
		t.Fatalf("justice after restart: %d outputs", len(justice.TxOut))
	}
	jid := justice.TxHash()
	if !btc.BlockHasTx(t, btc.Generate(t, 1)[0], &jid) {
		t.Fatal("justice not mined")
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
