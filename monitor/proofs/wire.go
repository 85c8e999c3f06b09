package proofs

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
)

// MaxMessageBytes caps a balance-proof message before it is parsed. A valid
// message is about 700 bytes.
const MaxMessageBytes = 4096

// BalanceProofJSON is the wire form of a balance proof (room event content
// and REST body): every number a decimal string, bytes 0x-hex, addresses EIP-55.
type BalanceProofJSON struct {
	ChainID               string `json:"chain_id"`
	ChannelAddress        string `json:"channel_address"`
	Nonce                 string `json:"nonce"`
	TransferredAmount     string `json:"transferred_amount"`
	Locksroot             string `json:"locksroot"`
	ExtraHash             string `json:"extra_hash"`
	Signature             string `json:"signature"`
	NonClosingParticipant string `json:"non_closing_participant"`
	NonClosingSignature   string `json:"non_closing_signature"`
	RewardAmount          string `json:"reward_amount"`
}

// balanceProofFields lists the wire fields in order; all are required.
var balanceProofFields = []string{
	"chain_id", "channel_address", "nonce", "transferred_amount", "locksroot",
	"extra_hash", "signature", "non_closing_participant", "non_closing_signature",
	"reward_amount",
}

var balanceProofFieldSet = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range balanceProofFields {
		m[f] = true
	}
	return m
}()

// jsonString returns the string a JSON value (already known to be valid
// JSON) holds, or false if it is not a string. A string without escapes is
// taken as is; one with escapes goes through encoding/json.
func jsonString(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	if inner := v[1 : len(v)-1]; bytes.IndexByte(inner, '\\') < 0 {
		return string(inner), true
	}
	var str string
	if err := json.Unmarshal(v, &str); err != nil {
		return "", false
	}
	return str, true
}

// DecodeBalanceProof parses and syntactically validates a balance-proof
// message. It checks types, number ranges, hex and address checksums, but no
// signatures. Fields named in ignore (e.g. "type" for the plain room form)
// are allowed besides the protocol fields; any other field is rejected, and
// so is a field given twice (CheckDuplicateKeys).
func DecodeBalanceProof(data []byte, ignore ...string) (BalanceProof, error) {
	var bp BalanceProof
	if len(data) > MaxMessageBytes {
		return bp, monitor.Reject(monitor.ReasonBodyTooLarge, "message is %d bytes, the limit is %d", len(data), MaxMessageBytes)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return bp, monitor.Reject(monitor.ReasonMalformedJSON, "body is not a JSON object: %s", monitor.JSONErrorText(err))
	}
	if raw == nil {
		return bp, monitor.Reject(monitor.ReasonMalformedJSON, "body is not a JSON object")
	}
	if dec.More() {
		return bp, monitor.Reject(monitor.ReasonMalformedJSON, "trailing data after the JSON object")
	}
	if err := monitor.CheckDuplicateKeys(data); err != nil {
		return bp, err
	}
	for k := range raw {
		if !balanceProofFieldSet[k] && !slices.Contains(ignore, k) {
			return bp, monitor.Reject(monitor.ReasonUnknownField, "unknown field %q", k)
		}
	}
	s := make(map[string]string, len(balanceProofFields))
	for _, f := range balanceProofFields {
		v, ok := raw[f]
		if !ok {
			return bp, monitor.Reject(monitor.ReasonMissingField, "field %q is required", f)
		}
		str, ok := jsonString(v)
		if !ok {
			return bp, monitor.Reject(monitor.ReasonBadType, "field %q must be a JSON string", f)
		}
		s[f] = str
	}
	return parseBalanceProof(BalanceProofJSON{
		ChainID: s["chain_id"], ChannelAddress: s["channel_address"], Nonce: s["nonce"],
		TransferredAmount: s["transferred_amount"], Locksroot: s["locksroot"], ExtraHash: s["extra_hash"],
		Signature: s["signature"], NonClosingParticipant: s["non_closing_participant"],
		NonClosingSignature: s["non_closing_signature"], RewardAmount: s["reward_amount"],
	})
}

func parseBalanceProof(j BalanceProofJSON) (BalanceProof, error) {
	var (
		bp  BalanceProof
		err error
	)
	if bp.ChainID, err = monitor.ParseUint256("chain_id", j.ChainID); err != nil {
		return bp, err
	}
	if bp.Channel, err = ParseAddress("channel_address", j.ChannelAddress); err != nil {
		return bp, err
	}
	if bp.Nonce, err = monitor.ParseUint64("nonce", j.Nonce); err != nil {
		return bp, err
	}
	if bp.TransferredAmount, err = monitor.ParseUint256("transferred_amount", j.TransferredAmount); err != nil {
		return bp, err
	}
	if bp.Locksroot, err = parseBytes32("locksroot", j.Locksroot); err != nil {
		return bp, err
	}
	if bp.ExtraHash, err = parseBytes32("extra_hash", j.ExtraHash); err != nil {
		return bp, err
	}
	if bp.Signature, err = parseSignature("signature", j.Signature); err != nil {
		return bp, err
	}
	if bp.NonClosing, err = ParseAddress("non_closing_participant", j.NonClosingParticipant); err != nil {
		return bp, err
	}
	if bp.NonClosingSignature, err = parseSignature("non_closing_signature", j.NonClosingSignature); err != nil {
		return bp, err
	}
	if bp.Reward, err = monitor.ParseUint256("reward_amount", j.RewardAmount); err != nil {
		return bp, err
	}
	return bp, nil
}

// EncodeBalanceProof is the inverse of DecodeBalanceProof's parsing.
func EncodeBalanceProof(bp BalanceProof) BalanceProofJSON {
	return BalanceProofJSON{
		ChainID:               bigString(bp.ChainID),
		ChannelAddress:        bp.Channel.Hex(),
		Nonce:                 fmt.Sprint(bp.Nonce),
		TransferredAmount:     bigString(bp.TransferredAmount),
		Locksroot:             "0x" + hex.EncodeToString(bp.Locksroot[:]),
		ExtraHash:             "0x" + hex.EncodeToString(bp.ExtraHash[:]),
		Signature:             "0x" + hex.EncodeToString(bp.Signature),
		NonClosingParticipant: bp.NonClosing.Hex(),
		NonClosingSignature:   "0x" + hex.EncodeToString(bp.NonClosingSignature),
		RewardAmount:          bigString(bp.Reward),
	}
}

func bigString(b *big.Int) string {
	if b == nil {
		return "0"
	}
	return b.String()
}

// ParseAddress parses a 0x-prefixed 20-byte address. Mixed case must carry a
// valid EIP-55 checksum; all-lowercase or all-uppercase hex is accepted.
func ParseAddress(field, s string) (common.Address, error) {
	if len(s) != 42 || !has0x(s) {
		return common.Address{}, monitor.Reject(monitor.ReasonBadAddress, "field %q must be a 0x-prefixed 20-byte hex address", field)
	}
	body := s[2:]
	if _, err := hex.DecodeString(body); err != nil {
		return common.Address{}, monitor.Reject(monitor.ReasonBadAddress, "field %q is not hex", field)
	}
	a := common.HexToAddress(s)
	if body != strings.ToLower(body) && body != strings.ToUpper(body) && a.Hex() != s {
		return common.Address{}, monitor.Reject(monitor.ReasonBadChecksum, "field %q has a wrong EIP-55 checksum (expected %s)", field, a.Hex())
	}
	return a, nil
}

func has0x(s string) bool { return len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') }

func parseHex(field, s string) ([]byte, error) {
	if !has0x(s) {
		return nil, monitor.Reject(monitor.ReasonBadHex, "field %q must be 0x-prefixed hex", field)
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return nil, monitor.Reject(monitor.ReasonBadHex, "field %q is not valid hex", field)
	}
	return b, nil
}

func parseBytes32(field, s string) ([32]byte, error) {
	var out [32]byte
	b, err := parseHex(field, s)
	if err != nil {
		return out, err
	}
	if len(b) != 32 {
		return out, monitor.Reject(monitor.ReasonBadHex, "field %q must be 32 bytes, got %d", field, len(b))
	}
	copy(out[:], b)
	return out, nil
}

func parseSignature(field, s string) ([]byte, error) {
	b, err := parseHex(field, s)
	if err != nil {
		return nil, err
	}
	if len(b) != 65 {
		return nil, monitor.Reject(monitor.ReasonBadSignature, "field %q must be a 65-byte signature, got %d bytes", field, len(b))
	}
	return b, nil
}
