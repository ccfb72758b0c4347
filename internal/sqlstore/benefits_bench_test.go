package sqlstore_test

import (
	"testing"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
)

// BenchmarkBenefitRun50k pays one month of 50,000 open unemployment claims
// on SQLite; each iteration pays the next month.
func BenchmarkBenefitRun50k(b *testing.B) {
	const claims, perOrg = 50_000, 100
	f := newBench(b)
	f.loadWorkforce(b, claims, perOrg, period.MustDate(1975, time.January, 1), period.MustDate(2015, time.March, 1),
		func(int) money.Fen { return money.Yuan(5000) })
	db, ctx := f.db, f.ctx
	// Every person claimed after 10 years of contributions: 24 months.
	if err := db.ExecRaw(ctx, `INSERT INTO unemployment_claims (region_code, person_id, org_id, separation_date, separation, registered_on,
		retirement_group, start_month, contribution_months, carried_months, entitlement_months, monthly_amount, status, decision, created_at)
		SELECT region_code, person_id, org_id, '2025-06-30', 'contract_expired', '2025-07-02', 'male', '2025-07', 120, 0, 24, 171000, 'open', '{}',
		'2025-07-02T00:00:00Z' FROM employment ORDER BY id`); err != nil {
		b.Fatal(err)
	}
	ben := f.app.Benefits
	m := period.NewMonth(2025, time.July)
	for b.Loop() {
		sum, err := ben.Pay(ctx, m, "652300")
		if err != nil {
			b.Fatal(err)
		}
		if sum.Lines != claims {
			b.Fatalf("%s: %d lines, want %d", m, sum.Lines, claims)
		}
		m = m.Add(1)
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(claims)/secs, "lines/s")
}
