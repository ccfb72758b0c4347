package exchange

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Row is one valid data line of a file (数据行), with its values typed by
// the profile. The accessors take a field name and panic if the profile
// has no such field or if it is of another kind: both are programming
// errors. An optional field left empty gives the zero value; use
// [Row.Has] to tell it from a real zero.
//
// A Row holds personal data. Its String and LogValue methods mask resident
// IDs and sensitive fields, and LogValue logs the line number only.
type Row struct {
	// Line is the line (CSV) or row (XLSX) number of the row in the file.
	Line int

	s    *schema
	vals []Value
}

// Value returns the value of the named field.
func (r Row) Value(name string) Value {
	i, ok := r.s.byName[name]
	if !ok {
		panic(fmt.Sprintf("exchange: profile %s has no field %q", r.s.name, name))
	}
	return r.vals[i]
}

// Has reports whether the named field has a value (its cell was not
// empty).
func (r Row) Has(name string) bool { return r.Value(name).ok }

// Text returns the named [Text] field.
func (r Row) Text(name string) string { return r.Value(name).Text() }

// ResidentID returns the named [ResidentID] field, normalised to 18
// characters.
func (r Row) ResidentID(name string) ids.ResidentID { return r.Value(name).ResidentID() }

// USCC returns the named [USCC] field and the checks it failed but that
// lenient parsing accepted.
func (r Row) USCC(name string) (ids.USCC, ids.Flags) { return r.Value(name).USCC() }

// Fen returns the named [Money] field in fen.
func (r Row) Fen(name string) money.Fen { return r.Value(name).Fen() }

// Int returns the named [Int] field.
func (r Row) Int(name string) int64 { return r.Value(name).Int() }

// Date returns the named [Date] field.
func (r Row) Date(name string) period.Date { return r.Value(name).Date() }

// Month returns the named [Month] field.
func (r Row) Month(name string) period.Month { return r.Value(name).Month() }

// Bool returns the named [Bool] field.
func (r Row) Bool(name string) bool { return r.Value(name).Bool() }

// Code returns the code of the named [Enum] field.
func (r Row) Code(name string) string { return r.Value(name).Code() }

// Region returns the named [Region] field.
func (r Row) Region(name string) region.Code { return r.Value(name).Region() }

// String formats the row as "row 12: id_number=652301********1235
// name=张三 ...", fields in profile order, personal numbers masked.
func (r Row) String() string {
	var b strings.Builder
	b.WriteString("row ")
	b.WriteString(strconv.Itoa(r.Line))
	b.WriteString(":")
	if r.s != nil {
		for i, f := range r.s.fields {
			b.WriteString(" ")
			b.WriteString(f.Name)
			b.WriteString("=")
			b.WriteString(r.vals[i].String())
		}
	}
	return b.String()
}

// LogValue implements [slog.LogValuer]: a logged Row shows only its line
// number, never personal data.
func (r Row) LogValue() slog.Value { return slog.IntValue(r.Line) }
