package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// ResidentYears implements insurance.AccountStore.
func (db *DB) ResidentYears(ctx context.Context, personID registry.PersonID) (map[int]money.Fen, error) {
	out := map[int]money.Fen{}
	if err := eachRow(ctx, db, db.r, fmt.Sprintf("resident years of person %d", personID), func(rows *sql.Rows) error {
		var y int
		var a money.Fen
		if err := rows.Scan(&y, &a); err != nil {
			return fmt.Errorf("scan resident year: %w", err)
		}
		var err error
		if out[y], err = money.Add(out[y], a); err != nil {
			return fmt.Errorf("resident year %d: %w", y, err)
		}
		return nil
	}, `SELECT CAST(substr(period, 1, 4) AS INTEGER), CAST(SUM(individual) AS BIGINT) FROM payments
			WHERE person_id = ? AND scheme = 'resident_pension' GROUP BY 1
		UNION ALL
		SELECT CAST(substr(period, 1, 4) AS INTEGER), CAST(SUM(amount) AS BIGINT) FROM account_entries
			WHERE person_id = ? AND scheme = 'resident_pension' AND kind = 'hardship_premium' GROUP BY 1`, personID, personID); err != nil {
		return nil, err
	}
	return out, nil
}

// PostAccountPayments implements insurance.AccountStore.
func (db *DB) PostAccountPayments(ctx context.Context, action string, ps []insurance.AccountPosting) error {
	if len(ps) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.ts(db.now())
		var es []insurance.AccountEntry
		var total money.Fen
		receipts := make([]string, 0, len(ps))
		for i := range ps {
			p := &ps[i].Payment
			err := tx.QueryRowContext(ctx, db.q(`INSERT INTO payments (receipt_no, person_id, org_id, scheme, period, region_code,
				base, employer, individual, paid_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
				p.ReceiptNo, int64(p.PersonID), nullID(p.OrgID), string(p.Scheme), p.Period.String(), string(p.RegionCode),
				int64(p.Base), int64(p.Employer), int64(p.Individual), p.PaidOn, string(p.Source), now).Scan(&p.ID)
			if err != nil {
				if err = mapErr(err); fault.CodeOf(err) == fault.Conflict {
					return receiptConflict([]string{p.ReceiptNo}, err)
				}
				return fmt.Errorf("post payment: %w", err)
			}
			for j := range ps[i].Entries {
				e := ps[i].Entries[j]
				e.Ref = "payment:" + strconv.FormatInt(p.ID, 10)
				ps[i].Entries[j] = e
				es = append(es, e)
			}
			if total, err = money.Add(total, p.Individual); err != nil {
				return fmt.Errorf("post payments: total: %w", err)
			}
			receipts = append(receipts, p.ReceiptNo)
		}
		if err := db.insertEntries(ctx, tx, es); err != nil {
			return err
		}
		paid := make([]insurance.Payment, len(ps))
		for i := range ps {
			paid[i] = ps[i].Payment
		}
		if err := db.employerMonthsPaid(ctx, tx, paid); err != nil {
			return err
		}
		p0 := ps[0].Payment
		fields := []string{"payments=" + strconv.Itoa(len(ps)), "individual=" + strconv.FormatInt(int64(total), 10), "source=" + string(p0.Source)}
		return db.audited(ctx, tx, action, "person", int64(p0.PersonID), string(p0.RegionCode), struct {
			Receipts []string  `json:"receipts"`
			Total    money.Fen `json:"total"`
			Entries  int       `json:"entries"`
		}{receipts, total, len(es)}, fields)
	})
}
