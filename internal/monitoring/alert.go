package monitoring

import (
	"encoding/json"
	"slices"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Level is a risk level (风险等级), the amount of the programme
// low_income_risk.
type Level int

// The risk levels.
const (
	None   Level = 0 // no risk: no alert
	Yellow Level = 1 // 一般风险 (黄色预警)
	Orange Level = 2 // 较高风险 (橙色预警)
	Red    Level = 3 // 高风险 (红色预警)
)

// String returns the level's name: none, yellow, orange or red.
func (l Level) String() string {
	switch l {
	case None:
		return "none"
	case Yellow:
		return "yellow"
	case Orange:
		return "orange"
	case Red:
		return "red"
	}
	return "invalid"
}

// NameZH returns the level's Chinese name: 一般, 较高 or 高.
func (l Level) NameZH() string {
	return map[Level]string{None: "无", Yellow: "一般", Orange: "较高", Red: "高"}[l]
}

// ParseLevel reads a level by name (yellow) or number (1).
func ParseLevel(s string) (Level, bool) {
	for l := Yellow; l <= Red; l++ {
		if s == l.String() || s == string(rune('0'+int(l))) {
			return l, true
		}
	}
	return 0, false
}

// Status is where an alert stands (预警状态).
type Status string

// The statuses.
const (
	Open    Status = "open"    // 待核实: waiting for a visit
	Visited Status = "visited" // 已走访: visited at least once, not disposed of
	Closed  Status = "closed"  // 已办结: disposed of
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Open || s == Visited || s == Closed }

// Disposition is how an alert was closed (处置结果).
type Disposition string

// The dispositions.
const (
	// Referred: referred to a programme (转介救助), named by its id.
	Referred Disposition = "referred"
	// NoNeed: the household needs no assistance (无需救助).
	NoNeed Disposition = "no_need"
	// Unreachable: the household could not be reached (无法联系).
	Unreachable Disposition = "unreachable"
)

// Dispositions lists the dispositions.
var Dispositions = []Disposition{Referred, NoNeed, Unreachable}

// Valid reports whether d is a known disposition.
func (d Disposition) Valid() bool { return slices.Contains(Dispositions, d) }

// VisitOutcome is what a visit found (走访结果).
type VisitOutcome string

// The visit outcomes.
const (
	// Met: the caseworker saw the household (入户见面核实).
	Met VisitOutcome = "met"
	// NotReached: nobody was found or the household has moved (未遇).
	NotReached VisitOutcome = "not_reached"
)

// Valid reports whether o is a known outcome.
func (o VisitOutcome) Valid() bool { return o == Met || o == NotReached }

// AlertID is an alert's surrogate key.
type AlertID int64

// Alert is a risk alert for the township caseworker of a household's
// region (风险预警), open until a disposition closes it.
type Alert struct {
	ID          AlertID              `json:"id"`
	HouseholdID registry.HouseholdID `json:"household_id"`
	// PersonID is the person of the signal that opened the alert.
	PersonID registry.PersonID `json:"person_id"`
	// RegionCode is the household's region (the village), TownshipCode its
	// township-level ancestor.
	RegionCode   region.Code `json:"region_code"`
	TownshipCode region.Code `json:"township_code"`
	Level        Level       `json:"level"`
	// OpenedOn is the date of the signal that opened the alert, DueOn the
	// day by which it is to be disposed of.
	OpenedOn period.Date `json:"opened_on"`
	DueOn    period.Date `json:"due_on"`
	Status   Status      `json:"status"`
	// Disposition, ReferredProgramme and DispositionNote are set when the
	// alert is closed.
	Disposition       Disposition `json:"disposition,omitempty"`
	ReferredProgramme string      `json:"referred_programme,omitempty"`
	DispositionNote   string      `json:"disposition_note,omitempty"`
	// Explanation says why the alert has its level.
	Explanation   *Explanation `json:"explanation,omitempty"`
	PolicyVersion string       `json:"policy_version"`
	CreatedAt     time.Time    `json:"created_at,omitzero"`
	UpdatedAt     time.Time    `json:"updated_at,omitzero"`
	ClosedByID    int64        `json:"closed_by_id,omitempty"`
	ClosedBy      string       `json:"closed_by,omitempty"`
	ClosedAt      time.Time    `json:"closed_at,omitzero"`
	Version       int64        `json:"version"`

	// The store fills these on a single read.
	PersonName     string         `json:"-"`
	PersonIDNumber ids.ResidentID `json:"-"`
	TownshipName   string         `json:"-"`
	Signals        []Signal       `json:"-"`
	Visits         []Visit        `json:"-"`
	// Decision is the explanation evaluated again in full from its inputs
	// by Service.Alert, nil elsewhere.
	Decision *policy.Decision `json:"-"`
}

// OverdueOn reports whether the alert is overdue on day d: not closed and
// due before d.
func (a *Alert) OverdueOn(d period.Date) bool { return a.Status != Closed && a.DueOn < d }

// Visit is one visit to the household of an alert (走访, 入户核实).
type Visit struct {
	AlertID    AlertID      `json:"alert_id"`
	Seq        int          `json:"seq"`
	RegionCode region.Code  `json:"region_code"`
	VisitedOn  period.Date  `json:"visited_on"`
	Outcome    VisitOutcome `json:"outcome"`
	Note       string       `json:"note,omitempty"`
	UserID     int64        `json:"user_id"`
	Username   string       `json:"username"`
	CreatedAt  time.Time    `json:"created_at,omitzero"`
}

// Explanation is the compact explanation stored with an alert (研判依据):
// the signal whose decision set the level, the triggers that held with the
// thresholds they read, the due days, and the case's inputs, from which
// the programme's full explanation is evaluated again on demand.
type Explanation struct {
	Programme string       `json:"programme"`
	SignalID  SignalID     `json:"signal_id"`
	Period    period.Month `json:"period"`
	AsOf      period.Date  `json:"as_of"`
	Region    region.Code  `json:"region"`
	Level     Level        `json:"level"`
	// Reasons are the triggers that held: for bills, losses and income
	// drops the highest level met only.
	Reasons []Reason `json:"reasons"`
	// DueDays is the days of the level from the signal's date to the due
	// date, read from the parameter Due.
	DueDays int       `json:"due_days"`
	Due     Threshold `json:"due"`
	// Inputs are the case's inputs, in the engine's JSON form.
	Inputs  map[string]json.RawMessage `json:"inputs"`
	Version string                     `json:"version"`
}

// Reason is one trigger of the programme that held.
type Reason struct {
	// Trigger is the variable's name, such as trigger_hospital_bill_orange
	// or layer_uplift.
	Trigger string `json:"trigger"`
	Expr    string `json:"expr"`
	// Thresholds are the parameters the trigger reads, directly or through
	// the variables it uses.
	Thresholds []Threshold `json:"thresholds"`
}

// Threshold is a parameter value read.
type Threshold struct {
	Key   string      `json:"key"`
	Value string      `json:"value"`
	From  period.Date `json:"from"`
}

// AlertFilter selects alerts.
type AlertFilter struct {
	// Region restricts to a region subtree; the service narrows it to the
	// caller's scope.
	Region region.Code
	// Township selects the alerts of one township code.
	Township region.Code
	Status   Status
	Level    Level
	// OverdueOn, when set, selects the alerts overdue on that day.
	OverdueOn period.Date
	registry.Page
}

// TownshipOverdue is one township's line of the overdue list (逾期未处置).
type TownshipOverdue struct {
	Township region.Code `json:"township"`
	Name     string      `json:"name"`
	// Open counts the township's alerts not closed, Overdue those of them
	// overdue.
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	// OldestDue is the earliest due date of the overdue alerts.
	OldestDue period.Date `json:"oldest_due"`
	// AlertIDs are the overdue alerts, by due date.
	AlertIDs []AlertID `json:"alert_ids"`
}

// township returns the township-level ancestor of code, or code itself
// above township level.
func township(code region.Code) region.Code {
	if code.Level() >= region.Township {
		return code[:9]
	}
	return code
}
