package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/fault"
	"safetynet/internal/region"
)

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
	return queryAll(ctx, db, db.r, "list regions", scanRegion, "SELECT "+regionColumns+" FROM regions WHERE parent_code = ? ORDER BY code", parent)
}

// RegionCodes implements registry.BulkStore.
func (db *DB) RegionCodes(ctx context.Context) (map[region.Code]bool, error) {
	out := make(map[region.Code]bool, 1024)
	if err := eachRow(ctx, db, db.r, "list region codes", func(rows *sql.Rows) error {
		var c region.Code
		if err := rows.Scan(&c); err != nil {
			return err
		}
		out[c] = true
		return nil
	}, "SELECT code FROM regions"); err != nil {
		return nil, err
	}
	return out, nil
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
