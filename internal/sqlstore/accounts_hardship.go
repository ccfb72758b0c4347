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
	"safetynet/internal/region"
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
	if err := eachRow(ctx, db, db.r, fmt.Sprintf("代缴 batch %d", id), func(rows *sql.Rows) error {
		var it insurance.HardshipItem
		var reasons string
		if err := rows.Scan(&it.PersonID, &it.Name, &it.RegionCode, &reasons, &it.Amount); err != nil {
			return fmt.Errorf("scan 代缴 item: %w", err)
		}
		for _, g := range strings.Split(reasons, ",") {
			it.Groups = append(it.Groups, insurance.HardshipGroup(g))
		}
		b.Items = append(b.Items, it)
		return nil
	}, `SELECT i.person_id, p.name, i.region_code, i.reasons, i.amount
		FROM hardship_items i JOIN persons p ON p.id = i.person_id WHERE i.batch_id = ? ORDER BY i.person_id`, id); err != nil {
		return nil, err
	}
	return b, nil
}
