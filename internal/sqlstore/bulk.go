package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"safetynet/internal/registry"
)

var _ registry.BulkStore = (*DB)(nil)

// NextKeys implements registry.BulkStore.
func (db *DB) NextKeys(ctx context.Context) (registry.Keys, error) {
	var k registry.Keys
	for _, x := range []struct {
		table string
		dst   *int64
	}{
		{"persons", (*int64)(&k.Person)}, {"households", (*int64)(&k.Household)}, {"organisations", (*int64)(&k.Org)},
		{"employment", (*int64)(&k.Employment)}, {"disabilities", (*int64)(&k.Disability)}, {"bank_accounts", (*int64)(&k.BankAccount)},
	} {
		if err := db.r.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+x.table).Scan(x.dst); err != nil {
			return k, fmt.Errorf("next key of %s: %w", x.table, err)
		}
	}
	return k, nil
}

// FinishBulk implements registry.BulkStore: on PostgreSQL it moves each
// identity sequence past the keys the load assigned.
func (db *DB) FinishBulk(ctx context.Context) error {
	for _, t := range []string{"persons", "households", "organisations", "employment", "disabilities", "bank_accounts"} {
		if err := db.advanceKey(ctx, db.w, t); err != nil {
			return err
		}
	}
	return nil
}

// inserter writes rows with multi-row INSERT statements.
type inserter struct {
	db      *DB
	tx      *sql.Tx
	verb    string
	table   string
	cols    []string
	perStmt int
	stmt    *sql.Stmt
	buf     []any
}

func (db *DB) newInserter(tx *sql.Tx, table string, cols ...string) *inserter {
	// Stay well below both engines' limits on bound parameters.
	per := 4000 / len(cols)
	if per > 500 {
		per = 500
	}
	return &inserter{db: db, tx: tx, verb: "INSERT", table: table, cols: cols, perStmt: per}
}

// rollbackOnConflict makes a violated constraint roll the whole
// transaction back on SQLite (INSERT OR ROLLBACK) rather than the
// statement alone, so that SQLite keeps no statement journal for the
// multi-row statements. It suits writes that are all or nothing anyway;
// PostgreSQL needs nothing of the kind.
func (in *inserter) rollbackOnConflict() *inserter {
	in.verb = in.db.insertRollbackVerb()
	return in
}

func (in *inserter) query(rows int) string {
	var b strings.Builder
	b.WriteString(in.verb + " INTO " + in.table + " (" + strings.Join(in.cols, ", ") + ") VALUES ")
	tuple := "(?" + strings.Repeat(", ?", len(in.cols)-1) + ")"
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	return in.db.q(b.String())
}

// add queues one row and writes a full statement's worth when ready.
func (in *inserter) add(ctx context.Context, vals ...any) error {
	in.buf = append(in.buf, vals...)
	if len(in.buf) < in.perStmt*len(in.cols) {
		return nil
	}
	if in.stmt == nil {
		st, err := in.tx.PrepareContext(ctx, in.query(in.perStmt))
		if err != nil {
			return fmt.Errorf("prepare insert into %s: %w", in.table, err)
		}
		in.stmt = st
	}
	if _, err := in.stmt.ExecContext(ctx, in.buf...); err != nil {
		return fmt.Errorf("insert into %s: %w", in.table, mapErr(err))
	}
	in.buf = in.buf[:0]
	return nil
}

// flush writes the queued rows and closes the statement.
func (in *inserter) flush(ctx context.Context) error {
	if in.stmt != nil {
		defer in.stmt.Close()
	}
	if len(in.buf) == 0 {
		return nil
	}
	if _, err := in.tx.ExecContext(ctx, in.query(len(in.buf)/len(in.cols)), in.buf...); err != nil {
		return fmt.Errorf("insert into %s: %w", in.table, mapErr(err))
	}
	in.buf = in.buf[:0]
	return nil
}

// LoadBulk implements registry.BulkStore.
func (db *DB) LoadBulk(ctx context.Context, b *registry.Bulk) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.ts(db.now())
		orgs := db.newInserter(tx, "organisations", "id", "region_code", "uscc", "uscc_flags", "name", "industry_code", "size", "address", "created_at", "updated_at", "version")
		for i := range b.Organisations {
			o := &b.Organisations[i]
			if err := orgs.add(ctx, o.ID, o.RegionCode, o.USCC, int64(o.USCCFlags), o.Name, o.IndustryCode, o.Size, o.Address, now, now, 1); err != nil {
				return err
			}
		}
		if err := orgs.flush(ctx); err != nil {
			return err
		}
		persons := db.newInserter(tx, "persons", "id", "region_code", "id_number", "name", "gender", "birth_date", "ethnicity", "hukou_type",
			"hukou_region", "phone", "address", "death_date", "death_source", "created_at", "updated_at", "version")
		for i := range b.Persons {
			p := &b.Persons[i]
			if err := persons.add(ctx, p.ID, p.RegionCode, p.IDNumber, p.Name, p.Gender().String(), p.BirthDate(), p.Ethnicity, p.HukouType,
				p.HukouRegion, p.Phone, p.Address, p.DeathDate, p.DeathSource, now, now, 1); err != nil {
				return err
			}
		}
		if err := persons.flush(ctx); err != nil {
			return err
		}
		hh := db.newInserter(tx, "households", "id", "region_code", "hukou_type", "address", "created_at", "updated_at", "version")
		members := db.newInserter(tx, "household_members", "household_id", "person_id", "region_code", "relation")
		for i := range b.Households {
			h := &b.Households[i]
			if err := hh.add(ctx, h.ID, h.RegionCode, h.HukouType, h.Address, now, now, 1); err != nil {
				return err
			}
		}
		if err := hh.flush(ctx); err != nil {
			return err
		}
		for i := range b.Households {
			h := &b.Households[i]
			for _, m := range h.Members {
				// Members live where the household lives.
				if err := members.add(ctx, h.ID, m.PersonID, h.RegionCode, m.Relation); err != nil {
					return err
				}
			}
		}
		if err := members.flush(ctx); err != nil {
			return err
		}
		emp := db.newInserter(tx, "employment", "id", "region_code", "person_id", "org_id", "start_date", "end_date", "separation", "monthly_wage", "version")
		for i := range b.Employment {
			e := &b.Employment[i]
			if err := emp.add(ctx, e.ID, e.RegionCode, e.PersonID, e.OrgID, e.Start, e.End, e.Separation, int64(e.MonthlyWage), 1); err != nil {
				return err
			}
		}
		if err := emp.flush(ctx); err != nil {
			return err
		}
		dis := db.newInserter(tx, "disabilities", "id", "region_code", "person_id", "kind", "grade", "certificate_no", "issued", "revoked", "version")
		for i := range b.Disabilities {
			d := &b.Disabilities[i]
			if err := dis.add(ctx, d.ID, d.RegionCode, d.PersonID, d.Kind, d.Grade, d.CertificateNo, d.Issued, d.Revoked, 1); err != nil {
				return err
			}
		}
		if err := dis.flush(ctx); err != nil {
			return err
		}
		// A bulk load is the system's initial registration: its accounts are
		// confirmed as they are recorded.
		bank := db.newInserter(tx, "bank_accounts", "id", "region_code", "owner_kind", "owner_id", "bank_code", "bank_name", "account_no", "account_name",
			"is_primary", "wants_primary", "status", "requested_name", "decided_name", "version")
		for i := range b.BankAccounts {
			a := &b.BankAccounts[i]
			if err := bank.add(ctx, a.ID, a.RegionCode, a.OwnerKind, a.OwnerID, a.BankCode, a.BankName, a.AccountNo, a.AccountName, db.boolv(a.Primary),
				db.boolv(a.Primary), string(registry.StatusConfirmed), "system:registration", "system:registration", 1); err != nil {
				return err
			}
		}
		if err := bank.flush(ctx); err != nil {
			return err
		}
		counts := []string{
			"persons=" + strconv.Itoa(len(b.Persons)), "households=" + strconv.Itoa(len(b.Households)),
			"organisations=" + strconv.Itoa(len(b.Organisations)), "employment=" + strconv.Itoa(len(b.Employment)),
			"disabilities=" + strconv.Itoa(len(b.Disabilities)), "bank_accounts=" + strconv.Itoa(len(b.BankAccounts)),
		}
		id := "empty"
		if len(b.Persons) > 0 {
			id = fmt.Sprintf("persons:%d-%d", b.Persons[0].ID, b.Persons[len(b.Persons)-1].ID)
		}
		return db.audited(ctx, tx, "registry.bulk_load", "bulk", id, "", b, counts)
	})
}
