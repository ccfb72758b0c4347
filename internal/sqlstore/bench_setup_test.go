package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/clock"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// benchFixture is what the benchmarks start from: a store, the app's
// services over it on one settable clock (ten in the morning of
// sqlstoretest.Today until the benchmark sets it), a context acting as
// the prefecture administrator, and the villages of the prefecture.
type benchFixture struct {
	db       *sqlstore.DB
	app      *app.App
	clock    *clock.Settable
	ctx      context.Context
	villages []region.Node
}

// newBench returns the fixture over a new SQLite store.
func newBench(b *testing.B) benchFixture { return benchOver(b, sqlstoretest.Open(b)) }

// benchOver returns the fixture over db.
func benchOver(b *testing.B, db *sqlstore.DB) benchFixture {
	b.Helper()
	tree, err := region.Default()
	if err != nil {
		b.Fatal(err)
	}
	a, now := sqlstoretest.NewApp(b, db, app.Options{})
	return benchFixture{db: db, app: a, clock: now, ctx: sqlstoretest.Admin(), villages: tree.Descendants("652300", region.Village)}
}

// benchBatch is how many rows a fixture loads by one LoadBulk.
const benchBatch = 50_000

// loadWorkforce loads n employees and their employers by LoadBulk, perOrg
// to an employer, the employers over the villages in turn: employee i is
// born on born plus i/1000 days and employed from start at wage(i).
func (f benchFixture) loadWorkforce(b *testing.B, n, perOrg int, born, start period.Date, wage func(i int) money.Fen) {
	b.Helper()
	for lo := 0; lo < n; lo += benchBatch {
		var bulk registry.Bulk
		for i := lo; i < min(lo+benchBatch, n); i++ {
			v := f.villages[(i/perOrg)%len(f.villages)].Code
			if i%perOrg == 0 {
				uscc, err := ids.MakeUSCC('9', '1', string(v.County()), fmt.Sprintf("%08d", i/perOrg))
				if err != nil {
					b.Fatal(err)
				}
				bulk.Organisations = append(bulk.Organisations, registry.Organisation{ID: registry.OrgID(i/perOrg + 1), USCC: uscc,
					Name: fmt.Sprintf("企业%d", i/perOrg), IndustryCode: "C1711", Size: registry.SizeMedium, RegionCode: v})
			}
			idn, err := ids.MakeResidentID(string(v.County()), born.AddDays(i/1000), i%1000)
			if err != nil {
				b.Fatal(err)
			}
			bulk.Persons = append(bulk.Persons, registry.Person{ID: registry.PersonID(i + 1), IDNumber: idn, Name: "职工", Ethnicity: "han",
				HukouType: registry.HukouUrban, HukouRegion: v.County(), RegionCode: v})
			bulk.Employment = append(bulk.Employment, registry.Employment{ID: registry.EmploymentID(i + 1), PersonID: registry.PersonID(i + 1),
				OrgID: registry.OrgID(i/perOrg + 1), RegionCode: v, Start: start, MonthlyWage: wage(i)})
		}
		if err := f.db.LoadBulk(f.ctx, &bulk); err != nil {
			b.Fatal(err)
		}
	}
}

// loadRetirees inserts n retired men (persons 1 to n, over 20 villages of
// two counties) with an employee pension award each from January 2025,
// in SQL: the payroll and the payments read only the key, region and
// death date of a person.
func (f benchFixture) loadRetirees(b *testing.B, n int) {
	b.Helper()
	start := time.Now()
	for _, q := range []string{
		fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
		INSERT INTO persons (id, region_code, id_number, name, gender, birth_date, ethnicity, hukou_type, created_at, updated_at)
		SELECT i, CASE WHEN i %% 2 = 0 THEN '652301' ELSE '652302' END || '0010' || printf('%%02d', i %% 10 + 1), 'B' || i, '退休人员', 'M',
			'1964-12-05', 'han', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z' FROM s`, n),
		`INSERT INTO awards (person_id, scheme, region_code, start_month, amount, status, retirement_group, contribution_months,
			decision, policy_version, created_by, created_at)
		SELECT id, 'employee_pension', region_code, '2025-01', 250000 + id % 100000, 'active', 'male', 360, '{}', 'bench', 'bench', '2020-01-01T00:00:00Z'
		FROM persons ORDER BY id`,
	} {
		if err := f.db.ExecRaw(f.ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("setup: %d persons and awards in %s", n, time.Since(start).Round(time.Millisecond))
}
