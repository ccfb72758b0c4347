package console_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"safetynet/internal/console"

	"github.com/chromedp/chromedp"
)

// TestSignInAndHome signs a township's county caseworker in through the
// form (after being sent there from the home page), finds their work
// counted, searches a person by name and switches the console to English.
func TestSignInAndHome(t *testing.T) {
	s := newSite(t)
	u := s.newUser(t)
	u.open("/")
	if loc := u.location(); !strings.HasPrefix(loc, "/login?next=%2F") {
		t.Fatalf("an anonymous visit to / went to %s, want the sign-in page", loc)
	}
	u.signIn("cw.changji")
	if got := u.location(); got != "/" {
		t.Fatalf("after sign-in at %s, want /", got)
	}
	who := u.text(`[data-testid=who]`)
	if !strings.Contains(who, "经办员") || !strings.Contains(who, "昌吉市") {
		t.Errorf("the header names %q, want the post 经办员 · 昌吉市", who)
	}
	queue := u.text(`[data-testid=queue]`)
	for _, want := range []string{"待入户调查的救助申请", "已逾期的监测预警", "待复核的免申即享筛查"} {
		if !strings.Contains(queue, want) {
			t.Errorf("the home queue lacks %q:\n%s", want, queue)
		}
	}
	if strings.Contains(queue, "待审批的支付批次") {
		t.Error("a caseworker's queue shows the approver's batches to approve")
	}
	u.screenshot("home")

	// A person of the caseworker's county, found by the first character of
	// the name, listed with the ID number masked.
	name := firstPersonName(t, s, "652301")
	u.open("/persons")
	u.fill(`[data-testid=person-q]`, string([]rune(name)[:1]))
	u.run(chromedpSubmit(`[data-testid=person-q]`))
	u.waitFor(`[data-testid=persons]`)
	rows := u.text(`[data-testid=persons]`)
	if !strings.Contains(rows, name) {
		t.Errorf("the search for %q does not list %s:\n%s", string([]rune(name)[:1]), name, rows)
	}
	if !regexp.MustCompile(`\d{6}\*{8}\d{3}[\dX]`).MatchString(rows) {
		t.Errorf("the caseworker's list shows no masked ID number:\n%s", rows)
	}
	if regexp.MustCompile(`\d{17}[\dX]`).MatchString(rows) {
		t.Errorf("the caseworker's list shows a whole ID number:\n%s", rows)
	}

	// English, and back.
	u.open("/")
	u.click(`[data-testid=lang]`)
	u.waitFor(`[data-testid=queue]`)
	if q := u.text(`[data-testid=queue]`); !strings.Contains(q, "Applications to investigate") {
		t.Errorf("the English home page reads:\n%s", q)
	}
	if who := u.text(`[data-testid=who]`); !strings.Contains(who, "Caseworker") || !strings.Contains(who, "Changji") {
		t.Errorf("the English header reads %q", who)
	}
	u.screenshot("home-en")
}

// TestSecurityWithoutBrowser checks, request by request, the rules of
// docs/console.md: a content security policy on every page, no change
// without the session's CSRF token, sign-in only back to this site, and a
// printable page of the API opened in a browser sent to sign in.
func TestSecurityWithoutBrowser(t *testing.T) {
	s := newSite(t)
	resp := s.get(t, "/login", nil)
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %s", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline or eval: %q", csp)
	}

	c := newClient(t, s)
	c.signIn("cw.changji", "/%2F%2Fevil.example/")
	// A form sent without the token changes nothing: the session lives on.
	if code := c.post("/logout", url.Values{}); code != http.StatusForbidden {
		t.Errorf("sign-out without the CSRF token = %d, want 403", code)
	}
	if code := c.status("/"); code != http.StatusOK {
		t.Fatalf("the session ended by a forged sign-out: / = %d", code)
	}
	// A form from another site is refused even with the token.
	if code := c.postFrom("/logout", url.Values{"csrf": {c.csrf}}, "cross-site"); code != http.StatusForbidden {
		t.Errorf("a cross-site sign-out = %d, want 403", code)
	}
	if code := c.post("/logout", url.Values{"csrf": {c.csrf}}); code != http.StatusSeeOther {
		t.Errorf("sign-out with the token = %d, want 303", code)
	}
	if code := c.status("/"); code != http.StatusSeeOther {
		t.Errorf("after sign-out / = %d, want 303 to the sign-in page", code)
	}

	// A printable page of the API, opened by a browser with no session,
	// goes to the sign-in page and back; a client of the API still gets 401.
	resp = s.get(t, "/api/v1/awards/1/calculation", http.Header{"Sec-Fetch-Mode": {"navigate"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fapi%2Fv1%2Fawards%2F1%2Fcalculation" {
		t.Errorf("a browser's visit to a printable page = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp = s.get(t, "/api/v1/awards/1/calculation", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an API client's request = %d, want 401", resp.StatusCode)
	}
	// The API's own unknown paths stay problems, not console pages.
	if resp = s.get(t, "/api/v1/nothing-here", nil); resp.StatusCode != http.StatusNotFound || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
		t.Errorf("an unknown API path = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestEveryMessageTranslated finds every text key the templates use and
// checks it has both languages.
func TestEveryMessageTranslated(t *testing.T) {
	keys := regexp.MustCompile(`\{\{-?\s*t "([a-z_.0-9]+)"`)
	err := fs.WalkDir(os.DirFS("templates"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile("templates/" + p)
		if err != nil {
			return err
		}
		for _, m := range keys.FindAllStringSubmatch(string(b), -1) {
			zh, en := console.Translate(m[1])
			if zh == m[1] || en == m[1] || zh == "" || en == "" {
				t.Errorf("%s: text %q has no zh-CN or English", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestVendoredFiles checks that the vendored front-end files are those the
// table of static/vendor/README.md names, by their SHA-256, each with its
// licence.
func TestVendoredFiles(t *testing.T) {
	b, err := os.ReadFile("static/vendor/README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| (\\S[^|]*) \\| ([0-9.]+) \\| [^|]*`([^`]+/LICENSE)`[^|]* \\| `([^`]+)` [^|]*\\| `([0-9a-f]{64})` \\|$")
	rows := row.FindAllStringSubmatch(string(b), -1)
	if len(rows) < 2 {
		t.Fatalf("the vendor table lists %d files, want htmx and echarts", len(rows))
	}
	for _, r := range rows {
		f, err := os.Open("static/vendor/" + r[4])
		if err != nil {
			t.Errorf("%s %s: %v", r[1], r[2], err)
			continue
		}
		h := sha256.New()
		io.Copy(h, f)
		f.Close()
		if got := hex.EncodeToString(h.Sum(nil)); got != r[5] {
			t.Errorf("%s: SHA-256 %s, the table says %s", r[4], got, r[5])
		}
		if _, err := os.Stat("static/vendor/" + r[3]); err != nil {
			t.Errorf("%s %s has no licence file: %v", r[1], r[2], err)
		}
	}
}

// TestKeyboardOnly signs in and reaches a page with the keyboard alone: the
// sign-in form takes focus, Tab and Enter sign in, the first Tab of a page
// reaches the skip link, which moves focus to the content, and the menu is
// reached by Tab and opened with Enter.
func TestKeyboardOnly(t *testing.T) {
	s := newSite(t)
	u := s.newUser(t)
	u.open("/login")
	u.waitFor(`input[name=username]`)
	u.run(chromedp.KeyEvent("cw.changji"), chromedp.KeyEvent("\t"), chromedp.KeyEvent("demo-2026"), chromedp.KeyEvent("\r"))
	u.waitFor(`[data-testid=queue]`)
	if loc := u.location(); loc != "/" {
		t.Fatalf("the keyboard sign-in landed on %s", loc)
	}
	focused := func() string {
		return value(u, chromedp.Evaluate[string](`(document.activeElement.getAttribute("href") || document.activeElement.id || document.activeElement.tagName)`))
	}
	u.run(chromedp.KeyEvent("\t"))
	if f := focused(); f != "#main" {
		t.Fatalf("the first Tab reached %q, want the skip link to #main", f)
	}
	u.run(chromedp.KeyEvent("\r"))
	if f := focused(); f != "main" {
		t.Errorf("the skip link moved focus to %q, want the content", f)
	}
	// Tab on through the header and the menu until 人员/家庭, then Enter.
	for range 20 {
		if focused() == "/persons" {
			break
		}
		u.run(chromedp.KeyEvent("\t"))
	}
	if f := focused(); f != "/persons" {
		t.Fatalf("Tab never reached the menu's 人员/家庭 (at %q)", f)
	}
	u.run(chromedp.KeyEvent("\r"))
	u.waitFor(`[data-testid=person-q]`)
	if loc := u.location(); loc != "/persons" {
		t.Errorf("Enter on the menu went to %s", loc)
	}
}
