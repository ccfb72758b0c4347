package main

import (
	"context"
	"fmt"
	"io"

	"safetynet/internal/insurance"
	"safetynet/internal/region"
)

const refundUsage = `Usage:
  safetynet refund screen --db DSN --year YYYY [--region CODE]   propose the year's next batch of job-stabilisation refunds (on last year's figures)
  safetynet refund report --db DSN --from YYYY-MM --to YYYY-MM [--region CODE] [--by-county]    enterprises and amounts per batch of the years touched
A batch is approved by another user: POST /api/v1/refund-runs/{id}/decision.`

// refundCommands run the job-stabilisation refund (稳岗返还), acting as
// the system.
func refundCommands() []command {
	return []command{
		{name: "screen", summary: "propose the year's next batch of job-stabilisation refunds", run: runRefundScreen},
		{name: "report", summary: "enterprises and amounts per batch", run: runRefundReport},
	}
}

// refundFlags adds the flags both refund commands take to fs.
func refundFlags(fs *flagSet) (dsn *string, year *int, reg *string) {
	dsn = dsnFlag(fs, defaultDB)
	year = fs.Int("year", 0, "refund year (on the previous year's figures)")
	reg = fs.String("region", fs.e.home(), "region subtree")
	fs.require("year")
	return dsn, year, reg
}

// runRefundScreen proposes the year's next batch of refunds; another user
// approves it.
func runRefundScreen(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "refund screen", "refund screen --db DSN --year YYYY [--region CODE]")
	dsn, year, reg := refundFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	a, ctx, err := openApp(ctx, e, *dsn, "refund")
	if err != nil {
		return err
	}
	defer a.Close()
	run, err := a.Refunds.Screen(ctx, *year, code)
	if err != nil {
		return err
	}
	if run.Status == insurance.RefundNone {
		fmt.Fprintf(e.stdout, "refunds %d in %s: %d employers screened on %d's figures, none to refund (all refunded or not eligible); no run recorded\n",
			run.Year, run.Region, run.Evaluated, run.Year-1)
		return nil
	}
	fmt.Fprintf(e.stdout, "refund run %d: %d batch %d, %d employers screened on %d's figures, %d eligible, %s yuan; waiting for approval by another user\n",
		run.ID, run.Year, run.Batch, run.Evaluated, run.Year-1, run.Enterprises, run.Amount)
	return nil
}

// runRefundReport prints the enterprises and amounts of a year's batches.
func runRefundReport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "refund report", "refund report --db DSN --from YYYY-MM --to YYYY-MM [--region CODE] [--by-county]")
	dsn := dsnFlag(fs, defaultDB)
	periodRegion := reportFlags(fs)
	byCounty := fs.Bool("by-county", false, "by county too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	from, to, code, err := periodRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "refund")
	if err != nil {
		return err
	}
	defer a.Close()
	// Refunds are made yearly: every year the months touch.
	for year := from.Year(); year <= to.Year(); year++ {
		if err := printRefundBatches(ctx, e.stdout, a.Refunds, year, code, *byCounty); err != nil {
			return err
		}
	}
	return nil
}

func printRefundBatches(ctx context.Context, w io.Writer, rf *insurance.Refunds, year int, code region.Code, byCounty bool) error {
	bs, err := rf.Batches(ctx, year, code, byCounty)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "job-stabilisation refunds %d in %s (稳岗返还, 免申即享)\n", year, code)
	tw := newTable(w, true)
	fmt.Fprintln(tw, "batch\tcounty\tenterprises\tyuan\t")
	for _, b := range bs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t\n", b.Batch, b.County, b.Enterprises, b.Amount)
	}
	return tw.Flush()
}
