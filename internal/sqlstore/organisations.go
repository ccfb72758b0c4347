package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"safetynet/internal/registry"
)

const orgColumns = `id, region_code, uscc, uscc_flags, name, industry_code, size, address, status, closed_on, close_reason, created_at, updated_at, version`

func scanOrg(row scanner) (*registry.Organisation, error) {
	o := &registry.Organisation{}
	err := row.Scan(&o.ID, &o.RegionCode, &o.USCC, &o.USCCFlags, &o.Name, &o.IndustryCode, &o.Size, &o.Address,
		&o.Status, &o.ClosedOn, &o.CloseReason, timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt}, &o.Version)
	return o, err
}

// CreateOrganisation implements registry.Store.
func (db *DB) CreateOrganisation(ctx context.Context, o *registry.Organisation) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		o.CreatedAt, o.UpdatedAt, o.Version, o.Status = now, now, 1, registry.OrgActive
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
		if err := db.moveEmployerMonths(ctx, tx, o.ID, o.RegionCode); err != nil {
			return err
		}
		o.UpdatedAt, o.Version = now, o.Version+1
		return db.audited(ctx, tx, ch.Action, "organisation", o.ID, string(o.RegionCode), o, ch.Fields)
	})
}

// Organisation implements registry.Store.
func (db *DB) Organisation(ctx context.Context, id registry.OrgID) (*registry.Organisation, error) {
	return queryOne(ctx, db, db.r, "organisation", id, scanOrg, "SELECT "+orgColumns+" FROM organisations WHERE id = ?", id)
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
	return queryAll(ctx, db, db.r, "list organisations", scanOrg, "SELECT "+orgColumns+" FROM organisations"+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit)...)
}
