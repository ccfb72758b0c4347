package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/crossprov"
	"safetynet/internal/insurance"
	"safetynet/internal/registry"
)

// crossSetup has Beijing send the site a 联系函 for one person of Changji
// City with an employee account and a certification request for another,
// and returns the two tasks (transfer first) and the simulated agency.
func crossSetup(t *testing.T, s *site) (letter, cert *crossprov.Task, sim *crossprov.Simulated) {
	t.Helper()
	sys := s.App.System(context.Background(), "test")
	ps, err := s.App.Registry.Persons(sys, registry.PersonFilter{Region: "652301", Alive: true, Page: registry.Page{Limit: 2}})
	if err != nil || len(ps) < 2 {
		t.Fatalf("persons of 652301: %v", err)
	}
	if bal, _ := s.App.Accounts.AccountBalance(sys, ps[0].ID, insurance.EmployeePension, 0); bal <= 0 {
		if _, err := s.App.Accounts.TransferIn(sys, ps[0].ID, insurance.TransferInRequest{FromRegion: "440300", On: s.App.Clock.Today(), Balance: 100000, Months: 24}); err != nil {
			t.Fatal(err)
		}
	}
	beijing := crossprov.Party{Province: "110000", Prefecture: "110100", Agency: "11010001"}
	xp := s.App.CrossProvince
	for i, payload := range []any{&crossprov.TransferContact{AppliedOn: s.App.Clock.Today()}, &crossprov.CertificationRequest{LivingIn: "昌吉市延安北路街道"}} {
		kind := crossprov.KindTransferContact
		if i == 1 {
			kind = crossprov.KindCertificationRequest
		}
		m, err := crossprov.NewMessage(kind, beijing, xp.Self(), crossprov.Person{IDNumber: ps[i].IDNumber, Name: ps[i].Name}, "", s.App.Clock.Now(), payload)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := m.Encode()
		if c, err := xp.Process(context.Background(), doc); err != nil || c != crossprov.Claimed {
			t.Fatalf("Process = %s, %v", c, err)
		}
	}
	ts, err := xp.Tasks(sys, crossprov.TaskFilter{Status: crossprov.ToHandle})
	if err != nil || len(ts) != 2 {
		t.Fatalf("tasks = %+v, %v", ts, err)
	}
	return ts[0], ts[1], crossprov.NewSimulated(beijing, s.App.Clock)
}

// TestCrossProvinceIncomingPage: the caseworker of Changji City sees the
// two requests of Beijing counted on the home page and listed on the
// page under 数据交换; refuses the certification with a reason (a refusal
// without one is shown beside the row) and accepts the 联系函, whose
// voucher goes to Beijing once; Fukang's caseworker sees none and
// cannot act on them; the analyst has no page; a POST without CSRF is
// refused.
func TestCrossProvinceIncomingPage(t *testing.T) {
	s := newSite(t)
	letter, cert, sim := crossSetup(t, s)

	// HTTP: scope, roles and CSRF.
	fk := newClient(t, s)
	fk.signIn("cw.fukang", "")
	code, body := fk.page("/exchange/cross-province")
	if code != http.StatusOK || !strings.Contains(body, `data-testid="xp-none"`) {
		t.Errorf("Fukang's page = %d, want 200 with nothing listed", code)
	}
	if got := fk.post("/exchange/cross-province/"+strconv.FormatInt(letter.ID, 10)+"/accept", url.Values{"csrf": {fk.csrf}}); got != http.StatusNotFound {
		t.Errorf("Fukang accepts = %d, want 404", got)
	}
	an := newClient(t, s)
	an.signIn("analyst", "")
	if got := an.status("/exchange/cross-province"); got != http.StatusForbidden {
		t.Errorf("analyst's page = %d, want 403", got)
	}
	cw := newClient(t, s)
	cw.signIn("cw.changji", "")
	cw.page("/exchange/cross-province")
	if got := cw.post("/exchange/cross-province/"+strconv.FormatInt(letter.ID, 10)+"/accept", url.Values{}); got != http.StatusForbidden {
		t.Errorf("accept without CSRF = %d, want 403", got)
	}

	// The browser.
	u := s.newUser(t)
	u.signIn("cw.changji")
	if got := u.text(`[data-queue="crossprov_incoming_to_handle"] .count`); got != "2" {
		t.Errorf("home count = %q, want 2", got)
	}
	u.screenshot("crossprov-home")
	u.click(`[data-queue="crossprov_incoming_to_handle"]`)
	u.waitFor(`[data-testid="xp-tasks"]`)
	if got := u.text(`[data-testid="xp-` + strconv.FormatInt(letter.ID, 10) + `"]`); !strings.Contains(got, "养老保险关系转出") || !strings.Contains(got, "北京市") {
		t.Errorf("the letter's row = %q", got)
	}
	u.screenshot("crossprov-list")
	certID := strconv.FormatInt(cert.ID, 10)
	u.click(`[data-testid="xp-refuse-` + certID + `"]`)
	u.waitFor(`[data-testid="xp-problem"]`)
	if got := u.text(`[data-testid="xp-problem"]`); !strings.Contains(got, "理由") {
		t.Errorf("refusal without a reason shows %q", got)
	}
	u.fill(`[data-testid="xp-reason-`+certID+`"]`, "经入户核查，该人员已迁居外地")
	u.click(`[data-testid="xp-refuse-` + certID + `"]`)
	u.waitFor(`[data-testid="xp-tasks"]`)
	u.click(`[data-testid="xp-accept-` + strconv.FormatInt(letter.ID, 10) + `"]`)
	u.waitFor(`[data-testid="xp-none"]`)
	u.open("/exchange/cross-province?status=accepted")
	u.waitFor(`[data-testid="xp-tasks"]`)
	if got := u.text(`[data-testid="xp-outcome-` + strconv.FormatInt(letter.ID, 10) + `"]`); !strings.Contains(got, "参保缴费凭证已发送") || !strings.Contains(got, "元") {
		t.Errorf("accepted outcome = %q", got)
	}
	u.screenshot("crossprov-accepted")
	u.open("/")
	if got := u.text(`[data-queue="crossprov_incoming_to_handle"] .count`); got != "0" {
		t.Errorf("home count after = %q, want 0", got)
	}

	if err := s.App.CrossProvince.Exchange(context.Background(), sim, 5); err != nil {
		t.Fatal(err)
	}
	kinds := map[crossprov.Kind]int{}
	for _, doc := range sim.Sent {
		m, err := crossprov.Decode(doc)
		if err != nil {
			t.Fatal(err)
		}
		kinds[m.Kind]++
	}
	if kinds[crossprov.KindTransferOut] != 1 || kinds[crossprov.KindRefusal] != 1 || len(sim.Sent) != 2 {
		t.Errorf("sent to Beijing = %v, want one voucher and one refusal", kinds)
	}
}
