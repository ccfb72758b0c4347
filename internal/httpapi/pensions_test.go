package httpapi_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// awardJSON is an award as a client sees it.
type awardJSON struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	Scheme     string `json:"scheme"`
	RegionCode string `json:"region_code"`
	Start      string `json:"start"`
	Amount     int64  `json:"amount"`
	Status     string `json:"status"`
	Decision   *struct {
		Eligible  bool `json:"eligible"`
		Amount    int64
		Variables []struct{ Name, Value string }
	} `json:"decision"`
}

// createRetiree registers a man born 1964-12-05 in village as user.
func (b *testBundle) createRetiree(t *testing.T, user string, village region.Code, seq int) personJSON {
	t.Helper()
	id, err := ids.MakeResidentID(string(village.County()), period.MustDate(1964, time.December, 5), seq)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", user, map[string]any{
		"id_number": id, "name": "李强", "ethnicity": "han", "hukou_type": "urban", "region_code": village,
	}).want(t, http.StatusCreated).decode(t, &p)
	return p
}

func TestPensionAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	man := b.createRetiree(t, "cw1", v, 11)

	// Refused: 179 months is below the 15-year minimum.
	var p problemBody
	b.do(t, "POST", "/api/v1/awards", "cw1", map[string]any{
		"person_id": man.ID, "scheme": "employee_pension", "retirement_group": "male", "deemed_months": 179,
	}).want(t, http.StatusUnprocessableEntity).decode(t, &p)
	wantField(t, p, "contributed_minimum_period")
	// Another county's caseworker may not award.
	wantField(t, b.do(t, "POST", "/api/v1/awards", "cw2", map[string]any{
		"person_id": man.ID, "scheme": "employee_pension", "retirement_group": "male", "deemed_months": 360,
	}).problem(t, http.StatusUnprocessableEntity), "person_id")

	var a awardJSON
	r := b.do(t, "POST", "/api/v1/awards", "cw1", map[string]any{
		"person_id": man.ID, "scheme": "employee_pension", "retirement_group": "male", "deemed_months": 360,
		"start": "2025-01", "deemed_wage_index": "0",
	}).want(t, http.StatusCreated)
	r.decode(t, &a)
	// C 8,448 (2025) × (1 + 0.6) / 2 × 30 × 1% = 2,027.52, no account.
	if a.Start != "2025-01" || a.Amount != 202752 || a.Status != "active" || a.Decision == nil || !a.Decision.Eligible {
		t.Fatalf("award %+v, want 2,027.52 from 2025-01", a)
	}
	path := fmt.Sprintf("/api/v1/awards/%d", a.ID)
	if loc := r.header.Get("Location"); loc != path {
		t.Errorf("Location = %q, want %s", loc, path)
	}
	var got awardJSON
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &got)
	if got.Decision == nil || len(got.Decision.Variables) == 0 || got.Amount != a.Amount {
		t.Fatalf("GET %s = %+v, want the explanation", path, got)
	}
	b.do(t, "GET", path, "cw2", nil).want(t, http.StatusNotFound)

	// The printable calculation.
	page := b.do(t, "GET", path+"/calculation", "cw1", nil).want(t, http.StatusOK)
	body := html.UnescapeString(string(page.body))
	if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("calculation Content-Type %q", ct)
	}
	// In Chinese, with the person and the region by name, every step by
	// its label and formula, amounts in yuan; no rule identifier.
	for _, want := range []string{"养老金待遇核定计算表", "李强", "昌吉回族自治州昌吉市", "2,027.52 元",
		"计发基数 × (1 + 平均缴费指数) ÷ 2 × 缴费年限 × 1%", "8,448.00 元 × (1 + 0.6) ÷ 2 × 30 年 × 1%",
		"累计缴费达到最低年限", "计发基数", "2025年1月", "正常发放"} {
		if !strings.Contains(body, want) {
			t.Errorf("calculation page lacks %q", want)
		}
	}
	text := regexp.MustCompile(`(?s)<style>.*</style>|<[^>]*>`).ReplaceAllString(body, " ")
	if m := regexp.MustCompile(`[a-z]+_[a-z]+`).FindString(text); m != "" {
		t.Errorf("calculation page shows the identifier %q", m)
	}
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") || strings.Contains(body, "<script") {
		t.Error("calculation page refers to external assets or scripts")
	}

	// A citizen reads their own award and nobody else's.
	other := b.createRetiree(t, "cw1", v, 13)
	var oa awardJSON
	b.do(t, "POST", "/api/v1/awards", "cw1", map[string]any{
		"person_id": other.ID, "scheme": "employee_pension", "retirement_group": "male", "deemed_months": 360, "start": "2025-01",
	}).want(t, http.StatusCreated).decode(t, &oa)
	if _, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: "citizen1", Password: testPassword, DisplayName: "Li",
		Role: auth.RoleCitizen, Scope: v, PersonID: man.ID}); err != nil {
		t.Fatal(err)
	}
	b.do(t, "GET", path, "citizen1", nil).want(t, http.StatusOK)
	b.do(t, "GET", path+"/calculation", "citizen1", nil).want(t, http.StatusOK)
	b.do(t, "GET", fmt.Sprintf("/api/v1/awards/%d", oa.ID), "citizen1", nil).want(t, http.StatusNotFound)
	var own listJSON[awardJSON]
	b.do(t, "GET", fmt.Sprintf("/api/v1/awards?person_id=%d", man.ID), "citizen1", nil).want(t, http.StatusOK).decode(t, &own)
	if len(own.Items) != 1 || own.Items[0].ID != a.ID {
		t.Errorf("citizen's awards %+v, want their one", own.Items)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/awards?person_id=%d", other.ID), "citizen1", nil).want(t, http.StatusForbidden)
	var all listJSON[awardJSON]
	b.do(t, "GET", "/api/v1/awards?region=652301", "cw1", nil).want(t, http.StatusOK).decode(t, &all)
	if len(all.Items) != 2 {
		t.Errorf("awards of 652301: %d, want 2", len(all.Items))
	}

	// Payroll twice: the second run writes nothing.
	type payrollJSON struct {
		RunID      int64 `json:"run_id"`
		NothingNew bool  `json:"nothing_new"`
		NewLines   int   `json:"new_lines"`
		Lines      int   `json:"lines"`
		Regular    int64 `json:"regular"`
	}
	var p1, p2 payrollJSON
	b.do(t, "POST", "/api/v1/payroll-runs", "cw1", map[string]any{"period": "2025-01", "region": "652301"}).want(t, http.StatusOK).decode(t, &p1)
	b.do(t, "POST", "/api/v1/payroll-runs", "cw1", map[string]any{"period": "2025-01"}).want(t, http.StatusOK).decode(t, &p2)
	if p1.NewLines != 2 || p2.NewLines != 0 || p2.Lines != 2 || p1.Regular != 2*a.Amount || p2.Regular != p1.Regular {
		t.Errorf("payroll runs %+v then %+v, want 2 lines then none, same total", p1, p2)
	}
	if p1.RunID == 0 || p1.NothingNew || p2.RunID != 0 || !p2.NothingNew {
		t.Errorf("payroll runs %+v then %+v, want a run recorded, then nothing new and no run", p1, p2)
	}
	b.do(t, "POST", "/api/v1/payroll-runs", "cw1", map[string]any{"period": "2025-13"}).want(t, http.StatusUnprocessableEntity)

	b.do(t, "POST", "/api/v1/certifications", "cw1", map[string]any{
		"person_id": man.ID, "date": "2025-02-10", "method": "face",
	}).want(t, http.StatusCreated)
	b.do(t, "POST", "/api/v1/certifications", "cw1", map[string]any{
		"person_id": man.ID, "date": "2025-02-10", "method": "letter",
	}).want(t, http.StatusUnprocessableEntity).decode(t, &p)
	wantField(t, p, "method")

	var adj struct{ New, Awards int }
	b.do(t, "POST", "/api/v1/pension-adjustments", "cw1", map[string]any{"year": 2025, "announced": "2025-06"}).want(t, http.StatusOK).decode(t, &adj)
	if adj.New != 0 || adj.Awards != 0 {
		t.Errorf("2025 adjustment %+v: awards started in 2025 are not adjusted", adj)
	}

	var overs listJSON[struct{ AwardID int64 }]
	b.do(t, "GET", "/api/v1/overpayments?region=652301", "cw1", nil).want(t, http.StatusOK).decode(t, &overs)
	if len(overs.Items) != 0 {
		t.Errorf("overpayments %+v, want none", overs.Items)
	}
	var dups listJSON[struct{ PersonID int64 }]
	b.do(t, "GET", "/api/v1/pension-duplicates", "analyst", nil).want(t, http.StatusOK).decode(t, &dups)
	if len(dups.Items) != 0 {
		t.Errorf("duplicates %+v, want none", dups.Items)
	}
	var rep struct {
		Rows []struct {
			Period        string
			Scheme        string
			Awards        int
			Before, After int64
		}
	}
	b.do(t, "GET", "/api/v1/reports/pensions?from=2025-01&to=2025-01&region=652301", "analyst", nil).want(t, http.StatusOK).decode(t, &rep)
	if len(rep.Rows) != 2 || rep.Rows[0].Awards != 2 || rep.Rows[0].Before != a.Amount || rep.Rows[0].After != a.Amount || rep.Rows[0].Period != "2025-01" {
		t.Errorf("report %+v, want 2 employee awards averaging %d", rep.Rows, a.Amount)
	}
	b.do(t, "GET", "/api/v1/reports/pensions", "analyst", nil).want(t, http.StatusUnprocessableEntity)
}
