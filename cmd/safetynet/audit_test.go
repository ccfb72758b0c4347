package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetynet/internal/sqlstore"
)

// TestAuditVerifyCLI edits and then deletes an audit event in a generated
// database, and checks that `safetynet audit verify` reports the break and
// exits with status 1.
func TestAuditVerifyCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	if out, _, err := runCLI(t, "gen", "--db", db, "--persons", "300"); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	out, _, err := runCLI(t, "audit", "verify", "--db", db)
	if err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify on a fresh database: %v\n%s", err, out)
	}
	raw, err := sqlstore.Open(context.Background(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	for _, tc := range []struct{ stmt, want string }{
		{"UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 1", "BROKEN at event 1"},
		{"DELETE FROM audit_events WHERE seq = 1", "BROKEN at event 1"},
	} {
		if err := raw.ExecRaw(context.Background(), tc.stmt); err != nil {
			t.Fatal(err)
		}
		out, _, err = runCLI(t, "audit", "verify", "--db", db)
		if code, ok := err.(exitError); !ok || code != 1 {
			t.Errorf("after %q: err = %v, want exit status 1", tc.stmt, err)
		}
		if !strings.Contains(out, tc.want) {
			t.Errorf("after %q: output %q lacks %q", tc.stmt, out, tc.want)
		}
	}
}

// TestAuditCheckpointCLI anchors a generated database with a signed
// checkpoint and tampers with it as its owner could: events deleted and
// the head moved back, an event rewritten and the rest rehashed, a user
// row inserted, the checkpoint file edited. `audit verify` exits 1 and
// says what and where each time; untouched, it exits 0.
func TestAuditCheckpointCLI(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "keys", "audit.key")
	if err := os.Mkdir(filepath.Dir(key), 0o700); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCLI(t, "audit", "keygen", "--key", key); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	pub := key + ".pub"
	// fresh returns a new generated, checkpointed database, open raw.
	fresh := func(name string) (string, *sqlstore.DB) {
		t.Helper()
		db := filepath.Join(dir, name)
		if out, _, err := runCLI(t, "gen", "--db", db, "--persons", "40"); err != nil {
			t.Fatalf("gen: %v\n%s", err, out)
		}
		// Accounts made and changed through the audited paths: events.
		for _, u := range []string{"cw.a", "cw.b", "cw.c", "cw.d", "cw.e"} {
			if out, errOut, err := runCLIWithStdin(t, "secret-password\n", "user", "add", "--db", db, "--username", u, "--role", "caseworker", "--scope", "652301"); err != nil {
				t.Fatalf("user add %s: %v\n%s%s", u, err, out, errOut)
			}
		}
		for _, args := range [][]string{{"grant", "--username", "cw.a", "--role", "approver", "--scope", "652300"}, {"disable", "--username", "cw.b"}} {
			if out, errOut, err := runCLI(t, append(append([]string{"user"}, args...), "--db", db)...); err != nil {
				t.Fatalf("user %v: %v\n%s%s", args, err, out, errOut)
			}
		}
		if out, _, err := runCLI(t, "audit", "checkpoint", "--db", db, "--key", key); err != nil || !strings.Contains(out, "appended to "+db+".checkpoints") {
			t.Fatalf("checkpoint: %v\n%s", err, out)
		}
		raw, err := sqlstore.Open(context.Background(), db, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return db, raw
	}
	verify := func(db string, wantOK bool, want ...string) {
		t.Helper()
		out, _, err := runCLI(t, "audit", "verify", "--db", db, "--pub", pub)
		if wantOK && err != nil {
			t.Errorf("verify: %v, want exit 0\n%s", err, out)
		}
		if code, ok := err.(exitError); !wantOK && (!ok || code != 1) {
			t.Errorf("verify: %v, want exit status 1\n%s", err, out)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("verify output lacks %q:\n%s", w, out)
			}
		}
	}
	exec := func(raw *sqlstore.DB, stmt string, args ...any) {
		t.Helper()
		if err := raw.ExecRaw(context.Background(), fmt.Sprintf(stmt, args...)); err != nil {
			t.Fatal(err)
		}
	}
	head := func(raw *sqlstore.DB) int64 {
		var n int64
		if err := raw.QueryRowRaw(context.Background(), "SELECT seq FROM audit_head WHERE id = 1").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	db, raw := fresh("intact.db")
	verify(db, true, "audit trail intact", "checkpoints: 1 of 1 hold")
	if _, _, err := runCLI(t, "audit", "verify", "--db", db); err == nil {
		t.Error("verify with checkpoints but no public key: no error")
	}
	// A second checkpoint after more events.
	if _, _, err := runCLIWithStdin(t, "another-password\n", "user", "passwd", "--db", db, "--username", "cw.c"); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCLI(t, "audit", "checkpoint", "--db", db, "--key", key); err != nil {
		t.Fatalf("second checkpoint: %v\n%s", err, out)
	}
	verify(db, true, "checkpoints: 2 of 2 hold")

	// Truncation: the last five events deleted, the head moved back.
	db, raw = fresh("truncated.db")
	n := head(raw)
	evs, err := raw.AuditEvents(context.Background(), n-6, 1)
	if err != nil || len(evs) != 1 {
		t.Fatal(err)
	}
	exec(raw, "DELETE FROM audit_events WHERE seq > %d", n-5)
	exec(raw, "UPDATE audit_head SET seq = %d, hash = '%s' WHERE id = 1", n-5, evs[0].Hash)
	verify(db, false, "audit chain holds", "checkpoint FAILED", fmt.Sprintf("events %d to %d were deleted", n-4, n), "NOT intact")
	if _, _, err := runCLI(t, "audit", "checkpoint", "--db", db, "--key", key); err == nil {
		t.Error("a checkpoint was signed over the truncated trail")
	}

	// A rewrite: the grant of the approver post made by someone else, the
	// events after it rehashed.
	db, raw = fresh("rewritten.db")
	all, err := raw.AuditEvents(context.Background(), 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	prev, rewritten := "", false
	for _, e := range all {
		if e.Action == "user.post_grant" {
			e.Actor.Name, rewritten = "system:migrate", true
		}
		if rewritten {
			e.Seal(e.Seq, prev)
			exec(raw, "UPDATE audit_events SET actor_name = '%s', prev_hash = '%s', hash = '%s' WHERE seq = %d", e.Actor.Name, e.PrevHash, e.Hash, e.Seq)
		}
		prev = e.Hash
	}
	exec(raw, "UPDATE audit_head SET hash = '%s' WHERE id = 1", prev)
	verify(db, false, "audit chain holds", "checkpoint FAILED", fmt.Sprintf("rewritten between event 1 and event %d", len(all)))

	// A user row inserted directly.
	db, raw = fresh("user.db")
	exec(raw, "INSERT INTO users (username, display_name, password_hash, disabled, created_at) VALUES ('mallory', '', 'x', 0, '2026-01-01T00:00:00Z')")
	verify(db, false, "mallory NOT explained by the trail", "inserted directly")

	// The checkpoint file edited: its signature no longer verifies.
	db, _ = fresh("forged.db")
	b, err := os.ReadFile(db + ".checkpoints")
	if err != nil {
		t.Fatal(err)
	}
	forged := regexp.MustCompile(`"seq":\d+`).ReplaceAll(b, []byte(`"seq":1`))
	if err := os.WriteFile(db+".checkpoints", forged, 0o644); err != nil {
		t.Fatal(err)
	}
	verify(db, false, "line 1", "signature does not verify")
}

// TestServeWritesCheckpoints starts `serve --checkpoint-key` and finds the
// checkpoint it writes at start in the file beside the database, which
// `audit verify` then checks.
func TestServeWritesCheckpoints(t *testing.T) {
	dir := t.TempDir()
	db, key := filepath.Join(dir, "s.db"), filepath.Join(dir, "audit.key")
	if out, _, err := runCLI(t, "migrate", "--db", db); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if _, errOut, err := runCLIWithStdin(t, "secret-password\n", "user", "add", "--db", db, "--username", "cw.a", "--role", "caseworker", "--scope", "652301"); err != nil {
		t.Fatalf("user add: %v\n%s", err, errOut)
	}
	if out, _, err := runCLI(t, "audit", "keygen", "--key", key); err != nil {
		t.Fatalf("keygen: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"safetynet", "serve", "--addr", "127.0.0.1:0", "--db", db, "--checkpoint-key", key, "--checkpoint-every", "1h"},
			func(string) string { return "" }, strings.NewReader(""), &syncBuffer{}, &syncBuffer{})
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(db + ".checkpoints"); err == nil && bytes.Count(b, []byte("\n")) == 1 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no checkpoint written by serve: %v", <-done)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "audit", "verify", "--db", db, "--pub", key+".pub")
	if err != nil || !strings.Contains(out, "checkpoints: 1 of 1 hold; events up to 1 are anchored") {
		t.Errorf("verify after serve: %v\n%s", err, out)
	}
}
