package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/exchange"
	"safetynet/internal/exchange/records"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

const monitorUsage = `Usage:
  safetynet monitor process --db DSN [--as-of YYYY-MM-DD]
  safetynet monitor overdue --db DSN [--as-of YYYY-MM-DD] [--region CODE]`

// monitorCommands run the low-income dynamic monitoring (低收入人口动态监测): the
// processing of the signals waiting, and the overdue alerts per township.
func monitorCommands() []command {
	return []command{
		{name: "process", run: runMonitorProcess},
		{name: "overdue", run: runMonitorOverdue},
	}
}

// asOfFlag parses --as-of, "" for today.
func asOfFlag(s string) (period.Date, error) {
	if s == "" {
		return 0, nil
	}
	return dateFlag("as-of", s)
}

func runMonitorProcess(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "monitor process", "monitor process --db DSN [--as-of YYYY-MM-DD]")
	dsn := dsnFlag(fs, defaultDB)
	asOf := fs.String("as-of", "", "grade the signals that occurred up to this day (default today)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := asOfFlag(*asOf)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "monitor-process")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Monitoring
	start := time.Now()
	sum, err := svc.Process(ctx, d)
	if err != nil {
		return rowProblems(e, err)
	}
	fmt.Fprintf(e.stdout, "monitoring run up to %s in %s: %d signals graded in %.1f s\n", sum.AsOf, sum.Region, sum.Signals, time.Since(start).Seconds())
	tw := newTable(e.stdout, true)
	fmt.Fprintln(tw, "at risk\tno risk\talerts opened\traised\tsignals attached\tred\torange\tyellow\t")
	fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", sum.AtRisk, sum.NoRisk, sum.Opened, sum.Raised, sum.Attached,
		sum.ByLevel["red"], sum.ByLevel["orange"], sum.ByLevel["yellow"])
	return tw.Flush()
}

func runMonitorOverdue(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "monitor overdue", "monitor overdue --db DSN [--as-of YYYY-MM-DD] [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	asOf := fs.String("as-of", "", "list the alerts overdue on this day: not disposed of and due before it (default today)")
	reg := fs.String("region", fs.e.home(), "region subtree")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := asOfFlag(*asOf)
	if err != nil {
		return err
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	a, ctx, err := openApp(ctx, e, *dsn, "monitor-overdue")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Monitoring
	if d.IsZero() {
		d = svc.Today()
	}
	rows, err := svc.Overdue(ctx, d, code)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintf(e.stdout, "no alert overdue on %s in %s\n", d, code)
		return nil
	}
	fmt.Fprintf(e.stdout, "alerts overdue on %s in %s (not disposed of by their due date), per township:\n", d, code)
	tw := newTable(e.stdout, false)
	fmt.Fprintln(tw, "township\tname\topen\toverdue\toldest due\talerts")
	total := 0
	for _, r := range rows {
		total += r.Overdue
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", r.Township, r.Name, r.Open, r.Overdue, r.OldestDue, alertList(r.AlertIDs, 10))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d alerts overdue in %d townships\n", total, len(rows))
	return nil
}

// alertList shows up to n alert keys, then how many more.
func alertList(ids []monitoring.AlertID, n int) string {
	var parts []string
	for i, id := range ids {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(ids)-n))
			break
		}
		parts = append(parts, strconv.FormatInt(int64(id), 10))
	}
	return strings.Join(parts, ", ")
}

// importSignals records the rows of a signals file, all or none; rows
// without 来源部门 come from department.
func importSignals(ctx context.Context, a *app.App, batch string, rows []exchange.Row, department monitoring.Source) (int, error) {
	return a.Monitoring.RecordSignals(ctx, batch, records.Signals(rows, department))
}

// monitoringSources lists the departments a signal may come from.
func monitoringSources() string {
	names := make([]string, len(monitoring.Sources))
	for i, s := range monitoring.Sources {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
