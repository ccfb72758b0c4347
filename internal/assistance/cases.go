package assistance

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// CaseID is an assistance case's surrogate key.
type CaseID int64

// Channel is where an application came in (受理渠道): any channel leads to
// the same case.
type Channel string

// The channels.
const (
	ChannelCounter       Channel = "counter"        // 窗口 (一窗受理)
	ChannelOnline        Channel = "online"         // 网上 / 掌上办
	ChannelTownship      Channel = "township"       // 乡镇(街道)代办
	ChannelVillage       Channel = "village"        // 村(社区)代办
	ChannelBankPoint     Channel = "bank_point"     // 银行服务网点
	ChannelCrossProvince Channel = "cross_province" // 跨省通办
	ChannelProactive     Channel = "proactive"      // 主动发现 (monitoring alert, screening)
)

// Channels lists every channel.
var Channels = []Channel{ChannelCounter, ChannelOnline, ChannelTownship, ChannelVillage, ChannelBankPoint, ChannelCrossProvince, ChannelProactive}

// CaseStatus is where a case stands.
type CaseStatus string

// The case statuses, in workflow order (受理 → 调查 → 审核 → 公示 → 审批).
const (
	StatusApplied      CaseStatus = "applied"      // 已受理: waiting for the household investigation
	StatusInvestigated CaseStatus = "investigated" // 已调查: means test recorded, waiting for the assessment
	StatusNotice       CaseStatus = "notice"       // 公示中: assessed eligible, publicly posted
	StatusProposed     CaseStatus = "proposed"     // 待审批: assessed, waiting for approval (refusal proposed, or no notice needed)
	StatusApproved     CaseStatus = "approved"     // 已批准: award made
	StatusRefused      CaseStatus = "refused"      // 不予批准
	StatusWithdrawn    CaseStatus = "withdrawn"    // 撤回
	StatusGranted      CaseStatus = "granted"      // 先行救助: emergency aid granted, waiting for review after the fact
	StatusReversed     CaseStatus = "reversed"     // 事后审核不予确认: the fast-track grant reversed, to be recovered
)

// Open reports whether the case is still being worked on.
func (s CaseStatus) Open() bool {
	switch s {
	case StatusApplied, StatusInvestigated, StatusNotice, StatusProposed, StatusGranted:
		return true
	}
	return false
}

// The programmes of cases.
const (
	ProgTemporary = "temporary_assistance"
)

// CaseProgrammes lists the programmes a case can be opened for.
var CaseProgrammes = []string{ProgDibao, ProgTekun, ProgTemporary}

// HardshipType is the type of temporary assistance (临时救助类型).
type HardshipType string

// The hardship types.
const (
	HardshipEmergency HardshipType = "emergency" // 急难型
	HardshipExpense   HardshipType = "expense"   // 支出型
)

// Case is an application for assistance (救助申请) and everything done on
// it.
type Case struct {
	ID          CaseID               `json:"id"`
	Programme   string               `json:"programme"`
	HouseholdID registry.HouseholdID `json:"household_id"`
	// PersonID is the person applied for: the 特困 candidate, or the
	// applicant of the household; 0 for none named.
	PersonID      registry.PersonID `json:"person_id,omitempty"`
	RegionCode    region.Code       `json:"region_code"`
	Channel       Channel           `json:"channel"`
	Status        CaseStatus        `json:"status"`
	AppliedOn     period.Date       `json:"applied_on"`
	ApplicantNote string            `json:"applicant_note,omitempty"`
	// HardshipType and Expense are temporary assistance's: the kind of
	// hardship and the sudden or necessary expense not covered otherwise.
	HardshipType HardshipType `json:"hardship_type,omitempty"`
	Expense      money.Fen    `json:"expense,omitempty"`
	// FastTrack marks an emergency grant made before approval.
	FastTrack bool `json:"fast_track,omitempty"`

	TestID        TestID          `json:"test_id,omitempty"`
	Eligible      bool            `json:"eligible"`
	Amount        money.Fen       `json:"amount"`
	Decision      json.RawMessage `json:"decision,omitempty"`
	PolicyVersion string          `json:"policy_version,omitempty"`
	AssessedBy    int64           `json:"assessed_by,omitempty"`
	AssessedAt    time.Time       `json:"assessed_at,omitzero"`
	NoticeFrom    period.Date     `json:"notice_from,omitzero"`
	NoticeTo      period.Date     `json:"notice_to,omitzero"`
	DecidedBy     int64           `json:"decided_by,omitempty"`
	DecidedAt     time.Time       `json:"decided_at,omitzero"`
	// Reason says why a case was refused, withdrawn or reversed.
	Reason    string    `json:"reason,omitempty"`
	AwardID   AwardID   `json:"award_id,omitempty"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// CaseEvent is one step of a case's history.
type CaseEvent struct {
	CaseID   CaseID    `json:"case_id"`
	Seq      int       `json:"seq"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"`
	Action   string    `json:"action"`
	Note     string    `json:"note,omitempty"`
}

// ObjectionID is an objection's surrogate key.
type ObjectionID int64

// ObjectionOutcome is where an objection stands.
type ObjectionOutcome string

// The outcomes of an objection: pending until it is resolved; upheld sends
// the case back for investigation, dismissed leaves it on notice.
const (
	ObjectionPending   ObjectionOutcome = "pending"
	ObjectionUpheld    ObjectionOutcome = "upheld"
	ObjectionDismissed ObjectionOutcome = "dismissed"
)

// Objection is an objection received during the public notice (公示异议).
type Objection struct {
	ID         ObjectionID `json:"id"`
	CaseID     CaseID      `json:"case_id"`
	ReceivedOn period.Date `json:"received_on"`
	// Objector is who objected, as they gave it (anonymous allowed).
	Objector   string           `json:"objector,omitempty"`
	Content    string           `json:"content"`
	Outcome    ObjectionOutcome `json:"outcome"`
	Finding    string           `json:"finding,omitempty"`
	ResolvedBy int64            `json:"resolved_by,omitempty"`
	ResolvedAt time.Time        `json:"resolved_at,omitzero"`
}

// CaseFilter selects cases.
type CaseFilter struct {
	Region      region.Code
	Programme   string
	Status      CaseStatus
	HouseholdID registry.HouseholdID
	registry.Page
}

// CaseChange is a state change of a case for the store: the case as it is
// to be stored (with the version read), the event to append, and what else
// commits with it.
type CaseChange struct {
	Case   *Case
	Action string
	Note   string
	// Test, when set, is inserted first with its classification, and the
	// case gets its ID.
	Test           *MeansTest
	Classification *Classification
	// Award, when set, is inserted and the case gets its ID.
	Award *Award
	// Objection, when set, is inserted (ID 0) or updated.
	Objection *Objection
	// StopAward, when set, stops that award as it says (a reversal).
	StopAward *Award
}

// CaseStore keeps cases, awards, lines and reviews.
type CaseStore interface {
	// CreateCase inserts c with its first event.
	CreateCase(ctx context.Context, c *Case, note string) error
	// ChangeCase applies ch in one transaction with its audit event;
	// Conflict when the case's version is stale or an award would be a
	// second active one.
	ChangeCase(ctx context.Context, ch *CaseChange) error
	// Case returns a case.
	Case(ctx context.Context, id CaseID) (*Case, error)
	// Cases lists cases matching f, by key.
	Cases(ctx context.Context, f CaseFilter) ([]*Case, error)
	// CaseEvents returns a case's history in order.
	CaseEvents(ctx context.Context, id CaseID) ([]CaseEvent, error)
	// Objections returns a case's objections in order.
	Objections(ctx context.Context, id CaseID) ([]Objection, error)
	// ActiveAwards lists the active awards of a household or a person (0
	// for any), of any programme.
	ActiveAwards(ctx context.Context, household registry.HouseholdID, person registry.PersonID) ([]*Award, error)
	// TemporaryReceived sums the temporary assistance granted to a
	// household for months from through to.
	TemporaryReceived(ctx context.Context, household registry.HouseholdID, from, to period.Month) (money.Fen, error)

	AwardStore
}

// Apply opens a case (受理) for a household. A 特困 case names the person;
// a temporary assistance case gives the hardship type and the expense. Any
// channel may apply; a household with an open case of the programme gets
// Conflict.
func (s *Service) Apply(ctx context.Context, c *Case, note string) error {
	var pr fault.Problems
	if !slices.Contains(CaseProgrammes, c.Programme) {
		pr.Add("programme", "%q is not one of %s", c.Programme, strings.Join(CaseProgrammes, ", "))
	}
	if !slices.Contains(Channels, c.Channel) {
		pr.Add("channel", "%q is not a channel", c.Channel)
	}
	if c.HouseholdID <= 0 {
		pr.Add("household_id", "is required")
	}
	today := s.today()
	if c.AppliedOn.IsZero() {
		c.AppliedOn = today
	} else if c.AppliedOn > today {
		pr.Add("applied_on", "is in the future")
	}
	switch c.Programme {
	case ProgTekun:
		if c.PersonID <= 0 {
			pr.Add("person_id", "name the person applied for: 特困 is decided per person")
		}
	case ProgTemporary:
		if c.HardshipType != HardshipEmergency && c.HardshipType != HardshipExpense {
			pr.Add("hardship_type", "%q is not one of emergency, expense", c.HardshipType)
		}
		if c.Expense <= 0 {
			pr.Add("expense", "give the expense not covered by insurance or other aid, in fen")
		} else if err := s.policy.Ceiling(&pr, "expense", int64(c.Expense), "limits.amount", c.AppliedOn, ""); err != nil {
			return err
		}
	default:
		if c.HardshipType != "" || c.Expense != 0 {
			pr.Add("hardship_type", "only temporary assistance has a hardship type and expense")
		}
	}
	var h *registry.Household
	if c.HouseholdID > 0 {
		var err error
		h, err = s.registry.Household(ctx, c.HouseholdID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("household_id", "household %d not found", c.HouseholdID)
		case err != nil:
			return err
		}
	}
	if h != nil && c.PersonID > 0 && !isMember(h, c.PersonID) {
		pr.Add("person_id", "person %d is not a member of household %d", c.PersonID, c.HouseholdID)
	}
	if err := pr.Err("invalid application"); err != nil {
		return err
	}
	p, err := auth.RequireIn(ctx, auth.PermAssistance, h.RegionCode)
	if err != nil {
		return err
	}
	open, err := s.store.Cases(ctx, CaseFilter{HouseholdID: c.HouseholdID, Programme: c.Programme, Page: registry.Page{Limit: 100}})
	if err != nil {
		return err
	}
	for _, o := range open {
		if o.Status.Open() && (c.Programme != ProgTekun || o.PersonID == c.PersonID) {
			return fault.Errorf(fault.Conflict, "household %d has case %d of %s open (%s)", c.HouseholdID, o.ID, c.Programme, o.Status)
		}
	}
	c.RegionCode, c.Status, c.CreatedBy, c.Version = h.RegionCode, StatusApplied, p.UserID, 1
	return s.store.CreateCase(ctx, c, note)
}

func isMember(h *registry.Household, id registry.PersonID) bool {
	for _, m := range h.Members {
		if m.PersonID == id {
			return true
		}
	}
	return false
}

// loadCase reads a case for a change by the caller, checking the version
// and that its status is one of want.
func (s *Service) loadCase(ctx context.Context, id CaseID, version int64, perm auth.Permission, want ...CaseStatus) (*Case, auth.Principal, error) {
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, auth.Principal{}, err
	}
	p, err := auth.RequireFound(ctx, perm, c.RegionCode, "case", id)
	if err != nil {
		return nil, p, err
	}
	if version != 0 && version != c.Version {
		return nil, p, fault.Keyed(fault.Conflict, "version_conflict", "case %d is at version %d, not %d: read it again", id, c.Version, version)
	}
	if !slices.Contains(want, c.Status) {
		ws := make([]string, len(want))
		for i, w := range want {
			ws[i] = string(w)
		}
		return nil, p, fault.Keyed(fault.Conflict, "case_state", "case %d is %s; this needs it %s", id, c.Status, strings.Join(ws, " or "))
	}
	return c, p, nil
}

// Investigate records the household investigation (入户调查) of a case as
// a means test of the household for the month of application.
func (s *Service) Investigate(ctx context.Context, id CaseID, version int64, t *MeansTest, note string) (*Case, *Explanation, error) {
	c, _, err := s.loadCase(ctx, id, version, auth.PermAssistance, StatusApplied, StatusInvestigated)
	if err != nil {
		return nil, nil, err
	}
	if t.HouseholdID == 0 {
		t.HouseholdID = c.HouseholdID
	}
	if t.HouseholdID != c.HouseholdID {
		return nil, nil, &fault.Error{Code: fault.Invalid, Message: "invalid investigation", Fields: map[string]string{"household_id": fmt.Sprintf("the case is of household %d", c.HouseholdID)}}
	}
	if t.Period.IsZero() {
		t.Period = c.AppliedOn.Period()
	}
	if t.Source == "" {
		t.Source = SourceInvestigation
	}
	if c.PersonID != 0 {
		if _, ok := t.Member(c.PersonID); !ok {
			return nil, nil, &fault.Error{Code: fault.Invalid, Message: "invalid investigation", Fields: map[string]string{"members": fmt.Sprintf("count person %d, whom the case is for", c.PersonID)}}
		}
	}
	ex, err := s.prepareMeansTest(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	c.Status = StatusInvestigated
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: "investigate", Note: note, Test: t, Classification: &ex.Classification}); err != nil {
		return nil, nil, err
	}
	ex.TestID = t.ID
	return c, ex, nil
}

// UseTest takes an existing means test of the household for the case
// instead of a new investigation: a data match (信息核对) or an
// investigation made within the last six months of the application.
func (s *Service) UseTest(ctx context.Context, id CaseID, version int64, test TestID, note string) (*Case, error) {
	c, _, err := s.loadCase(ctx, id, version, auth.PermAssistance, StatusApplied, StatusInvestigated)
	if err != nil {
		return nil, err
	}
	t, err := s.store.MeansTest(ctx, test)
	if err != nil {
		return nil, err
	}
	switch {
	case t.HouseholdID != c.HouseholdID:
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid means test", Fields: map[string]string{"test_id": fmt.Sprintf("test %d is of household %d, the case of household %d", test, t.HouseholdID, c.HouseholdID)}}
	case t.Period > c.AppliedOn.Period() || c.AppliedOn.Period().Sub(t.Period) > 6:
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid means test", Fields: map[string]string{"test_id": fmt.Sprintf("test %d is of %s: use a test of the six months up to the application (%s)", test, t.Period, c.AppliedOn)}}
	}
	if c.PersonID != 0 {
		if _, ok := t.Member(c.PersonID); !ok {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid means test", Fields: map[string]string{"test_id": fmt.Sprintf("test %d does not count person %d", test, c.PersonID)}}
		}
	}
	c.TestID, c.Status = t.ID, StatusInvestigated
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: fmt.Sprintf("use means test %d (%s)", t.ID, t.Source), Note: note}); err != nil {
		return nil, err
	}
	return c, nil
}

// decide evaluates the case's programme on its means test.
func (s *Service) decide(ctx context.Context, c *Case, t *MeansTest, m period.Month) (*policy.Decision, error) {
	switch c.Programme {
	case ProgDibao:
		return s.policy.Evaluate(ProgDibao, m, householdInputs(t, false))
	case ProgTekun:
		mem, ok := t.Member(c.PersonID)
		if !ok {
			return nil, fault.Errorf(fault.Invalid, "the means test does not count person %d", c.PersonID)
		}
		awards, err := s.store.ActiveAwards(ctx, c.HouseholdID, 0)
		if err != nil {
			return nil, err
		}
		inDibao := false
		for _, a := range awards {
			inDibao = inDibao || a.Programme == ProgDibao
		}
		return s.policy.Evaluate(ProgTekun, m, memberInputs(t, mem, inDibao))
	case ProgTemporary:
		received, err := s.store.TemporaryReceived(ctx, c.HouseholdID, m.Add(-11), m)
		if err != nil {
			return nil, err
		}
		in := householdInputs(t, false)
		in.Inputs["hardship_type"] = jsonText(string(c.HardshipType))
		in.Inputs["emergency_expense"] = jsonInt(int64(c.Expense))
		in.Inputs["temporary_assistance_received_12m"] = jsonInt(int64(received))
		return s.policy.Evaluate(ProgTemporary, m, in)
	}
	return nil, fault.Errorf(fault.Invalid, "programme %s has no cases", c.Programme)
}

// Assess decides the case (审核) with the policy engine on its means test,
// for the month of application. An eligible 低保 or 特困 case goes on
// public notice (公示) for the notice days; an ineligible one, and any
// temporary assistance case, waits for approval of the assessment. The
// user who assesses may not approve.
func (s *Service) Assess(ctx context.Context, id CaseID, version int64, note string) (*Case, error) {
	c, p, err := s.loadCase(ctx, id, version, auth.PermAssistance, StatusInvestigated)
	if err != nil {
		return nil, err
	}
	t, err := s.store.MeansTest(ctx, c.TestID)
	if err != nil {
		return nil, err
	}
	d, err := s.decide(ctx, c, t, c.AppliedOn.Period())
	if err != nil {
		return nil, err
	}
	c.Eligible, c.Amount, c.PolicyVersion = d.Eligible, d.Amount, d.Version
	if c.Decision, err = json.Marshal(d); err != nil {
		return nil, fmt.Errorf("encode decision: %w", err)
	}
	c.AssessedBy, c.AssessedAt = p.UserID, s.clock.Now().UTC()
	action := "assess"
	switch {
	case d.Eligible && c.Programme != ProgTemporary:
		days, _, err := s.policy.Value("assistance.notice_days", s.today(), c.RegionCode)
		if err != nil {
			return nil, fmt.Errorf("notice days: %w", err)
		}
		c.Status, c.NoticeFrom, c.NoticeTo = StatusNotice, s.today(), s.today().AddDays(int(days)-1)
		action = "assess: eligible, on notice"
	case d.Eligible:
		c.Status, action = StatusProposed, "assess: eligible, for approval"
	default:
		c.Status, action = StatusProposed, "assess: not eligible, refusal for approval"
		c.Reason = FailedConditions(d)
	}
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: action, Note: note}); err != nil {
		return nil, err
	}
	return c, nil
}

// FailedConditions names the conditions a decision fails.
func FailedConditions(d *policy.Decision) string {
	var fs []string
	for _, r := range d.Requirements {
		if !r.Holds {
			fs = append(fs, r.Kind+" "+r.Programme)
		}
	}
	for _, c := range d.Conditions {
		if !c.Value {
			fs = append(fs, c.Name)
		}
	}
	return "conditions not met: " + strings.Join(fs, ", ")
}

// Object records an objection to a case on notice (公示异议). An objection
// holds the approval until it is resolved.
func (s *Service) Object(ctx context.Context, id CaseID, o *Objection) (*Objection, error) {
	c, _, err := s.loadCase(ctx, id, 0, auth.PermAssistance, StatusNotice)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(o.Content) == "" {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid objection", Fields: map[string]string{"content": "say what the objection is"}}
	}
	if o.ReceivedOn.IsZero() {
		o.ReceivedOn = s.today()
	}
	if o.ReceivedOn < c.NoticeFrom || o.ReceivedOn > c.NoticeTo {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid objection", Fields: map[string]string{"received_on": fmt.Sprintf("the notice ran from %s to %s", c.NoticeFrom, c.NoticeTo)}}
	}
	o.ID, o.CaseID, o.Outcome = 0, c.ID, ObjectionPending
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: "objection received", Note: o.Content, Objection: o}); err != nil {
		return nil, err
	}
	return o, nil
}

// ResolveObjection records what the check of an objection found. An upheld
// objection sends the case back for a new investigation; a dismissed one
// lets it go on.
func (s *Service) ResolveObjection(ctx context.Context, id CaseID, objection ObjectionID, upheld bool, finding string) (*Case, error) {
	c, p, err := s.loadCase(ctx, id, 0, auth.PermAssistance, StatusNotice)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(finding) == "" {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid resolution", Fields: map[string]string{"finding": "say what the check found"}}
	}
	os, err := s.store.Objections(ctx, id)
	if err != nil {
		return nil, err
	}
	var o *Objection
	for i := range os {
		if os[i].ID == objection {
			o = &os[i]
		}
	}
	if o == nil {
		return nil, fault.Errorf(fault.NotFound, "objection %d of case %d not found", objection, id)
	}
	if o.Outcome != ObjectionPending {
		return nil, fault.Errorf(fault.Conflict, "objection %d was %s already", objection, o.Outcome)
	}
	o.Outcome, o.Finding, o.ResolvedBy, o.ResolvedAt = ObjectionDismissed, finding, p.UserID, s.clock.Now().UTC()
	action := "objection dismissed"
	if upheld {
		o.Outcome, action = ObjectionUpheld, "objection upheld: investigate again"
		c.Status, c.NoticeFrom, c.NoticeTo, c.Eligible, c.Amount = StatusApplied, 0, 0, false, 0
	}
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: action, Note: finding, Objection: o}); err != nil {
		return nil, err
	}
	return c, nil
}

// Approve approves a case (审批): the assessment of an eligible case on
// notice after its notice ended with no objection pending, or of an
// eligible temporary assistance case, becomes an award; an ineligible
// assessment becomes a refusal. The approver must hold the approval
// permission and must not be who assessed the case (审核审批分离).
func (s *Service) Approve(ctx context.Context, id CaseID, version int64, note string) (*Case, error) {
	c, p, err := s.loadCase(ctx, id, version, auth.PermApprove, StatusNotice, StatusProposed)
	if err != nil {
		return nil, err
	}
	if err := auth.SecondUser(p, []int64{c.AssessedBy}, "case %d was assessed by you: another user approves it", id); err != nil {
		return nil, err
	}
	today := s.today()
	if c.Status == StatusNotice {
		if today <= c.NoticeTo {
			return nil, fault.Keyed(fault.Conflict, "case_on_notice", "case %d is on notice until %s: approve it after that", id, c.NoticeTo)
		}
		os, err := s.store.Objections(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			if o.Outcome == ObjectionPending {
				return nil, fault.Keyed(fault.Conflict, "case_objection_open", "objection %d to case %d is not resolved", o.ID, id)
			}
		}
	}
	c.DecidedBy, c.DecidedAt = p.UserID, s.clock.Now().UTC()
	if !c.Eligible {
		c.Status = StatusRefused
		if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: "refuse", Note: note}); err != nil {
			return nil, err
		}
		return c, nil
	}
	a, err := s.awardFor(ctx, c, today, p)
	if err != nil {
		return nil, err
	}
	c.Status = StatusApproved
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: "approve", Note: note, Award: a}); err != nil {
		return nil, err
	}
	return c, nil
}

// Refuse refuses a case being assessed or on notice, with the reason (the
// step's note in the API, and the field an empty one is reported under); by
// an approver who did not assess it.
func (s *Service) Refuse(ctx context.Context, id CaseID, version int64, reason string) (*Case, error) {
	c, p, err := s.loadCase(ctx, id, version, auth.PermApprove, StatusNotice, StatusProposed)
	if err != nil {
		return nil, err
	}
	if err := auth.SecondUser(p, []int64{c.AssessedBy}, "case %d was assessed by you: another user decides it", id); err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid refusal", Fields: map[string]string{"note": "give the reason the applicant will be told"}}
	}
	c.Status, c.Reason, c.DecidedBy, c.DecidedAt = StatusRefused, reason, p.UserID, s.clock.Now().UTC()
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: "refuse", Note: reason}); err != nil {
		return nil, err
	}
	return c, nil
}

// Withdraw ends an open case at the applicant's request.
func (s *Service) Withdraw(ctx context.Context, id CaseID, version int64, reason string) (*Case, error) {
	c, _, err := s.loadCase(ctx, id, version, auth.PermAssistance, StatusApplied, StatusInvestigated, StatusNotice, StatusProposed)
	if err != nil {
		return nil, err
	}
	c.Status, c.Reason = StatusWithdrawn, reason
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: "withdraw", Note: reason}); err != nil {
		return nil, err
	}
	return c, nil
}

// FastTrack grants emergency temporary assistance before approval (先救助后
// 审批): an investigated emergency case whose assessed grant is within the
// fast-track limit is granted by the caseworker at once, and waits for an
// approver's review after the fact (ReviewGrant). Larger grants and expense
// cases go through Assess and Approve.
func (s *Service) FastTrack(ctx context.Context, id CaseID, version int64, note string) (*Case, error) {
	c, p, err := s.loadCase(ctx, id, version, auth.PermAssistance, StatusInvestigated)
	if err != nil {
		return nil, err
	}
	if c.Programme != ProgTemporary || c.HardshipType != HardshipEmergency {
		return nil, fault.Errorf(fault.Conflict, "only emergency temporary assistance is granted before approval; case %d is %s %s", id, c.Programme, c.HardshipType)
	}
	t, err := s.store.MeansTest(ctx, c.TestID)
	if err != nil {
		return nil, err
	}
	d, err := s.decide(ctx, c, t, c.AppliedOn.Period())
	if err != nil {
		return nil, err
	}
	if !d.Eligible {
		return nil, refusalError("not eligible for emergency assistance", d)
	}
	limit, _, err := s.policy.Value("temporary_assistance.fast_track_limit", s.today(), c.RegionCode)
	if err != nil {
		return nil, fmt.Errorf("fast-track limit: %w", err)
	}
	if int64(d.Amount) > limit {
		return nil, fault.Errorf(fault.Conflict, "the grant of %s is over the fast-track limit of %s: assess the case and have it approved", d.Amount, money.Fen(limit))
	}
	c.Eligible, c.Amount, c.PolicyVersion, c.FastTrack = true, d.Amount, d.Version, true
	if c.Decision, err = json.Marshal(d); err != nil {
		return nil, fmt.Errorf("encode decision: %w", err)
	}
	c.AssessedBy, c.AssessedAt = p.UserID, s.clock.Now().UTC()
	a, err := s.awardFor(ctx, c, s.today(), p)
	if err != nil {
		return nil, err
	}
	c.Status = StatusGranted
	if err := s.store.ChangeCase(ctx, &CaseChange{Case: c, Action: "fast-track grant, review after the fact", Note: note, Award: a}); err != nil {
		return nil, err
	}
	return c, nil
}

// Decide is the second user's decision on a case, the one act behind the
// API's case decision: on a case on notice or proposed, approve is Approve
// and reject is Refuse (the note the reason the applicant is told); on a
// fast-track grant, approve confirms it and reject reverses it with the
// note as reason (ReviewGrant). Each step checks the version, the
// approval permission and that the decider is not who assessed the case.
func (s *Service) Decide(ctx context.Context, id CaseID, version int64, approve bool, note string) (*Case, error) {
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Status == StatusGranted:
		return s.ReviewGrant(ctx, id, version, approve, note)
	case approve:
		return s.Approve(ctx, id, version, note)
	default:
		return s.Refuse(ctx, id, version, note)
	}
}

// ReviewGrant is the approver's review after the fact of a fast-track
// grant: confirmed, it is approved; not confirmed, it is reversed with the
// reason and its award stopped for recovery. The reviewer must not be who
// granted it.
func (s *Service) ReviewGrant(ctx context.Context, id CaseID, version int64, confirm bool, reason string) (*Case, error) {
	c, p, err := s.loadCase(ctx, id, version, auth.PermApprove, StatusGranted)
	if err != nil {
		return nil, err
	}
	if err := auth.SecondUser(p, []int64{c.AssessedBy}, "case %d was granted by you: another user reviews it", id); err != nil {
		return nil, err
	}
	c.DecidedBy, c.DecidedAt = p.UserID, s.clock.Now().UTC()
	ch := &CaseChange{Case: c, Action: "review after the fact: confirmed", Note: reason}
	c.Status = StatusApproved
	if !confirm {
		if strings.TrimSpace(reason) == "" {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid review", Fields: map[string]string{"note": "give the reason the grant is not confirmed"}}
		}
		a, err := s.store.AssistanceAward(ctx, c.AwardID)
		if err != nil {
			return nil, err
		}
		a.Status, a.StopReason = AwardStopped, "reversed on review: "+reason
		c.Status, c.Reason, ch.Action, ch.StopAward = StatusReversed, reason, "review after the fact: reversed", a
	}
	if err := s.store.ChangeCase(ctx, ch); err != nil {
		return nil, err
	}
	return c, nil
}

// refusalError turns a decision's failed conditions into an Invalid error
// naming each.
func refusalError(message string, d *policy.Decision) error {
	var pr fault.Problems
	for _, c := range d.Conditions {
		if !c.Value {
			pr.Add("conditions."+c.Name, "does not hold: %s", c.Expr)
		}
	}
	if err := pr.Err(message); err != nil {
		return err
	}
	return fault.Errorf(fault.Invalid, "%s", message)
}

// CaseView is a case with its history and objections.
type CaseView struct {
	*Case
	Events     []CaseEvent `json:"events"`
	Objections []Objection `json:"objections"`
}

// FindCase returns a case with its history and objections.
func (s *Service) FindCase(ctx context.Context, id CaseID) (*CaseView, error) {
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, c.RegionCode, "case", id); err != nil {
		return nil, err
	}
	v := &CaseView{Case: c}
	if v.Events, err = s.store.CaseEvents(ctx, id); err != nil {
		return nil, err
	}
	if v.Objections, err = s.store.Objections(ctx, id); err != nil {
		return nil, err
	}
	return v, nil
}

// Cases lists cases in the caller's scope.
func (s *Service) Cases(ctx context.Context, f CaseFilter) ([]*Case, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	return s.store.Cases(ctx, f)
}
