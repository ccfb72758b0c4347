package sqlstore_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"safetynet/internal/sqlstore/sqlstoretest"
)

// The shape of a migrated schema, as both engines can report it. Only what
// the application relies on is compared: which tables and columns exist,
// each column's type family, nullability and whether it has a default, the
// primary key, every unique index or constraint and every other index
// (with its predicate when partial). Index names are not compared: an
// inline UNIQUE gets an engine-made name.
type (
	schemaShape map[string]tableShape

	tableShape struct {
		Columns    map[string]columnShape
		PrimaryKey []string
		Unique     []indexShape // sorted by String()
		Indexes    []indexShape // the other indexes, sorted by String()
	}

	columnShape struct {
		Type       string // a family of typeFamily
		NotNull    bool
		HasDefault bool
	}

	indexShape struct {
		Columns []string
		Where   string // normalised predicate of a partial index, or ""
	}
)

func (u indexShape) String() string {
	s := "(" + strings.Join(u.Columns, ", ") + ")"
	if u.Where != "" {
		s += " WHERE " + u.Where
	}
	return s
}

// gooseTable is the migration tool's own table, different by design.
const gooseTable = "goose_db_version"

// typeFamily maps a declared column type to the family the code relies on.
// The mapping absorbs only the dialects' spelling of one storage:
//
//   - int: INTEGER and BIGINT; also PostgreSQL BOOLEAN, because the SQLite
//     migrations declare flags INTEGER holding 0 or 1.
//   - text: TEXT; also PostgreSQL DATE and TIMESTAMPTZ, because the SQLite
//     migrations keep dates and times as ISO 8601 TEXT.
//   - blob: SQLite BLOB and PostgreSQL BYTEA.
//
// Any other type is returned as it is, so that a new one shows up as a
// difference until it is added here.
func typeFamily(declared string) string {
	t := strings.ToLower(strings.TrimSpace(declared))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "integer", "bigint", "int", "int4", "int8", "smallint", "boolean", "bool":
		return "int"
	case "text", "character varying", "varchar", "date", "timestamp with time zone", "timestamptz":
		return "text"
	case "blob", "bytea":
		return "blob"
	}
	return t
}

var (
	pgCast       = regexp.MustCompile(`::(character varying|timestamp with time zone|[a-z_0-9]+)(\[\])?`)
	pgAnyArray   = regexp.MustCompile(`=\s*any\s*\(\s*array\s*\[([^\]]*)\]\s*\)`)
	spaces       = regexp.MustCompile(`\s+`)
	bareBoolean  = regexp.MustCompile(`^(not )?([a-z_][a-z0-9_]*)$`)
	boolLiterals = strings.NewReplacer(" = true", " = 1", " = false", " = 0")
)

// normalisePredicate writes a partial index's predicate the same way for
// both engines: lower case (string literals too), no parentheses, casts or redundant spaces,
// "x = ANY (ARRAY[a, b])" (PostgreSQL's IN) as "x in a, b", and booleans
// as 0 or 1. bools names the table's PostgreSQL BOOLEAN columns, which
// PostgreSQL prints bare ("is_primary") where SQLite reads
// "is_primary = 1". Dropping the parentheses means that the grouping of
// mixed AND and OR is not compared; no predicate in the migrations mixes
// them.
func normalisePredicate(p string, bools map[string]bool) string {
	p = strings.ToLower(p)
	p = pgCast.ReplaceAllString(p, "")
	p = pgAnyArray.ReplaceAllString(p, "in $1")
	p = strings.NewReplacer("(", " ", ")", " ").Replace(p)
	p = strings.TrimSpace(spaces.ReplaceAllString(p, " "))
	p = boolLiterals.Replace(p)
	if m := bareBoolean.FindStringSubmatch(p); m != nil && bools[m[2]] {
		if m[1] != "" {
			return m[2] + " = 0"
		}
		return m[2] + " = 1"
	}
	return p
}

// TestSchemasAgree migrates a fresh SQLite database and a fresh PostgreSQL
// schema and checks that they are one schema: same tables, same columns
// with the same type family, nullability and default presence, same
// primary keys, same unique indexes and constraints, same other indexes.
func TestSchemasAgree(t *testing.T) {
	lite, pg := migratedShapes(t, nil, nil)
	for _, d := range schemaDiffs(lite, pg) {
		t.Error(d)
	}
	t.Logf("compared %d SQLite tables with %d PostgreSQL tables", len(lite), len(pg))
}

// TestSchemasAgreeSeesDivergence checks that the comparison of
// TestSchemasAgree is not blind: a unique index dropped on SQLite, a column
// made NOT NULL, a column added, a partial index's predicate changed and a
// plain index dropped on PostgreSQL are each reported, and nothing else is.
func TestSchemasAgreeSeesDivergence(t *testing.T) {
	lite, pg := migratedShapes(t, []string{
		`DROP INDEX household_members_one_head`,
	}, []string{
		`ALTER TABLE bank_accounts ALTER COLUMN decided_at SET NOT NULL`,
		`ALTER TABLE users ADD COLUMN nickname TEXT`,
		`DROP INDEX alerts_open`,
		`CREATE UNIQUE INDEX alerts_open ON alerts (household_id) WHERE status <> 'archived'`,
		`DROP INDEX awards_region`,
	})
	diffs := schemaDiffs(lite, pg)
	want := []string{
		"table alerts differs",
		"table awards differs",
		"table bank_accounts differs",
		"table household_members differs",
		"table users differs",
	}
	var got []string
	for _, d := range diffs {
		f := strings.Fields(d)
		got = append(got, f[0]+" "+f[1]+" "+f[2])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("reported tables (-want +got):\n%s\nreport:\n%s", diff, strings.Join(diffs, "\n"))
	}
	for i, marker := range []string{"archived", "(region_code, id)", "NotNull", "relation = 'head'", "nickname"} {
		if !strings.Contains(diffs[i], marker) {
			t.Errorf("the report on %s does not show %q:\n%s", want[i], marker, diffs[i])
		}
	}
}

// migratedShapes migrates a fresh SQLite database and a fresh PostgreSQL
// schema, runs the given statements on each, and reads both shapes. It
// skips the test, saying loudly that nothing was compared, when no
// PostgreSQL server is configured.
func migratedShapes(t *testing.T, liteStmts, pgStmts []string) (lite, pg schemaShape) {
	t.Helper()
	ctx := context.Background()
	if os.Getenv(sqlstoretest.EnvPostgres) == "" {
		t.Skipf("SCHEMAS NOT COMPARED: %s is not set, so there is no PostgreSQL schema to compare the SQLite one with (scripts/test.sh starts a throwaway server)", sqlstoretest.EnvPostgres)
	}

	path := filepath.Join(t.TempDir(), "schema.db")
	liteStore := sqlstoretest.OpenFile(t, path)
	for _, stmt := range liteStmts {
		if err := liteStore.ExecRaw(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	liteDB, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer liteDB.Close()
	lite = readSQLiteShape(ctx, t, liteDB)

	pgStore := sqlstoretest.OpenPostgres(t)
	for _, stmt := range pgStmts {
		if err := pgStore.ExecRaw(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var schema string
	if err := pgStore.QueryRowRaw(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	pgDB, err := sql.Open("pgx", os.Getenv(sqlstoretest.EnvPostgres))
	if err != nil {
		t.Fatal(err)
	}
	defer pgDB.Close()
	pg = readPostgresShape(ctx, t, pgDB, schema)

	if len(lite) == 0 || len(pg) == 0 {
		t.Fatalf("read %d SQLite tables and %d PostgreSQL tables: the catalogue queries are wrong", len(lite), len(pg))
	}
	return lite, pg
}

// schemaDiffs returns one message per table that is not the same in both
// shapes, in table order.
func schemaDiffs(lite, pg schemaShape) []string {
	names := map[string]bool{}
	for name := range lite {
		names[name] = true
	}
	for name := range pg {
		names[name] = true
	}
	sorted := make([]string, 0, len(names))
	for name := range names {
		sorted = append(sorted, name)
	}
	sort.Strings(sorted)
	var diffs []string
	for _, name := range sorted {
		l, inLite := lite[name]
		p, inPG := pg[name]
		switch {
		case !inLite:
			diffs = append(diffs, "table "+name+" exists only in PostgreSQL")
		case !inPG:
			diffs = append(diffs, "table "+name+" exists only in SQLite")
		default:
			if diff := cmp.Diff(l, p); diff != "" {
				diffs = append(diffs, "table "+name+" differs (-sqlite +postgres):\n"+diff)
			}
		}
	}
	return diffs
}

// readSQLiteShape reads the schema of a migrated SQLite database.
func readSQLiteShape(ctx context.Context, t *testing.T, db *sql.DB) schemaShape {
	t.Helper()
	tables := queryStrings(ctx, t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> ? ORDER BY name`, gooseTable)
	shape := schemaShape{}
	for _, table := range tables {
		ts := tableShape{Columns: map[string]columnShape{}}
		type pkCol struct {
			name string
			seq  int
		}
		var pk []pkCol
		rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value IS NOT NULL, pk FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var (
				name, typ  string
				notNull    bool
				hasDefault bool
				pkSeq      int
			)
			if err := rows.Scan(&name, &typ, &notNull, &hasDefault, &pkSeq); err != nil {
				t.Fatal(err)
			}
			if pkSeq > 0 {
				// An INTEGER PRIMARY KEY is the rowid: never NULL,
				// whatever pragma_table_info says.
				notNull = true
				pk = append(pk, pkCol{name, pkSeq})
			}
			ts.Columns[name] = columnShape{Type: typeFamily(typ), NotNull: notNull, HasDefault: hasDefault}
		}
		closeRows(t, rows)
		slices.SortFunc(pk, func(a, b pkCol) int { return a.seq - b.seq })
		for _, c := range pk {
			ts.PrimaryKey = append(ts.PrimaryKey, c.name)
		}

		type index struct {
			name, origin    string
			partial, unique bool
		}
		var indexes []index
		rows, err = db.QueryContext(ctx, `SELECT name, origin, partial, "unique" FROM pragma_index_list(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var ix index
			if err := rows.Scan(&ix.name, &ix.origin, &ix.partial, &ix.unique); err != nil {
				t.Fatal(err)
			}
			indexes = append(indexes, ix)
		}
		closeRows(t, rows)
		for _, ix := range indexes {
			if ix.origin == "pk" {
				continue // the primary key, read above
			}
			u := indexShape{Columns: queryStrings(ctx, t, db, `SELECT COALESCE(name, '<expression>') FROM pragma_index_info(?) ORDER BY seqno`, ix.name)}
			if ix.partial {
				var def string
				if err := db.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, ix.name).Scan(&def); err != nil {
					t.Fatal(err)
				}
				i := strings.LastIndex(strings.ToUpper(def), " WHERE ")
				if i < 0 {
					t.Fatalf("partial index %s has no WHERE in %q", ix.name, def)
				}
				u.Where = normalisePredicate(def[i+len(" WHERE "):], nil)
			}
			if ix.unique {
				ts.Unique = append(ts.Unique, u)
			} else {
				ts.Indexes = append(ts.Indexes, u)
			}
		}
		sortIndexes(ts.Unique)
		sortIndexes(ts.Indexes)
		shape[table] = ts
	}
	return shape
}

// readPostgresShape reads the schema of a migrated PostgreSQL schema.
func readPostgresShape(ctx context.Context, t *testing.T, db *sql.DB, schema string) schemaShape {
	t.Helper()
	tables := queryStrings(ctx, t, db, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name <> $2 ORDER BY table_name`, schema, gooseTable)
	shape := schemaShape{}
	bools := map[string]map[string]bool{}
	for _, table := range tables {
		shape[table] = tableShape{Columns: map[string]columnShape{}}
		bools[table] = map[string]bool{}
	}
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_nullable = 'NO', column_default IS NOT NULL
		FROM information_schema.columns WHERE table_schema = $1 AND table_name <> $2`, schema, gooseTable)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var (
			table, name, typ    string
			notNull, hasDefault bool
		)
		if err := rows.Scan(&table, &name, &typ, &notNull, &hasDefault); err != nil {
			t.Fatal(err)
		}
		ts, ok := shape[table]
		if !ok {
			continue // a view
		}
		ts.Columns[name] = columnShape{Type: typeFamily(typ), NotNull: notNull, HasDefault: hasDefault}
		if typ == "boolean" {
			bools[table][name] = true
		}
	}
	closeRows(t, rows)

	rows, err = db.QueryContext(ctx, `SELECT t.relname, x.indisprimary, x.indisunique,
			(SELECT string_agg(COALESCE(a.attname, '<expression>'), ',' ORDER BY k.ord)
			   FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
			   LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum <> 0),
			COALESCE(pg_get_expr(x.indpred, x.indrelid), '')
		FROM pg_index x
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = $1 AND t.relname <> $2`, schema, gooseTable)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var (
			table, cols, where string
			primary, unique    bool
		)
		if err := rows.Scan(&table, &primary, &unique, &cols, &where); err != nil {
			t.Fatal(err)
		}
		ts, ok := shape[table]
		if !ok {
			continue
		}
		if primary {
			ts.PrimaryKey = strings.Split(cols, ",")
		} else {
			u := indexShape{Columns: strings.Split(cols, ",")}
			if where != "" {
				u.Where = normalisePredicate(where, bools[table])
			}
			if unique {
				ts.Unique = append(ts.Unique, u)
			} else {
				ts.Indexes = append(ts.Indexes, u)
			}
		}
		shape[table] = ts
	}
	closeRows(t, rows)
	for table, ts := range shape {
		sortIndexes(ts.Unique)
		sortIndexes(ts.Indexes)
		shape[table] = ts
	}
	return shape
}

func sortIndexes(us []indexShape) {
	slices.SortFunc(us, func(a, b indexShape) int { return strings.Compare(a.String(), b.String()) })
}

func queryStrings(ctx context.Context, t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	closeRows(t, rows)
	return out
}

func closeRows(t *testing.T, rows *sql.Rows) {
	t.Helper()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
}
