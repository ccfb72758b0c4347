// Package ids validates and builds the national identifiers the platform
// handles: the resident identity number ([ResidentID], GB 11643-1999) and the
// unified social credit code of organisations ([USCC], GB 32100-2015). It
// also masks personal identifiers for display ([Mask], [MaskPhone],
// [MaskAccount]).
//
// Parse errors are typed ([*ResidentIDError], [*USCCError]) and carry a
// [Reason] code that the API can return to clients. A resident ID error never
// contains the birth date or sequence digits of the input: the input is
// masked before it goes into the error.
package ids

import "fmt"

// Reason says why an identifier was rejected. Its String form is a short
// snake_case code, stable for use in API responses.
type Reason uint8

// The reasons for rejecting an identifier. ReasonLength and ReasonCharacters
// apply to both kinds of identifier; ReasonRegion, ReasonBirthDate and
// ReasonCheckDigit to resident IDs; the rest to unified social credit codes.
const (
	ReasonLength       Reason = iota + 1 // "length": wrong number of characters
	ReasonCharacters                     // "characters": a character that may not appear there
	ReasonRegion                         // "region": the address code has no valid province
	ReasonBirthDate                      // "birth_date": not a real date, in the future, or before 1900
	ReasonCheckDigit                     // "check_digit": the resident ID check digit is wrong
	ReasonAuthority                      // "authority": unknown registration authority code
	ReasonDivision                       // "division": the division code is not six digits
	ReasonOrgCodeCheck                   // "org_code_check": the embedded organisation code check is wrong
	ReasonCheckChar                      // "check_char": the USCC check character is wrong
)

var reasonNames = [...]string{
	ReasonLength:       "length",
	ReasonCharacters:   "characters",
	ReasonRegion:       "region",
	ReasonBirthDate:    "birth_date",
	ReasonCheckDigit:   "check_digit",
	ReasonAuthority:    "authority",
	ReasonDivision:     "division",
	ReasonOrgCodeCheck: "org_code_check",
	ReasonCheckChar:    "check_char",
}

// String returns the snake_case code of r, such as "check_digit", or
// "unknown" for a value that is not one of the Reason constants.
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "unknown"
}

// MarshalText encodes r as its snake_case code, so that it appears in JSON
// as a string such as "check_digit".
func (r Reason) MarshalText() ([]byte, error) {
	return []byte(r.String()), nil
}

// ResidentIDError is the error [ParseResidentID] returns for a rejected
// resident ID.
type ResidentIDError struct {
	// Input is the trimmed input, masked with [Mask] so that the error can be
	// logged and shown without disclosing the birth date and sequence code.
	Input string
	// Reason says which check failed.
	Reason Reason
	// Detail is a lower-case explanation, such as "check digit is 4, want 5".
	// It never repeats the masked digits.
	Detail string
}

// Error returns a message such as
// "resident ID 652301********1234: check digit is 4, want 5".
func (e *ResidentIDError) Error() string {
	if e.Input == "" {
		return "resident ID: " + e.Detail
	}
	return "resident ID " + e.Input + ": " + e.Detail
}

// USCCError is the error [ParseUSCC] returns for a rejected unified social
// credit code. An organisation's code is public, so Input is not masked.
type USCCError struct {
	// Input is the trimmed, upper-cased input.
	Input string
	// Reason says which check failed.
	Reason Reason
	// Detail is a lower-case explanation, such as "check character is B, want 9".
	Detail string
}

// Error returns a message such as
// `unified social credit code "91350203M0001QAY9B": check character is B, want 9`.
func (e *USCCError) Error() string {
	if e.Input == "" {
		return "unified social credit code: " + e.Detail
	}
	return fmt.Sprintf("unified social credit code %q: %s", e.Input, e.Detail)
}
