package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

const benefitUsage = `Usage:
  safetynet benefit pay --db DSN --period YYYY-MM [--region CODE]
  safetynet benefit claim --db DSN --person ID --org ID --separation-date YYYY-MM-DD --separation REASON --registered-on YYYY-MM-DD
  safetynet benefit injury --db DSN --person ID --org ID --injury-date YYYY-MM-DD --recognised-on YYYY-MM-DD --grade N [--employer-arranges-work]`

// benefitCommands run unemployment and work-injury benefits: the monthly run,
// a claim and an injury record.
func benefitCommands() []command {
	return []command{
		{name: "pay", run: runBenefitPay},
		{name: "claim", run: runBenefitClaim},
		{name: "injury", run: runBenefitInjury},
	}
}

func dateFlag(name, s string) (period.Date, error) {
	d, err := period.ParseDate(s)
	if err != nil {
		return 0, fmt.Errorf("--%s: %w", name, err)
	}
	return d, nil
}

func runBenefitPay(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "benefit pay", "benefit pay --db DSN --period YYYY-MM [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	monthRegion := periodRegionFlags(fs, "benefit month, YYYY-MM", "region subtree to pay")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, code, err := monthRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "benefit-pay")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Benefits
	start := time.Now()
	sum, err := svc.Pay(ctx, m, code)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "benefit run %s for %s: %d lines in %.1f s (%d paid before)\n", m, code, sum.Lines, time.Since(start).Seconds(), sum.AlreadyPaid)
	fmt.Fprintf(e.stdout, "  unemployment benefit %s yuan; disability allowances %s yuan (top-up %s, paid by employers %s)\n",
		sum.Unemployment, sum.Allowance, sum.TopUp, sum.ByEmployer)
	reasons := make([]string, 0, len(sum.Ended))
	for r := range sum.Ended {
		reasons = append(reasons, string(r))
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(e.stdout, "  ended %s: %d\n", r, sum.Ended[insurance.StopReason(r)])
	}
	return nil
}

func personOrgFlags(fs *flagSet) (*int64, *int64) {
	return fs.Int64("person", 0, "person ID"), fs.Int64("org", 0, "employer (organisation) ID")
}

func runBenefitClaim(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "benefit claim", "benefit claim --db DSN --person ID --org ID --separation-date DATE --separation REASON --registered-on DATE [--retirement-group GROUP]")
	dsn := dsnFlag(fs, defaultDB)
	person, org := personOrgFlags(fs)
	sepDate := fs.String("separation-date", "", "day the job ended, YYYY-MM-DD")
	sep := fs.String("separation", "", fmt.Sprintf("how it ended: one of %v", insurance.Separations))
	reg := fs.String("registered-on", "", "unemployment registration date, YYYY-MM-DD")
	fs.require("person", "org", "separation-date", "separation", "registered-on")
	group := fs.String("retirement-group", "", "male, female_cadre or female_worker (default by gender)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sd, err := dateFlag("separation-date", *sepDate)
	if err != nil {
		return err
	}
	rd, err := dateFlag("registered-on", *reg)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "benefit-claim")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Benefits
	c := &insurance.UnemploymentClaim{PersonID: registry.PersonID(*person), OrgID: registry.OrgID(*org), SeparationDate: sd,
		Separation: *sep, RegisteredOn: rd, RetirementGroup: *group}
	if err := svc.Claim(ctx, c); err != nil {
		printProblem(e.stderr, "safetynet benefit claim", err)
		return exitError(1)
	}
	return printJSON(e.stdout, c)
}

func runBenefitInjury(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "benefit injury", "benefit injury --db DSN --person ID --org ID --injury-date DATE --recognised-on DATE --grade N [--employer-arranges-work] [--retirement-group GROUP]")
	dsn := dsnFlag(fs, defaultDB)
	person, org := personOrgFlags(fs)
	injured := fs.String("injury-date", "", "day of the injury, YYYY-MM-DD")
	recognised := fs.String("recognised-on", "", "work-injury recognition and appraisal date, YYYY-MM-DD")
	grade := fs.Int("grade", 0, "disability grade 1 (most severe) to 10")
	fs.require("person", "org", "injury-date", "recognised-on", "grade")
	arranges := fs.Bool("employer-arranges-work", false, "grades 5-6: the employer arranges suitable work (no allowance)")
	group := fs.String("retirement-group", "", "male, female_cadre or female_worker (default by gender)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	id, err := dateFlag("injury-date", *injured)
	if err != nil {
		return err
	}
	rd, err := dateFlag("recognised-on", *recognised)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "benefit-injury")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Benefits
	in := &insurance.Injury{PersonID: registry.PersonID(*person), OrgID: registry.OrgID(*org), InjuryDate: id, RecognisedOn: rd,
		Grade: *grade, EmployerArrangesWork: *arranges, RetirementGroup: *group}
	if err := svc.RecordInjury(ctx, in); err != nil {
		printProblem(e.stderr, "safetynet benefit injury", err)
		return exitError(1)
	}
	return printJSON(e.stdout, in)
}
