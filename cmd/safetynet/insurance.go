package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// insuranceCommands run the social insurance centre's batch work.
func insuranceCommands() []command {
	return []command{
		{name: "assess", summary: "the monthly contribution assessment", run: runInsuranceAssess},
		{name: "report", summary: "insured persons, coverage and contributions collected by county", run: runInsuranceReport},
	}
}

// runInsuranceAssess runs the month's contribution assessment.
func runInsuranceAssess(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "insurance assess", "insurance assess --db DSN --period YYYY-MM [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	monthRegion := periodRegionFlags(fs, "contribution month, YYYY-MM", "region subtree to assess")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, code, err := monthRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "insurance-assess")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Insurance
	start := time.Now()
	sum, err := svc.Assess(ctx, m, code)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(e.stdout, "contribution assessment %s for %s: %d assessments in %.1f s\n", m, code, sum.Assessments, elapsed.Seconds())
	tw := newTable(e.stdout, true)
	schemes := make([]string, 0, len(sum.ByScheme))
	for s := range sum.ByScheme {
		schemes = append(schemes, string(s))
	}
	sort.Strings(schemes)
	for _, s := range schemes {
		fmt.Fprintf(tw, "  %s\t%d\t\n", s, sum.ByScheme[insurance.Scheme(s)])
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "  employer %s yuan, individual %s yuan; %d employees with no declared wage assessed at the floor\n", sum.Employer, sum.Individual, sum.AtFloor)
	for _, p := range sum.Parameters {
		fmt.Fprintf(e.stdout, "  %s = %s from %s (%s)\n", p.Key, p.Value, p.From, p.Status)
	}
	return nil
}

// runInsuranceReport prints the coverage report of a month by county.
func runInsuranceReport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "insurance report", "insurance report --db DSN --from YYYY-MM --to YYYY-MM [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	periodRegion := reportFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	from, to, code, err := periodRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "insurance-report")
	if err != nil {
		return err
	}
	defer a.Close()
	tree := a.Juris.Tree
	for m := from; m <= to; m = m.Add(1) {
		rep, err := a.Insurance.Coverage(ctx, m, code)
		if err != nil {
			return err
		}
		if err := printCoverage(e.stdout, tree, m, code, rep); err != nil {
			return err
		}
	}
	return nil
}

// printCoverage prints a month's coverage report.
func printCoverage(w io.Writer, tree *region.Tree, m period.Month, code region.Code, rep *insurance.CoverageReport) error {
	fmt.Fprintf(w, "social insurance coverage %s, %s (参保扩面统计)\n", m, code)
	tw := newTable(w, true)
	fmt.Fprintln(tw, "county\tadults\temployed\temployee pension\tresident pension\tpension coverage\tunemployment\twork injury\tcollected (yuan)\t")
	line := func(name string, r insurance.CoverageRow) error {
		var t money.Total
		for _, f := range r.Collected {
			t.Add(f)
		}
		collected, err := t.Result()
		if err != nil {
			return fmt.Errorf("coverage of %s: collected: %w", name, err)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%d (%s)\t%d (%s)\t%s\t\n", name, r.Adults, r.Employed,
			r.Insured[insurance.EmployeePension], r.Insured[insurance.ResidentPension], r.PensionCoverage.Percent(1),
			r.Insured[insurance.Unemployment], r.UnemploymentCoverage.Percent(1), r.Insured[insurance.WorkInjury], r.WorkInjuryCoverage.Percent(1), collected)
		return nil
	}
	for _, r := range rep.Rows {
		name := string(r.County)
		if n, ok := tree.Node(r.County); ok {
			name = n.NameZH
		}
		if err := line(name, r); err != nil {
			return err
		}
	}
	if err := line("total", rep.Total); err != nil {
		return err
	}
	return tw.Flush()
}
