package execute_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// insPaidMonths posts n monthly payments of the scheme for p through o, the
// last in month last.
func insPaidMonths(t *testing.T, ib sqlstoretest.Insurance, p *registry.Person, o *registry.Organisation, scheme insurance.Scheme, last period.Month, n int, base money.Fen) {
	t.Helper()
	ps := make([]insurance.Payment, 0, n)
	for i := range n {
		m := last.Add(-i)
		ps = append(ps, insurance.Payment{ReceiptNo: fmt.Sprintf("R-%d-%s-%s", p.ID, scheme, m), PersonID: p.ID, OrgID: o.ID, Scheme: scheme,
			Period: m, RegionCode: o.RegionCode, Base: base, Employer: base / 100, Individual: base / 100, PaidOn: m.Last(), Source: insurance.Posted})
	}
	if err := ib.DB.PostPayments(ib.Ctx, ps); err != nil {
		t.Fatal(err)
	}
}

// TestUnemploymentExecutors claims unemployment benefit twice (one claim),
// lists it and stops it twice (one stop).
func TestUnemploymentExecutors(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		set := ib.App.Executors
		v := sqlstoretest.Village(t, "652301", 0)
		o := ib.Org(t, "652301", 1)
		sep := period.MustDate(2026, time.June, 30)
		man := ib.Person(t, v, 101)
		insPaidMonths(t, ib, man, o, insurance.Unemployment, sep.Period(), 12, 500000)

		claim := execute.Request{ApplicationNo: "SNG20261122001", Matter: insMatter(t, "unemployment_benefit_claim"), Person: man.ID,
			Form: insForm(t, map[string]any{"org_id": o.ID, "separation_date": "2026-06-30", "separation": "contract_expired", "registered_on": "2026-07-03"})}
		r := insExecuteTwice(t, ib.Ctx, set, claim)
		cs, err := ib.App.Benefits.Claims(ib.Ctx, insurance.ClaimFilter{PersonID: man.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Changji City, tier 1 (1,900 yuan) × 90%, 12 months.
		if len(cs) != 1 || r.Ref != fmt.Sprintf("unemployment_claim:%d", cs[0].ID) || cs[0].MonthlyAmount != 171000 ||
			!strings.Contains(r.Summary, "1,710.00") || !strings.Contains(r.Summary, "12个月") {
			t.Errorf("claim = %+v; claims %+v, want one of 1,710.00 for 12 months", r, cs)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNG20261122002", Matter: claim.Matter, Person: man.ID},
			"form.org_id", "form.separation_date", "form.separation", "form.registered_on")
		// A refusal names the conditions that fail, as the programme does,
		// and a date the service refuses is the form's.
		short := ib.Person(t, v, 103)
		insPaidMonths(t, ib, short, o, insurance.Unemployment, sep.Period(), 11, 500000)
		e := insExecutor(t, set, claim.Matter)
		_, err = e.Execute(ib.Ctx, execute.Request{ApplicationNo: "SNG20261122008", Matter: claim.Matter, Person: short.ID,
			Form: insForm(t, map[string]any{"org_id": o.ID, "separation_date": "2026-06-30", "separation": "resigned_voluntarily", "registered_on": "2026-07-03"})})
		insWantProblems(t, "a claim after 11 months and a resignation", err, "conditions.contributed_at_least_one_year", "conditions.lost_job_involuntarily")
		_, err = e.Execute(ib.Ctx, execute.Request{ApplicationNo: "SNG20261122009", Matter: claim.Matter, Person: short.ID,
			Form: insForm(t, map[string]any{"org_id": o.ID, "separation_date": "2026-06-30", "separation": "contract_expired", "registered_on": "2026-06-01"})})
		insWantProblems(t, "a registration before the separation", err, "form.registered_on")
		// A woman's retirement group is asked, not assumed.
		woman := ib.Person(t, v, 102)
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNG20261122003", Matter: claim.Matter, Person: woman.ID, Form: claim.Form},
			"form.retirement_group")

		list := execute.Request{ApplicationNo: "SNG20261122004", Matter: insMatter(t, "unemployment_benefit_query"), Person: man.ID}
		r = insExecuteTwice(t, ib.Ctx, set, list)
		if got, ok := r.Record.([]*insurance.UnemploymentClaim); !ok || len(got) != 1 || !strings.Contains(r.Summary, "领取中") {
			t.Errorf("list = %+v, want the open claim", r)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNG20261122005", Matter: list.Matter}, "form.person_id")

		stop := execute.Request{ApplicationNo: "SNG20261122006", Matter: insMatter(t, "unemployment_benefit_stop"), Person: man.ID,
			Form: insForm(t, map[string]any{"reason": "reemployed", "from": "2026-12"})}
		r = insExecuteTwice(t, ib.Ctx, set, stop)
		got, err := ib.App.Benefits.UnemploymentClaim(ib.Ctx, cs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Ref != fmt.Sprintf("unemployment_claim:%d", got.ID) || got.Status != insurance.ClaimEnded || got.End != period.NewMonth(2026, time.November) ||
			got.StopReason != insurance.StopReemployed {
			t.Errorf("stop = %+v; claim %+v, want ended in 2026-11", r, got)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNG20261122007", Matter: stop.Matter, Person: man.ID}, "form.reason", "form.from")
	})
}

// TestInjuryExecutors records a work injury twice (one injury) on the
// employer's application and lists it.
func TestInjuryExecutors(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		set := ib.App.Executors
		v := sqlstoretest.Village(t, "652301", 0)
		o := ib.Org(t, "652301", 1)
		injured := period.MustDate(2026, time.January, 10)
		p := ib.Person(t, v, 301)
		ib.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.WorkInjury, Kind: insurance.ThroughEmployer, OrgID: o.ID,
			Start: period.NewMonth(2024, time.January), RiskClass: 1})
		insPaidMonths(t, ib, p, o, insurance.WorkInjury, injured.Period().Add(-1), 12, 600000)

		rec := execute.Request{ApplicationNo: "SNH20261122001", Matter: insMatter(t, "work_injury_benefit"), Organisation: o.ID,
			Form: insForm(t, map[string]any{"person_id": p.ID, "injury_date": "2026-01-10", "recognised_on": "2026-03-02", "grade": 7})}
		r := insExecuteTwice(t, ib.Ctx, set, rec)
		ins, err := ib.App.Benefits.Injuries(ib.Ctx, insurance.ClaimFilter{PersonID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Grade 7: 13 months of the own wage of 6,000.00.
		if len(ins) != 1 || r.Ref != fmt.Sprintf("injury:%d", ins[0].ID) || ins[0].Grant != 13*600000 || ins[0].OrgID != o.ID ||
			!strings.Contains(r.Summary, "78,000.00") {
			t.Errorf("injury = %+v; injuries %+v, want one with a grant of 78,000.00", r, ins)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNH20261122002", Matter: rec.Matter, Person: p.ID},
			"form.org_id", "form.injury_date", "form.recognised_on", "form.grade")
		// Grade 5 or 6: whether the employer arranges work decides the
		// allowance, and is asked.
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNH20261122005", Matter: rec.Matter, Organisation: o.ID,
			Form: insForm(t, map[string]any{"person_id": p.ID, "injury_date": "2026-01-10", "recognised_on": "2026-03-02", "grade": 5})}, "form.employer_arranges_work")

		list := execute.Request{ApplicationNo: "SNH20261122003", Matter: insMatter(t, "work_injury_benefit_query"), Person: p.ID}
		r = insExecuteTwice(t, ib.Ctx, set, list)
		if got, ok := r.Record.([]*insurance.Injury); !ok || len(got) != 1 || !strings.Contains(r.Summary, "7级") {
			t.Errorf("list = %+v, want the injury", r)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNH20261122004", Matter: list.Matter}, "form.person_id")
	})
}
