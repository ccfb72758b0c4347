package period

import (
	"database/sql/driver"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestNewDate(t *testing.T) {
	tests := []struct {
		name    string
		y       int
		m       time.Month
		d       int
		want    string
		wantErr string
	}{
		{name: "ordinary", y: 2024, m: time.October, d: 31, want: "2024-10-31"},
		{name: "leap day", y: 2024, m: time.February, d: 29, want: "2024-02-29"},
		{name: "leap day 2000", y: 2000, m: time.February, d: 29, want: "2000-02-29"},
		{name: "minimum", y: 1, m: time.January, d: 1, want: "0001-01-01"},
		{name: "maximum", y: 9999, m: time.December, d: 31, want: "9999-12-31"},
		{name: "no leap day 2023", y: 2023, m: time.February, d: 29, wantErr: "date 2023-02-29: day 29 out of range for February 2023"},
		{name: "no leap day 1900", y: 1900, m: time.February, d: 29, wantErr: "day 29 out of range for February 1900"},
		{name: "april 31", y: 2024, m: time.April, d: 31, wantErr: "day 31 out of range for April 2024"},
		{name: "day 0", y: 2024, m: time.April, d: 0, wantErr: "day 0 out of range"},
		{name: "month 13", y: 2024, m: 13, d: 1, wantErr: "date 2024-13-01: month 13 out of range"},
		{name: "month 0", y: 2024, m: 0, d: 1, wantErr: "month 0 out of range"},
		{name: "year 0", y: 0, m: 1, d: 1, wantErr: "year 0 out of range 1-9999"},
		{name: "year 10000", y: 10000, m: 1, d: 1, wantErr: "year 10000 out of range 1-9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewDate(tt.y, tt.m, tt.d)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewDate(%d, %d, %d) error = %v, want containing %q", tt.y, tt.m, tt.d, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewDate(%d, %d, %d) error = %v", tt.y, tt.m, tt.d, err)
			}
			if got.String() != tt.want {
				t.Errorf("NewDate(%d, %d, %d) = %s, want %s", tt.y, tt.m, tt.d, got, tt.want)
			}
			if got.Year() != tt.y || got.MonthOfYear() != tt.m || got.Day() != tt.d {
				t.Errorf("NewDate(%d, %d, %d) fields = %d, %d, %d", tt.y, tt.m, tt.d, got.Year(), got.MonthOfYear(), got.Day())
			}
			if y, m, d := got.YMD(); y != tt.y || m != tt.m || d != tt.d {
				t.Errorf("NewDate(%d, %d, %d).YMD() = %d, %d, %d", tt.y, tt.m, tt.d, y, m, d)
			}
		})
	}
}

func TestMustDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("MustDate(2023, 2, 29) did not panic")
		}
	}()
	MustDate(2023, time.February, 29)
}

// TestCivilAgainstTime checks the day-number conversion against the time
// package for every day in the valid range.
func TestCivilAgainstTime(t *testing.T) {
	start := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	startUnixDays := start.Unix() / 86400
	for d := Date(1); d <= maxDate; d++ {
		tm := time.Unix((startUnixDays+int64(d)-1)*86400, 0).UTC()
		y, m, dd := tm.Date()
		gy, gm, gd := d.civil()
		if gy != y || gm != int(m) || gd != dd {
			t.Fatalf("Date(%d).civil() = %d-%d-%d, want %d-%d-%d", d, gy, gm, gd, y, m, dd)
		}
		if back := fromCivil(y, int(m), dd); back != d {
			t.Fatalf("fromCivil(%d, %d, %d) = %d, want %d", y, m, dd, back, d)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("Date(%d).Weekday() = %v, want %v", d, d.Weekday(), tm.Weekday())
		}
	}
	if got := MustDate(9999, 12, 31); got != maxDate {
		t.Errorf("MustDate(9999, 12, 31) = %d, want %d", got, maxDate)
	}
	if got := MustDate(1970, 1, 1); got != epochDate {
		t.Errorf("MustDate(1970, 1, 1) = %d, want %d", got, epochDate)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Date
		wantErr string
	}{
		{name: "dashed", in: "2024-10-31", want: MustDate(2024, 10, 31)},
		{name: "compact", in: "20241031", want: MustDate(2024, 10, 31)},
		{name: "leap day", in: "2000-02-29", want: MustDate(2000, 2, 29)},
		{name: "minimum", in: "00010101", want: 1},
		{name: "maximum", in: "9999-12-31", want: maxDate},
		{name: "feb 30", in: "2023-02-30", wantErr: `parse date "2023-02-30": day 30 out of range for February 2023`},
		{name: "feb 29 non-leap compact", in: "20230229", wantErr: "day 29 out of range for February 2023"},
		{name: "month 13", in: "2023-13-01", wantErr: `parse date "2023-13-01": month 13 out of range`},
		{name: "year 0", in: "0000-01-01", wantErr: "year 0 out of range"},
		{name: "empty", in: "", wantErr: `parse date "": want YYYY-MM-DD or YYYYMMDD`},
		{name: "slashes", in: "2024/10/31", wantErr: "want YYYY-MM-DD or YYYYMMDD"},
		{name: "short fields", in: "2024-1-31", wantErr: "want YYYY-MM-DD or YYYYMMDD"},
		{name: "spaces", in: " 2024-10-31", wantErr: "want YYYY-MM-DD or YYYYMMDD"},
		{name: "with time", in: "2024-10-31T00:00:00Z", wantErr: "want YYYY-MM-DD or YYYYMMDD"},
		{name: "sign", in: "+2024-1-31", wantErr: "want YYYY-MM-DD or YYYYMMDD"},
		{name: "letters", in: "2024-1O-31", wantErr: "want YYYY-MM-DD or YYYYMMDD"},
		{name: "mixed form", in: "2024-1031", wantErr: "want YYYY-MM-DD or YYYYMMDD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDate(%q) error = %v, want containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q) error = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateZero(t *testing.T) {
	var d Date
	if y, m, dd := d.YMD(); y != 0 || m != 0 || dd != 0 {
		t.Errorf("Date(0).YMD() = %d, %d, %d, want zeros", y, m, dd)
	}
	if !d.IsZero() || d.String() != "" || d.Year() != 0 || d.MonthOfYear() != 0 || d.Day() != 0 {
		t.Errorf("zero Date = %q %d %d %d, want empty fields", d.String(), d.Year(), d.MonthOfYear(), d.Day())
	}
	if !d.Time().IsZero() {
		t.Errorf("Date(0).Time() = %v, want zero time", d.Time())
	}
	if d.AddDays(5) != 0 || d.AddMonths(5) != 0 || d.Period() != 0 {
		t.Errorf("arithmetic on zero Date is not zero")
	}
	if MustDate(2024, 1, 1).IsZero() {
		t.Errorf("MustDate(2024, 1, 1).IsZero() = true, want false")
	}
}

func TestDateOf(t *testing.T) {
	urumqi := time.FixedZone("UTC+6", 6*3600)
	beijing := time.FixedZone("UTC+8", 8*3600)
	tests := []struct {
		name string
		in   time.Time
		want Date
	}{
		{name: "utc midnight", in: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC), want: MustDate(2024, 10, 1)},
		{name: "beijing early morning", in: time.Date(2024, 10, 1, 1, 0, 0, 0, beijing), want: MustDate(2024, 10, 1)},
		{name: "urumqi late evening", in: time.Date(2024, 9, 30, 23, 59, 0, 0, urumqi), want: MustDate(2024, 9, 30)},
		{name: "zero time", in: time.Time{}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateOf(tt.in); got != tt.want {
				t.Errorf("DateOf(%v) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateTime(t *testing.T) {
	d := MustDate(2024, 2, 29)
	want := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	if got := d.Time(); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%s.Time() = %v, want %v", d, got, want)
	}
}

func TestAddDays(t *testing.T) {
	tests := []struct {
		name string
		in   Date
		n    int
		want Date
	}{
		{name: "next day", in: MustDate(2024, 2, 28), n: 1, want: MustDate(2024, 2, 29)},
		{name: "year end", in: MustDate(2023, 12, 31), n: 1, want: MustDate(2024, 1, 1)},
		{name: "back", in: MustDate(2024, 3, 1), n: -1, want: MustDate(2024, 2, 29)},
		{name: "a year", in: MustDate(2023, 3, 1), n: 366, want: MustDate(2024, 3, 1)},
		{name: "to minimum", in: 2, n: -1, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.AddDays(tt.n); got != tt.want {
				t.Errorf("%s.AddDays(%d) = %s, want %s", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		name string
		in   Date
		n    int
		want Date
	}{
		{name: "clamp to leap feb", in: MustDate(2024, 1, 31), n: 1, want: MustDate(2024, 2, 29)},
		{name: "clamp to feb", in: MustDate(2023, 1, 31), n: 1, want: MustDate(2023, 2, 28)},
		{name: "clamp backwards", in: MustDate(2023, 3, 31), n: -1, want: MustDate(2023, 2, 28)},
		{name: "clamp to april", in: MustDate(2024, 3, 31), n: 1, want: MustDate(2024, 4, 30)},
		{name: "over year end", in: MustDate(2024, 11, 15), n: 3, want: MustDate(2025, 2, 15)},
		{name: "back over year end", in: MustDate(2024, 1, 15), n: -1, want: MustDate(2023, 12, 15)},
		{name: "leap day plus a year", in: MustDate(2024, 2, 29), n: 12, want: MustDate(2025, 2, 28)},
		{name: "zero months", in: MustDate(2024, 2, 29), n: 0, want: MustDate(2024, 2, 29)},
		{name: "many years back", in: MustDate(2024, 10, 1), n: -12 * 60, want: MustDate(1964, 10, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.AddMonths(tt.n); got != tt.want {
				t.Errorf("%s.AddMonths(%d) = %s, want %s", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestArithmeticPanicsOutOfRange(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{name: "AddDays past max", f: func() { Date(maxDate).AddDays(1) }},
		{name: "AddDays before min", f: func() { Date(1).AddDays(-1) }},
		{name: "AddDays huge", f: func() { Date(1).AddDays(1 << 40) }},
		{name: "AddMonths past max", f: func() { MustDate(9999, 12, 1).AddMonths(1) }},
		{name: "AddMonths before min", f: func() { MustDate(1, 1, 31).AddMonths(-1) }},
		{name: "Month.Add past max", f: func() { NewMonth(9999, 12).Add(1) }},
		{name: "NewMonth year 0", f: func() { NewMonth(0, 12) }},
		{name: "DateOf year 10000", f: func() { DateOf(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", tt.name)
				}
			}()
			tt.f()
		})
	}
}

func TestAgeAt(t *testing.T) {
	tests := []struct {
		name      string
		birth, on Date
		want      int
	}{
		{name: "day before birthday", birth: MustDate(1965, 12, 31), on: MustDate(2025, 12, 30), want: 59},
		{name: "on birthday", birth: MustDate(1965, 12, 31), on: MustDate(2025, 12, 31), want: 60},
		{name: "day after birthday", birth: MustDate(1965, 12, 31), on: MustDate(2026, 1, 1), want: 60},
		{name: "newborn", birth: MustDate(2024, 5, 1), on: MustDate(2024, 5, 1), want: 0},
		{name: "leap birthday, feb 28 non-leap", birth: MustDate(2000, 2, 29), on: MustDate(2018, 2, 28), want: 17},
		{name: "leap birthday, mar 1 non-leap", birth: MustDate(2000, 2, 29), on: MustDate(2018, 3, 1), want: 18},
		{name: "leap birthday, feb 28 leap", birth: MustDate(2000, 2, 29), on: MustDate(2020, 2, 28), want: 19},
		{name: "leap birthday, feb 29 leap", birth: MustDate(2000, 2, 29), on: MustDate(2020, 2, 29), want: 20},
		{name: "before birth, same year", birth: MustDate(2000, 6, 1), on: MustDate(2000, 1, 1), want: -1},
		{name: "before birth, earlier year", birth: MustDate(2000, 6, 1), on: MustDate(1999, 1, 1), want: -2},
		{name: "zero birth", birth: 0, on: MustDate(2024, 1, 1), want: 0},
		{name: "zero on", birth: MustDate(2000, 1, 1), on: 0, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AgeAt(tt.birth, tt.on); got != tt.want {
				t.Errorf("AgeAt(%s, %s) = %d, want %d", tt.birth, tt.on, got, tt.want)
			}
		})
	}
}

func TestMonthsBetween(t *testing.T) {
	tests := []struct {
		name string
		a, b Date
		want int
	}{
		{name: "same day", a: MustDate(2024, 1, 15), b: MustDate(2024, 1, 15), want: 0},
		{name: "one month", a: MustDate(2024, 1, 15), b: MustDate(2024, 2, 15), want: 1},
		{name: "one day short", a: MustDate(2024, 1, 15), b: MustDate(2024, 2, 14), want: 0},
		{name: "month end clamp", a: MustDate(2024, 1, 31), b: MustDate(2024, 2, 29), want: 1},
		{name: "not month end", a: MustDate(2024, 1, 31), b: MustDate(2024, 2, 28), want: 0},
		{name: "leap to march", a: MustDate(2024, 2, 29), b: MustDate(2024, 3, 28), want: 0},
		{name: "years", a: MustDate(1965, 12, 31), b: MustDate(2025, 12, 31), want: 720},
		{name: "backwards one", a: MustDate(2024, 2, 15), b: MustDate(2024, 1, 15), want: -1},
		{name: "backwards short", a: MustDate(2024, 2, 15), b: MustDate(2024, 1, 16), want: 0},
		{name: "backwards clamp", a: MustDate(2024, 3, 31), b: MustDate(2024, 2, 29), want: -1},
		{name: "zero", a: 0, b: MustDate(2024, 1, 1), want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MonthsBetween(tt.a, tt.b); got != tt.want {
				t.Errorf("MonthsBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Birth Date `json:"birth"`
	}
	tests := []struct {
		name     string
		in       Date
		wantJSON string
	}{
		{name: "date", in: MustDate(1990, 1, 1), wantJSON: `{"birth":"1990-01-01"}`},
		{name: "zero", in: 0, wantJSON: `{"birth":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(doc{tt.in})
			if err != nil {
				t.Fatalf("json.Marshal(%s) error = %v", tt.in, err)
			}
			if string(b) != tt.wantJSON {
				t.Errorf("json.Marshal(%s) = %s, want %s", tt.in, b, tt.wantJSON)
			}
			got := doc{Birth: 12345}
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("json.Unmarshal(%s) error = %v", b, err)
			}
			if got.Birth != tt.in {
				t.Errorf("json.Unmarshal(%s) = %s, want %s", b, got.Birth, tt.in)
			}
		})
	}

	decodes := []struct {
		name    string
		in      string
		want    Date
		wantErr string
	}{
		{name: "compact", in: `"19900101"`, want: MustDate(1990, 1, 1)},
		{name: "empty string", in: `""`, want: 0},
		{name: "escaped", in: `"1990-01-0\u0031"`, want: MustDate(1990, 1, 1)},
		{name: "number", in: `19900101`, wantErr: "want a JSON string or null"},
		{name: "bad date", in: `"1990-02-30"`, wantErr: "day 30 out of range"},
	}
	for _, tt := range decodes {
		t.Run("decode "+tt.name, func(t *testing.T) {
			var got Date
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("json.Unmarshal(%s) error = %v, want containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("json.Unmarshal(%s) = %s, %v, want %s", tt.in, got, err, tt.want)
			}
		})
	}

	// Text marshalling makes Date usable as a map key.
	b, err := json.Marshal(map[Date]int{MustDate(2024, 1, 2): 1})
	if err != nil || string(b) != `{"2024-01-02":1}` {
		t.Errorf("json.Marshal(map) = %s, %v, want {\"2024-01-02\":1}", b, err)
	}
	var m map[Date]int
	if err := json.Unmarshal(b, &m); err != nil || m[MustDate(2024, 1, 2)] != 1 {
		t.Errorf("json.Unmarshal(%s) = %v, %v", b, m, err)
	}
}

func TestDateScan(t *testing.T) {
	beijing := time.FixedZone("UTC+8", 8*3600)
	tests := []struct {
		name    string
		src     any
		want    Date
		wantErr string
	}{
		{name: "nil", src: nil, want: 0},
		{name: "string", src: "2024-10-31", want: MustDate(2024, 10, 31)},
		{name: "bytes", src: []byte("2024-10-31"), want: MustDate(2024, 10, 31)},
		{name: "compact", src: "20241031", want: MustDate(2024, 10, 31)},
		{name: "empty", src: "", want: 0},
		{name: "timestamp text", src: "2024-10-31T00:00:00Z", want: MustDate(2024, 10, 31)},
		{name: "sqlite timestamp text", src: "2024-10-31 00:00:00+00:00", want: MustDate(2024, 10, 31)},
		{name: "pgx utc midnight", src: time.Date(2024, 10, 31, 0, 0, 0, 0, time.UTC), want: MustDate(2024, 10, 31)},
		{name: "time in zone", src: time.Date(2024, 10, 31, 0, 30, 0, 0, beijing), want: MustDate(2024, 10, 31)},
		{name: "bad string", src: "2024-02-30", wantErr: `scan date "2024-02-30": day 30 out of range`},
		{name: "int", src: int64(20241031), wantErr: "scan date: unsupported type int64"},
		{name: "time out of range", src: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), wantErr: "year 10000 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Date(999)
			err := got.Scan(tt.src)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Scan(%v) error = %v, want containing %q", tt.src, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Scan(%v) = %s, %v, want %s", tt.src, got, err, tt.want)
			}
		})
	}
}

func TestDateValue(t *testing.T) {
	tests := []struct {
		name string
		in   Date
		want driver.Value
	}{
		{name: "date", in: MustDate(2024, 10, 31), want: "2024-10-31"},
		{name: "zero", in: 0, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Value()
			if err != nil || got != tt.want {
				t.Errorf("%d.Value() = %v, %v, want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2024-10-31", "20241031", "2000-02-29", "00010101", "9999-12-31",
		"2023-02-30", "20230229", "2023-13-01", "0000-01-01", "", "2024/10/31",
		"2024-1-31", " 2024-10-31", "2024-10-31T00:00:00Z", "+2024-1-31",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if d != 0 {
				t.Fatalf("ParseDate(%q) = %d with error %v, want 0", s, d, err)
			}
			return
		}
		if d < 1 || d > maxDate {
			t.Fatalf("ParseDate(%q) = %d, out of range", s, d)
		}
		str := d.String()
		if len(s) == 10 && str != s {
			t.Fatalf("ParseDate(%q).String() = %q, want the input", s, str)
		}
		if compact := strings.ReplaceAll(str, "-", ""); len(s) == 8 && compact != s {
			t.Fatalf("ParseDate(%q) compact form = %q, want the input", s, compact)
		}
		back, err := ParseDate(str)
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %d, %v, want %d", str, back, err, d)
		}
		if nd, err := NewDate(d.Year(), d.MonthOfYear(), d.Day()); err != nil || nd != d {
			t.Fatalf("NewDate(fields of %s) = %d, %v, want %d", d, nd, err, d)
		}
		if d > 1 && DateOf(d.Time()) != d {
			t.Fatalf("DateOf(%s.Time()) = %s, want %s", d, DateOf(d.Time()), d)
		}
		if p := d.Period(); p.First() > d || p.Last() < d {
			t.Fatalf("%s.Period() = %s, does not contain the date", d, p)
		}
	})
}

func FuzzAddMonths(f *testing.F) {
	f.Add(int32(MustDate(2024, 1, 31)), 1)
	f.Add(int32(MustDate(2023, 3, 31)), -1)
	f.Add(int32(MustDate(2024, 2, 29)), 12)
	f.Add(int32(MustDate(1965, 12, 31)), 720)
	f.Fuzz(func(t *testing.T, di int32, n int) {
		d := Date(di)
		if d < 1 || d > maxDate {
			return
		}
		n %= 12 * 9000
		target := int64(d.Year())*12 + int64(d.MonthOfYear()-1) + int64(n)
		if target < minMonth || target > maxMonth {
			return
		}
		got := d.AddMonths(n)
		if int64(got.Period()) != target {
			t.Fatalf("%s.AddMonths(%d) = %s, in the wrong month", d, n, got)
		}
		if got.Day() != d.Day() && got != got.Period().Last() {
			t.Fatalf("%s.AddMonths(%d) = %s, day changed but not clamped to month end", d, n, got)
		}
		if got.Day() > d.Day() {
			t.Fatalf("%s.AddMonths(%d) = %s, day grew", d, n, got)
		}
		mb := MonthsBetween(d, got)
		if n >= 0 && (mb < n) {
			t.Fatalf("MonthsBetween(%s, %s) = %d, want at least %d", d, got, mb, n)
		}
		if n <= 0 && (mb > n) {
			t.Fatalf("MonthsBetween(%s, %s) = %d, want at most %d", d, got, mb, n)
		}
	})
}

// TestMonthsBetweenDefinition checks MonthsBetween against its definition
// through AddMonths over many random pairs: from a, n whole months reach b
// without passing it.
func TestMonthsBetweenDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	lo, hi := int(MustDate(1900, 1, 1)), int(MustDate(2100, 12, 31))
	for range 200000 {
		a, b := Date(lo+r.IntN(hi-lo)), Date(lo+r.IntN(hi-lo))
		if r.IntN(4) == 0 {
			b = a.AddDays(r.IntN(120) - 60)
		}
		n := MonthsBetween(a, b)
		if b >= a {
			if a.AddMonths(n) > b || a.AddMonths(n+1) <= b {
				t.Fatalf("MonthsBetween(%s, %s) = %d", a, b, n)
			}
		} else if a.AddMonths(n) < b || a.AddMonths(n-1) >= b {
			t.Fatalf("MonthsBetween(%s, %s) = %d", a, b, n)
		}
	}
}
