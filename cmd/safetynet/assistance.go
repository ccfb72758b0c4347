package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

const assistanceUsage = `Usage:
  safetynet assistance classify --db DSN --period YYYY-MM [--region CODE]   the month's low-income population (分层分类)
  safetynet assistance low-income --db DSN --from YYYY-MM --to YYYY-MM [--region CODE] households and persons by county and layer, month by month
  safetynet assistance pay --db DSN --period YYYY-MM [--region CODE]        the month's assistance payments
  safetynet assistance report --db DSN --from YYYY-MM --to YYYY-MM [--region CODE]
  safetynet assistance reviews-due --db DSN [--as-of YYYY-MM-DD] [--region CODE]
  safetynet assistance seed --db DSN [--months N]   civil affairs' records for a generated population (as the demo does)`

// assistanceCommands run social assistance from the command line, acting as
// the system.
func assistanceCommands() []command {
	return []command{
		{name: "classify", run: runAssistanceClassify},
		{name: "low-income", run: runAssistanceLowIncome},
		{name: "pay", run: runAssistancePay},
		{name: "report", run: runAssistanceReport},
		{name: "reviews-due", run: runReviewsDue},
		{name: "seed", run: runAssistanceSeed},
	}
}

// monthRegionFlags parses --db, --period and --region.
func monthRegionFlags(e env, name, synopsis string, args []string) (dsn string, m period.Month, code region.Code, err error) {
	fs := newFlags(e, name, synopsis)
	d := dsnFlag(fs, defaultDB)
	monthRegion := periodRegionFlags(fs, "month, YYYY-MM", "region subtree")
	if err := fs.Parse(args); err != nil {
		return "", 0, "", err
	}
	if m, code, err = monthRegion(); err != nil {
		return "", 0, "", err
	}
	return *d, m, code, nil
}

func runAssistanceClassify(ctx context.Context, e env, args []string) error {
	dsn, m, code, err := monthRegionFlags(e, "assistance classify", "assistance classify --db DSN --period YYYY-MM [--region CODE]", args)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, dsn, "assistance-classify")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Assistance
	start := time.Now()
	sum, err := svc.ClassifyAll(ctx, m, code)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "classified %d tested households of %s for %s in %.1f s (policy %s)\n", sum.Households, sum.Region, m,
		time.Since(start).Seconds(), sum.PolicyVersion)
	for _, l := range append(assistance.Layers(), assistance.LayerNone) {
		fmt.Fprintf(e.stdout, "  %-14s %8d  %s\n", l, sum.ByLayer[l], l.Name().ZH)
	}
	fmt.Fprintf(e.stdout, "  低保 the tests give: %s yuan a month\n", sum.DibaoAmount)
	return nil
}

func runAssistanceLowIncome(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "assistance low-income", "assistance low-income --db DSN --from YYYY-MM --to YYYY-MM [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	periodRegion := reportFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	from, to, code, err := periodRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "assistance-low-income")
	if err != nil {
		return err
	}
	defer a.Close()
	svc, tree := a.Assistance, a.Juris.Tree
	for m := from; m <= to; m = m.Add(1) {
		cs, err := svc.LayerCounts(ctx, m, code)
		if err != nil {
			return err
		}
		if err := printLayerCounts(e.stdout, tree, m, code, cs); err != nil {
			return err
		}
	}
	return nil
}

// printLayerCounts prints a month's low-income population by county and
// layer.
func printLayerCounts(w io.Writer, tree *region.Tree, m period.Month, code region.Code, cs []assistance.LayerCount) error {
	fmt.Fprintf(w, "low-income population %s, %s (低收入人口)\n", m, code)
	tw := newTable(w, true)
	fmt.Fprintln(tw, "county\tlayer\thouseholds\tpersons\t低保 (yuan/month)\t")
	var hh, ps int
	for _, c := range cs {
		name := string(c.County)
		if n, ok := tree.Node(c.County); ok {
			name = n.NameZH
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t\n", name, c.Layer.Name().ZH, c.Households, c.Persons, c.DibaoAmount)
		hh += c.Households
		ps += c.Persons
	}
	fmt.Fprintf(tw, "total\t\t%d\t%d\t\t\n", hh, ps)
	return tw.Flush()
}

func runAssistancePay(ctx context.Context, e env, args []string) error {
	dsn, m, code, err := monthRegionFlags(e, "assistance pay", "assistance pay --db DSN --period YYYY-MM [--region CODE]", args)
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, dsn, "assistance-pay")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Assistance
	sum, err := svc.Pay(ctx, m, code)
	if err != nil {
		return err
	}
	printPay(e.stdout, sum)
	return nil
}

func printPay(w io.Writer, sum *assistance.PaySummary) {
	fmt.Fprintf(w, "%s assistance payments in %s: %d lines (%d new in this run), %s yuan; %d awards stopped (death)\n",
		sum.Period, sum.Region, sum.Lines, sum.NewLines, sum.Amount, sum.Stopped)
	progs := make([]string, 0, len(sum.ByProgramme))
	for p := range sum.ByProgramme {
		progs = append(progs, p)
	}
	sort.Strings(progs)
	for _, p := range progs {
		fmt.Fprintf(w, "  %-26s %7d  %14s yuan\n", p, sum.ByProgramme[p].Lines, sum.ByProgramme[p].Amount)
	}
}

func runAssistanceReport(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "assistance report", "assistance report --db DSN --from YYYY-MM --to YYYY-MM [--region CODE] [--rows]")
	dsn := dsnFlag(fs, defaultDB)
	periodRegion := reportFlags(fs)
	rows := fs.Bool("rows", false, "print every month's rows by programme, county and layer too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, t, code, err := periodRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "assistance-report")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Assistance
	rep, err := svc.Report(ctx, f, t, code)
	if err != nil {
		return err
	}
	printAssistanceReport(e.stdout, rep, svc.Policy(), *rows)
	return nil
}

func printAssistanceReport(w io.Writer, rep *assistance.Report, pk *policy.Package, rows bool) {
	fmt.Fprintf(w, "social assistance paid %s to %s in %s (救助和津贴发放)\n", rep.From, rep.To, rep.Region)
	tw := newTable(w, true)
	fmt.Fprintf(tw, "programme\t\tbeneficiaries\tin %s\tpayments\tyuan\tyuan per beneficiary\t\n", rep.To)
	for _, r := range rep.Totals {
		name := "两项残疾人补贴 (both disability subsidies)"
		if p, ok := pk.Programme(r.Programme); ok {
			name = p.NameZH
		}
		per := money.Fen(0)
		if r.Beneficiaries > 0 {
			per = money.Fen(money.DivRound(int64(r.Amount), int64(r.Beneficiaries)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\t\n", r.Programme, name, r.Beneficiaries, r.LastMonth, r.Lines, r.Amount, per)
	}
	tw.Flush()
	if !rows {
		return
	}
	tw = newTable(w, true)
	fmt.Fprintln(tw, "month\tprogramme\tcounty\tlayer\tbeneficiaries\tyuan\t")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t\n", r.Period, r.Programme, r.County, r.Layer, r.Beneficiaries, r.Amount)
	}
	tw.Flush()
}

func runReviewsDue(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "assistance reviews-due", "assistance reviews-due --db DSN [--as-of YYYY-MM-DD] [--region CODE]")
	dsn := dsnFlag(fs, defaultDB)
	asOf := fs.String("as-of", "", "date, default today")
	reg := fs.String("region", fs.e.home(), "region subtree")
	if err := fs.Parse(args); err != nil {
		return err
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	a, ctx, err := openApp(ctx, e, *dsn, "assistance-reviews")
	if err != nil {
		return err
	}
	defer a.Close()
	svc := a.Assistance
	on := a.Clock.Today()
	if *asOf != "" {
		if on, err = dateFlag("as-of", *asOf); err != nil {
			return err
		}
	}
	var as []*assistance.Award
	for page := (registry.Page{Limit: 500}); ; {
		got, err := svc.ReviewsDue(ctx, on, code, page)
		if err != nil {
			return err
		}
		as = append(as, got...)
		if len(got) < page.Limit {
			break
		}
		page.After = int64(got[len(got)-1].ID)
	}
	fmt.Fprintf(e.stdout, "%d awards due for review by %s in %s (定期核查)\n", len(as), on, code)
	for _, a := range as {
		fmt.Fprintf(e.stdout, "  award %d  %-6s %-5s household %d person %d  %s yuan/month, due %s\n", a.ID, a.Programme, a.Category,
			a.HouseholdID, a.PersonID, a.Amount, a.ReviewDue)
	}
	return nil
}

func runAssistanceSeed(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "assistance seed", "assistance seed --db DSN [--months N] [--seed S]")
	dsn := dsnFlag(fs, defaultDB)
	months := fs.Int("months", 7, "months of assistance history, ending last month")
	seed := fs.Int64("seed", 1, "random seed of the synthetic means tests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "assistance-seed")
	if err != nil {
		return err
	}
	defer a.Close()
	sd := newSeeder(a, e.stdout)
	last := sd.LastMonth()
	return sd.SocialAssistance(ctx, last.Add(1-*months), last, *seed)
}

// runScreen screens the registry for an allowance (免申即享), or every
// monthly allowance in one pass (--programme all), with a progress bar, and
// proposes the runs; an approver decides each (POST
// /api/v1/screenings/{id}/decision).
func runScreen(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "screen", "screen --db DSN --programme all|monthly|events|ID --period YYYY-MM [--region CODE] [--quiet]")
	dsn := dsnFlag(fs, defaultDB)
	prog := fs.String("programme", "", "all (every person and household programme: the classification of the tested households, "+
		"then each allowance; resumed after a crash), monthly (the monthly person allowances in one pass), "+
		"events (only the persons whom a new event concerns) or one of "+fmt.Sprint(screening.Allowances))
	monthRegion := periodRegionFlags(fs, "month, YYYY-MM", "region subtree")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, code, err := monthRegion()
	if err != nil {
		return err
	}
	a, ctx, err := openApp(ctx, e, *dsn, "screen")
	if err != nil {
		return err
	}
	defer a.Close()
	pb := newProgress(e.stderr, "")
	bar := func(desc string, done, total int) {
		if !*quiet {
			pb.set(desc, done, total)
		}
	}
	scr := a.Screening
	scr.ProgressFunc = func(done, total int) { bar("screening", done, total) }
	start := time.Now()
	var runs []*screening.Run
	switch *prog {
	case "all":
		return screenEverything(ctx, e, scr, m, code, bar)
	case "monthly":
		runs, err = scr.ScreenAll(ctx, m, code)
	case "events":
		var sum *screening.EventSummary
		if sum, err = scr.ScreenEvents(ctx, m, code); err == nil {
			runs = sum.Runs
			fmt.Fprintf(e.stdout, "events since the last screening: %d persons concerned (new disability records, deaths, 低保 awards), %d turning 80 in %s\n",
				sum.Changed, sum.Turning, m)
		}
	default:
		var run *screening.Run
		run, err = scr.Screen(ctx, *prog, m, code)
		runs = []*screening.Run{run}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "screened %s in %s for %s in %.1f s\n", *prog, code, m, time.Since(start).Seconds())
	printRuns(e.stdout, runs)
	return nil
}

// printRuns prints the screening runs and what comes next.
func printRuns(w io.Writer, runs []*screening.Run) {
	tw := newTable(w, true)
	fmt.Fprintln(tw, "run\tprogramme\tevaluated\teligible\tyuan\tnew\tchanged\tstopped\t")
	for _, run := range runs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%d\t%d\t%d\t\n", run.ID, run.Programme, run.Evaluated, run.Eligible, run.Amount, run.NewAwards, run.Changed, run.Stopped)
	}
	tw.Flush()
	fmt.Fprintln(w, "proposed: a caseworker reviews each run (POST /api/v1/screenings/{id}/reviews), another user decides it (/decision)")
}

// screenEverything runs (or resumes) the screening job of every programme.
func screenEverything(ctx context.Context, e env, svc *screening.Service, m period.Month, code region.Code, bar func(string, int, int)) error {
	start := time.Now()
	job, resumed, err := svc.StartJob(ctx, m, code)
	if err != nil {
		return err
	}
	if !job.Held() {
		return fault.Errorf(fault.Conflict, "screening job %d of %s in %s is run by %s (its lease ends at %s): follow it with GET /api/v1/screening-jobs/%d",
			job.ID, m, code, job.LeaseOwner, job.LeaseUntil.Format(time.RFC3339), job.ID)
	}
	if resumed {
		fmt.Fprintf(e.stdout, "resuming screening job %d of %s in %s at its %s phase (attempt %d)\n", job.ID, m, code, job.Phase, job.Attempts)
	}
	err = svc.RunJob(ctx, job, func(j *screening.Job) {
		bar(j.Phase, j.Done, j.Total)
	})
	if err != nil {
		return fmt.Errorf("screening job %d: %w", job.ID, err)
	}
	fmt.Fprintf(e.stdout, "screening job %d: every programme of %s for %s, %d rows read, in %.1f s\n", job.ID, code, m, job.Total,
		time.Since(start).Seconds())
	if c := job.Classification; c != nil {
		fmt.Fprintf(e.stdout, "classified %d tested households (低收入人口认定):", c.Households)
		for _, l := range assistance.Layers() {
			fmt.Fprintf(e.stdout, " %s %d", l.Name().ZH, c.ByLayer[l])
		}
		fmt.Fprintf(e.stdout, "\nfound without an application, with neither award nor open case: 特困 %d, 低保 %d households\n",
			c.Unserved[assistance.LayerTekun], c.Unserved[assistance.LayerDibao])
	}
	runs := make([]*screening.Run, 0, len(job.RunIDs))
	for _, id := range job.RunIDs {
		r, err := svc.FindRun(ctx, id)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	printRuns(e.stdout, runs)
	return nil
}
