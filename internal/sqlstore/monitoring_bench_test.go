package sqlstore_test

import (
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// BenchmarkProcessSignals500k times one processing run of 500,000 signals
// on SQLite, end to end: reading the signals and their households'
// context, grading all of them with the columnar engine, explaining each
// alert row-wise, and writing the alerts, the links and the processed
// marks. The signals fall on 400,000 persons of 160,000 households spread
// over the prefecture's villages, three in ten households means-tested and
// one in ten classified in a layer; setting up (the registry by LoadBulk,
// the tests and classifications by raw inserts, the signals through
// RecordSignals) is not timed. Between runs the alerts are deleted and the
// signals queued again, untimed.
func BenchmarkProcessSignals500k(b *testing.B) {
	const persons, signals = 400_000, 500_000
	f := newBench(b)
	db, ctx, villages := f.db, f.ctx, f.villages
	setupStart := time.Now()
	const batch = 50_000
	hh := 0
	for lo := 0; lo < persons; lo += batch {
		var bulk registry.Bulk
		for i := lo; i < lo+batch; {
			// Households of 1, 2, 3 and 4 members in turn.
			hh++
			v := villages[hh%len(villages)].Code
			h := registry.Household{ID: registry.HouseholdID(hh), RegionCode: v, HukouType: registry.HukouRural}
			for j := range (hh-1)%4 + 1 {
				if i == lo+batch {
					break
				}
				idn, err := ids.MakeResidentID(string(v.County()), period.MustDate(1960, time.January, 1).AddDays(i/1000), i%1000)
				if err != nil {
					b.Fatal(err)
				}
				bulk.Persons = append(bulk.Persons, registry.Person{ID: registry.PersonID(i + 1), IDNumber: idn, Name: "居民", Ethnicity: "han",
					HukouType: registry.HukouRural, HukouRegion: v.County(), RegionCode: v})
				rel := registry.RelChild
				if j == 0 {
					rel = registry.RelHead
				}
				h.Members = append(h.Members, registry.Member{PersonID: registry.PersonID(i + 1), Relation: rel})
				i++
			}
			bulk.Households = append(bulk.Households, h)
		}
		if err := db.LoadBulk(ctx, &bulk); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.ExecRaw(ctx, `INSERT INTO means_tests (household_id, region_code, period, hukou_type, hukou_local, members, total_income,
		income_12m, financial_assets, vehicles, houses, business_entities, rigid_expenses_12m, source, created_by, created_at)
		SELECT id, region_code, '2026-03', 'rural', 1, 1 + (id - 1) % 4, 100000 + id % 500000, 12 * (100000 + id % 500000), 0, 0, 1, 0, 0,
		'bench', 'bench', '2026-03-01T00:00:00Z' FROM households WHERE id % 10 < 3`); err != nil {
		b.Fatal(err)
	}
	if err := db.ExecRaw(ctx, `INSERT INTO classifications (period, household_id, region_code, test_id, layer, members, per_capita_income,
		dibao_amount, tekun_members, policy_version)
		SELECT '2026-03', household_id, region_code, id, CASE household_id % 50 WHEN 0 THEN 'tekun' WHEN 10 THEN 'dibao' WHEN 20 THEN 'dibao_edge'
			WHEN 30 THEN 'rigid_expense' ELSE 'low_income' END, members, 0, 0, 0, 'bench'
		FROM means_tests WHERE household_id % 10 = 0`); err != nil {
		b.Fatal(err)
	}
	b.Logf("setup: %d persons in %d households loaded in %s", persons, hh, time.Since(setupStart).Round(time.Millisecond))

	mon := f.app.Monitoring // its clock at 2026-11-22
	kinds := []monitoring.Kind{monitoring.HospitalBill, monitoring.HospitalBill, monitoring.HospitalBill, monitoring.HospitalBill,
		monitoring.HospitalBill, monitoring.HospitalBill, monitoring.HospitalBill, monitoring.HospitalBill, monitoring.Unemployment,
		monitoring.Unemployment, monitoring.Unemployment, monitoring.Unemployment, monitoring.IncomeDrop, monitoring.IncomeDrop,
		monitoring.NewDisability, monitoring.NewDisability, monitoring.Disaster, monitoring.Disaster, monitoring.EarnerDeath, monitoring.EarnerDeath}
	ss := make([]monitoring.Signal, signals)
	for k := range ss {
		kind := kinds[k%len(kinds)]
		s := monitoring.Signal{Source: monitoring.MedicalInsurance, Kind: kind, PersonID: registry.PersonID(k*7919%persons + 1),
			OccurredOn: period.MustDate(2026, time.September, 1).AddDays(k % 80), Line: k + 2}
		switch kind {
		case monitoring.HospitalBill, monitoring.Disaster, monitoring.IncomeDrop:
			s.Amount = money.Yuan(int64(500 + k*37%60000))
		case monitoring.NewDisability:
			s.Grade = 1 + k%4
		}
		ss[k] = s
	}
	start := time.Now()
	if n, err := mon.RecordSignals(ctx, "bench.csv", ss); err != nil || n != signals {
		b.Fatalf("RecordSignals = %d, %v", n, err)
	}
	b.Logf("setup: %d signals recorded in %s", signals, time.Since(start).Round(time.Millisecond))

	runs := 0
	for b.Loop() {
		start := time.Now()
		sum, err := mon.Process(ctx, 0)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Signals != signals {
			b.Fatalf("processed %d signals, want %d", sum.Signals, signals)
		}
		runs++
		b.Logf("run %d: %d signals, %d at risk, %d alerts opened (%v), %d attached, in %s", runs, sum.Signals, sum.AtRisk, sum.Opened,
			sum.ByLevel, sum.Attached, time.Since(start).Round(time.Millisecond))
		b.StopTimer()
		for _, q := range []string{"DELETE FROM alert_signals", "DELETE FROM alerts", `INSERT INTO signal_queue (region_code, signal_id, occurred_on,
			kind, person_id, household_id, amount, grade) SELECT region_code, id, occurred_on, kind, person_id, household_id, amount, grade FROM signals`} {
			if err := db.ExecRaw(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(signals)/secs, "rows/s")
}
