package insurance_test

import (
	"errors"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestCloseEmployerWithArrears closes an employer that left a month
// unpaid: the arrears are listed, every enrolment of its staff (a
// suspended one keeping its last month) is terminated from the closing
// month, the open employment spells end, and the closed employer enrols
// nobody and has nobody assessed after it.
func TestCloseEmployerWithArrears(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		jan, feb := period.NewMonth(2026, time.January), period.NewMonth(2026, time.February)
		v := sqlstoretest.Village(t, "652301", 2)
		o := tb.Org(t, v, 3)
		other := tb.Org(t, v, 4)
		var people []*registry.Person
		var ens []*insurance.Enrolment
		for i := range 2 {
			p := tb.Person(t, v, 31+i)
			tb.Employ(t, p, o, period.MustDate(2020, time.January, 1), 0, money.Yuan(int64(6000+1000*i)))
			ens = append(ens, tb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID,
				Start: period.NewMonth(2024, time.January)}))
			people = append(people, p)
		}
		ens = append(ens, tb.Enrol(t, &insurance.Enrolment{PersonID: people[0].ID, Scheme: insurance.Unemployment, Kind: insurance.ThroughEmployer, OrgID: o.ID,
			Start: period.NewMonth(2024, time.January)}))
		// The second person's pension is suspended from March.
		susp, err := tb.Ins.Transition(tb.Ctx, ens[1].ID, ens[1].Version, insurance.Suspended, period.NewMonth(2026, time.March), "停薪留职")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []period.Month{jan, feb} {
			if _, err := tb.Ins.Assess(tb.Ctx, m, ""); err != nil {
				t.Fatal(err)
			}
		}
		// January paid in full; February not at all.
		var batch []insurance.Payment
		var febDue money.Fen
		for i, a := range tb.Assessments(t, jan, "") {
			batch = append(batch, insurance.Payment{ReceiptNo: "R-2026-" + string(rune('A'+i)), PersonID: a.PersonID, OrgID: o.ID, Scheme: a.Scheme, Period: jan,
				Base: a.Base, Employer: a.Employer, Individual: a.Individual, PaidOn: period.MustDate(2026, time.February, 10)})
		}
		for _, a := range tb.Assessments(t, feb, "") {
			d, _ := a.Due()
			febDue += d
		}
		if err := tb.Ins.Post(tb.Ctx, batch); err != nil {
			t.Fatal(err)
		}
		org, err := tb.Svc.Organisation(tb.Ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		on := period.MustDate(2026, time.June, 15)
		if _, err := tb.App.Closings.Close(tb.Ctx, o.ID, org.Version, on, ""); fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("closing without a reason: %v", err)
		}
		c, err := tb.App.Closings.Close(tb.Ctx, o.ID, org.Version, on, "市场监管部门注销登记")
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
		if len(c.Arrears) == 0 || c.ArrearsTotal != febDue || c.Arrears[0].Period != feb || len(c.Terminated) != 3 || c.Separated != 2 {
			t.Fatalf("closing %+v, want February's %s listed, 3 enrolments terminated, 2 spells ended", c, febDue)
		}
		for i, e := range ens {
			got, err := tb.Ins.Enrolment(tb.Ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantEnd := period.NewMonth(2026, time.May)
			if i == 1 {
				wantEnd = susp.End
			}
			if got.Status != insurance.Terminated || got.End != wantEnd {
				t.Errorf("enrolment %d: %s to %s, want terminated to %s", e.ID, got.Status, got.End, wantEnd)
			}
		}
		org, _ = tb.Svc.Organisation(tb.Ctx, o.ID)
		if !org.Closed() || org.ClosedOn != on || org.CloseReason != "市场监管部门注销登记" {
			t.Errorf("organisation %+v, want closed on %s", org, on)
		}
		if got, err := tb.App.Closings.FindClosing(tb.Ctx, o.ID); err != nil || got.ArrearsTotal != febDue || len(got.Terminated) != 3 {
			t.Errorf("FindClosing = %+v, %v", got, err)
		}
		if _, err := tb.App.Closings.Close(tb.Ctx, o.ID, org.Version, on, "again"); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("closing twice: %v, want Conflict", err)
		}
		// A closed employer enrols nobody; another still does.
		p := tb.Person(t, v, 41)
		err = tb.Ins.Enrol(tb.Ctx, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID,
			Start: period.NewMonth(2026, time.July)})
		if fe := (*fault.Error)(nil); !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Fields["org_id"] == "" {
			t.Fatalf("enrol with a closed employer: %v, want Invalid naming org_id", err)
		}
		tb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: other.ID,
			Start: period.NewMonth(2026, time.July)})
		// Nobody of the closed employer is assessed after the closing.
		if _, err := tb.Ins.Assess(tb.Ctx, period.NewMonth(2026, time.July), ""); err != nil {
			t.Fatal(err)
		}
		for _, a := range tb.Assessments(t, period.NewMonth(2026, time.July), "") {
			if a.OrgID == o.ID {
				t.Errorf("assessed after closing: %+v", a)
			}
		}
		if n := sqlstoretest.AuditActions(t, tb.DB); n["organisation.close"] != 1 || n["enrolment.terminate"] < 3 {
			t.Errorf("audit %v", n)
		}
	})
}
