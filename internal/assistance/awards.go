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

// AwardID is an award's surrogate key.
type AwardID int64

// AwardStatus is the state of an award.
type AwardStatus string

// The award statuses.
const (
	AwardActive  AwardStatus = "active"  // a monthly award in payment
	AwardStopped AwardStatus = "stopped" // ended; End is the last month paid
	AwardGranted AwardStatus = "granted" // a one-off, paid for its month
)

// AwardKind says how an award is paid.
type AwardKind string

// The award kinds.
const (
	Monthly AwardKind = "monthly"
	Once    AwardKind = "once"
)

// The review categories of awards (分类管理): a 低保 household is stable
// (reviewed yearly) or not (half-yearly); 特困 persons have their own cycle.
const (
	ReviewStable = "stable" // 收入稳定
	ReviewOther  = "other"
	ReviewTekun  = "tekun"
)

// Award is assistance or an allowance in payment (救助待遇): from an
// approved case, or from a screening run with no application. A household
// award (低保, temporary assistance, heating, festival) has PersonID 0; a
// person's (特困, the allowances) has HouseholdID 0.
type Award struct {
	ID          AwardID              `json:"id"`
	Programme   string               `json:"programme"`
	Kind        AwardKind            `json:"kind"`
	CaseID      CaseID               `json:"case_id,omitempty"`
	HouseholdID registry.HouseholdID `json:"household_id,omitempty"`
	PersonID    registry.PersonID    `json:"person_id,omitempty"`
	RegionCode  region.Code          `json:"region_code"`
	// Amount is monthly for a monthly award, the grant for a one-off.
	Amount money.Fen    `json:"amount"`
	Start  period.Month `json:"start"`
	// End is the last month paid of a stopped award.
	End        period.Month `json:"end,omitzero"`
	Status     AwardStatus  `json:"status"`
	Category   string       `json:"category,omitempty"`
	ReviewDue  period.Date  `json:"review_due,omitzero"`
	StopReason string       `json:"stop_reason,omitempty"`
	// Decision is the programme's explained decision the award rests on.
	Decision      json.RawMessage `json:"decision,omitempty"`
	PolicyVersion string          `json:"policy_version,omitempty"`
	CreatedBy     string          `json:"created_by"`
	CreatedAt     time.Time       `json:"created_at"`
	Version       int64           `json:"version"`
	// Notice, when set, is what the payee is told of this change (granted,
	// changed or stopped, with the reason); the store queues it with the
	// change.
	Notice *Notice `json:"-"`
}

// Notice is a message to a beneficiary about an award.
type Notice struct {
	Kind    string // granted | stopped
	Message string
}

// GrantNotice tells a beneficiary what was granted.
func (s *Service) GrantNotice(a *Award) *Notice {
	name := a.Programme
	if p, ok := s.policy.Programme(a.Programme); ok {
		name = p.NameZH + " (" + p.NameEN + ")"
	}
	if a.Kind == Once {
		return &Notice{Kind: "granted", Message: fmt.Sprintf("您获得%s %s 元 (%s)。You have been granted %s yuan.", name, a.Amount, a.Start, a.Amount)}
	}
	return &Notice{Kind: "granted", Message: fmt.Sprintf("您已获批%s，每月 %s 元，自 %s 起发放，无需申请。You have been granted %s yuan a month from %s, with no application.",
		name, a.Amount, a.Start, a.Amount, a.Start)}
}

// StopNotice tells a beneficiary an award stops, and why.
func (s *Service) StopNotice(a *Award) *Notice {
	name := a.Programme
	if p, ok := s.policy.Programme(a.Programme); ok {
		name = p.NameZH + " (" + p.NameEN + ")"
	}
	return &Notice{Kind: "stopped", Message: fmt.Sprintf("您的%s 自 %s 起停发：%s。Your payment stops after %s: %s.", name, a.End.Add(1), a.StopReason, a.End, a.StopReason)}
}

// Covers reports whether a is paid for month m.
func (a *Award) Covers(m period.Month) bool {
	if a.Kind == Once {
		return a.Start == m && a.Status != AwardStopped
	}
	return a.Start <= m && (a.End.IsZero() || m <= a.End) && (a.Status == AwardActive || a.Status == AwardStopped && !a.End.IsZero())
}

// PaymentLine is what one award pays for one month.
type PaymentLine struct {
	Period      period.Month         `json:"period"`
	AwardID     AwardID              `json:"award_id"`
	Programme   string               `json:"programme"`
	RegionCode  region.Code          `json:"region_code"`
	HouseholdID registry.HouseholdID `json:"household_id,omitempty"`
	PersonID    registry.PersonID    `json:"person_id,omitempty"`
	Amount      money.Fen            `json:"amount"`
	// Layer is the beneficiary's household layer when paid.
	Layer Layer `json:"layer"`
}

// AwardFilter selects awards.
type AwardFilter struct {
	Region      region.Code
	Programme   string
	Status      AwardStatus
	HouseholdID registry.HouseholdID
	PersonID    registry.PersonID
	// ReviewDueBy selects active awards whose review is due by the date.
	ReviewDueBy period.Date
	registry.Page
}

// PayItem is an award the monthly run of a month looks at, with the death
// date of its person (zero for none or a household award) and the layer of
// its household's latest classification by then (none if never
// classified).
type PayItem struct {
	Award Award
	Death period.Date
	Layer Layer
}

// PayRun is what a monthly run writes: the lines of the month (a line that
// exists already is skipped) and the awards it stops.
type PayRun struct {
	Period period.Month
	Region region.Code
	Lines  []PaymentLine
	Stops  []*Award
}

// AwardStore keeps awards and their lines.
type AwardStore interface {
	// AssistanceAward returns an award.
	AssistanceAward(ctx context.Context, id AwardID) (*Award, error)
	// AssistanceAwards lists awards matching f, by key.
	AssistanceAwards(ctx context.Context, f AwardFilter) ([]*Award, error)
	// UpdateAssistanceAward stores a if its version is current.
	UpdateAssistanceAward(ctx context.Context, a *Award, action, note string) error
	// PayBasis returns the awards paid for month m in the region subtree:
	// active monthly awards started by m and one-offs of m.
	PayBasis(ctx context.Context, m period.Month, code region.Code) ([]PayItem, error)
	// SavePayRun writes a run in one transaction with one audit event and
	// returns the number of new lines.
	SavePayRun(ctx context.Context, r *PayRun) (int, error)
	// Lines lists the payment lines of an award.
	Lines(ctx context.Context, award AwardID) ([]PaymentLine, error)

	ReviewStore
	ReportStore
}

// awardFor makes the award of an approved (or fast-tracked) case.
func (s *Service) awardFor(ctx context.Context, c *Case, today period.Date, p auth.Principal) (*Award, error) {
	a := &Award{Programme: c.Programme, Kind: Monthly, CaseID: c.ID, RegionCode: c.RegionCode, Amount: c.Amount,
		Status: AwardActive, Decision: c.Decision, PolicyVersion: c.PolicyVersion, CreatedBy: p.Username, Version: 1}
	a.Start = today.Period()
	if c.Programme == ProgTemporary {
		a.Kind, a.Status, a.HouseholdID = Once, AwardGranted, c.HouseholdID
		a.Notice = s.GrantNotice(a)
		return a, nil
	}
	next, _, err := s.policy.Value("assistance.award_from_next_month", today, c.RegionCode)
	if err != nil {
		return nil, fmt.Errorf("award start: %w", err)
	}
	if next != 0 {
		a.Start = a.Start.Add(1)
	}
	t, err := s.store.MeansTest(ctx, c.TestID)
	if err != nil {
		return nil, err
	}
	switch c.Programme {
	case ProgDibao:
		a.HouseholdID, a.Category = c.HouseholdID, category(t, today)
	case ProgTekun:
		a.PersonID, a.Category = c.PersonID, ReviewTekun
	}
	due, err := s.nextReview(a, a.Start.First())
	if err != nil {
		return nil, err
	}
	a.ReviewDue = due
	a.Notice = s.GrantNotice(a)
	return a, nil
}

// category puts a 低保 household in the stable category when no member
// counted is of working age and able to work: all are under 16 or 60 and
// over, unable to work, or severely disabled.
func category(t *MeansTest, on period.Date) string {
	for i := range t.Members {
		if ableToWork(&t.Members[i], on) {
			return ReviewOther
		}
	}
	return ReviewStable
}

// ableToWork reports whether m is of working age on the date (16 to 59),
// not assessed unable to work and not severely disabled (grade 1 or 2).
func ableToWork(m *Member, on period.Date) bool {
	age := period.AgeAt(m.BirthDate, on)
	return age >= 16 && age < 60 && !m.UnableToWork && !(m.DisabilityGrade == 1 || m.DisabilityGrade == 2)
}

// nextReview is the date a review of a falls due, counted from from.
func (s *Service) nextReview(a *Award, from period.Date) (period.Date, error) {
	key := "dibao.review_months.other"
	switch a.Category {
	case ReviewStable:
		key = "dibao.review_months.stable"
	case ReviewTekun:
		key = "tekun.review_months"
	}
	months, _, err := s.policy.Value(key, from, a.RegionCode)
	if err != nil {
		return 0, fmt.Errorf("review interval: %w", err)
	}
	return from.AddMonths(int(months)), nil
}

// FindAward returns an award.
func (s *Service) FindAward(ctx context.Context, id AwardID) (*Award, error) {
	a, err := s.store.AssistanceAward(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireSelfOrFound(ctx, auth.PermRegistryRead, int64(a.PersonID), a.RegionCode, "award", id); err != nil {
		return nil, err
	}
	return a, nil
}

// Awards lists awards in the caller's scope.
func (s *Service) Awards(ctx context.Context, f AwardFilter) ([]*Award, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	return s.store.AssistanceAwards(ctx, f)
}

// AwardLines lists what an award has paid.
func (s *Service) AwardLines(ctx context.Context, id AwardID) ([]PaymentLine, error) {
	if _, err := s.FindAward(ctx, id); err != nil {
		return nil, err
	}
	return s.store.Lines(ctx, id)
}

// PaySummary says what a monthly run did.
type PaySummary struct {
	Period   period.Month `json:"period"`
	Region   region.Code  `json:"region"`
	Lines    int          `json:"lines"`
	NewLines int          `json:"new_lines"`
	Amount   money.Fen    `json:"amount"`
	// ByProgramme counts the lines and sums the amounts per programme.
	ByProgramme map[string]ProgrammeSum `json:"by_programme"`
	// Stopped counts the awards stopped because their person died.
	Stopped int `json:"stopped"`
}

// ProgrammeSum is a count and an amount.
type ProgrammeSum struct {
	Lines  int       `json:"lines"`
	Amount money.Fen `json:"amount"`
}

// Pay runs the month's assistance payments (救助金发放) for the region
// subtree: one line per award paid in m, the month of a person's death
// still paid and the award stopped from the month after (docs/domain.md 7).
// Running it again for the month writes nothing new.
func (s *Service) Pay(ctx context.Context, m period.Month, code region.Code) (*PaySummary, error) {
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid payment run", Fields: map[string]string{"period": "is required"}}
	}
	p, err := auth.Require(ctx, auth.PermAssistance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	items, err := s.store.PayBasis(ctx, m, code)
	if err != nil {
		return nil, err
	}
	run := &PayRun{Period: m, Region: code, Lines: make([]PaymentLine, 0, len(items))}
	sum := &PaySummary{Period: m, Region: code, ByProgramme: map[string]ProgrammeSum{}}
	for i := range items {
		it := &items[i]
		a := &it.Award
		if !it.Death.IsZero() && it.Death < m.First() {
			// Died before the month: no line, the award ends with the
			// month of death.
			if a.Kind == Monthly && a.Status == AwardActive {
				stop := *a
				stop.Status, stop.End, stop.StopReason = AwardStopped, max(it.Death.Period(), a.Start), "died "+it.Death.String()
				run.Stops = append(run.Stops, &stop)
			}
			continue
		}
		if !a.Covers(m) {
			continue
		}
		run.Lines = append(run.Lines, PaymentLine{Period: m, AwardID: a.ID, Programme: a.Programme, RegionCode: a.RegionCode,
			HouseholdID: a.HouseholdID, PersonID: a.PersonID, Amount: a.Amount, Layer: it.Layer})
		ps := sum.ByProgramme[a.Programme]
		ps.Lines++
		if ps.Amount, err = money.Add(ps.Amount, a.Amount); err != nil {
			return nil, fmt.Errorf("assistance pay run %s: %s total: %w", m, a.Programme, err)
		}
		sum.ByProgramme[a.Programme] = ps
		if sum.Amount, err = money.Add(sum.Amount, a.Amount); err != nil {
			return nil, fmt.Errorf("assistance pay run %s: total: %w", m, err)
		}
	}
	sum.Lines, sum.Stopped = len(run.Lines), len(run.Stops)
	if sum.NewLines, err = s.store.SavePayRun(ctx, run); err != nil {
		return nil, err
	}
	return sum, nil
}
