package console_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"safetynet/internal/money"
)

// TestCountyDashboardInBrowser: the analyst chooses 昌吉市 in the county
// selector; every chart is drawn (a canvas in each chart) without a
// script error, and a table downloads as a readable XLSX workbook.
func TestCountyDashboardInBrowser(t *testing.T) {
	s := newSite(t)
	u := s.newUser(t)
	u.signIn("analyst")
	u.open("/statistics")
	u.run(chromedp.SetValue(`[data-testid=stat-county]`, "652301"))
	u.click(`[data-testid=stat-submit]`)
	u.run(chromedp.WaitVisible(`[data-testid=stat-region][data-region="652301"]`))
	u.waitFor(`[data-testid=stat-coverage]`)
	if got := u.text(`[data-testid=stat-region]`); got != "昌吉市" {
		t.Fatalf("the dashboard is of %q, want 昌吉市", got)
	}
	if loc := u.location(); !strings.Contains(loc, "region=652301") {
		t.Errorf("the county is not in the address: %s", loc)
	}
	u.waitFor(`[data-chart] canvas`)
	charts := value(u, chromedp.Evaluate[int](`document.querySelectorAll("[data-chart]").length`))
	drawn := value(u, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("[data-chart]")).filter(e => e.querySelector("canvas")).length`))
	if charts < 6 || drawn != charts {
		t.Errorf("%d of %d charts drawn, want every one of at least 6", drawn, charts)
	}
	cov := u.text(`[data-testid=stat-coverage]`)
	if !strings.Contains(cov, "昌吉市") || strings.Contains(cov, "阜康市") {
		t.Errorf("the county's coverage table reads:\n%s", cov)
	}
	u.screenshot("dashboard")
	u.open("/lang/en?next=" + url.QueryEscape("/statistics?region=652301"))
	u.waitFor(`[data-chart] canvas`)
	if got := u.text(`[data-testid=stat-coverage]`); !strings.Contains(got, "Insured and coverage") {
		t.Errorf("the English coverage table reads:\n%s", got)
	}
	u.screenshot("dashboard-en")

	c := newClient(t, s)
	c.signIn("analyst", "")
	resp, err := c.c.Get(s.URL + "/statistics?region=652301&table=coverage&format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("the download = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the download is no workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) < 3 {
		t.Fatalf("the workbook has %d rows: %v", len(rows), err)
	}
	if rows[0][0] != "县市" || rows[1][0] != "昌吉市" || rows[len(rows)-1][0] != "合计" {
		t.Errorf("the workbook reads %v", rows)
	}
}

// TestStatisticsScope: a county's caseworker sees only their county and
// may not ask for another; an unknown table is refused.
func TestStatisticsScope(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	c.signIn("cw.fukang", "")
	code, body := c.page("/statistics")
	if code != http.StatusOK {
		t.Fatalf("Fukang's caseworker opens statistics: %d", code)
	}
	if strings.Contains(body, `value="652301"`) {
		t.Error("Fukang's county selector offers Changji City")
	}
	if code := c.status("/statistics?region=652301"); code != http.StatusForbidden {
		t.Errorf("Fukang's caseworker asks for Changji City: %d, want 403", code)
	}
	if code := c.status("/statistics?table=nothing&format=xlsx"); code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown table: %d, want 422", code)
	}
	if code := c.status("/statistics?from=2026-10&to=2026-01"); code != http.StatusUnprocessableEntity {
		t.Errorf("a range backwards: %d, want 422", code)
	}
}

// TestContributionsMatchCoverage: the dashboard's contributions, read for
// the range in one query, are the coverage report's Collected of each
// month.
func TestContributionsMatchCoverage(t *testing.T) {
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	to := s.App.Clock.Today().Period().Add(-1)
	from := to.Add(-11)
	cs, err := s.App.Store.ContributionsByMonth(ctx, "652300", from, to)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]money.Fen{}
	for _, c := range cs {
		got[c.Period.String()+string(c.Scheme)] = c.Collected
	}
	nonzero := 0
	for m := from; m <= to; m = m.Add(1) {
		rep, err := s.App.Insurance.Coverage(ctx, m, "652300")
		if err != nil {
			t.Fatal(err)
		}
		for sc, f := range rep.Total.Collected {
			if got[m.String()+string(sc)] != f {
				t.Errorf("%s %s: the dashboard has %s, the coverage report %s", m, sc, got[m.String()+string(sc)], f)
			}
			if f != 0 {
				nonzero++
			}
		}
	}
	if nonzero == 0 {
		t.Error("no contribution collected in the demo's year: the comparison proves nothing")
	}
}
