package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/ids"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var _ registry.Store = (*DB)(nil)

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
	return queryOne(ctx, db, db.r, "person", id, scanPerson, "SELECT "+personColumns+" FROM persons WHERE id = ?", id)
}

// PersonByIDNumber implements registry.Store.
func (db *DB) PersonByIDNumber(ctx context.Context, idn ids.ResidentID) (*registry.Person, error) {
	return queryOne(ctx, db, db.r, "person with ID number", idn.Masked(), scanPerson, "SELECT "+personColumns+" FROM persons WHERE id_number = ?", idn)
}

// Persons implements registry.Store.
func (db *DB) Persons(ctx context.Context, f registry.PersonFilter) ([]*registry.Person, error) {
	var w where
	w.region("region_code", f.Region)
	w.add("id > ?", f.After)
	w.text("id_number", f.IDNumber)
	from := " FROM persons"
	if f.Name != "" {
		// A range on the name index, which holds the region and the death
		// date too: with LIKE a prefecture's search by surname scanned
		// every person, and with the name alone it read every match
		// (BenchmarkConsolePages).
		w.prefix(db.codePointOrder("name"), f.Name)
		if f.IDNumber == "" {
			from += db.indexedBy("persons_name_region")
		}
	}
	if f.Alive {
		w.add("death_date IS NULL")
	}
	return queryAll(ctx, db, db.r, "list persons", scanPerson, "SELECT "+personColumns+from+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit)...)
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
