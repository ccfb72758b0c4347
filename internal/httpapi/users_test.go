package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"safetynet/internal/auth"
)

// userAccountJSON is a user as GET /api/v1/users/{id} answers it.
type userAccountJSON struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Posts    []struct {
		ID         int64  `json:"id"`
		Role       string `json:"role"`
		Region     string `json:"region"`
		RegionName string `json:"region_name"`
		RevokedAt  string `json:"revoked_at"`
	} `json:"posts"`
	Disabled           bool `json:"disabled"`
	MustChangePassword bool `json:"must_change_password"`
}

// TestUsersAPI: the prefecture administrator creates a user with posts
// (422 naming a post at village level), the user must change the initial
// password before anything else (403 password_change_required), then
// works; grants, revocations, disablement and resets are answered with
// the account, and the trail explains every account afterwards.
func TestUsersAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	village := villages(t, "652301", 1)[0]
	p := b.do(t, "POST", "/api/v1/users", "admin", map[string]any{"username": "cw.new", "password": "initial-pass",
		"posts": []map[string]string{{"role": "caseworker", "region": "652301"}, {"role": "caseworker", "region": string(village)}}}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := p.field("posts[1].region"); !ok {
		t.Errorf("a post at a village: %+v, want posts[1].region named", p)
	}
	var u userAccountJSON
	r := b.do(t, "POST", "/api/v1/users", "admin", map[string]any{"username": "cw.new", "display_name": "新经办员", "password": "initial-pass",
		"posts": []map[string]string{{"role": "caseworker", "region": "652301"}, {"role": "analyst", "region": "652300"}}}).want(t, http.StatusCreated)
	r.decode(t, &u)
	if r.header.Get("Location") != fmt.Sprintf("/api/v1/users/%d", u.ID) || len(u.Posts) != 2 || !u.MustChangePassword || u.Posts[0].RegionName != "昌吉市" {
		t.Fatalf("created %+v (Location %q): want two posts, must change password", u, r.header.Get("Location"))
	}

	// The user signs in: only /me, the change and sign-out answer.
	var login struct {
		Token string `json:"token"`
		User  struct {
			PostID             int64 `json:"post_id"`
			MustChangePassword bool  `json:"must_change_password"`
		} `json:"user"`
	}
	b.do(t, "POST", "/api/v1/login", "", map[string]any{"username": "cw.new", "password": "initial-pass", "post": u.Posts[1].ID}).want(t, http.StatusOK).decode(t, &login)
	if login.User.PostID != u.Posts[1].ID || !login.User.MustChangePassword {
		t.Fatalf("sign-in in the analyst post: %+v", login.User)
	}
	as := func(method, path string, body any) *result {
		req := mustRequest(t, method, b.url+path, body)
		req.Header.Set("Authorization", "Bearer "+login.Token)
		return send(t, req)
	}
	pb := as("GET", "/api/v1/persons?limit=1", nil).problem(t, http.StatusForbidden)
	if pb.Type != "urn:safetynet:problem:password_change_required" {
		t.Errorf("a normal route before the change: %+v, want type password_change_required", pb)
	}
	as("POST", "/api/v1/session/post", map[string]any{"post": u.Posts[0].ID}).problem(t, http.StatusForbidden)
	as("GET", "/api/v1/me", nil).want(t, http.StatusOK)
	pb = as("POST", "/api/v1/me/password", map[string]any{"current": "initial-pass", "new": "initial-pass"}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("new"); !ok {
		t.Errorf("the same password again: %+v, want new named", pb)
	}
	as("POST", "/api/v1/me/password", map[string]any{"current": "initial-pass", "new": "my-own-secret"}).want(t, http.StatusNoContent)
	as("GET", "/api/v1/persons?limit=1", nil).want(t, http.StatusOK)
	// The same session switches to the caseworker post: its scope is the county.
	var me struct {
		Role  string `json:"role"`
		Scope string `json:"scope"`
	}
	as("POST", "/api/v1/session/post", map[string]any{"post": u.Posts[0].ID}).want(t, http.StatusOK).decode(t, &me)
	if me.Role != "caseworker" || me.Scope != "652301" {
		t.Errorf("after the switch: %+v, want the caseworker over 652301", me)
	}
	as("GET", "/api/v1/persons?region=652302&limit=1", nil).problem(t, http.StatusForbidden)
	as("GET", "/api/v1/me", nil).want(t, http.StatusOK).decode(t, &me)
	if me.Role != "caseworker" || me.Scope != "652301" {
		t.Errorf("GET /me after the switch: %+v", me)
	}

	// Grants, revocation, disablement, reset.
	path := fmt.Sprintf("/api/v1/users/%d", u.ID)
	b.do(t, "POST", path+"/posts", "admin", map[string]string{"role": "approver", "region": "652301"}).want(t, http.StatusOK).decode(t, &u)
	if len(u.Posts) != 3 || u.Posts[2].Role != "approver" {
		t.Errorf("after the grant: %+v", u.Posts)
	}
	b.do(t, "POST", fmt.Sprintf("%s/posts/%d/revocation", path, u.Posts[1].ID), "admin", nil).want(t, http.StatusOK).decode(t, &u)
	if u.Posts[1].RevokedAt == "" {
		t.Errorf("after the revocation: %+v", u.Posts)
	}
	b.do(t, "POST", path+"/disablement", "admin", nil).want(t, http.StatusOK).decode(t, &u)
	as("GET", "/api/v1/me", nil).problem(t, http.StatusUnauthorized)
	b.do(t, "POST", path+"/enablement", "admin", nil).want(t, http.StatusOK)
	b.do(t, "POST", path+"/password-reset", "admin", map[string]string{"password": "reset-by-admin"}).want(t, http.StatusOK).decode(t, &u)
	if !u.MustChangePassword || u.Disabled {
		t.Errorf("after the reset: %+v, want enabled and must change", u)
	}
	var list struct {
		Items []userAccountJSON `json:"items"`
	}
	b.do(t, "GET", "/api/v1/users?role=approver&region=652301&q=NEW", "admin", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Username != "cw.new" {
		t.Errorf("users holding an approver post in 652301 named like NEW: %+v", list.Items)
	}
	b.do(t, "GET", "/api/v1/users?disabled=maybe", "admin", nil).problem(t, http.StatusUnprocessableEntity)
	b.do(t, "GET", "/api/v1/users", "cw1", nil).problem(t, http.StatusForbidden)
	if rep, err := b.db.VerifyAudit(context.Background()); err != nil || len(rep.Users) != 0 || len(rep.Sessions) != 0 {
		t.Errorf("audit verify after the user operations: %+v, %+v, %v", rep.Users, rep.Sessions, err)
	}
}

// TestUsersAPIScope: a county administrator sees and changes only the
// users whose every post lies in the county, grants no post outside it
// and no admin post, and does not change their own posts.
func TestUsersAPIScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	admin, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: "admin.changji", Password: testPassword, Role: auth.RoleAdmin, Scope: "652301"})
	if err != nil {
		t.Fatal(err)
	}
	const ca = "admin.changji"
	var list struct {
		Items []userAccountJSON `json:"items"`
	}
	b.do(t, "GET", "/api/v1/users?limit=500", ca, nil).want(t, http.StatusOK).decode(t, &list)
	got := map[string]bool{}
	for _, u := range list.Items {
		got[u.Username] = true
	}
	if !got["cw1"] || !got["auditor1"] || !got[ca] || got["cw2"] || got["admin"] || len(got) != 3 {
		t.Errorf("the county administrator lists %v, want cw1, auditor1 and itself", got)
	}
	b.do(t, "GET", "/api/v1/users?region=652302", ca, nil).problem(t, http.StatusForbidden)
	cw2, err := b.au.UserNamed(systemContext(), "cw2")
	if err != nil {
		t.Fatal(err)
	}
	cw1, err := b.au.UserNamed(systemContext(), "cw1")
	if err != nil {
		t.Fatal(err)
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/users/%d", cw2.ID), ca, nil).problem(t, http.StatusNotFound)
	b.do(t, "POST", fmt.Sprintf("/api/v1/users/%d/disablement", cw2.ID), ca, nil).problem(t, http.StatusNotFound)
	b.do(t, "POST", fmt.Sprintf("/api/v1/users/%d/posts", cw1.ID), ca, map[string]string{"role": "caseworker", "region": "652302"}).problem(t, http.StatusForbidden)
	b.do(t, "POST", fmt.Sprintf("/api/v1/users/%d/posts", cw1.ID), ca, map[string]string{"role": "admin", "region": "652301"}).problem(t, http.StatusForbidden)
	b.do(t, "POST", "/api/v1/users", ca, map[string]any{"username": "cw.out", "password": "initial-pass",
		"posts": []map[string]string{{"role": "caseworker", "region": "652302"}}}).problem(t, http.StatusForbidden)
	b.do(t, "POST", fmt.Sprintf("/api/v1/users/%d/posts", admin.ID), ca, map[string]string{"role": "approver", "region": "652301"}).problem(t, http.StatusForbidden)
	b.do(t, "POST", fmt.Sprintf("/api/v1/users/%d/posts/%d/revocation", admin.ID, admin.Posts[0].ID), ca, nil).problem(t, http.StatusForbidden)
	b.do(t, "POST", fmt.Sprintf("/api/v1/users/%d/posts", cw1.ID), ca, map[string]string{"role": "approver", "region": "652301"}).want(t, http.StatusOK)
	// The prefecture administrator grants admin posts.
	b.do(t, "POST", fmt.Sprintf("/api/v1/users/%d/posts", cw1.ID), "admin", map[string]string{"role": "admin", "region": "652301"}).want(t, http.StatusOK)
}

// mustRequest builds a request with body, if not nil, as JSON.
func mustRequest(t *testing.T, method, url string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}
