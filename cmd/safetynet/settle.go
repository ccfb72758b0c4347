package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/jobs"
)

// defaultSettleEvery is how often the server sweeps the front office's
// applications (--settle-every).
const defaultSettleEvery = 5 * time.Minute

// settleLimit is how many completing applications one sweep settles.
const settleLimit = 100

// sweepApplications has runner sweep the front office every every
// (docs/frontoffice.md, the sweeper): the applications left completing
// (a pending action, a crash) settled under their lease, the due dates
// waiting for a calendar counted once it is there, and the applicants
// whose deferred material is late reminded once. every 0 turns it off.
func sweepApplications(ctx context.Context, a *app.App, runner *jobs.Runner, logger *slog.Logger, every time.Duration) error {
	if every <= 0 {
		return nil
	}
	ctx = a.System(ctx, "frontoffice-sweep")
	logger = logger.With("component", "frontoffice")
	return runner.Every(ctx, "sweep applications", every, func(ctx context.Context) error {
		rep, err := a.FrontOffice.SettlePending(ctx, settleLimit)
		if rep != nil && (len(rep.Completed) > 0 || len(rep.Failed) > 0) {
			logger.Info("applications settled", "completed", len(rep.Completed), "waiting", len(rep.Waiting), "failed", len(rep.Failed))
		}
		if rep != nil {
			// An action the domain refuses stays completing until an
			// approver refuses the application: said at every sweep, by
			// its number only — the domain's reason may name the
			// applicant, which never goes into a log; `safetynet
			// applications show NO` prints it to the operator.
			for no := range rep.Failed {
				logger.Warn("application not settled", "application", no)
			}
		}
		due, derr := a.FrontOffice.RecomputePendingDue(ctx)
		if len(due) > 0 {
			logger.Info("due dates counted", "applications", len(due))
		}
		n, rerr := a.FrontOffice.RemindDeferred(ctx)
		if n > 0 {
			logger.Info("late materials reminded", "reminders", n)
		}
		return errors.Join(err, derr, rerr)
	})
}
