package policy

import (
	"strings"
	"testing"
	"time"

	"safetynet/internal/period"
)

// pensionDay returns the Date y-m-d.
func pensionDay(y int, m time.Month, d int) period.Date {
	return period.MustDate(y, m, d)
}

// pensionStrTable holds the test strings: id i is pensionStrTable[i].
var pensionStrTable = []string{"", "male", "female_cadre", "female_worker", "soldier"}

// pensionStr is the str resolver of the tests.
func pensionStr(id int64) string {
	if id < 0 || id >= int64(len(pensionStrTable)) {
		return ""
	}
	return pensionStrTable[id]
}

// pensionStrID returns the id of s in pensionStrTable.
func pensionStrID(t testing.TB, s string) int64 {
	t.Helper()
	for i, v := range pensionStrTable {
		if v == s {
			return int64(i)
		}
	}
	t.Fatalf("no str id for %q", s)
	return 0
}

// pensionFunc returns the Func called name from PensionFuncs.
func pensionFunc(t testing.TB, name string) Func {
	t.Helper()
	for _, f := range PensionFuncs() {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("PensionFuncs has no %s", name)
	return Func{}
}

// TestRetirementAge checks the statutory age and retirement date against
// every example of docs/domain.md 2.5 and the cohort boundaries.
func TestRetirementAge(t *testing.T) {
	tests := []struct {
		name    string
		group   string
		birth   period.Date
		years   int // statutory age: years
		months  int // and months
		retires string
	}{
		// The published examples [S8].
		{"example man 1967-05 retires at 60y8m in 2028-01", "male", pensionDay(1967, 5, 20), 60, 8, "2028-01-01"},
		{"example female cadre 1974-10 retires at 56y3m in 2031-01", "female_cadre", pensionDay(1974, 10, 1), 56, 3, "2031-01-01"},
		{"example man 1983-02 retires at 63y0m", "male", pensionDay(1983, 2, 14), 63, 0, "2046-02-01"},
		// The example table.
		{"table man 1965-01", "male", pensionDay(1965, 1, 1), 60, 1, "2025-02-01"},
		{"table man 1965-02", "male", pensionDay(1965, 2, 28), 60, 1, "2025-03-01"},
		{"table man 1965-03", "male", pensionDay(1965, 3, 31), 60, 1, "2025-04-01"},
		{"table man 1965-04", "male", pensionDay(1965, 4, 30), 60, 1, "2025-05-01"},
		{"table man 1965-05", "male", pensionDay(1965, 5, 1), 60, 2, "2025-07-01"},
		{"table man 1970-01", "male", pensionDay(1970, 1, 15), 61, 4, "2031-05-01"},
		{"table woman (55) 1970-01", "female_cadre", pensionDay(1970, 1, 15), 55, 1, "2025-02-01"},
		{"table woman (50) 1975-01", "female_worker", pensionDay(1975, 1, 15), 50, 1, "2025-02-01"},
		{"table woman (50) 1980-01", "female_worker", pensionDay(1980, 1, 15), 52, 7, "2032-08-01"},

		// The last cohort before the reform keeps the old age.
		{"man 1964-12 last before reform", "male", pensionDay(1964, 12, 31), 60, 0, "2024-12-01"},
		{"female cadre 1969-12 last before reform", "female_cadre", pensionDay(1969, 12, 31), 55, 0, "2024-12-01"},
		{"female worker 1974-12 last before reform", "female_worker", pensionDay(1974, 12, 31), 50, 0, "2024-12-01"},
		{"man 1950-06 long before reform", "male", pensionDay(1950, 6, 6), 60, 0, "2010-06-01"},
		// The first cohort.
		{"female cadre 1970-04 end of first step", "female_cadre", pensionDay(1970, 4, 1), 55, 1, "2025-05-01"},
		{"female cadre 1970-05 second step", "female_cadre", pensionDay(1970, 5, 1), 55, 2, "2025-07-01"},
		{"female worker 1975-02 end of first step", "female_worker", pensionDay(1975, 2, 1), 50, 1, "2025-03-01"},
		{"female worker 1975-03 second step", "female_worker", pensionDay(1975, 3, 1), 50, 2, "2025-05-01"},
		// The maximum delay.
		{"man 1976-08 one short of max", "male", pensionDay(1976, 8, 31), 62, 11, "2039-07-01"},
		{"man 1976-09 reaches max 63y0m", "male", pensionDay(1976, 9, 1), 63, 0, "2039-09-01"},
		{"man 1976-10 stays at max", "male", pensionDay(1976, 10, 1), 63, 0, "2039-10-01"},
		{"female cadre 1981-08 one short of max", "female_cadre", pensionDay(1981, 8, 31), 57, 11, "2039-07-01"},
		{"female cadre 1981-09 reaches max 58y0m", "female_cadre", pensionDay(1981, 9, 1), 58, 0, "2039-09-01"},
		{"female worker 1984-10 one short of max", "female_worker", pensionDay(1984, 10, 31), 54, 11, "2039-09-01"},
		{"female worker 1984-11 reaches max 55y0m", "female_worker", pensionDay(1984, 11, 1), 55, 0, "2039-11-01"},
		{"female worker 2000-02-29 after max", "female_worker", pensionDay(2000, 2, 29), 55, 0, "2055-02-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			age, err := statutoryRetirementAge(tt.birth, tt.group)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.years*12 + tt.months; age != want {
				t.Errorf("age = %dy%dm (%d months), want %dy%dm (%d months)", age/12, age%12, age, tt.years, tt.months, want)
			}
			d, err := statutoryRetirementDate(tt.birth, tt.group)
			if err != nil {
				t.Fatal(err)
			}
			if d.String() != tt.retires {
				t.Errorf("retirement date = %s, want %s", d, tt.retires)
			}
		})
	}
}

func TestRetirementErrors(t *testing.T) {
	tests := []struct {
		name  string
		birth period.Date
		group string
		want  []string // substrings of the error
	}{
		{"zero date", 0, "male", []string{"birth_date is missing"}},
		{"unknown group", pensionDay(1970, 1, 1), "soldier", []string{`"soldier"`, "male", "female_cadre", "female_worker"}},
		{"empty group", pensionDay(1970, 1, 1), "", []string{`""`, "male", "female_cadre", "female_worker"}},
		{"group is case sensitive", pensionDay(1970, 1, 1), "Male", []string{`"Male"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fns := map[string]func() error{
				"age":      func() error { _, err := statutoryRetirementAge(tt.birth, tt.group); return err },
				"date":     func() error { _, err := statutoryRetirementDate(tt.birth, tt.group); return err },
				"earliest": func() error { _, err := flexibleRetirementEarliest(tt.birth, tt.group); return err },
				"latest":   func() error { _, err := flexibleRetirementLatest(tt.birth, tt.group); return err },
			}
			for name, f := range fns {
				err := f()
				if err == nil {
					t.Fatalf("%s: no error", name)
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: error %q does not contain %q", name, err, w)
					}
				}
			}
		})
	}
}

// TestRetirementOutOfRange checks that dates past 9999-12 are errors, not
// panics.
func TestRetirementOutOfRange(t *testing.T) {
	birth := pensionDay(9950, 1, 1)
	if age, err := statutoryRetirementAge(birth, "male"); err != nil || age != 63*12 {
		t.Errorf("age = %d, %v; want %d", age, err, 63*12)
	}
	if _, err := statutoryRetirementDate(birth, "male"); err == nil {
		t.Error("retirement date past 9999-12: no error")
	}
	if _, err := flexibleRetirementEarliest(birth, "male"); err == nil {
		t.Error("earliest past 9999-12: no error")
	}
	// Born 9936-12, a man retires in 9999-12 but cannot defer by 36 months.
	birth = pensionDay(9936, 12, 31)
	if d, err := statutoryRetirementDate(birth, "male"); err != nil || d.String() != "9999-12-01" {
		t.Errorf("retirement date = %s, %v; want 9999-12-01", d, err)
	}
	if _, err := flexibleRetirementLatest(birth, "male"); err == nil {
		t.Error("latest past 9999-12: no error")
	}
}

func TestFlexibleRetirement(t *testing.T) {
	tests := []struct {
		name     string
		group    string
		birth    period.Date
		earliest string
		latest   string
	}{
		// Statutory 2028-01 (60y8m): 36 months earlier would be below 60.
		{"man 1967-05 floored at 60", "male", pensionDay(1967, 5, 20), "2027-05-01", "2031-01-01"},
		{"man 1976-09 max delay floored at 60", "male", pensionDay(1976, 9, 1), "2036-09-01", "2042-09-01"},
		{"man 1964-12 before reform", "male", pensionDay(1964, 12, 1), "2024-12-01", "2027-12-01"},
		{"female cadre 1974-10 floored at 55", "female_cadre", pensionDay(1974, 10, 1), "2029-10-01", "2034-01-01"},
		{"female cadre 1981-09 max delay floored at 55", "female_cadre", pensionDay(1981, 9, 1), "2036-09-01", "2042-09-01"},
		// Statutory 52y7m in 2032-08: 36 months earlier is 49y7m, below 50.
		{"female worker 1980-01 floored at 50", "female_worker", pensionDay(1980, 1, 15), "2030-01-01", "2035-08-01"},
		// Delay 36: 36 months earlier is exactly 50.
		{"female worker 1980-11 delay 36 exactly at 50", "female_worker", pensionDay(1980, 11, 1), "2030-11-01", "2036-11-01"},
		// Delay 37: 36 months earlier is 50y1m, above the floor.
		{"female worker 1981-01 delay 37 above 50", "female_worker", pensionDay(1981, 1, 1), "2031-02-01", "2037-02-01"},
		// Statutory 55y0m in 2039-11: earliest 52y0m.
		{"female worker 1984-11 max delay", "female_worker", pensionDay(1984, 11, 1), "2036-11-01", "2042-11-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := flexibleRetirementEarliest(tt.birth, tt.group)
			if err != nil {
				t.Fatal(err)
			}
			if e.String() != tt.earliest {
				t.Errorf("earliest = %s, want %s", e, tt.earliest)
			}
			l, err := flexibleRetirementLatest(tt.birth, tt.group)
			if err != nil {
				t.Fatal(err)
			}
			if l.String() != tt.latest {
				t.Errorf("latest = %s, want %s", l, tt.latest)
			}
		})
	}
}

func TestMinContributionMonths(t *testing.T) {
	tests := []struct {
		name string
		year int
		want int
	}{
		{"year 1", 1, 180},
		{"2000", 2000, 180},
		{"2025 reform starts", 2025, 180},
		{"2029 last at 15 years", 2029, 180},
		{"2030 first rise", 2030, 186},
		{"2031", 2031, 192},
		{"2032", 2032, 198},
		{"2033", 2033, 204},
		{"2034", 2034, 210},
		{"2035", 2035, 216},
		{"2036", 2036, 222},
		{"2037", 2037, 228},
		{"2038", 2038, 234},
		{"2039 reaches 20 years", 2039, 240},
		{"2040 stays at 20 years", 2040, 240},
		{"9999", 9999, 240},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := minContributionMonths(tt.year)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("minContributionMonths(%d) = %d, want %d", tt.year, got, tt.want)
			}
		})
	}
	for _, year := range []int{0, -1, 10000} {
		if _, err := minContributionMonths(year); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("minContributionMonths(%d): error %v, want out of range", year, err)
		}
	}
}

func TestPensionFuncsSignatures(t *testing.T) {
	want := map[string]struct {
		args   []Type
		result Type
	}{
		"retirement_age_months":        {[]Type{TDate, TStr}, TInt},
		"retirement_date":              {[]Type{TDate, TStr}, TDate},
		"min_contribution_months":      {[]Type{TInt}, TInt},
		"flexible_retirement_earliest": {[]Type{TDate, TStr}, TDate},
		"flexible_retirement_latest":   {[]Type{TDate, TStr}, TDate},
	}
	fs := PensionFuncs()
	if len(fs) != len(want) {
		t.Errorf("PensionFuncs returns %d functions, want %d", len(fs), len(want))
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Name] {
			t.Errorf("%s listed twice", f.Name)
		}
		seen[f.Name] = true
		w, ok := want[f.Name]
		if !ok {
			t.Errorf("unexpected function %s", f.Name)
			continue
		}
		if len(f.Args) != len(w.args) {
			t.Errorf("%s: args %v, want %v", f.Name, f.Args, w.args)
		} else {
			for i := range w.args {
				if f.Args[i] != w.args[i] {
					t.Errorf("%s: args %v, want %v", f.Name, f.Args, w.args)
					break
				}
			}
		}
		if f.Result != w.result {
			t.Errorf("%s: result %s, want %s", f.Name, f.Result, w.result)
		}
		if f.Doc == "" || f.Call == nil {
			t.Errorf("%s: missing Doc or Call", f.Name)
		}
		// Too few and too many arguments are errors, not panics.
		if _, err := f.Call(nil, pensionStr); err == nil {
			t.Errorf("%s: no arguments: no error", f.Name)
		}
		if _, err := f.Call(make([]int64, len(f.Args)+1), pensionStr); err == nil {
			t.Errorf("%s: too many arguments: no error", f.Name)
		}
	}
	// Each call returns fresh slices.
	fs[0].Args[0] = TBool
	if PensionFuncs()[0].Args[0] == TBool {
		t.Error("PensionFuncs shares its Args slices between calls")
	}
}

// TestPensionFuncsCall calls each Func through Call with the int64 forms of
// its arguments, as the engines do.
func TestPensionFuncsCall(t *testing.T) {
	date := func(s string) int64 {
		d, err := period.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return int64(d)
	}
	tests := []struct {
		name    string
		fn      string
		args    []int64
		want    int64
		wantErr string // a substring of the error, or "" for success
	}{
		{"age man 1967-05", "retirement_age_months", []int64{date("1967-05-20"), pensionStrID(t, "male")}, 728, ""},
		{"age female cadre 1974-10", "retirement_age_months", []int64{date("1974-10-01"), pensionStrID(t, "female_cadre")}, 675, ""},
		{"age female worker 1980-01", "retirement_age_months", []int64{date("1980-01-15"), pensionStrID(t, "female_worker")}, 631, ""},
		{"age missing date", "retirement_age_months", []int64{0, pensionStrID(t, "male")}, 0, "birth_date is missing"},
		{"age negative date", "retirement_age_months", []int64{-5, pensionStrID(t, "male")}, 0, "not a valid date"},
		{"age date past 9999", "retirement_age_months", []int64{date("9999-12-31") + 1, pensionStrID(t, "male")}, 0, "not a valid date"},
		{"age unknown group", "retirement_age_months", []int64{date("1970-01-01"), pensionStrID(t, "soldier")}, 0, `unknown retirement group "soldier": want male, female_cadre or female_worker`},
		{"date man 1967-05", "retirement_date", []int64{date("1967-05-20"), pensionStrID(t, "male")}, date("2028-01-01"), ""},
		{"date female cadre 1974-10", "retirement_date", []int64{date("1974-10-01"), pensionStrID(t, "female_cadre")}, date("2031-01-01"), ""},
		{"date female worker 1980-01", "retirement_date", []int64{date("1980-01-15"), pensionStrID(t, "female_worker")}, date("2032-08-01"), ""},
		{"date missing", "retirement_date", []int64{0, pensionStrID(t, "male")}, 0, "birth_date is missing"},
		{"date past 9999-12", "retirement_date", []int64{date("9990-01-01"), pensionStrID(t, "male")}, 0, "after 9999-12"},
		{"min contribution 2029", "min_contribution_months", []int64{2029}, 180, ""},
		{"min contribution 2030", "min_contribution_months", []int64{2030}, 186, ""},
		{"min contribution 2039", "min_contribution_months", []int64{2039}, 240, ""},
		{"min contribution year 0", "min_contribution_months", []int64{0}, 0, "out of range"},
		{"min contribution huge year", "min_contribution_months", []int64{1 << 40}, 0, "out of range"},
		{"earliest man 1967-05", "flexible_retirement_earliest", []int64{date("1967-05-20"), pensionStrID(t, "male")}, date("2027-05-01"), ""},
		{"earliest female worker 1984-11", "flexible_retirement_earliest", []int64{date("1984-11-01"), pensionStrID(t, "female_worker")}, date("2036-11-01"), ""},
		{"earliest missing", "flexible_retirement_earliest", []int64{0, pensionStrID(t, "male")}, 0, "birth_date is missing"},
		{"latest man 1967-05", "flexible_retirement_latest", []int64{date("1967-05-20"), pensionStrID(t, "male")}, date("2031-01-01"), ""},
		{"latest unknown group", "flexible_retirement_latest", []int64{date("1967-05-20"), pensionStrID(t, "")}, 0, "unknown retirement group"},
		{"latest past 9999-12", "flexible_retirement_latest", []int64{date("9936-12-01"), pensionStrID(t, "male")}, 0, "after 9999-12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := pensionFunc(t, tt.fn)
			got, err := f.Call(tt.args, pensionStr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("%s: got %d, %v; want error containing %q", tt.fn, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.fn, err)
			}
			if got != tt.want {
				if f.Result == TDate {
					t.Errorf("%s = %s, want %s", tt.fn, period.Date(got), period.Date(tt.want))
				} else {
					t.Errorf("%s = %d, want %d", tt.fn, got, tt.want)
				}
			}
		})
	}
}

// FuzzRetirementAge checks the invariants of the retirement functions for
// any birth date and group: the age lies in [original, original + max
// delay], does not fall from one birth month to the next and does not depend
// on the day; the retirement date is the first day of the birth month plus
// the age; the flexible window surrounds it. Raw int64 arguments through
// Call must give errors, never panics.
func FuzzRetirementAge(f *testing.F) {
	for _, d := range []period.Date{
		pensionDay(1967, 5, 20), pensionDay(1964, 12, 31), pensionDay(1965, 1, 1),
		pensionDay(1976, 9, 1), pensionDay(1984, 11, 30), pensionDay(1, 1, 1), pensionDay(9999, 12, 31),
	} {
		for g := range uint8(4) {
			f.Add(int64(d), g)
		}
	}
	f.Add(int64(0), uint8(0))
	f.Add(int64(-1), uint8(1))
	f.Add(int64(1)<<62, uint8(2))

	fns := map[string]Func{}
	for _, fn := range PensionFuncs() {
		fns[fn.Name] = fn
	}
	f.Fuzz(func(t *testing.T, raw int64, gsel uint8) {
		groupID := int64(1 + gsel%4) // male, female_cadre, female_worker, soldier
		group := pensionStr(groupID)

		// Raw arguments: no panics; valid dates and groups give no error
		// for the age.
		validDate := raw >= 1 && raw <= int64(pensionMaxDate)
		for _, name := range []string{"retirement_age_months", "retirement_date", "flexible_retirement_earliest", "flexible_retirement_latest"} {
			_, err := fns[name].Call([]int64{raw, groupID}, pensionStr)
			if (!validDate || group == "soldier") && err == nil {
				t.Fatalf("%s(%d, %q): no error", name, raw, group)
			}
			if name == "retirement_age_months" && validDate && group != "soldier" && err != nil {
				t.Fatalf("%s(%d, %q): %v", name, raw, group, err)
			}
		}
		if group == "soldier" {
			return
		}

		// Map raw to a valid date for the invariants.
		u := uint64(raw) % uint64(pensionMaxDate)
		birth := period.Date(1 + u)
		g, err := pensionGroupByName(group)
		if err != nil {
			t.Fatal(err)
		}
		age, err := statutoryRetirementAge(birth, group)
		if err != nil {
			t.Fatalf("age(%s, %s): %v", birth, group, err)
		}
		if lo, hi := g.originalAge*12, g.originalAge*12+g.maxDelay; age < lo || age > hi {
			t.Fatalf("age(%s, %s) = %d, want in [%d, %d]", birth, group, age, lo, hi)
		}
		bm := birth.Period()
		if a, _ := statutoryRetirementAge(bm.First(), group); a != age {
			t.Fatalf("age(%s) = %d but age(%s) = %d", bm.First(), a, birth, age)
		}
		if bm < pensionMaxMonth {
			next, err := statutoryRetirementAge(bm.Add(1).First(), group)
			if err != nil {
				t.Fatal(err)
			}
			if next < age {
				t.Fatalf("age falls from %d (born %s) to %d (born %s)", age, bm, next, bm.Add(1))
			}
			if next > age+1 {
				t.Fatalf("age jumps from %d (born %s) to %d (born %s)", age, bm, next, bm.Add(1))
			}
		}

		ret, err := statutoryRetirementDate(birth, group)
		if pensionMaxMonth.Sub(bm) < age {
			if err == nil {
				t.Fatalf("date(%s, %s) = %s past 9999-12: no error", birth, group, ret)
			}
			return
		}
		if err != nil {
			t.Fatalf("date(%s, %s): %v", birth, group, err)
		}
		if ret.Day() != 1 || ret.Period().Sub(bm) != age {
			t.Fatalf("date(%s, %s) = %s, want first day of %s + %d months", birth, group, ret, bm, age)
		}
		if got, err := fns["retirement_date"].Call([]int64{int64(birth), groupID}, pensionStr); err != nil || got != int64(ret) {
			t.Fatalf("Call retirement_date(%s, %s) = %s, %v; want %s", birth, group, period.Date(got), err, ret)
		}

		early, err := flexibleRetirementEarliest(birth, group)
		if err != nil {
			t.Fatalf("earliest(%s, %s): %v", birth, group, err)
		}
		if early.Day() != 1 || early > ret || ret.Period().Sub(early.Period()) > 36 ||
			early.Period().Sub(bm) < g.originalAge*12 {
			t.Fatalf("earliest(%s, %s) = %s, statutory %s", birth, group, early, ret)
		}
		if ret.Period().Sub(early.Period()) < 36 && early.Period().Sub(bm) != g.originalAge*12 {
			t.Fatalf("earliest(%s, %s) = %s is neither 36 months early nor at the original age", birth, group, early)
		}
		late, err := flexibleRetirementLatest(birth, group)
		if pensionMaxMonth.Sub(ret.Period()) < 36 {
			if err == nil {
				t.Fatalf("latest(%s, %s) = %s past 9999-12: no error", birth, group, late)
			}
			return
		}
		if err != nil || late.Day() != 1 || late.Period().Sub(ret.Period()) != 36 {
			t.Fatalf("latest(%s, %s) = %s, %v; statutory %s", birth, group, late, err, ret)
		}
	})
}
