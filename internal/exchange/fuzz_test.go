package exchange

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"safetynet/internal/fault"
)

// FuzzReadCSV reads arbitrary bytes as a CSV file. It checks that Read
// never panics, that every record is counted as a row or a bad row, that
// no report shows a long number in clear, and, for UTF-8 input without
// quotes or carriage returns (where a record is a line), that every
// non-empty line after the header is a row or has a problem.
func FuzzReadCSV(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*", "input.csv"))
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, bytes.Contains(data, []byte("票证号")) || bytes.Contains(data, []byte("\xc6\xb1")))
	}
	f.Add([]byte(deathsHeader+"652324195801050319,马福祥,2024-09-30,,公安\n\n,,,,\n652324195801050319,x,2024-02-30,,\n\n"), false)
	f.Add([]byte("title\n"+deathsHeader+"\"a\nb\",\"c\"\"d\",\"e\"f,\n\"open"), false)
	f.Add([]byte("\xEF\xBB\xBF公民身份号码,姓名,公民身份号码\r\n1,2,3\r\n"), false)

	f.Fuzz(func(t *testing.T, data []byte, tax bool) {
		p := Deaths()
		if tax {
			p = TaxContributions()
		}
		var rowLines []int
		opts := Options{Today: testToday, MaxProblems: 1 << 20}
		rep, err := opts.Each(context.Background(), bytes.NewReader(data), "f.csv", p, func(r Row) error {
			rowLines = append(rowLines, r.Line)
			return nil
		})
		if err != nil && fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("error %v is not an invalid-input error", err)
		}
		if (err == nil) != rep.OK() {
			t.Fatalf("err = %v but report OK = %v", err, rep.OK())
		}
		if rep.Records != rep.Rows+rep.BadRows {
			t.Fatalf("records %d != rows %d + bad rows %d", rep.Records, rep.Rows, rep.BadRows)
		}
		if len(rowLines) != rep.Rows {
			t.Fatalf("%d rows passed to the callback, report says %d", len(rowLines), rep.Rows)
		}
		for i := 1; i < len(rowLines); i++ {
			if rowLines[i] <= rowLines[i-1] {
				t.Fatalf("row lines out of order: %v", rowLines)
			}
		}
		if m := longDigits.FindString(reportJSON(t, rep)); m != "" {
			t.Fatalf("report shows %s in clear", m)
		}
		if err != nil {
			if m := longDigits.FindString(err.Error()); m != "" {
				t.Fatalf("error shows %s in clear", m)
			}
		}

		// The line-by-line accounting, where a record is exactly a line.
		if !utf8.Valid(data) || bytes.ContainsAny(data, "\"\r") || rep.HeaderLine == 0 {
			return
		}
		covered := make(map[int]bool)
		for _, l := range rowLines {
			covered[l] = true
		}
		for _, pr := range rep.Problems {
			if pr.Line == 0 || pr.Rule == RuleTooManyRows {
				return // the read stopped early
			}
			covered[pr.Line] = true
		}
		text := strings.TrimPrefix(string(data), "\uFEFF")
		lines := strings.Split(text, "\n")
		if strings.HasSuffix(text, "\n") {
			lines = lines[:len(lines)-1]
		}
		nonEmpty := 0
		for i := rep.HeaderLine; i < len(lines); i++ {
			if blank(strings.Split(lines[i], ",")) {
				continue
			}
			nonEmpty++
			if !covered[i+1] {
				t.Fatalf("line %d (%q) is neither a row nor a problem", i+1, lines[i])
			}
		}
		if nonEmpty != rep.Records {
			t.Fatalf("%d non-empty lines after the header, report counts %d records", nonEmpty, rep.Records)
		}
	})
}

// FuzzParseValue parses arbitrary text as each kind of value. It checks
// that parsing never panics, that a problem has a rule and a reason and
// shows no long number, and that a value's canonical text parses back to
// the same value.
func FuzzParseValue(f *testing.F) {
	seeds := []string{"", "652301196503120104", "652301620403123", "91652301MA77ABC159", "1,234.56", "-0.5",
		"45580", "45580.5", "2024-01-15", "2024/1/5", "20240115", "2024年1月5日", "2024-10-20 09:31:02",
		"2024-10", "202410", "2024年10月", "是", "N", "男", "F", "652301000000", "６５２３０１", "6.52301196503120E+17",
		"1234.5599999999999", "=\"652301196503120104\"", "'0042"}
	for k := Text; k <= Region; k++ {
		for _, s := range seeds {
			f.Add(uint8(k), s, uint8(0))
			f.Add(uint8(k), s, uint8(1))
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, s string, opts uint8) {
		fd := Field{
			Name:          "f",
			Kind:          Kind(kind%10 + 1),
			Required:      opts&2 != 0,
			AllowNegative: opts&4 != 0,
			NotFuture:     opts&8 != 0,
			Sensitive:     opts&16 != 0,
		}
		if fd.Kind == Text && opts&32 != 0 {
			fd.MaxLen = 8
		}
		if fd.Kind == Enum {
			fd.Values = map[string]string{"男": "M", "女": "F", "未说明": "U"}
		}
		src := source(opts % 3)
		cf := compiledField(t, fd)
		v, p := cf.parse(s, testToday, src)
		if p != nil {
			if p.Rule == "" || p.Reason == "" || p.Field != "f" {
				t.Fatalf("parse(%q): problem without rule, reason or field: %+v", s, p)
			}
			if m := longDigits.FindString(p.Value + " " + p.Error()); m != "" {
				t.Fatalf("parse(%q): problem shows %s in clear: %+v", s, m, p)
			}
			return
		}
		if v.Kind() != fd.Kind {
			t.Fatalf("parse(%q) kind = %v, want %v", s, v.Kind(), fd.Kind)
		}
		if v.Empty() {
			if fd.Required {
				t.Fatalf("parse(%q): empty value for a required field", s)
			}
			return
		}
		canon := v.String()
		switch fd.Kind {
		case Text, ResidentID, USCC, Enum, Region:
			canon = v.s // String masks a resident ID or sensitive text
		}
		v2, p2 := cf.parse(canon, testToday, fromText)
		if p2 != nil {
			t.Fatalf("parse(%q) = %q, which does not parse back: %s (%s)", s, canon, p2.Reason, p2.Rule)
		}
		if v2 != v {
			t.Fatalf("parse(%q) = %+v, but its text %q parses to %+v", s, v, canon, v2)
		}
	})
}
