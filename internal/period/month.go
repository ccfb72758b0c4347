package period

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Month is a calendar month used as a period, such as the contribution month
// 2024-10.
//
// Its value is year*12 + (month-1), so 2024-10 is 24297. Because valid years
// start at 1, every valid Month is at least 12 (0001-01) and the zero Month
// is never a real month: it means "no period". Comparing valid Months with <
// and > compares them chronologically, and [Month.Sub] counts the months
// between them.
type Month int32

const (
	minMonth = minYear * 12
	maxMonth = maxYear*12 + 11
)

// NewMonth returns the Month for year and m. Like [time.Date] it normalises a
// month outside 1-12, so NewMonth(2024, 13) is 2025-01 and NewMonth(2024, 0)
// is 2023-12. NewMonth panics if the resulting year is outside 1-9999;
// untrusted input should go through [ParseMonth].
func NewMonth(year int, m time.Month) Month {
	t := int64(year)*12 + int64(m) - 1
	if t < minMonth || t > maxMonth {
		panic(fmt.Sprintf("period.NewMonth(%d, %d): year out of range %d-%d", year, int(m), minYear, maxYear))
	}
	return Month(t)
}

// ParseMonth parses a month written as "2024-10" or "202410". The error names
// the problem, for example `parse month "2024-13": month 13 out of range`.
func ParseMonth(s string) (Month, error) {
	m, reason := parseMonth(s)
	if reason != "" {
		return 0, fmt.Errorf("parse month %q: %s", s, reason)
	}
	return m, nil
}

func parseMonth(s string) (Month, string) {
	var y, m int
	switch {
	case len(s) == 7 && s[4] == '-':
		y, m = digits(s[0:4]), digits(s[5:7])
	case len(s) == 6:
		y, m = digits(s[0:4]), digits(s[4:6])
	default:
		return 0, "want YYYY-MM or YYYYMM"
	}
	switch {
	case y < 0 || m < 0:
		return 0, "want YYYY-MM or YYYYMM"
	case y < minYear || y > maxYear:
		return 0, fmt.Sprintf("year %d out of range %d-%d", y, minYear, maxYear)
	case m < 1 || m > 12:
		return 0, fmt.Sprintf("month %d out of range", m)
	}
	return Month(y*12 + m - 1), ""
}

// IsZero reports whether m is the zero Month, meaning "no period".
func (m Month) IsZero() bool { return m == 0 }

// Year returns the year of m, or 0 for the zero Month.
func (m Month) Year() int {
	if m == 0 {
		return 0
	}
	return int(m) / 12
}

// MonthOfYear returns the month of the year of m, or 0 for the zero Month.
func (m Month) MonthOfYear() time.Month {
	if m == 0 {
		return 0
	}
	return time.Month(int(m)%12 + 1)
}

// String formats m as "2024-10", or "" for the zero Month.
func (m Month) String() string {
	if m == 0 {
		return ""
	}
	var b [7]byte
	return string(m.appendTo(b[:0]))
}

// appendTo appends "YYYY-MM" to b. m must not be zero.
func (m Month) appendTo(b []byte) []byte {
	y, mm := int(m)/12, int(m)%12+1
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+mm/10), byte('0'+mm%10))
}

// Add returns m plus n months (n may be negative). The zero Month stays zero.
// Add panics if the result is outside 0001-01 to 9999-12.
func (m Month) Add(n int) Month {
	if m == 0 {
		return 0
	}
	t := int64(m) + int64(n)
	if t < minMonth || t > maxMonth {
		panic(fmt.Sprintf("period: %s %+d months is out of range", m, n))
	}
	return Month(t)
}

// Sub returns the number of months from o to m, so that o.Add(m.Sub(o)) == m.
// For example 2024-10 minus 2024-01 is 9. Both months must be non-zero for the
// result to mean anything.
func (m Month) Sub(o Month) int { return int(m) - int(o) }

// First returns the first day of m, or the zero Date for the zero Month.
func (m Month) First() Date {
	if m == 0 {
		return 0
	}
	return fromCivil(int(m)/12, int(m)%12+1, 1)
}

// Last returns the last day of m, or the zero Date for the zero Month.
func (m Month) Last() Date {
	if m == 0 {
		return 0
	}
	y, mm := int(m)/12, int(m)%12+1
	return fromCivil(y, mm, daysIn(y, mm))
}

// Contains reports whether d falls in m. It is false if either is zero.
func (m Month) Contains(d Date) bool {
	return m != 0 && d != 0 && d.Period() == m
}

// MarshalJSON encodes m as a "2024-10" string, or null for the zero Month.
func (m Month) MarshalJSON() ([]byte, error) {
	if m == 0 {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 9)
	b = append(b, '"')
	b = m.appendTo(b)
	return append(b, '"'), nil
}

// UnmarshalJSON decodes a "2024-10" (or "202410") string. Both null and the
// empty string "" decode to the zero Month.
func (m *Month) UnmarshalJSON(data []byte) error {
	s, isNull, err := jsonString(data)
	if err != nil {
		return fmt.Errorf("decode month: %w", err)
	}
	if isNull || s == "" {
		*m = 0
		return nil
	}
	v, err := ParseMonth(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MarshalText encodes m as "2024-10", or as empty text for the zero Month. It
// lets a Month be a JSON object key, as in map[period.Month]money.Fen.
func (m Month) MarshalText() ([]byte, error) {
	if m == 0 {
		return []byte{}, nil
	}
	return m.appendTo(make([]byte, 0, 7)), nil
}

// UnmarshalText decodes "2024-10" or "202410"; empty text decodes to the zero
// Month.
func (m *Month) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*m = 0
		return nil
	}
	v, err := ParseMonth(string(text))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Scan implements [database/sql.Scanner]. It accepts nil (the zero Month), a
// string or []byte in a form [ParseMonth] accepts (the empty string gives the
// zero Month), and a [time.Time], whose year and month are taken as they are
// in the time's own location (for a DATE column holding the first day of the
// month).
func (m *Month) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*m = 0
		return nil
	case time.Time:
		y, mm, _ := v.Date()
		if y < minYear || y > maxYear {
			return fmt.Errorf("scan month: year %d out of range %d-%d", y, minYear, maxYear)
		}
		*m = Month(y*12 + int(mm) - 1)
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan month: unsupported type %T", src)
	}
	if s == "" {
		*m = 0
		return nil
	}
	v, reason := parseMonth(s)
	if reason != "" {
		return fmt.Errorf("scan month %q: %s", s, reason)
	}
	*m = v
	return nil
}

// Value implements [database/sql/driver.Valuer]. It returns the string
// "2024-10", or nil (SQL NULL) for the zero Month.
func (m Month) Value() (driver.Value, error) {
	if m == 0 {
		return nil, nil
	}
	return m.String(), nil
}
