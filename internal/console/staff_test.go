package console_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"safetynet/internal/assistance"
)

// TestNamesNotUsernames: where the console says who acted (the batch's
// maker and approver, the audit trail's actor, an identity change's
// requester) it shows the user's display name, with the username only as
// secondary text.
func TestNamesNotUsernames(t *testing.T) {
	s := newSite(t)
	cp := batchWithChangedAccount(t, s)
	path := fmt.Sprintf("/payments/batches/%d", cp.Batch.ID)
	staff := func(username string) string {
		u, err := s.App.Store.UserByName(t.Context(), username)
		if err != nil || u.DisplayName == "" || u.DisplayName == username {
			t.Fatalf("%s has display name %q, %v", username, u.DisplayName, err)
		}
		return `<span class="staff">` + html.EscapeString(u.DisplayName) + `</span> <small class="meta" data-username>` + username + `</small>`
	}
	ap := newClient(t, s)
	ap.signIn("approver", "/")
	ap.page(path)
	if code := ap.post(path+"/decision", url.Values{"csrf": {ap.csrf}, "version": {fmt.Sprint(cp.Batch.Version)}}); code != http.StatusSeeOther {
		t.Fatalf("the approval = %d", code)
	}
	_, body := ap.page(path)
	for _, who := range []string{"cw.changji", "approver"} {
		if !strings.Contains(body, staff(who)) {
			t.Errorf("the batch page does not name %s by display name:\n%s", who, excerpt(body, "batch-staff"))
		}
	}
	auditor := newClient(t, s)
	auditor.signIn("auditor", "/")
	if _, body := auditor.page("/audit?actor=approver"); !strings.Contains(body, staff("approver")) {
		t.Errorf("the audit trail does not name the approver by display name:\n%s", excerpt(body, "audit-events"))
	}
	cwCtx := screeningAs(t, s, "cw.changji")
	severelyDisable(t, s, cwCtx, "652301", 1)
	if _, err := s.App.Screening.Screen(cwCtx, assistance.ProgDisabilityCare, s.App.Clock.Today().Period(), "652301"); err != nil {
		t.Fatal(err)
	}
	run := careRun(t, s, cwCtx)
	if _, body := ap.page(fmt.Sprintf("/screening/runs/%d", run.ID)); !strings.Contains(body, staff("cw.changji")) {
		t.Errorf("the run page does not name its maker by display name:\n%s", excerpt(body, "made-by"))
	}
}
