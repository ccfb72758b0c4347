package main

import (
	"context"
	"fmt"

	"safetynet/internal/frontoffice/report"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// runServiceReport prints the handling report of the front office (办件统计,
// docs/frontoffice.md, Reports) of the applications received --from
// --to, grouped --by, and the 线上办理率 of the span.
func runServiceReport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "service-report", "service-report --db DSN --from YYYY-MM-DD --to YYYY-MM-DD [--by channel|matter|department|point|clerk] [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	fromS := fs.String("from", "", "the first day of receipt counted")
	toS := fs.String("to", "", "the last day of receipt counted (at most 366 days after --from)")
	by := fs.String("by", string(report.ByChannel), "what the lines are: channel, matter, department, point or clerk")
	reg := fs.String("region", fs.e.home(), "region subtree of the applicants")
	if err := fs.Parse(args); err != nil {
		return err
	}
	from, err := period.ParseDate(*fromS)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	to, err := period.ParseDate(*toS)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	a, ctx, err := openApp(ctx, e, *dsn, "service-report")
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Reports.Report(ctx, report.Filter{From: from, To: to, Region: code, By: report.By(*by)})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "applications received %s to %s in %s, by %s (overdue as of %s):\n", from, to, code, *by, rep.Today)
	tw := newTable(e.stdout, false)
	fmt.Fprintln(tw, "key\tname\treceived\tnot accepted\tcompleted\trunning\tonline\tonline rate\ton time\tlate\ton-time rate\toverdue\tavg days\tratings\tsatisfaction")
	_, rows := report.Table(rep)
	for _, r := range rows {
		// The columns of report.Table: code, name, received, not accepted,
		// completed, refused, withdrawn, running, online, online rate, on
		// time, late, on-time rate, overdue, due pending, average days,
		// ratings, satisfaction.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r[0], r[1], r[2], r[3], r[4], r[7], r[8], r[9],
			r[10], r[11], r[12], r[13], r[15], r[16], r[17])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	t := rep.Total
	fmt.Fprintf(e.stdout, "线上办理率 %s: %d received online or on the phone (网上办+掌上办) of %d accepted (受理量, not accepted excluded)\n",
		t.OnlinePercent(), t.Online, t.Received)
	return nil
}
