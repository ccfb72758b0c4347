package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// The programmes that decide benefits (policies/cn/programmes).
const (
	progUnemployment = "unemployment_benefit"
	progInjuryGrant  = "work_injury_disability"
	progAllowance    = "work_injury_allowance"
)

// BenefitStore keeps what Benefits needs. Methods that change state write their audit
// event in the same transaction.
type BenefitStore interface {
	// UnemploymentMonths counts the distinct months after after (0: from
	// the start) and up to through with an unemployment payment of the
	// person.
	UnemploymentMonths(ctx context.Context, person registry.PersonID, after, through period.Month) (int, error)
	// EmployeePensionFrom returns the first month of the person's employee
	// pension award that is not stopped, 0 if there is none.
	EmployeePensionFrom(ctx context.Context, person registry.PersonID) (period.Month, error)
	// PersonClaims lists the person's unemployment claims, oldest first,
	// with their months drawn.
	PersonClaims(ctx context.Context, person registry.PersonID) ([]*UnemploymentClaim, error)
	// CreateClaim inserts an open claim; Conflict when the person has an
	// open claim already.
	CreateClaim(ctx context.Context, c *UnemploymentClaim) error
	// Claim returns a claim with its months drawn.
	Claim(ctx context.Context, id ClaimID) (*UnemploymentClaim, error)
	// Claims lists claims matching f, by key.
	Claims(ctx context.Context, f ClaimFilter) ([]*UnemploymentClaim, error)
	// EndClaim stores the end of an open claim if its version is current.
	EndClaim(ctx context.Context, c *UnemploymentClaim) error
	// InjuryBasis says whether the person was enrolled in work injury with
	// the organisation on date d, and returns the contribution bases of the
	// 12 months before d's month: work injury, or employee pension when
	// there is none.
	InjuryBasis(ctx context.Context, person registry.PersonID, org registry.OrgID, d period.Date) (InjuryBasis, error)
	// CreateInjury inserts an injury; Conflict when the person has one with
	// the same injury date already.
	CreateInjury(ctx context.Context, in *Injury) error
	// Injury returns an injury.
	Injury(ctx context.Context, id InjuryID) (*Injury, error)
	// Injuries lists injuries matching f, by key.
	Injuries(ctx context.Context, f ClaimFilter) ([]*Injury, error)
	// RunBasis returns the open claims and allowances of the region subtree
	// with what the monthly run of m reads.
	RunBasis(ctx context.Context, m period.Month, code region.Code) (*RunBasis, error)
	// SaveRun writes the lines of a run and the claims and allowances it
	// ends, in one transaction with one audit event. A line whose claim (or
	// injury) and month exist already is skipped.
	SaveRun(ctx context.Context, r *BenefitRun) error
}

// Benefits runs unemployment benefit claims (失业保险金) and work-injury benefits (工伤保险待遇).
type Benefits struct {
	store    BenefitStore
	registry Registry
	policy   *policy.Package
	clock    clock.Clock
}

// NewBenefits returns a Benefits telling the time by clk.
func NewBenefits(store BenefitStore, reg Registry, pk *policy.Package, clk clock.Clock) *Benefits {
	return &Benefits{store: store, registry: scopedRegistry{reg}, policy: pk, clock: clk}
}

func (s *Benefits) today() period.Date { return s.clock.Today() }

// ClaimID is an unemployment claim's surrogate key.
type ClaimID int64

// InjuryID is a work injury's surrogate key.
type InjuryID int64

// ClaimStatus is the state of a claim or of an injury's monthly allowance.
type ClaimStatus string

// The claim statuses.
const (
	ClaimOpen  ClaimStatus = "open"  // being paid
	ClaimEnded ClaimStatus = "ended" // stopped; End is the last month covered
	ClaimNone  ClaimStatus = "none"  // an injury without a monthly allowance
)

// Separations are how a job ended (离职原因), the values of the programme's
// separation input.
var Separations = []string{"contract_expired", "terminated_by_employer", "employer_closed", "resigned_for_employer_fault",
	"resigned_voluntarily", "dismissed_for_cause"}

// StopReason says why a claim or allowance ended.
type StopReason string

// The stop reasons. The run sets the first five; Stop takes the others
// (docs/domain.md 4).
const (
	StopExhausted  StopReason = "exhausted"    // the entitlement is used up
	StopReemployed StopReason = "reemployed"   // 重新就业
	StopRetired    StopReason = "retired"      // reached the statutory retirement age
	StopDied       StopReason = "died"         // death
	StopIneligible StopReason = "ineligible"   // another condition of the programme failed
	StopEnlisted   StopReason = "enlisted"     // 应征服兵役
	StopEmigrated  StopReason = "emigrated"    // 移居境外
	StopPension    StopReason = "pension"      // 享受基本养老保险待遇
	StopImprisoned StopReason = "imprisoned"   // 被判刑收监执行
	StopRefused    StopReason = "refused_work" // 无正当理由拒不接受介绍的工作或培训
)

// StopReasons lists the reasons Stop accepts.
var StopReasons = []StopReason{StopEnlisted, StopEmigrated, StopPension, StopImprisoned, StopRefused, StopReemployed, StopDied}

// RetirementGroups are the groups of the retirement-age rule (docs/domain.md 2.5).
var RetirementGroups = []string{"male", "female_cadre", "female_worker"}

// UnemploymentClaim is a claim for unemployment benefit (失业保险金申领):
// decided once by the programme unemployment_benefit, then paid monthly
// by the run until it ends.
type UnemploymentClaim struct {
	ID       ClaimID           `json:"id"`
	PersonID registry.PersonID `json:"person_id"`
	// OrgID is the last employer.
	OrgID registry.OrgID `json:"org_id"`
	// RegionCode is where the person lives, which pays.
	RegionCode     region.Code `json:"region_code"`
	SeparationDate period.Date `json:"separation_date"`
	// Separation is one of Separations.
	Separation string `json:"separation"`
	// RegisteredOn is the unemployment registration date (失业登记).
	RegisteredOn period.Date `json:"registered_on"`
	// RetirementGroup is one of RetirementGroups; by default male for
	// men and female_worker for women.
	RetirementGroup string `json:"retirement_group,omitempty"`
	// Start is the first month paid, the month of registration.
	Start period.Month `json:"start,omitzero"`
	// ContributionMonths are the distinct months paid before the separation
	// (after the separation of an earlier claim, when there is one).
	ContributionMonths int `json:"contribution_months"`
	// CarriedMonths are the months of the earlier claim left unused.
	CarriedMonths     int `json:"carried_months"`
	EntitlementMonths int `json:"entitlement_months"`
	MonthsDrawn       int `json:"months_drawn"`
	// PaidTo is the last month paid, 0 before the first payment.
	PaidTo        period.Month `json:"paid_to,omitzero"`
	MonthlyAmount money.Fen    `json:"monthly_amount"`
	Status        ClaimStatus  `json:"status,omitempty"`
	StopReason    StopReason   `json:"stop_reason,omitempty"`
	// End is the last month covered once the claim has ended.
	End period.Month `json:"end,omitzero"`
	// Decision is the programme's explained decision, as JSON.
	Decision  json.RawMessage `json:"decision,omitempty"`
	Version   int64           `json:"version"`
	CreatedAt time.Time       `json:"created_at,omitzero"`
}

// ClaimFilter selects claims or injuries.
type ClaimFilter struct {
	Region   region.Code
	PersonID registry.PersonID
	Status   ClaimStatus
	registry.Page
}

func defaultGroup(group string, p *registry.Person) string {
	if group != "" {
		return group
	}
	if p.Gender() == ids.Female {
		return "female_worker"
	}
	return "male"
}

func validGroup(pr *fault.Problems, group string) {
	if group == "" {
		return
	}
	for _, g := range RetirementGroups {
		if g == group {
			return
		}
	}
	pr.Add("retirement_group", "must be one of %v", RetirementGroups)
}

func (c *UnemploymentClaim) validate(today period.Date) fault.Problems {
	var pr fault.Problems
	if c.PersonID <= 0 {
		pr.Add("person_id", "is required")
	}
	if c.OrgID <= 0 {
		pr.Add("org_id", "the last employer is required")
	}
	if c.SeparationDate.IsZero() {
		pr.Add("separation_date", "is required")
	} else if c.SeparationDate > today {
		pr.Add("separation_date", "is in the future")
	}
	known := false
	for _, v := range Separations {
		known = known || v == c.Separation
	}
	if !known {
		pr.Add("separation", "must be one of %v", Separations)
	}
	switch {
	case c.RegisteredOn.IsZero():
		pr.Add("registered_on", "the unemployment registration date is required")
	case c.RegisteredOn > today:
		pr.Add("registered_on", "is in the future")
	case !c.SeparationDate.IsZero() && c.RegisteredOn < c.SeparationDate:
		pr.Add("registered_on", "is before the separation %s", c.SeparationDate)
	}
	validGroup(&pr, c.RetirementGroup)
	return pr
}

// caseInputs builds a policy case from input values.
func caseInputs(code region.Code, in map[string]any) (policy.Case, error) {
	c := policy.Case{Entity: "person", Region: code, Inputs: make(map[string]json.RawMessage, len(in))}
	for k, v := range in {
		raw, err := json.Marshal(v)
		if err != nil {
			return c, fmt.Errorf("input %s: %w", k, err)
		}
		c.Inputs[k] = raw
	}
	return c, nil
}

// refusal turns the failed conditions of a decision into an Invalid error
// naming each.
func refusal(message string, d *policy.Decision) error {
	var pr fault.Problems
	for _, c := range d.Conditions {
		if !c.Value {
			pr.Add("conditions."+c.Name, "does not hold: %s", c.Expr)
		}
	}
	for _, r := range d.Requirements {
		if !r.Holds {
			pr.Add("requirements."+r.Programme, "%s %s does not hold", r.Kind, r.Programme)
		}
	}
	if err := pr.Err(message); err != nil {
		return err
	}
	return fault.Errorf(fault.Invalid, "%s", message)
}

// variable returns an integer variable of a decision (money in fen,
// booleans as 0 or 1).
func variable(d *policy.Decision, name string) (int64, error) {
	for _, v := range d.Variables {
		if v.Name != name {
			continue
		}
		switch v.Value {
		case "true":
			return 1, nil
		case "false":
			return 0, nil
		}
		return strconv.ParseInt(v.Value, 10, 64)
	}
	return 0, fmt.Errorf("%s has no variable %s", d.Programme, name)
}

// alive reports whether a benefit of month m is due given the death date:
// payment stops from the month after death (docs/domain.md 7).
func alive(death period.Date, m period.Month) bool { return death.IsZero() || death >= m.First() }

// Claim decides and records an unemployment claim (失业保险金申领) through
// the programme unemployment_benefit for the month of registration. The
// contribution months are the distinct months of unemployment payments up
// to the separation month, counted again from the separation of the
// person's last claim; that claim's unused months are carried over. A
// refusal is an Invalid error naming each failed condition.
func (s *Benefits) Claim(ctx context.Context, c *UnemploymentClaim) error {
	pr := c.validate(s.today())
	var p *registry.Person
	if c.PersonID > 0 {
		var err error
		p, err = s.registry.Person(ctx, c.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("person_id", "person %d does not exist", c.PersonID)
		case err != nil:
			return err
		}
	}
	if c.OrgID > 0 {
		if _, err := s.registry.Organisation(ctx, c.OrgID); fault.CodeOf(err) == fault.NotFound {
			pr.Add("org_id", "organisation %d does not exist", c.OrgID)
		} else if err != nil {
			return err
		}
	}
	if err := pr.Err("invalid unemployment claim"); err != nil {
		return err
	}
	c.RegionCode = p.RegionCode
	if _, err := auth.RequireIn(ctx, auth.PermInsurance, c.RegionCode); err != nil {
		return err
	}
	c.RetirementGroup = defaultGroup(c.RetirementGroup, p)
	earlier, err := s.store.PersonClaims(ctx, c.PersonID)
	if err != nil {
		return err
	}
	var after period.Month
	c.CarriedMonths = 0
	for _, e := range earlier {
		if e.Status == ClaimOpen {
			return fault.Errorf(fault.Conflict, "person %d has an open unemployment claim %d already", c.PersonID, e.ID)
		}
		if e.SeparationDate >= c.SeparationDate {
			return &fault.Error{Code: fault.Invalid, Message: "invalid unemployment claim",
				Fields: map[string]string{"separation_date": fmt.Sprintf("must be after the separation %s of claim %d", e.SeparationDate, e.ID)}}
		}
		after = e.SeparationDate.Period()
		c.CarriedMonths = 0
		if e.StopReason != StopExhausted && e.StopReason != StopDied {
			c.CarriedMonths = max(e.EntitlementMonths-e.MonthsDrawn, 0)
		}
	}
	sep := c.SeparationDate.Period()
	if c.ContributionMonths, err = s.store.UnemploymentMonths(ctx, c.PersonID, after, sep); err != nil {
		return err
	}
	c.Start = c.RegisteredOn.Period()
	pensionFrom, err := s.store.EmployeePensionFrom(ctx, c.PersonID)
	if err != nil {
		return err
	}
	d, err := s.decideClaim(c, p.BirthDate(), p.DeathDate, pensionFrom, c.Start, 0, true)
	if err != nil {
		return err
	}
	if !d.Eligible {
		return refusal("unemployment benefit refused", d)
	}
	ent, err := variable(d, "entitlement_months")
	if err != nil {
		return err
	}
	if c.Decision, err = json.Marshal(d); err != nil {
		return err
	}
	c.ID, c.Version, c.Status, c.StopReason, c.End, c.MonthsDrawn = 0, 0, ClaimOpen, "", 0, 0
	c.EntitlementMonths, c.MonthlyAmount = int(ent), d.Amount
	return s.store.CreateClaim(ctx, c)
}

// decideClaim decides month m of a claim; pensionFrom is the first month
// of the person's employee pension, 0 for none.
func (s *Benefits) decideClaim(c *UnemploymentClaim, birth, death period.Date, pensionFrom, m period.Month, drawn int, registered bool) (*policy.Decision, error) {
	pc, err := caseInputs(c.RegionCode.County(), map[string]any{
		"birth_date":                       birth,
		"retirement_group":                 c.RetirementGroup,
		"alive":                            alive(death, m),
		"unemployment_contribution_months": c.ContributionMonths,
		"separation":                       c.Separation,
		"registered_unemployed":            registered,
		"unemployment_months_drawn":        drawn,
		"unemployment_months_carried":      c.CarriedMonths,
		"draws_employee_pension":           !pensionFrom.IsZero() && pensionFrom <= m,
	})
	if err != nil {
		return nil, err
	}
	return s.policy.Evaluate(progUnemployment, m, pc)
}

// scopeClaims resolves the filter of a list of claims or injuries: a
// citizen sees only their own; staff their scope.
func scopeClaims(ctx context.Context, f *ClaimFilter) error {
	if p, ok := auth.PrincipalFrom(ctx); ok && p.Role == auth.RoleCitizen {
		if p.PersonID == 0 || f.PersonID != 0 && f.PersonID != registry.PersonID(p.PersonID) {
			return fault.Errorf(fault.Forbidden, "a citizen reads only their own records")
		}
		f.PersonID, f.Region = registry.PersonID(p.PersonID), ""
	} else {
		p, err := auth.Require(ctx, auth.PermRegistryRead)
		if err != nil {
			return err
		}
		if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
			return err
		}
	}
	if f.Limit <= 0 || f.Limit > registry.PageMax {
		f.Limit = 50
	}
	return nil
}

// Claims lists claims in the caller's scope; a citizen's own.
func (s *Benefits) Claims(ctx context.Context, f ClaimFilter) ([]*UnemploymentClaim, error) {
	if err := scopeClaims(ctx, &f); err != nil {
		return nil, err
	}
	return s.store.Claims(ctx, f)
}

// UnemploymentClaim returns a claim in the caller's scope, or a citizen's
// own claim.
func (s *Benefits) UnemploymentClaim(ctx context.Context, id ClaimID) (*UnemploymentClaim, error) {
	if _, ok := auth.PrincipalFrom(ctx); !ok {
		return nil, fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	c, err := s.store.Claim(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireSelfOrFound(ctx, auth.PermRegistryRead, int64(c.PersonID), c.RegionCode, "unemployment claim", id); err != nil {
		return nil, err
	}
	return c, nil
}

// Stop ends an open claim from month from on (the last month covered is
// from-1) for one of StopReasons (docs/domain.md 4). Months already paid from
// from on are not undone here: Stop refuses them, as a recovery is another
// procedure.
func (s *Benefits) Stop(ctx context.Context, id ClaimID, version int64, reason StopReason, from period.Month) (*UnemploymentClaim, error) {
	c, err := s.store.Claim(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermInsurance, c.RegionCode, "unemployment claim", id); err != nil {
		return nil, err
	}
	var pr fault.Problems
	known := false
	for _, r := range StopReasons {
		known = known || r == reason
	}
	if !known {
		pr.Add("reason", "must be one of %v", StopReasons)
	}
	if from.IsZero() {
		pr.Add("from", "is required")
	} else if from < c.Start {
		pr.Add("from", "is before the claim's first month %s", c.Start)
	}
	if c.Status != ClaimOpen {
		return nil, fault.Errorf(fault.Conflict, "claim %d has ended already (%s, %s)", id, c.StopReason, c.End)
	}
	if err := pr.Err("invalid stop of a claim"); err != nil {
		return nil, err
	}
	if !c.PaidTo.IsZero() && c.PaidTo >= from {
		return nil, &fault.Error{Code: fault.Conflict, Message: "months paid", Fields: map[string]string{
			"from": fmt.Sprintf("the claim is paid up to %s: stop from %s or later", c.PaidTo, c.PaidTo.Add(1))}}
	}
	c.Version, c.Status, c.StopReason, c.End = version, ClaimEnded, reason, from.Add(-1)
	if err := s.store.EndClaim(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}
