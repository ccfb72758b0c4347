package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"safetynet/internal/exchange"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

const paymentsUsage = `Usage:
  safetynet payments generate --db DSN --period YYYY-MM [--region CODE]   the month's payment instructions, with their ledger postings
  safetynet payments reconcile --db DSN [--from YYYY-MM --to YYYY-MM] [--region CODE] instructions, bank returns and the ledger, to the fen
  safetynet payments notices --db DSN [--limit N]                        deliver the queued notices (the log sender)`

const batchUsage = `Usage:
  safetynet batch create --db DSN --fund FUND --bank CODE --period YYYY-MM [--kind monthly|one_off] [--region CODE]
  safetynet batch list --db DSN [--period YYYY-MM]
  safetynet batch export --db DSN --id N [--format csv|xlsx] [--out FILE]   an approved batch's bank file (full accounts; each export audited with its SHA-256)
  safetynet batch return --db DSN --id N --file FILE                       post the bank's return file
A batch is approved by another user: POST /api/v1/payment-batches/{id}/decision.`

// paymentsCommands make instructions, reconciles and delivers notices, acting
// as the system.
func paymentsCommands() []command {
	return []command{
		{name: "generate", run: runPaymentsGenerate},
		{name: "reconcile", run: runReconcile},
		{name: "notices", run: runNotices},
	}
}

func runPaymentsGenerate(ctx context.Context, e env, args []string) error {
	dsn, m, code, err := monthRegionFlags(e, "payments generate", "payments generate --db DSN --period YYYY-MM [--region CODE]", args)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, dsn, "payments-generate")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Payments
	sum, err := svc.Generate(ctx, m, code)
	if err != nil {
		return err
	}
	printGenerate(e.stdout, sum)
	return nil
}

func printGenerate(w io.Writer, sum *payment.GenerateSummary) {
	fmt.Fprintf(w, "%s payment instructions in %s: %d made (%d held: no bank account), %s yuan, in %d chunks\n",
		sum.Period, sum.Region, sum.Created, sum.Held, sum.Amount, sum.Chunks)
	for _, f := range payment.Funds {
		if a, ok := sum.ByFund[f]; ok {
			fmt.Fprintf(w, "  %-18s %16s yuan\n", f, a)
		}
	}
}

func runReconcile(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "payments reconcile", "payments reconcile --db DSN [--from YYYY-MM --to YYYY-MM] [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	f := fs.String("from", "", "first month, YYYY-MM; every month when --from and --to are empty")
	t := fs.String("to", "", "last month, YYYY-MM; one month is --from = --to")
	reg := fs.String("region", fs.e.home(), "region subtree")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The zero month reconciles every month at once.
	months := []period.Month{0}
	if *f != "" || *t != "" {
		from, err := period.ParseMonth(*f)
		if err != nil {
			return fmt.Errorf("--from: %w", err)
		}
		to, err := period.ParseMonth(*t)
		if err != nil {
			return fmt.Errorf("--to: %w", err)
		}
		if to < from {
			return fmt.Errorf("--to: %s is before --from %s", to, from)
		}
		months = months[:0]
		for m := from; m <= to; m = m.Add(1) {
			months = append(months, m)
		}
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	a, ctx, err := openApp(ctx, e, *dsn, "payments-reconcile")
	if err != nil {
		return err
	}
	defer a.Close()
	balanced := true
	for _, m := range months {
		rec, err := a.Payments.Reconcile(ctx, m, code)
		if err != nil {
			return err
		}
		printReconciliation(e.stdout, rec)
		balanced = balanced && rec.Balanced
	}
	if !balanced {
		return exitError(1)
	}
	return nil
}

func printReconciliation(w io.Writer, rec *payment.Reconciliation) {
	what := "every month"
	if !rec.Period.IsZero() {
		what = rec.Period.String()
	}
	fmt.Fprintf(w, "reconciliation of %s in %s (对账): instructions, bank returns and the fund ledger\n", what, rec.Region)
	tw := newTable(w, true)
	fmt.Fprintln(tw, "fund\tcheck\texpected\tactual\tdifference\t")
	for _, c := range rec.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", c.Fund, c.Name, c.Expected, c.Actual, c.Difference)
	}
	tw.Flush()
	if rec.Balanced {
		fmt.Fprintln(w, "balanced to the fen")
	} else {
		fmt.Fprintln(w, "NOT BALANCED")
	}
}

func runNotices(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "payments notices", "payments notices --db DSN [--limit N]")
	dsn := dsnFlag(fs, defaultDB)
	limit := fs.Int("limit", 1000, "notices to deliver at most")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "payments-notices")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Payments
	sent, failed, err := svc.DeliverNotices(ctx, payment.LogSender{Logger: e.logger().With("component", "notices")}, *limit)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d notices sent, %d failed (left queued)\n", sent, failed)
	return nil
}

// batchCommands make, lists, exports and settles payment batches.
func batchCommands() []command {
	return []command{
		{name: "create", run: runBatchCreate},
		{name: "list", run: runBatchList},
		{name: "export", run: runBatchExport},
		{name: "return", run: runBatchReturn},
	}
}

func runBatchCreate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "batch create", "batch create --db DSN --fund FUND --bank CODE --period YYYY-MM [--kind monthly|one_off] [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	fund := fs.String("fund", "", fmt.Sprint("fund: ", payment.Funds))
	bank := fs.String("bank", "", "bank code, as on the accounts (ICBC, ABC, XJRCU...)")
	fs.require("fund", "bank")
	monthRegion := periodRegionFlags(fs, "month, YYYY-MM", "region subtree")
	kind := fs.String("kind", "monthly", "monthly (the month's instructions) or one_off (retries and late ones up to the month)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, code, err := monthRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "batch-create")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Payments
	b, err := svc.CreateBatch(ctx, payment.Fund(*fund), *bank, m, *kind, code)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "batch %d: %s %s %s at %s, %d lines, %s yuan; waiting for approval by another user\n", b.ID, b.Fund, b.Kind, b.Period, b.BankCode, b.Lines, b.Total)
	return nil
}

func runBatchList(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "batch list", "batch list --db DSN [--period YYYY-MM]")
	dsn := dsnFlag(fs, defaultDB)
	per := fs.String("period", "", "month, YYYY-MM")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var m period.Month
	if *per != "" {
		var err error
		if m, err = period.ParseMonth(*per); err != nil {
			return fmt.Errorf("--period: %w", err)
		}
	}
	a, ctx, err := openApp(ctx, e, *dsn, "batch-list")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Payments
	bs, err := svc.Batches(ctx, payment.BatchFilter{Period: m, Limit: 200})
	if err != nil {
		return err
	}
	tw := newTable(e.stdout, true)
	fmt.Fprintln(tw, "batch\tfund\tkind\tperiod\tbank\tstatus\tlines\tyuan\t")
	for _, b := range bs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", b.ID, b.Fund, b.Kind, b.Period, b.BankCode, b.Status, b.Lines, b.Total)
	}
	return tw.Flush()
}

func runBatchExport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "batch export", "batch export --db DSN --id N [--format csv|xlsx] [--out FILE]")
	dsn := dsnFlag(fs, defaultDB)
	id := fs.Int64("id", 0, "batch")
	fs.require("id")
	format := fs.String("format", "csv", "csv or xlsx")
	out := fs.String("out", "", "file to write; default batch-N.csv (or .xlsx)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := payment.BankFile(*format)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "batch-export")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Payments
	file, b, err := svc.ExportBatch(ctx, payment.BatchID(*id), 0, f)
	if err != nil {
		return err
	}
	name := *out
	if name == "" {
		name = "batch-" + strconv.FormatInt(*id, 10) + "." + *format
	}
	if err := writeFileAtomic(name, func(w io.Writer) error { _, err := w.Write(file); return err }); err != nil {
		return err
	}
	sum := sha256.Sum256(file)
	fmt.Fprintf(e.stdout, "batch %d: %d lines, %s yuan written to %s (SHA-256 %s)\n", b.ID, b.Lines, b.Total, name, hex.EncodeToString(sum[:]))
	return nil
}

func runBatchReturn(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "batch return", "batch return --db DSN --id N --file FILE")
	dsn := dsnFlag(fs, defaultDB)
	id := fs.Int64("id", 0, "batch")
	file := fs.String("file", "", "the bank's return file, CSV or XLSX")
	fs.require("id", "file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "batch-return")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Payments
	rows, rep, err := exchange.Read(ctx, bytes.NewReader(data), filepath.Base(*file), exchange.BankReturn(), a.Clock.Today())
	if err != nil {
		if rep != nil && !rep.OK() {
			printReport(e, rep)
			return exitError(1)
		}
		return err
	}
	sum, err := svc.PostReturn(ctx, payment.BatchID(*id), filepath.Base(*file), data, payment.Returns(rows))
	if err != nil {
		return rowProblems(e, err)
	}
	fmt.Fprintf(e.stdout, "batch %d: %d lines returned, %d paid (%s yuan), %d failed", sum.BatchID, sum.Lines, sum.Paid, sum.PaidSum, sum.Failed)
	if sum.Resumed {
		fmt.Fprint(e.stdout, " (resumed an interrupted posting)")
	}
	if sum.Posted {
		fmt.Fprint(e.stdout, " (posted before: the batch is settled by this file, nothing changed)")
	}
	fmt.Fprintln(e.stdout)
	return nil
}
