package exchange

import (
	"errors"
	"strings"
	"testing"

	"safetynet/internal/ids"
)

// sexField is an enum field used by the tests.
var sexField = Field{Name: "sex", Kind: Enum, Values: map[string]string{"男": "M", "女": "F"}}

func TestFieldParse(t *testing.T) {
	type tc struct {
		in   string
		want string // Value.String() (ResidentID unmasked), or "" for an empty value
		rule Rule   // the rule broken, if any
	}
	tests := []struct {
		field Field
		src   source
		cases []tc
	}{
		{Field{Name: "t", Kind: Text, MaxLen: 5}, fromText, []tc{
			{"  张三\u3000", "张三", ""},
			{"ＡＢＣ（１）", "", RuleTooLong},
			{"ＡＢ（１）", "AB(1)", ""},
			{"a\x00b", "", RuleControl},
			{"a\tb", "a\tb", ""},
			{"", "", ""},
			{"\u3000 ", "", ""},
		}},
		{Field{Name: "t", Kind: Text}, fromXLSX, []tc{
			{"1.23456789012345E+19", "", RuleStoredAsNumber},
			{"12345", "12345", ""},
		}},
		{Field{Name: "id", Kind: ResidentID, Required: true}, fromText, []tc{
			{"652301196503120104", "652301196503120104", ""},
			{" ６５２３０１１９６５０３１２０１０４ ", "652301196503120104", ""},
			{"652301620403123", "652301196204031232", ""}, // legacy 15 digits upgraded
			{"'652301196503120104", "652301196503120104", ""},
			{`="652301196503120104"`, "652301196503120104", ""},
			{"65230119650312010x", "", "check_digit"},
			{"652301196513120104", "", "birth_date"},
			{"652301202503120104", "", "birth_date"}, // after today
			{"992301196503120104", "", "region"},
			{"65230119650312010", "", "length"},
			{"6523011965031201a4", "", "characters"},
			{"", "", RuleRequired},
		}},
		{Field{Name: "id", Kind: ResidentID}, fromXLSX, []tc{
			{"6.52301196503120E+17", "", RuleStoredAsNumber},
			{"652301196503120104", "652301196503120104", ""},
		}},
		{Field{Name: "u", Kind: USCC}, fromText, []tc{
			{"91652301ma77abc159", "91652301MA77ABC159", ""},
			{"91652301MA77ABC150", "91652301MA77ABC150", ""}, // lenient: flagged
			{"91652301MA77ABC1", "", "length"},
			{"652301196503120104", "", RuleInvalid}, // a resident ID
			{"I1652301MA77ABC159", "", "characters"},
		}},
		{Field{Name: "m", Kind: Money}, fromText, []tc{
			{"1,234.56", "1234.56", ""},
			{"１，２３４．５", "1234.50", ""},
			{"¥12", "12.00", ""},
			{"0", "0.00", ""},
			{"-0.5", "", RuleNegative},
			{"1.234", "", RuleInvalid},
			{"12,34", "", RuleInvalid},
			{"abc", "", RuleInvalid},
			{"1234.5599999999999", "", RuleInvalid},
		}},
		{Field{Name: "m", Kind: Money, AllowNegative: true}, fromXLSX, []tc{
			{"-0.5", "-0.50", ""},
			{"1234.5599999999999", "1234.56", ""},
			{"26.010000000000002", "26.01", ""},
			{"1E+3", "1000.00", ""},
			{"0.001", "", RuleInvalid},
		}},
		{Field{Name: "n", Kind: Int}, fromText, []tc{
			{"42", "42", ""},
			{"+42", "42", ""},
			{"42.00", "42", ""},
			{"42.5", "", RuleInvalid},
			{"-1", "", RuleNegative},
			{"99999999999999999999", "", RuleOutOfRange},
		}},
		{Field{Name: "d", Kind: Date, NotFuture: true}, fromText, []tc{
			{"2024-01-15", "2024-01-15", ""},
			{"2024-1-5", "2024-01-05", ""},
			{"2024/1/5", "2024-01-05", ""},
			{"2024.01.15", "2024-01-15", ""},
			{"20240115", "2024-01-15", ""},
			{"2024年1月5日", "2024-01-05", ""},
			{"2024-10-20 09:31:02", "2024-10-20", ""},
			{"2024-10-20T00:00:00Z", "2024-10-20", ""},
			{"２０２４－０１－１５", "2024-01-15", ""},
			{"2024-02-29", "2024-02-29", ""},
			{"2023-02-29", "", RuleInvalid},
			{"2024-13-01", "", RuleInvalid},
			{"2024-11-16", "", RuleFuture},
			{"1899-12-31", "", RuleOutOfRange},
			{"45580", "", RuleInvalid}, // a serial number is XLSX only
			{"24-01-15", "", RuleInvalid},
			{"2024-01-15 noon", "", RuleInvalid},
		}},
		{Field{Name: "d", Kind: Date}, fromXLSX, []tc{
			{"45580", "2024-10-15", ""},
			{"45580.75", "2024-10-15", ""},
			{"61", "1900-03-01", ""},
			{"59", "1900-02-28", ""},
			{"1", "1900-01-01", ""},
			{"60", "", RuleInvalid},
			{"0", "", RuleInvalid},
			{"20240115", "2024-01-15", ""},
			{"2024-01-15", "2024-01-15", ""},
		}},
		{Field{Name: "d", Kind: Date}, fromXLSX1904, []tc{
			{"44118", "2024-10-15", ""},
		}},
		{Field{Name: "p", Kind: Month}, fromText, []tc{
			{"2024-10", "2024-10", ""},
			{"2024-1", "2024-01", ""},
			{"2024/10", "2024-10", ""},
			{"202410", "2024-10", ""},
			{"2024年10月", "2024-10", ""},
			{"2024年1月", "2024-01", ""},
			{"2024.10", "", RuleInvalid},
			{"2024-13", "", RuleInvalid},
			{"2024-10-01", "", RuleInvalid},
			{"1899-12", "", RuleOutOfRange},
		}},
		{Field{Name: "p", Kind: Month, NotFuture: true}, fromXLSX, []tc{
			{"45566", "2024-10", ""},
			{"45567", "", RuleInvalid}, // 2024-10-02 is a date, not a month
			{"202410", "2024-10", ""},
			{"202412", "", RuleFuture},
		}},
		{Field{Name: "b", Kind: Bool}, fromText, []tc{
			{"是", "true", ""},
			{"否", "false", ""},
			{"Y", "true", ""},
			{"n", "false", ""},
			{"TRUE", "true", ""},
			{"0", "false", ""},
			{"1", "true", ""},
			{"有", "", RuleInvalid},
		}},
		{sexField, fromText, []tc{
			{"男", "M", ""},
			{" 女 ", "F", ""},
			{"F", "F", ""},
			{"f", "F", ""},
			{"未知", "", RuleNotInList},
		}},
		{Field{Name: "r", Kind: Region}, fromText, []tc{
			{"652301", "652301", ""},
			{"652301001", "652301001", ""},
			{"652301001002", "652301001002", ""},
			{"652301000000", "652301", ""},
			{"652301001000", "652301001", ""},
			{"65230", "", RuleInvalid},
			{"952301", "", RuleInvalid},
		}},
	}
	for _, tt := range tests {
		for _, c := range tt.cases {
			name := tt.field.Kind.String() + "/" + c.in
			t.Run(name, func(t *testing.T) {
				cf := compiledField(t, tt.field)
				v, p := cf.parse(c.in, testToday, tt.src)
				if c.rule != "" {
					if p == nil {
						t.Fatalf("parse(%q) = %v, want a %s problem", c.in, v, c.rule)
					}
					if p.Rule != c.rule {
						t.Errorf("parse(%q): rule %s (%s), want %s", c.in, p.Rule, p.Reason, c.rule)
					}
					return
				}
				if p != nil {
					t.Fatalf("parse(%q): %s (%s)", c.in, p.Reason, p.Rule)
				}
				got := v.String()
				if v.kind == ResidentID {
					got = v.s
				}
				if got != c.want {
					t.Errorf("parse(%q) = %q, want %q", c.in, got, c.want)
				}
				if v.Kind() != tt.field.Kind || v.Empty() != (c.want == "") {
					t.Errorf("parse(%q): kind %v, empty %v", c.in, v.Kind(), v.Empty())
				}
			})
		}
	}
}

// compiledField compiles a one-field profile and returns its field.
func compiledField(t testing.TB, f Field) *field {
	t.Helper()
	s, err := compile(Profile{Name: "test", Fields: []Field{f}})
	if err != nil {
		t.Fatal(err)
	}
	return &s.fields[0]
}

func TestFieldParseAPI(t *testing.T) {
	f := Field{Name: "id_number", Kind: ResidentID, Required: true}
	v, err := f.Parse("652301196503120104", testToday)
	if err != nil || v.ResidentID() != "652301196503120104" {
		t.Fatalf("Parse = %v, %v", v, err)
	}
	if got := v.String(); got != "652301********0104" {
		t.Errorf("String() = %q, want it masked", got)
	}
	_, err = f.Parse("652301196503120105", testToday)
	var p *Problem
	if !errors.As(err, &p) || p.Rule != "check_digit" || p.Value != "652301********0105" {
		t.Fatalf("Parse(bad) = %v; want a check_digit problem with a masked value", err)
	}
	if got, want := err.Error(), "id_number: check digit is 5, want 4"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var idErr *ids.ResidentIDError
	if !errors.As(err, &idErr) || idErr.Reason != ids.ReasonCheckDigit {
		t.Errorf("the problem does not unwrap to the ids error: %v", err)
	}
	if v, err := sexField.Parse("女", 0); err != nil || v.Code() != "F" {
		t.Errorf("enum Parse = %v, %v", v, err)
	}
	if _, err := (Field{Name: "x", Kind: Enum}).Parse("a", 0); err == nil {
		t.Error("Parse with an enum without values succeeded")
	}
}

func TestSensitiveMasked(t *testing.T) {
	f := compiledField(t, Field{Name: "phone", Kind: Text, Sensitive: true, MaxLen: 5})
	_, p := f.parse("13812345678", 0, fromText)
	if p == nil || p.Value != ids.Mask("13812345678") {
		t.Errorf("problem = %+v, want the value masked", p)
	}
	v, p := f.parse("12345", 0, fromText)
	if p != nil || v.String() != "*****" {
		t.Errorf("sensitive String() = %q, want it masked", v.String())
	}
}

func TestDisplayValue(t *testing.T) {
	tests := []struct {
		in   string
		mask bool
		want string
	}{
		{"张三", false, "张三"},
		{"2024-02-30", false, "2024-02-30"},
		{"652301196503120104", false, "652301********0104"},
		{"电话13812345678", false, "电话1381***5678"},
		{"1234567890", false, "1234567890"},
		{"abc", true, "***"},
		{"a\x00b\nc", false, "a\uFFFDb c"},
		{"\xff\xfe", false, "\uFFFD"},
		{strings.Repeat("长", 100), false, strings.Repeat("长", maxShown-1) + "…"},
	}
	for _, tt := range tests {
		if got := displayValue(tt.in, tt.mask); got != tt.want {
			t.Errorf("displayValue(%q, %v) = %q, want %q", tt.in, tt.mask, got, tt.want)
		}
	}
}
