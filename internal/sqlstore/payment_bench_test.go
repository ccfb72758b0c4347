package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/clock/clocktest"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// BenchmarkInstructions300k makes the payment instructions of a month for
// 300,000 pension awards from their payroll lines, with the accrual
// postings of the fund ledger, on SQLite: reading the lines not yet
// instructed with each payee's primary account (one in twenty has none
// and is held), and writing the instructions and journals chunk by chunk.
// Each run is a month of its own.
func BenchmarkInstructions300k(b *testing.B) {
	const awards = 300_000
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleAdmin, Scope: "652300"})
	db := sqlstoretest.Open(b)
	setupStart := time.Now()
	months := []period.Month{period.NewMonth(2025, time.January), period.NewMonth(2025, time.February), period.NewMonth(2025, time.March)}
	for _, q := range []string{
		fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
		INSERT INTO persons (id, region_code, id_number, name, gender, birth_date, ethnicity, hukou_type, created_at, updated_at)
		SELECT i, CASE WHEN i %% 2 = 0 THEN '652301' ELSE '652302' END || '0010' || printf('%%02d', i %% 10 + 1), 'B' || i, '退休人员', 'M',
			'1964-12-05', 'han', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z' FROM s`, awards),
		`INSERT INTO awards (person_id, scheme, region_code, start_month, amount, status, retirement_group, contribution_months,
			decision, policy_version, created_by, created_at)
		SELECT id, 'employee_pension', region_code, '2025-01', 250000 + id % 100000, 'active', 'male', 360, '{}', 'bench', 'bench', '2020-01-01T00:00:00Z'
		FROM persons ORDER BY id`,
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
	svc := clocktest.Build(func(c clock.Clock) *payment.Service { return payment.NewService(db, c) })
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
