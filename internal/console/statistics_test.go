package console_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
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

// TestContributionsMatchCoverage: the dashboard's contributions of each
// month of the year, read from the stored figures, are the coverage
// report's Collected of the month.
func TestContributionsMatchCoverage(t *testing.T) {
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	to := s.App.Clock.Today().Period().Add(-1)
	from := to.Add(-11)
	c := newClient(t, s)
	c.signIn("analyst", "")
	rows := sheet(t, c, url.Values{"from": {from.String()}, "to": {to.String()}}.Encode(), "contributions")[1:]
	if len(rows) != 12 {
		t.Fatalf("the contributions table has %d months, want 12", len(rows))
	}
	schemes := []insurance.Scheme{insurance.EmployeePension, insurance.ResidentPension, insurance.Unemployment, insurance.WorkInjury}
	nonzero := 0
	for i, m := 0, from; m <= to; i, m = i+1, m.Add(1) {
		rep, err := s.App.Insurance.Coverage(ctx, m, "652300")
		if err != nil {
			t.Fatal(err)
		}
		for j, sc := range schemes {
			f := rep.Total.Collected[sc]
			if rows[i][1+j] != f.String() {
				t.Errorf("%s %s: the dashboard has %s, the coverage report %s", m, sc, rows[i][1+j], f)
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

// sheet downloads a table of the statistics page as the signed-in client
// and returns the rows of its workbook, header first.
func sheet(t *testing.T, c *client, query, table string) [][]string {
	t.Helper()
	resp, err := c.c.Get(c.s.URL + "/statistics?" + query + "&table=" + table + "&format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download %s: %d %s", table, resp.StatusCode, b)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("download %s: %v", table, err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// numbers keeps the columns of a table's rows from the first on (the
// names are compared through the order of the rows).
func numbers(rows [][]string, first int) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r[first:]
	}
	return out
}

// compareTable reports the rows of a downloaded table (header dropped)
// that differ from the live report's.
func compareTable(t *testing.T, name string, got, want [][]string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: the stored figures give\n%v\nthe live report\n%v", name, got, want)
	}
}

// TestStoredFiguresMatchTheReports: the dashboard of a month, read from
// the figures the demo summarised, has the live reports' numbers in every
// table (coverage, contributions, pensions, assistance by programme and by
// county, layers); over a year, the assistance lines, amounts and
// last-month beneficiaries are the live report's too, and the
// beneficiary-months (人次) add up the months.
func TestStoredFiguresMatchTheReports(t *testing.T) {
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	home := s.App.Juris.Home
	m := s.App.Clock.Today().Period().Add(-1)
	c := newClient(t, s)
	c.signIn("analyst", "")
	q := url.Values{"region": {string(home)}, "from": {m.String()}, "to": {m.String()}}.Encode()
	itoa := strconv.Itoa

	cov, err := s.App.Insurance.Coverage(ctx, m, home)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]string
	schemes := []insurance.Scheme{insurance.EmployeePension, insurance.ResidentPension, insurance.Unemployment, insurance.WorkInjury}
	for _, r := range append(cov.Rows, cov.Total) {
		row := []string{itoa(r.Adults), itoa(r.Employed)}
		for _, sc := range schemes {
			row = append(row, itoa(r.Insured[sc]))
		}
		want = append(want, append(row, r.PensionCoverage.Percent(1), r.UnemploymentCoverage.Percent(1), r.WorkInjuryCoverage.Percent(1)))
	}
	compareTable(t, "coverage", numbers(sheet(t, c, q, "coverage")[1:], 1), want)

	want = [][]string{{}}
	var total money.Fen
	for _, sc := range schemes {
		want[0] = append(want[0], cov.Total.Collected[sc].String())
		total += cov.Total.Collected[sc]
	}
	want[0] = append(want[0], total.String())
	if total == 0 {
		t.Errorf("no contribution collected in %s: the comparison proves nothing", m)
	}
	compareTable(t, "contributions", numbers(sheet(t, c, q, "contributions")[1:], 1), want)

	pen, err := s.App.Pensions.Report(ctx, m, home)
	if err != nil {
		t.Fatal(err)
	}
	want = nil
	for _, r := range pen.Rows {
		if r.Awards > 0 {
			want = append(want, []string{itoa(r.Awards), r.Before.String(), r.After.String()})
		}
	}
	if len(want) == 0 {
		t.Errorf("no pension in %s: the comparison proves nothing", m)
	}
	compareTable(t, "pensions", numbers(sheet(t, c, q, "pensions")[1:], 2), want)

	asst, err := s.App.Assistance.Report(ctx, m, m, home)
	if err != nil {
		t.Fatal(err)
	}
	want = nil
	for _, r := range asst.Totals {
		want = append(want, []string{itoa(r.Beneficiaries), itoa(r.LastMonth), itoa(r.Lines), r.Amount.String()})
	}
	compareTable(t, "assistance", numbers(sheet(t, c, q, "assistance")[1:], 1), want)
	type key struct {
		county region.Code
		prog   string
	}
	byCounty := map[key][2]int64{}
	var keys []key
	for _, r := range asst.Rows {
		k := key{r.County, r.Programme}
		if _, ok := byCounty[k]; !ok {
			keys = append(keys, k)
		}
		v := byCounty[k]
		byCounty[k] = [2]int64{v[0] + int64(r.Beneficiaries), v[1] + int64(r.Amount)}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.county != b.county {
			return strings.Compare(string(a.county), string(b.county))
		}
		return strings.Compare(a.prog, b.prog)
	})
	want = nil
	for _, k := range keys {
		want = append(want, []string{strconv.FormatInt(byCounty[k][0], 10), money.Fen(byCounty[k][1]).String()})
	}
	if len(want) == 0 {
		t.Errorf("no assistance paid in %s: the comparison proves nothing", m)
	}
	compareTable(t, "assistance by county", numbers(sheet(t, c, q, "assistance_county")[1:], 2), want)

	lcs, err := s.App.Assistance.LayerCounts(ctx, m, home)
	if err != nil {
		t.Fatal(err)
	}
	want = nil
	for _, l := range lcs {
		want = append(want, []string{itoa(l.Households), itoa(l.Persons), l.DibaoAmount.String()})
	}
	if len(want) == 0 {
		t.Errorf("no low-income household in %s: the comparison proves nothing", m)
	}
	compareTable(t, "layers", numbers(sheet(t, c, q, "layers")[1:], 2), want)

	// A year: lines, amounts and the last month's beneficiaries are the
	// live report's; the beneficiary-months are at least the distinct
	// beneficiaries of the year.
	from := m.Add(-11)
	year, err := s.App.Assistance.Report(ctx, from, m, home)
	if err != nil {
		t.Fatal(err)
	}
	got := sheet(t, c, url.Values{"region": {string(home)}, "from": {from.String()}, "to": {m.String()}}.Encode(), "assistance")[1:]
	if len(got) != len(year.Totals) {
		t.Fatalf("the year's assistance table has %d rows, the report %d", len(got), len(year.Totals))
	}
	for i, r := range year.Totals {
		months, _ := strconv.Atoi(got[i][1])
		if got[i][2] != itoa(r.LastMonth) || got[i][3] != itoa(r.Lines) || got[i][4] != r.Amount.String() || months < r.Beneficiaries {
			t.Errorf("%s over the year: the stored figures give %v, the live report %+v", r.Programme, got[i], r)
		}
	}
}

// clearSummaries deletes every stored figure and month record, as on a
// database before its first summary.
func clearSummaries(t *testing.T, s *site) {
	t.Helper()
	for _, stmt := range []string{"DELETE FROM statistics_figures", "DELETE FROM statistics_months"} {
		if err := s.App.Store.ExecRaw(context.Background(), stmt); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStatisticsSummaryInBrowser: on a database with nothing summarised
// the analyst's page names the months missing and how to summarise them;
// the button runs the summary as a background job, the page follows it
// and shows the figures with when and by whom they were summarised.
func TestStatisticsSummaryInBrowser(t *testing.T) {
	s := newSite(t)
	clearSummaries(t, s)
	u := s.newUser(t)
	u.signIn("analyst")
	u.open("/statistics")
	u.waitFor(`[data-testid=stat-missing]`)
	to := s.App.Clock.Today().Period().Add(-1)
	notice := u.text(`[data-testid=stat-missing]`)
	for _, want := range []string{"尚未汇总", monthZH(to), monthZH(to.Add(-11)), "safetynet statistics summarise --from " + to.Add(-11).String() + " --to " + to.String()} {
		if !strings.Contains(notice, want) {
			t.Errorf("the notice does not say %q:\n%s", want, notice)
		}
	}
	if cov := u.text(`[data-testid=stat-coverage]`); strings.Contains(cov, "合计") {
		t.Errorf("the coverage table has figures before any summary:\n%s", cov)
	}
	u.screenshot("statistics-missing")
	u.click(`[data-testid=stat-summarise]`)
	u.waitFor(`[data-testid=stat-summarised]`)
	if got := u.text(`[data-testid=stat-summarised]`); !strings.Contains(got, "数据截至") || !strings.Contains(got, "analyst") {
		t.Errorf("the page says %q of the summary", got)
	}
	if cov := u.text(`[data-testid=stat-coverage]`); !strings.Contains(cov, "合计") || !strings.Contains(cov, "昌吉市") {
		t.Errorf("after the summary the coverage table reads:\n%s", cov)
	}
	if n := value(u, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=stat-missing]").length`)); n != 0 {
		t.Error("the notice of missing months is still shown after the summary")
	}
	u.screenshot("statistics-summarised")
	ms, err := s.App.Statistics.Months(s.App.System(context.Background(), "test"), to.Add(-11), to)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version != 1 || m.SummarisedBy != "analyst" {
			t.Errorf("%s: %+v, want summarised once by analyst", m.Period, m)
		}
	}
}

// monthZH is a month as the zh-CN pages write it.
func monthZH(m period.Month) string { return fmt.Sprintf("%d年%d月", m.Year(), int(m.MonthOfYear())) }

// TestStatisticsSummaryScope: only a post allowed to summarise sees the
// button and may start the job (a caseworker and an auditor are refused,
// a form without its CSRF token too, and nothing is summarised); a
// county's caseworker reads their county's stored figures only, and a
// township's caseworker their township's, computed live.
func TestStatisticsSummaryScope(t *testing.T) {
	s := newSite(t)
	clearSummaries(t, s)
	to := s.App.Clock.Today().Period().Add(-1)
	form := func(c *client) url.Values {
		return url.Values{"csrf": {c.csrf}, "from": {to.String()}, "to": {to.String()}}
	}
	for _, name := range []string{"cw.changji", "auditor"} {
		c := newClient(t, s)
		c.signIn(name, "")
		code, body := c.page("/statistics")
		if code != http.StatusOK || !strings.Contains(body, `data-testid="stat-missing"`) {
			t.Errorf("%s: the page without summaries = %d, notice shown %v", name, code, strings.Contains(body, `data-testid="stat-missing"`))
		}
		if strings.Contains(body, `data-testid="stat-summarise"`) {
			t.Errorf("%s is offered the summary button", name)
		}
		if code := c.post("/statistics/summarise", form(c)); code != http.StatusForbidden {
			t.Errorf("%s starts a summary: %d, want 403", name, code)
		}
	}
	an := newClient(t, s)
	an.signIn("analyst", "")
	an.page("/statistics")
	if code := an.post("/statistics/summarise", url.Values{"from": {to.String()}, "to": {to.String()}}); code != http.StatusForbidden {
		t.Errorf("a summary without the CSRF token: %d, want 403", code)
	}
	ctx := s.App.System(context.Background(), "test")
	if ms, err := s.App.Statistics.Months(ctx, to, to); err != nil || ms[0].Version != 0 {
		t.Fatalf("a refused request summarised %s: %+v, %v", to, ms, err)
	}

	if _, err := s.App.Statistics.Summarise(ctx, to); err != nil {
		t.Fatal(err)
	}
	fk := newClient(t, s)
	fk.signIn("cw.fukang", "")
	rows := sheet(t, fk, url.Values{"from": {to.String()}, "to": {to.String()}}.Encode(), "coverage")
	if len(rows) != 3 || rows[1][0] != "阜康市" || rows[2][0] != "合计" {
		t.Errorf("Fukang's caseworker reads the coverage of %v", rows)
	}
	if code := fk.status("/statistics?region=652301&from=" + to.String() + "&to=" + to.String() + "&table=coverage&format=xlsx"); code != http.StatusForbidden {
		t.Errorf("Fukang's caseworker downloads Changji City's figures: %d, want 403", code)
	}

	// A township's post reads its own figures, computed live: the stored
	// ones are per county.
	tw := newClient(t, s)
	tw.signIn("tw.changji", "")
	code, body := tw.page("/statistics?from=" + to.String() + "&to=" + to.String())
	if code != http.StatusOK || !strings.Contains(body, `data-testid="stat-live"`) || strings.Contains(body, `data-testid="stat-missing"`) {
		t.Errorf("the township caseworker's dashboard = %d, live %v", code, strings.Contains(body, `data-testid="stat-live"`))
	}
	if rows := sheet(t, tw, url.Values{"from": {to.String()}, "to": {to.String()}}.Encode(), "coverage"); len(rows) != 3 || rows[1][0] != "宁边路街道" || rows[1][1] == "0" {
		t.Errorf("the township caseworker reads the coverage of %v", rows)
	}
}
