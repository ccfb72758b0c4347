package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

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
