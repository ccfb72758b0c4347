package execute_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestPensionExecutors awards an employee pension twice (one award), prints
// its calculation and the pension record, and runs a payroll twice.
func TestPensionExecutors(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		set := pb.App.Executors
		v := sqlstoretest.Village(t, "652301", 0)
		// docs/domain.md 2.3: C 8,000 (2023), Z 1.0, N 30, balance
		// 150,000 at 60: 2,400.00 + 1,079.14 from 2023-03.
		p := pb.Retiree(t, v, period.MustDate(1963, time.March, 10), 1)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2023, time.January), 800000)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2023, time.February), 800000)
		pb.Credit(t, p, insurance.EmployeePension, period.NewMonth(2022, time.December), 15000000)

		award := execute.Request{ApplicationNo: "SNF20261122001", Matter: insMatter(t, "employee_pension_award"), Person: p.ID,
			Form: insForm(t, map[string]any{"retirement_group": "male", "deemed_months": 358})}
		r := insExecuteTwice(t, pb.Ctx, set, award)
		as, err := pb.Pen.Awards(pb.Ctx, insurance.AwardFilter{PersonID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 1 || r.Ref != fmt.Sprintf("award:%d", as[0].ID) || as[0].Amount != 347914 ||
			!strings.Contains(r.Summary, "3,479.14") || !strings.Contains(r.Summary, "2023年3月") {
			t.Errorf("award = %+v; awards %+v, want one of 3,479.14 from 2023-03", r, as)
		}
		// An award someone else made is no effect of this application:
		// the caseworker's Execute is refused, not finished with it.
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 2, Username: "cw", Role: auth.RoleCaseworker, Scope: "652300"})
		_, err = insExecutor(t, set, award.Matter).Execute(cw, execute.Request{ApplicationNo: "SNF20261122009", Matter: award.Matter, Person: p.ID,
			Form: award.Form})
		if fault.CodeOf(err) != fault.Conflict {
			t.Errorf("award by another caseworker beside the admin's = %v, want Conflict", err)
		}
		insCheckMissing(t, pb.Ctx, set, execute.Request{ApplicationNo: "SNF20261122002", Matter: award.Matter, Person: p.ID}, "form.retirement_group")
		insCheckMissing(t, pb.Ctx, set, execute.Request{ApplicationNo: "SNF20261122003", Matter: award.Matter, Person: p.ID,
			Form: insForm(t, map[string]any{"retirement_group": "female_worker"})}, "form.retirement_group")

		calc := execute.Request{ApplicationNo: "SNF20261122004", Matter: insMatter(t, "employee_pension_calculation"), Person: p.ID}
		r = insExecuteTwice(t, pb.Ctx, set, calc)
		if a, ok := r.Record.(*insurance.Award); !ok || a.ID != as[0].ID || a.Decision == nil || len(a.Decision.Parameters) == 0 {
			t.Errorf("calculation = %+v, want the award with its decision", r)
		}
		insCheckMissing(t, pb.Ctx, set, execute.Request{ApplicationNo: "SNF20261122005", Matter: calc.Matter}, "form.person_id")

		rec := execute.Request{ApplicationNo: "SNF20261122006", Matter: insMatter(t, "pension_payments_query"), Person: p.ID}
		r = insExecuteTwice(t, pb.Ctx, set, rec)
		if got, ok := r.Record.([]*insurance.Award); !ok || len(got) != 1 || !strings.Contains(r.Summary, "正常发放") {
			t.Errorf("record = %+v, want the one award", r)
		}
		insCheckMissing(t, pb.Ctx, set, execute.Request{ApplicationNo: "SNF20261122007", Matter: rec.Matter}, "form.person_id")

		// No matter of the insCatalogue runs the payroll yet: the action's
		// executor is run on a matter made for the test.
		payroll := execute.Request{ApplicationNo: "SNF20261122008", Matter: rec.Matter,
			Form: insForm(t, map[string]any{"period": "2025-01", "region": "652301"})}
		payroll.Matter.ID, payroll.Matter.Action, payroll.Matter.Args = "pension_payroll", "insurance.pension.payroll", nil
		r = insExecuteTwice(t, pb.Ctx, set, payroll)
		runs, err := pb.Pen.PayrollRuns(pb.Ctx, insurance.PayrollRunFilter{Period: period.NewMonth(2025, time.January)})
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || r.Ref != fmt.Sprintf("payroll_run:%d", runs[0].ID) || runs[0].Awards != 1 || !strings.Contains(r.Summary, "2025年1月") {
			t.Errorf("payroll = %+v; runs %+v, want one run over the one award", r, runs)
		}
		payroll.Form = nil
		insCheckMissing(t, pb.Ctx, set, payroll, "form.period", "form.region")
	})
}
