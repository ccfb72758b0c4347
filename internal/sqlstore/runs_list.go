package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/assistance"
	"safetynet/internal/insurance"
)

// listRows runs a list query and scans each row with scan.
func listRows[T any](ctx context.Context, db *DB, what, query string, args []any, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := db.r.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ScreeningRuns implements assistance.ScreeningLister.
func (db *DB) ScreeningRuns(ctx context.Context, f assistance.RunFilter) ([]*assistance.ScreeningRun, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if !f.Period.IsZero() {
		w.add("period = ?", f.Period.String())
	}
	if f.Programme != "" {
		w.add("programme = ?", f.Programme)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.JobID != 0 {
		w.add("job_id = ?", int64(f.JobID))
	}
	return listRows(ctx, db, "screening runs", `SELECT id, job_id, programme, period, region_code, status, evaluated, eligible, new_awards, changed,
		stopped, amount, policy_version, created_by, created_at, reviewed_by, reviewed_at, decided_by, decided_at, reason
		FROM screening_runs`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, f.Limit), func(rows *sql.Rows) (*assistance.ScreeningRun, error) {
		r := &assistance.ScreeningRun{}
		err := rows.Scan(&r.ID, &r.JobID, &r.Programme, &r.Period, &r.Region, &r.Status, &r.Evaluated, &r.Eligible, &r.NewAwards, &r.Changed,
			&r.Stopped, &r.Amount, &r.PolicyVersion, &r.CreatedBy, timeCol{&r.CreatedAt}, &r.ReviewedBy, timeCol{&r.ReviewedAt}, &r.DecidedBy,
			timeCol{&r.DecidedAt}, &r.Reason)
		return r, err
	})
}

// ScreeningJobs implements assistance.ScreeningLister.
func (db *DB) ScreeningJobs(ctx context.Context, f assistance.JobFilter) ([]*assistance.ScreeningJob, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if !f.Period.IsZero() {
		w.add("period = ?", f.Period.String())
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	return listRows(ctx, db, "screening jobs", `SELECT `+screeningJobColumns+` FROM screening_jobs`+w.sql()+` ORDER BY id LIMIT ?`,
		append(w.args, f.Limit), func(rows *sql.Rows) (*assistance.ScreeningJob, error) { return scanScreeningJob(rows) })
}

// RefundRuns implements insurance.RefundStore.
func (db *DB) RefundRuns(ctx context.Context, f insurance.RefundRunFilter) ([]*insurance.RefundRun, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if f.Year != 0 {
		w.add("year = ?", f.Year)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	return listRows(ctx, db, "refund runs", `SELECT id, year, batch, region_code, status, evaluated, enterprises, amount, policy_version, created_by,
		created_at, decided_by, decided_at, reason FROM refund_runs`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, f.Limit),
		func(rows *sql.Rows) (*insurance.RefundRun, error) {
			r := &insurance.RefundRun{}
			err := rows.Scan(&r.ID, &r.Year, &r.Batch, &r.Region, &r.Status, &r.Evaluated, &r.Enterprises, &r.Amount, &r.PolicyVersion, &r.CreatedBy,
				timeCol{&r.CreatedAt}, &r.DecidedBy, timeCol{&r.DecidedAt}, &r.Reason)
			return r, err
		})
}

// PayrollRuns implements insurance.PensionStore.
func (db *DB) PayrollRuns(ctx context.Context, f insurance.PayrollRunFilter) ([]*insurance.PayrollRun, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if !f.Period.IsZero() {
		w.add("period = ?", f.Period.String())
	}
	return listRows(ctx, db, "payroll runs", `SELECT id, period, region_code, awards, new_lines, lines, regular, arrears, suspended, resumed,
		stopped, created_by, created_at FROM payroll_runs`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, f.Limit),
		func(rows *sql.Rows) (*insurance.PayrollRun, error) {
			r := &insurance.PayrollRun{}
			err := rows.Scan(&r.ID, &r.Period, &r.Region, &r.Awards, &r.NewLines, &r.Lines, &r.Regular, &r.Arrears, &r.Suspended, &r.Resumed,
				&r.Stopped, &r.CreatedBy, timeCol{&r.CreatedAt})
			return r, err
		})
}
