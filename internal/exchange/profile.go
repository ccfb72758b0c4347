package exchange

import (
	"fmt"
	"slices"
	"strings"
)

// Kind is the kind of value a column holds (字段类型).
type Kind uint8

// The kinds of value. See [Field.Parse] for the accepted forms of each.
const (
	// Text is free text, such as a name.
	Text Kind = iota + 1
	// ResidentID is a resident identity number (公民身份号码), validated with
	// [ids.ParseResidentID]; a 15-digit legacy number is upgraded to 18.
	ResidentID
	// USCC is a unified social credit code (统一社会信用代码), parsed in
	// [ids.Lenient] mode: a code whose check characters are wrong is accepted
	// with its [ids.Flags] kept and a warning in the report.
	USCC
	// Money is an amount of yuan written as text ("1,234.56"), read as fen.
	Money
	// Int is a whole number.
	Int
	// Date is a calendar date.
	Date
	// Month is a calendar month used as a period, such as a contribution
	// month (费款所属期).
	Month
	// Bool is a yes/no answer.
	Bool
	// Enum is one of a fixed list of texts, each mapped to a code by
	// [Field.Values].
	Enum
	// Region is an administrative division code (行政区划代码) of 6, 9 or 12
	// digits.
	Region
)

var kindNames = [...]string{
	Text:       "text",
	ResidentID: "resident_id",
	USCC:       "uscc",
	Money:      "money",
	Int:        "int",
	Date:       "date",
	Month:      "month",
	Bool:       "bool",
	Enum:       "enum",
	Region:     "region",
}

// String returns the snake_case name of k, such as "resident_id".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes k as its name, so that it appears in JSON as a string.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Field describes one column (列) of a [Profile].
type Field struct {
	// Name is the snake_case key of the field, such as "id_number". It is
	// what [Row] accessors and reports use.
	Name string
	// Headers are the header texts accepted for the column, such as
	// {"公民身份号码", "身份证号码", "身份证号"}. The first is the one named in
	// reports. Name itself is always accepted too.
	Headers []string
	// Kind is the kind of value.
	Kind Kind
	// Required makes an empty value a problem. A required column missing
	// from the header is a problem for the whole file.
	Required bool
	// Values maps each accepted text of an [Enum] field to its code, such as
	// {"男": "M", "女": "F"}. The codes themselves are accepted too.
	Values map[string]string
	// AllowNegative accepts negative [Money] and [Int] values, such as the
	// refunds and reversals (退费, 冲正) in a tax file. Without it a negative
	// amount is a problem.
	AllowNegative bool
	// NotFuture makes a [Date] or [Month] after the reading date (or its
	// month) a problem, as for a death date. It has no effect when the
	// reading date is zero.
	NotFuture bool
	// MaxLen, if positive, is the longest [Text] value accepted, in
	// characters.
	MaxLen int
	// Sensitive masks the field's value in reports with [ids.Mask], as for a
	// phone or bank account number. [ResidentID] values are always masked.
	Sensitive bool
}

// Profile describes one kind of department file (交换文件格式): its columns,
// the key that identifies a row and any check across columns.
type Profile struct {
	// Name is the snake_case name of the profile, such as
	// "tax_contributions".
	Name string
	// Title is the Chinese title, such as "税务征收明细".
	Title string
	// Fields are the columns, in no particular order: the file's header
	// decides the order.
	Fields []Field
	// Key, if set, names the fields that identify a row, such as
	// {"receipt_no"} or {"id_number", "period"}. A row that repeats the key of
	// an earlier row is a problem naming the earlier line. Key fields must be
	// required.
	Key []string
	// CheckFunc, if set, checks a row all of whose values are valid, for
	// rules that span columns. It returns the field at fault and the reason,
	// or two empty strings when the row is fine.
	CheckFunc func(r Row) (field, reason string)
}

// schema is a Profile compiled for reading: fields by name and header.
type schema struct {
	name, title string
	fields      []field
	byName      map[string]int
	byHeader    map[string]int // normalised header text -> field index
	key         []int
	check       func(Row) (string, string)
}

// field is a compiled Field.
type field struct {
	Field
	index int
	enum  map[string]string // normalised text or code -> code
	want  string            // for enum messages: the accepted texts
}

// title returns the header text that names f in reports.
func (f *field) title() string {
	if len(f.Headers) > 0 {
		return f.Headers[0]
	}
	return f.Name
}

// Validate reports whether p is well formed: names unique and non-empty,
// kinds known, enum values given, header texts unambiguous and key fields
// required. [Read] calls it; a profile that fails is a programming error.
func (p Profile) Validate() error {
	_, err := compile(p)
	return err
}

// compile validates p and builds its schema.
func compile(p Profile) (*schema, error) {
	s := &schema{
		name:     p.Name,
		title:    p.Title,
		byName:   make(map[string]int, len(p.Fields)),
		byHeader: make(map[string]int, 4*len(p.Fields)),
		check:    p.CheckFunc,
	}
	bad := func(format string, args ...any) (*schema, error) {
		return nil, fmt.Errorf("exchange: profile %q: %s", p.Name, fmt.Sprintf(format, args...))
	}
	if p.Name == "" {
		return bad("no name")
	}
	if len(p.Fields) == 0 {
		return bad("no fields")
	}
	for i, f := range p.Fields {
		if f.Name == "" {
			return bad("field %d has no name", i+1)
		}
		if _, dup := s.byName[f.Name]; dup {
			return bad("field %q is listed twice", f.Name)
		}
		if f.Kind < Text || f.Kind > Region {
			return bad("field %q has unknown kind %d", f.Name, f.Kind)
		}
		s.byName[f.Name] = i
		cf := field{Field: f, index: i}
		if f.Kind == Enum {
			if len(f.Values) == 0 {
				return bad("enum field %q has no values", f.Name)
			}
			cf.enum = make(map[string]string, 2*len(f.Values))
			texts := make([]string, 0, len(f.Values))
			for text, code := range f.Values {
				if code == "" {
					return bad("enum field %q maps %q to an empty code", f.Name, text)
				}
				cf.enum[headerKey(text)] = code
				texts = append(texts, text)
			}
			for _, code := range f.Values {
				if k := headerKey(code); cf.enum[k] == "" {
					cf.enum[k] = code
				} else if cf.enum[k] != code {
					return bad("enum field %q: code %q is also a text for %q", f.Name, code, cf.enum[k])
				}
			}
			slices.Sort(texts)
			if len(texts) > 12 {
				texts = append(texts[:12], "...")
			}
			cf.want = strings.Join(texts, ", ")
		} else if len(f.Values) > 0 {
			return bad("field %q has Values but is not an enum", f.Name)
		}
		for _, h := range append([]string{f.Name}, f.Headers...) {
			k := headerKey(h)
			if k == "" {
				return bad("field %q has an empty header text", f.Name)
			}
			if j, dup := s.byHeader[k]; dup && j != i {
				return bad("header %q is claimed by both %q and %q", h, p.Fields[j].Name, f.Name)
			}
			s.byHeader[k] = i
		}
		s.fields = append(s.fields, cf)
	}
	for _, k := range p.Key {
		i, ok := s.byName[k]
		switch {
		case !ok:
			return bad("key field %q is not a field", k)
		case !p.Fields[i].Required:
			return bad("key field %q is not required", k)
		case slices.Contains(s.key, i):
			return bad("key field %q is listed twice", k)
		}
		s.key = append(s.key, i)
	}
	return s, nil
}

// headerKey normalises a header text for matching: cleaned as a value,
// without inner white space or the '*' that marks a required column in
// many templates, and with Latin letters in lower case.
func headerKey(h string) string {
	h = clean(h)
	h = strings.Trim(h, "*")
	if strings.IndexFunc(h, isSpace) >= 0 {
		h = strings.Join(strings.FieldsFunc(h, isSpace), "")
	}
	return strings.ToLower(h)
}
