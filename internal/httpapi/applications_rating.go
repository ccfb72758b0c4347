package httpapi

import (
	"net/http"
	"strconv"

	"safetynet/internal/frontoffice/ratings"
)

// applicationRatingRoutes are the routes of an application's rating
// (好差评): the front office copies the application's facts into it.
func (s *server) applicationRatingRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/applications/{no}/rating", op: "rateApplication", handler: s.handleRateApplication, tag: "applications",
			summary:     "Record the applicant's rating (好差评) of a finished (办结) or refused application: once per application (registry.write or frontoffice.receive at the point, not the clerk who received it)",
			description: "The application's matter, department, point, channel, receiving clerk and region are copied into the rating. Before 办结 or refusal it is 409; a second rating is 409. A rating at or below ratings.follow_up_max_level opens a follow-up (差评整改) for the point's head, named by the Location header.",
			params:      applicationParams{}, body: applicationRatingBody{}, status: http.StatusCreated, resp: ratingResponse{}},
	}
}

// applicationRatingBody is the applicant's rating of an application.
type applicationRatingBody struct {
	Level    int    `json:"level" minimum:"1" maximum:"5" description:"5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"`
	Comment  string `json:"comment,omitempty" description:"the applicant's words, at most 500 characters"`
	RatedVia string `json:"rated_via" enum:"counter,online,mobile" description:"how the rating is given"`
}

func (s *server) handleRateApplication(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[applicationParams](r)
	if err != nil {
		return err
	}
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	b, err := decode[applicationRatingBody](r)
	if err != nil {
		return err
	}
	rt, err := fo.Rate(r.Context(), p.No, ratings.Level(b.Level), b.Comment, ratings.Via(b.RatedVia))
	if err != nil {
		return err
	}
	if rt.FollowUpID > 0 {
		w.Header().Set("Location", "/api/v1/ratings/follow-ups/"+strconv.FormatInt(rt.FollowUpID, 10))
	}
	reply(w, r, http.StatusCreated, ratingView(rt))
	return nil
}
