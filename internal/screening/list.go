package screening

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// RunFilter selects screening runs. A run belongs to the region it was
// made for: a filter takes the runs made for a region in its subtree.
type RunFilter struct {
	Region    region.Code
	Period    period.Month // all months when zero
	Programme string
	Status    RunStatus
	JobID     JobID
	registry.Page
}

// JobFilter selects screening jobs, as RunFilter selects runs.
type JobFilter struct {
	Region region.Code
	Period period.Month
	Status JobStatus
	registry.Page
}

// Lister lists screening runs and jobs by key.
type Lister interface {
	// ScreeningRuns lists the runs matching f by key, without their items.
	ScreeningRuns(ctx context.Context, f RunFilter) ([]*Run, error)
	// ScreeningJobs lists the jobs matching f by key, without their runs.
	ScreeningJobs(ctx context.Context, f JobFilter) ([]*Job, error)
}

// Runs lists the screening runs made for the caller's scope or a
// part of it, so that a reviewer finds the runs waiting for review.
func (s *Service) Runs(ctx context.Context, f RunFilter) ([]*Run, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	f.Page = pageOrDefault(f.Page)
	return s.store.ScreeningRuns(ctx, f)
}

// Jobs lists the screening jobs made for the caller's scope or a
// part of it.
func (s *Service) Jobs(ctx context.Context, f JobFilter) ([]*Job, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	f.Page = pageOrDefault(f.Page)
	return s.store.ScreeningJobs(ctx, f)
}

// pageOrDefault gives a page without a limit the default of 50.
func pageOrDefault(p registry.Page) registry.Page {
	if p.Limit <= 0 || p.Limit > registry.PageMax {
		p.Limit = 50
	}
	return p
}
