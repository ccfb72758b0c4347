// Package fault defines the one coded application error of safetynet.
//
// Every error that crosses a package boundary either carries a Code or is
// treated as Internal. Adapters map codes to their own vocabulary (HTTP status,
// CLI exit status) in one place.
package fault

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Code classifies an application error.
type Code string

// The application error codes.
const (
	NotFound        Code = "not_found"
	Invalid         Code = "invalid"
	Conflict        Code = "conflict"
	Forbidden       Code = "forbidden"
	Unauthenticated Code = "unauthenticated"
	Internal        Code = "internal"
	// Throttled refuses a request made too often, such as sign-in after
	// too many failures; the error's RetryAfter says when to try again.
	Throttled Code = "throttled"
	// Busy refuses a request the server has no capacity for right now;
	// the error's RetryAfter says when to try again.
	Busy Code = "busy"
)

// Error is an application error with a code, a message safe to show to the
// user, and, for Invalid, the problem with each field at fault.
type Error struct {
	Code    Code
	Message string
	// Fields maps a field name (JSON name, dotted for nested fields, or
	// "row 12: field" for imports) to what is wrong with it.
	Fields map[string]string
	// Err is the underlying cause, if any; it is never shown to users.
	Err error
	// RetryAfter is, for Throttled and Busy, how long the caller should
	// wait before trying again.
	RetryAfter time.Duration
	// Reason, when its Key is set, names the message in a stable way with
	// its arguments, for an adapter that shows it in the reader's language
	// (the console); Message stays the English text, of the same
	// arguments. FieldReasons does the same for some of Fields.
	Reason       Reason
	FieldReasons map[string]Reason
}

// Reason is a stable key of a message, such as "maker_checker", and the
// arguments its text is formatted with, in the order of the English
// format. A translation may use any of them by explicit index (%[2]v).
type Reason struct {
	Key  string
	Args []any
}

// Keyed returns an *Error with the given code, the reason key with args,
// and the English message format formatted with the same args.
func Keyed(code Code, key, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Reason: Reason{Key: key, Args: args}}
}

// WithField adds the problem of field to e, in English (format with args)
// and by reason key with the same args, and returns e.
func (e *Error) WithField(field, key, format string, args ...any) *Error {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if e.FieldReasons == nil {
		e.FieldReasons = map[string]Reason{}
	}
	e.Fields[field] = fmt.Sprintf(format, args...)
	e.FieldReasons[field] = Reason{Key: key, Args: args}
	return e
}

// ReasonOf returns the reason of err's first *Error; its Key is "" when
// it has none (and for internal errors, whose details are not shown).
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Reason
	}
	return Reason{}
}

// FieldReasonsOf returns the reasons of the field problems of err's first
// *Error that have one.
func FieldReasonsOf(err error) map[string]Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.FieldReasons
	}
	return nil
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(e.Fields[k])
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with code and message whose cause is err.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal
// when there is none. A nil error has no code: CodeOf(nil) is "".
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-facing message of err: the message of its first
// *Error, or a generic text for internal errors, whose details stay in logs.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "internal error"
}

// RetryAfterOf returns the RetryAfter of err's first *Error, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// FieldsOf returns the field problems of err's first *Error, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects validation problems by field. Its zero value is ready to
// use.
type Problems map[string]string

// Add records a problem with field, keeping the first one recorded.
func (p *Problems) Add(field, format string, args ...any) {
	if *p == nil {
		*p = make(Problems)
	}
	if _, ok := (*p)[field]; !ok {
		(*p)[field] = fmt.Sprintf(format, args...)
	}
}

// Err returns nil when there are no problems, otherwise an Invalid *Error
// with the given message and the problems as its fields.
func (p Problems) Err(message string) error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: message, Fields: map[string]string(p)}
}

// ErrWith is Err, with the reasons of those fields of reasons that have a
// problem: a field's reason goes with the first problem recorded for it,
// so give it where that problem is added.
func (p Problems) ErrWith(message string, reasons map[string]Reason) error {
	if len(p) == 0 {
		return nil
	}
	e := &Error{Code: Invalid, Message: message, Fields: map[string]string(p)}
	for f, r := range reasons {
		if _, ok := p[f]; ok {
			if e.FieldReasons == nil {
				e.FieldReasons = map[string]Reason{}
			}
			e.FieldReasons[f] = r
		}
	}
	return e
}

// Limited returns a Throttled error with message whose caller may try
// again after wait.
func Limited(wait time.Duration, format string, args ...any) *Error {
	return &Error{Code: Throttled, Message: fmt.Sprintf(format, args...), RetryAfter: wait}
}
