package proofs_test

import (
	"testing"

	"github.com/vigil-monitor/vigil/monitor/proofs"
)

// TestRegistrationStatusAt: the registry's activeAt rule, block by block:
// active from activeFrom (inclusive) until exitAt (exclusive).
func TestRegistrationStatusAt(t *testing.T) {
	cases := []struct {
		name string
		reg  proofs.Registration
		head uint64
		want proofs.RegistrationStatus
	}{
		{"never registered", proofs.Registration{}, 50, proofs.RegistrationNotRegistered},
		{"before activeFrom", proofs.Registration{ActiveFrom: 10}, 9, proofs.RegistrationNotYetActive},
		{"at activeFrom", proofs.Registration{ActiveFrom: 10}, 10, proofs.RegistrationActive},
		{"exit announced later", proofs.Registration{ActiveFrom: 10, ExitAt: 20}, 19, proofs.RegistrationActive},
		{"at exitAt", proofs.Registration{ActiveFrom: 10, ExitAt: 20}, 20, proofs.RegistrationExited},
		{"after exitAt", proofs.Registration{ActiveFrom: 10, ExitAt: 20}, 30, proofs.RegistrationExited},
		{"exit before activeFrom", proofs.Registration{ActiveFrom: 10, ExitAt: 5}, 7, proofs.RegistrationExited},
	}
	for _, c := range cases {
		if got := c.reg.StatusAt(c.head); got != c.want {
			t.Errorf("%s: StatusAt(%d) = %s, want %s", c.name, c.head, got, c.want)
		}
	}
}
