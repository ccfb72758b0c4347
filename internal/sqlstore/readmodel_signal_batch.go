package sqlstore

import (
	"context"

	"safetynet/internal/monitoring"
	"safetynet/internal/registry"
)

// SignalOfBatch implements monitoring.Store. It reads through the index
// of a household's signals, so that it costs what the household has.
func (db *DB) SignalOfBatch(ctx context.Context, household registry.HouseholdID, batch string) (*monitoring.Signal, error) {
	var s monitoring.Signal
	var queued int
	err := db.r.QueryRowContext(ctx, db.q(`SELECT s.id, s.source, s.kind, s.person_id, s.household_id, s.region_code, s.occurred_on,
			s.amount, s.grade, s.detail, s.batch, s.line, s.received_at,
			(SELECT COUNT(*) FROM signal_queue q WHERE q.region_code = s.region_code AND q.signal_id = s.id)
		FROM signals s WHERE s.household_id = ? AND s.batch = ? ORDER BY s.id LIMIT 1`), int64(household), batch).
		Scan(&s.ID, &s.Source, &s.Kind, &s.PersonID, &s.HouseholdID, &s.RegionCode, &s.OccurredOn, &s.Amount, &s.Grade,
			&s.Detail, &s.Batch, &s.Line, timeCol{&s.ReceivedAt}, &queued)
	if err != nil {
		return nil, notFound(err, "signal of batch", batch)
	}
	s.Processed = queued == 0
	return &s, nil
}
