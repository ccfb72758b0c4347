package registry_test

import (
	"context"
	"strings"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestPersonLifecycle(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		p := sqlstoretest.NewPerson(t, v, 11)
		p.IDNumber = ids.ResidentID(strings.ToLower(string(p.IDNumber)))
		if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
			t.Fatalf("CreatePerson: %v", err)
		}
		if p.ID == 0 || p.Version != 1 {
			t.Fatalf("created person has ID %d version %d", p.ID, p.Version)
		}
		got, err := tb.Svc.Person(tb.Ctx, p.ID)
		if err != nil {
			t.Fatalf("Person(%d): %v", p.ID, err)
		}
		if got.Name != p.Name || got.IDNumber != p.IDNumber || got.RegionCode != v || got.BirthDate() != period.MustDate(1980, 3, 5) {
			t.Errorf("Person(%d) = %+v, want %+v", p.ID, got, p)
		}
		if !got.CreatedAt.Equal(p.CreatedAt) {
			t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, p.CreatedAt)
		}

		dup := sqlstoretest.NewPerson(t, v, 11)
		if err := tb.Svc.CreatePerson(tb.Ctx, dup); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("CreatePerson(duplicate ID) = %v, want conflict", err)
		}

		upd, err := tb.Svc.UpdatePerson(tb.Ctx, p.ID, 1, func(x *registry.Person) { x.Address = "宁边路 1 号" })
		if err != nil {
			t.Fatalf("UpdatePerson: %v", err)
		}
		if upd.Version != 2 || upd.Address != "宁边路 1 号" {
			t.Errorf("updated person = version %d address %q", upd.Version, upd.Address)
		}
		if _, err := tb.Svc.UpdatePerson(tb.Ctx, p.ID, 1, func(x *registry.Person) { x.Address = "stale" }); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("UpdatePerson(stale version) = %v, want conflict", err)
		}
		if _, err := tb.Svc.Person(tb.Ctx, 999999); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("Person(999999) = %v, want not found", err)
		}

		dead, err := tb.Svc.RecordDeath(tb.Ctx, p.ID, period.MustDate(2026, 10, 3), "public_security")
		if err != nil {
			t.Fatalf("RecordDeath: %v", err)
		}
		if dead.Alive() {
			t.Error("person is alive after RecordDeath")
		}
		alive, err := tb.Svc.Persons(tb.Ctx, registry.PersonFilter{Region: "652301", Alive: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(alive) != 0 {
			t.Errorf("Persons(alive) = %d persons, want 0", len(alive))
		}
		byID, err := tb.Svc.Persons(tb.Ctx, registry.PersonFilter{IDNumber: string(p.IDNumber)})
		if err != nil || len(byID) != 1 {
			t.Errorf("Persons(id_number) = %d, %v; want 1 person", len(byID), err)
		}
	})
}

func TestInvalidPersonWritesNothing(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		before := sqlstoretest.AuditCount(t, tb.DB)
		p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 0), 3)
		p.IDNumber = "652301199001011234" // bad check digit
		err := tb.Svc.CreatePerson(tb.Ctx, p)
		if fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["id_number"] == "" {
			t.Fatalf("CreatePerson(bad ID) = %v, want invalid naming id_number", err)
		}
		list, err := tb.Svc.Persons(tb.Ctx, registry.PersonFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Errorf("persons after a rejected create = %d, want 0", len(list))
		}
		if after := sqlstoretest.AuditCount(t, tb.DB); after != before {
			t.Errorf("audit events after a rejected create = %d, want %d", after, before)
		}
	})
}

func TestHouseholdMembersAtomic(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		v := sqlstoretest.Village(t, "652302", 1)
		var ps []*registry.Person
		for i := 1; i <= 3; i++ {
			p := sqlstoretest.NewPerson(t, v, 20+i)
			if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		h := &registry.Household{RegionCode: v, HukouType: registry.HukouRural, Members: []registry.Member{
			{PersonID: ps[1].ID, Relation: registry.RelSpouse}, {PersonID: ps[0].ID, Relation: registry.RelHead},
		}}
		if err := tb.Svc.CreateHousehold(tb.Ctx, h); err != nil {
			t.Fatalf("CreateHousehold: %v", err)
		}
		got, err := tb.Svc.Household(tb.Ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Head() != ps[0].ID || len(got.Members) != 2 || got.Members[0].Relation != registry.RelHead {
			t.Errorf("Household = %+v, want head %d first and 2 members", got.Members, ps[0].ID)
		}

		// A second household claiming ps[1] fails whole: no household row,
		// no member row for ps[2], no audit event.
		before := sqlstoretest.AuditCount(t, tb.DB)
		h2 := &registry.Household{RegionCode: v, HukouType: registry.HukouRural, Members: []registry.Member{
			{PersonID: ps[2].ID, Relation: registry.RelHead}, {PersonID: ps[1].ID, Relation: registry.RelChild},
		}}
		if err := tb.Svc.CreateHousehold(tb.Ctx, h2); fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("CreateHousehold(member of another) = %v, want conflict", err)
		}
		hs, err := tb.Svc.Households(tb.Ctx, registry.HouseholdFilter{PersonID: ps[2].ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 0 {
			t.Errorf("person %d is in %d households after a failed create, want 0", ps[2].ID, len(hs))
		}
		if after := sqlstoretest.AuditCount(t, tb.DB); after != before {
			t.Errorf("audit events = %d after a failed create, want %d", after, before)
		}

		// Two heads are refused by validation, naming the field.
		h3 := &registry.Household{RegionCode: v, HukouType: registry.HukouRural, Members: []registry.Member{
			{PersonID: ps[2].ID, Relation: registry.RelHead}, {PersonID: 999, Relation: registry.RelHead},
		}}
		err = tb.Svc.CreateHousehold(tb.Ctx, h3)
		if f := fault.FieldsOf(err); f["members"] == "" || f["members[1].person_id"] == "" {
			t.Errorf("CreateHousehold(two heads, unknown member) fields = %v", f)
		}

		// Replacing the members moves the spouse out.
		upd, err := tb.Svc.UpdateHousehold(tb.Ctx, h.ID, got.Version, func(x *registry.Household) {
			x.Members = []registry.Member{{PersonID: ps[0].ID, Relation: registry.RelHead}}
		})
		if err != nil {
			t.Fatalf("UpdateHousehold: %v", err)
		}
		if len(upd.Members) != 1 {
			t.Errorf("members after update = %d, want 1", len(upd.Members))
		}
	})
}

func TestOrganisationEmploymentDisabilityBank(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		v := sqlstoretest.Village(t, "652301", 2)
		o := &registry.Organisation{USCC: "91350100M000100Y43", Name: "昌吉市测试商贸有限公司", IndustryCode: "F5123", Size: registry.SizeSmall, RegionCode: v}
		if err := tb.Svc.CreateOrganisation(tb.Ctx, o); err != nil {
			t.Fatalf("CreateOrganisation: %v", err)
		}
		flagged := &registry.Organisation{USCC: "91350203M0001QAY9B", Name: "校验位存疑公司", IndustryCode: "C1711", Size: registry.SizeMicro, RegionCode: v}
		if err := tb.Svc.CreateOrganisation(tb.Ctx, flagged); err != nil {
			t.Fatalf("CreateOrganisation(bad check char, lenient): %v", err)
		}
		if got, _ := tb.Svc.Organisation(tb.Ctx, flagged.ID); !got.NeedsReview() {
			t.Error("organisation with a bad USCC check character is not flagged for review")
		}
		if err := tb.Svc.CreateOrganisation(tb.Ctx, &registry.Organisation{USCC: o.USCC, Name: "x", IndustryCode: "F51", Size: registry.SizeSmall, RegionCode: v}); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("CreateOrganisation(duplicate USCC) = %v, want conflict", err)
		}

		p := sqlstoretest.NewPerson(t, v, 31)
		if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
			t.Fatal(err)
		}
		e := &registry.Employment{PersonID: p.ID, OrgID: o.ID, Start: period.MustDate(2020, 1, 1), MonthlyWage: money.Yuan(6000)}
		if err := tb.Svc.CreateEmployment(tb.Ctx, e); err != nil {
			t.Fatalf("CreateEmployment: %v", err)
		}
		if e.RegionCode != v {
			t.Errorf("employment region = %s, want the employer's %s", e.RegionCode, v)
		}
		active, err := tb.Svc.Employments(tb.Ctx, registry.EmploymentFilter{ActiveOn: period.MustDate(2026, 1, 1)})
		if err != nil || len(active) != 1 {
			t.Fatalf("Employments(active 2026-01-01) = %d, %v; want 1", len(active), err)
		}
		ended, err := tb.Svc.UpdateEmployment(tb.Ctx, e.ID, e.Version, func(x *registry.Employment) {
			x.End, x.Separation = period.MustDate(2025, 6, 30), registry.SepInvoluntary
		})
		if err != nil {
			t.Fatalf("UpdateEmployment(end): %v", err)
		}
		if ended.Version != 2 {
			t.Errorf("version after end = %d, want 2", ended.Version)
		}
		active, _ = tb.Svc.Employments(tb.Ctx, registry.EmploymentFilter{ActiveOn: period.MustDate(2026, 1, 1)})
		if len(active) != 0 {
			t.Errorf("Employments(active after end) = %d, want 0", len(active))
		}
		if _, err := tb.Svc.UpdateEmployment(tb.Ctx, e.ID, ended.Version, func(x *registry.Employment) { x.Separation = "" }); fault.FieldsOf(err)["separation"] == "" {
			t.Errorf("ended spell without a reason: err = %v, want a problem with separation", err)
		}

		d := &registry.Disability{PersonID: p.ID, Kind: registry.DisPhysical, Grade: 2, Issued: period.MustDate(2019, 5, 1)}
		if err := tb.Svc.CreateDisability(tb.Ctx, d); err != nil {
			t.Fatalf("CreateDisability: %v", err)
		}
		ds, err := tb.Svc.Disabilities(tb.Ctx, p.ID)
		if err != nil || len(ds) != 1 || !ds[0].Severe() {
			t.Errorf("Disabilities = %v, %v; want one severe record", ds, err)
		}
		if err := tb.Svc.CreateDisability(tb.Ctx, &registry.Disability{PersonID: p.ID, Kind: registry.DisVisual, Grade: 5, Issued: period.MustDate(2019, 5, 1)}); fault.FieldsOf(err)["grade"] == "" {
			t.Errorf("CreateDisability(grade 5) = %v, want a problem with grade", err)
		}

		for _, no := range []string{"6222020200112233445", "6228480012345678901"} {
			b := &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(p.ID), BankCode: "ICBC", BankName: "中国工商银行", AccountNo: no, AccountName: p.Name, Primary: true}
			sqlstoretest.AddAccount(t, tb.Svc, tb.Ctx, b)
		}
		accts, err := tb.Svc.BankAccounts(tb.Ctx, registry.OwnerPerson, int64(p.ID))
		if err != nil || len(accts) != 2 {
			t.Fatalf("BankAccounts = %d, %v", len(accts), err)
		}
		if accts[0].Primary || !accts[1].Primary {
			t.Errorf("primary flags = %v, %v; want only the newest primary", accts[0].Primary, accts[1].Primary)
		}
	})
}

func TestCountyScope(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		in := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 0), 41)
		out := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652302", 0), 42)
		for _, p := range []*registry.Person{in, out} {
			if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 2, Username: "cw", Role: auth.RoleCaseworker, Scope: "652301"})
		if _, err := tb.Svc.Person(cw, in.ID); err != nil {
			t.Errorf("caseworker of 652301 reading a 652301 person: %v", err)
		}
		if _, err := tb.Svc.Person(cw, out.ID); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("caseworker of 652301 reading a 652302 person = %v, want not found", err)
		}
		if _, err := tb.Svc.Persons(cw, registry.PersonFilter{Region: "652302"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("caseworker of 652301 listing 652302 = %v, want forbidden", err)
		}
		list, err := tb.Svc.Persons(cw, registry.PersonFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != in.ID {
			t.Errorf("caseworker's unfiltered list = %d persons, want only person %d", len(list), in.ID)
		}
		if _, err := tb.Svc.UpdatePerson(cw, out.ID, 1, func(p *registry.Person) { p.Address = "x" }); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("caseworker of 652301 updating a 652302 person = %v, want not found", err)
		}
		// Moving a person out of one's own scope is refused too.
		if _, err := tb.Svc.UpdatePerson(cw, in.ID, 1, func(p *registry.Person) { p.RegionCode = out.RegionCode }); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("caseworker moving a person to 652302 = %v, want forbidden", err)
		}
		if err := tb.Svc.CreatePerson(cw, sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652302", 1), 43)); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("caseworker of 652301 creating in 652302 = %v, want forbidden", err)
		}
		an := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 3, Username: "an", Role: auth.RoleAnalyst, Scope: "652300"})
		if err := tb.Svc.CreatePerson(an, sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 1), 44)); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("analyst creating a person = %v, want forbidden", err)
		}
	})
}

func TestPagination(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		v := sqlstoretest.Village(t, "652323", 0)
		for i := 0; i < 7; i++ {
			if err := tb.Svc.CreatePerson(tb.Ctx, sqlstoretest.NewPerson(t, v, 100+i)); err != nil {
				t.Fatal(err)
			}
		}
		seen := map[registry.PersonID]bool{}
		var after int64
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			page, err := tb.Svc.Persons(tb.Ctx, registry.PersonFilter{Region: "652323", Page: registry.Page{After: after, Limit: 3}})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page {
				if seen[p.ID] {
					t.Fatalf("person %d seen twice", p.ID)
				}
				seen[p.ID] = true
				after = int64(p.ID)
			}
			if len(page) < 3 {
				break
			}
		}
		if len(seen) != 7 {
			t.Errorf("pages covered %d persons, want 7", len(seen))
		}
	})
}

func TestRecordDeaths(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		var ps []*registry.Person
		for i := range 3 {
			p := sqlstoretest.NewPerson(t, v, 20+i)
			if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		notice := func(line int, p *registry.Person, d period.Date) registry.DeathNotice {
			return registry.DeathNotice{Line: line, IDNumber: p.IDNumber, Name: p.Name, Date: d}
		}
		before := sqlstoretest.AuditCount(t, tb.DB)
		bad := []registry.DeathNotice{notice(2, ps[0], period.MustDate(2026, 9, 1)), notice(3, ps[1], period.MustDate(2027, 1, 1))}
		_, err := tb.Svc.RecordDeaths(tb.Ctx, bad, "public_security")
		if fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["row 3: death_date"] != "is in the future" {
			t.Fatalf("RecordDeaths(a future date) = %v %v, want row 3 named", err, fault.FieldsOf(err))
		}
		if sqlstoretest.AuditCount(t, tb.DB) != before {
			t.Fatal("a rejected file wrote audit events")
		}
		if p, _ := tb.DB.Person(tb.Ctx, ps[0].ID); !p.Alive() {
			t.Fatal("a rejected file recorded a death")
		}
		good := []registry.DeathNotice{notice(2, ps[0], period.MustDate(2026, 9, 1)), notice(3, ps[1], period.MustDate(2026, 9, 2))}
		out, err := tb.Svc.RecordDeaths(tb.Ctx, good, "public_security")
		if err != nil || out.Recorded != 2 || out.Repeats != 0 {
			t.Fatalf("RecordDeaths = %+v, %v; want 2 recorded", out, err)
		}
		if n := sqlstoretest.AuditCount(t, tb.DB); n != before+2 {
			t.Errorf("audit events = %d, want %d", n, before+2)
		}
		// Again: repeats change nothing; another date for a recorded death
		// is a problem.
		out, err = tb.Svc.RecordDeaths(tb.Ctx, good, "public_security")
		if err != nil || out.Recorded != 0 || out.Repeats != 2 {
			t.Errorf("RecordDeaths(again) = %+v, %v; want 2 repeats", out, err)
		}
		_, err = tb.Svc.RecordDeaths(tb.Ctx, []registry.DeathNotice{notice(5, ps[0], period.MustDate(2026, 9, 5))}, "public_security")
		if fault.FieldsOf(err)["row 5: death_date"] == "" {
			t.Errorf("RecordDeaths(another date) = %v, want row 5 named", err)
		}
		if p, _ := tb.DB.Person(tb.Ctx, ps[1].ID); p.DeathDate != period.MustDate(2026, 9, 2) || p.DeathSource != "public_security" {
			t.Errorf("person after RecordDeaths = %s %s", p.DeathDate, p.DeathSource)
		}
	})
}

func TestPersonSearchAudit(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewRegistry(t, open)
		tb.Svc.IDSearchesPerHour = 1
		var ps []*registry.Person
		for i := range 3 {
			p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 0), 61+i)
			if err := tb.Svc.CreatePerson(tb.Ctx, p); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		before := sqlstoretest.AuditCount(t, tb.DB)
		if got, err := tb.Svc.Persons(tb.Ctx, registry.PersonFilter{IDNumber: string(ps[0].IDNumber)}); err != nil || len(got) != 1 {
			t.Fatalf("search by ID number = %d persons, %v; want one", len(got), err)
		}
		// One search event and one read event.
		if n := sqlstoretest.AuditCount(t, tb.DB); n != before+2 {
			t.Errorf("a search that finds one person wrote %d audit events, want 2", n-before)
		}
		if _, err := tb.Svc.Persons(tb.Ctx, registry.PersonFilter{IDNumber: string(ps[1].IDNumber)}); fault.CodeOf(err) != fault.Throttled {
			t.Errorf("a second search in the hour with a limit of 1 = %v, want rate limited", err)
		}
		if n := sqlstoretest.AuditCount(t, tb.DB); n != before+3 {
			t.Errorf("a refused search wrote %d audit events, want 1", n-before-2)
		}
		if got, err := tb.Svc.Persons(tb.Ctx, registry.PersonFilter{}); err != nil || len(got) != 3 {
			t.Fatalf("list = %d persons, %v; want 3", len(got), err)
		}
		if n := sqlstoretest.AuditCount(t, tb.DB); n != before+6 {
			t.Errorf("a list of 3 persons wrote %d audit events, want 3", n-before-3)
		}
		evs, err := tb.DB.AuditEvents(context.Background(), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			for _, p := range ps {
				if strings.Contains(e.EntityID, string(p.IDNumber)) {
					t.Errorf("audit event %s names the full ID number", e.Action)
				}
			}
		}
	})
}
