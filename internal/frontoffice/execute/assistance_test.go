package execute_test

import (
	"strings"
	"testing"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestAssistanceMatters carries a dibao application through the
// executors on both engines: the application opens one case, the means
// test classifies the household, the classification is read, an
// objection on public notice is received once, and the award made is
// printed; each Check names what is missing.
func TestAssistanceMatters(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		set := ab.App.Executors
		v := sqlstoretest.Village(t, "652301", 3)
		h, ps := ab.Household(t, v, 1, period.MustDate(1980, time.March, 5), period.MustDate(1982, time.May, 1))

		dibao := map[string]string{"programme": "dibao"}
		req := request("SN1", "assistance.apply", dibao, map[string]any{"channel": "bank", "note": "夫妻二人打零工，收入低"})
		req.Person = ps[0].ID
		r := twice(t, set, ab.CW, "assistance.apply", req)
		caseID := assistance.CaseID(id(t, r, "assistance_case"))
		cs, err := ab.As.Cases(ab.CW, assistance.CaseFilter{HouseholdID: h.ID, Page: registry.Page{Limit: 10}})
		if err != nil || len(cs) != 1 || cs[0].Channel != assistance.ChannelBankPoint || cs[0].ID != caseID {
			t.Fatalf("cases %+v, %v; want the one case received at a bank outlet", cs, err)
		}
		wantProblems(t, set, ab.CW, "assistance.apply", request("SN2", "assistance.apply", map[string]string{"programme": "temporary"}, map[string]any{"channel": "fax"}),
			"person_id", "form.channel", "form.hardship_type", "form.expense")

		// 昌吉市 urban standard in 2026: 780.00; wages of 500 and 400 a
		// month are 450.00 per member: dibao.
		mt := sqlstoretest.MeansTest(ps, 50_000, 40_000)
		req = request("SN3", "assistance.means_test", nil, map[string]any{"period": ab.Month().String(), "members": mt.Members, "lines": mt.Lines, "heating_type": "central"})
		req.Person = ps[1].ID
		r = twice(t, set, ab.CW, "assistance.means_test", req)
		testID := assistance.TestID(id(t, r, "means_test"))
		if !strings.Contains(r.Summary, "低保对象") || !strings.Contains(r.Summary, "450.00 元") {
			t.Errorf("means test summary %q, want dibao at 450.00 元 per member", r.Summary)
		}
		wantProblems(t, set, ab.CW, "assistance.means_test", request("SN4", "assistance.means_test", nil, map[string]any{"members": []map[string]any{{"relation": "head"}}}),
			"person_id", "form.period", "form.members[0].person_id", "form.heating_type")

		req = request("SN5", "assistance.classification", nil, map[string]any{})
		req.Person = ps[0].ID
		r = twice(t, set, ab.CW, "assistance.classification", req)
		if ex, ok := r.Record.(*assistance.Explanation); !ok || ex.Layer != assistance.LayerDibao || ex.TestID != testID {
			t.Errorf("classification record %+v, want the dibao explanation of test %d", r.Record, testID)
		}
		wantProblems(t, set, ab.CW, "assistance.classification", request("SN6", "assistance.classification", nil, map[string]any{"month": "2026-13"}), "person_id", "form.month")

		// The case takes the test, is assessed and goes on notice.
		c, err := ab.As.FindCase(ab.CW, caseID)
		if err != nil {
			t.Fatal(err)
		}
		cs2, err := ab.As.UseTest(ab.CW, caseID, c.Version, testID, "")
		if err != nil {
			t.Fatal(err)
		}
		onNotice, err := ab.As.Assess(ab.CW, caseID, cs2.Version, "")
		if err != nil || onNotice.Status != assistance.StatusNotice {
			t.Fatalf("Assess = %+v, %v; want on notice", onNotice, err)
		}
		ab.Advance(2)
		req = request("SN7", "assistance.objection", nil, map[string]any{"case_id": caseID, "objector": "匿名", "content": "该户有一辆轿车"})
		r = twice(t, set, ab.CW, "assistance.objection", req)
		view, err := ab.As.FindCase(ab.CW, caseID)
		if err != nil || len(view.Objections) != 1 || int64(view.Objections[0].ID) != id(t, r, "objection") {
			t.Fatalf("objections %+v, %v; want the one received", view, err)
		}
		wantProblems(t, set, ab.CW, "assistance.objection", request("SN8", "assistance.objection", nil, map[string]any{"case_id": "x"}), "form.case_id", "form.content")

		// Dismissed, the notice over, approved: the award is printed.
		if _, err := ab.As.ResolveObjection(ab.CW, caseID, view.Objections[0].ID, false, "车辆已于去年出售"); err != nil {
			t.Fatal(err)
		}
		ab.Advance(6)
		view, err = ab.As.FindCase(ab.CW, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ab.As.Approve(ab.Approver, caseID, view.Version, ""); err != nil {
			t.Fatal(err)
		}
		req = request("SN9", "assistance.award.record", nil, map[string]any{})
		req.Person = ps[1].ID
		r = twice(t, set, ab.CW, "assistance.award.record", req)
		if as, ok := r.Record.([]*assistance.Award); !ok || len(as) != 1 || !strings.Contains(r.Summary, "最低生活保障每月660.00 元") {
			t.Errorf("award record %+v (%q), want the dibao of 660.00 元 a month", r.Record, r.Summary)
		}
		award := r.Record.([]*assistance.Award)[0]
		_, others := ab.Household(t, v, 20, period.MustDate(1975, time.July, 7))
		req = request("SN11", "assistance.award.record", nil, map[string]any{"award_id": award.ID})
		req.Person = others[0].ID
		if ex, _ := set.For("assistance.award.record"); true {
			if _, err := ex.Execute(ab.CW, req); fault.FieldsOf(err)["form.award_id"] == "" {
				t.Errorf("another household's award printed: %v, want a problem with form.award_id", err)
			}
		}
		wantProblems(t, set, ab.CW, "assistance.award.record", request("SN10", "assistance.award.record", nil, map[string]any{"award_id": true}), "person_id", "form.award_id")
	})
}
