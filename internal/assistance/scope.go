package assistance

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// scopedRegistry hides the households and persons outside the caller's
// scope: for staff, such a record is NotFound, exactly as a missing one,
// so that a write naming it by key tells nothing about it; a citizen sees
// none. A context without a principal (the callers check it) sees
// everything.
type scopedRegistry struct{ Registry }

// hidden reports whether a record in region code is hidden from the
// caller.
func hidden(ctx context.Context, code region.Code) bool {
	pr, ok := auth.PrincipalFrom(ctx)
	if !ok {
		return false
	}
	return pr.Role == auth.RoleCitizen || !pr.InScope(code)
}

// Household returns the household of key id if the caller may see it.
func (r scopedRegistry) Household(ctx context.Context, id registry.HouseholdID) (*registry.Household, error) {
	h, err := r.Registry.Household(ctx, id)
	if err != nil {
		return nil, err
	}
	if hidden(ctx, h.RegionCode) {
		return nil, auth.NotFound("household", id)
	}
	return h, nil
}

// Person returns the person of key id if the caller may see them.
func (r scopedRegistry) Person(ctx context.Context, id registry.PersonID) (*registry.Person, error) {
	p, err := r.Registry.Person(ctx, id)
	if err != nil {
		return nil, err
	}
	if hidden(ctx, p.RegionCode) {
		return nil, auth.NotFound("person", id)
	}
	return p, nil
}
