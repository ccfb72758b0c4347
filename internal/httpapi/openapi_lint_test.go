package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// TestOpenAPILints validates the served document against the OpenAPI 3.1
// specification's schema with pb33f's libopenapi-validator, and builds its
// model with libopenapi, which resolves every $ref.
func TestOpenAPILints(t *testing.T) {
	t.Parallel()
	raw, _ := openAPIDoc(t)
	for _, e := range lintErrors(raw) {
		t.Errorf("openapi.json: %s", e)
	}
}

// TestOpenAPILinterCatches shows the linter of TestOpenAPILints finds
// faults: a document without info, and a $ref to nothing.
func TestOpenAPILinterCatches(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"no info": `{"openapi":"3.1.0","paths":{}}`,
		"dangling $ref": `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":` +
			`{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Nothing"}}}}}}}}}`,
	} {
		if errs := lintErrors([]byte(doc)); len(errs) == 0 {
			t.Errorf("%s: no error found", name)
		}
	}
}

// lintErrors lists every error libopenapi finds in the document raw.
func lintErrors(raw []byte) []string {
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return []string{fmt.Sprintf("parse: %v", err)}
	}
	var out []string
	if _, err := doc.BuildV3Model(); err != nil {
		out = append(out, fmt.Sprintf("build the model: %v", err))
	}
	v, errs := validator.NewValidator(doc)
	for _, err := range errs {
		out = append(out, fmt.Sprintf("validator: %v", err))
	}
	if v == nil {
		return out
	}
	if ok, problems := v.ValidateDocument(); !ok {
		for _, p := range problems {
			var at []string
			for _, se := range p.SchemaValidationErrors {
				at = append(at, se.FieldPath+": "+se.Reason)
			}
			out = append(out, p.Message+" "+strings.Join(at, "; "))
		}
	}
	return out
}
