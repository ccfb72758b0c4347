package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// This file holds everything that differs between SQLite and PostgreSQL:
// placeholders, literals and timestamps, SQL functions, locking, key
// sequences, planner hints and the mapping of constraint violations. The
// rest of the package writes one SQL text for both engines and asks these
// helpers for the parts that differ; no other file tests the dialect.

// Dialect names a database engine.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// gooseDialect is the migration tool's name for the engine.
func (db *DB) gooseDialect() goose.Dialect {
	if db.dialect == Postgres {
		return goose.DialectPostgres
	}
	return goose.DialectSQLite3
}

// ---- placeholders

// q rewrites a query written with ? placeholders for the dialect.
func (db *DB) q(query string) string {
	if db.dialect != Postgres {
		return query
	}
	return rebind(query)
}

// rebind turns ? placeholders into $1, $2, ... outside quoted strings.
func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// inKeys returns the condition "col is one of keys" with one argument
// holding them all, whatever their number: a JSON array read with
// json_each on SQLite, an array on PostgreSQL.
func inKeys[T int64 | string](db *DB, col string, keys []T) (string, any, error) {
	if db.dialect == Postgres {
		return col + " = ANY(?)", keys, nil
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return "", nil, err
	}
	return col + " IN (SELECT value FROM json_each(?))", string(b), nil
}

// ---- values: booleans and timestamps

// boolv returns b as the dialect stores booleans.
func (db *DB) boolv(b bool) any {
	if db.dialect == Postgres {
		return b
	}
	if b {
		return 1
	}
	return 0
}

// boolLit is a boolean literal of the dialect, for INSERT ... SELECT lists
// where a bound parameter's type cannot be inferred.
func (db *DB) boolLit(b bool) string {
	switch {
	case db.dialect == Postgres && b:
		return "TRUE"
	case db.dialect == Postgres:
		return "FALSE"
	case b:
		return "1"
	}
	return "0"
}

// bit reads a boolean column as 0 or 1 on both engines, to scan it into
// an integer.
func bit(col string) string { return "CASE WHEN " + col + " THEN 1 ELSE 0 END" }

// ts returns t as the dialect stores timestamps: TIMESTAMPTZ for
// PostgreSQL, RFC 3339 text in UTC for SQLite. Both keep microseconds.
func (db *DB) ts(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if db.dialect == Postgres {
		return t
	}
	return t.Format(time.RFC3339Nano)
}

// tsOrNil is ts, with NULL for the zero time.
func (db *DB) tsOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.ts(t)
}

// tsParam is a timestamp placeholder usable in a SELECT list.
func (db *DB) tsParam() string {
	if db.dialect == Postgres {
		return "CAST(? AS TIMESTAMPTZ)"
	}
	return "?"
}

// timeCol scans a timestamp stored by either dialect.
type timeCol struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*c.t = v.UTC()
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("scan timestamp %q: %w", v, err)
		}
		*c.t = t
	case []byte:
		return c.Scan(string(v))
	case nil:
		*c.t = time.Time{}
	default:
		return fmt.Errorf("scan timestamp: unsupported type %T", src)
	}
	return nil
}

// ---- SQL functions

// monthOf is the "YYYY-MM" month of a date column.
func (db *DB) monthOf(col string) string {
	if db.dialect == Postgres {
		return "to_char(" + col + ", 'YYYY-MM')"
	}
	return "substr(" + col + ", 1, 7)"
}

// monthYearsAfter is the "YYYY-MM" month n years after a date column: the
// month a person born on col turns n.
func (db *DB) monthYearsAfter(col string, n int) string {
	if db.dialect == Postgres {
		return "to_char(" + col + " + interval '" + strconv.Itoa(n) + " years', 'YYYY-MM')"
	}
	return "(CAST(CAST(SUBSTR(" + col + ", 1, 4) AS INTEGER) + " + strconv.Itoa(n) + " AS TEXT) || SUBSTR(" + col + ", 5, 3))"
}

// leastGreatest are the names of the two-argument minimum and maximum.
func (db *DB) leastGreatest() (least, greatest string) {
	if db.dialect == Postgres {
		return "LEAST", "GREATEST"
	}
	return "min", "max"
}

// ---- planner hints

// keyOrderRegion returns the region column to filter on: for a read of
// the whole prefecture (or wider) on SQLite, the column behind a unary
// plus, which keeps SQLite off the region index so that it scans the
// table in key order, faster than the index plus a sort by key when
// nearly every row is read. PostgreSQL chooses well by itself.
func (db *DB) keyOrderRegion(col string, code region.Code) string {
	if db.dialect == SQLite && code.Level() <= region.Prefecture {
		return "+" + col
	}
	return col
}

// indexedBy is the clause that makes SQLite read a table through index:
// SQLite keeps no statistics unless told to (ANALYZE), and without them it
// guesses between two ranges (a region and a name) and may guess the one
// that reads a hundred times more rows. PostgreSQL keeps statistics and
// chooses by itself.
func (db *DB) indexedBy(index string) string {
	if db.dialect == SQLite {
		return " INDEXED BY " + index
	}
	return ""
}

// codePointOrder is col compared in code-point order, the order a prefix
// range (where.prefix) assumes: SQLite compares text so by default, while
// PostgreSQL follows the database's collation unless told COLLATE "C"
// (and its index is in that order too).
func (db *DB) codePointOrder(col string) string {
	if db.dialect == Postgres {
		return col + ` COLLATE "C"`
	}
	return col
}

// insertRollbackVerb is the INSERT of a multi-row statement whose violated
// constraint rolls the whole transaction back on SQLite (INSERT OR
// ROLLBACK) rather than the statement alone, so that SQLite keeps no
// statement journal; PostgreSQL needs nothing of the kind.
func (db *DB) insertRollbackVerb() string {
	if db.dialect == SQLite {
		return "INSERT OR ROLLBACK"
	}
	return "INSERT"
}

// widenCache raises the SQLite page cache of tx's connection to at least
// kib KiB and returns the function that restores it; nothing on
// PostgreSQL.
func (db *DB) widenCache(ctx context.Context, tx *sql.Tx, kib int) (func() error, error) {
	none := func() error { return nil }
	if db.dialect != SQLite {
		return none, nil
	}
	var cur int
	if err := tx.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cur); err != nil {
		return nil, fmt.Errorf("read the page cache size: %w", err)
	}
	if cur < 0 && -cur >= kib {
		return none, nil
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA cache_size = "+strconv.Itoa(-kib)); err != nil {
		return nil, fmt.Errorf("widen the page cache: %w", err)
	}
	return func() error {
		if _, err := tx.ExecContext(ctx, "PRAGMA cache_size = "+strconv.Itoa(cur)); err != nil {
			return fmt.Errorf("restore the page cache size: %w", err)
		}
		return nil
	}, nil
}

// ---- locking and key sequences

// lockPerson locks a person's row on PostgreSQL, so that two writes
// checked against the person's records run one after the other; SQLite has
// one writer already. It is a NotFound error when there is no such person.
func (db *DB) lockPerson(ctx context.Context, tx *sql.Tx, id int64) error {
	if db.dialect != Postgres {
		return nil
	}
	var got int64
	if err := tx.QueryRowContext(ctx, db.q("SELECT id FROM persons WHERE id = ? FOR NO KEY UPDATE"), id).Scan(&got); err != nil {
		return notFound(err, "person", id)
	}
	return nil
}

// advisoryLock takes a transaction-scoped advisory lock on PostgreSQL;
// SQLite has one writer already. what names the lock in errors.
func (db *DB) advisoryLock(ctx context.Context, tx *sql.Tx, key int64, what string) error {
	if db.dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", key); err != nil {
		return fmt.Errorf("lock %s: %w", what, err)
	}
	return nil
}

// execer is a *sql.DB or *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// advanceKey moves a table's identity sequence past the keys given
// explicitly, on PostgreSQL; SQLite takes the next key from the table.
func (db *DB) advanceKey(ctx context.Context, x execer, table string) error {
	if db.dialect != Postgres {
		return nil
	}
	q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM %s), 1))", table, table)
	if _, err := x.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("advance %s key sequence: %w", table, err)
	}
	return nil
}

// ---- errors

// mapErr turns constraint violations of either engine into coded errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return fault.Wrap(fault.Conflict, err, "%s", conflictMessage(pgErr.ConstraintName))
		case "23503":
			return fault.Wrap(fault.Invalid, err, "a referenced record does not exist")
		case "23514":
			return fault.Wrap(fault.Invalid, err, "a value is out of range")
		}
		return err
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		switch sqlErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fault.Wrap(fault.Conflict, err, "%s", conflictMessage(sqlErr.Error()))
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fault.Wrap(fault.Invalid, err, "a referenced record does not exist")
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return fault.Wrap(fault.Invalid, err, "a value is out of range")
		}
	}
	return err
}

// conflictMessage names what is duplicated, from a constraint name (PostgreSQL)
// or an error text naming table.column (SQLite).
func conflictMessage(s string) string {
	switch {
	case strings.Contains(s, "persons_id_number") || strings.Contains(s, "persons.id_number"):
		return "a person with this ID number is registered already"
	case strings.Contains(s, "household_members_person") || strings.Contains(s, "household_members.person_id"):
		return "a member belongs to another household already"
	case strings.Contains(s, "one_head") || strings.Contains(s, "household_members.household_id"):
		return "a household has exactly one head"
	case strings.Contains(s, "organisations_uscc") || strings.Contains(s, "organisations.uscc"):
		return "an organisation with this unified social credit code is registered already"
	case strings.Contains(s, "users_username") || strings.Contains(s, "users.username"):
		return "the username is taken"
	case strings.Contains(s, "one_primary") || strings.Contains(s, "bank_accounts.owner"):
		return "the owner has a primary account already"
	}
	return "the record exists already"
}

// connect opens the writer and reader pools of the database at source:
// on SQLite one writer connection that takes the write lock at BEGIN and
// eight readers, each with the pragmas below; on PostgreSQL one pool for
// both.
func (d Dialect) connect(source string) (w, r *sql.DB, err error) {
	switch d {
	case SQLite:
		// busy_timeout first, then WAL; the writer takes the write lock at
		// BEGIN so that two writers never deadlock on a lock upgrade.
		// Temporary B-trees and statement journals (a multi-row INSERT
		// inside a transaction keeps one) stay in memory.
		pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)"
		sep := "?"
		if strings.Contains(source, "?") {
			sep = "&"
		}
		if w, err = sql.Open("sqlite", "file:"+source+sep+pragmas+"&_txlock=immediate"); err != nil {
			return nil, nil, fmt.Errorf("open sqlite %s: %w", source, err)
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		if r, err = sql.Open("sqlite", "file:"+source+sep+pragmas); err != nil {
			w.Close()
			return nil, nil, fmt.Errorf("open sqlite %s: %w", source, err)
		}
		r.SetMaxOpenConns(8)
	case Postgres:
		if w, err = sql.Open("pgx", source); err != nil {
			return nil, nil, fmt.Errorf("open postgres %s: %w", redactDSN(source), err)
		}
		w.SetMaxOpenConns(16)
		r = w
	}
	return w, r, nil
}
