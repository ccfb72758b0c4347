package sqlstore_test

import (
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// loadAccountPopulation loads n persons over the prefecture's villages,
// each with one payment of month m: employees (base from 3,000 to 33,000
// yuan) and one in ten a resident (tiers 100 to 5,000 yuan).
func (f benchFixture) loadAccountPopulation(b *testing.B, n int, m period.Month) {
	b.Helper()
	ctx, db, villages := f.ctx, f.db, f.villages
	for lo := 0; lo < n; lo += benchBatch {
		var bulk registry.Bulk
		for i := lo; i < min(lo+benchBatch, n); i++ {
			v := villages[(i/100)%len(villages)].Code
			idn, err := ids.MakeResidentID(string(v.County()), period.MustDate(1970, time.January, 1).AddDays(i/1000), i%1000)
			if err != nil {
				b.Fatal(err)
			}
			bulk.Persons = append(bulk.Persons, registry.Person{ID: registry.PersonID(i + 1), IDNumber: idn, Name: "参保人", Ethnicity: "han",
				HukouType: registry.HukouUrban, HukouRegion: v.County(), RegionCode: v})
		}
		if err := db.LoadBulk(ctx, &bulk); err != nil {
			b.Fatal(err)
		}
	}
	tiers := "CASE id % 7 WHEN 0 THEN 10000 WHEN 1 THEN 20000 WHEN 2 THEN 50000 WHEN 3 THEN 100000 WHEN 4 THEN 200000 WHEN 5 THEN 450000 ELSE 500000 END"
	if err := db.ExecRaw(ctx, `INSERT INTO payments (receipt_no, person_id, scheme, period, region_code, base, employer, individual, paid_on, source, created_at)
		SELECT 'B' || CAST(id AS TEXT), id, CASE WHEN id % 10 = 0 THEN 'resident_pension' ELSE 'employee_pension' END, '`+m.String()+`', region_code,
			CASE WHEN id % 10 = 0 THEN 0 ELSE 300000 + (id * 7919) % 3000000 END,
			CASE WHEN id % 10 = 0 THEN 0 ELSE 48000 END,
			CASE WHEN id % 10 = 0 THEN `+tiers+` ELSE 24000 + id % 1000 END,
			'`+m.Last().String()+`', 'posted', '2025-01-31T00:00:00Z' FROM persons ORDER BY id`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCredit400k credits 400,000 payments of a month (one in ten a
// resident's, which also posts a subsidy) on SQLite.
func BenchmarkCredit400k(b *testing.B) {
	const n = 400_000
	f := newBench(b)
	db, ctx := f.db, f.ctx
	m := period.NewMonth(2025, time.January)
	start := time.Now()
	f.loadAccountPopulation(b, n, m)
	b.Logf("setup: %d persons and payments in %s", n, time.Since(start).Round(time.Millisecond))
	acc := f.app.Accounts
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if err := db.ExecRaw(ctx, "DELETE FROM account_entries"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			sum, err := acc.Credit(ctx, m, "652300")
			if err != nil {
				b.Fatal(err)
			}
			if sum.Payments != n || sum.Posted != n+n/10 {
				b.Fatalf("summary %+v, want %d payments and %d entries", sum, n, n+n/10)
			}
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs, "payments/s")
	})
	b.Run("again", func(b *testing.B) {
		for b.Loop() {
			sum, err := acc.Credit(ctx, m, "652300")
			if err != nil {
				b.Fatal(err)
			}
			if sum.Posted != 0 || sum.AlreadyPosted != n+n/10 {
				b.Fatalf("second run %+v, want nothing posted", sum)
			}
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs, "payments/s")
	})
	b.Run("interest", func(b *testing.B) {
		f.clock.Set(func() time.Time { return time.Date(2026, time.July, 1, 0, 0, 0, 0, time.UTC) })
		for b.Loop() {
			b.StopTimer()
			if err := db.ExecRaw(ctx, "DELETE FROM account_entries WHERE kind = 'interest'"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			sum, err := acc.CreditInterest(ctx, 2025, "652300")
			if err != nil {
				b.Fatal(err)
			}
			if got := sum.Persons[insurance.EmployeePension] + sum.Persons[insurance.ResidentPension]; got != n {
				b.Fatalf("interest for %d accounts, want %d", got, n)
			}
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs, "accounts/s")
	})
}
