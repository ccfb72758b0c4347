package insurance

import (
	"fmt"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Scheme is a social insurance scheme (险种).
type Scheme string

// The schemes.
const (
	EmployeePension Scheme = "employee_pension" // 企业职工基本养老保险
	ResidentPension Scheme = "resident_pension" // 城乡居民基本养老保险
	Unemployment    Scheme = "unemployment"     // 失业保险
	WorkInjury      Scheme = "work_injury"      // 工伤保险
)

// Schemes lists every scheme.
var Schemes = []Scheme{EmployeePension, ResidentPension, Unemployment, WorkInjury}

// Valid reports whether s is a known scheme.
func (s Scheme) Valid() bool {
	switch s {
	case EmployeePension, ResidentPension, Unemployment, WorkInjury:
		return true
	}
	return false
}

// Kind is how a person is enrolled.
type Kind string

// The enrolment kinds.
const (
	ThroughEmployer Kind = "employer" // 单位参保
	Flexible        Kind = "flexible" // 灵活就业人员
	Resident        Kind = "resident" // 城乡居民
)

// Status is an enrolment's state.
type Status string

// The statuses.
const (
	Active     Status = "active"     // 正常参保
	Suspended  Status = "suspended"  // 暂停缴费
	Terminated Status = "terminated" // 终止
)

// EnrolmentID is an enrolment's surrogate key.
type EnrolmentID int64

// Enrolment is a person's insurance relationship with a scheme (参保关系):
// through an employer, as a flexible worker, or as a resident.
type Enrolment struct {
	ID       EnrolmentID       `json:"id"`
	PersonID registry.PersonID `json:"person_id"`
	Scheme   Scheme            `json:"scheme"`
	Kind     Kind              `json:"kind"`
	// OrgID is the employer, for enrolment through an employer.
	OrgID registry.OrgID `json:"org_id,omitempty"`
	// RegionCode is where the person is insured (参保地).
	RegionCode region.Code  `json:"region_code"`
	Start      period.Month `json:"start"`
	// End is the last month covered once suspended or terminated.
	End    period.Month `json:"end,omitzero"`
	Status Status       `json:"status"`
	Reason string       `json:"reason,omitempty"`
	// Base is the monthly contribution base a flexible worker chose (fen),
	// clamped to the band when assessed.
	Base money.Fen `json:"base,omitempty"`
	// Tier is the resident's yearly contribution tier (档次, fen).
	Tier money.Fen `json:"tier,omitempty"`
	// RiskClass is the employer's work-injury industry risk class, 1 to 8.
	RiskClass int   `json:"risk_class,omitempty"`
	Version   int64 `json:"version"`
}

// Covers reports whether the enrolment covers month m.
func (e *Enrolment) Covers(m period.Month) bool {
	return m >= e.Start && (e.End.IsZero() || m <= e.End)
}

func (e *Enrolment) validate() fault.Problems {
	var pr fault.Problems
	if e.PersonID <= 0 {
		pr.Add("person_id", "is required")
	}
	if !e.Scheme.Valid() {
		pr.Add("scheme", "must be one of %v, not %q", Schemes, e.Scheme)
	}
	switch e.Kind {
	case ThroughEmployer:
		if e.OrgID <= 0 {
			pr.Add("org_id", "enrolment through an employer names the employer")
		}
		if e.Scheme == ResidentPension {
			pr.Add("kind", "the resident pension has no employer")
		}
	case Flexible:
		if e.Scheme != EmployeePension {
			pr.Add("kind", "flexible workers enrol in the employee pension only")
		}
		if e.Base <= 0 {
			pr.Add("base", "a flexible worker chooses a monthly base")
		}
	case Resident:
		if e.Scheme != ResidentPension {
			pr.Add("kind", "residents enrol in the resident pension")
		}
		if e.Tier <= 0 {
			pr.Add("tier", "a resident chooses a yearly tier")
		}
	default:
		pr.Add("kind", "must be employer, flexible or resident, not %q", e.Kind)
	}
	if e.Kind != ThroughEmployer && e.OrgID != 0 {
		pr.Add("org_id", "only enrolment through an employer names one")
	}
	if e.Scheme == WorkInjury && (e.RiskClass < 1 || e.RiskClass > 8) {
		pr.Add("risk_class", "work injury needs the employer's risk class, 1 to 8")
	}
	if e.Start.IsZero() {
		pr.Add("start", "is required")
	}
	if !e.End.IsZero() && e.End < e.Start {
		pr.Add("end", "is before the start %s", e.Start)
	}
	return pr
}

// overlaps reports whether two enrolments cover a common month.
func (e *Enrolment) overlaps(o *Enrolment) bool {
	if !e.End.IsZero() && e.End < o.Start || !o.End.IsZero() && o.End < e.Start {
		return false
	}
	return true
}

// conflict explains why e cannot coexist with an existing enrolment o, or
// returns "".
func conflict(e, o *Enrolment) string {
	if o.ID == e.ID || o.Status == Terminated && !o.overlaps(e) {
		return ""
	}
	switch {
	case o.Scheme == e.Scheme && o.Status != Terminated && e.Status != Terminated:
		return fmt.Sprintf("the person already has an open %s enrolment (%d) since %s", o.Scheme, o.ID, o.Start)
	case (o.Scheme == EmployeePension && e.Scheme == ResidentPension || o.Scheme == ResidentPension && e.Scheme == EmployeePension) && o.overlaps(e):
		return fmt.Sprintf("the employee and the resident pension cannot cover the same months: enrolment %d (%s) covers %s onwards", o.ID, o.Scheme, o.Start)
	}
	return ""
}
