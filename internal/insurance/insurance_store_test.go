package insurance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestEnrolmentLifecycle(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		home, work := sqlstoretest.Village(t, "652301", 0), sqlstoretest.Village(t, "652302", 0)
		o := tb.Org(t, work, 1)
		p1, p2, p3 := tb.Person(t, home, 11), tb.Person(t, home, 12), tb.Person(t, home, 13)
		start := period.NewMonth(2024, time.January)

		// Through an employer: insured where the employer is.
		e1 := tb.Enrol(t, &insurance.Enrolment{PersonID: p1.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: start})
		if e1.ID == 0 || e1.Version != 1 || e1.Status != insurance.Active || e1.RegionCode != work {
			t.Fatalf("enrolment through employer = %+v, want a key, version 1, active, region %s", e1, work)
		}
		got, err := tb.Ins.Enrolment(tb.Ctx, e1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(e1, got); diff != "" {
			t.Errorf("Enrolment(%d) differs from what was enrolled (-want +got):\n%s", e1.ID, diff)
		}

		// Flexible: the base is required; insured where the person lives.
		flex := &insurance.Enrolment{PersonID: p2.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible, Start: start}
		if err := tb.Ins.Enrol(tb.Ctx, flex); fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["base"] == "" {
			t.Errorf("Enrol(flexible without base) = %v, want invalid naming base", err)
		}
		flex.Base = money.Yuan(7000)
		tb.Enrol(t, flex)
		if flex.RegionCode != home || flex.OrgID != 0 {
			t.Errorf("flexible enrolment region %s org %d, want %s and no employer", flex.RegionCode, flex.OrgID, home)
		}

		// Resident: the tier is required.
		res := &insurance.Enrolment{PersonID: p3.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Start: start}
		if err := tb.Ins.Enrol(tb.Ctx, res); fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["tier"] == "" {
			t.Errorf("Enrol(resident without tier) = %v, want invalid naming tier", err)
		}
		res.Tier = money.Yuan(500)
		tb.Enrol(t, res)

		// A second open enrolment in the scheme, and the resident pension
		// over employee-pension months, are refused and write nothing.
		before := sqlstoretest.AuditCount(t, tb.DB)
		err = tb.Ins.Enrol(tb.Ctx, &insurance.Enrolment{PersonID: p1.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible, Base: money.Yuan(6000), Start: start.Add(6)})
		if fault.CodeOf(err) != fault.Conflict || !strings.Contains(fault.MessageOf(err), "open employee_pension") {
			t.Errorf("Enrol(second open employee pension) = %v, want conflict", err)
		}
		err = tb.Ins.Enrol(tb.Ctx, &insurance.Enrolment{PersonID: p1.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: money.Yuan(500), Start: start.Add(3)})
		if fault.CodeOf(err) != fault.Conflict {
			t.Errorf("Enrol(resident pension over employee-pension months) = %v, want conflict", err)
		}
		// The database refuses a second open enrolment by itself, too.
		raw := &insurance.Enrolment{PersonID: p1.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID,
			RegionCode: work, Start: start, Status: insurance.Active}
		err = tb.DB.CreateEnrolment(tb.Ctx, raw, func([]*insurance.Enrolment) error { return nil })
		if fault.CodeOf(err) != fault.Conflict || fault.MessageOf(err) != "the person already has an open employee_pension enrolment" {
			t.Errorf("store CreateEnrolment(second open, no check) = %v, want the unique index's conflict", err)
		}
		if after := sqlstoretest.AuditCount(t, tb.DB); after != before {
			t.Errorf("audit events after refused enrolments = %d, want %d", after, before)
		}
		// Other schemes beside the pension are fine.
		tb.Enrol(t, &insurance.Enrolment{PersonID: p1.ID, Scheme: insurance.WorkInjury, Kind: insurance.ThroughEmployer, OrgID: o.ID, RiskClass: 4, Start: start})

		// Suspend, then resume: the suspended enrolment is closed with its
		// last month covered, and a new one covers the months from the
		// resumption, so the suspended months stay uncovered.
		sus, err := tb.Ins.Transition(tb.Ctx, e1.ID, e1.Version, insurance.Suspended, period.NewMonth(2025, time.March), "停产")
		if err != nil {
			t.Fatalf("suspend: %v", err)
		}
		if sus.Status != insurance.Suspended || sus.End != period.NewMonth(2025, time.February) || sus.Version != 2 {
			t.Errorf("suspended %+v: want suspended, covered to 2025-02, version 2", sus)
		}
		if _, err := tb.Ins.Transition(tb.Ctx, e1.ID, sus.Version, insurance.Active, period.NewMonth(2025, time.February), ""); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Transition(resume within the covered months) = %v, want invalid", err)
		}
		if _, err := tb.Ins.Transition(tb.Ctx, e1.ID, e1.Version, insurance.Active, period.NewMonth(2025, time.June), ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("Transition(resume with a stale version) = %v, want conflict", err)
		}
		resumed, err := tb.Ins.Transition(tb.Ctx, e1.ID, sus.Version, insurance.Active, period.NewMonth(2025, time.June), "")
		if err != nil {
			t.Fatalf("resume: %v", err)
		}
		old, err := tb.Ins.Enrolment(tb.Ctx, e1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if old.Status != insurance.Terminated || old.End != period.NewMonth(2025, time.February) || old.Version != 3 {
			t.Errorf("enrolment after resumption %+v: want terminated, covered to 2025-02, version 3", old)
		}
		if resumed.ID == e1.ID || resumed.Status != insurance.Active || resumed.Start != period.NewMonth(2025, time.June) || !resumed.End.IsZero() || resumed.OrgID != e1.OrgID {
			t.Errorf("resumed enrolment %+v: want a new active one from 2025-06 with the same employer", resumed)
		}
		for _, m := range []period.Month{period.NewMonth(2025, time.March), period.NewMonth(2025, time.May)} {
			if old.Covers(m) || resumed.Covers(m) {
				t.Errorf("suspended month %s is covered again", m)
			}
		}
		term, err := tb.Ins.Transition(tb.Ctx, resumed.ID, resumed.Version, insurance.Terminated, period.NewMonth(2026, time.January), "解除劳动关系")
		if err != nil {
			t.Fatalf("terminate: %v", err)
		}
		if term.Status != insurance.Terminated || term.End != period.NewMonth(2025, time.December) {
			t.Errorf("terminated %+v: want covered to 2025-12", term)
		}
		if _, err := tb.Ins.Transition(tb.Ctx, resumed.ID, term.Version, insurance.Active, period.NewMonth(2026, time.March), ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("Transition(resume terminated) = %v, want conflict", err)
		}
		// Once terminated, a new enrolment in the scheme may open.
		tb.Enrol(t, &insurance.Enrolment{PersonID: p1.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2026, time.February)})

		acts := sqlstoretest.AuditActions(t, tb.DB)
		want := map[string]int{"enrolment.create": 6, "enrolment.suspend": 1, "enrolment.resume": 1, "enrolment.terminate": 1}
		for a, n := range want {
			if acts[a] != n {
				t.Errorf("audit events %s = %d, want %d", a, acts[a], n)
			}
		}

		// A county caseworker cannot enrol through an employer of another
		// county.
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 2, Username: "cw", Role: auth.RoleCaseworker, Scope: "652301"})
		p4 := tb.Person(t, home, 14)
		err = tb.Ins.Enrol(cw, &insurance.Enrolment{PersonID: p4.ID, Scheme: insurance.Unemployment, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: start})
		if fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("caseworker of 652301 enrolling in 652302 = %v, want forbidden", err)
		}
		if _, err := tb.Ins.Enrolment(cw, e1.ID); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("caseworker of 652301 reading a 652302 enrolment = %v, want not found", err)
		}
		if _, err := tb.Ins.Enrolment(tb.Ctx, 999999); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("Enrolment(999999) = %v, want not found", err)
		}

		// Listing: filters and keyset pages.
		lists := []struct {
			name string
			f    insurance.EnrolmentFilter
			want int
		}{
			{"all", insurance.EnrolmentFilter{}, 6},
			{"person", insurance.EnrolmentFilter{PersonID: p1.ID}, 4},
			{"employer", insurance.EnrolmentFilter{OrgID: o.ID}, 4},
			{"scheme", insurance.EnrolmentFilter{Scheme: insurance.EmployeePension}, 4},
			{"status", insurance.EnrolmentFilter{Status: insurance.Terminated}, 2},
			{"region 652302", insurance.EnrolmentFilter{Region: "652302"}, 4},
			{"region 652301", insurance.EnrolmentFilter{Region: "652301"}, 2},
			{"caseworker's scope", insurance.EnrolmentFilter{}, -2},
		}
		for _, l := range lists {
			ctx, want := tb.Ctx, l.want
			if want < 0 {
				ctx, want = cw, -want
			}
			got, err := tb.Ins.Enrolments(ctx, l.f)
			if err != nil || len(got) != want {
				t.Errorf("Enrolments(%s) = %d, %v; want %d", l.name, len(got), err, want)
			}
		}
		var after int64
		seen := 0
		for pages := 0; pages < 10; pages++ {
			page, err := tb.Ins.Enrolments(tb.Ctx, insurance.EnrolmentFilter{Page: registry.Page{After: after, Limit: 2}})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page {
				if int64(e.ID) <= after {
					t.Fatalf("page after %d holds enrolment %d", after, e.ID)
				}
				after = int64(e.ID)
			}
			seen += len(page)
			if len(page) < 2 {
				break
			}
		}
		if seen != 6 {
			t.Errorf("pages covered %d enrolments, want 6", seen)
		}
	})
}

// assessCase is an insured person of the assessment tests.
type assessCase struct {
	name  string
	p     *registry.Person
	e     *insurance.Enrolment
	wage  money.Fen // the declared wage the assessment should read
	base  money.Fen
	rates func(r *insurance.Rates) (employer, individual, account money.Rate)
}

func TestAssessment(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		jan := period.NewMonth(2025, time.January)
		r, err := insurance.LoadRates(tb.PK, jan, "652301")
		if err != nil {
			t.Fatal(err)
		}
		v := sqlstoretest.Village(t, "652301", 1)
		o := tb.Org(t, v, 2)
		since := period.MustDate(2020, time.January, 1)
		pension := func(r *insurance.Rates) (money.Rate, money.Rate, money.Rate) {
			return r.PensionEmployer, r.PensionIndividual, r.PensionAccount
		}
		employee := func(seq int, wage money.Fen) (*registry.Person, *insurance.Enrolment) {
			p := tb.Person(t, v, seq)
			tb.Employ(t, p, o, since, 0, wage)
			e := tb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2024, time.January)})
			return p, e
		}
		var cases []assessCase
		add := func(name string, p *registry.Person, e *insurance.Enrolment, wage, base money.Fen, rates func(*insurance.Rates) (money.Rate, money.Rate, money.Rate)) {
			cases = append(cases, assessCase{name, p, e, wage, base, rates})
		}
		low, lowE := employee(21, r.Floor-money.Yuan(1000))
		add("below the floor", low, lowE, r.Floor-money.Yuan(1000), r.Floor, pension)
		high, highE := employee(22, r.Ceiling+money.Yuan(5000))
		add("above the ceiling", high, highE, r.Ceiling+money.Yuan(5000), r.Ceiling, pension)
		mid, midE := employee(23, 600055)
		add("between", mid, midE, 600055, 600055, pension)
		une := tb.Enrol(t, &insurance.Enrolment{PersonID: mid.ID, Scheme: insurance.Unemployment, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2024, time.January)})
		add("unemployment", mid, une, 600055, 600055, func(r *insurance.Rates) (money.Rate, money.Rate, money.Rate) {
			return r.UnemploymentEmployer, r.UnemploymentIndividual, 0
		})
		inj := tb.Enrol(t, &insurance.Enrolment{PersonID: mid.ID, Scheme: insurance.WorkInjury, Kind: insurance.ThroughEmployer, OrgID: o.ID, RiskClass: 3, Start: period.NewMonth(2024, time.January)})
		add("work injury class 3", mid, inj, 600055, 600055, func(r *insurance.Rates) (money.Rate, money.Rate, money.Rate) {
			return r.InjuryClass[3], 0, 0
		})

		// A raise in the middle of the month: both spells are open in it,
		// the higher wage is declared.
		raised := tb.Person(t, v, 24)
		tb.Employ(t, raised, o, since, period.MustDate(2025, time.January, 15), money.Yuan(6000))
		tb.Employ(t, raised, o, period.MustDate(2025, time.January, 16), 0, money.Yuan(9000))
		raisedE := tb.Enrol(t, &insurance.Enrolment{PersonID: raised.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2024, time.January)})
		add("two spells in the month", raised, raisedE, money.Yuan(9000), money.Yuan(9000), pension)

		// Still enrolled, but the spell ended before the month: no declared
		// wage, assessed at the floor.
		left := tb.Person(t, v, 25)
		tb.Employ(t, left, o, since, period.MustDate(2024, time.June, 30), money.Yuan(8000))
		leftE := tb.Enrol(t, &insurance.Enrolment{PersonID: left.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2024, time.January)})
		add("no open spell", left, leftE, 0, r.Floor, pension)

		// A flexible worker pays on the chosen base, all of it himself.
		fp := tb.Person(t, v, 26)
		fe := tb.Enrol(t, &insurance.Enrolment{PersonID: fp.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible, Base: money.Yuan(7000), Start: period.NewMonth(2024, time.January)})
		add("flexible", fp, fe, money.Yuan(7000), money.Yuan(7000), func(r *insurance.Rates) (money.Rate, money.Rate, money.Rate) {
			return 0, r.FlexTotal, r.FlexAccount
		})

		// Not assessed: a resident (yearly), an enrolment terminated before
		// the month, one starting after it.
		rp := tb.Person(t, v, 27)
		tb.Enrol(t, &insurance.Enrolment{PersonID: rp.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: money.Yuan(500), Start: period.NewMonth(2024, time.January)})
		gone, goneE := employee(28, money.Yuan(7000))
		if _, err := tb.Ins.Transition(tb.Ctx, goneE.ID, goneE.Version, insurance.Terminated, jan, "离职"); err != nil {
			t.Fatal(err)
		}
		late := tb.Person(t, v, 29)
		tb.Employ(t, late, o, since, 0, money.Yuan(7000))
		tb.Enrol(t, &insurance.Enrolment{PersonID: late.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2025, time.February)})

		sum, err := tb.Ins.Assess(tb.Ctx, jan, "")
		if err != nil {
			t.Fatalf("Assess(%s): %v", jan, err)
		}
		if sum.Assessments != len(cases) || sum.Region != "652300" || sum.AtFloor != 2 || len(sum.Parameters) == 0 {
			t.Errorf("summary = %d assessments in %s, %d at the floor, %d parameters; want %d in 652300, 2 at the floor",
				sum.Assessments, sum.Region, sum.AtFloor, len(sum.Parameters), len(cases))
		}
		got := map[insurance.EnrolmentID]insurance.Assessment{}
		for _, a := range tb.Assessments(t, jan, "652301") {
			got[a.EnrolmentID] = a
		}
		if len(got) != len(cases) {
			t.Errorf("stored assessments = %d, want %d", len(got), len(cases))
		}
		if _, ok := got[goneE.ID]; ok {
			t.Errorf("person %d was assessed for %s after the enrolment ended in %s", gone.ID, jan, jan.Add(-1))
		}
		for _, c := range cases {
			a, ok := got[c.e.ID]
			if !ok {
				t.Errorf("%s: enrolment %d not assessed", c.name, c.e.ID)
				continue
			}
			er, ir, ar := c.rates(r)
			want := insurance.Assessment{EnrolmentID: c.e.ID, PersonID: c.p.ID, OrgID: c.e.OrgID, Scheme: c.e.Scheme, Period: jan, RegionCode: v,
				Wage: c.wage, Base: c.base, Employer: c.base.MulRate(er), Individual: c.base.MulRate(ir), Account: c.base.MulRate(ar)}
			if diff := cmp.Diff(want, a); diff != "" {
				t.Errorf("%s: assessment (-want +got):\n%s", c.name, diff)
			}
		}
		// By hand, for 2025-01 with the parameters in policies/: the
		// Xinjiang average wage is 8,448 yuan (xj/parameters/wages.yaml),
		// the floor 60% of it (cn/parameters/social_insurance.yaml):
		// 8,448 × 0.6 = 5,068.80 yuan. The employer pays 16% and the
		// employee 8% (cn/parameters/employee_pension.yaml):
		// 5,068.80 × 0.16 = 811.008 → 811.01 yuan (81,100.8 fen rounds
		// half up to 81,101) and 5,068.80 × 0.08 = 405.504 → 405.50 yuan
		// (40,550.4 fen → 40,550). The ceiling is 300%: 25,344 yuan, on
		// which 16% is 4,055.04 and 8% is 2,027.52.
		if a := got[lowE.ID]; a.Base != 506880 || a.Employer != 81101 || a.Individual != 40550 {
			t.Errorf("2025-01 at the floor: base %d employer %d individual %d fen, want 506880, 81101, 40550", a.Base, a.Employer, a.Individual)
		}
		if a := got[highE.ID]; a.Base != 2534400 || a.Employer != 405504 || a.Individual != 202752 {
			t.Errorf("2025-01 at the ceiling: base %d employer %d individual %d fen, want 2534400, 405504, 202752", a.Base, a.Employer, a.Individual)
		}

		// Running the month again leaves the same rows.
		first := tb.Assessments(t, jan, "")
		sum2, err := tb.Ins.Assess(tb.Ctx, jan, "652300")
		if err != nil {
			t.Fatal(err)
		}
		if sum2.Employer != sum.Employer || sum2.Individual != sum.Individual || sum2.Assessments != sum.Assessments {
			t.Errorf("second run totals %+v, first %+v", sum2, sum)
		}
		if diff := cmp.Diff(first, tb.Assessments(t, jan, "")); diff != "" {
			t.Errorf("rows after a second run differ (-first +second):\n%s", diff)
		}
		// A run of another county does not touch this one's rows.
		if _, err := tb.Ins.Assess(tb.Ctx, jan, "652302"); err != nil {
			t.Fatal(err)
		}
		if n := len(tb.Assessments(t, jan, "")); n != len(first) {
			t.Errorf("rows after a run of 652302 = %d, want %d", n, len(first))
		}
		if n := sqlstoretest.AuditActions(t, tb.DB)["assessment.run"]; n != 3 {
			t.Errorf("assessment.run audit events = %d, want 3 (one per run)", n)
		}
		// The terminated enrolment is assessed for months it covers.
		if _, err := tb.Ins.Assess(tb.Ctx, jan.Add(-1), ""); err != nil {
			t.Fatal(err)
		}
		dec := tb.Assessments(t, jan.Add(-1), "")
		found := false
		for _, a := range dec {
			found = found || a.EnrolmentID == goneE.ID
		}
		if !found {
			t.Errorf("enrolment %d, covering %s, was not assessed for it", goneE.ID, jan.Add(-1))
		}
		// The store keeps a run to its month and region.
		before := tb.Assessments(t, jan, "")
		bad := insurance.Assessment{EnrolmentID: lowE.ID, PersonID: low.ID, Scheme: insurance.EmployeePension, Period: jan, RegionCode: sqlstoretest.Village(t, "652302", 0)}
		err = tb.DB.AssessMonth(tb.Ctx, jan, "652301", func(*insurance.Basis) (insurance.Assessment, bool, error) { return bad, true, nil })
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("AssessMonth(row outside the region) = %v, want invalid", err)
		}
		// An assessment that fails part way saves nothing, and keeps the
		// month's earlier rows.
		calls := 0
		err = tb.DB.AssessMonth(tb.Ctx, jan, "", func(b *insurance.Basis) (insurance.Assessment, bool, error) {
			if calls++; calls == 2 {
				return insurance.Assessment{}, false, fault.Errorf(fault.Invalid, "stop")
			}
			return insurance.Assessment{EnrolmentID: b.Enrolment.ID, PersonID: b.Enrolment.PersonID, Scheme: b.Enrolment.Scheme, Period: jan, RegionCode: b.Enrolment.RegionCode}, true, nil
		})
		if fault.CodeOf(err) != fault.Invalid {
			t.Errorf("AssessMonth(assess fails on row 2) = %v, want its error", err)
		}
		if after := tb.Assessments(t, jan, ""); !cmp.Equal(after, before) {
			t.Errorf("a failed run changed the month's assessments:\n%s", cmp.Diff(before, after))
		}
	})
}

func TestPaymentsAndArrears(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		jan, feb := period.NewMonth(2025, time.January), period.NewMonth(2025, time.February)
		v := sqlstoretest.Village(t, "652301", 2)
		o := tb.Org(t, v, 3)
		var people []*registry.Person
		for i := range 2 {
			p := tb.Person(t, sqlstoretest.Village(t, "652302", i), 31+i) // they live in another county than their employer
			tb.Employ(t, p, o, period.MustDate(2020, time.January, 1), 0, money.Yuan(int64(6000+1000*i)))
			tb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2024, time.January)})
			people = append(people, p)
		}
		for _, m := range []period.Month{jan, feb} {
			if _, err := tb.Ins.Assess(tb.Ctx, m, ""); err != nil {
				t.Fatal(err)
			}
		}
		due := map[period.Month]map[registry.PersonID]insurance.Assessment{}
		dueTotal := map[period.Month]money.Fen{}
		for _, m := range []period.Month{jan, feb} {
			due[m] = map[registry.PersonID]insurance.Assessment{}
			for _, a := range tb.Assessments(t, m, "") {
				due[m][a.PersonID] = a
				d, err := a.Due()
				if err != nil {
					t.Fatal(err)
				}
				dueTotal[m] += d
			}
		}
		paidOn := period.MustDate(2025, time.March, 10)
		pay := func(receipt string, p *registry.Person, m period.Month, employer, individual money.Fen) insurance.Payment {
			return insurance.Payment{ReceiptNo: receipt, PersonID: p.ID, OrgID: o.ID, Scheme: insurance.EmployeePension, Period: m,
				Base: due[m][p.ID].Base, Employer: employer, Individual: individual, PaidOn: paidOn}
		}
		// January is paid in full, February for the first person only.
		batch := []insurance.Payment{
			pay("R-2025-0001", people[0], jan, due[jan][people[0].ID].Employer, due[jan][people[0].ID].Individual),
			pay("R-2025-0002", people[1], jan, due[jan][people[1].ID].Employer, due[jan][people[1].ID].Individual),
			pay("R-2025-0003", people[0], feb, due[feb][people[0].ID].Employer, due[feb][people[0].ID].Individual),
		}
		if err := tb.Ins.Post(tb.Ctx, batch); err != nil {
			t.Fatalf("Post: %v", err)
		}
		for i, p := range batch {
			if p.ID == 0 || p.Source != insurance.Posted {
				t.Errorf("posted payment %d: ID %d source %q", i, p.ID, p.Source)
			}
		}
		stored := tb.Payments(t)
		if len(stored) != 3 {
			t.Fatalf("payments stored = %d, want 3", len(stored))
		}
		if diff := cmp.Diff(batch, stored); diff != "" {
			t.Errorf("stored payments (-posted +stored):\n%s", diff)
		}

		// A receipt posted before, or twice in a batch: conflict naming it,
		// nothing written.
		before, events := len(tb.Payments(t)), sqlstoretest.AuditCount(t, tb.DB)
		again := []insurance.Payment{
			pay("R-2025-0004", people[1], feb, 100, 100),
			pay("R-2025-0002", people[1], jan, 100, 100),
		}
		err := tb.Ins.Post(tb.Ctx, again)
		if fault.CodeOf(err) != fault.Conflict || !strings.Contains(fault.MessageOf(err), "R-2025-0002") {
			t.Errorf("Post(receipt posted before) = %v, want conflict naming R-2025-0002", err)
		}
		twice := []insurance.Payment{pay("R-2025-0005", people[1], feb, 100, 100), pay("R-2025-0005", people[1], feb, 100, 100)}
		if err := tb.Ins.Post(tb.Ctx, twice); fault.CodeOf(err) != fault.Conflict || !strings.Contains(fault.MessageOf(err), "R-2025-0005") {
			t.Errorf("Post(receipt twice in a batch) = %v, want conflict naming R-2025-0005", err)
		}
		if n := len(tb.Payments(t)); n != before {
			t.Errorf("payments after refused posts = %d, want %d", n, before)
		}
		if n := sqlstoretest.AuditCount(t, tb.DB); n != events {
			t.Errorf("audit events after refused posts = %d, want %d", n, events)
		}

		// Arrears: February's unpaid share only; January is paid in full.
		rows, err := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{From: jan, To: feb})
		if err != nil {
			t.Fatal(err)
		}
		firstFeb := due[feb][people[0].ID]
		paidFeb, err := firstFeb.Due()
		if err != nil {
			t.Fatal(err)
		}
		want := []insurance.ArrearsRow{{OrgID: o.ID, Period: feb, Scheme: insurance.EmployeePension, Due: dueTotal[feb], Paid: paidFeb, Arrears: dueTotal[feb] - paidFeb}}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("Arrears (-want +got):\n%s", diff)
		}
		// The employer's county sees them, with the payments of people
		// living elsewhere counted; another county sees none.
		for _, f := range []struct {
			region region.Code
			org    registry.OrgID
			want   int
		}{{"652301", 0, 1}, {"652302", 0, 0}, {"", o.ID, 1}, {"", o.ID + 1, 0}} {
			rows, err := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{Region: f.region, OrgID: f.org, From: jan, To: feb})
			if err != nil || len(rows) != f.want || f.want == 1 && rows[0].Paid != paidFeb {
				t.Errorf("Arrears(region %q, org %d) = %+v, %v; want %d rows", f.region, f.org, rows, err, f.want)
			}
		}
		if rows, _ := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{From: jan, To: jan}); len(rows) != 0 {
			t.Errorf("Arrears(January, paid in full) = %+v, want none", rows)
		}
		// Paying the rest of February clears it.
		rest := due[feb][people[1].ID]
		if err := tb.Ins.Post(tb.Ctx, []insurance.Payment{pay("R-2025-0006", people[1], feb, rest.Employer, rest.Individual)}); err != nil {
			t.Fatal(err)
		}
		if rows, _ := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{From: jan, To: feb}); len(rows) != 0 {
			t.Errorf("Arrears after paying in full = %+v, want none", rows)
		}
		if n := sqlstoretest.AuditActions(t, tb.DB)["payment.post"]; n != 2 {
			t.Errorf("payment.post audit events = %d, want 2", n)
		}
	})
}

func TestImportTax(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		v := sqlstoretest.Village(t, "652323", 0)
		o := tb.Org(t, v, 4)
		a, b := tb.Person(t, v, 41), tb.Person(t, v, 42)
		unknown := sqlstoretest.ResidentID(t, "652323", 1985, time.July, 9, 43)
		jan := period.NewMonth(2025, time.January)
		rec := func(line int, id ids.ResidentID, receipt string) insurance.TaxRecord {
			return insurance.TaxRecord{Line: line, USCC: string(o.USCC), IDNumber: id, Scheme: insurance.EmployeePension, Period: jan,
				Base: money.Yuan(6000), Employer: money.Yuan(960), Individual: money.Yuan(480), PaidOn: period.MustDate(2025, time.February, 15), ReceiptNo: receipt}
		}
		before := sqlstoretest.AuditCount(t, tb.DB)
		n, err := tb.Ins.ImportTax(tb.Ctx, tb.DB, []insurance.TaxRecord{rec(2, a.IDNumber, "T-1"), rec(3, unknown, "T-2"), rec(4, b.IDNumber, "T-3")})
		if fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["row 3: id_number"] == "" || n != 0 {
			t.Fatalf("ImportTax(unknown ID on row 3) = %d, %v; want invalid naming row 3: id_number", n, err)
		}
		if ps := tb.Payments(t); len(ps) != 0 {
			t.Errorf("payments after a rejected file = %d, want 0", len(ps))
		}
		if after := sqlstoretest.AuditCount(t, tb.DB); after != before {
			t.Errorf("audit events after a rejected file = %d, want %d", after, before)
		}

		n, err = tb.Ins.ImportTax(tb.Ctx, tb.DB, []insurance.TaxRecord{rec(2, a.IDNumber, "T-1"), rec(3, b.IDNumber, "T-3")})
		if err != nil || n != 2 {
			t.Fatalf("ImportTax(good file) = %d, %v; want 2", n, err)
		}
		ps := tb.Payments(t)
		if len(ps) != 2 {
			t.Fatalf("payments after import = %d, want 2", len(ps))
		}
		for i, p := range ps {
			want := []registry.PersonID{a.ID, b.ID}[i]
			if p.PersonID != want || p.OrgID != o.ID || p.Source != insurance.TaxBureau || p.RegionCode != v || p.Employer != money.Yuan(960) {
				t.Errorf("imported payment %d = %+v, want person %d of organisation %d from the tax bureau", i, p, want, o.ID)
			}
		}
		// The same file again is refused: its receipts were posted.
		if _, err := tb.Ins.ImportTax(tb.Ctx, tb.DB, []insurance.TaxRecord{rec(2, a.IDNumber, "T-1")}); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("ImportTax(same file twice) = %v, want conflict", err)
		}
	})
}
