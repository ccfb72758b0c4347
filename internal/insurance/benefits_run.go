package insurance

import (
	"context"
	"fmt"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// BenefitLineKind is what a benefit line pays.
type BenefitLineKind string

// The line kinds.
const (
	LineUnemployment BenefitLineKind = "unemployment_benefit" // 失业保险金
	LineAllowance    BenefitLineKind = "disability_allowance" // 伤残津贴
)

// Payers of a line.
const (
	PayerFund     = "fund"     // the insurance fund (基金支付)
	PayerEmployer = "employer" // the employer (grades 5-6 allowance)
)

// BenefitLine is one month of one claim or allowance, paid by a run.
// (claim, period) and (injury, period) are unique.
type BenefitLine struct {
	Kind       BenefitLineKind   `json:"kind"`
	ClaimID    ClaimID           `json:"claim_id,omitempty"`
	InjuryID   InjuryID          `json:"injury_id,omitempty"`
	PersonID   registry.PersonID `json:"person_id"`
	RegionCode region.Code       `json:"region_code"`
	Period     period.Month      `json:"period"`
	// Seq is the month's number in the claim's entitlement, from 1; 0 for
	// allowances.
	Seq    int       `json:"seq,omitempty"`
	Amount money.Fen `json:"amount"`
	// TopUp is the part of Amount the fund adds to reach the minimum wage.
	TopUp money.Fen `json:"top_up,omitempty"`
	Payer string    `json:"payer"`
}

// ClaimCase is an open claim with what the run reads about it.
type ClaimCase struct {
	Claim UnemploymentClaim
	// MonthsDrawn (in Claim) counts the lines before the run's month; Paid
	// says the run's month has a line already.
	Paid                 bool
	BirthDate, DeathDate period.Date
	// Reemployed is the earliest start after the separation of an
	// employment spell or of an enrolment through an employer, 0 if none.
	Reemployed period.Date
	// PensionFrom is the first month of the person's employee pension
	// award, 0 if none.
	PensionFrom period.Month
}

// InjuryCase is an open allowance with what the run reads about it.
type InjuryCase struct {
	Injury               Injury
	Paid                 bool
	BirthDate, DeathDate period.Date
}

// RunBasis is what a benefit run reads.
type RunBasis struct {
	Claims   []ClaimCase
	Injuries []InjuryCase
}

// BenefitRun is what a run writes: the new lines, and the claims and
// allowances it ends (ID, StopReason and End set).
type BenefitRun struct {
	Period        period.Month
	Region        region.Code
	Lines         []BenefitLine
	EndedClaims   []UnemploymentClaim
	EndedInjuries []Injury
}

// RunSummary totals a benefit run.
type RunSummary struct {
	Period period.Month `json:"period"`
	Region region.Code  `json:"region"`
	// Lines counts the lines written by this run; AlreadyPaid the claims
	// and allowances whose month was paid by an earlier run.
	Lines        int                `json:"lines"`
	AlreadyPaid  int                `json:"already_paid"`
	Unemployment money.Fen          `json:"unemployment"`
	Allowance    money.Fen          `json:"allowance"`
	TopUp        money.Fen          `json:"top_up"`
	ByEmployer   money.Fen          `json:"by_employer"`
	Ended        map[StopReason]int `json:"ended"`
}

// stopReason names why a decision refused a month, from its first failed
// condition.
func stopReason(d *policy.Decision) StopReason {
	for _, c := range d.Conditions {
		if c.Value {
			continue
		}
		switch c.Name {
		case "person_alive":
			return StopDied
		case "registered_as_unemployed":
			return StopReemployed
		case "below_statutory_retirement_age":
			return StopRetired
		case "not_drawing_a_pension":
			return StopPension
		case "entitlement_not_used_up":
			return StopExhausted
		}
	}
	return StopIneligible
}

// Pay runs the monthly benefit payroll of month m for the region subtree:
// one line per open unemployment claim and per open disability allowance,
// each decided by its programme for m. A claim ends when its programme
// refuses the month (death, re-employment, retirement age) or once its
// entitlement is used up; an allowance ends at death or the statutory
// retirement age. Running it again for the same month changes nothing.
func (s *Benefits) Pay(ctx context.Context, m period.Month, code region.Code) (*RunSummary, error) {
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid benefit run", Fields: map[string]string{"period": "is required"}}
	}
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	basis, err := s.store.RunBasis(ctx, m, code)
	if err != nil {
		return nil, err
	}
	sum := &RunSummary{Period: m, Region: code, Ended: map[StopReason]int{}}
	run := &BenefitRun{Period: m, Region: code, Lines: make([]BenefitLine, 0, len(basis.Claims)+len(basis.Injuries))}
	end := func(c *UnemploymentClaim, r StopReason, last period.Month) {
		c.Status, c.StopReason, c.End = ClaimEnded, r, last
		run.EndedClaims = append(run.EndedClaims, *c)
		sum.Ended[r]++
	}
	// The run's sums are checked: an overflow fails the run, never wraps.
	var unemployment, byEmployer, allowance, topUp money.Total
	for i := range basis.Claims {
		cc := &basis.Claims[i]
		c := &cc.Claim
		if cc.Paid {
			sum.AlreadyPaid++
			continue
		}
		if m < c.Start {
			continue
		}
		registered := cc.Reemployed.IsZero() || cc.Reemployed > m.First()
		d, err := s.decideClaim(c, cc.BirthDate, cc.DeathDate, cc.PensionFrom, m, c.MonthsDrawn, registered)
		if err != nil {
			return nil, err
		}
		if !d.Eligible {
			end(c, stopReason(d), m.Add(-1))
			continue
		}
		run.Lines = append(run.Lines, BenefitLine{Kind: LineUnemployment, ClaimID: c.ID, PersonID: c.PersonID, RegionCode: c.RegionCode,
			Period: m, Seq: c.MonthsDrawn + 1, Amount: d.Amount, Payer: PayerFund})
		unemployment.Add(d.Amount)
		ent, err := variable(d, "entitlement_months")
		if err != nil {
			return nil, err
		}
		kept, err := variable(d, "kept_until_retirement")
		if err != nil {
			return nil, err
		}
		if int64(c.MonthsDrawn+1) >= ent && kept == 0 {
			end(c, StopExhausted, m)
		}
	}
	for i := range basis.Injuries {
		ic := &basis.Injuries[i]
		in := &ic.Injury
		if ic.Paid {
			sum.AlreadyPaid++
			continue
		}
		if m < in.AllowanceFrom {
			continue
		}
		d, err := s.decideInjury(progAllowance, in, ic.BirthDate, ic.DeathDate, m)
		if err != nil {
			return nil, err
		}
		if !d.Eligible {
			in.Allowance, in.StopReason, in.End = ClaimEnded, stopReason(d), m.Add(-1)
			run.EndedInjuries = append(run.EndedInjuries, *in)
			sum.Ended[in.StopReason]++
			continue
		}
		top, err := variable(d, "top_up")
		if err != nil {
			return nil, err
		}
		l := BenefitLine{Kind: LineAllowance, InjuryID: in.ID, PersonID: in.PersonID, RegionCode: in.RegionCode, Period: m,
			Amount: d.Amount, TopUp: money.Fen(top), Payer: PayerFund}
		if in.Grade > 4 {
			l.Payer = PayerEmployer
			byEmployer.Add(d.Amount)
		}
		run.Lines = append(run.Lines, l)
		allowance.Add(d.Amount)
		topUp.Add(l.TopUp)
	}
	for _, t := range []struct {
		dst  *money.Fen
		tot  *money.Total
		what string
	}{{&sum.Unemployment, &unemployment, "unemployment"}, {&sum.ByEmployer, &byEmployer, "paid by employers"},
		{&sum.Allowance, &allowance, "allowances"}, {&sum.TopUp, &topUp, "top-ups"}} {
		if *t.dst, err = t.tot.Result(); err != nil {
			return nil, fmt.Errorf("benefit run %s: %s total: %w", m, t.what, err)
		}
	}
	sum.Lines = len(run.Lines)
	if len(run.Lines) == 0 && len(run.EndedClaims) == 0 && len(run.EndedInjuries) == 0 {
		return sum, nil
	}
	if err := s.store.SaveRun(ctx, run); err != nil {
		return nil, err
	}
	return sum, nil
}
