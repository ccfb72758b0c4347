package sqlstore_test

import (
	"strconv"
	"testing"

	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestPersonFileReadModel reads what the person file shows beside the
// services: the payments to a person (theirs only, newest first), who read
// the person (the reads of that person only, newest first) and the alerts
// of a household (none here), on each engine.
func TestPersonFileReadModel(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPayments(t, open, 3)
		p := pb.Persons
		if _, err := pb.Pay.Generate(pb.CW, pb.M, ""); err != nil {
			t.Fatal(err)
		}
		ins, err := pb.DB.PersonPayments(pb.Ctx, p[1].ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ins) != 1 || ins[0].PayeeID != int64(p[1].ID) || ins[0].PayeeKind != "person" || int64(ins[0].Amount) != 300_001 {
			t.Fatalf("payments to person %d: %+v", p[1].ID, ins)
		}

		if _, err := pb.Svc.Person(pb.CW, p[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := pb.Svc.Person(pb.Approver, p[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := pb.Svc.Person(pb.Approver, p[2].ID); err != nil {
			t.Fatal(err)
		}
		reads, err := pb.DB.PersonReads(pb.Ctx, p[0].ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(reads) != 2 || reads[0].Actor.Name != "user3" || reads[1].Actor.Name != "user2" {
			t.Fatalf("reads of person %d: %+v", p[0].ID, reads)
		}
		for _, e := range reads {
			if e.Action != "person.read" || e.EntityID != strconv.FormatInt(int64(p[0].ID), 10) {
				t.Errorf("a read of another record: %+v", e)
			}
		}

		as, err := pb.DB.HouseholdAlerts(pb.Ctx, 1, p[0].RegionCode, 10)
		if err != nil || len(as) != 0 {
			t.Errorf("alerts of a household with none: %v %v", as, err)
		}
	})
}
