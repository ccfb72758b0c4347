package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/assistance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// applicant is a household of the demo with no open 低保 case, of working
// age and locally registered, whose head's name finds it.
type applicant struct {
	ID       registry.HouseholdID
	HeadName string
	Members  int
}

// findApplicant finds a household of region code (a county) with no case
// of 低保 open, all members locally registered and of working age (so no
// pension from the insurance side lifts its income), at most three members,
// and whose head's name is unique enough to find it among the first results.
func findApplicant(t *testing.T, s *site, code string) applicant {
	t.Helper()
	ctx := s.App.System(context.Background(), "test")
	today := s.App.Clock.Today()
	var after int64
	for range 20 {
		hs, err := s.App.Registry.Households(ctx, registry.HouseholdFilter{Region: "652301", Page: registry.Page{After: after, Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) == 0 {
			break
		}
	next:
		for _, h := range hs {
			after = int64(h.ID)
			if len(h.Members) == 0 || len(h.Members) > 3 || !strings.HasPrefix(string(h.RegionCode), code) {
				continue
			}
			head := ""
			for _, m := range h.Members {
				p, err := s.App.Registry.Person(ctx, m.PersonID)
				if err != nil {
					t.Fatal(err)
				}
				age := period.AgeAt(p.BirthDate(), today)
				if !p.Alive() || age < 18 || age >= 50 || !s.App.Juris.Contains(p.HukouRegion) {
					continue next
				}
				if m.Relation == registry.RelHead {
					head = p.Name
				}
			}
			if head == "" {
				continue
			}
			cs, err := s.App.Assistance.Cases(ctx, assistance.CaseFilter{HouseholdID: h.ID, Page: registry.Page{Limit: 10}})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Status.Open() {
					continue next
				}
			}
			// The head's whole name must find the household among the
			// first results of the search.
			same, err := s.App.Registry.Persons(ctx, registry.PersonFilter{Name: head, Alive: true, Page: registry.Page{Limit: 5}})
			if err != nil {
				t.Fatal(err)
			}
			if len(same) > 3 {
				continue
			}
			return applicant{ID: h.ID, HeadName: head, Members: len(h.Members)}
		}
	}
	t.Fatalf("no household of %s fits", code)
	return applicant{}
}

// TestAssistanceCaseInBrowser follows a 低保 application from the window
// to the award in zh-CN: cw.changji registers it for a household of 昌吉市,
// records the investigation on the means test form and assesses it (the
// decision shows, explained); after the public notice the approver, another
// user, approves it and the case shows 已批准 and the amount. The
// caseworker cannot approve it; a caseworker of another county does not
// find it.
func TestAssistanceCaseInBrowser(t *testing.T) {
	s := newSite(t)
	hh := findApplicant(t, s, "652301")

	cw := s.newUser(t)
	cw.signIn("cw.changji")
	cw.open("/assistance/cases")
	cw.click(`[data-testid=new-case]`)
	cw.fill(`[data-testid=household-q]`, hh.HeadName)
	cw.run(chromedpSubmit(`[data-testid=household-q]`))
	cw.click(fmt.Sprintf(`[data-household="%d"]`, hh.ID))
	cw.waitFor(`[data-testid=apply-form]`)
	if members := cw.text(`[data-testid=members]`); !strings.Contains(members, hh.HeadName) || !strings.Contains(members, "户主") {
		t.Errorf("the application form's household reads:\n%s", members)
	}
	cw.run(chromedp.SetValue(`[data-testid=programme]`, "dibao"))
	cw.click(`[data-testid=apply]`)
	cw.waitFor(`[data-testid=means-form]`)
	loc := cw.location()
	m := regexp.MustCompile(`^/assistance/cases/(\d+)$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("after the application the browser is at %s, want the case page", loc)
	}
	casePath := loc
	if st := cw.text(`[data-testid=case-status]`); st != "已受理，待调查" {
		t.Errorf("a new case reads %q, want 已受理，待调查", st)
	}

	// The investigation: no income, no assets, no supporter elsewhere.
	for i := range hh.Members {
		cw.run(chromedp.SetValue(fmt.Sprintf(`[data-testid=m%d-supporter]`, i), "no"))
	}
	cw.fill(`[data-testid=m0-wage]`, "1200")
	cw.fill(`[data-testid=deposit]`, "500.50")
	cw.click(`[data-testid=investigate]`)
	cw.waitFor(`[data-testid=assess]`)
	if st := cw.text(`[data-testid=case-status]`); st != "已调查，待审核" {
		t.Fatalf("after the investigation the case reads %q", st)
	}
	if test := cw.text(`[data-testid=means-test]`); !strings.Contains(test, "入户调查") || !strings.Contains(test, "500.50 元") {
		t.Errorf("the means test reads:\n%s", test)
	}
	cw.click(`[data-testid=assess]`)
	cw.waitFor(`[data-testid=explain]`)
	explain := cw.text(`[data-testid=explain]`)
	for _, want := range []string{"符合条件", "人均收入低于保障标准", "家庭月人均收入", "保障标准", "元", "救助金额 ="} {
		if !strings.Contains(explain, want) {
			t.Errorf("the explained decision lacks %q:\n%s", want, explain)
		}
	}
	if regexp.MustCompile(`[a-z]+_[a-z]+`).MatchString(explain) {
		t.Errorf("the explained decision shows machine names:\n%s", explain)
	}
	if st := cw.text(`[data-testid=case-status]`); st != "公示中" {
		t.Fatalf("after the assessment the case reads %q, want 公示中", st)
	}
	amount := cw.text(`[data-testid=case-amount]`)
	if !regexp.MustCompile(`^\d[\d,]*\.\d\d 元（每月）$`).MatchString(amount) {
		t.Errorf("the assessed amount reads %q", amount)
	}
	cw.screenshot("case")

	// The caseworker cannot decide: no approval form, and a decision sent
	// anyway is refused, beside the case.
	if got := cw.text(`[data-testid=waiting]`); !strings.Contains(got, "审批") {
		t.Errorf("the caseworker's next step reads %q", got)
	}
	c := newClient(t, s)
	c.signIn("cw.changji", "/")
	c.page(casePath)
	code, body := c.postPage(casePath+"/decision", url.Values{"csrf": {c.csrf}, "outcome": {"approve"}, "version": {"0"}})
	if code != http.StatusForbidden || !strings.Contains(body, "操作被拒绝") || !strings.Contains(body, "另一位用户") {
		t.Errorf("the caseworker's approval = %d:\n%s", code, excerpt(body, "alert"))
	}
	// Without the CSRF token nothing happens.
	if code, _ := c.postPage(casePath+"/assessment", url.Values{"version": {"0"}}); code != http.StatusForbidden {
		t.Errorf("a step without the CSRF token = %d, want 403", code)
	}
	// A caseworker of another county does not find the case.
	f := newClient(t, s)
	f.signIn("cw.fukang", "/")
	if code := f.status(casePath); code != http.StatusNotFound {
		t.Errorf("cw.fukang opens a 昌吉市 case: %d, want 404", code)
	}
	if code, _ := f.postPage(casePath+"/withdrawal", url.Values{"csrf": {f.csrf}, "version": {"0"}}); code != http.StatusNotFound {
		t.Errorf("cw.fukang withdraws a 昌吉市 case: %d, want 404", code)
	}

	// Approval on notice is refused until the notice ends.
	ap := s.newUser(t)
	ap.signIn("approver")
	ap.open(casePath)
	ap.click(`[data-testid=approve]`)
	ap.waitFor(`[data-testid=refusal]`)
	if got := ap.text(`[data-testid=refusal]`); !strings.Contains(got, "公示期满后方可审批") {
		t.Errorf("an approval during the notice reads %q", got)
	}

	// After the notice the approver approves.
	cs, err := s.App.Assistance.FindCase(s.App.System(context.Background(), "test"), caseIDOf(t, casePath))
	if err != nil {
		t.Fatal(err)
	}
	after := cs.NoticeTo.AddDays(1)
	y, mo, d := after.YMD()
	s.Clock.Set(func() time.Time { return time.Date(y, mo, d, 10, 0, 0, 0, s.App.Juris.Zone) })
	ap.open(casePath)
	ap.run(chromedp.SendKeys(`[data-testid=decision-note]`, "同意"))
	ap.click(`[data-testid=approve]`)
	ap.waitFor(`[data-testid=print-letter]`)
	if st := ap.text(`[data-testid=case-status]`); st != "已批准" {
		t.Errorf("after the approval the case reads %q, want 已批准", st)
	}
	if got := ap.text(`[data-testid=case-amount]`); got != amount {
		t.Errorf("the approved amount reads %q, the assessed %q", got, amount)
	}
	if tl := ap.text(`[data-testid=timeline]`); !strings.Contains(tl, "批准") || !strings.Contains(tl, "approver") || !strings.Contains(tl, "cw.changji") {
		t.Errorf("the history reads:\n%s", tl)
	}

	// The printable approval form, signed by both.
	ap.click(`[data-testid=print-form]`)
	ap.waitFor(`[data-testid=approval-form]`)
	if got := ap.text(`[data-testid=sign-caseworker]`); got != "cw.changji" {
		t.Errorf("the form's caseworker is %q", got)
	}
	if got := ap.text(`[data-testid=sign-approver]`); got != "approver" {
		t.Errorf("the form's approver is %q", got)
	}
	if got := ap.text(`[data-testid=form-decision]`); !strings.Contains(got, "已批准") || !strings.Contains(got, strings.TrimSuffix(amount, "（每月）")) {
		t.Errorf("the form's decision reads %q", got)
	}
	ap.screenshot("approval-form")

	// The notice to the household, and the public notice list with the
	// name masked.
	ap.open(casePath + "/letter")
	if got := ap.text(`[data-testid=letter]`); !strings.Contains(got, "现予批准") || !strings.Contains(got, "行政复议") {
		t.Errorf("the grant letter reads:\n%s", got)
	}
	ap.open(fmt.Sprintf("/assistance/notice-list?region=652301&from=%s&to=%s", sqlstoretest.Today, after))
	list := ap.text(`[data-testid=notice-list]`)
	if !strings.Contains(list, maskedName(hh.HeadName)) || strings.Contains(list, hh.HeadName) {
		t.Errorf("the notice list does not show %s masked as %s:\n%s", hh.HeadName, maskedName(hh.HeadName), list)
	}
	ap.screenshot("notice-list")
}

// maskedName is a name as a public notice shows it.
func maskedName(n string) string {
	rs := []rune(n)
	if len(rs) == 2 {
		return string(rs[0]) + "*"
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
}

func caseIDOf(t *testing.T, path string) assistance.CaseID {
	var id int64
	if _, err := fmt.Sscanf(path, "/assistance/cases/%d", &id); err != nil {
		t.Fatal(err)
	}
	return assistance.CaseID(id)
}

// postPage posts a form from this site and returns the status and the
// page it answered.
func (c *client) postPage(path string, v url.Values) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.s.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// excerpt returns the part of a page around the first mention of s.
func excerpt(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		if len(body) > 600 {
			return body[:600]
		}
		return body
	}
	return body[max(0, i-100):min(len(body), i+500)]
}
