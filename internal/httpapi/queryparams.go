package httpapi

import (
	"net/http"
	"reflect"
	"slices"
	"strings"

	"safetynet/internal/fault"
)

// queryNames returns the query parameters a route's params struct declares
// with query:"" tags, embedded structs included, sorted; none for nil.
func queryNames(params any) []string {
	if params == nil {
		return nil
	}
	var names []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("query"), ","); name != "" && name != "-" {
				names = append(names, name)
				continue
			}
			if f.Anonymous {
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeOf(params))
	slices.Sort(names)
	return slices.Compact(names)
}

// onlyDeclaredQuery answers 422 naming every query parameter the route
// does not declare in its params struct, as decode does for unknown body
// fields: a misspelt filter (?regoin=) must not silently return the whole
// scope.
func onlyDeclaredQuery(rt route, next http.Handler) http.Handler {
	known := queryNames(rt.params)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery == "" {
			next.ServeHTTP(w, r)
			return
		}
		var pr fault.Problems
		for name := range r.URL.Query() {
			if _, ok := slices.BinarySearch(known, name); !ok {
				pr.Add(name, "unknown query parameter; see /api/v1/openapi.json for the parameters of %s %s", rt.method, rt.path)
			}
		}
		if err := pr.Err("the query has a parameter this endpoint does not know"); err != nil {
			writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
