package registry

import (
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// EmploymentID is an employment spell's surrogate key.
type EmploymentID int64

// Separation is why an employment spell ended (离职原因). Involuntary
// separation is a condition of unemployment benefit.
type Separation string

// The separation reasons.
const (
	SepVoluntary   Separation = "voluntary"   // 本人自愿
	SepInvoluntary Separation = "involuntary" // 非本人意愿: dismissal, closure, contract not renewed by the employer
	SepRetirement  Separation = "retirement"
	SepDeath       Separation = "death"
)

// Valid reports whether s is a known reason.
func (s Separation) Valid() bool {
	switch s {
	case SepVoluntary, SepInvoluntary, SepRetirement, SepDeath:
		return true
	}
	return false
}

// Employment is a spell of work for an organisation (就业/劳动关系).
type Employment struct {
	ID       EmploymentID `json:"id"`
	PersonID PersonID     `json:"person_id"`
	OrgID    OrgID        `json:"org_id"`
	// RegionCode is the employer's region; it decides who serves the spell.
	RegionCode region.Code `json:"region_code"`
	Start      period.Date `json:"start"`
	End        period.Date `json:"end,omitzero"`
	Separation Separation  `json:"separation,omitempty"`
	// MonthlyWage is the gross monthly wage declared, in fen.
	MonthlyWage money.Fen `json:"monthly_wage"`
	Version     int64     `json:"version"`
}

// Active reports whether the spell is open on day d.
func (e *Employment) Active(d period.Date) bool {
	return d >= e.Start && (e.End.IsZero() || d <= e.End)
}

func (e *Employment) validate(today period.Date) fault.Problems {
	var pr fault.Problems
	if e.PersonID <= 0 {
		pr.Add("person_id", "is required")
	}
	if e.OrgID <= 0 {
		pr.Add("org_id", "is required")
	}
	if e.Start.IsZero() {
		pr.Add("start", "is required")
	} else if e.Start > today.AddDays(366) {
		pr.Add("start", "is more than a year in the future")
	}
	if !e.End.IsZero() {
		if e.End < e.Start {
			pr.Add("end", "is before the start %s", e.Start)
		}
		if !e.Separation.Valid() {
			pr.Add("separation", "an ended spell needs a reason: voluntary, involuntary, retirement or death")
		}
	} else if e.Separation != "" {
		pr.Add("separation", "only an ended spell has a separation reason")
	}
	if e.MonthlyWage < 0 {
		pr.Add("monthly_wage", "must not be negative")
	}
	return pr
}

// EmploymentFilter selects employment spells.
type EmploymentFilter struct {
	Region   region.Code
	PersonID PersonID
	OrgID    OrgID
	// ActiveOn keeps spells open on that day.
	ActiveOn period.Date
	Page
}

func (e *Employment) home() region.Code  { return e.RegionCode }
func (e *Employment) clone() *Employment { c := *e; return &c }
func (e *Employment) version() int64     { return e.Version }
func (e *Employment) key() int64         { return int64(e.ID) }
func (e *Employment) keep(old *Employment, version int64) {
	e.ID, e.Version = old.ID, version
}
