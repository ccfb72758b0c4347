// Package httpapi is the JSON API of safetynet under /api/v1/, an adapter
// over the domain services: one route table (routes.go and each resource's
// route-list function) from which the handlers are mounted and the OpenAPI
// 3.1 document at /api/v1/openapi.json is built; sign-in, sessions,
// permission and region-scope checks, per-user rate limits and the refusal
// of undeclared query parameters as middleware; lists paged by limit and
// after; personal data masked unless the role has pii.view and every read
// of a person's file audited; and every error mapped in one place,
// writeError, to an RFC 9457 application/problem+json answer naming the
// field at fault.
//
// Handlers decode, call one domain service method, and encode; they hold
// no rules. Each is a handler, func(w, r) error, whose error ServeHTTP
// answers through writeError, and reads its URL parameters with bind from
// the params struct its route documents. How to add an endpoint: docs/architecture.md section 7.1.
package httpapi
