package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// The reviews of awards (定期核查, 动态管理): the awards due for review in
// the post's scope, the proposals (change or stop) waiting for a second
// user, an award's page with its review form, and the notice of a change
// or stop to the household.

// assistanceReviewRoutes registers the review pages.
func (c *Console) assistanceReviewRoutes() {
	read := []auth.Permission{auth.PermAssistance, auth.PermApprove}
	c.handle("GET /assistance/reviews", c.handleReviews, read...)
	c.handle("GET /assistance/awards/{id}", c.handleAward, read...)
	c.handle("POST /assistance/awards/{id}/review", c.handleReview, auth.PermAssistance)
	// Open to both posts so that the service's own refusal is what a
	// caseworker who tries sees.
	c.handle("POST /assistance/awards/{id}/reviews/{review}/decision", c.handleDecideReview, read...)
	c.handle("GET /assistance/awards/{id}/reviews/{review}/letter", c.handleReviewLetter, read...)
}

// reviewListPage is the data of the reviews page.
type reviewListPage struct {
	Proposed  bool
	AsOf      period.Date
	Due       []dueRow
	Proposals []proposalRow
	Next      int64
}

// dueRow is an award due for review.
type dueRow struct {
	ID        assistance.AwardID
	Name      string
	Region    string
	Programme string
	Amount    money.Fen
	DueOn     period.Date
}

// proposalRow is a review's proposal waiting for a second user.
type proposalRow struct {
	ID        assistance.ReviewID
	AwardID   assistance.AwardID
	Name      string
	Region    string
	Programme string
	Outcome   assistance.ReviewOutcome
	OldAmount money.Fen
	Amount    money.Fen
}

// handleReviews lists the awards due for review in the principal's scope,
// or with ?status=proposed the review proposals waiting for a decision.
func (c *Console) handleReviews(w http.ResponseWriter, r *http.Request) error {
	pr, _ := auth.PrincipalFrom(r.Context())
	q := r.URL.Query()
	status := q.Get("status")
	if status != "" && status != "proposed" {
		return &fault.Error{Code: fault.Invalid, Message: "invalid filter", Fields: map[string]string{"status": "proposed or nothing"}}
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	today := c.app.Clock.Today()
	p := c.newPage(r, "assistance_reviews")
	p.Title, p.Active = p.T("assistance.reviews.title"), "assistance"
	data := reviewListPage{Proposed: status == "proposed", AsOf: today}
	page := registry.Page{After: after, Limit: casePage + 1}
	if data.Proposed {
		code, err := auth.ScopeFilter(pr, "")
		if err != nil {
			return err
		}
		rows, err := c.app.Store.ReviewProposals(r.Context(), code, page)
		if err != nil {
			return err
		}
		if len(rows) > casePage {
			rows = rows[:casePage]
			data.Next = int64(rows[len(rows)-1].ID)
		}
		for _, x := range rows {
			data.Proposals = append(data.Proposals, proposalRow{ID: x.ID, AwardID: x.AwardID, Name: x.Name, Region: c.regionName(p.Lang, x.RegionCode),
				Programme: p.T("assistance.programme." + x.Programme), Outcome: x.Outcome, OldAmount: x.OldAmount, Amount: x.Amount})
		}
	} else {
		awards, err := c.app.Assistance.ReviewsDue(r.Context(), today, "", page)
		if err != nil {
			return err
		}
		if len(awards) > casePage {
			awards = awards[:casePage]
			data.Next = int64(awards[len(awards)-1].ID)
		}
		ids := make([]assistance.AwardID, len(awards))
		for i, a := range awards {
			ids[i] = a.ID
		}
		names, err := c.app.Store.AwardNames(r.Context(), ids)
		if err != nil {
			return err
		}
		for _, a := range awards {
			data.Due = append(data.Due, dueRow{ID: a.ID, Name: names[a.ID], Region: c.regionName(p.Lang, a.RegionCode),
				Programme: p.T("assistance.programme." + a.Programme), Amount: a.Amount, DueOn: a.ReviewDue})
		}
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// awardPage is the data of an award's page.
type awardPage struct {
	Award     *assistance.Award
	Programme string
	Household *householdCard
	Reviews   []reviewCard
	CanReview bool
	CanDecide bool
	Means     *meansForm
	Refusal   string
	Detail    string
	Problems  map[string]string
	// StopReason is the award's stop reason in words.
	StopReason string
}

// reviewCard is one review of an award, explained.
type reviewCard struct {
	ID         assistance.ReviewID
	DueOn      period.Date
	Outcome    assistance.ReviewOutcome
	OldAmount  money.Fen
	Amount     money.Fen
	ReviewedAt string
	Explain    *policy.Explanation
	Waiting    bool
	Letter     bool
}

// awardID reads the award key of the path.
func awardID(r *http.Request) (assistance.AwardID, error) {
	id, err := pathKey(r, "id")
	return assistance.AwardID(id), err
}

// handleAward shows an award with its reviews, the review form for a
// caseworker and the decision on a proposal for an approver.
func (c *Console) handleAward(w http.ResponseWriter, r *http.Request) error {
	id, err := awardID(r)
	if err != nil {
		return err
	}
	return c.renderAward(w, r, http.StatusOK, id, nil)
}

// awardHousehold is the household an award is for: its own, its case's,
// or its person's.
func (c *Console) awardHousehold(ctx context.Context, a *assistance.Award) (registry.HouseholdID, error) {
	if a.HouseholdID != 0 {
		return a.HouseholdID, nil
	}
	if a.CaseID != 0 {
		v, err := c.app.Assistance.FindCase(ctx, a.CaseID)
		if err != nil {
			return 0, err
		}
		return v.HouseholdID, nil
	}
	hs, err := c.app.Registry.Households(ctx, registry.HouseholdFilter{PersonID: a.PersonID, Page: registry.Page{Limit: 1}})
	if err != nil || len(hs) == 0 {
		return 0, err
	}
	return hs[0].ID, nil
}

// renderAward renders an award's page; failed, when not nil, is a step
// the service refused, shown beside the award.
func (c *Console) renderAward(w http.ResponseWriter, r *http.Request, status int, id assistance.AwardID, failed error) error {
	a, err := c.app.Assistance.FindAward(r.Context(), id)
	if err != nil {
		return err
	}
	pr, _ := auth.PrincipalFrom(r.Context())
	p := c.newPage(r, "assistance_award")
	p.Title, p.Active = p.T("assistance.award.title", int64(id)), "assistance"
	data := &awardPage{Award: a, Programme: p.T("assistance.programme." + a.Programme), CanDecide: pr.Can(auth.PermApprove), StopReason: c.reasonText(p.Lang, a.Programme, a.StopReason),
		CanReview: pr.Can(auth.PermAssistance) && a.Status == assistance.AwardActive && (a.Programme == assistance.ProgDibao || a.Programme == assistance.ProgTekun)}
	hh, err := c.awardHousehold(r.Context(), a)
	if err != nil {
		return err
	}
	if hh != 0 {
		if data.Household, err = c.householdCard(r, p.Lang, hh); err != nil {
			return err
		}
	}
	rs, err := c.app.Assistance.AwardReviews(r.Context(), id)
	if err != nil {
		return err
	}
	for i := len(rs) - 1; i >= 0; i-- {
		x := rs[i]
		rc := reviewCard{ID: x.ID, DueOn: x.DueOn, Outcome: x.Outcome, OldAmount: x.OldAmount, Amount: x.Amount,
			ReviewedAt: timeText(p.Lang, c.app.Juris, x.ReviewedAt),
			Waiting:    x.Outcome == assistance.ReviewStopProposed || x.Outcome == assistance.ReviewChangeProposed,
			Letter:     x.Outcome == assistance.ReviewStopped || x.Outcome == assistance.ReviewChanged}
		if len(x.Decision) > 0 {
			var d policy.Decision
			if json.Unmarshal(x.Decision, &d) == nil {
				rc.Explain = c.explanationOf(r, &d)
			}
		}
		data.Reviews = append(data.Reviews, rc)
		if rc.Waiting {
			data.CanReview = false // one proposal at a time
		}
	}
	if data.CanReview && data.Household != nil {
		var typed *investigationForm
		if f, ok := r.Context().Value(investigationKey{}).(*investigationForm); ok {
			typed = f
		}
		data.Means = meansFormOf(p, fmt.Sprintf("/assistance/awards/%d/review", id), 0, data.Household, typed, localProblems(p.Lang, faultFieldsIn(p.Lang, failed)))
		data.Means.Submit = "assistance.review.submit"
	}
	if failed != nil {
		data.Problems = localProblems(p.Lang, faultFieldsIn(p.Lang, failed))
		data.Refusal = c.reviewRefusal(p.Lang, pr, r, failed)
		if generic(p.Lang, data.Refusal) {
			data.Detail = faultText(p.Lang, failed)
		}
	}
	p.Data = data
	c.render(w, r, status, p)
	return nil
}

// reviewRefusal says in words why the service refused a review step.
func (c *Console) reviewRefusal(l Lang, pr auth.Principal, r *http.Request, err error) string {
	if fault.CodeOf(err) == fault.Forbidden && strings.HasSuffix(r.URL.Path, "/decision") {
		if !pr.Can(auth.PermApprove) {
			return translate(l, "assistance.refused.not_approver")
		}
		return translate(l, "assistance.refused.review_maker")
	}
	switch fault.CodeOf(err) {
	case fault.Forbidden:
		return translate(l, "error.forbidden")
	case fault.Conflict:
		return translate(l, "error.conflict")
	}
	return translate(l, "error.invalid")
}

// awardStepFailed shows a refused step on the award's page, as
// stepFailed does for a case.
func (c *Console) awardStepFailed(w http.ResponseWriter, r *http.Request, id assistance.AwardID, err error) error {
	var status int
	switch fault.CodeOf(err) {
	case fault.Invalid:
		status = http.StatusUnprocessableEntity
	case fault.Forbidden:
		status = http.StatusForbidden
	case fault.Conflict:
		status = http.StatusConflict
	default:
		return err
	}
	if rerr := c.renderAward(w, r, status, id, err); rerr != nil {
		if fault.CodeOf(rerr) == fault.NotFound || fault.CodeOf(rerr) == fault.Forbidden {
			return err
		}
		return rerr
	}
	return nil
}

// handleReview reviews an award on the means test form: the same amount
// schedules the next review; a change or a stop is proposed for a second
// user.
func (c *Console) handleReview(w http.ResponseWriter, r *http.Request) error {
	id, err := awardID(r)
	if err != nil {
		return err
	}
	t, form, formIndex, pr := parseMeansForm(r, assistance.SourceReview)
	r = r.WithContext(context.WithValue(r.Context(), investigationKey{}, form))
	if err := pr.Err("invalid review"); err != nil {
		return c.awardStepFailed(w, r, id, err)
	}
	if _, _, err := c.app.Assistance.Review(r.Context(), id, t, form.household.Note); err != nil {
		return c.awardStepFailed(w, r, id, formFields(err, formIndex))
	}
	http.Redirect(w, r, fmt.Sprintf("/assistance/awards/%d", id), http.StatusSeeOther)
	return nil
}

// handleDecideReview approves or rejects a review's proposal, by a user
// who did not make the review.
func (c *Console) handleDecideReview(w http.ResponseWriter, r *http.Request) error {
	id, err := awardID(r)
	if err != nil {
		return err
	}
	rid, _ := strconv.ParseInt(r.PathValue("review"), 10, 64)
	o := r.PostFormValue("outcome")
	if o != "approve" && o != "reject" {
		return c.awardStepFailed(w, r, id, &fault.Error{Code: fault.Invalid, Message: "invalid decision", Fields: map[string]string{"outcome": "approve or reject"}})
	}
	if err := c.reviewOfAward(r, id, assistance.ReviewID(rid)); err != nil {
		return err
	}
	if _, err := c.app.Assistance.DecideReview(r.Context(), assistance.ReviewID(rid), o == "approve", strings.TrimSpace(r.PostFormValue("note"))); err != nil {
		return c.awardStepFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/assistance/awards/%d", id), http.StatusSeeOther)
	return nil
}

// reviewOfAward checks that review rid is of award id, which the caller
// may read: the path names both.
func (c *Console) reviewOfAward(r *http.Request, id assistance.AwardID, rid assistance.ReviewID) error {
	_, err := c.findReview(r, id, rid)
	return err
}

// findReview returns review rid of award id, NotFound when the award is
// not the caller's to read or has no such review.
func (c *Console) findReview(r *http.Request, id assistance.AwardID, rid assistance.ReviewID) (*assistance.Review, error) {
	rs, err := c.app.Assistance.AwardReviews(r.Context(), id)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if rs[i].ID == rid {
			return &rs[i], nil
		}
	}
	return nil, fault.Errorf(fault.NotFound, "award %d has no review %d", id, rid)
}

// reviewLetterPage is the data of the notice of a change or stop.
type reviewLetterPage struct {
	Kind      string
	Award     *assistance.Award
	Review    *assistance.Review
	Programme string
	Head      string
	Region    string
	Reasons   []string
	From      period.Month
	Today     period.Date
}

// handleReviewLetter prints the notice to the household (告知书) of a
// review's decided change (the new amount and from when) or stop (the
// reasons), with the right to appeal.
func (c *Console) handleReviewLetter(w http.ResponseWriter, r *http.Request) error {
	id, err := awardID(r)
	if err != nil {
		return err
	}
	rid, _ := strconv.ParseInt(r.PathValue("review"), 10, 64)
	rv, err := c.findReview(r, id, assistance.ReviewID(rid))
	if err != nil {
		return err
	}
	a, err := c.app.Assistance.FindAward(r.Context(), id)
	if err != nil {
		return err
	}
	p := c.newPage(r, "assistance_review_letter")
	p.Print, p.Active = true, "assistance"
	data := reviewLetterPage{Award: a, Review: rv, Programme: p.T("assistance.programme." + a.Programme), Region: c.countyName(p.Lang, a.RegionCode),
		Today: c.app.Clock.Today(), From: c.app.Clock.Date(rv.DecidedAt).Period().Add(1)}
	switch rv.Outcome {
	case assistance.ReviewChanged:
		data.Kind = "change"
	case assistance.ReviewStopped:
		data.Kind, data.From = "stop", a.End.Add(1)
		if len(rv.Decision) > 0 {
			var d policy.Decision
			if json.Unmarshal(rv.Decision, &d) == nil {
				if ex := c.explanationOf(r, &d); ex != nil {
					data.Reasons = failedLines(ex)
				}
			}
		}
	default:
		return fault.Errorf(fault.Conflict, "review %d changed nothing the household is told of", rid)
	}
	if hh, err := c.awardHousehold(r.Context(), a); err == nil && hh != 0 {
		h, err := c.householdCard(r, p.Lang, hh)
		if err != nil {
			return err
		}
		for _, m := range h.Members {
			if m.Relation == translate(p.Lang, "assistance.relation.head") {
				data.Head = m.Name
			}
		}
	}
	p.Title = p.T("assistance.letter.title." + data.Kind)
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}
