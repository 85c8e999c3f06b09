package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/vigil-monitor/vigil/monitor"
	"github.com/vigil-monitor/vigil/monitor/tower"
)

// SaveAppointments saves many appointments in one transaction, as if
// SaveAppointment were called for each in order (a later one sees the
// earlier ones, including for maxPerLocator). results[i] and rejections[i]
// are appointment i's outcome: rejections holds the *monitor.Error
// SaveAppointment would have returned, or nil. err is a failure of the store
// itself, in which case nothing was saved.
//
// Like SaveRequests it is not part of the monitor's interfaces: it is for
// bulk loads (benchmark fixtures, imports).
func (s *Store) SaveAppointments(ctx context.Context, as []tower.StoredAppointment, maxPerLocator int) (results []monitor.SaveResult, rejections []error, err error) {
	results = make([]monitor.SaveResult, len(as))
	rejections = make([]error, len(as))
	args := make([][]any, len(as))
	for i := range as {
		if args[i], err = appointmentArgs(&as[i]); err != nil {
			rejections[i] = wrap("save appointments", err)
		}
	}
	err = s.writeIntake(ctx, "save appointments", func(tx *sql.Tx) error {
		for i := range as {
			if args[i] == nil {
				continue
			}
			res, err := s.saveAppointment(ctx, tx, &as[i], args[i], maxPerLocator)
			var me *monitor.Error
			switch {
			case errors.As(err, &me):
				rejections[i] = err
			case err != nil:
				return err
			default:
				results[i] = res
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return results, rejections, nil
}
