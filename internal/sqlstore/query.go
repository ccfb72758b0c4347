package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"safetynet/internal/fault"
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

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
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
	return fault.Errorf(fault.Conflict, "%s %d was changed by someone else: you have version %d, the current one is %d; reload and try again",
		strings.TrimSuffix(table, "s"), id, version, cur)
}
