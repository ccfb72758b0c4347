// Package mobile is the citizen's site on the phone (掌上办), served by the
// same binary under /m/: phone-first pages (360–430 px wide, touch targets
// of at least 44 px, no script), zh-CN by default with an English switch
// (the console's sn_lang cookie). This part holds the public pages that
// need no sign-in: the home page, the catalogue of matters open to the
// mobile channel, the service points of a township and the 联助清单 by
// situation (docs/mobile.md).
package mobile

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/httpapi"
	"safetynet/internal/matters"
	"safetynet/internal/region"
)

//go:embed templates static
var files embed.FS

// Prefix is the path the site is mounted at.
const Prefix = "/m/"

// DefaultPageSize is the number of service points a page lists when
// Deps.PageSize is zero.
const DefaultPageSize = 20

// Deps are what the site reads: all of it loaded and checked at start,
// read-only.
type Deps struct {
	// Office is the front office's catalogue of matters and service
	// points.
	Office *matters.Office
	// Catalogue is the 联助清单; nil shows an empty list.
	Catalogue *assistance.Catalogue
	// Tree is the region tree, for the county and township choice.
	Tree *region.Tree
	// Home is the jurisdiction's home region, whose counties are offered.
	Home region.Code
	// PageSize is the number of service points a page lists (operational
	// limit; DefaultPageSize when zero).
	PageSize int
}

// Site is the mobile site, an http.Handler for the paths under Prefix.
type Site struct {
	deps   Deps
	logger *slog.Logger
	mux    *http.ServeMux
	pages  map[string]*template.Template
	static http.Handler
	// asset is the static files' version, appended to their URLs.
	asset string
}

// New builds the site; its templates are parsed up front, so a broken
// template stops the process at start-up.
func New(logger *slog.Logger, d Deps) (*Site, error) {
	if d.Office == nil || d.Tree == nil {
		return nil, errors.New("the mobile site needs the office and the region tree")
	}
	if d.PageSize <= 0 {
		d.PageSize = DefaultPageSize
	}
	s := &Site{deps: d, logger: logger.With("component", "mobile"), mux: http.NewServeMux()}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	st, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	s.asset = assetHash(st)
	s.static = http.StripPrefix(Prefix+"static/", http.FileServerFS(st))
	s.routes()
	return s, nil
}

// Mount returns a handler that serves the paths under Prefix (and /m
// itself) with site and every other path with rest.
func Mount(site, rest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/m" || strings.HasPrefix(r.URL.Path, Prefix) {
			site.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}

// ServeHTTP implements http.Handler: security headers on every answer,
// then the matched page.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// contentSecurityPolicy allows only the site's own styles and images: no
// script at all, no inline style, no framing, forms posted only here.
const contentSecurityPolicy = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// routes registers the pages.
func (s *Site) routes() {
	s.mux.Handle("GET /m", http.RedirectHandler(Prefix, http.StatusMovedPermanently))
	s.mux.Handle("GET "+Prefix+"static/", http.HandlerFunc(s.serveStatic))
	s.page("GET "+Prefix+"{$}", s.home)
	s.page("GET "+Prefix+"matters", s.matterList)
	s.page("GET "+Prefix+"matters/{id}", s.matterDetail)
	s.page("GET "+Prefix+"points", s.pointList)
	s.page("GET "+Prefix+"points/{id}", s.pointDetail)
	s.page("GET "+Prefix+"help", s.help)
	s.page("GET "+Prefix+"help/{layer}", s.helpSituation)
	s.page("GET "+Prefix+"lang/{lang}", s.switchLang)
	s.page(Prefix, s.notFound)
}

// serveStatic serves a static file, never a folder's listing; the URL
// carries the files' version, so a phone keeps the file for a year.
func (s *Site) serveStatic(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/") {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") == s.asset {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	s.static.ServeHTTP(w, r)
}

// pageHandler renders a page or returns an error shown as the error page.
type pageHandler func(w http.ResponseWriter, r *http.Request) error

// page registers a public page, recording its pattern for the access log.
func (s *Site) page(pattern string, h pageHandler) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.SetRoute(r, pattern, 0)
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}))
}

// errNotFound is a page or record that does not exist (or is not open to
// the mobile channel).
var errNotFound = errors.New("not found")

// fail shows err as the error page: 404 for errNotFound, else 500, logged
// with the route alone.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := http.StatusNotFound, "error.not_found"
	if !errors.Is(err, errNotFound) {
		status, key = http.StatusInternalServerError, "error.internal"
		s.logger.LogAttrs(r.Context(), slog.LevelError, "mobile page failed",
			slog.String("path_pattern", r.Pattern), slog.String("error", err.Error()))
	}
	p := newPage(r, "error", s.asset)
	p.Title = p.T(key)
	s.render(w, status, p)
}

// notFound answers a path of the site that is no page.
func (s *Site) notFound(http.ResponseWriter, *http.Request) error { return errNotFound }

// assetHash is a short hash of the static files, so that a new build's
// files are fetched again.
func assetHash(st fs.FS) string {
	h := sha256.New()
	_ = fs.WalkDir(st, ".", func(p string, d fs.DirEntry, err error) error {
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
