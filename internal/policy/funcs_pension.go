package policy

import (
	"errors"
	"fmt"
	"time"

	"safetynet/internal/period"
)

// This file holds the rule functions of the enterprise employee pension that
// are fixed by national law: the statutory retirement age and date under the
// 2025 reform, the flexible retirement window and the minimum contribution
// period. Source: NPC Standing Committee decision of 2024-09-13 on gradually
// raising the statutory retirement age, and the State Council measures
// attached to it, arts. 1-3 and annex tables 1-3 (docs/domain.md 2.5).

// pensionGroup is one retirement-age group of the 2025 reform.
type pensionGroup struct {
	name        string // the group's text in rules
	originalAge int    // the pre-reform retirement age, in years
	step        int    // birth months per month of delay
	maxDelay    int    // the largest delay, in months
	firstCohort int    // the year whose January births are the first delayed
}

// pensionGroups are the three groups of the reform, in the order that error
// messages list them.
var pensionGroups = [...]pensionGroup{
	{name: "male", originalAge: 60, step: 4, maxDelay: 36, firstCohort: 1965},
	{name: "female_cadre", originalAge: 55, step: 4, maxDelay: 36, firstCohort: 1970},
	{name: "female_worker", originalAge: 50, step: 2, maxDelay: 60, firstCohort: 1975},
}

// pensionGroupNames lists the groups for error messages.
const pensionGroupNames = "male, female_cadre or female_worker"

// The flexible retirement window (弹性退休): up to 36 months before or after
// the statutory retirement date.
const pensionFlexibleMonths = 36

// Minimum contribution period: 180 months up to pensionMinContribFrom-1, then
// 6 more months a year up to 240.
const (
	pensionMinContribBase = 180
	pensionMinContribStep = 6
	pensionMinContribMax  = 240
	pensionMinContribFrom = 2030
)

// The range of valid dates and months (years 1-9999, as in package period).
var (
	pensionMaxDate  = period.MustDate(9999, time.December, 31)
	pensionMaxMonth = period.NewMonth(9999, time.December)
)

// pensionGroupByName returns the group called name.
func pensionGroupByName(name string) (pensionGroup, error) {
	for _, g := range pensionGroups {
		if g.name == name {
			return g, nil
		}
	}
	return pensionGroup{}, fmt.Errorf("unknown retirement group %q: want %s", name, pensionGroupNames)
}

// delay returns the months by which the reform delays the retirement of a
// person born in month birth: 0 before the first cohort, then 1 more month
// for every step birth months, up to maxDelay.
func (g pensionGroup) delay(birth period.Month) int {
	k := birth.Sub(period.NewMonth(g.firstCohort, time.January))
	if k < 0 {
		return 0
	}
	return min(k/g.step+1, g.maxDelay)
}

// ageMonths returns the statutory retirement age, in months, of a person of
// the group born in month birth.
func (g pensionGroup) ageMonths(birth period.Month) int {
	return g.originalAge*12 + g.delay(birth)
}

// pensionMonthAfter returns the month n months after m, or an error if it is
// after 9999-12. n must not be negative.
func pensionMonthAfter(m period.Month, n int) (period.Month, error) {
	if n > pensionMaxMonth.Sub(m) {
		return 0, fmt.Errorf("%s plus %d months is after %s", m, n, pensionMaxMonth)
	}
	return m.Add(n), nil
}

// statutoryRetirementAge returns the statutory retirement age (法定退休年龄),
// in months, of a person born on birth in group, under the gradual delay of
// the statutory retirement age (渐进式延迟法定退休年龄) in force from
// 2025-01-01. With k the months from January of the group's first cohort to
// the birth month, the delay is 0 for k < 0 and min(k/step + 1, max delay)
// otherwise; the age is the original age plus the delay:
//
//	male           60 years, +1 month per 4 birth months from 1965-01, at most 36
//	female_cadre   55 years, +1 month per 4 birth months from 1970-01, at most 36
//	female_worker  50 years, +1 month per 2 birth months from 1975-01, at most 60
//
// Only the birth month counts, not the day.
func statutoryRetirementAge(birth period.Date, group string) (int, error) {
	if birth.IsZero() {
		return 0, errors.New("birth_date is missing")
	}
	g, err := pensionGroupByName(group)
	if err != nil {
		return 0, err
	}
	return g.ageMonths(birth.Period()), nil
}

// statutoryRetirementMonth returns the month in which a person born on birth
// in group reaches the statutory retirement age, and the group.
func statutoryRetirementMonth(birth period.Date, group string) (period.Month, pensionGroup, error) {
	if birth.IsZero() {
		return 0, pensionGroup{}, errors.New("birth_date is missing")
	}
	g, err := pensionGroupByName(group)
	if err != nil {
		return 0, pensionGroup{}, err
	}
	bm := birth.Period()
	m, err := pensionMonthAfter(bm, g.ageMonths(bm))
	if err != nil {
		return 0, pensionGroup{}, fmt.Errorf("retirement month of a person born on %s: %w", birth, err)
	}
	return m, g, nil
}

// statutoryRetirementDate returns the first day of the month in which a
// person born on birth in group reaches the statutory retirement age: the
// birth month plus [statutoryRetirementAge] months. For example a man born
// in 1967-05 retires at 60 years 8 months, on 2028-01-01.
func statutoryRetirementDate(birth period.Date, group string) (period.Date, error) {
	m, _, err := statutoryRetirementMonth(birth, group)
	if err != nil {
		return 0, err
	}
	return m.First(), nil
}

// flexibleRetirementEarliest returns the earliest date of flexible early
// retirement (弹性提前退休) for a person born on birth in group: the
// statutory retirement date moved back by up to 36 months, but never before
// the month in which the person reaches the group's original age (60, 55 or
// 50). It is the first day of a month. Whether the person may retire early
// at all (the minimum contribution period must be met) is for the rule to
// decide.
func flexibleRetirementEarliest(birth period.Date, group string) (period.Date, error) {
	m, g, err := statutoryRetirementMonth(birth, group)
	if err != nil {
		return 0, err
	}
	// The original age is at most the statutory age, so this cannot pass
	// 9999-12 when m does not.
	floor := birth.Period().Add(g.originalAge * 12)
	return max(m.Add(-pensionFlexibleMonths), floor).First(), nil
}

// flexibleRetirementLatest returns the latest date of flexible late
// retirement (弹性延迟退休) for a person born on birth in group: the
// statutory retirement date plus 36 months, the first day of a month.
// Retiring late needs the employer's and the employee's agreement, which is
// for the rule to check.
func flexibleRetirementLatest(birth period.Date, group string) (period.Date, error) {
	m, _, err := statutoryRetirementMonth(birth, group)
	if err != nil {
		return 0, err
	}
	late, err := pensionMonthAfter(m, pensionFlexibleMonths)
	if err != nil {
		return 0, fmt.Errorf("latest flexible retirement of a person born on %s: %w", birth, err)
	}
	return late.First(), nil
}

// minContributionMonths returns the minimum contribution period for a
// monthly pension (最低缴费年限), in months, of a person who reaches the
// statutory retirement age in calendar year year: 180 (15 years) up to 2029,
// then 6 months more each year from 2030 (186) to 240 (20 years) from 2039.
func minContributionMonths(year int) (int, error) {
	if year < 1 || year > 9999 {
		return 0, fmt.Errorf("year %d out of range 1-9999", year)
	}
	if year < pensionMinContribFrom {
		return pensionMinContribBase, nil
	}
	return min(pensionMinContribBase+pensionMinContribStep*(year-pensionMinContribFrom+1), pensionMinContribMax), nil
}

// pensionArgs checks that args has n values.
func pensionArgs(args []int64, n int) error {
	if len(args) != n {
		return fmt.Errorf("want %d arguments, got %d", n, len(args))
	}
	return nil
}

// pensionBirthDate converts the int64 form of a birth_date argument.
func pensionBirthDate(v int64) (period.Date, error) {
	switch {
	case v == 0:
		return 0, errors.New("birth_date is missing")
	case v < 1 || v > int64(pensionMaxDate):
		return 0, fmt.Errorf("birth_date %d is not a valid date", v)
	}
	return period.Date(v), nil
}

// pensionDateGroupArgs converts the (birth_date date, group str) arguments.
func pensionDateGroupArgs(args []int64, str func(int64) string) (period.Date, string, error) {
	if err := pensionArgs(args, 2); err != nil {
		return 0, "", err
	}
	birth, err := pensionBirthDate(args[0])
	if err != nil {
		return 0, "", err
	}
	if str == nil {
		return 0, "", errors.New("no resolver for the group argument")
	}
	return birth, str(args[1]), nil
}

// pensionDateFunc makes the Call of a (birth_date date, group str) date
// function.
func pensionDateFunc(f func(period.Date, string) (period.Date, error)) func([]int64, func(int64) string) (int64, error) {
	return func(args []int64, str func(int64) string) (int64, error) {
		birth, group, err := pensionDateGroupArgs(args, str)
		if err != nil {
			return 0, err
		}
		d, err := f(birth, group)
		if err != nil {
			return 0, err
		}
		return int64(d), nil
	}
}

// pensionMemoKey reduces (birth_date, group) to the birth month and the
// group's id, which decide every pension function of this file: only the
// birth month counts, not the day.
func pensionMemoKey(args []int64) (int64, bool) {
	if len(args) != 2 || args[0] < 1 || args[0] > int64(pensionMaxDate) || args[1] < 0 || args[1] >= 1<<20 {
		return 0, false
	}
	return int64(period.Date(args[0]).Period())<<20 | args[1], true
}

// PensionFuncs returns the rule functions of the enterprise employee pension
// that national law fixes:
//
//	retirement_age_months(birth_date date, group str) int
//	retirement_date(birth_date date, group str) date
//	min_contribution_months(year int) int
//	flexible_retirement_earliest(birth_date date, group str) date
//	flexible_retirement_latest(birth_date date, group str) date
//
// group is "male", "female_cadre" or "female_worker". Each call returns new
// slices, so callers may modify the result.
func PensionFuncs() []Func {
	const authority = "NPC Standing Committee decision of 2024-09-13 on gradually raising the statutory retirement age, and the attached State Council measures"
	return []Func{
		{
			Name:   "retirement_age_months",
			Args:   []Type{TDate, TStr},
			Result: TInt,
			Doc: "法定退休年龄: the statutory retirement age in months of a person born on birth_date in group " +
				"(male: 60 years +1 month per 4 birth months from 1965-01, at most 36; " +
				"female_cadre: 55 years +1 per 4 from 1970-01, at most 36; " +
				"female_worker: 50 years +1 per 2 from 1975-01, at most 60). " + authority + ", art. 1 and annex tables 1-3.",
			Call: func(args []int64, str func(int64) string) (int64, error) {
				birth, group, err := pensionDateGroupArgs(args, str)
				if err != nil {
					return 0, err
				}
				age, err := statutoryRetirementAge(birth, group)
				return int64(age), err
			},
			MemoKey: pensionMemoKey,
		},
		{
			Name:   "retirement_date",
			Args:   []Type{TDate, TStr},
			Result: TDate,
			Doc: "The first day of the month in which a person born on birth_date in group reaches the statutory retirement age " +
				"(birth month + retirement_age_months). " + authority + ", art. 1 and annex tables 1-3.",
			Call:    pensionDateFunc(statutoryRetirementDate),
			MemoKey: pensionMemoKey,
		},
		{
			Name:   "min_contribution_months",
			Args:   []Type{TInt},
			Result: TInt,
			Doc: "最低缴费年限: the minimum contribution period for a monthly pension, in months, by the calendar year " +
				"in which the person reaches the statutory retirement age: 180 up to 2029, +6 a year from 2030 (186), 240 from 2039. " +
				authority + ", art. 2.",
			MemoKey: func(args []int64) (int64, bool) { return args[0], len(args) == 1 },
			Call: func(args []int64, _ func(int64) string) (int64, error) {
				if err := pensionArgs(args, 1); err != nil {
					return 0, err
				}
				if args[0] < 1 || args[0] > 9999 {
					return 0, fmt.Errorf("year %d out of range 1-9999", args[0])
				}
				n, err := minContributionMonths(int(args[0]))
				return int64(n), err
			},
		},
		{
			Name:   "flexible_retirement_earliest",
			Args:   []Type{TDate, TStr},
			Result: TDate,
			Doc: "弹性提前退休: the earliest flexible retirement date of a person born on birth_date in group: " +
				"the statutory retirement date minus up to 36 months, never before the month the person reaches the original age (60, 55 or 50). " +
				"The minimum contribution period must also be met. " + authority + ", art. 3.",
			Call:    pensionDateFunc(flexibleRetirementEarliest),
			MemoKey: pensionMemoKey,
		},
		{
			Name:   "flexible_retirement_latest",
			Args:   []Type{TDate, TStr},
			Result: TDate,
			Doc: "弹性延迟退休: the latest flexible retirement date of a person born on birth_date in group: " +
				"the statutory retirement date plus 36 months, if employer and employee agree. " + authority + ", art. 3.",
			Call:    pensionDateFunc(flexibleRetirementLatest),
			MemoKey: pensionMemoKey,
		},
	}
}
