package insurance

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// RefundRunFilter selects refund runs. A run belongs to the region it was
// made for: a filter takes the runs made for a region in its subtree.
type RefundRunFilter struct {
	Region region.Code
	Year   int // all years when zero
	Status RefundStatus
	registry.Page
}

// PayrollRunFilter selects payroll runs, as RefundRunFilter refund runs.
type PayrollRunFilter struct {
	Region region.Code
	Period period.Month // all months when zero
	registry.Page
}

// Runs lists the refund runs made for the caller's scope or a part of it,
// by key, without their items: the batches waiting for a decision among
// them.
func (s *Refunds) Runs(ctx context.Context, f RefundRunFilter) ([]*RefundRun, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	f.Limit = pageLimit(f.Limit)
	return s.store.RefundRuns(ctx, f)
}

// PayrollRuns lists the payroll runs made for the caller's scope or a part
// of it, by key.
func (s *Pensions) PayrollRuns(ctx context.Context, f PayrollRunFilter) ([]*PayrollRun, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	f.Limit = pageLimit(f.Limit)
	return s.store.PayrollRuns(ctx, f)
}
