package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

// importFixture is a small generated database with a few adults and an
// employer to name in department files.
type importFixture struct {
	dsn     string
	db      *sqlstore.DB
	persons []*registry.Person
	org     *registry.Organisation
}

func newImportFixture(t *testing.T) *importFixture {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "imp.db")
	if out, _, err := runCLI(t, "gen", "--db", dsn, "--persons", "300"); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	db, err := sqlstore.Open(context.Background(), dsn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &importFixture{dsn: dsn, db: db}
	ps, err := db.Persons(context.Background(), registry.PersonFilter{Alive: true, Page: registry.Page{Limit: 300}})
	if err != nil {
		t.Fatal(err)
	}
	today := period.DateOf(time.Now())
	for _, p := range ps {
		if period.AgeAt(p.BirthDate(), today) >= 20 && len(f.persons) < 3 {
			f.persons = append(f.persons, p)
		}
	}
	orgs, err := db.Organisations(context.Background(), registry.OrgFilter{Page: registry.Page{Limit: 1}})
	if err != nil || len(orgs) == 0 || len(f.persons) < 3 {
		t.Fatalf("fixture: %d orgs, %d adults, %v", len(orgs), len(f.persons), err)
	}
	f.org = orgs[0]
	return f
}

// count returns the number of rows in a table.
func (f *importFixture) count(t *testing.T, table, where string) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowRaw(context.Background(), "SELECT COUNT(*) FROM "+table+" WHERE "+where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const taxHeader = "统一社会信用代码,单位名称,公民身份号码,姓名,险种,费款所属期,缴费基数,单位缴费,个人缴费,入库日期,票证号\n"

func TestImportTaxCLI(t *testing.T) {
	f := newImportFixture(t)
	row := func(p *registry.Person, scheme, receipt string) string {
		return fmt.Sprintf("%s,%s,%s,%s,%s,2025-03,6000.00,960.00,480.00,2025-04-10,%s\n", f.org.USCC, f.org.Name, p.IDNumber, p.Name, scheme, receipt)
	}
	// A stranger: a valid ID number nobody registered.
	stranger, err := ids.MakeResidentID("652301", period.DateOf(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)), 999)
	if err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, "bad.csv", taxHeader+
		row(f.persons[0], "企业职工基本养老保险", "R1")+
		fmt.Sprintf("%s,%s,%s,无名,失业保险,2025-03,6000.00,30.00,30.00,2025-04-10,R2\n", f.org.USCC, f.org.Name, stranger)+
		row(f.persons[1], "失业保险", "R3"))
	before := f.count(t, "payments", "1=1")
	_, stderr, err := runCLI(t, "import", "tax", bad, "--db", f.dsn)
	if code, ok := err.(exitError); !ok || code != 1 {
		t.Fatalf("import of a file with a bad row: err %v, want exit status 1\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "row 3: id_number: no registered person") || !strings.Contains(stderr, "nothing was posted") {
		t.Errorf("the report does not name row 3 and why:\n%s", stderr)
	}
	if n := f.count(t, "payments", "1=1"); n != before {
		t.Errorf("payments after a rejected file = %d, want %d (nothing written)", n, before)
	}

	// An individual part of 92 quadrillion yuan, which used to wrap the
	// sum of the parts: above limits.amount, the file is refused.
	huge := writeFile(t, "huge.csv", taxHeader+row(f.persons[0], "企业职工基本养老保险", "R1")+
		strings.Replace(row(f.persons[1], "失业保险", "R2"), "960.00,480.00", "960.00,92233720368547758.07", 1))
	_, stderr, err = runCLI(t, "import", "tax", huge, "--db", f.dsn)
	if code, ok := err.(exitError); !ok || code != 1 || !strings.Contains(stderr, "row 3: individual") {
		t.Errorf("a file with an int64-max part: err %v, stderr:\n%s", err, stderr)
	}
	if n := f.count(t, "payments", "1=1"); n != before {
		t.Errorf("payments after a file above the ceiling = %d, want %d (nothing written)", n, before)
	}

	// A file that does not parse is rejected by the reader, row by row.
	garbled := writeFile(t, "garbled.csv", taxHeader+row(f.persons[0], "企业职工基本养老保险", "R1")+
		strings.Replace(row(f.persons[1], "失业保险", "R2"), "2025-03", "2025-13", 1))
	_, stderr, err = runCLI(t, "import", "tax", garbled, "--db", f.dsn)
	if code, ok := err.(exitError); !ok || code != 1 || !strings.Contains(stderr, "row 3: period") {
		t.Errorf("a garbled file: err %v, stderr:\n%s", err, stderr)
	}

	good := writeFile(t, "good.csv", taxHeader+
		row(f.persons[0], "企业职工基本养老保险", "R1")+
		row(f.persons[1], "失业保险", "R2")+
		strings.Replace(row(f.persons[2], "工伤保险", "R3"), "960.00,480.00", "30.00,0", 1))
	out, stderr, err := runCLI(t, "import", "tax", good, "--db", f.dsn)
	if err != nil || !strings.Contains(out, "3 contributions posted from 3 rows") {
		t.Fatalf("import of a good file: %v\n%s%s", err, out, stderr)
	}
	if n := f.count(t, "payments", "source = 'tax_bureau'"); n != before+3 {
		t.Errorf("payments after the good file = %d, want %d", n, before+3)
	}
	// The same file again: its receipts are posted already, nothing more.
	if _, _, err := runCLI(t, "import", "tax", good, "--db", f.dsn); err == nil || !strings.Contains(err.Error(), "R1") {
		t.Errorf("importing the same receipts twice: %v, want a conflict naming the receipt", err)
	}
	if n := f.count(t, "payments", "source = 'tax_bureau'"); n != before+3 {
		t.Errorf("payments after the repeated file = %d, want %d", n, before+3)
	}
}

func TestImportDeathsCLI(t *testing.T) {
	f := newImportFixture(t)
	const header = "公民身份号码,姓名,死亡日期\n"
	p0, p1 := f.persons[0], f.persons[1]
	dead := "death_date IS NOT NULL AND death_date <> ''"
	before := f.count(t, "persons", dead)
	bad := writeFile(t, "bad.csv", header+
		fmt.Sprintf("%s,%s,2025-06-03\n", p0.IDNumber, p0.Name)+
		fmt.Sprintf("%s,%s,2025-06-04\n", p1.IDNumber, p1.Name+"某"))
	_, stderr, err := runCLI(t, "import", "deaths", bad, "--db", f.dsn)
	if code, ok := err.(exitError); !ok || code != 1 || !strings.Contains(stderr, "row 3: name: is not the registered name") {
		t.Errorf("a death file with a wrong name: %v\n%s", err, stderr)
	}
	if n := f.count(t, "persons", dead); n != before {
		t.Fatalf("deaths after a rejected file = %d, want %d", n, before)
	}
	good := writeFile(t, "good.csv", header+
		fmt.Sprintf("%s,%s,2025-06-03\n", p0.IDNumber, p0.Name)+
		fmt.Sprintf("%s,%s,2025-06-04\n", p1.IDNumber, p1.Name))
	out, stderr, err := runCLI(t, "import", "deaths", good, "--db", f.dsn)
	if err != nil || !strings.Contains(out, "2 deaths recorded, 0 already recorded") {
		t.Fatalf("a good death file: %v\n%s%s", err, out, stderr)
	}
	out, _, err = runCLI(t, "import", "deaths", good, "--db", f.dsn)
	if err != nil || !strings.Contains(out, "0 deaths recorded, 2 already recorded") {
		t.Errorf("the same death file again: %v\n%s", err, out)
	}
	if n := f.count(t, "persons", dead); n != before+2 {
		t.Errorf("deaths after the good file = %d, want %d", n, before+2)
	}
	p, err := f.db.Person(context.Background(), p0.ID)
	if err != nil || p.DeathDate.String() != "2025-06-03" || p.DeathSource != "public_security" {
		t.Errorf("person after the import: %+v, %v", p, err)
	}
}

func TestImportHardshipCLI(t *testing.T) {
	f := newImportFixture(t)
	p := f.persons[0]
	file := writeFile(t, "hardship.csv", fmt.Sprintf("公民身份号码,姓名,困难类别\n%s,%s,低保\n", p.IDNumber, p.Name))
	out, stderr, err := runCLI(t, "import", "hardship", file, "--db", f.dsn, "--year", "2025")
	if err != nil {
		t.Fatalf("import hardship: %v\n%s%s", err, out, stderr)
	}
	if n := f.count(t, "hardship_identities", "year = 2025"); n != 1 {
		t.Errorf("hardship identities = %d, want 1", n)
	}
}
