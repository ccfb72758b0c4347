package console_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"safetynet/internal/monitoring"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

// livingPersons returns n living persons of the region subtree code.
func livingPersons(t *testing.T, s *site, code string, n int) []*registry.Person {
	t.Helper()
	ps, err := s.App.Registry.Persons(s.App.System(context.Background(), "test"), registry.PersonFilter{Region: region.Code(code), Alive: true, Page: registry.Page{Limit: n}})
	if err != nil || len(ps) < n {
		t.Fatalf("%d living persons in %s: %v", len(ps), code, err)
	}
	return ps
}

// deathsFile writes a public-security deaths file of the persons, dying
// on the dates given, into the test's folder.
func deathsFile(t *testing.T, name string, ps []*registry.Person, dates []string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("公民身份号码,姓名,死亡日期\n")
	for i, p := range ps {
		fmt.Fprintf(&b, "%s,%s,%s\n", p.IDNumber, p.Name, dates[i])
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// alive reports whether the person is alive in the registry.
func alive(t *testing.T, s *site, id registry.PersonID) bool {
	t.Helper()
	p, err := s.App.Registry.Person(s.App.System(context.Background(), "test"), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Alive()
}

// TestExchangeUploadInBrowser: Changji City's caseworker uploads a deaths
// file with one bad row: the report names the row and the problem and
// nothing is written; the corrected file passes, and once confirmed the
// deaths are recorded.
func TestExchangeUploadInBrowser(t *testing.T) {
	s := newSite(t)
	ps := livingPersons(t, s, "652301", 2)
	bad := deathsFile(t, "deaths-bad.csv", ps, []string{"2026-11-01", "2026-13-40"})
	good := deathsFile(t, "deaths.csv", ps, []string{"2026-11-01", "2026-11-02"})

	u := s.newUser(t)
	u.signIn("cw.changji")
	u.open("/exchange")
	u.run(chromedp.SetUploadFiles(`[data-testid=exchange-file]`, []string{bad}))
	u.click(`[data-testid=exchange-check]`)
	u.waitFor(`[data-testid=exchange-problems]`)
	probs := u.text(`[data-testid=exchange-problems]`)
	if !strings.Contains(probs, "3") || !strings.Contains(probs, "死亡日期") || !strings.Contains(probs, "格式不正确") {
		t.Errorf("the report of the bad file reads:\n%s", probs)
	}
	if sum := u.text(`[data-testid=exchange-summary]`); !strings.Contains(sum, "共 2 行，1 行通过，1 行有误") {
		t.Errorf("the summary reads %q", sum)
	}
	u.screenshot("exchange-bad")
	if !alive(t, s, ps[0].ID) || !alive(t, s, ps[1].ID) {
		t.Fatal("checking a bad file recorded a death")
	}

	u.open("/exchange")
	u.run(chromedp.SetUploadFiles(`[data-testid=exchange-file]`, []string{good}))
	u.click(`[data-testid=exchange-check]`)
	u.waitFor(`[data-testid=exchange-confirm]`)
	if !alive(t, s, ps[0].ID) {
		t.Fatal("checking the file recorded a death before the confirmation")
	}
	u.screenshot("exchange-report")
	dialogs := chromedp.Events(u.ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			chromedp.Call(u.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	u.click(`[data-testid=exchange-confirm]`)
	u.waitFor(`[data-testid=exchange-done]`)
	if done := u.text(`[data-testid=exchange-done]`); !strings.Contains(done, "登记死亡 2 人") {
		t.Errorf("after the import the page says %q", done)
	}
	u.screenshot("exchange-done")
	if alive(t, s, ps[0].ID) || alive(t, s, ps[1].ID) {
		t.Error("the confirmed import recorded no death")
	}
}

// upload posts a file to the exchange check as the client.
func (c *client) upload(kind, name string, content []byte, withCSRF bool) (int, string) {
	return c.uploadWith(map[string]string{"kind": kind, "source": "public_security"}, name, content, withCSRF)
}

// uploadWith posts a file to the exchange check with the form's fields.
func (c *client) uploadWith(fields map[string]string, name string, content []byte, withCSRF bool) (int, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if withCSRF {
		mw.WriteField("csrf", c.csrf)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", c.s.URL+"/exchange/check", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// TestExchangeRules: no upload without the CSRF token; roles without
// registry.write may not upload; another user cannot confirm a file
// uploaded by someone else; a person of another county is refused by the
// registry and nothing is written.
func TestExchangeRules(t *testing.T) {
	s := newSite(t)
	ps := livingPersons(t, s, "652301", 1)
	content := []byte(fmt.Sprintf("公民身份号码,姓名,死亡日期\n%s,%s,2026-11-01\n", ps[0].IDNumber, ps[0].Name))

	cw := newClient(t, s)
	cw.signIn("cw.changji", "")
	cw.page("/exchange")
	if code, _ := cw.upload("deaths", "d.csv", content, false); code != http.StatusForbidden {
		t.Errorf("an upload without the CSRF token: %d, want 403", code)
	}
	code, body := cw.upload("deaths", "d.csv", content, true)
	if code != http.StatusOK {
		t.Fatalf("the upload: %d", code)
	}
	sha := body[strings.Index(body, `name="sha" value="`)+len(`name="sha" value="`):]
	sha = sha[:64]

	for _, who := range []string{"analyst", "auditor", "approver"} {
		c := newClient(t, s)
		c.signIn(who, "")
		if code := c.status("/exchange"); code != http.StatusForbidden {
			t.Errorf("%s opens the exchange: %d, want 403", who, code)
		}
	}
	// Fukang's caseworker cannot confirm Changji's upload, nor import
	// Changji's person.
	fk := newClient(t, s)
	fk.signIn("cw.fukang", "")
	fk.page("/exchange")
	if code := fk.post("/exchange/import", map[string][]string{"csrf": {fk.csrf}, "sha": {sha}}); code != http.StatusNotFound {
		t.Errorf("another user confirms the upload: %d, want 404", code)
	}
	code, body = fk.upload("deaths", "d.csv", content, true)
	if code != http.StatusOK {
		t.Fatalf("Fukang's upload: %d", code)
	}
	fsha := body[strings.Index(body, `name="sha" value="`)+len(`name="sha" value="`):][:64]
	if code := fk.post("/exchange/import", map[string][]string{"csrf": {fk.csrf}, "sha": {fsha}}); code != http.StatusUnprocessableEntity {
		t.Errorf("Fukang imports the death of a Changji person: %d, want 422", code)
	}
	if !alive(t, s, ps[0].ID) {
		t.Error("a refused import recorded a death")
	}
	if code := cw.post("/exchange/import", map[string][]string{"csrf": {cw.csrf}, "sha": {sha}}); code != http.StatusSeeOther {
		t.Errorf("the uploader confirms: %d, want 303", code)
	}
	if alive(t, s, ps[0].ID) {
		t.Error("the confirmed import recorded no death")
	}
	if code := cw.post("/exchange/import", map[string][]string{"csrf": {cw.csrf}, "sha": {sha}}); code != http.StatusNotFound {
		t.Errorf("the same upload confirmed twice: %d, want 404", code)
	}
}

// uploadedSHA returns the SHA-256 the report page's confirmation names.
func uploadedSHA(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `name="sha" value="`)
	if i < 0 {
		t.Fatalf("the report offers no confirmation:\n%s", body)
	}
	return body[i+len(`name="sha" value="`):][:64]
}

// TestSignalsImportAndGrade: a department's signals file imported through
// the exchange, then graded from the monitoring page into an alert of the
// person's household.
func TestSignalsImportAndGrade(t *testing.T) {
	s := newSite(t)
	ps := livingPersons(t, s, "652301", 1)
	content := []byte(fmt.Sprintf("身份证号,姓名,信号类型,发生日期\n%s,%s,失业登记,2026-11-20\n", ps[0].IDNumber, ps[0].Name))
	cw := newClient(t, s)
	cw.signIn("cw.changji", "")
	cw.page("/exchange")
	code, body := cw.uploadWith(map[string]string{"kind": "signals", "department": "hr_social_security"}, "signals.csv", content, true)
	if code != http.StatusOK {
		t.Fatalf("the signals file: %d", code)
	}
	if code := cw.post("/exchange/import", map[string][]string{"csrf": {cw.csrf}, "sha": {uploadedSHA(t, body)}}); code != http.StatusSeeOther {
		t.Fatalf("the import: %d, want 303", code)
	}
	cw.page("/monitoring")
	resp := cw.form("/monitoring/signal-runs", map[string][]string{"csrf": {cw.csrf}}, "same-origin")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "signals=1") {
		t.Fatalf("the grading run: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = cw.page(resp.Header.Get("Location"))
	if !strings.Contains(body, "处理信号 1 条") {
		t.Errorf("the monitoring page does not say what the run did")
	}
	rows, err := s.App.Store.AlertList(context.Background(), sqlstore.AlertListFilter{Region: "652301", State: sqlstore.AlertsOpen, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range rows {
		if slices.Contains(a.Kinds, monitoring.Unemployment) && (a.PersonID == ps[0].ID || strings.Contains(resp.Header.Get("Location"), "attached=1")) {
			found = true
		}
	}
	if !found {
		t.Errorf("no open alert of %s with the unemployment signal (%s)", ps[0].Name, resp.Header.Get("Location"))
	}
	// The analyst may not grade.
	an := newClient(t, s)
	an.signIn("analyst", "")
	an.page("/")
	if code := an.post("/monitoring/signal-runs", map[string][]string{"csrf": {an.csrf}}); code != http.StatusForbidden {
		t.Errorf("the analyst grades: %d, want 403", code)
	}
}

// TestSignalsOverSearchLimit: the ID numbers of a signals file count as
// searches by ID number, as the API's signals do; a file over the hourly
// limit is refused on the report page and writes nothing.
func TestSignalsOverSearchLimit(t *testing.T) {
	s := newSite(t)
	ps := livingPersons(t, s, "652302", 21)
	var b strings.Builder
	b.WriteString("身份证号,姓名,信号类型,发生日期\n")
	for _, p := range ps {
		fmt.Fprintf(&b, "%s,%s,失业登记,2026-11-20\n", p.IDNumber, p.Name)
	}
	fk := newClient(t, s)
	fk.signIn("cw.fukang", "")
	fk.page("/exchange")
	code, body := fk.uploadWith(map[string]string{"kind": "signals", "department": "hr_social_security"}, "signals.csv", []byte(b.String()), true)
	if code != http.StatusOK {
		t.Fatalf("the signals file: %d", code)
	}
	if code := fk.post("/exchange/import", map[string][]string{"csrf": {fk.csrf}, "sha": {uploadedSHA(t, body)}}); code != http.StatusTooManyRequests {
		t.Errorf("21 ID numbers over the hourly limit of 20: %d, want 429", code)
	}
	fk.page("/monitoring")
	resp := fk.form("/monitoring/signal-runs", map[string][]string{"csrf": {fk.csrf}}, "same-origin")
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "signals=0") {
		t.Errorf("after the refused import the grading run says %s", loc)
	}
}
