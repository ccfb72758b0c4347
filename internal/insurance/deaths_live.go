package insurance

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/registry"
)

// Latest returns the person's latest settlement, whatever its status, in
// the caller's scope; NotFound when none was ever proposed. A caller that
// proposes a settlement once per application looks here first, so that
// proposing again after a crash finds the earlier proposal, and a
// rejection is not followed by a new proposal nobody asked for.
func (s *Deaths) Latest(ctx context.Context, person registry.PersonID) (*DeathSettlement, error) {
	d, err := s.store.LatestDeathSettlement(ctx, person)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, d.RegionCode, "death settlement", d.ID); err != nil {
		return nil, err
	}
	return d, nil
}
