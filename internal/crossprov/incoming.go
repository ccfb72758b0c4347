package crossprov

import (
	"context"
	"slices"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// TaskStatus is where an incoming task stands.
type TaskStatus string

// The statuses of an incoming task (docs/crossprov.md, Incoming tasks).
const (
	// ToHandle waits for a caseworker (待办理).
	ToHandle TaskStatus = "to_handle"
	// Accepted was done here and answered.
	Accepted TaskStatus = "accepted"
	// Declined was refused by a caseworker with the reason, and the
	// refusal sent.
	Declined TaskStatus = "refused"
)

// Text is the status in zh-CN.
func (st TaskStatus) Text() string {
	switch st {
	case ToHandle:
		return "待办理"
	case Accepted:
		return "已办理并答复"
	case Declined:
		return "不予办理，已答复"
	}
	return string(st)
}

// Task is a request of another province that needs a caseworker's
// step here (跨省通办来件): a transfer contact letter (联系函, Kind
// TransferOut: transfer the person's pension out to the sender) or a
// certification request (Kind Certification: certify a pensioner living
// here for the sender, who pays the pension).
type Task struct {
	ID int64 `json:"id"`
	// MessageID is the incoming message's ID: the answer's correlation id.
	MessageID   string            `json:"message_id"`
	Kind        RequestKind       `json:"kind"`
	PersonID    registry.PersonID `json:"person_id"`
	RegionCode  region.Code       `json:"region_code"`
	PersonName  string            `json:"person_name"`
	Counterpart Party             `json:"counterpart"`
	// Detail is where the pensioner lives (certification) or the date the
	// person applied at the sender (a 联系函).
	Detail string     `json:"detail,omitempty"`
	Status TaskStatus `json:"status"`
	// Reason is why a caseworker refused it.
	Reason string `json:"reason,omitempty"`
	// On is the transfer's date, or the certification's; Method how the
	// pensioner was certified (face, visit, data_match).
	On     period.Date `json:"on,omitzero"`
	Method string      `json:"method,omitempty"`
	// RecordRef is what accepting it made: the transfer out
	// ("transfer:12") or the request recorded ("crossprov_request:7").
	RecordRef string `json:"record_ref,omitempty"`
	// ReplyID is the ID of the message that answered it.
	ReplyID string `json:"reply_id,omitempty"`
	// ClaimedBy holds the task until ClaimedUntil while an accept runs.
	ClaimedBy     int64     `json:"-"`
	ClaimedUntil  time.Time `json:"-"`
	HandledBy     int64     `json:"handled_by,omitempty"`
	HandledByName string    `json:"handled_by_name,omitempty"`
	ReceivedAt    time.Time `json:"received_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version       int64     `json:"version"`
}

// KindText is what the task asks, in zh-CN.
func (t *Task) KindText() string {
	if t.Kind == TransferOut {
		return "养老保险关系转出（联系函）"
	}
	return "异地居住领取待遇人员资格认证"
}

// TaskFilter selects incoming tasks: in a region's subtree, of a
// status, paged by ID.
type TaskFilter struct {
	Region region.Code
	Status TaskStatus
	After  int64
	Limit  int
}

// TaskStore keeps the incoming tasks. sqlstore.DB implements it.
type TaskStore interface {
	// CrossTask returns the task; NotFound if there is none.
	CrossTask(ctx context.Context, id int64) (*Task, error)
	// CrossTasks lists tasks by f, in ID order.
	CrossTasks(ctx context.Context, f TaskFilter) ([]*Task, error)
	// CountCrossTasks counts the tasks of status in region's subtree.
	CountCrossTasks(ctx context.Context, region region.Code, status TaskStatus) (int, error)
	// ClaimCrossTask claims task t (to_handle, at t.Version, not claimed by
	// another user until after now) for user until the time given, fixing
	// its date on if none is fixed yet; a Conflict when another holds it
	// or it changed. It returns the task as claimed.
	ClaimCrossTask(ctx context.Context, t *Task, user int64, on period.Date, now, until time.Time) (*Task, error)
	// FinishCrossTask writes t's outcome (accepted or refused, at
	// t.Version, still to_handle), records r (nil for none) and queues
	// out with r's ID, in one transaction with the audit events; a
	// Conflict when the task changed meanwhile.
	FinishCrossTask(ctx context.Context, t *Task, r *Request, out []OutMessage) error
}

// incomingTask records a transfer contact letter or a certification
// request from another province as a task for a caseworker of the
// person's region. A person unknown here, or whose name does not match
// the ID number, is refused at once.
func (s *Service) incomingTask(ctx context.Context, m *Message) (*Task, []OutMessage, string, error) {
	v, err := m.Decoded()
	if err != nil {
		return nil, nil, "", err
	}
	refuse := func(reason, outcome string) (*Task, []OutMessage, string, error) {
		out, err := s.reply(m, KindRefusal, &Refusal{Reason: reason})
		if err != nil {
			return nil, nil, "", err
		}
		return nil, []OutMessage{out}, outcome, nil
	}
	per, err := s.reg.PersonByIDNumber(ctx, string(m.Person.IDNumber))
	if fault.CodeOf(err) == fault.NotFound {
		return refuse("本机构无该人员的登记记录", "refused: person unknown here")
	} else if err != nil {
		return nil, nil, "", err
	}
	if per.Name != m.Person.Name {
		return refuse("姓名与身份证号码不符", "refused: name does not match")
	}
	t := &Task{MessageID: m.ID, PersonID: per.ID, RegionCode: per.RegionCode, PersonName: per.Name, Counterpart: m.Sender, Status: ToHandle}
	switch p := v.(type) {
	case *TransferContact:
		t.Kind, t.Detail = TransferOut, p.AppliedOn.String()
	case *CertificationRequest:
		t.Kind, t.Detail = Certification, p.LivingIn
	default:
		return nil, nil, "", refused("kind", "%s is not a request a caseworker handles", m.Kind)
	}
	return t, nil, "to handle: " + string(t.Kind), nil
}

// Tasks lists the incoming tasks in the caller's scope (region:
// a subtree of it), for staff with insurance.write.
func (s *Service) Tasks(ctx context.Context, f TaskFilter) ([]*Task, error) {
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	if f.Status != "" && !slices.Contains([]TaskStatus{ToHandle, Accepted, Declined}, f.Status) {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid filter", Fields: map[string]string{"status": "must be to_handle, accepted or refused"}}
	}
	return s.store.CrossTasks(ctx, f)
}

// CountTasksToHandle counts the tasks waiting for a caseworker in the
// caller's scope; 0 for a role without insurance.write.
func (s *Service) CountTasksToHandle(ctx context.Context) (int, error) {
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return 0, nil
	}
	return s.store.CountCrossTasks(ctx, p.Scope, ToHandle)
}

// Task returns a task to staff with insurance.write in the
// person's region; anyone else is answered as if it did not exist.
func (s *Service) Task(ctx context.Context, id int64) (*Task, error) {
	if _, err := auth.Require(ctx, auth.PermInsurance); err != nil {
		return nil, err
	}
	t, err := s.store.CrossTask(ctx, id)
	if fault.CodeOf(err) == fault.NotFound {
		return nil, auth.NotFound("incoming cross-province request", id)
	} else if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermInsurance, t.RegionCode, "incoming cross-province request", id); err != nil {
		return nil, err
	}
	return t, nil
}

// TransferOfTask returns the transfer out an accepted contact letter
// made, nil if none.
func (s *Service) TransferOfTask(ctx context.Context, t *Task) (*insurance.Transfer, error) {
	return s.TransferOf(ctx, &Request{ID: t.ID, RecordRef: t.RecordRef})
}

// toHandle returns the task if a caseworker may still act on it.
func (s *Service) toHandle(ctx context.Context, id int64) (*Task, auth.Principal, error) {
	t, err := s.Task(ctx, id)
	if err != nil {
		return nil, auth.Principal{}, err
	}
	p, _ := auth.PrincipalFrom(ctx)
	if t.Status != ToHandle {
		return nil, p, fault.Errorf(fault.Conflict, "incoming request %d is %s already", id, t.Status)
	}
	return t, p, nil
}

// AcceptTask is what a caseworker records on accepting a task: for a
// certification, the date and the method (face, visit or data_match).
type AcceptTask struct {
	Date   period.Date
	Method string
}

// AcceptTask does what the task asks, in the name of the caller
// (insurance.write over the person's region), and answers the sender
// once. A transfer contact letter becomes insurance.Accounts.TransferOut
// (one user, as for a transfer out started here) and its 参保缴费凭证 is
// sent, followed as a request of its own until the sender confirms the
// funds; a certification is recorded with its date and method and the
// result sent. The task is claimed first: a second accept at the same
// time is a Conflict, and an accept retried after a crash finds the
// transfer the first one made instead of making another.
func (s *Service) AcceptTask(ctx context.Context, id int64, in AcceptTask) (*Task, error) {
	t, p, err := s.toHandle(ctx, id)
	if err != nil {
		return nil, err
	}
	var pr fault.Problems
	if t.Kind == Certification {
		if in.Date.IsZero() {
			in.Date = s.clock.Today()
		}
		if in.Date > s.clock.Today() {
			pr.Add("date", "the certification cannot be dated after today")
		}
		if !slices.Contains([]string{"face", "visit", "data_match"}, in.Method) {
			pr.Add("method", "must be face, visit or data_match")
		}
	}
	if err := pr.Err("invalid acceptance"); err != nil {
		return nil, err
	}
	on := in.Date
	if t.Kind == TransferOut {
		on = s.clock.Today()
	}
	now := s.clock.Now()
	if t, err = s.store.ClaimCrossTask(ctx, t, p.UserID, on, now, now.Add(s.cfg.Lease)); err != nil {
		return nil, err
	}
	m := &Message{ID: t.MessageID, Sender: t.Counterpart, Person: Person{Name: t.PersonName}}
	per, err := s.reg.Person(ctx, t.PersonID)
	if err != nil {
		return nil, err
	}
	m.Person.IDNumber = per.IDNumber
	r := &Request{Direction: Incoming, Kind: t.Kind, PersonID: t.PersonID, RegionCode: t.RegionCode, Counterpart: t.Counterpart,
		CreatedBy: p.UserID, CreatedByName: p.Username, ActingRole: p.Role, ActingScope: p.Scope}
	var out OutMessage
	switch t.Kind {
	case TransferOut:
		v, tr, err := s.transferOut(ctx, t.PersonID, otherRegion(t.Counterpart), t.On)
		if err != nil {
			return nil, err
		}
		if out, err = s.reply(m, KindTransferOut, v); err != nil {
			return nil, err
		}
		// The voucher is a request of its own: the sender confirms the
		// funds received by a notice correlated with it.
		r.Status, r.MessageID = StatusDrafted, out.ID
		r.On, r.Balance, r.Pooled, r.Months, r.RecordRef = tr.On, tr.Balance, tr.Pooled, v.Months, insurance.TransferRef(tr.ID)
		t.RecordRef = r.RecordRef
	case Certification:
		t.Method = in.Method
		if out, err = s.reply(m, KindCertificationResult, &CertificationResult{Outcome: Certified, Date: t.On, Method: in.Method}); err != nil {
			return nil, err
		}
		r.Status, r.MessageID, r.On, r.Detail = StatusCompleted, t.MessageID, t.On, t.Detail
	}
	t.Status, t.ReplyID, t.HandledBy, t.HandledByName = Accepted, out.ID, p.UserID, p.Username
	if err := s.store.FinishCrossTask(ctx, t, r, []OutMessage{out}); err != nil {
		return nil, err
	}
	return t, nil
}

// RefuseTask refuses a task with the reason, which the refusal sent
// to the sender carries; in the caller's name (insurance.write over the
// person's region).
func (s *Service) RefuseTask(ctx context.Context, id int64, reason string) (*Task, error) {
	t, p, err := s.toHandle(ctx, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid refusal", Fields: map[string]string{"reason": "say why, at most 500 characters"}}
	}
	if t.ClaimedBy != 0 && t.ClaimedBy != p.UserID && t.ClaimedUntil.After(s.clock.Now()) {
		return nil, fault.Errorf(fault.Conflict, "incoming request %d is being accepted by another user", id)
	}
	per, err := s.reg.Person(ctx, t.PersonID)
	if err != nil {
		return nil, err
	}
	m := &Message{ID: t.MessageID, Sender: t.Counterpart, Person: Person{IDNumber: per.IDNumber, Name: t.PersonName}}
	out, err := s.reply(m, KindRefusal, &Refusal{Reason: reason})
	if err != nil {
		return nil, err
	}
	t.Status, t.Reason, t.ReplyID, t.HandledBy, t.HandledByName = Declined, reason, out.ID, p.UserID, p.Username
	if err := s.store.FinishCrossTask(ctx, t, nil, []OutMessage{out}); err != nil {
		return nil, err
	}
	return t, nil
}
