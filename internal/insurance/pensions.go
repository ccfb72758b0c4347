package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

// PensionStore keeps what Pensions needs. Methods that change state write their audit
// event in the same transaction.
type PensionStore interface {
	// AwardBasis reads what an award of scheme for a person starting in
	// month start needs: the person's payments and account entries before
	// start, resident enrolment and the person's awards that are not
	// stopped.
	AwardBasis(ctx context.Context, person registry.PersonID, scheme Scheme, start period.Month) (*AwardBasis, error)
	// CreateAward inserts a after check accepts the person's awards that
	// are not stopped, read in the same transaction; Conflict when check
	// refuses or the person has an award in the scheme already.
	CreateAward(ctx context.Context, a *Award, check func(existing []*Award) error) error
	// Award returns an award; NotFound if there is none.
	Award(ctx context.Context, id AwardID) (*Award, error)
	// Awards lists awards matching f, by key, without their decisions.
	Awards(ctx context.Context, f AwardFilter) ([]*Award, error)
	// PayrollBasis returns every award of the region subtree that started
	// by month m and is not stopped, with what the payroll of m reads.
	PayrollBasis(ctx context.Context, m period.Month, code region.Code) ([]PayrollItem, error)
	// SavePayroll records a payroll run with its new lines, status changes
	// and stops (with their overpayments), all or nothing, with one audit
	// event; it fills run.ID. Conflict when a line exists already.
	SavePayroll(ctx context.Context, run *PayrollRun, lines []PayrollLine, changes []AwardChange) error
	// PayrollRuns lists the payroll runs matching f by key.
	PayrollRuns(ctx context.Context, f PayrollRunFilter) ([]*PayrollRun, error)
	// Overpayments lists the overpayments of the region subtree.
	Overpayments(ctx context.Context, code region.Code, status OverpaymentStatus) ([]Overpayment, error)
	// AdjustmentBasis returns the employee awards of the region subtree
	// that started by December of year-1 and are not stopped, with the
	// adjustments of earlier years and whether year's exists.
	AdjustmentBasis(ctx context.Context, year int, code region.Code) ([]AdjustmentItem, error)
	// SaveAdjustments stores the adjustments of year in the region subtree,
	// all or nothing, with one audit event.
	SaveAdjustments(ctx context.Context, year int, code region.Code, as []Adjustment) error
	// Adjustments lists the adjustments of an award by year.
	Adjustments(ctx context.Context, id AwardID) ([]Adjustment, error)
	// CreateCertification records a certification.
	CreateCertification(ctx context.Context, c *Certification) error
	// Duplicates lists the duplicate receipts of the region subtree.
	Duplicates(ctx context.Context, code region.Code) ([]Duplicate, error)
	// PensionTotals sums the awards payable in month m in the region
	// subtree, per scheme.
	PensionTotals(ctx context.Context, m period.Month, code region.Code) ([]PensionTotal, error)
}

// Pensions runs retirement and pensions: awards (待遇核定), the monthly payroll with the yearly adjustment, qualification certification, stop on death with the overpayment, and duplicate-receipt control.
type Pensions struct {
	store    PensionStore
	registry Registry
	policy   *policy.Package
	clock    clock.Clock
}

// NewPensions returns a Pensions telling the time by clk.
func NewPensions(store PensionStore, reg Registry, pk *policy.Package, clk clock.Clock) *Pensions {
	return &Pensions{store: store, registry: scopedRegistry{reg}, policy: pk, clock: clk}
}

// Policy is the policy package that decides the awards.
func (s *Pensions) Policy() *policy.Package { return s.policy }

func (s *Pensions) today() period.Date { return s.clock.Today() }

// AwardID identifies an award.
type AwardID int64

// AwardStatus is the state of an award.
type AwardStatus string

// The award statuses.
const (
	AwardActive    AwardStatus = "active"    // 正常发放 paid monthly
	AwardSuspended AwardStatus = "suspended" // 暂停发放 withheld until certified
	AwardStopped   AwardStatus = "stopped"   // 终止发放 ended (death); never paid again
)

// The retirement-age groups of the 2025 reform (policies/entities.yaml).
const (
	GroupMale         = "male"
	GroupFemaleCadre  = "female_cadre"
	GroupFemaleWorker = "female_worker"
)

// Award is a pension award (待遇核定): the monthly amount a person is paid
// from the start month on, as the programme decided it.
type Award struct {
	ID         AwardID           `json:"id"`
	PersonID   registry.PersonID `json:"person_id"`
	Scheme     Scheme            `json:"scheme"`
	RegionCode region.Code       `json:"region_code"`
	// Start is the first month paid.
	Start period.Month `json:"start"`
	// Amount is the monthly amount at the start, in fen; yearly
	// adjustments add to it.
	Amount money.Fen   `json:"amount"`
	Status AwardStatus `json:"status"`
	// Group is the retirement-age group; empty for a resident pension.
	Group string `json:"retirement_group,omitempty"`
	// ContributionMonths is N in months, deemed months included; the
	// yearly adjustment pays per whole year of it.
	ContributionMonths int `json:"contribution_months"`
	// StopMonth is the last month payable once stopped.
	StopMonth period.Month `json:"stop_month,omitzero"`
	// Decision is the programme's explained decision, as stored.
	Decision      *policy.Decision `json:"decision,omitempty"`
	PolicyVersion string           `json:"policy_version"`
	CreatedBy     string           `json:"created_by"`
	CreatedAt     time.Time        `json:"created_at"`
	Version       int64            `json:"version"`
}

// AwardFilter selects awards.
type AwardFilter struct {
	Region   region.Code
	PersonID registry.PersonID
	Scheme   Scheme
	registry.Page
}

// AwardRequest asks for a pension award.
type AwardRequest struct {
	PersonID registry.PersonID `json:"person_id"`
	Scheme   Scheme            `json:"scheme"`
	// Start is the first month of the pension; zero for the statutory
	// retirement month (employee) or the month the pension age is reached
	// (resident).
	Start period.Month `json:"start,omitzero"`
	// Group is the retirement-age group, required for the employee
	// pension: male, female_cadre or female_worker.
	Group string `json:"retirement_group,omitempty"`
	// DeemedMonths and DeemedWageIndex are the deemed contributions
	// (视同缴费) entered from the personnel archive; 0 when none.
	DeemedMonths    int        `json:"deemed_months,omitempty"`
	DeemedWageIndex money.Rate `json:"deemed_wage_index,omitempty"`
}

// YearBase sums one contribution year's bases.
type YearBase struct {
	Year    int
	Months  int
	SumBase money.Fen
}

// AwardBasis is what the database holds for an award.
type AwardBasis struct {
	// ContributionMonths counts the distinct months with payments in the
	// scheme before the start.
	ContributionMonths int
	// Years are the bases of the scheme's payments per year, by year.
	Years []YearBase
	// AccountBalance sums the scheme's account entries before the start.
	AccountBalance money.Fen
	// ResidentYears counts the distinct years of resident-pension payments
	// before the start.
	ResidentYears int
	// ResidentEnrolled says the person has a resident-pension enrolment.
	ResidentEnrolled bool
	// Awards are the person's awards that are not stopped.
	Awards []*Award
}

func (r *AwardRequest) validate() fault.Problems {
	var pr fault.Problems
	if r.PersonID <= 0 {
		pr.Add("person_id", "is required")
	}
	switch r.Scheme {
	case EmployeePension:
		switch r.Group {
		case GroupMale, GroupFemaleCadre, GroupFemaleWorker:
		case "":
			pr.Add("retirement_group", "is required for the employee pension")
		default:
			pr.Add("retirement_group", "must be male, female_cadre or female_worker, not %q", r.Group)
		}
	case ResidentPension:
		if r.Group != "" {
			pr.Add("retirement_group", "applies to the employee pension only")
		}
		if r.DeemedMonths != 0 || r.DeemedWageIndex != 0 {
			pr.Add("deemed_months", "deemed contributions apply to the employee pension only")
		}
	default:
		pr.Add("scheme", "must be employee_pension or resident_pension, not %q", r.Scheme)
	}
	if r.DeemedMonths < 0 || r.DeemedMonths > 600 {
		pr.Add("deemed_months", "must be between 0 and 600")
	}
	if r.DeemedWageIndex < 0 || r.DeemedWageIndex > 3*policy.DecScale {
		pr.Add("deemed_wage_index", "must be between 0 and 3")
	}
	if r.DeemedMonths == 0 && r.DeemedWageIndex != 0 {
		pr.Add("deemed_wage_index", "is given without deemed months")
	}
	return pr
}

// pensionFunc calls one of the policy package's retirement functions, the
// same code the programmes run.
func pensionFunc(name string, birth period.Date, group string) (period.Date, error) {
	for _, f := range policy.PensionFuncs() {
		if f.Name == name {
			v, err := f.Call([]int64{int64(birth), 0}, func(int64) string { return group })
			return period.Date(v), err
		}
	}
	return 0, fmt.Errorf("no pension function %s", name)
}

// decText writes millionths as a decimal, as the policy inputs take it.
func decText(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%06d", sign, v/policy.DecScale, v%policy.DecScale)
}

// wageIndex is Z: the mean over contribution years of the year's mean base
// divided by the year's average wage (social_insurance.average_wage), in
// millionths, each year's index and the mean rounded half up.
func (s *Pensions) wageIndex(years []YearBase, code region.Code) (int64, error) {
	if len(years) == 0 {
		return 0, nil
	}
	var sum int64
	for _, y := range years {
		avg, _, err := s.policy.Value("social_insurance.average_wage", period.MustDate(y.Year, time.January, 1), code)
		if err != nil {
			return 0, &fault.Error{Code: fault.Invalid, Message: "the average wage of a contribution year is not known",
				Fields: map[string]string{"start": fmt.Sprintf("contributions in %d: %v", y.Year, err)}}
		}
		// The year's bases times the scale could pass int64: MulDiv keeps
		// the product in 128 bits; the wage times the months is checked.
		den, err := money.Mul(money.Fen(avg), int64(y.Months))
		if err != nil {
			return 0, fmt.Errorf("wage index of %d: average wage %d × %d months: %w", y.Year, avg, y.Months, err)
		}
		sum += int64(y.SumBase.MulDiv(policy.DecScale, int64(den)))
	}
	return money.DivRound(sum, int64(len(years))), nil
}

func jsonValue(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain values are marshalled
	}
	return b
}

// Award decides a pension award with the programme of the scheme and
// stores it with the explained decision. A refusal is an Invalid error
// naming the conditions that failed.
func (s *Pensions) Award(ctx context.Context, req AwardRequest) (*Award, error) {
	pr := req.validate()
	var p *registry.Person
	if req.PersonID > 0 {
		var err error
		p, err = s.registry.Person(ctx, req.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("person_id", "person %d does not exist", req.PersonID)
		case err != nil:
			return nil, err
		}
	}
	if p != nil && req.Scheme == EmployeePension {
		switch g := p.Gender(); {
		case req.Group == GroupMale && g != ids.Male:
			pr.Add("retirement_group", "the registry records the person as female")
		case (req.Group == GroupFemaleCadre || req.Group == GroupFemaleWorker) && g != ids.Female:
			pr.Add("retirement_group", "the registry records the person as male")
		}
	}
	if err := pr.Err("invalid award request"); err != nil {
		return nil, err
	}
	if _, err := auth.RequireIn(ctx, auth.PermInsurance, p.RegionCode); err != nil {
		return nil, err
	}
	birth := p.BirthDate()
	if req.Scheme == EmployeePension {
		if req.Start.IsZero() {
			d, err := pensionFunc("retirement_date", birth, req.Group)
			if err != nil {
				return nil, fault.Wrap(fault.Invalid, err, "no statutory retirement date")
			}
			req.Start = d.Period()
		}
		latest, err := pensionFunc("flexible_retirement_latest", birth, req.Group)
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "no latest retirement date")
		}
		if req.Start.First() > latest {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid award request",
				Fields: map[string]string{"start": fmt.Sprintf("%s is after the latest flexible retirement month %s", req.Start, latest.Period())}}
		}
	} else if req.Start.IsZero() {
		age, _, err := s.policy.Value("resident_pension.pension_age", s.today(), p.RegionCode)
		if err != nil {
			return nil, fmt.Errorf("award: %w", err)
		}
		reached := birth.AddMonths(int(age) * 12)
		req.Start = reached.Period()
		if reached != reached.Period().First() {
			req.Start = req.Start.Add(1)
		}
	}
	b, err := s.store.AwardBasis(ctx, p.ID, req.Scheme, req.Start)
	if err != nil {
		return nil, err
	}
	// Refuse a second pension before deciding; the store checks again in
	// its transaction. A resident pension beside an employee one is left
	// to the programme's no_employee_pension condition, which explains it.
	if err := awardConflict(req.Scheme, b.Awards); err != nil && !(req.Scheme == ResidentPension && drawsEmployee(b.Awards)) {
		return nil, err
	}
	c := policy.Case{Entity: "person", Region: p.RegionCode, Inputs: map[string]json.RawMessage{
		"birth_date": jsonValue(birth.String()),
		// A person who died after the start is owed the months up to death.
		"alive": jsonValue(p.Alive() || p.DeathDate >= req.Start.First()),
	}}
	nMonths := b.ContributionMonths + req.DeemedMonths
	if req.Scheme == EmployeePension {
		z, err := s.wageIndex(b.Years, p.RegionCode)
		if err != nil {
			return nil, err
		}
		c.Inputs["retirement_group"] = jsonValue(req.Group)
		c.Inputs["pension_start"] = jsonValue(req.Start.First().String())
		c.Inputs["contribution_months"] = jsonValue(b.ContributionMonths)
		c.Inputs["deemed_months"] = jsonValue(req.DeemedMonths)
		c.Inputs["avg_wage_index"] = jsonValue(decText(z))
		c.Inputs["deemed_wage_index"] = jsonValue(decText(int64(req.DeemedWageIndex)))
		c.Inputs["account_balance"] = jsonValue(int64(b.AccountBalance))
	} else {
		startYear, _, err := s.policy.Value("resident_pension.scheme_start_year", req.Start.First(), p.RegionCode)
		if err != nil {
			return nil, fmt.Errorf("award: %w", err)
		}
		exempt := period.AgeAt(birth, period.MustDate(int(startYear), time.January, 1)) >= 60
		c.Inputs["resident_pension_enrolled"] = jsonValue(b.ResidentEnrolled)
		c.Inputs["resident_contribution_exempt"] = jsonValue(exempt)
		c.Inputs["resident_contribution_years"] = jsonValue(b.ResidentYears)
		c.Inputs["resident_account_balance"] = jsonValue(int64(b.AccountBalance))
		c.Inputs["draws_employee_pension"] = jsonValue(drawsEmployee(b.Awards))
		nMonths = b.ResidentYears * 12
	}
	d, err := s.policy.Evaluate(string(req.Scheme), req.Start, c)
	if err != nil {
		return nil, err
	}
	if !d.Eligible {
		fields := map[string]string{}
		var names []string
		for _, cond := range d.Conditions {
			if !cond.Value {
				fields[cond.Name] = "not met: " + cond.Expr
				names = append(names, cond.Name)
			}
		}
		return nil, &fault.Error{Code: fault.Invalid, Fields: fields,
			Message: fmt.Sprintf("not eligible for %s from %s: %s", req.Scheme, req.Start, strings.Join(names, ", "))}
	}
	pp, _ := auth.PrincipalFrom(ctx)
	a := &Award{PersonID: p.ID, Scheme: req.Scheme, RegionCode: p.RegionCode, Start: req.Start, Amount: d.Amount,
		Status: AwardActive, Group: req.Group, ContributionMonths: nMonths, Decision: d, PolicyVersion: d.Version,
		CreatedBy: pp.Username}
	err = s.store.CreateAward(ctx, a, func(existing []*Award) error { return awardConflict(a.Scheme, existing) })
	if err != nil {
		return nil, err
	}
	return a, nil
}

// FindAward returns an award with its decision; a citizen may read their
// own.
func (s *Pensions) FindAward(ctx context.Context, id AwardID) (*Award, error) {
	if _, ok := auth.PrincipalFrom(ctx); !ok {
		return nil, fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	a, err := s.store.Award(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireSelfOrFound(ctx, auth.PermRegistryRead, int64(a.PersonID), a.RegionCode, "award", id); err != nil {
		return nil, err
	}
	return a, nil
}

// AwardAdjustments returns the yearly adjustments of an award, under the
// same access rule as the award.
func (s *Pensions) AwardAdjustments(ctx context.Context, id AwardID) ([]Adjustment, error) {
	if _, err := s.FindAward(ctx, id); err != nil {
		return nil, err
	}
	return s.store.Adjustments(ctx, id)
}

// Awards lists awards; a citizen lists their own.
func (s *Pensions) Awards(ctx context.Context, f AwardFilter) ([]*Award, error) {
	p, ok := auth.PrincipalFrom(ctx)
	if ok && p.Role == auth.RoleCitizen {
		if _, err := auth.RequireSelfOr(ctx, auth.PermRegistryRead, int64(f.PersonID), ""); err != nil {
			return nil, err
		}
		f.Region = ""
	} else {
		p, err := auth.Require(ctx, auth.PermRegistryRead)
		if err != nil {
			return nil, err
		}
		if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
			return nil, err
		}
	}
	if f.Scheme != "" && f.Scheme != EmployeePension && f.Scheme != ResidentPension {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid filter", Fields: map[string]string{"scheme": "must be employee_pension or resident_pension"}}
	}
	if f.Limit <= 0 || f.Limit > registry.PageMax {
		f.Limit = 50
	}
	return s.store.Awards(ctx, f)
}

// drawsEmployee says whether one of the awards is an employee pension.
func drawsEmployee(awards []*Award) bool {
	for _, a := range awards {
		if a.Scheme == EmployeePension {
			return true
		}
	}
	return false
}

// awardConflict refuses a second award in a scheme, and an employee and a
// resident pension together (docs/domain.md 3, 7).
func awardConflict(scheme Scheme, existing []*Award) error {
	for _, o := range existing {
		switch {
		case o.Scheme == scheme:
			return fault.Errorf(fault.Conflict, "the person already has a %s award (%d)", o.Scheme, o.ID)
		case o.Scheme == EmployeePension || o.Scheme == ResidentPension:
			return fault.Errorf(fault.Conflict, "nobody draws both the employee and the resident pension: the person has a %s award (%d); stop it first", o.Scheme, o.ID)
		}
	}
	return nil
}
