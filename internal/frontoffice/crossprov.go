package frontoffice

import (
	"context"
	"strings"

	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
)

// SetCrossProvince gives the front office the cross-province exchange
// (docs/crossprov.md), whose requests Get shows with the application that
// started them.
func (s *Service) SetCrossProvince(cp *crossprov.Service) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crossProvince = cp
}

// crossProvinceOf returns the latest cross-province request carrying a's
// number, for an application whose action started one (its result names
// a crossprov_request); nil when there is none, or the caller may not
// read it (the application is shown without it).
func (s *Service) crossProvinceOf(ctx context.Context, a *Application) (*crossprov.Request, error) {
	s.mu.Lock()
	cp := s.crossProvince
	s.mu.Unlock()
	if cp == nil || !strings.HasPrefix(a.ResultRef, "crossprov_request:") {
		return nil, nil
	}
	rs, err := cp.Requests(ctx, crossprov.Filter{ApplicationNo: a.No, Region: a.RegionCode, Limit: 50})
	switch c := fault.CodeOf(err); {
	case c == fault.Forbidden || c == fault.NotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case len(rs) == 0:
		return nil, nil
	}
	return rs[len(rs)-1], nil
}
