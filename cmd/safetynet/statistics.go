package main

import (
	"context"
	"errors"
	"fmt"

	"safetynet/internal/period"
)

const statisticsUsage = `Usage:
  safetynet statistics summarise --db DSN --month YYYY-MM              summarise one month's published figures for the dashboards
  safetynet statistics summarise --db DSN --from YYYY-MM --to YYYY-MM  every month of a range, one after the other
A month's stored figures are replaced in one transaction; a month being
summarised by another process at the same time is left to it.`

// statisticsCommands summarise the published figures the dashboards read
// (docs/statistics.md), acting as the system.
func statisticsCommands() []command {
	return []command{
		{name: "summarise", summary: "summarise the published figures of a month or a range of months", run: runStatisticsSummarise},
	}
}

// runStatisticsSummarise summarises --month, or --from through --to, and
// prints per month the figures written and the seconds taken.
func runStatisticsSummarise(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "statistics summarise", "statistics summarise --db DSN [--month YYYY-MM] [--from YYYY-MM --to YYYY-MM]")
	dsn := dsnFlag(fs, defaultDB)
	month := fs.String("month", "", "the month to summarise")
	fromS := fs.String("from", "", "the first month of a range")
	toS := fs.String("to", "", "the last month of a range")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var from, to period.Month
	var err error
	switch {
	case *month != "" && (*fromS != "" || *toS != ""):
		return errors.New("give --month or --from and --to, not both")
	case *month != "":
		if from, err = period.ParseMonth(*month); err != nil {
			return fmt.Errorf("--month: %w", err)
		}
		to = from
	case *fromS != "" && *toS != "":
		if from, err = period.ParseMonth(*fromS); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
		if to, err = period.ParseMonth(*toS); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
		if to < from {
			return errors.New("--to is before --from")
		}
	default:
		return errors.New("give --month, or --from and --to")
	}
	a, ctx, err := openApp(ctx, e, *dsn, "statistics")
	if err != nil {
		return err
	}
	defer a.Close()
	for m := from; m <= to; m = m.Add(1) {
		res, err := a.Statistics.Summarise(ctx, m)
		if err != nil {
			return err
		}
		if res.Skipped {
			fmt.Fprintf(e.stdout, "%s: summarised by another run started at the same time (%d figures); nothing written\n", m, res.Rows)
			continue
		}
		fmt.Fprintf(e.stdout, "%s: %d figures written in %.1f s\n", m, res.Rows, res.Elapsed.Seconds())
	}
	return nil
}
