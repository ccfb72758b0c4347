package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/policies"
)

const smallCSV = `code,parent,level,name_zh,name_en,kind,population_2010
440000,,province,广东省,Guangdong Province,province,
440200,440000,prefecture,韶关市,Shaoguan City,prefecture_level_city,
440203,440200,county,武江区,Wujiang District,district,
440203001,440203,township,新华街道,Xinhua Subdistrict,street,
440203001001,440203001,village,新华社区,Xinhua Community,community,
`

// TestOpenBuildsEveryServiceForTheJurisdiction opens a new database for
// another prefecture: every service is built, the store holds that
// prefecture's region tree and not Changji's, the system acts over the
// home region and every service tells the date by the one clock.
func TestOpenBuildsEveryServiceForTheJurisdiction(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "small.csv")
	if err := os.WriteFile(path, []byte(smallCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	j, err := region.LoadJurisdiction(path, "440200", "Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	// 17:00 UTC on 31 December is already 1 January in the zone.
	clk := clock.Fixed(time.Date(2025, time.December, 31, 17, 0, 0, 0, time.UTC), j.Zone)
	a, err := app.Open(context.Background(), filepath.Join(dir, "sg.db"), slog.New(slog.DiscardHandler), pk, j, clk, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	v := reflect.ValueOf(a).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer && v.Type().Field(i).IsExported() && f.IsNil() {
			t.Errorf("App.%s is nil", v.Type().Field(i).Name)
		}
	}
	ctx := a.System(context.Background(), "test")
	if p, ok := auth.PrincipalFrom(ctx); !ok || p.Scope != "440200" {
		t.Errorf("System principal = %+v, want scope 440200", p)
	}
	if n, err := a.Registry.Region(ctx, "440203001001"); err != nil || n.NameZH != "新华社区" {
		t.Errorf("Region(440203001001) = %+v, %v; want 新华社区", n, err)
	}
	if _, err := a.Registry.Region(ctx, "652300"); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("Region(652300) = %v, want NotFound: Changji is not in this tree", err)
	}
	newYear := period.MustDate(2026, time.January, 1)
	if got := a.Registry.Today(); got != newYear {
		t.Errorf("Registry.Today() = %v, want %v", got, newYear)
	}
	if got := a.Monitoring.Today(); got != newYear {
		t.Errorf("Monitoring.Today() = %v, want %v", got, newYear)
	}
	if got := a.Assistance.Today(); got != newYear {
		t.Errorf("Assistance.Today() = %v, want %v", got, newYear)
	}

	// Hukou-local is the home region's: a Shaoguan hukou is local, a
	// Changji one is not.
	var members []assistance.Member
	for i, hukou := range []region.Code{"440203", "652301"} {
		idn, err := ids.MakeResidentID(string(hukou), period.MustDate(1980, time.May, 17), 20+i)
		if err != nil {
			t.Fatal(err)
		}
		p := &registry.Person{IDNumber: idn, Name: "李娜", Ethnicity: "han", HukouType: registry.HukouUrban, HukouRegion: hukou, RegionCode: "440203001001"}
		if err := a.Registry.CreatePerson(ctx, p); err != nil {
			t.Fatalf("CreatePerson with hukou %s: %v", hukou, err)
		}
		members = append(members, assistance.Member{PersonID: p.ID})
	}
	h := &registry.Household{RegionCode: "440203001001", HukouType: registry.HukouUrban,
		Members: []registry.Member{{PersonID: members[0].PersonID, Relation: registry.RelHead}, {PersonID: members[1].PersonID, Relation: registry.RelSpouse}}}
	if err := a.Registry.CreateHousehold(ctx, h); err != nil {
		t.Fatal(err)
	}
	mt := &assistance.MeansTest{HouseholdID: h.ID, Period: period.NewMonth(2025, time.December), Members: members,
		HeatingType: "central", Source: assistance.SourceInvestigation}
	if _, err := a.Assistance.CreateMeansTest(ctx, mt); err != nil {
		t.Fatal(err)
	}
	if !mt.Members[0].HukouLocal || mt.Members[1].HukouLocal {
		t.Errorf("hukou-local of a 440203 and a 652301 hukou = %v, %v; want true, false", mt.Members[0].HukouLocal, mt.Members[1].HukouLocal)
	}
}
