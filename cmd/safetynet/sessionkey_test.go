package main

import (
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetynet/internal/sqlstore"
)

var serveURLRE = regexp.MustCompile(`serving (http://[0-9.:]+)`)

// TestServeSessionKey: serve creates its session key beside the SQLite
// database with mode 0600 and reuses it after a restart, so a token signed
// in before still works; under another key (--session-key) it does not.
func TestServeSessionKey(t *testing.T) {
	dir := t.TempDir()
	db := migratedDBIn(t, dir, "s.db")
	if _, errOut, err := runCLIWithStdin(t, "secret-password\n", "user", "add", "--db", db, "--username", "cw.a", "--role", "caseworker", "--scope", "652301"); err != nil {
		t.Fatalf("user add: %v\n%s", err, errOut)
	}
	start := func(extra ...string) (string, func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, append([]string{"safetynet", "serve", "--addr", "127.0.0.1:0", "--db", db}, extra...),
				func(string) string { return "" }, strings.NewReader(""), out, &syncBuffer{})
		}()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if m := serveURLRE.FindStringSubmatch(out.String()); m != nil {
				return m[1], func() {
					cancel()
					if err := <-done; err != nil {
						t.Errorf("serve: %v", err)
					}
				}
			}
			select {
			case err := <-done:
				cancel()
				t.Fatalf("serve ended: %v\n%s", err, out.String())
			default:
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("serve did not start:\n%s", out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	me := func(url, token string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", url+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	url, stop := start()
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
	stop()
	keyPath := db + ".session-key"
	st, err := os.Stat(keyPath)
	if err != nil {
		t.Fatalf("no session key beside the database: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("session key mode %v, want 0600", st.Mode().Perm())
	}
	key, _ := os.ReadFile(keyPath)

	url, stop = start()
	if got := me(url, g.Token); got != http.StatusOK {
		t.Errorf("token after a restart with the same key: %d, want 200", got)
	}
	stop()
	if again, _ := os.ReadFile(keyPath); string(again) != string(key) {
		t.Error("the session key file changed on restart")
	}

	url, stop = start("--session-key", filepath.Join(dir, "other.key"))
	if got := me(url, g.Token); got != http.StatusUnauthorized {
		t.Errorf("token under another key: %d, want 401", got)
	}
	stop()

	// audit verify finds the sign-in of the real session, and reports a
	// session row planted beside it.
	if out, _, err := runCLI(t, "audit", "verify", "--db", db); err != nil || !strings.Contains(out, "audit trail intact") {
		t.Fatalf("audit verify with a real session: %v\n%s", err, out)
	}
	raw, err := sqlstore.Open(context.Background(), db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.ExecRaw(context.Background(), `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, seal)
		SELECT 'planted', user_id, created_at, expires_at, seal FROM sessions`); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "audit", "verify", "--db", db)
	if code, ok := err.(exitError); !ok || code != 1 || !strings.Contains(out, "cw.a") || !strings.Contains(out, "NOT explained by the trail") {
		t.Errorf("audit verify with a planted session: %v, want exit status 1 naming it\n%s", err, out)
	}
}

// TestSessionKeyPath: without --session-key the key sits beside
// --checkpoint-key, else beside the SQLite database; for PostgreSQL with
// neither, serve refuses to start rather than keep sessions unkeyed.
func TestSessionKeyPath(t *testing.T) {
	dir := t.TempDir()
	pg := "postgres://nobody@127.0.0.1:1/none"
	for _, tc := range []struct {
		dsn  string
		args []string
		want string
	}{
		{filepath.Join(dir, "a.db"), nil, filepath.Join(dir, "a.db") + ".session-key"},
		{pg, []string{"--checkpoint-key", filepath.Join(dir, "keys", "audit.key")}, filepath.Join(dir, "keys", "safetynet.session-key")},
		{pg, nil, ""},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		dsn := dsnFlag(fs, tc.dsn)
		checkpointFlags(fs, dsn)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := defaultSessionKeyPath(fs, *dsn); got != tc.want {
			t.Errorf("%s %v: session key at %q, want %q", tc.dsn, tc.args, got, tc.want)
		}
	}
	err := run(context.Background(), []string{"safetynet", "serve", "--addr", "127.0.0.1:0", "--db", pg},
		func(string) string { return "" }, strings.NewReader(""), &syncBuffer{}, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "--session-key") {
		t.Errorf("serve on PostgreSQL without a session key: %v, want an error naming --session-key", err)
	}
}
