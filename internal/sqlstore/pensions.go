package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var _ insurance.PensionStore = (*DB)(nil)

// ---- awards

// awardColumns are read from "awards a", without the decision.
const awardColumns = `a.id, a.person_id, a.scheme, a.region_code, a.start_month, a.amount, a.status, a.retirement_group,
	a.contribution_months, a.stop_month, a.policy_version, a.created_by, a.created_at, a.version`

func scanAward(row scanner, a *insurance.Award, extra ...any) error {
	return row.Scan(append([]any{&a.ID, &a.PersonID, &a.Scheme, &a.RegionCode, &a.Start, &a.Amount, &a.Status, &a.Group,
		&a.ContributionMonths, &a.StopMonth, &a.PolicyVersion, &a.CreatedBy, timeCol{&a.CreatedAt}, &a.Version}, extra...)...)
}

func (db *DB) listAwards(ctx context.Context, q queryer, tail string, args ...any) ([]*insurance.Award, error) {
	return queryAll(ctx, db, q, "list awards", func(rows scanner) (*insurance.Award, error) {
		a := &insurance.Award{}
		err := scanAward(rows, a)
		return a, err
	}, "SELECT "+awardColumns+" FROM awards a"+tail, args...)
}

// AwardBasis implements insurance.PensionStore.
func (db *DB) AwardBasis(ctx context.Context, person registry.PersonID, scheme insurance.Scheme, start period.Month) (*insurance.AwardBasis, error) {
	b := &insurance.AwardBasis{}
	err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(DISTINCT period) FROM payments WHERE person_id = ? AND scheme = ? AND period < ?`),
		person, scheme, start).Scan(&b.ContributionMonths)
	if err != nil {
		return nil, fmt.Errorf("award basis: contribution months: %w", err)
	}
	if err := eachRow(ctx, db, db.r, "award basis: contribution years", func(rows *sql.Rows) error {
		var y string
		var yb insurance.YearBase
		if err := rows.Scan(&y, &yb.Months, &yb.SumBase); err != nil {
			return fmt.Errorf("award basis: scan year: %w", err)
		}
		var err error
		if yb.Year, err = strconv.Atoi(y); err != nil {
			return fmt.Errorf("award basis: year %q: %w", y, err)
		}
		b.Years = append(b.Years, yb)
		return nil
	}, `SELECT substr(period, 1, 4), COUNT(*), SUM(base) FROM payments
		WHERE person_id = ? AND scheme = ? AND period < ? GROUP BY substr(period, 1, 4) ORDER BY 1`, person, scheme, start); err != nil {
		return nil, err
	}
	if scheme == insurance.ResidentPension {
		b.ResidentYears = len(b.Years)
	}
	if err := db.r.QueryRowContext(ctx, db.q(`SELECT COALESCE(SUM(amount), 0) FROM account_entries WHERE person_id = ? AND scheme = ? AND period < ?`),
		person, scheme, start).Scan(&b.AccountBalance); err != nil {
		return nil, fmt.Errorf("award basis: account balance: %w", err)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM enrolments WHERE person_id = ? AND scheme = 'resident_pension'`),
		person).Scan(&n); err != nil {
		return nil, fmt.Errorf("award basis: enrolment: %w", err)
	}
	b.ResidentEnrolled = n > 0
	if b.Awards, err = db.listAwards(ctx, db.r, " WHERE a.person_id = ? AND a.status <> 'stopped' ORDER BY a.id", person); err != nil {
		return nil, err
	}
	return b, nil
}

// CreateAward implements insurance.PensionStore. On PostgreSQL it locks the
// person's row first, so that two awards of one person are checked one
// after the other; SQLite has one writer.
func (db *DB) CreateAward(ctx context.Context, a *insurance.Award, check func(existing []*insurance.Award) error) error {
	dec, err := json.Marshal(a.Decision)
	if err != nil {
		return fmt.Errorf("create award: decision: %w", err)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockPerson(ctx, tx, int64(a.PersonID)); err != nil {
			return err
		}
		existing, err := db.listAwards(ctx, tx, " WHERE a.person_id = ? AND a.status <> 'stopped' ORDER BY a.id", a.PersonID)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(existing); err != nil {
				return err
			}
		}
		a.Version, a.CreatedAt = 1, db.now()
		err = tx.QueryRowContext(ctx, db.q(`INSERT INTO awards (person_id, scheme, region_code, start_month, amount, status, retirement_group,
			contribution_months, stop_month, decision, policy_version, created_by, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			a.PersonID, a.Scheme, a.RegionCode, a.Start, int64(a.Amount), a.Status, a.Group, a.ContributionMonths, a.StopMonth,
			string(dec), a.PolicyVersion, a.CreatedBy, db.ts(a.CreatedAt), a.Version).Scan(&a.ID)
		if err != nil {
			err = mapErr(err)
			if fault.CodeOf(err) == fault.Conflict {
				return fault.Wrap(fault.Conflict, err, "the person already has a %s award", a.Scheme)
			}
			return fmt.Errorf("create award: %w", err)
		}
		return db.audited(ctx, tx, "award.create", "award", a.ID, string(a.RegionCode), a,
			[]string{"scheme=" + string(a.Scheme), "start=" + a.Start.String(), "amount=" + strconv.FormatInt(int64(a.Amount), 10)})
	})
}

// Award implements insurance.PensionStore.
func (db *DB) Award(ctx context.Context, id insurance.AwardID) (*insurance.Award, error) {
	a := &insurance.Award{}
	var dec string
	err := scanAward(db.r.QueryRowContext(ctx, db.q("SELECT "+awardColumns+", a.decision FROM awards a WHERE a.id = ?"), id), a, &dec)
	if err != nil {
		return nil, notFound(err, "award", id)
	}
	if err := json.Unmarshal([]byte(dec), &a.Decision); err != nil {
		return nil, fmt.Errorf("award %d: decision: %w", id, err)
	}
	return a, nil
}

// Awards implements insurance.PensionStore.
func (db *DB) Awards(ctx context.Context, f insurance.AwardFilter) ([]*insurance.Award, error) {
	var w where
	w.region("a.region_code", f.Region)
	w.add("a.id > ?", f.After)
	if f.PersonID > 0 {
		w.add("a.person_id = ?", f.PersonID)
	}
	if f.Scheme != "" {
		w.add("a.scheme = ?", f.Scheme)
	}
	return db.listAwards(ctx, db.r, w.sql()+" ORDER BY a.id LIMIT ?", append(w.args, f.Limit)...)
}

// ---- payroll

// PayrollBasis implements insurance.PensionStore: four queries over the
// region's awards, adjustments, certifications and lines, joined in memory
// by award key.
func (db *DB) PayrollBasis(ctx context.Context, m period.Month, code region.Code) ([]insurance.PayrollItem, error) {

	var w where
	w.add("a.status <> 'stopped' AND a.start_month <= ?", m)
	// A run of the whole prefecture reads nearly every award: the table in
	// key order beats the region index plus a sort.
	w.region(db.keyOrderRegion("a.region_code", code), code)
	// The balance comes by key from its own table, in the same pass.
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT a.id, a.person_id, a.scheme, a.region_code, a.start_month, a.amount, a.status,
			b.first_paid, b.last_period, COALESCE(b.paid, 0)
		FROM awards a LEFT JOIN payroll_balances b ON b.award_id = a.id`+w.sql()+` ORDER BY a.id`), w.args...)
	if err != nil {
		return nil, fmt.Errorf("payroll basis of %s in %s: %w", m, code, err)
	}
	var items []insurance.PayrollItem
	index := map[insurance.AwardID]int{}
	for rows.Next() {
		items = append(items, insurance.PayrollItem{})
		it := &items[len(items)-1]
		a := &it.Award
		var last period.Month
		if err := rows.Scan(&a.ID, &a.PersonID, &a.Scheme, &a.RegionCode, &a.Start, &a.Amount, &a.Status, &it.FirstPaid, &last, &it.PaidBefore); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan payroll basis: %w", err)
		}
		it.PaidLater = last > m
		index[a.ID] = len(items) - 1
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, nil
	}
	each := func(what, query string, args []any, scan func(rows *sql.Rows, it *insurance.PayrollItem) error) error {
		rows, err := db.r.QueryContext(ctx, db.q(query), args...)
		if err != nil {
			return fmt.Errorf("payroll basis of %s in %s: %s: %w", m, code, what, err)
		}
		defer rows.Close()
		var id insurance.AwardID
		for rows.Next() {
			var it insurance.PayrollItem
			if err := scan(rows, &it); err != nil {
				return fmt.Errorf("scan %s: %w", what, err)
			}
			id = it.Award.ID
			if i, ok := index[id]; ok {
				dst := &items[i]
				dst.Adjustments = append(dst.Adjustments, it.Adjustments...)
				if !it.DeathDate.IsZero() {
					dst.DeathDate = it.DeathDate
				}
				if !it.LastCertified.IsZero() {
					dst.LastCertified = it.LastCertified
				}
			}
		}
		return rows.Err()
	}
	var wj where
	wj.add("j.year <= ?", m.Year())
	wj.region("j.region_code", code)
	err = each("adjustments", "SELECT j.award_id, j.year, j.amount FROM award_adjustments j"+wj.sql(), wj.args,
		func(rows *sql.Rows, it *insurance.PayrollItem) error {
			var ya insurance.YearAmount
			err := rows.Scan(&it.Award.ID, &ya.Year, &ya.Amount)
			it.Adjustments = []insurance.YearAmount{ya}
			return err
		})
	if err != nil {
		return nil, err
	}
	// Deaths and certifications are few: both queries start from them
	// (CROSS JOIN fixes the order on SQLite) and reach the award by the
	// person index of the awards not stopped.
	var wd where
	wd.add("p.death_date IS NOT NULL AND a.person_id = p.id AND a.status <> 'stopped'")
	wd.region("a.region_code", code)
	err = each("deaths", `SELECT a.id, p.death_date FROM persons p CROSS JOIN awards a`+wd.sql(), wd.args,
		func(rows *sql.Rows, it *insurance.PayrollItem) error {
			return rows.Scan(&it.Award.ID, &it.DeathDate)
		})
	if err != nil {
		return nil, err
	}
	var wc where
	wc.add("c.certified_on <= ? AND a.person_id = c.person_id AND a.status <> 'stopped'", m.Last())
	wc.region("a.region_code", code)
	err = each("certifications", `SELECT a.id, MAX(c.certified_on) FROM certifications c CROSS JOIN awards a`+
		wc.sql()+` GROUP BY a.id`, wc.args,
		func(rows *sql.Rows, it *insurance.PayrollItem) error {
			return rows.Scan(&it.Award.ID, &it.LastCertified)
		})
	if err != nil {
		return nil, err
	}
	// The lines of month m, which the balance includes.
	var wl where
	wl.add("l.period = ?", m)
	wl.region("l.region_code", code)
	rows, err = db.r.QueryContext(ctx, db.q("SELECT l.award_id, l.kind, l.amount FROM payroll_lines l"+wl.sql()), wl.args...)
	if err != nil {
		return nil, fmt.Errorf("payroll basis of %s in %s: lines: %w", m, code, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id insurance.AwardID
		var kind insurance.LineKind
		var amount money.Fen
		if err := rows.Scan(&id, &kind, &amount); err != nil {
			return nil, fmt.Errorf("scan payroll line: %w", err)
		}
		i, ok := index[id]
		if !ok {
			continue
		}
		it := &items[i]
		if it.PaidBefore, err = money.Sub(it.PaidBefore, amount); err != nil {
			return nil, fmt.Errorf("payroll basis of %s: award %d: %w", m, id, err)
		}
		if kind == insurance.LineRegular {
			it.Regular, it.HasRegular = amount, true
		} else {
			it.Arrears, it.HasArrears = amount, true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return items, nil
}

// payrollRunEvent is what the audit event of a payroll run digests: the
// run and a SHA-256 over the new lines, in order, so that the lines can
// be checked against the trail later without putting them in the event.
type payrollRunEvent struct {
	Run     *insurance.PayrollRun   `json:"run"`
	Changes []insurance.AwardChange `json:"changes,omitempty"`
	// LinesSHA256 hashes one line per new payroll line: award_id, period,
	// kind, amount, region_code and person_id, comma-separated,
	// newline-terminated.
	LinesSHA256 string `json:"lines_sha256"`
}

// SavePayroll implements insurance.PensionStore.
func (db *DB) SavePayroll(ctx context.Context, run *insurance.PayrollRun, lines []insurance.PayrollLine, changes []insurance.AwardChange) error {
	lo, hi := run.Region.Range()
	for i := range lines {
		l := &lines[i]
		if l.Period != run.Period || string(l.RegionCode) < lo || string(l.RegionCode) >= hi {
			return fault.Errorf(fault.Invalid, "payroll line of award %d is for %s in %s, outside the run of %s in %s",
				l.AwardID, l.Period, l.RegionCode, run.Period, run.Region)
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		run.CreatedAt = db.now()
		now := db.ts(run.CreatedAt)
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO payroll_runs (period, region_code, awards, new_lines, lines, regular, arrears,
			suspended, resumed, stopped, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			run.Period, run.Region, run.Awards, run.NewLines, run.Lines, int64(run.Regular), int64(run.Arrears),
			run.Suspended, run.Resumed, run.Stopped, run.CreatedBy, now).Scan(&run.ID)
		if err != nil {
			return fmt.Errorf("record payroll run: %w", mapErr(err))
		}
		ins := db.newInserter(tx, "payroll_lines", "award_id", "period", "kind", "amount", "region_code", "person_id", "run_id")
		ms := run.Period.String()
		h := sha256.New()
		var line []byte
		for i := range lines {
			l := &lines[i]
			if err := ins.add(ctx, int64(l.AwardID), ms, string(l.Kind), int64(l.Amount), string(l.RegionCode), int64(l.PersonID), run.ID); err != nil {
				return fmt.Errorf("payroll of %s in %s: %w", run.Period, run.Region, err)
			}
			line = strconv.AppendInt(line[:0], int64(l.AwardID), 10)
			line = append(line, ',')
			line = append(line, ms...)
			line = append(line, ',')
			line = append(line, l.Kind...)
			line = append(line, ',')
			line = strconv.AppendInt(line, int64(l.Amount), 10)
			line = append(line, ',')
			line = append(line, l.RegionCode...)
			line = append(line, ',')
			line = strconv.AppendInt(line, int64(l.PersonID), 10)
			line = append(line, '\n')
			h.Write(line)
		}
		if err := ins.flush(ctx); err != nil {
			return fmt.Errorf("payroll of %s in %s: %w", run.Period, run.Region, err)
		}
		if err := db.addBalances(ctx, tx, run); err != nil {
			return fmt.Errorf("payroll of %s in %s: %w", run.Period, run.Region, err)
		}
		for _, c := range changes {
			res, err := tx.ExecContext(ctx, db.q(`UPDATE awards SET status = ?, stop_month = ?, version = version + 1 WHERE id = ? AND status <> 'stopped'`),
				c.Status, c.StopMonth, c.AwardID)
			if err != nil {
				return fmt.Errorf("award %d to %s: %w", c.AwardID, c.Status, mapErr(err))
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return fault.Errorf(fault.Conflict, "award %d changed during the payroll run of %s; run it again", c.AwardID, run.Period)
			}
			if c.Status != insurance.AwardStopped {
				continue
			}
			// The regular lines of months after the last payable one are
			// overpaid; arrears lines paid then cover earlier months.
			// The key of the lines starts with the month: name the months
			// from the stop to the run (at most 20 years).
			var months []any
			for p := c.StopMonth.Add(1); p < run.Period && len(months) < 240; p = p.Add(1) {
				months = append(months, p)
			}
			if len(months) == 0 {
				continue
			}
			_, err = tx.ExecContext(ctx, db.q(`INSERT INTO overpayments (award_id, period, person_id, region_code, amount, status, created_at)
				SELECT award_id, period, person_id, region_code, amount, 'outstanding', ? FROM payroll_lines
				WHERE period IN (?`+strings.Repeat(", ?", len(months)-1)+`) AND award_id = ? AND kind = 'regular'
				ON CONFLICT (award_id, period) DO NOTHING`), append(append([]any{now}, months...), c.AwardID)...)
			if err != nil {
				return fmt.Errorf("overpayments of award %d: %w", c.AwardID, mapErr(err))
			}
		}
		ev := payrollRunEvent{Run: run, Changes: changes, LinesSHA256: hex.EncodeToString(h.Sum(nil))}
		fields := []string{"new_lines=" + strconv.Itoa(run.NewLines), "regular=" + strconv.FormatInt(int64(run.Regular), 10),
			"arrears=" + strconv.FormatInt(int64(run.Arrears), 10), "stopped=" + strconv.Itoa(run.Stopped), "suspended=" + strconv.Itoa(run.Suspended)}
		return db.audited(ctx, tx, "payroll.run", "payroll_run", run.ID, string(run.Region), ev, fields)
	})
}

// addBalances adds the lines of run to the payroll balances, in one
// statement.
func (db *DB) addBalances(ctx context.Context, tx *sql.Tx, run *insurance.PayrollRun) error {
	minf, maxf := db.leastGreatest()
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO payroll_balances (award_id, region_code, first_paid, last_period, paid)
		SELECT award_id, MIN(region_code), MIN(period), MAX(period), SUM(amount) FROM payroll_lines
		WHERE period = ? AND run_id = ? GROUP BY award_id
		ON CONFLICT (award_id) DO UPDATE SET paid = payroll_balances.paid + excluded.paid,
			first_paid = `+minf+`(payroll_balances.first_paid, excluded.first_paid),
			last_period = `+maxf+`(payroll_balances.last_period, excluded.last_period)`), run.Period, run.ID)
	if err != nil {
		return fmt.Errorf("payroll balances: %w", mapErr(err))
	}
	return nil
}

// Overpayments implements insurance.PensionStore.
func (db *DB) Overpayments(ctx context.Context, code region.Code, status insurance.OverpaymentStatus) ([]insurance.Overpayment, error) {
	var w where
	w.region("region_code", code)
	if status != "" {
		w.add("status = ?", status)
	}
	return orEmpty(queryAll(ctx, db, db.r, "list overpayments", func(rows scanner) (insurance.Overpayment, error) {
		var o insurance.Overpayment
		err := rows.Scan(&o.AwardID, &o.PersonID, &o.RegionCode, &o.Period, &o.Amount, &o.Status)
		return o, err
	}, `SELECT award_id, person_id, region_code, period, amount, status FROM overpayments`+
		w.sql()+` ORDER BY award_id, period`, w.args...))
}

// ---- adjustment

// AdjustmentBasis implements insurance.PensionStore.
func (db *DB) AdjustmentBasis(ctx context.Context, year int, code region.Code) ([]insurance.AdjustmentItem, error) {
	var w where
	w.add("a.scheme = 'employee_pension' AND a.status <> 'stopped' AND a.start_month <= ?", period.NewMonth(year-1, time.December))
	w.region("a.region_code", code)
	return queryAll(ctx, db, db.r, fmt.Sprintf("adjustment basis of %d in %s", year, code), func(rows scanner) (insurance.AdjustmentItem, error) {
		var it insurance.AdjustmentItem
		var idn string
		var done int
		a := &it.Award
		if err := rows.Scan(&a.ID, &a.PersonID, &a.RegionCode, &a.Amount, &a.ContributionMonths, &idn, &it.DeathDate, &it.Previous, &done); err != nil {
			return it, err
		}
		it.BirthDate, it.Done = ids.ResidentID(idn).BirthDate(), done > 0
		return it, nil
	}, `SELECT a.id, a.person_id, a.region_code, a.amount, a.contribution_months, p.id_number, p.death_date,
			COALESCE(SUM(CASE WHEN j.year < ? THEN j.amount ELSE 0 END), 0), COALESCE(MAX(CASE WHEN j.year = ? THEN 1 ELSE 0 END), 0)
		FROM awards a JOIN persons p ON p.id = a.person_id LEFT JOIN award_adjustments j ON j.award_id = a.id`+w.sql()+`
		GROUP BY a.id, a.person_id, a.region_code, a.amount, a.contribution_months, p.id_number, p.death_date ORDER BY a.id`, append([]any{year, year}, w.args...)...)
}

// SaveAdjustments implements insurance.PensionStore.
func (db *DB) SaveAdjustments(ctx context.Context, year int, code region.Code, as []insurance.Adjustment) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		ins := db.newInserter(tx, "award_adjustments", "award_id", "year", "person_id", "region_code", "announced", "own", "fixed",
			"per_year", "years", "linked", "age", "age_extra", "remote_extra", "amount")
		var total money.Fen
		h := sha256.New()
		for i := range as {
			a := &as[i]
			if a.Year != year {
				return fault.Errorf(fault.Invalid, "adjustment of award %d is for %d, outside the run of %d", a.AwardID, a.Year, year)
			}
			if err := ins.add(ctx, int64(a.AwardID), a.Year, int64(a.PersonID), string(a.RegionCode), a.Announced, int64(a.Own), int64(a.Fixed),
				int64(a.PerYear), a.Years, int64(a.Linked), a.Age, int64(a.AgeExtra), int64(a.RemoteExtra), int64(a.Amount)); err != nil {
				return fmt.Errorf("adjustments of %d in %s: %w", year, code, err)
			}
			var err error
			if total, err = money.Add(total, a.Amount); err != nil {
				return fmt.Errorf("adjustments of %d in %s: total: %w", year, code, err)
			}
			fmt.Fprintf(h, "%d,%d,%d\n", a.AwardID, a.Year, a.Amount)
		}
		if err := ins.flush(ctx); err != nil {
			return fmt.Errorf("adjustments of %d in %s: %w", year, code, err)
		}
		ev := map[string]any{"year": year, "region": code, "rows": len(as), "increase": total, "rows_sha256": hex.EncodeToString(h.Sum(nil))}
		return db.audited(ctx, tx, "adjustment.run", "adjustment", strconv.Itoa(year)+"/"+string(code), string(code), ev,
			[]string{"rows=" + strconv.Itoa(len(as)), "increase=" + strconv.FormatInt(int64(total), 10)})
	})
}

// Adjustments implements insurance.PensionStore.
func (db *DB) Adjustments(ctx context.Context, id insurance.AwardID) ([]insurance.Adjustment, error) {
	return orEmpty(queryAll(ctx, db, db.r, fmt.Sprintf("adjustments of award %d", id), func(rows scanner) (insurance.Adjustment, error) {
		var a insurance.Adjustment
		err := rows.Scan(&a.AwardID, &a.Year, &a.PersonID, &a.RegionCode, &a.Announced, &a.Own, &a.Fixed, &a.PerYear, &a.Years, &a.Linked,
			&a.Age, &a.AgeExtra, &a.RemoteExtra, &a.Amount)
		return a, err
	}, `SELECT award_id, year, person_id, region_code, announced, own, fixed, per_year, years, linked,
		age, age_extra, remote_extra, amount FROM award_adjustments WHERE award_id = ? ORDER BY year`, id))
}

// ---- certification

// CreateCertification implements insurance.PensionStore.
func (db *DB) CreateCertification(ctx context.Context, c *insurance.Certification) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		c.CreatedAt = db.now()
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO certifications (person_id, region_code, certified_on, method, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			c.PersonID, c.RegionCode, c.Date, c.Method, c.Note, c.CreatedBy, db.ts(c.CreatedAt)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("create certification: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "certification.create", "certification", c.ID, string(c.RegionCode), c,
			[]string{"person_id=" + strconv.FormatInt(int64(c.PersonID), 10), "method=" + string(c.Method)})
	})
}

// ---- duplicates and reports

// Duplicates implements insurance.PensionStore.
func (db *DB) Duplicates(ctx context.Context, code region.Code) ([]insurance.Duplicate, error) {
	var w where
	w.region("region_code", code)
	inRegion := "SELECT person_id FROM awards" + w.sql()
	out := []insurance.Duplicate{}
	if err := eachRow(ctx, db, db.r, "duplicate awards", func(rows *sql.Rows) error {
		var pid registry.PersonID
		var id insurance.AwardID
		var rc region.Code
		if err := rows.Scan(&pid, &id, &rc); err != nil {
			return fmt.Errorf("scan duplicate award: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].PersonID != pid {
			out = append(out, insurance.Duplicate{PersonID: pid, Rule: insurance.DupBothSchemes})
		}
		d := &out[len(out)-1]
		d.AwardIDs = append(d.AwardIDs, id)
		d.Regions = append(d.Regions, rc)
		return nil
	}, `SELECT a.person_id, a.id, a.region_code FROM awards a
		WHERE a.status <> 'stopped' AND a.person_id IN (SELECT person_id FROM awards WHERE status <> 'stopped'
			GROUP BY person_id HAVING COUNT(DISTINCT scheme) > 1)
		AND a.person_id IN (`+inRegion+`) ORDER BY a.person_id, a.id`, w.args...); err != nil {
		return nil, err
	}
	type key struct {
		person registry.PersonID
		month  period.Month
	}
	twice, err := queryAll(ctx, db, db.r, "duplicate payments", func(row scanner) (key, error) {
		var k key
		err := row.Scan(&k.person, &k.month)
		return k, err
	}, `SELECT l.person_id, MIN(l.period) FROM (
			SELECT person_id, period FROM payroll_lines WHERE kind = 'regular' AND person_id IN (`+inRegion+`)
			GROUP BY person_id, period HAVING COUNT(DISTINCT region_code) > 1) l
		GROUP BY l.person_id ORDER BY l.person_id`, w.args...)
	if err != nil {
		return nil, err
	}
	for _, k := range twice {
		d := insurance.Duplicate{PersonID: k.person, Rule: insurance.DupTwoRegions, Period: k.month}
		if err := eachRow(ctx, db, db.r, fmt.Sprintf("duplicate payments of person %d", k.person), func(rows *sql.Rows) error {
			var id insurance.AwardID
			var rc region.Code
			if err := rows.Scan(&id, &rc); err != nil {
				return fmt.Errorf("scan duplicate payment: %w", err)
			}
			d.AwardIDs = append(d.AwardIDs, id)
			d.Regions = append(d.Regions, rc)
			return nil
		}, `SELECT award_id, region_code FROM payroll_lines
			WHERE person_id = ? AND period = ? AND kind = 'regular' ORDER BY award_id`, k.person, k.month); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// PensionTotals implements insurance.PensionStore. An award is payable in
// m from its start to its stop; a suspended one still counts.
func (db *DB) PensionTotals(ctx context.Context, m period.Month, code region.Code) ([]insurance.PensionTotal, error) {
	var w where
	w.add("a.start_month <= ? AND (a.status <> 'stopped' OR a.stop_month >= ?)", m, m)
	w.region("a.region_code", code)
	return queryAll(ctx, db, db.r, fmt.Sprintf("pension totals of %s in %s", m, code), func(rows scanner) (insurance.PensionTotal, error) {
		var t insurance.PensionTotal
		err := rows.Scan(&t.Scheme, &t.Awards, &t.Before, &t.ThisYear)
		return t, err
	}, `SELECT a.scheme, COUNT(*), COALESCE(SUM(a.amount + COALESCE(prev.amount, 0)), 0),
			COALESCE(SUM(COALESCE(cur.amount, 0)), 0)
		FROM awards a
		LEFT JOIN (SELECT award_id, SUM(amount) AS amount FROM award_adjustments WHERE year < ? GROUP BY award_id) prev ON prev.award_id = a.id
		LEFT JOIN award_adjustments cur ON cur.award_id = a.id AND cur.year = ?`+w.sql()+`
		GROUP BY a.scheme ORDER BY a.scheme`, append([]any{m.Year(), m.Year()}, w.args...)...)
}
