package monitoring

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/registry"
)

// SignalOfBatch returns the signal of the household recorded in batch
// (the first, by key), for a caller that records one signal a batch and
// names the batch after its own request, such as the front office's
// application number, to find what it recorded before. NotFound when
// there is none or the household lies outside the caller's scope.
func (s *Service) SignalOfBatch(ctx context.Context, household registry.HouseholdID, batch string) (*Signal, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	sg, err := s.store.SignalOfBatch(ctx, household, batch)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, sg.RegionCode, "signal of batch", batch); err != nil {
		return nil, err
	}
	return sg, nil
}
