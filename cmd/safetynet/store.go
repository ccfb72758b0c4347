package main

import (
	"context"
	"log/slog"

	"safetynet/internal/sqlstore"
)

// openStore opens and migrates the database named by dsn.
func openStore(ctx context.Context, dsn string, logger *slog.Logger) (*sqlstore.DB, error) {
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
