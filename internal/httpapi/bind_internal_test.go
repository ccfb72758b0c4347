package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// paramNames are the path and the query parameter names a params type
// declares, embedded structs included, each sorted.
func paramNames(t reflect.Type) (path, query []string) {
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if name := tagName(f.Tag.Get("path")); name != "" {
				path = append(path, name)
			} else if name := tagName(f.Tag.Get("query")); name != "" {
				query = append(query, name)
			} else if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
			}
		}
	}
	walk(t)
	slices.Sort(path)
	slices.Sort(query)
	return path, query
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// TestHandlersBindTheirDocumentedParams calls every route's handler and
// checks that it reads, through bind, exactly the path and query
// parameters of the params struct its route documents in the OpenAPI
// document, and that a route without parameters reads none: a parameter
// cannot be documented and not read, or read and not documented.
func TestHandlersBindTheirDocumentedParams(t *testing.T) {
	t.Parallel()
	// The other services are absent: a handler fails once past its
	// parameters, which is all this test needs of it. The registry gives
	// the views their date, and an administrator passes the permission
	// checks some handlers make before their parameters.
	s := &server{cfg: Config{Version: "t"}, reg: registry.NewService(nil, clock.System(region.DefaultJurisdiction().Zone))}
	admin := auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleAdmin, Scope: "65"}
	for _, rt := range s.routes() {
		var bound []reflect.Type
		r := httptest.NewRequest(rt.method, pathParam.ReplaceAllString(rt.path, "1"), strings.NewReader("{}"))
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			r.SetPathValue(m[1], "1")
		}
		r = r.WithContext(context.WithValue(auth.WithPrincipal(r.Context(), admin), bindRecorderKey{}, &bound))
		func() {
			defer func() { _ = recover() }()
			_ = rt.handler(httptest.NewRecorder(), r)
		}()
		var wantPath, wantQuery []string
		if rt.params != nil {
			wantPath, wantQuery = paramNames(reflect.TypeOf(rt.params))
		}
		switch {
		case len(bound) > 1:
			t.Errorf("%s %s (%s): bound %d params structs, want one", rt.method, rt.path, rt.op, len(bound))
		case len(bound) == 0 && (len(wantPath) > 0 || len(wantQuery) > 0):
			t.Errorf("%s %s (%s): documents path %v and query %v but binds nothing", rt.method, rt.path, rt.op, wantPath, wantQuery)
		case len(bound) == 1:
			path, query := paramNames(bound[0])
			if !slices.Equal(path, wantPath) || !slices.Equal(query, wantQuery) {
				t.Errorf("%s %s (%s): binds %s (path %v, query %v), documents path %v and query %v",
					rt.method, rt.path, rt.op, bound[0], path, query, wantPath, wantQuery)
			}
		}
	}
}

// TestBind checks how bind reads each kind of parameter and that its
// problems name every parameter at fault.
func TestBind(t *testing.T) {
	t.Parallel()
	type params struct {
		ID     int64        `path:"id"`
		Region region.Code  `query:"region"`
		Period period.Month `query:"period" required:"true"`
		From   period.Month `query:"from"`
		AsOf   period.Date  `query:"as_of"`
		Name   string       `query:"name"`
		Year   int          `query:"year"`
		All    bool         `query:"all"`
		pageParams
	}
	get := func(id, query string) *http.Request {
		r := httptest.NewRequest("GET", "/x/"+id+"?"+query, nil)
		r.SetPathValue("id", id)
		return r
	}

	p, err := bind[params](get("7", "region=652301&period=2025-06&from=2025-01&as_of=2025-06-30&name=王&year=2025&all=true&after=3&limit=10"))
	if err != nil {
		t.Fatalf("bind: %v", err)
	}
	want := params{ID: 7, Region: "652301", Period: period.NewMonth(2025, time.June), From: period.NewMonth(2025, time.January),
		AsOf: period.MustDate(2025, time.June, 30), Name: "王", Year: 2025, All: true, pageParams: pageParams{After: 3, Limit: 10}}
	if p != want {
		t.Errorf("bind = %+v, want %+v", p, want)
	}
	if pg := p.page(); pg.After != 3 || pg.Limit != 11 {
		t.Errorf("page = %+v, want after 3 and one more than the limit", pg)
	}

	if pg, err := bind[pageParams](get("7", "")); err != nil || pg.page().Limit != defaultLimit+1 {
		t.Errorf("a bare pageParams binds %+v, %v; want the default limit", pg, err)
	}

	p, err = bind[params](get("7", "period=2025-06"))
	if err != nil || p.From != 0 || p.AsOf != 0 || p.Region != "" || p.Limit != defaultLimit {
		t.Errorf("absent optional parameters: %+v, %v; want zero values and the default limit", p, err)
	}

	for name, c := range map[string]struct {
		id, query string
		message   string
		fields    []string
	}{
		"path":     {"0", "period=2025-06", "invalid path", []string{"id"}},
		"required": {"7", "", "invalid query parameters", []string{"period"}},
		"every bad query parameter": {"7", "period=2025-13&region=1&from=x&as_of=2025-02-30&year=y&all=maybe&limit=501&after=-1",
			"invalid query parameters", []string{"after", "all", "as_of", "from", "limit", "period", "region", "year"}},
	} {
		_, err := bind[params](get(c.id, c.query))
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Message != c.message {
			t.Errorf("%s: err = %v, want an Invalid %q", name, err, c.message)
			continue
		}
		var fields []string
		for f := range fe.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		if !slices.Equal(fields, c.fields) {
			t.Errorf("%s: problems name %v, want %v", name, fields, c.fields)
		}
	}
}
