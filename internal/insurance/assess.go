package insurance

import (
	"fmt"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Assessment is the contribution due for one enrolment and month (核定应缴):
// the declared wage clamped to the base band, times each party's rate.
type Assessment struct {
	EnrolmentID EnrolmentID       `json:"enrolment_id"`
	PersonID    registry.PersonID `json:"person_id"`
	OrgID       registry.OrgID    `json:"org_id,omitempty"`
	Scheme      Scheme            `json:"scheme"`
	Period      period.Month      `json:"period"`
	RegionCode  region.Code       `json:"region_code"`
	// Wage is the declared monthly wage (or the flexible worker's chosen
	// base) before clamping.
	Wage money.Fen `json:"wage"`
	// Base is the contribution base (缴费基数) after the floor and ceiling.
	Base       money.Fen `json:"base"`
	Employer   money.Fen `json:"employer"`
	Individual money.Fen `json:"individual"`
	// Account is the part credited to the personal account (个人账户).
	Account money.Fen `json:"account"`
}

// Due is the total due, or an error wrapping money.ErrOverflow if it does
// not fit in an int64.
func (a *Assessment) Due() (money.Fen, error) { return money.Add(a.Employer, a.Individual) }

// Rates are the parameters of the assessment for one month and region,
// read once and applied to every enrolment there.
type Rates struct {
	Period  period.Month
	AvgWage money.Fen
	// Floor and Ceiling bound the contribution base (缴费基数上下限).
	Floor, Ceiling                                     money.Fen
	PensionEmployer, PensionIndividual, PensionAccount money.Rate
	FlexTotal, FlexAccount                             money.Rate
	UnemploymentEmployer, UnemploymentIndividual       money.Rate
	// InjuryClass holds the work-injury rate of each risk class 1-8.
	InjuryClass [9]money.Rate
	// Reads lists every parameter read, for the explanation.
	Reads []policy.ParamRead
}

// LoadRates reads the assessment parameters in force on the first day of
// month m for region code.
func LoadRates(pk *policy.Package, m period.Month, code region.Code) (*Rates, error) {
	r := &Rates{Period: m}
	on := m.First()
	var firstErr error
	get := func(key string) int64 {
		v, read, err := pk.Value(key, on, code)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("assessment rates for %s in %s: %w", m, code, err)
		}
		r.Reads = append(r.Reads, read)
		return v
	}
	r.AvgWage = money.Fen(get("social_insurance.average_wage"))
	floorRatio := money.Rate(get("social_insurance.base_floor_ratio"))
	ceilingRatio := money.Rate(get("social_insurance.base_ceiling_ratio"))
	r.PensionEmployer = money.Rate(get("employee_pension.contribution_rate.employer"))
	r.PensionIndividual = money.Rate(get("employee_pension.contribution_rate.individual"))
	r.PensionAccount = money.Rate(get("employee_pension.account_credit_ratio"))
	r.FlexTotal = money.Rate(get("employee_pension.flexible_worker_rate.total"))
	r.FlexAccount = money.Rate(get("employee_pension.flexible_worker_rate.account"))
	r.UnemploymentEmployer = money.Rate(get("unemployment.contribution_rate.employer"))
	r.UnemploymentIndividual = money.Rate(get("unemployment.contribution_rate.individual"))
	for class := 1; class <= 8; class++ {
		v, read, err := pk.ScaleValue("work_injury.class_rate", on, code, policy.IntDec(int64(class)))
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("assessment rates for %s in %s: %w", m, code, err)
		}
		if class == 1 {
			r.Reads = append(r.Reads, read)
		}
		r.InjuryClass[class] = money.Rate(v)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	r.Floor = r.AvgWage.MulRate(floorRatio)
	r.Ceiling = r.AvgWage.MulRate(ceilingRatio)
	return r, nil
}

// Clamp bounds a wage to the contribution base band.
func (r *Rates) Clamp(wage money.Fen) money.Fen { return min(max(wage, r.Floor), r.Ceiling) }

// Assess computes what enrolment e owes for the rates' month on the
// declared wage (ignored for flexible workers, who pay on their chosen
// base). Residents pay yearly and are not assessed monthly.
func (r *Rates) Assess(e *Enrolment, wage money.Fen) (Assessment, bool) {
	a := Assessment{EnrolmentID: e.ID, PersonID: e.PersonID, OrgID: e.OrgID, Scheme: e.Scheme, Period: r.Period, RegionCode: e.RegionCode, Wage: wage}
	if e.Kind == Flexible {
		a.Wage = e.Base
	}
	a.Base = r.Clamp(a.Wage)
	switch {
	case e.Kind == Resident || e.Scheme == ResidentPension:
		return a, false
	case e.Kind == Flexible:
		a.Individual = a.Base.MulRate(r.FlexTotal)
		a.Account = a.Base.MulRate(r.FlexAccount)
	case e.Scheme == EmployeePension:
		a.Employer = a.Base.MulRate(r.PensionEmployer)
		a.Individual = a.Base.MulRate(r.PensionIndividual)
		a.Account = a.Base.MulRate(r.PensionAccount)
	case e.Scheme == Unemployment:
		a.Employer = a.Base.MulRate(r.UnemploymentEmployer)
		a.Individual = a.Base.MulRate(r.UnemploymentIndividual)
	case e.Scheme == WorkInjury:
		a.Employer = a.Base.MulRate(r.InjuryClass[e.RiskClass])
	}
	return a, true
}
