package insurance_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestHardshipPremiums(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		start := period.NewMonth(2024, time.January)
		var ps []*registry.Person
		for i := range 6 {
			code := sqlstoretest.Village(t, region.Code([]string{"652301", "652302"}[i%2]), i)
			p := sqlstoretest.NewPerson(t, code, 40+i)
			switch i {
			case 4: // 64 on 1 January 2025: past the pension age
				p.IDNumber = sqlstoretest.ResidentID(t, string(code.County()), 1960, time.June, 1, 40+i)
			case 5: // household registered in Ürümqi, not in Changji
				p.HukouRegion = "650102"
			}
			if err := ab.Svc.CreatePerson(ab.Ctx, p); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
			if i != 3 { // ps[3] is not enrolled in the resident pension
				ab.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 10000, Start: start})
			}
		}
		for i, grade := range map[int]int{1: 1, 2: 3} { // ps[1] severe, ps[2] not
			d := &registry.Disability{PersonID: ps[i].ID, Kind: registry.DisVisual, Grade: grade, Issued: period.MustDate(2020, time.January, 1)}
			if err := ab.Svc.CreateDisability(ab.Ctx, d); err != nil {
				t.Fatalf("CreateDisability: %v", err)
			}
		}
		rec := func(line int, p *registry.Person, g insurance.HardshipGroup) insurance.HardshipRecord {
			return insurance.HardshipRecord{Line: line, IDNumber: p.IDNumber, Name: p.Name, Group: g}
		}
		unknown := sqlstoretest.ResidentID(t, "652301", 1990, time.May, 5, 999)
		bad := []insurance.HardshipRecord{rec(2, ps[0], insurance.GroupDibao), {Line: 3, IDNumber: unknown, Name: "无此人", Group: insurance.GroupDibao},
			{Line: 4, IDNumber: ps[3].IDNumber, Name: "别的名字", Group: insurance.GroupTekun}}
		_, err := ab.acc.ImportHardship(ab.Ctx, ab.DB, 2025, "民政 2025.xlsx", bad)
		fields := fault.FieldsOf(err)
		if fault.CodeOf(err) != fault.Invalid || fields["row 3: id_number"] == "" || fields["row 4: name"] == "" || len(fields) != 2 {
			t.Fatalf("bad list: %v %v, want rows 3 and 4 named", err, fields)
		}
		if strings.Contains(fmt.Sprint(fields), string(unknown)) {
			t.Errorf("the report shows an ID number in full: %v", fields)
		}
		good := []insurance.HardshipRecord{rec(2, ps[0], insurance.GroupDibao), rec(3, ps[0], insurance.GroupTekun),
			rec(4, ps[3], insurance.GroupDibao), rec(5, ps[4], insurance.GroupDibao), rec(6, ps[5], insurance.GroupTekun)}
		imp, err := ab.acc.ImportHardship(ab.Ctx, ab.DB, 2025, "民政 2025.xlsx", good)
		if err != nil || imp.Added != 5 || imp.Known != 0 {
			t.Fatalf("ImportHardship = %+v, %v", imp, err)
		}
		if imp, err = ab.acc.ImportHardship(ab.Ctx, ab.DB, 2025, "民政 2025.xlsx", good); err != nil || imp.Added != 0 || imp.Known != 5 {
			t.Errorf("second import = %+v, %v; want nothing added", imp, err)
		}

		b, err := ab.acc.PayHardshipPremiums(ab.Ctx, 2025, "")
		if err != nil {
			t.Fatalf("PayHardshipPremiums: %v", err)
		}
		// ps[0] for two reasons, once; ps[1] severely disabled; not ps[2]
		// (grade 3), ps[3] (not enrolled), ps[4] (past pension age) or ps[5]
		// (no local hukou).
		if b.ID == 0 || b.Persons != 2 || b.Amount != 10000 || b.Total != 20000 || len(b.Items) != 2 || b.AlreadyPaid != 0 {
			t.Fatalf("batch = %+v", b)
		}
		if it := b.Items[0]; it.PersonID != ps[0].ID || fmt.Sprint(it.Groups) != "[dibao tekun]" || it.Name != ps[0].Name {
			t.Errorf("item 0 = %+v", it)
		}
		if it := b.Items[1]; it.PersonID != ps[1].ID || fmt.Sprint(it.Groups) != "[severe_disability]" {
			t.Errorf("item 1 = %+v", it)
		}
		es := ab.entries(t, ps[0], insurance.ResidentPension)
		if len(es) != 1 || es[0].Kind != insurance.EntryHardship || es[0].Amount != 10000 || !es[0].Government || es[0].Ref != "hardship:2025" ||
			es[0].Period != period.NewMonth(2025, time.January) {
			t.Errorf("ps[0] entries = %+v", es)
		}
		again, err := ab.acc.PayHardshipPremiums(ab.Ctx, 2025, "")
		if err != nil || again.ID != 0 || again.Persons != 0 || again.AlreadyPaid != 2 {
			t.Errorf("second run = %+v, %v; want nobody new", again, err)
		}
		// ps[2] is tagged low-income later: the next run pays for ps[2] alone.
		if _, err := ab.acc.ImportHardship(ab.Ctx, ab.DB, 2025, "民政补充", []insurance.HardshipRecord{rec(2, ps[2], insurance.GroupLowIncome)}); err != nil {
			t.Fatal(err)
		}
		b2, err := ab.acc.PayHardshipPremiums(ab.Ctx, 2025, "")
		if err != nil || b2.Persons != 1 || b2.Items[0].PersonID != ps[2].ID || b2.AlreadyPaid != 2 || b2.ID == b.ID {
			t.Errorf("third run = %+v, %v", b2, err)
		}
		got, err := ab.acc.HardshipBatch(ab.Ctx, b.ID)
		if err != nil || got.Year != 2025 || got.Persons != 2 || len(got.Items) != 2 || fmt.Sprint(got.Items[0].Groups) != "[dibao tekun]" || got.CreatedAt.IsZero() {
			t.Errorf("HardshipBatch = %+v, %v", got, err)
		}
		if _, err := ab.acc.HardshipBatch(ab.Ctx, 9999); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("unknown batch: %v", err)
		}
		if n := sqlstoretest.AuditActions(t, ab.DB); n["hardship.pay"] != 2 || n["hardship.import"] != 2 {
			t.Errorf("audit = %v, want 2 hardship.pay and 2 hardship.import", n)
		}
	})
}
