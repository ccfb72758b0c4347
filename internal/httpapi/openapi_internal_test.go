package httpapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestOpenAPIOperationIDsRequired(t *testing.T) {
	t.Parallel()
	ok := route{method: "GET", path: "/a", op: "getA", tag: "system", status: http.StatusOK, resp: healthResponse{}}
	if _, err := openAPIDocument("t", []route{ok}); err != nil {
		t.Fatalf("a route with an id: %v", err)
	}
	for name, c := range map[string]struct {
		routes []route
		want   string
	}{
		"missing":   {[]route{ok, {method: "GET", path: "/b", tag: "system", status: http.StatusOK}}, `operation id ""`},
		"snake":     {[]route{{method: "GET", path: "/b", op: "get_b", tag: "system", status: http.StatusOK}}, "not camelCase"},
		"duplicate": {[]route{ok, {method: "POST", path: "/a", op: "getA", tag: "system", status: http.StatusOK}}, "taken"},
		"tag":       {[]route{{method: "GET", path: "/b", op: "getB", tag: "nowhere", status: http.StatusOK}}, "not declared"},
	} {
		if _, err := openAPIDocument("t", c.routes); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one saying %q", name, err, c.want)
		}
	}
}
