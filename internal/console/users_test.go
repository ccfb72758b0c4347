package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"safetynet/internal/auth"
	"safetynet/internal/region"
)

// TestAdminCreatesCaseworkerInBrowser: the administrator creates a
// township caseworker in the console; the new caseworker's first sign-in
// goes to the password form, and after the change lands on the township's
// work.
func TestAdminCreatesCaseworkerInBrowser(t *testing.T) {
	s := newSite(t)
	township := s.App.Juris.Tree.Children("652301")[0]
	admin := s.newUser(t)
	admin.signIn("admin")
	admin.open("/users")
	admin.click(`[data-testid=new-user]`)
	admin.fill(`[data-testid=username]`, "tw.test")
	admin.fill(`[data-testid=display_name]`, "测试乡镇经办员")
	admin.fill(`[data-testid=password]`, "Initial-2026x")
	admin.run(
		chromedp.SetValue(`[data-testid=role0]`, "caseworker"),
		chromedp.SetValue(`[data-testid=region0]`, string(township.Code)),
		chromedp.Click(`[data-testid=create-user]`),
		chromedp.WaitVisible(`[data-testid=saved]`),
	)
	if st := admin.text(`[data-testid=user-state]`); !strings.Contains(st, "待修改初始密码") {
		t.Errorf("the new user's state reads %q, want it to say the password must be changed", st)
	}
	if posts := admin.text(`[data-testid=user-posts]`); !strings.Contains(posts, "经办员") || !strings.Contains(posts, township.NameZH) {
		t.Errorf("the new user's posts read %q, want 经办员 · %s", posts, township.NameZH)
	}
	admin.screenshot("user-new")

	cw := s.newUser(t)
	cw.signInWith("tw.test", "Initial-2026x")
	if loc := cw.location(); loc != "/me/password" {
		t.Fatalf("the first sign-in landed on %s, want the password form", loc)
	}
	cw.waitFor(`[data-testid=first-password]`)
	// Any other page sends the user back to the form.
	cw.open("/persons")
	if loc := cw.location(); loc != "/me/password" {
		t.Errorf("before the change /persons went to %s", loc)
	}
	cw.fill(`[data-testid=current]`, "Initial-2026x")
	cw.fill(`[data-testid=new]`, "Township-2026y")
	cw.fill(`[data-testid=confirm]`, "Township-2026y")
	cw.click(`[data-testid=change-password]`)
	cw.waitFor(`[data-testid=queue]`)
	if who := cw.text(`[data-testid=who]`); !strings.Contains(who, township.NameZH) {
		t.Errorf("after the change the header reads %q, want the township %s", who, township.NameZH)
	}
}

// TestUserPagesRules: only an administrator opens the user pages; an
// administrator cannot change their own posts; a post outside the
// administrator's scope is refused; the forms need the CSRF token.
func TestUserPagesRules(t *testing.T) {
	s := newSite(t)
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	if code := cw.status("/users"); code != http.StatusForbidden {
		t.Errorf("a caseworker's /users = %d, want 403", code)
	}

	ctx := s.App.System(context.Background(), "test")
	county, err := s.App.Auth.CreateUser(ctx, auth.NewUser{Username: "admin.fukang", Password: "County-admin-1", Posts: []auth.PostSpec{{Role: auth.RoleAdmin, Region: "652302"}}})
	if err != nil {
		t.Fatal(err)
	}
	_ = county
	ca := newClient(t, s)
	ca.page("/login")
	if resp := ca.form("/login", url.Values{"csrf": {ca.csrf}, "username": {"admin.fukang"}, "password": {"County-admin-1"}, "next": {"/"}}, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("county admin sign-in = %d", resp.StatusCode)
	}
	ca.page("/users/new")
	form := url.Values{"csrf": {ca.csrf}, "username": {"cw.elsewhere"}, "password": {"Initial-2026x"}, "role0": {"caseworker"}, "region0": {"652301"}}
	if code := ca.post("/users", form); code != http.StatusUnprocessableEntity && code != http.StatusForbidden {
		t.Errorf("a county admin granting a post in another county = %d, want 422 or 403", code)
	}
	if _, err := s.App.Auth.UserNamed(ctx, "cw.elsewhere"); err == nil {
		t.Error("the post outside the admin's scope was created")
	}
	form.Set("region0", "652302")
	form.Del("csrf")
	if code := ca.post("/users", form); code != http.StatusForbidden {
		t.Errorf("a user created without the CSRF token = %d, want 403", code)
	}
	if _, err := s.App.Auth.UserNamed(ctx, "cw.elsewhere"); err == nil {
		t.Error("the user was created without the CSRF token")
	}
	form.Set("csrf", ca.csrf)
	if code := ca.post("/users", form); code != http.StatusSeeOther {
		t.Errorf("a county admin creating a caseworker of the county = %d, want 303", code)
	}
	// The administrator's own page offers no change, and a change sent
	// anyway is refused by the service.
	ca.page("/users/" + itoa(county.ID))
	if code := ca.post("/users/"+itoa(county.ID)+"/posts", url.Values{"csrf": {ca.csrf}, "role": {"approver"}, "region": {string(region.Code("652302"))}}); code < 400 {
		t.Errorf("an admin granting themselves a post = %d, want a refusal", code)
	}
}

// TestNewCaseworkerTakesACase is the path through the console: the
// administrator creates a caseworker; the caseworker signs in, changes the
// initial password and takes a 低保 application from the window to the
// assessment, whose explained decision puts the case on notice.
func TestNewCaseworkerTakesACase(t *testing.T) {
	s := newSite(t)
	hh := findApplicant(t, s, "652301")
	admin := s.newUser(t)
	admin.signIn("admin")
	admin.open("/users/new")
	admin.fill(`[data-testid=username]`, "cw.new")
	admin.fill(`[data-testid=display_name]`, "新入职经办员")
	admin.fill(`[data-testid=password]`, "Initial-2026x")
	admin.run(
		chromedp.SetValue(`[data-testid=role0]`, "caseworker"),
		chromedp.SetValue(`[data-testid=region0]`, "652301"),
		chromedp.Click(`[data-testid=create-user]`),
		chromedp.WaitVisible(`[data-testid=saved]`),
	)

	cw := s.newUser(t)
	cw.signInWith("cw.new", "Initial-2026x")
	cw.fill(`[data-testid=current]`, "Initial-2026x")
	cw.fill(`[data-testid=new]`, "Caseworker-2026y")
	cw.fill(`[data-testid=confirm]`, "Caseworker-2026y")
	cw.click(`[data-testid=change-password]`)
	cw.waitFor(`[data-testid=queue]`)

	cw.open("/assistance/cases/new")
	cw.fill(`[data-testid=household-q]`, hh.HeadName)
	cw.click(`[data-testid=household-search]`)
	cw.waitFor(`[data-testid=households]`)
	cw.click(fmt.Sprintf(`[data-household="%d"]`, hh.ID))
	cw.waitFor(`[data-testid=apply-form]`)
	cw.run(chromedp.SetValue(`[data-testid=programme]`, "dibao"))
	cw.click(`[data-testid=apply]`)
	cw.waitFor(`[data-testid=means-form]`)
	for i := range hh.Members {
		cw.run(chromedp.SetValue(fmt.Sprintf(`[data-testid=m%d-supporter]`, i), "no"))
	}
	cw.fill(`[data-testid=m0-wage]`, "800")
	cw.click(`[data-testid=investigate]`)
	cw.waitFor(`[data-testid=assess]`)
	cw.click(`[data-testid=assess]`)
	cw.waitFor(`[data-testid=explain]`)
	if st := cw.text(`[data-testid=case-status]`); st != "公示中" {
		t.Errorf("after the new caseworker's assessment the case reads %q, want 公示中", st)
	}
	c := caseOf(t, s, cw.location())
	if c.Case.CreatedBy == 0 || c.Case.AssessedBy != c.Case.CreatedBy {
		t.Errorf("the case was made by user %d and assessed by %d, want the new caseworker for both", c.Case.CreatedBy, c.Case.AssessedBy)
	}
	u, err := s.App.Auth.UserNamed(s.App.System(context.Background(), "test"), "cw.new")
	if err != nil || u.ID != c.Case.CreatedBy {
		t.Errorf("the case's maker is user %d, want cw.new (%v)", c.Case.CreatedBy, err)
	}
}
