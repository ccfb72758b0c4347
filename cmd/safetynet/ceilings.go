package main

import (
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
)

// wageCeiling is the registry's check of a monthly wage against
// limits.monthly_wage of pk in force on the day (registry.Service has no
// policy package of its own).
func wageCeiling(pk *policy.Package) func(pr *fault.Problems, field string, wage money.Fen, d period.Date) error {
	return func(pr *fault.Problems, field string, wage money.Fen, d period.Date) error {
		return pk.Ceiling(pr, field, int64(wage), "limits.monthly_wage", d, "")
	}
}
