package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"reflect"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/period"
)

// decode reads the request body as one JSON value of type T; the request
// must say Content-Type: application/json (415 otherwise). Unknown fields
// are an Invalid error naming the field; a body that is not JSON, or has a
// value of the wrong type, is malformed (400), naming the field or the
// offset; a body over the limit set by limitBody is too large (413).
func decode[T any](r *http.Request) (T, error) {
	var v T
	// Requiring a JSON media type also keeps cross-site HTML forms, which
	// cannot send one, from posting with a browser's session cookie.
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return v, fault.Errorf(codeUnsupported, "the body must be JSON, sent with Content-Type: application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, decodeError(err)
	}
	switch _, err := dec.Token(); {
	case errors.Is(err, io.EOF):
		return v, nil
	case err != nil && !isSyntaxError(err):
		return v, decodeError(err)
	default:
		return v, fault.Errorf(codeMalformed, "the body has more data after the JSON value, at offset %d", dec.InputOffset())
	}
}

func isSyntaxError(err error) bool {
	var syn *json.SyntaxError
	return errors.As(err, &syn)
}

// decodeError turns an encoding/json error into a coded error that names
// the field or the offset at fault.
func decodeError(err error) error {
	var (
		tooBig *http.MaxBytesError
		netErr net.Error
		syn    *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return fault.Errorf(codeTooLarge, "the body is larger than %d bytes", tooBig.Limit)
	case errors.As(err, &netErr) && netErr.Timeout():
		return fault.Errorf(codeSlowBody, "the body did not arrive in time")
	case errors.Is(err, io.EOF):
		return fault.Errorf(codeMalformed, "the body is empty; want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fault.Errorf(codeMalformed, "the body ends in the middle of a JSON value")
	case errors.As(err, &syn):
		return fault.Errorf(codeMalformed, "malformed JSON at offset %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return &fault.Error{Code: codeMalformed, Message: "a JSON value has the wrong type",
			Fields: map[string]string{field: fmt.Sprintf("want %s, got %s", jsonTypeName(typ.Type), typ.Value)}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return &fault.Error{Code: fault.Invalid, Message: "the body has a field this endpoint does not know",
			Fields: map[string]string{name: "unknown field; see /api/v1/openapi.json for the fields"}}
	}
	return fault.Wrap(codeMalformed, err, "malformed JSON body")
}

// jsonTypeName names the JSON type a Go type decodes from.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// encode writes v as JSON with the given status. It marshals before it
// writes anything, so that on error the caller can still write a problem.
func encode[T any](w http.ResponseWriter, status int, v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	// Responses can hold personal data: keep them out of shared caches.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
	return nil
}

// reply encodes v, or writes the problem if it cannot.
func reply[T any](w http.ResponseWriter, r *http.Request, status int, v T) {
	if mayNotSeePII(r) {
		v = redacted(v)
	}
	v = explained(r, v)
	if err := encode(w, status, v); err != nil {
		writeError(w, r, err)
	}
}

// listResponse is a page of a keyset-paginated list. Every list pages
// with ?limit= and ?after=; next_after is set exactly when more remain.
type listResponse[T any] struct {
	Items []T `json:"items" required:"true" nullable:"false"`
	// NextAfter is the value to pass as ?after= for the next page; null
	// when this page is the last.
	NextAfter *int64 `json:"next_after" required:"true"`
}

// newList converts a page of domain records, fetched with the Limit of
// query.page: the page's size and one more. When that one more came back,
// it is left out and next_after is the key of the page's last record; so
// next_after is set exactly when more records remain.
func newList[D, T any](recs []D, fetch int, key func(D) int64, conv func(D) T) listResponse[T] {
	size := fetch - 1
	more := size >= 1 && len(recs) > size
	if more {
		recs = recs[:size]
	}
	out := listResponse[T]{Items: make([]T, 0, len(recs))}
	for _, d := range recs {
		out.Items = append(out.Items, conv(d))
	}
	if more {
		k := key(recs[len(recs)-1])
		out.NextAfter = &k
	}
	return out
}

// Limits of a page.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// dateField parses an optional date field of a request body, recording a
// problem under name; "" is no date.
func dateField(pr *fault.Problems, name, s string) period.Date {
	if s == "" {
		return 0
	}
	d, err := period.ParseDate(s)
	if err != nil {
		pr.Add(name, "%v", err)
	}
	return d
}

// dateString formats a date for a response; "" for no date.
func dateString(d period.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// yearOf is the year of d, or 0 for no date.
func yearOf(d period.Date) int {
	if d.IsZero() {
		return 0
	}
	return d.Time().Year()
}

// requireVersion reports a PATCH body without its version.
func requireVersion(pr *fault.Problems, v *int64) int64 {
	if v == nil {
		pr.Add("version", "is required: send the version you read, for optimistic locking")
		return 0
	}
	return *v
}
