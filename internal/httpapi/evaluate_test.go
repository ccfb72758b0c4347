package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

type decisionJSON struct {
	Programme  string `json:"programme"`
	Period     string `json:"period"`
	AsOf       string `json:"as_of"`
	Eligible   bool   `json:"eligible"`
	Why        string `json:"why"`
	Amount     int64  `json:"amount"`
	AmountExpr string `json:"amount_expr"`
	Conditions []struct {
		Name  string `json:"name"`
		Expr  string `json:"expr"`
		Value bool   `json:"value"`
	} `json:"conditions"`
	Parameters []struct {
		Key    string `json:"key"`
		Value  string `json:"value"`
		From   string `json:"from"`
		Region string `json:"region"`
	} `json:"parameters"`
	Requirements []struct {
		Programme string `json:"programme"`
		Kind      string `json:"kind"`
		Holds     bool   `json:"holds"`
	} `json:"requirements"`
}

// household is a dibao case's inputs, with changes.
func household(changes map[string]any) map[string]any {
	in := map[string]any{"members": 3, "total_income": 150000, "financial_assets": 0, "hukou_local": true}
	for k, v := range changes {
		if v == nil {
			delete(in, k)
			continue
		}
		in[k] = v
	}
	return in
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := func(programme, period, region string, inputs map[string]any) map[string]any {
		return map[string]any{"programme": programme, "period": period,
			"case": map[string]any{"entity": "household", "region": region, "inputs": inputs}}
	}
	tests := []struct {
		name       string
		body       map[string]any
		eligible   bool
		amount     int64
		standard   string // the value of dibao.standard read
		from       string // and its date
		overridden string // the county override used
	}{
		// The local layer's standard, 780 yuan from 2025: (780 - 500) × 3.
		{"eligible", body("dibao", "2025-01", "652301001001", household(nil)), true, 84000, "780.00 yuan", "2025-01-01", ""},
		{"standard of 2024", body("dibao", "2024-12", "652301001001", household(nil)), true, 66000, "720.00 yuan", "2024-01-01", ""},
		{"county override", body("dibao", "2024-06", "652302001001", household(nil)), true, 57000, "690.00 yuan", "2024-01-01", "652302"},
		{"income at the standard", body("dibao", "2025-01", "652301001001", household(map[string]any{"total_income": 234000})), false, 0, "780.00 yuan", "2025-01-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d decisionJSON
			b.do(t, "POST", "/api/v1/evaluate", "cw1", tt.body).want(t, http.StatusOK).decode(t, &d)
			if d.Eligible != tt.eligible || d.Amount != tt.amount {
				t.Errorf("eligible %v, amount %d (%s); want %v, %d", d.Eligible, d.Amount, d.Why, tt.eligible, tt.amount)
			}
			if len(d.Conditions) != 3 || d.Conditions[1].Name != "income_below_standard" || d.Conditions[1].Value != tt.eligible {
				t.Errorf("conditions = %+v, want income_below_standard %v", d.Conditions, tt.eligible)
			}
			if len(d.Parameters) == 0 || d.Parameters[0].Key != "dibao.standard" || d.Parameters[0].Value != tt.standard ||
				d.Parameters[0].From != tt.from || d.Parameters[0].Region != tt.overridden {
				t.Errorf("parameters = %+v, want dibao.standard %s from %s (override %q)", d.Parameters, tt.standard, tt.from, tt.overridden)
			}
			if d.AmountExpr == "" || d.Why == "" || d.Programme != "dibao" {
				t.Errorf("decision %+v lacks its programme, amount expression or summary", d)
			}
		})
	}

	// A programme that excludes another reports it as a requirement.
	var d decisionJSON
	b.do(t, "POST", "/api/v1/evaluate", "analyst", body("dibao_edge", "2025-01", "652301001001", household(nil))).
		want(t, http.StatusOK).decode(t, &d)
	if d.Eligible || len(d.Requirements) != 1 || d.Requirements[0].Programme != "dibao" || d.Requirements[0].Kind != "excludes" || d.Requirements[0].Holds {
		t.Errorf("dibao_edge of a dibao household = %+v, want refused: excludes dibao does not hold", d)
	}
}

func TestEvaluateInvalid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name   string
		body   any
		status int
		fields map[string]string // field → text its problem contains
	}{
		{"missing inputs", map[string]any{"programme": "dibao", "period": "2025-01",
			"case": map[string]any{"inputs": household(map[string]any{"members": nil, "financial_assets": nil})}},
			422, map[string]string{"case.inputs.members": "is missing", "case.inputs.financial_assets": "is missing"}},
		{"ill-typed and unknown inputs", map[string]any{"programme": "dibao", "period": "2025-01",
			"case": map[string]any{"inputs": household(map[string]any{"members": "three", "pets": 2})}},
			422, map[string]string{"case.inputs.members": "whole number", "case.inputs.pets": "no input pets"}},
		{"wrong entity", map[string]any{"programme": "dibao", "period": "2025-01",
			"case": map[string]any{"entity": "person", "inputs": household(nil)}},
			422, map[string]string{"case.entity": "decides a household"}},
		{"bad region", map[string]any{"programme": "dibao", "period": "2025-01",
			"case": map[string]any{"region": "12", "inputs": household(nil)}},
			422, map[string]string{"case.region": "digits"}},
		{"unknown programme and bad period", map[string]any{"programme": "nothing", "period": "2025-13",
			"case": map[string]any{"inputs": household(nil)}},
			422, map[string]string{"programme": "unknown programme", "period": ""}},
		{"no programme or period", map[string]any{"case": map[string]any{"inputs": household(nil)}},
			422, map[string]string{"programme": "is required", "period": "is required"}},
		{"no parameter value yet", map[string]any{"programme": "dibao", "period": "2023-06",
			"case": map[string]any{"inputs": household(nil)}},
			422, map[string]string{"period": "no value on 2023-06-01"}},
		{"division by zero", map[string]any{"programme": "dibao", "period": "2025-01",
			"case": map[string]any{"inputs": household(map[string]any{"members": 0})}},
			422, map[string]string{"per_capita_income": "division by zero"}},
		{"unknown body field", map[string]any{"programme": "dibao", "period": "2025-01", "cases": 1},
			422, map[string]string{"cases": "unknown field"}},
		{"not JSON", "{", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.do(t, "POST", "/api/v1/evaluate", "cw1", tt.body).problem(t, tt.status)
			for f, want := range tt.fields {
				got, ok := p.field(f)
				if !ok || !strings.Contains(got, want) {
					t.Errorf("problem %+v: field %s = %q, want one containing %q", p, f, got, want)
				}
			}
			if len(tt.fields) > 0 && len(p.Errors) != len(tt.fields) {
				t.Errorf("problem names %d fields, want %d: %+v", len(p.Errors), len(tt.fields), p.Errors)
			}
		})
	}
	b.do(t, "POST", "/api/v1/evaluate", "", map[string]any{}).problem(t, http.StatusUnauthorized)
}

type whatIfJSON struct {
	Programme string `json:"programme"`
	Period    string `json:"period"`
	Overrides []struct {
		Key, From, Value, Region string
	} `json:"overrides"`
	Rows  []whatIfRowJSON `json:"rows"`
	Total whatIfRowJSON   `json:"total"`
	Cases int             `json:"cases"`
	Seed  int64           `json:"seed"`
}

type tallyJSON struct {
	Count int   `json:"count"`
	Total int64 `json:"total"`
}

type whatIfRowJSON struct {
	Region     string    `json:"region"`
	Name       string    `json:"name"`
	Before     tallyJSON `json:"before"`
	After      tallyJSON `json:"after"`
	DeltaCount int       `json:"delta_count"`
	DeltaTotal int64     `json:"delta_total"`
}

func TestWhatIf(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req := map[string]any{"programme": "dibao", "period": "2025-01", "persons": 1000, "seed": 7,
		"overrides": []map[string]any{{"key": "dibao.standard", "from": "2025-01", "value": "900"}}}
	var got whatIfJSON
	b.do(t, "POST", "/api/v1/whatif", "analyst", req).want(t, http.StatusOK).decode(t, &got)
	if got.Cases != 1000 || got.Seed != 7 || got.Programme != "dibao" || len(got.Overrides) != 1 || got.Overrides[0].From != "2025-01-01" {
		t.Errorf("report %+v: want 1000 cases, seed 7, the override from 2025-01-01", got)
	}
	if len(got.Rows) != 2 || got.Rows[0].Region != "652301" || got.Rows[0].Name != "昌吉市" || got.Rows[1].Region != "652302" {
		t.Fatalf("rows = %+v, want 652301 昌吉市 and 652302", got.Rows)
	}
	sum := 0
	for _, r := range got.Rows {
		sum += r.After.Count
		if r.After.Count < r.Before.Count || r.After.Total <= r.Before.Total || r.DeltaTotal != r.After.Total-r.Before.Total {
			t.Errorf("row %+v: a higher standard should grant more, and cost more", r)
		}
	}
	if got.Total.Region != "total" || got.Total.After.Count != sum || got.Total.DeltaCount <= 0 {
		t.Errorf("total = %+v, want the sum of the rows (%d after) and more beneficiaries", got.Total, sum)
	}

	// The same seed gives the same report.
	var again whatIfJSON
	b.do(t, "POST", "/api/v1/whatif", "cw2", req).want(t, http.StatusOK).decode(t, &again)
	if a, g := mustJSON(t, again), mustJSON(t, got); a != g {
		t.Errorf("second report differs:\n%s\n%s", a, g)
	}
}

func TestWhatIfInvalid(t *testing.T) {
	t.Parallel()
	b := setup(t)
	override := func(key, from, value string) []map[string]any {
		return []map[string]any{{"key": key, "from": from, "value": value}}
	}
	tests := []struct {
		name   string
		body   map[string]any
		fields map[string]string
	}{
		{"unknown key", map[string]any{"programme": "dibao", "period": "2025-01", "overrides": override("dibao.nothing", "2025-01", "900")},
			map[string]string{"overrides[0].key": "unknown parameter dibao.nothing"}},
		{"bad value", map[string]any{"programme": "dibao", "period": "2025-01", "overrides": override("dibao.standard", "2025-01", "lots")},
			map[string]string{"overrides[0].value": "lots"}},
		{"a scale", map[string]any{"programme": "high_age_allowance", "period": "2025-01", "overrides": override("high_age.amount", "2025-01", "1")},
			map[string]string{"overrides[0].value": "scale"}},
		{"bad date and region", map[string]any{"programme": "dibao", "period": "2025-01",
			"overrides": []map[string]any{{"key": "dibao.standard", "from": "soon", "value": "900", "region": "x"}}},
			map[string]string{"overrides[0].from": "soon", "overrides[0].region": "digit"}},
		{"no overrides", map[string]any{"programme": "dibao", "period": "2025-01", "overrides": []any{}},
			map[string]string{"overrides": "at least one"}},
		{"too many cases", map[string]any{"programme": "dibao", "period": "2025-01", "persons": 200_001,
			"overrides": override("dibao.standard", "2025-01", "900")},
			map[string]string{"persons": "200000"}},
		{"no cases", map[string]any{"programme": "dibao", "period": "2025-01", "persons": 0,
			"overrides": override("dibao.standard", "2025-01", "900")},
			map[string]string{"persons": "from 1"}},
		{"unknown programme", map[string]any{"programme": "nothing", "period": "2025-01", "overrides": override("dibao.standard", "2025-01", "900")},
			map[string]string{"programme": "unknown programme"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.do(t, "POST", "/api/v1/whatif", "analyst", tt.body).problem(t, http.StatusUnprocessableEntity)
			for f, want := range tt.fields {
				if got, ok := p.field(f); !ok || !strings.Contains(got, want) {
					t.Errorf("problem %+v: field %s = %q, want one containing %q", p, f, got, want)
				}
			}
		})
	}
	b.do(t, "POST", "/api/v1/whatif", "", map[string]any{}).problem(t, http.StatusUnauthorized)
}

func TestPolicyRoutesInOpenAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK).decode(t, &doc)
	for path, method := range map[string]string{
		"/api/v1/programmes": "get", "/api/v1/programmes/{id}": "get", "/api/v1/parameters": "get",
		"/api/v1/parameters/{key}": "get", "/api/v1/evaluate": "post", "/api/v1/whatif": "post",
	} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("the OpenAPI document lacks %s %s", strings.ToUpper(method), path)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
