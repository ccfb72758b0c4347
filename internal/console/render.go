package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"safetynet/internal/auth"
)

// page is what every template gets: the layout's facts and the page's own
// Data.
type page struct {
	Lang  Lang
	Title string
	// Name is the template of the page ("home", "person", ...).
	Name string
	// User is the signed-in principal; zero on the sign-in page.
	User     auth.Principal
	SignedIn bool
	// CSRF is the token every form carries (hidden field csrf).
	CSRF string
	// Path is the request's path and query, for the language switch.
	Path string
	// Nav is the menu of the user's role.
	Nav []navItem
	// Active is the menu key of this page.
	Active string
	// Asset is the static files' version, appended to their URLs.
	Asset string
	// Version is the build's version.
	Version string
	// Print marks a printable page: no menu, print CSS.
	Print bool
	Data  any
	// ctx carries the request's context for template functions that read.
	r *http.Request
}

// navItem is one entry of the menu.
type navItem struct {
	Key, Href string
}

// menu lists every area, the permissions that open it (any one) and its
// address; an area appears in the menu of the roles that may open it.
var menu = []struct {
	key   string
	href  string
	perms []auth.Permission
}{
	{"home", "/", nil},
	{"persons", "/persons", []auth.Permission{auth.PermRegistryRead}},
	{"receive", "/applications/new", []auth.Permission{auth.PermReceive}},
	{"applications", "/applications", []auth.Permission{auth.PermRegistryRead}},
	{"assistance", "/assistance", []auth.Permission{auth.PermAssistance, auth.PermApprove}},
	{"screening", "/screening", []auth.Permission{auth.PermAssistance, auth.PermApprove}},
	{"payments", "/payments", []auth.Permission{auth.PermPayment, auth.PermApprove}},
	{"monitoring", "/monitoring", []auth.Permission{auth.PermAssistance, auth.PermApprove, auth.PermAuditRead}},
	{"insurance", "/insurance", []auth.Permission{auth.PermInsurance, auth.PermApprove}},
	{"exchange", "/exchange", []auth.Permission{auth.PermRegistryWrite}},
	{"crossprov", "/exchange/cross-province", []auth.Permission{auth.PermInsurance}},
	{"statistics", "/statistics", []auth.Permission{auth.PermRegistryRead}},
	{"audit", "/audit", []auth.Permission{auth.PermAuditRead}},
	{"ratings", "/ratings", []auth.Permission{auth.PermRatingsFollowUp}},
	{"users", "/users", []auth.Permission{auth.PermUserAdmin}},
}

// navFor returns the menu of principal p.
func navFor(p auth.Principal) []navItem {
	var out []navItem
	for _, m := range menu {
		if m.perms == nil || canAny(p, m.perms) {
			out = append(out, navItem{Key: m.key, Href: m.href})
		}
	}
	return out
}

// newPage returns the page data of template name for the request: its
// language, user, CSRF token and menu.
func (c *Console) newPage(r *http.Request, name string) *page {
	p := &page{Lang: langOf(r), Name: name, Path: r.URL.RequestURI(), Asset: c.assetVersion, Version: c.cfg.Version, r: r}
	if pr, ok := auth.PrincipalFrom(r.Context()); ok {
		p.User, p.SignedIn = pr, true
		p.Nav = navFor(pr)
	}
	if tok, ok := r.Context().Value(sessionKey{}).(string); ok {
		p.CSRF = csrfToken(tok)
	}
	return p
}

// render writes page p with status, from the template set of its language.
// A template that fails renders nothing half-way: the page is built in a
// buffer first.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, p *page) {
	t := c.pages[p.Lang][p.Name]
	if t == nil {
		c.logger.Error("no such console template", "template", p.Name)
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		c.logger.Error("console template failed", "template", p.Name, "error", err.Error())
		http.Error(w, translate(p.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", string(p.Lang))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// parsePages parses every page template (templates/*.html other than the
// layout and the partials) over the layout, once per language, with the
// template functions bound to that language.
func parsePages(c *Console) (map[Lang]map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := make(map[Lang]map[string]*template.Template, len(langs))
	for _, l := range langs {
		base, err := template.New("base").Funcs(c.funcs(l)).ParseFS(files, "templates/layout.html", "templates/partials/*.html")
		if err != nil {
			return nil, err
		}
		out[l] = make(map[string]*template.Template)
		for _, n := range names {
			name := strings.TrimSuffix(path.Base(n), ".html")
			if name == "layout" {
				continue
			}
			t, err := template.Must(base.Clone()).ParseFS(files, n)
			if err != nil {
				return nil, err
			}
			out[l][name] = t
		}
	}
	return out, nil
}

// assetHash is a short hash of every static file, the version of the
// static URLs.
func assetHash(st fs.FS) string {
	h := sha256.New()
	fs.WalkDir(st, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(st, p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// handleStatic serves the embedded static files, cached for a year: their
// URLs change with their content (?v=assetVersion).
func (c *Console) handleStatic(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("v") == c.assetVersion {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	c.static.ServeHTTP(w, r)
}
