package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// openAPIDoc fetches the served OpenAPI document of a test server.
func openAPIDoc(t *testing.T) (raw []byte, doc map[string]any) {
	t.Helper()
	b := setup(t)
	r := b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK)
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("decode the OpenAPI document: %v", err)
	}
	return r.body, doc
}

// operations calls f with every operation of the document's paths.
func operations(doc map[string]any, f func(path, method string, op map[string]any)) {
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			if op, ok := op.(map[string]any); ok {
				f(path, method, op)
			}
		}
	}
}

func TestOpenAPIServersSecurityTags(t *testing.T) {
	t.Parallel()
	_, doc := openAPIDoc(t)

	servers, _ := doc["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["url"] != "/" {
		t.Errorf("servers = %v, want one with url /", doc["servers"])
	}
	security, _ := doc["security"].([]any)
	if len(security) == 0 {
		t.Errorf("no global security requirement: %v", doc["security"])
	}
	for _, req := range security {
		for name := range req.(map[string]any) {
			if name != "bearer" && name != "cookie" {
				t.Errorf("global security names %q, not a declared scheme", name)
			}
		}
	}

	declared := map[string]bool{}
	tags, _ := doc["tags"].([]any)
	for _, tg := range tags {
		tg := tg.(map[string]any)
		name, _ := tg["name"].(string)
		if desc, _ := tg["description"].(string); desc == "" {
			t.Errorf("tag %q has no description", name)
		}
		declared[name] = true
	}

	public := map[string]bool{
		"GET /healthz": true, "GET /api/v1/openapi.json": true, "GET /api/v1/openapi-3.0.json": true, "POST /api/v1/login": true,
		"GET /api/v1/assistance-items": true, "GET /api/v1/assistance-items/{id}": true,
		"GET /api/v1/assistance-items/export.xlsx": true,
		"GET /api/v1/matters":                      true, "GET /api/v1/matters/{id}": true, "GET /api/v1/service-points": true,
		"GET /api/v1/service-points/{id}": true, "GET /api/v1/calendar/working-days": true,
		"POST /api/v1/citizen/code": true, "POST /api/v1/citizen/session": true, "DELETE /api/v1/citizen/session": true,
		"GET /api/v1/citizen/me": true, "GET /api/v1/citizen/idp/start": true, "GET /api/v1/citizen/idp/callback": true,
		"POST /api/v1/citizen/certification/face/start": true, "POST /api/v1/citizen/certification/face/result": true,
	}
	used := map[string]bool{}
	operations(doc, func(path, method string, op map[string]any) {
		key := httpMethod(method) + " " + path
		for _, tg := range op["tags"].([]any) {
			used[tg.(string)] = true
			if !declared[tg.(string)] {
				t.Errorf("%s uses undeclared tag %q", key, tg)
			}
		}
		sec, has := op["security"]
		switch {
		case public[key]:
			if list, ok := sec.([]any); !has || !ok || len(list) != 0 {
				t.Errorf("public %s: security = %v, want []", key, sec)
			}
		case has:
			t.Errorf("%s: security = %v, want the global requirement", key, sec)
		}
	})
	for name := range declared {
		if !used[name] {
			t.Errorf("tag %q is declared but no operation uses it", name)
		}
	}
}

func httpMethod(m string) string {
	b := []byte(m)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestOpenAPIOperationIDs(t *testing.T) {
	t.Parallel()
	_, doc := openAPIDoc(t)
	camel := regexp.MustCompile(`^[a-z]+(?:[A-Z0-9][a-z0-9]*)*$`)
	seen := map[string]string{}
	n := 0
	operations(doc, func(path, method string, op map[string]any) {
		n++
		key := httpMethod(method) + " " + path
		id, _ := op["operationId"].(string)
		if !camel.MatchString(id) {
			t.Errorf("%s: operationId %q is not camelCase", key, id)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("%s and %s share operationId %q", other, key, id)
		}
		seen[id] = key
	})
	// Chosen by hand, not derived from the path.
	for id, want := range map[string]string{
		"listPersons":          "GET /api/v1/persons",
		"getPerson":            "GET /api/v1/persons/{id}",
		"decideAssistanceCase": "POST /api/v1/assistance-cases/{id}/decision",
		"decideBankAccount":    "POST /api/v1/bank-accounts/{id}/decision",
		"signIn":               "POST /api/v1/login",
	} {
		if seen[id] != want {
			t.Errorf("operationId %s names %q, want %s", id, seen[id], want)
		}
	}
	if n < 100 {
		t.Errorf("only %d operations in the document", n)
	}
}

func TestOpenAPIAmountsInFen(t *testing.T) {
	t.Parallel()
	_, doc := openAPIDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	notMoney := regexp.MustCompile(`^(id|version|seq|seed|cursor|next_after|supersedes|source_ref)$|_id$|_by$`)
	n := 0
	for name, s := range schemas {
		props, _ := s.(map[string]any)["properties"].(map[string]any)
		for prop, p := range props {
			p := p.(map[string]any)
			if p["format"] != "int64" || notMoney.MatchString(prop) {
				continue
			}
			n++
			if desc, _ := p["description"].(string); !strings.Contains(desc, "fen") {
				t.Errorf("%s.%s: description %q does not say the amount is in fen", name, prop, desc)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d amounts in the document's schemas", n)
	}
	// For instance, a payment batch's total.
	total, _ := schemas["BatchResponse"].(map[string]any)["properties"].(map[string]any)["total"].(map[string]any)
	if desc, _ := total["description"].(string); !strings.Contains(desc, "fen") {
		t.Errorf("BatchResponse.total: description %q, want it in fen", desc)
	}
}

func TestOpenAPIOperationDescriptions(t *testing.T) {
	t.Parallel()
	_, doc := openAPIDoc(t)
	operations(doc, func(path, method string, op map[string]any) {
		key := httpMethod(method) + " " + path
		desc, _ := op["description"].(string)
		if desc == "" {
			t.Errorf("%s has no description", key)
		}
		if path == "/api/v1/bank-accounts/{id}/decision" && !strings.Contains(desc, "decision.approve") {
			t.Errorf("%s: description %q does not say who may decide", key, desc)
		}
		if path == "/api/v1/persons" && method == "get" && !strings.Contains(desc, "next_after") {
			t.Errorf("%s: description %q does not say how to page", key, desc)
		}
	})
}

func TestOpenAPIRequestBodyExamples(t *testing.T) {
	t.Parallel()
	_, doc := openAPIDoc(t)
	operations(doc, func(path, method string, op map[string]any) {
		rb, ok := op["requestBody"].(map[string]any)
		if !ok {
			return
		}
		media, _ := rb["content"].(map[string]any)["application/json"].(map[string]any)
		if _, ok := media["example"]; !ok {
			t.Errorf("%s %s: the request body has no example", httpMethod(method), path)
		}
	})
	var person map[string]any
	operations(doc, func(path, method string, op map[string]any) {
		if path == "/api/v1/persons" && method == "post" {
			person = op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["example"].(map[string]any)
		}
	})
	if person["name"] != "王芳" || person["hukou_type"] != "urban" {
		t.Errorf("createPerson example = %v, want name 王芳 and hukou_type urban from the field tags", person)
	}
}

func TestOpenAPIQueryParameterDescriptions(t *testing.T) {
	t.Parallel()
	_, doc := openAPIDoc(t)
	shared := map[string]bool{"region": true, "status": true, "period": true, "person_id": true, "limit": true, "after": true}
	operations(doc, func(path, method string, op map[string]any) {
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			p := p.(map[string]any)
			name, _ := p["name"].(string)
			if p["in"] != "query" || !shared[name] {
				continue
			}
			desc, _ := p["description"].(string)
			if desc == "" {
				schema, _ := p["schema"].(map[string]any)
				desc, _ = schema["description"].(string)
			}
			if desc == "" {
				t.Errorf("%s %s: query parameter %s has no description", httpMethod(method), path, name)
			}
		}
	})
}
