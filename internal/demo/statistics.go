package demo

import (
	"context"
	"fmt"
	"time"

	"safetynet/internal/auth"
)

// SummariseStatistics summarises the published figures of the demo's
// last twelve months (the dashboards' default range) into the stored
// statistics, as the month-end step does in production.
func (s *Seeder) SummariseStatistics(ctx context.Context) error {
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("demo-statistics", s.Juris.Home))
	last := s.LastMonth()
	start := time.Now()
	rows := 0
	for m := last.Add(-11); m <= last; m = m.Add(1) {
		res, err := s.Statistics.Summarise(ctx, m)
		if err != nil {
			return err
		}
		rows += res.Rows
	}
	fmt.Fprintf(s.Out, "statistics of %s to %s summarised for the dashboards: %d figures, in %.1f s\n", last.Add(-11), last, rows, time.Since(start).Seconds())
	return nil
}
