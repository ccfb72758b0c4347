package bundles

import (
	"context"
	"fmt"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// CertificationInterval is the policy parameter of the certification of
// entitlement (待遇领取资格认证): a pension is suspended when the last
// certification, or the first month paid, is more than this many months
// before the month paid.
const CertificationInterval = "pension.certification_interval_months"

// RetireRequest asks for the retirement bundle (退休一件事).
type RetireRequest struct {
	PersonID registry.PersonID `json:"-"`
	Scheme   insurance.Scheme  `json:"-"`
	// Start is the first month of the pension; zero for the statutory
	// month.
	Start period.Month `json:"start,omitzero"`
	// Group is the retirement-age group of the employee pension.
	Group        string `json:"retirement_group,omitempty"`
	DeemedMonths int    `json:"deemed_months,omitempty"`
}

// Retirement is what the retirement bundle did.
type Retirement struct {
	// Award is the pension awarded, with its calculation.
	Award *insurance.Award `json:"award"`
	// FirstPayroll is the first month whose payroll pays the pension: the
	// later of its start and the first month not yet paid by a payroll run
	// in the pensioner's region; the months from the start before it are
	// paid with it as back pay (补发).
	FirstPayroll period.Month `json:"first_payroll"`
	// IntervalMonths is the certification interval in force (a dated
	// parameter), and CertificationDue the last month of the first
	// interval: certified by then, the pension goes on unsuspended.
	IntervalMonths   int          `json:"interval_months"`
	CertificationDue period.Month `json:"certification_due"`
}

// CheckRetire validates a retirement request without writing anything:
// the person registered and alive, the scheme a pension, the group given
// for the employee pension, and no pension of the scheme awarded yet.
func (s *Service) CheckRetire(ctx context.Context, req RetireRequest) error {
	var pr fault.Problems
	p, err := s.registry.Person(ctx, req.PersonID)
	switch {
	case isNotFound(err):
		pr.Add("person_id", "人员 %d 未登记", req.PersonID)
	case err != nil:
		return err
	case !p.Alive():
		pr.Add("person_id", "%s 已于 %s 死亡", p.Name, p.DeathDate)
	}
	switch req.Scheme {
	case insurance.EmployeePension:
		switch {
		case req.Group == "":
			pr.Add("retirement_group", "企业职工养老保险须写明退休年龄类别：male、female_cadre 或 female_worker")
		case p == nil:
		case req.Group == insurance.GroupMale && p.Gender() != ids.Male:
			pr.Add("retirement_group", "登记的性别为女，退休年龄类别须为 female_cadre 或 female_worker")
		case req.Group != insurance.GroupMale && p.Gender() != ids.Female:
			pr.Add("retirement_group", "登记的性别为男，退休年龄类别须为 male，而非 %s", req.Group)
		}
	case insurance.ResidentPension:
	default:
		pr.Add("scheme", "须为 employee_pension 或 resident_pension，而非 %q", req.Scheme)
	}
	if p != nil && p.Alive() && (req.Scheme == insurance.EmployeePension || req.Scheme == insurance.ResidentPension) {
		if a, err := s.liveAward(ctx, req.PersonID, req.Scheme); err == nil {
			pr.Add("person_id", "%s 已核定%s待遇（核定编号 %d，自 %s 起）", p.Name, SchemeZH(req.Scheme), a.ID, monthZH(a.Start))
		} else if !isNotFound(err) {
			return err
		}
	}
	return invalid(&pr, "invalid retirement")
}

// Retire awards the pension with its calculation (insurance.Pensions.Award,
// one transaction), then states the first payroll month and when the
// first certification of entitlement falls due. Called again, it finds
// the person's award in the scheme instead of awarding twice.
func (s *Service) Retire(ctx context.Context, req RetireRequest) (*Retirement, error) {
	a, err := s.liveAward(ctx, req.PersonID, req.Scheme)
	switch {
	case isNotFound(err):
		if a, err = s.pensions.Award(ctx, insurance.AwardRequest{PersonID: req.PersonID, Scheme: req.Scheme, Start: req.Start,
			Group: req.Group, DeemedMonths: req.DeemedMonths}); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if a, err = s.pensions.FindAward(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	out := &Retirement{Award: a}
	if out.FirstPayroll, err = s.firstPayroll(ctx, a); err != nil {
		return nil, err
	}
	v, _, err := s.pensions.Policy().Value(CertificationInterval, out.FirstPayroll.First(), a.RegionCode)
	if err != nil {
		return nil, fmt.Errorf("certification interval: %w", err)
	}
	out.IntervalMonths = int(v)
	out.CertificationDue = out.FirstPayroll.Add(out.IntervalMonths)
	return out, nil
}

// liveAward returns the person's award of the scheme that is not
// stopped; NotFound when there is none.
func (s *Service) liveAward(ctx context.Context, person registry.PersonID, sc insurance.Scheme) (*insurance.Award, error) {
	as, err := s.pensions.Awards(ctx, insurance.AwardFilter{PersonID: person, Scheme: sc, Page: registry.Page{Limit: pageMax}})
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.Status != insurance.AwardStopped {
			return a, nil
		}
	}
	return nil, fault.Errorf(fault.NotFound, "person %d has no %s award", person, sc)
}

// firstPayroll is the first month from the later of the award's start and
// this month whose payroll has not been run for a region holding the
// pensioner's.
func (s *Service) firstPayroll(ctx context.Context, a *insurance.Award) (period.Month, error) {
	m := max(a.Start, s.registry.Today().Period())
	for range 24 {
		runs, err := s.pensions.PayrollRuns(ctx, insurance.PayrollRunFilter{Period: m, Page: registry.Page{Limit: pageMax}})
		if err != nil {
			return 0, err
		}
		ran := false
		for _, r := range runs {
			if r.Region.Contains(a.RegionCode) {
				ran = true
				break
			}
		}
		if !ran {
			return m, nil
		}
		m = m.Add(1)
	}
	return m, nil
}
