package tower

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"strconv"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower/lncrypto"
)

// MaxAppointmentBytes caps an appointment message before it is parsed. The
// blob is hex, so this leaves room for a blob of about 7.5 KB besides the
// other fields (about 450 bytes); the default bound is 2048 bytes.
const MaxAppointmentBytes = 16 << 10

// Appointment is a Lightning watchtower appointment (docs/protocol.md §8.2): a blob
// the monitor can decrypt only once the breach transaction whose txid gives
// Locator appears, signed by the user.
type Appointment struct {
	// Network is the Bitcoin network name (e.g. "regtest"); the tower
	// compares it with its own (ReasonWrongNetwork).
	Network string
	// Locator is the first 16 bytes of the breach txid in internal byte
	// order (lncrypto.Locator).
	Locator [16]byte
	// EncryptedBlob is the justice transaction sealed with Cipher under
	// lncrypto.Key(breach txid): ciphertext || 16-byte tag.
	EncryptedBlob []byte
	Cipher        lncrypto.Cipher
	// ToSelfDelay is the breach output's CSV delay: the deadline, in blocks
	// after the breach confirms, for the justice transaction.
	ToSelfDelay uint32
	// StartBlock and EndBlock bound the heights at which the monitor watches.
	StartBlock, EndBlock uint32
	// RewardSat is the surplus the client promises the monitor.
	RewardSat uint64
	// Seq orders one user's appointments for one locator: a stored one is
	// replaced only by one with a higher Seq (ReasonStaleSequence
	// otherwise), so a replayed older appointment cannot undo a newer one.
	// It is signed (SignedMessage).
	Seq uint64
	// Unsequenced: the message had no "seq" field. It was signed in the
	// layout without a sequence number and orders as Seq 0, so it can be
	// stored only where nothing is stored yet and never replaces anything.
	Unsequenced bool
	// UserPubkey is the user's compressed secp256k1 key.
	UserPubkey [33]byte
	// UserSignature is the canonical z-base-32 Lightning message signature
	// over SignedMessage (lncrypto.DecodeSignature has accepted it).
	UserSignature string
}

// AppointmentJSON is the wire form of an appointment (room event content and
// REST body): every number a decimal string, bytes plain hex without 0x
// (the Bitcoin convention; any case is accepted, lowercase is produced).
type AppointmentJSON struct {
	Network       string `json:"network"`
	Locator       string `json:"locator"`
	EncryptedBlob string `json:"encrypted_blob"`
	Cipher        string `json:"cipher"`
	ToSelfDelay   string `json:"to_self_delay"`
	StartBlock    string `json:"start_block"`
	EndBlock      string `json:"end_block"`
	RewardSat     string `json:"reward_sat"`
	// Seq is optional: empty (omitted) for an unsequenced appointment.
	Seq           string `json:"seq,omitempty"`
	UserPubkey    string `json:"user_pubkey"`
	UserSignature string `json:"user_signature"`
}

// appointmentFields lists the required wire fields in the order they are
// checked; seqField is the one optional field, checked after reward_sat.
var appointmentFields = []string{
	"network", "locator", "encrypted_blob", "cipher", "to_self_delay",
	"start_block", "end_block", "reward_sat", "user_pubkey", "user_signature",
}

const seqField = "seq"

// AppointmentFields returns the required wire field names of an
// appointment (the optional "seq" is not among them).
func AppointmentFields() []string { return append([]string(nil), appointmentFields...) }

// DecodeAppointment parses and syntactically validates an appointment
// message, in the style of DecodeBalanceProof: size cap first, a JSON object
// whose fields are all JSON strings, no unknown fields except those named in
// ignore, no field twice, decimal numbers as ParseUint64 (u32 fields range-checked), plain
// hex, a 16-byte locator, a valid compressed public key, a known cipher and
// a well-formed signature. It does not verify the signature (VerifySignature)
// or judge the bounds (AppointmentBounds.Check).
func DecodeAppointment(data []byte, ignore ...string) (Appointment, error) {
	var a Appointment
	if len(data) > MaxAppointmentBytes {
		return a, monitor.Reject(monitor.ReasonBodyTooLarge, "appointment is %d bytes, the limit is %d", len(data), MaxAppointmentBytes)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return a, monitor.Reject(monitor.ReasonMalformedJSON, "body is not a JSON object: %s", monitor.JSONErrorText(err))
	}
	if raw == nil {
		return a, monitor.Reject(monitor.ReasonMalformedJSON, "body is not a JSON object")
	}
	if dec.More() {
		return a, monitor.Reject(monitor.ReasonMalformedJSON, "trailing data after the JSON object")
	}
	if err := monitor.CheckDuplicateKeys(data); err != nil {
		return a, err
	}
	known := make(map[string]bool, len(appointmentFields)+1+len(ignore))
	known[seqField] = true
	for _, f := range appointmentFields {
		known[f] = true
	}
	for _, f := range ignore {
		known[f] = true
	}
	for k := range raw {
		if !known[k] {
			return a, monitor.Reject(monitor.ReasonUnknownField, "unknown field %q", monitor.Excerpt(k))
		}
	}
	s := make(map[string]string, len(appointmentFields))
	for _, f := range appointmentFields {
		v, ok := raw[f]
		if !ok {
			return a, monitor.Reject(monitor.ReasonMissingField, "field %q is required", f)
		}
		var str string
		if err := json.Unmarshal(v, &str); err != nil || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return a, monitor.Reject(monitor.ReasonBadType, "field %q must be a JSON string", f)
		}
		s[f] = str
	}
	var seq string
	if v, ok := raw[seqField]; ok {
		// Present: a decimal string, never empty (which would read as
		// absent below).
		if err := json.Unmarshal(v, &seq); err != nil || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return a, monitor.Reject(monitor.ReasonBadType, "field %q must be a JSON string", seqField)
		}
		if seq == "" {
			return a, monitor.Reject(monitor.ReasonBadNumber, "field %q is empty", seqField)
		}
	}
	return ParseAppointment(AppointmentJSON{
		Network: s["network"], Locator: s["locator"], EncryptedBlob: s["encrypted_blob"], Cipher: s["cipher"],
		ToSelfDelay: s["to_self_delay"], StartBlock: s["start_block"], EndBlock: s["end_block"],
		RewardSat: s["reward_sat"], Seq: seq, UserPubkey: s["user_pubkey"], UserSignature: s["user_signature"],
	})
}

// ParseAppointment validates the fields of an appointment already split into
// strings (DecodeAppointment without the JSON layer). An empty Seq means the
// field was absent: the appointment is Unsequenced.
func ParseAppointment(j AppointmentJSON) (Appointment, error) {
	var (
		a   Appointment
		err error
	)
	if err = checkNetwork(j.Network); err != nil {
		return a, err
	}
	a.Network = j.Network
	if a.Locator, err = parseLocator("locator", j.Locator); err != nil {
		return a, err
	}
	if a.EncryptedBlob, err = parsePlainHex("encrypted_blob", j.EncryptedBlob); err != nil {
		return a, err
	}
	if a.Cipher, err = lncrypto.ParseCipher(j.Cipher); err != nil {
		return a, monitor.Reject(monitor.ReasonUnknownCipher, "field \"cipher\" must be \"chacha20-poly1305\" or \"aes-256-gcm\", got %q", monitor.Excerpt(j.Cipher))
	}
	if a.ToSelfDelay, err = parseUint32("to_self_delay", j.ToSelfDelay); err != nil {
		return a, err
	}
	if a.StartBlock, err = parseUint32("start_block", j.StartBlock); err != nil {
		return a, err
	}
	if a.EndBlock, err = parseUint32("end_block", j.EndBlock); err != nil {
		return a, err
	}
	if a.RewardSat, err = monitor.ParseUint64("reward_sat", j.RewardSat); err != nil {
		return a, err
	}
	if j.Seq == "" {
		a.Unsequenced = true
	} else if a.Seq, err = monitor.ParseUint64(seqField, j.Seq); err != nil {
		return a, err
	}
	if a.UserPubkey, err = parsePubkey("user_pubkey", j.UserPubkey); err != nil {
		return a, err
	}
	if _, err := lncrypto.DecodeSignature(j.UserSignature); err != nil {
		return a, &monitor.Error{Reason: monitor.ReasonBadSignature, Message: "field \"user_signature\" is not a canonical z-base-32 Lightning message signature (65 bytes, compressed-key header, low s)", Err: err}
	}
	a.UserSignature = j.UserSignature
	return a, nil
}

// EncodeAppointment is the inverse of ParseAppointment (hex in lowercase;
// no seq for an unsequenced appointment).
func EncodeAppointment(a Appointment) AppointmentJSON {
	seq := ""
	if !a.Unsequenced {
		seq = strconv.FormatUint(a.Seq, 10)
	}
	return AppointmentJSON{
		Seq:           seq,
		Network:       a.Network,
		Locator:       hex.EncodeToString(a.Locator[:]),
		EncryptedBlob: hex.EncodeToString(a.EncryptedBlob),
		Cipher:        a.Cipher.String(),
		ToSelfDelay:   strconv.FormatUint(uint64(a.ToSelfDelay), 10),
		StartBlock:    strconv.FormatUint(uint64(a.StartBlock), 10),
		EndBlock:      strconv.FormatUint(uint64(a.EndBlock), 10),
		RewardSat:     strconv.FormatUint(a.RewardSat, 10),
		UserPubkey:    hex.EncodeToString(a.UserPubkey[:]),
		UserSignature: a.UserSignature,
	}
}

// SignedMessage is the message the user signs (docs/protocol.md §8.4):
//
//	locator || encrypted_blob || u32be(to_self_delay) || u32be(start_block) ||
//	u32be(end_block) || u64be(reward_sat) || u8(cipher id)
//	[ || u64be(seq) || u8(SeqLayoutMarker) ]
//
// the bracketed tail present exactly when the appointment is sequenced.
// The last byte tells the layouts apart: a cipher id (1 or 2) ends an
// unsequenced message, SeqLayoutMarker a sequenced one, so no signature
// over one layout verifies a message of the other; within a layout the
// fixed-size fields are read from the ends, so the variable-length blob is
// unambiguous. The network is not part of it; a signed appointment is bound
// to its network by the locator (a txid exists on one chain) and by the
// tower's network check.
func (a Appointment) SignedMessage() []byte {
	m := make([]byte, 0, len(a.Locator)+len(a.EncryptedBlob)+4+4+4+8+1+8+1)
	m = append(m, a.Locator[:]...)
	m = append(m, a.EncryptedBlob...)
	m = binary.BigEndian.AppendUint32(m, a.ToSelfDelay)
	m = binary.BigEndian.AppendUint32(m, a.StartBlock)
	m = binary.BigEndian.AppendUint32(m, a.EndBlock)
	m = binary.BigEndian.AppendUint64(m, a.RewardSat)
	m = append(m, a.Cipher.ID())
	if a.Unsequenced {
		return m
	}
	m = binary.BigEndian.AppendUint64(m, a.Seq)
	return append(m, SeqLayoutMarker)
}

// SeqLayoutMarker is the last byte of a sequenced appointment's signed
// message; it is no cipher id.
const SeqLayoutMarker = 0x80

// SameContent reports whether a and b are the same appointment: every field
// equal, the signature and seq included (how each arrived does not count).
func (a Appointment) SameContent(b Appointment) bool {
	return a.Network == b.Network && a.Locator == b.Locator && bytes.Equal(a.EncryptedBlob, b.EncryptedBlob) &&
		a.Cipher == b.Cipher && a.ToSelfDelay == b.ToSelfDelay && a.StartBlock == b.StartBlock &&
		a.EndBlock == b.EndBlock && a.RewardSat == b.RewardSat && a.Seq == b.Seq && a.Unsequenced == b.Unsequenced &&
		a.UserPubkey == b.UserPubkey && a.UserSignature == b.UserSignature
}

// StaleSequence is the rejection of an appointment ordered at seq got when
// the one stored for the same (user_pubkey, locator) has seq have >= got
// and other content.
func StaleSequence(got, have uint64) *monitor.Error {
	if got == have {
		return monitor.Reject(monitor.ReasonStaleSequence,
			"an appointment with seq %d and other content is already stored for this user and locator; send a higher seq to replace it", have)
	}
	return monitor.Reject(monitor.ReasonStaleSequence,
		"seq %d is below the stored appointment's seq %d for this user and locator; an older appointment never replaces a newer one", got, have)
}

// OrderSeq is the sequence number an appointment is ordered by: Seq, or 0
// for an unsequenced one.
func (a Appointment) OrderSeq() uint64 {
	if a.Unsequenced {
		return 0
	}
	return a.Seq
}

// Sign sets UserPubkey to key's public key and UserSignature to its
// signature over SignedMessage (what a client does; the tests use it).
func (a *Appointment) Sign(key *btcec.PrivateKey) error {
	if key == nil {
		return errors.New("tower: nil key")
	}
	copy(a.UserPubkey[:], key.PubKey().SerializeCompressed())
	sig, err := lncrypto.SignMessage(key, a.SignedMessage())
	if err != nil {
		return err
	}
	a.UserSignature = sig
	return nil
}

// VerifySignature checks that UserSignature over SignedMessage recovers to
// UserPubkey: ReasonBadSignature if it is malformed or recovers no key,
// ReasonWrongSigner if it recovers another key.
func (a Appointment) VerifySignature() error {
	pub, err := lncrypto.RecoverMessage(a.SignedMessage(), a.UserSignature)
	if err != nil {
		return &monitor.Error{Reason: monitor.ReasonBadSignature, Message: "user_signature is not a valid Lightning message signature", Err: err}
	}
	var got [33]byte
	copy(got[:], pub.SerializeCompressed())
	if got != a.UserPubkey {
		return monitor.Reject(monitor.ReasonWrongSigner, "user_signature was made by %x, not by user_pubkey (or over other fields)", got)
	}
	return nil
}

// AppointmentBounds are the intake limits of the tower (docs/protocol.md §8.5).
type AppointmentBounds struct {
	// MinBlob and MaxBlob bound len(EncryptedBlob) in bytes; MaxBlob 0 means
	// no limit besides MaxAppointmentBytes.
	MinBlob, MaxBlob int
	// StartWindow: start_block must be within this many blocks of the tip,
	// on either side (0: exactly the tip).
	StartWindow uint32
	// MaxDuration: end_block - start_block at most this (0: no limit).
	MaxDuration uint32
	// MaxPerLocator: user keys kept per locator, enforced by the store
	// (ReasonTooManyPerLocator); 0 means no limit, the default. Keys cost
	// nothing, so any cap lets the cheater, who knows his revoked
	// commitments' locators first, crowd the victim out (docs/protocol.md
	// §9 item 15); the work a crowded locator causes at its breach is
	// bounded per appointment instead (Tower.respond).
	MaxPerLocator int
}

// DefaultAppointmentBounds are the docs/protocol.md §8.5 defaults: blob 100 to 2048
// bytes, start within 6 blocks of the tip, at most 52,560 blocks (about a
// year) of watching, any number of user keys per locator.
func DefaultAppointmentBounds() AppointmentBounds {
	return AppointmentBounds{MinBlob: 100, MaxBlob: 2048, StartWindow: 6, MaxDuration: 52560}
}

// Check judges a decoded appointment against the bounds at Bitcoin tip
// height tip. Each failure has its own reason.
func (b AppointmentBounds) Check(a Appointment, tip uint32) error {
	n := len(a.EncryptedBlob)
	if n < b.MinBlob {
		return monitor.Reject(monitor.ReasonBlobTooSmall, "encrypted_blob is %d bytes, the minimum is %d", n, b.MinBlob)
	}
	if b.MaxBlob > 0 && n > b.MaxBlob {
		return monitor.Reject(monitor.ReasonBlobTooLarge, "encrypted_blob is %d bytes, the maximum is %d", n, b.MaxBlob)
	}
	start, t, w := uint64(a.StartBlock), uint64(tip), uint64(b.StartWindow)
	if start+w < t || start > t+w {
		return monitor.Reject(monitor.ReasonStartBlockOutOfWindow, "start_block %d is not within %d blocks of the tip %d", a.StartBlock, b.StartWindow, tip)
	}
	if a.EndBlock <= a.StartBlock {
		return monitor.Reject(monitor.ReasonEndBlockBeforeStart, "end_block %d must be after start_block %d", a.EndBlock, a.StartBlock)
	}
	if b.MaxDuration > 0 && a.EndBlock-a.StartBlock > b.MaxDuration {
		return monitor.Reject(monitor.ReasonEndBlockTooFar, "end_block %d is %d blocks after start_block; the maximum is %d", a.EndBlock, a.EndBlock-a.StartBlock, b.MaxDuration)
	}
	return nil
}

// checkNetwork accepts a plausible network name (lowercase letters and
// digits, starting with a letter, at most 32 characters, e.g. "mainnet",
// "testnet4", "signet", "regtest"); whether it is this monitor's network is
// the tower's check. Anything else is nobody's network: ReasonWrongNetwork.
func checkNetwork(s string) error {
	ok := len(s) >= 1 && len(s) <= 32 && s[0] >= 'a' && s[0] <= 'z'
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
	}
	if !ok {
		return monitor.Reject(monitor.ReasonWrongNetwork, "field \"network\" must be a Bitcoin network name such as \"mainnet\" or \"regtest\", got %q", monitor.Excerpt(s))
	}
	return nil
}

// parseUint32 is ParseUint64 with the range of a uint32 (block heights,
// to_self_delay).
func parseUint32(field, s string) (uint32, error) {
	v, err := monitor.ParseUint64(field, s)
	if err != nil {
		return 0, err
	}
	if v > math.MaxUint32 {
		return 0, monitor.Reject(monitor.ReasonNumberOverflow, "field %q exceeds 2^32-1", field)
	}
	return uint32(v), nil
}

// parsePlainHex decodes Bitcoin-style hex: no 0x prefix, even length, any
// case.
func parsePlainHex(field, s string) ([]byte, error) {
	if has0x(s) {
		return nil, monitor.Reject(monitor.ReasonBadHex, "field %q must be plain hex without 0x", field)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, monitor.Reject(monitor.ReasonBadHex, "field %q is not valid hex", field)
	}
	return b, nil
}

func parseLocator(field, s string) ([16]byte, error) {
	var out [16]byte
	if len(s) != 2*len(out) {
		return out, monitor.Reject(monitor.ReasonBadLocator, "field %q must be exactly 32 hex characters (16 bytes), got %d characters", field, len(s))
	}
	b, err := parsePlainHex(field, s)
	if err != nil {
		return out, err
	}
	copy(out[:], b)
	return out, nil
}

func parsePubkey(field, s string) ([33]byte, error) {
	var out [33]byte
	if len(s) != 2*len(out) {
		return out, monitor.Reject(monitor.ReasonBadPubkey, "field %q must be a 33-byte compressed public key (66 hex characters), got %d characters", field, len(s))
	}
	b, err := parsePlainHex(field, s)
	if err != nil {
		return out, err
	}
	if b[0] != 2 && b[0] != 3 {
		return out, monitor.Reject(monitor.ReasonBadPubkey, "field %q must be a compressed public key (prefix 02 or 03)", field)
	}
	if _, err := btcec.ParsePubKey(b); err != nil {
		return out, monitor.Reject(monitor.ReasonBadPubkey, "field %q is not a point on secp256k1", field)
	}
	copy(out[:], b)
	return out, nil
}

func has0x(s string) bool { return len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') }
