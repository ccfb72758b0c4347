package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Nursing levels (生活自理障碍等级), optional on an injury. The nursing
// allowance itself (生活护理费) is not paid yet.
var NursingLevels = []string{"", "complete", "major", "partial"}

// InjuryBasis is what the store reads for a work injury: whether the
// person was enrolled in work injury with the employer on the injury
// date, and the bases of the 12 months before it.
type InjuryBasis struct {
	Insured bool
	// Scheme is where the bases come from: work_injury, or
	// employee_pension when there is no work-injury payment.
	Scheme Scheme
	// Bases are the monthly contribution bases, one per month paid.
	Bases []money.Fen
}

// Injury is a recognised work injury (工伤认定) with its disability
// appraisal (劳动能力鉴定): the one-off disability grant (一次性伤残补助金),
// decided by the programme work_injury_disability, and for grades 1-6 the
// monthly disability allowance (伤残津贴), decided each month by the
// programme work_injury_allowance in the benefit run.
type Injury struct {
	ID       InjuryID          `json:"id"`
	PersonID registry.PersonID `json:"person_id"`
	// OrgID is the employer the person was insured with when injured.
	OrgID registry.OrgID `json:"org_id"`
	// RegionCode is the employer's region, whose fund pays.
	RegionCode   region.Code `json:"region_code"`
	InjuryDate   period.Date `json:"injury_date"`
	RecognisedOn period.Date `json:"recognised_on"`
	// Grade is the disability grade 1 (most severe) to 10.
	Grade int `json:"grade"`
	// Nursing is one of NursingLevels.
	Nursing string `json:"nursing,omitempty"`
	// EmployerArrangesWork says the employer arranges suitable work for a
	// grade 5-6 worker, who then gets no allowance.
	EmployerArrangesWork bool   `json:"employer_arranges_work"`
	RetirementGroup      string `json:"retirement_group,omitempty"`
	// OwnWage (本人工资) is the mean monthly base of the 12 months before
	// the injury, before the programme bounds it; WageMonths the months
	// found and WageScheme where.
	OwnWage    money.Fen `json:"own_wage"`
	WageMonths int       `json:"wage_months"`
	WageScheme Scheme    `json:"wage_scheme,omitempty"`
	// Grant is the one-off disability grant and GrantDecision its decision.
	Grant         money.Fen       `json:"grant"`
	GrantDecision json.RawMessage `json:"grant_decision,omitempty"`
	// Allowance is the state of the monthly allowance: none, open or ended.
	Allowance ClaimStatus `json:"allowance"`
	// AllowanceFrom is the first month of the allowance, the month after
	// the appraisal.
	AllowanceFrom period.Month `json:"allowance_from,omitzero"`
	// AllowanceDecision is the allowance decided for AllowanceFrom.
	AllowanceDecision json.RawMessage `json:"allowance_decision,omitempty"`
	StopReason        StopReason      `json:"stop_reason,omitempty"`
	// End is the last month of the allowance once ended.
	End       period.Month `json:"end,omitzero"`
	Version   int64        `json:"version"`
	CreatedAt time.Time    `json:"created_at,omitzero"`
}

func (in *Injury) validate(today period.Date) fault.Problems {
	var pr fault.Problems
	if in.PersonID <= 0 {
		pr.Add("person_id", "is required")
	}
	if in.OrgID <= 0 {
		pr.Add("org_id", "the employer is required")
	}
	if in.InjuryDate.IsZero() {
		pr.Add("injury_date", "is required")
	} else if in.InjuryDate > today {
		pr.Add("injury_date", "is in the future")
	}
	switch {
	case in.RecognisedOn.IsZero():
		pr.Add("recognised_on", "the recognition date is required")
	case in.RecognisedOn > today:
		pr.Add("recognised_on", "is in the future")
	case !in.InjuryDate.IsZero() && in.RecognisedOn < in.InjuryDate:
		pr.Add("recognised_on", "is before the injury %s", in.InjuryDate)
	}
	if in.Grade < 1 || in.Grade > 10 {
		pr.Add("grade", "must be a disability grade from 1 to 10")
	}
	known := false
	for _, n := range NursingLevels {
		known = known || n == in.Nursing
	}
	if !known {
		pr.Add("nursing", "must be one of %q", NursingLevels[1:])
	}
	if in.EmployerArrangesWork && (in.Grade < 5 || in.Grade > 6) {
		pr.Add("employer_arranges_work", "applies to grades 5 and 6 only")
	}
	validGroup(&pr, in.RetirementGroup)
	return pr
}

// RecordInjury records a recognised work injury with its disability grade.
// The person must have been enrolled in work injury with the employer on
// the injury date. The one-off grant is decided for the month of
// recognition; for grades 1-6 the allowance is decided for the month after
// it and, when due, opened for the monthly run.
func (s *Benefits) RecordInjury(ctx context.Context, in *Injury) error {
	pr := in.validate(s.today())
	var p *registry.Person
	if in.PersonID > 0 {
		var err error
		p, err = s.registry.Person(ctx, in.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("person_id", "person %d does not exist", in.PersonID)
		case err != nil:
			return err
		}
	}
	if in.OrgID > 0 {
		o, err := s.registry.Organisation(ctx, in.OrgID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("org_id", "organisation %d does not exist", in.OrgID)
		case err != nil:
			return err
		default:
			in.RegionCode = o.RegionCode
		}
	}
	if err := pr.Err("invalid work injury"); err != nil {
		return err
	}
	if _, err := auth.RequireIn(ctx, auth.PermInsurance, in.RegionCode); err != nil {
		return err
	}
	b, err := s.store.InjuryBasis(ctx, in.PersonID, in.OrgID, in.InjuryDate)
	if err != nil {
		return err
	}
	if !b.Insured {
		return &fault.Error{Code: fault.Invalid, Message: "invalid work injury", Fields: map[string]string{
			"org_id": fmt.Sprintf("person %d was not enrolled in work injury with organisation %d on %s", in.PersonID, in.OrgID, in.InjuryDate)}}
	}
	total, err := money.Sum(b.Bases...)
	if err != nil {
		return fmt.Errorf("work injury of person %d: own wage: %w", in.PersonID, err)
	}
	in.OwnWage, in.WageMonths, in.WageScheme = 0, len(b.Bases), b.Scheme
	if len(b.Bases) > 0 {
		in.OwnWage = money.Fen(money.DivRound(int64(total), int64(len(b.Bases))))
	}
	in.RetirementGroup = defaultGroup(in.RetirementGroup, p)

	grant, err := s.decideInjury(progInjuryGrant, in, p.BirthDate(), p.DeathDate, in.RecognisedOn.Period())
	if err != nil {
		return err
	}
	if !grant.Eligible {
		return refusal("work-injury disability grant refused", grant)
	}
	in.Grant = grant.Amount
	if in.GrantDecision, err = json.Marshal(grant); err != nil {
		return err
	}
	in.Allowance, in.AllowanceFrom, in.AllowanceDecision = ClaimNone, 0, nil
	if in.Grade <= 6 {
		in.AllowanceFrom = in.RecognisedOn.Period().Add(1)
		d, err := s.decideInjury(progAllowance, in, p.BirthDate(), p.DeathDate, in.AllowanceFrom)
		if err != nil {
			return err
		}
		if in.AllowanceDecision, err = json.Marshal(d); err != nil {
			return err
		}
		if d.Eligible {
			in.Allowance = ClaimOpen
		}
	}
	in.ID, in.Version, in.StopReason, in.End = 0, 0, "", 0
	return s.store.CreateInjury(ctx, in)
}

func (s *Benefits) decideInjury(prog string, in *Injury, birth, death period.Date, m period.Month) (*policy.Decision, error) {
	inputs := map[string]any{
		"work_injury_insured": true,
		"injury_grade":        in.Grade,
		"own_monthly_wage":    in.OwnWage,
	}
	if prog == progAllowance {
		inputs["birth_date"] = birth
		inputs["retirement_group"] = in.RetirementGroup
		inputs["alive"] = alive(death, m)
		inputs["employer_arranges_work"] = in.EmployerArrangesWork
	}
	pc, err := caseInputs(in.RegionCode.County(), inputs)
	if err != nil {
		return nil, err
	}
	return s.policy.Evaluate(prog, m, pc)
}

// Injuries lists injuries in the caller's scope; a citizen's own.
func (s *Benefits) Injuries(ctx context.Context, f ClaimFilter) ([]*Injury, error) {
	if err := scopeClaims(ctx, &f); err != nil {
		return nil, err
	}
	return s.store.Injuries(ctx, f)
}

// Injury returns an injury in the caller's scope, or a citizen's own.
func (s *Benefits) Injury(ctx context.Context, id InjuryID) (*Injury, error) {
	if _, ok := auth.PrincipalFrom(ctx); !ok {
		return nil, fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	in, err := s.store.Injury(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireSelfOrFound(ctx, auth.PermRegistryRead, int64(in.PersonID), in.RegionCode, "work injury", id); err != nil {
		return nil, err
	}
	return in, nil
}
