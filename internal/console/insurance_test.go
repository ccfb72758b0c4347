package console_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// TestInsurancePagesInBrowser has a Changji City caseworker open the
// employer arrears (employers by name, months owed, amounts in 元) and a
// pension award's calculation sheet from the awards list, and look at the
// payroll and benefits pages.
func TestInsurancePagesInBrowser(t *testing.T) {
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	awards, err := s.App.Pensions.Awards(ctx, insurance.AwardFilter{Region: "652301", Page: registry.Page{Limit: 1}})
	if err != nil || len(awards) == 0 {
		t.Fatalf("no pension award in Changji City: %v", err)
	}

	u := s.newUser(t)
	u.signIn("cw.changji")
	u.open("/")
	u.click(`nav.side a[href="/insurance"]`)
	u.waitFor(`[data-testid=enrol-form]`)
	u.screenshot("insurance-enrol")

	u.click(`[data-testid=ins-tab-arrears]`)
	u.waitFor(`main h2`)
	if loc := u.location(); loc != "/insurance/arrears" {
		t.Fatalf("the arrears tab went to %s", loc)
	}
	// The caseworker runs this month's assessment, of which nothing is
	// paid yet: every employer of Changji City owes it.
	this := s.App.Clock.Today().Period()
	u.fill(`[data-testid=assess-month]`, this.String())
	u.click(`[data-testid=assess-submit]`)
	u.waitFor(`[data-testid=assessed]`)
	if n := u.text(`[data-testid=assessed]`); !strings.Contains(n, "已核定") || !strings.Contains(n, " 元") {
		t.Errorf("the assessment says %q", n)
	}
	u.waitFor(`[data-testid=arrears]`)
	rows := u.text(`[data-testid=arrears]`)
	if !strings.Contains(rows, " 元") || !strings.Contains(rows, "企业职工基本养老保险") || !strings.Contains(rows, "昌吉市") {
		t.Errorf("the arrears show no employer with its amounts in 元:\n%s", rows)
	}
	if strings.Contains(rows, "employee_pension") || strings.Contains(rows, "（单位不在") {
		t.Errorf("the arrears name a scheme by its code or an employer not by name:\n%s", rows)
	}
	u.screenshot("insurance-arrears")

	u.click(`[data-testid=ins-tab-awards]`)
	u.waitFor(`[data-testid=awards]`)
	list := u.text(`[data-testid=awards]`)
	if !strings.Contains(list, " 元") || !strings.Contains(list, "养老保险") {
		t.Errorf("the awards list reads:\n%s", list)
	}
	u.screenshot("insurance-awards")
	id := strconv.FormatInt(int64(awards[0].ID), 10)
	u.waitFor(`a[data-testid=award-calc-` + id + `][href="/api/v1/awards/` + id + `/calculation"]`)
	u.open("/api/v1/awards/" + id + "/calculation")
	if loc := u.location(); loc != "/api/v1/awards/"+id+"/calculation" {
		t.Errorf("the calculation sheet opened in the console's session went to %s", loc)
	}
	c := newClient(t, s)
	c.signIn("cw.changji", "/")
	if code, calc := c.page("/api/v1/awards/" + id + "/calculation"); code != http.StatusOK || !strings.Contains(calc, "养老金") || !strings.Contains(calc, "元") {
		t.Errorf("the calculation sheet in the console's session = %d:\n%s", code, calc)
	}
	u.screenshot("insurance-calculation")

	// The caseworker runs this month's pension payroll of Changji City
	// and finds it with its totals.
	u.open("/insurance/payroll")
	u.waitFor(`[data-testid=payroll-form]`)
	u.click(`[data-testid=payroll-run]`)
	u.waitFor(`[data-testid=payroll]`)
	if loc := u.location(); loc != "/insurance/payroll?month="+this.String() {
		t.Errorf("after the run the browser is at %s", loc)
	}
	if p := u.text(`[data-testid=payroll]`); !strings.Contains(p, "昌吉市") || !strings.Contains(p, " 元") || !strings.Contains(p, "2026年11月") {
		t.Errorf("the month's payroll reads:\n%s", p)
	}
	u.screenshot("insurance-payroll")
	u.open("/insurance/claims")
	u.waitFor(`main h2`)
	u.screenshot("insurance-claims")
}

// TestInsuranceAccess checks the insurance pages without a browser: who
// may open them, the enrolment form's CSRF token, its problems beside the
// fields (422, nothing written) and an enrolment that lands in the
// person's file.
func TestInsuranceAccess(t *testing.T) {
	s := newSite(t)
	per := richPerson(t, s, "652301")
	pid := strconv.FormatInt(int64(per.ID), 10)

	an := newClient(t, s)
	an.signIn("analyst", "/")
	for _, p := range []string{"/insurance", "/insurance/arrears", "/insurance/awards", "/insurance/payroll", "/insurance/claims"} {
		if code := an.status(p); code != http.StatusForbidden {
			t.Errorf("the analyst opens %s: %d, want 403", p, code)
		}
	}
	ap := newClient(t, s)
	ap.signIn("approver", "/")
	if code := ap.status("/insurance/awards"); code != http.StatusOK {
		t.Errorf("the approver opens the awards: %d", code)
	}
	if code := ap.post("/insurance/enrolments", url.Values{"csrf": {ap.csrf}, "person_id": {pid}}); code != http.StatusForbidden {
		t.Errorf("the approver enrols: %d, want 403", code)
	}

	if code := ap.post("/insurance/payroll-runs", url.Values{"csrf": {ap.csrf}, "period": {"2026-11"}}); code != http.StatusForbidden {
		t.Errorf("the approver runs the payroll: %d, want 403", code)
	}
	if code := ap.post("/insurance/assessments", url.Values{"csrf": {ap.csrf}, "period": {"2026-11"}}); code != http.StatusForbidden {
		t.Errorf("the approver runs the assessment: %d, want 403", code)
	}

	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	if code := cw.post("/insurance/assessments", url.Values{"period": {"2026-11"}}); code != http.StatusForbidden {
		t.Errorf("an assessment without the CSRF token = %d, want 403", code)
	}
	if code := cw.post("/insurance/assessments", url.Values{"csrf": {cw.csrf}, "period": {"November"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("an assessment of no month = %d, want 422", code)
	}
	if code := cw.status("/insurance"); code != http.StatusOK {
		t.Fatalf("/insurance = %d", code)
	}
	form := url.Values{"person_id": {pid}, "scheme": {"resident_pension"}, "kind": {"resident"}, "start": {"2026-11"}, "tier": {"300"}}
	if code := cw.post("/insurance/enrolments", form); code != http.StatusForbidden {
		t.Errorf("an enrolment without the CSRF token = %d, want 403", code)
	}
	form.Set("csrf", cw.csrf)
	bad := url.Values{"csrf": {cw.csrf}, "person_id": {"abc"}, "scheme": {"resident_pension"}, "kind": {"resident"}, "start": {"11/2026"}}
	if code, body := postPage(t, cw, "/insurance/enrolments", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "请按 2026-11 的格式填写月份") || !strings.Contains(body, "请填写数字") {
		t.Errorf("an enrolment with bad fields = %d, want 422 with the problems beside the fields", code)
	}
	// The service's problems show beside the fields, in Chinese.
	mismatch := url.Values{"csrf": {cw.csrf}, "person_id": {pid}, "scheme": {"employee_pension"}, "kind": {"resident"}, "start": {"2026-11"}, "tier": {"300"}}
	if code, body := postPage(t, cw, "/insurance/enrolments", mismatch); code != http.StatusUnprocessableEntity || !strings.Contains(body, "参保身份与险种不符") || !strings.Contains(body, `value="employee_pension" selected`) {
		t.Errorf("an enrolment whose kind does not fit the scheme = %d, want 422 with the problem and the values kept", code)
	}
	var resp *http.Response
	// A person of Fukang is not the Changji caseworker's to enrol.
	other := richPerson(t, s, "652302")
	fk := url.Values{"csrf": {cw.csrf}, "person_id": {strconv.FormatInt(int64(other.ID), 10)}, "scheme": {"resident_pension"}, "kind": {"resident"}, "start": {"2026-11"}, "tier": {"300"}}
	if code := cw.post("/insurance/enrolments", fk); code != http.StatusUnprocessableEntity {
		t.Errorf("enrolling a person of another county = %d, want 422 naming the person", code)
	}
	before, err := s.App.Insurance.Enrolments(s.App.System(context.Background(), "test"), insurance.EnrolmentFilter{PersonID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range before {
		if e.Scheme == insurance.ResidentPension && e.Start.String() == "2026-11" {
			t.Error("the refused enrolment was written")
		}
	}

	// A Changji adult with no enrolment is enrolled in the resident
	// pension, and the enrolment shows in their file.
	adult := unenrolledAdult(t, s, "652301")
	aid := strconv.FormatInt(int64(adult.ID), 10)
	form.Set("person_id", aid)
	resp = cw.form("/insurance/enrolments", form, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/persons/"+aid {
		t.Fatalf("the enrolment = %d to %q, want 303 to the person's file", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := cw.page("/persons/" + aid); !strings.Contains(body, "城乡居民基本养老保险") {
		t.Error("the person's file does not show the new enrolment")
	}
	// The same again conflicts with the open enrolment: shown beside the
	// scheme, nothing written.
	if code := cw.post("/insurance/enrolments", form); code != http.StatusUnprocessableEntity {
		t.Errorf("a second enrolment in the scheme = %d, want 422", code)
	}
	es, err := s.App.Insurance.Enrolments(s.App.System(context.Background(), "test"), insurance.EnrolmentFilter{PersonID: adult.ID})
	if err != nil || len(es) != 1 {
		t.Errorf("after two tries the person has %d enrolments (%v), want 1", len(es), err)
	}
}

// unenrolledAdult finds a living person of 16 or over in the region
// subtree code with no enrolment.
func unenrolledAdult(t *testing.T, s *site, code region.Code) *registry.Person {
	t.Helper()
	ctx := s.App.System(context.Background(), "test")
	today := s.App.Clock.Today()
	ps, err := s.App.Registry.Persons(ctx, registry.PersonFilter{Region: code, Alive: true, Page: registry.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if period.AgeAt(p.BirthDate(), today) < 18 || period.AgeAt(p.BirthDate(), today) > 55 {
			continue
		}
		es, err := s.App.Insurance.Enrolments(ctx, insurance.EnrolmentFilter{PersonID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			return p
		}
	}
	t.Fatalf("every adult of %s is enrolled", code)
	return nil
}

// postPage posts a form from this site and returns the status and the
// page answered.
func postPage(t *testing.T, c *client, path string, v url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", c.s.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
