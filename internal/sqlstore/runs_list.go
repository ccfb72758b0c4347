package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/payment"
	"safetynet/internal/screening"
)

// ScreeningRuns implements screening.Lister.
func (db *DB) ScreeningRuns(ctx context.Context, f screening.RunFilter) ([]*screening.Run, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	w.month("period", f.Period)
	w.text("programme", f.Programme)
	w.text(runStatus, string(f.Status))
	if f.JobID != 0 {
		w.add("job_id = ?", int64(f.JobID))
	}
	return queryAll(ctx, db, db.r, "list screening runs", func(rows scanner) (*screening.Run, error) {
		r := &screening.Run{}
		err := rows.Scan(&r.ID, &r.JobID, &r.Programme, &r.Period, &r.Region, &r.Status, &r.Evaluated, &r.Eligible, &r.NewAwards, &r.Changed,
			&r.Stopped, &r.Amount, &r.PolicyVersion, &r.CreatedBy, timeCol{&r.CreatedAt}, &r.ReviewedBy, timeCol{&r.ReviewedAt}, &r.DecidedBy,
			timeCol{&r.DecidedAt}, &r.Reason, &r.SupersededBy, &r.Supersedes)
		return r, err
	}, `SELECT id, job_id, programme, period, region_code, `+runStatus+`, evaluated, eligible, new_awards, changed,
		stopped, amount, policy_version, created_by, created_at, reviewed_by, reviewed_at, decided_by, decided_at, reason, superseded_by,
		COALESCE((SELECT MAX(o.id) FROM screening_runs o WHERE o.superseded_by = screening_runs.id), 0)
		FROM screening_runs`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, f.Limit)...)
}

// runStatus is a screening or refund run's status as every read gives it:
// an undecided run that a newer one replaced is "superseded" (a negative
// superseded_by marks a run being replaced inside the replacing
// transaction, still undecided).
const runStatus = `CASE WHEN superseded_by > 0 AND status IN ('proposed', 'reviewed') THEN 'superseded' ELSE status END`

// ScreeningJobs implements screening.Lister.
func (db *DB) ScreeningJobs(ctx context.Context, f screening.JobFilter) ([]*screening.Job, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	w.month("period", f.Period)
	w.text("status", string(f.Status))
	return queryAll(ctx, db, db.r, "list screening jobs", func(rows scanner) (*screening.Job, error) { return scanScreeningJob(rows) }, `SELECT `+screeningJobColumns+` FROM screening_jobs`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, f.Limit)...)
}

// RefundRuns implements insurance.RefundStore.
func (db *DB) RefundRuns(ctx context.Context, f insurance.RefundRunFilter) ([]*insurance.RefundRun, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if f.Year != 0 {
		w.add("year = ?", f.Year)
	}
	w.text(runStatus, string(f.Status))
	return queryAll(ctx, db, db.r, "list refund runs", func(rows scanner) (*insurance.RefundRun, error) {
		r := &insurance.RefundRun{}
		err := rows.Scan(&r.ID, &r.Year, &r.Batch, &r.Region, &r.Status, &r.Evaluated, &r.Enterprises, &r.Amount, &r.PolicyVersion, &r.CreatedBy,
			timeCol{&r.CreatedAt}, &r.DecidedBy, timeCol{&r.DecidedAt}, &r.Reason, &r.SupersededBy)
		return r, err
	}, `SELECT id, year, batch, region_code, `+runStatus+`, evaluated, enterprises, amount, policy_version, created_by,
		created_at, decided_by, decided_at, reason, superseded_by FROM refund_runs`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, f.Limit)...)
}

// PayrollRuns implements insurance.PensionStore.
func (db *DB) PayrollRuns(ctx context.Context, f insurance.PayrollRunFilter) ([]*insurance.PayrollRun, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	w.month("period", f.Period)
	return queryAll(ctx, db, db.r, "list payroll runs", func(rows scanner) (*insurance.PayrollRun, error) {
		r := &insurance.PayrollRun{}
		err := rows.Scan(&r.ID, &r.Period, &r.Region, &r.Awards, &r.NewLines, &r.Lines, &r.Regular, &r.Arrears, &r.Suspended, &r.Resumed,
			&r.Stopped, &r.CreatedBy, timeCol{&r.CreatedAt})
		return r, err
	}, `SELECT id, period, region_code, awards, new_lines, lines, regular, arrears, suspended, resumed,
		stopped, created_by, created_at FROM payroll_runs`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, f.Limit)...)
}

// StartRun implements payment.RunStore.
func (db *DB) StartRun(ctx context.Context, r *payment.Run) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO payment_runs (period, region_code, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`), r.Period.String(), string(r.Region), string(r.Status), r.CreatedBy, db.ts(r.CreatedAt)).Scan(&r.ID); err != nil {
			return fmt.Errorf("record payment run: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "payment.run.start", "payment_run", r.ID, string(r.Region), map[string]any{"period": r.Period.String()},
			[]string{"period=" + r.Period.String()})
	})
}

// FinishRun implements payment.RunStore.
func (db *DB) FinishRun(ctx context.Context, r *payment.Run) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE payment_runs SET status = ?, made = ?, held = ?, amount = ?, chunks = ?, error = ?, finished_at = ?
			WHERE id = ?`), string(r.Status), r.Made, r.Held, int64(r.Amount), r.Chunks, r.Error, db.ts(r.FinishedAt), r.ID)
		if err != nil {
			return fmt.Errorf("finish payment run %d: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fault.Errorf(fault.NotFound, "payment run %d not found", r.ID)
		}
		return db.audited(ctx, tx, "payment.run."+string(r.Status), "payment_run", r.ID, string(r.Region),
			map[string]any{"made": r.Made, "held": r.Held, "amount": r.Amount, "error": r.Error},
			[]string{"made=" + strconv.Itoa(r.Made), "amount=" + strconv.FormatInt(int64(r.Amount), 10)})
	})
}

// Runs implements payment.RunStore.
func (db *DB) Runs(ctx context.Context, f payment.RunFilter) ([]*payment.Run, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	w.month("period", f.Period)
	w.text("status", string(f.Status))
	return queryAll(ctx, db, db.r, "list payment runs", func(rows scanner) (*payment.Run, error) {
		r := &payment.Run{}
		err := rows.Scan(&r.ID, &r.Period, &r.Region, &r.Status, &r.Made, &r.Held, &r.Amount, &r.Chunks, &r.Error, &r.CreatedBy,
			timeCol{&r.CreatedAt}, timeCol{&r.FinishedAt})
		return r, err
	}, `SELECT id, period, region_code, status, made, held, amount, chunks, error, created_by, created_at,
		finished_at FROM payment_runs`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, f.Limit)...)
}
