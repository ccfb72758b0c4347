package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/internal/synth"
)

// loadPrefecture generates the synthetic prefecture of persons persons
// into db (about persons / 2.96 households) and gives every household a
// means test for month m, made in SQL from the registry: per-capita income
// 6% far below the assistance lines, 12% near them, the rest above; a
// third with a car, some with deposits and medical bills; members copied
// with their birth date, registration and disability grade.
func loadPrefecture(b *testing.B, db *sqlstore.DB, persons int, m period.Month) int {
	b.Helper()
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("bench", region.Changji))
	tree, err := region.Default()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	sum, err := synth.Generate(ctx, synth.Config{Persons: persons, Seed: 1, Today: m.Last()}, tree,
		func(ctx context.Context, bulk *registry.Bulk) error { return db.LoadBulk(ctx, bulk) }, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO means_tests (id, household_id, region_code, period, hukou_type, hukou_local, members, total_income, income_12m,
			financial_assets, vehicles, houses, business_entities, rigid_expenses_12m, heating_type, source, note, created_by, created_at)
		SELECT h.id, h.id, h.region_code, '` + m.String() + `', h.hukou_type, 1, n, pc * n, pc * n * 12,
			(h.id * 104729) % 3000000, CASE WHEN h.id % 3 = 0 THEN 1 ELSE 0 END, 1, CASE WHEN h.id % 40 = 0 THEN 1 ELSE 0 END,
			CASE WHEN h.id % 7 = 0 THEN (h.id * 31) % 6000000 ELSE 0 END, 'central', 'import', '', 'bench', '2026-01-01T00:00:00Z'
		FROM (SELECT h.id, h.region_code, h.hukou_type, (SELECT COUNT(*) FROM household_members hm WHERE hm.household_id = h.id) AS n,
			CASE WHEN (h.id * 7919) % 100 < 6 THEN (h.id * 104729) % 70000
			     WHEN (h.id * 7919) % 100 < 18 THEN 70000 + (h.id * 104729) % 90000
			     ELSE 160000 + (h.id * 104729) % 740000 END AS pc FROM households h) h`,
		`INSERT INTO means_test_members (test_id, person_id, relation, birth_date, disability_grade, hukou_local, hukou_type, own_income,
			unable_to_work, self_care, has_supporter, monitored)
		SELECT hm.household_id, hm.person_id, hm.relation, p.birth_date,
			COALESCE((SELECT MIN(d.grade) FROM disabilities d WHERE d.person_id = p.id), 0), 1, p.hukou_type,
			t.total_income / t.members, CASE WHEN p.id % 9 = 0 THEN 1 ELSE 0 END, 'able', CASE WHEN p.id % 6 = 0 THEN 0 ELSE 1 END,
			CASE WHEN p.id % 61 = 0 THEN 1 ELSE 0 END
		FROM household_members hm JOIN persons p ON p.id = hm.person_id JOIN means_tests t ON t.id = hm.household_id`,
	} {
		if err := db.ExecRaw(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.RepackMeansTests(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("setup: %d persons in %d households, each with a means test, in %s", sum.Persons, sum.Households, time.Since(start).Round(time.Second))
	return sum.Households
}

// prefecture opens the synthetic prefecture with its means tests: built
// in a new database, or reused from SP_BENCH_CACHE when it holds one. It
// returns the bench fixture over it, its context a system process of the
// home region, and the number of households.
func prefecture(b *testing.B, m period.Month) (benchFixture, int) {
	b.Helper()
	over := func(db *sqlstore.DB) benchFixture {
		f := benchOver(b, db)
		f.ctx = f.app.System(context.Background(), "bench")
		return f
	}
	dir := os.Getenv(sqlstoretest.EnvBenchCache)
	if dir == "" {
		db := sqlstoretest.Open(b)
		return over(db), loadPrefecture(b, db, 1_600_000, m)
	}
	path := filepath.Join(dir, "prefecture-"+m.String()+".db")
	_, statErr := os.Stat(path)
	db := sqlstoretest.OpenFile(b, path)
	if statErr != nil {
		return over(db), loadPrefecture(b, db, 1_600_000, m)
	}
	var n int
	if err := db.QueryRowRaw(context.Background(), "SELECT COUNT(*) FROM households").Scan(&n); err != nil {
		b.Fatal(err)
	}
	b.Logf("reusing %s: %d households", path, n)
	return over(db), n
}

// BenchmarkClassify533k classifies every household of the synthetic
// prefecture (1.6 million persons, about 540,000 households) from its
// means test on SQLite: reading the latest test of each household with its
// members, the columnar 低保, 特困, 低保边缘 and 刚性支出困难 decisions, and
// saving the month's classifications, end to end.
func BenchmarkClassify533k(b *testing.B) {
	m := period.NewMonth(2025, time.June)
	f, households := prefecture(b, m)
	svc, ctx := f.app.Assistance, f.ctx
	for b.Loop() {
		start := time.Now()
		sum, err := svc.ClassifyAll(ctx, m, "")
		if err != nil {
			b.Fatal(err)
		}
		if sum.Households != households {
			b.Fatalf("classified %d households, want %d", sum.Households, households)
		}
		b.Logf("%d households in %s: %v", sum.Households, time.Since(start).Round(time.Millisecond), sum.ByLayer)
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(households)/secs, "households/s")
}

// BenchmarkScreenAll1600k screens every monthly allowance (the high-age
// allowance and the two disability subsidies) over the synthetic
// prefecture (1.6 million persons) on SQLite in one pass, from the
// registry to the stored runs of candidates: reading the persons with
// their households and certificates, the columnar decisions, the row-wise
// reasons of the stops, and saving the runs and their items.
func BenchmarkScreenAll1600k(b *testing.B) {
	m := period.NewMonth(2025, time.June)
	f, _ := prefecture(b, m)
	svc, ctx := f.app.Screening, f.ctx
	var persons int
	if err := f.db.QueryRowRaw(ctx, "SELECT COUNT(*) FROM persons WHERE death_date IS NULL OR death_date >= '2025-06-01'").Scan(&persons); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		start := time.Now()
		runs, err := svc.ScreenAll(ctx, m, "")
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range runs {
			if r.Evaluated != persons {
				b.Fatalf("%s evaluated %d persons, want %d", r.Programme, r.Evaluated, persons)
			}
			b.Logf("%s: %d eligible, %s yuan, %d new", r.Programme, r.Eligible, r.Amount, r.NewAwards)
		}
		b.Logf("%d persons, %d programmes in %s", persons, len(runs), time.Since(start).Round(time.Millisecond))
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(persons)/secs, "persons/s")
}

// BenchmarkScreeningJob1600k screens every person and household
// programme of the synthetic prefecture (1.6 million persons, every
// household means-tested) on SQLite as one job, from the registry to the
// stored candidates: the classification of every tested household, the
// household allowances, then the monthly person allowances, with the
// job's progress stored as it goes.
func BenchmarkScreeningJob1600k(b *testing.B) {
	m := period.NewMonth(2025, time.June)
	f, households := prefecture(b, m)
	svc, ctx := f.app.Screening, f.ctx
	rows := 0
	for b.Loop() {
		start := time.Now()
		job, _, err := svc.StartJob(ctx, m, "")
		if err != nil {
			b.Fatal(err)
		}
		if err := svc.RunJob(ctx, job, nil); err != nil {
			b.Fatal(err)
		}
		if job.Status != screening.JobDone || len(job.RunIDs) != 5 || job.Classification.Households != households {
			b.Fatalf("job %+v: want done, 5 runs, %d households classified", job, households)
		}
		rows = job.Total
		b.Logf("job %d: %d rows (tests, households, persons) in %s; %v", job.ID, job.Total, time.Since(start).Round(time.Millisecond), job.Classification.ByLayer)
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(rows)/secs, "rows/s")
}
