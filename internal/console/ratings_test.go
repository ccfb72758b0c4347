package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"safetynet/internal/auth"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// headPassword is the point heads' password.
const headPassword = "Head-pass-2026"

// signInHead signs a client in as a point head.
func signInHead(t *testing.T, c *client, username string) {
	t.Helper()
	c.page("/login")
	if resp := c.form("/login", url.Values{"csrf": {c.csrf}, "username": {username}, "password": {headPassword}, "next": {"/"}}, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s = %d", username, resp.StatusCode)
	}
	c.page("/")
}

// ratingSite is a site with three point heads (head.a and head.b of
// Changji City, head.fk of Fukang) and one poor rating at Changji City's
// hall, with its follow-up open.
func ratingSite(t *testing.T) (*site, *ratings.Rating) {
	t.Helper()
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	for _, nu := range []auth.NewUser{
		{Username: "head.a", DisplayName: "窗口负责人甲", Posts: []auth.PostSpec{{Role: auth.RolePointHead, Region: "652301"}}},
		{Username: "head.b", DisplayName: "窗口负责人乙", Posts: []auth.PostSpec{{Role: auth.RolePointHead, Region: "652301"}}},
		{Username: "head.fk", DisplayName: "阜康窗口负责人", Posts: []auth.PostSpec{{Role: auth.RolePointHead, Region: "652302"}}},
	} {
		nu.Password = headPassword
		if _, err := s.App.Auth.CreateUser(ctx, nu); err != nil {
			t.Fatalf("create %s: %v", nu.Username, err)
		}
	}
	p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 1), 987)
	if err := s.App.Registry.CreatePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	clerk, err := s.App.Auth.UserNamed(ctx, "cw.changji")
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.App.Ratings.Rate(ctx, ratings.Input{ApplicationNo: "SNhall-65230120261122001", MatterID: "employer_registration", Department: "sibao",
		PointID: "hall-652301", Channel: "window", RatedVia: ratings.ViaCounter, ClerkUserID: clerk.ID, RegionCode: p.RegionCode,
		Level: ratings.Dissatisfied, Comment: "材料被退回两次", PersonID: int64(p.ID)})
	if err != nil {
		t.Fatal(err)
	}
	return s, r
}

// TestRatingFollowUpPages: the point head sees the poor rating waiting on
// the home page, opens it from 好差评整改, answers it; the same head is
// told another closes it; a second head closes it. The counts per point
// show the rating.
func TestRatingFollowUpPages(t *testing.T) {
	chromium(t)
	s, r := ratingSite(t)
	u := s.newUser(t)
	u.signInWith("head.a", headPassword)
	if got := u.text(`[data-queue=rating_follow_ups_open] .count`); got != "1" {
		t.Fatalf("home queue of poor ratings = %q, want 1", got)
	}
	u.click(`[data-queue=rating_follow_ups_open]`)
	u.waitFor(`[data-testid=follow-ups]`)
	if got := u.text(`[data-testid=follow-ups] tbody`); !strings.Contains(got, "不满意") || !strings.Contains(got, r.ApplicationNo) || !strings.Contains(got, "2026年11月27日") {
		t.Errorf("follow-up row = %q; want the application, 不满意, due 2026年11月27日", got)
	}
	if got := u.text(`[data-testid=rating-counts]`); !strings.Contains(got, "0.00%") {
		t.Errorf("counts per point = %q; want the hall's one poor rating, 0.00%%", got)
	}
	u.screenshot("ratings-list")
	u.click(`[data-testid=follow-up-link]`)
	u.waitFor(`[data-testid=answer-form]`)
	// The text areas are empty: typed into, not cleared first.
	u.run(chromedp.SendKeys(`[data-testid=answer-measures]`, "核对材料清单，一次性告知所需材料"),
		chromedp.SendKeys(`[data-testid=answer-contact]`, "电话回访申请人，对整改表示满意"))
	u.click(`[data-testid=answer-submit]`)
	u.waitFor(`[data-testid=second-user]`)
	if got := u.text(`[data-testid=follow-up-measures]`); got != "核对材料清单，一次性告知所需材料" {
		t.Errorf("measures shown = %q", got)
	}
	u.screenshot("ratings-answered")

	v := s.newUser(t)
	v.signInWith("head.b", headPassword)
	v.open("/ratings/follow-ups/" + itoa(r.FollowUpID))
	v.run(chromedp.SendKeys(`[data-testid=close-note]`, "已核实"))
	v.click(`[data-testid=close-submit]`)
	v.waitFor(`[data-testid=follow-up-closed-by]`)
	if got := v.text(`[data-testid=follow-up-closed-by]`); !strings.Contains(got, "窗口负责人乙") {
		t.Errorf("closed by = %q, want 窗口负责人乙 by name", got)
	}
	v.screenshot("ratings-closed")
}

// TestRatingFollowUpAccess: who may open and change a follow-up, and a
// form without the CSRF token.
func TestRatingFollowUpAccess(t *testing.T) {
	s, r := ratingSite(t)
	path := "/ratings/follow-ups/" + itoa(r.FollowUpID)
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	if code := cw.status("/ratings"); code != http.StatusForbidden {
		t.Errorf("a caseworker's /ratings = %d, want 403", code)
	}
	fk := newClient(t, s)
	signInHead(t, fk, "head.fk")
	if code := fk.status(path); code != http.StatusNotFound {
		t.Errorf("Fukang's head opening a Changji City follow-up = %d, want 404", code)
	}
	a := newClient(t, s)
	signInHead(t, a, "head.a")
	if code, body := a.page(path); code != http.StatusOK || !strings.Contains(body, `data-testid="answer-form"`) {
		t.Fatalf("head.a's follow-up page = %d", code)
	}
	answer := url.Values{"version": {"1"}, "measures": {"整改"}, "contact": {"回访"}, "contacted_on": {"2026-11-22"}}
	if code := a.post(path+"/answer", answer); code != http.StatusForbidden {
		t.Errorf("an answer without the CSRF token = %d, want 403", code)
	}
	answer.Set("csrf", a.csrf)
	answer.Set("contacted_on", "2026-12-30")
	if code := a.post(path+"/answer", answer); code != http.StatusUnprocessableEntity {
		t.Errorf("an answer contacted in the future = %d, want 422", code)
	}
	answer.Set("contacted_on", "2026-11-22")
	if code := a.post(path+"/answer", answer); code != http.StatusSeeOther {
		t.Fatalf("the answer = %d, want 303", code)
	}
	a.page(path)
	if code := a.post(path+"/close", url.Values{"csrf": {a.csrf}, "version": {"2"}}); code != http.StatusForbidden {
		t.Errorf("closing by the head who answered = %d, want 403", code)
	}
	if code := fk.post(path+"/close", url.Values{"csrf": {fk.csrf}, "version": {"2"}}); code != http.StatusNotFound {
		t.Errorf("closing by Fukang's head = %d, want 404", code)
	}
	f, err := s.App.Ratings.FollowUp(s.App.System(context.Background(), "test"), r.FollowUpID)
	if err != nil || f.Status != ratings.StatusAnswered {
		t.Fatalf("after the refusals the follow-up is %+v, %v; want answered", f, err)
	}
}
