package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/clock/clocktest"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// BenchmarkPayroll300k runs the monthly payroll of 300,000 awards on
// SQLite, a new month each run, so that every run writes 300,000 lines
// and reads the lines of the months before.
func BenchmarkPayroll300k(b *testing.B) {
	const awards = 300_000
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleAdmin, Scope: "652300"})
	db := sqlstoretest.Open(b)
	setupStart := time.Now()
	// Persons and awards in bulk, spread over 20 villages of two counties;
	// the payroll reads only the key, region and death date of a person.
	err := db.ExecRaw(ctx, fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
		INSERT INTO persons (id, region_code, id_number, name, gender, birth_date, ethnicity, hukou_type, created_at, updated_at)
		SELECT i, CASE WHEN i %% 2 = 0 THEN '652301' ELSE '652302' END || '0010' || printf('%%02d', i %% 10 + 1), 'B' || i, '退休人员', 'M',
			'1964-12-05', 'han', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z' FROM s`, awards))
	if err != nil {
		b.Fatal(err)
	}
	err = db.ExecRaw(ctx, `INSERT INTO awards (person_id, scheme, region_code, start_month, amount, status, retirement_group, contribution_months,
			decision, policy_version, created_by, created_at)
		SELECT id, 'employee_pension', region_code, '2025-01', 250000 + id % 100000, 'active', 'male', 360, '{}', 'bench', 'bench', '2020-01-01T00:00:00Z'
		FROM persons ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("setup: %d persons and awards in %s", awards, time.Since(setupStart).Round(time.Millisecond))
	pen := clocktest.Build(func(c clock.Clock) *insurance.Pensions {
		return insurance.NewPensions(db, db, sqlstoretest.Policies(b), c)
	})
	m := period.NewMonth(2025, time.January)
	for b.Loop() {
		start := time.Now()
		sum, err := pen.Payroll(ctx, m, "652300")
		if err != nil {
			b.Fatal(err)
		}
		if sum.Awards != awards || sum.NewLines != awards || sum.Arrears != 0 {
			b.Fatalf("run of %s: %+v, want %d new regular lines", m, sum.PayrollRun, awards)
		}
		b.Logf("%s: %d lines in %s", m, sum.NewLines, time.Since(start).Round(time.Millisecond))
		m = m.Add(1)
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(awards)/secs, "lines/s")
}
