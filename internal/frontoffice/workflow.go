package frontoffice

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/matters"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Detail is an application with its timeline.
type Detail struct {
	*Application
	Events []Event `json:"events"`
	// CrossProvince is the cross-province request the action started
	// (跨省通办), with its state; nil for the others.
	CrossProvince *crossprov.Request `json:"cross_province,omitempty"`
}

// Get returns the application numbered no with its timeline, if it lies
// in the caller's scope (NotFound otherwise, as a missing one).
func (s *Service) Get(ctx context.Context, no string) (*Detail, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	a, err := s.store.Application(ctx, no)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, a.RegionCode, "application", no); err != nil {
		return nil, err
	}
	evs, err := s.store.ApplicationEvents(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	xp, err := s.crossProvinceOf(ctx, a)
	if err != nil {
		return nil, err
	}
	return &Detail{Application: a, Events: evs, CrossProvince: xp}, nil
}

// List returns the applications of f in the caller's scope, by key.
func (s *Service) List(ctx context.Context, f Filter) ([]*Application, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return s.store.Applications(ctx, f)
}

// load reads application no for a change by a caller holding perm in its
// scope (NotFound outside it), at version (Conflict if stale; 0 takes the
// stored one).
func (s *Service) load(ctx context.Context, no string, version int64, perm func(*Application) auth.Permission) (*Application, matters.Matter, auth.Principal, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, matters.Matter{}, auth.Principal{}, err
	}
	a, err := s.store.Application(ctx, no)
	if err != nil {
		return nil, matters.Matter{}, auth.Principal{}, err
	}
	p, err := auth.RequireFound(ctx, perm(a), a.RegionCode, "application", no)
	if err != nil {
		return nil, matters.Matter{}, auth.Principal{}, err
	}
	if version != 0 && version != a.Version {
		return nil, matters.Matter{}, auth.Principal{}, fault.Keyed(fault.Conflict, "version_conflict",
			"application %s was changed by someone else: you have version %d, the current one is %d; reload and try again", no, version, a.Version)
	}
	off, err := s.Office()
	if err != nil {
		return nil, matters.Matter{}, auth.Principal{}, err
	}
	m, ok := off.Catalogue.Matter(a.Matter)
	if !ok {
		return nil, matters.Matter{}, auth.Principal{}, fault.Errorf(fault.Conflict, "matter %s of application %s is no longer in the catalogue", a.Matter, no)
	}
	return a, m, p, nil
}

// backOffice is the permission of the application's department.
func backOffice(a *Application) auth.Permission { return departmentPerm(a.Department) }

// approver is the permission of approval.
func approver(*Application) auth.Permission { return auth.PermApprove }

// counter is the permission of the counter.
func counter(*Application) auth.Permission { return auth.PermReceive }

// wrongState is the Conflict of a step the application's status does not
// allow.
func wrongState(a *Application, step string) error {
	return fault.Keyed(fault.Conflict, "application_state", "application %s is %s: it cannot be %s", a.No, a.Status, step)
}

// Take assigns the application to the caller (认领): a caseworker of the
// department takes a received one for review; an approver takes one
// waiting for approval.
func (s *Service) Take(ctx context.Context, no string, version int64) (*Application, error) {
	a, _, p, err := s.load(ctx, no, version, func(a *Application) auth.Permission {
		if a.Status == Approving {
			return auth.PermApprove
		}
		return backOffice(a)
	})
	if err != nil {
		return nil, err
	}
	from := a.Status
	switch a.Status {
	case Received, Reviewing:
		a.Status = Reviewing
	case Approving:
	default:
		return nil, wrongState(a, "taken")
	}
	a.AssigneeID, a.AssigneeName = p.UserID, p.Username
	return a, s.store.UpdateApplication(ctx, a, Event{Action: "take", From: from, To: a.Status, ActorID: p.UserID, ActorName: p.Username}, nil)
}

// The outcomes of a review and an approval.
const (
	OutcomePass       = "pass"       // 审核通过: on to approval
	OutcomeCorrection = "correction" // 补正: materials to supply, the clock stops
	OutcomeRefuse     = "refuse"     // refused with the reason
	OutcomeApprove    = "approve"    // 审批通过: the action runs
)

// Decision is a review's or an approval's outcome.
type Decision struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note,omitempty"`
	// Items are the materials or facts to supply, for a correction.
	Items   []string `json:"items,omitempty"`
	Version int64    `json:"version"`
}

// Review decides the review (审核) by a caseworker of the department:
// pass to approval, ask for a correction (the clock stops until Resume), or
// refuse with the reason.
func (s *Service) Review(ctx context.Context, no string, d Decision) (*Application, error) {
	a, _, p, err := s.load(ctx, no, d.Version, backOffice)
	if err != nil {
		return nil, err
	}
	if a.Status != Received && a.Status != Reviewing {
		return nil, wrongState(a, "reviewed")
	}
	note := strings.TrimSpace(d.Note)
	from := a.Status
	ev := Event{From: from, ActorID: p.UserID, ActorName: p.Username, Note: note}
	var n *Notice
	switch d.Outcome {
	case OutcomePass:
		a.Status, a.ReviewerID, a.ReviewerPost, a.ReviewerName = Approving, p.UserID, p.PostID, p.Username
		a.AssigneeID, a.AssigneeName = 0, ""
		ev.Action = "review"
	case OutcomeCorrection:
		var items []string
		for _, it := range d.Items {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			var pr fault.Problems
			pr.Add("items", "is required: what the applicant is to supply (补正内容)")
			return nil, pr.Err("invalid correction")
		}
		a.Status = Correction
		a.Suspensions = append(a.Suspensions, Suspension{From: s.clock.Today(), Items: items})
		a.Reason = fmt.Sprintf("您申请的「%s」（受理编号%s）需补正，请一次性提供：%s", a.MatterName.ZH, a.No, strings.Join(items, "；"))
		if note != "" {
			a.Reason += "。" + note
		}
		ev.Action, ev.Note = "correction", a.Reason
		n = &Notice{Kind: payment.NoticeAppCorrection, Message: a.Reason}
	case OutcomeRefuse:
		if note == "" {
			var pr fault.Problems
			pr.Add("note", "is required: the reason of the refusal")
			return nil, pr.Err("invalid review")
		}
		a.Status, a.Reason, a.CompletedAt = Refused, note, s.clock.Now().UTC()
		a.ReviewerID, a.ReviewerPost, a.ReviewerName = p.UserID, p.PostID, p.Username
		ev.Action = "refuse"
		n = &Notice{Kind: payment.NoticeAppRefused, Message: fmt.Sprintf("您申请的「%s」（受理编号%s）未予办理：%s", a.MatterName.ZH, a.No, note)}
	default:
		var pr fault.Problems
		pr.Add("outcome", "want pass, correction or refuse, not %q", d.Outcome)
		return nil, pr.Err("invalid review")
	}
	ev.To = a.Status
	return a, s.store.UpdateApplication(ctx, a, ev, n)
}

// Resume records that the materials of a correction came (补正完成): the
// clock runs again and the due date moves later by the working days it
// stood still; the application goes back to review.
func (s *Service) Resume(ctx context.Context, no string, version int64, note string) (*Application, error) {
	a, _, p, err := s.load(ctx, no, version, func(a *Application) auth.Permission {
		if p, ok := auth.PrincipalFrom(ctx); ok && p.Can(auth.PermReceive) && !p.Can(backOffice(a)) {
			return auth.PermReceive
		}
		return backOffice(a)
	})
	if err != nil {
		return nil, err
	}
	if a.Status != Correction || len(a.Suspensions) == 0 {
		return nil, wrongState(a, "resumed")
	}
	a.Suspensions[len(a.Suspensions)-1].To = s.clock.Today()
	if err := s.setDue(a); err != nil {
		return nil, err
	}
	a.Status, a.Reason = Reviewing, ""
	ev := Event{Action: "resume", From: Correction, To: Reviewing, ActorID: p.UserID, ActorName: p.Username, Note: strings.TrimSpace(note)}
	return a, s.store.UpdateApplication(ctx, a, ev, nil)
}

// Approve decides the approval (审批) by a user holding decision.approve
// who neither received nor reviewed the application. Approved, the
// matter's action runs once: the application is claimed (completing, by
// its version) before the action runs with the reviewer's principal. An
// application with a deferred material still to come is held until it
// comes (SupplyDeferred).
func (s *Service) Approve(ctx context.Context, no string, d Decision) (*Application, error) {
	a, m, p, err := s.load(ctx, no, d.Version, approver)
	if err != nil {
		return nil, err
	}
	// An application whose action failed (completing with no result: the
	// domain refused it) may still be refused, so it does not stay
	// completing for ever; Settle runs it again otherwise.
	failed := a.Status == Completing && a.ResultRef == "" && d.Outcome == OutcomeRefuse
	if a.Status != Approving && !failed {
		return nil, wrongState(a, "approved")
	}
	if err := auth.SecondUser(p, []int64{a.ReceivedBy, a.ReviewerID},
		"application %s was received or reviewed by you: another user approves it", a.No); err != nil {
		return nil, err
	}
	note := strings.TrimSpace(d.Note)
	ev := Event{From: a.Status, ActorID: p.UserID, ActorName: p.Username, Note: note}
	switch d.Outcome {
	case OutcomeApprove:
		a.ApproverID, a.ApproverName, a.AssigneeID, a.AssigneeName = p.UserID, p.Username, 0, ""
		if out := a.Outstanding(); len(out) > 0 {
			a.Status = Held
			ev.Action, ev.To, ev.Note = "hold", Held, "审批通过，待补交容缺材料后办结："+materialNames(out)
			return a, s.store.UpdateApplication(ctx, a, ev, nil)
		}
		a.Status = Completing
		ev.Action, ev.To = "approve", Completing
		if err := s.store.UpdateApplication(ctx, a, ev, nil); err != nil {
			return nil, err
		}
		return a, s.run(ctx, a, m, p)
	case OutcomeRefuse:
		if note == "" {
			var pr fault.Problems
			pr.Add("note", "is required: the reason of the refusal")
			return nil, pr.Err("invalid approval")
		}
		a.Status, a.Reason, a.CompletedAt = Refused, note, s.clock.Now().UTC()
		a.ApproverID, a.ApproverName = p.UserID, p.Username
		ev.Action, ev.To = "refuse", Refused
		return a, s.store.UpdateApplication(ctx, a, ev, &Notice{Kind: payment.NoticeAppRefused,
			Message: fmt.Sprintf("您申请的「%s」（受理编号%s）未予办理：%s", a.MatterName.ZH, a.No, note)})
	default:
		var pr fault.Problems
		pr.Add("outcome", "want approve or refuse, not %q", d.Outcome)
		return nil, pr.Err("invalid approval")
	}
}

// run carries out the action of a claimed (completing) application with
// the reviewer's principal and records its result; p is who set it going.
// An error leaves the application completing: Settle runs it again, and
// the executor finds its earlier effect.
func (s *Service) run(ctx context.Context, a *Application, m matters.Matter, p auth.Principal) error {
	ex, ok := s.Executor(m)
	if !ok {
		return fault.Errorf(fault.Conflict, "the action %s of matter %s has no executor", m.Action, m.ID)
	}
	rp, err := s.principals.ActAs(ctx, a.ReviewerID, a.ReviewerPost)
	if err != nil {
		return fmt.Errorf("act as the reviewer of application %s: %w", a.No, err)
	}
	res, err := ex.Execute(auth.WithPrincipal(ctx, rp), s.request(a, m))
	if err != nil {
		return err
	}
	if res.Pending && a.ResultRef == res.Ref && a.ResultRef != "" {
		return nil // still waiting: nothing new to record
	}
	return s.finish(ctx, a, p, res, "complete")
}

// Settle runs the action of a completing application again: after a crash
// between the action and the 办结, or to finish one whose domain record
// waited for a second user's confirmation.
func (s *Service) Settle(ctx context.Context, no string) (*Application, error) {
	a, m, p, err := s.load(ctx, no, 0, func(a *Application) auth.Permission {
		if p, ok := auth.PrincipalFrom(ctx); ok && p.Can(auth.PermApprove) {
			return auth.PermApprove
		}
		return backOffice(a)
	})
	if err != nil {
		return nil, err
	}
	if a.Status != Completing {
		return nil, wrongState(a, "settled")
	}
	return a, s.run(ctx, a, m, p)
}

// SupplyDeferred records that a deferred material (容缺) came; an
// application held for it, with nothing else to come, is finished.
func (s *Service) SupplyDeferred(ctx context.Context, no, material string, version int64) (*Application, error) {
	a, m, p, err := s.load(ctx, no, version, func(a *Application) auth.Permission {
		if p, ok := auth.PrincipalFrom(ctx); ok && p.Can(auth.PermReceive) {
			return auth.PermReceive
		}
		return backOffice(a)
	})
	if err != nil {
		return nil, err
	}
	if a.Status.Final() {
		return nil, wrongState(a, "supplied")
	}
	found, name := false, material
	for i := range a.Materials {
		if a.Materials[i].ID == material && a.Materials[i].Outstanding() {
			a.Materials[i].Supplied, found, name = s.clock.Today(), true, a.Materials[i].Name.ZH
		}
	}
	if !found {
		var pr fault.Problems
		pr.Add("material", "%q is not a deferred material still to come", material)
		return nil, pr.Err("invalid material")
	}
	from := a.Status
	done := a.Status == Held && len(a.Outstanding()) == 0
	if done {
		a.Status = Completing
	}
	ev := Event{Action: "supply", From: from, To: a.Status, ActorID: p.UserID, ActorName: p.Username, Note: "补交容缺材料：" + name}
	if err := s.store.UpdateApplication(ctx, a, ev, nil); err != nil {
		return nil, err
	}
	if done {
		return a, s.run(ctx, a, m, p)
	}
	return a, nil
}

// Withdraw withdraws the application at the applicant's request (撤回),
// before its action runs.
func (s *Service) Withdraw(ctx context.Context, no string, version int64, note string) (*Application, error) {
	a, _, p, err := s.load(ctx, no, version, counter)
	if err != nil {
		return nil, err
	}
	if a.Status.Final() || a.Status == Completing {
		return nil, wrongState(a, "withdrawn")
	}
	from := a.Status
	a.Status, a.CompletedAt, a.AssigneeID, a.AssigneeName = Withdrawn, s.clock.Now().UTC(), 0, ""
	return a, s.store.UpdateApplication(ctx, a, Event{Action: "withdraw", From: from, To: Withdrawn, ActorID: p.UserID, ActorName: p.Username,
		Note: strings.TrimSpace(note)}, nil)
}

// OverdueFilter selects the overdue and due-soon lists.
type OverdueFilter struct {
	Region     string
	Point      string
	Department string
	After      int64
	Limit      int
}

// Group is a count of applications per service point or department.
type Group struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Overdue is the list of running applications past their due date, those
// due within the warning, and those whose due date waits for a calendar.
type Overdue struct {
	On           period.Date    `json:"on"`
	Overdue      []*Application `json:"overdue"`
	DueSoon      []*Application `json:"due_soon"`
	Pending      []*Application `json:"due_pending"`
	ByPoint      []Group        `json:"by_point"`
	ByDepartment []Group        `json:"by_department"`
}

// Running returns the statuses in which the clock of the time limit runs.
func Running() []Status { return append([]Status(nil), running...) }

// Deadlines returns, for today, the last due date of an overdue
// application (yesterday) and the last due date of one due soon (today
// plus the warning's working days; zero when the calendar cannot tell).
func (s *Service) Deadlines(scope region.Code) (today, overdueBy, soonBy period.Date, err error) {
	off, err := s.Office()
	if err != nil {
		return 0, 0, 0, err
	}
	today = s.clock.Today()
	warn, _, err := s.policy.Value(ParamWarning, today, scope)
	if err != nil {
		return 0, 0, 0, err
	}
	if warn > 0 {
		if until, err := off.Calendar.AddWorkingDays(today, int(warn)); err == nil {
			soonBy = until
		}
	}
	return today, today.AddDays(-1), soonBy, nil
}

// running are the statuses in which the clock runs.
var running = []Status{Received, Reviewing, Approving, Completing, Held}

// OverdueList lists the running applications in the caller's scope that
// are overdue (due date before today), due soon (within the warning
// parameter's working days) or whose due date is pending, with the
// overdue counted per point and department.
func (s *Service) OverdueList(ctx context.Context, f OverdueFilter) (*Overdue, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	scope, err := auth.ScopeFilter(p, regionOf(f.Region))
	if err != nil {
		return nil, err
	}
	today, overdueBy, soonBy, err := s.Deadlines(scope)
	if err != nil {
		return nil, err
	}
	base := Filter{Region: scope, Statuses: running, Point: f.Point, Department: f.Department, After: f.After, Limit: f.Limit}
	out := &Overdue{On: today}
	over := base
	over.DueBefore = overdueBy
	if out.Overdue, err = s.List(ctx, over); err != nil {
		return nil, err
	}
	if !soonBy.IsZero() {
		soon := base
		soon.DueFrom, soon.DueBefore = today, soonBy
		if out.DueSoon, err = s.List(ctx, soon); err != nil {
			return nil, err
		}
	}
	pend := base
	pend.DuePending = true
	if out.Pending, err = s.List(ctx, pend); err != nil {
		return nil, err
	}
	// The counts are of every overdue application in the filter, counted
	// in the store, not of the page listed.
	over.After = 0
	if out.ByPoint, out.ByDepartment, err = s.store.CountApplicationsBy(ctx, over); err != nil {
		return nil, err
	}
	return out, nil
}
