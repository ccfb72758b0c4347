// Package sqlstore is the database adapter of safetynet: one code path over
// database/sql for SQLite (modernc.org/sqlite, the embedded default) and
// PostgreSQL (pgx), with SQL written by hand next to the method that uses it
// and migrations embedded per dialect.
//
// Everything that differs between the two engines is in dialect.go; the
// reads share the helpers of query.go (queryAll, queryOne, eachRow and the
// where builder). The methods are filed by entity (persons.go,
// households.go, ...); readmodel_*.go hold the cross-domain reads, each
// naming the rule it serves. Tests of the SQL itself (schema, migrations,
// bulk loads, overflow, leases, read models) and the benchmarks live here;
// the tests of a service's behaviour live with its domain package and open
// their store through sqlstoretest.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// DB is the store. For SQLite it keeps one write connection and a separate
// read pool; for PostgreSQL both are the same pool.
type DB struct {
	w, r    *sql.DB
	dialect Dialect
	logger  *slog.Logger
	// juris is the jurisdiction: its tree seeds the regions table, its
	// home region tells the hukou-local.
	juris region.Jurisdiction
	clock clock.Clock
}

// Option sets up a DB at Open.
type Option func(*DB)

// WithJurisdiction makes j the store's jurisdiction (the embedded Changji
// one by default).
func WithJurisdiction(j region.Jurisdiction) Option { return func(db *DB) { db.juris = j } }

// WithClock makes c the clock of the store's timestamps (the system clock
// by default).
func WithClock(c clock.Clock) Option { return func(db *DB) { db.clock = c } }

// ParseDSN returns the dialect and driver data source of a safetynet DSN: a
// file path, "sqlite:PATH", or a "postgres://" or "postgresql://" URL.
func ParseDSN(dsn string) (Dialect, string, error) {
	switch {
	case dsn == "":
		return "", "", fmt.Errorf("empty database DSN")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		return SQLite, strings.TrimPrefix(dsn, "sqlite:"), nil
	case strings.Contains(dsn, "://"):
		return "", "", fmt.Errorf("unsupported database DSN scheme in %q: use a file path, sqlite:PATH or postgres://", redactDSN(dsn))
	default:
		return SQLite, dsn, nil
	}
}

// redactDSN hides a password in a DSN for messages.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 {
		return dsn
	}
	cred := dsn[scheme+3 : at]
	if i := strings.Index(cred, ":"); i >= 0 {
		return dsn[:scheme+3] + cred[:i] + ":***" + dsn[at:]
	}
	return dsn
}

// Open connects to the database named by dsn. It does not migrate.
func Open(ctx context.Context, dsn string, logger *slog.Logger, opts ...Option) (*DB, error) {
	dialect, source, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{dialect: dialect, logger: logger.With("component", "sqlstore"), juris: region.DefaultJurisdiction()}
	db.clock = clock.System(db.juris.Zone)
	for _, o := range opts {
		o(db)
	}
	if db.w, db.r, err = dialect.connect(source); err != nil {
		return nil, err
	}
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	return db, nil
}

// Dialect returns the engine in use.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes every connection.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// tx runs fn in a write transaction and commits it, or rolls it back if fn
// or the commit fails.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// now returns the current time, truncated to what the databases store.
// Now returns the current time by the store's clock.
func (db *DB) Now() time.Time { return db.clock.Now() }

func (db *DB) now() time.Time { return db.clock.Now().UTC().Truncate(time.Microsecond) }

// notFound returns a NotFound error for kind and key when err is
// sql.ErrNoRows, and err otherwise.
func notFound(err error, kind string, key any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Errorf(fault.NotFound, "%s %v not found", kind, key)
	}
	return err
}

// ExecRaw runs a statement outside any store method. It exists for operators'
// repair scripts and for tests that tamper with the data; application code
// never uses it.
func (db *DB) ExecRaw(ctx context.Context, stmt string) error {
	_, err := db.w.ExecContext(ctx, stmt)
	return err
}

// QueryRowRaw runs a query outside any store method, for operators' checks
// and for tests that count rows; application code never uses it.
func (db *DB) QueryRowRaw(ctx context.Context, query string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.q(query), args...)
}

// newInterner returns a function that gives one string per distinct text
// read as raw bytes: a scan of a million rows with a few repeated texts
// (regions, schemes, kinds) allocates each text once.
func newInterner() func(sql.RawBytes) string {
	texts := map[string]string{}
	return func(b sql.RawBytes) string {
		if s, ok := texts[string(b)]; ok {
			return s
		}
		s := string(b)
		texts[s] = s
		return s
	}
}
