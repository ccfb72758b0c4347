package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var _ insurance.BenefitStore = (*DB)(nil)

// ---- unemployment claims

// claimColumns are read from "unemployment_claims c", without the decision.
const claimColumns = `c.id, c.region_code, c.person_id, c.org_id, c.separation_date, c.separation, c.registered_on, c.retirement_group,
	c.start_month, c.contribution_months, c.carried_months, c.entitlement_months, c.monthly_amount, c.status, c.stop_reason,
	c.end_month, c.version, c.created_at`

// claimDrawn adds the months drawn and the last month paid.
const claimDrawn = `, (SELECT COUNT(*) FROM benefit_lines l WHERE l.claim_id = c.id),
	(SELECT MAX(l.period) FROM benefit_lines l WHERE l.claim_id = c.id)`

func claimDest(c *insurance.UnemploymentClaim) []any {
	return []any{&c.ID, &c.RegionCode, &c.PersonID, &c.OrgID, &c.SeparationDate, &c.Separation, &c.RegisteredOn, &c.RetirementGroup,
		&c.Start, &c.ContributionMonths, &c.CarriedMonths, &c.EntitlementMonths, &c.MonthlyAmount, &c.Status, &c.StopReason,
		&c.End, &c.Version, timeCol{&c.CreatedAt}}
}

func (db *DB) listClaims(ctx context.Context, q queryer, tail string, args ...any) ([]*insurance.UnemploymentClaim, error) {
	return queryAll(ctx, db, q, "list unemployment claims", func(rows scanner) (*insurance.UnemploymentClaim, error) {
		c := &insurance.UnemploymentClaim{}
		err := rows.Scan(append(claimDest(c), &c.MonthsDrawn, &c.PaidTo)...)
		return c, err
	}, "SELECT "+claimColumns+claimDrawn+" FROM unemployment_claims c"+tail, args...)
}

// UnemploymentMonths implements insurance.BenefitStore.
func (db *DB) UnemploymentMonths(ctx context.Context, person registry.PersonID, after, through period.Month) (int, error) {
	lo := ""
	if !after.IsZero() {
		lo = after.String()
	}
	var n int
	err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(DISTINCT period) FROM payments
		WHERE person_id = ? AND scheme = 'unemployment' AND period > ? AND period <= ?`), person, lo, through.String()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("unemployment months of person %d: %w", person, err)
	}
	return n, nil
}

// PersonClaims implements insurance.BenefitStore.
func (db *DB) PersonClaims(ctx context.Context, person registry.PersonID) ([]*insurance.UnemploymentClaim, error) {
	return db.listClaims(ctx, db.r, " WHERE c.person_id = ? ORDER BY c.id", person)
}

// CreateClaim implements insurance.BenefitStore. The partial unique index
// unemployment_claims_open refuses a second open claim of a person.
func (db *DB) CreateClaim(ctx context.Context, c *insurance.UnemploymentClaim) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		c.Version, c.CreatedAt = 1, db.now()
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO unemployment_claims (region_code, person_id, org_id, separation_date, separation,
			registered_on, retirement_group, start_month, contribution_months, carried_months, entitlement_months, monthly_amount,
			status, stop_reason, end_month, decision, version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			c.RegionCode, c.PersonID, c.OrgID, c.SeparationDate, c.Separation, c.RegisteredOn, c.RetirementGroup, c.Start,
			c.ContributionMonths, c.CarriedMonths, c.EntitlementMonths, int64(c.MonthlyAmount), c.Status, c.StopReason, c.End,
			string(c.Decision), c.Version, db.ts(c.CreatedAt)).Scan(&c.ID)
		if err != nil {
			err = mapErr(err)
			if fault.CodeOf(err) == fault.Conflict {
				return fault.Wrap(fault.Conflict, err, "person %d has an open unemployment claim already", c.PersonID)
			}
			return fmt.Errorf("create unemployment claim: %w", err)
		}
		return db.audited(ctx, tx, "unemployment_claim.create", "unemployment_claim", c.ID, string(c.RegionCode), c, nil)
	})
}

// Claim implements insurance.BenefitStore.
func (db *DB) Claim(ctx context.Context, id insurance.ClaimID) (*insurance.UnemploymentClaim, error) {
	c := &insurance.UnemploymentClaim{}
	var decision string
	err := db.r.QueryRowContext(ctx, db.q("SELECT "+claimColumns+claimDrawn+", c.decision FROM unemployment_claims c WHERE c.id = ?"), id).
		Scan(append(claimDest(c), &c.MonthsDrawn, &c.PaidTo, &decision)...)
	if err != nil {
		return nil, notFound(err, "unemployment claim", id)
	}
	c.Decision = []byte(decision)
	return c, nil
}

// Claims implements insurance.BenefitStore.
func (db *DB) Claims(ctx context.Context, f insurance.ClaimFilter) ([]*insurance.UnemploymentClaim, error) {
	var w where
	w.region("c.region_code", f.Region)
	w.add("c.id > ?", f.After)
	if f.PersonID > 0 {
		w.add("c.person_id = ?", f.PersonID)
	}
	if f.Status != "" {
		w.add("c.status = ?", f.Status)
	}
	return db.listClaims(ctx, db.r, w.sql()+" ORDER BY c.id LIMIT ?", append(w.args, f.Limit)...)
}

// EndClaim implements insurance.BenefitStore.
func (db *DB) EndClaim(ctx context.Context, c *insurance.UnemploymentClaim) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockBenefits(ctx, tx); err != nil {
			return err
		}
		// A run may have paid a month after the end since the caller read
		// the claim: that is a conflict, not a silent overpayment.
		var paid int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM benefit_lines WHERE claim_id = ? AND period > ?`), c.ID, c.End.String()).
			Scan(&paid); err != nil {
			return fmt.Errorf("end unemployment claim %d: %w", c.ID, err)
		}
		if paid > 0 {
			return fault.Errorf(fault.Conflict, "unemployment claim %d is paid after %s: reload it and stop it later", c.ID, c.End)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE unemployment_claims SET status = ?, stop_reason = ?, end_month = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = 'open'`), c.Status, c.StopReason, c.End, c.ID, c.Version)
		if err != nil {
			return fmt.Errorf("end unemployment claim %d: %w", c.ID, mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "unemployment_claims", int64(c.ID), c.Version); err != nil {
			return err
		}
		c.Version++
		return db.audited(ctx, tx, "unemployment_claim.stop", "unemployment_claim", c.ID, string(c.RegionCode),
			map[string]any{"stop_reason": c.StopReason, "end": c.End}, []string{"status", "stop_reason", "end"})
	})
}

// ---- work injuries

const injuryColumns = `i.id, i.region_code, i.person_id, i.org_id, i.injury_date, i.recognised_on, i.grade, i.nursing,
	i.employer_arranges_work, i.retirement_group, i.own_wage, i.wage_months, i.wage_scheme, i.grant_amount, i.allowance,
	i.allowance_from, i.stop_reason, i.end_month, i.version, i.created_at`

func injuryDest(in *insurance.Injury) []any {
	return []any{&in.ID, &in.RegionCode, &in.PersonID, &in.OrgID, &in.InjuryDate, &in.RecognisedOn, &in.Grade, &in.Nursing,
		&in.EmployerArrangesWork, &in.RetirementGroup, &in.OwnWage, &in.WageMonths, &in.WageScheme, &in.Grant, &in.Allowance,
		&in.AllowanceFrom, &in.StopReason, &in.End, &in.Version, timeCol{&in.CreatedAt}}
}

// InjuryBasis implements insurance.BenefitStore.
func (db *DB) InjuryBasis(ctx context.Context, person registry.PersonID, org registry.OrgID, d period.Date) (insurance.InjuryBasis, error) {
	var b insurance.InjuryBasis
	m := d.Period()
	var n int
	err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM enrolments WHERE person_id = ? AND org_id = ? AND scheme = 'work_injury'
		AND start_month <= ? AND (end_month IS NULL OR end_month >= ?)`), person, org, m, m).Scan(&n)
	if err != nil {
		return b, fmt.Errorf("work-injury enrolment of person %d: %w", person, err)
	}
	b.Insured = n > 0
	for _, scheme := range []insurance.Scheme{insurance.WorkInjury, insurance.EmployeePension} {
		if err := eachRow(ctx, db, db.r, fmt.Sprintf("bases of person %d", person), func(rows *sql.Rows) error {
			var p period.Month
			var base money.Fen
			if err := rows.Scan(&p, &base); err != nil {
				return fmt.Errorf("scan base: %w", err)
			}
			b.Bases = append(b.Bases, base)
			return nil
		}, `SELECT period, SUM(base) FROM payments WHERE person_id = ? AND scheme = ?
			AND period >= ? AND period < ? GROUP BY period ORDER BY period`, person, scheme, m.Add(-12), m); err != nil {
			return b, err
		}
		if len(b.Bases) > 0 {
			b.Scheme = scheme
			break
		}
	}
	return b, nil
}

// CreateInjury implements insurance.BenefitStore.
func (db *DB) CreateInjury(ctx context.Context, in *insurance.Injury) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		in.Version, in.CreatedAt = 1, db.now()
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO work_injuries (region_code, person_id, org_id, injury_date, recognised_on, grade,
			nursing, employer_arranges_work, retirement_group, own_wage, wage_months, wage_scheme, grant_amount, grant_decision,
			allowance, allowance_from, allowance_decision, stop_reason, end_month, version, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			in.RegionCode, in.PersonID, in.OrgID, in.InjuryDate, in.RecognisedOn, in.Grade, in.Nursing, db.boolv(in.EmployerArrangesWork),
			in.RetirementGroup, int64(in.OwnWage), in.WageMonths, string(in.WageScheme), int64(in.Grant), string(in.GrantDecision),
			in.Allowance, in.AllowanceFrom, string(in.AllowanceDecision), in.StopReason, in.End, in.Version, db.ts(in.CreatedAt)).Scan(&in.ID)
		if err != nil {
			err = mapErr(err)
			if fault.CodeOf(err) == fault.Conflict {
				if strings.Contains(err.Error(), "injury_date") {
					return fault.Wrap(fault.Conflict, err, "person %d has an injury of %s recorded already", in.PersonID, in.InjuryDate)
				}
				return fault.Wrap(fault.Conflict, err, "person %d draws a disability allowance already: record a re-appraisal instead", in.PersonID)
			}
			return fmt.Errorf("create work injury: %w", err)
		}
		return db.audited(ctx, tx, "work_injury.create", "work_injury", in.ID, string(in.RegionCode), in, nil)
	})
}

// Injury implements insurance.BenefitStore.
func (db *DB) Injury(ctx context.Context, id insurance.InjuryID) (*insurance.Injury, error) {
	in := &insurance.Injury{}
	var grant, allowance string
	err := db.r.QueryRowContext(ctx, db.q("SELECT "+injuryColumns+", i.grant_decision, i.allowance_decision FROM work_injuries i WHERE i.id = ?"), id).
		Scan(append(injuryDest(in), &grant, &allowance)...)
	if err != nil {
		return nil, notFound(err, "work injury", id)
	}
	in.GrantDecision = []byte(grant)
	if allowance != "" {
		in.AllowanceDecision = []byte(allowance)
	}
	return in, nil
}

// Injuries implements insurance.BenefitStore.
func (db *DB) Injuries(ctx context.Context, f insurance.ClaimFilter) ([]*insurance.Injury, error) {
	var w where
	w.region("i.region_code", f.Region)
	w.add("i.id > ?", f.After)
	if f.PersonID > 0 {
		w.add("i.person_id = ?", f.PersonID)
	}
	if f.Status != "" {
		w.add("i.allowance = ?", f.Status)
	}
	return queryAll(ctx, db, db.r, "list work injuries", func(rows scanner) (*insurance.Injury, error) {
		in := &insurance.Injury{}
		err := rows.Scan(injuryDest(in)...)
		return in, err
	}, "SELECT "+injuryColumns+" FROM work_injuries i"+w.sql()+" ORDER BY i.id LIMIT ?", append(w.args, f.Limit)...)
}

// ---- the monthly run

// RunBasis implements insurance.BenefitStore. Re-employment is the
// earliest start after the separation of an employment spell or of an
// enrolment through an employer.
func (db *DB) RunBasis(ctx context.Context, m period.Month, code region.Code) (*insurance.RunBasis, error) {
	var w where
	w.add("c.status = 'open'")
	w.region("c.region_code", code)
	sepMonth := db.monthOf("c.separation_date")
	ms := m.String()
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT `+claimColumns+`,
			(SELECT COUNT(*) FROM benefit_lines l WHERE l.claim_id = c.id AND l.period < ?),
			(SELECT COUNT(*) FROM benefit_lines l WHERE l.claim_id = c.id AND l.period = ?),
			p.birth_date, p.death_date,
			(SELECT MIN(x.start_date) FROM employment x WHERE x.person_id = c.person_id AND x.start_date > c.separation_date),
			(SELECT MIN(e.start_month) FROM enrolments e WHERE e.person_id = c.person_id AND e.kind = 'employer' AND e.start_month > `+sepMonth+`),
			(SELECT MIN(a.start_month) FROM awards a WHERE a.person_id = c.person_id AND a.scheme = 'employee_pension' AND a.status <> 'stopped')
		FROM unemployment_claims c JOIN persons p ON p.id = c.person_id`+w.sql()+` ORDER BY c.id`),
		append([]any{ms, ms}, w.args...)...)
	if err != nil {
		return nil, fmt.Errorf("benefit run basis of %s in %s: %w", m, code, err)
	}
	defer rows.Close()
	b := &insurance.RunBasis{}
	for rows.Next() {
		b.Claims = append(b.Claims, insurance.ClaimCase{})
		cc := &b.Claims[len(b.Claims)-1]
		var paid int
		var job period.Date
		var enrolled period.Month
		if err := rows.Scan(append(claimDest(&cc.Claim), &cc.Claim.MonthsDrawn, &paid, &cc.BirthDate, &cc.DeathDate, &job, &enrolled, &cc.PensionFrom)...); err != nil {
			return nil, fmt.Errorf("scan benefit run basis: %w", err)
		}
		cc.Paid = paid > 0
		cc.Reemployed = job
		if !enrolled.IsZero() && (job.IsZero() || enrolled.First() < job) {
			cc.Reemployed = enrolled.First()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("benefit run basis of %s in %s: %w", m, code, err)
	}
	rows.Close()

	var wi where
	wi.add("i.allowance = 'open'")
	wi.region("i.region_code", code)
	irows, err := db.r.QueryContext(ctx, db.q(`SELECT `+injuryColumns+`,
			(SELECT COUNT(*) FROM benefit_lines l WHERE l.injury_id = i.id AND l.period = ?), p.birth_date, p.death_date
		FROM work_injuries i JOIN persons p ON p.id = i.person_id`+wi.sql()+` ORDER BY i.id`), append([]any{ms}, wi.args...)...)
	if err != nil {
		return nil, fmt.Errorf("benefit run basis of %s in %s: %w", m, code, err)
	}
	defer irows.Close()
	for irows.Next() {
		b.Injuries = append(b.Injuries, insurance.InjuryCase{})
		ic := &b.Injuries[len(b.Injuries)-1]
		var paid int
		if err := irows.Scan(append(injuryDest(&ic.Injury), &paid, &ic.BirthDate, &ic.DeathDate)...); err != nil {
			return nil, fmt.Errorf("scan benefit run basis: %w", err)
		}
		ic.Paid = paid > 0
	}
	return b, irows.Err()
}

// benefitRun is what the audit event of a run digests: the totals, the
// claims and allowances ended, and a SHA-256 over the lines written.
type benefitRun struct {
	Period        period.Month `json:"period"`
	Region        region.Code  `json:"region"`
	Lines         int          `json:"lines"`
	Amount        money.Fen    `json:"amount"`
	EndedClaims   int          `json:"ended_claims"`
	EndedInjuries int          `json:"ended_injuries"`
	// LinesSHA256 hashes one line per row: kind, claim_id, injury_id,
	// person_id, region_code, seq, amount, top_up and payer,
	// comma-separated, newline-terminated.
	LinesSHA256 string `json:"lines_sha256"`
}

// SaveRun implements insurance.BenefitStore. The lines' unique keys make a
// repeated or concurrent run of a month fail as a whole with Conflict
// rather than pay twice; a claim or allowance ended meanwhile is a
// Conflict too.
func (db *DB) SaveRun(ctx context.Context, r *insurance.BenefitRun) error {
	lo, hi := r.Region.Range()
	for i := range r.Lines {
		l := &r.Lines[i]
		if l.Period != r.Period || r.Region != "" && (string(l.RegionCode) < lo || string(l.RegionCode) >= hi) {
			return fault.Errorf(fault.Invalid, "benefit line of person %d is for %s in %s, outside the run of %s in %s",
				l.PersonID, l.Period, l.RegionCode, r.Period, r.Region)
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockBenefits(ctx, tx); err != nil {
			return err
		}
		now := db.ts(db.now())
		ms := r.Period.String()
		ins := db.newInserter(tx, "benefit_lines", "kind", "claim_id", "injury_id", "person_id", "region_code", "period", "seq",
			"amount", "top_up", "payer", "created_at")
		sum := benefitRun{Period: r.Period, Region: r.Region, Lines: len(r.Lines), EndedClaims: len(r.EndedClaims), EndedInjuries: len(r.EndedInjuries)}
		h := sha256.New()
		var line []byte
		for i := range r.Lines {
			l := &r.Lines[i]
			if err := ins.add(ctx, string(l.Kind), nullID(l.ClaimID), nullID(l.InjuryID), int64(l.PersonID), string(l.RegionCode), ms,
				l.Seq, int64(l.Amount), int64(l.TopUp), l.Payer, now); err != nil {
				return runErr(err, r)
			}
			var err error
			if sum.Amount, err = money.Add(sum.Amount, l.Amount); err != nil {
				return fmt.Errorf("benefit run %s: total: %w", r.Period, err)
			}
			line = fmt.Appendf(line[:0], "%s,%d,%d,%d,%s,%d,%d,%d,%s\n", l.Kind, l.ClaimID, l.InjuryID, l.PersonID, l.RegionCode,
				l.Seq, l.Amount, l.TopUp, l.Payer)
			h.Write(line)
		}
		if err := ins.flush(ctx); err != nil {
			return runErr(err, r)
		}
		sum.LinesSHA256 = hex.EncodeToString(h.Sum(nil))
		// A claim stopped since the run read it must not be paid past its end.
		var late int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM benefit_lines l JOIN unemployment_claims c ON c.id = l.claim_id
			WHERE l.period = ? AND c.status = 'ended' AND c.end_month < l.period`), ms).Scan(&late); err != nil {
			return fmt.Errorf("save benefit run of %s in %s: %w", r.Period, r.Region, err)
		}
		if late > 0 {
			return fault.Errorf(fault.Conflict, "benefit run of %s in %s: %d claims were stopped meanwhile; run it again", r.Period, r.Region, late)
		}
		for i := range r.EndedClaims {
			c := &r.EndedClaims[i]
			if err := db.endOpen(ctx, tx, "unemployment_claims", "status", int64(c.ID), string(c.StopReason), c.End); err != nil {
				return err
			}
		}
		for i := range r.EndedInjuries {
			in := &r.EndedInjuries[i]
			if err := db.endOpen(ctx, tx, "work_injuries", "allowance", int64(in.ID), string(in.StopReason), in.End); err != nil {
				return err
			}
		}
		return db.audited(ctx, tx, "benefit.run", "benefit_run", ms+"/"+string(r.Region), string(r.Region), sum, nil)
	})
}

// benefitLock is the PostgreSQL advisory lock key that orders benefit runs
// and claim stops.
const benefitLock = 6523000006

// lockBenefits makes a run and a stop of a claim wait for each other, so
// that each sees what the other committed: on PostgreSQL with a
// transaction-scoped advisory lock; SQLite has one writer already.
func (db *DB) lockBenefits(ctx context.Context, tx *sql.Tx) error {
	return db.advisoryLock(ctx, tx, benefitLock, "benefit runs")
}

func runErr(err error, r *insurance.BenefitRun) error {
	if fault.CodeOf(err) == fault.Conflict {
		return fault.Wrap(fault.Conflict, err, "benefit run of %s in %s: a line exists already (another run of the month?); run it again", r.Period, r.Region)
	}
	return fmt.Errorf("save benefit run of %s in %s: %w", r.Period, r.Region, err)
}

// endOpen ends an open claim or allowance; Conflict if it is not open.
func (db *DB) endOpen(ctx context.Context, tx *sql.Tx, table, col string, id int64, reason string, end period.Month) error {
	res, err := tx.ExecContext(ctx, db.q(`UPDATE `+table+` SET `+col+` = 'ended', stop_reason = ?, end_month = ?, version = version + 1
		WHERE id = ? AND `+col+` = 'open'`), reason, end, id)
	if err != nil {
		return fmt.Errorf("end %s %d: %w", table, id, mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return fault.Errorf(fault.Conflict, "%s %d was ended meanwhile; run the month again", table, id)
	}
	return nil
}

// BenefitLines lists the lines of month m in the region subtree by key,
// after the key after. Tests and exports use it.
func (db *DB) BenefitLines(ctx context.Context, m period.Month, code region.Code, after int64, limit int) ([]insurance.BenefitLine, error) {
	var w where
	w.add("period = ?", m.String())
	w.region("region_code", code)
	w.add("id > ?", after)
	return queryAll(ctx, db, db.r, "list benefit lines", func(rows scanner) (insurance.BenefitLine, error) {
		var l insurance.BenefitLine
		err := rows.Scan(&l.Kind, &l.ClaimID, &l.InjuryID, &l.PersonID, &l.RegionCode, &l.Period, &l.Seq, &l.Amount, &l.TopUp, &l.Payer)
		return l, err
	}, `SELECT kind, COALESCE(claim_id, 0), COALESCE(injury_id, 0), person_id, region_code, period,
		seq, amount, top_up, payer FROM benefit_lines`+w.sql()+" ORDER BY id LIMIT ?", append(w.args, limit)...)
}

// EmployeePensionFrom implements insurance.BenefitStore.
func (db *DB) EmployeePensionFrom(ctx context.Context, person registry.PersonID) (period.Month, error) {
	var m period.Month
	err := db.r.QueryRowContext(ctx, db.q(`SELECT MIN(start_month) FROM awards
		WHERE person_id = ? AND scheme = 'employee_pension' AND status <> 'stopped'`), person).Scan(&m)
	if err != nil {
		return 0, fmt.Errorf("employee pension of person %d: %w", person, err)
	}
	return m, nil
}
