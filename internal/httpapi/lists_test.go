package httpapi_test

import (
	"net/http"
	"testing"
)

// TestUnknownQueryParameter checks that a query parameter the route does
// not declare is refused with a 422 naming it, on any route, instead of
// being ignored (a misspelt filter returned the whole scope).
func TestUnknownQueryParameter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		path, user, param string
	}{
		{"/api/v1/persons?regoin=652302", "cw1", "regoin"},
		{"/api/v1/persons?region=652301&limit=2&Region=652302", "cw1", "Region"},
		{"/api/v1/me?verbose=1", "cw1", "verbose"},
		{"/api/v1/payment-instructions?stauts=pending", "cw1", "stauts"},
		{"/api/v1/regions/652301?depth=2", "cw1", "depth"},
		{"/api/v1/assistance-items?q=x", "", "q"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := b.do(t, "GET", tt.path, tt.user, nil).problem(t, http.StatusUnprocessableEntity)
			if _, ok := p.field(tt.param); !ok {
				t.Errorf("GET %s: errors %+v do not name %s", tt.path, p.Errors, tt.param)
			}
		})
	}
	// Declared parameters, the embedded page ones among them, still pass.
	for _, path := range []string{"/api/v1/persons?region=652301&limit=2&after=1", "/api/v1/me", "/api/v1/regions?parent=652301"} {
		b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK)
	}
}
