package frontoffice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// NoticeMaterialReminder is the notice that reminds the applicant, once,
// of a deferred material (容缺) past its promised date.
const NoticeMaterialReminder payment.NoticeKind = "application_material_reminder"

// DefaultSettleLease is how long a sweeper holds an application it
// settles when the operator sets no other lease (SetSettleLease): long
// enough for the slowest action, short enough that a crashed server's
// claims are taken up soon.
const DefaultSettleLease = 10 * time.Minute

// SweepStore is what the sweeper needs of the store beyond Store.
type SweepStore interface {
	// ClaimCompleting claims, for owner until the lease ends, at most
	// limit completing applications that nobody holds (or whose holder's
	// lease ended before now), by key, and returns them.
	ClaimCompleting(ctx context.Context, owner string, now, until time.Time, limit int) ([]*Application, error)
	// ReleaseApplication gives up owner's claim of application id.
	ReleaseApplication(ctx context.Context, id int64, owner string) error
	// DeferredApplications lists, by key after after, at most limit
	// running applications in region that were accepted with a deferred
	// material (容缺).
	DeferredApplications(ctx context.Context, code region.Code, after int64, limit int) ([]*Application, error)
	// RemindMaterial queues n to the applicant of a about its deferred
	// material, with its event row and audit event, unless it was queued
	// before; it reports whether it queued it now.
	RemindMaterial(ctx context.Context, a *Application, material string, n Notice) (bool, error)
}

// SetSettleLease sets how long SettlePending holds each application it
// claims (DefaultSettleLease when d is not positive).
func (s *Service) SetSettleLease(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLease = d
}

// sweepStore returns the store as a SweepStore.
func (s *Service) sweepStore() (SweepStore, error) {
	ss, ok := s.store.(SweepStore)
	if !ok {
		return nil, errors.New("frontoffice: the store cannot sweep applications")
	}
	return ss, nil
}

// SettleReport is what one SettlePending run did.
type SettleReport struct {
	// Claimed is how many completing applications the run held.
	Claimed int `json:"claimed"`
	// Completed are the receipt numbers finished (办结).
	Completed []string `json:"completed"`
	// Waiting are those still waiting for the domain (a second user, the
	// other province).
	Waiting []string `json:"waiting"`
	// Failed maps the numbers whose action failed to the error.
	Failed map[string]string `json:"failed,omitempty"`
}

// SettlePending runs Settle on at most limit applications left completing
// (an action that answered Pending, or a crash between the action and the
// 办结), each claimed under a lease first, so that two servers or two runs
// settle each once. One whose action fails keeps its claim until the
// lease ends, and is tried again after. The caller is a system process (or a user with
// decision.approve over the applications' regions).
func (s *Service) SettlePending(ctx context.Context, limit int) (*SettleReport, error) {
	if _, err := sweeper(ctx); err != nil {
		return nil, err
	}
	ss, err := s.sweepStore()
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	s.mu.Lock()
	lease := s.settleLease
	s.mu.Unlock()
	if lease <= 0 {
		lease = DefaultSettleLease
	}
	owner := sweepOwner()
	now := s.clock.Now().UTC()
	apps, err := ss.ClaimCompleting(ctx, owner, now, now.Add(lease), limit)
	if err != nil {
		return nil, err
	}
	rep := &SettleReport{Claimed: len(apps), Completed: []string{}, Waiting: []string{}}
	for _, a := range apps {
		got, serr := s.Settle(ctx, a.No)
		switch {
		case serr != nil:
			if rep.Failed == nil {
				rep.Failed = map[string]string{}
			}
			rep.Failed[a.No] = serr.Error()
			// The claim is kept until its lease ends: a failing action
			// is tried again then, and does not hold the place of
			// the others at every sweep.
			continue
		case got.Status == Completed:
			rep.Completed = append(rep.Completed, a.No)
		default:
			rep.Waiting = append(rep.Waiting, a.No)
		}
		if rerr := ss.ReleaseApplication(ctx, a.ID, owner); rerr != nil {
			return rep, rerr
		}
	}
	return rep, nil
}

// sweeper returns the principal of a sweep: a system process (the
// server's loop, the operator's command) or a user holding
// decision.approve.
func sweeper(ctx context.Context) (auth.Principal, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return p, err
	}
	if !p.System() && !p.Can(auth.PermApprove) {
		return p, fault.Errorf(fault.Forbidden, "the sweep of applications is a system process's or an approver's")
	}
	return p, nil
}

// sweepOwner names one run of the sweeper: host, process and a random
// part, so that two runs of one process are two owners.
func sweepOwner() string {
	host, _ := os.Hostname()
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// RecomputePendingDue counts the due dates left pending because the
// holidays of their year were not published, with the calendar in use
// (once policies/cn/calendar/<year>.yaml is there), and returns the
// receipt numbers whose due date it recorded. One still beyond the
// calendar stays pending.
func (s *Service) RecomputePendingDue(ctx context.Context) ([]string, error) {
	p, err := sweeper(ctx)
	if err != nil {
		return nil, err
	}
	scope, err := auth.ScopeFilter(p, "")
	if err != nil {
		return nil, err
	}
	done := []string{}
	var after int64
	for {
		page, err := s.store.Applications(ctx, Filter{Region: scope, Statuses: running, DuePending: true, After: after, Limit: 200})
		if err != nil {
			return done, err
		}
		for _, a := range page {
			after = a.ID
			if err := s.setDue(a); err != nil {
				return done, err
			}
			if a.DueDate.IsZero() {
				continue
			}
			ev := Event{Action: "due", From: a.Status, To: a.Status, ActorID: p.UserID, ActorName: p.Username,
				Note: "节假日安排已公布，办结时限计算为" + zhDate(a.DueDate)}
			switch err := s.store.UpdateApplication(ctx, a, ev, nil); {
			case fault.CodeOf(err) == fault.Conflict:
				// Changed meanwhile: the next run counts it again.
			case err != nil:
				return done, err
			default:
				done = append(done, a.No)
			}
		}
		if len(page) < 200 {
			return done, nil
		}
	}
}

// DeferredFilter selects the applications whose deferred material is
// past its promised date.
type DeferredFilter struct {
	Region     string
	Point      string
	Department string
	// Limit is the most returned (100 when not positive, at most 500).
	Limit int
}

// DeferredOverdue lists the running applications in the caller's scope
// with a deferred material (容缺) not supplied by its promised date: the
// promise is broken and the application, held or not, cannot be finished
// until it comes.
func (s *Service) DeferredOverdue(ctx context.Context, f DeferredFilter) ([]*Application, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	scope, err := auth.ScopeFilter(p, regionOf(f.Region))
	if err != nil {
		return nil, err
	}
	ss, err := s.sweepStore()
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	today := s.clock.Today()
	out := []*Application{}
	var after int64
	for {
		page, err := ss.DeferredApplications(ctx, scope, after, 200)
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			after = a.ID
			if (f.Point == "" || a.Point == f.Point) && (f.Department == "" || a.Department == f.Department) && len(lateMaterials(a, today)) > 0 {
				out = append(out, a)
				if len(out) == f.Limit {
					return out, nil
				}
			}
		}
		if len(page) < 200 {
			return out, nil
		}
	}
}

// lateMaterials are a's deferred materials not supplied by their
// promised date, as of today.
func lateMaterials(a *Application, today period.Date) []MaterialCheck {
	var out []MaterialCheck
	for _, m := range a.Outstanding() {
		if !m.Promised.IsZero() && m.Promised < today {
			out = append(out, m)
		}
	}
	return out
}

// RemindDeferred reminds, once per material, the applicants whose
// deferred material (容缺) is past its promised date, through the notice
// outbox, and returns how many reminders it queued.
func (s *Service) RemindDeferred(ctx context.Context) (int, error) {
	if _, err := sweeper(ctx); err != nil {
		return 0, err
	}
	ss, err := s.sweepStore()
	if err != nil {
		return 0, err
	}
	apps, err := s.DeferredOverdue(ctx, DeferredFilter{Limit: 500})
	if err != nil {
		return 0, err
	}
	today, n := s.clock.Today(), 0
	for _, a := range apps {
		for _, m := range lateMaterials(a, today) {
			msg := fmt.Sprintf("您申请的「%s」（受理编号%s）系容缺受理，您承诺于%s前补交的「%s」尚未收到，请尽快补交；补齐前不予办结。",
				a.MatterName.ZH, a.No, zhDate(m.Promised), m.Name.ZH)
			queued, err := ss.RemindMaterial(ctx, a, m.ID, Notice{Kind: NoticeMaterialReminder, Message: msg})
			if err != nil {
				return n, err
			}
			if queued {
				n++
			}
		}
	}
	return n, nil
}
