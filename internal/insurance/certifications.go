package insurance

import (
	"context"
	"errors"

	"safetynet/internal/auth"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// CertificationReader is the store's read of a person's certifications,
// newest first. The SQL store implements it; Certifications needs it.
type CertificationReader interface {
	CertificationsOf(ctx context.Context, person registry.PersonID, limit int) ([]Certification, error)
}

// Certifications returns the person's latest certifications (at most
// limit, newest first), if the person lies in the caller's scope.
func (s *Pensions) Certifications(ctx context.Context, person registry.PersonID, limit int) ([]Certification, error) {
	p, err := s.registry.Person(ctx, person)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, p.RegionCode, "person", person); err != nil {
		return nil, err
	}
	r, ok := s.store.(CertificationReader)
	if !ok {
		return nil, errors.New("insurance: the store does not read certifications")
	}
	return r.CertificationsOf(ctx, person, limit)
}

// Today is the service's date, in the jurisdiction's time zone.
func (s *Pensions) Today() period.Date { return s.today() }
