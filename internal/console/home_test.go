package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"safetynet/internal/assistance"
	"safetynet/internal/screening"
)

// queueEntry reads one kind of work off the home page: its link and count
// ("" and -1 when the page does not show it).
func queueEntry(t *testing.T, c *client, key string) (string, int) {
	t.Helper()
	code, body := c.page("/")
	if code != http.StatusOK {
		t.Fatalf("home = %d", code)
	}
	m := regexp.MustCompile(`<a href="([^"]*)" data-queue="` + key + `"><span class="count">(\d+)</span>`).FindStringSubmatch(body)
	if m == nil {
		return "", -1
	}
	var n int
	fmt.Sscan(m[2], &n)
	return m[1], n
}

// TestHomeWiderScreeningRun: a prefecture-wide screening run waits for
// each county's review of its own items; each county's caseworker is told
// on the home page, linked to the run, until their county has reviewed.
func TestHomeWiderScreeningRun(t *testing.T) {
	s := newSite(t)
	severelyDisable(t, s, screeningAs(t, s, "cw.changji"), "652301", 2)
	severelyDisable(t, s, screeningAs(t, s, "cw.fukang"), "652302", 2)
	admin := screeningAs(t, s, "admin")
	if _, err := s.App.Screening.Screen(admin, assistance.ProgDisabilityCare, s.App.Clock.Today().Period(), "652300"); err != nil {
		t.Fatal(err)
	}
	runs, err := s.App.Screening.Runs(admin, screening.RunFilter{Region: "652300", Period: s.App.Clock.Today().Period(), Programme: assistance.ProgDisabilityCare})
	if err != nil || len(runs) != 1 {
		t.Fatalf("the prefecture's run: %d, %v", len(runs), err)
	}
	path := fmt.Sprintf("/screening/runs/%d", runs[0].ID)

	changji, fukang := newClient(t, s), newClient(t, s)
	changji.signIn("cw.changji", "/")
	fukang.signIn("cw.fukang", "/")
	for who, c := range map[string]*client{"cw.changji": changji, "cw.fukang": fukang} {
		if href, n := queueEntry(t, c, "wider_screening_to_review"); n != 1 || href != path {
			t.Errorf("%s's home: %d wider runs to review linked to %q, want 1 linked to %s", who, n, href, path)
		}
	}
	// The approver reviews nothing: the kind is not on the approver's home.
	ap := newClient(t, s)
	ap.signIn("approver", "/")
	if _, n := queueEntry(t, ap, "wider_screening_to_review"); n != -1 {
		t.Errorf("the approver's home counts %d wider runs to review, want none shown", n)
	}

	changji.page(path)
	if code := changji.post(path+"/review", url.Values{"csrf": {changji.csrf}}); code != http.StatusSeeOther {
		t.Fatalf("Changji's review = %d, want 303", code)
	}
	if _, n := queueEntry(t, changji, "wider_screening_to_review"); n != 0 {
		t.Errorf("Changji's home after its review: %d wider runs, want 0", n)
	}
	if href, n := queueEntry(t, fukang, "wider_screening_to_review"); n != 1 || href != path {
		t.Errorf("Fukang's home after Changji's review: %d linked to %q, want 1 linked to %s", n, href, path)
	}
}
