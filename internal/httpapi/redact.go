package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"

	"safetynet/internal/auth"
	"safetynet/internal/policy"
)

// The masked ID number (652301********0016) hides exactly the birth date,
// so that a full birth date, or a date computed from it such as a
// statutory retirement date, gives the number away. Decisions of the
// policy engine carry such dates among their inputs and variables. For a
// principal without auth.PermPII, reply passes every response through
// redactPersonal, which finds each part that implements redactor, however
// deep, and has it hide those dates: a date shows its year only.

// redactor is a part of a response that can hide what would rebuild a
// masked ID number, for a principal who may not see personal data.
type redactor interface {
	redact()
}

// mayNotSeePII reports whether the request's principal lacks auth.PermPII
// (and so whether its responses are redacted); public requests have no
// principal and lack it.
func mayNotSeePII(r *http.Request) bool {
	p, ok := auth.PrincipalFrom(r.Context())
	return !ok || !p.Can(auth.PermPII)
}

// redactorType is the redactor interface's type.
var redactorType = reflect.TypeFor[redactor]()

// mayHold caches, per type, whether a value of it can hold a redactor, so
// that the replies with none (most lists) are not walked field by field.
var mayHold sync.Map // reflect.Type → bool

// canHoldRedactor reports whether a value of type t can hold a redactor:
// it is one, or a field, element or pointee can be; an interface can hold
// anything. Only whole answers are cached, never one cut short by a cycle.
func canHoldRedactor(t reflect.Type) bool {
	if v, ok := mayHold.Load(t); ok {
		return v.(bool)
	}
	holds := holdsRedactor(t, map[reflect.Type]bool{})
	mayHold.Store(t, holds)
	return holds
}

// holdsRedactor is canHoldRedactor's walk; seen breaks cycles of recursive
// types.
func holdsRedactor(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holdsRedactor(t.Elem(), seen)
	case reflect.Struct:
		if reflect.PointerTo(t).Implements(redactorType) {
			return true
		}
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && holdsRedactor(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// redactPersonal has every redactor in v, which must be addressable (a
// pointer's element), hide its personal dates.
func redactPersonal(v reflect.Value) {
	if !canHoldRedactor(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			redactPersonal(v.Elem())
		}
	case reflect.Struct:
		if v.CanAddr() {
			if r, ok := v.Addr().Interface().(redactor); ok {
				r.redact()
			}
		}
		t := v.Type()
		for i := range v.NumField() {
			if t.Field(i).IsExported() {
				redactPersonal(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		switch v.Type().Elem().Kind() {
		case reflect.Struct, reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Array:
		default:
			return // bytes, numbers, strings: nothing to redact
		}
		for i := range v.Len() {
			redactPersonal(v.Index(i))
		}
	}
}

// redacted returns a copy of v with its personal dates hidden (see
// redactPersonal). The copy is shallow: v's slices and maps are redacted
// in place, which is fine for a response built for one request.
func redacted[T any](v T) T {
	p := reflect.New(reflect.TypeOf(&v).Elem())
	p.Elem().Set(reflect.ValueOf(&v).Elem())
	redactPersonal(p.Elem())
	return p.Elem().Interface().(T)
}

// isoDate matches a date as the policy engine and the API write it.
var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// personalValue returns a decision value as a principal without
// auth.PermPII sees it: a date, or anything named after a birth, as its
// year only, with type "year".
func personalValue(name, typ, value string) (string, string) {
	if typ == policy.TDate.String() || strings.Contains(name, "birth") || isoDate.MatchString(value) {
		if len(value) >= 4 {
			return "year", value[:4]
		}
		return "year", ""
	}
	return typ, value
}

// redact hides the dates of the decision's inputs and variables.
func (d *decisionResponse) redact() {
	for _, vs := range [][]valueResponse{d.Inputs, d.Variables} {
		for i := range vs {
			vs[i].Type, vs[i].Value = personalValue(vs[i].Name, vs[i].Type, vs[i].Value)
		}
	}
}

// operandDate matches a date among the operands a reason lists for a
// failed condition ("with age = 59, birth_date = 1966-03-01"): a name
// after a space or a comma, so that a parameter's dated value ("p.x = 5
// from 2025-07-01") does not match.
var operandDate = regexp.MustCompile(`(^|[ ,])([a-z_]+) = (\d{4})-\d{2}-\d{2}`)

// redact hides the dates among the operands of the reasons; the
// decisions and the means test redact themselves.
func (e *householdExplanationResponse) redact() {
	for i, r := range e.Reasons {
		e.Reasons[i] = operandDate.ReplaceAllString(r, "${1}${2} = ${3}")
	}
}

// redact hides a member's birth date; the birth year stays.
func (m *memberResponse) redact() { m.BirthDate = "" }

// redact hides the dates among the inputs an alert was graded from.
func (e *explanationResponse) redact() {
	for k, raw := range e.Inputs {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			if strings.Contains(k, "birth") {
				e.Inputs[k] = json.RawMessage(`null`)
			}
			continue
		}
		if _, v := personalValue(k, "", s); v != s {
			b, _ := json.Marshal(v) // a string always marshals
			e.Inputs[k] = b
		}
	}
}

// redactedValues returns vs with their dates hidden, for a printable page.
func redactedValues(vs []policy.Value) []policy.Value {
	out := make([]policy.Value, len(vs))
	for i, v := range vs {
		out[i] = v
		out[i].Type, out[i].Value = personalValue(v.Name, v.Type, v.Value)
	}
	return out
}
