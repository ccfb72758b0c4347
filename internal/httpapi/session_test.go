package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)

	r := b.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "cw1", "password": testPassword}).want(t, http.StatusOK)
	var got struct {
		Token string `json:"token"`
		User  struct {
			ID          int64  `json:"id"`
			Username    string `json:"username"`
			DisplayName string `json:"display_name"`
			Role        string `json:"role"`
			Scope       string `json:"scope"`
		} `json:"user"`
	}
	r.decode(t, &got)
	if got.Token == "" || got.User.Username != "cw1" || got.User.Role != "caseworker" || got.User.Scope != "652301" || got.User.DisplayName != "Test cw1" || got.User.ID == 0 {
		t.Errorf("login response %+v: want a token and user cw1, caseworker in 652301", got)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"sn_session=" + got.Token, "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %s", cookie, want)
		}
	}

	t.Run("bearer token", func(t *testing.T) {
		req, _ := http.NewRequest("GET", b.url+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+got.Token)
		var me struct{ Username, Role, Scope string }
		send(t, req).want(t, http.StatusOK).decode(t, &me)
		if me.Username != "cw1" || me.Role != "caseworker" || me.Scope != "652301" {
			t.Errorf("GET /me = %+v, want cw1", me)
		}
	})
	t.Run("cookie", func(t *testing.T) {
		req, _ := http.NewRequest("GET", b.url+"/api/v1/me", nil)
		req.AddCookie(&http.Cookie{Name: "sn_session", Value: got.Token})
		send(t, req).want(t, http.StatusOK)
	})
	t.Run("wrong password", func(t *testing.T) {
		p := b.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "cw1", "password": "wrong-password"}).problem(t, http.StatusUnauthorized)
		if p.Detail != "wrong username or password" {
			t.Errorf("detail %q, want the service's message", p.Detail)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		b.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "nobody", "password": testPassword}).problem(t, http.StatusUnauthorized)
	})
	t.Run("missing fields", func(t *testing.T) {
		p := b.do(t, "POST", "/api/v1/login", "", map[string]string{}).problem(t, http.StatusUnprocessableEntity)
		if _, ok := p.field("password"); !ok {
			t.Errorf("errors %+v do not name password", p.Errors)
		}
	})
	t.Run("no token", func(t *testing.T) {
		r := b.do(t, "GET", "/api/v1/persons", "", nil)
		r.problem(t, http.StatusUnauthorized)
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
	})
	t.Run("bad token", func(t *testing.T) {
		req, _ := http.NewRequest("GET", b.url+"/api/v1/persons", nil)
		req.Header.Set("Authorization", "Bearer not-a-token")
		send(t, req).problem(t, http.StatusUnauthorized)
	})
	t.Run("logout", func(t *testing.T) {
		tok := func() string {
			var l struct{ Token string }
			b.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "cw2", "password": testPassword}).want(t, http.StatusOK).decode(t, &l)
			return l.Token
		}()
		req, _ := http.NewRequest("POST", b.url+"/api/v1/logout", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		r := send(t, req).want(t, http.StatusNoContent)
		if c := r.header.Get("Set-Cookie"); !strings.Contains(c, "sn_session=;") || !strings.Contains(c, "Max-Age=0") {
			t.Errorf("logout Set-Cookie %q does not clear the cookie", c)
		}
		req, _ = http.NewRequest("GET", b.url+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		send(t, req).problem(t, http.StatusUnauthorized)
	})
}
