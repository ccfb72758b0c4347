package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestRegistrationConflictIsASearch: registering an ID number registered
// already (POST /persons, or PATCH /persons/{id} with a new number) says
// whether a guessed number exists, so it counts as a search by ID number:
// recorded with the number masked, limited per user and hour (429 with
// Retry-After over it), and, when the person registered is outside the
// caller's scope, answered with "registered already" and nothing of them.
func TestRegistrationConflictIsASearch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.reg.IDSearchesPerHour = 3
	fukang := b.createPerson(t, "cw2", villages(t, "652302", 1)[0], 61) // outside cw1's scope
	v := villages(t, "652301", 1)[0]
	mine := b.createPerson(t, "cw1", v, 62)
	other := b.createPerson(t, "cw1", v, 63)
	idProblem := func(p problemBody) string {
		for _, e := range p.Errors {
			if e.Field == "id_number" {
				return e.Detail
			}
		}
		return ""
	}
	register := func(seq int) *result {
		return b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
			"id_number": residentID(t, seq), "name": "李明", "ethnicity": "han", "hukou_type": "urban", "region_code": v,
		})
	}

	// Outside the scope: registered already, and nothing else.
	r := register(61)
	p := r.problem(t, http.StatusConflict)
	if !strings.Contains(idProblem(p), "cannot be registered here") {
		t.Errorf("out-of-scope conflict says %+v, want that it cannot be registered here", p)
	}
	for _, leak := range []string{"王芳", fukang.RegionCode, fukang.RegionName, "652302", fmt.Sprintf("person %d", fukang.ID), "阜康"} {
		if strings.Contains(string(r.body), leak) {
			t.Errorf("out-of-scope conflict reveals %q: %s", leak, r.body)
		}
	}
	// In the scope the answer may name the person.
	p = register(62).problem(t, http.StatusConflict)
	if !strings.Contains(idProblem(p), fmt.Sprintf("person %d", mine.ID)) {
		t.Errorf("in-scope conflict says %+v, want person %d", p, mine.ID)
	}
	// A change of ID number to one registered already (requested with its
	// reason, for a second user) is the third search.
	b.do(t, "PATCH", "/api/v1/persons/"+strconv.FormatInt(other.ID, 10), "cw1", map[string]any{
		"version": other.Version, "id_number": residentID(t, 61), "reason": "户口簿核对",
	}).problem(t, http.StatusConflict)
	// The fourth is refused for the hour; other users are not limited.
	r = register(61)
	r.problem(t, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s <= 0 || s > 3600 {
		t.Errorf("Retry-After %q, want seconds up to an hour", r.header.Get("Retry-After"))
	}
	b.do(t, "GET", "/api/v1/persons/"+strconv.FormatInt(other.ID, 10), "cw1", nil).want(t, http.StatusOK)
	// A registration of a new number is no search.
	b.createPerson(t, "cw1", v, 64)

	full := string(residentID(t, 61))
	evs, err := b.db.AuditEvents(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range evs {
		if strings.Contains(e.EntityID, full) || strings.Contains(e.EntityID, string(residentID(t, 62))) {
			t.Errorf("audit event %s %s holds a full ID number", e.Action, e.EntityID)
		}
		if e.Actor.Name != "cw1" || !strings.HasPrefix(e.Action, "person.search") {
			continue
		}
		if !strings.Contains(e.EntityID, "********") {
			t.Errorf("audit event %s names %q, want the masked number", e.Action, e.EntityID)
		}
		count[e.Action]++
	}
	if count["person.search"] != 3 || count["person.search_refused"] != 1 {
		t.Errorf("cw1's searches %v, want 3 made and 1 refused", count)
	}
	if logs := b.logs.String(); strings.Contains(logs, full) {
		t.Errorf("the logs hold a registered ID number")
	}
}
