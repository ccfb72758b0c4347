package httpapi

import (
	"safetynet/internal/fault"
	"safetynet/internal/period"
)

// ceilings checks amounts typed into a request against their plausibility
// ceilings, the dated limits.* parameters of the policy package in force
// today (policies/changji/parameters/limits.yaml), adding a problem naming
// each field above its ceiling. The services whose inputs have a date of
// their own (a transfer's, a means test's month) check them there.
type ceilings struct {
	s   *server
	on  period.Date
	pr  *fault.Problems
	err error
}

// ceilings returns a checker adding to pr.
func (s *server) ceilings(pr *fault.Problems) *ceilings {
	return &ceilings{s: s, on: s.asst.Today(), pr: pr}
}

// check checks v, given as field, against the ceiling key.
func (c *ceilings) check(field string, v int64, key string) {
	if c.err != nil {
		return
	}
	c.err = c.s.asst.Policy().Ceiling(c.pr, field, v, key, c.on, "")
}

// Err is the error of a ceiling that could not be read (no value today).
func (c *ceilings) Err() error { return c.err }
