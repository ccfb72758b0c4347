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

// TestMigrationConfirmsRegisteredAccounts checks that migration 00014
// marks the accounts recorded before it confirmed (the system's initial
// registration), so that they are still paid, while an account recorded
// afterwards without a status is pending.
func TestMigrationConfirmsRegisteredAccounts(t *testing.T) {
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
	p, err := goose.NewProvider(goose.DialectSQLite3, db.w, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO bank_accounts (region_code, owner_kind, owner_id, bank_code, bank_name, account_no, account_name, is_primary)
		VALUES ('652301001001', 'person', ?, 'ICBC', '工行', '6222020000000001', '王芳', 1)`
	if _, err := db.w.ExecContext(ctx, insert, 1); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, insert, 2); err != nil {
		t.Fatal(err)
	}
	for owner, want := range map[int]string{1: "confirmed", 2: "pending"} {
		var st string
		if err := db.w.QueryRowContext(ctx, "SELECT status FROM bank_accounts WHERE owner_id = ?", owner).Scan(&st); err != nil || st != want {
			t.Errorf("account of owner %d: status %q, %v; want %s", owner, st, err, want)
		}
	}
}
