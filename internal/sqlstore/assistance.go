package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/audit"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var (
	_ assistance.Store     = (*DB)(nil)
	_ assistance.Insurance = (*DB)(nil)
)

// ---- means tests

const testColumns = `t.id, t.household_id, t.region_code, t.period, t.hukou_type, t.hukou_local, t.members, t.total_income, t.income_12m,
	t.financial_assets, t.vehicles, t.houses, t.business_entities, t.rigid_expenses_12m, t.heating_type, t.source, t.note, t.created_by, t.created_at`

func testDest(t *assistance.MeansTest) []any {
	return []any{&t.ID, &t.HouseholdID, &t.RegionCode, &t.Period, &t.HukouType, &t.HukouLocal, &t.MemberCount, &t.TotalIncome, &t.Income12m,
		&t.FinancialAssets, &t.Vehicles, &t.Houses, &t.BusinessEntities, &t.RigidExpenses12m, &t.HeatingType, &t.Source, &t.Note,
		&t.CreatedBy, timeCol{&t.CreatedAt}}
}

const testMemberColumns = `m.person_id, m.relation, m.birth_date, m.disability_grade, m.hukou_local, m.hukou_type, m.own_income,
	m.unable_to_work, m.self_care, m.has_supporter, m.monitored`

func testMemberDest(m *assistance.Member) []any {
	return []any{&m.PersonID, &m.Relation, &m.BirthDate, &m.DisabilityGrade, &m.HukouLocal, &m.HukouType, &m.OwnIncome,
		&m.UnableToWork, &m.SelfCare, &m.HasSupporter, &m.Monitored}
}

// CreateMeansTest implements assistance.Store.
func (db *DB) CreateMeansTest(ctx context.Context, t *assistance.MeansTest, c *assistance.Classification) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.insertMeansTest(ctx, tx, t); err != nil {
			return err
		}
		if c == nil {
			return nil
		}
		c.TestID = t.ID
		return db.saveClassification(ctx, tx, c)
	})
}

func (db *DB) insertMeansTest(ctx context.Context, tx *sql.Tx, t *assistance.MeansTest) error {
	t.CreatedAt = db.now()
	if t.CreatedBy == "" {
		t.CreatedBy = actorName(ctx)
	}
	err := tx.QueryRowContext(ctx, db.q(`INSERT INTO means_tests (household_id, region_code, period, hukou_type, hukou_local, members,
		total_income, income_12m, financial_assets, vehicles, houses, business_entities, rigid_expenses_12m, heating_type, member_data,
		source, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		int64(t.HouseholdID), string(t.RegionCode), t.Period, string(t.HukouType), db.boolv(t.HukouLocal), t.MemberCount,
		int64(t.TotalIncome), int64(t.Income12m), int64(t.FinancialAssets), t.Vehicles, t.Houses, t.BusinessEntities,
		int64(t.RigidExpenses12m), t.HeatingType, packMembers(t.Members), string(t.Source), t.Note, t.CreatedBy, db.ts(t.CreatedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("insert means test: %w", mapErr(err))
	}
	for _, m := range t.Members {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO means_test_members (test_id, person_id, relation, birth_date, disability_grade,
			hukou_local, hukou_type, own_income, unable_to_work, self_care, has_supporter, monitored) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			int64(t.ID), int64(m.PersonID), string(m.Relation), m.BirthDate, m.DisabilityGrade, db.boolv(m.HukouLocal), string(m.HukouType),
			int64(m.OwnIncome), db.boolv(m.UnableToWork), string(m.SelfCare), db.boolv(m.HasSupporter), db.boolv(m.Monitored)); err != nil {
			return fmt.Errorf("insert means test member %d: %w", m.PersonID, mapErr(err))
		}
	}
	for i, l := range t.Lines {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO means_test_lines (test_id, line, person_id, kind, amount, quantity, exempt, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), int64(t.ID), i+1, int64(l.PersonID), string(l.Kind), int64(l.Amount), l.Quantity,
			db.boolv(l.Exempt), l.Note); err != nil {
			return fmt.Errorf("insert means test line %d: %w", i+1, mapErr(err))
		}
	}
	fields := []string{"household=" + strconv.FormatInt(int64(t.HouseholdID), 10), "period=" + t.Period.String(),
		"members=" + strconv.Itoa(t.MemberCount), "income_12m=" + strconv.FormatInt(int64(t.Income12m), 10)}
	return db.audited(ctx, tx, "means_test.create", "means_test", t.ID, string(t.RegionCode), t, fields)
}

// actorName is the signed-in user's name, for created_by columns.
func actorName(ctx context.Context) string {
	if a, ok := audit.ActorFrom(ctx); ok && a.Name != "" {
		return a.Name
	}
	return "system"
}

// MeansTest implements assistance.Store.
func (db *DB) MeansTest(ctx context.Context, id assistance.TestID) (*assistance.MeansTest, error) {
	t := &assistance.MeansTest{}
	err := db.r.QueryRowContext(ctx, db.q("SELECT "+testColumns+" FROM means_tests t WHERE t.id = ?"), int64(id)).Scan(testDest(t)...)
	if err != nil {
		return nil, notFound(err, "means test", id)
	}
	return t, db.loadTestDetail(ctx, t)
}

// loadTestDetail reads the members and lines of t.
func (db *DB) loadTestDetail(ctx context.Context, t *assistance.MeansTest) error {
	var err error
	t.Members, err = orEmpty(queryAll(ctx, db, db.r, "load means test members", func(row scanner) (assistance.Member, error) {
		var m assistance.Member
		err := row.Scan(testMemberDest(&m)...)
		return m, err
	}, "SELECT "+testMemberColumns+" FROM means_test_members m WHERE m.test_id = ? ORDER BY m.person_id", int64(t.ID)))
	if err != nil {
		return err
	}
	t.Lines, err = orEmpty(queryAll(ctx, db, db.r, "load means test lines", func(row scanner) (assistance.Line, error) {
		var l assistance.Line
		err := row.Scan(&l.PersonID, &l.Kind, &l.Amount, &l.Quantity, &l.Exempt, &l.Note)
		return l, err
	}, "SELECT person_id, kind, amount, quantity, exempt, note FROM means_test_lines WHERE test_id = ? ORDER BY line", int64(t.ID)))
	return err
}

// LatestMeansTest implements assistance.Store.
func (db *DB) LatestMeansTest(ctx context.Context, household registry.HouseholdID, m period.Month) (*assistance.MeansTest, error) {
	t := &assistance.MeansTest{}
	err := db.r.QueryRowContext(ctx, db.q("SELECT "+testColumns+` FROM means_tests t WHERE t.household_id = ? AND t.period <= ?
		ORDER BY t.period DESC, t.id DESC LIMIT 1`), int64(household), m).Scan(testDest(t)...)
	if err != nil {
		return nil, notFound(err, "means test of household", household)
	}
	return t, db.loadTestDetail(ctx, t)
}

// MeansTests implements assistance.Store.
func (db *DB) MeansTests(ctx context.Context, f assistance.TestFilter) ([]*assistance.MeansTest, error) {
	var w where
	w.region("t.region_code", f.Region)
	w.add("t.id > ?", f.After)
	if f.HouseholdID > 0 {
		w.add("t.household_id = ?", int64(f.HouseholdID))
	}
	return queryAll(ctx, db, db.r, "list means tests", func(rows scanner) (*assistance.MeansTest, error) {
		t := &assistance.MeansTest{}
		err := rows.Scan(testDest(t)...)
		return t, err
	}, "SELECT "+testColumns+" FROM means_tests t"+w.sql()+" ORDER BY t.id LIMIT ?", append(w.args, f.Limit)...)
}

// ---- classifications

const classificationColumns = `period, household_id, region_code, test_id, layer, members, per_capita_income, dibao_amount, tekun_members, policy_version`

func classificationDest(c *assistance.Classification) []any {
	return []any{&c.Period, &c.HouseholdID, &c.RegionCode, &c.TestID, &c.Layer, &c.Members, &c.PerCapitaIncome, &c.DibaoAmount,
		&c.TekunMembers, &c.PolicyVersion}
}

func classificationArgs(c *assistance.Classification) []any {
	return []any{c.Period.String(), int64(c.HouseholdID), string(c.RegionCode), int64(c.TestID), string(c.Layer), c.Members,
		int64(c.PerCapitaIncome), int64(c.DibaoAmount), c.TekunMembers, c.PolicyVersion}
}

// SaveClassification implements assistance.Store.
func (db *DB) SaveClassification(ctx context.Context, c *assistance.Classification) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.saveClassification(ctx, tx, c) })
}

func (db *DB) saveClassification(ctx context.Context, tx *sql.Tx, c *assistance.Classification) error {
	if _, err := tx.ExecContext(ctx, db.q("DELETE FROM classifications WHERE period = ? AND household_id = ?"), c.Period.String(), int64(c.HouseholdID)); err != nil {
		return fmt.Errorf("replace classification: %w", err)
	}
	// The table is the low-income population: a household in none has no
	// row.
	if c.Layer != assistance.LayerNone {
		if _, err := tx.ExecContext(ctx, db.q("INSERT INTO classifications ("+classificationColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
			classificationArgs(c)...); err != nil {
			return fmt.Errorf("save classification: %w", mapErr(err))
		}
	}
	fields := []string{"household=" + strconv.FormatInt(int64(c.HouseholdID), 10), "period=" + c.Period.String(), "layer=" + string(c.Layer)}
	return db.audited(ctx, tx, "classification.save", "household", c.HouseholdID, string(c.RegionCode), c, fields)
}

// testChunk is how many households the reader of a classification run
// hands the writer at a time: enough for the columnar engine to use every
// core, little enough to overlap reading and writing.
const testChunk = 16_384

// ClassifyMonth implements assistance.Store. As AssessMonth does, it reads
// on a read connection while the write transaction classifies and saves
// the chunks read so far. Only households in a layer get a row.
func (db *DB) ClassifyMonth(ctx context.Context, m period.Month, code region.Code, classify func([]assistance.MeansTest) ([]assistance.Classification, error)) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []assistance.MeansTest, 2)
	readErr := make(chan error, 1)
	go func() {
		defer close(chunks)
		readErr <- db.eachLatestTest(ctx, m, code, func(chunk []assistance.MeansTest) bool {
			select {
			case chunks <- chunk:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	n := 0
	lo, hi := code.Range()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var w where
		w.add("period = ?", m.String())
		w.region("region_code", code)
		if _, err := tx.ExecContext(ctx, db.q("DELETE FROM classifications"+w.sql()), w.args...); err != nil {
			return fmt.Errorf("clear classifications of %s in %s: %w", m, code, err)
		}
		ins := db.newInserter(tx, "classifications", strings.Split(strings.ReplaceAll(classificationColumns, " ", ""), ",")...)
		counts := map[assistance.Layer]int{}
		for chunk := range chunks {
			cs, err := classify(chunk)
			if err != nil {
				return err
			}
			for i := range cs {
				c := &cs[i]
				if c.Period != m || code != "" && (string(c.RegionCode) < lo || string(c.RegionCode) >= hi) {
					return fault.Errorf(fault.Invalid, "classification of household %d is for %s in %s, outside the run of %s in %s",
						c.HouseholdID, c.Period, c.RegionCode, m, code)
				}
				counts[c.Layer]++
				if c.Layer == assistance.LayerNone {
					continue // not in the low-income population: no row
				}
				if err := ins.add(ctx, classificationArgs(c)...); err != nil {
					return fmt.Errorf("save classifications of %s: %w", m, err)
				}
			}
			n += len(cs)
		}
		if err := <-readErr; err != nil {
			return err
		}
		if err := ins.flush(ctx); err != nil {
			return fmt.Errorf("save classifications of %s: %w", m, err)
		}
		fields := []string{"households=" + strconv.Itoa(n)}
		for _, l := range append(assistance.Layers(), assistance.LayerNone) {
			fields = append(fields, string(l)+"="+strconv.Itoa(counts[l]))
		}
		return db.audited(ctx, tx, "classification.run", "classification", m.String()+"/"+string(code), string(code),
			map[string]any{"period": m, "region": code, "households": n, "layers": counts}, fields)
	})
	cancel()
	for range chunks {
	}
	return n, err
}

// eachLatestTest reads the latest test up to m (latest month, then latest
// test) of every household of the region subtree with its members, and
// hands fn testChunk households at a time. Two passes, both in key order
// with no sort: the ids of the latest tests from the household index
// alone, then the tests themselves in id order with their packed members
// (one row per household: 540,000 households in about a second on
// SQLite, against five joining 1.6 million member rows).
func (db *DB) eachLatestTest(ctx context.Context, m period.Month, code region.Code, fn func([]assistance.MeansTest) bool) error {
	var last int64
	if err := db.r.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM means_tests").Scan(&last); err != nil {
		return fmt.Errorf("classification basis of %s: %w", m, err)
	}
	// With a single writer every test with an id up to last was committed
	// before it: both passes see the same tests whatever their snapshots.
	latest := make([]uint64, last/64+1)
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT household_id, id FROM means_tests WHERE period <= ? AND id <= ?
		ORDER BY household_id, period, id`), m.String(), last)
	if err != nil {
		return fmt.Errorf("classification basis of %s: %w", m, err)
	}
	prevHH, prevID := int64(-1), int64(0)
	for rows.Next() {
		var hh, id int64
		if err := rows.Scan(&hh, &id); err != nil {
			rows.Close()
			return fmt.Errorf("scan latest tests: %w", err)
		}
		if hh != prevHH && prevHH >= 0 {
			latest[prevID/64] |= 1 << (prevID % 64)
		}
		prevHH, prevID = hh, id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("classification basis of %s: %w", m, err)
	}
	if prevHH >= 0 {
		latest[prevID/64] |= 1 << (prevID % 64)
	}

	var w where
	w.add("t.id <= ?", last)
	w.add("t.period <= ?", m.String())
	w.region(db.keyOrderRegion("t.region_code", code), code) // the whole prefecture: scan in key order
	// Booleans as 0 or 1 on both engines, to scan them into integers.
	rows, err = db.r.QueryContext(ctx, db.q(`SELECT t.id, t.household_id, t.region_code, t.hukou_type, `+bit("t.hukou_local")+`, t.members,
		t.total_income, t.income_12m, t.financial_assets, t.vehicles, t.houses, t.business_entities, t.rigid_expenses_12m, t.member_data
		FROM means_tests t`+w.sql()+` ORDER BY t.id`), w.args...)
	if err != nil {
		return fmt.Errorf("classification basis of %s in %s: %w", m, code, err)
	}
	defer rows.Close()
	intern := newInterner()
	// Scanned into plain integers and raw bytes: database/sql converts
	// those without reflection.
	var regionRaw, hukouRaw, packed sql.RawBytes
	var id, hh, hukouLocal, members, totalIncome, income12m, assets, vehicles, houses, businesses, rigid int64
	out := make([]assistance.MeansTest, 0, testChunk)
	for rows.Next() {
		if err := rows.Scan(&id, &hh, &regionRaw, &hukouRaw, &hukouLocal, &members, &totalIncome, &income12m,
			&assets, &vehicles, &houses, &businesses, &rigid, &packed); err != nil {
			return fmt.Errorf("scan classification basis: %w", err)
		}
		if latest[id/64]&(1<<(id%64)) == 0 {
			continue // a later test of the household counts
		}
		t := assistance.MeansTest{ID: assistance.TestID(id), HouseholdID: registry.HouseholdID(hh), RegionCode: region.Code(intern(regionRaw)),
			Period: m, HukouType: registry.HukouType(intern(hukouRaw)), HukouLocal: hukouLocal != 0}
		t.Totals = assistance.Totals{MemberCount: int(members), TotalIncome: money.Fen(totalIncome), Income12m: money.Fen(income12m),
			FinancialAssets: money.Fen(assets), Vehicles: int(vehicles), Houses: int(houses), BusinessEntities: int(businesses),
			RigidExpenses12m: money.Fen(rigid)}
		t.Members, err = unpackMembers(make([]assistance.Member, 0, max(t.MemberCount, 1)), packed)
		if err != nil {
			return fmt.Errorf("means test %d: %w", id, err)
		}
		if len(out) == testChunk {
			if !fn(out) {
				return ctx.Err()
			}
			out = make([]assistance.MeansTest, 0, testChunk)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("classification basis of %s in %s: %w", m, code, err)
	}
	if len(out) > 0 && !fn(out) {
		return ctx.Err()
	}
	return nil
}

// Classification implements assistance.Store: NotFound for a household in
// none, or not tested.
func (db *DB) Classification(ctx context.Context, household registry.HouseholdID, m period.Month) (*assistance.Classification, error) {
	c := &assistance.Classification{}
	err := db.r.QueryRowContext(ctx, db.q("SELECT "+classificationColumns+" FROM classifications WHERE period = ? AND household_id = ?"),
		m.String(), int64(household)).Scan(classificationDest(c)...)
	if err != nil {
		return nil, notFound(err, "classification of household", fmt.Sprintf("%d in %s", household, m))
	}
	return c, nil
}

// Classifications implements assistance.Store.
func (db *DB) Classifications(ctx context.Context, f assistance.ClassificationFilter) ([]assistance.Classification, error) {
	var w where
	w.add("period = ?", f.Period.String())
	w.region("region_code", f.Region)
	w.add("household_id > ?", f.After)
	w.text("layer", string(f.Layer))
	return queryAll(ctx, db, db.r, "list classifications", func(rows scanner) (assistance.Classification, error) {
		var c assistance.Classification
		err := rows.Scan(classificationDest(&c)...)
		return c, err
	}, "SELECT "+classificationColumns+" FROM classifications"+w.sql()+" ORDER BY household_id LIMIT ?", append(w.args, f.Limit)...)
}

// LayerCounts implements assistance.Store.
func (db *DB) LayerCounts(ctx context.Context, m period.Month, code region.Code) ([]assistance.LayerCount, error) {
	var w where
	w.add("period = ?", m.String())
	w.region("region_code", code)
	return queryAll(ctx, db, db.r, "count layers", func(rows scanner) (assistance.LayerCount, error) {
		var c assistance.LayerCount
		err := rows.Scan(&c.County, &c.Layer, &c.Households, &c.Persons, &c.DibaoAmount)
		return c, err
	}, `SELECT SUBSTR(region_code, 1, 6), layer, COUNT(*), SUM(members), SUM(dibao_amount)
		FROM classifications`+w.sql()+` GROUP BY SUBSTR(region_code, 1, 6), layer ORDER BY 1, 2`, w.args...)
}

// ---- the insurance side

// InsuranceIncomes implements assistance.Insurance: the regular pension
// lines of the persons' awards and the unemployment and injury benefit
// lines of their claims, for the months from through to.
func (db *DB) InsuranceIncomes(ctx context.Context, persons []registry.PersonID, from, to period.Month) ([]assistance.InsuranceIncome, error) {
	if len(persons) == 0 {
		return nil, nil
	}
	in := "(?" + strings.Repeat(", ?", len(persons)-1) + ")"
	args := make([]any, 0, len(persons)+2)
	for _, p := range persons {
		args = append(args, int64(p))
	}
	args = append(args, from.String(), to.String())
	var out []assistance.InsuranceIncome
	for _, q := range []struct {
		kind assistance.LineKind
		sql  string
	}{
		{assistance.IncomePension, `SELECT a.person_id, a.scheme || ' award ' || a.id, COUNT(*), SUM(l.amount) FROM awards a
			JOIN payroll_lines l ON l.award_id = a.id AND l.kind = 'regular'
			WHERE a.person_id IN ` + in + ` AND l.period >= ? AND l.period <= ? GROUP BY a.person_id, a.id, a.scheme ORDER BY a.person_id, a.id`},
		{assistance.IncomeBenefit, `SELECT c.person_id, 'unemployment claim ' || c.id, COUNT(*), SUM(l.amount) FROM unemployment_claims c
			JOIN benefit_lines l ON l.claim_id = c.id
			WHERE c.person_id IN ` + in + ` AND l.period >= ? AND l.period <= ? GROUP BY c.person_id, c.id ORDER BY c.person_id, c.id`},
		{assistance.IncomeBenefit, `SELECT w.person_id, 'work injury ' || w.id, COUNT(*), SUM(l.amount) FROM work_injuries w
			JOIN benefit_lines l ON l.injury_id = w.id
			WHERE w.person_id IN ` + in + ` AND l.period >= ? AND l.period <= ? GROUP BY w.person_id, w.id ORDER BY w.person_id, w.id`},
	} {
		if err := eachRow(ctx, db, db.r, "insurance incomes", func(rows *sql.Rows) error {
			inc := assistance.InsuranceIncome{Kind: q.kind}
			if err := rows.Scan(&inc.PersonID, &inc.Source, &inc.Months, &inc.Amount); err != nil {
				return fmt.Errorf("scan insurance income: %w", err)
			}
			out = append(out, inc)
			return nil
		}, q.sql, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// HouseholdForTest is a registry household with what a means test copies
// of its members, for generating tests in bulk.
type HouseholdForTest struct {
	ID         registry.HouseholdID
	RegionCode region.Code
	HukouType  registry.HukouType
	Members    []assistance.Member
	// Deaths are the members' death dates (zero for the living), by index.
	Deaths []period.Date
}

// EachHouseholdForTest hands fn every household with its members (birth
// date, registration, the most severe certificate's grade), in key order.
func (db *DB) EachHouseholdForTest(ctx context.Context, fn func(*HouseholdForTest) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT h.id, h.region_code, h.hukou_type, hm.person_id, hm.relation, p.birth_date, p.hukou_region,
		p.hukou_type, p.death_date, COALESCE((SELECT MIN(d.grade) FROM disabilities d WHERE d.person_id = p.id AND d.revoked IS NULL), 0)
		FROM households h JOIN household_members hm ON hm.household_id = h.id JOIN persons p ON p.id = hm.person_id
		ORDER BY h.id, hm.person_id`)
	if err != nil {
		return fmt.Errorf("households for tests: %w", err)
	}
	defer rows.Close()
	var cur *HouseholdForTest
	for rows.Next() {
		var h HouseholdForTest
		var m assistance.Member
		var hukouRegion region.Code
		var death period.Date
		if err := rows.Scan(&h.ID, &h.RegionCode, &h.HukouType, &m.PersonID, &m.Relation, &m.BirthDate, &hukouRegion, &m.HukouType, &death,
			&m.DisabilityGrade); err != nil {
			return fmt.Errorf("scan household for tests: %w", err)
		}
		m.HukouLocal = db.juris.Contains(hukouRegion)
		if cur == nil || cur.ID != h.ID {
			if cur != nil {
				if err := fn(cur); err != nil {
					return err
				}
			}
			cur = &h
		}
		cur.Members = append(cur.Members, m)
		cur.Deaths = append(cur.Deaths, death)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("households for tests: %w", err)
	}
	if cur != nil {
		return fn(cur)
	}
	return nil
}

// LoadMeansTests inserts tests in bulk (their totals computed), with their
// members and lines, in one transaction with one audit event: the data
// match of a whole population, or a migration. IDs are assigned here.
func (db *DB) LoadMeansTests(ctx context.Context, tests []*assistance.MeansTest) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var next int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM means_tests").Scan(&next); err != nil {
			return fmt.Errorf("load means tests: %w", err)
		}
		now := db.now()
		by := actorName(ctx)
		ti := db.newInserter(tx, "means_tests", "id", "household_id", "region_code", "period", "hukou_type", "hukou_local", "members",
			"total_income", "income_12m", "financial_assets", "vehicles", "houses", "business_entities", "rigid_expenses_12m", "heating_type",
			"member_data", "source", "note", "created_by", "created_at")
		mi := db.newInserter(tx, "means_test_members", "test_id", "person_id", "relation", "birth_date", "disability_grade", "hukou_local",
			"hukou_type", "own_income", "unable_to_work", "self_care", "has_supporter", "monitored")
		li := db.newInserter(tx, "means_test_lines", "test_id", "line", "person_id", "kind", "amount", "quantity", "exempt", "note")
		// Tests first, then members and lines: each refers to its test.
		for _, t := range tests {
			t.ID, t.CreatedAt, t.CreatedBy = assistance.TestID(next), now, by
			next++
			if err := ti.add(ctx, int64(t.ID), int64(t.HouseholdID), string(t.RegionCode), t.Period.String(), string(t.HukouType), db.boolv(t.HukouLocal),
				t.MemberCount, int64(t.TotalIncome), int64(t.Income12m), int64(t.FinancialAssets), t.Vehicles, t.Houses, t.BusinessEntities,
				int64(t.RigidExpenses12m), t.HeatingType, packMembers(t.Members), string(t.Source), t.Note, t.CreatedBy, db.ts(now)); err != nil {
				return err
			}
		}
		if err := ti.flush(ctx); err != nil {
			return err
		}
		for _, t := range tests {
			for _, m := range t.Members {
				if err := mi.add(ctx, int64(t.ID), int64(m.PersonID), string(m.Relation), m.BirthDate, m.DisabilityGrade, db.boolv(m.HukouLocal),
					string(m.HukouType), int64(m.OwnIncome), db.boolv(m.UnableToWork), string(m.SelfCare), db.boolv(m.HasSupporter), db.boolv(m.Monitored)); err != nil {
					return err
				}
			}
			for i, l := range t.Lines {
				if err := li.add(ctx, int64(t.ID), i+1, int64(l.PersonID), string(l.Kind), int64(l.Amount), l.Quantity, db.boolv(l.Exempt), l.Note); err != nil {
					return err
				}
			}
		}
		for _, in := range []*inserter{mi, li} {
			if err := in.flush(ctx); err != nil {
				return err
			}
		}
		if err := db.advanceKey(ctx, tx, "means_tests"); err != nil {
			return err
		}
		return db.audited(ctx, tx, "means_test.load", "means_test", fmt.Sprintf("%d..%d", next-int64(len(tests)), next-1), "",
			map[string]int{"tests": len(tests)}, []string{"tests=" + strconv.Itoa(len(tests))})
	})
}

// RepackMeansTests rebuilds the packed members of every means test from
// its member rows, for tests loaded in bulk by SQL (a migration from
// another system). It returns the number of tests repacked.
func (db *DB) RepackMeansTests(ctx context.Context) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT test_id, person_id, birth_date, disability_grade, "+bit("hukou_local")+", hukou_type, own_income, "+
			bit("unable_to_work")+", self_care, "+bit("has_supporter")+", "+bit("monitored")+" FROM means_test_members ORDER BY test_id, person_id")
		if err != nil {
			return fmt.Errorf("repack means tests: %w", err)
		}
		type packedTest struct {
			id      int64
			members []assistance.Member
		}
		var tests []packedTest
		for rows.Next() {
			var id, local, unable, supporter, monitored int64
			var mem assistance.Member
			if err := rows.Scan(&id, &mem.PersonID, &mem.BirthDate, &mem.DisabilityGrade, &local, &mem.HukouType, &mem.OwnIncome, &unable,
				&mem.SelfCare, &supporter, &monitored); err != nil {
				rows.Close()
				return fmt.Errorf("repack means tests: %w", err)
			}
			mem.HukouLocal, mem.UnableToWork, mem.HasSupporter, mem.Monitored = local != 0, unable != 0, supporter != 0, monitored != 0
			if k := len(tests); k == 0 || tests[k-1].id != id {
				tests = append(tests, packedTest{id: id})
			}
			tests[len(tests)-1].members = append(tests[len(tests)-1].members, mem)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, db.q("UPDATE means_tests SET member_data = ? WHERE id = ?"))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, t := range tests {
			if _, err := stmt.ExecContext(ctx, packMembers(t.members), t.id); err != nil {
				return fmt.Errorf("repack means test %d: %w", t.id, err)
			}
		}
		n = len(tests)
		return db.audited(ctx, tx, "means_test.repack", "means_test", "all", "", map[string]int{"tests": n}, []string{"tests=" + strconv.Itoa(n)})
	})
	return n, err
}
