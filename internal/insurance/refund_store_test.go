package insurance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestRefundEndToEnd screens employers for the 2025 refund on 2024's
// figures, in two batches, approves them, and pays them to the employers'
// accounts.
func TestRefundEndToEnd(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		v := sqlstoretest.Village(t, "652301", 8)
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 2, Username: "cw", Role: auth.RoleCaseworker, Scope: "652300"})
		approver := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 3, Username: "approver", Role: auth.RoleApprover, Scope: "652300"})
		orgs := map[string]*registry.Organisation{}
		seq := 0
		employ := func(name string, size registry.OrgSize, staff, months int) {
			o := ib.Org(t, v, len(orgs)+1)
			if err := ib.DB.ExecRaw(ib.Ctx, fmt.Sprintf("UPDATE organisations SET size = '%s' WHERE id = %d", size, o.ID)); err != nil {
				t.Fatal(err)
			}
			orgs[name] = o
			for range staff {
				seq++
				p := ib.Person(t, v, 300+seq)
				for mo := 0; mo < months; mo++ {
					m := period.NewMonth(2024, time.December).Add(-mo)
					if err := ib.DB.ExecRaw(ib.Ctx, fmt.Sprintf(`INSERT INTO payments (receipt_no, person_id, org_id, scheme, period, region_code, base, employer,
						individual, paid_on, source, created_at) VALUES ('U%d-%s', %d, %d, 'unemployment', '%s', '%s', 500000, 5000, 2000, '%s', 'tax', '2025-01-01T00:00:00Z')`,
						p.ID, m, p.ID, o.ID, m, v, m.Last())); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		employ("A", registry.SizeMedium, 2, 12) // 24 person-months, 1,680.00: 60% → 1,008.00
		employ("B", registry.SizeLarge, 2, 12)  // one of two staff claimed: 50% laid off
		employ("C", registry.SizeSmall, 2, 11)  // 11 months paid: refused
		employ("D", registry.SizeSmall, 1, 12)  // 840.00: 60% → 504.00
		claimant := ib.Person(t, v, 399)
		if err := ib.DB.ExecRaw(ib.Ctx, fmt.Sprintf(`INSERT INTO unemployment_claims (region_code, person_id, org_id, separation_date, separation, registered_on,
			retirement_group, start_month, contribution_months, carried_months, entitlement_months, monthly_amount, status, decision, created_at)
			VALUES ('%s', %d, %d, '2024-05-31', 'terminated_by_employer', '2024-06-03', 'male', '2024-06', 36, 0, 12, 180000, 'open', '{}', '2024-06-03T00:00:00Z')`,
			v, claimant.ID, orgs["B"].ID)); err != nil {
			t.Fatal(err)
		}
		rf := ib.App.Refunds
		run, err := rf.Screen(cw, 2025, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[registry.OrgID]int64{}
		for _, it := range run.Items {
			got[it.OrgID] = int64(it.Amount)
		}
		if run.Batch != 1 || run.Enterprises != 2 || got[orgs["A"].ID] != 100_800 || got[orgs["D"].ID] != 50_400 {
			t.Fatalf("first batch %+v (%v), want A 1,008.00 and D 504.00", run, got)
		}
		// One batch waits for approval at a time: a second would propose
		// the same employers again.
		if _, err := rf.Screen(cw, 2025, ""); fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), fmt.Sprintf("refund run %d ", run.ID)) {
			t.Errorf("a second batch while batch 1 waits = %v, want conflict naming run %d", err, run.ID)
		}
		if _, err := rf.Decide(auth.WithPrincipal(context.Background(), auth.Principal{UserID: 2, Username: "cw", Role: auth.RoleApprover, Scope: "652300"}), run.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("approval by the run's maker = %v, want forbidden", err)
		}
		// A rejection gives its reason in note, the field the client sends.
		if _, err := rf.Decide(approver, run.ID, false, ""); fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["note"] == "" {
			t.Errorf("a rejection without a note = %v (fields %v), want invalid naming note", err, fault.FieldsOf(err))
		}
		if run, err = rf.Decide(approver, run.ID, true, ""); err != nil || run.Status != insurance.RefundApproved {
			t.Fatalf("approve: %+v, %v", run, err)
		}
		// The second batch: an employer whose figures arrived late; those
		// refunded in the first are not screened again.
		employ("E", registry.SizeMicro, 1, 12)
		second, err := rf.Screen(cw, 2025, "")
		if err != nil || second.Batch != 2 || second.Enterprises != 1 || second.Items[0].OrgID != orgs["E"].ID {
			t.Fatalf("second batch %+v, %v; want E only", second, err)
		}
		if _, err := rf.Decide(approver, second.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		// Nobody left to refund: nothing recorded, nothing to approve.
		none, err := rf.Screen(cw, 2025, "")
		if err != nil || none.Status != insurance.RefundNone || none.ID != 0 || none.Enterprises != 0 {
			t.Fatalf("a screening with nobody left %+v, %v; want status none and no run", none, err)
		}
		if _, err := rf.FindRun(cw, second.ID+1); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("run %d after a screening with nobody left = %v, want not found", second.ID+1, err)
		}
		// Every employer refunded is told, once.
		ns, err := ib.DB.QueuedNotices(ib.Ctx, 10)
		told := map[int64]int{}
		for _, n := range ns {
			if n.RecipientKind == "organisation" && n.Kind == "granted" && strings.Contains(n.Message, "稳岗返还") {
				told[n.RecipientID]++
			}
		}
		if err != nil || len(told) != 3 || told[int64(orgs["A"].ID)] != 1 || told[int64(orgs["E"].ID)] != 1 {
			t.Errorf("refund notices %v, %v; want one to each of A, D and E", told, err)
		}
		batches, err := rf.Batches(cw, 2025, "", false)
		if err != nil || len(batches) != 2 || batches[0].Enterprises != 2 || batches[0].Amount != 151_200 || batches[1].Amount != 50_400 {
			t.Errorf("batches %+v, %v", batches, err)
		}
		// Paid to the employers' accounts: A has one, D and E none (held).
		sqlstoretest.AddAccount(t, ib.Svc, ib.Ctx, &registry.BankAccount{OwnerKind: registry.OwnerOrganisation, OwnerID: int64(orgs["A"].ID),
			BankCode: "ICBC", BankName: "工商银行", AccountNo: "3002000012345678", AccountName: orgs["A"].Name, Primary: true})
		m := ib.App.Clock.Today().Period()
		sum, err := ib.App.Payments.Generate(cw, m, "")
		if err != nil || sum.Created != 3 || sum.Held != 2 || sum.ByFund[payment.FundUnemployment] != 201_600 {
			t.Errorf("payment run %+v, %v; want the three refunds from the unemployment fund, two held", sum, err)
		}
	})
}
