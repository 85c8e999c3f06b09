package proofs

import "sync"

// DefaultUpdateGasMax bounds what the gas model may learn.
const DefaultUpdateGasMax uint64 = 2_000_000

// updateGasWindow is how many recent observations the gas model keeps.
const updateGasWindow = 32

// UpdateGasModel is what one updateTransfer costs on the chain Vigil runs
// on, as intake and the responder judge profitability with it. It starts
// from a configured figure and learns from the chain: the live estimates of
// our own calls, the gas our mined updates used, and the gas used by other
// monitors' updates of the channels we watch. It answers the largest of the
// start figure and the recent observations, capped at a ceiling, so that a
// request is accepted only if it pays for an update as expensive as the
// chain has recently shown one to be. It is safe for concurrent use.
type UpdateGasModel struct {
	mu      sync.Mutex
	start   uint64
	ceiling uint64
	recent  []uint64 // ring of the last updateGasWindow observations
	next    int
}

// NewUpdateGasModel starts the model at start (0: UpdateTransferGas),
// never answering more than ceiling (0: DefaultUpdateGasMax).
func NewUpdateGasModel(start, ceiling uint64) *UpdateGasModel {
	if start == 0 {
		start = UpdateTransferGas
	}
	if ceiling == 0 {
		ceiling = DefaultUpdateGasMax
	}
	return &UpdateGasModel{start: min(start, ceiling), ceiling: ceiling}
}

// Observe records the gas of one update seen on the chain (0 is ignored)
// and reports whether the model's answer changed.
func (m *UpdateGasModel) Observe(gas uint64) (changed bool) {
	if m == nil || gas == 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	before := m.gasLocked()
	if len(m.recent) < updateGasWindow {
		m.recent = append(m.recent, gas)
	} else {
		m.recent[m.next] = gas
		m.next = (m.next + 1) % updateGasWindow
	}
	return m.gasLocked() != before
}

// Gas is the gas an update is expected to cost.
func (m *UpdateGasModel) Gas() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gasLocked()
}

func (m *UpdateGasModel) gasLocked() uint64 {
	g := m.start
	for _, o := range m.recent {
		g = max(g, o)
	}
	return min(g, m.ceiling)
}
