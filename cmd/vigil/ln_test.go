package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/vigil-monitor/vigil/cmd/vigild/daemon"
	"github.com/vigil-monitor/vigil/internal/testkit/btctest"
	"github.com/vigil-monitor/vigil/internal/testkit/ethtest"
	"github.com/vigil-monitor/vigil/internal/testkit/lntest"
	"github.com/vigil-monitor/vigil/internal/testkit/matrixtest"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// newLnKey runs "ln key new" and returns the key file and its pubkey.
func newLnKey(t *testing.T, dir, name string) (string, string) {
	t.Helper()
	file := filepath.Join(dir, name)
	var k lnKeyJSON
	cli("ln", "key", "new", "--out", file).ok(t).decode(t, &k)
	if k.KeyFile != file || len(k.Pubkey) != 66 {
		t.Fatalf("ln key new printed %+v", k)
	}
	return file, k.Pubkey
}

// fakeJustice is a signed-looking (not valid) transaction spending the
// outpoints, with a revocation-path-shaped witness whose signature ends in
// hashType. Offline tests use it: the CLI cannot check scripts without the
// commitment.
func fakeJustice(hashType byte, spends ...wire.OutPoint) *wire.MsgTx {
	tx := wire.NewMsgTx(2)
	for _, op := range spends {
		sig := bytes.Repeat([]byte{0x11}, 72)
		sig[0], sig[1], sig[71] = 0x30, 69, hashType
		tx.AddTxIn(wire.NewTxIn(&op, nil, wire.TxWitness{sig, {1}, bytes.Repeat([]byte{0x51}, 79)}))
	}
	tx.AddTxOut(wire.NewTxOut(500_000, append([]byte{0, 20}, bytes.Repeat([]byte{0x22}, 20)...)))
	return tx
}

func hashOf(s string) chainhash.Hash { return chainhash.DoubleHashH([]byte(s)) }

// offlineAppointment makes a valid signed appointment with the CLI for a
// made-up commitment; it returns the file, the parsed appointment and its
// JSON.
func offlineAppointment(t *testing.T, dir, name string) (string, tower.Appointment, string) {
	t.Helper()
	key, _ := newLnKey(t, dir, name+".key")
	commit := hashOf(name)
	r := cli("ln", "appointment", "--key", key, "--justice-hex", btctest.TxHex(fakeJustice(0x83, wire.OutPoint{Hash: commit})),
		"--commitment-txid", commit.String(), "--to-self-delay", "144", "--start-block", "812000", "--reward-sat", "5000",
		"--network", "regtest").ok(t)
	a, err := tower.DecodeAppointment([]byte(r.out))
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name+".json", r.out), a, r.out
}

// editJSON returns the JSON object raw with mut applied.
func editJSON(t *testing.T, raw string, mut func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	mut(m)
	out, _ := json.MarshalIndent(m, "", "  ")
	return string(out)
}

// signedApptReceipt is a room receipt for a signed by key over start,
// claiming to be from pubkey claimed.
func signedApptReceipt(t *testing.T, eventID string, a tower.Appointment, key *btcec.PrivateKey, claimed string, start uint32) map[string]any {
	t.Helper()
	sig, err := lncrypto.SignMessage(key, binary.BigEndian.AppendUint32([]byte(a.UserSignature), start))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"for_event_id": eventID, "kind": "ln_appointment", "monitor_pubkey": claimed,
		"locator": hex.EncodeToString(a.Locator[:]), "start_block": fmt.Sprint(start), "signature": sig}
}

func pubHex(k *btcec.PrivateKey) string { return hex.EncodeToString(k.PubKey().SerializeCompressed()) }

// TestLnAppointmentOffline: ln key new and ln appointment make an
// appointment a monitor accepts: the locator is the txid's internal byte
// order, the blob decrypts to the justice transaction, the signature is the
// key's; both ciphers, both ways of giving the justice transaction.
func TestLnAppointmentOffline(t *testing.T) {
	dir := t.TempDir()
	keyFile, pub := newLnKey(t, dir, "user.key")
	fi, err := os.Stat(keyFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi.Mode(), err)
	}
	raw, _ := os.ReadFile(keyFile)
	priv, _ := btcec.PrivKeyFromBytes(mustHex(t, strings.TrimSpace(string(raw))))
	if pubHex(priv) != pub {
		t.Fatalf("the key file's key is %s, ln key new printed %s", pubHex(priv), pub)
	}
	cli("ln", "key", "new", "--out", keyFile).fails(t, exitFailure, "already exists: ln key new never overwrites")
	if again, _ := os.ReadFile(keyFile); !bytes.Equal(again, raw) {
		t.Fatal("the key file changed")
	}
	_, other := newLnKey(t, dir, "other.key")
	if other == pub {
		t.Fatal("two keys are the same")
	}

	commit := hashOf("commitment")
	justice := fakeJustice(0x83, wire.OutPoint{Hash: commit, Index: 1})
	var plain bytes.Buffer
	_ = justice.Serialize(&plain)
	justiceFile := writeFile(t, dir, "justice.hex", btctest.TxHex(justice)+"\n")
	for _, c := range []struct {
		cipher lncrypto.Cipher
		input  []string
		end    string
	}{
		{lncrypto.CipherChaCha20Poly1305, []string{"--justice-hex", btctest.TxHex(justice)}, ""},
		{lncrypto.CipherAES256GCM, []string{"--justice-file", justiceFile, "--cipher", "aes-256-gcm"}, "830000"},
	} {
		args := append([]string{"ln", "appointment", "--key", keyFile, "--commitment-txid", commit.String(),
			"--to-self-delay", "144", "--start-block", "812000", "--reward-sat", "20000", "--network", "regtest"}, c.input...)
		if c.end != "" {
			args = append(args, "--end-block", c.end)
		}
		before := time.Now().Unix()
		r := cli(args...).ok(t)
		after := time.Now().Unix()
		var j tower.AppointmentJSON
		r.decode(t, &j)
		// Without --seq: the current Unix time, signed.
		if seq, err := strconv.ParseInt(j.Seq, 10, 64); err != nil || seq < before || seq > after {
			t.Fatalf("default seq %q, want the Unix time in [%d, %d]", j.Seq, before, after)
		}
		a, err := tower.DecodeAppointment([]byte(r.out))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.VerifySignature(); err != nil {
			t.Fatal(err)
		}
		wantEnd := "816320"
		if c.end != "" {
			wantEnd = c.end
		}
		if j.Network != "regtest" || j.Cipher != c.cipher.String() || j.ToSelfDelay != "144" || j.StartBlock != "812000" ||
			j.EndBlock != wantEnd || j.RewardSat != "20000" || j.UserPubkey != pub {
			t.Fatalf("appointment: %+v", j)
		}
		// The locator is the txid as hashed, not its display hex.
		if j.Locator != hex.EncodeToString(commit[:16]) || strings.HasPrefix(commit.String(), j.Locator) {
			t.Fatalf("locator %s for txid %s", j.Locator, commit)
		}
		got, err := lncrypto.Decrypt(a.Cipher, a.EncryptedBlob, commit)
		if err != nil || !bytes.Equal(got, plain.Bytes()) {
			t.Fatalf("the blob does not decrypt to the justice transaction: %v", err)
		}
		if !strings.Contains(r.err, "locator "+j.Locator) || strings.Contains(r.err, "warning") {
			t.Errorf("stderr: %q", r.err)
		}
	}

	// An explicit --seq is signed as given; a lower one than a stored
	// appointment's is what a monitor refuses (stale_sequence).
	for _, seq := range []string{"7", "18446744073709551615"} {
		r := cli("ln", "appointment", "--key", keyFile, "--justice-hex", btctest.TxHex(justice), "--commitment-txid", commit.String(),
			"--to-self-delay", "144", "--start-block", "812000", "--reward-sat", "20000", "--network", "regtest", "--seq", seq).ok(t)
		a, err := tower.DecodeAppointment([]byte(r.out))
		if err != nil || a.Unsequenced || strconv.FormatUint(a.Seq, 10) != seq || a.VerifySignature() != nil {
			t.Fatalf("--seq %s: %+v, %v", seq, a, err)
		}
	}

	// SIGHASH_ALL with a reward: made, with a warning that the reward
	// cannot be paid.
	all := fakeJustice(0x01, wire.OutPoint{Hash: commit})
	r := cli("ln", "appointment", "--key", keyFile, "--justice-hex", btctest.TxHex(all), "--commitment-txid", commit.String(),
		"--to-self-delay", "144", "--start-block", "812000", "--reward-sat", "20000", "--network", "regtest").ok(t)
	if !strings.Contains(r.err, "warning: input 0 is signed with sighash type 0x01, not SIGHASH_SINGLE|SIGHASH_ANYONECANPAY") {
		t.Errorf("no SIGHASH_ALL warning: %q", r.err)
	}
	// Outside the default bounds: made, with a warning.
	r = cli("ln", "appointment", "--key", keyFile, "--justice-hex", btctest.TxHex(justice), "--commitment-txid", commit.String(),
		"--to-self-delay", "144", "--start-block", "100", "--end-block", "100000", "--reward-sat", "20000", "--network", "regtest").ok(t)
	if !strings.Contains(r.err, "warning: monitors with the default bounds will refuse this appointment: end_block_too_far") {
		t.Errorf("no bounds warning: %q", r.err)
	}
	// A key file others can read: a warning.
	loose := writeFile(t, dir, "loose.key", string(raw))
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	r = cli("ln", "appointment", "--key", loose, "--justice-hex", btctest.TxHex(justice), "--commitment-txid", commit.String(),
		"--to-self-delay", "144", "--start-block", "812000", "--reward-sat", "0", "--network", "regtest").ok(t)
	if !strings.Contains(r.err, "is readable by others (mode 0644)") {
		t.Errorf("no permission warning: %q", r.err)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLnAppointmentBadInputs: a justice transaction that does not spend
// the commitment, a bad txid, a bad key file, an unknown cipher and the
// like are refused with a clear message and a non-zero exit, printing
// nothing on stdout.
func TestLnAppointmentBadInputs(t *testing.T) {
	dir := t.TempDir()
	keyFile, _ := newLnKey(t, dir, "user.key")
	commit := hashOf("commitment")
	good := btctest.TxHex(fakeJustice(0x83, wire.OutPoint{Hash: commit}))
	appt := func(edit map[string]string, drop ...string) []string {
		flags := map[string]string{"--key": keyFile, "--justice-hex": good, "--commitment-txid": commit.String(),
			"--to-self-delay": "144", "--start-block": "812000", "--reward-sat": "5000", "--network": "regtest"}
		for k, v := range edit {
			flags[k] = v
		}
		for _, k := range drop {
			delete(flags, k)
		}
		args := []string{"ln", "appointment"}
		for _, k := range []string{"--key", "--justice-hex", "--justice-file", "--commitment-txid", "--to-self-delay",
			"--start-block", "--end-block", "--reward-sat", "--network", "--cipher", "--seq"} {
			if v, ok := flags[k]; ok {
				args = append(args, k, v)
			}
		}
		return args
	}
	other := hashOf("another transaction")
	write := func(name, content string) string { return writeFile(t, dir, name, content) }
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"does not spend", appt(map[string]string{"--justice-hex": btctest.TxHex(fakeJustice(0x83, wire.OutPoint{Hash: other}))}), exitFailure,
			"the justice transaction does not spend the commitment " + commit.String() + " (its inputs spend " + other.String() + ":0)"},
		{"display order txid reversed", appt(map[string]string{"--commitment-txid": hex.EncodeToString(commit[:])}), exitFailure,
			"does not spend the commitment"},
		{"spends more", appt(map[string]string{"--justice-hex": btctest.TxHex(fakeJustice(0x83, wire.OutPoint{Hash: commit}, wire.OutPoint{Hash: other, Index: 3}))}),
			exitFailure, "input 1 of the justice transaction spends " + other.String() + ":3, not an output of the commitment"},
		{"unsigned", appt(map[string]string{"--justice-hex": func() string {
			tx := fakeJustice(0x83, wire.OutPoint{Hash: commit})
			tx.TxIn[0].Witness = nil
			return btctest.TxHex(tx)
		}()}), exitFailure, "input 0 of the justice transaction is not signed"},
		{"not a transaction", appt(map[string]string{"--justice-hex": "deadbeef"}), exitFailure, "the justice transaction does not deserialize"},
		{"trailing data", appt(map[string]string{"--justice-hex": good + "00"}), exitFailure, "followed by 1 bytes of trailing data"},
		{"justice not hex", appt(map[string]string{"--justice-hex": "zz"}), exitUsage, "--justice-hex is not valid hex"},
		{"justice 0x", appt(map[string]string{"--justice-hex": "0x" + good}), exitUsage, "--justice-hex must be plain hex without 0x"},
		{"justice file not hex", appt(map[string]string{"--justice-file": write("j.txt", "not hex\n")}, "--justice-hex"), exitFailure,
			"justice file " + filepath.Join(dir, "j.txt") + " is not valid hex"},
		{"justice file missing", appt(map[string]string{"--justice-file": filepath.Join(dir, "nope")}, "--justice-hex"), exitFailure, "no such file"},
		{"both justice flags", appt(map[string]string{"--justice-file": write("j2.txt", good)}), exitUsage, "--justice-hex and --justice-file exclude each other"},
		{"no justice", appt(nil, "--justice-hex"), exitUsage, "missing required flag --justice-hex or --justice-file"},
		{"short txid", appt(map[string]string{"--commitment-txid": commit.String()[:40]}), exitUsage,
			"--commitment-txid must be a txid of 64 hex characters, got 40 characters"},
		{"txid not hex", appt(map[string]string{"--commitment-txid": strings.Repeat("xy", 32)}), exitUsage, "--commitment-txid is not valid hex"},
		{"txid 0x", appt(map[string]string{"--commitment-txid": "0x" + commit.String()}), exitUsage, "--commitment-txid must be plain hex without 0x"},
		{"zero txid", appt(map[string]string{"--commitment-txid": strings.Repeat("0", 64)}), exitUsage, "--commitment-txid is the zero txid"},
		{"key missing", appt(map[string]string{"--key": filepath.Join(dir, "missing.key")}), exitFailure, "does not exist (make one with 'vigil ln key new"},
		{"key not hex", appt(map[string]string{"--key": write("bad1.key", strings.Repeat("g", 64))}), exitFailure, "does not hold a secp256k1 private key: not hex"},
		{"key short", appt(map[string]string{"--key": write("bad2.key", "abcd\n")}), exitFailure, "want 64 hex characters, got 4"},
		{"key zero", appt(map[string]string{"--key": write("bad3.key", strings.Repeat("0", 64))}), exitFailure, "does not hold a valid secp256k1 private key (zero"},
		{"key over order", appt(map[string]string{"--key": write("bad4.key", strings.Repeat("f", 64))}), exitFailure, "not below the curve order"},
		{"keystore file", appt(map[string]string{"--key": write("bad5.key", `{"address":"87f5636c67f2fd4f11710974766a5b1b6f33fb1d","crypto":{}}`)}),
			exitFailure, "does not hold a secp256k1 private key"},
		{"unknown cipher", appt(map[string]string{"--cipher": "rot13"}), exitUsage, `--cipher must be chacha20-poly1305 or aes-256-gcm, got "rot13"`},
		{"cipher case", appt(map[string]string{"--cipher": "AES-256-GCM"}), exitUsage, `--cipher must be chacha20-poly1305 or aes-256-gcm`},
		{"network", appt(map[string]string{"--network": "bitcoin"}), exitUsage, `--network must be one of regtest, testnet, signet, mainnet, got "bitcoin"`},
		{"end before start", appt(map[string]string{"--end-block": "812000"}), exitUsage, "--end-block 812000 must be after --start-block 812000"},
		{"seq negative", appt(map[string]string{"--seq": "-1"}), exitUsage, "--seq"},
		{"seq overflow", appt(map[string]string{"--seq": "18446744073709551616"}), exitUsage, "--seq"},
		{"end overflow", appt(map[string]string{"--start-block": "4294967295"}), exitUsage, "exceeds 2^32-1: give --end-block"},
		{"start overflow", appt(map[string]string{"--start-block": "4294967296"}), exitUsage, "--start-block exceeds 2^32-1"},
		{"delay zero", appt(map[string]string{"--to-self-delay": "0"}), exitUsage, "--to-self-delay must be at least 1"},
		{"reward", appt(map[string]string{"--reward-sat": "5k"}), exitUsage, "--reward-sat must be a decimal integer string"},
		{"missing", []string{"ln", "appointment", "--key", keyFile}, exitUsage,
			"missing required flags --commitment-txid, --to-self-delay, --start-block, --reward-sat, --network"},
		{"key new missing", []string{"ln", "key", "new"}, exitUsage, "missing required flag --out"},
		{"key new dir", []string{"ln", "key", "new", "--out", filepath.Join(dir, "no", "such", "dir")}, exitFailure, "create key file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := cli(c.args...).fails(t, c.code, c.want)
			if r.out != "" {
				t.Errorf("stdout: %q", r.out)
			}
		})
	}
	cli("ln").fails(t, exitUsage, "vigil ln: needs a subcommand")
	cli("ln", "key").fails(t, exitUsage, "vigil ln key: needs a subcommand:\n  vigil ln key new --out FILE")
	cli("ln", "key", "old").fails(t, exitUsage, `vigil ln key: needs a known subcommand, not "old"`)
}

// TestAppointmentAPIOffline: submit-appointment refuses a bad file before
// sending anything; the listing commands check their flags.
func TestAppointmentAPIOffline(t *testing.T) {
	dir := t.TempDir()
	closed := "http://" + closedPort(t)
	_, _, raw := offlineAppointment(t, dir, "a")
	for _, c := range []struct{ content, want string }{
		{editJSON(t, raw, func(m map[string]any) { m["reward_sat"] = "6000" }), "wrong_signer: user_signature was made by"},
		{editJSON(t, raw, func(m map[string]any) { delete(m, "user_pubkey") }), `missing_field: field "user_pubkey" is required`},
		{editJSON(t, raw, func(m map[string]any) { m["end_block"] = m["start_block"] }), "wrong_signer"},
		{"[]", "malformed_json"},
		{func() string {
			k, _ := btcec.NewPrivateKey()
			a := tower.Appointment{Network: "regtest", Locator: [16]byte{1}, EncryptedBlob: bytes.Repeat([]byte{7}, 200),
				Cipher: lncrypto.CipherChaCha20Poly1305, ToSelfDelay: 144, StartBlock: 900, EndBlock: 900, RewardSat: 5000}
			if err := a.Sign(k); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(tower.EncodeAppointment(a))
			return string(b)
		}(), "end_block_before_start: end_block 900 must be after start_block 900"},
	} {
		file := writeFile(t, dir, "bad.json", c.content)
		r := cli("submit-appointment", "--api", closed, "--file", file).fails(t, exitFailure, c.want)
		if !strings.Contains(r.err, "is not a valid appointment") || !strings.Contains(r.err, "nothing was sent") || r.out != "" {
			t.Errorf("stdout %q stderr %q", r.out, r.err)
		}
	}
	file := writeFile(t, dir, "good.json", raw)
	cli("submit-appointment", "--api", closed, "--file", file).fails(t, exitFailure, "connection refused")
	cli("submit-appointment").fails(t, exitUsage, "missing required flag --file")
	cli("appointments", "--locator", "0x"+strings.Repeat("ab", 15)).fails(t, exitUsage, "--locator must be exactly 32 hex characters")
	cli("appointments", "--locator", strings.Repeat("ab", 17)).fails(t, exitUsage, "--locator must be exactly 32 hex characters")
	cli("appointments", "--locator", strings.Repeat("ab", 16), "--commitment-txid", hashOf("x").String()).fails(t, exitUsage, "exclude each other")
	cli("appointments", "--commitment-txid", "abc").fails(t, exitUsage, "--commitment-txid must be a txid of 64 hex characters")
	cli("appointments", "--limit", "0").fails(t, exitUsage, "--limit must be at least 1")
	cli("justice", "--after-id", "x").fails(t, exitUsage, "--after-id must be a decimal integer string")
	cli("justice", "--api", closed).fails(t, exitFailure, "connection refused")
}

// regtestPayout is a fresh regtest P2WPKH address and its script.
func regtestPayout(t *testing.T) (string, []byte) {
	t.Helper()
	k, _ := btcec.NewPrivateKey()
	a, err := address.NewAddressWitnessPubKeyHash(address.Hash160(k.PubKey().SerializeCompressed()), &chaincfg.RegressionNetParams)
	if err != nil {
		t.Fatal(err)
	}
	return a.EncodeAddress(), lntest.P2WPKH(k.PubKey())
}

// towerVigild starts a vigild with the watchtower on btc (and the room
// intake when m is set) and waits until it follows btc's tip. It returns
// the daemon and its monitor_pubkey.
func towerVigild(t *testing.T, chain *ethtest.Chain, btc *btctest.Node, payout string, m *daemon.MatrixConfig) (*vigild, string) {
	t.Helper()
	key := chain.Keys[0]
	v := startVigildConfig(t, chain, key, func(c *daemon.Config) {
		c.Matrix = m
		c.Bitcoin = &daemon.BitcoinConfig{Host: btc.RPCAddr, User: btc.User, Pass: btc.Pass, Network: "regtest",
			PollInterval: 50 * time.Millisecond, PayoutAddress: payout, MinRewardSat: 1000, Confirmations: 6,
			FallbackFeeRate: 2000, MaxFeeRate: 100_000}
	})
	waitTowerTip(t, v, btc)
	btcKey, _ := btcec.PrivKeyFromBytes(crypto.FromECDSA(key))
	return v, pubHex(btcKey)
}

func waitTowerTip(t *testing.T, v *vigild, btc *btctest.Node) {
	t.Helper()
	h := uint32(btc.Height(t))
	ethtest.Eventually(t, 30*time.Second, "vigild to follow the Bitcoin tip", func() bool {
		return vigildStats(t, v).Lightning.LastProcessed >= h
	})
}

// revokedCommitment opens a channel, makes a commitment and then a newer
// one (revoking the first), and the victim's justice transaction for the
// revoked one, signed SIGHASH_SINGLE|SIGHASH_ANYONECANPAY, leaving a
// surplus of reward+5000 sat.
func revokedCommitment(t *testing.T, btc *btctest.Node, reward int64) (ch *lntest.Channel, revoked, justice *wire.MsgTx) {
	t.Helper()
	ch = lntest.OpenChannel(t, btc, 1_000_000, 144)
	revoked = ch.Commitment(t, 600_000, 390_000, 10_000)
	ch.Commitment(t, 500_000, 490_000, 10_000)
	victim, _ := btcec.NewPrivateKey()
	st := ch.State(t, revoked)
	justice = ch.Justice(t, revoked, lntest.P2WPKH(victim.PubKey()), lntest.SighashSingleAnyoneCanPay,
		st.ToLocal-btcutil.Amount(reward)-5_000)
	return ch, revoked, justice
}

type justiceList struct {
	Justice     []map[string]any `json:"justice"`
	NextAfterID int64            `json:"next_after_id,omitempty"`
}

type appointmentList struct {
	Appointments []map[string]any `json:"appointments"`
	Next         string           `json:"next,omitempty"`
}

// TestAppointmentJusticeViaAPI: a Lightning client makes the appointment
// for a revoked commitment with the CLI, submits it to a real vigild with
// the watchtower over REST and verifies its receipt; the cheater
// publishes the revoked commitment, a block is mined, and vigild's justice
// transaction (with its bounty output) is listed by "vigil justice" and
// mined.
func TestAppointmentJusticeViaAPI(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	payout, payoutScript := regtestPayout(t)
	v, monitorPub := towerVigild(t, chain, btc, payout, nil)
	api := []string{"--api", v.url}
	dir := t.TempDir()
	keyFile, userPub := newLnKey(t, dir, "alice.key")

	const reward = 20_000
	ch, revoked, justice := revokedCommitment(t, btc, reward)
	waitTowerTip(t, v, btc)
	tip := btc.Height(t)
	txid := revoked.TxHash()
	mk := func(network string, start int64) result {
		return cli("ln", "appointment", "--key", keyFile, "--justice-hex", btctest.TxHex(justice),
			"--commitment-txid", txid.String(), "--to-self-delay", "144", "--start-block", fmt.Sprint(start),
			"--reward-sat", fmt.Sprint(reward), "--network", network)
	}
	r := mk("regtest", tip).ok(t)
	if strings.Contains(r.err, "warning") {
		t.Errorf("warnings for a good appointment: %q", r.err)
	}
	file := writeFile(t, dir, "appointment.json", r.out)
	locator := hex.EncodeToString(txid[:16])
	a, err := tower.DecodeAppointment([]byte(r.out))
	if err != nil || hex.EncodeToString(a.Locator[:]) != locator || hex.EncodeToString(a.UserPubkey[:]) != userPub {
		t.Fatalf("appointment: %+v %v", a, err)
	}

	// Submitted: a receipt signed by the monitor's key.
	rc := cli(append([]string{"submit-appointment", "--file", file}, api...)...).ok(t).obj(t)
	if rc["verified"] != true || rc["monitor_pubkey"] != monitorPub || rc["locator"] != locator || rc["kind"] != "ln_appointment" ||
		rc["start_block"] != fmt.Sprint(tip) || rc["problem"] != nil {
		t.Fatalf("receipt: %v", rc)
	}

	// Rejections by the monitor: exit 1 with the reason.
	other := mk("testnet", tip).ok(t)
	cli(append([]string{"submit-appointment", "--file", writeFile(t, dir, "testnet.json", other.out)}, api...)...).
		fails(t, exitFailure, `rejected (HTTP 400): wrong_network: network "testnet" is not this monitor's "regtest"`)
	early := mk("regtest", tip-50).ok(t)
	cli(append([]string{"submit-appointment", "--file", writeFile(t, dir, "early.json", early.out)}, api...)...).
		fails(t, exitFailure, "start_block_out_of_window")

	// Listed by locator and by commitment txid.
	for _, by := range [][]string{{"--locator", strings.ToUpper(locator)}, {"--commitment-txid", txid.String()}, {"--all", "--limit", "1"}} {
		var l appointmentList
		cli(append(append([]string{"appointments"}, api...), by...)...).ok(t).decode(t, &l)
		if len(l.Appointments) != 1 || l.Appointments[0]["locator"] != locator || l.Appointments[0]["user_pubkey"] != userPub ||
			l.Appointments[0]["source"] != "rest" || l.Appointments[0]["encrypted_blob"] != nil {
			t.Fatalf("appointments %v: %+v", by, l)
		}
	}
	var withBlobs appointmentList
	cli(append([]string{"appointments", "--blobs", "--locator", locator}, api...)...).ok(t).decode(t, &withBlobs)
	if len(withBlobs.Appointments) != 1 || withBlobs.Appointments[0]["encrypted_blob"] != hex.EncodeToString(a.EncryptedBlob) {
		t.Fatalf("appointments --blobs: %+v", withBlobs)
	}
	var none justiceList
	cli(append([]string{"justice"}, api...)...).ok(t).decode(t, &none)
	if len(none.Justice) != 0 {
		t.Fatalf("justice before the breach: %+v", none)
	}

	// The breach.
	btc.Broadcast(t, revoked)
	btc.Generate(t, 1)
	var j map[string]any
	ethtest.Eventually(t, 30*time.Second, "vigil justice to list a justice transaction", func() bool {
		var l justiceList
		cli(append([]string{"justice", "--all"}, api...)...).ok(t).decode(t, &l)
		if len(l.Justice) == 0 {
			return false
		}
		j = l.Justice[0]
		return j["txid"] != nil
	})
	if j["outcome"] != "broadcast" || j["breach_txid"] != txid.String() || j["locator"] != locator || j["user_pubkey"] != userPub {
		t.Fatalf("justice record: %v", j)
	}
	jid, err := chainhash.NewHashFromStrStrict(j["txid"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if !btc.BlockHasTx(t, btc.Generate(t, 1)[0], jid) {
		t.Fatal("vigild's justice transaction is not in the next block")
	}
	mined, err := btc.Client.GetRawTransaction(jid)
	if err != nil {
		t.Fatal(err)
	}
	tx := mined.MsgTx()
	if len(tx.TxOut) != 2 || tx.TxIn[0].PreviousOutPoint.Hash != txid {
		t.Fatalf("justice transaction: %d inputs, %d outputs", len(tx.TxIn), len(tx.TxOut))
	}
	if got := tx.TxOut[0]; got.Value != justice.TxOut[0].Value || !bytes.Equal(got.PkScript, justice.TxOut[0].PkScript) {
		t.Fatalf("the victim's output changed: %d %x", got.Value, got.PkScript)
	}
	if !bytes.Equal(tx.TxOut[1].PkScript, payoutScript) || fmt.Sprint(tx.TxOut[1].Value) != j["bounty_sat"] {
		t.Fatalf("payout output %d to %x; record %v", tx.TxOut[1].Value, tx.TxOut[1].PkScript, j)
	}
	if surplus := int64(ch.State(t, revoked).ToLocal) - justice.TxOut[0].Value; tx.TxOut[1].Value >= surplus || surplus != reward+5_000 {
		t.Fatalf("bounty %d of surplus %d", tx.TxOut[1].Value, surplus)
	}

	// Final after six confirmations.
	btc.Generate(t, 6)
	ethtest.Eventually(t, 30*time.Second, "the justice transaction to be confirmed", func() bool {
		var l justiceList
		cli(append([]string{"justice", "--outcome", "confirmed", "--all", "--limit", "1"}, api...)...).ok(t).decode(t, &l)
		return len(l.Justice) == 1 && l.Justice[0]["txid"] == jid.String() && l.Justice[0]["block"] != nil
	})
}

// TestBroadcastAppointmentToTower: the appointment is posted to the room
// a real vigild with the watchtower follows, and one verified receipt
// comes back; vigild stores the appointment as coming from the room.
func TestBroadcastAppointmentToTower(t *testing.T) {
	chain := ethtest.New(t, 1)
	btc := btctest.Start(t)
	btc.Generate(t, 101)
	hs := matrixtest.Start(t)
	alias := "#vigil-monitoring:" + hs.ServerName
	payout, _ := regtestPayout(t)
	user, _ := hs.Register(t, "vigil", "monitor-password")
	v, monitorPub := towerVigild(t, chain, btc, payout, &daemon.MatrixConfig{HomeserverURL: hs.URL, UserID: user,
		Password: "monitor-password", RoomAlias: alias, CreateRoom: true, PostReceipts: true, CatchupLimit: 1000,
		MaxEventBytes: 16 << 10, SyncWait: time.Second})
	ethtest.Eventually(t, 30*time.Second, "vigild to join the room", func() bool {
		return vigildStats(t, v).Matrix.RoomID != ""
	})
	dir := t.TempDir()
	client := newMatrixUser(t, hs, dir, "alice")
	keyFile, userPub := newLnKey(t, dir, "alice.key")
	_, revoked, justice := revokedCommitment(t, btc, 20_000)
	waitTowerTip(t, v, btc)
	txid := revoked.TxHash()
	r := cli("ln", "appointment", "--key", keyFile, "--justice-hex", btctest.TxHex(justice), "--commitment-txid", txid.String(),
		"--to-self-delay", "144", "--start-block", fmt.Sprint(btc.Height(t)), "--reward-sat", "20000", "--network", "regtest").ok(t)
	file := writeFile(t, dir, "appointment.json", r.out)

	r = cli("broadcast", "appointment", "--homeserver", hs.URL, "--user", client.id, "--password-file", client.pwFile,
		"--room", alias, "--file", file, "--wait-receipts", "1", "--trust", monitorPub, "--timeout", "60s").ok(t)
	lines := r.lines(t)
	if len(lines) != 2 {
		t.Fatalf("want the posted event and one receipt:\n%s\nstderr: %s", r.out, r.err)
	}
	locator := hex.EncodeToString(txid[:16])
	rc := lines[1]
	if rc["verified"] != true || rc["trusted"] != true || rc["monitor_pubkey"] != monitorPub || rc["locator"] != locator || rc["kind"] != "ln_appointment" ||
		rc["for_event_id"] != lines[0]["event_id"] || !strings.HasPrefix(rc["sender"].(string), "@vigil:") || rc["problem"] != nil {
		t.Fatalf("receipt line: %v", rc)
	}
	var l appointmentList
	cli("appointments", "--api", v.url, "--commitment-txid", txid.String()).ok(t).decode(t, &l)
	if len(l.Appointments) != 1 || l.Appointments[0]["source"] != "matrix" || l.Appointments[0]["user_pubkey"] != userPub {
		t.Fatalf("stored: %+v", l)
	}
}
