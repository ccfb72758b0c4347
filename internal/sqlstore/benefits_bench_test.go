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

// BenchmarkBenefitRun50k pays one month of 50,000 open unemployment claims
// on SQLite; each iteration pays the next month.
func BenchmarkBenefitRun50k(b *testing.B) {
	const claims, perOrg = 50_000, 100
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleAdmin, Scope: "652300"})
	db := sqlstoretest.Open(b)
	tree, err := region.Default()
	if err != nil {
		b.Fatal(err)
	}
	villages := tree.Descendants("652300", region.Village)
	var bulk registry.Bulk
	for i := range claims {
		v := villages[(i/perOrg)%len(villages)].Code
		if i%perOrg == 0 {
			uscc, err := ids.MakeUSCC('9', '1', string(v.County()), fmt.Sprintf("%08d", i/perOrg))
			if err != nil {
				b.Fatal(err)
			}
			bulk.Organisations = append(bulk.Organisations, registry.Organisation{ID: registry.OrgID(i/perOrg + 1), USCC: uscc,
				Name: fmt.Sprintf("企业%d", i/perOrg), IndustryCode: "C1711", Size: registry.SizeMedium, RegionCode: v})
		}
		idn, err := ids.MakeResidentID(string(v.County()), period.MustDate(1975, time.January, 1).AddDays(i/1000), i%1000)
		if err != nil {
			b.Fatal(err)
		}
		bulk.Persons = append(bulk.Persons, registry.Person{ID: registry.PersonID(i + 1), IDNumber: idn, Name: "职工", Ethnicity: "han",
			HukouType: registry.HukouUrban, HukouRegion: v.County(), RegionCode: v})
		bulk.Employment = append(bulk.Employment, registry.Employment{ID: registry.EmploymentID(i + 1), PersonID: registry.PersonID(i + 1),
			OrgID: registry.OrgID(i/perOrg + 1), RegionCode: v, Start: period.MustDate(2015, time.March, 1), MonthlyWage: money.Yuan(5000)})
	}
	if err := db.LoadBulk(ctx, &bulk); err != nil {
		b.Fatal(err)
	}
	// Every person claimed after 10 years of contributions: 24 months.
	if err := db.ExecRaw(ctx, `INSERT INTO unemployment_claims (region_code, person_id, org_id, separation_date, separation, registered_on,
		retirement_group, start_month, contribution_months, carried_months, entitlement_months, monthly_amount, status, decision, created_at)
		SELECT region_code, person_id, org_id, '2025-06-30', 'contract_expired', '2025-07-02', 'male', '2025-07', 120, 0, 24, 171000, 'open', '{}',
		'2025-07-02T00:00:00Z' FROM employment ORDER BY id`); err != nil {
		b.Fatal(err)
	}
	ben := clocktest.Build(func(c clock.Clock) *insurance.Benefits {
		return insurance.NewBenefits(db, db, sqlstoretest.Policies(b), c)
	})
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
