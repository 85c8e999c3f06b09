package matrixbus

import (
	"encoding/json"
	"testing"

	"github.com/vigil-monitor/vigil/monitor"
)

// TestClassifyDuplicateKeys: a plain-form message whose content or body
// has a key twice (two bodies, two types, an escaped repeat) is refused
// as duplicate_field before intake, whichever of the two a JSON decoder
// would keep; the same message without the repeat is a request.
func TestClassifyDuplicateKeys(t *testing.T) {
	ok := Event{Type: typeMessage, Content: json.RawMessage(`{"msgtype":"m.text","body":"{\"type\":\"balance_proof\",\"nonce\":\"1\"}"}`)}
	if kind, _, _, reason := classify(ok); kind != "balance_proof" || reason != "" {
		t.Fatalf("plain request: kind %q reason %q", kind, reason)
	}
	for name, content := range map[string]string{
		"two bodies":         `{"msgtype":"m.text","body":"{\"type\":\"balance_proof\"}","body":"hello"}`,
		"escaped body twice": `{"msgtype":"m.text","body":"hello","\u0062ody":"{\"type\":\"balance_proof\"}"}`,
		"two types":          `{"msgtype":"m.text","body":"{\"type\":\"balance_proof\",\"type\":\"weather\"}"}`,
		"nonce twice":        `{"msgtype":"m.text","body":"{\"type\":\"balance_proof\",\"nonce\":\"1\",\"non\\u0063e\":\"2\"}"}`,
		"relation twice":     `{"msgtype":"m.text","body":"{\"type\":\"balance_proof\"}","m.relates_to":{"rel_type":"m.replace","rel_type":"x"}}`,
	} {
		_, _, _, reason := classify(Event{Type: typeMessage, Content: json.RawMessage(content)})
		if reason != monitor.ReasonDuplicateField {
			t.Errorf("%s: reason %q, want %s", name, reason, monitor.ReasonDuplicateField)
		}
	}
}
