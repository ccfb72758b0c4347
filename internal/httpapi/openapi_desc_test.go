package httpapi_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// selfExplanatory are the property and parameter names whose meaning is
// plain without a description: reviewed, keep it short.
var selfExplanatory = map[string]bool{
	"id": true, "name": true, "created_at": true, "updated_at": true, "version": true, "next_after": true, "items": true,
}

// TestOpenAPIDescriptions walks the OpenAPI document: every parameter and
// every property of every schema has a description, unless its name is in
// the reviewed list selfExplanatory.
func TestOpenAPIDescriptions(t *testing.T) {
	t.Parallel()
	_, doc := openAPIDoc(t)
	var missing []string
	operations(doc, func(path, method string, op map[string]any) {
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			p := p.(map[string]any)
			name, _ := p["name"].(string)
			if selfExplanatory[name] || described(p) {
				continue
			}
			if schema, ok := p["schema"].(map[string]any); ok && described(schema) {
				continue
			}
			missing = append(missing, fmt.Sprintf("parameter %s %s %s", httpMethod(method), path, name))
		}
	})
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	for sname, s := range schemas {
		props, _ := s.(map[string]any)["properties"].(map[string]any)
		for prop, p := range props {
			if selfExplanatory[prop] || described(p.(map[string]any)) {
				continue
			}
			missing = append(missing, fmt.Sprintf("property %s.%s", sname, prop))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d parameters and properties have no description:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// described reports whether a schema or parameter has a description.
func described(m map[string]any) bool {
	d, _ := m["description"].(string)
	return strings.TrimSpace(d) != ""
}
