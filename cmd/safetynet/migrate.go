package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "migrate", "migrate --db DSN")
	dsn := dsnFlag(fs, defaultDB)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := createStore(ctx, *dsn, e.logger())
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(e.stdout, "database is up to date (%s)\n", db.Dialect())
	return nil
}
