package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
)

// Codes of request errors the HTTP layer finds itself, before any domain
// service runs. They never leave this package.
const (
	codeMalformed   fault.Code = "malformed"          // the body is not the JSON we expect
	codeTooLarge    fault.Code = "too_large"          // the body is over maxBodyBytes
	codeUnsupported fault.Code = "unsupported_media"  // the body is not JSON at all
	codeNoRoute     fault.Code = "no_route"           // no route for the path
	codeBadMethod   fault.Code = "method_not_allowed" // the path exists, the method does not
	codeSlowBody    fault.Code = "request_timeout"    // the body did not arrive within the read timeout
)

// statusOf maps error codes to HTTP statuses. A code not listed, Internal
// included, is a 500.
var statusOf = map[fault.Code]int{
	fault.Invalid:           http.StatusUnprocessableEntity,
	fault.NotFound:          http.StatusNotFound,
	fault.Conflict:          http.StatusConflict,
	fault.Forbidden:         http.StatusForbidden,
	fault.Unauthenticated:   http.StatusUnauthorized,
	fault.Throttled:         http.StatusTooManyRequests,
	auth.CodePasswordChange: http.StatusForbidden,
	fault.Busy:              http.StatusServiceUnavailable,
	codeMalformed:           http.StatusBadRequest,
	codeTooLarge:            http.StatusRequestEntityTooLarge,
	codeUnsupported:         http.StatusUnsupportedMediaType,
	codeNoRoute:             http.StatusNotFound,
	codeBadMethod:           http.StatusMethodNotAllowed,
	codeSlowBody:            http.StatusRequestTimeout,
}

// problem is an RFC 9457 problem details object, extended with the request
// ID and the fields at fault.
type problem struct {
	// Type is a URI naming the kind of problem.
	Type string `json:"type" example:"urn:safetynet:problem:invalid" description:"a URN naming the kind of problem, stable for clients to match"`
	// Title is a short summary of the kind of problem.
	Title string `json:"title" example:"Unprocessable Entity" description:"a short summary of the kind of problem"`
	// Status is the HTTP status code.
	Status int `json:"status" example:"422" description:"the HTTP status code"`
	// Detail explains this occurrence.
	Detail string `json:"detail" example:"invalid person" description:"what went wrong this time"`
	// Instance is the path of the request (never its query).
	Instance string `json:"instance" example:"/api/v1/persons" description:"the path of the request, without its query"`
	// RequestID matches the X-Request-ID response header and the logs.
	RequestID string `json:"request_id,omitempty"`
	// Errors names each field at fault, sorted by field.
	Errors []fieldProblem `json:"errors,omitempty"`
	// Reason is the stable key of the detail, when it has one.
	Reason string `json:"reason,omitempty" example:"maker_checker" description:"a stable key of the detail (e.g. maker_checker, version_conflict, batch_state; never for a record missing or out of scope, which reads the same either way) for a client that shows it in its own words; the detail stays the English text"`
}

// fieldProblem is what is wrong with one field of the request.
type fieldProblem struct {
	// Field is the JSON name of the field or the query parameter, dotted
	// for nested fields, e.g. "members[0].person_id".
	Field  string `json:"field" example:"id_number" description:"the JSON name of the field or the query parameter at fault, dotted for nested fields (members[0].person_id)"`
	Detail string `json:"detail" example:"check digit is 4, want 5" description:"why it is at fault"`
	Reason string `json:"reason,omitempty" example:"password_too_short" description:"a stable key of the detail, when it has one"`
}

// writeError writes err as an application/problem+json response. The status
// follows the error's fault code; an error without a code is a 500 whose
// details are logged here, once, and never shown.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := fault.CodeOf(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
		code = fault.Internal
		info := infoFrom(r.Context())
		info.logger.LogAttrs(r.Context(), errorLevel, "internal error",
			append(info.attrs(), slog.String("method", r.Method), slog.String("pattern", info.pattern), errorAttr(err))...)
	}
	p := problem{
		Type:      "urn:safetynet:problem:" + string(code),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    fault.MessageOf(err),
		Instance:  r.URL.Path,
		RequestID: infoFrom(r.Context()).requestID,
	}
	if status != http.StatusInternalServerError {
		p.Errors = fieldProblems(fault.FieldsOf(err))
		reasons := fault.FieldReasonsOf(err)
		for i := range p.Errors {
			p.Errors[i].Reason = reasons[p.Errors[i].Field].Key
		}
		p.Reason = fault.ReasonOf(err).Key
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="safetynet"`)
	}
	if d := fault.RetryAfterOf(err); d > 0 {
		// Whole seconds, rounded up, so that a client never retries early.
		w.Header().Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
	}
	writeProblem(w, p)
}

// fieldProblems turns a field→problem map into a list sorted by field.
func fieldProblems(fields map[string]string) []fieldProblem {
	if len(fields) == 0 {
		return nil
	}
	out := make([]fieldProblem, 0, len(fields))
	for f, d := range fields {
		out = append(out, fieldProblem{Field: f, Detail: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// writeProblem writes p; it cannot fail in a way worth reporting, since the
// status line is out by the time the body is written.
func writeProblem(w http.ResponseWriter, p problem) {
	b, err := json.Marshal(p)
	if err != nil {
		// A problem of strings and ints always marshals.
		b = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(p.Status)
	w.Write(append(b, '\n'))
}
