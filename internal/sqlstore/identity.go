package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"safetynet/internal/fault"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// ---- identity changes: maker-checker changes of who a person is.

const identityColumns = `id, person_id, region_code, old_name, old_id_number, new_name, new_id_number, reason, status,
	requested_by, requested_name, requested_at, decided_by, decided_name, decided_at, decision_note, version`

func scanIdentity(row scanner) (*registry.IdentityChange, error) {
	c := &registry.IdentityChange{}
	err := row.Scan(&c.ID, &c.PersonID, &c.RegionCode, &c.OldName, &c.OldIDNumber, &c.NewName, &c.NewIDNumber, &c.Reason, &c.Status,
		&c.RequestedBy, &c.RequestedName, timeCol{&c.RequestedAt}, &c.DecidedBy, &c.DecidedName, timeCol{&c.DecidedAt}, &c.DecisionNote, &c.Version)
	return c, err
}

// CreateIdentityChange implements registry.Store. The unique index on
// the pending requests of a person keeps at most one open, whatever
// requests race.
func (db *DB) CreateIdentityChange(ctx context.Context, c *registry.IdentityChange) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		c.Version = 1
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO identity_changes (person_id, region_code, old_name, old_id_number, new_name, new_id_number,
			reason, status, requested_by, requested_name, requested_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			c.PersonID, c.RegionCode, c.OldName, string(c.OldIDNumber), c.NewName, string(c.NewIDNumber), c.Reason, string(c.Status),
			c.RequestedBy, c.RequestedName, db.ts(c.RequestedAt), c.Version).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("create identity change: %w", mapErr(err))
		}
		return db.audited(ctx, tx, "identity_change.create", "identity_change", c.ID, string(c.RegionCode), c,
			append([]string{"status=" + string(c.Status), fmt.Sprintf("person_id=%d", c.PersonID)}, c.Fields()...))
	})
	if fault.CodeOf(err) == fault.Conflict {
		var open int64
		if qerr := db.r.QueryRowContext(ctx, db.q("SELECT id FROM identity_changes WHERE person_id = ? AND status = 'pending'"), c.PersonID).Scan(&open); qerr == nil {
			return fault.Errorf(fault.Conflict, "person %d has identity change %d pending: it is decided before another is requested", c.PersonID, open)
		}
	}
	return err
}

// IdentityChange implements registry.Store.
func (db *DB) IdentityChange(ctx context.Context, id registry.IdentityChangeID) (*registry.IdentityChange, error) {
	return queryOne(ctx, db, db.r, "identity change", id, scanIdentity, "SELECT "+identityColumns+" FROM identity_changes WHERE id = ?", id)
}

// IdentityChangesByStatus implements registry.Store.
func (db *DB) IdentityChangesByStatus(ctx context.Context, status registry.ApprovalStatus, code region.Code, after int64, limit int) ([]*registry.IdentityChange, error) {
	var w where
	w.add("status = ?", string(status))
	w.region("region_code", code)
	w.add("id > ?", after)
	return db.listIdentity(ctx, w, limit)
}

// IdentityChanges implements registry.Store.
func (db *DB) IdentityChanges(ctx context.Context, person registry.PersonID, after int64, limit int) ([]*registry.IdentityChange, error) {
	var w where
	w.add("person_id = ?", person)
	w.add("id > ?", after)
	return db.listIdentity(ctx, w, limit)
}

func (db *DB) listIdentity(ctx context.Context, w where, limit int) ([]*registry.IdentityChange, error) {
	return orEmpty(queryAll(ctx, db, db.r, "list identity changes", scanIdentity, "SELECT "+identityColumns+" FROM identity_changes"+w.sql()+" ORDER BY id LIMIT ?", append(w.args, limit)...))
}

// LatestIdentityChange implements registry.Store.
func (db *DB) LatestIdentityChange(ctx context.Context, person registry.PersonID) (*registry.IdentityChange, error) {
	return queryOne(ctx, db, db.r, "identity change of person", person, scanIdentity, "SELECT "+identityColumns+` FROM identity_changes
		WHERE person_id = ? AND status IN ('pending', 'confirmed') ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, decided_at DESC, id DESC LIMIT 1`, person)
}

// DecideIdentityChange implements registry.Store.
func (db *DB) DecideIdentityChange(ctx context.Context, c *registry.IdentityChange) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE identity_changes SET status = ?, decided_by = ?, decided_name = ?, decided_at = ?, decision_note = ?,
			version = version + 1 WHERE id = ? AND version = ? AND status = 'pending'`),
			string(c.Status), c.DecidedBy, c.DecidedName, db.tsOrNil(c.DecidedAt), c.DecisionNote, c.ID, c.Version)
		if err != nil {
			return fmt.Errorf("decide identity change %d: %w", c.ID, mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "identity_changes", int64(c.ID), c.Version); err != nil {
			return err
		}
		c.Version++
		action := "identity_change.confirm"
		if c.Status == registry.StatusRejected {
			action = "identity_change.reject"
		} else if err := db.applyIdentity(ctx, tx, c); err != nil {
			return err
		}
		return db.audited(ctx, tx, action, "identity_change", c.ID, string(c.RegionCode), c,
			append([]string{"status=" + string(c.Status), fmt.Sprintf("requested_by=%d", c.RequestedBy), fmt.Sprintf("person_id=%d", c.PersonID)}, c.Fields()...))
	})
}

// applyIdentity gives the person of a confirmed change its new name and ID
// number (and the birth date and sex read from it), if their identity is
// still the one the change was requested from, with the person's audit
// event.
func (db *DB) applyIdentity(ctx context.Context, tx *sql.Tx, c *registry.IdentityChange) error {
	now := db.now()
	res, err := tx.ExecContext(ctx, db.q(`UPDATE persons SET name = ?, id_number = ?, gender = ?, birth_date = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND name = ? AND id_number = ?`),
		c.NewName, c.NewIDNumber, c.NewIDNumber.Gender().String(), c.NewIDNumber.BirthDate(), db.ts(now), c.PersonID, c.OldName, c.OldIDNumber)
	if err != nil {
		return fmt.Errorf("apply identity change %d: %w", c.ID, mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return fault.Errorf(fault.Conflict, "person %d's name or ID number is no longer the one identity change %d was requested from: reject it", c.PersonID, c.ID)
	}
	p, err := scanPerson(tx.QueryRowContext(ctx, db.q("SELECT "+personColumns+" FROM persons WHERE id = ?"), c.PersonID))
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Errorf(fault.NotFound, "person %d not found", c.PersonID)
	}
	if err != nil {
		return err
	}
	return db.audited(ctx, tx, "person.identity", "person", p.ID, string(p.RegionCode), p,
		append(c.Fields(), fmt.Sprintf("identity_change_id=%d", c.ID)))
}
