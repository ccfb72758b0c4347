package monitoring

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Kind is what a signal reports (信号类型): the values of the signal
// entity's kind input in policies/entities.yaml.
type Kind string

// The kinds of signal.
const (
	HospitalBill  Kind = "hospital_bill"  // 大额医疗支出: an out-of-pocket hospital bill
	NewDisability Kind = "new_disability" // 新增残疾: a disability certificate issued
	EarnerDeath   Kind = "earner_death"   // 主要劳动力死亡: the death of an earner
	Unemployment  Kind = "unemployment"   // 失业登记: an unemployment registration
	Disaster      Kind = "disaster"       // 受灾: a loss in a disaster
	IncomeDrop    Kind = "income_drop"    // 收入骤降: a sudden drop of income
)

// Kinds lists the kinds of signal.
var Kinds = []Kind{HospitalBill, NewDisability, EarnerDeath, Unemployment, Disaster, IncomeDrop}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// HasAmount reports whether a signal of kind k carries an amount: the
// bill, the loss, or the income lost over 12 months.
func (k Kind) HasAmount() bool { return k == HospitalBill || k == Disaster || k == IncomeDrop }

// Source is the department a signal comes from (来源部门).
type Source string

// The sources, the departments docs/domain.md 6.1 lists for the cross-department
// matching, with public security and tax.
const (
	MedicalInsurance    Source = "medical_insurance"    // 医疗保障局
	Health              Source = "health"               // 卫生健康委员会
	DisabledFederation  Source = "disabled_federation"  // 残疾人联合会
	HRSocialSecurity    Source = "hr_social_security"   // 人力资源和社会保障局
	CivilAffairs        Source = "civil_affairs"        // 民政局
	EmergencyManagement Source = "emergency_management" // 应急管理局
	PublicSecurity      Source = "public_security"      // 公安局
	Tax                 Source = "tax"                  // 税务局
	Agriculture         Source = "agriculture"          // 农业农村局
	Education           Source = "education"            // 教育局
	Housing             Source = "housing"              // 住房和城乡建设局
)

// Sources lists the sources.
var Sources = []Source{MedicalInsurance, Health, DisabledFederation, HRSocialSecurity, CivilAffairs, EmergencyManagement,
	PublicSecurity, Tax, Agriculture, Education, Housing}

// Valid reports whether s is a known source.
func (s Source) Valid() bool { return slices.Contains(Sources, s) }

// SignalID is a signal's surrogate key.
type SignalID int64

// Signal is one event a department reports about a person (风险信号),
// seen with the household the person belongs to.
type Signal struct {
	ID     SignalID `json:"id"`
	Source Source   `json:"source"`
	Kind   Kind     `json:"kind"`
	// PersonID is the person; RecordSignals finds it from IDNumber when it
	// is 0.
	PersonID registry.PersonID `json:"person_id"`
	// IDNumber and Name identify the person in a department's file. When
	// Name is given it must be the registered name.
	IDNumber ids.ResidentID `json:"-"`
	Name     string         `json:"-"`
	// HouseholdID and RegionCode are the person's household and its region
	// when the signal was recorded; RecordSignals sets them.
	HouseholdID registry.HouseholdID `json:"household_id"`
	RegionCode  region.Code          `json:"region_code"`
	OccurredOn  period.Date          `json:"occurred_on"`
	// Amount is the out-of-pocket bill, the disaster loss or the income
	// lost over 12 months; 0 for the other kinds.
	Amount money.Fen `json:"amount"`
	// Grade is a new disability's grade, 1 (most severe) to 4; 0 for the
	// other kinds.
	Grade  int    `json:"grade,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Batch names the file or batch the signal came in, and Line its row
	// there.
	Batch      string    `json:"batch,omitempty"`
	Line       int       `json:"line,omitempty"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// Processed says whether a processing run has graded the signal; it
	// waits in the queue until then.
	Processed bool `json:"processed"`
	// Level is the risk the signal showed and Raised whether it opened or
	// raised its alert; both are set on the signals of an alert.
	Level  Level `json:"level"`
	Raised bool  `json:"raised"`
}

// maxDetail is the longest detail accepted, in characters.
const maxDetail = 500

// validate checks the signal's own fields as of today; field names are
// prefixed with prefix ("row 12: ").
func (s *Signal) validate(pr *fault.Problems, prefix string, today period.Date) {
	add := func(field, format string, args ...any) { pr.Add(prefix+field, format, args...) }
	if !s.Source.Valid() {
		add("source", "must be one of %v, not %q", Sources, s.Source)
	}
	if !s.Kind.Valid() {
		add("kind", "must be one of %v, not %q", Kinds, s.Kind)
	}
	if s.PersonID <= 0 && s.IDNumber == "" {
		add("person_id", "give the person's key or ID number")
	}
	switch {
	case s.OccurredOn.IsZero():
		add("occurred_on", "is required")
	case s.OccurredOn > today:
		add("occurred_on", "%s is in the future", s.OccurredOn)
	}
	switch {
	case s.Amount < 0:
		add("amount", "must not be negative")
	case s.Kind.HasAmount() && s.Amount == 0:
		add("amount", "is required for a %s signal", s.Kind)
	case s.Kind.Valid() && !s.Kind.HasAmount() && s.Amount != 0:
		add("amount", "a %s signal has no amount", s.Kind)
	}
	switch {
	case s.Kind == NewDisability && (s.Grade < 1 || s.Grade > 4):
		add("grade", "a new disability needs its grade, 1 to 4")
	case s.Kind != NewDisability && s.Grade != 0:
		add("grade", "only a new disability has a grade")
	}
	if utf8.RuneCountInString(s.Detail) > maxDetail {
		add("detail", "is longer than %d characters", maxDetail)
	}
	if utf8.RuneCountInString(s.Batch) > 200 {
		add("batch", "is longer than 200 characters")
	}
}

// Subject is a registered person as RecordSignals needs them: the
// household the person belongs to (0 for none) and its region.
type Subject struct {
	PersonID registry.PersonID
	IDNumber ids.ResidentID
	Name     string
	// PersonRegion is where the person lives.
	PersonRegion region.Code
	HouseholdID  registry.HouseholdID
	// RegionCode is the household's region.
	RegionCode region.Code
}

// home is where the subject's records are kept: the household's region,
// or the person's for a person in no household.
func (s *Subject) home() region.Code {
	if s.HouseholdID != 0 {
		return s.RegionCode
	}
	return s.PersonRegion
}

// rowPrefix names a signal in problems: "row 12: " for a file's line,
// "signals[3]." for a batch's item.
func rowPrefix(s *Signal, i int) string {
	if s.Line > 0 {
		return fmt.Sprintf("row %d: ", s.Line)
	}
	return fmt.Sprintf("signals[%d].", i)
}
