package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

// Migrate brings the schema up to date, each migration in its own
// transaction recorded by goose, then runs the ordered data backfills.
func (db *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return fmt.Errorf("migrations for %s: %w", db.dialect, err)
	}
	dialect := db.gooseDialect()
	// Migrations written on parallel branches land out of order: a
	// database may already hold a later one when an earlier one arrives.
	// Each migration touches its own tables, so applying it late is safe.
	p, err := goose.NewProvider(dialect, db.w, sub, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		db.logger.Info("migration applied", "version", r.Source.Version, "duration_ms", r.Duration.Milliseconds())
	}
	for _, b := range backfills {
		if err := db.tx(ctx, func(tx *sql.Tx) error { return b.run(ctx, db, tx) }); err != nil {
			return fmt.Errorf("backfill %s: %w", b.name, err)
		}
	}
	return nil
}

// backfills are data steps that need Go code, in order. Each must be
// idempotent: it runs at every migrate.
var backfills = []struct {
	name string
	run  func(ctx context.Context, db *DB, tx *sql.Tx) error
}{
	{"region tree", seedRegions},
}

// seedRegions inserts the nodes of the jurisdiction's region tree that the
// database lacks; nodes renamed or added through the API are kept.
func seedRegions(ctx context.Context, db *DB, tx *sql.Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM regions").Scan(&n); err != nil {
		return err
	}
	tree := db.juris.Tree
	if n >= tree.Len() {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, db.q(`INSERT INTO regions (code, parent_code, level, name_zh, name_en, kind, population_2010)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, nd := range tree.Nodes() {
		if _, err := stmt.ExecContext(ctx, nd.Code, nd.Parent, nd.Level.String(), nd.NameZH, nd.NameEN, nd.Kind, nd.Population2010); err != nil {
			return fmt.Errorf("region %s: %w", nd.Code, err)
		}
	}
	return nil
}
