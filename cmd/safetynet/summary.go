package main

import (
	"context"
	"log/slog"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/fault"
	"safetynet/internal/jobs"
)

// defaultSummariseEvery is the age after which the server summarises
// last month's statistics again.
const defaultSummariseEvery = 24 * time.Hour

// summariseClosedMonths has runner keep the published figures of the
// month before today's current (docs/statistics.md): it summarises that
// month when it has no figures, or figures older than every, looking
// when the server starts and then every hour (or every, if shorter). The
// dashboards of a month just closed thus need nobody to press 汇总, and
// the month's late payments and returns show within a day; older months
// stay as summarised (a correction is summarised again by hand). Two
// processes doing it at once do the work once (the month's claim).
// every 0 turns it off.
func summariseClosedMonths(ctx context.Context, a *app.App, runner *jobs.Runner, logger *slog.Logger, every time.Duration) error {
	if every <= 0 {
		return nil
	}
	ctx = a.System(ctx, "statistics-summary")
	logger = logger.With("component", "statistics")
	return runner.Every(ctx, "summarise last month", min(every, time.Hour), func(ctx context.Context) error {
		m, now := a.Clock.Today().Period().Add(-1), a.Clock.Now()
		ms, err := a.Statistics.Months(ctx, m, m)
		if err != nil || len(ms) == 0 {
			return err
		}
		if cur := ms[0]; cur.Summarised() && now.Sub(cur.SummarisedAt) < every || cur.ClaimOwner != "" && cur.ClaimUntil.After(now) {
			return nil
		}
		_, err = runner.Go(ctx, "summarise "+m.String(), func(ctx context.Context) error {
			res, err := a.Statistics.Summarise(ctx, m)
			switch {
			case fault.CodeOf(err) == fault.Conflict:
				return nil // another process is at it
			case err != nil:
				return err
			}
			if !res.Skipped {
				logger.Info("month summarised", "month", m.String(), "rows", res.Rows, "seconds", res.Elapsed.Seconds())
			}
			return nil
		})
		return err
	})
}
