package insurance_test

import (
	"testing"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestCoverageReport(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		changji, fukang := sqlstoretest.Village(t, "652301", 0), sqlstoretest.Village(t, "652302", 0)
		o := tb.Org(t, changji, 1)
		p1, p2, p3 := tb.Person(t, changji, 1), tb.Person(t, changji, 2), tb.Person(t, changji, 3)
		tb.Person(t, fukang, 4) // an adult with no insurance
		start := period.MustDate(2024, time.January, 1)
		tb.Employ(t, p1, o, start, 0, money.Yuan(6000))
		tb.Employ(t, p2, o, start, 0, money.Yuan(7000))
		jan24 := period.NewMonth(2024, time.January)
		for _, s := range []insurance.Scheme{insurance.EmployeePension, insurance.Unemployment, insurance.WorkInjury} {
			tb.Enrol(t, &insurance.Enrolment{PersonID: p1.ID, Scheme: s, Kind: insurance.ThroughEmployer, OrgID: o.ID, RiskClass: 2, Start: jan24})
		}
		tb.Enrol(t, &insurance.Enrolment{PersonID: p2.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: jan24})
		tb.Enrol(t, &insurance.Enrolment{PersonID: p3.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: money.Yuan(500), Start: jan24})
		m := period.NewMonth(2025, time.March)
		err := tb.Ins.Post(tb.Ctx, []insurance.Payment{{ReceiptNo: "C-1", PersonID: p1.ID, OrgID: o.ID, Scheme: insurance.EmployeePension, Period: m,
			Base: money.Yuan(6000), Employer: money.Yuan(960), Individual: money.Yuan(480), PaidOn: period.MustDate(2025, time.April, 2)}})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := tb.Ins.Coverage(tb.Ctx, m, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 2 || rep.Rows[0].County != "652301" || rep.Rows[1].County != "652302" {
			t.Fatalf("rows = %+v, want Changji city and Fukang", rep.Rows)
		}
		cj, fk := rep.Rows[0], rep.Rows[1]
		if cj.Adults != 3 || cj.Employed != 2 || cj.Insured[insurance.EmployeePension] != 2 || cj.Insured[insurance.ResidentPension] != 1 ||
			cj.Insured[insurance.Unemployment] != 1 || cj.Insured[insurance.WorkInjury] != 1 {
			t.Errorf("Changji city counts = %+v", cj)
		}
		if cj.PensionCoverage != money.RateOne || cj.UnemploymentCoverage != money.RateOne/2 {
			t.Errorf("Changji city coverage = %s pension, %s unemployment; want 100%%, 50%%", cj.PensionCoverage, cj.UnemploymentCoverage)
		}
		if cj.Payments[insurance.EmployeePension] != 1 || cj.Collected[insurance.EmployeePension] != money.Yuan(1440) {
			t.Errorf("Changji city collected = %v in %v payments, want 1,440 yuan in 1", cj.Collected, cj.Payments)
		}
		if fk.Adults != 1 || fk.PensionCoverage != 0 || len(fk.Payments) != 0 && fk.Payments[insurance.EmployeePension] != 0 {
			t.Errorf("Fukang = %+v, want one adult, no coverage", fk)
		}
		if rep.Total.Adults != 4 || rep.Total.PensionCoverage != money.RateOne*3/4 || rep.Total.Collected[insurance.EmployeePension] != money.Yuan(1440) {
			t.Errorf("total = %+v", rep.Total)
		}
		// A month before anyone was insured.
		rep, err = tb.Ins.Coverage(tb.Ctx, period.NewMonth(2023, time.June), "652301")
		if err != nil || rep.Total.Insured[insurance.EmployeePension] != 0 || rep.Total.Adults != 3 {
			t.Errorf("coverage of 2023-06 = %+v, %v", rep.Total, err)
		}
	})
}
