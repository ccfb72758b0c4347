package exchange

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Value is one parsed cell (单元格) of a [Row]. Its accessor methods panic when
// asked for a kind of value it does not hold, as [reflect.Value]'s do: that
// is a programming error, caught by any test that reads a file.
type Value struct {
	kind Kind
	ok   bool // the cell was not empty
	mask bool // show masked
	s    string
	n    int64 // fen, number, date, month, bool, or a USCC's ids.Flags
}

// Kind returns the kind of the value, or 0 for the zero Value.
func (v Value) Kind() Kind { return v.kind }

// Empty reports whether the cell was empty (an optional field left blank).
// The accessors then return zero values.
func (v Value) Empty() bool { return !v.ok }

func (v Value) must(k Kind) {
	if v.kind != k {
		panic(fmt.Sprintf("exchange: %s value read as %s", v.kind, k))
	}
}

// Text returns a [Text] value, trimmed and normalised.
func (v Value) Text() string { v.must(Text); return v.s }

// ResidentID returns a [ResidentID] value, normalised to 18 characters.
func (v Value) ResidentID() ids.ResidentID { v.must(ResidentID); return ids.ResidentID(v.s) }

// USCC returns a [USCC] value and the checks it failed but that lenient
// parsing accepted.
func (v Value) USCC() (ids.USCC, ids.Flags) { v.must(USCC); return ids.USCC(v.s), ids.Flags(v.n) }

// Fen returns a [Money] value in fen.
func (v Value) Fen() money.Fen { v.must(Money); return money.Fen(v.n) }

// Int returns an [Int] value.
func (v Value) Int() int64 { v.must(Int); return v.n }

// Date returns a [Date] value.
func (v Value) Date() period.Date { v.must(Date); return period.Date(v.n) }

// Month returns a [Month] value.
func (v Value) Month() period.Month { v.must(Month); return period.Month(v.n) }

// Bool returns a [Bool] value.
func (v Value) Bool() bool { v.must(Bool); return v.n != 0 }

// Code returns the code of an [Enum] value, such as "employee_pension".
func (v Value) Code() string { v.must(Enum); return v.s }

// Region returns a [Region] value.
func (v Value) Region() region.Code { v.must(Region); return region.Code(v.s) }

// String formats the value for display: the normalised text, the code of
// an enum, money as "1234.56", dates as "2024-01-15", months as "2024-10",
// booleans as "true" or "false", and "" for an empty cell. A resident ID
// or a sensitive field is masked.
func (v Value) String() string {
	if !v.ok {
		return ""
	}
	switch v.kind {
	case Money:
		return money.Fen(v.n).Plain()
	case Int:
		return strconv.FormatInt(v.n, 10)
	case Date:
		return period.Date(v.n).String()
	case Month:
		return period.Month(v.n).String()
	case Bool:
		return strconv.FormatBool(v.n != 0)
	}
	if v.mask {
		return ids.Mask(v.s)
	}
	return v.s
}

// Parse parses one cell's text as f says and returns its value. An empty
// cell gives an empty Value for an optional field and a problem for a
// required one. today, if not zero, is the reading date: a resident ID
// with a later birth date and, with [Field.NotFuture], a later date or
// month are problems.
//
// The error is a [*Problem] with Field, Value (masked where needed), Rule
// and Reason set. The accepted forms of each kind are:
//
//   - Text: anything without control characters (tab and newline allowed),
//     at most [Field.MaxLen] characters.
//   - ResidentID: 18 characters (or 15 legacy digits) per GB 11643; a
//     leading apostrophe or an Excel ="..." wrapper is removed.
//   - USCC: 18 characters per GB 32100, parsed leniently.
//   - Money: yuan as [money.Parse] accepts: "1234.56", "1,234.56", "¥12",
//     "-0.5". Negative only with [Field.AllowNegative].
//   - Int: digits with an optional sign; "12.00" is 12.
//   - Date: "2024-01-15", "2024-1-5", "2024/1/5", "2024.01.15",
//     "20240115", "2024年1月5日", optionally followed by a time
//     ("2024-01-15 10:23:00") which is ignored; in XLSX also an Excel serial
//     day number. Years 1900 to 2199.
//   - Month: "2024-10", "2024-1", "2024/10", "202410",
//     "2024年10月"; in XLSX also an Excel date on the first of a month (what
//     Excel makes of a typed "2024-10").
//   - Bool: 是/否, Y/N, yes/no, true/false, T/F, 1/0 (any case).
//   - Enum: one of the texts of [Field.Values] or one of its codes.
//   - Region: a division code of 6, 9 or 12 digits per [region.ParseCode];
//     a 12-digit statistical code padded with zeros (652301000000) is
//     shortened to its real length.
func (f Field) Parse(text string, today period.Date) (Value, error) {
	cf := field{Field: f}
	if f.Kind == Enum {
		s, err := compile(Profile{Name: "field", Fields: []Field{f}})
		if err != nil {
			return Value{}, err
		}
		cf = s.fields[0]
	}
	v, pr := cf.parse(text, today, fromText)
	if pr != nil {
		return Value{}, pr
	}
	return v, nil
}

// source says where a cell's text comes from.
type source uint8

const (
	fromText     source = iota // CSV, or text given to Field.Parse
	fromXLSX                   // a raw XLSX cell value, 1900 date system
	fromXLSX1904               // a raw XLSX cell value, 1904 date system
)

// parse parses raw, a cell from src.
func (f *field) parse(raw string, today period.Date, src source) (Value, *Problem) {
	xlsx := src != fromText
	s := clean(raw)
	if s == "" {
		if f.Required {
			return Value{}, f.problem(raw, RuleRequired, "required value is empty", nil)
		}
		return Value{kind: f.Kind}, nil
	}
	v := Value{kind: f.Kind, ok: true, mask: f.Sensitive || f.Kind == ResidentID}
	var (
		rule   Rule
		reason string
		cause  error
	)
	switch f.Kind {
	case Text:
		v.s, rule, reason = parseText(s, f.MaxLen)
		if rule == "" && xlsx && isExcelExponent(s) {
			rule, reason = RuleStoredAsNumber, storedAsNumber
		}
	case ResidentID:
		s = stripExcelText(s)
		if xlsx && isExcelExponent(s) {
			rule, reason = RuleStoredAsNumber, storedAsNumber
			break
		}
		var id ids.ResidentID
		id, cause = ids.ParseResidentID(s, today)
		if e := (*ids.ResidentIDError)(nil); errors.As(cause, &e) {
			rule, reason = Rule(e.Reason.String()), e.Detail
		}
		v.s = string(id)
	case USCC:
		s = stripExcelText(s)
		if xlsx && isExcelExponent(s) {
			rule, reason = RuleStoredAsNumber, storedAsNumber
			break
		}
		if looksLikeResidentID(s) {
			// Individuals' tax numbers are their ID numbers; lenient USCC
			// parsing would take one, flagged.
			rule, reason = RuleInvalid, "a resident ID number, not a unified social credit code"
			break
		}
		var (
			c     ids.USCC
			flags ids.Flags
		)
		c, flags, cause = ids.ParseUSCC(s, ids.Lenient)
		v.n = int64(flags)
		if e := (*ids.USCCError)(nil); errors.As(cause, &e) {
			rule, reason = Rule(e.Reason.String()), e.Detail
		}
		v.s = string(c)
	case Money:
		var fen money.Fen
		fen, rule, reason = parseMoney(s, xlsx)
		if rule == "" && fen < 0 && !f.AllowNegative {
			rule, reason = RuleNegative, "must not be negative"
		}
		v.n = int64(fen)
	case Int:
		v.n, rule, reason = parseInt(s)
		if rule == "" && v.n < 0 && !f.AllowNegative {
			rule, reason = RuleNegative, "must not be negative"
		}
	case Date:
		var d period.Date
		d, rule, reason = parseDate(s, src)
		if rule == "" && f.NotFuture && today != 0 && d > today {
			rule, reason = RuleFuture, fmt.Sprintf("after today (%s)", today)
		}
		v.n = int64(d)
	case Month:
		var m period.Month
		m, rule, reason = parseMonth(s, src)
		if rule == "" && f.NotFuture && today != 0 && m > today.Period() {
			rule, reason = RuleFuture, fmt.Sprintf("after this month (%s)", today.Period())
		}
		v.n = int64(m)
	case Bool:
		var b bool
		b, rule, reason = parseBool(s)
		if b {
			v.n = 1
		}
	case Enum:
		code, ok := f.enum[s]
		if !ok {
			code, ok = f.enum[headerKey(s)]
		}
		if !ok {
			rule, reason = RuleNotInList, "want one of: "+f.want
		}
		v.s = code
	case Region:
		var c region.Code
		c, rule, reason = parseRegion(stripExcelText(s))
		v.s = string(c)
	default:
		rule, reason = RuleInvalid, fmt.Sprintf("unknown kind %d", f.Kind)
	}
	if rule != "" {
		return Value{}, f.problem(raw, rule, reason, cause)
	}
	return v, nil
}

// looksLikeResidentID reports whether s is a valid 18-character resident
// ID number.
func looksLikeResidentID(s string) bool {
	if num(s[:min(len(s), 17)], 17, 17) < 0 {
		return false
	}
	_, err := ids.ParseResidentID(s, 0)
	return err == nil
}

// storedAsNumber is the reason given for a number in exponent form where
// an identifier was expected.
const storedAsNumber = "the spreadsheet stored it as a number, which keeps only 15 digits; format the column as text and enter it again"

// problem returns a problem with f's value raw.
func (f *field) problem(raw string, rule Rule, reason string, cause error) *Problem {
	return &Problem{
		Field:  f.Name,
		Header: f.title(),
		Value:  displayValue(raw, f.Kind == ResidentID || f.Sensitive),
		Rule:   rule,
		Reason: reason,
		err:    cause,
	}
}

// maxShown is the longest value a problem shows, in characters.
const maxShown = 64

// displayValue returns raw cleaned for a report, control characters
// replaced, masked with ids.Mask if
// mask is set or if it has a run of 11 or more digits (an ID, phone or
// bank account, perhaps in the wrong column; an all-digit USCC too), and
// shortened to maxShown characters.
func displayValue(raw string, mask bool) string {
	s := clean(raw)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(shown, s)
	}
	if mask || hasLongDigitRun(s, 11) {
		s = ids.Mask(s)
	}
	if utf8.RuneCountInString(s) > maxShown {
		r := []rune(s)
		s = string(r[:maxShown-1]) + "…"
	}
	return s
}

// shown replaces a control character: tab and newline by a space, others
// by U+FFFD, so that escapes such as \x00 do not appear in messages.
func shown(r rune) rune {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return ' '
	case unicode.IsControl(r):
		return '\uFFFD'
	}
	return r
}

// hasLongDigitRun reports whether s has n or more ASCII digits in a row
// (ignoring separators that may split a number: space, '-', '.', 'E', '+').
func hasLongDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			run++
			if run >= n {
				return true
			}
		case c == ' ' || c == '-' || c == '.' || c == 'E' || c == 'e' || c == '+':
		default:
			run = 0
		}
	}
	return false
}

// clean trims white space (including U+3000 and a stray byte-order mark)
// and maps full-width ASCII variants (U+FF01-U+FF5E) to their half-width
// forms and U+3000 to a space.
func clean(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return cleanSlow(s)
		}
	}
	return strings.TrimSpace(s)
}

func cleanSlow(s string) string {
	if strings.IndexFunc(s, isWide) >= 0 {
		s = strings.Map(narrow, s)
	}
	return strings.TrimFunc(s, isSpace)
}

// isWide reports whether r is mapped by narrow.
func isWide(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E || r == 0x3000 }

// narrow maps a full-width ASCII variant to its half-width form.
func narrow(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// isSpace reports whether r is white space, a byte-order mark or a
// zero-width space.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' }

// stripExcelText removes the marks people add to keep Excel from turning
// a long number into a float: a leading apostrophe, a leading tab (already
// trimmed) or an ="..." formula wrapper.
func stripExcelText(s string) string {
	if len(s) > 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' {
		return strings.TrimSpace(s[2 : len(s)-1])
	}
	if len(s) > 1 && (s[0] == '\'' || s[0] == '`') {
		return strings.TrimSpace(s[1:])
	}
	return s
}

// isExcelExponent reports whether s looks like a number in exponent form
// as an XLSX file stores a large number, such as "6.5230119900101101E+17".
func isExcelExponent(s string) bool {
	i := strings.IndexAny(s, "Ee")
	if i <= 0 || i+1 >= len(s) || s[i+1] != '+' {
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return false
	}
	return true
}

// parseText checks a Text value.
func parseText(s string, maxLen int) (string, Rule, string) {
	if !utf8.ValidString(s) {
		return "", RuleInvalid, "not valid UTF-8 text"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' || c == 0x7F {
			return "", RuleControl, fmt.Sprintf("contains the control character U+%04X", c)
		}
	}
	if maxLen > 0 {
		if n := utf8.RuneCountInString(s); n > maxLen {
			return "", RuleTooLong, fmt.Sprintf("%d characters, at most %d allowed", n, maxLen)
		}
	}
	return s, "", ""
}

// parseMoney parses an amount of yuan. In XLSX, a number that is not
// exactly in fen (Excel's binary floating point, such as
// 1234.5599999999999) is read as Excel shows it, to 15 significant digits.
func parseMoney(s string, xlsx bool) (money.Fen, Rule, string) {
	f, err := money.Parse(s)
	if err == nil {
		return f, "", ""
	}
	if xlsx {
		if x, ferr := strconv.ParseFloat(s, 64); ferr == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
			if f, err2 := money.Parse(strconv.FormatFloat(x, 'g', 15, 64)); err2 == nil {
				return f, "", ""
			}
		}
	}
	reason := strings.TrimPrefix(err.Error(), fmt.Sprintf("parse amount %q: ", s))
	return 0, RuleInvalid, "not an amount of yuan such as 1234.56: " + reason
}

// parseInt parses a whole number.
func parseInt(s string) (int64, Rule, string) {
	t := s
	if i := strings.IndexByte(t, '.'); i >= 0 && strings.Trim(t[i+1:], "0") == "" {
		t = t[:i]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, RuleOutOfRange, "number too large"
		}
		return 0, RuleInvalid, "not a whole number"
	}
	return n, "", ""
}

// Year limits of dates and months.
const (
	minYear = 1900
	maxYear = 2199
)

// dateWant describes the accepted date forms.
const dateWant = "not a date such as 2024-01-15, 2024/1/15 or 20240115"

// parseDate parses a date in one of the forms Field.Parse lists.
func parseDate(s string, src source) (period.Date, Rule, string) {
	// An Excel serial day number (XLSX only): at most five integer digits,
	// so that it cannot be confused with 20240115.
	if src != fromText {
		if n, ok := serial(s); ok {
			return serialDate(n, src == fromXLSX1904)
		}
	}
	s = dropTime(s)
	y, m, d, ok := splitDate(s)
	if !ok {
		return 0, RuleInvalid, dateWant
	}
	return makeDate(y, m, d)
}

// makeDate checks a year, month and day and returns the date.
func makeDate(y, m, d int) (period.Date, Rule, string) {
	if y < minYear || y > maxYear {
		return 0, RuleOutOfRange, fmt.Sprintf("year %d is out of range %d-%d", y, minYear, maxYear)
	}
	if m < 1 || m > 12 {
		return 0, RuleInvalid, fmt.Sprintf("no such date: month %d", m)
	}
	date, err := period.NewDate(y, time.Month(m), d)
	if err != nil {
		return 0, RuleInvalid, fmt.Sprintf("no such date: %04d-%02d has no day %d", y, m, d)
	}
	return date, "", ""
}

// dropTime removes a time of day after a date: "2024-01-15 10:23:00",
// "2024-01-15T00:00:00Z".
func dropTime(s string) string {
	i := strings.IndexAny(s, " T")
	if i < 8 {
		return s
	}
	t := strings.TrimSpace(s[i+1:])
	if t == "" || t[0] < '0' || t[0] > '9' {
		return s
	}
	for j := 0; j < len(t); j++ {
		if c := t[j]; !(c >= '0' && c <= '9' || c == ':' || c == '.' || c == 'Z' || c == '+' || c == '-') {
			return s
		}
	}
	return s[:i]
}

// splitDate splits a date written as Y-M-D (with '-', '/' or '.'),
// YYYYMMDD or Y年M月D日 into numbers. The year must have four digits.
func splitDate(s string) (y, m, d int, ok bool) {
	if strings.HasSuffix(s, "日") {
		ys, rest, ok1 := strings.Cut(strings.TrimSuffix(s, "日"), "年")
		ms, ds, ok2 := strings.Cut(rest, "月")
		y, m, d = num(ys, 4, 4), num(ms, 1, 2), num(ds, 1, 2)
		return y, m, d, ok1 && ok2 && y >= 0 && m >= 0 && d >= 0
	}
	if num(s, 8, 8) >= 0 {
		y, m, d = num(s[:4], 4, 4), num(s[4:6], 2, 2), num(s[6:], 2, 2)
		return y, m, d, y >= 0 && m >= 0 && d >= 0
	}
	for _, sep := range []string{"-", "/", "."} {
		ys, rest, ok1 := strings.Cut(s, sep)
		ms, ds, ok2 := strings.Cut(rest, sep)
		if !ok1 || !ok2 {
			continue
		}
		y, m, d = num(ys, 4, 4), num(ms, 1, 2), num(ds, 1, 2)
		return y, m, d, y >= 0 && m >= 0 && d >= 0
	}
	return 0, 0, 0, false
}

// num returns the value of s if it has lo to hi ASCII digits, else -1.
func num(s string, lo, hi int) int {
	if len(s) < lo || len(s) > hi {
		return -1
	}
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

// serial returns the whole days of an Excel serial date written as a
// number with at most five integer digits and an optional fraction (the
// time of day).
func serial(s string) (int, bool) {
	ip, frac, _ := strings.Cut(s, ".")
	n := num(ip, 1, 5)
	if n < 0 {
		return 0, false
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, false
		}
	}
	return n, true
}

// The day 0 of Excel's date systems. In the 1900 system (every XLSX file
// current Excel writes) that holds from serial 61 on; serials 1-59 count
// from 1899-12-31, because Excel counts a 29 February 1900 that never was
// (serial 60). The 1904 system was old Mac Excel's.
var (
	excelEpoch     = period.MustDate(1899, time.December, 30)
	excelEpoch1904 = period.MustDate(1904, time.January, 1)
)

// serialDate converts an Excel serial day number to a date.
func serialDate(n int, date1904 bool) (period.Date, Rule, string) {
	var d period.Date
	switch {
	case date1904:
		d = excelEpoch1904.AddDays(n)
	case n == 60:
		return 0, RuleInvalid, "Excel day 60 is 1900-02-29, which does not exist"
	case n < 1:
		return 0, RuleInvalid, "Excel day numbers start at 1 (1900-01-01)"
	case n < 60:
		d = excelEpoch.AddDays(n + 1)
	default:
		d = excelEpoch.AddDays(n)
	}
	if d.Year() > maxYear {
		return 0, RuleOutOfRange, fmt.Sprintf("year %d is out of range %d-%d", d.Year(), minYear, maxYear)
	}
	return d, "", ""
}

// monthWant describes the accepted month forms.
const monthWant = "not a month such as 2024-10, 202410 or 2024年10月"

// parseMonth parses a month in one of the forms Field.Parse lists.
func parseMonth(s string, src source) (period.Month, Rule, string) {
	if src != fromText && num(s, 6, 6) < 0 {
		if n, ok := serial(s); ok {
			d, rule, reason := serialDate(n, src == fromXLSX1904)
			switch {
			case rule != "":
				return 0, rule, reason
			case d.Day() != 1:
				return 0, RuleInvalid, fmt.Sprintf("the date %s is not a month (want the first day of the month)", d)
			}
			return d.Period(), "", ""
		}
	}
	y, m := -1, -1
	switch {
	case strings.HasSuffix(s, "月"):
		ys, ms, ok := strings.Cut(strings.TrimSuffix(s, "月"), "年")
		if ok {
			y, m = num(ys, 4, 4), num(ms, 1, 2)
		}
	case num(s, 6, 6) >= 0:
		y, m = num(s[:4], 4, 4), num(s[4:], 2, 2)
	default:
		// Not '.': Excel turns a typed 2024.10 into the number 2024.1.
		for _, sep := range "-/" {
			if ys, ms, ok := strings.Cut(s, string(sep)); ok {
				y, m = num(ys, 4, 4), num(ms, 1, 2)
				break
			}
		}
	}
	if y < 0 || m < 0 {
		return 0, RuleInvalid, monthWant
	}
	if y < minYear || y > maxYear {
		return 0, RuleOutOfRange, fmt.Sprintf("year %d is out of range %d-%d", y, minYear, maxYear)
	}
	if m < 1 || m > 12 {
		return 0, RuleInvalid, fmt.Sprintf("no such month: %d", m)
	}
	return period.NewMonth(y, time.Month(m)), "", ""
}

// parseBool parses a yes/no answer.
func parseBool(s string) (bool, Rule, string) {
	switch strings.ToLower(s) {
	case "是", "y", "yes", "true", "t", "1":
		return true, "", ""
	case "否", "n", "no", "false", "f", "0":
		return false, "", ""
	}
	return false, RuleInvalid, "want 是 or 否 (or Y/N, true/false, 1/0)"
}

// parseRegion parses a division code, shortening a zero-padded 12-digit
// statistical code.
func parseRegion(s string) (region.Code, Rule, string) {
	if len(s) == 12 && num(s, 12, 12) >= 0 {
		switch {
		case s[6:] == "000000":
			s = s[:6]
		case s[9:] == "000":
			s = s[:9]
		}
	}
	c, err := region.ParseCode(s)
	if err != nil {
		reason := err.Error()
		if inner := errors.Unwrap(err); inner != nil {
			reason = inner.Error()
		}
		return "", RuleInvalid, "not a division code: " + reason
	}
	return c, "", ""
}
