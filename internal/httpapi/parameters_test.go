package httpapi_test

import (
	"net/http"
	"testing"
)

type parameterValueJSON struct {
	From   string `json:"from"`
	Value  string `json:"value"`
	Source string `json:"source"`
	Status string `json:"status"`
}

type parameterJSON struct {
	Key         string               `json:"key"`
	Type        string               `json:"type"`
	Of          string               `json:"of"`
	Unit        string               `json:"unit"`
	Description string               `json:"description"`
	Layer       string               `json:"layer"`
	File        string               `json:"file"`
	Values      []parameterValueJSON `json:"values"`
	Regions     []struct {
		Region string               `json:"region"`
		Name   string               `json:"name"`
		Values []parameterValueJSON `json:"values"`
	} `json:"regions"`
}

func TestListParameters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"all", "", []string{"dibao.asset_months", "dibao.standard", "edge.multiplier", "high_age.amount", "pension.base", "pension.rate"}},
		{"prefix", "?prefix=dibao.", []string{"dibao.asset_months", "dibao.standard"}},
		{"no match", "?prefix=nothing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got listJSON[parameterJSON]
			b.do(t, "GET", "/api/v1/parameters"+tt.query, "cw1", nil).want(t, http.StatusOK).decode(t, &got)
			if got.Items == nil {
				t.Fatal("items is null, want a list")
			}
			var keys []string
			for _, p := range got.Items {
				keys = append(keys, p.Key)
			}
			if len(keys) != len(tt.want) {
				t.Fatalf("GET /api/v1/parameters%s = %v, want %v", tt.query, keys, tt.want)
			}
			for i := range keys {
				if keys[i] != tt.want[i] {
					t.Fatalf("GET /api/v1/parameters%s = %v, want %v", tt.query, keys, tt.want)
				}
			}
		})
	}
	var got listJSON[parameterJSON]
	b.do(t, "GET", "/api/v1/parameters?prefix=high_age", "cw1", nil).want(t, http.StatusOK).decode(t, &got)
	if p := got.Items[0]; p.Type != "scale" || p.Of != "money" || p.Layer != "cn" || p.Values != nil {
		t.Errorf("high_age.amount in the list = %+v, want a scale of money in layer cn, without values", p)
	}
}

func TestGetParameter(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var got parameterJSON
	b.do(t, "GET", "/api/v1/parameters/dibao.standard", "analyst", nil).want(t, http.StatusOK).decode(t, &got)
	if got.Type != "money" || got.Unit != "yuan/month" || got.Layer != "local" || got.File != "local/parameters/local.yaml" {
		t.Errorf("dibao.standard = %+v, want money in yuan/month from local/parameters/local.yaml", got)
	}
	want := []parameterValueJSON{
		{"2024-01-01", "720", "local test", "unconfirmed"},
		{"2025-01-01", "780", "local test", "unconfirmed"},
	}
	if len(got.Values) != len(want) || got.Values[0] != want[0] || got.Values[1] != want[1] {
		t.Errorf("values = %+v, want %+v", got.Values, want)
	}
	if len(got.Regions) != 1 || got.Regions[0].Region != "652302" || got.Regions[0].Name != "阜康市" ||
		len(got.Regions[0].Values) != 1 || got.Regions[0].Values[0].Value != "690" || got.Regions[0].Values[0].From != "2024-01-01" {
		t.Errorf("regions = %+v, want 652302 阜康市 at 690 from 2024-01-01", got.Regions)
	}

	var plain parameterJSON
	b.do(t, "GET", "/api/v1/parameters/pension.rate", "analyst", nil).want(t, http.StatusOK).decode(t, &plain)
	if plain.Regions == nil || len(plain.Regions) != 0 || plain.Values[0].Value != "1%" || plain.Values[0].Status != "confirmed" {
		t.Errorf("pension.rate = %+v, want 1%% confirmed and an empty list of regions", plain)
	}

	p := b.do(t, "GET", "/api/v1/parameters/dibao.nothing", "analyst", nil).problem(t, http.StatusNotFound)
	if p.Detail != "parameter dibao.nothing not found" {
		t.Errorf("detail = %q, want the key named", p.Detail)
	}
	b.do(t, "GET", "/api/v1/parameters/dibao.standard", "", nil).problem(t, http.StatusUnauthorized)
}
