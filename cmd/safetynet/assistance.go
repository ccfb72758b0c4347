package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"text/tabwriter"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

const assistanceUsage = `Usage:
  safetynet assistance classify --db DSN --period YYYY-MM [--region CODE]   the month's low-income population (分层分类)
  safetynet assistance low-income --db DSN --period YYYY-MM [--region CODE] households and persons by county and layer
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

// openAssistance opens the store and the service, acting as the system.
func openAssistance(ctx context.Context, e env, dsn, name string) (*assistance.Service, *sqlstore.DB, context.Context, error) {
	db, pk, ctx, err := openAsSystem(ctx, e, dsn, name)
	if err != nil {
		return nil, nil, ctx, err
	}
	svc := assistance.NewService(db, db, db, pk)
	svc.Leases = jobLeases()
	return svc, db, ctx, nil
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
	svc, db, ctx, err := openAssistance(ctx, e, dsn, "assistance-classify")
	if err != nil {
		return err
	}
	defer db.Close()
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
	dsn, m, code, err := monthRegionFlags(e, "assistance low-income", "assistance low-income --db DSN --period YYYY-MM [--region CODE]", args)
	if err != nil {
		return err
	}
	svc, db, ctx, err := openAssistance(ctx, e, dsn, "assistance-low-income")
	if err != nil {
		return err
	}
	defer db.Close()
	cs, err := svc.LayerCounts(ctx, m, code)
	if err != nil {
		return err
	}
	tree, err := region.Default()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "low-income population %s, %s (低收入人口)\n", m, code)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
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
	svc, db, ctx, err := openAssistance(ctx, e, dsn, "assistance-pay")
	if err != nil {
		return err
	}
	defer db.Close()
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
	from := fs.String("from", "", "first month, YYYY-MM")
	to := fs.String("to", "", "last month, YYYY-MM")
	fs.require("from", "to")
	reg := fs.String("region", string(region.Changji), "region subtree")
	rows := fs.Bool("rows", false, "print every month's rows by programme, county and layer too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := period.ParseMonth(*from)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	t, err := period.ParseMonth(*to)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	svc, db, ctx, err := openAssistance(ctx, e, *dsn, "assistance-report")
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := svc.Report(ctx, f, t, code)
	if err != nil {
		return err
	}
	printAssistanceReport(e.stdout, rep, svc.Policy(), *rows)
	return nil
}

func printAssistanceReport(w io.Writer, rep *assistance.Report, pk *policy.Package, rows bool) {
	fmt.Fprintf(w, "social assistance paid %s to %s in %s (救助和津贴发放)\n", rep.From, rep.To, rep.Region)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
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
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
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
	reg := fs.String("region", string(region.Changji), "region subtree")
	if err := fs.Parse(args); err != nil {
		return err
	}
	code, err := region.ParseCode(*reg)
	if err != nil {
		return fmt.Errorf("--region: %w", err)
	}
	svc, db, ctx, err := openAssistance(ctx, e, *dsn, "assistance-reviews")
	if err != nil {
		return err
	}
	defer db.Close()
	on := registry.NewService(db).Today()
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
	db, pk, ctx, err := openAsSystem(ctx, e, *dsn, "assistance-seed")
	if err != nil {
		return err
	}
	defer db.Close()
	last := registry.NewService(db).Today().Period().Add(-1)
	return seedAssistance(ctx, db, pk, last.Add(1-*months), last, *seed, e.stdout)
}

// The demo's civil-affairs users: one makes, another checks.
var (
	seedCaseworker = auth.Principal{UserID: -1, Username: "system:assistance-caseworker", Role: auth.RoleAdmin, Scope: region.Changji}
	seedApprover   = auth.Principal{UserID: -2, Username: "system:assistance-approver", Role: auth.RoleApprover, Scope: region.Changji}
)

// seedAssistance gives a generated population civil affairs' records over
// the months from first to last: a means test from department data (信息核对)
// for every household in the first month, with incomes and assets drawn
// for the synthetic prefecture; the classification of each month; the 低保
// and 特困 caseload through the whole workflow (application, the data match,
// assessment, public notice, approval by another user) in the first month;
// a few cases still in progress and two emergency grants; the allowances
// and the household one-offs (heating, festival) screened each month and
// approved, the one-offs found only in their batch months (the heating
// season's, the festivals'); and the payments of every month.
func seedAssistance(ctx context.Context, db *sqlstore.DB, pk *policy.Package, first, last period.Month, seed int64, w io.Writer) error {
	start := time.Now()
	cw := auth.WithPrincipal(ctx, seedCaseworker)
	ap := auth.WithPrincipal(ctx, seedApprover)
	r := rand.New(rand.NewPCG(uint64(seed), 0xa551))
	var tests []*assistance.MeansTest
	err := db.EachHouseholdForTest(ctx, func(h *sqlstore.HouseholdForTest) error {
		t, err := syntheticTest(r, h, first)
		if t != nil {
			tests = append(tests, t)
		}
		return err
	})
	if err != nil {
		return err
	}
	for i := 0; i < len(tests); i += 20_000 {
		if err := db.LoadMeansTests(cw, tests[i:min(i+20_000, len(tests))]); err != nil {
			return err
		}
	}
	svc := assistance.NewService(db, db, db, pk)
	clock := first.First().Time().Add(10 * time.Hour)
	svc.NowFunc = func() time.Time { return clock }
	sum, err := svc.ClassifyAll(cw, first, region.Changji)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: means tests from department data for %d households; low-income population: %d 特困, %d 低保, %d 低保边缘, %d 刚性支出困难, %d other, in %.1f s\n",
		first, len(tests), sum.ByLayer[assistance.LayerTekun], sum.ByLayer[assistance.LayerDibao], sum.ByLayer[assistance.LayerDibaoEdge],
		sum.ByLayer[assistance.LayerRigidExpense], sum.ByLayer[assistance.LayerLowIncome], time.Since(start).Seconds())

	// The caseload: every 低保 household and 特困 member applies in the
	// first days of the first month, with the data match as investigation.
	start = time.Now()
	var cases []*assistance.Case
	for _, layer := range []assistance.Layer{assistance.LayerDibao, assistance.LayerTekun} {
		f := assistance.ClassificationFilter{Period: first, Layer: layer, Page: registry.Page{Limit: 500}}
		for {
			cs, err := svc.Classifications(cw, f)
			if err != nil {
				return err
			}
			for _, c := range cs {
				ex, err := svc.Explain(cw, c.HouseholdID, first)
				if err != nil {
					return err
				}
				channel := assistance.Channels[r.IntN(len(assistance.Channels)-1)]
				if layer == assistance.LayerDibao {
					cases = append(cases, &assistance.Case{Programme: assistance.ProgDibao, HouseholdID: c.HouseholdID, Channel: channel, TestID: c.TestID})
					continue
				}
				for _, md := range ex.Tekun {
					if md.Decision.Eligible {
						cases = append(cases, &assistance.Case{Programme: assistance.ProgTekun, HouseholdID: c.HouseholdID, PersonID: md.PersonID,
							Channel: channel, TestID: c.TestID})
					}
				}
			}
			if len(cs) < f.Limit {
				break
			}
			f.After = int64(cs[len(cs)-1].HouseholdID)
		}
	}
	// The last few apply only days ago and are still being worked on.
	waiting := min(4, len(cases)/10)
	approved := 0
	for i, c := range cases[:len(cases)-waiting] {
		clock = first.First().AddDays(i % 5).Time().Add(10 * time.Hour)
		if err := caseTo(cw, ap, svc, c, assistance.StatusNotice); err != nil {
			return err
		}
	}
	clock = first.First().AddDays(14).Time().Add(10 * time.Hour)
	for _, c := range cases[:len(cases)-waiting] {
		if c.Status != assistance.StatusNotice {
			continue
		}
		if _, err := svc.Approve(ap, c.ID, c.Version, "同意"); err != nil {
			return fmt.Errorf("approve case %d: %w", c.ID, err)
		}
		approved++
	}
	fmt.Fprintf(w, "%s: %d 低保 and 特困 cases applied, investigated by data match, assessed, on notice for 7 days and approved by another user, in %.1f s\n",
		first, approved, time.Since(start).Seconds())

	for m := first; m <= last; m++ {
		start := time.Now()
		clock = m.First().AddDays(19).Time().Add(10 * time.Hour)
		if m > first {
			if _, err := svc.ClassifyAll(cw, m, region.Changji); err != nil {
				return err
			}
		}
		// The monthly allowances in one pass, then the one-offs, which the
		// policy finds only in their batch months.
		runs, err := svc.ScreenAll(cw, m, region.Changji)
		if err != nil {
			return err
		}
		for _, prog := range assistance.HouseholdAllowances {
			run, err := svc.Screen(cw, prog, m, region.Changji)
			if err != nil {
				return err
			}
			runs = append(runs, run)
		}
		var added, stopped int
		for _, run := range runs {
			if _, err := svc.DecideScreening(ap, run.ID, true, ""); err != nil {
				return err
			}
			added, stopped = added+run.NewAwards, stopped+run.Stopped
		}
		if m == last.Add(-1) {
			if err := seedEmergencies(cw, ap, svc, r, m); err != nil {
				return err
			}
		}
		pay, err := svc.Pay(cw, m, region.Changji)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: allowances screened with no application (%d new awards, %d stopped), %d assistance payments, %s yuan, in %.1f s\n",
			m, added, stopped, pay.Lines, pay.Amount, time.Since(start).Seconds())
	}

	// The cases still in progress, applied days ago.
	today := registry.NewService(db).Today()
	for i, c := range cases[len(cases)-waiting:] {
		clock = today.AddDays(-3).Time().Add(10 * time.Hour)
		want := []assistance.CaseStatus{assistance.StatusNotice, assistance.StatusNotice, assistance.StatusNotice, assistance.StatusApplied}[i]
		if err := caseTo(cw, ap, svc, c, want); err != nil {
			return err
		}
		if i == 2 && c.Status == assistance.StatusNotice {
			if _, err := svc.Object(cw, c.ID, &assistance.Objection{Objector: "匿名来电", Content: "反映该户家庭成员在外地务工，收入未申报"}); err != nil {
				return err
			}
		}
	}
	if waiting > 0 {
		fmt.Fprintf(w, "%d cases in progress: on notice until %s (one with an objection), or waiting for the investigation\n", waiting, today.AddDays(3))
	}
	return nil
}

// caseTo opens case c (its TestID the means test to use) and takes it to
// status: applied, or through the data match and the assessment to notice.
func caseTo(cw, ap context.Context, svc *assistance.Service, c *assistance.Case, status assistance.CaseStatus) error {
	test := c.TestID
	c.TestID = 0
	if err := svc.Apply(cw, c, "数据比对发现 found by data matching"); err != nil {
		return fmt.Errorf("apply for household %d: %w", c.HouseholdID, err)
	}
	if status == assistance.StatusApplied {
		return nil
	}
	got, err := useOrInvestigate(cw, svc, c, test)
	if err != nil {
		return fmt.Errorf("case %d: %w", c.ID, err)
	}
	if got.Status == assistance.StatusWithdrawn {
		*c = *got
		return nil
	}
	if got, err = svc.Assess(cw, c.ID, got.Version, ""); err != nil {
		return fmt.Errorf("case %d: %w", c.ID, err)
	}
	*c = *got
	return nil
}

// seedEmergencies grants emergency temporary assistance to two households
// of the low-income population in month m, fast-tracked; an approver
// confirms the first after the fact, the second waits.
func seedEmergencies(cw, ap context.Context, svc *assistance.Service, r *rand.Rand, m period.Month) error {
	cs, err := svc.Classifications(cw, assistance.ClassificationFilter{Period: m, Layer: assistance.LayerDibaoEdge, Page: registry.Page{Limit: 50}})
	if err != nil || len(cs) < 2 {
		return err
	}
	for i, c := range []assistance.Classification{cs[r.IntN(len(cs)/2)], cs[len(cs)/2+r.IntN(len(cs)-len(cs)/2)]} {
		k := &assistance.Case{Programme: assistance.ProgTemporary, HouseholdID: c.HouseholdID, Channel: assistance.ChannelVillage,
			HardshipType: assistance.HardshipEmergency, Expense: money.Yuan(int64(1500 + 500*i)), TestID: c.TestID}
		if err := caseToInvestigated(cw, svc, k, []string{"家中失火 a fire at home", "车祸受伤 injured in a road accident"}[i]); err != nil {
			return err
		}
		granted, err := svc.FastTrack(cw, k.ID, k.Version, "先行救助")
		if err != nil {
			return fmt.Errorf("fast-track case %d: %w", k.ID, err)
		}
		if i == 0 {
			if _, err := svc.ReviewGrant(ap, k.ID, granted.Version, true, "核实无误"); err != nil {
				return err
			}
		}
	}
	return nil
}

func caseToInvestigated(cw context.Context, svc *assistance.Service, c *assistance.Case, note string) error {
	test := c.TestID
	c.TestID = 0
	if err := svc.Apply(cw, c, note); err != nil {
		return fmt.Errorf("apply for household %d: %w", c.HouseholdID, err)
	}
	got, err := useOrInvestigate(cw, svc, c, test)
	if err != nil {
		return err
	}
	*c = *got
	return nil
}

// useOrInvestigate takes the household's data-match test for case c, or,
// when it is too old for the application, investigates again, finding
// what it found.
func useOrInvestigate(cw context.Context, svc *assistance.Service, c *assistance.Case, test assistance.TestID) (*assistance.Case, error) {
	got, err := svc.UseTest(cw, c.ID, c.Version, test, "信息核对 data match")
	if fault.CodeOf(err) != fault.Invalid {
		return got, err
	}
	old, err := svc.MeansTest(cw, test)
	if err != nil {
		return nil, err
	}
	t := &assistance.MeansTest{HeatingType: old.HeatingType, Source: assistance.SourceInvestigation}
	gone := map[registry.PersonID]bool{}
	for _, m := range old.Members {
		if d, err := svc.Registry().Person(cw, m.PersonID); err != nil {
			return nil, err
		} else if !d.Alive() {
			gone[m.PersonID] = true // died since: no longer counted
			continue
		}
		m.SupporterStated = true // what the earlier test found
		t.Members = append(t.Members, m)
	}
	for _, l := range old.Lines {
		if !gone[l.PersonID] {
			t.Lines = append(t.Lines, l)
		}
	}
	if len(t.Members) == 0 || c.PersonID != 0 && gone[c.PersonID] {
		return svc.Withdraw(cw, c.ID, c.Version, "the person applied for has died")
	}
	got, _, err = svc.Investigate(cw, c.ID, c.Version, t, "入户调查 household visit")
	return got, err
}

// syntheticTest draws a household's means test for month m, as department
// data would give it: per-capita income 6% far below the assistance lines,
// 12% near them, the rest above; wages for adults of working age, small
// pensions for the old; a car in two households of five, deposits, a
// third with medical bills; the elderly and the severely disabled often
// unable to work; 7% of the old and 0.3% of children without a legal
// supporter able to support them; 2% monitored. Households whose
// members have all died are not tested.
func syntheticTest(r *rand.Rand, h *sqlstore.HouseholdForTest, m period.Month) (*assistance.MeansTest, error) {
	t := &assistance.MeansTest{HouseholdID: h.ID, RegionCode: h.RegionCode, Period: m, HukouType: h.HukouType, Source: assistance.SourceDataMatch,
		HeatingType: []string{"central", "self_heating", "self_heating", "central", "provided"}[r.IntN(5)], Note: "synthetic: department data"}
	on := m.First()
	var pc int64 // per-capita monthly income, fen
	switch x := r.Float64(); {
	case x < 0.06:
		pc = r.Int64N(60_000)
	case x < 0.18:
		pc = 60_000 + r.Int64N(100_000)
	default:
		pc = 160_000 + r.Int64N(800_000)
	}
	for i, mem := range h.Members {
		if !h.Deaths[i].IsZero() && h.Deaths[i] < on {
			continue
		}
		age := period.AgeAt(mem.BirthDate, on)
		mem.SelfCare = assistance.SelfCareAble
		// A legal supporter able to support them: nearly every child has
		// one, most of the old.
		mem.HasSupporter = true
		switch {
		case age < 16:
			mem.HasSupporter = r.Float64() < 0.997
		case age >= 60:
			mem.HasSupporter = r.Float64() < 0.93
		}
		switch {
		case mem.DisabilityGrade == 1 || mem.DisabilityGrade == 2:
			mem.UnableToWork = r.Float64() < 0.7
			if r.Float64() < 0.3 {
				mem.SelfCare = assistance.SelfCarePartlyUnable
			}
		case age >= 70:
			mem.UnableToWork = r.Float64() < 0.4
			if r.Float64() < 0.1 {
				mem.SelfCare = []assistance.SelfCare{assistance.SelfCarePartlyUnable, assistance.SelfCareUnable}[r.IntN(2)]
			}
		}
		mem.Monitored = r.Float64() < 0.02
		t.Members = append(t.Members, mem)
	}
	if len(t.Members) == 0 {
		return nil, nil
	}
	t.HukouLocal = t.Members[0].HukouLocal
	// The household's income, spread over earners (adults under 60) and
	// pensioners (60 and over).
	yearly, err := money.Mul(money.Fen(pc), int64(len(t.Members))*12)
	if err != nil {
		return nil, fmt.Errorf("synthetic means test of household %d: %w", h.ID, err)
	}
	total := int64(yearly)
	var earners []registry.PersonID
	for _, mem := range t.Members {
		age := period.AgeAt(mem.BirthDate, on)
		if age >= 18 && age < 60 && !mem.UnableToWork {
			earners = append(earners, mem.PersonID)
		}
	}
	if len(earners) == 0 {
		earners = []registry.PersonID{t.Members[0].PersonID}
	}
	kind := assistance.IncomeWage
	for i, id := range earners {
		share := total / int64(len(earners))
		if i == 0 {
			share += total % int64(len(earners))
		}
		if share > 0 {
			if age := period.AgeAt(mustMember(t, id).BirthDate, on); age >= 60 {
				kind = assistance.IncomePension
			}
			t.Lines = append(t.Lines, assistance.Line{PersonID: id, Kind: kind, Amount: money.Fen(share)})
		}
	}
	if r.Float64() < 0.4 {
		t.Lines = append(t.Lines, assistance.Line{Kind: assistance.AssetVehicle, Quantity: 1})
	}
	if r.Float64() < 0.6 {
		t.Lines = append(t.Lines, assistance.Line{Kind: assistance.AssetDeposit, Amount: money.Fen(r.Int64N(int64(len(t.Members)) * 2_000_000))})
	}
	t.Lines = append(t.Lines, assistance.Line{Kind: assistance.AssetHouse, Quantity: 1})
	if r.Float64() < 0.33 {
		t.Lines = append(t.Lines, assistance.Line{Kind: assistance.ExpenseMedical, Amount: money.Fen(r.Int64N(total/2 + 1_000_000))})
	}
	if err := t.Compute(); err != nil {
		return nil, fmt.Errorf("synthetic test of household %d: %w", h.ID, err)
	}
	return t, nil
}

func mustMember(t *assistance.MeansTest, id registry.PersonID) *assistance.Member {
	m, _ := t.Member(id)
	return m
}

// runScreen screens the registry for an allowance (免申即享), or every
// monthly allowance in one pass (--program all), with a progress bar, and
// proposes the runs; an approver decides each (POST
// /api/v1/screenings/{id}/decision).
func runScreen(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "screen", "screen --db DSN --program all|monthly|events|ID --period YYYY-MM [--region CODE] [--quiet]")
	dsn := dsnFlag(fs, defaultDB)
	prog := fs.String("program", "", "all (every person and household programme: the classification of the tested households, "+
		"then each allowance; resumed after a crash), monthly (the monthly person allowances in one pass), "+
		"events (only the persons whom a new event concerns) or one of "+fmt.Sprint(assistance.Allowances))
	monthRegion := periodRegionFlags(fs, "month, YYYY-MM", "region subtree")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, code, err := monthRegion()
	if err != nil {
		return err
	}
	svc, db, ctx, err := openAssistance(ctx, e, *dsn, "screen")
	if err != nil {
		return err
	}
	defer db.Close()
	pb := newProgress(e.stderr, "")
	bar := func(desc string, done, total int) {
		if !*quiet {
			pb.set(desc, done, total)
		}
	}
	svc.ProgressFunc = func(done, total int) { bar("screening", done, total) }
	start := time.Now()
	var runs []*assistance.ScreeningRun
	switch *prog {
	case "all":
		return screenEverything(ctx, e, svc, m, code, bar)
	case "monthly":
		runs, err = svc.ScreenAll(ctx, m, code)
	case "events":
		var sum *assistance.EventSummary
		if sum, err = svc.ScreenEvents(ctx, m, code); err == nil {
			runs = sum.Runs
			fmt.Fprintf(e.stdout, "events since the last screening: %d persons concerned (new disability records, deaths, 低保 awards), %d turning 80 in %s\n",
				sum.Changed, sum.Turning, m)
		}
	default:
		var run *assistance.ScreeningRun
		run, err = svc.Screen(ctx, *prog, m, code)
		runs = []*assistance.ScreeningRun{run}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "screened %s in %s for %s in %.1f s\n", *prog, code, m, time.Since(start).Seconds())
	printRuns(e.stdout, runs)
	return nil
}

// printRuns prints the screening runs and what comes next.
func printRuns(w io.Writer, runs []*assistance.ScreeningRun) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tprogramme\tevaluated\teligible\tyuan\tnew\tchanged\tstopped\t")
	for _, run := range runs {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%d\t%d\t%d\t\n", run.ID, run.Programme, run.Evaluated, run.Eligible, run.Amount, run.NewAwards, run.Changed, run.Stopped)
	}
	tw.Flush()
	fmt.Fprintln(w, "proposed: a caseworker reviews each run (POST /api/v1/screenings/{id}/review), another user decides it (/decision)")
}

// screenEverything runs (or resumes) the screening job of every programme.
func screenEverything(ctx context.Context, e env, svc *assistance.Service, m period.Month, code region.Code, bar func(string, int, int)) error {
	start := time.Now()
	job, resumed, err := svc.StartScreeningJob(ctx, m, code)
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
	err = svc.RunScreeningJob(ctx, job, func(j *assistance.ScreeningJob) {
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
	runs := make([]*assistance.ScreeningRun, 0, len(job.RunIDs))
	for _, id := range job.RunIDs {
		r, err := svc.FindScreeningRun(ctx, id)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	printRuns(e.stdout, runs)
	return nil
}
