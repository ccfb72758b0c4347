// Package console is the staff console (工作台): the server-rendered pages
// through which the bureau's posts (window and township caseworkers,
// approvers, payments officers, auditors, analysts, administrators) do
// their day's work in a browser, over the same services as the API.
//
// Pages are html/template, zh-CN by default with English, made lively by
// the vendored htmx and charted with the vendored Apache ECharts, both
// embedded (static/vendor/README.md). A page reads and writes through the
// domain services with the signed-in user's principal, so the API's
// permission, scope and maker-checker rules hold here unchanged
// (docs/console.md).
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/httpapi"
	"safetynet/internal/jobs"
)

//go:embed templates static
var files embed.FS

// Config is what the console needs beyond the services.
type Config struct {
	// Jobs runs the background jobs a page starts (screening jobs).
	Jobs *jobs.Runner
	// Version is the build's version, shown in the footer.
	Version string
}

// Console serves the staff console's pages.
type Console struct {
	app    *app.App
	cfg    Config
	logger *slog.Logger
	mux    *http.ServeMux
	// pages holds each page's template set, per language.
	pages map[Lang]map[string]*template.Template
	// static serves the embedded static files.
	static http.Handler
	// assetVersion is appended to static URLs so that a new build's files
	// are fetched anew while an old one's may be cached for long.
	assetVersion string
}

// New returns the console over a's services, to be mounted as the API's
// httpapi.Config.Console. Its templates are parsed up front: a broken
// template stops the process at start-up.
func New(logger *slog.Logger, a *app.App, cfg Config) (*Console, error) {
	if a == nil {
		return nil, errors.New("the console needs the application's services")
	}
	c := &Console{app: a, cfg: cfg, logger: logger.With("component", "console"), mux: http.NewServeMux()}
	var err error
	if c.pages, err = parsePages(c); err != nil {
		return nil, err
	}
	st, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	c.assetVersion = assetHash(st)
	c.static = http.StripPrefix("/static/", http.FileServerFS(st))
	c.routes()
	return c, nil
}

// ServeHTTP implements http.Handler: security headers on every answer,
// then the matched page.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	c.mux.ServeHTTP(w, r)
}

// contentSecurityPolicy allows only the console's own scripts, styles and
// images: no inline script or style, no eval, no framing, forms posted only
// here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// pageHandler is a page: it renders or redirects and returns nil, or
// returns the error, which the console shows as an error page (or a form's
// problems, for a fault.Invalid a page chose to show itself).
type pageHandler func(w http.ResponseWriter, r *http.Request) error

// handle registers a page that needs a signed-in user, for every role
// unless perms name the permissions it needs (any one of them).
func (c *Console) handle(pattern string, h pageHandler, perms ...auth.Permission) {
	c.mux.Handle(pattern, c.signedIn(pattern, h, perms))
}

// handlePublic registers a page anyone may open (the sign-in page).
func (c *Console) handlePublic(pattern string, h pageHandler) {
	c.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.SetRoute(r, pattern, 0)
		c.serve(w, r, h)
	}))
}

// serve runs h and shows its error.
func (c *Console) serve(w http.ResponseWriter, r *http.Request, h pageHandler) {
	if err := h(w, r); err != nil {
		c.fail(w, r, err)
	}
}

// fail answers err as an error page with the status its fault code maps
// to; an unexpected error is logged (never with personal data: only the
// route and the error) and shown without its detail.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := http.StatusInternalServerError, "error.internal"
	detail, l := "", langOf(r)
	switch fault.CodeOf(err) {
	case fault.NotFound:
		status, key = http.StatusNotFound, "error.not_found"
	case fault.Forbidden:
		status, key, detail = http.StatusForbidden, "error.forbidden", faultText(l, err)
	case fault.Invalid:
		status, key, detail = http.StatusUnprocessableEntity, "error.invalid", faultText(l, err)
	case fault.Conflict:
		status, key, detail = http.StatusConflict, "error.conflict", faultText(l, err)
	case fault.Unauthenticated:
		c.toSignIn(w, r)
		return
	case fault.Throttled, fault.Busy:
		status, key, detail = http.StatusTooManyRequests, "error.too_many", faultText(l, err)
	default:
		c.logger.LogAttrs(r.Context(), slog.LevelError, "console page failed",
			slog.String("path_pattern", r.Pattern), slog.String("error", err.Error()))
	}
	p := c.newPage(r, "error")
	p.Title = p.T(key)
	p.Data = errorPage{Message: p.T(key), Detail: detail, Fields: faultFieldsIn(l, err)}
	c.render(w, r, status, p)
}

// errorPage is the data of the error page.
type errorPage struct {
	Message string
	Detail  string
	Fields  map[string]string
}

// faultMessage returns the message of a fault error, for showing.
func faultMessage(err error) string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Message
	}
	return ""
}

// faultFields returns the field problems of a fault error.
func faultFields(err error) map[string]string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Fields
	}
	return nil
}

// signedIn resolves the session cookie to the principal and runs h with it,
// checking the page's permissions and, for every unsafe method, the CSRF
// token; without a valid session it sends a browser to the sign-in page.
func (c *Console) signedIn(pattern string, h pageHandler, perms []auth.Permission) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.SetRoute(r, pattern, 0)
		token := sessionToken(r)
		if token == "" {
			c.toSignIn(w, r)
			return
		}
		p, err := c.app.Auth.Authenticate(r.Context(), token)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		httpapi.SetRoute(r, pattern, p.UserID)
		if mustChangePassword(p, r) {
			http.Redirect(w, r, "/me/password", http.StatusSeeOther)
			return
		}
		ctx := auth.WithPrincipal(r.Context(), p)
		ctx = context.WithValue(ctx, sessionKey{}, token)
		r = r.WithContext(ctx)
		if !safeMethod(r.Method) {
			if err := checkCSRF(r, token); err != nil {
				c.fail(w, r, err)
				return
			}
		}
		if len(perms) > 0 && !canAny(p, perms) {
			c.fail(w, r, fault.Keyed(fault.Forbidden, "role_forbidden", "%s", roleForbidden(p, perms)))
			return
		}
		c.serve(w, r, h)
	})
}

// canAny reports whether p has one of perms.
func canAny(p auth.Principal, perms []auth.Permission) bool {
	for _, perm := range perms {
		if p.Can(perm) {
			return true
		}
	}
	return false
}

// roleForbidden says which permission the role lacks.
func roleForbidden(p auth.Principal, perms []auth.Permission) string {
	names := make([]string, len(perms))
	for i, perm := range perms {
		names[i] = string(perm)
	}
	return fmt.Sprintf("role %s may not %s", p.Role, strings.Join(names, " or "))
}

// safeMethod reports whether a request of method m changes nothing.
func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// toSignIn sends the browser to the sign-in page, which returns to the
// page asked for; an htmx request is told to load the sign-in page whole.
func (c *Console) toSignIn(w http.ResponseWriter, r *http.Request) {
	next := "/"
	if r.Method == http.MethodGet {
		next = r.URL.RequestURI()
	}
	to := "/login?next=" + urlQueryEscape(next)
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// pathKey reads the path value name as a positive key; anything else is
// a page that does not exist.
func pathKey(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, fault.Errorf(fault.NotFound, "no such %s", name)
	}
	return n, nil
}
