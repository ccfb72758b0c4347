package sqlstore_test

import (
	"testing"
	"time"

	"safetynet/internal/period"
)

// BenchmarkInstructions300k makes the payment instructions of a month for
// 300,000 pension awards from their payroll lines, with the accrual
// postings of the fund ledger, on SQLite: reading the lines not yet
// instructed with each payee's primary account (one in twenty has none
// and is held), and writing the instructions and journals chunk by chunk.
// Each run is a month of its own.
func BenchmarkInstructions300k(b *testing.B) {
	const awards = 300_000
	f := newBench(b)
	db, ctx := f.db, f.ctx
	setupStart := time.Now()
	months := []period.Month{period.NewMonth(2025, time.January), period.NewMonth(2025, time.February), period.NewMonth(2025, time.March)}
	f.loadRetirees(b, awards)
	for _, q := range []string{
		`INSERT INTO bank_accounts (region_code, owner_kind, owner_id, bank_code, bank_name, account_no, account_name, is_primary, status)
		SELECT region_code, 'person', id, CASE WHEN id % 3 = 0 THEN 'ABC' ELSE 'ICBC' END, '昌吉分行', '62220000' || printf('%010d', id), '退休人员', 1, 'confirmed'
		FROM persons WHERE id % 20 <> 0`,
	} {
		if err := db.ExecRaw(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	for _, m := range months {
		if err := db.ExecRaw(ctx, `INSERT INTO payroll_lines (award_id, period, kind, amount, region_code, person_id, run_id)
			SELECT id, '`+m.String()+`', 'regular', amount, region_code, person_id, 1 FROM awards ORDER BY id`); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("setup: %d awards with %d months of payroll lines in %s", awards, len(months), time.Since(setupStart).Round(time.Millisecond))
	svc := f.app.Payments
	runs := 0
	for b.Loop() {
		if runs == len(months) {
			b.Fatalf("more than %d runs: use -benchtime %dx or less", len(months), len(months))
		}
		m := months[runs]
		runs++
		start := time.Now()
		sum, err := svc.Generate(ctx, m, "652300")
		if err != nil {
			b.Fatal(err)
		}
		if sum.Created != awards || sum.Held != awards/20 {
			b.Fatalf("%s: %+v, want %d instructions, %d held", m, sum, awards, awards/20)
		}
		b.Logf("%s: %d instructions (%d held), %s yuan, %d chunks with their journals, in %s", m, sum.Created, sum.Held, sum.Amount, sum.Chunks,
			time.Since(start).Round(time.Millisecond))
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(awards)/secs, "instructions/s")
}
