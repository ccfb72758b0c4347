package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var _ registry.Store = (*DB)(nil)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// where accumulates the conditions and arguments of a list query.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// region restricts col to the subtree of code, as an index-friendly range.
func (w *where) region(col string, code region.Code) {
	if code == "" {
		return
	}
	lo, hi := code.Range()
	w.add(col+" >= ? AND "+col+" < ?", lo, hi)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// likePrefix returns a LIKE pattern matching values that start with s.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// checkUpdated turns an UPDATE that touched no row into NotFound or a
// version Conflict.
func (db *DB) checkUpdated(ctx context.Context, tx *sql.Tx, res sql.Result, table string, id int64, version int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var cur int64
	err = tx.QueryRowContext(ctx, db.q("SELECT version FROM "+table+" WHERE id = ?"), id).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Errorf(fault.NotFound, "%s %d not found", strings.TrimSuffix(table, "s"), id)
	}
	if err != nil {
		return err
	}
	return fault.Errorf(fault.Conflict, "%s %d was changed by someone else: you have version %d, the current one is %d; reload and try again",
		strings.TrimSuffix(table, "s"), id, version, cur)
}

// ---- regions

// Region implements registry.Store.
func (db *DB) Region(ctx context.Context, code region.Code) (region.Node, error) {
	n, err := scanRegion(db.r.QueryRowContext(ctx, db.q("SELECT "+regionColumns+" FROM regions WHERE code = ?"), code))
	if err != nil {
		return n, notFound(err, "region", code)
	}
	return n, nil
}

const regionColumns = `code, parent_code, level, name_zh, name_en, kind, population_2010`

func scanRegion(row scanner) (region.Node, error) {
	var n region.Node
	var level string
	err := row.Scan(&n.Code, &n.Parent, &level, &n.NameZH, &n.NameEN, &n.Kind, &n.Population2010)
	if err == nil {
		n.Level = n.Code.Level()
	}
	return n, err
}

// Regions implements registry.Store.
func (db *DB) Regions(ctx context.Context, parent region.Code) ([]region.Node, error) {
	rows, err := db.r.QueryContext(ctx, db.q("SELECT "+regionColumns+" FROM regions WHERE parent_code = ? ORDER BY code"), parent)
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	defer rows.Close()
	var out []region.Node
	for rows.Next() {
		n, err := scanRegion(rows)
		if err != nil {
			return nil, fmt.Errorf("scan region: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// RegionCodes implements registry.BulkStore.
func (db *DB) RegionCodes(ctx context.Context) (map[region.Code]bool, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT code FROM regions")
	if err != nil {
		return nil, fmt.Errorf("list region codes: %w", err)
	}
	defer rows.Close()
	out := make(map[region.Code]bool, 1024)
	for rows.Next() {
		var c region.Code
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}

// CreateRegion implements registry.Store.
func (db *DB) CreateRegion(ctx context.Context, n region.Node) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO regions ("+regionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)"),
			n.Code, n.Parent, n.Level.String(), n.NameZH, n.NameEN, n.Kind, n.Population2010); err != nil {
			err = mapErr(err)
			if fault.CodeOf(err) == fault.Conflict {
				return fault.Errorf(fault.Conflict, "region %s exists already", n.Code)
			}
			return fmt.Errorf("create region: %w", err)
		}
		return db.audited(ctx, tx, "region.create", "region", n.Code, string(n.Code), n, nil)
	})
}

// UpdateRegion implements registry.Store.
func (db *DB) UpdateRegion(ctx context.Context, n region.Node) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q("UPDATE regions SET name_zh = ?, name_en = ? WHERE code = ?"), n.NameZH, n.NameEN, n.Code)
		if err != nil {
			return fmt.Errorf("update region: %w", err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return fault.Errorf(fault.NotFound, "region %s not found", n.Code)
		}
		return db.audited(ctx, tx, "region.update", "region", n.Code, string(n.Code), n, []string{"name_zh", "name_en"})
	})
}

// ---- persons

const personColumns = `id, region_code, id_number, name, ethnicity, hukou_type, hukou_region, phone, address,
	death_date, death_source, created_at, updated_at, version`

func scanPerson(row scanner) (*registry.Person, error) {
	p := &registry.Person{}
	err := row.Scan(&p.ID, &p.RegionCode, &p.IDNumber, &p.Name, &p.Ethnicity, &p.HukouType, &p.HukouRegion, &p.Phone, &p.Address,
		&p.DeathDate, &p.DeathSource, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}, &p.Version)
	return p, err
}

// CreatePerson implements registry.Store.
func (db *DB) CreatePerson(ctx context.Context, p *registry.Person) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO persons (region_code, id_number, name, gender, birth_date, ethnicity,
			hukou_type, hukou_region, phone, address, death_date, death_source, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			p.RegionCode, p.IDNumber, p.Name, p.Gender().String(), p.BirthDate(), p.Ethnicity, p.HukouType, p.HukouRegion,
			p.Phone, p.Address, p.DeathDate, p.DeathSource, db.ts(now), db.ts(now), p.Version).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("create person: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "person.create", "person", p.ID, string(p.RegionCode), p, nil)
	})
}

// UpdatePerson implements registry.Store.
func (db *DB) UpdatePerson(ctx context.Context, p *registry.Person, ch registry.Change) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE persons SET region_code = ?, id_number = ?, name = ?, gender = ?, birth_date = ?,
			ethnicity = ?, hukou_type = ?, hukou_region = ?, phone = ?, address = ?, death_date = ?, death_source = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`),
			p.RegionCode, p.IDNumber, p.Name, p.Gender().String(), p.BirthDate(), p.Ethnicity, p.HukouType, p.HukouRegion,
			p.Phone, p.Address, p.DeathDate, p.DeathSource, db.ts(now), p.ID, p.Version)
		if err != nil {
			return fmt.Errorf("update person: %w", mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "persons", int64(p.ID), p.Version); err != nil {
			return err
		}
		p.UpdatedAt, p.Version = now, p.Version+1
		return db.audited(ctx, tx, ch.Action, "person", p.ID, string(p.RegionCode), p, ch.Fields)
	})
}

// RecordDeaths implements registry.Store.
func (db *DB) RecordDeaths(ctx context.Context, ps []*registry.Person) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		stmt, err := tx.PrepareContext(ctx, db.q(`UPDATE persons SET death_date = ?, death_source = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`))
		if err != nil {
			return fmt.Errorf("record deaths: %w", err)
		}
		defer stmt.Close()
		for _, p := range ps {
			res, err := stmt.ExecContext(ctx, p.DeathDate, p.DeathSource, db.ts(now), p.ID, p.Version)
			if err != nil {
				return fmt.Errorf("record death of person %d: %w", p.ID, mapErr(err))
			}
			if err := db.checkUpdated(ctx, tx, res, "persons", int64(p.ID), p.Version); err != nil {
				return err
			}
			p.UpdatedAt, p.Version = now, p.Version+1
			if err := db.audited(ctx, tx, "person.death", "person", p.ID, string(p.RegionCode), p, []string{"death_date", "death_source"}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Person implements registry.Store.
func (db *DB) Person(ctx context.Context, id registry.PersonID) (*registry.Person, error) {
	p, err := scanPerson(db.r.QueryRowContext(ctx, db.q("SELECT "+personColumns+" FROM persons WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "person", id)
	}
	return p, nil
}

// PersonByIDNumber implements registry.Store.
func (db *DB) PersonByIDNumber(ctx context.Context, idn ids.ResidentID) (*registry.Person, error) {
	p, err := scanPerson(db.r.QueryRowContext(ctx, db.q("SELECT "+personColumns+" FROM persons WHERE id_number = ?"), idn))
	if err != nil {
		return nil, notFound(err, "person with ID number", idn.Masked())
	}
	return p, nil
}

// Persons implements registry.Store.
func (db *DB) Persons(ctx context.Context, f registry.PersonFilter) ([]*registry.Person, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if f.IDNumber != "" {
		w.add("id_number = ?", f.IDNumber)
	}
	if f.Name != "" {
		w.add(`name LIKE ? ESCAPE '\'`, likePrefix(f.Name))
	}
	if f.Alive {
		w.add("death_date IS NULL")
	}
	rows, err := db.r.QueryContext(ctx, db.q("SELECT "+personColumns+" FROM persons"+w.sql()+" ORDER BY id LIMIT ?"), append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list persons: %w", err)
	}
	defer rows.Close()
	var out []*registry.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("scan person: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// RecordRead implements registry.Store.
func (db *DB) RecordRead(ctx context.Context, kind, id string, code region.Code) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return db.audited(ctx, tx, kind+".read", kind, id, string(code), struct{ Kind, ID string }{kind, id}, nil)
	})
}

// RecordReads implements registry.Store.
func (db *DB) RecordReads(ctx context.Context, evs []registry.ReadEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, ev := range evs {
			if err := db.audited(ctx, tx, ev.Action, ev.Kind, ev.ID, string(ev.Region), ev.Detail, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---- households

const householdColumns = `id, region_code, hukou_type, address, created_at, updated_at, version`

func scanHousehold(row scanner) (*registry.Household, error) {
	h := &registry.Household{}
	err := row.Scan(&h.ID, &h.RegionCode, &h.HukouType, &h.Address, timeCol{&h.CreatedAt}, timeCol{&h.UpdatedAt}, &h.Version)
	return h, err
}

// insertMembers adds h's members; their rows carry the household's region,
// so that a household and its members are stored together when sharded.
func (db *DB) insertMembers(ctx context.Context, tx *sql.Tx, h *registry.Household) error {
	for i, m := range h.Members {
		var one int
		err := tx.QueryRowContext(ctx, db.q("SELECT 1 FROM persons WHERE id = ?"), m.PersonID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return &fault.Error{Code: fault.Invalid, Message: "invalid household",
				Fields: map[string]string{fmt.Sprintf("members[%d].person_id", i): fmt.Sprintf("person %d does not exist", m.PersonID)}}
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO household_members (household_id, person_id, region_code, relation) VALUES (?, ?, ?, ?)"),
			h.ID, m.PersonID, h.RegionCode, m.Relation); err != nil {
			err = mapErr(err)
			if fault.CodeOf(err) == fault.Conflict {
				return fault.Errorf(fault.Conflict, "person %d (members[%d]) belongs to another household already", m.PersonID, i)
			}
			return fmt.Errorf("add household member: %w", err)
		}
	}
	return nil
}

// CreateHousehold implements registry.Store.
func (db *DB) CreateHousehold(ctx context.Context, h *registry.Household) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		h.CreatedAt, h.UpdatedAt, h.Version = now, now, 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO households (region_code, hukou_type, address, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), h.RegionCode, h.HukouType, h.Address, db.ts(now), db.ts(now), h.Version).Scan(&h.ID)
		if err != nil {
			return fmt.Errorf("create household: %w", mapErr(err))
		}
		if err := db.insertMembers(ctx, tx, h); err != nil {
			return err
		}
		return db.audited(ctx, tx, "household.create", "household", h.ID, string(h.RegionCode), h, nil)
	})
}

// UpdateHousehold implements registry.Store.
func (db *DB) UpdateHousehold(ctx context.Context, h *registry.Household, ch registry.Change) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE households SET region_code = ?, hukou_type = ?, address = ?, updated_at = ?,
			version = version + 1 WHERE id = ? AND version = ?`), h.RegionCode, h.HukouType, h.Address, db.ts(now), h.ID, h.Version)
		if err != nil {
			return fmt.Errorf("update household: %w", mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "households", int64(h.ID), h.Version); err != nil {
			return err
		}
		h.UpdatedAt, h.Version = now, h.Version+1
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM household_members WHERE household_id = ?"), h.ID); err != nil {
			return fmt.Errorf("update household members: %w", err)
		}
		if err := db.insertMembers(ctx, tx, h); err != nil {
			return err
		}
		return db.audited(ctx, tx, ch.Action, "household", h.ID, string(h.RegionCode), h, ch.Fields)
	})
}

// Household implements registry.Store.
func (db *DB) Household(ctx context.Context, id registry.HouseholdID) (*registry.Household, error) {
	h, err := scanHousehold(db.r.QueryRowContext(ctx, db.q("SELECT "+householdColumns+" FROM households WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "household", id)
	}
	if err := db.loadMembers(ctx, []*registry.Household{h}); err != nil {
		return nil, err
	}
	return h, nil
}

// loadMembers fills in the members of hs with one query.
func (db *DB) loadMembers(ctx context.Context, hs []*registry.Household) error {
	if len(hs) == 0 {
		return nil
	}
	byID := make(map[registry.HouseholdID]*registry.Household, len(hs))
	args := make([]any, len(hs))
	for i, h := range hs {
		byID[h.ID] = h
		h.Members = []registry.Member{}
		args[i] = h.ID
	}
	q := "SELECT household_id, person_id, relation FROM household_members WHERE household_id IN (?" + strings.Repeat(", ?", len(hs)-1) + ") ORDER BY household_id, person_id"
	rows, err := db.r.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return fmt.Errorf("load household members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var hid registry.HouseholdID
		var m registry.Member
		if err := rows.Scan(&hid, &m.PersonID, &m.Relation); err != nil {
			return fmt.Errorf("scan household member: %w", err)
		}
		h := byID[hid]
		h.Members = append(h.Members, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// The head first, then the others by person.
	for _, h := range hs {
		for i, m := range h.Members {
			if m.Relation == registry.RelHead && i > 0 {
				copy(h.Members[1:i+1], h.Members[0:i])
				h.Members[0] = m
				break
			}
		}
	}
	return nil
}

// Households implements registry.Store.
func (db *DB) Households(ctx context.Context, f registry.HouseholdFilter) ([]*registry.Household, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if f.PersonID > 0 {
		w.add("id IN (SELECT household_id FROM household_members WHERE person_id = ?)", f.PersonID)
	}
	rows, err := db.r.QueryContext(ctx, db.q("SELECT "+householdColumns+" FROM households"+w.sql()+" ORDER BY id LIMIT ?"), append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list households: %w", err)
	}
	var out []*registry.Household
	for rows.Next() {
		h, err := scanHousehold(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan household: %w", err)
		}
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.loadMembers(ctx, out)
}

// ---- organisations

const orgColumns = `id, region_code, uscc, uscc_flags, name, industry_code, size, address, created_at, updated_at, version`

func scanOrg(row scanner) (*registry.Organisation, error) {
	o := &registry.Organisation{}
	err := row.Scan(&o.ID, &o.RegionCode, &o.USCC, &o.USCCFlags, &o.Name, &o.IndustryCode, &o.Size, &o.Address,
		timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt}, &o.Version)
	return o, err
}

// CreateOrganisation implements registry.Store.
func (db *DB) CreateOrganisation(ctx context.Context, o *registry.Organisation) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO organisations (region_code, uscc, uscc_flags, name, industry_code, size, address,
			created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			o.RegionCode, o.USCC, int64(o.USCCFlags), o.Name, o.IndustryCode, o.Size, o.Address, db.ts(now), db.ts(now), o.Version).Scan(&o.ID)
		if err != nil {
			return fmt.Errorf("create organisation: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "organisation.create", "organisation", o.ID, string(o.RegionCode), o, nil)
	})
}

// UpdateOrganisation implements registry.Store.
func (db *DB) UpdateOrganisation(ctx context.Context, o *registry.Organisation, ch registry.Change) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE organisations SET region_code = ?, uscc = ?, uscc_flags = ?, name = ?, industry_code = ?,
			size = ?, address = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`),
			o.RegionCode, o.USCC, int64(o.USCCFlags), o.Name, o.IndustryCode, o.Size, o.Address, db.ts(now), o.ID, o.Version)
		if err != nil {
			return fmt.Errorf("update organisation: %w", mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "organisations", int64(o.ID), o.Version); err != nil {
			return err
		}
		o.UpdatedAt, o.Version = now, o.Version+1
		return db.audited(ctx, tx, ch.Action, "organisation", o.ID, string(o.RegionCode), o, ch.Fields)
	})
}

// Organisation implements registry.Store.
func (db *DB) Organisation(ctx context.Context, id registry.OrgID) (*registry.Organisation, error) {
	o, err := scanOrg(db.r.QueryRowContext(ctx, db.q("SELECT "+orgColumns+" FROM organisations WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "organisation", id)
	}
	return o, nil
}

// Organisations implements registry.Store.
func (db *DB) Organisations(ctx context.Context, f registry.OrgFilter) ([]*registry.Organisation, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if f.USCC != "" {
		w.add("uscc = ?", strings.ToUpper(strings.TrimSpace(f.USCC)))
	}
	if f.Name != "" {
		w.add(`name LIKE ? ESCAPE '\'`, likePrefix(f.Name))
	}
	rows, err := db.r.QueryContext(ctx, db.q("SELECT "+orgColumns+" FROM organisations"+w.sql()+" ORDER BY id LIMIT ?"), append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []*registry.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("scan organisation: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ---- employment

const employmentColumns = `id, region_code, person_id, org_id, start_date, end_date, separation, monthly_wage, version`

func scanEmployment(row scanner) (*registry.Employment, error) {
	e := &registry.Employment{}
	err := row.Scan(&e.ID, &e.RegionCode, &e.PersonID, &e.OrgID, &e.Start, &e.End, &e.Separation, &e.MonthlyWage, &e.Version)
	return e, err
}

// CreateEmployment implements registry.Store.
func (db *DB) CreateEmployment(ctx context.Context, e *registry.Employment) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		e.Version = 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO employment (region_code, person_id, org_id, start_date, end_date, separation,
			monthly_wage, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			e.RegionCode, e.PersonID, e.OrgID, e.Start, e.End, e.Separation, int64(e.MonthlyWage), e.Version).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("create employment: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "employment.create", "employment", e.ID, string(e.RegionCode), e, nil)
	})
}

// UpdateEmployment implements registry.Store.
func (db *DB) UpdateEmployment(ctx context.Context, e *registry.Employment, ch registry.Change) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE employment SET region_code = ?, person_id = ?, org_id = ?, start_date = ?, end_date = ?,
			separation = ?, monthly_wage = ?, version = version + 1 WHERE id = ? AND version = ?`),
			e.RegionCode, e.PersonID, e.OrgID, e.Start, e.End, e.Separation, int64(e.MonthlyWage), e.ID, e.Version)
		if err != nil {
			return fmt.Errorf("update employment: %w", mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "employment", int64(e.ID), e.Version); err != nil {
			return err
		}
		e.Version++
		return db.audited(ctx, tx, ch.Action, "employment", e.ID, string(e.RegionCode), e, ch.Fields)
	})
}

// Employment implements registry.Store.
func (db *DB) Employment(ctx context.Context, id registry.EmploymentID) (*registry.Employment, error) {
	e, err := scanEmployment(db.r.QueryRowContext(ctx, db.q("SELECT "+employmentColumns+" FROM employment WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "employment", id)
	}
	return e, nil
}

// Employments implements registry.Store.
func (db *DB) Employments(ctx context.Context, f registry.EmploymentFilter) ([]*registry.Employment, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	if f.PersonID > 0 {
		w.add("person_id = ?", f.PersonID)
	}
	if f.OrgID > 0 {
		w.add("org_id = ?", f.OrgID)
	}
	if !f.ActiveOn.IsZero() {
		w.add("start_date <= ? AND (end_date IS NULL OR end_date >= ?)", f.ActiveOn, f.ActiveOn)
	}
	rows, err := db.r.QueryContext(ctx, db.q("SELECT "+employmentColumns+" FROM employment"+w.sql()+" ORDER BY id LIMIT ?"), append(w.args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list employment: %w", err)
	}
	defer rows.Close()
	var out []*registry.Employment
	for rows.Next() {
		e, err := scanEmployment(rows)
		if err != nil {
			return nil, fmt.Errorf("scan employment: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ---- disabilities

const disabilityColumns = `id, region_code, person_id, kind, grade, certificate_no, issued, revoked, version`

func scanDisability(row scanner) (*registry.Disability, error) {
	d := &registry.Disability{}
	err := row.Scan(&d.ID, &d.RegionCode, &d.PersonID, &d.Kind, &d.Grade, &d.CertificateNo, &d.Issued, &d.Revoked, &d.Version)
	return d, err
}

// CreateDisability implements registry.Store.
func (db *DB) CreateDisability(ctx context.Context, d *registry.Disability) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		d.Version = 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO disabilities (region_code, person_id, kind, grade, certificate_no, issued, revoked, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			d.RegionCode, d.PersonID, d.Kind, d.Grade, d.CertificateNo, d.Issued, d.Revoked, d.Version).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("create disability: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "disability.create", "disability", d.ID, string(d.RegionCode), d, nil)
	})
}

// UpdateDisability implements registry.Store.
func (db *DB) UpdateDisability(ctx context.Context, d *registry.Disability, ch registry.Change) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE disabilities SET kind = ?, grade = ?, certificate_no = ?, issued = ?, revoked = ?,
			version = version + 1 WHERE id = ? AND version = ?`), d.Kind, d.Grade, d.CertificateNo, d.Issued, d.Revoked, d.ID, d.Version)
		if err != nil {
			return fmt.Errorf("update disability: %w", mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "disabilities", int64(d.ID), d.Version); err != nil {
			return err
		}
		d.Version++
		return db.audited(ctx, tx, ch.Action, "disability", d.ID, string(d.RegionCode), d, ch.Fields)
	})
}

// Disability implements registry.Store.
func (db *DB) Disability(ctx context.Context, id registry.DisabilityID) (*registry.Disability, error) {
	d, err := scanDisability(db.r.QueryRowContext(ctx, db.q("SELECT "+disabilityColumns+" FROM disabilities WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "disability record", id)
	}
	return d, nil
}

// Disabilities implements registry.Store.
func (db *DB) Disabilities(ctx context.Context, person registry.PersonID) ([]*registry.Disability, error) {
	rows, err := db.r.QueryContext(ctx, db.q("SELECT "+disabilityColumns+" FROM disabilities WHERE person_id = ? ORDER BY id"), person)
	if err != nil {
		return nil, fmt.Errorf("list disabilities: %w", err)
	}
	defer rows.Close()
	out := []*registry.Disability{}
	for rows.Next() {
		d, err := scanDisability(rows)
		if err != nil {
			return nil, fmt.Errorf("scan disability: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// BankAccounts implements registry.Store.
func (db *DB) BankAccounts(ctx context.Context, kind registry.OwnerKind, owner int64) ([]*registry.BankAccount, error) {
	rows, err := db.r.QueryContext(ctx, db.q("SELECT "+bankColumns+" FROM bank_accounts WHERE owner_kind = ? AND owner_id = ? ORDER BY id"), kind, owner)
	if err != nil {
		return nil, fmt.Errorf("list bank accounts: %w", err)
	}
	defer rows.Close()
	out := []*registry.BankAccount{}
	for rows.Next() {
		b, err := scanBank(rows)
		if err != nil {
			return nil, fmt.Errorf("scan bank account: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
