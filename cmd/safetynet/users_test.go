package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestFirstAdministrator replays the documented first step on a new
// database (docs/security.md, "First administrator"): migrate, gen, add
// the administrator with the password on stdin, serve, and sign in. The
// administrator changes the temporary password first, then administers
// users: a post granted and revoked by the CLI shows in user list.
func TestFirstAdministrator(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "new.db")
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, errOut, err := runCLIWithStdin(t, stdin, args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
		}
		return out
	}
	must("", "migrate", "--db", db)
	must("", "gen", "--db", db, "--persons", "30")
	if out := must("first-admin-pw\n", "user", "add", "--db", db, "--username", "admin", "--post", "admin@652300"); !strings.Contains(out, "admin@652300") {
		t.Errorf("user add says %q, want the post", out)
	}
	if _, errOut, err := runCLIWithStdin(t, "short\n", "user", "add", "--db", db, "--username", "cw.x", "--post", "caseworker@652301001001"); err == nil ||
		!strings.Contains(errOut, "posts[0].region") || !strings.Contains(errOut, "password") {
		t.Errorf("a village post and a short password: %v, stderr %q; want both fields named", err, errOut)
	}

	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"safetynet", "serve", "--addr", "127.0.0.1:0", "--db", db},
			func(string) string { return "" }, strings.NewReader(""), out, &syncBuffer{})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var url string
	for deadline := time.Now().Add(30 * time.Second); url == ""; time.Sleep(20 * time.Millisecond) {
		if m := regexp.MustCompile(`serving (http://[0-9.:]+)`).FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", out.String())
		}
	}
	call := func(method, path, token, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	status, body := call("POST", "/api/v1/login", "", `{"username":"admin","password":"first-admin-pw"}`)
	var g struct {
		Token string
		User  struct {
			Role               string `json:"role"`
			Scope              string `json:"scope"`
			MustChangePassword bool   `json:"must_change_password"`
		}
	}
	if err := json.Unmarshal([]byte(body), &g); status != http.StatusOK || err != nil || g.User.Role != "admin" || g.User.Scope != "652300" || !g.User.MustChangePassword {
		t.Fatalf("sign-in: %d %s", status, body)
	}
	if status, body := call("GET", "/api/v1/users", g.Token, ""); status != http.StatusForbidden || !strings.Contains(body, "password_change_required") {
		t.Errorf("before the change: %d %s; want 403 password_change_required", status, body)
	}
	if status, body := call("POST", "/api/v1/me/password", g.Token, `{"current":"first-admin-pw","new":"the-admins-own-pw"}`); status != http.StatusNoContent {
		t.Fatalf("change: %d %s", status, body)
	}
	if status, body := call("POST", "/api/v1/users", g.Token, `{"username":"cw.changji","password":"initial-pass","posts":[{"role":"caseworker","region":"652301"}]}`); status != http.StatusCreated {
		t.Errorf("the administrator creates a caseworker: %d %s", status, body)
	}

	must("", "user", "grant", "--db", db, "--username", "cw.changji", "--post", "approver@652302")
	must("", "user", "revoke", "--db", db, "--username", "cw.changji", "--post", "caseworker@652301")
	must("another-pass-1\n", "user", "password", "--db", db, "--username", "cw.changji", "--temporary=false")
	list := must("", "user", "list", "--db", db)
	if !regexp.MustCompile(`cw\.changji\s+approver@652302\(\d+\)\s+false\s+false`).MatchString(list) || !regexp.MustCompile(`admin\s+admin@652300\(\d+\)\s+false\s+false`).MatchString(list) {
		t.Errorf("user list:\n%s\nwant cw.changji holding approver@652302 only, admin without the flag", list)
	}
	if status, body := call("POST", "/api/v1/login", "", `{"username":"cw.changji","password":"another-pass-1"}`); status != http.StatusOK || !strings.Contains(body, `"must_change_password":false`) {
		t.Errorf("sign-in after the operator's non-temporary password: %d %s", status, body)
	}
	if out, _, err := runCLI(t, "audit", "verify", "--db", db); err != nil {
		t.Errorf("audit verify: %v\n%s", err, out)
	}
}
