package ratings

import (
	"context"
	"slices"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// By is what the counts are grouped by.
type By string

// The groupings of the counts.
const (
	ByMatter     By = "matter"
	ByPoint      By = "point"
	ByClerk      By = "clerk"
	ByDepartment By = "department"
)

// Bys returns the groupings.
func Bys() []By { return []By{ByMatter, ByPoint, ByClerk, ByDepartment} }

// Filter selects the ratings counted: given From to To (both included),
// at points in Region's subtree (the caller's scope when empty), grouped
// by By.
type Filter struct {
	From, To period.Date
	Region   region.Code
	By       By
}

// Count is one group's counts.
type Count struct {
	// Key is the matter's ID, the point's ID, the clerk's user ID (as
	// text; "0" for no clerk) or the department's ID.
	Key string `json:"key"`
	// Levels counts the ratings of each level: Levels[0] is 非常不满意
	// (1) … Levels[4] 非常满意 (5).
	Levels [5]int64 `json:"levels"`
	// Total is the number of ratings; Satisfied those at 基本满意 or
	// above.
	Total     int64 `json:"total"`
	Satisfied int64 `json:"satisfied"`
	// SatisfactionRate is Satisfied over Total (满意率), exact to a
	// millionth, rounded half up; 0 when there is no rating.
	SatisfactionRate money.Rate `json:"-"`
	// Follow-ups opened by these ratings: not yet closed, closed, and
	// overdue (not closed, past due) as of the day counted.
	FollowUpsOpen    int64 `json:"follow_ups_open"`
	FollowUpsClosed  int64 `json:"follow_ups_closed"`
	FollowUpsOverdue int64 `json:"follow_ups_overdue"`
}

// Percent is the 满意率 as a percentage with two decimals, "97.50%".
func (c Count) Percent() string { return c.SatisfactionRate.Percent(2) }

// Counts counts the ratings given in f's dates at the points in the
// caller's scope (registry.read), grouped by f.By, in the order of the key.
// A span longer than 366 days, or one ending before it starts, is
// invalid.
func (s *Service) Counts(ctx context.Context, f Filter) ([]Count, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	var pr fault.Problems
	if !slices.Contains(Bys(), f.By) {
		pr.Add("by", "must be matter, point, clerk or department, not %q", f.By)
	}
	switch {
	case f.From.IsZero():
		pr.Add("from", "is required")
	case f.To.IsZero():
		pr.Add("to", "is required")
	case f.To < f.From:
		pr.Add("to", "%s is before from %s", f.To, f.From)
	case f.From.AddDays(366) < f.To:
		pr.Add("to", "a span is at most 366 days")
	}
	if err := pr.Err("invalid counts"); err != nil {
		return nil, err
	}
	if f.Region == "" {
		f.Region = p.Scope
	}
	if !p.InScope(f.Region) {
		return nil, fault.Errorf(fault.Forbidden, "region %s is outside your scope %s", f.Region, p.Scope)
	}
	out, err := s.store.RatingCounts(ctx, f, s.clock.Today())
	if err != nil {
		return nil, err
	}
	for i := range out {
		c := &out[i]
		c.Total, c.Satisfied = 0, 0
		for l, n := range c.Levels {
			c.Total += n
			if Level(l + 1).Good() {
				c.Satisfied += n
			}
		}
		c.SatisfactionRate = SatisfactionRate(c.Satisfied, c.Total)
	}
	return out, nil
}

// SatisfactionRate is the 满意率: satisfied ratings over all, exact to a
// millionth, rounded half up (integers only); 0 when there is none.
func SatisfactionRate(satisfied, total int64) money.Rate { return money.RateOf(satisfied, total) }
