package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"safetynet/internal/monitoring"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

// overdueAlert returns an alert of the county code overdue on the site's
// today.
func overdueAlert(t *testing.T, s *site, code string) sqlstore.AlertListRow {
	t.Helper()
	rows, err := s.App.Store.AlertList(context.Background(), sqlstore.AlertListFilter{Region: region.Code(code), State: sqlstore.AlertsOverdue,
		AsOf: s.App.Clock.Today(), Limit: 1})
	if err != nil || len(rows) == 0 {
		t.Fatalf("no overdue alert in %s: %v", code, err)
	}
	return rows[0]
}

// TestMonitoringMapInBrowser: Changji City's caseworker sees the alerts
// per township on the map and the list, opens the overdue ones, and
// records a visit on one of them.
func TestMonitoringMapInBrowser(t *testing.T) {
	s := newSite(t)
	a := overdueAlert(t, s, "652301")
	u := s.newUser(t)
	u.signIn("cw.changji")
	u.open("/monitoring")
	u.waitFor(`[data-testid=alert-map] canvas`)
	towns := u.text(`[data-testid=townships]`)
	if strings.Contains(towns, "阜康") {
		t.Errorf("Changji City's caseworker sees Fukang's townships:\n%s", towns)
	}
	if n := u.text(`[data-testid=overdue-total]`); n == "0" {
		t.Error("the monitoring page counts no overdue alert")
	}
	u.screenshot("monitoring")

	// The home queue's link to the overdue alerts.
	u.open("/monitoring/alerts?state=overdue")
	list := u.text(`[data-testid=alerts]`)
	for _, want := range []string{a.PersonName, "天"} {
		if !strings.Contains(list, want) {
			t.Errorf("the overdue list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "_") {
		t.Errorf("the overdue list shows a machine name:\n%s", list)
	}
	u.screenshot("monitoring-overdue")

	u.open(fmt.Sprintf("/monitoring/alerts/%d", a.ID))
	if who := u.text(`[data-testid=alert-person]`); who != a.PersonName {
		t.Errorf("the alert names %q, want %q", who, a.PersonName)
	}
	u.waitFor(`[data-testid=overdue]`)
	u.run(chromedp.SendKeys(`[data-testid=visit-note]`, "入户核实，家中有人"))
	u.click(`[data-testid=visit-submit]`)
	u.waitFor(`[data-testid=visits]`)
	if v := u.text(`[data-testid=visits]`); !strings.Contains(v, "入户核实，家中有人") || !strings.Contains(v, "入户见面核实") {
		t.Errorf("the visits read:\n%s", v)
	}
	u.screenshot("monitoring-alert")
	got, err := s.App.Monitoring.Alert(s.App.System(context.Background(), "test"), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != monitoring.Visited || len(got.Visits) != 1 {
		t.Errorf("after the visit the alert is %s with %d visits", got.Status, len(got.Visits))
	}
	// The map's township links to its alert list.
	u.open("/monitoring")
	u.waitFor(`[data-testid=alert-map] canvas`)
	href := value(u, chromedp.AttributeValue(`[data-testid=townships] tbody a`, "href"))
	if !strings.HasPrefix(href.Value, "/monitoring/alerts?township=652301") {
		t.Errorf("a township links to %q", href.Value)
	}
	// In English.
	u.open("/lang/en?next=/monitoring")
	u.waitFor(`[data-testid=alert-map] canvas`)
	if got := u.text(`[data-testid=townships]`); !strings.Contains(got, "Overdue") {
		t.Errorf("the English township list reads:\n%s", got)
	}
	u.screenshot("monitoring-en")
}

// TestMonitoringScopeAndRoles: another county's caseworker neither sees
// nor changes Changji City's alerts; the analyst may not open monitoring;
// the approver may read but not record a visit; a visit without the CSRF
// token is refused and writes nothing.
func TestMonitoringScopeAndRoles(t *testing.T) {
	s := newSite(t)
	a := overdueAlert(t, s, "652301")
	path := fmt.Sprintf("/monitoring/alerts/%d", a.ID)

	fukang := newClient(t, s)
	fukang.signIn("cw.fukang", "")
	if code := fukang.status(path); code != http.StatusNotFound {
		t.Errorf("Fukang's caseworker opens a Changji alert: %d, want 404", code)
	}
	if code := fukang.status("/monitoring/alerts?township=" + string(a.TownshipCode)); code != http.StatusForbidden {
		t.Errorf("Fukang's caseworker lists a Changji township: %d, want 403", code)
	}
	fukang.page("/monitoring")
	if code := fukang.post(path+"/visits", url.Values{"csrf": {fukang.csrf}, "version": {"1"}, "visited_on": {"2026-11-22"}, "outcome": {"met"}}); code != http.StatusNotFound {
		t.Errorf("Fukang's caseworker visits a Changji alert: %d, want 404", code)
	}
	_, body := fukang.page("/monitoring")
	if strings.Contains(body, "昌吉市") && strings.Contains(body, string(a.TownshipCode)) {
		t.Error("Fukang's monitoring page lists a Changji township")
	}

	analyst := newClient(t, s)
	analyst.signIn("analyst", "")
	if code := analyst.status("/monitoring"); code != http.StatusForbidden {
		t.Errorf("the analyst opens monitoring: %d, want 403", code)
	}

	approver := newClient(t, s)
	approver.signIn("approver", "")
	if code, _ := approver.page(path); code != http.StatusOK {
		t.Fatalf("the approver reads the alert: %d", code)
	}
	if code := approver.post(path+"/visits", url.Values{"csrf": {approver.csrf}, "version": {"1"}, "visited_on": {"2026-11-22"}, "outcome": {"met"}}); code != http.StatusForbidden {
		t.Errorf("the approver records a visit: %d, want 403", code)
	}
	if code := approver.post(path+"/disposition", url.Values{"csrf": {approver.csrf}, "version": {"1"}, "disposition": {"unreachable"}}); code != http.StatusForbidden {
		t.Errorf("the approver disposes of an alert: %d, want 403", code)
	}

	cw := newClient(t, s)
	cw.signIn("cw.changji", "")
	cw.page(path)
	if code := cw.post(path+"/visits", url.Values{"version": {"1"}, "visited_on": {"2026-11-22"}, "outcome": {"met"}}); code != http.StatusForbidden {
		t.Errorf("a visit without the CSRF token: %d, want 403", code)
	}
	// A visit in the future is shown beside the form, and writes nothing.
	code, _ := cw.page(path)
	if code != http.StatusOK {
		t.Fatal(code)
	}
	if code := cw.post(path+"/visits", url.Values{"csrf": {cw.csrf}, "version": {"1"}, "visited_on": {"2099-01-01"}, "outcome": {"met"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("a visit in the future: %d, want 422", code)
	}
	got, err := s.App.Monitoring.Alert(s.App.System(context.Background(), "test"), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Visits) != 0 {
		t.Errorf("refused visits wrote %d visits", len(got.Visits))
	}

	// A visit that met the household, then a disposition: no_need without
	// its reason is shown beside the form; with it the alert is closed.
	v := strconv.FormatInt(got.Version, 10)
	if code := cw.post(path+"/visits", url.Values{"csrf": {cw.csrf}, "version": {v}, "visited_on": {"2026-11-22"}, "outcome": {"met"}, "note": {"见到户主"}}); code != http.StatusSeeOther {
		t.Fatalf("a visit: %d, want 303", code)
	}
	if got, err = s.App.Monitoring.Alert(s.App.System(context.Background(), "test"), a.ID); err != nil {
		t.Fatal(err)
	}
	v = strconv.FormatInt(got.Version, 10)
	if code := cw.post(path+"/disposition", url.Values{"csrf": {cw.csrf}, "version": {v}, "disposition": {"no_need"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("no_need without a reason: %d, want 422", code)
	}
	if code := cw.post(path+"/disposition", url.Values{"csrf": {cw.csrf}, "version": {v}, "disposition": {"no_need"}, "note": {"家庭收入已恢复"}}); code != http.StatusSeeOther {
		t.Errorf("no_need with its reason: %d, want 303", code)
	}
	if got, err = s.App.Monitoring.Alert(s.App.System(context.Background(), "test"), a.ID); err != nil || got.Status != monitoring.Closed {
		t.Errorf("after the disposition the alert is %v (%v)", got.Status, err)
	}
	_, body = cw.page(path)
	if !strings.Contains(body, "无需救助") || strings.Contains(body, `data-testid="visit-form"`) {
		t.Error("the closed alert's page does not show its disposition, or still offers a visit")
	}
}
