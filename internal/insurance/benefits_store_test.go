package insurance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/policies"
)

type benBundle struct {
	sqlstoretest.Insurance
	ben *insurance.Benefits
}

func setupBenefits(t *testing.T, open func(testing.TB) *sqlstore.DB) benBundle {
	t.Helper()
	ib := sqlstoretest.NewInsurance(t, open)
	return benBundle{Insurance: ib, ben: ib.App.Benefits}
}

// paid posts n monthly payments of the scheme for p through o, the last
// in month last, at the base.
func (tb benBundle) paid(t testing.TB, p *registry.Person, o *registry.Organisation, scheme insurance.Scheme, last period.Month, n int, base money.Fen) {
	t.Helper()
	ps := make([]insurance.Payment, 0, n)
	for i := range n {
		m := last.Add(-i)
		ps = append(ps, insurance.Payment{ReceiptNo: fmt.Sprintf("R-%d-%s-%s", p.ID, scheme, m), PersonID: p.ID, OrgID: o.ID, Scheme: scheme,
			Period: m, RegionCode: o.RegionCode, Base: base, Employer: base / 100, Individual: base / 100, PaidOn: m.Last(), Source: insurance.Posted})
	}
	if err := tb.DB.PostPayments(tb.Ctx, ps); err != nil {
		t.Fatalf("PostPayments(person %d): %v", p.ID, err)
	}
}

func (tb benBundle) claim(p *registry.Person, o *registry.Organisation, sep period.Date, reason string) (*insurance.UnemploymentClaim, error) {
	c := &insurance.UnemploymentClaim{PersonID: p.ID, OrgID: o.ID, SeparationDate: sep, Separation: reason, RegisteredOn: sep.AddDays(3)}
	return c, tb.ben.Claim(tb.Ctx, c)
}

func (tb benBundle) pay(t *testing.T, m period.Month) *insurance.RunSummary {
	t.Helper()
	s, err := tb.ben.Pay(tb.Ctx, m, "652300")
	if err != nil {
		t.Fatalf("Pay(%s): %v", m, err)
	}
	return s
}

func (tb benBundle) getClaim(t *testing.T, id insurance.ClaimID) *insurance.UnemploymentClaim {
	t.Helper()
	c, err := tb.ben.UnemploymentClaim(tb.Ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestUnemploymentEntitlement reproduces docs/domain.md 4 through Claim on a real
// database: 1-5 years of contributions give 12 months, 5-10 years 18, 10
// years or more 24, with the edges at exactly 12, 60 and 120 months.
func TestUnemploymentEntitlement(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := setupBenefits(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		o := tb.Org(t, "652301", 1)
		sep := period.MustDate(2026, time.June, 30)
		var first *registry.Person
		for i, tc := range []struct {
			months, want int
		}{{12, 12}, {59, 12}, {60, 18}, {119, 18}, {120, 24}, {200, 24}} {
			p := tb.Person(t, v, 100+i)
			if first == nil {
				first = p
			}
			tb.paid(t, p, o, insurance.Unemployment, sep.Period(), tc.months, 500000)
			// Payments after the separation do not count.
			tb.paid(t, p, o, insurance.Unemployment, sep.Period().Add(3), 2, 500000)
			c, err := tb.claim(p, o, sep, "contract_expired")
			if err != nil {
				t.Fatalf("%d months: Claim: %v", tc.months, err)
			}
			if c.ContributionMonths != tc.months || c.EntitlementMonths != tc.want || c.Status != insurance.ClaimOpen {
				t.Errorf("%d months: contribution %d, entitlement %d, status %s; want %d, %d, open",
					tc.months, c.ContributionMonths, c.EntitlementMonths, c.Status, tc.months, tc.want)
			}
			// Changji City, tier 1 (1,900 yuan) × 90%.
			if c.MonthlyAmount != 171000 {
				t.Errorf("%d months: monthly amount %s, want 1,710.00", tc.months, c.MonthlyAmount)
			}
			got := tb.getClaim(t, c.ID)
			var d policy.Decision
			if err := json.Unmarshal(got.Decision, &d); err != nil || !d.Eligible || len(d.Conditions) == 0 || len(d.Parameters) == 0 {
				t.Errorf("%d months: stored decision %s (%v) lacks its explanation", tc.months, got.Decision, err)
			}
		}

		// Under a year, and a voluntary resignation: refused, naming the conditions.
		p := tb.Person(t, v, 150)
		tb.paid(t, p, o, insurance.Unemployment, sep.Period(), 11, 500000)
		_, err := tb.claim(p, o, sep, "resigned_voluntarily")
		f := fault.FieldsOf(err)
		if fault.CodeOf(err) != fault.Invalid || f["conditions.contributed_at_least_one_year"] == "" || f["conditions.lost_job_involuntarily"] == "" {
			t.Errorf("Claim(11 months, resigned) = %v %v, want Invalid naming both conditions", err, f)
		}
		if _, err := tb.claim(p, o, sep, "quit"); fault.FieldsOf(err)["separation"] == "" {
			t.Errorf("Claim(separation quit) = %v, want Invalid naming separation", err)
		}

		// One open claim per person.
		if _, err := tb.claim(first, o, sep.AddDays(10), "contract_expired"); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("second claim = %v, want Conflict", err)
		}
		cs, err := tb.ben.Claims(tb.Ctx, insurance.ClaimFilter{Status: insurance.ClaimOpen})
		if err != nil || len(cs) != 6 {
			t.Errorf("Claims(open) = %d, %v; want 6", len(cs), err)
		}
	})
}

// TestBenefitRun pays claims month by month: a run repeated for a month
// changes nothing, a claim ends when its months are used up or on
// re-employment, and Stop ends one for another reason.
func TestBenefitRun(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := setupBenefits(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		o := tb.Org(t, "652301", 1)
		o2 := tb.Org(t, "652301", 2)
		sep := period.MustDate(2025, time.June, 30)
		jul := period.NewMonth(2025, time.July)
		short, reemp, stop := tb.Person(t, v, 201), tb.Person(t, v, 203), tb.Person(t, v, 205)
		tb.paid(t, short, o, insurance.Unemployment, sep.Period(), 12, 500000)
		tb.paid(t, reemp, o, insurance.Unemployment, sep.Period(), 60, 500000)
		tb.paid(t, stop, o, insurance.Unemployment, sep.Period(), 24, 500000)
		cShort, err := tb.claim(short, o, sep, "contract_expired")
		if err != nil {
			t.Fatal(err)
		}
		cReemp, err := tb.claim(reemp, o, sep, "terminated_by_employer")
		if err != nil {
			t.Fatal(err)
		}
		cStop, err := tb.claim(stop, o, sep, "employer_closed")
		if err != nil {
			t.Fatal(err)
		}
		audits := sqlstoretest.AuditCount(t, tb.DB)
		s := tb.pay(t, jul)
		if s.Lines != 3 || s.Unemployment != 3*171000 {
			t.Fatalf("first run of %s: %+v, want 3 lines of 1,710.00", jul, s)
		}
		// Running the month again changes nothing.
		again := tb.pay(t, jul)
		if again.Lines != 0 || again.AlreadyPaid != 3 || again.Unemployment != 0 {
			t.Errorf("second run of %s: %+v, want nothing new and 3 already paid", jul, again)
		}
		if ls, _ := tb.DB.BenefitLines(context.Background(), jul, "", 0, 100); len(ls) != 3 {
			t.Errorf("%s has %d lines after two runs, want 3", jul, len(ls))
		}
		if n := sqlstoretest.AuditCount(t, tb.DB); n != audits+1 {
			t.Errorf("two runs wrote %d audit events, want 1", n-audits)
		}

		// Stop from July is refused (July is paid); from August it ends.
		if _, err := tb.ben.Stop(tb.Ctx, cStop.ID, 1, insurance.StopEnlisted, jul); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("Stop(from a paid month) = %v, want Conflict", err)
		}
		if _, err := tb.ben.Stop(tb.Ctx, cStop.ID, 1, "bored", jul.Add(1)); fault.FieldsOf(err)["reason"] == "" {
			t.Errorf("Stop(reason bored) = %v, want Invalid naming reason", err)
		}
		// The store refuses an end before a paid month, whatever the caller read.
		early := &insurance.UnemploymentClaim{ID: cStop.ID, RegionCode: cStop.RegionCode, Version: 1, Status: insurance.ClaimEnded,
			StopReason: insurance.StopEnlisted, End: jul.Add(-1)}
		if err := tb.DB.EndClaim(tb.Ctx, early); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("EndClaim(before a paid month) = %v, want Conflict", err)
		}
		st, err := tb.ben.Stop(tb.Ctx, cStop.ID, 1, insurance.StopEnlisted, jul.Add(1))
		if err != nil || st.Status != insurance.ClaimEnded || st.End != jul || st.StopReason != insurance.StopEnlisted {
			t.Fatalf("Stop = %+v, %v; want ended in %s, enlisted", st, err, jul)
		}
		// A run that read the claim before the stop cannot pay it after.
		stale := &insurance.BenefitRun{Period: jul.Add(1), Region: "652300", Lines: []insurance.BenefitLine{{Kind: insurance.LineUnemployment,
			ClaimID: cStop.ID, PersonID: stop.ID, RegionCode: cStop.RegionCode, Period: jul.Add(1), Seq: 2, Amount: 171000, Payer: insurance.PayerFund}}}
		if err := tb.DB.SaveRun(tb.Ctx, stale); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("SaveRun(a line after the claim's end) = %v, want Conflict", err)
		}

		// Re-employed from 15 September: September is paid, October is not.
		tb.pay(t, jul.Add(1))
		tb.Employ(t, reemp, o2, period.MustDate(2025, time.September, 15), 0, 400000)
		tb.pay(t, jul.Add(2))
		oct := tb.pay(t, jul.Add(3))
		if oct.Ended[insurance.StopReemployed] != 1 {
			t.Errorf("run of %s ended %v, want the re-employed claim", jul.Add(3), oct.Ended)
		}
		c := tb.getClaim(t, cReemp.ID)
		if c.Status != insurance.ClaimEnded || c.StopReason != insurance.StopReemployed || c.MonthsDrawn != 3 || c.End != jul.Add(2) {
			t.Errorf("re-employed claim: %s %s, %d months, end %s; want ended reemployed, 3 months, end %s",
				c.Status, c.StopReason, c.MonthsDrawn, c.End, jul.Add(2))
		}

		// Twelve months then the claim is used up.
		for m := jul.Add(4); m <= jul.Add(11); m = m.Add(1) {
			tb.pay(t, m)
		}
		c = tb.getClaim(t, cShort.ID)
		if c.Status != insurance.ClaimEnded || c.StopReason != insurance.StopExhausted || c.MonthsDrawn != 12 || c.End != jul.Add(11) || c.PaidTo != jul.Add(11) {
			t.Errorf("12-month claim: %s %s, %d months, end %s; want ended exhausted, 12 months, end %s",
				c.Status, c.StopReason, c.MonthsDrawn, c.End, jul.Add(11))
		}
		if s := tb.pay(t, jul.Add(12)); s.Lines != 0 {
			t.Errorf("run after every claim ended wrote %d lines", s.Lines)
		}

		// New unemployment after re-employment: contributions are counted
		// again from the last separation, and the 15 unused months carried.
		sep2 := period.MustDate(2026, time.September, 30)
		tb.paid(t, reemp, o2, insurance.Unemployment, sep2.Period(), 12, 400000)
		c2, err := tb.claim(reemp, o2, sep2, "contract_expired")
		if err != nil {
			t.Fatal(err)
		}
		if c2.ContributionMonths != 12 || c2.CarriedMonths != 15 || c2.EntitlementMonths != 24 {
			t.Errorf("second claim: %d months, %d carried, entitlement %d; want 12, 15, 24 (capped)", c2.ContributionMonths, c2.CarriedMonths, c2.EntitlementMonths)
		}
	})
}

// TestWorkInjury checks the grant table of docs/domain.md 5.2 through
// RecordInjury, the allowance paid by the run, and the refusals.
func TestWorkInjury(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := setupBenefits(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		o := tb.Org(t, "652301", 1)
		injured := period.MustDate(2026, time.January, 10)
		worker := func(seq int) *registry.Person {
			p := tb.Person(t, v, seq)
			tb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.WorkInjury, Kind: insurance.ThroughEmployer, OrgID: o.ID,
				Start: period.NewMonth(2024, time.January), RiskClass: 1})
			tb.paid(t, p, o, insurance.WorkInjury, injured.Period().Add(-1), 12, 600000)
			return p
		}
		record := func(p *registry.Person, grade int, arranges bool) (*insurance.Injury, error) {
			in := &insurance.Injury{PersonID: p.ID, OrgID: o.ID, InjuryDate: injured, RecognisedOn: period.MustDate(2026, time.March, 2),
				Grade: grade, EmployerArrangesWork: arranges}
			return in, tb.ben.RecordInjury(tb.Ctx, in)
		}
		// Own wage 6,000 (inside 60%-300% of the average wage).
		var grade1, grade10 *registry.Person
		for i, tc := range []struct {
			grade, months int
			allowance     insurance.ClaimStatus
		}{{1, 27, insurance.ClaimOpen}, {4, 21, insurance.ClaimOpen}, {5, 18, insurance.ClaimOpen}, {7, 13, insurance.ClaimNone}, {10, 7, insurance.ClaimNone}} {
			p := worker(300 + 2*i)
			if grade1 == nil {
				grade1 = p
			}
			grade10 = p
			in, err := record(p, tc.grade, false)
			if err != nil {
				t.Fatalf("grade %d: %v", tc.grade, err)
			}
			if in.OwnWage != 600000 || in.WageMonths != 12 || in.Grant != money.Fen(tc.months)*600000 || in.Allowance != tc.allowance {
				t.Errorf("grade %d: own wage %s over %d months, grant %s, allowance %s; want 6,000.00 over 12, %d × 6,000.00, %s",
					tc.grade, in.OwnWage, in.WageMonths, in.Grant, in.Allowance, tc.months, tc.allowance)
			}
		}
		// Grade 6 with work arranged by the employer: grant, no allowance.
		in, err := record(worker(320), 6, true)
		if err != nil || in.Allowance != insurance.ClaimNone || in.Grant != 16*600000 {
			t.Errorf("grade 6 with work: %+v, %v", in, err)
		}
		// One allowance in payment per person; one record per injury.
		again := &insurance.Injury{PersonID: grade1.ID, OrgID: o.ID, InjuryDate: injured.AddDays(1), RecognisedOn: period.MustDate(2026, time.March, 2), Grade: 2}
		if err := tb.ben.RecordInjury(tb.Ctx, again); fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), "allowance already") {
			t.Errorf("second injury with an allowance = %v, want Conflict", err)
		}
		if _, err := record(grade10, 10, false); fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), "recorded already") {
			t.Errorf("same injury again = %v, want Conflict", err)
		}
		// Not insured with that employer.
		p := tb.Person(t, v, 330)
		if _, err := record(p, 3, false); fault.FieldsOf(err)["org_id"] == "" {
			t.Errorf("RecordInjury(not insured) = %v, want Invalid naming org_id", err)
		}
		if _, err := record(p, 11, false); fault.FieldsOf(err)["grade"] == "" {
			t.Errorf("RecordInjury(grade 11) = %v, want Invalid naming grade", err)
		}

		// The allowance starts the month after the appraisal: grade 1 90%,
		// grade 4 75% from the fund, grade 5 70% from the employer.
		apr := period.NewMonth(2026, time.April)
		if s := tb.pay(t, apr.Add(-1)); s.Lines != 0 {
			t.Errorf("run of %s paid %d allowances before they start", apr.Add(-1), s.Lines)
		}
		s := tb.pay(t, apr)
		if s.Lines != 3 || s.Allowance != 540000+450000+420000 || s.ByEmployer != 420000 || s.TopUp != 0 {
			t.Errorf("run of %s: %+v", apr, s)
		}
		if s := tb.pay(t, apr); s.Lines != 0 || s.AlreadyPaid != 3 {
			t.Errorf("second run of %s: %+v", apr, s)
		}
	})
}

// TestAllowanceTopUp raises the minimum wage so that a grade-4 allowance
// falls below it: the fund pays the difference.
func TestAllowanceTopUp(t *testing.T) {
	tree := fstest.MapFS{}
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(policies.FS, path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, "xj/parameters/wages.yaml") {
			b = []byte(strings.Replace(string(b), `{min: 1, value: "1,900"}`, `{min: 1, value: "6,000"}`, 1))
		}
		tree[path] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pk, err := policy.Load(tree, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := setupBenefits(t, open)
		// A second app over the same store and clock, under pk.
		tb.ben = app.New(tb.DB, pk, tb.App.Juris, tb.App.Clock, app.Options{}).Benefits
		v := sqlstoretest.Village(t, "652301", 0)
		o := tb.Org(t, "652301", 1)
		injured := period.MustDate(2026, time.January, 10)
		var ids []registry.PersonID
		for i, grade := range []int{4, 5} {
			p := tb.Person(t, v, 400+2*i)
			tb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.WorkInjury, Kind: insurance.ThroughEmployer, OrgID: o.ID,
				Start: period.NewMonth(2024, time.January), RiskClass: 1})
			tb.paid(t, p, o, insurance.WorkInjury, injured.Period().Add(-1), 12, 600000)
			in := &insurance.Injury{PersonID: p.ID, OrgID: o.ID, InjuryDate: injured, RecognisedOn: period.MustDate(2026, time.March, 2), Grade: grade}
			if err := tb.ben.RecordInjury(tb.Ctx, in); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		apr := period.NewMonth(2026, time.April)
		s := tb.pay(t, apr)
		// Grade 4: 75% of 6,000 = 4,500, topped up by 1,500 to 6,000.
		// Grade 5 (employer): 70% = 4,200, no top-up.
		if s.Lines != 2 || s.TopUp != 150000 || s.Allowance != 600000+420000 {
			t.Errorf("run of %s: %+v; want a 1,500.00 top-up", apr, s)
		}
		ls, err := tb.DB.BenefitLines(context.Background(), apr, region.Code("652301"), 0, 10)
		if err != nil || len(ls) != 2 {
			t.Fatalf("lines: %v, %v", ls, err)
		}
		for _, l := range ls {
			want := insurance.BenefitLine{Kind: insurance.LineAllowance, InjuryID: l.InjuryID, PersonID: ids[0], RegionCode: l.RegionCode, Period: apr,
				Amount: 600000, TopUp: 150000, Payer: insurance.PayerFund}
			if l.PersonID == ids[1] {
				want.PersonID, want.Amount, want.TopUp, want.Payer = ids[1], 420000, 0, insurance.PayerEmployer
			}
			if l != want {
				t.Errorf("line %+v, want %+v", l, want)
			}
		}
	})
}

// TestBenefitRunRetirementAndDeath: a claimant within a year of the
// statutory retirement age is kept on benefit after the entitlement runs
// out, until that age (docs/domain.md 2.5); a claimant's death ends the claim,
// and an injured worker's allowance stops at the statutory age.
func TestBenefitRunRetirementAndDeath(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := setupBenefits(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		o := tb.Org(t, "652301", 1)
		// A man born 1966-01-15: statutory age 60 years 4 months (2026-05).
		old := sqlstoretest.NewPerson(t, v, 211)
		old.IDNumber = sqlstoretest.ResidentID(t, "652301", 1966, time.January, 15, 211)
		if err := tb.Svc.CreatePerson(tb.Ctx, old); err != nil {
			t.Fatal(err)
		}
		dies := tb.Person(t, v, 213)
		sep := period.MustDate(2024, time.December, 31)
		tb.paid(t, old, o, insurance.Unemployment, sep.Period(), 12, 500000)
		tb.paid(t, dies, o, insurance.Unemployment, sep.Period(), 12, 500000)
		cOld, err := tb.claim(old, o, sep, "employer_closed")
		if err != nil {
			t.Fatal(err)
		}
		cDies, err := tb.claim(dies, o, sep, "employer_closed")
		if err != nil {
			t.Fatal(err)
		}
		// An injured worker of the same age, grade 1, allowance from 2026-04.
		injured := sqlstoretest.NewPerson(t, v, 215)
		injured.IDNumber = sqlstoretest.ResidentID(t, "652301", 1966, time.January, 15, 215)
		if err := tb.Svc.CreatePerson(tb.Ctx, injured); err != nil {
			t.Fatal(err)
		}
		tb.Enrol(t, &insurance.Enrolment{PersonID: injured.ID, Scheme: insurance.WorkInjury, Kind: insurance.ThroughEmployer, OrgID: o.ID,
			Start: period.NewMonth(2024, time.January), RiskClass: 1})
		in := &insurance.Injury{PersonID: injured.ID, OrgID: o.ID, InjuryDate: period.MustDate(2026, time.January, 10),
			RecognisedOn: period.MustDate(2026, time.March, 2), Grade: 1}
		if err := tb.ben.RecordInjury(tb.Ctx, in); err != nil {
			t.Fatal(err)
		}
		if in.WageMonths != 0 || in.Allowance != insurance.ClaimOpen {
			t.Fatalf("injury without payments: %+v", in)
		}

		jan := period.NewMonth(2025, time.January)
		for m := jan; m <= jan.Add(2); m = m.Add(1) {
			tb.pay(t, m)
		}
		if _, err := tb.Svc.RecordDeath(tb.Ctx, dies.ID, period.MustDate(2025, time.March, 10), "public_security"); err != nil {
			t.Fatal(err)
		}
		// Death on 10 March: March was paid; April is not.
		if s := tb.pay(t, jan.Add(3)); s.Ended[insurance.StopDied] != 1 {
			t.Errorf("run of %s ended %v, want the dead claimant's claim", jan.Add(3), s.Ended)
		}
		c := tb.getClaim(t, cDies.ID)
		if c.Status != insurance.ClaimEnded || c.StopReason != insurance.StopDied || c.MonthsDrawn != 3 || c.End != jan.Add(2) {
			t.Errorf("dead claimant's claim: %s %s, %d months, end %s", c.Status, c.StopReason, c.MonthsDrawn, c.End)
		}
		for m := jan.Add(4); m <= jan.Add(20); m = m.Add(1) {
			tb.pay(t, m)
		}
		// 12 months of entitlement, kept from 2026-01 until the statutory
		// age: retirement_date puts him at 60y4m on 2026-05-01, so the
		// last month paid is 2026-04.
		c = tb.getClaim(t, cOld.ID)
		if c.Status != insurance.ClaimEnded || c.StopReason != insurance.StopRetired || c.MonthsDrawn != 16 || c.End != period.NewMonth(2026, time.April) {
			t.Errorf("claim near retirement: %s %s, %d months, end %s; want ended retired after 16 months, end 2026-04",
				c.Status, c.StopReason, c.MonthsDrawn, c.End)
		}
		got, err := tb.ben.Injury(tb.Ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Allowance != insurance.ClaimEnded || got.StopReason != insurance.StopRetired || got.End != period.NewMonth(2026, time.April) {
			t.Errorf("allowance at retirement: %s %s end %s; want ended retired, end 2026-04", got.Allowance, got.StopReason, got.End)
		}
	})
}

// TestUnemploymentAndPension checks that nobody draws unemployment benefit
// and an employee pension for the same month: a pensioner's claim is
// refused, and an open claim ends the month before a pension starts.
func TestUnemploymentAndPension(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := setupBenefits(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		o := tb.Org(t, "652301", 1)
		sep := period.MustDate(2025, time.June, 30)
		jul := period.NewMonth(2025, time.July)
		retiree, claimant := tb.Person(t, v, 301), tb.Person(t, v, 302)
		for _, p := range []*registry.Person{retiree, claimant} {
			tb.paid(t, p, o, insurance.Unemployment, sep.Period(), 36, 500000)
		}
		award := func(p *registry.Person, start period.Month) {
			t.Helper()
			if err := tb.DB.ExecRaw(tb.Ctx, fmt.Sprintf(`INSERT INTO awards (person_id, scheme, region_code, start_month, amount, status,
				decision, policy_version, created_by, created_at) VALUES (%d, 'employee_pension', '%s', '%s', 300000, 'active', '{}', 'test', 'test', '2025-01-01T00:00:00Z')`,
				p.ID, p.RegionCode, start)); err != nil {
				t.Fatal(err)
			}
		}
		award(retiree, period.NewMonth(2025, time.May))
		_, err := tb.claim(retiree, o, sep, "contract_expired")
		if fault.FieldsOf(err)["conditions.not_drawing_a_pension"] == "" {
			t.Errorf("a pensioner's claim = %v %v, want refused naming not_drawing_a_pension", err, fault.FieldsOf(err))
		}
		c, err := tb.claim(claimant, o, sep, "contract_expired")
		if err != nil {
			t.Fatal(err)
		}
		tb.pay(t, jul)
		award(claimant, jul.Add(1))
		if s := tb.pay(t, jul.Add(1)); s.Lines != 0 || s.Ended[insurance.StopPension] != 1 {
			t.Errorf("run of the pension's first month: %+v, want no line and the claim ended for the pension", s)
		}
		if got := tb.getClaim(t, c.ID); got.Status != insurance.ClaimEnded || got.End != jul || got.MonthsDrawn != 1 {
			t.Errorf("claim after the pension began: %+v, want ended in %s after 1 month", got, jul)
		}
	})
}
