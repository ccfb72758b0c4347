package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestCaseRows lists cases for the console with their heads' names, by
// status, the virtual to_approve (proposed, or on notice with the notice
// ended), objections pending, a notice running in a period and region,
// paged by key; and names the awards and review proposals.
func TestCaseRows(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPayments(t, open, 3)
		p, db, ctx := pb.Persons, pb.DB, pb.Ctx
		v := p[0].RegionCode
		qs := []string{
			// 601: head 0, spouse 1; 602: a child (2) and no head.
			fmt.Sprintf(`INSERT INTO households (id, region_code, hukou_type, created_at, updated_at) VALUES
				(601, '%[1]s', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'),
				(602, '%[1]s', 'urban', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')`, v),
			fmt.Sprintf(`INSERT INTO household_members (household_id, person_id, region_code, relation) VALUES
				(601, %[1]d, '%[4]s', 'head'), (601, %[2]d, '%[4]s', 'spouse'), (602, %[3]d, '%[4]s', 'child')`, p[0].ID, p[1].ID, p[2].ID, v),
			fmt.Sprintf(`INSERT INTO assistance_awards (id, programme, kind, household_id, person_id, region_code, amount, start_month, status, created_by, created_at) VALUES
				(7101, 'dibao', 'monthly', 601, 0, '%[1]s', 1000, '2026-01', 'active', 't', '2026-01-01T00:00:00Z'),
				(7102, 'tekun', 'monthly', 0, %[2]d, '%[1]s', 2000, '2026-01', 'active', 't', '2026-01-01T00:00:00Z')`, v, p[2].ID),
		}
		for _, q := range qs {
			if err := db.ExecRaw(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		nov := func(d int) period.Date { return period.MustDate(2026, time.November, d) }
		mk := func(hh registry.HouseholdID, prog string, person registry.PersonID, status assistance.CaseStatus, from, to period.Date) *assistance.Case {
			c := &assistance.Case{Programme: prog, HouseholdID: hh, PersonID: person, RegionCode: v, Channel: assistance.ChannelCounter,
				Status: assistance.StatusApplied, AppliedOn: nov(1), CreatedBy: 2, Version: 1}
			if prog == assistance.ProgTemporary {
				c.HardshipType, c.Expense = assistance.HardshipEmergency, 100
			}
			if err := db.CreateCase(ctx, c, ""); err != nil {
				t.Fatal(err)
			}
			if status != assistance.StatusApplied {
				c.Status, c.NoticeFrom, c.NoticeTo, c.Eligible, c.Amount = status, from, to, true, 500
				if err := db.ChangeCase(ctx, &assistance.CaseChange{Case: c, Action: "test"}); err != nil {
					t.Fatal(err)
				}
			}
			return c
		}
		a := mk(601, assistance.ProgDibao, 0, assistance.StatusApplied, 0, 0)
		b := mk(601, assistance.ProgTekun, p[1].ID, assistance.StatusProposed, 0, 0)
		c := mk(602, assistance.ProgDibao, 0, assistance.StatusNotice, nov(1), nov(10))
		d := mk(601, assistance.ProgTemporary, 0, assistance.StatusNotice, nov(20), nov(30))
		if err := db.ChangeCase(ctx, &assistance.CaseChange{Case: d, Action: "objection received",
			Objection: &assistance.Objection{CaseID: d.ID, ReceivedOn: nov(21), Content: "x", Outcome: assistance.ObjectionPending}}); err != nil {
			t.Fatal(err)
		}

		ids := func(f sqlstore.CaseRowFilter) []assistance.CaseID {
			t.Helper()
			if f.Region == "" {
				f.Region = "652301"
			}
			rows, err := db.CaseRows(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []assistance.CaseID
			for _, r := range rows {
				out = append(out, r.ID)
			}
			return out
		}
		all, err := db.CaseRows(ctx, sqlstore.CaseRowFilter{Region: "652301", Page: registry.Page{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 4 {
			t.Fatalf("all cases: %d rows, want 4", len(all))
		}
		if all[0].HeadName != p[0].Name || all[0].PersonName != "" {
			t.Errorf("case a names %q/%q, want the head %q", all[0].HeadName, all[0].PersonName, p[0].Name)
		}
		if all[1].PersonName != p[1].Name {
			t.Errorf("case b names the person %q, want %q", all[1].PersonName, p[1].Name)
		}
		if all[2].HeadName != "" || all[2].NoticeTo != nov(10) || !all[2].Eligible || all[2].Amount != 500 {
			t.Errorf("case c: %+v, want no head, notice to 10 November, eligible, 500 fen", all[2])
		}
		for _, tc := range []struct {
			name string
			f    sqlstore.CaseRowFilter
			want []assistance.CaseID
		}{
			{"applied", sqlstore.CaseRowFilter{Status: "applied"}, []assistance.CaseID{a.ID}},
			{"to approve on 22 November", sqlstore.CaseRowFilter{Status: sqlstore.CaseStatusToApprove, AsOf: nov(22)}, []assistance.CaseID{b.ID, c.ID}},
			{"to approve on 5 November", sqlstore.CaseRowFilter{Status: sqlstore.CaseStatusToApprove, AsOf: nov(5)}, []assistance.CaseID{b.ID}},
			{"objections pending", sqlstore.CaseRowFilter{ObjectionsPending: true}, []assistance.CaseID{d.ID}},
			{"notice on 5-6 November", sqlstore.CaseRowFilter{NoticeFrom: nov(5), NoticeTo: nov(6)}, []assistance.CaseID{c.ID}},
			{"notice in November", sqlstore.CaseRowFilter{NoticeFrom: nov(1), NoticeTo: nov(30)}, []assistance.CaseID{c.ID, d.ID}},
			{"temporary", sqlstore.CaseRowFilter{Programme: assistance.ProgTemporary}, []assistance.CaseID{d.ID}},
			{"another county", sqlstore.CaseRowFilter{Region: "652302"}, nil},
			{"a page after a", sqlstore.CaseRowFilter{Page: registry.Page{After: int64(a.ID), Limit: 2}}, []assistance.CaseID{b.ID, c.ID}},
		} {
			if got := ids(tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}

		names, err := db.AwardNames(ctx, []assistance.AwardID{7101, 7102, 9999})
		if err != nil {
			t.Fatal(err)
		}
		if names[7101] != p[0].Name || names[7102] != p[2].Name || len(names) != 2 {
			t.Errorf("award names: %v, want the head %s and the person %s", names, p[0].Name, p[2].Name)
		}
		for _, r := range []*assistance.Review{
			{AwardID: 7101, RegionCode: v, DueOn: nov(1), Outcome: assistance.ReviewStopProposed, OldAmount: 1000, ReviewedBy: 2, ReviewedAt: time.Now()},
			{AwardID: 7102, RegionCode: v, DueOn: nov(1), Outcome: assistance.ReviewContinue, Eligible: true, Amount: 2000, OldAmount: 2000, ReviewedBy: 2, ReviewedAt: time.Now()},
		} {
			if err := db.SaveReview(ctx, r, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := db.ReviewProposals(ctx, "652301", registry.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].AwardID != 7101 || rs[0].Name != p[0].Name || rs[0].Programme != assistance.ProgDibao || rs[0].Outcome != assistance.ReviewStopProposed {
			t.Errorf("review proposals: %+v, want the stop of award 7101 for %s", rs, p[0].Name)
		}
		if rs, err := db.ReviewProposals(ctx, "652302", registry.Page{Limit: 10}); err != nil || len(rs) != 0 {
			t.Errorf("review proposals of another county: %+v, %v", rs, err)
		}
	})
}
