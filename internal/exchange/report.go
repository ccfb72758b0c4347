package exchange

import (
	"fmt"
	"strconv"
	"strings"

	"safetynet/internal/fault"
)

// Rule names the rule (校验规则) a [Problem] breaks, as a stable snake_case code for
// API clients. Besides the constants below, a resident ID or USCC problem
// carries the [ids.Reason] code of the failed check: "length",
// "characters", "region", "birth_date", "check_digit", "authority",
// "division", "org_code_check" or "check_char".
type Rule string

// The rules of the file as a whole.
const (
	RuleFormat          Rule = "format"           // not a readable CSV or XLSX file, or no such sheet
	RuleEncoding        Rule = "encoding"         // a line not valid in the file's encoding, or UTF-16
	RuleNoHeader        Rule = "no_header"        // no header line with known column names
	RuleMissingColumn   Rule = "missing_column"   // a required column is not in the header
	RuleDuplicateColumn Rule = "duplicate_column" // two columns give the same field
	RuleTooManyRows     Rule = "too_many_rows"    // more data rows than Options.MaxRows
)

// The rules of a line.
const (
	RuleLineTooLong  Rule = "line_too_long"  // a line (or quoted record) longer than Options.MaxLineBytes
	RuleQuote        Rule = "quote"          // a malformed or unterminated quoted field
	RuleFieldCount   Rule = "field_count"    // not as many fields as the header
	RuleEmptyLine    Rule = "empty_line"     // an empty line between data lines
	RuleDuplicateKey Rule = "duplicate_key"  // the key of an earlier row again
	RuleInconsistent Rule = "inconsistent"   // Profile.CheckFunc found values that do not fit together
	RuleUSCCFlagged  Rule = "uscc_check"     // a warning: a USCC accepted despite a wrong check character
	RuleUnnamedData  Rule = "unnamed_column" // a warning: data under a column with no header, ignored
)

// The rules of a value.
const (
	RuleRequired       Rule = "required"         // a required value is empty
	RuleInvalid        Rule = "invalid"          // not a value of the field's kind
	RuleOutOfRange     Rule = "out_of_range"     // a number or year outside the accepted range
	RuleNegative       Rule = "negative"         // a negative amount where none is allowed
	RuleFuture         Rule = "future"           // a date after the reading date
	RuleNotInList      Rule = "not_in_list"      // not one of an enum's texts
	RuleControl        Rule = "control_char"     // text with a control character
	RuleTooLong        Rule = "too_long"         // text longer than Field.MaxLen
	RuleStoredAsNumber Rule = "stored_as_number" // an identifier that Excel stored as a number, losing digits
)

// Problem is one thing wrong with a file (问题): with the file as a whole, a
// line, or one value. It is also the error [Field.Parse] returns.
type Problem struct {
	// Line is the line (CSV) or row (XLSX) number, counting from 1, where
	// the problem is; for a record that spans lines, the first. It is 0 for
	// a problem with the whole file.
	Line int `json:"line,omitempty"`
	// Column is the column number, counting from 1, when the problem is
	// about one cell or column.
	Column int `json:"column,omitempty"`
	// Field is the profile field the problem is about, if any.
	Field string `json:"field,omitempty"`
	// Header is the header text of the column in the file, or the profile's
	// main header text for a missing column.
	Header string `json:"header,omitempty"`
	// Value is the value at fault, trimmed, shortened, and masked if it is a
	// resident ID or may be another personal number.
	Value string `json:"value,omitempty"`
	// Rule is the rule broken.
	Rule Rule `json:"rule"`
	// Reason says what is wrong, in English, without repeating Value.
	Reason string `json:"reason"`

	err error
}

// Error returns a message such as "row 12: id_number: check digit is 4,
// want 5".
func (p *Problem) Error() string {
	var b strings.Builder
	if p.Line > 0 {
		b.WriteString("row ")
		b.WriteString(strconv.Itoa(p.Line))
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Reason)
	return b.String()
}

// Unwrap returns the underlying parse error, such as an
// [*ids.ResidentIDError], if any.
func (p *Problem) Unwrap() error { return p.err }

// Column describes one column of the file's header (表头).
type Column struct {
	// Number is the column number, counting from 1.
	Number int `json:"number"`
	// Header is the header text as found (trimmed).
	Header string `json:"header"`
	// Field is the profile field the column gives, or "" if it is ignored.
	Field string `json:"field,omitempty"`
}

// Report is the validation report of one file (校验报告).
type Report struct {
	// Profile and Title name the profile the file was read with.
	Profile string `json:"profile"`
	Title   string `json:"title"`
	// File is the file name given to Read.
	File string `json:"file"`
	// Format is "csv" or "xlsx".
	Format string `json:"format"`
	// Encoding is the detected encoding of a CSV file: "utf-8",
	// "utf-8-bom" or "gb18030".
	Encoding string `json:"encoding,omitempty"`
	// Sheet is the sheet read from an XLSX file.
	Sheet string `json:"sheet,omitempty"`
	// HeaderLine is the line of the header; the lines above it are titles.
	HeaderLine int `json:"header_line,omitempty"`
	// Columns are the header's columns and the fields they give.
	Columns []Column `json:"columns,omitempty"`
	// Ignored lists the header texts of columns that give no field.
	Ignored []string `json:"ignored,omitempty"`
	// Records is the number of non-empty lines (records) after the header.
	Records int `json:"records"`
	// Rows is the number of records that passed every check; BadRows the
	// number that did not. Records = Rows + BadRows.
	Rows    int `json:"rows"`
	BadRows int `json:"bad_rows"`
	// Problems lists the problems in line order, the file's own (line 0)
	// first, up to Options.MaxProblems. ProblemCount counts them all. Any
	// problem rejects the file.
	Problems     []Problem `json:"problems,omitempty"`
	ProblemCount int       `json:"problem_count"`
	// Warnings lists what was accepted but should be looked at, such as a
	// USCC with a wrong check character, up to Options.MaxProblems.
	// WarningCount counts them all.
	Warnings     []Problem `json:"warnings,omitempty"`
	WarningCount int       `json:"warning_count,omitempty"`
}

// OK reports whether the file was accepted: it has no problems.
func (r *Report) OK() bool { return r.ProblemCount == 0 }

// maxErrFields caps the problems listed in the error from [Report.Err].
const maxErrFields = 100

// Err returns nil if the file was accepted, otherwise a [fault.Invalid]
// error whose Fields map "row 12: id_number" (or "row 12" for a problem
// with the whole line, "file" for one with the whole file) to the reason,
// with the masked value. It lists at most 100 problems; its message gives
// the total.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	fields := make(map[string]string, min(len(r.Problems), maxErrFields))
	listed := 0
	for _, p := range r.Problems {
		key := "file"
		if p.Line > 0 {
			key = "row " + strconv.Itoa(p.Line)
		}
		if p.Field != "" {
			key += ": " + p.Field
		}
		reason := p.Reason
		if p.Value != "" {
			reason += fmt.Sprintf(" (value %q)", p.Value)
		}
		if prev, ok := fields[key]; ok {
			fields[key] = prev + "; " + reason
			listed++
			continue
		}
		if len(fields) == maxErrFields {
			break
		}
		fields[key] = reason
		listed++
	}
	msg := fmt.Sprintf("%s rejected: %s in %s", r.File, plural(r.ProblemCount, "problem"), plural(r.BadRows, "bad row"))
	if r.BadRows == 0 {
		msg = fmt.Sprintf("%s rejected: %s", r.File, plural(r.ProblemCount, "problem"))
	}
	if listed < r.ProblemCount {
		msg += fmt.Sprintf(" (first %d listed)", listed)
	}
	return &fault.Error{Code: fault.Invalid, Message: msg, Fields: fields}
}

// plural returns "1 problem" or "3 problems".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
