package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/frontoffice"
)

// CountApplications counts the applications of f (its Region a range on
// region_code, the caller's scope; its statuses, department and due dates
// as Applications reads them), for the console's home queue: one COUNT
// over the indexed columns, never the rows.
func (db *DB) CountApplications(ctx context.Context, f frontoffice.Filter) (int64, error) {
	var w where
	w.region("region_code", f.Region)
	if len(f.Statuses) > 0 {
		marks := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			marks[i] = "?"
			w.args = append(w.args, string(s))
		}
		w.conds = append(w.conds, "status IN ("+strings.Join(marks, ", ")+")")
	}
	w.text("point_id", f.Point)
	w.text("matter_id", f.Matter)
	w.text("department", f.Department)
	if f.AssigneeID > 0 {
		w.add("assignee_id = ?", f.AssigneeID)
	}
	if !f.DueBefore.IsZero() {
		w.add("due_date <= ?", f.DueBefore)
	}
	var n int64
	if err := db.r.QueryRowContext(ctx, db.q("SELECT COUNT(*) FROM applications"+w.sql()), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count applications: %w", err)
	}
	return n, nil
}
