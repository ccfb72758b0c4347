package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/region"
)

// enrolmentJSON is an enrolment as a client sees it.
type enrolmentJSON struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	Scheme     string `json:"scheme"`
	Kind       string `json:"kind"`
	OrgID      int64  `json:"org_id"`
	RegionCode string `json:"region_code"`
	Start      string `json:"start"`
	End        string `json:"end"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	Base       int64  `json:"base"`
	Version    int64  `json:"version"`
}

// createOrg registers an employer in county as user; code8 makes its USCC
// unique.
func (b *testBundle) createOrg(t *testing.T, user string, county region.Code, code8 string) int64 {
	t.Helper()
	uscc, err := ids.MakeUSCC('9', '1', string(county), code8)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/organisations", user, map[string]any{
		"uscc": uscc, "name": "测试企业 " + code8, "industry_code": "C1411", "size": "small", "region_code": county,
	}).want(t, http.StatusCreated).decode(t, &o)
	return o.ID
}

// enrol posts an enrolment as user and returns the response.
func (b *testBundle) enrol(t *testing.T, user string, body map[string]any) *result {
	t.Helper()
	return b.do(t, "POST", "/api/v1/enrolments", user, body)
}

// wantField fails unless the problem names field.
func wantField(t *testing.T, p problemBody, field string) {
	t.Helper()
	if _, ok := p.field(field); !ok {
		t.Errorf("errors %+v do not name %s", p.Errors, field)
	}
}

func TestEnrolments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	worker := b.createPerson(t, "cw1", v, 81)
	org := b.createOrg(t, "cw1", "652301", "MA7ENR01")
	fukang := b.createOrg(t, "admin", "652302", "MA7ENR02")

	var e enrolmentJSON
	r := b.enrol(t, "cw1", map[string]any{
		"person_id": worker.ID, "scheme": "employee_pension", "kind": "employer", "org_id": org, "start": "2025-01",
	}).want(t, http.StatusCreated)
	r.decode(t, &e)
	if e.ID == 0 || e.RegionCode != "652301" || e.Status != "active" || e.Start != "2025-01" || e.End != "" || e.OrgID != org {
		t.Errorf("created enrolment %+v: want active from 2025-01 at employer %d in 652301", e, org)
	}
	path := fmt.Sprintf("/api/v1/enrolments/%d", e.ID)
	if loc := r.header.Get("Location"); loc != path {
		t.Errorf("Location = %q, want %s", loc, path)
	}

	var list listJSON[enrolmentJSON]
	b.do(t, "GET", fmt.Sprintf("/api/v1/enrolments?org_id=%d", org), "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != e.ID || list.NextAfter != nil {
		t.Errorf("enrolments of employer %d: %+v, want enrolment %d alone", org, list, e.ID)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/enrolments?person_id=%d&scheme=unemployment", worker.ID), "cw1", nil).
		want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("unemployment enrolments: %+v, want none", list.Items)
	}
	wantField(t, b.do(t, "GET", "/api/v1/enrolments?scheme=pension&status=open", "cw1", nil).problem(t, http.StatusUnprocessableEntity), "scheme")

	var got enrolmentJSON
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &got)
	if got != e {
		t.Errorf("GET %s = %+v, want %+v", path, got, e)
	}
	b.do(t, "GET", path, "cw2", nil).problem(t, http.StatusNotFound)
	b.do(t, "GET", "/api/v1/enrolments/999999", "cw1", nil).problem(t, http.StatusNotFound)

	// A second open enrolment in the same scheme.
	b.enrol(t, "cw1", map[string]any{
		"person_id": worker.ID, "scheme": "employee_pension", "kind": "employer", "org_id": org, "start": "2025-04",
	}).problem(t, http.StatusConflict)
	// A caseworker of 昌吉市 enrolling at an employer of 阜康市.
	b.enrol(t, "cw1", map[string]any{
		"person_id": worker.ID, "scheme": "unemployment", "kind": "employer", "org_id": fukang, "start": "2025-01",
	}).problem(t, http.StatusForbidden)

	for _, start := range []string{"2025-13", "Jan 2025", ""} {
		p := b.enrol(t, "cw1", map[string]any{
			"person_id": worker.ID, "scheme": "unemployment", "kind": "employer", "org_id": org, "start": start,
		}).problem(t, http.StatusUnprocessableEntity)
		wantField(t, p, "start")
	}
	p := b.enrol(t, "cw1", map[string]any{
		"person_id": worker.ID, "scheme": "work_injury", "kind": "resident", "org_id": org, "start": "2025-01",
	}).problem(t, http.StatusUnprocessableEntity)
	for _, f := range []string{"kind", "org_id", "risk_class", "tier"} {
		wantField(t, p, f)
	}
	b.enrol(t, "cw1", map[string]any{"person_id": worker.ID, "scheme": "unemployment", "kind": "employer",
		"org_id": org, "start": "2025-01", "base": "5000"}).problem(t, http.StatusBadRequest)
}

func TestEnrolmentTransitions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	worker := b.createPerson(t, "cw1", v, 82)
	org := b.createOrg(t, "cw1", "652301", "MA7TRN01")
	var e enrolmentJSON
	b.enrol(t, "cw1", map[string]any{
		"person_id": worker.ID, "scheme": "work_injury", "kind": "employer", "org_id": org, "start": "2025-01", "risk_class": 3,
	}).want(t, http.StatusCreated).decode(t, &e)
	path := fmt.Sprintf("/api/v1/enrolments/%d", e.ID)

	p := b.do(t, "POST", path+"/suspension", "cw1", map[string]any{"from": "2025/06"}).problem(t, http.StatusUnprocessableEntity)
	wantField(t, p, "version")
	wantField(t, p, "from")
	p = b.do(t, "POST", path+"/suspension", "cw1", map[string]any{"version": e.Version, "from": "2025-06"}).problem(t, http.StatusUnprocessableEntity)
	wantField(t, p, "reason")
	b.do(t, "POST", path+"/suspension", "cw2", map[string]any{"version": e.Version, "from": "2025-06", "reason": "停产"}).
		problem(t, http.StatusNotFound)

	var sus enrolmentJSON
	b.do(t, "POST", path+"/suspension", "cw1", map[string]any{"version": e.Version, "from": "2025-06", "reason": "停产"}).
		want(t, http.StatusOK).decode(t, &sus)
	if sus.Status != "suspended" || sus.End != "2025-05" || sus.Reason != "停产" || sus.Version != e.Version+1 {
		t.Errorf("suspended enrolment %+v: want suspended, covered to 2025-05, version %d", sus, e.Version+1)
	}
	// The version read before the suspension is stale now.
	b.do(t, "POST", path+"/resumption", "cw1", map[string]any{"version": e.Version, "from": "2025-09"}).problem(t, http.StatusConflict)
	// A suspended enrolment is not suspended again.
	b.do(t, "POST", path+"/suspension", "cw1", map[string]any{"version": sus.Version, "from": "2025-07", "reason": "x"}).
		problem(t, http.StatusConflict)

	var res enrolmentJSON
	b.do(t, "POST", path+"/resumption", "cw1", map[string]any{"version": sus.Version, "from": "2025-09"}).
		want(t, http.StatusOK).decode(t, &res)
	if res.Status != "active" || res.End != "" || res.Start != "2025-09" || res.ID == e.ID {
		t.Errorf("resumed enrolment %+v: want a new active enrolment from 2025-09", res)
	}
	// The suspended enrolment is closed, covered to 2025-05.
	var closed enrolmentJSON
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &closed)
	if closed.Status != "terminated" || closed.End != "2025-05" {
		t.Errorf("enrolment after the resumption %+v: want terminated, covered to 2025-05", closed)
	}
	b.do(t, "POST", path+"/suspension", "cw1", map[string]any{"version": closed.Version, "from": "2025-11", "reason": "停产"}).
		problem(t, http.StatusConflict)
	path = fmt.Sprintf("/api/v1/enrolments/%d", res.ID)
	var term enrolmentJSON
	b.do(t, "POST", path+"/termination", "cw1", map[string]any{"version": res.Version, "from": "2026-01", "reason": "解除劳动关系"}).
		want(t, http.StatusOK).decode(t, &term)
	if term.Status != "terminated" || term.End != "2025-12" {
		t.Errorf("terminated enrolment %+v: want terminated, covered to 2025-12", term)
	}
	b.do(t, "POST", path+"/resumption", "cw1", map[string]any{"version": term.Version, "from": "2026-02"}).problem(t, http.StatusConflict)
	b.do(t, "POST", "/api/v1/enrolments/999999/termination", "cw1", map[string]any{"version": 1, "from": "2026-01", "reason": "x"}).
		problem(t, http.StatusNotFound)
}

// assessmentJSON is an assessment summary as a client sees it.
type assessmentJSON struct {
	Period     string         `json:"period"`
	Region     string         `json:"region"`
	Count      int            `json:"count"`
	Employer   int64          `json:"employer"`
	Individual int64          `json:"individual"`
	ByScheme   map[string]int `json:"by_scheme"`
	AtFloor    int            `json:"at_floor"`
	Parameters []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
		From  string `json:"from"`
	} `json:"parameters"`
}

// param returns the value of parameter key in the summary.
func (a assessmentJSON) param(t *testing.T, key string) string {
	t.Helper()
	for _, p := range a.Parameters {
		if p.Key == key {
			if p.From == "" {
				t.Errorf("parameter %s has no effective date", key)
			}
			return p.Value
		}
	}
	t.Fatalf("summary parameters %+v lack %s", a.Parameters, key)
	return ""
}

func (a assessmentJSON) rate(t *testing.T, key string) money.Rate {
	t.Helper()
	r, err := money.ParseRate(a.param(t, key))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// arrearsJSON is a row of the arrears report.
type arrearsJSON struct {
	OrgID   int64  `json:"org_id"`
	Period  string `json:"period"`
	Scheme  string `json:"scheme"`
	Due     int64  `json:"due"`
	Paid    int64  `json:"paid"`
	Arrears int64  `json:"arrears"`
}

func TestAssessmentPaymentsArrears(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	employee := b.createPerson(t, "cw1", v, 83)
	flexible := b.createPerson(t, "cw1", v, 84)
	org := b.createOrg(t, "cw1", "652301", "MA7ABD01")
	const wage = 800000 // 8,000 yuan a month
	b.do(t, "POST", "/api/v1/employment", "cw1", map[string]any{
		"person_id": employee.ID, "org_id": org, "start": "2024-07-01", "monthly_wage": wage,
	}).want(t, http.StatusCreated)
	b.enrol(t, "cw1", map[string]any{
		"person_id": employee.ID, "scheme": "employee_pension", "kind": "employer", "org_id": org, "start": "2025-01",
	}).want(t, http.StatusCreated)
	b.enrol(t, "cw1", map[string]any{
		"person_id": flexible.ID, "scheme": "employee_pension", "kind": "flexible", "start": "2025-01", "base": 600000,
	}).want(t, http.StatusCreated)

	var sum assessmentJSON
	b.do(t, "POST", "/api/v1/assessments", "cw1", map[string]any{"period": "2025-03"}).want(t, http.StatusOK).decode(t, &sum)
	if sum.Period != "2025-03" || sum.Region != "652301" || sum.Count != 2 || sum.ByScheme["employee_pension"] != 2 || sum.AtFloor != 0 {
		t.Errorf("summary %+v: want 2 employee pension assessments in 652301 for 2025-03, none at the floor", sum)
	}
	text := sum.param(t, "social_insurance.average_wage")
	yuan, ok := strings.CutSuffix(text, " yuan")
	if !ok {
		t.Fatalf("average wage %q: want an amount in yuan", text)
	}
	avg, err := money.Parse(yuan)
	if err != nil {
		t.Fatal(err)
	}
	floor := avg.MulRate(sum.rate(t, "social_insurance.base_floor_ratio"))
	ceiling := avg.MulRate(sum.rate(t, "social_insurance.base_ceiling_ratio"))
	base := min(max(money.Fen(wage), floor), ceiling)
	employerRate := sum.rate(t, "employee_pension.contribution_rate.employer")
	if employerRate <= 0 {
		t.Fatalf("employer rate %s read", employerRate)
	}
	// The flexible worker pays all of hers as the individual: the
	// employer total is the employee's alone.
	if want := base.MulRate(employerRate); sum.Employer != int64(want) {
		t.Errorf("employer total %d fen, want base %s × %s = %d", sum.Employer, base, employerRate, want)
	}
	if sum.Individual <= 0 {
		t.Errorf("individual total %d fen, want more than 0", sum.Individual)
	}
	b.do(t, "POST", "/api/v1/assessments", "cw2", map[string]any{"period": "2025-03", "region": "652301"}).problem(t, http.StatusForbidden)
	wantField(t, b.do(t, "POST", "/api/v1/assessments", "cw1", map[string]any{"period": "March 2025"}).problem(t, http.StatusUnprocessableEntity), "period")
	wantField(t, b.do(t, "POST", "/api/v1/assessments", "cw1", map[string]any{"period": "2025-03", "region": "6523x"}).problem(t, http.StatusUnprocessableEntity), "region")

	arrearsPath := fmt.Sprintf("/api/v1/arrears?org_id=%d&from=2025-01&to=2025-06", org)
	arrears := func() arrearsJSON {
		t.Helper()
		var list listJSON[arrearsJSON]
		b.do(t, "GET", arrearsPath, "cw1", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 {
			t.Fatalf("arrears of employer %d: %+v, want one row", org, list.Items)
		}
		return list.Items[0]
	}
	before := arrears()
	if before.OrgID != org || before.Period != "2025-03" || before.Scheme != "employee_pension" || before.Due <= 0 || before.Arrears != before.Due-before.Paid {
		t.Errorf("arrears %+v: want employer %d owing employee pension for 2025-03", before, org)
	}

	pay := map[string]any{"person_id": employee.ID, "org_id": org, "scheme": "employee_pension", "period": "2025-03",
		"base": int64(base), "employer": sum.Employer, "individual": 0, "paid_on": "2025-04-15", "receipt_no": "CJ2025040001"}
	var posted struct {
		Posted int `json:"posted"`
	}
	b.do(t, "POST", "/api/v1/payments", "cw1", map[string]any{"payments": []any{pay}}).want(t, http.StatusCreated).decode(t, &posted)
	if posted.Posted != 1 {
		t.Errorf("posted %d, want 1", posted.Posted)
	}
	after := arrears()
	if after.Paid != before.Paid+sum.Employer || after.Arrears != before.Arrears-sum.Employer {
		t.Errorf("arrears after paying %d fen: %+v, was %+v", sum.Employer, after, before)
	}
	b.do(t, "POST", "/api/v1/payments", "cw1", map[string]any{"payments": []any{pay}}).problem(t, http.StatusConflict)

	bad := map[string]any{}
	for k, v := range pay {
		bad[k] = v
	}
	bad["period"], bad["receipt_no"] = "2025-3", "CJ2025040002"
	wantField(t, b.do(t, "POST", "/api/v1/payments", "cw1", map[string]any{"payments": []any{pay, bad}}).
		problem(t, http.StatusUnprocessableEntity), "payments[1].period")
	bad["period"], bad["receipt_no"], bad["employer"] = "2025-03", "", 0
	p := b.do(t, "POST", "/api/v1/payments", "cw1", map[string]any{"payments": []any{bad}}).problem(t, http.StatusUnprocessableEntity)
	wantField(t, p, "payments[0].receipt_no")
	wantField(t, p, "payments[0].amount")
	wantField(t, b.do(t, "POST", "/api/v1/payments", "cw1", map[string]any{"payments": []any{}}).
		problem(t, http.StatusUnprocessableEntity), "payments")

	// The month's assessments and the contributions collected, as lists.
	var as listJSON[struct {
		PersonID int64 `json:"person_id"`
		Base     int64 `json:"base"`
	}]
	b.do(t, "GET", "/api/v1/assessments?period=2025-03", "cw1", nil).want(t, http.StatusOK).decode(t, &as)
	if len(as.Items) != 2 || as.Items[0].Base <= 0 {
		t.Errorf("assessments of 2025-03: %+v, want 2", as.Items)
	}
	wantField(t, b.do(t, "GET", "/api/v1/assessments", "cw1", nil).problem(t, http.StatusUnprocessableEntity), "period")
	type contribution struct {
		PersonID  int64  `json:"person_id"`
		ReceiptNo string `json:"receipt_no"`
		Employer  int64  `json:"employer"`
	}
	var cs listJSON[contribution]
	b.do(t, "GET", fmt.Sprintf("/api/v1/contributions?person_id=%d&from=2025-01&to=2025-12", employee.ID), "cw1", nil).
		want(t, http.StatusOK).decode(t, &cs)
	if len(cs.Items) != 1 || cs.Items[0].ReceiptNo != "CJ2025040001" || cs.Items[0].Employer != sum.Employer {
		t.Errorf("contributions of person %d: %+v, want the one posted", employee.ID, cs.Items)
	}
	b.do(t, "GET", "/api/v1/contributions?region=652301", "cw2", nil).problem(t, http.StatusForbidden)
	// A citizen reads their own contributions and nobody else's.
	if _, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: "citizen83", Password: testPassword, Role: auth.RoleCitizen,
		Scope: "652301", PersonID: employee.ID}); err != nil {
		t.Fatal(err)
	}
	cs = listJSON[contribution]{}
	b.do(t, "GET", fmt.Sprintf("/api/v1/contributions?person_id=%d", employee.ID), "citizen83", nil).want(t, http.StatusOK).decode(t, &cs)
	if len(cs.Items) != 1 {
		t.Errorf("a citizen's own contributions: %+v, want 1", cs.Items)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/contributions?person_id=%d", flexible.ID), "citizen83", nil).problem(t, http.StatusForbidden)
	b.do(t, "GET", "/api/v1/contributions", "citizen83", nil).problem(t, http.StatusForbidden)
	b.do(t, "GET", "/api/v1/assessments?period=2025-03", "citizen83", nil).problem(t, http.StatusForbidden)

	wantField(t, b.do(t, "GET", "/api/v1/arrears?to=2025-06", "cw1", nil).problem(t, http.StatusUnprocessableEntity), "from")
	wantField(t, b.do(t, "GET", "/api/v1/arrears?from=2025-01&to=2025-6x", "cw1", nil).problem(t, http.StatusUnprocessableEntity), "to")
}

func TestInsuranceRoutesInOpenAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK).decode(t, &doc)
	for path, method := range map[string]string{
		"/api/v1/enrolments":                  "post",
		"/api/v1/enrolments/{id}":             "get",
		"/api/v1/enrolments/{id}/suspension":  "post",
		"/api/v1/enrolments/{id}/resumption":  "post",
		"/api/v1/enrolments/{id}/termination": "post",
		"/api/v1/assessments":                 "post",
		"/api/v1/payments":                    "post",
		"/api/v1/contributions":               "get",
		"/api/v1/arrears":                     "get",
	} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("paths lack %s %s", method, path)
		}
	}
}

func TestCoverageReportAPI(t *testing.T) {
	b := setup(t)
	var rep struct {
		From string `json:"from"`
		Rows []struct {
			County string `json:"county"`
		} `json:"rows"`
		Totals []struct {
			Period          string `json:"period"`
			Adults          int    `json:"adults"`
			PensionCoverage string `json:"pension_coverage"`
		} `json:"totals"`
	}
	b.do(t, "GET", "/api/v1/reports/insurance?from=2025-03&to=2025-03", "analyst", nil).want(t, http.StatusOK).decode(t, &rep)
	if rep.From != "2025-03" || len(rep.Totals) != 1 || rep.Totals[0].Period != "2025-03" || rep.Totals[0].PensionCoverage != "0%" {
		t.Errorf("report on an empty registry = %+v", rep)
	}
	b.do(t, "GET", "/api/v1/reports/insurance?from=2025-03&to=2025-03&region=652302", "cw1", nil).problem(t, http.StatusForbidden)
}
