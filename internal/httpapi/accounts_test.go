package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

type statementJSON struct {
	PersonID           int64  `json:"person_id"`
	Scheme             string `json:"scheme"`
	Balance            int64  `json:"balance"`
	Government         int64  `json:"government"`
	ContributionYears  int    `json:"contribution_years"`
	ContributionMonths int    `json:"contribution_months"`
	Years              []struct {
		Year          int   `json:"year"`
		Contributions int64 `json:"contributions"`
		Subsidies     int64 `json:"subsidies"`
		Closing       int64 `json:"closing"`
	} `json:"years"`
	Entries []struct {
		Kind   string `json:"kind"`
		Amount int64  `json:"amount"`
		Ref    string `json:"ref"`
	} `json:"entries"`
}

func TestAccountStatementAndCitizenAccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 2)
	p1 := b.createPerson(t, "cw1", vs[0], 501)
	p2 := b.createPerson(t, "cw1", vs[1], 502)
	var payments []map[string]any
	for i, p := range []personJSON{p1, p2} {
		payments = append(payments, map[string]any{"person_id": p.ID, "scheme": "resident_pension", "period": "2025-01",
			"individual": 50000, "paid_on": "2025-01-20", "receipt_no": fmt.Sprintf("RP-2025-%d", i)})
	}
	b.do(t, "POST", "/api/v1/payments", "cw1", map[string]any{"payments": payments}).want(t, http.StatusCreated)

	var credit struct {
		Payments      int   `json:"payments"`
		Posted        int   `json:"posted"`
		AlreadyPosted int   `json:"already_posted"`
		Subsidies     int64 `json:"subsidies"`
		Parameters    []struct {
			Key string `json:"key"`
		} `json:"parameters"`
	}
	b.do(t, "POST", "/api/v1/account-credits", "cw1", map[string]any{"period": "2025-01"}).want(t, http.StatusOK).decode(t, &credit)
	if credit.Payments != 2 || credit.Posted != 4 || credit.Subsidies != 12000 || len(credit.Parameters) == 0 {
		t.Errorf("credit = %+v, want 2 payments, 4 entries, 2 × 60 yuan subsidies", credit)
	}
	b.do(t, "POST", "/api/v1/account-credits", "cw1", map[string]any{"period": "2025-01"}).want(t, http.StatusOK).decode(t, &credit)
	if credit.Posted != 0 || credit.AlreadyPosted != 4 {
		t.Errorf("second credit = %+v, want nothing posted", credit)
	}
	wantField(t, b.do(t, "POST", "/api/v1/account-credits", "cw1", map[string]any{"period": "2025-13"}).problem(t, http.StatusUnprocessableEntity), "period")
	b.do(t, "POST", "/api/v1/account-credits", "cw2", map[string]any{"period": "2025-01", "region": "652301"}).problem(t, http.StatusForbidden)
	b.do(t, "POST", "/api/v1/account-credits", "auditor", map[string]any{"period": "2025-01"}).problem(t, http.StatusForbidden)

	var interest struct {
		Persons  map[string]int   `json:"persons"`
		Interest map[string]int64 `json:"interest"`
	}
	b.do(t, "POST", "/api/v1/account-interest", "cw1", map[string]any{"year": 2025}).want(t, http.StatusOK).decode(t, &interest)
	// (500 + 60) × 11 months × 3% / 12 = 15.40 yuan each.
	if interest.Persons["resident_pension"] != 2 || interest.Interest["resident_pension"] != 2*1540 {
		t.Errorf("interest = %+v", interest)
	}
	wantField(t, b.do(t, "POST", "/api/v1/account-interest", "cw1", map[string]any{"year": 2015}).problem(t, http.StatusUnprocessableEntity), "year")

	if _, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: "citizen1", DisplayName: "王芳", Password: testPassword,
		Role: auth.RoleCitizen, Scope: vs[0], PersonID: p1.ID}); err != nil {
		t.Fatalf("create citizen: %v", err)
	}
	own := fmt.Sprintf("/api/v1/persons/%d/account?scheme=resident_pension", p1.ID)
	var st statementJSON
	b.do(t, "GET", own, "citizen1", nil).want(t, http.StatusOK).decode(t, &st)
	if st.PersonID != p1.ID || st.Balance != 56000+1540 || st.Government != 6000 || st.ContributionYears != 1 || len(st.Years) != 1 ||
		st.Years[0].Year != 2025 || st.Years[0].Contributions != 50000 || st.Years[0].Subsidies != 6000 || len(st.Entries) != 3 {
		t.Errorf("own statement = %+v", st)
	}
	other := fmt.Sprintf("/api/v1/persons/%d/account?scheme=resident_pension", p2.ID)
	b.do(t, "GET", other, "citizen1", nil).problem(t, http.StatusForbidden)
	b.do(t, "GET", "/api/v1/persons/999999/account", "citizen1", nil).problem(t, http.StatusForbidden)
	b.do(t, "GET", other, "cw2", nil).problem(t, http.StatusNotFound) // another county's caseworker
	b.do(t, "GET", other, "cw1", nil).want(t, http.StatusOK)
	b.do(t, "GET", other, "", nil).problem(t, http.StatusUnauthorized)
	wantField(t, b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account?scheme=unemployment", p1.ID), "cw1", nil).problem(t, http.StatusUnprocessableEntity), "scheme")
	b.do(t, "GET", "/api/v1/persons/999999/account", "cw1", nil).problem(t, http.StatusNotFound)
	var empty statementJSON
	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account", p1.ID), "citizen1", nil).want(t, http.StatusOK).decode(t, &empty)
	if empty.Scheme != "employee_pension" || empty.Balance != 0 || empty.Years == nil || empty.Entries == nil {
		t.Errorf("empty employee statement = %+v", empty)
	}

	page := b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account/statement?scheme=resident_pension", p1.ID), "citizen1", nil).want(t, http.StatusOK)
	if ct := page.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	html := string(page.body)
	for _, want := range []string{"个人账户对账单", "Personal account statement", "王芳", "575.40", "60.00", "记账利息 Interest", "政府缴费补贴 Government subsidy", "2025年1月", "缴费记录 "} {
		if !strings.Contains(html, want) {
			t.Errorf("statement page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "src=", "href=", "@import", p1.IDNumber} {
		if strings.Contains(html, bad) {
			t.Errorf("statement page contains %q", bad)
		}
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account/statement", p2.ID), "citizen1", nil).problem(t, http.StatusForbidden)
}

func TestHardshipPremiumsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 1)
	p := b.createPerson(t, "cw1", vs[0], 611)
	b.enrol(t, "cw1", map[string]any{"person_id": p.ID, "scheme": "resident_pension", "kind": "resident", "tier": 10000, "start": "2024-01"}).want(t, http.StatusCreated)
	d := &registry.Disability{PersonID: registry.PersonID(p.ID), Kind: registry.DisVisual, Grade: 1, Issued: period.MustDate(2020, time.January, 1)}
	if err := b.reg.CreateDisability(systemContext(), d); err != nil {
		t.Fatal(err)
	}
	var batch struct {
		ID      int64 `json:"id"`
		Persons int   `json:"persons"`
		Total   int64 `json:"total"`
		Items   []struct {
			PersonID int64    `json:"person_id"`
			Groups   []string `json:"groups"`
		} `json:"items"`
		AlreadyPaid int `json:"already_paid"`
	}
	b.do(t, "POST", "/api/v1/hardship-premiums", "cw1", map[string]any{"year": 2025}).want(t, http.StatusOK).decode(t, &batch)
	if batch.ID == 0 || batch.Persons != 1 || batch.Total != 10000 || len(batch.Items) != 1 || batch.Items[0].PersonID != p.ID ||
		fmt.Sprint(batch.Items[0].Groups) != "[severe_disability]" {
		t.Fatalf("batch = %+v", batch)
	}
	id := batch.ID
	b.do(t, "POST", "/api/v1/hardship-premiums", "cw1", map[string]any{"year": 2025}).want(t, http.StatusOK).decode(t, &batch)
	if batch.ID != 0 || batch.Persons != 0 || batch.AlreadyPaid != 1 {
		t.Errorf("second run = %+v", batch)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/hardship-premiums/%d", id), "auditor", nil).want(t, http.StatusOK).decode(t, &batch)
	if batch.ID != id || len(batch.Items) != 1 {
		t.Errorf("GET batch = %+v", batch)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/hardship-premiums/%d", id), "cw2", nil).problem(t, http.StatusNotFound)
	b.do(t, "GET", "/api/v1/hardship-premiums/999", "cw1", nil).problem(t, http.StatusNotFound)
	b.do(t, "POST", "/api/v1/hardship-premiums", "auditor", map[string]any{"year": 2025}).problem(t, http.StatusForbidden)
	wantField(t, b.do(t, "POST", "/api/v1/hardship-premiums", "cw1", map[string]any{"year": 1990}).problem(t, http.StatusUnprocessableEntity), "year")
}

func TestBackPaymentAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 1)
	idn, err := ids.MakeResidentID("652301", period.MustDate(1965, time.June, 1), 77)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{"id_number": idn, "name": "李明", "ethnicity": "han", "hukou_type": "rural",
		"region_code": vs[0]}).want(t, http.StatusCreated).decode(t, &p)
	b.enrol(t, "cw1", map[string]any{"person_id": p.ID, "scheme": "resident_pension", "kind": "resident", "tier": 10000, "start": "2024-01"}).want(t, http.StatusCreated)
	path := fmt.Sprintf("/api/v1/persons/%d/account/back-payments", p.ID)
	var bp struct {
		Total    int64 `json:"total"`
		Payments []struct {
			ID     int64  `json:"id"`
			Period string `json:"period"`
			Source string `json:"source"`
		} `json:"payments"`
	}
	b.do(t, "POST", path, "cw1", map[string]any{"years": []int{2015, 2016}, "tier": 50000}).want(t, http.StatusCreated).decode(t, &bp)
	if bp.Total != 100000 || len(bp.Payments) != 2 || bp.Payments[0].Period != "2015-01" || bp.Payments[0].Source != "back_payment" {
		t.Errorf("back payment = %+v", bp)
	}
	wantField(t, b.do(t, "POST", path, "cw1", map[string]any{"years": []int{2015}, "tier": 50000}).problem(t, http.StatusUnprocessableEntity), "years.2015")
	wantField(t, b.do(t, "POST", path, "cw2", map[string]any{"years": []int{2017}, "tier": 50000}).problem(t, http.StatusUnprocessableEntity), "person_id")

	var up struct {
		Paid       int64 `json:"paid"`
		Difference int64 `json:"difference"`
		Subsidy    int64 `json:"subsidy"`
	}
	b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/account/tier-upgrades", p.ID), "cw1", map[string]any{"year": 2015, "tier": 100000}).
		want(t, http.StatusCreated).decode(t, &up)
	if up.Paid != 50000 || up.Difference != 50000 || up.Subsidy != 0 {
		t.Errorf("tier upgrade = %+v", up)
	}
	var st statementJSON
	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account?scheme=resident_pension", p.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &st)
	if st.Balance != 150000 || st.Government != 0 || st.ContributionYears != 2 {
		t.Errorf("statement = %+v", st)
	}
}

func TestTransferAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 2)
	p1 := b.createPerson(t, "cw1", vs[0], 701)
	p2 := b.createPerson(t, "cw1", vs[1], 702)
	b.do(t, "POST", "/api/v1/payments", "cw1", map[string]any{"payments": []map[string]any{{"person_id": p1.ID, "scheme": "employee_pension",
		"period": "2025-01", "base": 500000, "individual": 100000, "paid_on": "2025-01-20", "receipt_no": "FW-2025-1"}}}).want(t, http.StatusCreated)
	b.do(t, "POST", "/api/v1/account-credits", "cw1", map[string]any{"period": "2025-01"}).want(t, http.StatusOK)
	out := fmt.Sprintf("/api/v1/persons/%d/account/transfer-out", p1.ID)
	body := map[string]any{"to_region": "440300 深圳市", "on": "2026-10-01"}
	wantField(t, b.do(t, "POST", out, "cw2", body).problem(t, http.StatusUnprocessableEntity), "person_id")
	var tr struct {
		ID        int64  `json:"id"`
		Direction string `json:"direction"`
		Balance   int64  `json:"balance"`
		Pooled    int64  `json:"pooled"`
		Months    int    `json:"months"`
		Years     []struct {
			Year   int   `json:"year"`
			Pooled int64 `json:"pooled"`
		} `json:"years"`
	}
	b.do(t, "POST", out, "cw1", body).want(t, http.StatusCreated).decode(t, &tr)
	// 8% of 5,000 credited; 12% of 5,000 pooled.
	if tr.ID == 0 || tr.Direction != "out" || tr.Balance != 40000 || tr.Pooled != 60000 || tr.Months != 1 || len(tr.Years) != 1 {
		t.Errorf("transfer out = %+v", tr)
	}
	wantField(t, b.do(t, "POST", out, "cw1", body).problem(t, http.StatusUnprocessableEntity), "person_id")
	wantField(t, b.do(t, "POST", out, "cw1", map[string]any{"to_region": "深圳市", "on": "2026-02-30"}).problem(t, http.StatusUnprocessableEntity), "on")
	in := fmt.Sprintf("/api/v1/persons/%d/account/transfer-in", p2.ID)
	inBody := map[string]any{"from_region": "北京市", "on": "2026-09-01", "balance": 250000, "pooled": 90000, "months": 36}
	b.do(t, "POST", in, "cw1", inBody).want(t, http.StatusCreated).decode(t, &tr)
	if tr.Direction != "in" || tr.Balance != 250000 || tr.Months != 36 {
		t.Errorf("transfer in = %+v", tr)
	}
	b.do(t, "POST", in, "cw1", inBody).problem(t, http.StatusConflict)
	var st statementJSON
	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account", p2.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &st)
	if st.Balance != 250000 || st.ContributionMonths != 36 {
		t.Errorf("statement after transfer in = %+v", st)
	}
	page := b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account/statement", p2.ID), "cw1", nil).want(t, http.StatusOK)
	if html := string(page.body); !strings.Contains(html, "转入 In") || !strings.Contains(html, "北京市") || !strings.Contains(html, "2,500.00") {
		t.Errorf("statement page lacks the transfer:\n%s", html)
	}
}
