package period

import (
	"database/sql/driver"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestNewMonth(t *testing.T) {
	tests := []struct {
		name string
		y    int
		m    time.Month
		want string
	}{
		{name: "ordinary", y: 2024, m: time.October, want: "2024-10"},
		{name: "january", y: 2024, m: time.January, want: "2024-01"},
		{name: "december", y: 2024, m: time.December, want: "2024-12"},
		{name: "minimum", y: 1, m: time.January, want: "0001-01"},
		{name: "maximum", y: 9999, m: time.December, want: "9999-12"},
		{name: "month 13 normalised", y: 2024, m: 13, want: "2025-01"},
		{name: "month 0 normalised", y: 2024, m: 0, want: "2023-12"},
		{name: "month -13 normalised", y: 2024, m: -13, want: "2022-11"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewMonth(tt.y, tt.m); got.String() != tt.want {
				t.Errorf("NewMonth(%d, %d) = %s, want %s", tt.y, tt.m, got, tt.want)
			}
		})
	}
	if got, want := NewMonth(2024, 10), Month(2024*12+9); got != want {
		t.Errorf("NewMonth(2024, 10) = %d, want %d", got, want)
	}
}

func TestParseMonth(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Month
		wantErr string
	}{
		{name: "dashed", in: "2024-10", want: NewMonth(2024, 10)},
		{name: "compact", in: "202410", want: NewMonth(2024, 10)},
		{name: "january", in: "2024-01", want: NewMonth(2024, 1)},
		{name: "minimum", in: "0001-01", want: minMonth},
		{name: "maximum", in: "999912", want: maxMonth},
		{name: "month 13", in: "2024-13", wantErr: `parse month "2024-13": month 13 out of range`},
		{name: "month 0", in: "202400", wantErr: "month 0 out of range"},
		{name: "year 0", in: "0000-05", wantErr: "year 0 out of range 1-9999"},
		{name: "empty", in: "", wantErr: `parse month "": want YYYY-MM or YYYYMM`},
		{name: "short month", in: "2024-1", wantErr: "want YYYY-MM or YYYYMM"},
		{name: "date", in: "2024-10-01", wantErr: "want YYYY-MM or YYYYMM"},
		{name: "slash", in: "2024/10", wantErr: "want YYYY-MM or YYYYMM"},
		{name: "letters", in: "2024-1O", wantErr: "want YYYY-MM or YYYYMM"},
		{name: "sign", in: "-2024-10", wantErr: "want YYYY-MM or YYYYMM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMonth(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseMonth(%q) error = %v, want containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseMonth(%q) = %s, %v, want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestMonthFields(t *testing.T) {
	tests := []struct {
		name        string
		in          Month
		year        int
		month       time.Month
		first, last Date
	}{
		{name: "leap february", in: NewMonth(2024, 2), year: 2024, month: 2, first: MustDate(2024, 2, 1), last: MustDate(2024, 2, 29)},
		{name: "february", in: NewMonth(2023, 2), year: 2023, month: 2, first: MustDate(2023, 2, 1), last: MustDate(2023, 2, 28)},
		{name: "december", in: NewMonth(2024, 12), year: 2024, month: 12, first: MustDate(2024, 12, 1), last: MustDate(2024, 12, 31)},
		{name: "april", in: NewMonth(2024, 4), year: 2024, month: 4, first: MustDate(2024, 4, 1), last: MustDate(2024, 4, 30)},
		{name: "zero", in: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.in
			if m.Year() != tt.year || m.MonthOfYear() != tt.month {
				t.Errorf("%s Year, MonthOfYear = %d, %d, want %d, %d", m, m.Year(), m.MonthOfYear(), tt.year, tt.month)
			}
			if m.First() != tt.first || m.Last() != tt.last {
				t.Errorf("%s First, Last = %s, %s, want %s, %s", m, m.First(), m.Last(), tt.first, tt.last)
			}
			if m.IsZero() != (tt.year == 0) {
				t.Errorf("%s.IsZero() = %v", m, m.IsZero())
			}
			if !m.IsZero() && (m.First().Period() != m || m.Last().Period() != m || !m.Contains(m.Last())) {
				t.Errorf("%s First/Last not in the month", m)
			}
		})
	}
}

func TestMonthArithmetic(t *testing.T) {
	tests := []struct {
		name string
		in   Month
		n    int
		want Month
	}{
		{name: "next", in: NewMonth(2024, 10), n: 1, want: NewMonth(2024, 11)},
		{name: "over year end", in: NewMonth(2024, 12), n: 1, want: NewMonth(2025, 1)},
		{name: "back over year end", in: NewMonth(2024, 1), n: -1, want: NewMonth(2023, 12)},
		{name: "fifteen years", in: NewMonth(2010, 1), n: 180, want: NewMonth(2025, 1)},
		{name: "zero stays zero", in: 0, n: 5, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Add(tt.n)
			if got != tt.want {
				t.Errorf("%s.Add(%d) = %s, want %s", tt.in, tt.n, got, tt.want)
			}
			if tt.in != 0 && got.Sub(tt.in) != tt.n {
				t.Errorf("%s.Sub(%s) = %d, want %d", got, tt.in, got.Sub(tt.in), tt.n)
			}
		})
	}
}

func TestMonthJSON(t *testing.T) {
	type doc struct {
		Period Month `json:"period"`
	}
	tests := []struct {
		name     string
		in       Month
		wantJSON string
	}{
		{name: "month", in: NewMonth(2024, 10), wantJSON: `{"period":"2024-10"}`},
		{name: "zero", in: 0, wantJSON: `{"period":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(doc{tt.in})
			if err != nil || string(b) != tt.wantJSON {
				t.Fatalf("json.Marshal(%s) = %s, %v, want %s", tt.in, b, err, tt.wantJSON)
			}
			got := doc{Period: 77}
			if err := json.Unmarshal(b, &got); err != nil || got.Period != tt.in {
				t.Errorf("json.Unmarshal(%s) = %s, %v, want %s", b, got.Period, err, tt.in)
			}
		})
	}
	decodes := []struct {
		name    string
		in      string
		want    Month
		wantErr string
	}{
		{name: "compact", in: `"202410"`, want: NewMonth(2024, 10)},
		{name: "empty", in: `""`, want: 0},
		{name: "number", in: `202410`, wantErr: "want a JSON string or null"},
		{name: "bad", in: `"2024-13"`, wantErr: "month 13 out of range"},
	}
	for _, tt := range decodes {
		t.Run("decode "+tt.name, func(t *testing.T) {
			var got Month
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
	b, err := json.Marshal(map[Month]int{NewMonth(2024, 10): 5})
	if err != nil || string(b) != `{"2024-10":5}` {
		t.Errorf("json.Marshal(map) = %s, %v, want {\"2024-10\":5}", b, err)
	}
}

func TestMonthScanValue(t *testing.T) {
	tests := []struct {
		name    string
		src     any
		want    Month
		wantErr string
	}{
		{name: "nil", src: nil, want: 0},
		{name: "string", src: "2024-10", want: NewMonth(2024, 10)},
		{name: "bytes", src: []byte("202410"), want: NewMonth(2024, 10)},
		{name: "empty", src: "", want: 0},
		{name: "time", src: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC), want: NewMonth(2024, 10)},
		{name: "bad", src: "2024-13", wantErr: `scan month "2024-13": month 13 out of range`},
		{name: "int", src: int64(202410), wantErr: "scan month: unsupported type int64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Month(99)
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
	values := []struct {
		name string
		in   Month
		want driver.Value
	}{
		{name: "month", in: NewMonth(2024, 10), want: "2024-10"},
		{name: "zero", in: 0, want: nil},
	}
	for _, tt := range values {
		t.Run("value "+tt.name, func(t *testing.T) {
			if got, err := tt.in.Value(); err != nil || got != tt.want {
				t.Errorf("%d.Value() = %v, %v, want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{
		"2024-10", "202410", "2024-01", "0001-01", "999912", "2024-13", "202400",
		"0000-05", "", "2024-1", "2024-10-01", "2024/10", "2024-1O", "-2024-10",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			if m != 0 {
				t.Fatalf("ParseMonth(%q) = %d with error %v, want 0", s, m, err)
			}
			return
		}
		if m < minMonth || m > maxMonth {
			t.Fatalf("ParseMonth(%q) = %d, out of range", s, m)
		}
		str := m.String()
		if len(s) == 7 && str != s {
			t.Fatalf("ParseMonth(%q).String() = %q, want the input", s, str)
		}
		back, err := ParseMonth(str)
		if err != nil || back != m {
			t.Fatalf("ParseMonth(%q) = %d, %v, want %d", str, back, err, m)
		}
		if NewMonth(m.Year(), m.MonthOfYear()) != m {
			t.Fatalf("NewMonth(fields of %s) = %s", m, NewMonth(m.Year(), m.MonthOfYear()))
		}
		if m.First().Period() != m || m.Last().Period() != m || m.Last().Day() != daysIn(m.Year(), int(m.MonthOfYear())) {
			t.Fatalf("%s First/Last = %s/%s, not in the month", m, m.First(), m.Last())
		}
	})
}
