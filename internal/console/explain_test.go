package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/assistance"
	"safetynet/internal/registry"
)

var (
	mainElement = regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
	hiddenParts = regexp.MustCompile(`(?is)<(script|style|template)[^>]*>.*?</(script|style|template)>`)
	anyTag      = regexp.MustCompile(`(?s)<[^>]*>`)
	snakeCase   = regexp.MustCompile(`[a-z]+_[a-z]+`)
)

// visibleMain is the text a reader sees in a page's main element: no
// tags, so no attribute values, URLs or test ids.
func visibleMain(t *testing.T, body string) string {
	t.Helper()
	m := mainElement.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page has no main element:\n%s", body)
	}
	s := hiddenParts.ReplaceAllString(m[1], " ")
	return html.UnescapeString(anyTag.ReplaceAllString(s, " "))
}

// TestExplanationsInWords: the pages that tell a policy decision (an
// assessed case, the person file of a household with a classification, a
// screening run with a stop, an alert) show no rule's machine name and
// no amount in fen: every decision is told by the policy labels.
func TestExplanationsInWords(t *testing.T) {
	s := newSite(t)
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	sys := s.App.System(context.Background(), "test")
	check := func(what, path string, want ...string) string {
		t.Helper()
		code, body := cw.page(path)
		if code != http.StatusOK {
			t.Fatalf("%s %s = %d", what, path, code)
		}
		text := visibleMain(t, body)
		if m := snakeCase.FindAllString(text, 5); m != nil {
			t.Errorf("%s shows machine names %q:\n%s", what, m, text)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q:\n%s", what, w, text)
			}
		}
		return text
	}

	// A 低保 case after its assessment.
	hh := findApplicant(t, s, "652301")
	casePath := applyFor(t, cw, url.Values{"household": {fmt.Sprint(hh.ID)}, "programme": {"dibao"}, "channel": {"counter"}})
	if code, body := investigate(t, s, cw, casePath+"/investigation", hh.ID, "600"); code != http.StatusSeeOther {
		t.Fatalf("the investigation = %d:\n%s", code, excerpt(body, "alert"))
	}
	if code, body := cw.postPage(casePath+"/assessment", url.Values{"csrf": {cw.csrf}, "version": {"0"}}); code != http.StatusSeeOther {
		t.Fatalf("the assessment = %d:\n%s", code, excerpt(body, "alert"))
	}
	text := check("the assessed case", casePath, `data-testid="explain"`, "低保标准", "执行日期", "确认")
	v := caseOf(t, s, casePath)
	for _, fen := range []int64{int64(v.Amount)} {
		if fen > 0 && regexp.MustCompile(`(^|[^\d.,])`+strconv.FormatInt(fen, 10)+`($|[^\d.,])`).MatchString(text) {
			t.Errorf("the case shows the amount %d in fen:\n%s", fen, text)
		}
	}

	// The person file of the applicant, whose household has a
	// classification from the means test.
	if _, err := s.App.Assistance.Classification(sys, hh.ID, s.App.Clock.Today().Period()); err != nil {
		t.Fatalf("the household has no classification: %v", err)
	}
	hv, err := s.App.Registry.Household(sys, hh.ID)
	if err != nil || len(hv.Members) == 0 {
		t.Fatalf("household %d: %v", hh.ID, err)
	}
	check("the person file", "/persons/"+strconv.FormatInt(int64(hv.Members[0].PersonID), 10), `data-testid="person-reasons"`, "最低生活保障：符合条件")

	// A screening run that stops the allowance of a person who died.
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
	check("the screening run", fmt.Sprintf("/screening/runs/%d", run.ID), "停发")

	// An alert, with why it has its level.
	a := overdueAlert(t, s, "652301")
	check("the alert", fmt.Sprintf("/monitoring/alerts/%d", a.ID), `data-testid="why"`, "处置期限为")
}
