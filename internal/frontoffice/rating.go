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
	return s.ratings.Rate(ctx, ratings.Input{
		ApplicationNo:  a.No,
		MatterID:       a.Matter,
		Department:     a.Department,
		PointID:        a.Point,
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
