package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/registry"
)

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
	if err := eachRow(ctx, db, db.r, "load household members", func(rows *sql.Rows) error {
		var hid registry.HouseholdID
		var m registry.Member
		if err := rows.Scan(&hid, &m.PersonID, &m.Relation); err != nil {
			return fmt.Errorf("scan household member: %w", err)
		}
		h := byID[hid]
		h.Members = append(h.Members, m)
		return nil
	}, q, args...); err != nil {
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
	out, err := queryAll(ctx, db, db.r, "list households", scanHousehold,
		"SELECT "+householdColumns+" FROM households"+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	return out, db.loadMembers(ctx, out)
}
