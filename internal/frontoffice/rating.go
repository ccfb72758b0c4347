package frontoffice

import (
	"context"
	"errors"

	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/ratings"
)

// SetRatings gives the service the ratings (好差评, docs/ratings.md) that
// Rate records the applicant's rating with.
func (s *Service) SetRatings(r *ratings.Service) { s.ratings = r }

// Rate records the applicant's rating of application no (好差评): level 1
// (非常不满意) to 5 (非常满意), a comment, and how it was given (counter,
// online or mobile). Only a finished (办结) or refused application is
// rated: before that it is a Conflict. The application's facts (matter,
// department, point, channel, the clerk who received it, the applicant's
// region) are copied into the rating; the ratings service checks who may
// record it (never the receiving clerk), opens the follow-up of a poor
// rating and refuses a second one.
func (s *Service) Rate(ctx context.Context, no string, level ratings.Level, comment string, via ratings.Via) (*ratings.Rating, error) {
	if s.ratings == nil {
		return nil, errors.New("frontoffice: no ratings service")
	}
	d, err := s.Get(ctx, no)
	if err != nil {
		return nil, err
	}
	a := d.Application
	if a.Status != Completed && a.Status != Refused {
		return nil, fault.Keyed(fault.Conflict, "application_not_rateable",
			"application %s is %s: it is rated once it is finished (办结) or refused", a.No, a.Status)
	}
	point, err := s.ratedPoint(a)
	if err != nil {
		return nil, err
	}
	return s.ratings.Rate(ctx, ratings.Input{
		ApplicationNo:  a.No,
		MatterID:       a.Matter,
		Department:     a.Department,
		PointID:        point,
		Channel:        a.Channel,
		RatedVia:       via,
		ClerkUserID:    a.ReceivedBy,
		RegionCode:     a.RegionCode,
		Level:          level,
		Comment:        comment,
		PersonID:       int64(a.PersonID),
		OrganisationID: int64(a.OrganisationID),
	})
}

// ratedPoint is the service point a rating of a is counted at and whose
// head follows a poor one up: the point that received it, or, for an
// application with none (online, mobile, cross-province), the service
// hall of the applicant's county, whose back office worked it — the
// prefecture's hall when the county has none (docs/ratings.md).
func (s *Service) ratedPoint(a *Application) (string, error) {
	if a.Point != "" {
		return a.Point, nil
	}
	off, err := s.Office()
	if err != nil {
		return "", err
	}
	code := string(a.RegionCode)
	if len(code) >= 6 {
		if pt, ok := off.Points.Point("hall-" + code[:6]); ok {
			return pt.ID, nil
		}
		if pt, ok := off.Points.Point("hall-" + code[:4] + "00"); ok {
			return pt.ID, nil
		}
	}
	return "", fault.Errorf(fault.Invalid, "application %s has no service point and its region %s no service hall to count its rating at", a.No, code)
}
