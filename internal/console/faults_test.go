package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"safetynet/internal/auth"
)

// TestFaultsInChinese: the services' refusals read in the page's
// language, not in the service's English: a maker-checker refusal (the
// maker of a batch switched to an approver post approves it) and a
// password too short; in English after the switch.
func TestFaultsInChinese(t *testing.T) {
	s := newSite(t)
	cp := batchWithChangedAccount(t, s)
	path := fmt.Sprintf("/payments/batches/%d", cp.Batch.ID)
	u, err := s.App.Store.UserByName(t.Context(), "cw.changji")
	if err != nil {
		t.Fatal(err)
	}
	granted, err := s.App.Auth.GrantPost(screeningAs(t, s, "admin"), u.ID, auth.PostSpec{Role: auth.RoleApprover, Region: "652301"})
	if err != nil {
		t.Fatal(err)
	}
	var post int64
	for _, p := range granted.Posts {
		if p.Role == auth.RoleApprover {
			post = p.ID
		}
	}
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	if code := cw.post("/session/post", url.Values{"csrf": {cw.csrf}, "post": {itoa(post)}}); code != http.StatusSeeOther {
		t.Fatalf("the switch to the approver post = %d", code)
	}
	approve := url.Values{"outcome": {"approve"}, "version": {fmt.Sprint(cp.Batch.Version)}}
	cw.page(path)
	approve.Set("csrf", cw.csrf)
	code, body := cw.postPage(path+"/decision", approve)
	if code != http.StatusForbidden || !strings.Contains(body, "经办与审批分离") || strings.Contains(body, "was made by you") {
		t.Errorf("the maker's approval = %d, want 403 in Chinese:\n%s", code, excerpt(body, "error"))
	}
	short := url.Values{"current": {"demo-2026"}, "new": {"short-12"}, "confirm": {"short-12"}}
	cw.page("/me/password")
	short.Set("csrf", cw.csrf)
	if code, body := cw.postPage("/me/password", short); code != http.StatusUnprocessableEntity || !strings.Contains(body, "至少需要 10 个字符") {
		t.Errorf("a short password = %d, want 422 in Chinese:\n%s", code, excerpt(body, "至少"))
	}

	cw.page("/lang/en?next=/")
	cw.page(path)
	approve.Set("csrf", cw.csrf)
	if code, body := cw.postPage(path+"/decision", approve); code != http.StatusForbidden || !strings.Contains(body, "maker-checker") || strings.Contains(body, "经办与审批分离") {
		t.Errorf("the maker's approval in English = %d:\n%s", code, excerpt(body, "error"))
	}
	cw.page("/me/password")
	short.Set("csrf", cw.csrf)
	if code, body := cw.postPage("/me/password", short); code != http.StatusUnprocessableEntity || !strings.Contains(body, "must be at least 10 characters") {
		t.Errorf("a short password in English = %d", code)
	}
}
