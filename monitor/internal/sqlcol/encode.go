package sqlcol

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// Encodings both stores share beyond single columns: a chain event's
// kind-specific fields as JSON, and the request listing's page cursor.

// eventData is the JSON of an event's kind-specific fields; amounts are
// decimal strings so that json_extract in the sqlite3 shell reads them
// exactly.
type eventData struct {
	Participant1  *common.Address `json:"participant1,omitempty"`
	Participant2  *common.Address `json:"participant2,omitempty"`
	SettleTimeout uint64          `json:"settle_timeout,omitempty"`
	Participant   *common.Address `json:"participant,omitempty"`
	Nonce         uint64          `json:"nonce,omitempty"`
	Payout        *common.Address `json:"payout,omitempty"`
	Amount        string          `json:"amount,omitempty"`
	Amount2       string          `json:"amount2,omitempty"`
}

func optAddr(a common.Address) *common.Address {
	if a == (common.Address{}) {
		return nil
	}
	return &a
}

func optBigString(b *big.Int) string {
	if b == nil {
		return ""
	}
	return b.String()
}

// EncodeEventData is the data column of a chain event.
func EncodeEventData(e *proofs.ChainEvent) (string, error) {
	b, err := json.Marshal(eventData{
		Participant1:  optAddr(e.Participant1),
		Participant2:  optAddr(e.Participant2),
		SettleTimeout: e.SettleTimeout,
		Participant:   optAddr(e.Participant),
		Nonce:         e.Nonce,
		Payout:        optAddr(e.Payout),
		Amount:        optBigString(e.Amount),
		Amount2:       optBigString(e.Amount2),
	})
	return string(b), err
}

// DecodeEventData reads the data column of a chain event into e.
func DecodeEventData(s string, e *proofs.ChainEvent) error {
	var d eventData
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return fmt.Errorf("event data: %w", err)
	}
	deref := func(a *common.Address) common.Address {
		if a == nil {
			return common.Address{}
		}
		return *a
	}
	e.Participant1, e.Participant2, e.Participant, e.Payout =
		deref(d.Participant1), deref(d.Participant2), deref(d.Participant), deref(d.Payout)
	e.SettleTimeout, e.Nonce = d.SettleTimeout, d.Nonce
	for _, f := range []struct {
		s string
		p **big.Int
	}{{d.Amount, &e.Amount}, {d.Amount2, &e.Amount2}} {
		if f.s == "" {
			continue
		}
		v, ok := new(big.Int).SetString(f.s, 10)
		if !ok {
			return fmt.Errorf("event data: bad amount %q", f.s)
		}
		*f.p = v
	}
	return nil
}

// EncodePageCursor is the opaque cursor after the request of
// (channel, nonClosing) in a listing.
func EncodePageCursor(channel, nonClosing common.Address) string {
	return hex.EncodeToString(append(channel.Bytes(), nonClosing.Bytes()...))
}

// DecodePageCursor reads EncodePageCursor's cursor; a malformed one is
// refused with bad_hex.
func DecodePageCursor(s string) (channel, nonClosing common.Address, err error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 2*common.AddressLength {
		return channel, nonClosing, monitor.Reject(monitor.ReasonBadHex, "invalid page cursor %q", monitor.Excerpt(s))
	}
	return common.BytesToAddress(b[:common.AddressLength]), common.BytesToAddress(b[common.AddressLength:]), nil
}
