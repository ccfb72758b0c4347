// Package ratings keeps the applicants' ratings of the front office's
// service (好差评) and the follow-up of the poor ones (差评整改), as
// docs/ratings.md describes.
//
// A rating is given once per application (办件), after it was finished
// (办结) or refused, in the national system's five levels, through the
// counter's rating pad, online or on the phone. The front office's core
// calls Rate with the application's facts copied in (its number, matter,
// department, service point, channel, the clerk who received it and the
// applicant's region): this package reads nothing of the application
// itself.
//
// A rating at or below the dated parameter ratings.follow_up_max_level
// opens a follow-up for the head of the service point (窗口负责人, role
// point_head), due ratings.follow_up_working_days working days later on
// the working-day calendar. The head answers it with what was put right
// (整改情况) and how the applicant was contacted (回访); a second user
// with the same permission, never the one who answered, closes it.
package ratings

import (
	"time"

	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Level is a rating's level, 1 to 5, in the national 好差评 system.
type Level int

// The five levels.
const (
	VeryDissatisfied Level = 1 // 非常不满意
	Dissatisfied     Level = 2 // 不满意
	Fair             Level = 3 // 基本满意
	Satisfied        Level = 4 // 满意
	VerySatisfied    Level = 5 // 非常满意
)

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= VeryDissatisfied && l <= VerySatisfied }

// Good reports whether l counts as satisfied in the 满意率: 基本满意 and
// above.
func (l Level) Good() bool { return l >= Fair }

// String is the level's zh-CN name.
func (l Level) String() string {
	switch l {
	case VeryDissatisfied:
		return "非常不满意"
	case Dissatisfied:
		return "不满意"
	case Fair:
		return "基本满意"
	case Satisfied:
		return "满意"
	case VerySatisfied:
		return "非常满意"
	}
	return "未知"
}

// Via is how a rating was given: at the counter (the rating pad beside
// the window), online, or on the phone app.
type Via string

// The ways to rate.
const (
	ViaCounter Via = "counter"
	ViaOnline  Via = "online"
	ViaMobile  Via = "mobile"
)

// Vias returns the ways to rate.
func Vias() []Via { return []Via{ViaCounter, ViaOnline, ViaMobile} }

// Input is a rating as the core gives it: the application's facts and the
// applicant's rating.
type Input struct {
	// ApplicationNo is the application's receipt number (at most 40
	// characters): one rating per application.
	ApplicationNo string
	// MatterID is the matter of the catalogue; Department its department's
	// id (sibao, minzheng, …), as the catalogue says.
	MatterID   string
	Department string
	// PointID is the service point that received the application; Channel
	// the channel it was received through (window, online, mobile, …).
	PointID string
	Channel matters.Channel
	// RatedVia is how the rating itself is given: counter, online or
	// mobile; it may differ from Channel.
	RatedVia Via
	// ClerkUserID is the user who received the application (0 for one
	// received online with no clerk).
	ClerkUserID int64
	// RegionCode is the applicant's region.
	RegionCode region.Code
	// Level is 1 (非常不满意) to 5 (非常满意); Comment at most 500
	// characters.
	Level   Level
	Comment string
	// PersonID or OrganisationID is the applicant who rates: exactly one.
	PersonID       int64
	OrganisationID int64
}

// Rating is a recorded rating.
type Rating struct {
	ID             int64           `json:"id"`
	ApplicationNo  string          `json:"application_no"`
	MatterID       string          `json:"matter_id"`
	Department     string          `json:"department"`
	PointID        string          `json:"point_id"`
	PointRegion    region.Code     `json:"point_region"`
	Channel        matters.Channel `json:"channel"`
	RatedVia       Via             `json:"rated_via"`
	ClerkUserID    int64           `json:"clerk_user_id"`
	RegionCode     region.Code     `json:"region_code"`
	Level          Level           `json:"level"`
	Comment        string          `json:"comment"`
	PersonID       int64           `json:"person_id,omitempty"`
	OrganisationID int64           `json:"organisation_id,omitempty"`
	RatedOn        period.Date     `json:"rated_on"`
	RecordedBy     int64           `json:"recorded_by"`
	RecordedByName string          `json:"recorded_by_name"`
	CreatedAt      time.Time       `json:"created_at"`
	// FollowUpID is the follow-up the rating opened, 0 if none.
	FollowUpID int64 `json:"follow_up_id,omitempty"`
}

// Status is the state of a follow-up.
type Status string

// The states of a follow-up: open until the point's head answers it,
// answered until a second user closes it.
const (
	StatusOpen     Status = "open"
	StatusAnswered Status = "answered"
	StatusClosed   Status = "closed"
)

// FollowUp is the follow-up of a poor rating (差评整改).
type FollowUp struct {
	ID            int64  `json:"id"`
	RatingID      int64  `json:"rating_id"`
	ApplicationNo string `json:"application_no"`
	// RegionCode is the service point's region: the follow-up is worked in
	// its scope.
	RegionCode region.Code `json:"region_code"`
	PointID    string      `json:"point_id"`
	MatterID   string      `json:"matter_id"`
	Level      Level       `json:"level"`
	OpenedOn   period.Date `json:"opened_on"`
	// DueOn is the last day to close it; zero while the calendar of
	// DuePendingYear is not published (the due date is then pending,
	// never guessed).
	DueOn          period.Date `json:"due_on,omitzero"`
	DuePendingYear int         `json:"due_pending_year,omitempty"`
	Status         Status      `json:"status"`
	// Measures is what was put right (整改情况); Contact how the applicant
	// was contacted and what they said (回访), on ContactedOn.
	Measures       string      `json:"measures,omitempty"`
	Contact        string      `json:"contact,omitempty"`
	ContactedOn    period.Date `json:"contacted_on,omitzero"`
	AnsweredBy     int64       `json:"answered_by,omitempty"`
	AnsweredByName string      `json:"answered_by_name,omitempty"`
	AnsweredAt     time.Time   `json:"answered_at,omitzero"`
	ClosedBy       int64       `json:"closed_by,omitempty"`
	ClosedByName   string      `json:"closed_by_name,omitempty"`
	ClosedAt       time.Time   `json:"closed_at,omitzero"`
	CloseNote      string      `json:"close_note,omitempty"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
	Version        int64       `json:"version"`
	// Overdue is computed when read: not closed and past DueOn.
	Overdue bool `json:"overdue"`
}

// OverdueOn reports whether the follow-up is overdue on day today: not
// closed and its due date passed.
func (f *FollowUp) OverdueOn(today period.Date) bool {
	return f.Status != StatusClosed && !f.DueOn.IsZero() && f.DueOn < today
}
