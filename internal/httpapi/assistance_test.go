package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"safetynet/internal/period"
)

// TestAssistanceCaseAPI takes a 低保 application through the API: the
// investigation (a bad line named), the classification with its reasons
// and the items it opens, the assessment, the public notice, approval by
// another user, the month's payment (twice, once paid) and the report.
func TestAssistanceCaseAPI(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	person := func(seq int) personJSON {
		var p personJSON
		b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
			"id_number": residentID(t, seq), "name": "马建国", "ethnicity": "hui", "hukou_type": "rural", "hukou_region": "652301",
			"region_code": vs[0],
		}).want(t, http.StatusCreated).decode(t, &p)
		return p
	}
	head, spouse := person(41), person(42)
	var h struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": vs[0], "hukou_type": "rural",
		"members": []map[string]any{{"person_id": head.ID, "relation": "head"}, {"person_id": spouse.ID, "relation": "spouse"}},
	}).want(t, http.StatusCreated).decode(t, &h)

	type caseJSON struct {
		ID       int64  `json:"id"`
		Status   string `json:"status"`
		Amount   int64  `json:"amount"`
		AwardID  int64  `json:"award_id"`
		Version  int64  `json:"version"`
		NoticeTo string `json:"notice_to"`
		Decision *struct {
			Eligible bool `json:"eligible"`
		} `json:"decision"`
		Events []struct {
			Action string `json:"action"`
		} `json:"events"`
	}
	var c caseJSON
	wantField(t, b.do(t, "POST", "/api/v1/assistance-cases", "cw2", map[string]any{"programme": "dibao", "household_id": h.ID, "channel": "online"}).
		problem(t, http.StatusUnprocessableEntity), "household_id") // outside cw2's scope: unknown
	b.do(t, "POST", "/api/v1/assistance-cases", "cw1", map[string]any{"programme": "dibao", "household_id": h.ID, "channel": "online"}).
		want(t, http.StatusCreated).decode(t, &c)
	path := fmt.Sprintf("/api/v1/assistance-cases/%d", c.ID)

	members := []map[string]any{{"person_id": head.ID, "has_supporter": true}, {"person_id": spouse.ID, "has_supporter": true}}
	pb := b.do(t, "POST", path+"/investigation", "cw1", map[string]any{"version": c.Version, "heating_type": "central", "members": members,
		"lines": []map[string]any{{"person_id": head.ID, "kind": "income.lottery", "amount": 100}}}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("lines[0].kind"); !ok {
		t.Errorf("errors %+v do not name lines[0].kind", pb.Errors)
	}
	// Wages of 300 a month each; 昌吉市 rural standard 515.00 from
	// 2025-07-01: (515 - 300) × 2 = 430.00 a month.
	lines := []map[string]any{{"person_id": head.ID, "kind": "income.wage", "amount": 360_000}, {"person_id": spouse.ID, "kind": "income.wage", "amount": 360_000}}
	b.do(t, "POST", path+"/investigation", "cw1", map[string]any{"version": c.Version, "heating_type": "central", "members": members, "lines": lines}).
		want(t, http.StatusOK).decode(t, &c)
	if c.Status != "investigated" {
		t.Fatalf("status %s, want investigated", c.Status)
	}
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period()
	var ex struct {
		Classification struct {
			Layer       string `json:"layer"`
			DibaoAmount int64  `json:"dibao_amount"`
		} `json:"classification"`
		Reasons []string `json:"reasons"`
		Opens   []struct {
			ID string `json:"id"`
		} `json:"opens"`
		Dibao struct {
			Explanation *struct {
				Summary    string `json:"summary"`
				Conditions []struct {
					Text string `json:"text"`
				} `json:"conditions"`
			} `json:"explanation"`
		} `json:"dibao"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/households/%d/classification?period=%s", h.ID, month), "cw1", nil).want(t, http.StatusOK).decode(t, &ex)
	// The 低保 decision reads for people, in Chinese.
	if e := ex.Dibao.Explanation; e == nil || !strings.HasPrefix(e.Summary, "符合条件，低保金 430.00 元") || len(e.Conditions) == 0 ||
		!strings.Contains(e.Conditions[1].Text, "家庭月人均收入") {
		t.Errorf("the 低保 decision's explanation: %+v", e)
	}
	if ex.Classification.Layer != "dibao" || ex.Classification.DibaoAmount != 43_000 {
		t.Errorf("classification %+v, want dibao 43000", ex.Classification)
	}
	if all := strings.Join(ex.Reasons, "\n"); !strings.Contains(all, "dibao.standard.rural = 515.00 yuan from 2025-07-01") {
		t.Errorf("reasons do not name the standard with its date:\n%s", all)
	}
	opens := map[string]bool{}
	for _, it := range ex.Opens {
		opens[it.ID] = true
	}
	if !opens["dibao"] || len(opens) < 5 {
		t.Errorf("the 低保 layer opens %v, want dibao among several items", opens)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/households/%d/classification", h.ID), "cw1", nil).problem(t, http.StatusUnprocessableEntity)

	b.do(t, "POST", path+"/assessment", "cw1", map[string]any{"version": c.Version}).want(t, http.StatusOK).decode(t, &c)
	if c.Status != "notice" || c.Amount != 43_000 || c.Decision == nil || !c.Decision.Eligible {
		t.Fatalf("assessed %+v, want on notice at 43000 with its decision", c)
	}
	b.do(t, "POST", path+"/decision", "cw1", map[string]any{"outcome": "approve", "version": c.Version}).problem(t, http.StatusForbidden)
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve", "version": c.Version}).problem(t, http.StatusConflict)
	b.now.Set(func() time.Time { return time.Now().AddDate(0, 0, 8) })
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve"}).problem(t, http.StatusUnprocessableEntity) // no version
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve", "version": c.Version, "note": "同意"}).want(t, http.StatusOK).decode(t, &c)
	if c.Status != "approved" || c.AwardID == 0 || len(c.Events) != 4 {
		t.Fatalf("approved %+v, want an award and 4 events", c)
	}
	var award struct {
		Amount   int64 `json:"amount"`
		Status   string
		Decision *struct {
			Programme string `json:"programme"`
		} `json:"decision"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/assistance-awards/%d", c.AwardID), "auditor", nil).want(t, http.StatusOK).decode(t, &award)
	if award.Amount != 43_000 || award.Decision == nil || award.Decision.Programme != "dibao" {
		t.Errorf("award %+v, want 43000 with the dibao decision", award)
	}

	payMonth := period.DateOf(time.Now().AddDate(0, 0, 8).In(time.FixedZone("CST", 8*3600))).Period()
	var pay struct {
		NewLines int   `json:"new_lines"`
		Amount   int64 `json:"amount"`
	}
	b.do(t, "POST", "/api/v1/assistance-runs", "cw1", map[string]any{"period": payMonth.String()}).want(t, http.StatusOK).decode(t, &pay)
	if pay.NewLines != 1 || pay.Amount != 43_000 {
		t.Errorf("pay %+v, want one line of 43000", pay)
	}
	b.do(t, "POST", "/api/v1/assistance-runs", "cw1", map[string]any{"period": payMonth.String()}).want(t, http.StatusOK).decode(t, &pay)
	if pay.NewLines != 0 {
		t.Errorf("second run wrote %d lines, want 0", pay.NewLines)
	}
	var rep struct {
		Totals []struct {
			Programme     string `json:"programme"`
			Beneficiaries int    `json:"beneficiaries"`
			Amount        int64  `json:"amount"`
		} `json:"totals"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/reports/assistance?from=%s&to=%s", payMonth, payMonth), "analyst", nil).want(t, http.StatusOK).decode(t, &rep)
	found := false
	for _, r := range rep.Totals {
		found = found || r.Programme == "dibao" && r.Beneficiaries == 1 && r.Amount == 43_000
	}
	if !found {
		t.Errorf("report totals %+v, want dibao: 1 household, 43000", rep.Totals)
	}
	b.do(t, "GET", "/api/v1/reports/assistance?from=2025-01", "analyst", nil).problem(t, http.StatusUnprocessableEntity)
	var low struct {
		Items []struct {
			HouseholdID int64  `json:"household_id"`
			Layer       string `json:"layer"`
		} `json:"items"`
	}
	b.do(t, "GET", "/api/v1/low-income?period="+month.String(), "cw1", nil).want(t, http.StatusOK).decode(t, &low)
	if len(low.Items) != 1 || low.Items[0].HouseholdID != h.ID {
		t.Errorf("low-income population %+v, want the household", low.Items)
	}
	b.do(t, "GET", "/api/v1/low-income?period="+month.String(), "cw2", nil).want(t, http.StatusOK).decode(t, &low)
	if len(low.Items) != 0 {
		t.Errorf("Fukang's caseworker sees %+v, want nothing of Changji City", low.Items)
	}
}
