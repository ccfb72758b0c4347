package mobile_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// publicPages are the pages that need no sign-in, with a text each shows
// in zh-CN and in English.
var publicPages = []struct {
	path   string
	zh, en string
}{
	{"/m/", "登录后使用", "After sign-in"},
	{"/m/matters", "承诺时限", "Promised within"},
	{"/m/matters/employer_change", "申请材料", "Materials"},
	{"/m/points", "选择县市", "Choose a county"},
	{"/m/points?county=652301", "选择乡镇", "Choose a township"},
	{"/m/points?township=652301001", "工作日（含调休）", "Working days"},
	{"/m/points/hall-652301", "可办理的事项", "Matters received"},
	{"/m/help", "联助清单", "Assistance list"},
	{"/m/help/dibao", "对象条件", "Who qualifies"},
	{"/m/help/anyone", "临时救助", "emporary"},
}

// TestPublicPagesInBothLanguages opens every public page without a
// session in zh-CN (the default) and in English.
func TestPublicPagesInBothLanguages(t *testing.T) {
	s := newSite(t)
	for _, p := range publicPages {
		for _, l := range []struct{ cookie, want, lang string }{{"", p.zh, `lang="zh-CN"`}, {"en", p.en, `lang="en"`}} {
			code, h, body := s.get(t, p.path, l.cookie)
			if code != 200 {
				t.Errorf("GET %s (%q): %d", p.path, l.cookie, code)
				continue
			}
			if !strings.Contains(body, l.want) || !strings.Contains(body, l.lang) {
				t.Errorf("GET %s (%q) does not show %q in %s", p.path, l.cookie, l.want, l.lang)
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'none'") || !strings.Contains(csp, "style-src 'self'") {
				t.Errorf("GET %s: CSP %q", p.path, csp)
			}
		}
	}
}

// inlineCode finds a script element, a style element or a style or
// on-event attribute: what the CSP forbids.
var inlineCode = regexp.MustCompile(`(?i)<script|<style|\sstyle=|\son[a-z]+=`)

// TestPagesSmallAndWithoutInlineCode measures every public page's HTML
// with its stylesheet (under 100 KB) and finds no inline script or style.
func TestPagesSmallAndWithoutInlineCode(t *testing.T) {
	s := newSite(t)
	css := regexp.MustCompile(`href="(/m/static/[^"]+)"`)
	for _, p := range publicPages {
		_, _, body := s.get(t, p.path, "")
		total := len(body)
		for _, m := range css.FindAllStringSubmatch(body, -1) {
			code, _, b := s.get(t, strings.ReplaceAll(m[1], "&amp;", "&"), "")
			if code != 200 {
				t.Fatalf("%s: stylesheet %s: %d", p.path, m[1], code)
			}
			total += len(b)
		}
		if total >= 100*1024 {
			t.Errorf("%s weighs %d bytes with its stylesheet; want under 100 KB", p.path, total)
		}
		if m := inlineCode.FindString(body); m != "" {
			t.Errorf("%s has inline code %q", p.path, m)
		}
	}
}

// TestCatalogueSearch filters the matters open to the mobile channel by
// name and shows a query with markup as text.
func TestCatalogueSearch(t *testing.T) {
	s := newSite(t)
	_, _, all := s.get(t, "/m/matters", "")
	_, _, some := s.get(t, "/m/matters?q="+url.QueryEscape("登记"), "")
	rows := func(b string) int { return strings.Count(b, `class="row" href="/m/matters/`) }
	if rows(some) == 0 || rows(some) >= rows(all) {
		t.Errorf("searching 登记 lists %d of %d matters", rows(some), rows(all))
	}
	if !strings.Contains(some, "登记") {
		t.Error("searching 登记 lists no matter named with 登记")
	}
	code, _, bad := s.get(t, "/m/matters?q="+url.QueryEscape("<script>alert(1)</script>"), "")
	if code != 200 || strings.Contains(bad, "<script>") || !strings.Contains(bad, "&lt;script&gt;") {
		t.Errorf("a query with <script> is not shown as text (%d)", code)
	}
}

// TestMatterDetailOnlyMobile shows a matter open to the mobile channel and
// no other: the registry's materials marked 免提交.
func TestMatterDetailOnlyMobile(t *testing.T) {
	s := newSite(t)
	for _, p := range []string{"/m/help/none", "/m/nothing", "/m/points/no-such-point", "/m/static/"} {
		if code, _, _ := s.get(t, p, ""); code != 404 {
			t.Errorf("GET %s: %d; want 404", p, code)
		}
	}
	if code, _, _ := s.get(t, "/m/matters/no_such_matter", ""); code != 404 {
		t.Errorf("an unknown matter: %d", code)
	}
	_, _, body := s.get(t, "/m/matters", "")
	ids := regexp.MustCompile(`href="/m/matters/([a-z0-9_]+)"`).FindAllStringSubmatch(body, -1)
	fetched := false
	for _, m := range ids {
		_, _, d := s.get(t, "/m/matters/"+m[1], "")
		fetched = fetched || strings.Contains(d, "免提交")
		if !strings.Contains(d, "承诺时限") || !strings.Contains(d, "设定依据") {
			t.Errorf("matter %s does not show its time limit and basis", m[1])
		}
	}
	if !fetched {
		t.Error("no matter open on the phone shows a material fetched from the registry as 免提交")
	}
}

// TestPointsPaged lists a township's points a page at a time and refuses
// a region outside the jurisdiction.
func TestPointsPaged(t *testing.T) {
	s := newSite(t)
	_, _, first := s.get(t, "/m/points?township=652301001", "")
	n := strings.Count(first, `href="/m/points/`)
	if n == 0 || n > 20 {
		t.Fatalf("the first page lists %d points; want 1..20", n)
	}
	if !strings.Contains(first, "可办理") {
		t.Error("the points do not say what they receive")
	}
	if !strings.Contains(first, "hall-652301") {
		t.Error("the county's hall is not listed with the township's points")
	}
	_, _, other := s.get(t, "/m/points?township=110101001", "")
	if strings.Contains(other, `data-testid="points"`) {
		t.Error("a township outside the jurisdiction lists points")
	}
	if code, _, _ := s.get(t, "/m/points?township=652301001&page=999", ""); code != 404 {
		t.Errorf("a page past the end: %d", code)
	}
}

// TestLanguageSwitchStaysOnSite keeps the language in sn_lang and goes back
// only to a page of the site.
func TestLanguageSwitchStaysOnSite(t *testing.T) {
	s := newSite(t)
	for next, want := range map[string]string{"/m/help": "/m/help", "https://evil.example/": "/m/", "//evil.example/m/": "/m/"} {
		code, h, _ := s.get(t, "/m/lang/en?next="+url.QueryEscape(next), "")
		if code != 303 || h.Get("Location") != want {
			t.Errorf("switch with next=%s: %d to %q; want 303 to %q", next, code, h.Get("Location"), want)
		}
		if !strings.Contains(h.Get("Set-Cookie"), "sn_lang=en") {
			t.Errorf("switch does not set sn_lang: %q", h.Get("Set-Cookie"))
		}
	}
}

// TestPhoneWalk walks the public pages in a phone-sized browser: home,
// the catalogue search, a matter, county → township → points with their
// opening hours, the 联助清单 and the English switch, with screenshots.
func TestPhoneWalk(t *testing.T) {
	s := newSite(t)
	ph := s.newPhone(t)
	ph.open("/m/")
	if got := ph.text(`[data-testid=locked]`); !strings.Contains(got, "我的社保") || !strings.Contains(got, "登录后使用") {
		t.Errorf("home tiles: %q", got)
	}
	ph.checkTargets("mobile-home")
	ph.screenshot("mobile-home")
	ph.click(`a[href="/m/matters"]`)
	ph.run(chromedp.SendKeys(`#q`, "<script>x</script>"), chromedp.Submit(`#q`), chromedp.WaitVisible(`[data-testid=query]`))
	if got := ph.text(`[data-testid=query]`); !strings.Contains(got, "<script>x</script>") {
		t.Errorf("the query is not shown as typed: %q", got)
	}
	ph.run(chromedp.SetValue(`#q`, "养老"), chromedp.Submit(`#q`), chromedp.WaitVisible(`[data-testid=matters]`))
	if got := ph.text(`[data-testid=matters]`); !strings.Contains(got, "养老") {
		t.Errorf("searching 养老 lists %q", got)
	}
	ph.checkTargets("mobile-matters")
	ph.screenshot("mobile-matters")
	ph.click(`[data-testid=matters] a`)
	ph.run(chromedp.WaitVisible(`[data-testid=matter]`))
	ph.checkTargets("mobile-matter")
	ph.screenshot("mobile-matter")
	ph.open("/m/points")
	ph.click(`a[href="/m/points?county=652301"]`)
	ph.click(`a[href="/m/points?township=652301001"]`)
	if got := ph.text(`[data-testid=points]`); !strings.Contains(got, "工作日") || !strings.Contains(got, "–") {
		t.Errorf("the points show no opening hours: %q", got)
	}
	ph.checkTargets("mobile-points")
	ph.screenshot("mobile-points")
	ph.open("/m/help")
	if got := ph.text(`[data-testid=situation-dibao]`); !strings.Contains(got, "低保") {
		t.Errorf("the 低保 situation: %q", got)
	}
	ph.checkTargets("mobile-help")
	ph.screenshot("mobile-help")
	ph.click(`[data-testid=situation-dibao]`)
	ph.run(chromedp.WaitVisible(`[data-testid=items]`))
	if got := ph.text(`[data-testid=items]`); !strings.Contains(got, "最低生活保障") {
		t.Errorf("the 低保 situation's items: %q", got)
	}
	ph.checkTargets("mobile-help-dibao")
	ph.screenshot("mobile-help-dibao")
	ph.click(`[data-testid=lang]`)
	ph.run(chromedp.WaitVisible(`[data-testid=items]`))
	if loc := value(ph, chromedp.Location()); !strings.HasSuffix(loc, "/m/help/dibao") {
		t.Errorf("the switch went to %s, not back to /m/help/dibao", loc)
	}
	if got := ph.text(`h1`); got != "Dibao recipients" {
		t.Errorf("after the switch the title is %q", got)
	}
	ph.checkTargets("mobile-help-en")
	ph.screenshot("mobile-help-en")
}
