package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// lnNetworks are the Bitcoin networks vigild's bitcoin.network accepts.
var lnNetworks = []string{"regtest", "testnet", "signet", "mainnet"}

// defaultWatchBlocks is --end-block's distance from --start-block when not
// given: about 30 days of blocks.
const defaultWatchBlocks = 4320

// sighashSingleAnyoneCanPay is SIGHASH_SINGLE|SIGHASH_ANYONECANPAY, the
// signature flag that lets a monitor add its payout output (docs/protocol.md §8).
const sighashSingleAnyoneCanPay = 0x83

// lnKeyJSON is what "ln key new" prints.
type lnKeyJSON struct {
	Pubkey  string `json:"pubkey"`
	KeyFile string `json:"key_file"`
}

// cmdLnKeyNew writes a fresh secp256k1 key for signing appointments.
func cmdLnKeyNew(args []string, stdout, stderr io.Writer) error {
	f := newFlags("ln key new", `Creates a fresh secp256k1 private key for signing Lightning watchtower
appointments (ln appointment --key) and writes it to --out as 64 hex
characters and a newline, with mode 0600. An existing file is never
overwritten. Prints {"pubkey": the 33-byte compressed public key in hex,
"key_file"}: the user_pubkey of the appointments it signs, under which a
monitor keeps them (a newer appointment of the same key and locator replaces
the older).

The key is not encrypted: keep the file private. It signs appointments only;
it holds no funds.`)
	out := f.String("out", "", "`FILE` to create (mode 0600; never overwritten) (required)")
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	if err := f.need("out"); err != nil {
		return err
	}
	key, err := btcec.NewPrivateKey()
	if err != nil {
		return fmt.Errorf("generate a key: %w", err)
	}
	fh, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s already exists: ln key new never overwrites a key file", *out)
	}
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	_, err = fh.WriteString(hex.EncodeToString(key.Serialize()) + "\n")
	if err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(*out)
		return fmt.Errorf("write key file %s: %w", *out, err)
	}
	return printJSON(stdout, lnKeyJSON{Pubkey: hex.EncodeToString(key.PubKey().SerializeCompressed()), KeyFile: *out})
}

// loadLnKey reads a key file written by "ln key new": 64 hex characters
// (surrounding whitespace ignored) of a scalar in [1, N-1].
func loadLnKey(path string, stderr io.Writer) (*btcec.PrivateKey, error) {
	data, err := readInput(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("key file %s does not exist (make one with 'vigil ln key new --out %s')", path, path)
	}
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	s := strings.TrimSpace(string(data))
	if len(s) != 64 {
		return nil, fmt.Errorf("key file %s does not hold a secp256k1 private key: want 64 hex characters, got %d", path, len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("key file %s does not hold a secp256k1 private key: not hex", path)
	}
	var sc btcec.ModNScalar
	if overflow := sc.SetByteSlice(b); overflow || sc.IsZero() {
		return nil, fmt.Errorf("key file %s does not hold a valid secp256k1 private key (zero, or not below the curve order)", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(stderr, "warning: key file %s is readable by others (mode %04o); chmod 600 it\n", path, fi.Mode().Perm())
	}
	key, _ := btcec.PrivKeyFromBytes(b)
	return key, nil
}

// uint32Flag parses a decimal flag in [0, 2^32-1].
func (f *flagSet) uint32Flag(name, v string) (uint32, error) {
	x, err := f.uint(name, v)
	if err != nil {
		return 0, err
	}
	if x > math.MaxUint32 {
		return 0, f.usagef("--%s exceeds 2^32-1", name)
	}
	return uint32(x), nil
}

// txidFlag parses a txid in display (reversed) hex, as bitcoin-cli, lncli
// and block explorers print it, into its internal byte order.
func (f *flagSet) txidFlag(name, v string) (chainhash.Hash, error) {
	h, err := parseTxid(v)
	if err != nil {
		return chainhash.Hash{}, f.usagef("--%s %v", name, err)
	}
	return h, nil
}

func parseTxid(v string) (chainhash.Hash, error) {
	if has0x(v) {
		return chainhash.Hash{}, errors.New("must be plain hex without 0x (a txid as bitcoin-cli prints it)")
	}
	if len(v) != 2*chainhash.HashSize {
		return chainhash.Hash{}, fmt.Errorf("must be a txid of 64 hex characters, got %d characters", len(v))
	}
	h, err := chainhash.NewHashFromStrStrict(v)
	if err != nil {
		return chainhash.Hash{}, errors.New("is not valid hex")
	}
	if *h == (chainhash.Hash{}) {
		return chainhash.Hash{}, errors.New("is the zero txid")
	}
	return *h, nil
}

func has0x(s string) bool { return strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") }

// decodeTxHex decodes a transaction's hex as Bitcoin tools print it.
func decodeTxHex(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("is empty")
	}
	if has0x(s) {
		return nil, errors.New("must be plain hex without 0x (as bitcoin-cli prints a raw transaction)")
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("is not valid hex")
	}
	return b, nil
}

// parseJustice deserializes a justice transaction and checks it is one a
// monitor can use for the breach commit: it spends the commitment and
// nothing else (a monitor only knows the breach's outputs), and every input
// is signed. It returns the transaction's consensus serialization with
// witnesses (the appointment's plaintext) and notes for stderr.
func parseJustice(raw []byte, commit chainhash.Hash, rewardSat uint64) ([]byte, []string, error) {
	tx := &wire.MsgTx{}
	rd := bytes.NewReader(raw)
	if err := tx.Deserialize(rd); err != nil {
		return nil, nil, fmt.Errorf("the justice transaction does not deserialize: %v", err)
	}
	if rd.Len() > 0 {
		return nil, nil, fmt.Errorf("the justice transaction is followed by %d bytes of trailing data", rd.Len())
	}
	if len(tx.TxIn) == 0 || len(tx.TxOut) == 0 {
		return nil, nil, fmt.Errorf("the justice transaction has %d inputs and %d outputs; it needs at least one of each", len(tx.TxIn), len(tx.TxOut))
	}
	spends := false
	for _, in := range tx.TxIn {
		if in.PreviousOutPoint.Hash == commit {
			spends = true
		}
	}
	if !spends {
		var ops []string
		for _, in := range tx.TxIn {
			ops = append(ops, in.PreviousOutPoint.String())
		}
		return nil, nil, fmt.Errorf("the justice transaction does not spend the commitment %s (its inputs spend %s): "+
			"check --commitment-txid (display hex, as bitcoin-cli prints it)", commit, strings.Join(ops, ", "))
	}
	var notes []string
	for i, in := range tx.TxIn {
		op := in.PreviousOutPoint
		if op.Hash != commit {
			return nil, nil, fmt.Errorf("input %d of the justice transaction spends %s, not an output of the commitment %s: "+
				"a monitor knows only the breach's outputs and refuses such a transaction", i, op, commit)
		}
		if len(in.Witness) == 0 && len(in.SignatureScript) == 0 {
			return nil, nil, fmt.Errorf("input %d of the justice transaction is not signed (no witness)", i)
		}
		if ht, ok := witnessSighash(in.Witness); ok && ht != sighashSingleAnyoneCanPay && rewardSat > 0 {
			notes = append(notes, fmt.Sprintf("input %d is signed with sighash type 0x%02x, not SIGHASH_SINGLE|SIGHASH_ANYONECANPAY (0x83): "+
				"a monitor cannot add its payout output, so the promised reward of %d sat cannot be paid", i, ht, rewardSat))
		}
	}
	var buf bytes.Buffer
	if err := tx.Serialize(&buf); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), notes, nil
}

// witnessSighash returns the sighash byte of a witness whose first item
// looks like a DER ECDSA signature (the revocation path: <sig> 1 <script>).
func witnessSighash(w wire.TxWitness) (byte, bool) {
	if len(w) == 0 {
		return 0, false
	}
	s := w[0]
	if len(s) < 9 || len(s) > 73 || s[0] != 0x30 || int(s[1]) != len(s)-3 {
		return 0, false
	}
	return s[len(s)-1], true
}

// cmdLnAppointment builds and signs a watchtower appointment.
func cmdLnAppointment(args []string, stdout, stderr io.Writer) error {
	f := newFlags("ln appointment", `Makes a Lightning watchtower appointment (docs/protocol.md §8) for one revoked
commitment transaction: checks the justice (penalty) transaction you signed
for it (it must deserialize, spend the commitment, spend nothing else and be
signed), encrypts it with --cipher under SHA256 of the commitment txid,
computes the locator (the first 16 bytes of the txid in internal byte order,
not of the display hex), and signs the appointment with your key (ln key
new). Prints the appointment JSON, ready for submit-appointment or broadcast
appointment. Offline: no node is needed.

The appointment is checked before it is printed: it decodes as a monitor
decodes it, its signature verifies and the blob decrypts. A monitor pays
itself reward_sat from the surplus only when the justice transaction is
signed SIGHASH_SINGLE|SIGHASH_ANYONECANPAY; a warning says when it is not.
--start-block must be within a few blocks (6 by default) of the monitor's
tip when it receives the appointment.

--seq orders your appointments for one commitment: a monitor replaces the
one it holds only with a higher seq and refuses a lower or equal one
(stale_sequence), so an older appointment replayed by anyone cannot undo a
newer one. The default, the current Unix time in seconds, rises by itself
between appointments made more than a second apart; give it explicitly to
make two in the same second, or to reproduce an appointment.`)
	fl := appointmentFlagsOf(f)
	if err := f.parse(args, stdout); err != nil {
		return err
	}
	spec, err := fl.spec(f)
	if err != nil {
		return err
	}
	key, err := loadLnKey(*fl.keyFile, stderr)
	if err != nil {
		return err
	}
	plain, notes, err := parseJustice(spec.justice, spec.commit, spec.reward)
	if err != nil {
		return err
	}
	a, err := sealAppointment(spec, key, plain)
	if err != nil {
		return err
	}
	for _, n := range append(notes, appointmentWarnings(a)...) {
		fmt.Fprintln(stderr, "warning: "+n)
	}
	wireForm := tower.EncodeAppointment(a)
	fmt.Fprintf(stderr, "appointment for commitment %s: locator %s, %d-byte %s blob, blocks %d to %d, user_pubkey %s\n",
		spec.commit, wireForm.Locator, len(a.EncryptedBlob), a.Cipher, a.StartBlock, a.EndBlock, wireForm.UserPubkey)
	return printJSON(stdout, wireForm)
}

// appointmentFlags are ln appointment's flags as given.
type appointmentFlags struct {
	keyFile, justiceHex, justiceFile, txid, delay, start, end, reward, network, cipher, seq *string
}

func appointmentFlagsOf(f *flagSet) appointmentFlags {
	return appointmentFlags{
		keyFile:     f.String("key", "", "`FILE` holding your appointment signing key, from ln key new (required)"),
		justiceHex:  f.String("justice-hex", "", "the signed justice transaction as `HEX` (this or --justice-file)"),
		justiceFile: f.String("justice-file", "", "`FILE` holding the justice transaction's hex (this or --justice-hex)"),
		txid:        f.String("commitment-txid", "", "`TXID` of the revoked commitment, in display hex as bitcoin-cli prints it (required)"),
		delay:       f.String("to-self-delay", "", "the commitment's to_self_delay (CSV) in blocks `N`: the monitor's deadline after the breach (required)"),
		start:       f.String("start-block", "", "block height `N` from which the monitor watches: your node's tip (required)"),
		end:         f.String("end-block", "", fmt.Sprintf("block height `N` until which the monitor watches (default start-block + %d)", defaultWatchBlocks)),
		reward:      f.String("reward-sat", "", "`N` sat promised to the monitor out of the justice transaction's surplus (required)"),
		network:     f.String("network", "", "`NET`, the Bitcoin network: "+strings.Join(lnNetworks, ", ")+" (required)"),
		cipher:      f.String("cipher", lncrypto.CipherChaCha20Poly1305.String(), "blob `CIPHER`: chacha20-poly1305 or aes-256-gcm"),
		seq:         f.String("seq", "", "sequence number `N` (decimal uint64), signed; a monitor keeps the highest per commitment (default: the current Unix time in seconds)"),
	}
}

// appointmentSpec is what an appointment is made of, checked.
type appointmentSpec struct {
	justice           []byte // the signed justice transaction
	commit            chainhash.Hash
	delay, start, end uint32
	reward, seq       uint64
	network           string
	cipher            lncrypto.Cipher
}

// spec checks the flags and reads the justice transaction.
func (fl appointmentFlags) spec(f *flagSet) (appointmentSpec, error) {
	var s appointmentSpec
	if err := f.need("key", "commitment-txid", "to-self-delay", "start-block", "reward-sat", "network"); err != nil {
		return s, err
	}
	switch {
	case *fl.justiceHex == "" && *fl.justiceFile == "":
		return s, f.usagef("missing required flag --justice-hex or --justice-file")
	case *fl.justiceHex != "" && *fl.justiceFile != "":
		return s, f.usagef("--justice-hex and --justice-file exclude each other")
	}
	var err error
	if s.commit, err = f.txidFlag("commitment-txid", *fl.txid); err != nil {
		return s, err
	}
	if s.delay, err = f.uint32Flag("to-self-delay", *fl.delay); err != nil {
		return s, err
	}
	if s.delay == 0 {
		return s, f.usagef("--to-self-delay must be at least 1")
	}
	if s.start, s.end, err = fl.window(f); err != nil {
		return s, err
	}
	if s.reward, err = f.uint("reward-sat", *fl.reward); err != nil {
		return s, err
	}
	if !contains(lnNetworks, *fl.network) {
		return s, f.usagef("--network must be one of %s, got %q", strings.Join(lnNetworks, ", "), *fl.network)
	}
	s.network = *fl.network
	if s.cipher, err = lncrypto.ParseCipher(*fl.cipher); err != nil {
		return s, f.usagef("--cipher must be chacha20-poly1305 or aes-256-gcm, got %q", *fl.cipher)
	}
	s.seq = uint64(time.Now().Unix())
	if *fl.seq != "" {
		if s.seq, err = f.uint("seq", *fl.seq); err != nil {
			return s, err
		}
	}
	s.justice, err = fl.readJustice(f)
	return s, err
}

// window is the watched blocks: --start-block to --end-block, by default
// defaultWatchBlocks after the start.
func (fl appointmentFlags) window(f *flagSet) (start, end uint32, err error) {
	if start, err = f.uint32Flag("start-block", *fl.start); err != nil {
		return 0, 0, err
	}
	e := uint64(start) + defaultWatchBlocks
	if *fl.end != "" {
		given, err := f.uint32Flag("end-block", *fl.end)
		if err != nil {
			return 0, 0, err
		}
		e = uint64(given)
	}
	if e > math.MaxUint32 {
		return 0, 0, f.usagef("--start-block %d + %d exceeds 2^32-1: give --end-block", start, defaultWatchBlocks)
	}
	if e <= uint64(start) {
		return 0, 0, f.usagef("--end-block %d must be after --start-block %d", e, start)
	}
	return start, uint32(e), nil
}

// readJustice decodes the justice transaction from --justice-hex or
// --justice-file.
func (fl appointmentFlags) readJustice(f *flagSet) ([]byte, error) {
	if *fl.justiceHex != "" {
		raw, err := decodeTxHex(*fl.justiceHex)
		if err != nil {
			return nil, f.usagef("--justice-hex %v", err)
		}
		return raw, nil
	}
	data, err := readInput(*fl.justiceFile)
	if err != nil {
		return nil, fmt.Errorf("--justice-file: %w", err)
	}
	raw, err := decodeTxHex(string(data))
	if err != nil {
		return nil, fmt.Errorf("justice file %s %v", *fl.justiceFile, err)
	}
	return raw, nil
}

// sealAppointment encrypts plain under the commitment txid, signs the
// appointment with key and checks the result as a monitor will: it
// decodes, survives a round trip and its blob decrypts to plain.
func sealAppointment(s appointmentSpec, key *btcec.PrivateKey, plain []byte) (tower.Appointment, error) {
	blob, err := lncrypto.Encrypt(s.cipher, plain, s.commit)
	if err != nil {
		return tower.Appointment{}, err
	}
	a := tower.Appointment{Network: s.network, Locator: lncrypto.Locator(s.commit), EncryptedBlob: blob, Cipher: s.cipher,
		ToSelfDelay: s.delay, StartBlock: s.start, EndBlock: s.end, RewardSat: s.reward, Seq: s.seq}
	if err := a.Sign(key); err != nil {
		return tower.Appointment{}, fmt.Errorf("sign the appointment: %w", err)
	}
	wireForm := tower.EncodeAppointment(a)
	data, err := json.Marshal(wireForm)
	if err != nil {
		return tower.Appointment{}, err
	}
	back, err := checkAppointment(data)
	if err != nil {
		return tower.Appointment{}, fmt.Errorf("the appointment made is not valid: %s", rejection(err))
	}
	if tower.EncodeAppointment(back) != wireForm {
		return tower.Appointment{}, errors.New("the appointment made does not survive a decode round trip")
	}
	if pt, err := lncrypto.Decrypt(back.Cipher, back.EncryptedBlob, s.commit); err != nil || !bytes.Equal(pt, plain) {
		return tower.Appointment{}, errors.New("the appointment's blob does not decrypt to the justice transaction")
	}
	return back, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkAppointment decodes an appointment as a monitor does and checks what
// every monitor checks regardless of its configuration: the user signature
// and that end_block is after start_block.
func checkAppointment(data []byte) (tower.Appointment, error) {
	a, err := tower.DecodeAppointment(data)
	if err != nil {
		return a, err
	}
	if err := a.VerifySignature(); err != nil {
		return a, err
	}
	if a.EndBlock <= a.StartBlock {
		return a, monitor.Reject(monitor.ReasonEndBlockBeforeStart, "end_block %d must be after start_block %d", a.EndBlock, a.StartBlock)
	}
	return a, nil
}

// appointmentWarnings judges a against the default intake bounds (a
// monitor may be configured otherwise, so these are warnings).
func appointmentWarnings(a tower.Appointment) []string {
	if err := tower.DefaultAppointmentBounds().Check(a, a.StartBlock); err != nil {
		return []string{"monitors with the default bounds will refuse this appointment: " + rejection(err)}
	}
	return nil
}

// checkAppointmentReceipt verifies a monitor's receipt for appointment a:
// its kind and locator, and that its signature over the ASCII
// user_signature followed by u32be(start_block) recovers to its
// monitor_pubkey (docs/protocol.md §8.6). It returns the monitor_pubkey in
// lowercase hex.
func checkAppointmentReceipt(content []byte, a tower.Appointment) (string, error) {
	var d tower.AppointmentReceipt
	if err := json.Unmarshal(content, &d); err != nil {
		return "", fmt.Errorf("not a receipt: %v", err)
	}
	if d.Kind != tower.ReceiptKindAppointment {
		return "", fmt.Errorf("kind is %q, not %s", d.Kind, tower.ReceiptKindAppointment)
	}
	if want := hex.EncodeToString(a.Locator[:]); !strings.EqualFold(d.Locator, want) {
		return "", fmt.Errorf("locator %q is not the appointment's %s", d.Locator, want)
	}
	pub, err := hex.DecodeString(d.MonitorPubkey)
	if err == nil && (len(pub) != 33 || (pub[0] != 2 && pub[0] != 3)) {
		err = errors.New("not compressed")
	}
	if err == nil {
		_, err = btcec.ParsePubKey(pub)
	}
	if err != nil {
		return "", fmt.Errorf("monitor_pubkey %q is not a compressed secp256k1 public key (66 hex characters)", d.MonitorPubkey)
	}
	start, err := monitor.ParseUint64("start_block", d.StartBlock)
	if err == nil && start > math.MaxUint32 {
		err = errors.New("start_block exceeds 2^32-1")
	}
	if err != nil {
		return "", errors.New(message(err))
	}
	if d.Signature == "" {
		return "", errors.New("no signature")
	}
	msg := binary.BigEndian.AppendUint32([]byte(a.UserSignature), uint32(start))
	signer, err := lncrypto.RecoverMessage(msg, d.Signature)
	if err != nil {
		return "", fmt.Errorf("signature: %v", err)
	}
	if got := signer.SerializeCompressed(); !bytes.Equal(got, pub) {
		return "", fmt.Errorf("the signature recovers to %x, not to monitor_pubkey %x (a field was altered, or it signs another appointment)", got, pub)
	}
	return hex.EncodeToString(pub), nil
}
