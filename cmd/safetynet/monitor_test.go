package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// member is a person of a generated household, with the household's
// region.
type member struct {
	idNumber ids.ResidentID
	name     string
	region   region.Code
}

// members returns n persons of distinct generated households.
func (f *importFixture) members(t *testing.T, n int) []member {
	t.Helper()
	var out []member
	for hh := int64(1); len(out) < n && hh < 1000; hh++ {
		var m member
		err := f.db.QueryRowRaw(context.Background(), `SELECT p.id_number, p.name, h.region_code FROM household_members m
			JOIN persons p ON p.id = m.person_id JOIN households h ON h.id = m.household_id
			WHERE m.household_id = ? AND m.relation = 'head'`, hh).Scan(&m.idNumber, &m.name, &m.region)
		if err == nil {
			out = append(out, m)
		}
	}
	if len(out) < n {
		t.Fatalf("fixture: %d household heads, want %d", len(out), n)
	}
	return out
}

const signalsHeader = "身份证号,姓名,信号类型,发生日期,金额(元),残疾等级,来源部门,说明\n"

func TestMonitorCLI(t *testing.T) {
	f := newImportFixture(t)
	ms := f.members(t, 3)
	today := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600)))
	long := today.AddDays(-40) // a yellow alert of that day is overdue today
	row := func(m member, kind string, on period.Date, amount, grade, source string) string {
		return fmt.Sprintf("%s,%s,%s,%s,%s,%s,%s,\n", m.idNumber, m.name, kind, on, amount, grade, source)
	}

	// One bad row rejects the file, whether the reader finds it or the
	// registry: nothing is recorded.
	garbled := writeFile(t, "garbled.csv", signalsHeader+
		row(ms[0], "大额医疗支出", long, "8000", "", "医保局")+
		row(ms[2], "新增残疾", long, "", "", "残联"))
	_, stderr, err := runCLI(t, "import", "signals", garbled, "--db", f.dsn)
	if code, ok := err.(exitError); !ok || code != 1 || !strings.Contains(stderr, "row 3: grade") {
		t.Fatalf("import of a file with a disability without its grade: err %v, want exit status 1 naming row 3\n%s", err, stderr)
	}
	stranger, err := ids.MakeResidentID("652301", period.MustDate(1980, time.January, 1), 999)
	if err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, "bad.csv", signalsHeader+
		row(ms[0], "大额医疗支出", long, "8000", "", "医保局")+
		fmt.Sprintf("%s,别人,失业登记,%s,,,人社局,\n", ms[1].idNumber, long)+
		fmt.Sprintf("%s,无名,失业登记,%s,,,人社局,\n", stranger, long))
	_, stderr, err = runCLI(t, "import", "signals", bad, "--db", f.dsn)
	if code, ok := err.(exitError); !ok || code != 1 {
		t.Fatalf("import of a file with bad rows: err %v, want exit status 1\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "row 3: name") || !strings.Contains(stderr, "row 4: id_number: no registered person") ||
		!strings.Contains(stderr, "nothing was recorded") || strings.Contains(stderr, string(ms[1].idNumber)) || strings.Contains(stderr, string(stranger)) {
		t.Errorf("the report does not name rows 3 and 4 with the ID numbers masked:\n%s", stderr)
	}
	if n := f.count(t, "signals", "1=1"); n != 0 {
		t.Errorf("signals after a rejected file = %d, want 0", n)
	}
	// A row without a department, and no --department: named too.
	nodept := writeFile(t, "nodept.csv", signalsHeader+row(ms[0], "失业登记", long, "", "", ""))
	if _, stderr, err := runCLI(t, "import", "signals", nodept, "--db", f.dsn); err == nil || !strings.Contains(stderr, "row 2: source") {
		t.Errorf("a row without its department: %v\n%s", err, stderr)
	}

	good := writeFile(t, "good.csv", signalsHeader+
		row(ms[0], "大额医疗支出", long, "8000", "", "医保局")+ // never means-tested: yellow, due 30 days later
		row(ms[1], "失业登记", today.AddDays(-2), "", "", "")+
		row(ms[2], "新增残疾", today.AddDays(-1), "", "4", "残联"))
	out, stderr, err := runCLI(t, "import", "signals", good, "--db", f.dsn, "--department", "hr_social_security")
	if err != nil || !strings.Contains(out, "3 signals recorded from 3 rows") {
		t.Fatalf("import of a good file: %v\n%s%s", err, out, stderr)
	}
	if n := f.count(t, "signals", "source = 'hr_social_security'"); n != 1 {
		t.Errorf("signals from --department = %d, want 1", n)
	}

	out, stderr, err = runCLI(t, "monitor", "process", "--db", f.dsn)
	if err != nil || !strings.Contains(out, "3 signals graded") {
		t.Fatalf("monitor process: %v\n%s%s", err, out, stderr)
	}
	if n := f.count(t, "alerts", "status = 'open'"); n != 3 {
		t.Errorf("open alerts = %d, want 3\n%s", n, out)
	}
	out, _, err = runCLI(t, "monitor", "process", "--db", f.dsn)
	if err != nil || !strings.Contains(out, "0 signals graded") {
		t.Errorf("a second run: %v\n%s", err, out)
	}

	// The bill of 40 days ago is overdue today for its township; the
	// others are not yet.
	out, stderr, err = runCLI(t, "monitor", "overdue", "--db", f.dsn)
	town := ms[0].region[:9]
	if err != nil || !strings.Contains(out, string(town)) || !strings.Contains(out, "1 alerts overdue in 1 townships") ||
		!strings.Contains(out, long.AddDays(30).String()) {
		t.Errorf("monitor overdue: %v\n%s%s", err, out, stderr)
	}
	out, _, err = runCLI(t, "monitor", "overdue", "--db", f.dsn, "--as-of", long.AddDays(30).String())
	if err != nil || !strings.Contains(out, "no alert overdue") {
		t.Errorf("monitor overdue on the due date: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "monitor", "overdue", "--db", f.dsn, "--as-of", today.AddDays(40).String())
	if err != nil || !strings.Contains(out, "3 alerts overdue") {
		t.Errorf("monitor overdue in 40 days: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "monitor", "overdue", "--db", f.dsn, "--region", "652301000"); err == nil {
		t.Error("monitor overdue --region 652301000: no error")
	}
	if _, _, err := runCLI(t, "monitor", "process", "--db", f.dsn, "--as-of", today.AddDays(1).String()); err == nil {
		t.Error("monitor process --as-of tomorrow: no error")
	}
	if _, stderr, err := runCLI(t, "monitor"); err == nil || !strings.Contains(stderr, "monitor process") {
		t.Errorf("monitor without a subcommand: %v\n%s", err, stderr)
	}
}
