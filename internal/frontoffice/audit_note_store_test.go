package frontoffice_test

import (
	"context"
	"testing"

	"safetynet/internal/frontoffice"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestAuditChainHoldsWithCommasInNotes: a note with ASCII commas (an
// amount written 7,016.66 in a death settlement's summary, a clerk's
// free text) is recorded in the audit trail without breaking its chain:
// the trail's fields are a comma-separated list, so the note's commas are
// escaped as the other stores' free texts are.
func TestAuditChainHoldsWithCommasInNotes(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), sqlstoretest.Today))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Withdraw(o.clerk, a.No, 0, "申请人撤回,改日再办：补发 7,016.66 元"); err != nil {
			t.Fatal(err)
		}
		d, err := o.fo.Get(o.cw, a.No)
		if err != nil || d.Status != frontoffice.Withdrawn {
			t.Fatalf("Get = %+v, %v; want withdrawn", d, err)
		}
		rep, err := o.pb.DB.VerifyAudit(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Break != nil {
			t.Fatalf("the audit chain breaks at %+v", rep.Break)
		}
	})
}
