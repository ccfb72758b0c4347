package registry

import (
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// DisabilityID is a disability record's surrogate key.
type DisabilityID int64

// DisabilityKind is the category on the disability certificate (残疾类别).
type DisabilityKind string

// The disability kinds of the second-generation certificate (第二代残疾人证).
const (
	DisVisual       DisabilityKind = "visual"       // 视力
	DisHearing      DisabilityKind = "hearing"      // 听力
	DisSpeech       DisabilityKind = "speech"       // 言语
	DisPhysical     DisabilityKind = "physical"     // 肢体
	DisIntellectual DisabilityKind = "intellectual" // 智力
	DisMental       DisabilityKind = "mental"       // 精神
	DisMultiple     DisabilityKind = "multiple"     // 多重
)

// DisabilityKinds lists every kind in certificate order (codes 1 to 7).
var DisabilityKinds = []DisabilityKind{DisVisual, DisHearing, DisSpeech, DisPhysical, DisIntellectual, DisMental, DisMultiple}

// Valid reports whether k is a known kind.
func (k DisabilityKind) Valid() bool {
	for _, x := range DisabilityKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Disability is a disability record (残疾人证信息) from the disabled persons'
// federation: kind and grade (1 the most severe, 4 the least).
type Disability struct {
	ID            DisabilityID   `json:"id"`
	PersonID      PersonID       `json:"person_id"`
	RegionCode    region.Code    `json:"region_code"`
	Kind          DisabilityKind `json:"kind"`
	Grade         int            `json:"grade"`
	CertificateNo string         `json:"certificate_no,omitempty"`
	Issued        period.Date    `json:"issued"`
	Revoked       period.Date    `json:"revoked,omitzero"`
	Version       int64          `json:"version"`
}

// Severe reports whether the grade is 1 or 2 (重度).
func (d *Disability) Severe() bool { return d.Grade == 1 || d.Grade == 2 }

func (d *Disability) validate(today period.Date) fault.Problems {
	var pr fault.Problems
	if d.PersonID <= 0 {
		pr.Add("person_id", "is required")
	}
	if !d.Kind.Valid() {
		pr.Add("kind", "unknown disability kind %q", d.Kind)
	}
	if d.Grade < 1 || d.Grade > 4 {
		pr.Add("grade", "must be 1 to 4, not %d", d.Grade)
	}
	if len(d.CertificateNo) > 24 {
		pr.Add("certificate_no", "is longer than 24 characters")
	}
	if d.Issued.IsZero() {
		pr.Add("issued", "is required")
	} else if d.Issued > today {
		pr.Add("issued", "is in the future")
	}
	if !d.Revoked.IsZero() && d.Revoked < d.Issued {
		pr.Add("revoked", "is before the issue date %s", d.Issued)
	}
	return pr
}
