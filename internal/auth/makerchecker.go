package auth

import (
	"slices"

	"safetynet/internal/fault"
)

// SecondUser applies maker-checker (docs/security.md): p, the user who
// decides a change, must be none of makers, the users who made, recorded,
// requested, assessed or reviewed it. Otherwise it returns a Forbidden
// error whose message format and args say what p did and who decides
// instead, such as "case 7 was assessed by you: another user approves it".
// It is the one place the rule is written; every approval step calls it.
func SecondUser(p Principal, makers []int64, format string, args ...any) error {
	if slices.Contains(makers, p.UserID) {
		return fault.Keyed(fault.Forbidden, "maker_checker", format, args...)
	}
	return nil
}
