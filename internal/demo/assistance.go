package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

// SocialAssistance gives a generated population civil affairs' records over
// the months from first to last: a means test from department data (信息核对)
// for every household in the first month, with incomes and assets drawn
// for the synthetic prefecture; the classification of each month; the 低保
// and 特困 caseload through the whole workflow (application, the data match,
// assessment, public notice, approval by another user) in the first month;
// a few cases still in progress and two emergency grants; the allowances
// and the household one-offs (heating, festival) screened each month and
// approved, the one-offs found only in their batch months (the heating
// season's, the festivals'); and the payments of every month.
func (s *Seeder) SocialAssistance(ctx context.Context, first, last period.Month, seed int64) error {
	start := time.Now()
	w := s.Out
	cw := auth.WithPrincipal(ctx, s.caseworker())
	ap := auth.WithPrincipal(ctx, s.approver())
	r := rand.New(rand.NewPCG(uint64(seed), 0xa551))
	var tests []*assistance.MeansTest
	err := s.Store.EachHousehold(ctx, func(h *Household) error {
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
		if err := s.Store.LoadMeansTests(cw, tests[i:min(i+20_000, len(tests))]); err != nil {
			return err
		}
	}
	svc := s.Assistance
	s.travel.set(first.First().Time().Add(10 * time.Hour))
	defer s.travel.set(time.Time{})
	sum, err := svc.ClassifyAll(cw, first, s.Juris.Home)
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
		s.travel.set(first.First().AddDays(i % 5).Time().Add(10 * time.Hour))
		if err := caseTo(cw, ap, svc, c, assistance.StatusNotice); err != nil {
			return err
		}
	}
	s.travel.set(first.First().AddDays(14).Time().Add(10 * time.Hour))
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
		s.travel.set(m.First().AddDays(19).Time().Add(10 * time.Hour))
		if m > first {
			if _, err := svc.ClassifyAll(cw, m, s.Juris.Home); err != nil {
				return err
			}
		}
		// The monthly allowances in one pass, then the one-offs, which the
		// policy finds only in their batch months.
		runs, err := s.Screening.ScreenAll(cw, m, s.Juris.Home)
		if err != nil {
			return err
		}
		for _, prog := range screening.HouseholdAllowances {
			run, err := s.Screening.Screen(cw, prog, m, s.Juris.Home)
			if err != nil {
				return err
			}
			runs = append(runs, run)
		}
		var added, stopped int
		for _, run := range runs {
			if _, err := s.Screening.Decide(ap, run.ID, true, ""); err != nil {
				return err
			}
			added, stopped = added+run.NewAwards, stopped+run.Stopped
		}
		if m == last.Add(-1) {
			if err := seedEmergencies(cw, ap, svc, r, m); err != nil {
				return err
			}
		}
		pay, err := svc.Pay(cw, m, s.Juris.Home)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: allowances screened with no application (%d new awards, %d stopped), %d assistance payments, %s yuan, in %.1f s\n",
			m, added, stopped, pay.Lines, pay.Amount, time.Since(start).Seconds())
	}

	// The cases still in progress, applied days ago.
	today := s.Today()
	for i, c := range cases[len(cases)-waiting:] {
		s.travel.set(today.AddDays(-3).Time().Add(10 * time.Hour))
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
func syntheticTest(r *rand.Rand, h *Household, m period.Month) (*assistance.MeansTest, error) {
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
