package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// SaveHardshipIdentities implements insurance.AccountStore. The audit event
// is written only when something was added.
func (db *DB) SaveHardshipIdentities(ctx context.Context, year int, source string, hs []insurance.HardshipIdentity) (int, error) {
	added := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.ts(db.now())
		stmt, err := tx.PrepareContext(ctx, db.q(`INSERT INTO hardship_identities (person_id, year, hardship_group, region_code, source, imported_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, year, hardship_group) DO NOTHING`))
		if err != nil {
			return fmt.Errorf("save hardship identities: %w", err)
		}
		defer stmt.Close()
		var codes []region.Code
		for _, h := range hs {
			res, err := stmt.ExecContext(ctx, int64(h.PersonID), year, string(h.Group), string(h.RegionCode), source, now)
			if err != nil {
				return fmt.Errorf("save hardship identities: %w", mapErr(err))
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n > 0 {
				added++
				codes = append(codes, h.RegionCode)
			}
		}
		if added == 0 {
			return nil
		}
		fields := []string{"year=" + strconv.Itoa(year), "rows=" + strconv.Itoa(len(hs)), "added=" + strconv.Itoa(added)}
		return db.audited(ctx, tx, "hardship.import", "hardship_identity", strconv.Itoa(year), string(commonRegion(codes)),
			struct {
				Year   int    `json:"year"`
				Source string `json:"source"`
				Rows   int    `json:"rows"`
				Added  int    `json:"added"`
			}{year, source, len(hs), added}, fields)
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// HardshipCandidates implements insurance.AccountStore.
func (db *DB) HardshipCandidates(ctx context.Context, year int, code region.Code, severeMax int) ([]insurance.HardshipCandidate, map[registry.PersonID]bool, error) {
	jan, dec := period.NewMonth(year, 1), period.NewMonth(year, 12)
	var enr where
	enr.add("e.scheme = 'resident_pension'")
	enr.add("e.start_month <= ? AND (e.end_month IS NULL OR e.end_month >= ?)", dec.String(), jan.String())
	enr.region("e.region_code", code)
	cond := strings.TrimPrefix(enr.sql(), " WHERE ")
	args := append([]any{year}, enr.args...)
	args = append(args, severeMax, dec.Last(), jan.First())
	args = append(args, enr.args...)
	// Civil affairs' own records count too: the members of a household with
	// 低保 in the year and the persons supported as 特困 then.
	args = append(args, dec.String(), jan.String())
	args = append(args, enr.args...)
	args = append(args, dec.String(), jan.String())
	args = append(args, enr.args...)
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT p.id, p.name, e.region_code, p.birth_date, p.death_date, p.hukou_region, h.hardship_group, 0
		FROM hardship_identities h JOIN enrolments e ON e.person_id = h.person_id JOIN persons p ON p.id = h.person_id
		WHERE h.year = ? AND `+cond+`
		UNION ALL
		SELECT p.id, p.name, e.region_code, p.birth_date, p.death_date, p.hukou_region, 'severe_disability', d.grade
		FROM disabilities d JOIN enrolments e ON e.person_id = d.person_id JOIN persons p ON p.id = d.person_id
		WHERE d.grade <= ? AND d.issued <= ? AND (d.revoked IS NULL OR d.revoked >= ?) AND `+cond+`
		UNION ALL
		SELECT p.id, p.name, e.region_code, p.birth_date, p.death_date, p.hukou_region, 'dibao', 0
		FROM assistance_awards a JOIN household_members hm ON hm.household_id = a.household_id
			JOIN enrolments e ON e.person_id = hm.person_id JOIN persons p ON p.id = hm.person_id
		WHERE a.programme = 'dibao' AND a.kind = 'monthly' AND a.start_month <= ? AND (a.end_month IS NULL OR a.end_month >= ?) AND `+cond+`
		UNION ALL
		SELECT p.id, p.name, e.region_code, p.birth_date, p.death_date, p.hukou_region, 'tekun', 0
		FROM assistance_awards a JOIN enrolments e ON e.person_id = a.person_id JOIN persons p ON p.id = a.person_id
		WHERE a.programme = 'tekun' AND a.kind = 'monthly' AND a.start_month <= ? AND (a.end_month IS NULL OR a.end_month >= ?) AND `+cond+`
		ORDER BY 1, 7`), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("代缴 candidates of %d in %s: %w", year, code, err)
	}
	defer rows.Close()
	var out []insurance.HardshipCandidate
	for rows.Next() {
		var c insurance.HardshipCandidate
		if err := rows.Scan(&c.PersonID, &c.Name, &c.RegionCode, &c.BirthDate, &c.DeathDate, &c.HukouRegion, &c.Group, &c.Grade); err != nil {
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

// SaveHardshipBatch implements insurance.AccountStore.
func (db *DB) SaveHardshipBatch(ctx context.Context, b *insurance.HardshipBatch, es []insurance.AccountEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO hardship_batches (year, region_code, amount, persons, total, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), b.Year, string(b.Region), int64(b.Amount), b.Persons, int64(b.Total), db.ts(at)).Scan(&b.ID)
		if err != nil {
			return fmt.Errorf("save 代缴 batch: %w", err)
		}
		ins := db.newInserter(tx, "hardship_items", "batch_id", "person_id", "year", "region_code", "reasons", "amount")
		for _, it := range b.Items {
			reasons := make([]string, len(it.Groups))
			for i, g := range it.Groups {
				reasons[i] = string(g)
			}
			if err := ins.add(ctx, b.ID, int64(it.PersonID), b.Year, string(it.RegionCode), strings.Join(reasons, ","), int64(it.Amount)); err != nil {
				return hardshipErr(err)
			}
		}
		if err := ins.flush(ctx); err != nil {
			return hardshipErr(err)
		}
		if err := db.insertEntries(ctx, tx, es); err != nil {
			return err
		}
		b.CreatedAt = at
		fields := []string{"year=" + strconv.Itoa(b.Year), "persons=" + strconv.Itoa(b.Persons), "total=" + strconv.FormatInt(int64(b.Total), 10)}
		return db.audited(ctx, tx, "hardship.pay", "hardship_batch", b.ID, string(b.Region), struct {
			Year    int       `json:"year"`
			Persons int       `json:"persons"`
			Amount  money.Fen `json:"amount"`
			Total   money.Fen `json:"total"`
		}{b.Year, b.Persons, b.Amount, b.Total}, fields)
	})
}

func hardshipErr(err error) error {
	err = mapErr(err)
	if fault.CodeOf(err) == fault.Conflict {
		return fault.Wrap(fault.Conflict, err, "a person of the batch was paid for in the year meanwhile; nothing was paid")
	}
	return fmt.Errorf("save 代缴 items: %w", err)
}

// HardshipBatch implements insurance.AccountStore.
func (db *DB) HardshipBatch(ctx context.Context, id int64) (*insurance.HardshipBatch, error) {
	b := &insurance.HardshipBatch{ID: id, Items: []insurance.HardshipItem{}}
	err := db.r.QueryRowContext(ctx, db.q("SELECT year, region_code, amount, persons, total, created_at FROM hardship_batches WHERE id = ?"), id).
		Scan(&b.Year, &b.Region, &b.Amount, &b.Persons, &b.Total, timeCol{&b.CreatedAt})
	if err != nil {
		return nil, notFound(err, "代缴 batch", id)
	}
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT i.person_id, p.name, i.region_code, i.reasons, i.amount
		FROM hardship_items i JOIN persons p ON p.id = i.person_id WHERE i.batch_id = ? ORDER BY i.person_id`), id)
	if err != nil {
		return nil, fmt.Errorf("代缴 batch %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var it insurance.HardshipItem
		var reasons string
		if err := rows.Scan(&it.PersonID, &it.Name, &it.RegionCode, &reasons, &it.Amount); err != nil {
			return nil, fmt.Errorf("scan 代缴 item: %w", err)
		}
		for _, g := range strings.Split(reasons, ",") {
			it.Groups = append(it.Groups, insurance.HardshipGroup(g))
		}
		b.Items = append(b.Items, it)
	}
	return b, rows.Err()
}
