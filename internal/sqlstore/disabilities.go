package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/registry"
)

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
	return queryOne(ctx, db, db.r, "disability record", id, scanDisability, "SELECT "+disabilityColumns+" FROM disabilities WHERE id = ?", id)
}

// Disabilities implements registry.Store.
func (db *DB) Disabilities(ctx context.Context, person registry.PersonID) ([]*registry.Disability, error) {
	return orEmpty(queryAll(ctx, db, db.r, "list disabilities", scanDisability, "SELECT "+disabilityColumns+" FROM disabilities WHERE person_id = ? ORDER BY id", person))
}
