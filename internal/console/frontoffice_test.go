package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/auth"
	"safetynet/internal/frontoffice"
	"safetynet/internal/matters"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// foBank is the bank outlet (社银合作) the front-office tests receive at.
const foBank = "bank-652301-01"

// clerkPassword is the counter clerk's password.
const clerkPassword = "Clerk-pass-2026"

// foSite is a site with a counter clerk (clerk.bank) posted over the bank
// outlet's township, and two persons of a village there: the applicant
// and the agent who applies for them.
type foSite struct {
	*site
	point            matters.Point
	applicant, agent *registry.Person
}

func newFOSite(t *testing.T) *foSite {
	t.Helper()
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	off, err := s.App.FrontOffice.Office()
	if err != nil {
		t.Fatal(err)
	}
	pt, ok := off.Points.Point(foBank)
	if !ok {
		t.Fatalf("no point %s", foBank)
	}
	if _, err := s.App.Auth.CreateUser(ctx, auth.NewUser{Username: "clerk.bank", DisplayName: "社银柜员", Password: clerkPassword,
		Posts: []auth.PostSpec{{Role: auth.RoleClerk, Region: pt.Region}}}); err != nil {
		t.Fatal(err)
	}
	village := s.App.Juris.Tree.Descendants(pt.Region, region.Village)[0].Code
	f := &foSite{site: s, point: pt}
	for i, p := range []**registry.Person{&f.applicant, &f.agent} {
		per := sqlstoretest.NewPerson(t, village, 981+i)
		if err := s.App.Registry.CreatePerson(ctx, per); err != nil {
			t.Fatal(err)
		}
		*p = per
	}
	return f
}

// setDate puts a date input's value (typing into a date field depends on
// the browser's locale).
func (u *user) setDate(sel, v string) {
	u.t.Helper()
	u.run(chromedp.WaitVisible(sel), chromedp.SetValue(sel, v))
}

// waitStatus waits until the application page shows status want (a
// submitted form first shows the page it left), and fails with the last
// status seen.
func (u *user) waitStatus(want string) {
	u.t.Helper()
	got := ""
	for i := 0; i < 100; i++ {
		u.waitFor(`[data-testid=application-status]`)
		if got = u.text(`[data-testid=application-status]`); got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	u.t.Fatalf("application status %q, want %q", got, want)
}

// TestFrontOfficeFlow: a counter clerk at a bank outlet receives a
// flexible worker's enrolment through 综合受理 with the agent's
// authorisation deferred (容缺); a caseworker reviews it, an approver
// approves and it is held; the caseworker records the material and the
// enrolment is made (办结); the clerk is told another must enter the
// rating, and a caseworker records a poor one, whose follow-up shows.
func TestFrontOfficeFlow(t *testing.T) {
	f := newFOSite(t)
	clerk := f.newUser(t)
	clerk.signInWith("clerk.bank", clerkPassword)
	clerk.open("/applications/new?point=" + foBank)
	clerk.waitFor(`[data-testid=matter-unemployment_benefit_claim]`)
	// The live search (htmx) narrows the list as the clerk types.
	clerk.run(chromedp.SendKeys(`[data-testid=matter-search]`, "灵活就业"))
	clerk.run(chromedp.WaitNotPresent(`[data-testid=matter-unemployment_benefit_claim]`))
	clerk.click(`[data-testid=matter-flexible_employment_enrol]`)
	clerk.fill(`[data-testid=applicant-q]`, string(f.applicant.IDNumber))
	clerk.click(`[data-testid=applicant-find]`)
	clerk.click(`[data-testid=applicant-pick]`)
	clerk.waitFor(`[data-testid=receive-form]`)
	if got := clerk.text(`[data-testid=receive-applicant]`); !strings.Contains(got, f.applicant.Name) || strings.Contains(got, string(f.applicant.IDNumber)) {
		t.Errorf("applicant %q; want the name with the ID number masked", got)
	}
	clerk.click(`[data-testid=agent-open]`)
	clerk.fill(`[data-testid=agent-name]`, f.agent.Name)
	clerk.fill(`[data-testid=agent-id]`, string(f.agent.IDNumber))
	clerk.run(chromedp.SetValue(`[data-testid=how-authorisation]`, "deferred"))
	clerk.setDate(`[data-testid=promised-authorisation]`, "2026-12-01")
	clerk.run(chromedp.SetValue(`[data-testid=field-kind]`, "flexible"))
	clerk.setDate(`[data-testid=field-start]`, "2026-11")
	clerk.fill(`[data-testid=field-base]`, "5000.00")
	clerk.screenshot("fo-receive-form")
	clerk.click(`[data-testid=receive-submit]`)
	clerk.waitFor(`[data-testid=application-no]`)
	no := clerk.text(`[data-testid=application-no]`)
	if !strings.HasPrefix(no, "SNB65230101") {
		t.Fatalf("receipt %q; want numbered at the bank outlet", no)
	}
	if got := clerk.text(`[data-testid=application-status]`); got != "已受理待审核" {
		t.Errorf("status %q", got)
	}
	if got := clerk.text(`[data-testid=application-materials]`); !strings.Contains(got, "承诺于2026年12月1日前补交") {
		t.Errorf("materials %q; want the deferred promise", got)
	}
	if got := clerk.text(`[data-testid=application-form]`); !strings.Contains(got, "5,000.00 元") || !strings.Contains(got, "灵活就业") {
		t.Errorf("form %q; want the base in yuan and the kind in words", got)
	}
	clerk.screenshot("fo-application-received")

	cw := f.newUser(t)
	cw.signIn("cw.changji")
	cw.open("/applications/" + url.PathEscape(no))
	cw.click(`[data-testid=review-submit]`)
	cw.waitStatus("待审批")
	ap := f.newUser(t)
	ap.signIn("approver")
	ap.open("/applications/" + url.PathEscape(no))
	ap.click(`[data-testid=decision-submit]`)
	ap.waitStatus("待补交容缺材料")
	cw.open("/applications/" + url.PathEscape(no))
	cw.click(`[data-testid=supply-authorisation]`)
	cw.waitStatus("已办结")
	a, err := f.App.FrontOffice.Get(f.App.System(context.Background(), "test"), no)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != frontoffice.Completed || !strings.HasPrefix(a.ResultRef, "enrolment:") {
		t.Errorf("application %+v; want completed with the enrolment", a.Application)
	}

	clerk.open("/applications/" + url.PathEscape(no))
	clerk.waitFor(`[data-testid=rating-receiver]`)
	cw.open("/applications/" + url.PathEscape(no))
	cw.click(`[data-testid=rating-2]`)
	cw.run(chromedp.SendKeys(`[data-testid=rating-comment]`, "等候时间长"))
	cw.click(`[data-testid=rating-submit]`)
	cw.waitFor(`[data-testid=rating-follow-up]`)
	if got := cw.text(`[data-testid=rating]`); !strings.Contains(got, "不满意") || !strings.Contains(got, "待整改") {
		t.Errorf("rating %q; want 不满意 with its follow-up open", got)
	}
	cw.screenshot("fo-application-completed")
}

// TestFrontOfficeNotAccepted: a receipt missing the essential materials
// is not accepted, its page lists every missing one at once, and the
// printable 一次性告知书 names them.
func TestFrontOfficeNotAccepted(t *testing.T) {
	f := newFOSite(t)
	c := newClient(t, f.site)
	c.page("/login")
	if resp := c.form("/login", url.Values{"csrf": {c.csrf}, "username": {"clerk.bank"}, "password": {clerkPassword}, "next": {"/"}}, "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in = %d", resp.StatusCode)
	}
	c.page("/applications/new?point=" + foBank + "&matter=unemployment_benefit_claim&person_id=" + itoa(int64(f.applicant.ID)))
	resp := c.form("/applications", url.Values{"csrf": {c.csrf}, "matter": {"unemployment_benefit_claim"}, "channel": {"bank"}, "point": {foBank},
		"person_id": {itoa(int64(f.applicant.ID))}, "m.termination_proof": {"missing"}, "m.bank_card": {"missing"}}, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("receive = %d", resp.StatusCode)
	}
	path := resp.Header.Get("Location")
	if code, body := c.page(path); code != http.StatusOK || !strings.Contains(body, "tell-once") {
		t.Fatalf("%s = %d: %s", path, code, body)
	}
	u := f.newUser(t)
	u.signInWith("clerk.bank", clerkPassword)
	u.open(path)
	tell := u.text(`[data-testid=tell-once]`)
	off, _ := f.App.FrontOffice.Office()
	m, _ := off.Catalogue.Matter("unemployment_benefit_claim")
	var asked []matters.Material
	for _, mat := range m.Materials {
		if mat.Asked() {
			asked = append(asked, mat)
		}
	}
	if len(asked) < 2 {
		t.Fatalf("materials asked %v; want two", asked)
	}
	for _, mat := range asked {
		if !strings.Contains(tell, mat.Name.ZH) {
			t.Errorf("一次性告知 %q does not name %s", tell, mat.Name.ZH)
		}
	}
	u.screenshot("fo-not-accepted")
	u.click(`[data-testid=notice-link]`)
	got := u.text(`[data-testid=notice-missing]`)
	for _, mat := range asked {
		if !strings.Contains(got, mat.Name.ZH) {
			t.Errorf("告知书 %q does not name %s", got, mat.Name.ZH)
		}
	}
	u.screenshot("fo-notice")
}

// TestFrontOfficeAccess: a caseworker of another county finds no
// application of Changji, an analyst may not receive, a POST without the
// CSRF token changes nothing, and a form with a bad amount comes back
// with the problem beside the field.
func TestFrontOfficeAccess(t *testing.T) {
	f := newFOSite(t)
	clerkCtx := clerkContext(t, f)
	a, err := f.App.FrontOffice.Receive(clerkCtx, flexibleReceipt(f))
	if err != nil {
		t.Fatal(err)
	}
	path := "/applications/" + url.PathEscape(a.No)
	fk := newClient(t, f.site)
	fk.signIn("cw.fukang", "/")
	if got := fk.status(path); got != http.StatusNotFound {
		t.Errorf("caseworker of Fukang opens %s: %d, want 404", path, got)
	}
	an := newClient(t, f.site)
	an.signIn("analyst", "/")
	if got := an.status("/applications/new"); got != http.StatusForbidden {
		t.Errorf("analyst opens 综合受理: %d, want 403", got)
	}
	cw := newClient(t, f.site)
	cw.signIn("cw.changji", "/")
	if code, body := cw.page(path); code != http.StatusOK || !strings.Contains(body, "review-form") {
		t.Fatalf("caseworker opens %s: %d", path, code)
	}
	if got := cw.post(path+"/review", url.Values{"outcome": {"pass"}, "version": {itoa(a.Version)}}); got != http.StatusForbidden {
		t.Errorf("review without CSRF: %d, want 403", got)
	}
	if d, _ := f.App.FrontOffice.Get(clerkCtx, a.No); d.Status != frontoffice.Received {
		t.Errorf("status %s after a refused POST", d.Status)
	}
	// Someone else took it meanwhile: the stale form's step is a 409 that
	// says so in words.
	cw.page(path)
	if _, err := f.App.FrontOffice.Take(caseworkerContext(t, f), a.No, a.Version); err != nil {
		t.Fatal(err)
	}
	resp := cw.form(path+"/review", url.Values{"csrf": {cw.csrf}, "outcome": {"pass"}, "version": {itoa(a.Version)}}, "same-origin")
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("stale review: %d, want 409", resp.StatusCode)
	}
	cl := newClient(t, f.site)
	cl.page("/login")
	cl.form("/login", url.Values{"csrf": {cl.csrf}, "username": {"clerk.bank"}, "password": {clerkPassword}, "next": {"/"}}, "same-origin")
	cl.page("/applications/new")
	resp = cl.form("/applications", url.Values{"csrf": {cl.csrf}, "matter": {"flexible_employment_enrol"}, "channel": {"bank"}, "point": {foBank},
		"person_id": {itoa(int64(f.applicant.ID))}, "m.id_card": {"original"}, "m.hukou": {"original"}, "f.kind": {"flexible"}, "f.start": {"2026-11"},
		"f.base": {"5千元"}}, "same-origin")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad amount: %d, want 422", resp.StatusCode)
	}
}

// clerkContext is the counter clerk acting in their post.
func clerkContext(t *testing.T, f *foSite) context.Context {
	t.Helper()
	u, err := f.App.Auth.UserNamed(f.App.System(context.Background(), "test"), "clerk.bank")
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.App.Auth.ActAs(context.Background(), u.ID, u.LivePosts()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(context.Background(), p)
}

// caseworkerContext is Changji City's caseworker acting in their post.
func caseworkerContext(t *testing.T, f *foSite) context.Context {
	t.Helper()
	u, err := f.App.Auth.UserNamed(f.App.System(context.Background(), "test"), "cw.changji")
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.App.Auth.ActAs(context.Background(), u.ID, u.LivePosts()[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(context.Background(), p)
}

// flexibleReceipt is the applicant's flexible enrolment at the bank
// outlet, every material brought.
func flexibleReceipt(f *foSite) frontoffice.Receipt {
	return frontoffice.Receipt{Matter: "flexible_employment_enrol", Channel: matters.Bank, Point: foBank, PersonID: f.applicant.ID,
		Form:      []byte(`{"kind":"flexible","start":"2026-11","base":500000}`),
		Materials: map[string]frontoffice.MaterialIn{"id_card": {How: "original"}, "hukou": {How: "original"}}}
}

// TestFrontOfficeOverdueAndQueue: with the clock moved past its due date,
// an application received at the bank outlet is on the overdue page,
// counted at its point, and the caseworker's home queue counts it.
func TestFrontOfficeOverdueAndQueue(t *testing.T) {
	f := newFOSite(t)
	a, err := f.App.FrontOffice.Receive(clerkContext(t, f), flexibleReceipt(f))
	if err != nil {
		t.Fatal(err)
	}
	later := a.DueDate.AddDays(3)
	f.Clock.Set(func() time.Time { return later.Time().Add(4 * time.Hour) })
	u := f.newUser(t)
	u.signIn("cw.changji")
	u.open("/applications/overdue")
	if got := u.text(`[data-testid=overdue-rows]`); !strings.Contains(got, a.No) {
		t.Errorf("overdue rows %q; want %s", got, a.No)
	}
	if got := u.text(`[data-testid=by-point]`); !strings.Contains(got, f.point.Name.ZH) {
		t.Errorf("per point %q; want %s", got, f.point.Name.ZH)
	}
	n := u.text(`[data-testid=count-overdue]`)
	u.screenshot("fo-overdue")
	u.open("/")
	if got := u.text(`[data-queue=applications_overdue] .count`); got != n || n == "0" {
		t.Errorf("home queue counts %q overdue, the overdue page %q", got, n)
	}
	u.screenshot("fo-home-queue")
}
