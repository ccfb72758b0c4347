package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/ids"
)

// TestIDNumberSearchAuditedAndLimited checks that a search of persons by
// ID number is recorded with the number masked, that a user may make only
// so many an hour (then 429 with Retry-After, the refusal recorded too),
// and that every person a list shows is recorded as read.
func TestIDNumberSearchAuditedAndLimited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.reg.IDSearchesPerHour = 3
	v := villages(t, "652301", 1)[0]
	p := b.createPerson(t, "cw1", v, 41)
	full := string(residentID(t, 41))
	guess := string(residentID(t, 42)) // nobody's

	var list listJSON[personJSON]
	b.do(t, "GET", "/api/v1/persons?id_number="+full, "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != p.ID {
		t.Fatalf("search by %s: %+v, want person %d", ids.ResidentID(full).Masked(), list.Items, p.ID)
	}
	b.do(t, "GET", "/api/v1/persons?id_number="+guess, "cw1", nil).want(t, http.StatusOK)
	b.do(t, "GET", "/api/v1/persons?id_number="+full, "cw1", nil).want(t, http.StatusOK)
	r := b.do(t, "GET", "/api/v1/persons?id_number="+guess, "cw1", nil)
	r.problem(t, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s <= 0 || s > 3600 {
		t.Errorf("Retry-After %q, want seconds up to an hour", r.header.Get("Retry-After"))
	}
	// The limit is per user; lists without an ID number are not limited.
	b.do(t, "GET", "/api/v1/persons?id_number="+full, "auditor1", nil).want(t, http.StatusOK)
	b.do(t, "GET", "/api/v1/persons", "cw1", nil).want(t, http.StatusOK)

	evs, err := b.db.AuditEvents(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range evs {
		if strings.Contains(e.EntityID, full) || strings.Contains(e.EntityID, guess) {
			t.Errorf("audit event %s %s holds a full ID number", e.Action, e.EntityID)
		}
		if e.Actor.Name != "cw1" {
			continue
		}
		switch e.Action {
		case "person.search", "person.search_refused":
			if !strings.Contains(e.EntityID, "********") {
				t.Errorf("audit event %s names %q, want the masked number", e.Action, e.EntityID)
			}
			count[e.Action]++
		case "person.read":
			if e.EntityID == fmt.Sprint(p.ID) {
				count[e.Action]++
			}
		}
	}
	// Two searches found the person, and the plain list showed them.
	want := map[string]int{"person.search": 3, "person.search_refused": 1, "person.read": 3}
	for a, n := range want {
		if count[a] != n {
			t.Errorf("cw1's %s events: %d, want %d", a, count[a], n)
		}
	}
	if logs := b.logs.String(); strings.Contains(logs, full) || strings.Contains(logs, guess) {
		t.Errorf("the logs hold a searched ID number")
	}
}

// TestSignalIDNumbersCountAsSearches checks that the ID numbers of a batch
// of signals count as searches by ID number: whether a number names a
// registered person is an answer too.
func TestSignalIDNumbersCountAsSearches(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.reg.IDSearchesPerHour = 2
	v := villages(t, "652301", 1)[0]
	b.createPerson(t, "cw1", v, 51)
	signal := func(seq int) map[string]any {
		return map[string]any{"id_number": residentID(t, seq), "kind": "hospital_bill", "source": "medical_insurance",
			"occurred_on": "2026-01-05", "amount": 100}
	}
	// Three numbers in one batch are over a limit of two: refused whole.
	r := b.do(t, "POST", "/api/v1/signals", "cw1", map[string]any{"signals": []any{signal(51), signal(52), signal(53)}})
	r.problem(t, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// One number (guessed, twice in the batch) is one search; a search of
	// persons is the second, and a third is refused.
	b.do(t, "POST", "/api/v1/signals", "cw1", map[string]any{"signals": []any{signal(52), signal(52)}}).problem(t, http.StatusUnprocessableEntity)
	b.do(t, "GET", "/api/v1/persons?id_number="+string(residentID(t, 51)), "cw1", nil).want(t, http.StatusOK)
	b.do(t, "GET", "/api/v1/persons?id_number="+string(residentID(t, 53)), "cw1", nil).problem(t, http.StatusTooManyRequests)

	evs, err := b.db.AuditEvents(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range evs {
		if e.Actor.Name == "cw1" && strings.HasPrefix(e.Action, "person.search") {
			count[e.Action]++
		}
	}
	if count["person.search"] != 2 || count["person.search_refused"] != 4 {
		t.Errorf("cw1's searches %v, want 2 made and 4 refused (3 in the batch, 1 search)", count)
	}
}
