package sqlstore

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// TestMigrationEndsUnkeyedSessions checks that migration 00021 removes the
// sessions stored before keyed hashes (a plain SHA-256, no seal): their
// users sign in again.
func TestMigrationEndsUnkeyedSessions(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.w, sub, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 20); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO users (id, username, role, scope, password_hash, created_at) VALUES (1, 'cw', 'caseworker', '652301', 'x', '2026-01-01T00:00:00Z')`,
		`INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('d2a84f4b8b650937ec8f73cd8be2c74add5a911ba64df27458ed8229da804a26', 1, '2026-01-01T00:00:00Z', '2099-01-01T00:00:00Z')`,
	} {
		if _, err := db.w.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions").Scan(&n); err != nil || n != 0 {
		t.Errorf("sessions after migration 00021: %d, %v; want none", n, err)
	}
}
