package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"safetynet/internal/sqlstore"
)

// defaultDB is the database every command uses when --db is not given:
// demo creates it, and the other commands then find it without a flag.
const defaultDB = "safetynet.db"

// openStore opens and migrates the existing database named by dsn. An
// SQLite file that does not exist is refused, so that a mistyped --db is
// an error rather than a new empty database: only gen, demo and migrate
// create one (createStore).
func openStore(ctx context.Context, dsn string, logger *slog.Logger) (*sqlstore.DB, error) {
	if err := requireDatabase(dsn); err != nil {
		return nil, err
	}
	return createStore(ctx, dsn, logger)
}

// createStore opens the database named by dsn, creating an SQLite file
// that does not exist, and migrates it.
func createStore(ctx context.Context, dsn string, logger *slog.Logger) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn, logger)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// requireDatabase reports an error when dsn names an SQLite file that does
// not exist. In-memory SQLite and PostgreSQL DSNs pass.
func requireDatabase(dsn string) error {
	dialect, source, err := sqlstore.ParseDSN(dsn)
	if err != nil {
		return err
	}
	if dialect != sqlstore.SQLite {
		return nil
	}
	path, query, _ := strings.Cut(source, "?")
	path = strings.TrimPrefix(path, "file:")
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(query, "mode=memory") {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("database %s does not exist: give the right --db (only gen, demo and migrate create a database)", path)
	} else if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	return nil
}
