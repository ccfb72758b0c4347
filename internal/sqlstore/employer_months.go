package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// employer_months holds, per employer, month and scheme, what was assessed
// (due: the employer and individual parts) and what was paid with the
// employer named (paid), placed by the employer's region. Every write of
// assessments and payments keeps it current in its own transaction, so the
// arrears page reads a page of employers instead of aggregating a county's
// assessments and payments (docs/console.md, Speed).

// employerMonthsDue recomputes due for every employer in month m from the
// month's assessments, whatever region the run covered: an employer's
// employees may live in several counties. Rows left with nothing due and
// nothing paid are removed.
//
// On PostgreSQL the table is locked against other writers first: the
// recompute rewrites a month of every employer, and payments posted
// meanwhile, locking their employers' rows in another order, could
// deadlock with it. They wait for the run's commit instead (seconds; SQLite
// has one writer anyway).
func (db *DB) employerMonthsDue(ctx context.Context, tx *sql.Tx, m period.Month) error {
	ms := m.String()
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE employer_months IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("employer months of %s: lock: %w", m, err)
		}
	}
	for _, s := range []struct{ what, sql string }{
		{"clear", `UPDATE employer_months SET due = 0 WHERE period = ? AND due <> 0`},
		{"sum", `INSERT INTO employer_months (org_id, period, scheme, region_code, due, paid)
			SELECT a.org_id, a.period, a.scheme, o.region_code, CAST(SUM(a.employer + a.individual) AS BIGINT), 0
			FROM assessments a JOIN organisations o ON o.id = a.org_id
			WHERE a.period = ? AND a.org_id IS NOT NULL
			GROUP BY a.org_id, a.period, a.scheme, o.region_code
			ON CONFLICT (org_id, period, scheme) DO UPDATE SET due = excluded.due`},
		{"prune", `DELETE FROM employer_months WHERE period = ? AND due = 0 AND paid = 0`},
	} {
		if _, err := tx.ExecContext(ctx, db.q(s.sql), ms); err != nil {
			return fmt.Errorf("employer months of %s: %s: %w", m, s.what, err)
		}
	}
	return nil
}

// employerMonthKey is one row of employer_months.
type employerMonthKey struct {
	org    registry.OrgID
	period string
	scheme insurance.Scheme
}

// employerMonthsPaid adds what ps paid with an employer named to the
// employers' months, one upsert per employer, month and scheme.
func (db *DB) employerMonthsPaid(ctx context.Context, tx *sql.Tx, ps []insurance.Payment) error {
	sums := map[employerMonthKey]money.Fen{}
	for i := range ps {
		p := &ps[i]
		if p.OrgID == 0 {
			continue
		}
		k := employerMonthKey{p.OrgID, p.Period.String(), p.Scheme}
		s, err := money.Add(sums[k], p.Employer)
		if err == nil {
			s, err = money.Add(s, p.Individual)
		}
		if err != nil {
			return fmt.Errorf("employer months: paid by employer %d in %s: %w", p.OrgID, k.period, err)
		}
		sums[k] = s
	}
	keys := make([]employerMonthKey, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	// A fixed order: concurrent posts touch the rows in the same order.
	slices.SortFunc(keys, func(a, b employerMonthKey) int {
		return cmp.Or(cmp.Compare(a.org, b.org), strings.Compare(a.period, b.period), strings.Compare(string(a.scheme), string(b.scheme)))
	})
	stmt := db.q(`INSERT INTO employer_months (org_id, period, scheme, region_code, due, paid)
		SELECT id, CAST(? AS TEXT), CAST(? AS TEXT), region_code, 0, CAST(? AS BIGINT) FROM organisations WHERE id = ?
		ON CONFLICT (org_id, period, scheme) DO UPDATE SET paid = employer_months.paid + excluded.paid`)
	for _, k := range keys {
		res, err := tx.ExecContext(ctx, stmt, k.period, string(k.scheme), int64(sums[k]), int64(k.org))
		if err != nil {
			return fmt.Errorf("employer months: paid by employer %d in %s: %w", k.org, k.period, mapErr(err))
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("employer months: employer %d of a payment in %s is not registered", k.org, k.period)
		}
	}
	return nil
}

// moveEmployerMonths places the months of employer id in region code, the
// employer's new region.
func (db *DB) moveEmployerMonths(ctx context.Context, tx *sql.Tx, id registry.OrgID, code region.Code) error {
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE employer_months SET region_code = ? WHERE org_id = ? AND region_code <> ?`),
		string(code), int64(id), string(code)); err != nil {
		return fmt.Errorf("employer months of employer %d: %w", id, err)
	}
	return nil
}

// Arrears implements insurance.Store: what employers were assessed against
// what was paid with the employer named, per employer, month and scheme,
// for months with less paid than due. The region is the employer's
// (organisations.region_code), for assessments and payments alike. With
// f.Limit, only the months of the first f.Limit employers after f.After
// in arrears are read: a page never reads a county's months.
func (db *DB) Arrears(ctx context.Context, f insurance.ArrearsFilter) ([]insurance.ArrearsRow, error) {
	var w where
	// due > paid literally, for the partial index employer_months_arrears.
	w.add("due > paid")
	w.region("region_code", f.Region)
	w.add("period >= ? AND period <= ?", f.From.String(), f.To.String())
	if f.OrgID > 0 {
		w.add("org_id = ?", int64(f.OrgID))
	}
	if f.After > 0 {
		w.add("org_id > ?", int64(f.After))
	}
	if f.Limit > 0 {
		orgs, err := queryAll(ctx, db, db.r, "employers in arrears", func(rows scanner) (int64, error) {
			var id int64
			err := rows.Scan(&id)
			return id, err
		}, "SELECT DISTINCT org_id FROM employer_months"+w.sql()+" ORDER BY org_id LIMIT ?", append(w.args, f.Limit)...)
		if err != nil {
			return nil, err
		}
		if len(orgs) == 0 {
			return []insurance.ArrearsRow{}, nil
		}
		in := make([]any, len(orgs))
		for i, id := range orgs {
			in[i] = id
		}
		w.add("org_id IN (?"+strings.Repeat(", ?", len(in)-1)+")", in...)
	}
	return orEmpty(queryAll(ctx, db, db.r, "arrears", func(rows scanner) (insurance.ArrearsRow, error) {
		var r insurance.ArrearsRow
		if err := rows.Scan(&r.OrgID, &r.Period, &r.Scheme, &r.Due, &r.Paid); err != nil {
			return r, err
		}
		r.Arrears = r.Due - r.Paid
		return r, nil
	}, "SELECT org_id, period, scheme, due, paid FROM employer_months"+w.sql()+" ORDER BY org_id, period, scheme", w.args...))
}
