package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
)

// testToday is the reading date of the tests.
var testToday = period.MustDate(2024, time.November, 15)

// scenario is one directory under testdata.
type scenario struct {
	dir     string
	file    string
	profile Profile
	opts    Options
	rows    int // rows of a good file; -1 for a rejected one
}

var scenarios = []scenario{
	{dir: "good-utf8", file: "input.csv", profile: TaxContributions(), rows: 5},
	{dir: "good-gbk", file: "input.csv", profile: TaxContributions(), rows: 5},
	{dir: "bom", file: "input.csv", profile: Deaths(), rows: 2},
	{dir: "xlsx-serial-date", file: "input.xlsx", profile: TaxContributions(), rows: 3},
	{dir: "xlsx-id-as-number", file: "input.xlsx", profile: Deaths(), rows: -1},
	{dir: "bad-rows", file: "input.csv", profile: TaxContributions(), rows: -1},
	{dir: "missing-column", file: "input.csv", profile: TaxContributions(), rows: -1},
	{dir: "extra-column", file: "input.csv", profile: Deaths(), rows: 2},
	{dir: "ragged", file: "input.csv", profile: Deaths(), rows: -1},
	{dir: "empty-line", file: "input.csv", profile: Deaths(), rows: -1},
	{dir: "duplicate-column", file: "input.csv", profile: Deaths(), rows: -1},
}

// readScenario reads a scenario's input.
func readScenario(t *testing.T, sc scenario) ([]Row, *Report, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", sc.dir, sc.file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opts := sc.opts
	if opts.Today == 0 {
		opts.Today = testToday
	}
	return opts.Read(context.Background(), f, sc.file, sc.profile)
}

// TestScenarios reads every testdata scenario and compares its report with
// report.golden beside the input (rewritten with -update).
func TestScenarios(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.dir, func(t *testing.T) {
			rows, rep, err := readScenario(t, sc)
			if sc.rows >= 0 {
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				if len(rows) != sc.rows || rep.Rows != sc.rows || rep.Records != sc.rows {
					t.Errorf("got %d rows (report: %d rows of %d records), want %d", len(rows), rep.Rows, rep.Records, sc.rows)
				}
			} else {
				if fault.CodeOf(err) != fault.Invalid {
					t.Fatalf("Read error = %v, want an invalid error", err)
				}
				if rows != nil {
					t.Errorf("rejected file gave %d rows, want none", len(rows))
				}
			}
			if rep.Records != rep.Rows+rep.BadRows {
				t.Errorf("records %d != rows %d + bad rows %d", rep.Records, rep.Rows, rep.BadRows)
			}
			got, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", sc.dir, "report.golden")
			if *update {
				writeFile(t, golden, got)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("report differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// problemKey is the part of a problem the exact assertions compare.
type problemKey struct {
	Line  int
	Field string
	Rule  Rule
}

func problemKeys(rep *Report) []problemKey {
	var keys []problemKey
	for _, p := range rep.Problems {
		keys = append(keys, problemKey{p.Line, p.Field, p.Rule})
	}
	return keys
}

func scenarioByDir(t *testing.T, dir string) scenario {
	t.Helper()
	for _, sc := range scenarios {
		if sc.dir == dir {
			return sc
		}
	}
	t.Fatalf("no scenario %s", dir)
	return scenario{}
}

// TestRejectedScenarios asserts the exact lines, fields and rules of the
// rejected scenarios, so that a golden update cannot hide a regression.
func TestRejectedScenarios(t *testing.T) {
	tests := []struct {
		dir     string
		want    []problemKey
		badRows int
	}{
		{"bad-rows", []problemKey{
			{3, "id_number", "check_digit"},
			{4, "paid_on", RuleInvalid},
			{5, "base", RuleNegative},
			{6, "name", RuleRequired},
			{7, "receipt_no", RuleDuplicateKey},
			{8, "scheme", RuleNotInList},
			{8, "period", RuleInvalid},
			{9, "individual_amount", RuleInconsistent},
			{10, "paid_on", RuleFuture},
			{11, "individual_amount", RuleInvalid},
		}, 9},
		{"missing-column", []problemKey{
			{1, "id_number", RuleMissingColumn},
			{1, "individual_amount", RuleMissingColumn},
		}, 0},
		{"ragged", []problemKey{
			{3, "", RuleFieldCount},
			{4, "", RuleFieldCount},
		}, 2},
		{"empty-line", []problemKey{
			{3, "", RuleEmptyLine},
			{5, "", RuleEmptyLine},
		}, 0},
		{"duplicate-column", []problemKey{
			{1, "id_number", RuleDuplicateColumn},
		}, 0},
		{"xlsx-id-as-number", []problemKey{
			{3, "id_number", RuleStoredAsNumber},
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			_, rep, err := readScenario(t, scenarioByDir(t, tt.dir))
			if err == nil {
				t.Fatal("Read accepted the file")
			}
			if diff := cmp.Diff(tt.want, problemKeys(rep)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if rep.BadRows != tt.badRows {
				t.Errorf("bad rows = %d, want %d", rep.BadRows, tt.badRows)
			}
		})
	}
}

func TestBadRowsReasons(t *testing.T) {
	_, rep, err := readScenario(t, scenarioByDir(t, "bad-rows"))
	want := map[string]string{
		"row 3: id_number":         `check digit is 5, want 4 (value "652301********0105")`,
		"row 4: paid_on":           `no such date: 2024-02 has no day 30 (value "2024-02-30")`,
		"row 5: base":              `must not be negative (value "-5,200.00")`,
		"row 6: name":              "required value is empty",
		"row 7: receipt_no":        `same receipt_no as row 2 (value "332016********0001")`,
		"row 8: scheme":            `want one of: 企业职工基本养老保险, 企业职工基本养老保险费, 城乡居民养老保险, 城乡居民基本养老保险, 城乡居民基本养老保险费, 失业保险, 失业保险费, 工伤保险, 工伤保险费, 职工基本养老保险, 职工基本养老保险费 (value "基本医疗保险")`,
		"row 8: period":            `no such month: 13 (value "2024-13")`,
		"row 9: individual_amount": `工伤保险 has no individual contribution: must be 0 (value "10.00")`,
		"row 10: paid_on":          `after today (2024-11-15) (value "2025-01-05")`,
		"row 11: individual_amount": `not an amount of yuan such as 1234.56: 3 decimal places, at most 2 allowed ` +
			`(fen is the smallest unit; parsing never rounds) (value "416.005")`,
	}
	if diff := cmp.Diff(want, fault.FieldsOf(err)); diff != "" {
		t.Errorf("error fields (-want +got):\n%s", diff)
	}
	if got, want := fault.MessageOf(err), "input.csv rejected: 10 problems in 9 bad rows"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if rep.Records != 10 || rep.Rows != 1 {
		t.Errorf("records, rows = %d, %d; want 10, 1", rep.Records, rep.Rows)
	}
}

// dump renders rows with every value unmasked, for comparing reads.
func dump(rows []Row) []string {
	var out []string
	for _, r := range rows {
		var b strings.Builder
		fmt.Fprintf(&b, "%d:", r.Line)
		for i, f := range r.s.fields {
			v := r.vals[i]
			s := v.String()
			if v.kind == ResidentID {
				s = v.s
			}
			fmt.Fprintf(&b, " %s=%s", f.Name, s)
		}
		out = append(out, b.String())
	}
	return out
}

func TestGoodTax(t *testing.T) {
	rows, rep, err := readScenario(t, scenarioByDir(t, "good-utf8"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2: uscc=91652301MA77ABC159 org_name=昌吉市天山建材有限公司 id_number=652301196503120104 name=王建国 scheme=employee_pension period=2024-10 base=5200.00 employer_amount=832.00 individual_amount=416.00 paid_on=2024-10-15 receipt_no=332016241000000001",
		"3: uscc=91652301MA77ABC159 org_name=昌吉市天山建材有限公司 id_number=652302198007010171 name=李秀兰 scheme=unemployment period=2024-10 base=5200.00 employer_amount=26.00 individual_amount=26.00 paid_on=2024-10-15 receipt_no=332016241000000002",
		"4: uscc=91652301MA77ABC159 org_name=昌吉市天山建材有限公司 id_number=652302198007010171 name=李秀兰 scheme=work_injury period=2024-10 base=5200.00 employer_amount=10.40 individual_amount=0.00 paid_on=2024-10-15 receipt_no=332016241000000003",
		"5: uscc= org_name= id_number=652323199211300244 name=马丽 scheme=resident_pension period=2024-10 base= employer_amount=0.00 individual_amount=500.00 paid_on=2024-10-20 receipt_no=332016241000000004",
		"6: uscc=91652302MA78XY2377 org_name=呼图壁县(万家)超市 id_number=652301196204031232 name=阿不都热依木 scheme=employee_pension period=2024-09 base=4800.00 employer_amount=-768.00 individual_amount=-384.00 paid_on=2024-10-21 receipt_no=332016241000000005",
	}
	if diff := cmp.Diff(want, dump(rows)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	// Typed accessors.
	r := rows[4]
	if got := r.ResidentID("id_number"); got != "652301196204031232" {
		t.Errorf("legacy 15-digit full-width ID = %s, want the upgraded 18-digit one", got.Masked())
	}
	if c, flags := r.USCC("uscc"); c != "91652302MA78XY2377" || flags != ids.FlagCheckChar {
		t.Errorf("USCC = %s, %v; want the code with its check_char flag", c, flags)
	}
	if got := r.Fen("employer_amount"); got != money.Yuan(-768) {
		t.Errorf("refund employer_amount = %v, want -768.00", got)
	}
	if got := r.Month("period"); got != period.NewMonth(2024, time.September) {
		t.Errorf("period = %v", got)
	}
	if r.Has("base") != true || rows[3].Has("base") || rows[3].Has("uscc") {
		t.Errorf("Has: base of row 6 = %v, base and uscc of row 5 = %v, %v", r.Has("base"), rows[3].Has("base"), rows[3].Has("uscc"))
	}
	// The flagged USCC is a warning, not a problem.
	if rep.WarningCount != 1 || rep.Warnings[0].Line != 6 || rep.Warnings[0].Rule != RuleUSCCFlagged {
		t.Errorf("warnings = %+v, want the USCC of row 6", rep.Warnings)
	}
	if rep.Encoding != "utf-8" {
		t.Errorf("encoding = %q, want utf-8", rep.Encoding)
	}
}

// TestEncodingsGiveSameRows checks that the GBK file and the XLSX file give
// the same values as the UTF-8 one.
func TestEncodingsGiveSameRows(t *testing.T) {
	utf, _, err := readScenario(t, scenarioByDir(t, "good-utf8"))
	if err != nil {
		t.Fatal(err)
	}
	gbk, rep, err := readScenario(t, scenarioByDir(t, "good-gbk"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Encoding != "gb18030" {
		t.Errorf("encoding = %q, want gb18030", rep.Encoding)
	}
	if diff := cmp.Diff(dump(utf), dump(gbk)); diff != "" {
		t.Errorf("GBK rows differ from UTF-8 rows (-utf8 +gbk):\n%s", diff)
	}
}

func TestBOMDeaths(t *testing.T) {
	rows, rep, err := readScenario(t, scenarioByDir(t, "bom"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2: id_number=652324195801050319 name=马福祥 death_date=2024-09-30 cancelled_on=2024-10-08 source=公安",
		"3: id_number=652327197006060452 name=张桂英 death_date=2024-10-02 cancelled_on= source=卫健",
	}
	if diff := cmp.Diff(want, dump(rows)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if rep.Encoding != "utf-8-bom" {
		t.Errorf("encoding = %q, want utf-8-bom", rep.Encoding)
	}
	if rep.Columns[0].Field != "id_number" {
		t.Errorf("first column = %+v: the BOM must not stick to the header", rep.Columns[0])
	}
}

func TestXLSXSerialDates(t *testing.T) {
	rows, rep, err := readScenario(t, scenarioByDir(t, "xlsx-serial-date"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"3: uscc=91652301MA77ABC159 org_name=昌吉市天山建材有限公司 id_number=652301196503120104 name=王建国 scheme=employee_pension period=2024-10 base=5200.00 employer_amount=832.00 individual_amount=416.00 paid_on=2024-10-15 receipt_no=332016241000000001",
		"4: uscc=91652301MA77ABC159 org_name=昌吉市天山建材有限公司 id_number=652302198007010171 name=李秀兰 scheme=unemployment period=2024-10 base=5200.50 employer_amount=26.01 individual_amount=26.01 paid_on=2024-10-16 receipt_no=332016241000000002",
		"5: uscc= org_name= id_number=652323199211300244 name=马丽 scheme=resident_pension period=2024-10 base= employer_amount=0.00 individual_amount=500.00 paid_on=2024-10-20 receipt_no=332016241000000004",
	}
	if diff := cmp.Diff(want, dump(rows)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if rep.HeaderLine != 2 || rep.Sheet != "征收明细" || rep.Format != "xlsx" {
		t.Errorf("header line, sheet, format = %d, %q, %q; want 2, 征收明细, xlsx", rep.HeaderLine, rep.Sheet, rep.Format)
	}
}

func TestExtraColumnsIgnored(t *testing.T) {
	_, rep, err := readScenario(t, scenarioByDir(t, "extra-column"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"序号", "备注"}, rep.Ignored); diff != "" {
		t.Errorf("ignored (-want +got):\n%s", diff)
	}
}

// longDigits finds any run of 11 or more digits: a resident ID, phone or
// bank account number in clear.
var longDigits = regexp.MustCompile(`[0-9]{11,}`)

// reportJSON encodes rep without HTML escaping (whose \u0026 would look
// like digits).
func reportJSON(t testing.TB, rep *Report) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// assertNoFullNumbers fails if the report or the error show a long number.
func assertNoFullNumbers(t *testing.T, rep *Report, err error) {
	t.Helper()
	for what, text := range map[string]string{"report": reportJSON(t, rep), "error": fmt.Sprint(err), "fields": fmt.Sprint(fault.FieldsOf(err))} {
		if m := longDigits.FindString(text); m != "" {
			t.Errorf("%s shows the number %s in clear", what, m)
		}
	}
	for _, p := range append(rep.Problems, rep.Warnings...) {
		if m := longDigits.FindString(p.Error()); m != "" {
			t.Errorf("problem %q shows the number %s in clear", p.Error(), m)
		}
	}
}

// TestReportsNeverShowFullIDs reads every scenario, and a file built to
// put ID numbers everywhere a report could echo them, and checks that no
// report or error shows a full resident ID.
func TestReportsNeverShowFullIDs(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.dir, func(t *testing.T) {
			_, rep, err := readScenario(t, sc)
			assertNoFullNumbers(t, rep, err)
		})
	}
	t.Run("ids-everywhere", func(t *testing.T) {
		in := strings.Join([]string{
			"公民身份号码,姓名,死亡日期,注销日期,来源,652301196503120104",
			"652301196503120105,马福祥,2024-09-30,2024-10-08,公安,x",     // bad check digit
			"652301196503120104,652302198007010171,2024-10-02,,卫健,", // an ID as the name: fine for Text, but...
			"652301196503120104,张桂英,652302198007010171,,卫健,",        // duplicate key, an ID as a date
			"65230119650312010,张,2024-10-02,,652302198007010171X,",  // short ID; an ID in a short text
			"652301620403123,张,2024-10-02,,卫健,",                     // legacy ID, fine
			"652301620403123,张,2024-10-02,2024-10-01,卫健",            // ragged
			"\"652301196503120104\",李,2024-10-02,2024-10-01,卫健,",    // duplicate; cancelled before death
			"652301200503120101,李,2024-10-02,,卫健,",                  // bad check digit
		}, "\n")
		_, rep, err := Read(context.Background(), strings.NewReader(in), "deaths.csv", Deaths(), testToday)
		if err == nil {
			t.Fatal("Read accepted the file")
		}
		if rep.ProblemCount < 6 {
			t.Errorf("only %d problems: %v", rep.ProblemCount, err)
		}
		assertNoFullNumbers(t, rep, err)
	})
	t.Run("uscc-column", func(t *testing.T) {
		in := "公民身份号码,姓名,险种,费款所属期,缴费基数,单位缴费,个人缴费,入库日期,票证号,统一社会信用代码\n" +
			"652301196503120104,王,工伤保险,2024-10,100,1,0,2024-10-15,1,652302198007010171\n" +
			"652301196503120104,王,工伤保险,2024-10,100,1,0,2024-10-15,2,911234567890123452\n"
		_, rep, err := Read(context.Background(), strings.NewReader(in), "tax.csv", TaxContributions(), testToday)
		if err == nil || rep.Problems[0].Field != "uscc" {
			t.Fatalf("Read = %v; want the resident ID in the USCC column rejected", err)
		}
		assertNoFullNumbers(t, rep, err)
	})
}

func TestReportErrCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("公民身份号码,姓名,死亡日期\n")
	for i := range 250 {
		fmt.Fprintf(&b, "652301196503120104,张%d,2024-02-30\n", i)
	}
	_, rep, err := Read(context.Background(), strings.NewReader(b.String()), "deaths.csv", Deaths(), testToday)
	if rep.ProblemCount != 250+249 { // every date, and every duplicate after the first
		t.Errorf("problem count = %d, want 499", rep.ProblemCount)
	}
	fields := fault.FieldsOf(err)
	if len(fields) != maxErrFields {
		t.Errorf("error lists %d fields, want %d", len(fields), maxErrFields)
	}
	if got, want := fault.MessageOf(err), "deaths.csv rejected: 499 problems in 250 bad rows (first 100 listed)"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if !strings.Contains(fields["row 2: death_date"], "no such date") {
		t.Errorf("row 2: death_date = %q", fields["row 2: death_date"])
	}
}

func TestMaxProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("公民身份号码,姓名,死亡日期\n")
	for range 30 {
		b.WriteString("1,张,2024-01-01\n")
	}
	_, rep, _ := Options{MaxProblems: 10}.Read(context.Background(), strings.NewReader(b.String()), "d.csv", Deaths())
	if len(rep.Problems) != 10 || rep.ProblemCount != 30 || rep.BadRows != 30 {
		t.Errorf("kept %d of %d problems, %d bad rows; want 10 of 30, 30", len(rep.Problems), rep.ProblemCount, rep.BadRows)
	}
}

const deathsHeader = "公民身份号码,姓名,死亡日期,注销日期,来源\n"

func TestLimits(t *testing.T) {
	row := "652324195801050319,马福祥,2024-09-30,,公安\n"
	t.Run("max-rows", func(t *testing.T) {
		in := deathsHeader + row + strings.ReplaceAll(row, "319", "310") + row
		_, rep, err := Options{MaxRows: 2}.Read(context.Background(), strings.NewReader(in), "d.csv", Deaths())
		if fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("err = %v", err)
		}
		if diff := cmp.Diff([]problemKey{{3, "id_number", "check_digit"}, {4, "", RuleTooManyRows}}, problemKeys(rep)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
	t.Run("long-line", func(t *testing.T) {
		in := deathsHeader + row + "652327197006060452,张" + strings.Repeat("桂", 200) + ",2024-10-02,,卫健\n" + row
		_, rep, _ := Options{MaxLineBytes: 256}.Read(context.Background(), strings.NewReader(in), "d.csv", Deaths())
		want := []problemKey{{3, "", RuleLineTooLong}, {4, "id_number", RuleDuplicateKey}}
		if diff := cmp.Diff(want, problemKeys(rep)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
		if rep.Records != 3 {
			t.Errorf("records = %d, want 3", rep.Records)
		}
	})
	t.Run("unclosed-quote-too-long", func(t *testing.T) {
		in := deathsHeader + "652327197006060452,\"张,2024-10-02,,卫健\n" + strings.Repeat("a,b,c,d,e\n", 40) + row
		_, rep, _ := Options{MaxLineBytes: 256}.Read(context.Background(), strings.NewReader(in), "d.csv", Deaths())
		if len(rep.Problems) == 0 || rep.Problems[0].Line != 2 || rep.Problems[0].Rule != RuleLineTooLong {
			t.Fatalf("problems = %+v; want a too-long record at line 2", rep.Problems)
		}
	})
}

func TestQuotedFields(t *testing.T) {
	in := deathsHeader +
		"\"652324195801050319\",\"马,福祥\",2024-09-30,,\"公安\"\"户籍\"\"\"\n" + // comma and doubled quotes
		"652327197006060452,\"张\n桂英\",2024-10-02,,卫健\n" + // a name over two lines
		"652328197505200524,刘\"志\"强,2024-10-03,,公安\n" // a bare quote is literal
	rows, rep, err := Read(context.Background(), strings.NewReader(in), "d.csv", Deaths(), testToday)
	if err != nil {
		t.Fatalf("Read: %v (%+v)", err, rep.Problems)
	}
	want := []string{
		"2: id_number=652324195801050319 name=马,福祥 death_date=2024-09-30 cancelled_on= source=公安\"户籍\"",
		"3: id_number=652327197006060452 name=张\n桂英 death_date=2024-10-02 cancelled_on= source=卫健",
		"5: id_number=652328197505200524 name=刘\"志\"强 death_date=2024-10-03 cancelled_on= source=公安",
	}
	if diff := cmp.Diff(want, dump(rows)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	bad := deathsHeader +
		"652324195801050319,\"马\"福祥,2024-09-30,,公安\n" + // text after a closing quote
		"652327197006060452,张桂英,2024-10-02,,卫健\n" +
		"652328197505200524,\"刘志强,2024-10-03,,公安\n" // never closed
	_, rep, err = Read(context.Background(), strings.NewReader(bad), "d.csv", Deaths(), testToday)
	if err == nil {
		t.Fatal("Read accepted malformed quotes")
	}
	want2 := []problemKey{{2, "", RuleQuote}, {4, "", RuleQuote}}
	if diff := cmp.Diff(want2, problemKeys(rep)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if rep.Records != 3 || rep.Rows != 1 {
		t.Errorf("records, rows = %d, %d; want 3, 1", rep.Records, rep.Rows)
	}
}

func TestEncodings(t *testing.T) {
	gbk := func(s string) string {
		b, err := gbEncode(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	row := "652324195801050319,马福祥,2024-09-30,,公安\n"
	row2 := "652327197006060452,张桂英,2024-10-02,,卫健\n"
	tests := []struct {
		name     string
		in       string
		encoding string
		want     []problemKey
	}{
		{"ascii-header-then-gbk", "id_number,name,death_date\n" + gbk("652324195801050319,马福祥,2024-09-30\n"), "gb18030", nil},
		{"utf8-then-gbk-line", deathsHeader + row + gbk(row2), "utf-8", []problemKey{{3, "", RuleEncoding}}},
		{"gbk-with-bad-bytes", gbk(deathsHeader+row) + "652327197006060452,\x81\x20,2024-10-02,,x\n", "gb18030", []problemKey{{3, "", RuleEncoding}}},
		{"crlf", strings.ReplaceAll(deathsHeader+row+row2, "\n", "\r\n"), "utf-8", nil},
		{"no-final-newline", deathsHeader + strings.TrimSuffix(row, "\n"), "utf-8", nil},
		{"utf16", "\xFF\xFE1\x002\x00", "", []problemKey{{0, "", RuleEncoding}}},
		{"xlsx-named-csv", "PK\x03\x04rest", "", []problemKey{{0, "", RuleFormat}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep, err := Read(context.Background(), strings.NewReader(tt.in), "f.csv", Deaths(), testToday)
			if (err == nil) != (tt.want == nil) {
				t.Fatalf("err = %v, problems %+v", err, rep.Problems)
			}
			if diff := cmp.Diff(tt.want, problemKeys(rep)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if rep.Encoding != tt.encoding {
				t.Errorf("encoding = %q, want %q", rep.Encoding, tt.encoding)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   []problemKey
		line   int
	}{
		{"aliases", "身份证号,姓名,死亡时间\n", nil, 1},
		{"spaces-and-case", "\u3000公民 身份号码 ,  姓名\t, Death_Date\n", nil, 1},
		{"required-marks", "*公民身份号码,*姓名,死亡日期*\n", nil, 1},
		{"full-width", "ｉｄ＿ｎｕｍｂｅｒ,姓名,死亡日期\n", nil, 1},
		{"title-lines", "昌吉州死亡人员信息\n制表日期：2024-11-01,,\n\n身份证号码,姓名,死亡日期\n", nil, 4},
		{"missing", "身份证号码,姓名,死亡\n", []problemKey{{1, "death_date", RuleMissingColumn}}, 1},
		{"no-header", "a,b,c\n", []problemKey{{0, "", RuleNoHeader}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.header + "652324195801050319,马福祥,2024-09-30\n"
			rows, rep, err := Read(context.Background(), strings.NewReader(in), "d.csv", Deaths(), testToday)
			if diff := cmp.Diff(tt.want, problemKeys(rep)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if tt.want == nil && (err != nil || len(rows) != 1) {
				t.Errorf("err = %v, %d rows; want 1 row", err, len(rows))
			}
			if rep.HeaderLine != tt.line {
				t.Errorf("header line = %d, want %d", rep.HeaderLine, tt.line)
			}
		})
	}
	t.Run("empty-file", func(t *testing.T) {
		_, rep, err := Read(context.Background(), strings.NewReader("\n\n"), "d.csv", Deaths(), testToday)
		if err == nil || rep.Problems[0].Rule != RuleNoHeader {
			t.Errorf("err = %v; want no_header", err)
		}
	})
	t.Run("header-only", func(t *testing.T) {
		rows, rep, err := Read(context.Background(), strings.NewReader(deathsHeader), "d.csv", Deaths(), testToday)
		if err != nil || rows == nil || len(rows) != 0 || rep.Records != 0 {
			t.Errorf("rows, err = %v, %v; want no rows and no error", rows, err)
		}
	})
	t.Run("file-types", func(t *testing.T) {
		for name, want := range map[string]string{"d.xls": "old Excel", "d.txt": "unsupported", "d": "unsupported"} {
			_, _, err := Read(context.Background(), strings.NewReader("x"), name, Deaths(), testToday)
			if fault.CodeOf(err) != fault.Invalid || !strings.Contains(err.Error(), want) {
				t.Errorf("Read(%s) = %v; want an invalid error saying %q", name, err, want)
			}
		}
	})
}

func TestDeathsChecks(t *testing.T) {
	in := deathsHeader +
		"652324195801050319,马福祥,1957-01-01,,公安\n" + // before birth
		"652327197006060452,张桂英,2024-10-02,2024-10-01,卫健\n" + // cancelled before death
		"652328197505200524,刘志强,2024-12-01,,公安\n" + // future
		"652301198808080595,赵磊,2024-10-04,2024-10-04,\n" // fine
	_, rep, _ := Read(context.Background(), strings.NewReader(in), "d.csv", Deaths(), testToday)
	want := []problemKey{{2, "death_date", RuleInconsistent}, {3, "cancelled_on", RuleInconsistent}, {4, "death_date", RuleFuture}}
	if diff := cmp.Diff(want, problemKeys(rep)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestTaxChecks(t *testing.T) {
	h := "统一社会信用代码,公民身份号码,姓名,险种,费款所属期,缴费基数,单位缴费,个人缴费,入库日期,票证号\n"
	in := h +
		"91652301MA77ABC159,652324195801050319,马,企业职工基本养老保险,2024-10,,1,1,2024-10-15,1\n" + // base missing
		",652324195801050319,马,工伤保险,2024-10,100,1,0,2024-10-15,2\n" + // work injury without employer
		",652324195801050319,马,城乡居民基本养老保险,2024-10,,1,1,2024-10-15,3\n" + // resident pension with employer part
		"91652301MA77ABC159,652324195801050319,马,失业保险,2024-10,100,-1,1,2024-10-15,4\n" + // opposite signs
		",652324195801050319,马,城乡居民基本养老保险,2024-10,,0,300,2024-10-15,5\n" // fine
	_, rep, _ := Read(context.Background(), strings.NewReader(in), "t.csv", TaxContributions(), testToday)
	want := []problemKey{{2, "base", RuleInconsistent}, {3, "uscc", RuleInconsistent}, {4, "employer_amount", RuleInconsistent}, {5, "individual_amount", RuleInconsistent}}
	if diff := cmp.Diff(want, problemKeys(rep)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestEach(t *testing.T) {
	in := deathsHeader +
		"652324195801050319,马福祥,2024-09-30,,公安\n" +
		"652327197006060452,张桂英,2024-10-02,,卫健\n" +
		"652328197505200524,刘志强,2024-10-03,,公安\n"
	var lines []int
	rep, err := Options{Today: testToday}.Each(context.Background(), strings.NewReader(in), "d.csv", Deaths(), func(r Row) error {
		lines = append(lines, r.Line)
		return nil
	})
	if err != nil || rep.Rows != 3 || !cmp.Equal(lines, []int{2, 3, 4}) {
		t.Errorf("Each = %v, %d rows, lines %v", err, rep.Rows, lines)
	}
	stop := errors.New("store full")
	_, err = Options{}.Each(context.Background(), strings.NewReader(in), "d.csv", Deaths(), func(r Row) error {
		if r.Line == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("Each with a failing callback = %v", err)
	}
}

func TestContextCancelled(t *testing.T) {
	var b strings.Builder
	b.WriteString(deathsHeader)
	for range 3 * ctxEvery {
		b.WriteString("652324195801050319,马福祥,2024-09-30,,公安\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := Read(ctx, strings.NewReader(b.String()), "d.csv", Deaths(), testToday)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestXLSX(t *testing.T) {
	build := func(t *testing.T, fill func(f *excelizeFile)) []byte {
		f := newExcelizeFile(t)
		fill(f)
		return f.bytes(t)
	}
	t.Run("gap-and-trailing-rows", func(t *testing.T) {
		data := build(t, func(f *excelizeFile) {
			f.row("A1", "公民身份号码", "姓名", "死亡日期")
			f.row("A2", "652324195801050319", "马福祥", "2024-09-30")
			// row 3 missing entirely
			f.row("A4", "652327197006060452", "张桂英", "2024-10-02")
			f.row("A5", "652328197505200524", "刘志强", "2024-10-03", "", "stray") // a value right of the header
			f.row("A9", " ", "")                                                // trailing blank
		})
		_, rep, err := Read(context.Background(), bytes.NewReader(data), "d.xlsx", Deaths(), testToday)
		if err == nil {
			t.Fatal("Read accepted the file")
		}
		want := []problemKey{{3, "", RuleEmptyLine}, {5, "", RuleFieldCount}}
		if diff := cmp.Diff(want, problemKeys(rep)); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
	t.Run("named-sheet", func(t *testing.T) {
		data := build(t, func(f *excelizeFile) {
			f.row("A1", "x")
			f.sheet("死亡")
			f.row("A1", "公民身份号码", "姓名", "死亡日期")
			f.row("A2", "652324195801050319", "马福祥", "2024-09-30")
		})
		rows, _, err := Options{Sheet: "死亡"}.Read(context.Background(), bytes.NewReader(data), "d.xlsx", Deaths())
		if err != nil || len(rows) != 1 {
			t.Errorf("Read = %d rows, %v; want 1", len(rows), err)
		}
		_, _, err = Options{Sheet: "Deaths"}.Read(context.Background(), bytes.NewReader(data), "d.xlsx", Deaths())
		if fault.CodeOf(err) != fault.Invalid || !strings.Contains(err.Error(), `no sheet "Deaths"; the workbook has: Sheet1, 死亡`) {
			t.Errorf("missing sheet: err = %v", err)
		}
	})
	t.Run("not-a-workbook", func(t *testing.T) {
		_, rep, err := Read(context.Background(), strings.NewReader("公民身份号码,姓名\n"), "d.xlsx", Deaths(), testToday)
		if fault.CodeOf(err) != fault.Invalid || rep.Problems[0].Rule != RuleFormat {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("too-large", func(t *testing.T) {
		data := build(t, func(f *excelizeFile) { f.row("A1", "公民身份号码") })
		_, rep, err := Options{MaxFileBytes: 100}.Read(context.Background(), bytes.NewReader(data), "d.xlsx", Deaths())
		if err == nil || !strings.Contains(rep.Problems[0].Reason, "larger than 100 bytes") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestRowAccessors(t *testing.T) {
	rows, _, err := readScenario(t, scenarioByDir(t, "bom"))
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	if got := r.String(); got != "row 2: id_number=652324********0319 name=马福祥 death_date=2024-09-30 cancelled_on=2024-10-08 source=公安" {
		t.Errorf("String() = %q", got)
	}
	if got := r.LogValue().String(); got != "2" {
		t.Errorf("LogValue() = %q, want the line only", got)
	}
	if got := fmt.Sprint(r); strings.Contains(got, "195801050319") {
		t.Errorf("fmt.Sprint(row) = %q shows the ID", got)
	}
	for name, f := range map[string]func(){
		"unknown field": func() { r.Text("nme") },
		"wrong kind":    func() { r.Fen("name") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestProfileValidate(t *testing.T) {
	for _, p := range []Profile{TaxContributions(), Deaths()} {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	id := Field{Name: "id", Kind: ResidentID, Required: true}
	tests := []struct {
		name string
		p    Profile
		want string
	}{
		{"no name", Profile{Fields: []Field{id}}, "no name"},
		{"no fields", Profile{Name: "p"}, "no fields"},
		{"dup field", Profile{Name: "p", Fields: []Field{id, id}}, "listed twice"},
		{"bad kind", Profile{Name: "p", Fields: []Field{{Name: "x"}}}, "unknown kind"},
		{"enum without values", Profile{Name: "p", Fields: []Field{{Name: "x", Kind: Enum}}}, "no values"},
		{"values on text", Profile{Name: "p", Fields: []Field{{Name: "x", Kind: Text, Values: map[string]string{"a": "b"}}}}, "not an enum"},
		{"header clash", Profile{Name: "p", Fields: []Field{id, {Name: "y", Kind: Text, Headers: []string{" ID "}}}}, "claimed by both"},
		{"key not field", Profile{Name: "p", Fields: []Field{id}, Key: []string{"z"}}, "not a field"},
		{"key optional", Profile{Name: "p", Fields: []Field{id, {Name: "y", Kind: Text}}, Key: []string{"y"}}, "not required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
			_, rep, err2 := Read(context.Background(), strings.NewReader(""), "x.csv", tt.p, 0)
			if err2 == nil || rep == nil {
				t.Errorf("Read with a bad profile = %v, report %v", err2, rep)
			}
		})
	}
}

func TestUnnamedAndIgnoredColumns(t *testing.T) {
	in := "序号,公民身份号码,,姓名,死亡日期,\n" +
		"1,652324195801050319,,马福祥,2024-09-30,\n" +
		"2,652327197006060452,x,张桂英,2024-10-02,\n" +
		"3,652328197505200524,y,刘志强,2024-10-03,\n"
	rows, rep, err := Read(context.Background(), strings.NewReader(in), "d.csv", Deaths(), testToday)
	if err != nil || len(rows) != 3 {
		t.Fatalf("Read = %d rows, %v", len(rows), err)
	}
	if diff := cmp.Diff([]string{"序号"}, rep.Ignored); diff != "" {
		t.Errorf("ignored (-want +got):\n%s", diff)
	}
	// Data under a column without a header is a warning, once.
	if rep.WarningCount != 1 || rep.Warnings[0].Line != 3 || rep.Warnings[0].Column != 3 || rep.Warnings[0].Rule != RuleUnnamedData {
		t.Errorf("warnings = %+v", rep.Warnings)
	}
}

// failingReader returns its data, then an error.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := &failingReader{data: []byte(deathsHeader + "652324195801050319,马福祥,2024-09-30,,公安\n"), err: boom}
	rows, rep, err := Read(context.Background(), r, "d.csv", Deaths(), testToday)
	if !errors.Is(err, boom) || fault.CodeOf(err) != fault.Internal || rows != nil || rep == nil {
		t.Errorf("Read = %d rows, %v; want the read error, as internal", len(rows), err)
	}
}
