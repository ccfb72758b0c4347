package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var _ insurance.DeathStore = (*DB)(nil)

// DeathFacts implements insurance.DeathStore: the person's account sums
// (the employee account without public money, the whole resident
// account), the months with an individual employee-pension contribution
// and the pension paid after the death: the outstanding overpayments and
// the regular lines after the month of death of the awards not stopped
// yet, each read by the person's key.
func (db *DB) DeathFacts(ctx context.Context, personID registry.PersonID, death period.Month) (*insurance.DeathFacts, error) {
	f := &insurance.DeathFacts{}
	err := db.r.QueryRowContext(ctx, db.q(`SELECT
			CAST(COALESCE(SUM(CASE WHEN scheme = 'employee_pension' AND NOT government THEN amount ELSE 0 END), 0) AS BIGINT),
			CAST(COALESCE(SUM(CASE WHEN scheme = 'resident_pension' THEN amount ELSE 0 END), 0) AS BIGINT)
		FROM account_entries WHERE person_id = ?`), int64(personID)).Scan(&f.EmployeeAccount, &f.ResidentAccount)
	if err != nil {
		return nil, fmt.Errorf("accounts of person %d: %w", personID, err)
	}
	err = db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(DISTINCT period) FROM payments
		WHERE person_id = ? AND scheme = 'employee_pension' AND individual > 0`), int64(personID)).Scan(&f.EmployeeMonths)
	if err != nil {
		return nil, fmt.Errorf("contributions of person %d: %w", personID, err)
	}
	f.Overpayments, err = queryAll(ctx, db, db.r, "overpayments of a person", func(rows scanner) (insurance.Overpayment, error) {
		var o insurance.Overpayment
		err := rows.Scan(&o.AwardID, &o.PersonID, &o.RegionCode, &o.Period, &o.Amount, &o.Status)
		return o, err
	}, `SELECT award_id, person_id, region_code, period, amount, status FROM overpayments
		WHERE person_id = ? AND status = 'outstanding'
		UNION ALL
		SELECT l.award_id, l.person_id, l.region_code, l.period, l.amount, 'outstanding' FROM payroll_lines l JOIN awards a ON a.id = l.award_id
		WHERE a.person_id = ? AND a.status <> 'stopped' AND l.kind = 'regular' AND l.period > ?
			AND NOT EXISTS (SELECT 1 FROM overpayments o WHERE o.award_id = l.award_id AND o.period = l.period)
		ORDER BY 4, 1`, int64(personID), int64(personID), death.String())
	if err != nil {
		return nil, err
	}
	return f, nil
}

const deathColumns = `id, person_id, region_code, death_date, scheme, survivor_id, status, funeral_grant, survivors_benefit, inheritable,
	overpayment, recovered, net, detail, policy_version, created_by, created_at, decided_by, decided_at, note, instruction_id, version`

func scanDeath(row scanner) (*insurance.DeathSettlement, error) {
	d := &insurance.DeathSettlement{}
	var detail string
	err := row.Scan(&d.ID, &d.PersonID, &d.RegionCode, &d.DeathDate, &d.Scheme, &d.SurvivorID, &d.Status, &d.FuneralGrant, &d.SurvivorsBenefit,
		&d.Inheritable, &d.Overpayment, &d.Recovered, &d.Net, &detail, &d.PolicyVersion, &d.CreatedBy, timeCol{&d.CreatedAt}, &d.DecidedBy,
		timeCol{&d.DecidedAt}, &d.Note, &d.InstructionID, &d.Version)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(detail), &d.Detail); err != nil {
		return nil, fmt.Errorf("death settlement %d: detail: %w", d.ID, err)
	}
	return d, nil
}

// CreateDeathSettlement implements insurance.DeathStore. The partial
// unique index on the person refuses a second live settlement, whoever
// commits first.
func (db *DB) CreateDeathSettlement(ctx context.Context, d *insurance.DeathSettlement) error {
	detail, err := json.Marshal(d.Detail)
	if err != nil {
		return fmt.Errorf("death settlement: detail: %w", err)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		d.Version = 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO death_settlements (person_id, region_code, death_date, scheme, survivor_id, status,
			funeral_grant, survivors_benefit, inheritable, overpayment, recovered, net, detail, policy_version, created_by, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			int64(d.PersonID), string(d.RegionCode), d.DeathDate, string(d.Scheme), int64(d.SurvivorID), string(d.Status),
			int64(d.FuneralGrant), int64(d.SurvivorsBenefit), int64(d.Inheritable), int64(d.Overpayment), int64(d.Recovered), int64(d.Net),
			string(detail), d.PolicyVersion, d.CreatedBy, db.ts(d.CreatedAt), d.Version).Scan(&d.ID)
		if err != nil {
			if err := mapErr(err); fault.CodeOf(err) == fault.Conflict {
				return fault.Wrap(fault.Conflict, err, "person %d has a death settlement proposed or approved already", d.PersonID)
			}
			return fmt.Errorf("create death settlement: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "death_settlement.propose", "death_settlement", d.ID, string(d.RegionCode), d,
			[]string{"person_id=" + strconv.FormatInt(int64(d.PersonID), 10), "net=" + strconv.FormatInt(int64(d.Net), 10)})
	})
}

// DeathSettlement implements insurance.DeathStore.
func (db *DB) DeathSettlement(ctx context.Context, id insurance.DeathSettlementID) (*insurance.DeathSettlement, error) {
	return queryOne(ctx, db, db.r, "death settlement", id, scanDeath, "SELECT "+deathColumns+" FROM death_settlements WHERE id = ?", int64(id))
}

// DecideDeathSettlement implements insurance.DeathStore.
func (db *DB) DecideDeathSettlement(ctx context.Context, d *insurance.DeathSettlement, in *payment.Instruction) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockPerson(ctx, tx, int64(d.PersonID)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE death_settlements SET status = ?, decided_by = ?, decided_at = ?, note = ?, version = version + 1
			WHERE id = ? AND status = 'proposed' AND version = ?`),
			string(d.Status), d.DecidedBy, db.ts(d.DecidedAt), d.Note, int64(d.ID), d.Version)
		if err != nil {
			return fmt.Errorf("decide death settlement %d: %w", d.ID, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "death settlement %d was decided already", d.ID)
		}
		d.Version++
		if d.Status != insurance.SettlementApproved {
			return db.audited(ctx, tx, "death_settlement.reject", "death_settlement", d.ID, string(d.RegionCode),
				map[string]any{"status": d.Status, "note": d.Note}, []string{"status=" + string(d.Status)})
		}
		if err := db.settleDeath(ctx, tx, d); err != nil {
			return err
		}
		if in != nil {
			if err := db.instructSettlement(ctx, tx, d, in); err != nil {
				return err
			}
		}
		return db.audited(ctx, tx, "death_settlement.approve", "death_settlement", d.ID, string(d.RegionCode),
			map[string]any{"status": d.Status, "net": d.Net, "recovered": d.Recovered, "instruction_id": d.InstructionID},
			[]string{"status=" + string(d.Status), "net=" + strconv.FormatInt(int64(d.Net), 10)})
	})
}

// settleDeath makes the effects of an approved settlement on the person's
// records, inside the decision's transaction.
func (db *DB) settleDeath(ctx context.Context, tx *sql.Tx, d *insurance.DeathSettlement) error {
	dm := d.DeathDate.Period()
	// The months a pension not stopped yet paid after the death are
	// overpaid, as the payroll records them when it stops the award.
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO overpayments (award_id, period, person_id, region_code, amount, status, created_at)
		SELECT l.award_id, l.period, l.person_id, l.region_code, l.amount, 'outstanding', ? FROM payroll_lines l JOIN awards a ON a.id = l.award_id
		WHERE a.person_id = ? AND a.status <> 'stopped' AND l.kind = 'regular' AND l.period > ?
		ON CONFLICT (award_id, period) DO NOTHING`), db.ts(db.now()), int64(d.PersonID), dm.String()); err != nil {
		return fmt.Errorf("overpayments of person %d: %w", d.PersonID, mapErr(err))
	}
	// The outstanding overpayments must be those the settlement was
	// computed on: a payroll run since may have added a month.
	var n int
	var sum money.Fen
	if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM overpayments
		WHERE person_id = ? AND status = 'outstanding'`), int64(d.PersonID)).Scan(&n, &sum); err != nil {
		return fmt.Errorf("overpayments of person %d: %w", d.PersonID, err)
	}
	if n != len(d.Detail.Overpayments) || sum != d.Overpayment {
		return fault.Errorf(fault.Conflict, "the overpayments of person %d changed since settlement %d was proposed (%s yuan now, %s then): reject it and propose again",
			d.PersonID, d.ID, sum, d.Overpayment)
	}
	// The pension ends with the month of death, if the payroll has not
	// stopped it yet.
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE awards SET status = 'stopped', stop_month = ?, version = version + 1
		WHERE person_id = ? AND status <> 'stopped'`), dm.String(), int64(d.PersonID)); err != nil {
		return fmt.Errorf("stop the pensions of person %d: %w", d.PersonID, err)
	}
	for _, o := range d.Detail.Overpayments {
		if !o.Recovered {
			continue
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE overpayments SET status = 'recovered' WHERE award_id = ? AND period = ? AND status = 'outstanding'`),
			int64(o.AwardID), o.Period.String())
		if err != nil {
			return fmt.Errorf("recover overpayment %d/%s: %w", o.AwardID, o.Period, err)
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k != 1 {
			return fault.Errorf(fault.Conflict, "the overpayment of award %d in %s was recovered already", o.AwardID, o.Period)
		}
	}
	// Assistance: the person's own awards end with the month of death;
	// the household's are reviewed from the first day of the month after.
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE assistance_awards SET status = 'stopped', end_month = ?, stop_reason = ?, version = version + 1
		WHERE person_id = ? AND status = 'active'`), dm.String(), "died "+d.DeathDate.String(), int64(d.PersonID)); err != nil {
		return fmt.Errorf("stop the assistance of person %d: %w", d.PersonID, err)
	}
	due := dm.Add(1).First()
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE assistance_awards SET review_due = ?, version = version + 1
		WHERE status = 'active' AND kind = 'monthly' AND household_id IN (SELECT household_id FROM household_members WHERE person_id = ?)
		AND (review_due IS NULL OR review_due > ?)`), due, int64(d.PersonID), due); err != nil {
		return fmt.Errorf("set the review of the household of person %d: %w", d.PersonID, err)
	}
	return nil
}

// instructSettlement inserts the settlement's payment instruction to the
// survivor's confirmed primary account (held without one) with its
// accrual journal, and queues the survivor's notice.
func (db *DB) instructSettlement(ctx context.Context, tx *sql.Tx, d *insurance.DeathSettlement, in *payment.Instruction) error {
	var survivorRegion string
	if err := tx.QueryRowContext(ctx, db.q(`SELECT region_code FROM persons WHERE id = ?`), in.PayeeID).Scan(&survivorRegion); err != nil {
		return notFound(err, "person", in.PayeeID)
	}
	in.RegionCode = d.RegionCode.County()
	if survivorRegion != "" {
		in.RegionCode = region.Code(survivorRegion)
	}
	err := tx.QueryRowContext(ctx, db.q(`SELECT id FROM bank_accounts WHERE owner_kind = 'person' AND owner_id = ? AND is_primary AND status = 'confirmed'`),
		in.PayeeID).Scan(&in.BankAccountID)
	switch {
	case errNoRows(err):
		in.BankAccountID, in.Status, in.HoldReason = 0, payment.Held, "no confirmed bank account on record"
	case err != nil:
		return fmt.Errorf("account of the survivor %d: %w", in.PayeeID, err)
	}
	err = tx.QueryRowContext(ctx, db.q(`INSERT INTO payment_instructions (source, source_ref, period, line, fund, programme, payee_kind,
			payee_id, region_code, amount, bank_account_id, status, hold_reason, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`),
		string(in.Source), in.SourceRef, in.Period.String(), in.Line, string(in.Fund), in.Programme, in.PayeeKind, in.PayeeID,
		string(in.RegionCode), int64(in.Amount), in.BankAccountID, string(in.Status), in.HoldReason, db.ts(in.CreatedAt)).Scan(&in.ID)
	if err != nil {
		if err := mapErr(err); fault.CodeOf(err) == fault.Conflict {
			return fault.Wrap(fault.Conflict, err, "death settlement %d was instructed already", d.ID)
		}
		return fmt.Errorf("instruct death settlement %d: %w", d.ID, err)
	}
	journal := fmt.Sprintf("accrue/%s/death_settlement/%d", in.Period, d.ID)
	es, err := payment.Accrual([]*payment.Instruction{in}, journal, in.CreatedAt)
	if err != nil {
		return err
	}
	if err := db.postEntries(ctx, tx, es); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, db.q(`UPDATE death_settlements SET instruction_id = ? WHERE id = ?`), int64(in.ID), int64(d.ID)); err != nil {
		return fmt.Errorf("death settlement %d: %w", d.ID, err)
	}
	d.InstructionID = in.ID
	msg := fmt.Sprintf("您领取的身后待遇已核定：丧葬补助金%s元、抚恤金%s元、个人账户可继承余额%s元，扣回死亡后多发养老金%s元，实付%s元，%s拨付至您的银行账户。"+
		"The settlement of a death is decided: %s yuan paid to your account in %s.",
		d.FuneralGrant, d.SurvivorsBenefit, d.Inheritable, d.Recovered, d.Net, in.Period, d.Net, in.Period)
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO notices (recipient_kind, recipient_id, region_code, kind, ref, message, status, created_at)
		VALUES ('person', ?, ?, 'granted', ?, ?, 'queued', ?) ON CONFLICT (ref) DO NOTHING`),
		in.PayeeID, string(in.RegionCode), fmt.Sprintf("death_settlement/%d", d.ID), msg, db.ts(in.CreatedAt)); err != nil {
		return fmt.Errorf("queue the notice of death settlement %d: %w", d.ID, err)
	}
	return nil
}
