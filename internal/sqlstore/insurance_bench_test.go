package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/clock/clocktest"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// BenchmarkAssess400k times the monthly assessment of 400,000 employees of
// 4,000 employers spread over the prefecture's villages, on SQLite: loading
// the basis, computing and saving, end to end. "pension" has the employee
// pension only (400,000 assessments); "three_schemes" adds unemployment and
// work injury (1,200,000 assessments). Setting up is not timed.
func BenchmarkAssess400k(b *testing.B) {
	const employees, perOrg = 400_000, 100
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleAdmin, Scope: "652300"})
	db := sqlstoretest.Open(b)
	tree, err := region.Default()
	if err != nil {
		b.Fatal(err)
	}
	villages := tree.Descendants("652300", region.Village)
	setupStart := time.Now()
	const batch = 50_000
	for lo := 0; lo < employees; lo += batch {
		var bulk registry.Bulk
		for i := lo; i < lo+batch; i++ {
			v := villages[(i/perOrg)%len(villages)].Code
			if i%perOrg == 0 {
				uscc, err := ids.MakeUSCC('9', '1', string(v.County()), fmt.Sprintf("%08d", i/perOrg))
				if err != nil {
					b.Fatal(err)
				}
				bulk.Organisations = append(bulk.Organisations, registry.Organisation{ID: registry.OrgID(i/perOrg + 1), USCC: uscc,
					Name: fmt.Sprintf("企业%d", i/perOrg), IndustryCode: "C1711", Size: registry.SizeMedium, RegionCode: v})
			}
			idn, err := ids.MakeResidentID(string(v.County()), period.MustDate(1970, time.January, 1).AddDays(i/1000), i%1000)
			if err != nil {
				b.Fatal(err)
			}
			bulk.Persons = append(bulk.Persons, registry.Person{ID: registry.PersonID(i + 1), IDNumber: idn, Name: "职工", Ethnicity: "han",
				HukouType: registry.HukouUrban, HukouRegion: v.County(), RegionCode: v})
			bulk.Employment = append(bulk.Employment, registry.Employment{ID: registry.EmploymentID(i + 1), PersonID: registry.PersonID(i + 1),
				OrgID: registry.OrgID(i/perOrg + 1), RegionCode: v, Start: period.MustDate(2019, time.March, 1),
				MonthlyWage: money.Yuan(int64(3000 + i*7919%30000))}) // from below the floor to above the ceiling
		}
		if err := db.LoadBulk(ctx, &bulk); err != nil {
			b.Fatal(err)
		}
	}
	enrolAll := func(scheme insurance.Scheme, riskClass string) {
		if err := db.ExecRaw(ctx, `INSERT INTO enrolments (region_code, person_id, scheme, kind, org_id, start_month, status, risk_class, version)
			SELECT region_code, person_id, '`+string(scheme)+`', 'employer', org_id, '2020-01', 'active', `+riskClass+`, 1 FROM employment ORDER BY id`); err != nil {
			b.Fatal(err)
		}
	}
	enrolAll(insurance.EmployeePension, "0")
	b.Logf("setup: %d employees loaded and enrolled in %s", employees, time.Since(setupStart).Round(time.Millisecond))

	svc := clocktest.Build(func(c clock.Clock) *insurance.Service {
		return insurance.NewService(db, db, sqlstoretest.Policies(b), clocktest.Juris, c)
	})
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
