package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// bind reads the URL parameters of r into a T: the params struct of the
// route, whose path:"" and query:"" fields the OpenAPI document reflects,
// so that a handler reads exactly the parameters its route documents.
// Fields of embedded structs are read too; a field whose address is a
// paramBinder reads itself.
//
// A field is read by its type: string as given; region.Code a division
// code; int64 a positive integer (an id); int and bool as written;
// period.Month YYYY-MM and period.Date YYYY-MM-DD. An absent parameter
// leaves the zero value, unless the field says required:"true" (a month is
// then required; other types are checked by the handler or the domain).
// Bad path parameters are one 422 "invalid path", bad query parameters one
// 422 "invalid query parameters", each naming every parameter at fault.
func bind[T any](r *http.Request) (T, error) {
	var p T
	v := reflect.ValueOf(&p).Elem()
	if v.Kind() != reflect.Struct {
		panic(fmt.Sprintf("bind: %T is not a params struct", p))
	}
	if rec, ok := r.Context().Value(bindRecorderKey{}).(*[]reflect.Type); ok {
		*rec = append(*rec, v.Type())
	}
	b := binder{r: r, q: r.URL.Query()}
	if selfBinder(v.Type()) {
		any(&p).(paramBinder).bindQuery(b.q, &b.query)
	} else {
		b.fields(v)
	}
	if err := b.path.Err("invalid path"); err != nil {
		return p, err
	}
	if err := b.query.Err("invalid query parameters"); err != nil {
		return p, err
	}
	return p, nil
}

// bindBody binds the URL parameters P of a request (bind) and decodes its
// JSON body B (decode): the first steps of a handler that acts on a
// record named by its path.
func bindBody[P, B any](r *http.Request) (P, B, error) {
	var body B
	p, err := bind[P](r)
	if err != nil {
		return p, body, err
	}
	body, err = decode[B](r)
	return p, body, err
}

// bindRecorderKey is the context key of a *[]reflect.Type to which bind
// appends the params types it reads: how a test proves that every handler
// reads the parameters its route documents.
type bindRecorderKey struct{}

// paramBinder is a params field that reads its own query parameters, such
// as pageParams.
type paramBinder interface {
	bindQuery(q url.Values, pr *fault.Problems)
}

// binder holds the request and the problems found while binding.
type binder struct {
	r           *http.Request
	q           url.Values
	path, query fault.Problems
}

var (
	regionType = reflect.TypeFor[region.Code]()
	monthType  = reflect.TypeFor[period.Month]()
	dateType   = reflect.TypeFor[period.Date]()

	paramBinderType = reflect.TypeFor[paramBinder]()
)

// fields binds the fields of the struct v.
func (b *binder) fields(v reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if selfBinder(f.Type) {
			// An embedded pageParams is an unexported field: bind a copy
			// and set its exported fields, which reflect allows.
			c := reflect.New(f.Type)
			c.Interface().(paramBinder).bindQuery(b.q, &b.query)
			for j := range f.Type.NumField() {
				fv.Field(j).Set(c.Elem().Field(j))
			}
			continue
		}
		if name := tagName(f.Tag.Get("path")); name != "" {
			b.one(fv, f, name, b.r.PathValue(name), &b.path)
			continue
		}
		if name := tagName(f.Tag.Get("query")); name != "" {
			b.one(fv, f, name, b.q.Get(name), &b.query)
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			b.fields(fv)
		}
	}
}

// selfBinder reports whether t is a paramBinder of its own, not by a field
// it embeds: a struct embedding pageParams is bound field by field.
func selfBinder(t reflect.Type) bool {
	if !reflect.PointerTo(t).Implements(paramBinderType) {
		return false
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous && reflect.PointerTo(f.Type).Implements(paramBinderType) {
			return false
		}
	}
	return true
}

// tagName is the name of a path:"" or query:"" tag; "" for none or "-".
func tagName(tag string) string {
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	return name
}

// one parses the parameter name's value s into the field fv, recording a
// problem in pr.
func (b *binder) one(fv reflect.Value, f reflect.StructField, name, s string, pr *fault.Problems) {
	required := f.Tag.Get("required") == "true"
	switch f.Type {
	case regionType:
		if s == "" && f.Tag.Get("path") == "" {
			return
		}
		c, err := region.ParseCode(s)
		if err != nil {
			pr.Add(name, "%v", err)
		}
		fv.Set(reflect.ValueOf(c))
		return
	case monthType:
		if s == "" && !required {
			return
		}
		fv.Set(reflect.ValueOf(periodField(pr, name, s)))
		return
	case dateType:
		if s == "" {
			return
		}
		d, err := period.ParseDate(s)
		if err != nil {
			pr.Add(name, "%v", err)
		}
		fv.Set(reflect.ValueOf(d))
		return
	}
	switch f.Type.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Int64:
		if s == "" && f.Tag.Get("path") == "" {
			return
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			pr.Add(name, "must be a positive integer")
			return
		}
		fv.SetInt(n)
	case reflect.Int:
		if s == "" {
			return
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			pr.Add(name, "must be an integer")
			return
		}
		fv.SetInt(int64(n))
	case reflect.Bool:
		if s == "" {
			return
		}
		v, err := strconv.ParseBool(s)
		if err != nil {
			pr.Add(name, "must be true or false")
			return
		}
		fv.SetBool(v)
	default:
		panic(fmt.Sprintf("bind: parameter %s of type %s", name, f.Type))
	}
}

// queryProblem is the 422 of a query parameter that binds but is not
// valid, such as a status no list knows.
func queryProblem(name, format string, args ...any) error {
	var pr fault.Problems
	pr.Add(name, format, args...)
	return pr.Err("invalid query parameters")
}
