package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/swaggest/jsonschema-go"
	"github.com/swaggest/openapi-go"
	"github.com/swaggest/openapi-go/openapi31"
)

// Security scheme names of the OpenAPI document.
const (
	securityBearer = "bearer"
	securityCookie = "cookie"
)

// openAPIDocument builds the OpenAPI 3.1 document of routes from their Go
// request and response types.
func openAPIDocument(version string, routes []route) ([]byte, error) {
	ref := openapi31.NewReflector()
	ref.JSONSchemaReflector().DefaultOptions = append(ref.JSONSchemaReflector().DefaultOptions,
		jsonschema.InterceptDefName(defName))
	spec := ref.SpecEns()
	spec.Info.
		WithTitle("safetynet API").
		WithVersion(version).
		WithDescription("Social protection registry of the prefecture. Personal data (ID numbers, phones, " +
			"bank accounts) is masked unless your role may see it. Lists paginate by key: pass next_after " +
			"as ?after= until it is null. Errors are RFC 9457 problems naming the fields at fault.")
	spec.SetHTTPBearerTokenSecurity(securityBearer, "opaque", "The token from POST /api/v1/login.")
	spec.SetAPIKeySecurity(securityCookie, sessionCookie, openapi.InCookie, "The session cookie set by POST /api/v1/login.")

	for _, rt := range routes {
		oc, err := ref.NewOperationContext(rt.method, rt.path)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", rt.method, rt.path, err)
		}
		oc.SetTags(rt.tag)
		oc.SetSummary(rt.summary)
		oc.SetID(operationID(rt))
		if rt.params != nil {
			oc.AddReqStructure(rt.params)
		}
		if rt.body != nil {
			oc.AddReqStructure(rt.body, openapi.WithContentType("application/json"))
		}
		if rt.contentType != "" {
			oc.AddRespStructure(rt.resp, openapi.WithHTTPStatus(rt.status), openapi.WithContentType(rt.contentType))
		} else {
			oc.AddRespStructure(rt.resp, openapi.WithHTTPStatus(rt.status))
		}
		if rt.accepted != nil {
			oc.AddRespStructure(rt.accepted, openapi.WithHTTPStatus(http.StatusAccepted))
		}
		for _, status := range errorStatuses(rt) {
			oc.AddRespStructure(problem{}, openapi.WithHTTPStatus(status), openapi.WithContentType("application/problem+json"))
		}
		if !rt.public {
			oc.AddSecurity(securityBearer)
			oc.AddSecurity(securityCookie)
		}
		if err := ref.AddOperation(oc); err != nil {
			return nil, fmt.Errorf("%s %s: %w", rt.method, rt.path, err)
		}
	}
	doc, err := json.Marshal(ref.Spec)
	if err != nil {
		return nil, fmt.Errorf("marshal: %w", err)
	}
	return doc, nil
}

// errorStatuses lists the problem responses a route may give.
func errorStatuses(rt route) []int {
	var out []int
	if rt.body != nil {
		out = append(out, http.StatusBadRequest)
	}
	if !rt.public {
		out = append(out, http.StatusUnauthorized, http.StatusForbidden)
	}
	if strings.Contains(rt.path, "{") {
		out = append(out, http.StatusNotFound)
	}
	if rt.body != nil && rt.method != http.MethodGet && !rt.public {
		out = append(out, http.StatusConflict)
	}
	if rt.body != nil {
		out = append(out, http.StatusRequestEntityTooLarge)
	}
	if rt.body != nil || rt.params != nil {
		out = append(out, http.StatusUnprocessableEntity)
	}
	if rt.path == loginPath {
		// Locked after failures; busy checking other passwords.
		return append(out, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable)
	}
	if rt.limited {
		out = append(out, http.StatusTooManyRequests)
	}
	return append(out, http.StatusInternalServerError)
}

// operationID names an operation after its method and path, e.g.
// "get_persons_id_bank_accounts".
func operationID(rt route) string {
	p := strings.TrimPrefix(rt.path, "/api/v1")
	p = strings.NewReplacer("{", "", "}", "", "/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(rt.method) + strings.TrimRight(p, "_")
}

// defName names the schemas of this package's types without the package
// prefix: "PersonResponse", and "PersonResponseList" for a page of them.
func defName(t reflect.Type, def string) string {
	if t.PkgPath() != reflect.TypeFor[problem]().PkgPath() {
		return def
	}
	name := t.Name()
	if base, arg, ok := strings.Cut(name, "["); ok {
		arg = strings.TrimSuffix(arg, "]")
		if i := strings.LastIndex(arg, "."); i >= 0 {
			arg = arg[i+1:]
		}
		name = exported(arg) + exported(strings.TrimSuffix(base, "Response"))
	}
	return exported(name)
}

func exported(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
