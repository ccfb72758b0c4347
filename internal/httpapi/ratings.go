package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// ratingRoutes are the routes of the ratings of the front office (好差评,
// docs/ratings.md): a rating recorded at the counter, the follow-ups of
// the poor ones for the point's head, and the counts.
func (s *server) ratingRoutes() []route {
	type followUpList = listResponse[followUpResponse]
	return []route{
		{method: "POST", path: "/api/v1/ratings", op: "recordRating", handler: s.handleRecordRating, tag: "ratings",
			summary:     "Record the applicant's rating (好差评) of a finished or refused application, given at the counter: once per application (registry.write at the point, not the clerk who received it)",
			description: "A rating at or below ratings.follow_up_max_level (不满意, 非常不满意) opens a follow-up (差评整改) for the point's head in the same transaction, due ratings.follow_up_working_days working days later; a second rating of the application is 409.",
			body:        ratingBody{}, status: http.StatusCreated, resp: ratingResponse{}},
		{method: "GET", path: "/api/v1/ratings/follow-ups", op: "listRatingFollowUps", handler: s.handleListFollowUps, tag: "ratings",
			summary: "List the follow-ups of poor ratings at the points in your scope: by status, the overdue ones, or those you answered (mine)",
			params:  followUpListParams{}, status: http.StatusOK, resp: followUpList{}},
		{method: "GET", path: "/api/v1/ratings/follow-ups/{id}", op: "getRatingFollowUp", handler: s.handleGetFollowUp, tag: "ratings",
			summary: "Read a follow-up of a poor rating in your scope", params: idParams{}, status: http.StatusOK, resp: followUpResponse{}},
		{method: "POST", path: "/api/v1/ratings/follow-ups/{id}/answer", op: "answerRatingFollowUp", handler: s.handleAnswerFollowUp, tag: "ratings",
			summary: "Answer an open follow-up (ratings.follow_up): what was put right (整改情况) and the contact with the applicant (回访)",
			params:  idParams{}, body: followUpAnswerBody{}, status: http.StatusOK, resp: followUpResponse{}},
		{method: "POST", path: "/api/v1/ratings/follow-ups/{id}/close", op: "closeRatingFollowUp", handler: s.handleCloseFollowUp, tag: "ratings",
			summary: "Close an answered follow-up (ratings.follow_up): by a second user, never the one who answered it",
			params:  idParams{}, body: followUpCloseBody{}, status: http.StatusOK, resp: followUpResponse{}},
		{method: "GET", path: "/api/v1/ratings/counts", op: "countRatings", handler: s.handleRatingCounts, tag: "ratings",
			summary: "Count the ratings given from one day to another at the points in your scope, per matter, point, clerk or department: each level, the 满意率 and the follow-ups",
			params:  ratingCountParams{}, status: http.StatusOK, resp: ratingCountsResponse{}},
	}
}

// ratingService is the ratings, or the error of a server built without
// them.
func (s *server) ratingService() (*ratings.Service, error) {
	if s.rat == nil {
		return nil, fault.Errorf(fault.NotFound, "the ratings are not configured on this server")
	}
	return s.rat, nil
}

// ratingBody is a rating as the counter records it: the application's
// facts and the applicant's rating.
type ratingBody struct {
	ApplicationNo  string `json:"application_no" example:"SNhall-65230120261102001" description:"the application's receipt number, at most 40 characters"`
	MatterID       string `json:"matter_id" example:"employer_registration" description:"the matter of the catalogue (GET /api/v1/matters)"`
	Department     string `json:"department" example:"sibao" description:"the matter's department"`
	PointID        string `json:"point_id" example:"hall-652301" description:"the service point that received the application"`
	Channel        string `json:"channel" enum:"window,online,mobile,cross_province,bank,township,village" description:"the channel the application came through"`
	RatedVia       string `json:"rated_via" enum:"counter,online,mobile" description:"how the rating itself is given"`
	ClerkUserID    int64  `json:"clerk_user_id,omitempty" description:"the user who received the application; 0 for none"`
	RegionCode     string `json:"region_code" example:"652301001001" description:"the applicant's region"`
	Level          int    `json:"level" minimum:"1" maximum:"5" description:"5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"`
	Comment        string `json:"comment,omitempty" description:"the applicant's words, at most 500 characters"`
	PersonID       int64  `json:"person_id,omitempty" description:"the applicant who rates, a person; or organisation_id"`
	OrganisationID int64  `json:"organisation_id,omitempty" description:"the applicant who rates, an employer; or person_id"`
}

// ratingResponse is a recorded rating.
type ratingResponse struct {
	ID             int64     `json:"id"`
	ApplicationNo  string    `json:"application_no"`
	MatterID       string    `json:"matter_id"`
	Department     string    `json:"department" description:"the matter's department (sibao, minzheng)"`
	PointID        string    `json:"point_id"`
	PointRegion    string    `json:"point_region" description:"the point's region, in whose scope the follow-up is worked"`
	Channel        string    `json:"channel"`
	RatedVia       string    `json:"rated_via" enum:"counter,online,mobile" description:"how the rating was given"`
	ClerkUserID    int64     `json:"clerk_user_id"`
	RegionCode     string    `json:"region_code"`
	Level          int       `json:"level" minimum:"1" maximum:"5"`
	LevelText      string    `json:"level_text" example:"不满意" description:"the level in zh-CN"`
	Comment        string    `json:"comment" description:"the applicant's words"`
	PersonID       int64     `json:"person_id,omitempty"`
	OrganisationID int64     `json:"organisation_id,omitempty"`
	RatedOn        string    `json:"rated_on" format:"date"`
	RecordedBy     int64     `json:"recorded_by"`
	CreatedAt      time.Time `json:"created_at"`
	FollowUpID     int64     `json:"follow_up_id,omitempty" description:"the follow-up the rating opened, when poor"`
}

// ratingView converts a rating.
func ratingView(r *ratings.Rating) ratingResponse {
	return ratingResponse{ID: r.ID, ApplicationNo: r.ApplicationNo, MatterID: r.MatterID, Department: r.Department, PointID: r.PointID,
		PointRegion: string(r.PointRegion), Channel: string(r.Channel), RatedVia: string(r.RatedVia), ClerkUserID: r.ClerkUserID,
		RegionCode: string(r.RegionCode), Level: int(r.Level), LevelText: r.Level.String(), Comment: r.Comment, PersonID: r.PersonID,
		OrganisationID: r.OrganisationID, RatedOn: dateString(r.RatedOn), RecordedBy: r.RecordedBy, CreatedAt: r.CreatedAt, FollowUpID: r.FollowUpID}
}

func (s *server) handleRecordRating(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.ratingService()
	if err != nil {
		return err
	}
	b, err := decode[ratingBody](r)
	if err != nil {
		return err
	}
	rt, err := svc.Rate(r.Context(), ratings.Input{ApplicationNo: b.ApplicationNo, MatterID: b.MatterID, Department: b.Department,
		PointID: b.PointID, Channel: matters.Channel(b.Channel), RatedVia: ratings.Via(b.RatedVia), ClerkUserID: b.ClerkUserID,
		RegionCode: region.Code(b.RegionCode), Level: ratings.Level(b.Level), Comment: b.Comment, PersonID: b.PersonID, OrganisationID: b.OrganisationID})
	if err != nil {
		return err
	}
	if rt.FollowUpID > 0 {
		w.Header().Set("Location", "/api/v1/ratings/follow-ups/"+strconv.FormatInt(rt.FollowUpID, 10))
	}
	reply(w, r, http.StatusCreated, ratingView(rt))
	return nil
}

// followUpListParams are the filters of the follow-ups.
type followUpListParams struct {
	Region  region.Code `query:"region" description:"region subtree of the points; default your whole scope"`
	Status  string      `query:"status" enum:"open,answered,closed" description:"only those in this state"`
	Overdue bool        `query:"overdue" description:"only those not closed and past their due date"`
	Mine    bool        `query:"mine" description:"only those you answered"`
	pageParams
}

// followUpResponse is a follow-up of a poor rating.
type followUpResponse struct {
	ID             int64     `json:"id"`
	RatingID       int64     `json:"rating_id"`
	ApplicationNo  string    `json:"application_no"`
	RegionCode     string    `json:"region_code" description:"the point's region"`
	PointID        string    `json:"point_id"`
	MatterID       string    `json:"matter_id"`
	Level          int       `json:"level" minimum:"1" maximum:"5"`
	LevelText      string    `json:"level_text" example:"非常不满意" description:"the rating's level in zh-CN"`
	OpenedOn       string    `json:"opened_on" format:"date"`
	DueOn          string    `json:"due_on,omitempty" format:"date" description:"the last day to close it; absent while the calendar of due_pending_year is not published"`
	DuePendingYear int       `json:"due_pending_year,omitempty" description:"the unpublished year the due date waits for"`
	Status         string    `json:"status" enum:"open,answered,closed"`
	StatusText     string    `json:"status_text" example:"待整改" description:"the state in zh-CN"`
	Overdue        bool      `json:"overdue" description:"not closed and past its due date, today"`
	Measures       string    `json:"measures,omitempty" description:"整改情况: what was put right"`
	Contact        string    `json:"contact,omitempty" description:"回访: how the applicant was contacted and what they said"`
	ContactedOn    string    `json:"contacted_on,omitempty" format:"date"`
	AnsweredBy     int64     `json:"answered_by,omitempty"`
	AnsweredByName string    `json:"answered_by_name,omitempty" description:"the username of who answered it"`
	ClosedBy       int64     `json:"closed_by,omitempty"`
	ClosedByName   string    `json:"closed_by_name,omitempty" description:"the username of who closed it"`
	CloseNote      string    `json:"close_note,omitempty" description:"what the second user checked when closing it"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Version        int64     `json:"version"`
}

// followUpStatusText is a follow-up's state in zh-CN.
var followUpStatusText = map[ratings.Status]string{
	ratings.StatusOpen: "待整改", ratings.StatusAnswered: "已整改待确认", ratings.StatusClosed: "已办结",
}

// followUpView converts a follow-up.
func followUpView(f *ratings.FollowUp) followUpResponse {
	return followUpResponse{ID: f.ID, RatingID: f.RatingID, ApplicationNo: f.ApplicationNo, RegionCode: string(f.RegionCode), PointID: f.PointID,
		MatterID: f.MatterID, Level: int(f.Level), LevelText: f.Level.String(), OpenedOn: dateString(f.OpenedOn), DueOn: dateString(f.DueOn),
		DuePendingYear: f.DuePendingYear, Status: string(f.Status), StatusText: followUpStatusText[f.Status], Overdue: f.Overdue,
		Measures: f.Measures, Contact: f.Contact, ContactedOn: dateString(f.ContactedOn), AnsweredBy: f.AnsweredBy, AnsweredByName: f.AnsweredByName,
		ClosedBy: f.ClosedBy, ClosedByName: f.ClosedByName, CloseNote: f.CloseNote, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, Version: f.Version}
}

func (s *server) handleListFollowUps(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[followUpListParams](r)
	if err != nil {
		return err
	}
	svc, err := s.ratingService()
	if err != nil {
		return err
	}
	page := p.page()
	f := ratings.FollowUpFilter{Region: p.Region, Status: ratings.Status(p.Status), Overdue: p.Overdue, After: page.After, Limit: page.Limit}
	if p.Mine {
		pr, _ := auth.PrincipalFrom(r.Context())
		f.AnsweredBy = pr.UserID
	}
	fus, err := svc.FollowUps(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(fus, page.Limit, func(f *ratings.FollowUp) int64 { return f.ID }, followUpView))
	return nil
}

func (s *server) handleGetFollowUp(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	svc, err := s.ratingService()
	if err != nil {
		return err
	}
	f, err := svc.FollowUp(r.Context(), p.ID)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, followUpView(f))
	return nil
}

// followUpAnswerBody is the head's answer.
type followUpAnswerBody struct {
	Measures    string `json:"measures" description:"整改情况: what was put right, at most 1000 characters"`
	Contact     string `json:"contact" description:"回访: how the applicant was contacted and what they said, at most 500 characters"`
	ContactedOn string `json:"contacted_on" format:"date" description:"the day of the contact: not in the future, not before the rating"`
	Version     int64  `json:"version" description:"the follow-up's version you read; 0 to skip the check"`
}

func (s *server) handleAnswerFollowUp(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	svc, err := s.ratingService()
	if err != nil {
		return err
	}
	b, err := decode[followUpAnswerBody](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	on := dateField(&pr, "contacted_on", b.ContactedOn)
	if err := pr.Err("invalid answer"); err != nil {
		return err
	}
	f, err := svc.Answer(r.Context(), p.ID, ratings.Answer{Measures: b.Measures, Contact: b.Contact, ContactedOn: on, Version: b.Version})
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, followUpView(f))
	return nil
}

// followUpCloseBody is the second user's confirmation.
type followUpCloseBody struct {
	Note    string `json:"note,omitempty" description:"what was checked, at most 500 characters"`
	Version int64  `json:"version" description:"the follow-up's version you read; 0 to skip the check"`
}

func (s *server) handleCloseFollowUp(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	svc, err := s.ratingService()
	if err != nil {
		return err
	}
	b, err := decode[followUpCloseBody](r)
	if err != nil {
		return err
	}
	f, err := svc.Close(r.Context(), p.ID, ratings.Close{Note: b.Note, Version: b.Version})
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, followUpView(f))
	return nil
}

// ratingCountParams select the counts.
type ratingCountParams struct {
	By     string      `query:"by" required:"true" enum:"matter,point,clerk,department" description:"what the counts are grouped by"`
	From   period.Date `query:"from" required:"true" format:"date" description:"the first day of the ratings counted"`
	To     period.Date `query:"to" required:"true" format:"date" description:"the last day, at most 366 days after from"`
	Region region.Code `query:"region" description:"region subtree of the points; default your whole scope"`
}

// ratingCountRow is one group's counts.
type ratingCountRow struct {
	Key              string   `json:"key" description:"the matter's ID, the point's ID, the clerk's user ID or the department's ID"`
	Levels           [5]int64 `json:"levels" description:"ratings of each level, from 1 非常不满意 to 5 非常满意"`
	Total            int64    `json:"total"`
	Satisfied        int64    `json:"satisfied" description:"ratings at 基本满意 or above"`
	SatisfactionRate string   `json:"satisfaction_rate" example:"97.5%" description:"满意率: satisfied over total as an exact percentage (to a millionth of 1, rounded half up)"`
	SatisfactionText string   `json:"satisfaction_percent" example:"97.50%" description:"满意率 as a percentage, two decimals"`
	FollowUpsOpen    int64    `json:"follow_ups_open" description:"follow-ups not yet closed"`
	FollowUpsClosed  int64    `json:"follow_ups_closed"`
	FollowUpsOverdue int64    `json:"follow_ups_overdue" description:"not closed and past due, today"`
}

// ratingCountsResponse is the counts of one grouping.
type ratingCountsResponse struct {
	By     string           `json:"by" enum:"matter,point,clerk,department" description:"what the rows are grouped by"`
	Region string           `json:"region" description:"the region counted; empty for your whole scope"`
	From   string           `json:"from" format:"date" description:"the first day counted"`
	To     string           `json:"to" format:"date" description:"the last day counted"`
	Rows   []ratingCountRow `json:"rows" required:"true" nullable:"false" description:"one per group, in the order of the key"`
	Totals ratingCountRow   `json:"totals" description:"over every row; key empty"`
}

func (s *server) handleRatingCounts(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[ratingCountParams](r)
	if err != nil {
		return err
	}
	svc, err := s.ratingService()
	if err != nil {
		return err
	}
	cs, err := svc.Counts(r.Context(), ratings.Filter{From: p.From, To: p.To, Region: p.Region, By: ratings.By(p.By)})
	if err != nil {
		return err
	}
	out := ratingCountsResponse{By: p.By, Region: string(p.Region), From: dateString(p.From), To: dateString(p.To), Rows: []ratingCountRow{}}
	var tot ratings.Count
	for _, c := range cs {
		out.Rows = append(out.Rows, ratingCountView(c))
		for i := range tot.Levels {
			tot.Levels[i] += c.Levels[i]
		}
		tot.Total += c.Total
		tot.Satisfied += c.Satisfied
		tot.FollowUpsOpen += c.FollowUpsOpen
		tot.FollowUpsClosed += c.FollowUpsClosed
		tot.FollowUpsOverdue += c.FollowUpsOverdue
	}
	tot.SatisfactionRate = ratings.SatisfactionRate(tot.Satisfied, tot.Total)
	out.Totals = ratingCountView(tot)
	reply(w, r, http.StatusOK, out)
	return nil
}

// ratingCountView converts a group's counts.
func ratingCountView(c ratings.Count) ratingCountRow {
	return ratingCountRow{Key: c.Key, Levels: c.Levels, Total: c.Total, Satisfied: c.Satisfied, SatisfactionRate: c.SatisfactionRate.String(),
		SatisfactionText: c.Percent(), FollowUpsOpen: c.FollowUpsOpen, FollowUpsClosed: c.FollowUpsClosed, FollowUpsOverdue: c.FollowUpsOverdue}
}
