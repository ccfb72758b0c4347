package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var _ insurance.AccountStore = (*DB)(nil)

// creditWhere selects the payments of month m in the region subtree that
// the monthly crediting reads: not back payments or tier upgrades, which
// post their own entries, and with an individual part.
func creditWhere(m period.Month, code region.Code, scheme insurance.Scheme) *where {
	w := &where{}
	w.add("p.period = ?", m.String())
	w.region("p.region_code", code)
	w.add("p.scheme = ?", string(scheme))
	w.add("p.individual > 0")
	w.add("p.source NOT IN (?, ?)", string(insurance.BackPaymentSource), string(insurance.TierUpgradeSource))
	return w
}

// countyExpr is the county part of a payment's region code.
const countyExpr = "substr(p.region_code, 1, 6)"

// CreditBasis implements insurance.AccountStore.
func (db *DB) CreditBasis(ctx context.Context, m period.Month, code region.Code) (*insurance.CreditBasis, error) {
	b := &insurance.CreditBasis{ResidentAmounts: map[region.Code][]money.Fen{}}
	w := creditWhere(m, code, insurance.EmployeePension)
	if err := eachRow(ctx, db, db.r, fmt.Sprintf("crediting basis of %s in %s", m, code), func(rows *sql.Rows) error {
		var c region.Code
		if err := rows.Scan(&c); err != nil {
			return fmt.Errorf("scan crediting basis: %w", err)
		}
		b.Counties = append(b.Counties, c)
		return nil
	}, "SELECT DISTINCT "+countyExpr+" FROM payments p"+w.sql(), w.args...); err != nil {
		return nil, err
	}
	w = creditWhere(m, code, insurance.ResidentPension)
	if err := eachRow(ctx, db, db.r, fmt.Sprintf("crediting basis of %s in %s", m, code), func(rows *sql.Rows) error {
		var c region.Code
		var a money.Fen
		if err := rows.Scan(&c, &a); err != nil {
			return fmt.Errorf("scan crediting basis: %w", err)
		}
		b.ResidentAmounts[c] = append(b.ResidentAmounts[c], a)
		return nil
	}, "SELECT DISTINCT "+countyExpr+", p.individual FROM payments p"+w.sql(), w.args...); err != nil {
		return nil, err
	}
	return b, nil
}

// sortedCodes returns the keys of m in order, so that generated SQL is
// stable.
func sortedCodes[V any](m map[region.Code]V) []region.Code {
	out := make([]region.Code, 0, len(m))
	for c := range m {
		if c.Level() != 0 { // only digit codes go into SQL text
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ratioCase is the SQL CASE giving the employee credit ratio of a payment's
// county; the values are integers the caller computed, never user text.
func ratioCase(rules *insurance.CreditRules) (expr string, counties []string) {
	var b strings.Builder
	b.WriteString("CASE " + countyExpr)
	for _, c := range sortedCodes(rules.EmployeeRatio) {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", c, int64(rules.EmployeeRatio[c]))
		counties = append(counties, "'"+string(c)+"'")
	}
	b.WriteString(" END")
	return b.String(), counties
}

// subsidyCase is the SQL CASE giving the resident subsidy of a payment's
// county and amount, NULL where there is none.
func subsidyCase(rules *insurance.CreditRules) string {
	var b strings.Builder
	b.WriteString("CASE " + countyExpr)
	for _, c := range sortedCodes(rules.ResidentSubsidy) {
		subs := rules.ResidentSubsidy[c]
		amounts := make([]money.Fen, 0, len(subs))
		for a := range subs {
			amounts = append(amounts, a)
		}
		sort.Slice(amounts, func(i, j int) bool { return amounts[i] < amounts[j] })
		fmt.Fprintf(&b, " WHEN '%s' THEN CASE p.individual", c)
		for _, a := range amounts {
			fmt.Fprintf(&b, " WHEN %d THEN %d", int64(a), int64(subs[a]))
		}
		b.WriteString(" END")
	}
	b.WriteString(" END")
	return b.String()
}

// entryColumns are the columns of account_entries that postings write.
const entryColumns = "person_id, scheme, region_code, period, kind, amount, base, government, ref, created_at"

// creditRun is what the audit event of a crediting run records.
type creditRun struct {
	Period        period.Month `json:"period"`
	Region        region.Code  `json:"region"`
	Posted        int          `json:"posted"`
	AlreadyPosted int          `json:"already_posted"`
	Contributions money.Fen    `json:"contributions"`
	Subsidies     money.Fen    `json:"subsidies"`
}

// CreditPayments implements insurance.AccountStore with three INSERT ...
// SELECT statements (employee contributions, resident contributions,
// resident subsidies) that skip what the unique key (person, scheme, kind,
// ref) holds already. The audit event is written only when something was
// posted: a second run changes nothing.
func (db *DB) CreditPayments(ctx context.Context, m period.Month, code region.Code, rules *insurance.CreditRules, sum *insurance.CreditSummary) error {
	ref := "'payment:' || CAST(p.id AS TEXT)"
	ratio, counties := ratioCase(rules)
	subsidy := subsidyCase(rules)
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.ts(db.now())
		var mark int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM account_entries").Scan(&mark); err != nil {
			return fmt.Errorf("credit %s in %s: %w", m, code, err)
		}
		// Each statement posts one kind of entry; payments marks those
		// that post one entry per payment (the subsidy rides on the
		// resident contribution's payment).
		type stmt struct {
			w        *where
			sql      string
			payments bool
		}
		var stmts []stmt
		if len(counties) > 0 {
			w := creditWhere(m, code, insurance.EmployeePension)
			w.add(countyExpr + " IN (" + strings.Join(counties, ", ") + ")")
			stmts = append(stmts, stmt{w: w, payments: true, sql: "SELECT p.person_id, p.scheme, p.region_code, p.period, 'contribution', (p.base * " + ratio +
				" + 500000) / 1000000, p.base, " + db.boolLit(false) + ", " + ref + ", " + db.tsParam() + " FROM payments p"})
		}
		w := creditWhere(m, code, insurance.ResidentPension)
		stmts = append(stmts, stmt{w: w, payments: true, sql: "SELECT p.person_id, p.scheme, p.region_code, p.period, 'contribution', p.individual, 0, " +
			db.boolLit(false) + ", " + ref + ", " + db.tsParam() + " FROM payments p"})
		if len(rules.ResidentSubsidy) > 0 {
			w := creditWhere(m, code, insurance.ResidentPension)
			w.add("(" + subsidy + ") > 0")
			stmts = append(stmts, stmt{w: w, sql: "SELECT p.person_id, p.scheme, p.region_code, p.period, 'subsidy', " + subsidy + ", p.individual, " +
				db.boolLit(true) + ", " + ref + ", " + db.tsParam() + " FROM payments p"})
		}
		expected := 0
		for _, s := range stmts {
			var n int
			if err := tx.QueryRowContext(ctx, db.q("SELECT COUNT(*) FROM payments p"+s.w.sql()), s.w.args...).Scan(&n); err != nil {
				return fmt.Errorf("credit %s in %s: %w", m, code, err)
			}
			expected += n
			if s.payments {
				sum.Payments += n
			}
			res, err := tx.ExecContext(ctx, db.q("INSERT INTO account_entries ("+entryColumns+") "+s.sql+s.w.sql()+
				" ON CONFLICT (person_id, scheme, kind, ref) DO NOTHING"), append([]any{now}, s.w.args...)...)
			if err != nil {
				return fmt.Errorf("credit %s in %s: %w", m, code, mapErr(err))
			}
			posted, err := res.RowsAffected()
			if err != nil {
				return err
			}
			sum.Posted += int(posted)
		}
		sum.AlreadyPosted = expected - sum.Posted
		if sum.Posted == 0 {
			return nil
		}
		var tw where
		tw.add("id > ?", mark)
		tw.add("period = ?", m.String())
		tw.region("region_code", code)
		tw.add("ref LIKE 'payment:%'")
		if err := eachRow(ctx, db, tx, fmt.Sprintf("credit %s in %s", m, code), func(rows *sql.Rows) error {
			var kind insurance.EntryKind
			var total money.Fen
			if err := rows.Scan(&kind, &total); err != nil {
				return err
			}
			var err error
			switch kind {
			case insurance.EntryContribution:
				sum.Contributions, err = money.Add(sum.Contributions, total)
			case insurance.EntrySubsidy:
				sum.Subsidies, err = money.Add(sum.Subsidies, total)
			}
			return err
		}, "SELECT kind, CAST(SUM(amount) AS BIGINT) FROM account_entries"+tw.sql()+" GROUP BY kind", tw.args...); err != nil {
			return err
		}
		run := creditRun{Period: m, Region: code, Posted: sum.Posted, AlreadyPosted: sum.AlreadyPosted, Contributions: sum.Contributions, Subsidies: sum.Subsidies}
		fields := []string{"posted=" + strconv.Itoa(sum.Posted), "contributions=" + strconv.FormatInt(int64(sum.Contributions), 10),
			"subsidies=" + strconv.FormatInt(int64(sum.Subsidies), 10)}
		return db.audited(ctx, tx, "account.credit", "account_credit", m.String()+"/"+string(code), string(code), run, fields)
	})
}

// InterestBasis implements insurance.AccountStore. A person is in the run
// when any of their entries in the scheme lies in the region subtree; all
// their entries of the scheme up to the year's end are then summed. The
// interest entry goes to the region of the person's highest region code.
func (db *DB) InterestBasis(ctx context.Context, year int, scheme insurance.Scheme, code region.Code) ([]insurance.InterestBasis, int, error) {
	jan := period.NewMonth(year, 1).String()
	dec := period.NewMonth(year, 12).String()
	var w where
	w.add("e.scheme = ?", string(scheme))
	w.add("e.period <= ?", dec)
	if code != "" && code != db.juris.Home {
		var in where
		in.add("scheme = ?", string(scheme))
		in.region("region_code", code)
		w.add("e.person_id IN (SELECT person_id FROM account_entries"+in.sql()+")", in.args...)
	}
	args := append([]any{jan, jan, jan, insurance.InterestRef(year)}, w.args...)
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT e.person_id, MAX(e.region_code),
			CAST(SUM(CASE WHEN e.period < ? THEN e.amount ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN e.period >= ? THEN e.amount ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN e.period >= ? THEN e.amount * CAST(substr(e.period, 6, 2) AS INTEGER) ELSE 0 END) AS BIGINT),
			SUM(CASE WHEN e.kind = 'interest' AND e.ref = ? THEN 1 ELSE 0 END)
		FROM account_entries e`+w.sql()+` GROUP BY e.person_id ORDER BY e.person_id`), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("interest basis of %d in %s: %w", year, code, err)
	}
	defer rows.Close()
	var out []insurance.InterestBasis
	done := 0
	for rows.Next() {
		var b insurance.InterestBasis
		var posted int
		if err := rows.Scan(&b.PersonID, &b.RegionCode, &b.Opening, &b.InYear, &b.ByMonth, &posted); err != nil {
			return nil, 0, fmt.Errorf("scan interest basis: %w", err)
		}
		if posted > 0 {
			done++
			continue
		}
		out = append(out, b)
	}
	return out, done, rows.Err()
}

// PostEntries implements insurance.AccountStore.
func (db *DB) PostEntries(ctx context.Context, action, id string, code region.Code, es []insurance.AccountEntry, fields []string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.insertEntries(ctx, tx, es); err != nil {
			return err
		}
		var t money.Total
		for i := range es {
			t.Add(es[i].Amount)
		}
		total, err := t.Result()
		if err != nil {
			return fmt.Errorf("%s: total: %w", action, err)
		}
		fields = append(fields, "entries="+strconv.Itoa(len(es)), "total="+strconv.FormatInt(int64(total), 10))
		return db.audited(ctx, tx, action, "account_entry", id, string(code), struct {
			Entries int       `json:"entries"`
			Total   money.Fen `json:"total"`
		}{len(es), total}, fields)
	})
}

// insertEntries writes ledger entries with the bulk inserter; a posting
// made before is a Conflict.
func (db *DB) insertEntries(ctx context.Context, tx *sql.Tx, es []insurance.AccountEntry) error {
	now := db.ts(db.now())
	ins := db.newInserter(tx, "account_entries", strings.Split(entryColumns, ", ")...)
	for i := range es {
		e := &es[i]
		if err := ins.add(ctx, int64(e.PersonID), string(e.Scheme), string(e.RegionCode), e.Period.String(), string(e.Kind),
			int64(e.Amount), int64(e.Base), db.boolv(e.Government), e.Ref, now); err != nil {
			return entryErr(err)
		}
	}
	if err := ins.flush(ctx); err != nil {
		return entryErr(err)
	}
	return nil
}

func entryErr(err error) error {
	err = mapErr(err)
	if fault.CodeOf(err) == fault.Conflict {
		return fault.Wrap(fault.Conflict, err, "an account entry of the batch was posted before; nothing was posted")
	}
	return fmt.Errorf("post account entries: %w", err)
}

// AccountEntries implements insurance.AccountStore.
func (db *DB) AccountEntries(ctx context.Context, personID registry.PersonID, scheme insurance.Scheme) ([]insurance.AccountEntry, error) {
	return orEmpty(queryAll(ctx, db, db.r, fmt.Sprintf("account entries of person %d", personID), func(rows scanner) (insurance.AccountEntry, error) {
		var e insurance.AccountEntry
		err := rows.Scan(&e.ID, &e.PersonID, &e.Scheme, &e.RegionCode, &e.Period, &e.Kind, &e.Amount, &e.Base, &e.Government,
			&e.Ref, timeCol{&e.CreatedAt})
		return e, err
	}, `SELECT id, person_id, scheme, region_code, period, kind, amount, base, government, ref, created_at
		FROM account_entries WHERE person_id = ? AND scheme = ? ORDER BY period, id`, personID, string(scheme)))
}

// AccountBalance implements insurance.AccountStore.
func (db *DB) AccountBalance(ctx context.Context, personID registry.PersonID, scheme insurance.Scheme, before period.Month) (money.Fen, error) {
	var w where
	w.add("person_id = ?", personID)
	w.add("scheme = ?", string(scheme))
	if !before.IsZero() {
		w.add("period < ?", before.String())
	}
	var bal money.Fen
	err := db.r.QueryRowContext(ctx, db.q("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM account_entries"+w.sql()), w.args...).Scan(&bal)
	if err != nil {
		return 0, fmt.Errorf("account balance of person %d: %w", personID, err)
	}
	return bal, nil
}
