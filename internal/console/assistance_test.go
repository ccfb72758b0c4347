package console_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/assistance"
	"safetynet/internal/console"
	"safetynet/internal/period"
	"safetynet/internal/registry"
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
	cw.waitFor(`[data-testid=cases]`)
	cw.screenshot("cases")
	cw.click(`[data-testid=new-case]`)
	cw.waitFor(`[data-testid=household-search]`)
	cw.fill(`[data-testid=household-q]`, hh.HeadName)
	cw.click(`[data-testid=household-search]`)
	cw.waitFor(`[data-testid=households]`)
	cw.click(fmt.Sprintf(`[data-household="%d"]`, hh.ID))
	cw.waitFor(`[data-testid=apply-form]`)
	if members := cw.text(`[data-testid=members]`); !strings.Contains(members, hh.HeadName) || !strings.Contains(members, "户主") {
		t.Errorf("the application form's household reads:\n%s", members)
	}
	cw.run(chromedp.SetValue(`[data-testid=programme]`, "dibao"))
	cw.screenshot("new-case")
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
	for _, want := range []string{"符合条件", "✓ 家庭月人均收入低于低保标准：成立", "家庭月人均收入", "低保标准", "元", "低保金 =", "确认"} {
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
	cw.click(`[data-testid=lang]`)
	cw.waitFor(`[data-testid=explain]`)
	if got := cw.text(`[data-testid=explain]`); !strings.Contains(got, "eligible") || !strings.Contains(got, "income per member below the standard") {
		t.Errorf("the English explanation reads:\n%s", got)
	}
	cw.screenshot("case-en")
	cw.click(`[data-testid=lang]`)
	cw.waitFor(`[data-testid=explain]`)

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
	// Signed by name (显示名), not by username.
	for sel, who := range map[string]string{`[data-testid=sign-caseworker]`: "cw.changji", `[data-testid=sign-approver]`: "approver"} {
		u, err := s.App.Store.UserByName(t.Context(), who)
		if err != nil {
			t.Fatal(err)
		}
		if got := ap.text(sel); got != u.DisplayName {
			t.Errorf("the form's %s is %q, want %q", sel, got, u.DisplayName)
		}
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
	ap.open(casePath)
	ap.click(`[data-testid=print-notice]`)
	ap.waitFor(`[data-testid=notice-list]`)
	list := ap.text(`[data-testid=notice-list]`)
	if got := value(ap, chromedp.Evaluate[string](`document.querySelector('select[name=region]').selectedOptions[0].textContent`)); got != caseVillage(t, s, casePath) {
		t.Errorf("the notice list's region select shows %q, want the case's village %q", got, caseVillage(t, s, casePath))
	}
	if !strings.Contains(list, maskedName(hh.HeadName)) || strings.Contains(list, hh.HeadName) {
		t.Errorf("the notice list does not show %s masked as %s:\n%s", hh.HeadName, maskedName(hh.HeadName), list)
	}
	ap.screenshot("notice-list")
}

// caseVillage names the division of a case (its household's village).
func caseVillage(t *testing.T, s *site, path string) string {
	t.Helper()
	n, ok := s.App.Juris.Tree.Node(caseOf(t, s, path).RegionCode)
	if !ok {
		t.Fatalf("case %s has no division", path)
	}
	return n.NameZH
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

// investigate posts the means test form of a case for household h as a
// browser would: every living member counted with no income and no
// supporter elsewhere, the first member's wage over 12 months given.
func investigate(t *testing.T, s *site, c *client, action string, h registry.HouseholdID, wage string) (int, string) {
	t.Helper()
	hh, err := s.App.Registry.Household(s.App.System(context.Background(), "test"), h)
	if err != nil {
		t.Fatal(err)
	}
	v := url.Values{"csrf": {c.csrf}, "version": {"0"}, "heating_type": {"central"}}
	for i, m := range hh.Members {
		k := fmt.Sprintf("m%d.", i)
		v.Add("member", fmt.Sprint(i))
		v.Set(k+"person", fmt.Sprint(m.PersonID))
		v.Set(k+"counted", "on")
		v.Set(k+"self_care", "able")
		v.Set(k+"has_supporter", "no")
	}
	v.Set("m0.wage", wage)
	return c.postPage(action, v)
}

// caseOf returns the case of a page's path, read as the system.
func caseOf(t *testing.T, s *site, path string) *assistance.CaseView {
	t.Helper()
	v, err := s.App.Assistance.FindCase(s.App.System(context.Background(), "test"), caseIDOf(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// applyFor registers an application through the form and returns the
// case page's path.
func applyFor(t *testing.T, c *client, v url.Values) string {
	t.Helper()
	c.page("/assistance/cases/new")
	v.Set("csrf", c.csrf)
	resp := c.form("/assistance/cases", v, "same-origin")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/assistance/cases/") {
		t.Fatalf("the application = %d to %q", resp.StatusCode, loc)
	}
	c.page(loc)
	return loc
}

// TestAssistanceFastTrackAndObjections takes temporary assistance down
// the fast track (先行救助) and through the approver's review after the
// fact, where a reversal needs its reason; and a 低保 case through an
// objection on notice, listed while it is pending.
func TestAssistanceFastTrackAndObjections(t *testing.T) {
	s := newSite(t)
	hh := findApplicant(t, s, "652301")
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")

	// A form with problems answers 422 beside its fields and opens nothing.
	cw.page("/assistance/cases/new")
	code, body := cw.postPage("/assistance/cases", url.Values{"csrf": {cw.csrf}, "household": {fmt.Sprint(hh.ID)}, "programme": {"temporary_assistance"},
		"channel": {"counter"}, "hardship_type": {"emergency"}, "expense": {"abc"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error" role="alert">请填写未获其他保障的支出金额`) {
		t.Fatalf("an application with a bad expense = %d:\n%s", code, excerpt(body, "field-error"))
	}

	// 特困 is decided per person: the form must name one.
	code, body = cw.postPage("/assistance/cases", url.Values{"csrf": {cw.csrf}, "household": {fmt.Sprint(hh.ID)}, "programme": {"tekun"}, "channel": {"counter"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "特困人员救助须指定本家庭的一名成员") {
		t.Errorf("a 特困 application naming no one = %d:\n%s", code, excerpt(body, "field-error"))
	}

	tmp := applyFor(t, cw, url.Values{"household": {fmt.Sprint(hh.ID)}, "programme": {"temporary_assistance"}, "channel": {"township"},
		"hardship_type": {"emergency"}, "expense": {"300"}})
	if code, body := investigate(t, s, cw, tmp+"/investigation", hh.ID, ""); code != http.StatusSeeOther {
		t.Fatalf("the investigation = %d:\n%s", code, excerpt(body, "alert"))
	}
	_, page := cw.page(tmp)
	if !strings.Contains(page, `data-testid="fast-track"`) {
		t.Fatalf("an investigated emergency case offers no fast track:\n%s", excerpt(page, "next-step"))
	}
	if code, body := cw.postPage(tmp+"/fast-track", url.Values{"csrf": {cw.csrf}, "version": {"0"}}); code != http.StatusSeeOther {
		t.Fatalf("the fast track = %d:\n%s", code, excerpt(body, "alert"))
	}
	if v := caseOf(t, s, tmp); v.Status != assistance.StatusGranted || v.Amount != 30000 {
		t.Fatalf("after the fast track the case is %s at %d fen", v.Status, v.Amount)
	}
	// A second application of the programme while this one is open is
	// refused, naming the open case.
	cw.page("/assistance/cases/new")
	code, body = cw.postPage("/assistance/cases", url.Values{"csrf": {cw.csrf}, "household": {fmt.Sprint(hh.ID)}, "programme": {"temporary_assistance"},
		"channel": {"counter"}, "hardship_type": {"expense"}, "expense": {"100"}})
	if want := fmt.Sprintf("该家庭已有未办结的临时救助申请（案件 %d）", caseIDOf(t, tmp)); code != http.StatusConflict || !strings.Contains(body, want) {
		t.Errorf("a second application = %d, want 409 saying %s:\n%s", code, want, excerpt(body, "apply-refused"))
	}
	_, page = cw.page("/assistance/cases?status=granted")
	if !strings.Contains(page, fmt.Sprintf(`data-case="%d"`, caseIDOf(t, tmp))) || !strings.Contains(page, "300.00 元") {
		t.Errorf("the list of grants to review lacks the case:\n%s", excerpt(page, "data-testid=\"cases\""))
	}

	ap := newClient(t, s)
	ap.signIn("approver", "/")
	_, page = ap.page(tmp)
	if !strings.Contains(page, `data-testid="review-grant"`) {
		t.Fatalf("the approver is offered no review of the grant:\n%s", excerpt(page, "next-step"))
	}
	// Reversing needs the reason the household is told.
	code, body = ap.postPage(tmp+"/decision", url.Values{"csrf": {ap.csrf}, "version": {"0"}, "outcome": {"reject"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "填写有误") {
		t.Errorf("a reversal without a reason = %d:\n%s", code, excerpt(body, "alert"))
	}
	if code, body := ap.postPage(tmp+"/decision", url.Values{"csrf": {ap.csrf}, "version": {"0"}, "outcome": {"approve"}, "note": {"情况属实"}}); code != http.StatusSeeOther {
		t.Fatalf("the confirmation = %d:\n%s", code, excerpt(body, "alert"))
	}
	if _, page = ap.page(tmp); !strings.Contains(page, "已批准") || !strings.Contains(page, "事后审核：确认") {
		t.Errorf("the confirmed grant reads:\n%s", excerpt(page, "case-status"))
	}
	if code, page := ap.page(tmp + "/letter"); code != http.StatusOK || !strings.Contains(page, "现予批准") {
		t.Errorf("the grant letter = %d:\n%s", code, excerpt(page, "letter"))
	}

	// A 低保 case on notice with an objection is listed as pending until
	// the objection is resolved.
	dibao := applyFor(t, cw, url.Values{"household": {fmt.Sprint(hh.ID)}, "programme": {"dibao"}, "channel": {"counter"}})
	if code, body := investigate(t, s, cw, dibao+"/investigation", hh.ID, "600"); code != http.StatusSeeOther {
		t.Fatalf("the investigation = %d:\n%s", code, excerpt(body, "alert"))
	}
	if code, body := cw.postPage(dibao+"/assessment", url.Values{"csrf": {cw.csrf}, "version": {"0"}}); code != http.StatusSeeOther {
		t.Fatalf("the assessment = %d:\n%s", code, excerpt(body, "alert"))
	}
	if v := caseOf(t, s, dibao); v.Status != assistance.StatusNotice {
		t.Fatalf("the assessed case is %s, want notice", v.Status)
	}
	if code, _ := cw.postPage(dibao+"/objections", url.Values{"csrf": {cw.csrf}, "content": {" "}}); code != http.StatusUnprocessableEntity {
		t.Errorf("an empty objection = %d, want 422", code)
	}
	if code, body := cw.postPage(dibao+"/objections", url.Values{"csrf": {cw.csrf}, "objector": {"匿名"}, "content": {"该户有经营收入"}}); code != http.StatusSeeOther {
		t.Fatalf("the objection = %d:\n%s", code, excerpt(body, "alert"))
	}
	marker := fmt.Sprintf(`data-case="%d"`, caseIDOf(t, dibao))
	if _, page = cw.page("/assistance/cases?objections=pending"); !strings.Contains(page, marker) {
		t.Errorf("the list of objections pending lacks the case")
	}
	v := caseOf(t, s, dibao)
	s.Clock.Set(func() time.Time {
		y, m, d := v.NoticeTo.AddDays(1).YMD()
		return time.Date(y, m, d, 10, 0, 0, 0, s.App.Juris.Zone)
	})
	// With the objection pending the case waits; the approver cannot
	// approve it yet.
	ap.page(dibao)
	if code, body := ap.postPage(dibao+"/decision", url.Values{"csrf": {ap.csrf}, "version": {"0"}, "outcome": {"approve"}}); code != http.StatusConflict || !strings.Contains(body, `data-testid="refusal"`) {
		t.Errorf("an approval with an objection pending = %d:\n%s", code, excerpt(body, "alert"))
	}
	if _, page = ap.page("/assistance/cases?status=to_approve"); !strings.Contains(page, marker) {
		t.Errorf("the approver's list to approve lacks the case after its notice")
	}
	cw.page(dibao)
	if code, body := cw.postPage(fmt.Sprintf("%s/objections/%d/resolution", dibao, v.Objections[0].ID), url.Values{"csrf": {cw.csrf}, "upheld": {"no"}, "finding": {"经核查无经营收入"}}); code != http.StatusSeeOther {
		t.Fatalf("the resolution = %d:\n%s", code, excerpt(body, "alert"))
	}
	if _, page = cw.page("/assistance/cases?objections=pending"); strings.Contains(page, marker) {
		t.Errorf("the list of objections pending still shows the resolved case")
	}
	// The approver refuses it, with the reason; the refusal letter says it
	// and the right to appeal.
	ap.page(dibao)
	if code, body := ap.postPage(dibao+"/decision", url.Values{"csrf": {ap.csrf}, "version": {"0"}, "outcome": {"reject"}, "note": {"家庭财产超标"}}); code != http.StatusSeeOther {
		t.Fatalf("the refusal = %d:\n%s", code, excerpt(body, "alert"))
	}
	if code, page := ap.page(dibao + "/letter"); code != http.StatusOK || !strings.Contains(page, "不予批准") || !strings.Contains(page, "家庭财产超标") || !strings.Contains(page, "行政复议") {
		t.Errorf("the refusal letter = %d:\n%s", code, excerpt(page, "letter"))
	}

	// A new application uses the data match (信息核对) of the month instead
	// of an investigation.
	again := applyFor(t, cw, url.Values{"household": {fmt.Sprint(hh.ID)}, "programme": {"dibao"}, "channel": {"online"}})
	hhr, err := s.App.Registry.Household(s.App.System(context.Background(), "test"), hh.ID)
	if err != nil {
		t.Fatal(err)
	}
	match := &assistance.MeansTest{HouseholdID: hh.ID, Period: s.App.Clock.Today().Period(), HeatingType: "central", Source: assistance.SourceDataMatch}
	for _, m := range hhr.Members {
		match.Members = append(match.Members, assistance.Member{PersonID: m.PersonID, SelfCare: assistance.SelfCareAble, SupporterStated: true})
	}
	if _, err := s.App.Assistance.CreateMeansTest(s.App.System(context.Background(), "test"), match); err != nil {
		t.Fatal(err)
	}
	_, page = cw.page(again)
	if !strings.Contains(page, "/data-match") {
		t.Fatalf("the case page offers no data match:\n%s", excerpt(page, "next-step"))
	}
	if code, body := cw.postPage(again+"/data-match", url.Values{"csrf": {cw.csrf}, "version": {"0"}, "test": {fmt.Sprint(match.ID)}}); code != http.StatusSeeOther {
		t.Fatalf("using the data match = %d:\n%s", code, excerpt(body, "alert"))
	}
	if _, page = cw.page(again); !strings.Contains(page, "已调查，待审核") || !strings.Contains(page, "信息核对") {
		t.Errorf("after the data match the case reads:\n%s", excerpt(page, "means-test"))
	}
	if code, body := cw.postPage(again+"/withdrawal", url.Values{"csrf": {cw.csrf}, "version": {"0"}, "note": {"申请人自愿撤回"}}); code != http.StatusSeeOther {
		t.Fatalf("the withdrawal = %d:\n%s", code, excerpt(body, "alert"))
	}
	if v := caseOf(t, s, again); v.Status != assistance.StatusWithdrawn || v.Reason != "申请人自愿撤回" {
		t.Errorf("after the withdrawal the case is %s (%q)", v.Status, v.Reason)
	}
}

// TestAssistanceAccess checks who may open the assistance pages: posts
// without casework or approval get 403, a caseworker of another county
// finds no case or award of Changji (404), only caseworkers apply, an
// unknown filter is 422, and every change needs the CSRF token.
func TestAssistanceAccess(t *testing.T) {
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	cs, err := s.App.Assistance.Cases(ctx, assistance.CaseFilter{Region: "652301", Page: registry.Page{Limit: 1}})
	if err != nil || len(cs) == 0 {
		t.Fatalf("no case in 652301: %v", err)
	}
	aw, err := s.App.Assistance.Awards(ctx, assistance.AwardFilter{Region: "652301", Page: registry.Page{Limit: 1}})
	if err != nil || len(aw) == 0 {
		t.Fatalf("no award in 652301: %v", err)
	}
	casePath, awardPath := fmt.Sprintf("/assistance/cases/%d", cs[0].ID), fmt.Sprintf("/assistance/awards/%d", aw[0].ID)

	for _, who := range []string{"analyst", "auditor"} {
		c := newClient(t, s)
		c.signIn(who, "/")
		for _, p := range []string{"/assistance", "/assistance/cases", casePath, casePath + "/approval-form", "/assistance/reviews", awardPath, "/assistance/notice-list"} {
			if code := c.status(p); code != http.StatusForbidden {
				t.Errorf("%s opens %s: %d, want 403", who, p, code)
			}
		}
	}
	f := newClient(t, s)
	f.signIn("cw.fukang", "/")
	for _, p := range []string{casePath, casePath + "/approval-form", casePath + "/letter", awardPath} {
		if code := f.status(p); code != http.StatusNotFound {
			t.Errorf("cw.fukang opens %s of 昌吉市: %d, want 404", p, code)
		}
	}
	if code := f.status("/assistance/cases?region=652301"); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("cw.fukang lists 昌吉市's cases: %d, want 403 or 404", code)
	}
	if code, _ := f.postPage(awardPath+"/review", url.Values{"csrf": {f.csrf}, "heating_type": {"central"}}); code != http.StatusNotFound {
		t.Errorf("cw.fukang reviews a 昌吉市 award: %d, want 404", code)
	}
	_, page := f.page("/assistance/cases")
	if strings.Contains(page, "昌吉市") {
		t.Errorf("cw.fukang's case list shows 昌吉市")
	}
	if code := f.status("/assistance/cases?status=nonsense"); code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown status filter = %d, want 422", code)
	}

	ap := newClient(t, s)
	ap.signIn("approver", "/")
	if code := ap.status("/assistance/cases/new"); code != http.StatusForbidden {
		t.Errorf("the approver opens the application form: %d, want 403", code)
	}
	if code, _ := ap.postPage(casePath+"/assessment", url.Values{"csrf": {ap.csrf}, "version": {"0"}}); code != http.StatusForbidden {
		t.Errorf("the approver assesses a case: %d, want 403", code)
	}
	for _, p := range []string{"/assistance/cases", casePath, casePath + "/approval-form", "/assistance/reviews?status=proposed", awardPath, "/assistance/notice-list"} {
		if code := ap.status(p); code != http.StatusOK {
			t.Errorf("the approver opens %s: %d, want 200", p, code)
		}
	}

	// A list longer than a page pages by key, with the filter kept.
	var after int64
	made := 0
	for made < 55 {
		hs, err := s.App.Registry.Households(ctx, registry.HouseholdFilter{Page: registry.Page{After: after, Limit: 100}})
		if err != nil || len(hs) == 0 {
			t.Fatalf("households after %d: %v", after, err)
		}
		for _, h := range hs {
			after = int64(h.ID)
			if made < 55 && s.App.Assistance.Apply(ctx, &assistance.Case{Programme: assistance.ProgTemporary, HouseholdID: h.ID, Channel: assistance.ChannelOnline,
				HardshipType: assistance.HardshipExpense, Expense: 10000}, "") == nil {
				made++
			}
		}
	}
	_, page = ap.page("/assistance/cases?status=applied&programme=temporary_assistance")
	next := regexp.MustCompile(`href="(/assistance/cases\?[^"]+)" data-testid="next-page"`).FindStringSubmatch(page)
	if next == nil || strings.Count(page, "data-case=") != 50 {
		t.Fatalf("the first page lists %d cases and links %v", strings.Count(page, "data-case="), next)
	}
	href := html.UnescapeString(next[1])
	if !strings.Contains(href, "status=applied") || !strings.Contains(href, "programme=temporary_assistance") || !strings.Contains(href, "after=") {
		t.Errorf("the next page's link %q loses the filter", href)
	}
	if code, page := ap.page(href); code != http.StatusOK || strings.Count(page, "data-case=") < 5 || strings.Contains(page, `data-testid="next-page"`) {
		t.Errorf("the second page = %d with %d cases", code, strings.Count(page, "data-case="))
	}

	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	// Every link of the home queue to this area opens, for the post that
	// works on it.
	for _, q := range []struct {
		c    *client
		path string
	}{{cw, "/assistance/cases?status=applied"}, {cw, "/assistance/cases?status=investigated"}, {cw, "/assistance/cases?objections=pending"},
		{cw, "/assistance/reviews"}, {ap, "/assistance/cases?status=to_approve"}, {ap, "/assistance/cases?status=granted"},
		{ap, "/assistance/reviews?status=proposed"}} {
		if code := q.c.status(q.path); code != http.StatusOK {
			t.Errorf("the home queue's %s = %d", q.path, code)
		}
	}
	cw.page(casePath)
	for _, p := range []string{"/assistance/cases", casePath + "/withdrawal", casePath + "/decision", awardPath + "/review"} {
		if code, _ := cw.postPage(p, url.Values{"version": {"0"}, "outcome": {"approve"}}); code != http.StatusForbidden {
			t.Errorf("POST %s without the CSRF token = %d, want 403", p, code)
		}
	}
	if v := caseOf(t, s, casePath); v.Status != cs[0].Status || v.Version != cs[0].Version {
		t.Errorf("a refused POST changed the case: %s v%d, was %s v%d", v.Status, v.Version, cs[0].Status, cs[0].Version)
	}
}

// TestAssistanceReviewInBrowser reviews a 低保 award when its review is
// due: the caseworker records the new means test, which finds the
// household's income over the standard and proposes the stop; the
// caseworker cannot decide it; the approver approves it, and the stop's
// notice to the household gives the reasons.
func TestAssistanceReviewInBrowser(t *testing.T) {
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	aw, err := s.App.Assistance.Awards(ctx, assistance.AwardFilter{Region: "652301", Programme: assistance.ProgDibao, Status: assistance.AwardActive, Page: registry.Page{Limit: 1}})
	if err != nil || len(aw) == 0 {
		t.Fatalf("no active 低保 award in 652301: %v", err)
	}
	a := aw[0]
	if due := a.ReviewDue; due > s.App.Clock.Today() {
		y, m, d := due.YMD()
		s.Clock.Set(func() time.Time { return time.Date(y, m, d, 10, 0, 0, 0, s.App.Juris.Zone) })
	}
	awardPath := fmt.Sprintf("/assistance/awards/%d", a.ID)

	cw := s.newUser(t)
	cw.signIn("cw.changji")
	cw.open("/assistance/reviews")
	cw.waitFor(`[data-testid=due]`)
	cw.screenshot("reviews")
	cw.click(fmt.Sprintf(`[data-award="%d"]`, a.ID))
	cw.waitFor(`[data-testid=means-form]`)
	cw.screenshot("review-form")
	value(cw, chromedp.Evaluate[int](`document.querySelectorAll('select[name$=".has_supporter"]').forEach(function (s) { s.value = "no"; }), 0`))
	cw.fill(`input[name$=".wage"]`, "200000")
	cw.click(`[data-testid=investigate]`)
	cw.waitFor(`[data-testid=review-outcome]`)
	if got := cw.text(`[data-testid=review-outcome]`); got != "拟停止发放，待审批" {
		t.Fatalf("the review's outcome reads %q", got)
	}
	if got := cw.text(`[data-testid=reviews]`); !strings.Contains(got, "不符合") || !strings.Contains(got, "家庭月人均收入低于低保标准") {
		t.Errorf("the review's explanation reads:\n%s", got)
	}
	c := newClient(t, s)
	c.signIn("cw.changji", "/")
	_, page := c.page(awardPath)
	m := regexp.MustCompile(`/reviews/(\d+)/decision`).FindStringSubmatch(page)
	if m != nil {
		t.Fatalf("the caseworker is offered the decision on the review")
	}
	rs, err := s.App.Assistance.AwardReviews(ctx, a.ID)
	if err != nil || len(rs) == 0 {
		t.Fatalf("the award has no review: %v", err)
	}
	decide := fmt.Sprintf("%s/reviews/%d/decision", awardPath, rs[len(rs)-1].ID)
	if code, body := c.postPage(decide, url.Values{"csrf": {c.csrf}, "outcome": {"approve"}}); code != http.StatusForbidden || !strings.Contains(body, "另一位用户") {
		t.Errorf("the caseworker's decision on the review = %d:\n%s", code, excerpt(body, "alert"))
	}

	ap := s.newUser(t)
	ap.signIn("approver")
	ap.open("/assistance/reviews?status=proposed")
	ap.click(fmt.Sprintf(`[data-award="%d"]`, a.ID))
	ap.run(chromedp.WaitVisible(`[data-testid=review-decision] textarea`), chromedp.SendKeys(`[data-testid=review-decision] textarea`, "核实"))
	ap.click(`[data-testid=approve-review]`)
	ap.waitFor(`[data-testid=review-letter]`)
	if got := ap.text(`[data-testid=award-status]`); got != "已停止" {
		t.Errorf("after the approved stop the award reads %q", got)
	}
	if got := ap.text(`[data-testid=award-facts]`); !strings.Contains(got, "不再符合条件：不符合家庭月人均收入低于低保标准") || strings.Contains(got, "income_below") {
		t.Errorf("the stopped award's facts read:\n%s", got)
	}
	ap.screenshot("review")
	ap.click(`[data-testid=review-letter]`)
	ap.waitFor(`[data-testid=letter]`)
	if got := ap.text(`[data-testid=letter]`); !strings.Contains(got, "停止发放") || !strings.Contains(got, "家庭月人均收入低于低保标准") || !strings.Contains(got, "行政复议") {
		t.Errorf("the stop letter reads:\n%s", got)
	}
	ap.screenshot("stop-letter")
}

// TestAssistanceWords checks that every value the assistance pages show
// by its key has both languages: statuses, channels, programmes, line
// kinds, sources, relations, outcomes.
func TestAssistanceWords(t *testing.T) {
	var keys []string
	add := func(prefix string, vs ...string) {
		for _, v := range vs {
			keys = append(keys, prefix+"."+v)
		}
	}
	add("assistance.case.status", "to_approve", "applied", "investigated", "notice", "proposed", "approved", "refused", "withdrawn", "granted", "reversed")
	add("assistance.programme", assistance.CaseProgrammes...)
	for _, c := range assistance.Channels {
		add("assistance.channel", string(c))
	}
	for _, k := range assistance.LineKinds {
		add("assistance.line", string(k))
	}
	for _, s := range assistance.Sources {
		add("assistance.source", string(s))
	}
	for _, r := range []registry.Relation{registry.RelHead, registry.RelSpouse, registry.RelChild, registry.RelParent, registry.RelGrandchild,
		registry.RelGrandparent, registry.RelSibling, registry.RelChildInLaw, registry.RelOther} {
		add("assistance.relation", string(r))
	}
	for _, o := range []assistance.ReviewOutcome{assistance.ReviewContinue, assistance.ReviewChangeProposed, assistance.ReviewChanged,
		assistance.ReviewChangeRejected, assistance.ReviewStopProposed, assistance.ReviewStopped, assistance.ReviewStopRejected} {
		add("assistance.review.outcome", string(o))
	}
	add("assistance.award.status", string(assistance.AwardActive), string(assistance.AwardStopped), string(assistance.AwardGranted))
	add("assistance.objection", string(assistance.ObjectionPending), string(assistance.ObjectionUpheld), string(assistance.ObjectionDismissed))
	add("assistance.self_care", string(assistance.SelfCareAble), string(assistance.SelfCarePartlyUnable), string(assistance.SelfCareUnable))
	add("assistance.hardship", string(assistance.HardshipEmergency), string(assistance.HardshipExpense))
	add("assistance.heating", "central", "self_heating", "provided")
	for _, k := range keys {
		if zh, en := console.Translate(k); zh == k || en == k || zh == "" || en == "" {
			t.Errorf("%s has no zh-CN or English", k)
		}
	}
}
