package sqlstore_test

import (
	"testing"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
)

// BenchmarkAssess400k times the monthly assessment of 400,000 employees of
// 4,000 employers spread over the prefecture's villages, on SQLite: loading
// the basis, computing and saving, end to end. "pension" has the employee
// pension only (400,000 assessments); "three_schemes" adds unemployment and
// work injury (1,200,000 assessments). Setting up is not timed.
func BenchmarkAssess400k(b *testing.B) {
	const employees, perOrg = 400_000, 100
	f := newBench(b)
	db, ctx := f.db, f.ctx
	setupStart := time.Now()
	// Wages from below the floor to above the ceiling.
	f.loadWorkforce(b, employees, perOrg, period.MustDate(1970, time.January, 1), period.MustDate(2019, time.March, 1),
		func(i int) money.Fen { return money.Yuan(int64(3000 + i*7919%30000)) })
	enrolAll := func(scheme insurance.Scheme, riskClass string) {
		if err := db.ExecRaw(ctx, `INSERT INTO enrolments (region_code, person_id, scheme, kind, org_id, start_month, status, risk_class, version)
			SELECT region_code, person_id, '`+string(scheme)+`', 'employer', org_id, '2020-01', 'active', `+riskClass+`, 1 FROM employment ORDER BY id`); err != nil {
			b.Fatal(err)
		}
	}
	enrolAll(insurance.EmployeePension, "0")
	b.Logf("setup: %d employees loaded and enrolled in %s", employees, time.Since(setupStart).Round(time.Millisecond))

	svc := f.app.Insurance
	m := period.NewMonth(2025, time.January)
	run := func(b *testing.B, want int) {
		runs := 0
		for b.Loop() {
			start := time.Now()
			sum, err := svc.Assess(ctx, m, "652300")
			if err != nil {
				b.Fatal(err)
			}
			if sum.Assessments != want {
				b.Fatalf("assessments = %d, want %d", sum.Assessments, want)
			}
			runs++
			// The first run of the month inserts; later ones replace.
			b.Logf("run %d: %d assessments in %s", runs, want, time.Since(start).Round(time.Millisecond))
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(secs, "s/run")
		b.ReportMetric(float64(want)/secs, "rows/s")
		b.ReportMetric(float64(employees)/secs, "employees/s")
	}
	b.Run("pension", func(b *testing.B) { run(b, employees) })
	start := time.Now()
	enrolAll(insurance.Unemployment, "0")
	enrolAll(insurance.WorkInjury, "1 + id % 8")
	b.Logf("setup: 800,000 more enrolments in %s", time.Since(start).Round(time.Millisecond))
	b.Run("three_schemes", func(b *testing.B) { run(b, 3*employees) })
}
