package httpapi

import "testing"

// TestLongRoutesAreRoutes: every route given the long write timeout is a
// route of the API, so a renamed route cannot silently lose it.
func TestLongRoutesAreRoutes(t *testing.T) {
	have := map[string]bool{}
	for _, rt := range (&server{}).routes() {
		have[rt.method+" "+rt.path] = true
	}
	for r := range longRoutes {
		if !have[r] {
			t.Errorf("long route %s is not a route", r)
		}
	}
}
