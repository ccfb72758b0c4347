package sqlstore_test

import (
	"testing"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestSeedEnrolments(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		o := tb.Org(t, v, 1)
		for i := range 24 {
			p := tb.Person(t, v, 100+i) // born 1980-03-05, urban
			if i < 12 {
				tb.Employ(t, p, o, period.MustDate(2015, time.June, 1), 0, money.Yuan(6000))
			}
		}
		sum, err := tb.DB.SeedEnrolments(tb.Ctx, sqlstoretest.Today, money.Yuan(8000))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Employer == 0 || sum.Employer != sum.Unemployment || sum.Employer != sum.WorkInjury || sum.Resident == 0 {
			t.Fatalf("seed summary %+v", sum)
		}
		if got := sum.Employer + sum.Flexible + sum.Resident; got > 24 {
			t.Errorf("%d pension enrolments for 24 persons", got)
		}
		es, err := tb.Ins.Enrolments(tb.Ctx, insurance.EnrolmentFilter{Scheme: insurance.EmployeePension})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			switch e.Kind {
			case insurance.ThroughEmployer:
				if e.OrgID != o.ID || e.Start != period.NewMonth(2015, time.June) {
					t.Errorf("employer enrolment %+v: want employer %d from 2015-06", e, o.ID)
				}
			case insurance.Flexible:
				if e.Base < money.Yuan(4800) || e.Base > money.Yuan(7200) {
					t.Errorf("flexible base %s outside 60%%-90%% of 8,000", e.Base)
				}
			}
		}
		res, err := tb.Ins.Enrolments(tb.Ctx, insurance.EnrolmentFilter{Scheme: insurance.ResidentPension})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res {
			if e.Start != period.NewMonth(2011, time.July) || e.Tier < money.Yuan(200) {
				t.Errorf("resident enrolment %+v: want from 2011-07 (aged 22 before), a tier", e)
			}
		}
		wi, _ := tb.Ins.Enrolments(tb.Ctx, insurance.EnrolmentFilter{Scheme: insurance.WorkInjury})
		for _, e := range wi {
			if e.RiskClass != 4 { // industry C1711: manufacturing
				t.Errorf("work injury risk class %d, want 4 for manufacturing", e.RiskClass)
			}
		}
		// Again: everybody is enrolled already.
		again, err := tb.DB.SeedEnrolments(tb.Ctx, sqlstoretest.Today, money.Yuan(8000))
		if err != nil || again != (sqlstore.SeedSummary{}) {
			t.Errorf("second seed = %+v, %v; want nothing", again, err)
		}
	})
}
