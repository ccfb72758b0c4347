package main

import (
	"context"
	"io"
	"log/slog"

	"testing"

	"safetynet/internal/app"
	"safetynet/internal/sqlstore"
)

// defaultEnv is the environment of a process with no options and no
// environment variables: the embedded Changji jurisdiction.
func defaultEnv() env {
	st, _, err := parseSite(nil, func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	return env{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard, site: st}
}

// createStore creates (if need be) and migrates the database dsn through
// the composition root, as gen, demo and migrate do.
func createStore(ctx context.Context, dsn string, _ *slog.Logger) (*sqlstore.DB, error) {
	a, _, err := createApp(ctx, defaultEnv(), dsn, "test")
	if err != nil {
		return nil, err
	}
	return a.Store, nil
}

// openStore opens the existing database dsn through the composition root,
// as every other command does.
func openStore(ctx context.Context, dsn string, _ *slog.Logger) (*sqlstore.DB, error) {
	a, _, err := openApp(ctx, defaultEnv(), dsn, "test")
	if err != nil {
		return nil, err
	}
	return a.Store, nil
}

// testApp builds the services over db as the commands do, with the
// embedded policy package, jurisdiction and the system clock.
func testApp(t testing.TB, db *sqlstore.DB) *app.App {
	t.Helper()
	e := defaultEnv()
	pk, err := loadPolicies(e, "")
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(db, pk, e.site.juris, e.site.clock(), app.Options{})
	a.Screening.Leases = jobLeases()
	return a
}
