package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Code is the coarse class of an error. The REST API maps each code to one
// HTTP status in a single table; the room intake only counts them.
type Code string

// The error vocabulary shared by every part of Vigil.
const (
	CodeInvalid      Code = "invalid_input"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeUnprofitable Code = "unprofitable"
	CodeUnavailable  Code = "unavailable"
	CodeUnauthorized Code = "unauthorized"
	CodeInternal     Code = "internal"
)

// Reason is a stable, machine-readable rejection reason. Reasons are part of
// the public API (responses, stats, docs/operations.md): never rename one.
type Reason string

// Rejection reasons for balance proofs.
const (
	ReasonMalformedJSON      Reason = "malformed_json"
	ReasonBodyTooLarge       Reason = "body_too_large"
	ReasonMissingField       Reason = "missing_field"
	ReasonUnknownField       Reason = "unknown_field"
	ReasonBadType            Reason = "bad_type"
	ReasonBadNumber          Reason = "bad_number"
	ReasonNumberOverflow     Reason = "number_overflow"
	ReasonBadHex             Reason = "bad_hex"
	ReasonBadAddress         Reason = "bad_address"
	ReasonBadChecksum        Reason = "bad_checksum"
	ReasonWrongChain         Reason = "wrong_chain"
	ReasonBadSignature       Reason = "bad_signature"
	ReasonWrongSigner        Reason = "wrong_signer"
	ReasonUnknownChannel     Reason = "unknown_channel"
	ReasonNotParticipant     Reason = "not_participant"
	ReasonChannelClosed      Reason = "channel_closed"
	ReasonChannelSettled     Reason = "channel_settled"
	ReasonStaleNonce         Reason = "stale_nonce"
	ReasonNonceConflict      Reason = "nonce_conflict"
	ReasonZeroNonce          Reason = "zero_nonce"
	ReasonRewardAboveDeposit Reason = "reward_above_deposit"
	ReasonRewardBelowMinimum Reason = "reward_below_minimum"
	ReasonRewardBelowGasCost Reason = "reward_below_gas_cost"
	ReasonRateLimited        Reason = "rate_limited"
	ReasonChainUnavailable   Reason = "chain_unavailable"
	ReasonNotFound           Reason = "not_found"

	// Room intake: events that are not (valid) requests.
	ReasonNotARequest      Reason = "not_a_request"
	ReasonUnknownEventType Reason = "unknown_event_type"
	ReasonEditIgnored      Reason = "edit_ignored"
	ReasonRedactionIgnored Reason = "redaction_ignored"
	ReasonWrongRoom        Reason = "wrong_room"
	ReasonNotSupported     Reason = "not_supported"
	ReasonUnauthorized     Reason = "unauthorized"
	ReasonInternal         Reason = "internal_error"

	// Lightning appointments (docs/protocol.md §8).
	ReasonBadLocator            Reason = "bad_locator"
	ReasonBadPubkey             Reason = "bad_pubkey"
	ReasonUnknownCipher         Reason = "unknown_cipher"
	ReasonBlobTooSmall          Reason = "blob_too_small"
	ReasonBlobTooLarge          Reason = "blob_too_large"
	ReasonStartBlockOutOfWindow Reason = "start_block_out_of_window"
	ReasonEndBlockBeforeStart   Reason = "end_block_before_start"
	ReasonEndBlockTooFar        Reason = "end_block_too_far"
	ReasonTooManyPerLocator     Reason = "too_many_per_locator"
	ReasonWrongNetwork          Reason = "wrong_network"
	ReasonRewardBelowFee        Reason = "reward_below_fee"
	ReasonDecryptFailed         Reason = "decrypt_failed"
	ReasonNotATransaction       Reason = "not_a_transaction"
	ReasonDoesNotSpendBreach    Reason = "does_not_spend_breach"
	// ReasonNotFinal: the decrypted transaction could not be mined in the
	// next block (a relative lock time not yet met, e.g. the cheater's own
	// delayed path, or an absolute one above the tip); a justice
	// transaction never needs one.
	ReasonNotFinal           Reason = "not_final"
	ReasonSurplusBelowReward Reason = "surplus_below_reward"
	ReasonNoBounty           Reason = "no_bounty"
	ReasonReplacementRefused Reason = "replacement_refused"

	// Lightning appointments: an older appointment offered again (docs
	// §8.5), and why a justice record ended lost (§8.9).
	ReasonStaleSequence  Reason = "stale_sequence"
	ReasonSpentByJustice Reason = "spent_by_other_justice"
	ReasonSpentByCheater Reason = "spent_by_cheater"
	ReasonDeadlinePassed Reason = "deadline_passed"
	// Node health.
	// ReasonNodeOutOfSync: the chain node does not follow the chain Vigil
	// processed (its head is below the last processed block, or it does
	// not know that block at all: a wiped, replaced or lagging node).
	ReasonNodeOutOfSync Reason = "node_out_of_sync"
	// ReasonRequestCanceled: the caller went away (closed its connection,
	// or the daemon is stopping) before the request was decided. Nothing
	// was stored; the caller never sees this answer.
	ReasonRequestCanceled Reason = "request_canceled"
	// Any message: an object with the same key twice (dupkeys.go).
	ReasonDuplicateField Reason = "duplicate_field"
	// The monitor's storage refuses writes (disk full, read-only): nothing
	// was stored, the request may be sent again later.
	ReasonStorageUnavailable Reason = "storage_unavailable"
	// ReasonMonitorNotRegistered: the monitor is no longer registered and
	// active in the monitor registry (an exit, or a deposit slashed below
	// the minimum): channels would refuse its updates, so it promises
	// nothing.
	ReasonMonitorNotRegistered Reason = "monitor_not_registered"
	// ReasonObserveOnly: the monitor runs in observe-only mode
	// (ethereum.observe_only): it watches and records, and accepts nothing
	// that would promise action.
	ReasonObserveOnly Reason = "observe_only"
)

// reasonCodes is the one table from reason to code.
var reasonCodes = map[Reason]Code{
	ReasonMalformedJSON:      CodeInvalid,
	ReasonBodyTooLarge:       CodeInvalid,
	ReasonMissingField:       CodeInvalid,
	ReasonUnknownField:       CodeInvalid,
	ReasonBadType:            CodeInvalid,
	ReasonBadNumber:          CodeInvalid,
	ReasonNumberOverflow:     CodeInvalid,
	ReasonBadHex:             CodeInvalid,
	ReasonBadAddress:         CodeInvalid,
	ReasonBadChecksum:        CodeInvalid,
	ReasonWrongChain:         CodeInvalid,
	ReasonBadSignature:       CodeInvalid,
	ReasonWrongSigner:        CodeInvalid,
	ReasonUnknownChannel:     CodeInvalid,
	ReasonNotParticipant:     CodeInvalid,
	ReasonZeroNonce:          CodeInvalid,
	ReasonChannelClosed:      CodeConflict,
	ReasonChannelSettled:     CodeConflict,
	ReasonStaleNonce:         CodeConflict,
	ReasonNonceConflict:      CodeConflict,
	ReasonRewardAboveDeposit: CodeUnprofitable,
	ReasonRewardBelowMinimum: CodeUnprofitable,
	ReasonRewardBelowGasCost: CodeUnprofitable,
	ReasonRateLimited:        CodeUnavailable,
	ReasonChainUnavailable:   CodeUnavailable,
	ReasonNotFound:           CodeNotFound,
	ReasonNotARequest:        CodeInvalid,
	ReasonUnknownEventType:   CodeInvalid,
	ReasonEditIgnored:        CodeInvalid,
	ReasonRedactionIgnored:   CodeInvalid,
	ReasonWrongRoom:          CodeInvalid,
	ReasonNotSupported:       CodeInvalid,
	ReasonUnauthorized:       CodeUnauthorized,
	ReasonInternal:           CodeInternal,

	ReasonBadLocator:            CodeInvalid,
	ReasonBadPubkey:             CodeInvalid,
	ReasonUnknownCipher:         CodeInvalid,
	ReasonBlobTooSmall:          CodeInvalid,
	ReasonBlobTooLarge:          CodeInvalid,
	ReasonStartBlockOutOfWindow: CodeInvalid,
	ReasonEndBlockBeforeStart:   CodeInvalid,
	ReasonEndBlockTooFar:        CodeInvalid,
	ReasonTooManyPerLocator:     CodeConflict,
	ReasonWrongNetwork:          CodeInvalid,
	ReasonRewardBelowFee:        CodeUnprofitable,
	ReasonDecryptFailed:         CodeInvalid,
	ReasonNotFinal:              CodeInvalid,
	ReasonNotATransaction:       CodeInvalid,
	ReasonDoesNotSpendBreach:    CodeInvalid,
	ReasonSurplusBelowReward:    CodeUnprofitable,
	ReasonNoBounty:              CodeUnprofitable,
	ReasonReplacementRefused:    CodeUnavailable,

	ReasonStaleSequence:      CodeConflict,
	ReasonSpentByJustice:     CodeConflict,
	ReasonSpentByCheater:     CodeConflict,
	ReasonDeadlinePassed:     CodeConflict,
	ReasonNodeOutOfSync:      CodeUnavailable,
	ReasonRequestCanceled:    CodeUnavailable,
	ReasonDuplicateField:     CodeInvalid,
	ReasonStorageUnavailable: CodeUnavailable,

	ReasonMonitorNotRegistered: CodeUnavailable,
	ReasonObserveOnly:          CodeUnavailable,
}

// Reasons lists every rejection reason, for stats that report zeros too.
func Reasons() []Reason {
	out := make([]Reason, 0, len(reasonCodes))
	for r := range reasonCodes {
		out = append(out, r)
	}
	return out
}

// Error is a rejection with a stable reason. Message is safe to show to a
// client; Err (internal detail) is only logged.
type Error struct {
	Reason  Reason
	Message string
	Err     error
}

// Reject builds an *Error with a formatted client-safe message.
func Reject(reason Reason, format string, args ...any) *Error {
	return &Error{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure; its detail never reaches a client.
func Internal(err error) *Error {
	return &Error{Reason: ReasonInternal, Message: "internal error", Err: err}
}

// Unavailable wraps a failure of a dependency (node, database busy).
func Unavailable(reason Reason, msg string, err error) *Error {
	return &Error{Reason: reason, Message: msg, Err: err}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Reason, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Reason, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Code is the class of the error's reason.
func (e *Error) Code() Code {
	if c, ok := reasonCodes[e.Reason]; ok {
		return c
	}
	return CodeInternal
}

// AsError returns err as an *Error, wrapping anything else as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Sentinel errors for control flow between monitor and its adapters.
var (
	// ErrNotFound is returned by stores and chain readers for a missing item.
	ErrNotFound = errors.New("not found")
	// ErrWouldRevert means a transaction would revert if sent now (someone
	// else already updated, the window closed, ...). It is recorded, never sent.
	ErrWouldRevert = errors.New("transaction would revert")
	// ErrNoAnswer wraps a node call that got no answer within its deadline
	// (or could not reach the node): the node is unavailable, which is
	// different from the node answering with an error.
	ErrNoAnswer = errors.New("node did not answer")
	// ErrInputsSpent wraps a broadcast the node refused because an input is
	// already spent or unknown to it: another transaction took it.
	ErrInputsSpent = errors.New("inputs already spent")
)

// Canceled turns err into a request_canceled rejection when ctx (the
// caller's request context) ended: a failure caused by the caller leaving
// is neither the monitor's fault nor a node's. Other errors are returned
// as they are.
func Canceled(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if e := AsError(err); e.Code() == CodeInternal || e.Code() == CodeUnavailable {
		return &Error{Reason: ReasonRequestCanceled, Message: "the request was canceled before it was decided", Err: err}
	}
	return err
}

// Excerpt is s cut to 40 bytes, to quote client input in a rejection
// message without echoing an unbounded string.
func Excerpt(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// JSONErrorText describes a JSON decoding error for a rejection message:
// the byte offset of a syntax error, not the decoder's own wording.
func JSONErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	return "invalid JSON"
}
