package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/registry"
)

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
	return queryOne(ctx, db, db.r, "employment", id, scanEmployment, "SELECT "+employmentColumns+" FROM employment WHERE id = ?", id)
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
	return queryAll(ctx, db, db.r, "list employment", scanEmployment, "SELECT "+employmentColumns+" FROM employment"+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit)...)
}
