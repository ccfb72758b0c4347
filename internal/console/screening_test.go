package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

// screeningAs returns a context acting as the demo user username, for the
// services a test sets its scene with.
func screeningAs(t *testing.T, s *site, username string) context.Context {
	t.Helper()
	u, err := s.App.Store.UserByName(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithPrincipal(context.Background(), auth.Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Scope: u.Scope})
}

// severelyDisable records a grade-1 disability for up to n living persons
// of region code who have none, so that this month's screening proposes
// the nursing subsidy for them; it returns how many it recorded.
func severelyDisable(t *testing.T, s *site, ctx context.Context, code string, n int) int {
	t.Helper()
	ps, err := s.App.Registry.Persons(ctx, registry.PersonFilter{Region: region.Code(code), Alive: true, Page: registry.Page{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, p := range ps {
		if done == n {
			break
		}
		ds, err := s.App.Registry.Disabilities(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) > 0 {
			continue
		}
		d := &registry.Disability{PersonID: p.ID, Kind: registry.DisPhysical, Grade: 1, Issued: s.App.Clock.Today().AddDays(-3)}
		if err := s.App.Registry.CreateDisability(ctx, d); err != nil {
			t.Fatal(err)
		}
		done++
	}
	return done
}

// careRun returns this month's nursing-subsidy run of Changji City.
func careRun(t *testing.T, s *site, ctx context.Context) *screening.Run {
	t.Helper()
	runs, err := s.App.Screening.Runs(ctx, screening.RunFilter{Region: "652301", Period: s.App.Clock.Today().Period(), Programme: assistance.ProgDisabilityCare})
	if err != nil || len(runs) != 1 {
		t.Fatalf("this month's nursing-subsidy runs of 652301: %d, %v", len(runs), err)
	}
	run, err := s.App.Screening.FindRun(ctx, runs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// TestScreeningRunInBrowser starts this month's screening job of Changji
// City from the page as its caseworker, follows the job to its runs,
// reviews the nursing-subsidy run (accepting all but one item, with the
// reason), and has the approver approve it: the run reads 已批准 and only
// the accepted items became awards.
func TestScreeningRunInBrowser(t *testing.T) {
	s := newSite(t)
	cwCtx := screeningAs(t, s, "cw.changji")
	if n := severelyDisable(t, s, cwCtx, "652301", 5); n < 2 {
		t.Fatalf("only %d persons to disable", n)
	}

	u := s.newUser(t)
	u.signIn("cw.changji")
	u.open("/screening")
	followClick(u, `[data-testid=start-submit]`)
	// The job page polls until the job is done, then lists its runs.
	u.waitFor(`[data-testid=job-runs]`)
	if st := u.text(`[data-testid=job-status]`); st != "已完成" {
		t.Errorf("the finished job reads %q, want 已完成", st)
	}
	if !strings.HasPrefix(u.location(), "/screening/jobs/") {
		t.Fatalf("after starting the job at %s", u.location())
	}
	run := careRun(t, s, cwCtx)
	if len(run.Items) < 2 {
		t.Fatalf("the nursing-subsidy run has %d items, want the persons disabled", len(run.Items))
	}
	u.screenshot("screening-job")
	followClick(u, fmt.Sprintf(`[data-testid=job-run-%d]`, run.ID))
	u.waitFor(`[data-testid=items]`)
	items := u.text(`[data-testid=items]`)
	name := namedPerson(t, s, run.Items[0].PersonID)
	for _, want := range []string{name, "昌吉市", "新增", "元", "符合全部条件"} {
		if !strings.Contains(items, want) {
			t.Errorf("the items lack %q:\n%s", want, items)
		}
	}
	if strings.Contains(items, "person") || strings.Contains(items, "disability_care") {
		t.Errorf("the items read in machine language:\n%s", items)
	}
	if st := u.text(`[data-testid=run-status]`); st != "待复核" {
		t.Errorf("the new run reads %q, want 待复核", st)
	}

	// Rejecting an item without the reason is refused beside the field,
	// and nothing is reviewed.
	last := run.Items[len(run.Items)-1].Seq
	u.click(fmt.Sprintf(`[data-testid=reject-%d]`, last))
	followClick(u, `[data-testid=review-submit]`)
	u.waitFor(`[data-testid=problems]`)
	u.screenshot("screening-review-refused")
	if r := careRun(t, s, cwCtx); r.Items[0].ReviewedBy != 0 {
		t.Fatal("a refused review reviewed items")
	}
	// The form shown again keeps the item ticked: the reason is added.
	u.run(chromedp.SendKeys(`[data-testid=review-reason]`, "户籍迁出待核实"))
	followClick(u, `[data-testid=review-submit]`)
	u.waitFor(`[data-testid=run-status][data-status=reviewed]`)
	if st := u.text(`[data-testid=run-status]`); st != "已复核待审批" {
		t.Errorf("the reviewed run reads %q, want 已复核待审批", st)
	}
	if got := u.text(fmt.Sprintf(`[data-testid=item-%d]`, last)); !strings.Contains(got, "不同意") || !strings.Contains(got, "户籍迁出待核实") {
		t.Errorf("the rejected item reads %q", got)
	}
	u.screenshot("screening-reviewed")

	// The approver finds it among the runs to decide and approves it.
	a := s.newUser(t)
	a.signIn("approver")
	a.open("/screening?status=reviewed")
	a.screenshot("screening-runs")
	followClick(a, fmt.Sprintf(`[data-testid=run-%d]`, run.ID))
	a.waitFor(`[data-testid=decide-form]`)
	a.run(chromedp.SendKeys(`[data-testid=decide-note]`, "同意"))
	followClick(a, `[data-testid=decide-approve]`)
	a.waitFor(`[data-testid=run-status][data-status=approved]`)
	if st := a.text(`[data-testid=run-status]`); st != "已批准" {
		t.Errorf("the decided run reads %q, want 已批准", st)
	}
	a.screenshot("screening-approved")
	followClick(a, `[data-testid=lang]`)
	a.waitFor(`[data-testid=items]`)
	if st := a.text(`[data-testid=run-status]`); st != "Approved" {
		t.Errorf("the English run reads %q, want Approved", st)
	}
	if items := a.text(`[data-testid=items]`); !strings.Contains(items, "Meets every condition") || !strings.Contains(items, "yuan") {
		t.Errorf("the English items read:\n%s", items)
	}
	a.screenshot("screening-approved-en")
	got := careRun(t, s, cwCtx)
	if got.Status != screening.RunApproved {
		t.Fatalf("run %d is %s, want approved", got.ID, got.Status)
	}
	for _, it := range got.Items {
		if it.Accepted == (it.Seq == last) {
			t.Errorf("item %d accepted %v after the review", it.Seq, it.Accepted)
		}
	}
}

// namedPerson returns the registered name of a person.
func namedPerson(t *testing.T, s *site, id registry.PersonID) string {
	t.Helper()
	names, err := s.App.Store.PersonNames(context.Background(), []registry.PersonID{id})
	if err != nil || names[id] == "" {
		t.Fatalf("no name of person %d: %v", id, err)
	}
	return names[id]
}

// TestScreeningAccess checks the screening pages' rules request by
// request: a role without the permission gets 403, a caseworker of
// another county finds a run of Changji City missing, a caseworker may
// not decide, the maker-checker rule holds, and a form without the CSRF
// token changes nothing.
func TestScreeningAccess(t *testing.T) {
	s := newSite(t)
	cwCtx := screeningAs(t, s, "cw.changji")
	severelyDisable(t, s, cwCtx, "652301", 3)
	if _, err := s.App.Screening.Screen(cwCtx, assistance.ProgDisabilityCare, s.App.Clock.Today().Period(), "652301"); err != nil {
		t.Fatal(err)
	}
	run := careRun(t, s, cwCtx)
	path := fmt.Sprintf("/screening/runs/%d", run.ID)

	job, _, err := s.App.Screening.StartJob(cwCtx, s.App.Clock.Today().Period(), "652301")
	if err != nil {
		t.Fatal(err)
	}
	jobPath := fmt.Sprintf("/screening/jobs/%d", job.ID)

	analyst := newClient(t, s)
	analyst.signIn("analyst", "/")
	for _, p := range []string{"/screening", path, jobPath} {
		if code := analyst.status(p); code != http.StatusForbidden {
			t.Errorf("an analyst's %s = %d, want 403", p, code)
		}
	}
	fukang := newClient(t, s)
	fukang.signIn("cw.fukang", "/")
	for _, p := range []string{path, jobPath, jobPath + "/progress"} {
		if code := fukang.status(p); code != http.StatusNotFound {
			t.Errorf("Fukang's caseworker opens Changji's %s: %d, want 404", p, code)
		}
	}
	if code := fukang.post(path+"/review", url.Values{"csrf": {fukang.csrf}}); code != http.StatusNotFound {
		t.Errorf("Fukang's caseworker reviews a Changji run: %d, want 404", code)
	}
	approver := newClient(t, s)
	approver.signIn("approver", "/")
	approver.page("/screening")
	for _, p := range []string{"/screening/jobs", path + "/review"} {
		if code := approver.post(p, url.Values{"csrf": {approver.csrf}, "month": {job.Period.String()}}); code != http.StatusForbidden {
			t.Errorf("an approver posts %s: %d, want 403", p, code)
		}
	}

	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	// The job page's poll answers its progress alone, without the layout.
	// The job is running (nobody runs it here): its page polls.
	if code, body := cw.page(jobPath + "/progress"); code != http.StatusOK || !strings.Contains(body, `id="job-progress"`) || strings.Contains(body, "<html") ||
		!strings.Contains(body, `hx-trigger="every 2s"`) || !strings.Contains(body, "进行中") {
		t.Errorf("the running job's progress = %d:\n%s", code, body)
	}
	if code, body := cw.page(path); code != http.StatusOK || !strings.Contains(body, "review-form") || strings.Contains(body, "decide-form") {
		t.Errorf("the caseworker's run page = %d, want the review form and no decision", code)
	}
	if code := cw.post(path+"/decision", url.Values{"csrf": {cw.csrf}, "outcome": {"approve"}}); code != http.StatusForbidden {
		t.Errorf("a caseworker decides a run: %d, want 403", code)
	}
	// Without the token: refused, nothing reviewed.
	if code := cw.post(path+"/review", url.Values{}); code != http.StatusForbidden {
		t.Errorf("a review without the CSRF token = %d, want 403", code)
	}
	if r := careRun(t, s, cwCtx); r.Status != screening.RunProposed || r.Items[0].ReviewedBy != 0 {
		t.Fatalf("a forged review changed the run: %s", r.Status)
	}
	if code := cw.post(path+"/review", url.Values{"csrf": {cw.csrf}}); code != http.StatusSeeOther {
		t.Fatalf("the caseworker's review = %d, want 303", code)
	}

	// An approver's rejection needs the note: shown beside the field, 422.
	ap := newClient(t, s)
	ap.signIn("approver", "/")
	ap.page(path)
	if code := ap.post(path+"/decision", url.Values{"csrf": {ap.csrf}, "outcome": {"reject"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("a rejection without the note = %d, want 422", code)
	}
	// Maker-checker: an approver who reviewed (here, made) a run may not
	// decide it. The approver screens nothing (no assistance permission),
	// so the rule is checked on the service with the approver as maker.
	apCtx := screeningAs(t, s, "approver")
	if _, err := s.App.Screening.Screen(apCtx, assistance.ProgHighAge, s.App.Clock.Today().Period(), "652301"); err == nil {
		t.Error("an approver made a screening run")
	}
	if code := ap.post(path+"/decision", url.Values{"csrf": {ap.csrf}, "outcome": {"approve"}}); code != http.StatusSeeOther {
		t.Errorf("the approver's approval = %d, want 303", code)
	}
	if code := ap.post(path+"/decision", url.Values{"csrf": {ap.csrf}, "outcome": {"approve"}}); code != http.StatusConflict {
		t.Errorf("approving again = %d, want 409", code)
	}
}

// followClick clicks sel, a link or a button that loads a page, and waits
// until the new page is loaded, so that what the test reads next is of
// that page, never of the one it left (whose nodes vanish mid-query). The
// old page is marked first: the new one, even at the same address, is the
// page without the mark.
func followClick(u *user, sel string) {
	u.t.Helper()
	value(u, chromedp.Evaluate[bool](`window.spOldPage = true`))
	u.click(sel)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(u.ctx, 5*time.Second)
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.spOldPage === undefined && document.readyState === "complete"`))
		cancel()
		if err == nil && loaded {
			return
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("clicking %s loaded no page: %v", sel, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestScreeningCountyReview has a prefecture-wide run reviewed county by
// county: each county's caseworker finds it among the wider runs with
// items to review, reads and reviews only the county's items, and the
// approver may approve it only once every county has.
func TestScreeningCountyReview(t *testing.T) {
	s := newSite(t)
	severelyDisable(t, s, screeningAs(t, s, "cw.changji"), "652301", 2)
	severelyDisable(t, s, screeningAs(t, s, "cw.fukang"), "652302", 2)
	if _, err := s.App.Screening.Screen(screeningAs(t, s, "admin"), assistance.ProgDisabilityCare, s.App.Clock.Today().Period(), "652300"); err != nil {
		t.Fatal(err)
	}
	runs, err := s.App.Screening.Runs(screeningAs(t, s, "admin"), screening.RunFilter{Region: "652300", Period: s.App.Clock.Today().Period(), Programme: assistance.ProgDisabilityCare})
	if err != nil || len(runs) != 1 {
		t.Fatalf("the prefecture's run: %d, %v", len(runs), err)
	}
	run, err := s.App.Screening.FindRun(screeningAs(t, s, "admin"), runs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var counties []string
	for _, c := range run.Counties() {
		counties = append(counties, string(c.County))
	}
	if strings.Join(counties, ",") != "652301,652302" {
		t.Fatalf("the run has items in %v, want Changji and Fukang only", counties)
	}
	path := fmt.Sprintf("/screening/runs/%d", run.ID)
	ap := newClient(t, s)
	ap.signIn("approver", "/")
	for i, who := range []string{"cw.changji", "cw.fukang"} {
		cw := newClient(t, s)
		cw.signIn(who, "/")
		_, list := cw.page("/screening")
		if !strings.Contains(list, fmt.Sprintf(`data-testid="review-run-%d"`, run.ID)) {
			t.Fatalf("%s's /screening does not list the prefecture's run to review", who)
		}
		_, page := cw.page(path)
		other := []string{"阜康市", "昌吉市"}[i]
		if !strings.Contains(page, "review-form") || strings.Contains(page, other+" · ") {
			t.Errorf("%s's run page: review form %v, items of %s %v", who, strings.Contains(page, "review-form"), other, strings.Contains(page, other+" · "))
		}
		if code := cw.post(path+"/review", url.Values{"csrf": {cw.csrf}}); code != http.StatusSeeOther {
			t.Fatalf("%s's review = %d, want 303", who, code)
		}
		if _, list := cw.page("/screening"); strings.Contains(list, fmt.Sprintf(`data-testid="review-run-%d"`, run.ID)) {
			t.Errorf("%s's /screening still lists the reviewed run", who)
		}
		ap.page(path)
		want := http.StatusConflict // Fukang has not reviewed yet
		if i == 1 {
			want = http.StatusSeeOther
		}
		if code := ap.post(path+"/decision", url.Values{"csrf": {ap.csrf}, "outcome": {"approve"}}); code != want {
			t.Errorf("the approval after %s's review = %d, want %d", who, code, want)
		}
	}
	if got, _ := s.App.Screening.FindRun(screeningAs(t, s, "admin"), run.ID); got.Status != screening.RunApproved {
		t.Errorf("the run is %s, want approved", got.Status)
	}

	// The screening of the persons events concern runs at once and lists
	// the month's runs; a bad month is shown beside the field.
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	cw.page("/screening")
	month := s.App.Clock.Today().Period().String()
	resp := cw.form("/screening/jobs", url.Values{"csrf": {cw.csrf}, "month": {month}, "scope": {"events"}}, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/screening?month="+month {
		t.Errorf("the event screening = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code := cw.post("/screening/jobs", url.Values{"csrf": {cw.csrf}, "month": {"November"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("a screening of month %q = %d, want 422", "November", code)
	}
}

// TestScreeningStopReason has this month's screening stop the high-age
// allowance of a person who died: the run page says why in words, not in
// the rule's names.
func TestScreeningStopReason(t *testing.T) {
	s := newSite(t)
	cwCtx := screeningAs(t, s, "cw.changji")
	awards, err := s.App.Assistance.Awards(cwCtx, assistance.AwardFilter{Region: "652301", Programme: assistance.ProgHighAge, Status: assistance.AwardActive, Page: registry.Page{Limit: 1}})
	if err != nil || len(awards) == 0 {
		t.Fatalf("no active high-age allowance in 652301: %v", err)
	}
	if _, err := s.App.Registry.RecordDeath(cwCtx, awards[0].PersonID, s.App.Clock.Today().AddDays(-30), "civil_affairs_funeral"); err != nil {
		t.Fatal(err)
	}
	run, err := s.App.Screening.Screen(cwCtx, assistance.ProgHighAge, s.App.Clock.Today().Period(), "652301")
	if err != nil {
		t.Fatal(err)
	}
	if run.Stopped != 1 {
		t.Fatalf("the run stops %d awards, want the dead person's", run.Stopped)
	}
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	code, body := cw.page(fmt.Sprintf("/screening/runs/%d", run.ID))
	if code != http.StatusOK || !strings.Contains(body, "停发") || !strings.Contains(body, namedPerson(t, s, awards[0].PersonID)) {
		t.Fatalf("the run page = %d, without the stop of the dead person", code)
	}
	if !strings.Contains(body, "不再符合：本人健在") && !strings.Contains(body, "本地区已无在世登记") {
		t.Errorf("the stop's reason is not in words:\n%s", body)
	}
	for _, raw := range []string{"conditions not met", "person_alive", "not in the registry"} {
		if strings.Contains(body, raw) {
			t.Errorf("the run page reads %q", raw)
		}
	}
}

// TestScreeningItemNotes: a caseworker leaves items out of a run, one with
// its own reason and one with the review's reason; without any reason the
// form comes back (422) keeping what was typed. The run page shows each
// item's reason.
func TestScreeningItemNotes(t *testing.T) {
	s := newSite(t)
	cwCtx := screeningAs(t, s, "cw.changji")
	if n := severelyDisable(t, s, cwCtx, "652301", 3); n < 3 {
		t.Fatalf("%d persons disabled, want 3", n)
	}
	if _, err := s.App.Screening.Screen(cwCtx, assistance.ProgDisabilityCare, s.App.Clock.Today().Period(), "652301"); err != nil {
		t.Fatal(err)
	}
	run := careRun(t, s, cwCtx)
	if len(run.Items) < 3 {
		t.Fatalf("the run has %d items, want 3 or more", len(run.Items))
	}
	path := fmt.Sprintf("/screening/runs/%d", run.ID)
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	cw.page(path)
	code, body := cw.postPage(path+"/review", url.Values{"csrf": {cw.csrf}, "reject": {"1", "2"}, "note-1": {"户口已迁出待核实"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "户口已迁出待核实") {
		t.Fatalf("item 2 left out without a reason = %d (want 422 keeping item 1's reason)", code)
	}
	if r := careRun(t, s, cwCtx); r.Items[0].ReviewedBy != 0 {
		t.Fatal("a refused review reviewed items")
	}
	if code := cw.post(path+"/review", url.Values{"csrf": {cw.csrf}, "reject": {"1", "2"}, "note-1": {"户口已迁出待核实"}, "reason": {"残疾证待复核"}}); code != http.StatusSeeOther {
		t.Fatalf("the review = %d, want 303", code)
	}
	r := careRun(t, s, cwCtx)
	want := []struct {
		accepted bool
		note     string
	}{{false, "户口已迁出待核实"}, {false, "残疾证待复核"}, {true, ""}}
	for i, w := range want {
		if it := r.Items[i]; it.Accepted != w.accepted || it.Note != w.note {
			t.Errorf("item %d: accepted %v note %q, want %v %q", it.Seq, it.Accepted, it.Note, w.accepted, w.note)
		}
	}
	_, page := cw.page(path)
	for _, n := range []string{"户口已迁出待核实", "残疾证待复核"} {
		if !strings.Contains(page, n) {
			t.Errorf("the run page does not show the reason %q", n)
		}
	}
}
