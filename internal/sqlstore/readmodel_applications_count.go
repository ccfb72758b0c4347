package sqlstore

import (
	"context"
	"fmt"

	"safetynet/internal/frontoffice"
)

// CountApplications counts the applications of f (as Applications selects
// them), for the console's home queue: one COUNT over the indexed
// columns, never the rows.
func (db *DB) CountApplications(ctx context.Context, f frontoffice.Filter) (int64, error) {
	w := applicationsWhere(f)
	var n int64
	if err := db.r.QueryRowContext(ctx, db.q("SELECT COUNT(*) FROM applications"+w.sql()), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count applications: %w", err)
	}
	return n, nil
}

// CountApplicationsBy implements frontoffice.Store: the applications of f
// counted per service point (the channel for those received with none)
// and per department, grouped in SQL, sorted by key.
func (db *DB) CountApplicationsBy(ctx context.Context, f frontoffice.Filter) (byPoint, byDepartment []frontoffice.Group, err error) {
	w := applicationsWhere(f)
	count := func(key string) ([]frontoffice.Group, error) {
		return orEmpty(queryAll(ctx, db, db.r, "applications counted by "+key, func(sc scanner) (frontoffice.Group, error) {
			var g frontoffice.Group
			err := sc.Scan(&g.Key, &g.Count)
			return g, err
		}, `SELECT `+key+`, COUNT(*) FROM applications`+w.sql()+` GROUP BY 1 ORDER BY 1`, w.args...))
	}
	if byPoint, err = count("CASE WHEN point_id = '' THEN channel ELSE point_id END"); err != nil {
		return nil, nil, err
	}
	if byDepartment, err = count("department"); err != nil {
		return nil, nil, err
	}
	return byPoint, byDepartment, nil
}
