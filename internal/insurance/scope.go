package insurance

import (
	"context"

	"safetynet/internal/auth"
	"safetynet/internal/registry"
)

// scopedRegistry hides the persons outside the caller's scope: for staff,
// a person who lives outside it is NotFound, exactly as a missing one, so
// that a write naming a person by key tells nothing about them; for a
// citizen, everybody but themselves is. A context without a principal
// (the callers check it) sees everything.
type scopedRegistry struct{ Registry }

// Person returns the person of key id if the caller may see them.
func (r scopedRegistry) Person(ctx context.Context, id registry.PersonID) (*registry.Person, error) {
	p, err := r.Registry.Person(ctx, id)
	if err != nil {
		return nil, err
	}
	pr, ok := auth.PrincipalFrom(ctx)
	switch {
	case !ok:
	case pr.Role == auth.RoleCitizen && pr.PersonID != int64(id):
		return nil, auth.NotFound("person", id)
	case pr.Role != auth.RoleCitizen && !pr.InScope(p.RegionCode):
		return nil, auth.NotFound("person", id)
	}
	return p, nil
}
