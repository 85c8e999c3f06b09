package tower

import (
	"encoding/hex"
	"strconv"
)

// ReceiptKindAppointment is the "kind" of an appointment receipt.
const ReceiptKindAppointment = "ln_appointment"

// Accepted is what intake tells a client whose appointment it took.
type Accepted struct {
	Locator [16]byte
	// Tip is the tower's Bitcoin tip when it took this submission: the
	// receipt's start_block.
	Tip uint32
	// Duplicate: the identical appointment was already stored. Replaced:
	// it replaced an older one for the same (user, locator).
	Duplicate bool
	Replaced  bool
	// MonitorPubkey and ReceiptSignature (the signature of §8.6) are empty
	// when the monitor signs no receipts.
	MonitorPubkey    [33]byte
	ReceiptSignature string
}

// AppointmentReceipt is the one receipt object for an accepted
// appointment: the body of a PUT /api/1/appointments answer and the
// content of the room's org.vigil.receipt event (docs/protocol.md §8.6).
// Without a signature only the locator is given. The fields are in
// alphabetical order, as the wire form has always had them.
type AppointmentReceipt struct {
	// ForEventID is the answered room event; only in the room.
	ForEventID    string `json:"for_event_id,omitempty"`
	Kind          string `json:"kind,omitempty"`
	Locator       string `json:"locator"`
	MonitorPubkey string `json:"monitor_pubkey,omitempty"`
	Signature     string `json:"signature,omitempty"`
	StartBlock    string `json:"start_block,omitempty"`
}

// Signed tells whether the monitor signed a receipt.
func (a Accepted) Signed() bool { return a.ReceiptSignature != "" }

// Receipt is the receipt for what intake accepted.
func (a Accepted) Receipt() AppointmentReceipt {
	r := AppointmentReceipt{Locator: hex.EncodeToString(a.Locator[:])}
	if a.Signed() {
		r.Kind = ReceiptKindAppointment
		r.MonitorPubkey = hex.EncodeToString(a.MonitorPubkey[:])
		r.Signature = a.ReceiptSignature
		r.StartBlock = strconv.FormatUint(uint64(a.Tip), 10)
	}
	return r
}
