package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestReportsShareParamsAndEnvelope runs every GET /api/v1/reports/* the
// OpenAPI document lists: each declares the period parameters from, to and
// region, answers the one envelope naming itself and its months, and a bad
// period is a 422 naming the parameter.
func TestReportsShareParamsAndEnvelope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	var reports []string
	for path, item := range doc.Paths {
		if !strings.HasPrefix(path, "/api/v1/reports/") {
			continue
		}
		reports = append(reports, path)
		var names []string
		for _, p := range item["get"].Parameters {
			if p.In == "query" {
				names = append(names, p.Name)
			}
		}
		for _, want := range []string{"from", "to", "region"} {
			if !slices.Contains(names, want) {
				t.Errorf("%s: query parameters %v lack %s", path, names, want)
			}
		}
	}
	sort.Strings(reports)
	if len(reports) < 7 {
		t.Fatalf("reports %v, want the 7 of assistance, insurance, low-income, payments, pensions, reconciliation, refunds", reports)
	}
	for _, path := range reports {
		t.Run(strings.TrimPrefix(path, "/api/v1/reports/"), func(t *testing.T) {
			var env map[string]json.RawMessage
			b.do(t, "GET", path+"?from=2025-01&to=2025-02&region=652301", "admin", nil).want(t, http.StatusOK).decode(t, &env)
			for _, k := range []string{"report", "region", "from", "to", "generated_at", "rows", "totals"} {
				if _, ok := env[k]; !ok {
					t.Errorf("envelope %v lacks %s", keys(env), k)
				}
			}
			if len(env) != 7 {
				t.Errorf("envelope %v, want exactly report, region, from, to, generated_at, rows, totals", keys(env))
			}
			want := map[string]string{"report": path[strings.LastIndex(path, "/")+1:], "region": "652301", "from": "2025-01", "to": "2025-02"}
			for k, v := range want {
				var got string
				if err := json.Unmarshal(env[k], &got); err != nil || got != v {
					t.Errorf("%s = %s, want %q", k, env[k], v)
				}
			}
			if string(env["rows"]) == "null" {
				t.Errorf("rows is null, want a list")
			}
			for query, field := range map[string]string{
				"to=2025-02":              "from",
				"from=2025-01":            "to",
				"from=2025-13&to=2025-12": "from",
				"from=2025-03&to=2025-01": "to",
				"from=2025-01&to=2025/02": "to",
				"from=2000-01&to=2025-12": "to", // over the default 120 months
			} {
				pb := b.do(t, "GET", path+"?"+query, "admin", nil).problem(t, http.StatusUnprocessableEntity)
				if _, ok := pb.field(field); !ok {
					t.Errorf("?%s: errors %+v, want one naming %s", query, pb.Errors, field)
				}
			}
		})
	}
}

func keys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
