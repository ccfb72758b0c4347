package main

import (
	"context"
	"fmt"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// regionFlag parses a --region value.
func regionFlag(s string) (region.Code, error) {
	code, err := region.ParseCode(s)
	if err != nil {
		return "", fmt.Errorf("--region: %w", err)
	}
	return code, nil
}

// runPayroll runs the monthly pension payroll (养老金发放).
func runPayroll(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "payroll", "payroll --period YYYY-MM [--region CODE] --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	monthRegion := periodRegionFlags(fs, "month paid, YYYY-MM", "region subtree to pay")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, code, err := monthRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "payroll")
	if err != nil {
		return err
	}
	defer a.Close()
	pen := a.Pensions
	fmt.Fprintf(e.stdout, "pension payroll %s for %s: computing...\n", m, code)
	start := time.Now()
	sum, err := pen.Payroll(ctx, m, code)
	if err != nil {
		return err
	}
	if sum.NothingNew {
		fmt.Fprintf(e.stdout, "nothing new to pay for %s: the month was paid already and nothing changed; no run recorded (%.1f s)\n", m, time.Since(start).Seconds())
	} else {
		fmt.Fprintf(e.stdout, "run %d done in %.1f s\n", sum.ID, time.Since(start).Seconds())
	}
	fmt.Fprintf(e.stdout, "  awards       %d\n", sum.Awards)
	fmt.Fprintf(e.stdout, "  lines        %d (%d new in this run)\n", sum.Lines, sum.NewLines)
	fmt.Fprintf(e.stdout, "  regular      %s yuan\n", sum.Regular)
	fmt.Fprintf(e.stdout, "  arrears      %s yuan\n", sum.Arrears)
	total, err := money.Add(sum.Regular, sum.Arrears)
	if err != nil {
		return fmt.Errorf("payroll total: %w", err)
	}
	fmt.Fprintf(e.stdout, "  total        %s yuan\n", total)
	fmt.Fprintf(e.stdout, "  suspended    %d (certification overdue), resumed %d\n", sum.Suspended, sum.Resumed)
	fmt.Fprintf(e.stdout, "  stopped      %d (death)\n", sum.Stopped)
	var t money.Total
	for _, o := range sum.Overpayments {
		t.Add(o.Amount)
	}
	over, err := t.Result()
	if err != nil {
		return fmt.Errorf("overpayments: %w", err)
	}
	fmt.Fprintf(e.stdout, "  overpayments %d outstanding, %s yuan\n", len(sum.Overpayments), over)
	return nil
}

// pensionCommands run the pension work one case or year at a time.
func pensionCommands() []command {
	return []command{
		{name: "award", summary: "award a pension to a person", run: pensionAward},
		{name: "adjust", summary: "the year's pension adjustment", run: pensionAdjust},
		{name: "certify", summary: "record a pensioner's survival certification", run: pensionCertify},
		{name: "duplicates", summary: "persons receiving a pension twice", run: pensionDuplicates},
		{name: "report", summary: "the average pension before and after the adjustment", run: pensionReport},
	}
}

func pensionAward(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "pension award", "pension award --person ID --scheme employee_pension|resident_pension [--group male|female_cadre|female_worker] [--start YYYY-MM] [--deemed-months N --deemed-index X] --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	person := fs.Int64("person", 0, "person key")
	scheme := fs.String("scheme", string(insurance.EmployeePension), "employee_pension or resident_pension")
	fs.require("person")
	group := fs.String("group", "", "retirement-age group (employee pension)")
	start := fs.String("start", "", "first month, YYYY-MM; default the statutory month")
	deemed := fs.Int("deemed-months", 0, "deemed contribution months (视同缴费)")
	index := fs.String("deemed-index", "", "deemed contribution index, e.g. 1.1")
	if err := fs.Parse(args); err != nil {
		return err
	}
	req := insurance.AwardRequest{PersonID: registry.PersonID(*person), Scheme: insurance.Scheme(*scheme), Group: *group, DeemedMonths: *deemed}
	var err error
	if *start != "" {
		if req.Start, err = period.ParseMonth(*start); err != nil {
			return fmt.Errorf("--start: %w", err)
		}
	}
	if *index != "" {
		if req.DeemedWageIndex, err = money.ParseRate(*index); err != nil {
			return fmt.Errorf("--deemed-index: %w", err)
		}
	}
	sn, ctx, err := openApp(ctx, e, *dsn, "pension-award")
	if err != nil {
		return err
	}
	defer sn.Close()
	a, err := sn.Pensions.Award(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "award %d: person %d, %s from %s, %s yuan a month\n", a.ID, a.PersonID, a.Scheme, a.Start, a.Amount)
	for _, v := range a.Decision.Variables {
		fmt.Fprintf(e.stdout, "  %-28s %s\n", v.Name, v.Value)
	}
	return nil
}

func pensionAdjust(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "pension adjust", "pension adjust --year YYYY --announced YYYY-MM [--region CODE] --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	year := fs.Int("year", 0, "adjustment year")
	ann := fs.String("announced", "", "month the adjustment is run, YYYY-MM")
	fs.require("year", "announced")
	reg := fs.String("region", fs.e.home(), "region subtree")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := period.ParseMonth(*ann)
	if err != nil {
		return fmt.Errorf("--announced: %w", err)
	}
	code, err := regionFlag(*reg)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "pension-adjust")
	if err != nil {
		return err
	}
	defer a.Close()
	pen := a.Pensions
	sum, err := pen.Adjust(ctx, *year, m, code)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "pension adjustment %d for %s: %d awards, %d new, +%s yuan a month\n", sum.Year, sum.Region, sum.Awards, sum.New, sum.Increase)
	for _, p := range sum.Parameters {
		fmt.Fprintf(e.stdout, "  %s = %s from %s (%s)\n", p.Key, p.Value, p.From, p.Status)
	}
	return nil
}

func pensionCertify(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "pension certify", "pension certify --person ID --date YYYY-MM-DD --method data_match|face|visit [--note TEXT] --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	person := fs.Int64("person", 0, "person key")
	date := fs.String("date", "", "certification date, YYYY-MM-DD")
	method := fs.String("method", "", "data_match, face or visit")
	fs.require("person", "date", "method")
	note := fs.String("note", "", "note")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := period.ParseDate(*date)
	if err != nil {
		return fmt.Errorf("--date: %w", err)
	}
	a, ctx, err := openApp(ctx, e, *dsn, "pension-certify")
	if err != nil {
		return err
	}
	defer a.Close()
	pen := a.Pensions
	c := &insurance.Certification{PersonID: registry.PersonID(*person), Date: d, Method: insurance.CertMethod(*method), Note: *note}
	if err := pen.Certify(ctx, c); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "certification %d: person %d on %s by %s\n", c.ID, c.PersonID, c.Date, c.Method)
	return nil
}

// regionOnly parses the flags of a command that takes a region.
func regionOnly(e env, name string, args []string, extra func(fs *flagSet)) (string, region.Code, error) {
	fs := newFlags(e, name, name+" [--region CODE] --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	reg := fs.String("region", fs.e.home(), "region subtree")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return "", "", err
	}
	code, err := regionFlag(*reg)
	return *dsn, code, err
}

func pensionDuplicates(ctx context.Context, e env, args []string) error {
	dsn, code, err := regionOnly(e, "pension duplicates", args, nil)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, dsn, "pension-duplicates")
	if err != nil {
		return err
	}
	defer a.Close()
	pen := a.Pensions
	ds, err := pen.Duplicates(ctx, code)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "duplicate pension receipts in %s: %d\n", code, len(ds))
	for _, d := range ds {
		fmt.Fprintf(e.stdout, "  person %d  %-22s awards %v regions %v %s\n", d.PersonID, d.Rule, d.AwardIDs, d.Regions, monthText(d.Period))
	}
	return nil
}

func monthText(m period.Month) string {
	if m.IsZero() {
		return ""
	}
	return "from " + m.String()
}

func pensionReport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "pension report", "pension report --db DSN --from YYYY-MM --to YYYY-MM [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	periodRegion := reportFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	from, to, code, err := periodRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "pension-report")
	if err != nil {
		return err
	}
	defer a.Close()
	pen := a.Pensions
	for m := from; m <= to; m = m.Add(1) {
		rep, err := pen.Report(ctx, m, code)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "average pension %s in %s (before → after the year's adjustment)\n", rep.Period, rep.Region)
		for _, r := range rep.Rows {
			fmt.Fprintf(e.stdout, "  %-18s %8d awards  %s → %s yuan\n", r.Scheme, r.Awards, r.Before, r.After)
		}
	}
	return nil
}
