package httpapi

import (
	"net/http"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// assistanceAwardRoutes are the routes of assistance awards and their
// periodic reviews.
func (s *server) assistanceAwardRoutes() []route {
	type (
		awardList = listResponse[assistanceAwardResponse]
	)
	return []route{
		{method: "GET", path: "/api/v1/assistance-awards", op: "listAssistanceAwards", handler: s.handleListAssistanceAwards, tag: "assistance",
			summary: "List assistance and allowance awards in your scope", params: assistanceAwardListParams{}, status: http.StatusOK, resp: awardList{}},
		{method: "GET", path: "/api/v1/assistance-awards/{id}", op: "getAssistanceAward", handler: s.handleGetAssistanceAward, tag: "assistance",
			summary: "Read an award with its explained decision, payment lines and reviews", params: idParams{}, status: http.StatusOK, resp: assistanceAwardResponse{}},
		{method: "GET", path: "/api/v1/assistance-reviews/due", op: "listDueAssistanceReviews", handler: s.handleReviewsDue, tag: "assistance",
			summary: "Awards whose periodic review (定期核查) is due", params: reviewsDueParams{}, status: http.StatusOK, resp: awardList{}},
		{method: "POST", path: "/api/v1/assistance-awards/{id}/reviews", op: "reviewAssistanceAward", handler: s.handleReview, tag: "assistance",
			summary: "Review an award on a new means test: continue, or propose a change or the stop with the reason", params: idParams{},
			body: meansTestRequest{}, status: http.StatusOK, resp: reviewResponse{}},
		{method: "POST", path: "/api/v1/assistance-reviews/{id}/decision", op: "decideAssistanceReview", handler: decide(s.asst.DecideReview, reviewOf), tag: "assistance",
			summary: "Approve or reject a review's proposal, by an approver who did not review", params: idParams{},
			body: decisionRequest{}, status: http.StatusOK, resp: reviewResponse{}},
	}
}

type paymentLineResponse struct {
	Period string `json:"period"`
	Amount int64  `json:"amount"`
	Layer  string `json:"layer"`
}

type reviewResponse struct {
	ID        int64             `json:"id"`
	AwardID   int64             `json:"award_id"`
	DueOn     string            `json:"due_on,omitempty" format:"date"`
	TestID    int64             `json:"test_id,omitempty"`
	Outcome   string            `json:"outcome" enum:"continue,change_proposed,changed,change_rejected,stop_proposed,stopped,stop_rejected"`
	Eligible  bool              `json:"eligible"`
	Amount    int64             `json:"amount"`
	OldAmount int64             `json:"old_amount"`
	Reason    string            `json:"reason,omitempty"`
	Decision  *decisionResponse `json:"decision,omitempty"`
}

func reviewOf(rv *assistance.Review) reviewResponse {
	return reviewResponse{ID: int64(rv.ID), AwardID: int64(rv.AwardID), DueOn: dateString(rv.DueOn), TestID: int64(rv.TestID), Outcome: string(rv.Outcome),
		Eligible: rv.Eligible, Amount: int64(rv.Amount), OldAmount: int64(rv.OldAmount), Reason: rv.Reason, Decision: storedDecision(rv.Decision)}
}

// assistanceAwardResponse is an award of assistance or an allowance.
type assistanceAwardResponse struct {
	ID          int64  `json:"id"`
	Programme   string `json:"programme"`
	Kind        string `json:"kind" enum:"monthly,once"`
	CaseID      int64  `json:"case_id,omitempty"`
	HouseholdID int64  `json:"household_id,omitempty"`
	PersonID    int64  `json:"person_id,omitempty"`
	RegionCode  string `json:"region_code"`
	Amount      int64  `json:"amount" description:"monthly, or the one-off grant, fen"`
	Start       string `json:"start"`
	End         string `json:"end,omitempty" description:"last month paid of a stopped award"`
	Status      string `json:"status" enum:"active,stopped,granted"`
	Category    string `json:"category,omitempty" enum:"stable,other,tekun"`
	ReviewDue   string `json:"review_due,omitempty" format:"date"`
	StopReason  string `json:"stop_reason,omitempty"`
	Version     int64  `json:"version"`
	// Decision, Lines and Reviews come in single reads.
	Decision *decisionResponse     `json:"decision,omitempty"`
	Lines    []paymentLineResponse `json:"lines,omitempty"`
	Reviews  []reviewResponse      `json:"reviews,omitempty"`
}

func assistanceAwardOf(a *assistance.Award) assistanceAwardResponse {
	return assistanceAwardResponse{ID: int64(a.ID), Programme: a.Programme, Kind: string(a.Kind), CaseID: int64(a.CaseID),
		HouseholdID: int64(a.HouseholdID), PersonID: int64(a.PersonID), RegionCode: string(a.RegionCode), Amount: int64(a.Amount),
		Start: monthString(a.Start), End: monthString(a.End), Status: string(a.Status), Category: a.Category,
		ReviewDue: dateString(a.ReviewDue), StopReason: a.StopReason, Version: a.Version}
}

func assistanceAwardKey(a *assistance.Award) int64 { return int64(a.ID) }

type assistanceAwardListParams struct {
	Region      region.Code          `query:"region"`
	Programme   string               `query:"programme"`
	Status      string               `query:"status" enum:"active,stopped,granted"`
	HouseholdID registry.HouseholdID `query:"household_id"`
	PersonID    registry.PersonID    `query:"person_id"`
	pageParams
}

func (s *server) handleListAssistanceAwards(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[assistanceAwardListParams](r)
	if err != nil {
		return err
	}
	f := assistance.AwardFilter{Region: p.Region, Programme: p.Programme, Status: assistance.AwardStatus(p.Status),
		HouseholdID: p.HouseholdID, PersonID: p.PersonID, Page: p.page()}
	as, err := s.asst.Awards(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(as, f.Limit, assistanceAwardKey, assistanceAwardOf))
	return nil
}

func (s *server) handleGetAssistanceAward(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	a, err := s.asst.FindAward(r.Context(), assistance.AwardID(p.ID))
	if err != nil {
		return err
	}
	out := assistanceAwardOf(a)
	out.Decision = storedDecision(a.Decision)
	lines, err := s.asst.AwardLines(r.Context(), a.ID)
	if err != nil {
		return err
	}
	for _, l := range lines {
		out.Lines = append(out.Lines, paymentLineResponse{Period: l.Period.String(), Amount: int64(l.Amount), Layer: string(l.Layer)})
	}
	reviews, err := s.asst.AwardReviews(r.Context(), a.ID)
	if err != nil {
		return err
	}
	for i := range reviews {
		out.Reviews = append(out.Reviews, reviewOf(&reviews[i]))
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

type reviewsDueParams struct {
	AsOf   period.Date `query:"as_of" format:"date" description:"default today"`
	Region region.Code `query:"region"`
	pageParams
}

func (s *server) handleReviewsDue(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[reviewsDueParams](r)
	if err != nil {
		return err
	}
	asOf, code := p.AsOf, p.Region
	page := p.page()
	if asOf.IsZero() {
		asOf = s.today()
	}
	as, err := s.asst.ReviewsDue(r.Context(), asOf, code, page)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(as, page.Limit, assistanceAwardKey, assistanceAwardOf))
	return nil
}

func (s *server) handleReview(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[idParams, meansTestRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	t := req.test(&pr)
	if err := pr.Err("invalid review"); err != nil {
		return err
	}
	rv, _, err := s.asst.Review(r.Context(), assistance.AwardID(p.ID), t, req.Note)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, reviewOf(rv))
	return nil
}
