package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// where accumulates the conditions and arguments of a list query.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// region restricts col to the subtree of code, as an index-friendly range.
func (w *where) region(col string, code region.Code) {
	if code == "" {
		return
	}
	lo, hi := code.Range()
	w.add(col+" >= ? AND "+col+" < ?", lo, hi)
}

// month restricts col to the month m, unless m is zero (any month).
func (w *where) month(col string, m period.Month) {
	if !m.IsZero() {
		w.add(col+" = ?", m.String())
	}
}

// text restricts col (a column or an expression) to v, unless v is empty
// (any value).
func (w *where) text(col, v string) {
	if v != "" {
		w.add(col+" = ?", v)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// prefix restricts col to the values that start with s, as a range on its
// index: col >= s AND col < s with its last character incremented (code
// point order is UTF-8 byte order). Neither engine answers LIKE 's%' from
// a plain index as written.
func (w *where) prefix(col, s string) {
	if end, ok := prefixEnd(s); ok {
		w.add(col+" >= ? AND "+col+" < ?", s, end)
		return
	}
	w.add(col+" >= ?", s)
}

// prefixEnd returns the least string greater than every string that
// starts with s; false when there is none (s is only U+10FFFF).
func prefixEnd(s string) (string, bool) {
	r := []rune(s)
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] < utf8.MaxRune {
			r[i]++
			if r[i] >= 0xD800 && r[i] <= 0xDFFF { // the surrogates are no characters
				r[i] = 0xE000
			}
			return string(r[:i+1]), true
		}
	}
	return "", false
}

// likePrefix returns a LIKE pattern matching values that start with s.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// checkUpdated turns an UPDATE that touched no row into NotFound or a
// version Conflict.
func (db *DB) checkUpdated(ctx context.Context, tx *sql.Tx, res sql.Result, table string, id int64, version int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var cur int64
	err = tx.QueryRowContext(ctx, db.q("SELECT version FROM "+table+" WHERE id = ?"), id).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Errorf(fault.NotFound, "%s %d not found", strings.TrimSuffix(table, "s"), id)
	}
	if err != nil {
		return err
	}
	return fault.Keyed(fault.Conflict, "version_conflict", "%s %d was changed by someone else: you have version %d, the current one is %d; reload and try again",
		strings.TrimSuffix(table, "s"), id, version, cur)
}

// queryer is what a read runs on: the read pool, the write connection or
// a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryAll runs query (with ? placeholders, rebound for the dialect) on q
// and scans each row with scan into a slice, nil when there is none. what
// begins the message of an error ("list persons").
func queryAll[T any](ctx context.Context, db *DB, q queryer, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := eachRow(ctx, db, q, what, func(rows *sql.Rows) error {
		v, err := scan(rows)
		if err != nil {
			return fmt.Errorf("%s: scan: %w", what, err)
		}
		out = append(out, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow runs query (with ? placeholders, rebound for the dialect) on q
// and calls fn with each row in turn, without collecting them: for the
// reads that stream or aggregate as they go. An error of fn stops the read
// and is returned as it is; the errors of the query itself begin with
// what.
func eachRow(ctx context.Context, db *DB, q queryer, what string, fn func(*sql.Rows) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// queryOne runs query (with ? placeholders, rebound for the dialect) on q
// and scans its one row with scan; no row is a NotFound error naming kind
// and key.
func queryOne[T any](ctx context.Context, db *DB, q rowQuerier, kind string, key any, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, db.q(query), args...))
	if err != nil {
		var zero T
		return zero, notFound(err, kind, key)
	}
	return v, nil
}

// rowQuerier reads one row: the read pool, the write connection or a
// transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// orEmpty turns the nil slice of a successful read into an empty one, for
// the reads whose callers tell "none" from "not read".
func orEmpty[T any](s []T, err error) ([]T, error) {
	if s == nil && err == nil {
		s = []T{}
	}
	return s, err
}

// scanOne scans a row of one column.
func scanOne[T any](row scanner) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, err
}
