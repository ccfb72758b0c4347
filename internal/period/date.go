// Package period provides civil dates ([Date]) and month periods ([Month]).
//
// Both types are small integers with no time zone: a Date is a day on the
// proleptic Gregorian calendar, a Month is a calendar month. Their zero values
// mean "no date" and "no period" and are never valid values, so a zero in a
// struct field or a NULL in the database is never mistaken for a real day.
//
// Valid years are 1 through 9999, so that every value formats as a four-digit
// year. Arithmetic that would leave that range panics: it is a programming
// error, not bad input. Parsing functions return errors instead.
//
// Both types marshal to JSON as strings ("2024-10-31", "2024-10") with null
// for the zero value, and implement [database/sql.Scanner] and
// [database/sql/driver.Valuer] with the same text forms.
package period

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a civil date (a day on the calendar, with no time zone).
//
// Its value is the number of days since 0001-01-01 plus one, so 0001-01-01
// is 1, 1970-01-01 is 719163 and 9999-12-31 is 3652059. Comparing two valid
// Dates with <, == and > therefore compares them chronologically, and
// subtracting them gives the number of days between them.
//
// The zero Date means "no date": [Date.IsZero] reports it, [Date.String]
// formats it as "", and it marshals to JSON null and SQL NULL.
type Date int32

const (
	minYear = 1
	maxYear = 9999

	// epochDate is the Date of 1970-01-01; unix days + epochDate = Date.
	epochDate = 719163
	// maxDate is the Date of 9999-12-31.
	maxDate = 3652059
)

// NewDate returns the Date for year, month and day. It returns an error for a
// day that does not exist, such as 2023-02-29 or month 13, and for a year
// outside 1-9999. Unlike [time.Date] it never normalises its arguments.
func NewDate(year int, month time.Month, day int) (Date, error) {
	if reason := checkDate(year, int(month), day); reason != "" {
		return 0, fmt.Errorf("date %04d-%02d-%02d: %s", year, int(month), day, reason)
	}
	return fromCivil(year, int(month), day), nil
}

// MustDate is like [NewDate] but panics if the date is invalid. It is meant for
// tests and constants.
func MustDate(year int, month time.Month, day int) Date {
	d, err := NewDate(year, month, day)
	if err != nil {
		panic("period.MustDate: " + err.Error())
	}
	return d
}

// ParseDate parses a date written as "2006-01-02" or "20060102". It accepts
// nothing else: no surrounding spaces, no time of day. The error names the
// problem, for example
// `parse date "2023-02-30": day 30 out of range for February 2023`.
func ParseDate(s string) (Date, error) {
	d, reason := parseDate(s)
	if reason != "" {
		return 0, fmt.Errorf("parse date %q: %s", s, reason)
	}
	return d, nil
}

// parseDate parses s and returns a non-empty reason on failure. It does not
// allocate on success.
func parseDate(s string) (Date, string) {
	var y, m, d int
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, m, d = digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	case len(s) == 8:
		y, m, d = digits(s[0:4]), digits(s[4:6]), digits(s[6:8])
	default:
		return 0, "want YYYY-MM-DD or YYYYMMDD"
	}
	if y < 0 || m < 0 || d < 0 {
		return 0, "want YYYY-MM-DD or YYYYMMDD"
	}
	if reason := checkDate(y, m, d); reason != "" {
		return 0, reason
	}
	return fromCivil(y, m, d), ""
}

// digits returns the value of s, which must be all ASCII digits, or -1.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// checkDate returns why y-m-d is not a valid date, or "" if it is.
func checkDate(y, m, d int) string {
	switch {
	case y < minYear || y > maxYear:
		return fmt.Sprintf("year %d out of range %d-%d", y, minYear, maxYear)
	case m < 1 || m > 12:
		return fmt.Sprintf("month %d out of range", m)
	case d < 1 || d > daysIn(y, m):
		return fmt.Sprintf("day %d out of range for %s %d", d, time.Month(m), y)
	}
	return ""
}

// DateOf returns the calendar day of t in t's own location. For example a
// time of 2024-10-01 01:00 in UTC+8 gives 2024-10-01, not the UTC day
// 2024-09-30. The zero [time.Time] gives the zero Date. DateOf panics if the
// year of t is outside 1-9999.
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	if y < minYear || y > maxYear {
		panic(fmt.Sprintf("period.DateOf: year %d out of range %d-%d", y, minYear, maxYear))
	}
	return fromCivil(y, int(m), d)
}

// Time returns midnight UTC at the start of d. The zero Date gives the zero
// [time.Time] (which is also the instant of 0001-01-01 midnight UTC, so
// [DateOf] maps that one date back to the zero Date).
func (d Date) Time() time.Time {
	if d == 0 {
		return time.Time{}
	}
	y, m, dd := d.civil()
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
}

// IsZero reports whether d is the zero Date, meaning "no date".
func (d Date) IsZero() bool { return d == 0 }

// Year returns the year of d, or 0 for the zero Date.
func (d Date) Year() int {
	if d == 0 {
		return 0
	}
	y, _, _ := d.civil()
	return y
}

// MonthOfYear returns the month of d, or 0 for the zero Date.
func (d Date) MonthOfYear() time.Month {
	if d == 0 {
		return 0
	}
	_, m, _ := d.civil()
	return time.Month(m)
}

// Day returns the day of the month of d, or 0 for the zero Date.
func (d Date) Day() int {
	if d == 0 {
		return 0
	}
	_, _, dd := d.civil()
	return dd
}

// YMD returns the year, month and day of d in one call, or zeros for the
// zero Date.
func (d Date) YMD() (year int, month time.Month, day int) {
	if d == 0 {
		return 0, 0, 0
	}
	y, m, dd := d.civil()
	return y, time.Month(m), dd
}

// Weekday returns the day of the week of d. The zero Date gives Sunday.
func (d Date) Weekday() time.Weekday {
	if d == 0 {
		return time.Sunday
	}
	// 0001-01-01 (Date 1) was a Monday.
	return time.Weekday(int(d) % 7)
}

// String formats d as "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

// appendTo appends "YYYY-MM-DD" to b. d must not be zero.
func (d Date) appendTo(b []byte) []byte {
	y, m, dd := d.civil()
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+dd/10), byte('0'+dd%10))
}

// AddDays returns d plus n days (n may be negative). The zero Date stays
// zero. AddDays panics if the result is outside 0001-01-01 to 9999-12-31.
func (d Date) AddDays(n int) Date {
	if d == 0 {
		return 0
	}
	r := int64(d) + int64(n)
	if r < 1 || r > maxDate {
		panic(fmt.Sprintf("period: %s %+d days is out of range", d, n))
	}
	return Date(r)
}

// AddMonths returns d plus n months (n may be negative). When the day does not
// exist in the target month it is clamped to the month's last day, so
// 2024-01-31 plus one month is 2024-02-29 and 2023-03-31 minus one month is
// 2023-02-28. The zero Date stays zero. AddMonths panics if the result is
// outside 0001-01-01 to 9999-12-31.
func (d Date) AddMonths(n int) Date {
	if d == 0 {
		return 0
	}
	y, m, dd := d.civil()
	t := int64(y)*12 + int64(m-1) + int64(n)
	if t < minYear*12 || t > maxYear*12+11 {
		panic(fmt.Sprintf("period: %s %+d months is out of range", d, n))
	}
	y, m = int(t/12), int(t%12)+1
	if last := daysIn(y, m); dd > last {
		dd = last
	}
	return fromCivil(y, m, dd)
}

// Period returns the month that contains d, or the zero Month for the zero
// Date.
func (d Date) Period() Month {
	if d == 0 {
		return 0
	}
	y, m, _ := d.civil()
	return Month(y*12 + m - 1)
}

// MarshalJSON encodes d as a "2006-01-02" string, or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 12)
	b = append(b, '"')
	b = d.appendTo(b)
	return append(b, '"'), nil
}

// UnmarshalJSON decodes a "2006-01-02" (or "20060102") string. Both null and
// the empty string "" decode to the zero Date.
func (d *Date) UnmarshalJSON(data []byte) error {
	s, isNull, err := jsonString(data)
	if err != nil {
		return fmt.Errorf("decode date: %w", err)
	}
	if isNull || s == "" {
		*d = 0
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText encodes d as "2006-01-02", or as empty text for the zero Date.
// It lets a Date be a JSON object key.
func (d Date) MarshalText() ([]byte, error) {
	if d == 0 {
		return []byte{}, nil
	}
	return d.appendTo(make([]byte, 0, 10)), nil
}

// UnmarshalText decodes "2006-01-02" or "20060102"; empty text decodes to the
// zero Date.
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = 0
		return nil
	}
	v, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Scan implements [database/sql.Scanner]. It accepts:
//   - nil, giving the zero Date;
//   - a string or []byte in a form [ParseDate] accepts, or a timestamp that
//     starts with "2006-01-02" followed by 'T' or ' ' (the date part is
//     taken as written); the empty string gives the zero Date;
//   - a [time.Time], whose year, month and day are taken as they are in the
//     time's own location. Drivers such as pgx return a DATE column as UTC
//     midnight, and this must not be shifted to another zone.
func (d *Date) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*d = 0
		return nil
	case time.Time:
		y, m, dd := v.Date()
		if reason := checkDate(y, int(m), dd); reason != "" {
			return fmt.Errorf("scan date: %s", reason)
		}
		*d = fromCivil(y, int(m), dd)
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("scan date: unsupported type %T", src)
	}
	if s == "" {
		*d = 0
		return nil
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	v, reason := parseDate(s)
	if reason != "" {
		return fmt.Errorf("scan date %q: %s", s, reason)
	}
	*d = v
	return nil
}

// Value implements [database/sql/driver.Valuer]. It returns the string
// "2006-01-02", or nil (SQL NULL) for the zero Date.
func (d Date) Value() (driver.Value, error) {
	if d == 0 {
		return nil, nil
	}
	return d.String(), nil
}

// AgeAt returns the age in completed years, on the date on, of a person born
// on birth: the largest n whose n-th birthday is on or before on.
//
// A person born on 29 February reaches a new age on 1 March in years that are
// not leap years (so a person born 2000-02-29 is still 17 on 2018-02-28 and
// turns 18 on 2018-03-01): the birthday is reached only once the day after
// 28 February has begun. This is the platform's chosen rule; a caller that
// must count 28 February instead has to handle that case itself.
//
// If on is before birth the result is negative. If either date is zero the
// result is 0; callers must check for missing dates first.
func AgeAt(birth, on Date) int {
	if birth == 0 || on == 0 {
		return 0
	}
	by, bm, bd := birth.civil()
	oy, om, od := on.civil()
	age := oy - by
	if om < bm || (om == bm && od < bd) {
		age--
	}
	return age
}

// MonthsBetween returns the number of whole months from a to b. When b is on
// or after a it is the largest n ≥ 0 with a.AddMonths(n) ≤ b; when b is
// before a it is the negative of the largest n ≥ 0 with a.AddMonths(-n) ≥ b.
// Because AddMonths clamps to the end of the month, 2024-01-31 to 2024-02-29
// is one whole month. If either date is zero the result is 0.
func MonthsBetween(a, b Date) int {
	if a == 0 || b == 0 {
		return 0
	}
	ay, am, ad := a.civil()
	by, bm, bd := b.civil()
	n := (by*12 + bm) - (ay*12 + am)
	// a.AddMonths(n) lands in b's month on day min(ad, days in that month);
	// step back one month if it overshoots b (forward if it undershoots).
	landed := min(ad, daysIn(by, bm))
	switch {
	case b >= a:
		if landed > bd {
			n--
		}
	default:
		if landed < bd {
			n++
		}
	}
	return n
}

// jsonString decodes a JSON string or null.
func jsonString(data []byte) (s string, isNull bool, err error) {
	if string(data) == "null" {
		return "", true, nil
	}
	if len(data) == 0 || data[0] != '"' {
		return "", false, fmt.Errorf("want a JSON string or null, got %.20s", data)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return "", false, err
	}
	return s, false, nil
}

// isLeap reports whether y is a leap year in the Gregorian calendar.
func isLeap(y int) bool {
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

// daysIn returns the number of days in month m (1-12) of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// fromCivil returns the Date of a valid y-m-d. It uses Howard Hinnant's
// days_from_civil algorithm, with years counted from 1 March so that the
// leap day is the last day of the year.
func fromCivil(y, m, d int) Date {
	if m <= 2 {
		y--
	}
	era := y / 400 // y ≥ 0 for years 1-9999
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	unixDays := era*146097 + doe - 719468
	return Date(unixDays + epochDate)
}

// civil returns the year, month (1-12) and day of a non-zero Date, using
// Howard Hinnant's civil_from_days algorithm.
func (d Date) civil() (y, m, dd int) {
	// Neri and Schneider, "Euclidean affine functions and their application
	// to calendar algorithms" (2022): the days are shifted by 82 eras so
	// that every valid Date is non-negative, then year, month and day come
	// from multiplications and shifts instead of divisions.
	const (
		s = 82
		k = 719468 + 146097*s
		l = 400 * s
	)
	n := uint32(int(d) - epochDate + k) // days since 1970-01-01, shifted
	n1 := 4*n + 3
	c := n1 / 146097
	nc := n1 % 146097 / 4
	n2 := 4*nc + 3
	p2 := uint64(2939745) * uint64(n2)
	z := uint32(p2 >> 32)
	ny := uint32(p2) / 2939745 / 4
	yy := 100*c + z
	n3 := 2141*ny + 197913
	mm := n3 >> 16
	day := n3 & 0xffff / 2141
	y = int(yy) - l
	if ny >= 306 {
		y++
		mm -= 12
	}
	return y, int(mm), int(day) + 1
}
