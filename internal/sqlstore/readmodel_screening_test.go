package sqlstore_test

import (
	"fmt"
	"testing"

	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestNamesReadModel reads the names of persons and of households' heads
// by key: a missing person or a household with no head is left out, a key
// given twice is read once.
func TestNamesReadModel(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPayments(t, open, 3)
		p := pb.Persons
		v := p[0].RegionCode
		for _, q := range []string{
			fmt.Sprintf(`INSERT INTO households (id, region_code, hukou_type, created_at, updated_at) VALUES
				(601, '%[1]s', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'),
				(602, '%[1]s', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')`, v),
			fmt.Sprintf(`INSERT INTO household_members (household_id, person_id, region_code, relation) VALUES
				(601, %[1]d, '%[4]s', 'head'), (601, %[2]d, '%[4]s', 'spouse'), (602, %[3]d, '%[4]s', 'child')`, p[1].ID, p[0].ID, p[2].ID, v),
		} {
			if err := pb.DB.ExecRaw(pb.Ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		names, err := pb.DB.PersonNames(pb.Ctx, []registry.PersonID{p[0].ID, p[2].ID, p[0].ID, 999_999})
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 2 || names[p[0].ID] != p[0].Name || names[p[2].ID] != p[2].Name {
			t.Errorf("person names %v, want %s and %s", names, p[0].Name, p[2].Name)
		}
		heads, err := pb.DB.HouseholdHeadNames(pb.Ctx, []registry.HouseholdID{601, 602, 603})
		if err != nil {
			t.Fatal(err)
		}
		if len(heads) != 1 || heads[601] != p[1].Name {
			t.Errorf("head names %v, want only 601's head %s", heads, p[1].Name)
		}
		if none, err := pb.DB.PersonNames(pb.Ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no keys: %v, %v", none, err)
		}
	})
}
