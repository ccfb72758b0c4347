package execute_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestEnrolmentTransitionExecutor suspends and then resumes a resident
// pension enrolment through the matters, each twice: one change each.
func TestEnrolmentTransitionExecutor(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		set := ib.App.Executors
		p := ib.Person(t, sqlstoretest.Village(t, "652301", 0), 1)
		e := ib.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 20000,
			Start: period.NewMonth(2020, time.January)})

		suspend := execute.Request{ApplicationNo: "SNT20261122001", Matter: insMatter(t, "resident_pension_suspend"), Person: p.ID,
			Form: insForm(t, map[string]any{"from": "2026-12", "reason": "外出务工"})}
		r := insExecuteTwice(t, ib.Ctx, set, suspend)
		got, err := ib.Ins.Enrolment(ib.Ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Ref != "enrolment:"+insItoa(int64(e.ID)) || got.Status != insurance.Suspended || got.End != period.NewMonth(2026, time.November) ||
			!strings.Contains(r.Summary, "2026年12月") {
			t.Errorf("suspend = %+v; enrolment %+v", r, got)
		}

		resume := execute.Request{ApplicationNo: "SNT20261122002", Matter: insMatter(t, "resident_pension_resume"), Person: p.ID,
			Form: insForm(t, map[string]any{"from": "2027-01"})}
		r = insExecuteTwice(t, ib.Ctx, set, resume)
		es, err := ib.Ins.Enrolments(ib.Ctx, insurance.EnrolmentFilter{PersonID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 2 || r.Ref != "enrolment:"+insItoa(int64(es[1].ID)) || es[1].Status != insurance.Active || es[1].Start != period.NewMonth(2027, time.January) {
			t.Errorf("resume = %+v; enrolments %+v, want the old one closed and one new from 2027-01", r, es)
		}

		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNT20261122003", Matter: insMatter(t, "resident_pension_suspend"), Person: p.ID},
			"form.from", "form.reason")
		// An employer applying names the person.
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNT20261122004", Matter: insMatter(t, "unemployment_terminate"), Organisation: 1,
			Form: insForm(t, map[string]any{"from": "2026-12", "reason": "离职"})}, "form.person_id")
	})
}

// TestContributionExecutors posts a resident pension contribution twice
// (one payment), lists it, and reads an employer's arrears.
func TestContributionExecutors(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		set := ib.App.Executors
		v := sqlstoretest.Village(t, "652301", 0)
		p := ib.Person(t, v, 1)
		ib.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 20000,
			Start: period.NewMonth(2020, time.January)})

		post := execute.Request{ApplicationNo: "SNB20261122001", Matter: insMatter(t, "resident_pension_contribution"), Person: p.ID,
			Form: insForm(t, map[string]any{"period": "2026-11", "individual": 20000, "paid_on": "2026-11-20", "receipt_no": "ZH-0001"})}
		r := insExecuteTwice(t, ib.Ctx, set, post)
		ps := ib.Payments(t)
		if len(ps) != 1 || r.Ref != "payment:"+insItoa(ps[0].ID) || ps[0].Individual != 20000 || !strings.Contains(r.Summary, "200.00") {
			t.Errorf("post = %+v; payments %+v, want one of 200.00", r, ps)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNB20261122002", Matter: post.Matter, Person: p.ID},
			"form.period", "form.paid_on", "form.receipt_no", "form.individual")

		list := execute.Request{ApplicationNo: "SNB20261122003", Matter: insMatter(t, "resident_pension_contributions"), Person: p.ID}
		r = insExecuteTwice(t, ib.Ctx, set, list)
		if got, ok := r.Record.([]insurance.Payment); !ok || len(got) != 1 || got[0].ReceiptNo != "ZH-0001" || r.Ref != "" {
			t.Errorf("list = %+v, want the one payment", r)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNB20261122004", Matter: list.Matter}, "form.person_id")
		// Online, the citizen reads their own records, and may apply for a
		// contribution: its check leaves the registry to the back office.
		citizen := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 50, Username: "citizen", Role: auth.RoleCitizen, PersonID: int64(p.ID)})
		r = insExecuteTwice(t, citizen, set, list)
		if got, ok := r.Record.([]insurance.Payment); !ok || len(got) != 1 || !strings.HasPrefix(r.Summary, "本人") {
			t.Errorf("list by the citizen = %+v, want the one payment", r)
		}
		post.ApplicationNo = "SNB20261122009"
		if err := insExecutor(t, set, post.Matter).Check(citizen, post); err != nil {
			t.Errorf("Check by the citizen online = %v, want nil", err)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNB20261122005", Matter: insMatter(t, "employer_contributions")},
			"organisation_id", "form.from")

		// An employer's worker assessed for October and nothing paid: in
		// arrears.
		o := ib.Org(t, "652301", 1)
		w := ib.Person(t, v, 3)
		ib.Employ(t, w, o, period.MustDate(2026, time.January, 1), 0, 600000)
		ib.Enrol(t, &insurance.Enrolment{PersonID: w.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID,
			Start: period.NewMonth(2026, time.January)})
		if _, err := ib.Ins.Assess(ib.Ctx, period.NewMonth(2026, time.October), "652301"); err != nil {
			t.Fatal(err)
		}
		arrears := execute.Request{ApplicationNo: "SNB20261122006", Matter: insMatter(t, "employer_arrears"), Organisation: o.ID,
			Form: insForm(t, map[string]any{"from": "2026-01", "to": "2026-11"})}
		r = insExecuteTwice(t, ib.Ctx, set, arrears)
		rows, ok := r.Record.([]insurance.ArrearsRow)
		if !ok || len(rows) != 1 || rows[0].OrgID != o.ID || rows[0].Period != period.NewMonth(2026, time.October) || rows[0].Arrears <= 0 ||
			!strings.Contains(r.Summary, rows[0].Arrears.String()) {
			t.Errorf("arrears = %+v, want October's", r)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNB20261122007", Matter: arrears.Matter, Organisation: o.ID}, "form.from", "form.to")
		// The employer's contributions, read by the employer.
		insPaidMonths(t, ib, w, o, insurance.EmployeePension, period.NewMonth(2026, time.September), 2, 600000)
		r = insExecuteTwice(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNB20261122010", Matter: insMatter(t, "employer_contributions"),
			Organisation: o.ID, Form: insForm(t, map[string]any{"from": "2026-01", "to": "2026-11"})})
		if got, ok := r.Record.([]insurance.Payment); !ok || len(got) != 2 || got[0].OrgID != o.ID || !strings.Contains(r.Summary, "共2条") {
			t.Errorf("employer's contributions = %+v, want its two", r)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNB20261122008", Matter: arrears.Matter,
			Form: insForm(t, map[string]any{"from": "2026-01", "to": "2026-11"})}, "organisation_id")
	})
}
