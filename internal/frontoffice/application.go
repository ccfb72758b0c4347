// Package frontoffice is the front office (一窗受理): the matter
// application (办件) received at a service point or through a channel, its
// states from receipt (受理) through review (审核) and approval (审批) to
// 办结 by the matter's own domain action, or refusal; its time limit in
// working days with the clock suspended while the applicant supplies
// materials (补正); acceptance with a material to follow (容缺受理); and
// the notices that tell the applicant each step (docs/frontoffice.md).
package frontoffice

import (
	"context"
	"encoding/json"
	"time"

	"safetynet/internal/matters"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Status is where an application stands.
type Status string

// The statuses of an application.
const (
	// Received is accepted (受理) and waiting for a back-office caseworker.
	Received Status = "received"
	// Reviewing is taken by a caseworker for review (审核).
	Reviewing Status = "reviewing"
	// Correction waits for the applicant to supply materials (补正): the
	// clock of the time limit stands still.
	Correction Status = "correction"
	// Approving waits for the approval (审批) by a second user.
	Approving Status = "approving"
	// Completing is approved and its action running, or waiting for a
	// second user's confirmation in the domain (Settle finishes it).
	Completing Status = "completing"
	// Held is approved but waiting for a material accepted as deferred
	// (容缺): SupplyDeferred finishes it.
	Held Status = "held"
	// Completed is finished (办结) by the matter's action.
	Completed Status = "completed"
	// Refused is refused by the review or the approval, with the reason.
	Refused Status = "refused"
	// NotAccepted is not accepted at receipt (不予受理), with everything
	// missing told at once (一次性告知).
	NotAccepted Status = "not_accepted"
	// Withdrawn is withdrawn by the applicant before 办结.
	Withdrawn Status = "withdrawn"
)

// Final reports whether s ends the application.
func (s Status) Final() bool {
	return s == Completed || s == Refused || s == NotAccepted || s == Withdrawn
}

// Running reports whether the clock of the time limit runs in s.
func (s Status) Running() bool {
	return s == Received || s == Reviewing || s == Approving || s == Completing || s == Held
}

// The ways a material is checked in.
const (
	MaterialOriginal     = "original"      // 原件 seen
	MaterialCopy         = "copy"          // 复印件 taken
	MaterialUploaded     = "uploaded"      // 电子材料 uploaded online
	MaterialFromRegistry = "from_registry" // fetched from the registry (减材料), never asked
	MaterialDeferred     = "deferred"      // to follow by a promised date (容缺)
	MaterialMissing      = "missing"       // not brought (recorded on a not-accepted receipt)
)

// MaterialCheck is one material of the matter as checked in.
type MaterialCheck struct {
	ID   string            `json:"id"`
	Name matters.Bilingual `json:"name"`
	// How is original, copy, uploaded, from_registry, deferred or missing.
	How string `json:"how"`
	// Promised is the date a deferred material is promised by.
	Promised period.Date `json:"promised,omitzero"`
	// Supplied is the date a deferred material came.
	Supplied period.Date `json:"supplied,omitzero"`
	// Fact is the registry fact a from_registry material was read from.
	Fact string `json:"fact,omitempty"`
}

// Outstanding reports whether the material was deferred and has not come.
func (m MaterialCheck) Outstanding() bool { return m.How == MaterialDeferred && m.Supplied.IsZero() }

// Agent is who applies for the applicant (代办人). Only the masked ID
// number is kept.
type Agent struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

// Suspension is a span in which the clock stood still (补正): From the day
// the correction was asked, To the day the materials came (zero while it
// runs), with what was asked.
type Suspension struct {
	From  period.Date `json:"from"`
	To    period.Date `json:"to,omitzero"`
	Items []string    `json:"items"`
}

// Application is one matter application (办件).
type Application struct {
	ID int64 `json:"id"`
	// No is the receipt number (办件编号), unique: SN, the point's short
	// code (or the channel's), the day and its sequence.
	No         string            `json:"no"`
	Matter     string            `json:"matter"`
	MatterName matters.Bilingual `json:"matter_name"`
	Department string            `json:"department"`
	Channel    matters.Channel   `json:"channel"`
	// Point is the service point; empty for the online, mobile and
	// cross-province channels, which have none.
	Point          string            `json:"point,omitempty"`
	PersonID       registry.PersonID `json:"person_id,omitempty"`
	OrganisationID registry.OrgID    `json:"organisation_id,omitempty"`
	ApplicantName  string            `json:"applicant_name"`
	Agent          *Agent            `json:"agent,omitempty"`
	// RegionCode is the applicant's region: the scope of the application.
	RegionCode region.Code     `json:"region_code"`
	Form       json.RawMessage `json:"form,omitempty"`
	Materials  []MaterialCheck `json:"materials"`
	Status     Status          `json:"status"`

	ReceivedBy     int64  `json:"received_by"`
	ReceivedByName string `json:"received_by_name"`
	ReviewerID     int64  `json:"reviewer_id,omitempty"`
	ReviewerPost   int64  `json:"reviewer_post,omitempty"`
	ReviewerName   string `json:"reviewer_name,omitempty"`
	ApproverID     int64  `json:"approver_id,omitempty"`
	ApproverName   string `json:"approver_name,omitempty"`
	AssigneeID     int64  `json:"assignee_id,omitempty"`
	AssigneeName   string `json:"assignee_name,omitempty"`

	ReceivedAt time.Time   `json:"received_at"`
	AcceptedOn period.Date `json:"accepted_on"`
	TimeLimit  int         `json:"time_limit"`
	// DueDate is the last day of the time limit; zero when it cannot be
	// counted yet (DuePending says why) or the application was not
	// accepted.
	DueDate     period.Date  `json:"due_date,omitzero"`
	DuePending  string       `json:"due_pending,omitempty"`
	Suspensions []Suspension `json:"suspensions,omitempty"`

	CompletedAt time.Time `json:"completed_at,omitzero"`
	// CompletedOn is the day of 办结 (completed only); WorkingDays the
	// working days from acceptance to it, the acceptance day not counted
	// and the suspended days left out (nil when the calendar of a year in
	// between is not published). The handling report counts both.
	CompletedOn   period.Date     `json:"completed_on,omitzero"`
	WorkingDays   *int            `json:"working_days,omitempty"`
	ResultRef     string          `json:"result_ref,omitempty"`
	ResultSummary string          `json:"result_summary,omitempty"`
	ResultRecord  json.RawMessage `json:"result_record,omitempty"`
	// Reason is why it was refused or not accepted, or what a correction
	// asks for: the text the applicant was told.
	Reason  string `json:"reason,omitempty"`
	Version int64  `json:"version"`
}

// Outstanding returns the deferred materials that have not come.
func (a *Application) Outstanding() []MaterialCheck {
	var out []MaterialCheck
	for _, m := range a.Materials {
		if m.Outstanding() {
			out = append(out, m)
		}
	}
	return out
}

// Event is one step of an application's timeline.
type Event struct {
	ID        int64     `json:"id"`
	Action    string    `json:"action"`
	From      Status    `json:"from"`
	To        Status    `json:"to"`
	ActorID   int64     `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	At        time.Time `json:"at"`
	Note      string    `json:"note,omitempty"`
}

// Notice is a message to the applicant queued with a change.
type Notice struct {
	Kind    payment.NoticeKind
	Message string
}

// Filter selects applications; zero fields select everything.
type Filter struct {
	// Region is a range on the applicant's region (the caller's scope).
	Region     region.Code
	Statuses   []Status
	Point      string
	Matter     string
	Department string
	AssigneeID int64
	// DueBefore selects the running applications whose due date is on or
	// before it.
	DueBefore period.Date
	// DueFrom selects the applications due on or after it.
	DueFrom period.Date
	// DuePending selects the running applications whose due date waits
	// for a calendar.
	DuePending bool
	// After is the key (ID) to list after; Limit the page's size.
	After int64
	Limit int
}

// Store keeps the applications. Every change writes its event row, its
// audit event and its notice in one transaction.
type Store interface {
	// CreateApplication numbers a (prefix and the next sequence of the
	// prefix, taken in the transaction), inserts it with its first event
	// and queues n (if any) to the applicant.
	CreateApplication(ctx context.Context, a *Application, prefix string, ev Event, n *Notice) error
	// UpdateApplication stores a if its version is the stored one
	// (Conflict otherwise), with ev and n.
	UpdateApplication(ctx context.Context, a *Application, ev Event, n *Notice) error
	// Application returns the application numbered no; NotFound if none.
	Application(ctx context.Context, no string) (*Application, error)
	// Applications lists the applications of f by ID.
	Applications(ctx context.Context, f Filter) ([]*Application, error)
	// CountApplicationsBy counts the applications of f (its paging key
	// ignored) per service point — the channel for those with none — and
	// per department, sorted by key.
	CountApplicationsBy(ctx context.Context, f Filter) (byPoint, byDepartment []Group, err error)
	// ApplicationEvents returns the timeline of application id, in order.
	ApplicationEvents(ctx context.Context, id int64) ([]Event, error)
}
