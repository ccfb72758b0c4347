package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/region"
)

var _ insurance.RefundStore = (*DB)(nil)

// RefundBasis implements insurance.RefundStore: every employer with the
// unemployment-insurance figures of dataYear, from the collections (and,
// for the months paid in full, the assessments).
func (db *DB) RefundBasis(ctx context.Context, refundYear, dataYear int, code region.Code) ([]insurance.RefundBasis, error) {
	y := strconv.Itoa(dataYear)
	from, to := y+"-01", y+"-12"
	var w where
	w.region("o.region_code", code)
	w.add("NOT EXISTS (SELECT 1 FROM refunds r WHERE r.year = ? AND r.org_id = o.id)", refundYear)
	q := `SELECT o.id, o.region_code, o.size, COALESCE(p.person_months, 0), COALESCE(p.premiums, 0), COALESCE(c.claims, 0), COALESCE(f.months, 0)
		FROM organisations o
		LEFT JOIN (SELECT d.org_id, COUNT(*) AS person_months, SUM(d.amount) AS premiums FROM
				(SELECT org_id, person_id, period, SUM(employer + individual) AS amount FROM payments
				 WHERE scheme = 'unemployment' AND org_id IS NOT NULL AND period >= ? AND period <= ? GROUP BY org_id, person_id, period) d
			GROUP BY d.org_id) p ON p.org_id = o.id
		LEFT JOIN (SELECT org_id, COUNT(*) AS claims FROM unemployment_claims WHERE registered_on >= ? AND registered_on <= ? GROUP BY org_id) c ON c.org_id = o.id
		LEFT JOIN (SELECT m.org_id, COUNT(*) AS months FROM (
				SELECT x.org_id, x.period FROM (
					SELECT org_id, period, SUM(employer + individual) AS paid, 0 AS due FROM payments
					 WHERE scheme = 'unemployment' AND org_id IS NOT NULL AND period <= ? GROUP BY org_id, period
					UNION ALL
					SELECT org_id, period, 0, SUM(employer + individual) FROM assessments
					 WHERE scheme = 'unemployment' AND org_id IS NOT NULL AND period <= ? GROUP BY org_id, period) x
				GROUP BY x.org_id, x.period HAVING SUM(x.paid) > 0 AND SUM(x.paid) >= SUM(x.due)) m
			GROUP BY m.org_id) f ON f.org_id = o.id` + w.sql() + ` ORDER BY o.id`
	args := append([]any{from, to, y + "-01-01", y + "-12-31", to, to}, w.args...)
	return queryAll(ctx, db, db.r, fmt.Sprintf("refund basis of %d", dataYear), func(rows scanner) (insurance.RefundBasis, error) {
		var b insurance.RefundBasis
		var personMonths int64
		if err := rows.Scan(&b.OrgID, &b.RegionCode, &b.Size, &personMonths, &b.Premiums, &b.NewClaimants, &b.MonthsPaid); err != nil {
			return b, err
		}
		b.InsuredAvg = int(money.DivRound(personMonths, 12))
		return b, nil
	}, q, args...)
}

// CreateRefundRun implements insurance.RefundStore.
func (db *DB) CreateRefundRun(ctx context.Context, r *insurance.RefundRun) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := openRefundRun(ctx, db, tx, r); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, db.q("SELECT COALESCE(MAX(batch), 0) + 1 FROM refund_runs WHERE year = ? AND status <> 'rejected' AND superseded_by = 0"), r.Year).Scan(&r.Batch); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO refund_runs (year, batch, region_code, status, evaluated, enterprises, amount, policy_version,
			created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.Year, r.Batch, string(r.Region), string(r.Status), r.Evaluated,
			r.Enterprises, int64(r.Amount), r.PolicyVersion, r.CreatedBy, db.ts(r.CreatedAt)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("insert refund run: %w", mapErr(err))
		}
		ins := db.newInserter(tx, "refund_items", "run_id", "org_id", "region_code", "size", "amount", "insured_avg", "new_claimants", "months_paid", "premiums")
		for _, it := range r.Items {
			if err := ins.add(ctx, int64(r.ID), int64(it.OrgID), string(it.RegionCode), string(it.Size), int64(it.Amount), it.InsuredAvg, it.NewClaimants,
				it.MonthsPaid, int64(it.Premiums)); err != nil {
				return err
			}
		}
		if err := ins.flush(ctx); err != nil {
			return err
		}
		return db.audited(ctx, tx, "refund.propose", "refund_run", r.ID, string(r.Region),
			map[string]any{"year": r.Year, "batch": r.Batch, "enterprises": r.Enterprises, "amount": r.Amount},
			[]string{"year=" + strconv.Itoa(r.Year), "batch=" + strconv.Itoa(r.Batch), "enterprises=" + strconv.Itoa(r.Enterprises),
				"amount=" + strconv.FormatInt(int64(r.Amount), 10)})
	})
	if fault.CodeOf(err) == fault.Conflict {
		// The index of open batches refused a batch proposed at the same
		// time as another: name that one.
		if oerr := openRefundRun(ctx, db, db.r, r); oerr != nil {
			return oerr
		}
	}
	return err
}

// openRefundRun is Conflict naming the batch of r's year and region that
// waits for approval, if there is one: a second would propose the same
// employers again.
func openRefundRun(ctx context.Context, db *DB, q queryRower, r *insurance.RefundRun) error {
	var id int64
	var batch int
	err := q.QueryRowContext(ctx, db.q(`SELECT id, batch FROM refund_runs WHERE year = ? AND region_code = ? AND status = 'proposed' AND superseded_by = 0`),
		r.Year, string(r.Region)).Scan(&id, &batch)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("open refund run of %d: %w", r.Year, err)
	}
	return fault.Errorf(fault.Conflict, "refund run %d (%d batch %d in %s) waits for approval: decide it before screening again", id, r.Year, batch, r.Region)
}

// RefundRun implements insurance.RefundStore.
func (db *DB) RefundRun(ctx context.Context, id insurance.RefundRunID) (*insurance.RefundRun, error) {
	r := &insurance.RefundRun{}
	err := db.r.QueryRowContext(ctx, db.q(`SELECT id, year, batch, region_code, `+runStatus+`, evaluated, enterprises, amount, policy_version, created_by,
		created_at, decided_by, decided_at, reason, superseded_by FROM refund_runs WHERE id = ?`), int64(id)).Scan(&r.ID, &r.Year, &r.Batch, &r.Region, &r.Status,
		&r.Evaluated, &r.Enterprises, &r.Amount, &r.PolicyVersion, &r.CreatedBy, timeCol{&r.CreatedAt}, &r.DecidedBy, timeCol{&r.DecidedAt}, &r.Reason,
		&r.SupersededBy)
	if err != nil {
		return nil, notFound(err, "refund run", id)
	}
	if err := eachRow(ctx, db, db.r, "refund items", func(rows *sql.Rows) error {
		var it insurance.RefundItem
		if err := rows.Scan(&it.OrgID, &it.RegionCode, &it.Size, &it.Amount, &it.InsuredAvg, &it.NewClaimants, &it.MonthsPaid, &it.Premiums); err != nil {
			return err
		}
		r.Items = append(r.Items, it)
		return nil
	}, `SELECT org_id, region_code, size, amount, insured_avg, new_claimants, months_paid, premiums
		FROM refund_items WHERE run_id = ? ORDER BY org_id`, int64(id)); err != nil {
		return nil, err
	}
	return r, nil
}

// DecideRefundRun implements insurance.RefundStore.
func (db *DB) DecideRefundRun(ctx context.Context, r *insurance.RefundRun, refunds []insurance.Refund) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE refund_runs SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ? AND status = 'proposed' AND superseded_by = 0`),
			string(r.Status), r.DecidedBy, db.ts(r.DecidedAt), r.Reason, int64(r.ID))
		if err != nil {
			return fmt.Errorf("decide refund run %d: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "refund run %d was decided (or superseded) already", r.ID)
		}
		now := db.ts(db.now())
		ins := db.newInserter(tx, "refunds", "year", "org_id", "run_id", "batch", "region_code", "amount", "period", "decision", "created_at")
		for _, f := range refunds {
			if err := ins.add(ctx, f.Year, int64(f.OrgID), int64(f.RunID), f.Batch, string(f.RegionCode), int64(f.Amount), f.Period.String(),
				string(f.Decision), now); err != nil {
				return refundConflict(err)
			}
		}
		if err := ins.flush(ctx); err != nil {
			return refundConflict(err)
		}
		// Each employer is told, in the decision's transaction: granted
		// with no application, and where the money goes.
		notice, err := tx.PrepareContext(ctx, db.q(`INSERT INTO notices (recipient_kind, recipient_id, region_code, kind, ref, message, status, created_at)
			VALUES ('organisation', ?, ?, 'granted', ?, ?, 'queued', ?) ON CONFLICT (ref) DO NOTHING`))
		if err != nil {
			return err
		}
		defer notice.Close()
		for _, f := range refunds {
			msg := fmt.Sprintf("%d年失业保险稳岗返还(第%d批)%s元已核定，免申即享，%s拨付至单位银行账户。Job-stabilisation refund %d (batch %d): %s yuan, "+
				"granted with no application, paid to the employer's account in %s.", f.Year, f.Batch, f.Amount, f.Period, f.Year, f.Batch, f.Amount, f.Period)
			if _, err := notice.ExecContext(ctx, int64(f.OrgID), string(f.RegionCode), fmt.Sprintf("refund/%d/%d", f.Year, f.OrgID), msg, now); err != nil {
				return fmt.Errorf("queue the refund notice of employer %d: %w", f.OrgID, err)
			}
		}
		return db.audited(ctx, tx, "refund."+string(r.Status), "refund_run", r.ID, string(r.Region), map[string]any{"status": r.Status, "refunds": len(refunds)},
			[]string{"status=" + string(r.Status), "refunds=" + strconv.Itoa(len(refunds))})
	})
}

func refundConflict(err error) error {
	if fault.CodeOf(err) == fault.Conflict {
		return fault.Wrap(fault.Conflict, err, "an employer of the run was refunded for the year already (once a year)")
	}
	return err
}

// RefundBatches implements insurance.RefundStore.
func (db *DB) RefundBatches(ctx context.Context, year int, code region.Code, byCounty bool) ([]insurance.BatchTotal, error) {
	var w where
	w.add("year = ?", year)
	w.region("region_code", code)
	county, group := "''", "batch"
	if byCounty {
		county, group = "SUBSTR(region_code, 1, 6)", "batch, SUBSTR(region_code, 1, 6)"
	}
	return queryAll(ctx, db, db.r, "refund batches", func(rows scanner) (insurance.BatchTotal, error) {
		t := insurance.BatchTotal{Year: year}
		err := rows.Scan(&t.Batch, &t.County, &t.Enterprises, &t.Amount)
		return t, err
	}, "SELECT batch, "+county+", COUNT(*), SUM(amount) FROM refunds"+w.sql()+" GROUP BY "+group+" ORDER BY "+group, w.args...)
}
