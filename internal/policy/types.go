package policy

import "fmt"

// Type is the type of a value in a rule expression. Every value is held as an
// int64: int as itself (money in fen), dec in millionths, bool as 0 or 1,
// date as a period.Date, str as an interned string id.
type Type uint8

// The expression types.
const (
	TInvalid Type = iota
	TInt
	TDec
	TBool
	TDate
	TStr
)

var typeNames = [...]string{TInvalid: "invalid", TInt: "int", TDec: "dec", TBool: "bool", TDate: "date", TStr: "str"}

// String returns the type's name as written in policy files.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", t)
}

// DecScale is the number of dec units in 1: dec values are millionths.
const DecScale = 1_000_000

// Func is a named Go function that rules may call, for arithmetic that is
// complex but fixed by national law (the retirement age under the 2025
// reform, the minimum contribution years). Both evaluation engines call the
// same Call, so they agree by construction.
type Func struct {
	Name   string
	Args   []Type
	Result Type
	// Doc says what the function computes and on what authority.
	Doc string
	// Call computes the result from the arguments in their int64 forms;
	// str arguments are resolved to text with str. It returns an error for
	// arguments outside the function's domain.
	Call func(args []int64, str func(int64) string) (int64, error)
	// MemoKey, when set, reduces the arguments to a key that decides the
	// result (error included): the columnar engine then calls Call once per
	// key and chunk of rows instead of once per row. ok = false sends the
	// row to Call.
	MemoKey func(args []int64) (key int64, ok bool)
}
