package ids

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"safetynet/internal/period"
)

var today = period.MustDate(2025, 6, 30)

func TestParseResidentID(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		want       ResidentID
		wantBirth  period.Date
		wantGender Gender
		wantReason Reason
		wantErr    string
	}{
		// Vectors from docs/domain.md 1.1.
		{name: "validator README", in: "34052419800101001X", want: "34052419800101001X", wantBirth: period.MustDate(1980, 1, 1), wantGender: Male},
		{name: "standard annex", in: "11010519491231002X", want: "11010519491231002X", wantBirth: period.MustDate(1949, 12, 31), wantGender: Female},
		{name: "changji city male", in: "652301199001011235", want: "652301199001011235", wantBirth: period.MustDate(1990, 1, 1), wantGender: Male},
		{name: "qitai female", in: "652325196512310023", want: "652325196512310023", wantBirth: period.MustDate(1965, 12, 31), wantGender: Female},
		{name: "wrong check digit", in: "652301199001011234", wantReason: ReasonCheckDigit,
			wantErr: "resident ID 652301********1234: check digit is 4, want 5"},

		{name: "lower-case x", in: "34052419800101001x", want: "34052419800101001X", wantBirth: period.MustDate(1980, 1, 1), wantGender: Male},
		{name: "surrounding spaces", in: " 652301199001011235\t\n", want: "652301199001011235", wantBirth: period.MustDate(1990, 1, 1), wantGender: Male},
		{name: "legacy 15 digits", in: "652301900101123", want: "652301199001011235", wantBirth: period.MustDate(1990, 1, 1), wantGender: Male},
		{name: "legacy 15 digits female", in: "652325651231002", want: "652325196512310023", wantBirth: period.MustDate(1965, 12, 31), wantGender: Female},
		{name: "born today", in: "652301202506300010", want: "652301202506300010", wantBirth: today, wantGender: Male},
		{name: "born 1900-01-01", in: "652301190001010012", want: "652301190001010012", wantBirth: period.MustDate(1900, 1, 1), wantGender: Male},
		{name: "hong kong permit", in: "810000199001011230", want: "810000199001011230", wantBirth: period.MustDate(1990, 1, 1), wantGender: Male},

		{name: "empty", in: "", wantReason: ReasonLength, wantErr: "resident ID: empty"},
		{name: "blank", in: "   ", wantReason: ReasonLength, wantErr: "resident ID: empty"},
		{name: "17 digits", in: "65230119900101123", wantReason: ReasonLength,
			wantErr: "resident ID 652301*******1123: length 17, want 18 (or 15 for a legacy number)"},
		{name: "19 digits", in: "6523011990010112351", wantReason: ReasonLength, wantErr: "length 19"},
		{name: "short", in: "12345", wantReason: ReasonLength, wantErr: "resident ID *****: length 5"},
		{name: "letter inside", in: "65230119900101A235", wantReason: ReasonCharacters, wantErr: "character 'A' at position 15 is not a digit"},
		{name: "X inside", in: "6523011990010112X5", wantReason: ReasonCharacters, wantErr: "character 'X' at position 17 is not a digit"},
		{name: "bad last character", in: "65230119900101123Y", wantReason: ReasonCharacters, wantErr: "character 'Y' at position 18 is not a digit or X"},
		{name: "X in legacy", in: "65230190010112X", wantReason: ReasonCharacters, wantErr: "position 15 is not a digit"},
		{name: "inner space", in: "652301 99001011235", wantReason: ReasonCharacters, wantErr: "character ' ' at position 7"},
		{name: "full-width digit", in: "65230119900101123５", wantReason: ReasonCharacters, wantErr: "character '５' at position 18 is not a digit"},
		{name: "chinese characters", in: "身份证号码", wantReason: ReasonLength, wantErr: "length 5"},
		{name: "province 00", in: "002301199001011235", wantReason: ReasonRegion, wantErr: "province code 00 does not exist"},
		{name: "province 99", in: "992301199001011235", wantReason: ReasonRegion, wantErr: "province code 99 does not exist"},
		{name: "province 24", in: "242301199001011235", wantReason: ReasonRegion, wantErr: "province code 24 does not exist"},
		{name: "february 30", in: "652301199002301235", wantReason: ReasonBirthDate, wantErr: "birth date is not a real calendar date"},
		{name: "month 13", in: "652301199013011235", wantReason: ReasonBirthDate, wantErr: "not a real calendar date"},
		{name: "year 0000", in: "652301000001011235", wantReason: ReasonBirthDate, wantErr: "not a real calendar date"},
		{name: "legacy february 29 1900", in: "652301000229123", wantReason: ReasonBirthDate, wantErr: "not a real calendar date"},
		{name: "born 1899", in: "652301189912311235", wantReason: ReasonBirthDate, wantErr: "birth date is before 1900"},
		{name: "born tomorrow", in: "652301202507011235", wantReason: ReasonBirthDate, wantErr: "birth date is in the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResidentID(tt.in, today)
			if tt.wantReason != 0 {
				var e *ResidentIDError
				if !errors.As(err, &e) {
					t.Fatalf("ParseResidentID(%q) = %q, %v, want *ResidentIDError", tt.in, got, err)
				}
				if e.Reason != tt.wantReason || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseResidentID(%q) error = %v (%s), want %q (%s)", tt.in, err, e.Reason, tt.wantErr, tt.wantReason)
				}
				if got != "" {
					t.Errorf("ParseResidentID(%q) = %q with error, want \"\"", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseResidentID(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
			}
			if b := got.BirthDate(); b != tt.wantBirth {
				t.Errorf("%q.BirthDate() = %s, want %s", got, b, tt.wantBirth)
			}
			if g := got.Gender(); g != tt.wantGender {
				t.Errorf("%q.Gender() = %s, want %s", got, g, tt.wantGender)
			}
			if d := got.DivisionCode(); d != string(tt.want[:6]) {
				t.Errorf("%q.DivisionCode() = %q, want %q", got, d, tt.want[:6])
			}
		})
	}
}

func TestParseResidentIDZeroToday(t *testing.T) {
	in := "652301209901011230"
	c, _ := CheckDigit(in[:17])
	in = in[:17] + string(c)
	if _, err := ParseResidentID(in, 0); err != nil {
		t.Errorf("ParseResidentID(%q, 0) error = %v, want no future check", in, err)
	}
	if _, err := ParseResidentID(in, today); err == nil {
		t.Errorf("ParseResidentID(%q, %s) error = nil, want future birth date", in, today)
	}
}

func TestResidentIDErrorHidesDigits(t *testing.T) {
	// Whatever fails, the birth date and sequence code of an 18-character
	// input never appear in the error.
	for _, in := range []string{"652301199001011234", "992301199001011235", "652301199002301235", "65230119900101123Y"} {
		_, err := ParseResidentID(in, today)
		if err == nil {
			t.Fatalf("ParseResidentID(%q) error = nil", in)
		}
		if strings.Contains(err.Error(), in[6:14]) || strings.Contains(err.Error(), in) {
			t.Errorf("ParseResidentID(%q) error = %q, discloses the birth date", in, err)
		}
	}
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    byte
		wantErr string
	}{
		{name: "X", in: "34052419800101001", want: 'X'},
		{name: "annex", in: "11010519491231002", want: 'X'},
		{name: "5", in: "65230119900101123", want: '5'},
		{name: "3", in: "65232519651231002", want: '3'},
		{name: "all zeros", in: "00000000000000000", want: '1'},
		{name: "short", in: "6523011990010112", wantErr: "got 16 bytes, want 17 digits"},
		{name: "letter", in: "6523011990010112A", wantErr: "position 17 is not a digit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckDigit(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("CheckDigit(%q) = %c, %v, want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("CheckDigit(%q) = %c, %v, want %c", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestMakeResidentID(t *testing.T) {
	tests := []struct {
		name     string
		division string
		birth    period.Date
		seq      int
		want     ResidentID
		wantErr  string
	}{
		{name: "changji male", division: "652301", birth: period.MustDate(1990, 1, 1), seq: 123, want: "652301199001011235"},
		{name: "qitai female", division: "652325", birth: period.MustDate(1965, 12, 31), seq: 2, want: "652325196512310023"},
		{name: "check X", division: "340524", birth: period.MustDate(1980, 1, 1), seq: 1, want: "34052419800101001X"},
		{name: "seq 999", division: "652328", birth: period.MustDate(2024, 2, 29), seq: 999},
		{name: "seq 0", division: "652302", birth: period.MustDate(1900, 1, 1), seq: 0},
		{name: "short division", division: "65230", birth: period.MustDate(1990, 1, 1), seq: 1, wantErr: `division code "65230" is not 6 digits`},
		{name: "letter division", division: "65230A", birth: period.MustDate(1990, 1, 1), seq: 1, wantErr: "is not 6 digits"},
		{name: "bad province", division: "992301", birth: period.MustDate(1990, 1, 1), seq: 1, wantErr: "province code 99 does not exist"},
		{name: "zero birth", division: "652301", birth: 0, seq: 1, wantErr: "before 1900"},
		{name: "old birth", division: "652301", birth: period.MustDate(1899, 12, 31), seq: 1, wantErr: `birth date "1899-12-31" is before 1900`},
		{name: "seq 1000", division: "652301", birth: period.MustDate(1990, 1, 1), seq: 1000, wantErr: "sequence number 1000 out of range 0-999"},
		{name: "seq -1", division: "652301", birth: period.MustDate(1990, 1, 1), seq: -1, wantErr: "sequence number -1 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MakeResidentID(tt.division, tt.birth, tt.seq)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("MakeResidentID(%q, %s, %d) = %q, %v, want error containing %q", tt.division, tt.birth, tt.seq, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("MakeResidentID(%q, %s, %d) error = %v", tt.division, tt.birth, tt.seq, err)
			}
			if tt.want != "" && got != tt.want {
				t.Errorf("MakeResidentID(%q, %s, %d) = %q, want %q", tt.division, tt.birth, tt.seq, got, tt.want)
			}
			if p, err := ParseResidentID(string(got), 0); err != nil || p != got {
				t.Errorf("ParseResidentID(%q) = %q, %v, want it back", got, p, err)
			}
			wantGender := Female
			if tt.seq%2 == 1 {
				wantGender = Male
			}
			if got.BirthDate() != tt.birth || got.Gender() != wantGender || got.DivisionCode() != tt.division {
				t.Errorf("MakeResidentID(%q, %s, %d) = %q, fields %s %s %s", tt.division, tt.birth, tt.seq, got, got.BirthDate(), got.Gender(), got.DivisionCode())
			}
		})
	}
}

func TestResidentIDAccessors(t *testing.T) {
	tests := []struct {
		name       string
		in         ResidentID
		masked     string
		legacy     string
		legacyOK   bool
		birth      period.Date
		gender     Gender
		divisionOK bool
	}{
		{name: "1990", in: "652301199001011235", masked: "652301********1235", legacy: "652301900101123", legacyOK: true, birth: period.MustDate(1990, 1, 1), gender: Male, divisionOK: true},
		{name: "2005", in: "652301200501011237", masked: "652301********1237", legacyOK: false, birth: period.MustDate(2005, 1, 1), gender: Male, divisionOK: true},
		{name: "X", in: "34052419800101001X", masked: "340524********001X", legacy: "340524800101001", legacyOK: true, birth: period.MustDate(1980, 1, 1), gender: Male, divisionOK: true},
		{name: "not valid", in: "abc", masked: "***"},
		{name: "bad date", in: "652301199013011235", masked: "652301********1235", legacy: "652301901301123", legacyOK: true, gender: Male, divisionOK: true},
		{name: "zero", in: "", masked: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Masked(); got != tt.masked {
				t.Errorf("%q.Masked() = %q, want %q", tt.in, got, tt.masked)
			}
			if got, ok := tt.in.Legacy15(); got != tt.legacy || ok != tt.legacyOK {
				t.Errorf("%q.Legacy15() = %q, %v, want %q, %v", tt.in, got, ok, tt.legacy, tt.legacyOK)
			}
			if got := tt.in.BirthDate(); got != tt.birth {
				t.Errorf("%q.BirthDate() = %s, want %s", tt.in, got, tt.birth)
			}
			if got := tt.in.Gender(); got != tt.gender {
				t.Errorf("%q.Gender() = %q, want %q", tt.in, got, tt.gender)
			}
			if got := tt.in.DivisionCode(); (got != "") != tt.divisionOK {
				t.Errorf("%q.DivisionCode() = %q", tt.in, got)
			}
			if tt.legacyOK {
				if up, err := ParseResidentID(tt.legacy, 0); tt.birth != 0 && (err != nil || up != tt.in) {
					t.Errorf("ParseResidentID(%q) = %q, %v, want %q", tt.legacy, up, err, tt.in)
				}
			}
		})
	}
}

func TestResidentIDLogValue(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	logger.Info("x", "id", ResidentID("652301199001011235"))
	if out := buf.String(); strings.Contains(out, "19900101") || !strings.Contains(out, "id=652301********1235") {
		t.Errorf("logged %q, want the masked ID", out)
	}
}

func TestGender(t *testing.T) {
	tests := []struct {
		name string
		in   Gender
		want string
	}{
		{name: "male", in: Male, want: "M"},
		{name: "female", in: Female, want: "F"},
		{name: "zero", in: 0, want: ""},
		{name: "other", in: 'X', want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("Gender(%d).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	b, err := json.Marshal(map[string]Gender{"g": Female})
	if err != nil || string(b) != `{"g":"F"}` {
		t.Errorf("json.Marshal(Female) = %s, %v, want {\"g\":\"F\"}", b, err)
	}
	var g Gender
	if err := json.Unmarshal([]byte(`"M"`), &g); err != nil || g != Male {
		t.Errorf(`json.Unmarshal("M") = %q, %v, want M`, g, err)
	}
	if err := json.Unmarshal([]byte(`"male"`), &g); err == nil {
		t.Errorf(`json.Unmarshal("male") error = nil, want an error`)
	}
}

func TestReason(t *testing.T) {
	tests := []struct {
		in   Reason
		want string
	}{
		{ReasonLength, "length"},
		{ReasonCharacters, "characters"},
		{ReasonRegion, "region"},
		{ReasonBirthDate, "birth_date"},
		{ReasonCheckDigit, "check_digit"},
		{ReasonAuthority, "authority"},
		{ReasonDivision, "division"},
		{ReasonOrgCodeCheck, "org_code_check"},
		{ReasonCheckChar, "check_char"},
		{0, "unknown"},
		{200, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("Reason(%d).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	b, err := json.Marshal(struct{ R Reason }{ReasonBirthDate})
	if err != nil || string(b) != `{"R":"birth_date"}` {
		t.Errorf("json.Marshal(ReasonBirthDate) = %s, %v", b, err)
	}
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"34052419800101001X", "11010519491231002X", "652301199001011235", "652325196512310023",
		"652301199001011234", "34052419800101001x", " 652301199001011235\t", "652301900101123",
		"652325651231002", "652301202506300010", "", "65230119900101123", "65230119900101A235",
		"65230119900101123Y", "65230119900101123５", "身份证号码", "992301199001011235",
		"652301199002301235", "652301189912311235", "652301202507011235", "652301000229123",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentID(s, today)
		if err != nil {
			var e *ResidentIDError
			if !errors.As(err, &e) || e.Reason.String() == "unknown" || e.Detail == "" {
				t.Fatalf("ParseResidentID(%q) error = %#v, want a *ResidentIDError with a reason", s, err)
			}
			if e.Input != Mask(strings.TrimSpace(s)) {
				t.Fatalf("ParseResidentID(%q) error input = %q, want it masked", s, e.Input)
			}
			return
		}
		if len(id) != 18 {
			t.Fatalf("ParseResidentID(%q) = %q, want 18 characters", s, id)
		}
		if c, err := CheckDigit(string(id[:17])); err != nil || c != id[17] {
			t.Fatalf("ParseResidentID(%q) = %q, check digit %c, %v", s, id, c, err)
		}
		again, err := ParseResidentID(string(id), today)
		if err != nil || again != id {
			t.Fatalf("ParseResidentID(%q) = %q, %v, want it back", id, again, err)
		}
		b := id.BirthDate()
		if b.IsZero() || b > today || b.Year() < 1900 {
			t.Fatalf("%q.BirthDate() = %s, out of range", id, b)
		}
		if g := id.Gender(); g != Male && g != Female {
			t.Fatalf("%q.Gender() = %d", id, g)
		}
		if m := id.Masked(); len(m) != 18 || m[6:14] != "********" {
			t.Fatalf("%q.Masked() = %q", id, m)
		}
		seq := num(string(id[14:17]))
		if made, err := MakeResidentID(id.DivisionCode(), b, seq); err != nil || made != id {
			t.Fatalf("MakeResidentID(%q, %s, %d) = %q, %v, want %q", id.DivisionCode(), b, seq, made, err, id)
		}
		if l, ok := id.Legacy15(); ok {
			if up, err := ParseResidentID(l, today); err != nil || up != id {
				t.Fatalf("ParseResidentID(%q) = %q, %v, want %q", l, up, err, id)
			}
		}
	})
}

func FuzzMakeResidentID(f *testing.F) {
	f.Add("652301", int32(period.MustDate(1990, 1, 1)), 123)
	f.Add("652325", int32(period.MustDate(1965, 12, 31)), 2)
	f.Add("340524", int32(period.MustDate(1980, 1, 1)), 1)
	f.Add("992301", int32(period.MustDate(1980, 1, 1)), 1)
	f.Add("652301", int32(0), 1000)
	f.Fuzz(func(t *testing.T, division string, birth int32, seq int) {
		b := period.Date(birth)
		if b < 0 || b > period.MustDate(9999, 12, 31) {
			return
		}
		id, err := MakeResidentID(division, b, seq)
		if err != nil {
			return
		}
		if p, err := ParseResidentID(string(id), 0); err != nil || p != id {
			t.Fatalf("ParseResidentID(MakeResidentID(%q, %s, %d) = %q) = %q, %v", division, b, seq, id, p, err)
		}
		if id.BirthDate() != b || id.DivisionCode() != division || (id.Gender() == Male) != (seq%2 == 1) {
			t.Fatalf("MakeResidentID(%q, %s, %d) = %q, fields do not match", division, b, seq, id)
		}
	})
}

func BenchmarkParseResidentID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResidentID("652301199001011235", today); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseResidentIDLegacy(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseResidentID("652301900101123", today); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMakeResidentID(b *testing.B) {
	b.ReportAllocs()
	birth := period.MustDate(1990, 1, 1)
	i := 0
	for b.Loop() {
		if _, err := MakeResidentID("652301", birth.AddDays(i%20000), i%1000); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
