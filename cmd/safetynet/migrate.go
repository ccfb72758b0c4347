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
	a, _, err := createApp(ctx, e, *dsn, "migrate")
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(e.stdout, "database is up to date (%s)\n", a.Store.Dialect())
	return nil
}
