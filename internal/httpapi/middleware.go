package httpapi

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/policy"
)

// sessionCookie is the cookie that carries the bearer token for browsers.
const sessionCookie = "sn_session"

const errorLevel = slog.LevelError

// reqInfo is the request-scoped state the middleware share: set by the
// outer layers, filled in by the inner ones (the matched pattern, the
// signed-in user), and read by the access log and writeError.
type reqInfo struct {
	requestID string
	logger    *slog.Logger
	pattern   string
	actorID   int64
	hasActor  bool
	// client is the client's address, through trusted proxies; secure
	// is whether the client reached us over HTTPS. Set by withClient.
	client string
	secure bool
	// policies explain the decisions of the response (explanation.go).
	policies []*policy.Package
}

// attrs returns the standard log attributes of the request.
func (i *reqInfo) attrs() []slog.Attr {
	a := []slog.Attr{slog.String("request_id", i.requestID)}
	if i.hasActor {
		a = append(a, slog.Int64("actor_id", i.actorID))
	}
	return a
}

type infoKey struct{}

var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// infoFrom returns the request's info; outside the middleware (never in
// production) a throwaway one.
func infoFrom(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{logger: discardLogger}
}

func errorAttr(err error) slog.Attr { return slog.String("error", err.Error()) }

// withRequestID takes the caller's X-Request-ID if it is a sane token, or
// makes one, echoes it in the response and puts it in the request info.
func (s *server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-ID", id)
		info := &reqInfo{requestID: id, logger: s.logger, policies: s.policies()}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
	})
}

// validRequestID accepts 1 to 64 characters of letters, digits, '.', '_'
// and '-', so that a caller's ID cannot inject anything into logs.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func newRequestID() string { return rand.Text() }

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader implements http.ResponseWriter.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withAccessLog logs one line per request: method, route pattern, status,
// duration, request ID and actor. Never the path's values, the query string
// (it can hold ID numbers) or a body.
func (s *server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		info := infoFrom(r.Context())
		pattern := info.pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		attrs := append([]slog.Attr{
			slog.String("method", r.Method),
			slog.String("pattern", pattern),
			slog.Int("status", status),
			slog.Duration("duration", time.Since(start)),
			slog.Int64("bytes", sw.bytes),
		}, info.attrs()...)
		info.logger.LogAttrs(r.Context(), slog.LevelInfo, "http request", attrs...)
	})
}

// withRecovery turns a panic into a 500 problem, logged once by
// writeError. If the response had started, it can only log.
func withRecovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err := fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			if sw.status == 0 {
				writeError(sw, r, err)
				return
			}
			info := infoFrom(r.Context())
			info.logger.LogAttrs(r.Context(), errorLevel, "panic after the response started",
				append(info.attrs(), errorAttr(err))...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// problemFallback serves mux, recording the matched pattern, and turns the
// mux's own plain-text 404 and 405 answers into problems.
func problemFallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			infoFrom(r.Context()).pattern = pattern
			mux.ServeHTTP(w, r)
			return
		}
		rec := &headerRecorder{header: make(http.Header)}
		h.ServeHTTP(rec, r)
		switch {
		case rec.status == http.StatusMethodNotAllowed:
			w.Header().Set("Allow", rec.header.Get("Allow"))
			writeError(w, r, fault.Errorf(codeBadMethod, "method %s is not allowed here; allowed: %s", r.Method, rec.header.Get("Allow")))
		case rec.status >= 300 && rec.status < 400:
			w.Header().Set("Location", rec.header.Get("Location"))
			w.WriteHeader(rec.status)
		default:
			writeError(w, r, fault.Errorf(codeNoRoute, "no such resource; see /api/v1/openapi.json"))
		}
	})
}

// headerRecorder captures the status and headers of a response and drops
// its body.
type headerRecorder struct {
	header http.Header
	status int
}

// Header implements http.ResponseWriter.
func (h *headerRecorder) Header() http.Header { return h.header }

// WriteHeader implements http.ResponseWriter.
func (h *headerRecorder) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}

// Write implements http.ResponseWriter; it drops b.
func (h *headerRecorder) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return len(b), nil
}

// maxBodyBytes limits request bodies to 1 MiB.
const maxBodyBytes = 1 << 20

// limitBody caps the request body at maxBodyBytes; reading past it fails
// with *http.MaxBytesError, and the server closes the connection after the
// response.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the bearer token (Authorization header, or the
// session cookie for browsers) to a principal and puts it in the context.
// A user who must change the password reaches only passwordChangeRoutes;
// every other route answers 403 (auth.CodePasswordChange).
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := requestToken(r)
		if token == "" {
			if s.toSignIn(w, r) {
				return
			}
			writeError(w, r, fault.Errorf(fault.Unauthenticated, "sign in first: send Authorization: Bearer <token> or the %s cookie", sessionCookie))
			return
		}
		p, err := s.au.Authenticate(r.Context(), token)
		if err != nil {
			if fault.CodeOf(err) == fault.Unauthenticated && s.toSignIn(w, r) {
				return
			}
			writeError(w, r, err)
			return
		}
		info := infoFrom(r.Context())
		info.actorID, info.hasActor = p.UserID, true
		ctx := auth.WithPrincipal(r.Context(), p)
		if !passwordChangeRoutes[r.Pattern] {
			if err := auth.RequirePasswordChanged(ctx); err != nil {
				writeError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// toSignIn sends a browser that opened a page of the API (a printable
// page, a download) with no valid session to the console's sign-in page,
// which comes back to the page afterwards, and reports whether it did. Only
// a GET navigation of a browser is sent, and only when the console is
// mounted; any other request gets the 401 problem.
func (s *server) toSignIn(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.Console == nil || r.Method != http.MethodGet || r.Header.Get("Sec-Fetch-Mode") != "navigate" {
		return false
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	return true
}

// requestToken returns the bearer token of the request: from the
// Authorization header if it has one, else from the session cookie.
func requestToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return ""
		}
		return strings.TrimSpace(token)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// withConsole sends the API's paths (/api/ and /healthz) to api and every
// other path to the console.
func withConsole(api, console http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		console.ServeHTTP(w, r)
	})
}

// ClientAddress returns the address of the request's client, read through
// trusted proxies, for a handler mounted as Config.Console ("" outside the
// server's middleware).
func ClientAddress(r *http.Request) string { return infoFrom(r.Context()).client }

// SecureRequest reports whether the request's client reached the service
// over HTTPS (directly or through a trusted proxy), for a handler mounted
// as Config.Console: its cookies are then Secure.
func SecureRequest(r *http.Request) bool { return infoFrom(r.Context()).secure }

// SetRoute records the route pattern a Config.Console handler matched, for
// the access log (which logs patterns, never paths with their values), and
// the signed-in user's ID once known.
func SetRoute(r *http.Request, pattern string, userID int64) {
	info := infoFrom(r.Context())
	info.pattern = pattern
	if userID > 0 {
		info.actorID, info.hasActor = userID, true
	}
}
