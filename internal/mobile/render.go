package mobile

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"safetynet/internal/httpapi"
)

// Lang is a language of the site: zh-CN by default, English on request.
type Lang string

// The site's languages.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// langCookie keeps the language chosen; the console's cookie, so that one
// choice holds on both.
const langCookie = "sn_lang"

// parseLang reads a language name.
func parseLang(s string) (Lang, bool) {
	switch s {
	case "zh-CN", "zh":
		return ZH, true
	case "en":
		return EN, true
	}
	return "", false
}

// langOf returns the request's language: the one chosen, else zh-CN.
func langOf(r *http.Request) Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := parseLang(c.Value); ok {
			return l
		}
	}
	return ZH
}

// page is what every template gets: the layout's facts and the page's own
// Data.
type page struct {
	Lang  Lang
	Title string
	// Name is the template of the page.
	Name string
	// Path is the request's path and query, for the language switch.
	Path string
	// Asset is the static files' version.
	Asset string
	// Back is the address of the page above this one; "" on the home page.
	Back string
	Data any
}

// newPage starts the page name for r.
func newPage(r *http.Request, name, asset string) *page {
	return &page{Lang: langOf(r), Name: name, Path: r.URL.RequestURI(), Asset: asset, Back: Prefix}
}

// T returns the text of key in the page's language.
func (p *page) T(key string, args ...any) string { return translate(p.Lang, key, args...) }

// Pick returns zh or en after the page's language; zh when en is empty.
func (p *page) Pick(zh, en string) string {
	if p.Lang == EN && en != "" {
		return en
	}
	return zh
}

// OtherLang is the language the switch offers.
func (p *page) OtherLang() Lang {
	if p.Lang == EN {
		return ZH
	}
	return EN
}

// translate returns the text of key in l; a key with no text is a bug that
// TestEveryMessageTranslated finds, shown as the key meanwhile.
func translate(l Lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m.zh
	if l == EN {
		s = m.en
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// parsePages parses every page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").ParseFS(files, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("mobile template %s: %w", n, err)
		}
		out[base] = t
	}
	return out, nil
}

// render writes p with status, whole or not at all: the page is rendered
// to a buffer first.
func (s *Site) render(w http.ResponseWriter, status int, p *page) {
	t, ok := s.pages[p.Name]
	if !ok {
		http.Error(w, "no template "+p.Name, http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.logger.Error("mobile template failed", "page", p.Name, "error", err.Error())
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// switchLang keeps the language chosen in the cookie and goes back to the
// page it was chosen on (a page of this site only).
func (s *Site) switchLang(w http.ResponseWriter, r *http.Request) error {
	l, ok := parseLang(r.PathValue("lang"))
	if !ok {
		return errNotFound
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: httpapi.SecureRequest(r)})
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		next = Prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
