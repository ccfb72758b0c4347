package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// TestAuditPage: the auditor filters the trail by actor and finds who read
// a person; a caseworker may open neither page.
func TestAuditPage(t *testing.T) {
	s := newSite(t)
	// cw.changji signs in and reads a person: the trail has both.
	cw := newClient(t, s)
	cw.signIn("cw.changji", "")
	if code := cw.status("/audit"); code != http.StatusForbidden {
		t.Errorf("a caseworker opens the audit page: %d, want 403", code)
	}
	if code := cw.status("/audit/reads?q=1"); code != http.StatusForbidden {
		t.Errorf("a caseworker opens who-read: %d, want 403", code)
	}
	name := firstPersonName(t, s, "652301")
	cw.page("/persons?q=" + url.QueryEscape(name))

	u := s.newUser(t)
	u.signIn("auditor")
	u.open("/audit")
	u.fill(`[data-testid=audit-actor]`, "cw.changji")
	u.click(`[data-testid=audit-submit]`)
	u.waitFor(`[data-testid=audit-of]`)
	u.waitFor(`[data-testid=audit-events]`)
	rows := u.text(`[data-testid=audit-events]`)
	if !strings.Contains(rows, "cw.changji") || !strings.Contains(rows, "登录") || !strings.Contains(rows, "查阅人员") {
		t.Errorf("the trail of cw.changji reads:\n%s", rows)
	}
	for _, other := range []string{"auditor", "cw.fukang"} {
		if strings.Contains(rows, other+" ") {
			t.Errorf("the trail filtered by cw.changji shows %s:\n%s", other, rows)
		}
	}
	if loc := u.location(); !strings.Contains(loc, "actor=cw.changji") {
		t.Errorf("the filter is not in the address: %s", loc)
	}
	u.screenshot("audit")

	// Who read the person cw.changji listed.
	c := newClient(t, s)
	c.signIn("auditor", "")
	_, body := c.page("/audit?actor=cw.changji&action=person.read")
	if !strings.Contains(body, "查阅人员") {
		t.Fatalf("no person read by cw.changji in the trail")
	}
	pid := firstPersonID(t, s, "652301")
	code, body := c.page("/audit/reads?q=" + pid)
	if code != http.StatusOK || !strings.Contains(body, "cw.changji") || !strings.Contains(body, name) {
		t.Errorf("who read person %s (%d) lacks cw.changji or the name:\n%s", pid, code, body)
	}
	// A bad date is named beside its field.
	if code, body := c.page("/audit?from=2026-13-01"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") {
		t.Errorf("a bad date: %d", code)
	}
}

// firstPersonID returns the key of the first living person registered in
// the region subtree code (the one firstPersonName names).
func firstPersonID(t *testing.T, s *site, code string) string {
	t.Helper()
	ps, err := s.App.Registry.Persons(s.App.System(context.Background(), "test"), registry.PersonFilter{Region: region.Code(code), Alive: true, Page: registry.Page{Limit: 1}})
	if err != nil || len(ps) == 0 {
		t.Fatalf("no person in %s: %v", code, err)
	}
	return strconv.FormatInt(int64(ps[0].ID), 10)
}
