package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeMinPasswordLength: serve --min-password-length raises the least
// length of a new password: a password of the default length is refused
// (422 naming the field new), a long enough one taken.
func TestServeMinPasswordLength(t *testing.T) {
	dir := t.TempDir()
	db := migratedDBIn(t, dir, "p.db")
	if _, errOut, err := runCLIWithStdin(t, "secret-password\n", "user", "add", "--db", db, "--username", "cw.a", "--role", "caseworker", "--scope", "652301"); err != nil {
		t.Fatalf("user add: %v\n%s", err, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"safetynet", "serve", "--addr", "127.0.0.1:0", "--db", db, "--min-password-length", "16"},
			func(string) string { return "" }, strings.NewReader(""), out, &syncBuffer{})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var url string
	for deadline := time.Now().Add(30 * time.Second); url == ""; {
		if m := serveURLRE.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Post(url+"/api/v1/login", "application/json", strings.NewReader(`{"username":"cw.a","password":"secret-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Token string }
	err = json.NewDecoder(resp.Body).Decode(&g)
	resp.Body.Close()
	if err != nil || g.Token == "" {
		t.Fatalf("login: %d, %v", resp.StatusCode, err)
	}
	change := func(pw string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", url+"/api/v1/me/password", strings.NewReader(`{"current":"secret-password","new":"`+pw+`"}`))
		req.Header.Set("Authorization", "Bearer "+g.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		var buf [4096]byte
		n, _ := resp.Body.Read(buf[:])
		b.Write(buf[:n])
		return resp.StatusCode, b.String()
	}
	// 15 characters: enough by default, too short under the raised minimum.
	if code, body := change("fifteen-chars-1"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "16") || !strings.Contains(body, `"new"`) {
		t.Errorf("a 15-character password under --min-password-length 16: %d %s, want 422 naming new and 16", code, body)
	}
	if code, body := change("sixteen-chars-12"); code != http.StatusNoContent {
		t.Errorf("a 16-character password: %d %s, want 204", code, body)
	}
}
