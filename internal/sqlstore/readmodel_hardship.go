// The 代缴 candidates read model: for every person with a resident-pension
// enrolment in the year and region, the records that may put them in a
// group whose premium government pays, in one query by person (the
// registers joined on their keys, no lookup per person). It serves the
// group rule insurance.HardshipGroupOf (docs/domain.md section 6.9): the
// store reports each record with its kind (a tag of civil affairs' list, a
// disability certificate with its grade, a 低保 household, a 特困 award),
// the rule decides which group, if any, it gives.

package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// HardshipCandidates implements insurance.AccountStore: the records come
// with their kind (insurance.HardshipFact), none turned into a group here.
func (db *DB) HardshipCandidates(ctx context.Context, year int, code region.Code) ([]insurance.HardshipCandidate, map[registry.PersonID]bool, error) {
	jan, dec := period.NewMonth(year, 1), period.NewMonth(year, 12)
	var enr where
	enr.add("e.scheme = 'resident_pension'")
	enr.add("e.start_month <= ? AND (e.end_month IS NULL OR e.end_month >= ?)", dec.String(), jan.String())
	enr.region("e.region_code", code)
	cond := strings.TrimPrefix(enr.sql(), " WHERE ")
	args := append([]any{year}, enr.args...)
	args = append(args, dec.Last(), jan.First())
	args = append(args, enr.args...)
	// Civil affairs' own records count too: the members of a household with
	// 低保 in the year and the persons supported as 特困 then.
	args = append(args, dec.String(), jan.String())
	args = append(args, enr.args...)
	args = append(args, dec.String(), jan.String())
	args = append(args, enr.args...)
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT p.id, p.name, e.region_code, p.birth_date, p.death_date, p.hukou_region, 'tagged', h.hardship_group, 0
		FROM hardship_identities h JOIN enrolments e ON e.person_id = h.person_id JOIN persons p ON p.id = h.person_id
		WHERE h.year = ? AND `+cond+`
		UNION ALL
		SELECT p.id, p.name, e.region_code, p.birth_date, p.death_date, p.hukou_region, 'disability', '', d.grade
		FROM disabilities d JOIN enrolments e ON e.person_id = d.person_id JOIN persons p ON p.id = d.person_id
		WHERE d.issued <= ? AND (d.revoked IS NULL OR d.revoked >= ?) AND `+cond+`
		UNION ALL
		SELECT p.id, p.name, e.region_code, p.birth_date, p.death_date, p.hukou_region, 'dibao_household', '', 0
		FROM assistance_awards a JOIN household_members hm ON hm.household_id = a.household_id
			JOIN enrolments e ON e.person_id = hm.person_id JOIN persons p ON p.id = hm.person_id
		WHERE a.programme = 'dibao' AND a.kind = 'monthly' AND a.start_month <= ? AND (a.end_month IS NULL OR a.end_month >= ?) AND `+cond+`
		UNION ALL
		SELECT p.id, p.name, e.region_code, p.birth_date, p.death_date, p.hukou_region, 'tekun_award', '', 0
		FROM assistance_awards a JOIN enrolments e ON e.person_id = a.person_id JOIN persons p ON p.id = a.person_id
		WHERE a.programme = 'tekun' AND a.kind = 'monthly' AND a.start_month <= ? AND (a.end_month IS NULL OR a.end_month >= ?) AND `+cond+`
		ORDER BY 1, 7, 8`), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("代缴 candidates of %d in %s: %w", year, code, err)
	}
	defer rows.Close()
	var out []insurance.HardshipCandidate
	for rows.Next() {
		var c insurance.HardshipCandidate
		if err := rows.Scan(&c.PersonID, &c.Name, &c.RegionCode, &c.BirthDate, &c.DeathDate, &c.HukouRegion, &c.Fact, &c.Group, &c.Grade); err != nil {
			return nil, nil, fmt.Errorf("scan 代缴 candidate: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	paid := map[registry.PersonID]bool{}
	prow, err := db.r.QueryContext(ctx, db.q("SELECT person_id FROM hardship_items WHERE year = ?"), year)
	if err != nil {
		return nil, nil, fmt.Errorf("代缴 paid in %d: %w", year, err)
	}
	defer prow.Close()
	for prow.Next() {
		var id registry.PersonID
		if err := prow.Scan(&id); err != nil {
			return nil, nil, err
		}
		paid[id] = true
	}
	return out, paid, prow.Err()
}
