package mobile_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"safetynet/internal/app"
	"safetynet/internal/assistance"
	"safetynet/internal/jobs"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/internal/web"
	"safetynet/policies"
)

// site is the whole server (API, console and the mobile site) over an
// empty database: the public pages read only the loaded catalogues.
type site struct {
	URL string
}

// newSite serves the process's handler, built by internal/web as serve
// builds it, so the tests go through the real mount at /m/.
func newSite(t *testing.T) *site {
	t.Helper()
	db := sqlstoretest.Open(t)
	a, _ := sqlstoretest.NewApp(t, db, app.Options{})
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
	return &site{URL: srv.URL}
}

// get fetches path with the language cookie lang ("" for none) and
// returns the status, the headers and the body.
func (s *site) get(t *testing.T, path, lang string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lang != "" {
		req.AddCookie(&http.Cookie{Name: "sn_lang", Value: lang})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// chromium finds Debian's chromium (or the one SP_CHROMIUM names); without
// one the browser tests skip loudly, or fail under SP_REQUIRE_BROWSER.
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

// phone is a headless Chromium the size of a phone (390×844), with its
// own profile, which fails the test on any script error or content
// security policy violation a page reports.
type phone struct {
	t    *testing.T
	ctx  context.Context
	site *site
	mu   sync.Mutex
	errs []string
}

// newPhone starts the browser for one test.
func (s *site) newPhone(t *testing.T) *phone {
	t.Helper()
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "zh-CN"),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	ph := &phone{t: t, ctx: ctx, site: s}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			ph.report("script error: " + ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError && ev.Entry.Source != log.EntrySourceNetwork {
				ph.report(string(ev.Entry.Source) + ": " + ev.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ph.run(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	t.Cleanup(func() {
		ph.mu.Lock()
		defer ph.mu.Unlock()
		for _, e := range ph.errs {
			t.Errorf("the page reported %s", e)
		}
	})
	return ph
}

func (ph *phone) report(s string) {
	ph.mu.Lock()
	ph.errs = append(ph.errs, s)
	ph.mu.Unlock()
}

// run runs browser actions with a timeout, failing the test on an error.
func (ph *phone) run(actions ...chromedp.Action[chromedp.Void]) {
	ph.t.Helper()
	ctx, cancel := context.WithTimeout(ph.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		ph.t.Fatalf("browser: %v", err)
	}
}

// value runs one browser action that returns a value.
func value[T any](ph *phone, a chromedp.Action[T]) T {
	ph.t.Helper()
	ctx, cancel := context.WithTimeout(ph.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		ph.t.Fatalf("browser: %v", err)
	}
	return v
}

// open loads a path of the site.
func (ph *phone) open(path string) {
	ph.t.Helper()
	ph.run(chromedp.Navigate(ph.site.URL + path))
}

// click clicks the element sel and waits for it to be gone or the page
// loaded.
func (ph *phone) click(sel string) {
	ph.t.Helper()
	ph.run(chromedp.WaitVisible(sel), chromedp.Click(sel), chromedp.WaitReady("body"))
}

// text returns the text of the first visible element matching sel.
func (ph *phone) text(sel string) string {
	ph.t.Helper()
	return value(ph, chromedp.Text(sel, chromedp.NodeVisible))
}

// screenshot saves the whole page as name.png in SP_SCREENSHOTS, or the
// test's temporary folder.
func (ph *phone) screenshot(name string) {
	ph.t.Helper()
	dir := os.Getenv("SP_SCREENSHOTS")
	if dir == "" {
		dir = ph.t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		ph.t.Fatal(err)
	}
	png := value(ph, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		ph.t.Fatal(err)
	}
}

// checkTargets fails the test for a link, button or field of the page
// lower than 44 px (a touch target too small for a finger) or a page wider
// than the phone.
func (ph *phone) checkTargets(name string) {
	ph.t.Helper()
	small := value(ph, chromedp.Evaluate[[]string](`[...document.querySelectorAll('a,button,input')]
		.filter(e => e.getBoundingClientRect().height < 44)
		.map(e => e.tagName + ' ' + (e.textContent || e.name).trim())`))
	if len(small) > 0 {
		ph.t.Errorf("%s: touch targets under 44 px: %q", name, small)
	}
	if w := value(ph, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		ph.t.Errorf("%s is %d px wide on a 390 px phone", name, w)
	}
}
