package bundles

import (
	"context"
	"fmt"
	"slices"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// DeathRequest asks for the death bundle (身后一件事).
type DeathRequest struct {
	// DeceasedID is the person who died; SurvivorID the survivor (遗属)
	// paid the settlement.
	DeceasedID registry.PersonID `json:"deceased_id"`
	DeathDate  period.Date       `json:"death_date"`
	// Source is where the death is known from (registry.DeathSources).
	Source     string            `json:"source"`
	SurvivorID registry.PersonID `json:"survivor_id"`
	// DiedAtWork says the death is a work injury: the work-injury fund
	// pays the grants then, and the settlement only the account.
	DiedAtWork bool `json:"died_at_work,omitempty"`
}

// DeathOutcome is where the death bundle stands.
type DeathOutcome struct {
	Deceased *registry.Person `json:"deceased"`
	// Settlement is the death settlement: proposed until a second user
	// decides it (Pending), then approved; nil when the person was insured
	// in no pension (nothing to settle).
	Settlement *insurance.DeathSettlement `json:"settlement"`
	Pending    bool                       `json:"pending"`
	// StoppedFrom is the first month no pension or assistance of the
	// deceased is paid: the month after the death.
	StoppedFrom period.Month `json:"stopped_from"`
	// Stopped are the deceased's own assistance awards stopped, and
	// Reviews the household's awards set for review (复核) by the
	// approved settlement.
	Stopped []*assistance.Award `json:"stopped"`
	Reviews []*assistance.Award `json:"reviews"`
}

// CheckDeath validates a death bundle without writing anything: the
// deceased registered (and, if a death is recorded already, on the same
// date), the date not in the future, the source known, the survivor
// registered, alive and someone else.
func (s *Service) CheckDeath(ctx context.Context, req DeathRequest) error {
	var pr fault.Problems
	today := s.registry.Today()
	switch {
	case req.DeathDate.IsZero():
		pr.Add("death_date", "死亡日期必填")
	case req.DeathDate > today:
		pr.Add("death_date", "死亡日期晚于今天 %s", today)
	}
	if !slices.Contains(registry.DeathSources, req.Source) {
		pr.Add("source", "死亡信息来源须为 %v 之一", registry.DeathSources)
	}
	p, err := s.registry.Person(ctx, req.DeceasedID)
	switch {
	case isNotFound(err):
		pr.Add("deceased_id", "人员 %d 未登记", req.DeceasedID)
	case err != nil:
		return err
	case !p.Alive() && !req.DeathDate.IsZero() && p.DeathDate != req.DeathDate:
		pr.Add("death_date", "已登记 %s 的死亡日期为 %s，与申请不符", p.Name, dateZH(p.DeathDate))
	}
	sv, err := s.registry.Person(ctx, req.SurvivorID)
	switch {
	case req.SurvivorID <= 0:
		pr.Add("survivor_id", "写明领取待遇的遗属")
	case isNotFound(err):
		pr.Add("survivor_id", "人员 %d 未登记", req.SurvivorID)
	case err != nil:
		return err
	case sv.ID == req.DeceasedID:
		pr.Add("survivor_id", "遗属不能是死者本人")
	case !sv.Alive():
		pr.Add("survivor_id", "%s 已于 %s 死亡", sv.Name, dateZH(sv.DeathDate))
	}
	return invalid(&pr, "invalid death bundle")
}

// SettleDeath carries the death bundle as far as it can go: the death
// recorded in the registry (unless recorded on that date already); for a
// person never insured in a pension nothing more (the death record stops
// the assistance at the next payment run); otherwise the settlement
// proposed (insurance.Deaths.Propose: the funeral grant and
// survivors' benefit, the inheritable account balance, the pension paid
// after the death recovered) unless the person has one proposed or
// approved. While the settlement waits for a second user's decision
// (insurance.Deaths.Decide) the outcome is Pending; once approved (which
// in its one transaction stops the pensions and the deceased's assistance
// with the month of death, recovers the overpayments, sets the household's
// assistance for review and instructs the payment) it reads the
// assistance awards stopped and set for review. A rejected settlement is
// an error naming the reason, and no new proposal: the application is
// refused (a new settlement is a new application).
func (s *Service) SettleDeath(ctx context.Context, req DeathRequest) (*DeathOutcome, error) {
	if err := s.CheckDeath(ctx, req); err != nil {
		return nil, err
	}
	p, err := s.registry.Person(ctx, req.DeceasedID)
	if err != nil {
		return nil, err
	}
	if p.Alive() {
		if p, err = s.registry.RecordDeath(ctx, p.ID, req.DeathDate, req.Source); err != nil {
			return nil, err
		}
	}
	out := &DeathOutcome{Deceased: p, StoppedFrom: p.DeathDate.Period().Add(1)}
	insured, err := s.pensionInsured(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if !insured {
		// Nothing to settle: the death record stops the assistance at the
		// next payment run.
		return out, nil
	}
	d, err := s.deaths.Latest(ctx, p.ID)
	switch {
	case isNotFound(err):
		if d, err = s.deaths.Propose(ctx, insurance.DeathRequest{PersonID: p.ID, SurvivorID: req.SurvivorID, DiedAtWork: req.DiedAtWork}); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case d.Status == insurance.SettlementRejected:
		return nil, &fault.Error{Code: fault.Invalid, Message: "death settlement rejected", Fields: map[string]string{
			"deceased_id": fmt.Sprintf("%s 的身后事待遇核定（编号 %d）未获批准：%s", p.Name, d.ID, d.Note)}}
	}
	out.Settlement = d
	if d.Status == insurance.SettlementProposed {
		out.Pending = true
		return out, nil
	}
	own, err := s.assistance.Awards(ctx, assistance.AwardFilter{PersonID: p.ID, Status: assistance.AwardStopped, Page: registry.Page{Limit: pageMax}})
	if err != nil {
		return nil, err
	}
	for _, a := range own {
		if a.End == p.DeathDate.Period() {
			out.Stopped = append(out.Stopped, a)
		}
	}
	hs, err := s.registry.Households(ctx, registry.HouseholdFilter{PersonID: p.ID, Page: registry.Page{Limit: 2}})
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		as, err := s.assistance.Awards(ctx, assistance.AwardFilter{HouseholdID: h.ID, Status: assistance.AwardActive, Page: registry.Page{Limit: pageMax}})
		if err != nil {
			return nil, err
		}
		out.Reviews = append(out.Reviews, as...)
	}
	return out, nil
}

// pensionInsured reports whether the person was ever enrolled in a
// pension scheme or awarded a pension: whether a death settlement is due.
func (s *Service) pensionInsured(ctx context.Context, person registry.PersonID) (bool, error) {
	for _, sc := range []insurance.Scheme{insurance.EmployeePension, insurance.ResidentPension} {
		ens, err := s.insurance.Enrolments(ctx, insurance.EnrolmentFilter{PersonID: person, Scheme: sc, Page: registry.Page{Limit: 1}})
		if err != nil {
			return false, err
		}
		if len(ens) > 0 {
			return true, nil
		}
	}
	as, err := s.pensions.Awards(ctx, insurance.AwardFilter{PersonID: person, Page: registry.Page{Limit: 1}})
	if err != nil {
		return false, err
	}
	return len(as) > 0, nil
}
