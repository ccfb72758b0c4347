package sqlstore_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// half is an amount that fits in an int64 while two of it do not.
const half = math.MaxInt64/2 + 1

// TestPayrollTotalOverflow: two awards whose amounts each fit in an int64
// but whose month's total does not: the payroll fails with ErrOverflow,
// naming the month, and records nothing (no wrapped total is stored).
func TestPayrollTotalOverflow(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		jan := period.NewMonth(2025, time.January)
		for i := range 2 {
			a := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", i), period.MustDate(1964, time.December, 5), 1+2*i, jan)
			if err := pb.DB.ExecRaw(pb.Ctx, fmt.Sprintf("UPDATE awards SET amount = %d WHERE id = %d", int64(half), a.ID)); err != nil {
				t.Fatal(err)
			}
		}
		before := sqlstoretest.AuditCount(t, pb.DB)
		s, err := pb.Pen.Payroll(pb.Ctx, jan, "652301")
		if !errors.Is(err, money.ErrOverflow) {
			t.Fatalf("Payroll = %+v, %v; want an ErrOverflow", s, err)
		}
		if n := sqlstoretest.AuditCount(t, pb.DB); n != before {
			t.Errorf("audit events %d → %d: a payroll that overflows records nothing", before, n)
		}
	})
}

// TestSQLSumOverflow: where SQL sums amounts (the assistance report's
// SUM(amount)), a sum past int64 is an error on both engines, never a
// wrapped or rounded number: SQLite raises "integer overflow", PostgreSQL
// sums bigint as numeric, which does not scan into an int64.
func TestSQLSumOverflow(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 7)
		m := ab.Month()
		for i := range 2 {
			h, _ := ab.Household(t, v, 91+i, period.MustDate(1970, time.March, 5))
			for _, q := range []string{
				fmt.Sprintf(`INSERT INTO assistance_awards (programme, kind, household_id, person_id, region_code, amount, start_month, status, created_by, created_at)
					VALUES ('dibao', 'monthly', %d, 0, '%s', %d, '%s', 'active', 'test', '2026-11-01T00:00:00Z')`, h.ID, v, int64(half), m),
				fmt.Sprintf(`INSERT INTO assistance_lines (period, award_id, programme, region_code, household_id, person_id, amount, layer, created_at)
					SELECT '%s', id, 'dibao', '%s', %d, 0, %d, 'dibao', '2026-11-01T00:00:00Z' FROM assistance_awards WHERE household_id = %d`, m, v, h.ID, int64(half), h.ID),
			} {
				if err := ab.DB.ExecRaw(ab.Ctx, q); err != nil {
					t.Fatal(err)
				}
			}
		}
		rep, err := ab.As.Report(ab.Ctx, m, m, "")
		if err == nil {
			t.Fatalf("Report = %+v, want an error: the amounts sum past int64", rep)
		}
		t.Logf("%s: %v", ab.DB.Dialect(), err)
	})
}
