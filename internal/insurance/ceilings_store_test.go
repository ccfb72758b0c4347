package insurance_test

import (
	"strings"
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

// TestCeilingsInTheDomain: the plausibility ceilings of an enrolment's base
// and tier (limits.amount) and of a spell's monthly wage
// (limits.monthly_wage) are checked by the services, not only by the HTTP
// API: a command, an import or any other caller gets the same 422 naming
// the field, and nothing is written.
func TestCeilingsInTheDomain(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		home, work := sqlstoretest.Village(t, "652301", 0), sqlstoretest.Village(t, "652302", 0)
		o := tb.Org(t, work, 1)
		p1, p2 := tb.Person(t, home, 11), tb.Person(t, home, 12)
		start := period.NewMonth(2024, time.January)
		before := sqlstoretest.AuditCount(t, tb.DB)
		for _, tt := range []struct {
			field string
			e     *insurance.Enrolment
		}{
			{"base", &insurance.Enrolment{PersonID: p1.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible, Start: start, Base: money.Yuan(10_000_001)}},
			{"tier", &insurance.Enrolment{PersonID: p2.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Start: start, Tier: money.Yuan(10_000_001)}},
		} {
			err := tb.Ins.Enrol(tb.Ctx, tt.e)
			if fault.CodeOf(err) != fault.Invalid || !strings.Contains(fault.FieldsOf(err)[tt.field], "limits.amount") {
				t.Errorf("Enrol with a %s above the ceiling = %v, want invalid naming %s and limits.amount", tt.field, err, tt.field)
			}
		}
		// The registry has no policy package: the wiring gives it the
		// ceiling (cmd/safetynet); a spell above it is refused, one at
		// it is recorded, and a change above it is refused too.
		tb.Svc.WageCeiling = func(pr *fault.Problems, field string, wage money.Fen, d period.Date) error {
			return tb.PK.Ceiling(pr, field, int64(wage), "limits.monthly_wage", d, "")
		}
		high := &registry.Employment{PersonID: p1.ID, OrgID: o.ID, Start: period.MustDate(2024, time.January, 1), MonthlyWage: money.Yuan(1_000_001)}
		if err := tb.Svc.CreateEmployment(tb.Ctx, high); fault.CodeOf(err) != fault.Invalid || !strings.Contains(fault.FieldsOf(err)["monthly_wage"], "limits.monthly_wage") {
			t.Errorf("CreateEmployment above the wage ceiling = %v, want invalid naming monthly_wage and limits.monthly_wage", err)
		}
		if n := sqlstoretest.AuditCount(t, tb.DB); n != before {
			t.Errorf("audit events %d → %d: nothing refused is written", before, n)
		}
		ok := &registry.Employment{PersonID: p1.ID, OrgID: o.ID, Start: period.MustDate(2024, time.January, 1), MonthlyWage: money.Yuan(1_000_000)}
		if err := tb.Svc.CreateEmployment(tb.Ctx, ok); err != nil {
			t.Fatalf("CreateEmployment at the ceiling: %v", err)
		}
		_, err := tb.Svc.UpdateEmployment(tb.Ctx, ok.ID, ok.Version, func(x *registry.Employment) { x.MonthlyWage = money.Yuan(2_000_000) })
		if fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["monthly_wage"] == "" {
			t.Errorf("UpdateEmployment above the wage ceiling = %v, want invalid naming monthly_wage", err)
		}
	})
}
