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

// TestMigrationBatchRejection checks that migration 00026 keeps the
// payment batches and the rows that refer to them when SQLite rebuilds the
// table for the rejected status, and that a batch may then be rejected.
func TestMigrationBatchRejection(t *testing.T) {
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
	if _, err := p.UpTo(ctx, 24); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO payment_batches (id, fund, bank_code, period, kind, region_code, status, lines, total, created_by, created_name, created_at, approved_by, approved_at, version)
			VALUES (7, 'assistance', 'ICBC', '2026-11', 'monthly', '652301', 'approved', 1, 120000, 3, 'cw', '2026-11-02T00:00:00Z', 4, '2026-11-03T00:00:00Z', 2)`,
		`INSERT INTO bank_returns (id, batch_id, file_name, file_sha256, lines, paid, failed, imported_at) VALUES (1, 7, 'r.csv', 'abc', 1, 1, 0, '2026-11-04T00:00:00Z')`,
	} {
		if _, err := db.w.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var status, approvedAt string
	var approvedBy, version, rejectedBy int64
	if err := db.w.QueryRowContext(ctx, `SELECT status, approved_by, approved_at, version, rejected_by FROM payment_batches WHERE id = 7`).
		Scan(&status, &approvedBy, &approvedAt, &version, &rejectedBy); err != nil {
		t.Fatal(err)
	}
	if status != "approved" || approvedBy != 4 || approvedAt != "2026-11-03T00:00:00Z" || version != 2 || rejectedBy != 0 {
		t.Errorf("batch 7 after the migration: %s by %d at %s, version %d, rejected by %d", status, approvedBy, approvedAt, version, rejectedBy)
	}
	var fk int
	if err := db.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign keys after the migration: %d, %v; want on", fk, err)
	}
	rows, err := db.w.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("a foreign key is broken after the migration")
	}
	rows.Close()
	if _, err := db.w.ExecContext(ctx, `UPDATE payment_batches SET status = 'rejected', rejected_by = 5, reject_note = '账户待核实' WHERE id = 7`); err != nil {
		t.Errorf("a batch may not be rejected after the migration: %v", err)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE payment_batches SET status = 'lost' WHERE id = 7`); err == nil {
		t.Error("the status is no longer checked after the migration")
	}
}
