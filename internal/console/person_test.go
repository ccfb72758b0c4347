package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/insurance"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var (
	maskedID = regexp.MustCompile(`\d{6}\*{8}\d{3}[\dX]`)
	wholeID  = regexp.MustCompile(`\d{17}[\dX]`)
)

// signedAs returns a context with the principal of demo user username,
// signed in through the auth service as the console does.
func signedAs(t *testing.T, s *site, username string) context.Context {
	t.Helper()
	ctx := context.Background()
	g, err := s.App.Auth.Login(ctx, username, "demo-2026", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.App.Auth.Authenticate(ctx, g.Token)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(ctx, p)
}

// richPerson finds a living person of the region subtree code with an
// enrolment, contributions in the last 12 months and an award (a pension
// or, through their household, social assistance).
func richPerson(t *testing.T, s *site, code region.Code) *registry.Person {
	t.Helper()
	ctx := s.App.System(context.Background(), "test")
	to := s.App.Clock.Today().Period()
	var after int64
	for range 20 {
		ps, err := s.App.Registry.Persons(ctx, registry.PersonFilter{Region: code, Alive: true, Page: registry.Page{After: after, Limit: 200}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			after = int64(p.ID)
			pays, err := s.App.Insurance.Contributions(ctx, insurance.ContributionFilter{PersonID: p.ID, From: to.Add(-11), To: to, Page: registry.Page{Limit: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if len(pays) == 0 {
				continue
			}
			pens, err := s.App.Pensions.Awards(ctx, insurance.AwardFilter{PersonID: p.ID, Page: registry.Page{Limit: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if len(pens) > 0 {
				return p
			}
			hs, err := s.App.Registry.Households(ctx, registry.HouseholdFilter{PersonID: p.ID, Page: registry.Page{Limit: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) == 0 {
				continue
			}
			as, err := s.App.Assistance.Awards(ctx, assistance.AwardFilter{HouseholdID: hs[0].ID, Page: registry.Page{Limit: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if len(as) > 0 {
				return p
			}
		}
	}
	t.Fatalf("no person of %s has an enrolment, contributions and an award", code)
	return nil
}

// TestPersonFileInBrowser follows a Changji City caseworker from the
// search page to a person's file: every section shows, the ID number,
// phone and accounts masked, no birth date. The approver sees the ID
// whole, the auditor sees the caseworker's read, and Fukang's caseworker
// finds no such person.
func TestPersonFileInBrowser(t *testing.T) {
	s := newSite(t)
	per := richPerson(t, s, "652301")
	path := "/persons/" + strconv.FormatInt(int64(per.ID), 10)

	u := s.newUser(t)
	u.signIn("cw.changji")
	u.open("/persons")
	u.fill(`[data-testid=person-q]`, per.Name)
	u.run(chromedpSubmit(`[data-testid=person-q]`))
	u.click(`[data-testid=persons] a[href="` + path + `"]`)
	u.waitFor(`[data-testid=person-registry]`)
	if loc := u.location(); loc != path {
		t.Fatalf("the search's link went to %s, want %s", loc, path)
	}
	for _, sec := range []string{"registry", "household", "enrolments", "contributions", "pensions", "payments", "assistance", "disabilities", "bank", "alerts"} {
		u.waitFor(`[data-testid=person-` + sec + `]`)
	}
	if got := u.text(`[data-testid=person-name]`); !strings.Contains(got, per.Name) {
		t.Errorf("the file is headed %q, want %s", got, per.Name)
	}
	if id := u.text(`[data-testid=person-id]`); !maskedID.MatchString(id) || wholeID.MatchString(id) {
		t.Errorf("the caseworker sees the ID number %q, want it masked", id)
	}
	if per.Phone != "" {
		if ph := u.text(`[data-testid=person-phone]`); ph == per.Phone || !strings.Contains(ph, "*") {
			t.Errorf("the caseworker sees the phone %q, want it masked", ph)
		}
	}
	sys := s.App.System(context.Background(), "test")
	accounts, err := s.App.Registry.BankAccounts(sys, registry.OwnerPerson, int64(per.ID))
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) > 0 {
		if acc := u.text(`[data-testid=bank-account]`); acc == accounts[0].AccountNo || !strings.Contains(acc, "*") {
			t.Errorf("the caseworker sees the account %q, want it masked", acc)
		}
	}
	reg := u.text(`[data-testid=person-registry]`)
	if strings.Contains(reg, "出生日期") {
		t.Errorf("the caseworker's file shows a birth date beside the masked ID:\n%s", reg)
	}
	if !strings.Contains(reg, "昌吉市") {
		t.Errorf("the registry names no region by name:\n%s", reg)
	}
	enr := u.text(`[data-testid=person-enrolments]`)
	if !strings.Contains(enr, "保险") || strings.Contains(enr, "_pension") {
		t.Errorf("the enrolments read:\n%s", enr)
	}
	if c := u.text(`[data-testid=person-contributions]`); !strings.Contains(c, " 元") || !strings.Contains(c, "年") {
		t.Errorf("the contributions show no amounts in 元 or months:\n%s", c)
	}
	body := u.text(`main`)
	if wholeID.MatchString(body) {
		t.Error("the caseworker's page shows a whole ID number somewhere")
	}
	if strings.Contains(body, "查阅记录") {
		t.Error("a caseworker sees who read the file")
	}
	u.screenshot("person")

	// The household's own page.
	u.click(`[data-testid=household-link]`)
	u.waitFor(`[data-testid=household-members]`)
	if m := u.text(`[data-testid=household-members]`); !strings.Contains(m, per.Name) {
		t.Errorf("the household's members leave out %s:\n%s", per.Name, m)
	}
	u.waitFor(`[data-testid=household-classification]`)
	u.screenshot("household")

	a := s.newUser(t)
	a.signIn("approver")
	a.open(path)
	if id := a.text(`[data-testid=person-id]`); id != string(per.IDNumber) {
		t.Errorf("the approver sees the ID number %q, want %s whole", id, per.IDNumber)
	}
	a.waitFor(`[data-testid=person-birth]`)
	if per.Phone != "" {
		if ph := a.text(`[data-testid=person-phone]`); ph != per.Phone {
			t.Errorf("the approver sees the phone %q, want %s", ph, per.Phone)
		}
	}
	if len(accounts) > 0 {
		if acc := a.text(`[data-testid=bank-account]`); acc != accounts[0].AccountNo {
			t.Errorf("the approver sees the account %q, want %s", acc, accounts[0].AccountNo)
		}
	}
	// The same file in English.
	a.click(`[data-testid=lang]`)
	a.waitFor(`[data-testid=person-registry]`)
	if reg := a.text(`[data-testid=person-registry]`); !strings.Contains(reg, "Date of birth") || !strings.Contains(reg, "Changji") {
		t.Errorf("the English file reads:\n%s", reg)
	}
	a.screenshot("person-en")

	au := s.newUser(t)
	au.signIn("auditor")
	au.open(path)
	reads := au.text(`[data-testid=person-reads]`)
	if !strings.Contains(reads, "cw.changji") || !strings.Contains(reads, "经办员") {
		t.Errorf("the auditor's list of who read the file lacks cw.changji:\n%s", reads)
	}
	au.screenshot("person-auditor")

	c := newClient(t, s)
	c.signIn("cw.fukang", "/")
	if code := c.status(path); code != http.StatusNotFound {
		t.Errorf("Fukang's caseworker opens a Changji person: %d, want 404", code)
	}
	if code := c.status("/households/" + strings.TrimPrefix(u.location(), "/households/")); code != http.StatusNotFound {
		t.Errorf("Fukang's caseworker opens a Changji household: %d, want 404", code)
	}
}

// TestPersonPagesAccess checks the pages of persons without a browser:
// a page that is not a number is missing, a citizen-less role without the
// registry permission is refused, and the reads are recorded.
func TestPersonPagesAccess(t *testing.T) {
	s := newSite(t)
	per := richPerson(t, s, "652301")
	path := "/persons/" + strconv.FormatInt(int64(per.ID), 10)
	c := newClient(t, s)
	c.signIn("cw.changji", "/")
	code, body := c.page(path)
	if code != http.StatusOK {
		t.Fatalf("%s = %d", path, code)
	}
	if wholeID.MatchString(body) || strings.Contains(body, string(per.IDNumber)) {
		t.Error("the caseworker's page carries the whole ID number")
	}
	if !strings.Contains(body, "/api/v1/persons/"+strconv.FormatInt(int64(per.ID), 10)+"/account/statement?scheme=") {
		t.Error("the file links no account statement")
	}
	for _, p := range []string{"/persons/abc", "/persons/0", "/persons/99999999", "/households/99999999"} {
		if code := c.status(p); code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", p, code)
		}
	}
	// A person whose death is recorded: the file says so, with the age at
	// death.
	dead := unenrolledAdult(t, s, "652301")
	if _, err := s.App.Registry.RecordDeath(signedAs(t, s, "cw.changji"), dead.ID, s.App.Clock.Today().AddDays(-3), "family_report"); err != nil {
		t.Fatal(err)
	}
	if code, body := c.page("/persons/" + strconv.FormatInt(int64(dead.ID), 10)); code != http.StatusOK || !strings.Contains(body, "死亡（来源：家属报告）") {
		t.Errorf("the file of a dead person (%d) does not say the death", code)
	}
	reads, err := s.App.Store.PersonReads(context.Background(), per.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var byCW bool
	for _, e := range reads {
		byCW = byCW || e.Actor.Name == "cw.changji"
	}
	if !byCW {
		t.Errorf("the page's read is not recorded: %+v", reads)
	}
}

// TestIdentityChangesPage has a caseworker request a change of name, which
// the identity changes page lists by name with the reason; the caseworker
// may not decide it (403, unchanged), a form without the CSRF token is
// refused, and the approver confirms it.
func TestIdentityChangesPage(t *testing.T) {
	s := newSite(t)
	per := richPerson(t, s, "652301")
	cw := signedAs(t, s, "cw.changji")
	cur, err := s.App.Registry.Person(cw, per.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, change, err := s.App.Registry.PatchPerson(cw, per.ID, cur.Version, "户口簿变更页 第3页", func(p *registry.Person) { p.Name = "新名字" })
	if err != nil || change == nil {
		t.Fatalf("request the change: %v %v", change, err)
	}
	id := strconv.FormatInt(int64(change.ID), 10)
	decide := "/persons/identity-changes/" + id + "/decision"

	c := newClient(t, s)
	c.signIn("cw.changji", "/")
	code, body := c.page("/persons/identity-changes?status=pending")
	if code != http.StatusOK || !strings.Contains(body, per.Name) || !strings.Contains(body, "新名字") || !strings.Contains(body, "户口簿变更页") {
		t.Fatalf("the caseworker's list (%d) lacks the change", code)
	}
	if strings.Contains(body, "idchange-approve-") {
		t.Error("the caseworker's list offers to confirm")
	}
	if code := c.post(decide, url.Values{"csrf": {c.csrf}, "outcome": {"approve"}}); code != http.StatusForbidden {
		t.Errorf("the caseworker's confirmation = %d, want 403", code)
	}

	ap := newClient(t, s)
	ap.signIn("approver", "/")
	code, body = ap.page("/persons/identity-changes")
	if code != http.StatusOK || !strings.Contains(body, "idchange-approve-"+id) {
		t.Fatalf("the approver's list (%d) offers no confirmation", code)
	}
	if code := ap.post(decide, url.Values{"outcome": {"approve"}}); code != http.StatusForbidden {
		t.Errorf("a confirmation without the CSRF token = %d, want 403", code)
	}
	if p, _ := s.App.Registry.Person(s.App.System(context.Background(), "test"), per.ID); p.Name != per.Name {
		t.Fatalf("the name changed before the approver confirmed: %s", p.Name)
	}
	if code := ap.post(decide, url.Values{"csrf": {ap.csrf}, "outcome": {"maybe"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("an outcome neither approve nor reject = %d, want 422", code)
	}
	if code, body := postPage(t, ap, decide, url.Values{"csrf": {ap.csrf}, "outcome": {"reject"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "退回时请填写原因") {
		t.Errorf("a rejection without its reason = %d, want 422 saying why beside the change", code)
	}
	if code := ap.post(decide, url.Values{"csrf": {ap.csrf}, "outcome": {"approve"}}); code != http.StatusSeeOther {
		t.Fatalf("the approver's confirmation = %d, want 303", code)
	}
	if code := ap.post(decide, url.Values{"csrf": {ap.csrf}, "outcome": {"approve"}}); code != http.StatusConflict {
		t.Errorf("a second confirmation = %d, want 409", code)
	}
	if p, _ := s.App.Registry.Person(s.App.System(context.Background(), "test"), per.ID); p.Name != "新名字" {
		t.Errorf("after the confirmation the name is %s", p.Name)
	}
	_, body = ap.page("/persons/identity-changes?status=confirmed")
	if !strings.Contains(body, "新名字") {
		t.Error("the confirmed change is not listed as confirmed")
	}
	if _, body = c.page("/persons/" + strconv.FormatInt(int64(per.ID), 10)); !strings.Contains(body, `data-testid="person-identity"`) || !strings.Contains(body, "户口簿变更页") {
		t.Error("the person's file does not show the change of name")
	}
	if code := ap.status("/persons/identity-changes?status=bogus"); code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown status = %d, want 422", code)
	}
}
