package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"safetynet/internal/money"
	"safetynet/internal/period"
)

// SeedSummary counts the enrolments SeedEnrolments made.
type SeedSummary struct {
	Employer, Flexible, Resident, Unemployment, WorkInjury int64
}

// SeedEnrolments enrols a generated population the way the insurance
// centre's records would show it, in one transaction with one audit event:
// nine in ten persons with an open employment spell in the employee
// pension, unemployment and work injury through the employer (work-injury
// risk class by the employer's industry); one in six urban adults aged 25
// to 54 without an employer as flexible workers at 60% to 90% of avgWage;
// and seven in eight other living adults aged 22 or over in the resident
// pension at a tier from 200 to 5,000 yuan. It is for synthetic data only
// (gen and demo): real enrolments go through insurance.Service.Enrol.
// Persons with an open enrolment in a scheme are left alone, so it may run
// again.
func (db *DB) SeedEnrolments(ctx context.Context, today period.Date, avgWage money.Fen) (SeedSummary, error) {
	var sum SeedSummary
	ageAtLeast := func(n int) period.Date { return today.AddMonths(-12 * n) }
	cur := today.Period().String()
	open := func(scheme string) string {
		return "NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND e.scheme = " + scheme + " AND e.status <> 'terminated')"
	}
	// Work-injury risk class (行业风险类别) by industry section: the usual
	// assignment, for synthetic data.
	riskClass := `CASE SUBSTR(o.industry_code, 1, 1) WHEN 'B' THEN 8 WHEN 'E' THEN 5 WHEN 'C' THEN 4 WHEN 'G' THEN 4
		WHEN 'A' THEN 3 WHEN 'D' THEN 3 WHEN 'N' THEN 3 WHEN 'I' THEN 1 WHEN 'J' THEN 1 WHEN 'L' THEN 1 WHEN 'M' THEN 1
		WHEN 'P' THEN 1 WHEN 'S' THEN 1 ELSE 2 END`
	employer := func(scheme string) string {
		return `INSERT INTO enrolments (region_code, person_id, scheme, kind, org_id, start_month, status, risk_class, version)
			SELECT o.region_code, p.id, '` + scheme + `', 'employer', w.org_id, ` + db.monthOf("w.start_date") + `, 'active',
				` + map[bool]string{true: riskClass, false: "0"}[scheme == "work_injury"] + `, 1
			FROM employment w JOIN organisations o ON o.id = w.org_id JOIN persons p ON p.id = w.person_id
			WHERE w.end_date IS NULL AND p.death_date IS NULL AND p.id % 10 <> 7
				AND w.id = (SELECT MIN(w2.id) FROM employment w2 WHERE w2.person_id = w.person_id AND w2.end_date IS NULL)
				AND ` + open("'"+scheme+"'") + `
			ORDER BY p.id`
	}
	steps := []struct {
		count *int64
		query string
		args  []any
	}{
		{&sum.Employer, employer("employee_pension"), nil},
		{&sum.Unemployment, employer("unemployment"), nil},
		{&sum.WorkInjury, employer("work_injury"), nil},
		{&sum.Flexible, `INSERT INTO enrolments (region_code, person_id, scheme, kind, start_month, status, base, version)
			SELECT p.region_code, p.id, 'employee_pension', 'flexible', ?, 'active', ? * (60 + (p.id % 4) * 10) / 100, 1
			FROM persons p
			WHERE p.death_date IS NULL AND p.hukou_type = 'urban' AND p.birth_date <= ? AND p.birth_date > ? AND p.id % 6 = 1
				AND NOT EXISTS (SELECT 1 FROM employment w WHERE w.person_id = p.id AND w.end_date IS NULL)
				AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND e.scheme IN ('employee_pension', 'resident_pension'))
			ORDER BY p.id`, []any{period.NewMonth(2022, 1), int64(avgWage), ageAtLeast(25), ageAtLeast(55)}},
		{&sum.Resident, `INSERT INTO enrolments (region_code, person_id, scheme, kind, start_month, status, tier, version)
			SELECT p.region_code, p.id, 'resident_pension', 'resident',
				CASE WHEN ` + db.monthYearsAfter("p.birth_date", 22) + ` > '2011-07' THEN ` + db.monthYearsAfter("p.birth_date", 22) + ` ELSE '2011-07' END, 'active',
				CASE p.id % 100 WHEN 0 THEN 500000 WHEN 1 THEN 450000 WHEN 2 THEN 300000 WHEN 3 THEN 300000 WHEN 4 THEN 300000
					ELSE CASE p.id % 20 WHEN 0 THEN 200000 WHEN 1 THEN 200000 WHEN 2 THEN 100000 WHEN 3 THEN 100000
						WHEN 4 THEN 50000 WHEN 5 THEN 50000 WHEN 6 THEN 30000 WHEN 7 THEN 30000 WHEN 8 THEN 30000
						ELSE 20000 END END, 1
			FROM persons p
			WHERE p.death_date IS NULL AND p.birth_date <= ? AND p.id % 8 <> 3
				AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND e.scheme IN ('employee_pension', 'resident_pension'))
				AND ` + db.monthYearsAfter("p.birth_date", 22) + ` <= ?
			ORDER BY p.id`, []any{ageAtLeast(22), cur}},
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, st := range steps {
			res, err := tx.ExecContext(ctx, db.q(st.query), st.args...)
			if err != nil {
				return fmt.Errorf("seed enrolments: %w", mapErr(err))
			}
			if *st.count, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		counts := []string{"employer=" + strconv.FormatInt(sum.Employer, 10), "flexible=" + strconv.FormatInt(sum.Flexible, 10),
			"resident=" + strconv.FormatInt(sum.Resident, 10)}
		return db.audited(ctx, tx, "enrolment.seed", "bulk", today.String(), "", sum, counts)
	})
	return sum, err
}
