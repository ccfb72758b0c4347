package sqlstore_test

import (
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestBulkLoad(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := setup(t, open)
		v := sqlstoretest.Village(t, "652325", 3)
		loader, err := tb.svc.NewLoader(tb.ctx, tb.db)
		if err != nil {
			t.Fatal(err)
		}
		k, err := loader.NextKeys(tb.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if k.Person != 1 || k.Household != 1 {
			t.Fatalf("NextKeys on an empty database = %+v, want 1s", k)
		}
		batch := func() *registry.Bulk {
			p1, p2 := *sqlstoretest.NewPerson(t, v, 61), *sqlstoretest.NewPerson(t, v, 62)
			p1.ID, p2.ID = k.Person, k.Person+1
			return &registry.Bulk{
				Persons:       []registry.Person{p1, p2},
				Households:    []registry.Household{{ID: k.Household, RegionCode: v, HukouType: registry.HukouRural, Members: []registry.Member{{PersonID: p1.ID, Relation: registry.RelHead}, {PersonID: p2.ID, Relation: registry.RelSpouse}}}},
				Organisations: []registry.Organisation{{ID: k.Org, USCC: "91350200776049653A", Name: "奇台县测试农业合作社", IndustryCode: "A0111", Size: registry.SizeMicro, RegionCode: v}},
				Employment:    []registry.Employment{{ID: k.Employment, PersonID: p1.ID, OrgID: k.Org, RegionCode: v, Start: period.MustDate(2015, time.April, 1), MonthlyWage: money.Yuan(4200)}},
				Disabilities:  []registry.Disability{{ID: k.Disability, PersonID: p2.ID, RegionCode: v, Kind: registry.DisHearing, Grade: 3, Issued: period.MustDate(2010, 1, 1)}},
				BankAccounts:  []registry.BankAccount{{ID: k.BankAccount, OwnerKind: registry.OwnerPerson, OwnerID: int64(p1.ID), RegionCode: v, BankCode: "XJRCU", BankName: "新疆农村信用社", AccountNo: "6230361234567890123", AccountName: p1.Name, Primary: true}},
			}
		}

		// One bad row rejects the batch whole, naming the row and field.
		bad := batch()
		bad.Persons[1].IDNumber = "652325198003050011"
		err = loader.Load(tb.ctx, bad)
		if fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["persons[1].id_number"] == "" {
			t.Fatalf("Load(bad row) = %v, want invalid naming persons[1].id_number", err)
		}
		if k2, _ := loader.NextKeys(tb.ctx); k2 != k {
			t.Fatalf("keys after a rejected batch = %+v, want %+v (nothing written)", k2, k)
		}

		if err := loader.Load(tb.ctx, batch()); err != nil {
			t.Fatalf("Load: %v", err)
		}
		if err := loader.Finish(tb.ctx); err != nil {
			t.Fatal(err)
		}
		// The same keys again conflict, and write nothing.
		if err := loader.Load(tb.ctx, batch()); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("Load(same keys twice) = %v, want conflict", err)
		}
		h, err := tb.svc.Household(tb.ctx, k.Household)
		if err != nil || len(h.Members) != 2 {
			t.Fatalf("loaded household = %+v, %v", h, err)
		}
		// Keys handed out after the load do not collide with loaded ones.
		p := sqlstoretest.NewPerson(t, v, 63)
		if err := tb.svc.CreatePerson(tb.ctx, p); err != nil {
			t.Fatalf("CreatePerson after bulk load: %v", err)
		}
		if p.ID != k.Person+2 {
			t.Errorf("new person's key = %d, want %d", p.ID, k.Person+2)
		}
		if n := sqlstoretest.AuditCount(t, tb.db); n != 2 {
			t.Errorf("audit events = %d, want 2 (one bulk batch, one create)", n)
		}
	})
}
