package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestPersonsByNamePrefix searches by surname: exactly the living persons
// of the region whose name starts with it, in key order and paged by key,
// on each engine. On PostgreSQL the name column is also given a Chinese
// collation (sorted by pinyin, where 汪 falls beside 王 and 玌 before it):
// the search must still find the names by their characters.
func TestPersonsByNamePrefix(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setup(t, open)
		if b.db.Dialect() == sqlstore.Postgres {
			var icu bool
			if err := b.db.QueryRowRaw(b.ctx, `SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'zh-x-icu')`).Scan(&icu); err != nil {
				t.Fatal(err)
			}
			if icu {
				if err := b.db.ExecRaw(context.Background(), `ALTER TABLE persons ALTER COLUMN name TYPE text COLLATE "zh-x-icu"`); err != nil {
					t.Fatal(err)
				}
			} else {
				t.Log("this PostgreSQL has no ICU collation zh-x-icu: searching under the database's collation only")
			}
		}
		here, there := sqlstoretest.Village(t, "652301", 0), sqlstoretest.Village(t, "652302", 0)
		people := []struct {
			name string
			at   region.Code
			dead bool
		}{
			{"王伟", here, false}, {"汪洋", here, false}, {"王", here, false},
			{"玌明", here, false}, {"王强", there, false}, {"王芳", here, false},
			{"王故", here, true}, {"黄王", here, false},
		}
		byName := map[string]*registry.Person{}
		var dead []*registry.Person
		for i, p := range people {
			rp := sqlstoretest.NewPerson(t, p.at, 200+i)
			rp.Name = p.name
			if err := b.svc.CreatePerson(b.ctx, rp); err != nil {
				t.Fatal(err)
			}
			byName[p.name] = rp
			if p.dead {
				rp.DeathDate, rp.DeathSource = b.app.Clock.Today(), "public_security"
				dead = append(dead, rp)
			}
		}
		if err := b.db.RecordDeaths(b.ctx, dead); err != nil {
			t.Fatal(err)
		}
		names := func(f registry.PersonFilter) []string {
			t.Helper()
			ps, err := b.db.Persons(b.ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.Name)
			}
			return out
		}
		if got, want := names(registry.PersonFilter{Region: "652301", Name: "王", Alive: true, Page: registry.Page{Limit: 10}}), []string{"王伟", "王", "王芳"}; !slices.Equal(got, want) {
			t.Errorf("王 in 652301 = %v, want %v", got, want)
		}
		if got, want := names(registry.PersonFilter{Name: "王", Page: registry.Page{Limit: 10}}), []string{"王伟", "王", "王强", "王芳", "王故"}; !slices.Equal(got, want) {
			t.Errorf("王 anywhere, dead or alive = %v, want %v", got, want)
		}
		if got, want := names(registry.PersonFilter{Name: "王", Page: registry.Page{Limit: 2, After: int64(byName["王"].ID)}}), []string{"王强", "王芳"}; !slices.Equal(got, want) {
			t.Errorf("王 after 王's key = %v, want %v", got, want)
		}
		if got, want := names(registry.PersonFilter{Name: "汪", Page: registry.Page{Limit: 10}}), []string{"汪洋"}; !slices.Equal(got, want) {
			t.Errorf("汪 = %v, want %v", got, want)
		}
		if got := names(registry.PersonFilter{Name: "王", IDNumber: string(byName["王芳"].IDNumber), Page: registry.Page{Limit: 10}}); !slices.Equal(got, []string{"王芳"}) {
			t.Errorf("王 with 王芳's ID number = %v", got)
		}
	})
}
