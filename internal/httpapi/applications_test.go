package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// applicationJSON is an application as the API answers it.
type applicationJSON struct {
	No            string         `json:"no"`
	Status        string         `json:"status"`
	Point         string         `json:"point"`
	DueDate       string         `json:"due_date"`
	ResultRef     string         `json:"result_ref"`
	ResultSummary string         `json:"result_summary"`
	ResultRecord  map[string]any `json:"result_record"`
	Reason        string         `json:"reason"`
	Version       int64          `json:"version"`
	Events        []struct {
		Action string `json:"action"`
	} `json:"events"`
}

// TestApplicationRoutes: a counter clerk at a bank outlet prints an
// enrolment certificate at once (即办) and receives a flexible worker's
// enrolment, which a caseworker reviews and an approver approves, the
// enrolment then made; a role without the permission is 403, a
// caseworker of another county 404, the clerk cannot review, the
// caseworker cannot approve, bad input is a 422 naming the field, and the
// matter's form is read by the counter.
func TestApplicationRoutes(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		b := setupOn(t, open)
		// Monday 23 November 2026, ten in the morning in Changji.
		b.setClock(time.Date(2026, time.November, 23, 2, 0, 0, 0, time.UTC))
		pt, ok := mustOffice().Points.Point("bank-652301-01")
		if !ok {
			t.Fatal("no bank outlet bank-652301-01")
		}
		tree, err := region.Default()
		if err != nil {
			t.Fatal(err)
		}
		village := tree.Descendants(pt.Region, region.Village)[0].Code
		if _, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: "clerk1", DisplayName: "柜员", Password: testPassword,
			Role: auth.RoleClerk, Scope: pt.Region}); err != nil {
			t.Fatal(err)
		}
		p := b.createPerson(t, "cw1", village, 901)

		cert := map[string]any{"matter": "employee_pension_certificate", "channel": "bank", "point": pt.ID, "person_id": p.ID}
		var done applicationJSON
		b.do(t, "POST", "/api/v1/applications", "clerk1", cert).want(t, http.StatusCreated).decode(t, &done)
		if done.Status != "completed" || done.Point != pt.ID || !strings.Contains(done.ResultSummary, "参保证明") || done.ResultRecord == nil {
			t.Errorf("certificate = %+v; want completed at once with the record", done)
		}
		b.do(t, "POST", "/api/v1/applications", "analyst", cert).problem(t, http.StatusForbidden)
		wantField(t, b.do(t, "POST", "/api/v1/applications", "clerk1", map[string]any{"matter": "employee_pension_certificate", "channel": "bank",
			"point": pt.ID}).problem(t, http.StatusUnprocessableEntity), "person_id")
		wantField(t, b.do(t, "POST", "/api/v1/applications", "clerk1", map[string]any{"matter": "employee_pension_certificate", "channel": "fax",
			"point": pt.ID, "person_id": p.ID}).problem(t, http.StatusUnprocessableEntity), "channel")
		b.do(t, "GET", "/api/v1/applications/"+url.PathEscape(done.No), "cw2", nil).problem(t, http.StatusNotFound)

		enrol := map[string]any{"matter": "flexible_employment_enrol", "channel": "bank", "point": pt.ID, "person_id": p.ID,
			"form": map[string]any{"kind": "flexible", "start": "2026-11", "base": 500000}}
		var a applicationJSON
		b.do(t, "POST", "/api/v1/applications", "clerk1", enrol).want(t, http.StatusCreated).decode(t, &a)
		if a.Status != "received" || a.DueDate == "" {
			t.Fatalf("received = %+v", a)
		}
		path := "/api/v1/applications/" + url.PathEscape(a.No)
		var soon struct {
			Items []applicationJSON `json:"items"`
		}
		b.do(t, "GET", "/api/v1/applications?due_soon=true", "cw1", nil).want(t, http.StatusOK).decode(t, &soon)
		if len(soon.Items) != 1 || soon.Items[0].No != a.No {
			t.Errorf("due soon = %+v, want %s", soon.Items, a.No)
		}
		b.do(t, "GET", "/api/v1/applications?overdue=true", "cw1", nil).want(t, http.StatusOK).decode(t, &soon)
		if len(soon.Items) != 0 {
			t.Errorf("overdue = %+v, want none", soon.Items)
		}
		b.do(t, "POST", path+"/reviews", "clerk1", map[string]any{"outcome": "pass"}).problem(t, http.StatusForbidden)
		b.do(t, "POST", path+"/reviews", "cw2", map[string]any{"outcome": "pass"}).problem(t, http.StatusNotFound)
		wantField(t, b.do(t, "POST", path+"/reviews", "cw1", map[string]any{"outcome": "maybe"}).problem(t, http.StatusUnprocessableEntity), "outcome")
		b.do(t, "POST", path+"/reviews", "cw1", map[string]any{"outcome": "pass", "version": a.Version}).want(t, http.StatusOK)
		b.do(t, "POST", path+"/decision", "cw1", map[string]any{"outcome": "approve"}).problem(t, http.StatusForbidden)
		var got applicationJSON
		b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &got)
		if got.Status != "completed" || !strings.HasPrefix(got.ResultRef, "enrolment:") {
			t.Fatalf("approved = %+v", got)
		}
		var read applicationJSON
		b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &read)
		if len(read.Events) != 4 {
			t.Errorf("timeline %+v, want receive, review, approve, complete", read.Events)
		}
		var list struct {
			Items []applicationJSON `json:"items"`
		}
		b.do(t, "GET", "/api/v1/applications?status=completed&point="+pt.ID, "cw1", nil).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 2 {
			t.Errorf("list = %d items, want 2", len(list.Items))
		}
		b.do(t, "GET", "/api/v1/applications/overdue", "cw1", nil).want(t, http.StatusOK)
		var form struct {
			Fields []struct {
				Name string `json:"name"`
			} `json:"fields"`
		}
		b.do(t, "GET", "/api/v1/matters/flexible_employment_enrol/form", "clerk1", nil).want(t, http.StatusOK).decode(t, &form)
		if len(form.Fields) == 0 || form.Fields[0].Name == "" {
			t.Errorf("form = %+v", form)
		}
	})
}
