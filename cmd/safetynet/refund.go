package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"safetynet/internal/insurance"
	"safetynet/internal/region"
)

const refundUsage = `Usage:
  safetynet refund screen --db DSN --year YYYY [--region CODE]   propose the year's next batch of job-stabilisation refunds (on last year's figures)
  safetynet refund report --db DSN --year YYYY [--by-county]    enterprises and amounts per batch
A batch is approved by another user: POST /api/v1/refund-runs/{id}/decision.`

// runRefund runs the job-stabilisation refund (稳岗返还), acting as the
// system.
func runRefund(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, refundUsage)
		return exitError(2)
	}
	fs := newFlags(e, "refund "+args[0], "refund "+args[0]+" --db DSN --year YYYY")
	dsn := dsnFlag(fs, defaultDB)
	year := fs.Int("year", 0, "refund year (on the previous year's figures)")
	reg := fs.String("region", string(region.Changji), "region subtree")
	byCounty := fs.Bool("by-county", false, "report: by county too")
	switch args[0] {
	case "screen", "report":
	default:
		fmt.Fprintln(e.stderr, refundUsage)
		return exitError(2)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	db, pk, ctx, err := openAsSystem(ctx, e, *dsn, "refund")
	if err != nil {
		return err
	}
	defer db.Close()
	rf := insurance.NewRefunds(db, pk)
	if args[0] == "screen" {
		run, err := rf.Screen(ctx, *year, code)
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
	return printRefundBatches(ctx, e.stdout, rf, *year, code, *byCounty)
}

func printRefundBatches(ctx context.Context, w io.Writer, rf *insurance.Refunds, year int, code region.Code, byCounty bool) error {
	bs, err := rf.Batches(ctx, year, code, byCounty)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "job-stabilisation refunds %d in %s (稳岗返还, 免申即享)\n", year, code)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "batch\tcounty\tenterprises\tyuan\t")
	for _, b := range bs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t\n", b.Batch, b.County, b.Enterprises, b.Amount)
	}
	return tw.Flush()
}
