package execute_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestAccountExecutors reads a statement, back-pays two years and raises a
// year's tier, each twice with one effect.
func TestAccountExecutors(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		set := pb.App.Executors
		// 45 when the scheme began in 2011: may back-pay.
		old := pb.Retiree(t, sqlstoretest.Village(t, "652301", 3), period.MustDate(1965, time.June, 1), 71)
		pb.Enrol(t, &insurance.Enrolment{PersonID: old.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 10000,
			Start: period.NewMonth(2024, time.January)})
		if err := pb.DB.PostPayments(pb.Ctx, []insurance.Payment{{PersonID: old.ID, Scheme: insurance.ResidentPension, Period: period.NewMonth(2024, time.March),
			RegionCode: old.RegionCode, Individual: 10000, PaidOn: period.MustDate(2024, time.March, 5), ReceiptNo: "R-2024", Source: insurance.Posted}}); err != nil {
			t.Fatal(err)
		}

		back := execute.Request{ApplicationNo: "SNC20261122001", Matter: insMatter(t, "resident_pension_back_pay"), Person: old.ID,
			Form: insForm(t, map[string]any{"years": "2016,2015", "tier": 50000})}
		r := insExecuteTwice(t, pb.Ctx, set, back)
		var bp []insurance.Payment
		for _, p := range pb.Payments(t) {
			if p.Source == insurance.BackPaymentSource {
				bp = append(bp, p)
			}
		}
		if len(bp) != 2 || r.Ref != fmt.Sprintf("payment:%d", bp[0].ID) || !strings.Contains(r.Summary, "1,000.00") {
			t.Errorf("back pay = %+v; back payments %+v, want two of 500.00 (1,000.00)", r, bp)
		}
		insCheckMissing(t, pb.Ctx, set, execute.Request{ApplicationNo: "SNC20261122002", Matter: back.Matter, Person: old.ID}, "form.years", "form.tier")
		// A year the service refuses is named as the form's.
		_, err := insExecutor(t, set, back.Matter).Execute(pb.Ctx, execute.Request{ApplicationNo: "SNC20261122007", Matter: back.Matter, Person: old.ID,
			Form: insForm(t, map[string]any{"years": "2010", "tier": 50000})})
		insWantProblems(t, "back pay of 2010", err, "form.years.2010")

		tier := execute.Request{ApplicationNo: "SNC20261122003", Matter: insMatter(t, "resident_pension_tier_change"), Person: old.ID,
			Form: insForm(t, map[string]any{"year": 2024, "tier": 50000})}
		r = insExecuteTwice(t, pb.Ctx, set, tier)
		var up []insurance.Payment
		for _, p := range pb.Payments(t) {
			if p.Source == insurance.TierUpgradeSource {
				up = append(up, p)
			}
		}
		if len(up) != 1 || r.Ref != fmt.Sprintf("payment:%d", up[0].ID) || up[0].Individual != 40000 || !strings.Contains(r.Summary, "400.00") {
			t.Errorf("tier change = %+v; upgrades %+v, want one difference of 400.00", r, up)
		}
		insCheckMissing(t, pb.Ctx, set, execute.Request{ApplicationNo: "SNC20261122004", Matter: tier.Matter, Person: old.ID}, "form.year", "form.tier")

		stmt := execute.Request{ApplicationNo: "SNC20261122005", Matter: insMatter(t, "resident_pension_statement"), Person: old.ID}
		r = insExecuteTwice(t, pb.Ctx, set, stmt)
		st, ok := r.Record.(*insurance.Statement)
		// 2 × 500 back-paid and 400 more for 2024 (the 100 paid in 2024 is
		// not credited yet).
		if !ok || st.PersonID != old.ID || st.Balance != 140000 || !strings.Contains(r.Summary, "1,400.00") || !strings.Contains(r.Summary, "3年") {
			t.Errorf("statement = %+v", r)
		}
		insCheckMissing(t, pb.Ctx, set, execute.Request{ApplicationNo: "SNC20261122006", Matter: stmt.Matter}, "form.person_id")
	})
}

// TestHardshipPremiumExecutor has the 2025 premium of a severely disabled
// resident paid by government, twice with one entry, and refuses a
// person in no hardship group.
func TestHardshipPremiumExecutor(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		set := ib.App.Executors
		v := sqlstoretest.Village(t, "652301", 0)
		var ps []*registry.Person
		for i := range 2 {
			p := ib.Person(t, v, 41+2*i)
			ib.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 10000,
				Start: period.NewMonth(2024, time.January)})
			ps = append(ps, p)
		}
		if err := ib.Svc.CreateDisability(ib.Ctx, &registry.Disability{PersonID: ps[0].ID, Kind: registry.DisVisual, Grade: 1,
			Issued: period.MustDate(2020, time.January, 1)}); err != nil {
			t.Fatal(err)
		}
		req := execute.Request{ApplicationNo: "SND20261122001", Matter: insMatter(t, "hardship_premium"), Person: ps[0].ID,
			Form: insForm(t, map[string]any{"year": 2025})}
		r := insExecuteTwice(t, ib.Ctx, set, req)
		st, err := ib.App.Accounts.Statement(ib.Ctx, ps[0].ID, insurance.ResidentPension)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Entries) != 1 || st.Entries[0].Kind != insurance.EntryHardship || r.Ref != fmt.Sprintf("account_entry:%d", st.Entries[0].ID) ||
			!strings.Contains(r.Summary, "100.00") {
			t.Errorf("代缴 = %+v; entries %+v, want one of 100.00", r, st.Entries)
		}
		e := insExecutor(t, set, req.Matter)
		_, err = e.Execute(ib.Ctx, execute.Request{ApplicationNo: "SND20261122002", Matter: req.Matter, Person: ps[1].ID, Form: req.Form})
		insWantProblems(t, "代缴 of a person in no hardship group", err, "person_id")
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SND20261122003", Matter: req.Matter, Person: ps[0].ID}, "form.year")
	})
}

// TestRefundScreenExecutor screens an eligible employer's region: the
// batch waits for a second user (Pending), and once approved the same
// application finishes with the same batch.
func TestRefundScreenExecutor(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		set := ib.App.Executors
		v := sqlstoretest.Village(t, "652301", 8)
		o := ib.Org(t, v, 1)
		// Two staff paid unemployment premiums every month of 2024:
		// 1,680.00 paid, 60% refunded to a medium employer.
		if err := ib.DB.ExecRaw(ib.Ctx, fmt.Sprintf("UPDATE organisations SET size = 'medium' WHERE id = %d", o.ID)); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			p := ib.Person(t, v, 300+i)
			for mo := range 12 {
				m := period.NewMonth(2024, time.December).Add(-mo)
				if err := ib.DB.ExecRaw(ib.Ctx, fmt.Sprintf(`INSERT INTO payments (receipt_no, person_id, org_id, scheme, period, region_code, base, employer,
					individual, paid_on, source, created_at) VALUES ('U%d-%s', %d, %d, 'unemployment', '%s', '%s', 500000, 5000, 2000, '%s', 'tax', '2025-01-01T00:00:00Z')`,
					p.ID, m, p.ID, o.ID, m, v, m.Last())); err != nil {
					t.Fatal(err)
				}
			}
		}
		req := execute.Request{ApplicationNo: "SNE20261122001", Matter: insMatter(t, "job_stabilisation_refund"), Organisation: o.ID,
			Form: insForm(t, map[string]any{"year": 2025})}
		r := insExecuteTwice(t, ib.Ctx, set, req)
		runs, err := ib.App.Refunds.Runs(ib.Ctx, insurance.RefundRunFilter{Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || !r.Pending || r.Ref != fmt.Sprintf("refund_run:%d", runs[0].ID) || !strings.Contains(r.Summary, "1,008.00") {
			t.Fatalf("refund = %+v; runs %+v, want one batch of 1,008.00 waiting", r, runs)
		}
		approver := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 3, Username: "approver", Role: auth.RoleApprover, Scope: "652300"})
		if _, err := ib.App.Refunds.Decide(approver, runs[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		done := insExecuteTwice(t, ib.Ctx, set, req)
		if done.Pending || done.Ref != r.Ref {
			t.Errorf("after approval = %+v, want finished with %s", done, r.Ref)
		}
		insCheckMissing(t, ib.Ctx, set, execute.Request{ApplicationNo: "SNE20261122002", Matter: req.Matter}, "organisation_id", "form.year")
	})
}
