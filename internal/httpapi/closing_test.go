package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestCloseOrganisationAPI closes an employer with one enrolment through
// the API: the enrolment is terminated, the employer reads closed, a new
// enrolment with it is 422 naming org_id and a second closing 409.
func TestCloseOrganisationAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	v := villages(t, "652301", 1)[0]
	org := b.createOrg(t, "cw1", "652301", "MA0C1D35")
	p := b.createPerson(t, "cw1", v, 51)
	var e struct {
		ID int64 `json:"id"`
	}
	b.enrol(t, "cw1", map[string]any{"person_id": p.ID, "scheme": "employee_pension", "kind": "employer", "org_id": org, "start": "2025-01"}).
		want(t, http.StatusCreated).decode(t, &e)
	path := fmt.Sprintf("/api/v1/organisations/%d/closing", org)
	wantField(t, b.do(t, "POST", path, "cw1", map[string]any{"on": "2026-06-15", "version": 1}).problem(t, http.StatusUnprocessableEntity), "reason")
	b.do(t, "POST", path, "cw2", map[string]any{"on": "2026-06-15", "reason": "注销", "version": 1}).want(t, http.StatusNotFound)
	var c struct {
		Month      string  `json:"month"`
		Terminated []int64 `json:"terminated"`
	}
	b.do(t, "POST", path, "cw1", map[string]any{"on": "2026-06-15", "reason": "市场监管部门注销登记", "version": 1}).want(t, http.StatusCreated).decode(t, &c)
	if c.Month != "2026-06" || len(c.Terminated) != 1 || c.Terminated[0] != e.ID {
		t.Fatalf("closing %+v, want enrolment %d terminated from 2026-06", c, e.ID)
	}
	var o struct {
		Status   string `json:"status"`
		ClosedOn string `json:"closed_on"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/organisations/%d", org), "cw1", nil).want(t, http.StatusOK).decode(t, &o)
	if o.Status != "closed" || o.ClosedOn != "2026-06-15" {
		t.Fatalf("organisation %+v", o)
	}
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK)
	q := b.createPerson(t, "cw1", v, 52)
	wantField(t, b.enrol(t, "cw1", map[string]any{"person_id": q.ID, "scheme": "employee_pension", "kind": "employer", "org_id": org, "start": "2026-07"}).
		problem(t, http.StatusUnprocessableEntity), "org_id")
	b.do(t, "POST", path, "cw1", map[string]any{"on": "2026-06-15", "reason": "again", "version": 2}).want(t, http.StatusConflict)
}
