package httpapi_test

import (
	"net/http"
	"testing"
)

// TestVersionedActionsRequireVersion: every action on a versioned record
// refuses a body without its version with a 422 naming version, before
// the record is looked up, and names the body's other bad fields in the
// same answer.
func TestVersionedActionsRequireVersion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		method, path string
		body         map[string]any
		also         string // another field the body gets wrong, named too
	}{
		{"PATCH", "/api/v1/persons/999999", map[string]any{"reason": "x"}, ""},
		{"PATCH", "/api/v1/households/999999", map[string]any{}, ""},
		{"PATCH", "/api/v1/organisations/999999", map[string]any{}, ""},
		{"PATCH", "/api/v1/employment/999999", map[string]any{"end": "2025-13"}, "end"},
		{"POST", "/api/v1/alerts/999999/visits", map[string]any{"visited_on": "2025-02-30", "outcome": "confirmed"}, "visited_on"},
		{"POST", "/api/v1/alerts/999999/disposition", map[string]any{"disposition": "referred"}, ""},
		{"POST", "/api/v1/unemployment-claims/999999/termination", map[string]any{"reason": "employed", "from": "2025-13"}, "from"},
		{"POST", "/api/v1/assistance-cases/999999/investigation", map[string]any{}, ""},
		{"POST", "/api/v1/assistance-cases/999999/assessment", map[string]any{}, ""},
		{"POST", "/api/v1/assistance-cases/999999/withdrawal", map[string]any{"note": "x"}, ""},
		{"POST", "/api/v1/assistance-cases/999999/fast-track", map[string]any{}, ""},
		{"POST", "/api/v1/enrolments/999999/suspension", map[string]any{"from": "2025-13"}, "from"},
		{"POST", "/api/v1/enrolments/999999/resumption", map[string]any{"from": "2025-05"}, ""},
		{"POST", "/api/v1/enrolments/999999/termination", map[string]any{"from": "2025-05"}, ""},
		{"POST", "/api/v1/payment-batches/999999/cancellation", map[string]any{}, ""},
	} {
		p := b.do(t, tc.method, tc.path, "admin", tc.body).problem(t, http.StatusUnprocessableEntity)
		if _, ok := p.field("version"); !ok {
			t.Errorf("%s %s without version: errors %+v do not name version", tc.method, tc.path, p.Errors)
		}
		if _, ok := p.field(tc.also); tc.also != "" && !ok {
			t.Errorf("%s %s without version: errors %+v do not name %s too", tc.method, tc.path, p.Errors, tc.also)
		}
	}
	// A bad id is refused before the body is read.
	wantField(t, b.do(t, "POST", "/api/v1/assistance-cases/0/withdrawal", "admin", map[string]any{}).problem(t, http.StatusUnprocessableEntity), "id")
}
