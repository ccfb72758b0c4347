package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// EmployeeBases implements insurance.AccountStore: the bases of the
// payments with an individual part (one per month; an employer-only
// receipt of a month paid in two would count its base twice otherwise).
func (db *DB) EmployeeBases(ctx context.Context, personID registry.PersonID, since int) ([]insurance.TransferYear, error) {
	return queryAll(ctx, db, db.r, fmt.Sprintf("contribution bases of person %d", personID), func(rows scanner) (insurance.TransferYear, error) {
		var y insurance.TransferYear
		err := rows.Scan(&y.Year, &y.Base, &y.Months)
		return y, err
	}, `SELECT CAST(substr(period, 1, 4) AS INTEGER), CAST(SUM(base) AS BIGINT), COUNT(DISTINCT period)
		FROM payments WHERE person_id = ? AND scheme = 'employee_pension' AND individual > 0 AND period >= ?
		GROUP BY 1 ORDER BY 1`, personID, period.NewMonth(since, 1).String())
}

// SaveTransfer implements insurance.AccountStore. On PostgreSQL it locks
// the person's row, so that two transfers of one account run one after the
// other; SQLite has one writer.
func (db *DB) SaveTransfer(ctx context.Context, t *insurance.Transfer, e insurance.AccountEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockPerson(ctx, tx, int64(t.PersonID)); err != nil {
			return err
		}
		if t.Direction == insurance.TransferOutward {
			var bal money.Fen
			err := tx.QueryRowContext(ctx, db.q(`SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM account_entries
				WHERE person_id = ? AND scheme = 'employee_pension'`), t.PersonID).Scan(&bal)
			if err != nil {
				return fmt.Errorf("transfer: %w", err)
			}
			if bal != t.Balance {
				return fault.Errorf(fault.Conflict, "the account balance changed meanwhile (%s yuan, not %s): nothing was transferred", bal, t.Balance)
			}
		}
		at := db.now()
		if t.Status == "" {
			t.Status = insurance.TransferDone
		}
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO transfers (person_id, direction, region_code, other_region, on_date, balance, pooled, months, created_at,
			status, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), int64(t.PersonID), t.Direction, string(t.RegionCode), t.OtherRegion, t.On,
			int64(t.Balance), int64(t.Pooled), t.Months, db.ts(at), string(t.Status), t.CreatedBy).Scan(&t.ID)
		if err != nil {
			if err = mapErr(err); fault.CodeOf(err) == fault.Conflict {
				return fault.Wrap(fault.Conflict, err, "this transfer was recorded before")
			}
			return fmt.Errorf("save transfer: %w", err)
		}
		if len(t.Years) > 0 {
			ins := db.newInserter(tx, "transfer_years", "transfer_id", "year", "base", "pooled", "months")
			for _, y := range t.Years {
				if err := ins.add(ctx, t.ID, y.Year, int64(y.Base), int64(y.Pooled), y.Months); err != nil {
					return fmt.Errorf("save transfer years: %w", mapErr(err))
				}
			}
			if err := ins.flush(ctx); err != nil {
				return fmt.Errorf("save transfer years: %w", mapErr(err))
			}
		}
		if t.Status != insurance.TransferPending {
			e.Ref = insurance.TransferRef(t.ID)
			if err := db.insertEntries(ctx, tx, []insurance.AccountEntry{e}); err != nil {
				return err
			}
		}
		t.CreatedAt = at
		fields := []string{"direction=" + t.Direction, "balance=" + strconv.FormatInt(int64(t.Balance), 10),
			"pooled=" + strconv.FormatInt(int64(t.Pooled), 10), "months=" + strconv.Itoa(t.Months), "status=" + string(t.Status)}
		return db.audited(ctx, tx, "account.transfer_"+t.Direction, "transfer", t.ID, string(t.RegionCode), t, fields)
	})
}

// DecideTransfer implements insurance.AccountStore.
func (db *DB) DecideTransfer(ctx context.Context, t *insurance.Transfer, e insurance.AccountEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE transfers SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?
			WHERE id = ? AND status = 'pending'`), string(t.Status), t.DecidedBy, db.ts(at), t.DecisionNote, t.ID)
		if err != nil {
			return fmt.Errorf("decide transfer %d: %w", t.ID, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("decide transfer %d: %w", t.ID, err)
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "transfer %d was decided meanwhile", t.ID)
		}
		if t.Status == insurance.TransferDone {
			e.Ref = insurance.TransferRef(t.ID)
			if err := db.insertEntries(ctx, tx, []insurance.AccountEntry{e}); err != nil {
				return err
			}
		}
		t.DecidedAt = at
		action := "account.transfer_approve"
		if t.Status == insurance.TransferRejected {
			action = "account.transfer_reject"
		}
		fields := []string{"status=" + string(t.Status), "decided_by=" + strconv.FormatInt(t.DecidedBy, 10)}
		return db.audited(ctx, tx, action, "transfer", t.ID, string(t.RegionCode), t, fields)
	})
}

// transferCols are the columns scanTransfer reads.
const transferCols = `id, person_id, direction, region_code, other_region, on_date, balance, pooled, months, created_at,
	status, created_by, decided_by, decided_at, decision_note`

// scanTransfer scans a row of transferCols.
func scanTransfer(sc interface{ Scan(...any) error }, t *insurance.Transfer) error {
	return sc.Scan(&t.ID, &t.PersonID, &t.Direction, &t.RegionCode, &t.OtherRegion, &t.On, &t.Balance, &t.Pooled, &t.Months,
		timeCol{&t.CreatedAt}, &t.Status, &t.CreatedBy, &t.DecidedBy, timeCol{&t.DecidedAt}, &t.DecisionNote)
}

// PendingTransfers implements insurance.AccountStore.
func (db *DB) PendingTransfers(ctx context.Context, code region.Code) ([]insurance.Transfer, error) {
	var w where
	w.add("status = 'pending'")
	w.region("region_code", code)
	return orEmpty(queryAll(ctx, db, db.r, "pending transfers", func(rows scanner) (insurance.Transfer, error) {
		t := insurance.Transfer{Years: []insurance.TransferYear{}}
		err := scanTransfer(rows, &t)
		return t, err
	}, `SELECT `+transferCols+` FROM transfers`+w.sql()+` ORDER BY id`, w.args...))
}

// Transfer implements insurance.AccountStore.
func (db *DB) Transfer(ctx context.Context, id int64) (*insurance.Transfer, error) {
	t := &insurance.Transfer{Years: []insurance.TransferYear{}}
	if err := scanTransfer(db.r.QueryRowContext(ctx, db.q(`SELECT `+transferCols+` FROM transfers WHERE id = ?`), id), t); err != nil {
		return nil, notFound(err, "transfer", id)
	}
	if err := eachRow(ctx, db, db.r, fmt.Sprintf("years of transfer %d", id), func(rows *sql.Rows) error {
		var y insurance.TransferYear
		if err := rows.Scan(&y.Year, &y.Base, &y.Pooled, &y.Months); err != nil {
			return fmt.Errorf("scan transfer year: %w", err)
		}
		t.Years = append(t.Years, y)
		return nil
	}, `SELECT year, base, pooled, months FROM transfer_years WHERE transfer_id = ? ORDER BY year`, id); err != nil {
		return nil, err
	}
	return t, nil
}

// Transfers implements insurance.AccountStore.
func (db *DB) Transfers(ctx context.Context, personID registry.PersonID) ([]insurance.Transfer, error) {
	return orEmpty(queryAll(ctx, db, db.r, fmt.Sprintf("transfers of person %d", personID), func(rows scanner) (insurance.Transfer, error) {
		t := insurance.Transfer{Years: []insurance.TransferYear{}}
		err := scanTransfer(rows, &t)
		return t, err
	}, `SELECT `+transferCols+` FROM transfers WHERE person_id = ? ORDER BY id`, personID))
}
