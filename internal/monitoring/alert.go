package monitoring

import (
	"encoding/json"
	"slices"
	"strconv"
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

// Explanation is the explanation of an alert's level (研判依据), stored
// compactly: the case of the signal that set the level (its inputs, month
// and region) with the policy version that graded it, the level and the
// due days. The full explanation, with the triggers that held, is
// evaluated again from the case on demand (Service.Alert, Service.Alerts).
type Explanation struct {
	Programme string       `json:"programme"`
	SignalID  SignalID     `json:"signal_id"`
	Period    period.Month `json:"period"`
	Region    region.Code  `json:"region"`
	Level     Level        `json:"level"`
	// DueDays is the days of the level from the signal's date to the due
	// date.
	DueDays int `json:"due_days"`
	// Inputs are the case's inputs, in the engine's JSON form.
	Inputs  map[string]json.RawMessage `json:"inputs"`
	Version string                     `json:"version"`

	// Evaluated again on reads, not stored: the triggers that held, the
	// due-days parameter, and whether the current policy package gives
	// the same version and level.
	Reasons    []Reason  `json:"reasons,omitempty"`
	Due        Threshold `json:"due,omitzero"`
	Reproduced bool      `json:"reproduced,omitempty"`
}

// Reason is one trigger of the programme that held.
type Reason struct {
	// Trigger is the variable's name, such as trigger_hospital_bill_orange
	// or layer_uplift; its expression is in the full decision.
	Trigger string `json:"trigger"`
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

// storedInputs is the order in which AppendStored writes the inputs it
// knows; any others follow by name.
var storedInputs = []string{"kind", "amount", "disability_grade", "household_layer", "household_income_known", "household_income_12m", "members"}

// AppendStored appends the stored part of the explanation as JSON, which
// json.Unmarshal reads back, without the parts evaluated again on reads.
// It writes without reflection, for the hundreds of thousands of alerts a
// processing run may open.
func (e *Explanation) AppendStored(b []byte) []byte {
	b = append(b, `{"programme":`...)
	b = appendJSONString(b, e.Programme)
	b = append(b, `,"signal_id":`...)
	b = strconv.AppendInt(b, int64(e.SignalID), 10)
	b = append(b, `,"period":"`...)
	b = append(b, e.Period.String()...)
	b = append(b, `","region":`...)
	b = appendJSONString(b, string(e.Region))
	b = append(b, `,"level":`...)
	b = strconv.AppendInt(b, int64(e.Level), 10)
	b = append(b, `,"due_days":`...)
	b = strconv.AppendInt(b, int64(e.DueDays), 10)
	b = append(b, `,"inputs":{`...)
	n := 0
	input := func(k string, v json.RawMessage) {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = append(b, v...)
	}
	for _, k := range storedInputs {
		if v, ok := e.Inputs[k]; ok {
			input(k, v)
		}
	}
	if len(e.Inputs) > n {
		var rest []string
		for k := range e.Inputs {
			if !slices.Contains(storedInputs, k) {
				rest = append(rest, k)
			}
		}
		slices.Sort(rest)
		for _, k := range rest {
			input(k, e.Inputs[k])
		}
	}
	b = append(b, `},"version":`...)
	b = appendJSONString(b, e.Version)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string, escaping quotes,
// backslashes and control characters.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
