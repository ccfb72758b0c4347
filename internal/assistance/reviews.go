package assistance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// ReviewID is a review's surrogate key.
type ReviewID int64

// ReviewOutcome is what a review found or what became of its proposal.
type ReviewOutcome string

// The review outcomes.
const (
	ReviewContinue       ReviewOutcome = "continue"        // still eligible at the same amount
	ReviewChangeProposed ReviewOutcome = "change_proposed" // eligible at another amount, for approval
	ReviewChanged        ReviewOutcome = "changed"
	ReviewChangeRejected ReviewOutcome = "change_rejected"
	ReviewStopProposed   ReviewOutcome = "stop_proposed" // no longer eligible: the stop is proposed with the reason
	ReviewStopped        ReviewOutcome = "stopped"
	ReviewStopRejected   ReviewOutcome = "stop_rejected"
)

// Review is a periodic review of an award (定期核查, 动态管理): a new means
// test decided again under the programme.
type Review struct {
	ID         ReviewID      `json:"id"`
	AwardID    AwardID       `json:"award_id"`
	RegionCode region.Code   `json:"region_code"`
	DueOn      period.Date   `json:"due_on"`
	TestID     TestID        `json:"test_id,omitempty"`
	Outcome    ReviewOutcome `json:"outcome"`
	Eligible   bool          `json:"eligible"`
	Amount     money.Fen     `json:"amount"`
	OldAmount  money.Fen     `json:"old_amount"`
	// Reason says why a change or stop is proposed: the conditions that
	// no longer hold, or the new amount.
	Reason     string          `json:"reason,omitempty"`
	Decision   json.RawMessage `json:"decision,omitempty"`
	ReviewedBy int64           `json:"reviewed_by"`
	ReviewedAt time.Time       `json:"reviewed_at"`
	DecidedBy  int64           `json:"decided_by,omitempty"`
	DecidedAt  time.Time       `json:"decided_at,omitzero"`
}

// ReviewStore keeps reviews.
type ReviewStore interface {
	// SaveReview inserts r (ID 0) or updates it, and stores award a (when
	// not nil, if its version is current), in one transaction with one
	// audit event; a new review's means test t (when not nil) is inserted
	// first with its classification c, and r gets its ID. Conflict when
	// the award has a proposal waiting.
	SaveReview(ctx context.Context, r *Review, a *Award, t *MeansTest, c *Classification) error
	// FindReview returns a review.
	FindReview(ctx context.Context, id ReviewID) (*Review, error)
	// Reviews lists an award's reviews in order.
	Reviews(ctx context.Context, award AwardID) ([]Review, error)
}

// ReviewsDue lists the active awards of the region subtree whose review is
// due by asOf (到期复核), by key: a page of them after page.After.
func (s *Service) ReviewsDue(ctx context.Context, asOf period.Date, code region.Code, page registry.Page) ([]*Award, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	if page.Limit <= 0 {
		page.Limit = 100
	}
	return s.store.AssistanceAwards(ctx, AwardFilter{Region: code, Status: AwardActive, ReviewDueBy: asOf, Page: page})
}

// Review reviews an active 低保 or 特困 award on a new means test of the
// household (source review) for the current month: still eligible at the
// same amount, the next review is scheduled; at another amount, the change
// is proposed; no longer eligible, the stop is proposed with the reason.
// Proposals take effect when another user approves them (DecideReview).
func (s *Service) Review(ctx context.Context, id AwardID, t *MeansTest, note string) (*Review, *Explanation, error) {
	a, err := s.store.AssistanceAward(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermAssistance, a.RegionCode, "award", id)
	if err != nil {
		return nil, nil, err
	}
	if a.Status != AwardActive || (a.Programme != ProgDibao && a.Programme != ProgTekun) {
		return nil, nil, fault.Errorf(fault.Conflict, "award %d is a %s %s award: only active 低保 and 特困 awards are reviewed", id, a.Status, a.Programme)
	}
	c, err := s.store.Case(ctx, a.CaseID)
	if err != nil {
		return nil, nil, err
	}
	today := s.today()
	t.HouseholdID, t.Source = c.HouseholdID, SourceReview
	if t.Period.IsZero() {
		t.Period = today.Period()
	}
	if note != "" && t.Note == "" {
		t.Note = note
	}
	ex, err := s.prepareMeansTest(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.decide(ctx, &Case{Programme: a.Programme, HouseholdID: c.HouseholdID, PersonID: a.PersonID}, t, t.Period)
	if err != nil {
		return nil, nil, err
	}
	r := &Review{AwardID: a.ID, RegionCode: a.RegionCode, DueOn: a.ReviewDue, Eligible: d.Eligible,
		Amount: d.Amount, OldAmount: a.Amount, ReviewedBy: p.UserID, ReviewedAt: s.clock.Now().UTC()}
	if r.Decision, err = json.Marshal(d); err != nil {
		return nil, nil, fmt.Errorf("encode decision: %w", err)
	}
	var award *Award
	switch {
	case !d.Eligible:
		r.Outcome, r.Amount, r.Reason = ReviewStopProposed, 0, "no longer eligible: "+FailedConditions(d)
	case d.Amount != a.Amount:
		r.Outcome, r.Reason = ReviewChangeProposed, fmt.Sprintf("amount %s → %s", a.Amount, d.Amount)
	default:
		r.Outcome = ReviewContinue
		next := *a
		if next.ReviewDue, err = s.nextReview(&next, today); err != nil {
			return nil, nil, err
		}
		award = &next
	}
	if err := s.store.SaveReview(ctx, r, award, t, &ex.Classification); err != nil {
		return nil, nil, err
	}
	ex.TestID = t.ID
	return r, ex, nil
}

// DecideReview approves or rejects a review's proposal; by an approver who
// did not make the review. An approved stop ends the award with the current
// month (the last paid); an approved change pays the new amount from the
// next payment run. A rejected proposal keeps the award and schedules the next
// review.
func (s *Service) DecideReview(ctx context.Context, id ReviewID, approve bool, note string) (*Review, error) {
	r, err := s.store.FindReview(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermApprove, r.RegionCode, "review", id)
	if err != nil {
		return nil, err
	}
	if r.Outcome != ReviewStopProposed && r.Outcome != ReviewChangeProposed {
		return nil, fault.Errorf(fault.Conflict, "review %d has no proposal waiting (%s)", id, r.Outcome)
	}
	if err := auth.SecondUser(p, []int64{r.ReviewedBy}, "review %d was made by you: another user decides it", id); err != nil {
		return nil, err
	}
	a, err := s.store.AssistanceAward(ctx, r.AwardID)
	if err != nil {
		return nil, err
	}
	if a.Status != AwardActive {
		return nil, fault.Errorf(fault.Conflict, "award %d is %s", a.ID, a.Status)
	}
	today := s.today()
	r.DecidedBy, r.DecidedAt = p.UserID, s.clock.Now().UTC()
	next := *a
	switch {
	case r.Outcome == ReviewStopProposed && approve:
		r.Outcome = ReviewStopped
		next.Status, next.End, next.StopReason = AwardStopped, max(today.Period(), a.Start), r.Reason
		next.Notice = s.StopNotice(&next)
	case r.Outcome == ReviewChangeProposed && approve:
		r.Outcome = ReviewChanged
		// The new amount is paid from the next month: a stop and a new
		// award would lose the history, so the award carries it on.
		next.Amount, next.Decision = r.Amount, r.Decision
		if next.ReviewDue, err = s.nextReview(&next, today); err != nil {
			return nil, err
		}
	default:
		r.Outcome = map[ReviewOutcome]ReviewOutcome{ReviewStopProposed: ReviewStopRejected, ReviewChangeProposed: ReviewChangeRejected}[r.Outcome]
		if next.ReviewDue, err = s.nextReview(&next, today); err != nil {
			return nil, err
		}
	}
	if note != "" {
		r.Reason += "; " + note
	}
	if err := s.store.SaveReview(ctx, r, &next, nil, nil); err != nil {
		return nil, err
	}
	return r, nil
}

// AwardReviews lists an award's reviews.
func (s *Service) AwardReviews(ctx context.Context, id AwardID) ([]Review, error) {
	if _, err := s.FindAward(ctx, id); err != nil {
		return nil, err
	}
	return s.store.Reviews(ctx, id)
}
