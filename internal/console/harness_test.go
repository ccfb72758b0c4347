package console_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"safetynet/internal/app"
	"safetynet/internal/assistance"
	"safetynet/internal/clock"
	"safetynet/internal/jobs"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/internal/web"
	"safetynet/policies"
)

// site is a console over a seeded demo database of its own: the services,
// the clock the test moves, and the server's URL.
type site struct {
	URL   string
	App   *app.App
	Clock *clock.Settable
}

// demoPersons is the size of a test site's synthetic population: enough
// for every page to have rows, small enough to seed in seconds.
const demoPersons = 600

// newSite seeds a small demo database (the demo's months of insurance,
// assistance, monitoring and payments, and its users) and serves the API
// and the console over it.
func newSite(t *testing.T) *site {
	t.Helper()
	db := sqlstoretest.Open(t)
	a, now := sqlstoretest.NewApp(t, db, app.Options{SessionTTL: 30 * 24 * time.Hour})
	a.Auth.SetFastHashing()
	ctx := context.Background()
	sd := a.Seeder(io.Discard)
	if _, err := sd.Population(ctx, demoPersons, 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := sd.Enrol(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sd.All(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := sd.EnsureUsers(ctx); err != nil {
		t.Fatal(err)
	}
	cat, err := assistance.LoadCatalogue(policies.FS, "changji/catalogue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	runner := jobs.New(jobs.Config{Limit: 1})
	t.Cleanup(func() { _, _ = runner.Shutdown(context.Background()) })
	h, err := web.Handler(slog.New(slog.DiscardHandler), a, web.Config{Version: "test", Catalogue: cat, Jobs: runner})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &site{URL: srv.URL, App: a, Clock: now}
}

// chromium finds Debian's chromium (or the one SP_CHROMIUM names). Without
// one the browser tests skip, loudly; CI sets SP_REQUIRE_BROWSER=1, which
// turns the skip into a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("SP_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("SP_REQUIRE_BROWSER") != "" {
		t.Fatal("SP_REQUIRE_BROWSER is set but no chromium was found: install Debian's chromium package")
	}
	t.Skip("!! no chromium found (install Debian's chromium): the browser tests are SKIPPED")
	return ""
}

// browser is one headless Chromium for the test binary, started by the
// first browser test.
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

// TestMain stops the shared browser after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	os.Exit(code)
}

// startBrowser starts the shared headless Chromium at 1366x768, with the
// flags that keep it off the network.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	browser.once.Do(func() {
		dir, err := os.MkdirTemp("", "safetynet-chromium-")
		if err != nil {
			browser.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1366, 768),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("no-first-run", true),
			chromedp.Flag("lang", "zh-CN"),
		)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		if err := chromedp.Do(ctx); err != nil {
			browser.err = err
		}
		browser.ctx = ctx
		browser.cancel = func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
	})
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
	return browser.ctx
}

// user is one person at a browser: a tab in a browser context of its own
// (its own cookies), which fails the test on any script error or content
// security policy violation the page reports.
type user struct {
	t    *testing.T
	ctx  context.Context
	site *site
	mu   sync.Mutex
	errs []string
}

// newUser opens a fresh browser context on the site.
func (s *site) newUser(t *testing.T) *user {
	t.Helper()
	ctx, cancel := chromedp.NewContext(startBrowser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	u := &user{t: t, ctx: ctx, site: s}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			u.report("script error: " + ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError && ev.Entry.Source != log.EntrySourceNetwork {
				u.report(fmt.Sprintf("console %s: %s", ev.Entry.Source, ev.Entry.Text))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		u.mu.Lock()
		defer u.mu.Unlock()
		for _, e := range u.errs {
			t.Errorf("the page reported %s", e)
		}
	})
	return u
}

func (u *user) report(s string) {
	u.mu.Lock()
	u.errs = append(u.errs, s)
	u.mu.Unlock()
}

// run runs browser actions, failing the test on an error, with a timeout.
func (u *user) run(actions ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		u.t.Fatalf("browser: %v", err)
	}
}

// value runs one browser action that returns a value.
func value[T any](u *user, a chromedp.Action[T]) T {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		u.t.Fatalf("browser: %v", err)
	}
	return v
}

// click clicks the element sel and waits for the page it loads, if any.
func (u *user) click(sel string) {
	u.t.Helper()
	u.run(chromedp.WaitVisible(sel), chromedp.Click(sel))
}

// fill types text into the form field sel, replacing what it held.
func (u *user) fill(sel, text string) {
	u.t.Helper()
	u.run(chromedp.WaitVisible(sel), chromedp.Clear(sel), chromedp.SendKeys(sel, text))
}

// waitFor waits until the element sel is visible.
func (u *user) waitFor(sel string) {
	u.t.Helper()
	u.run(chromedp.WaitVisible(sel))
}

// open loads a path of the site.
func (u *user) open(path string) {
	u.t.Helper()
	u.run(chromedp.Navigate(u.site.URL + path))
}

// signIn signs in through the sign-in form as username (a demo user) and
// lands on the home page.
func (u *user) signIn(username string) {
	u.t.Helper()
	u.signInWith(username, "demo-2026")
}

// signInWith signs in through the sign-in form with a password and waits
// for the signed-in header.
func (u *user) signInWith(username, password string) {
	u.t.Helper()
	u.open("/login")
	u.run(
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, username),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`[data-testid=who]`),
	)
}

// text returns the text of the first element matching sel.
func (u *user) text(sel string) string {
	u.t.Helper()
	return value(u, chromedp.Text(sel, chromedp.NodeVisible))
}

// location returns the page's URL path and query.
func (u *user) location() string {
	u.t.Helper()
	return strings.TrimPrefix(value(u, chromedp.Location()), u.site.URL)
}

// screenshot saves the whole page as a PNG named name, in SP_SCREENSHOTS
// (a folder the tester looks at) or else the test's temporary folder.
func (u *user) screenshot(name string) string {
	u.t.Helper()
	dir := os.Getenv("SP_SCREENSHOTS")
	if dir == "" {
		dir = u.t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		u.t.Fatal(err)
	}
	png := value(u, chromedp.FullScreenshot(100))
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		u.t.Fatal(err)
	}
	return path
}

// get fetches a path of the site without a browser.
func (s *site) get(t *testing.T, path string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// chromedpSubmit submits the form of the element sel.
func chromedpSubmit(sel string) chromedp.Action[chromedp.Void] { return chromedp.Submit(sel) }

// firstPersonName returns the name of a living person registered in the
// region subtree code.
func firstPersonName(t *testing.T, s *site, code region.Code) string {
	t.Helper()
	ps, err := s.App.Registry.Persons(s.App.System(context.Background(), "test"), registry.PersonFilter{Region: code, Alive: true, Page: registry.Page{Limit: 1}})
	if err != nil || len(ps) == 0 {
		t.Fatalf("no person in %s: %v", code, err)
	}
	return ps[0].Name
}

// client is a browser without a browser: an HTTP client with a cookie jar
// that signs in through the form and sends forms with the CSRF token the
// pages carry.
type client struct {
	t    *testing.T
	s    *site
	c    *http.Client
	csrf string
}

// newClient returns a client of the site that follows no redirect.
func newClient(t *testing.T, s *site) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// page gets path and returns its status and body, keeping the page's CSRF
// token.
func (c *client) page(path string) (int, string) {
	c.t.Helper()
	resp, err := c.c.Get(c.s.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfInput.FindSubmatch(b); m != nil {
		c.csrf = html.UnescapeString(string(m[1]))
	}
	return resp.StatusCode, string(b)
}

// status gets path and returns its status.
func (c *client) status(path string) int { code, _ := c.page(path); return code }

// signIn signs in as a demo user through the form, asking to go to next.
func (c *client) signIn(username, next string) {
	c.t.Helper()
	c.page("/login")
	resp := c.form("/login", url.Values{"csrf": {c.csrf}, "username": {username}, "password": {"demo-2026"}, "next": {next}}, "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("sign-in as %s = %d", username, resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != "/" && next != "" && !strings.HasPrefix(next, "/") {
		c.t.Fatalf("sign-in went to %q", loc)
	}
	c.page("/")
}

// form posts a form as a browser would, saying where it came from.
func (c *client) form(path string, v url.Values, site string) *http.Response {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.s.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", site)
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// post posts a form from this site and returns the status.
func (c *client) post(path string, v url.Values) int {
	return c.form(path, v, "same-origin").StatusCode
}

// postFrom posts a form said to come from site and returns the status.
func (c *client) postFrom(path string, v url.Values, site string) int {
	return c.form(path, v, site).StatusCode
}

// itoa formats an ID for a path.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }
