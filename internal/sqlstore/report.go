package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// CoverageCounts implements insurance.Store with four grouped
// scans: adults, the employed, the insured and the payments of the month,
// each by county (the first six digits of the region code).
func (db *DB) CoverageCounts(ctx context.Context, m period.Month, code region.Code) ([]insurance.CoverageCounts, error) {
	byCounty := map[region.Code]*insurance.CoverageCounts{}
	get := func(c region.Code) *insurance.CoverageCounts {
		r, ok := byCounty[c]
		if !ok {
			r = &insurance.CoverageCounts{County: c, Insured: map[insurance.Scheme]int{}, Payments: map[insurance.Scheme]int{},
				Collected: map[insurance.Scheme]money.Fen{}}
			byCounty[c] = r
		}
		return r
	}
	first, last := m.First(), m.Last()
	// Aged 16 or over on the last day of the month: born on or before the
	// same day 16 years earlier (AddMonths clamps 29 February).
	adultBy := last.AddMonths(-16 * 12)
	type scan struct {
		name  string
		query string
		args  []any
		row   func(c *insurance.CoverageCounts, scheme string, n int, sum int64)
	}
	sqlOf := func(w where) (string, []any) { return w.sql(), w.args }
	var adults, employed, insured, paid where
	adults.region("region_code", code)
	adults.add("birth_date <= ? AND (death_date IS NULL OR death_date >= ?)", adultBy, first)
	employed.region("region_code", code)
	employed.add("start_date <= ? AND (end_date IS NULL OR end_date >= ?)", last, first)
	insured.region("region_code", code)
	insured.add("start_month <= ? AND (end_month IS NULL OR end_month >= ?)", m, m)
	paid.region("region_code", code)
	paid.add("period = ?", m)
	aw, aa := sqlOf(adults)
	ew, ea := sqlOf(employed)
	iw, ia := sqlOf(insured)
	pw, pa := sqlOf(paid)
	scans := []scan{
		{"adults", `SELECT SUBSTR(region_code, 1, 6), '', COUNT(*), 0 FROM persons` + aw + ` GROUP BY SUBSTR(region_code, 1, 6)`, aa,
			func(c *insurance.CoverageCounts, _ string, n int, _ int64) { c.Adults = n }},
		{"employed", `SELECT SUBSTR(region_code, 1, 6), '', COUNT(DISTINCT person_id), 0 FROM employment` + ew + ` GROUP BY SUBSTR(region_code, 1, 6)`, ea,
			func(c *insurance.CoverageCounts, _ string, n int, _ int64) { c.Employed = n }},
		{"insured", `SELECT SUBSTR(region_code, 1, 6), scheme, COUNT(DISTINCT person_id), 0 FROM enrolments` + iw + ` GROUP BY SUBSTR(region_code, 1, 6), scheme`, ia,
			func(c *insurance.CoverageCounts, s string, n int, _ int64) { c.Insured[insurance.Scheme(s)] = n }},
		{"payments", `SELECT SUBSTR(region_code, 1, 6), scheme, COUNT(*), CAST(SUM(employer + individual) AS BIGINT) FROM payments` + pw + ` GROUP BY SUBSTR(region_code, 1, 6), scheme`, pa,
			func(c *insurance.CoverageCounts, s string, n int, sum int64) {
				c.Payments[insurance.Scheme(s)] = n
				c.Collected[insurance.Scheme(s)] = money.Fen(sum)
			}},
	}
	for _, sc := range scans {
		if err := eachRow(ctx, db, db.r, fmt.Sprintf("coverage of %s in %s: %s", m, code, sc.name), func(rows *sql.Rows) error {
			var county, scheme string
			var n int
			var sum int64
			if err := rows.Scan(&county, &scheme, &n, &sum); err != nil {
				return fmt.Errorf("coverage of %s in %s: scan %s: %w", m, code, sc.name, err)
			}
			sc.row(get(region.Code(county)), scheme, n, sum)
			return nil
		}, sc.query, sc.args...); err != nil {
			return nil, err
		}
	}
	out := make([]insurance.CoverageCounts, 0, len(byCounty))
	for _, c := range byCounty {
		out = append(out, *c)
	}
	return out, nil
}
