package console_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"safetynet/internal/frontoffice"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// seedServiceApps stores applications of June 2026 (before the demo's
// three months of applications) in Changji as the
// store keeps them: at a bank outlet, completed on time in 1 working day;
// online, completed late in 3; on the phone, running; online, refused;
// and a receipt not accepted at the bank outlet. Four accepted, three of
// them online or mobile: 线上办理率 75.00%.
func seedServiceApps(t *testing.T, s *site) {
	t.Helper()
	jun := func(d int) period.Date { return period.MustDate(2026, time.June, d) }
	code := region.Code("652301001001")
	for i, a := range []struct {
		ch                  matters.Channel
		status              frontoffice.Status
		received, due, done period.Date
		days                int
	}{
		{matters.Bank, frontoffice.Completed, jun(2), jun(4), jun(3), 1},
		{matters.Online, frontoffice.Completed, jun(2), jun(3), jun(5), 3},
		{matters.Mobile, frontoffice.Received, jun(9), jun(10), 0, 0},
		{matters.Online, frontoffice.Refused, jun(10), jun(11), 0, 0},
		{matters.Bank, frontoffice.NotAccepted, jun(11), 0, 0, 0},
	} {
		app := &frontoffice.Application{Matter: "employee_pension_certification", Department: "sibao", Channel: a.ch, RegionCode: code,
			Status: a.status, ReceivedBy: 1, ReceivedAt: a.received.Time(), AcceptedOn: a.received, TimeLimit: 1, DueDate: a.due}
		if a.ch == matters.Bank {
			app.Point = "bank-652301-01"
		}
		if a.status == frontoffice.Completed {
			days := a.days
			app.CompletedOn, app.WorkingDays = a.done, &days
		}
		if err := s.App.Store.CreateApplication(sqlstoretest.Admin(), app, "SNCON"+string(rune('A'+i)), frontoffice.Event{Action: "receive", To: a.status}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestServicesDashboard: the caseworker of 昌吉市 reads the dashboard of
// the front office for June 2026 in the browser — 受理量 4, 线上办理率
// 75.00%, 按时办结率 50.00%, 2.0 working days on average, a chart by
// channel drawn, the bank outlet in the table by point — in Chinese and
// English; the table by point downloads as a workbook with the rate in its
// 合计 line; the caseworker of 阜康市 counts none of them and may not ask
// for 昌吉市; a bad date is a 422 naming it.
func TestServicesDashboard(t *testing.T) {
	s := newSite(t)
	seedServiceApps(t, s)
	const q = "/statistics/services?from=2026-06-01&to=2026-06-30"
	u := s.newUser(t)
	u.signIn("cw.changji")
	u.open("/statistics")
	u.click(`[data-testid=services-link]`)
	u.waitFor(`[data-testid=services-headline]`)
	u.run(chromedp.SetValue(`[data-testid=services-from]`, "2026-06-01"), chromedp.SetValue(`[data-testid=services-to]`, "2026-06-30"))
	u.click(`[data-testid=services-submit]`)
	u.run(chromedp.WaitVisible(`[data-testid=services-point]`))
	u.waitFor(`[data-chart] canvas`)
	for sel, want := range map[string]string{
		"services-received": "4", "services-completed": "2", "services-online-rate": "75.00%", "services-on-time-rate": "50.00%",
		"services-average-days": "2.0",
	} {
		if got := u.text(`[data-testid=` + sel + `]`); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if got := u.text(`[data-testid=services-point]`); !strings.Contains(got, "网上办") || !strings.Contains(got, "掌上办") || !strings.Contains(got, "银行") {
		t.Errorf("the table by point reads:\n%s", got)
	}
	u.screenshot("services")
	u.open("/lang/en?next=" + strings.ReplaceAll(q, "&", "%26"))
	u.waitFor(`[data-chart] canvas`)
	if got := u.text(`[data-testid=services-channel]`); !strings.Contains(got, "Online") || !strings.Contains(got, "Bank outlet") {
		t.Errorf("the English table by channel reads:\n%s", got)
	}
	u.screenshot("services-en")

	c := newClient(t, s)
	c.signIn("cw.changji", "")
	resp, err := c.c.Get(s.URL + q + "&region=652301&by=point&format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the download = %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the download is no workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("政务服务统计")
	if err != nil || len(rows) != 5 || rows[0][1] != "服务点" || rows[4][1] != "合计" || rows[4][9] != "75.00%" {
		t.Errorf("workbook %q (%v); want three points and 合计 at 75.00%%", rows, err)
	}
	if code, body := c.page("/statistics/services?from=2026-13-01&to=2026-11-30"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写有效日期") {
		t.Errorf("a bad date = %d", code)
	}

	fk := newClient(t, s)
	fk.signIn("cw.fukang", "")
	if code, body := fk.page(q); code != http.StatusOK || !strings.Contains(body, `data-testid="services-received">0<`) {
		t.Errorf("阜康市's dashboard = %d, want none of 昌吉市's applications", code)
	}
	if code := fk.status(q + "&region=652301"); code != http.StatusForbidden {
		t.Errorf("阜康市's caseworker asking for 昌吉市 = %d, want 403", code)
	}
	if code := fk.status(q + "&region=652301&by=point&format=xlsx"); code != http.StatusForbidden {
		t.Errorf("阜康市's caseworker downloading 昌吉市 = %d, want 403", code)
	}
	anon := newClient(t, s)
	if code := anon.status(q); code != http.StatusSeeOther && code != http.StatusFound {
		t.Errorf("signed out = %d, want a redirect to the sign-in", code)
	}
}
