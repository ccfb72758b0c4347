package execute

import (
	"encoding/json"
	"fmt"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/period"
)

// coreForm reads the form of the executors of the front office's core
// (enrol, certify, certificate): a JSON object, its problems collected
// under form.<field>.
type coreForm struct {
	fields map[string]json.RawMessage
	pr     fault.Problems
}

// readCoreForm parses raw; a form that is not a JSON object is a problem
// of form.
func readCoreForm(raw json.RawMessage) *coreForm {
	f := &coreForm{fields: map[string]json.RawMessage{}}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return f
	}
	if err := json.Unmarshal(raw, &f.fields); err != nil {
		f.pr.Add("form", "is not a JSON object: %v", err)
	}
	return f
}

// has reports whether the form gives the field.
func (f *coreForm) has(name string) bool {
	v, ok := f.fields[name]
	return ok && string(v) != "null"
}

// text reads a text field; required says a missing one is a problem.
func (f *coreForm) text(name string, required bool) string {
	if !f.has(name) {
		if required {
			f.pr.Add("form."+name, "is required")
		}
		return ""
	}
	var s string
	if err := json.Unmarshal(f.fields[name], &s); err != nil {
		f.pr.Add("form."+name, "want a text")
		return ""
	}
	s = strings.TrimSpace(s)
	if s == "" && required {
		f.pr.Add("form."+name, "is required")
	}
	return s
}

// int reads an integer field (an amount in fen, a count, an id).
func (f *coreForm) int(name string, required bool) int64 {
	if !f.has(name) {
		if required {
			f.pr.Add("form."+name, "is required")
		}
		return 0
	}
	var n int64
	if err := json.Unmarshal(f.fields[name], &n); err != nil {
		f.pr.Add("form."+name, "want an integer")
	}
	return n
}

// month reads a month field (2006-01).
func (f *coreForm) month(name string, required bool) period.Month {
	s := f.text(name, required)
	if s == "" {
		return 0
	}
	m, err := period.ParseMonth(s)
	if err != nil {
		f.pr.Add("form."+name, "%v", err)
	}
	return m
}

// date reads a date field (2006-01-02).
func (f *coreForm) date(name string, required bool) period.Date {
	s := f.text(name, required)
	if s == "" {
		return 0
	}
	d, err := period.ParseDate(s)
	if err != nil {
		f.pr.Add("form."+name, "%v", err)
	}
	return d
}

// choice reads a text field that must be one of values.
func (f *coreForm) choice(name string, required bool, values ...string) string {
	s := f.text(name, required)
	if s == "" {
		return ""
	}
	for _, v := range values {
		if s == v {
			return s
		}
	}
	f.pr.Add("form."+name, "want one of %s, not %q", strings.Join(values, ", "), s)
	return ""
}

// err returns the problems as a fault.Invalid, or nil.
func (f *coreForm) err(what string) error { return f.pr.Err(fmt.Sprintf("invalid %s", what)) }

// coreZhMonth writes a month as 2026年11月.
func coreZhMonth(m period.Month) string {
	d := m.First()
	return fmt.Sprintf("%d年%d月", d.Year(), int(d.MonthOfYear()))
}

// coreZhDay writes a date as 2026年11月3日.
func coreZhDay(d period.Date) string {
	y, mo, day := d.YMD()
	return fmt.Sprintf("%d年%d月%d日", y, int(mo), day)
}
