package insurance

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// ContributionFilter selects collected contributions (缴费记录): by region
// subtree, person, employer, scheme and a range of months; pages by key.
type ContributionFilter struct {
	Region   region.Code
	PersonID registry.PersonID
	OrgID    registry.OrgID
	Scheme   Scheme
	From, To period.Month
	registry.Page
}

// AssessmentFilter selects the assessments of one month; pages by
// enrolment key.
type AssessmentFilter struct {
	Period   period.Month
	Region   region.Code
	PersonID registry.PersonID
	OrgID    registry.OrgID
	Scheme   Scheme
	registry.Page
}

// Contributions lists collected contributions by key. Staff see their
// scope; a citizen sees their own, naming themselves as the person.
func (s *Service) Contributions(ctx context.Context, f ContributionFilter) ([]Payment, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	p, ok := auth.PrincipalFrom(ctx)
	if ok && p.Role == auth.RoleCitizen {
		if _, err := auth.RequireSelfOr(ctx, auth.PermRegistryRead, int64(f.PersonID), ""); err != nil {
			return nil, err
		}
		f.Region = ""
	} else {
		var err error
		if f.Region, err = readScope(ctx, f.Region); err != nil {
			return nil, err
		}
	}
	f.Limit = pageLimit(f.Limit)
	return s.store.Payments(ctx, f)
}

func (f *ContributionFilter) check() error {
	var pr fault.Problems
	if f.Scheme != "" && !f.Scheme.Valid() {
		pr.Add("scheme", "must be one of %v", Schemes)
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To < f.From {
		pr.Add("to", "is before from %s", f.From)
	}
	return pr.Err("invalid filter")
}

// Assessments lists the assessments of a month in the caller's scope.
func (s *Service) Assessments(ctx context.Context, f AssessmentFilter) ([]Assessment, error) {
	var pr fault.Problems
	if f.Period.IsZero() {
		pr.Add("period", "is required")
	}
	if f.Scheme != "" && !f.Scheme.Valid() {
		pr.Add("scheme", "must be one of %v", Schemes)
	}
	if err := pr.Err("invalid filter"); err != nil {
		return nil, err
	}
	var err error
	if f.Region, err = readScope(ctx, f.Region); err != nil {
		return nil, err
	}
	f.Limit = pageLimit(f.Limit)
	return s.store.Assessments(ctx, f)
}
