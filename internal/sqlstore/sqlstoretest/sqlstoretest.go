// Package sqlstoretest opens real, migrated databases for tests: SQLite in
// the test's temporary directory, and PostgreSQL in a fresh schema when
// SP_TEST_POSTGRES_URL names a server.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"safetynet/internal/clock"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

// EnvPostgres names the environment variable with the PostgreSQL test
// server's URL.
const EnvPostgres = "SP_TEST_POSTGRES_URL"

// Open returns a migrated SQLite database in t.TempDir(), closed when the
// test ends.
func Open(t testing.TB) *sqlstore.DB {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "safetynet.db"))
}

// OpenFile returns the migrated SQLite database at path, closed (and
// kept) when the test ends: a fixture that benchmarks build once.
func OpenFile(t testing.TB, path string) *sqlstore.DB {
	t.Helper()
	return open(t, path)
}

// EnvBenchCache names the environment variable with a directory where
// benchmarks may keep the large fixtures they build, to reuse them.
const EnvBenchCache = "SP_BENCH_CACHE"

// OpenPostgres returns a migrated PostgreSQL database in a schema of its own,
// dropped when the test ends. It skips the test when SP_TEST_POSTGRES_URL is
// not set.
func OpenPostgres(t testing.TB) *sqlstore.DB {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("%s is not set: PostgreSQL tests skipped (scripts/test.sh starts a throwaway server)", EnvPostgres)
	}
	var raw [6]byte
	if _, err := rand.Read(raw[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(raw[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, u.String())
}

// Engines returns the DSN openers to run a conformance suite on: SQLite
// always, PostgreSQL when configured.
func Engines() map[string]func(testing.TB) *sqlstore.DB {
	return map[string]func(testing.TB) *sqlstore.DB{"sqlite": Open, "postgres": OpenPostgres}
}

// clocks holds the settable clock of each database open opened, for
// NewApp to give the services the store's own clock.
var clocks sync.Map // *sqlstore.DB → *clock.Settable

// storeClock returns the settable clock db was opened with.
func storeClock(db *sqlstore.DB) *clock.Settable {
	if c, ok := clocks.Load(db); ok {
		return c.(*clock.Settable)
	}
	panic("sqlstoretest: the database was not opened by sqlstoretest")
}

// open opens and migrates the database of dsn in the default
// jurisdiction, on a settable clock that tells the system time until a
// test sets it (through NewApp's clock).
func open(t testing.TB, dsn string) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	j := region.DefaultJurisdiction()
	now := clock.NewSettable(time.Now)
	db, err := sqlstore.Open(ctx, dsn, logger, sqlstore.WithJurisdiction(j), sqlstore.WithClock(now.In(j.Zone)))
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	clocks.Store(db, now)
	t.Cleanup(func() { db.Close(); clocks.Delete(db) })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return db
}
