package daemon

import (
	"fmt"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/store"
	"github.com/vigil-monitor/vigil/rest"
)

// healthDiskReserveSpent is the /healthz code of the store part while the
// SQLite store's disk reserve is spent: the disk filled, the store gave the
// reserve's space to the watchers and responders, and intake refuses new
// requests until the operator frees space.
const healthDiskReserveSpent = "disk_reserve_spent"

// reserveReporter is the SQLite store's disk reserve as the daemon reports
// it; the PostgreSQL store has none (its disk is the server's).
type reserveReporter interface {
	Reserve() store.ReserveStatus
}

// storeSection is the store's part of /api/1/stats and /metrics.
type storeSection struct{ r reserveReporter }

func (s storeSection) FillSnapshot(out *monitor.StatsSnapshot) {
	st := s.r.Reserve()
	out.Store = &monitor.StoreStats{
		ReserveBytes:    st.Bytes,
		ReserveReleased: st.Spent,
		ReserveReleases: st.Releases,
		FreeBytes:       st.FreeBytes,
	}
}

// reserveSpentHealth is the store part of /healthz while the reserve is
// spent.
func reserveSpentHealth(r reserveReporter) rest.HealthPart {
	st := r.Reserve()
	return rest.HealthPart{Status: rest.HealthUnavailable, Error: healthDiskReserveSpent,
		Message: fmt.Sprintf("the disk filled and its %d-byte reserve was released for the watchers; %d bytes free; "+
			"new requests are refused until space is freed", st.Bytes, st.FreeBytes)}
}
