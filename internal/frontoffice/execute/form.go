package execute

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
)

// This file holds the helpers every executor shares to read its form and
// to report what is wrong with it: problems are keyed form.<field> (or
// person_id, organisation_id), all of them at once.

// formInvalid is the message of a form's fault.Invalid.
const formInvalid = "the application's form is not valid"

// decodeForm decodes the form raw, a JSON object, into dst, a pointer to a
// struct whose fields carry json tags. Every problem is reported at once
// as a fault.Invalid whose fault.Problems are keyed form.<field>: a field
// the struct does not have, a value of the wrong type or form (a date
// that is not 2006-01-02, an amount that is not an integer of fen). A
// form that is not an object is a problem of "form". An empty or null
// form decodes to the zero struct; whether a field is required is the
// caller's rule (requireText and its siblings).
func decodeForm(raw json.RawMessage, dst any) error {
	var p fault.Problems
	decodeFormInto(raw, dst, &p)
	return p.Err(formInvalid)
}

// decodeFormInto is decodeForm recording its problems in p, so that a
// Check can add the problems of required fields and of the domain's
// validation and report them all together.
func decodeFormInto(raw json.RawMessage, dst any, p *fault.Problems) {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic("execute: decodeForm wants a pointer to a struct")
	}
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		p.Add("form", "must be a JSON object of the action's fields")
		return
	}
	fields := formFields(rv.Elem())
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			p.Add(formKey(k), "is not a field of this matter's form")
			continue
		}
		target := f.Addr().Interface()
		if err := json.Unmarshal(obj[k], target); err != nil {
			p.Add(formKey(k), "%s", valueReason(f.Type(), err))
		}
	}
}

// formFields maps the json names of the exported fields of the struct v
// (and of its embedded structs) to the fields.
func formFields(v reflect.Value) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			for k, f := range formFields(v.Field(i)) {
				out[k] = f
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out[name] = v.Field(i)
	}
	return out
}

var (
	dateType  = reflect.TypeFor[period.Date]()
	monthType = reflect.TypeFor[period.Month]()
	fenType   = reflect.TypeFor[money.Fen]()
)

// valueReason says what a field of type t must be, for the value that
// failed to decode with err.
func valueReason(t reflect.Type, err error) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case dateType:
		return "must be a date written 2006-01-02 (" + err.Error() + ")"
	case monthType:
		return "must be a month written 2006-01 (" + err.Error() + ")"
	case fenType:
		return "must be an integer amount in fen (分)"
	}
	var ute *json.UnmarshalTypeError
	isType := errors.As(err, &ute)
	switch t.Kind() {
	case reflect.String:
		return "must be text"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "must be a whole number"
	case reflect.Slice, reflect.Array:
		return "must be a list"
	case reflect.Struct, reflect.Map:
		return "must be an object"
	}
	if isType {
		return "has the wrong type: want " + ute.Type.String()
	}
	return "is not valid: " + err.Error()
}

// formKey is the problem key of the form field name.
func formKey(name string) string { return "form." + name }

// requireText records that the form field name is missing when s is blank.
func requireText(p *fault.Problems, name, s string) {
	if strings.TrimSpace(s) == "" {
		p.Add(formKey(name), "is required")
	}
}

// requireDate records that the form field name is missing when d is zero.
func requireDate(p *fault.Problems, name string, d period.Date) {
	if d.IsZero() {
		p.Add(formKey(name), "is required (a date written 2006-01-02)")
	}
}

// requireMonth records that the form field name is missing when m is zero.
func requireMonth(p *fault.Problems, name string, m period.Month) {
	if m.IsZero() {
		p.Add(formKey(name), "is required (a month written 2006-01)")
	}
}

// requireChoice records a problem with the form field name unless s is
// one of values (blank counts as missing).
func requireChoice(p *fault.Problems, name, s string, values ...string) {
	if strings.TrimSpace(s) == "" {
		p.Add(formKey(name), "is required (one of %s)", strings.Join(values, ", "))
		return
	}
	for _, v := range values {
		if s == v {
			return
		}
	}
	p.Add(formKey(name), "must be one of %s, not %q", strings.Join(values, ", "), s)
}

// requirePerson records that the applicant person is missing.
func requirePerson(p *fault.Problems, req Request) {
	if req.Person == 0 {
		p.Add("person_id", "this matter is applied for by a person: the applicant is required")
	}
}

// requireOrganisation records that the applicant employer is missing.
func requireOrganisation(p *fault.Problems, req Request) {
	if req.Organisation == 0 {
		p.Add("organisation_id", "this matter is applied for by an employer: the applicant employer is required")
	}
}

// addProblems moves the field problems of err, a domain service's
// fault.Invalid, into p under the keys of the form, and returns nil; any
// other error (or an Invalid without fields) is returned as it is. rename
// maps a service key to the problem key it becomes ("national_id" to
// "form.national_id", "person_id" to "person_id"); a key it does not name
// becomes form.<key>, and a key already starting with "form." is kept.
func addProblems(p *fault.Problems, err error, rename map[string]string) error {
	if err == nil {
		return nil
	}
	fields := fault.FieldsOf(err)
	if fault.CodeOf(err) != fault.Invalid || len(fields) == 0 {
		return err
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.Add(problemKey(k, rename), "%s", fields[k])
	}
	return nil
}

// asFormError returns err with its field problems under the keys of the
// form (as addProblems renames them), keeping its message; other errors
// are returned unchanged. Execute uses it on the errors of the domain
// service it calls.
func asFormError(err error, rename map[string]string) error {
	if err == nil || fault.CodeOf(err) != fault.Invalid || len(fault.FieldsOf(err)) == 0 {
		return err
	}
	var p fault.Problems
	_ = addProblems(&p, err, rename)
	e := &fault.Error{Code: fault.Invalid, Message: fault.MessageOf(err), Fields: map[string]string(p), Err: err}
	if reasons := fault.FieldReasonsOf(err); len(reasons) > 0 {
		e.FieldReasons = map[string]fault.Reason{}
		for k, r := range reasons {
			e.FieldReasons[problemKey(k, rename)] = r
		}
	}
	return e
}

// problemKey is the form's problem key of a domain service's key k.
func problemKey(k string, rename map[string]string) string {
	if to, ok := rename[k]; ok {
		return to
	}
	if strings.HasPrefix(k, "form.") || k == "person_id" || k == "organisation_id" {
		return k
	}
	return formKey(k)
}

// yuanText writes an amount for the applicant: "1,234.56 元".
func yuanText(f money.Fen) string { return policy.YuanText(f, policy.ZH) }

// monthText writes a month for the applicant: "2026年11月".
func monthText(m period.Month) string { return policy.MonthText(m, policy.ZH) }

// dateText writes a day for the applicant: "2026年11月3日".
func dateText(d period.Date) string { return policy.DateText(d, policy.ZH) }

// label is a field's label in both languages.
func label(zh, en string) matters.Bilingual { return matters.Bilingual{ZH: zh, EN: en} }

// appMark is the words that tie a record's free-text note to the
// application that made it ("办件 SN…"), by which a repeated Execute finds
// its earlier effect where the domain has no key of its own.
func appMark(no string) string { return "办件 " + no }
