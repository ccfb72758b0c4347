package httpapi

import (
	"cmp"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/registry"
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

// keyPage pages a list computed whole (a report, not a table read by key):
// it sorts recs by key and returns those with a key above page.After, at
// most page.Limit, for newList. The key encodes the record's identity as
// one integer, so that ?after= works as for the lists read by key.
func keyPage[D any](recs []D, page registry.Page, key func(D) int64) []D {
	slices.SortStableFunc(recs, func(a, b D) int { return cmp.Compare(key(a), key(b)) })
	i, _ := slices.BinarySearchFunc(recs, page.After, func(d D, after int64) int {
		if key(d) <= after {
			return -1
		}
		return 1
	})
	recs = recs[i:]
	if len(recs) > page.Limit {
		recs = recs[:page.Limit]
	}
	return recs
}

// wholePage pages a list read whole in a stable order (a catalogue, a
// report, a person's few records): an item's key is its position from 1,
// so ?after= is the position of the previous page's last item. page is
// query.page's, its Limit the page's size and one more.
func wholePage[D, T any](recs []D, page registry.Page, conv func(D) T) listResponse[T] {
	type at struct {
		pos int64
		rec D
	}
	start := int(min(page.After, int64(len(recs))))
	end := min(start+page.Limit, len(recs))
	xs := make([]at, 0, end-start)
	for i := start; i < end; i++ {
		xs = append(xs, at{int64(i + 1), recs[i]})
	}
	return newList(xs, page.Limit, func(x at) int64 { return x.pos }, func(x at) T { return conv(x.rec) })
}
