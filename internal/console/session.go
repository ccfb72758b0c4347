package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/httpapi"
)

// sessionCookie carries the session token, the same cookie the API's
// sign-in sets, so that a printable page of the API opens in the console's
// session.
const sessionCookie = "sn_session"

// preSessionCookie carries the random value the sign-in form's CSRF token
// is made from, before there is a session.
const preSessionCookie = "sn_presession"

// csrfField is the name of the hidden form field (and of the header htmx
// sends) carrying the CSRF token.
const csrfField = "csrf"

// csrfHeader is the header an htmx request carries the CSRF token in.
const csrfHeader = "X-CSRF-Token"

type sessionKey struct{}

// sessionToken returns the session token of the request's cookie.
func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// csrfToken is the CSRF token of a session: an HMAC of a fixed label keyed
// by the session token. Only a page of the session can know it (the cookie
// is HttpOnly and the token is not the cookie), it changes with every
// session, and it needs nothing stored (the synchroniser token pattern
// without a table).
func csrfToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("safetynet console csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF checks the request's CSRF token (form field or header) against
// the session's, and that a browser that says where the request came from
// says it came from here.
func checkCSRF(r *http.Request, session string) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return fault.Errorf(fault.Forbidden, "a form of another site may not change anything here")
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	if got == "" || !hmac.Equal([]byte(got), []byte(csrfToken(session))) {
		return fault.Errorf(fault.Forbidden, "the form has expired or did not come from this console: reload the page and try again")
	}
	return nil
}

// preSession returns the pre-session value of the request, setting a new
// one in a cookie when it has none.
func preSession(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preSessionCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	v := rand.Text()
	http.SetCookie(w, &http.Cookie{Name: preSessionCookie, Value: v, Path: "/login", HttpOnly: true,
		Secure: httpapi.SecureRequest(r), SameSite: http.SameSiteStrictMode})
	return v
}

// safeNext returns next if it is a path of this site, else "/": the
// sign-in page never sends a browser elsewhere.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// signInPage is the data of the sign-in page.
type signInPage struct {
	Next     string
	Username string
	Error    string
}

// handleSignInForm shows the sign-in form.
func (c *Console) handleSignInForm(w http.ResponseWriter, r *http.Request) error {
	if tok := sessionToken(r); tok != "" {
		if _, err := c.app.Auth.Authenticate(r.Context(), tok); err == nil {
			http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
			return nil
		}
	}
	p := c.newPage(r, "login")
	p.CSRF = csrfToken(preSession(w, r))
	p.Title = p.T("login.title")
	p.Data = signInPage{Next: safeNext(r.URL.Query().Get("next"))}
	c.render(w, r, http.StatusOK, p)
	return nil
}

// handleSignIn checks the password, opens a session in the sn_session
// cookie and goes to the page asked for. A wrong password, a locked
// account or address shows the form again with the reason.
func (c *Console) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	pre, err := r.Cookie(preSessionCookie)
	if err != nil || !hmacEqual(r.PostFormValue(csrfField), csrfToken(pre.Value)) {
		return fault.Errorf(fault.Forbidden, "the sign-in form has expired: reload the page and try again")
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return fault.Errorf(fault.Forbidden, "a form of another site may not sign in here")
	}
	username, password := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	g, err := c.app.Auth.Login(r.Context(), username, password, httpapi.ClientAddress(r))
	if err != nil {
		p := c.newPage(r, "login")
		p.CSRF = csrfToken(pre.Value)
		p.Title = p.T("login.title")
		msg := p.T("login.wrong")
		status := http.StatusUnauthorized
		switch fault.CodeOf(err) {
		case fault.Throttled:
			msg, status = p.T("login.locked"), http.StatusTooManyRequests
		case fault.Busy:
			msg, status = p.T("login.busy"), http.StatusServiceUnavailable
		case fault.Unauthenticated:
		default:
			return err
		}
		p.Data = signInPage{Next: next, Username: username, Error: msg}
		c.render(w, r, status, p)
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: g.Token, Path: "/", Expires: g.ExpiresAt,
		HttpOnly: true, Secure: httpapi.SecureRequest(r), SameSite: http.SameSiteStrictMode})
	http.SetCookie(w, &http.Cookie{Name: preSessionCookie, Value: "", Path: "/login", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// handleSignOut ends the session and goes to the sign-in page.
func (c *Console) handleSignOut(w http.ResponseWriter, r *http.Request) error {
	tok, _ := r.Context().Value(sessionKey{}).(string)
	if err := c.app.Auth.Logout(r.Context(), tok, httpapi.ClientAddress(r)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: httpapi.SecureRequest(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// handleLanguage sets the console's language (a cookie, for a year) and
// goes back to the page it was chosen on.
func (c *Console) handleLanguage(w http.ResponseWriter, r *http.Request) error {
	l, ok := parseLang(r.PathValue("lang"))
	if !ok {
		return fault.Errorf(fault.NotFound, "no such language")
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: httpapi.SecureRequest(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

func hmacEqual(a, b string) bool { return a != "" && hmac.Equal([]byte(a), []byte(b)) }
