package registry

import (
	"time"
	"unicode/utf8"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// OrgID is an organisation's surrogate key.
type OrgID int64

// OrgSize is the enterprise size class (企业规模, 大中小微).
type OrgSize string

// The size classes.
const (
	SizeMicro  OrgSize = "micro"
	SizeSmall  OrgSize = "small"
	SizeMedium OrgSize = "medium"
	SizeLarge  OrgSize = "large"
)

// Valid reports whether s is a known size class.
func (s OrgSize) Valid() bool {
	return s == SizeMicro || s == SizeSmall || s == SizeMedium || s == SizeLarge
}

// Organisation is an employer or other registered organisation (参保单位).
type Organisation struct {
	ID   OrgID    `json:"id"`
	USCC ids.USCC `json:"uscc"`
	// USCCFlags records checksum problems accepted in lenient mode: such a
	// code is held for review against the tax or market register.
	USCCFlags ids.Flags `json:"uscc_flags,omitempty"`
	Name      string    `json:"name"`
	// IndustryCode is the GB/T 4754 industry class: a section letter A-T
	// followed by 2 to 4 digits, e.g. "C1711".
	IndustryCode string      `json:"industry_code"`
	Size         OrgSize     `json:"size"`
	RegionCode   region.Code `json:"region_code"`
	Address      string      `json:"address,omitempty"`
	// Status is active until the employer is closed (单位注销); ClosedOn
	// is the closing date and CloseReason why. A closed employer is
	// neither assessed nor enrols anyone.
	Status      OrgStatus   `json:"status"`
	ClosedOn    period.Date `json:"closed_on,omitzero"`
	CloseReason string      `json:"close_reason,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	Version     int64       `json:"version"`
}

// OrgStatus is an organisation's state.
type OrgStatus string

// The organisation statuses.
const (
	OrgActive OrgStatus = "active" // 正常
	OrgClosed OrgStatus = "closed" // 已注销
)

// Closed reports whether the organisation is closed.
func (o *Organisation) Closed() bool { return o.Status == OrgClosed }

// NeedsReview reports whether the code was accepted with a bad checksum.
func (o *Organisation) NeedsReview() bool { return o.USCCFlags != 0 }

func (o *Organisation) validate() fault.Problems {
	var pr fault.Problems
	code, flags, err := ids.ParseUSCC(string(o.USCC), ids.Lenient)
	if err != nil {
		pr.Add("uscc", "%v", err)
	} else {
		o.USCC, o.USCCFlags = code, flags
	}
	n := utf8.RuneCountInString(o.Name)
	if n == 0 {
		pr.Add("name", "is required")
	} else if n > 120 {
		pr.Add("name", "is longer than 120 characters")
	}
	if !validIndustry(o.IndustryCode) {
		pr.Add("industry_code", "must be a GB/T 4754 class: a letter A-T and 2 to 4 digits, e.g. C1711")
	}
	if !o.Size.Valid() {
		pr.Add("size", "must be micro, small, medium or large, not %q", o.Size)
	}
	checkRegion(&pr, "region_code", o.RegionCode, true)
	if utf8.RuneCountInString(o.Address) > 200 {
		pr.Add("address", "is longer than 200 characters")
	}
	return pr
}

func validIndustry(s string) bool {
	if len(s) < 3 || len(s) > 5 || s[0] < 'A' || s[0] > 'T' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// OrgFilter selects organisations for a list.
type OrgFilter struct {
	Region region.Code
	USCC   string
	Name   string
	Page
}

func (o *Organisation) home() region.Code    { return o.RegionCode }
func (o *Organisation) clone() *Organisation { c := *o; return &c }
func (o *Organisation) version() int64       { return o.Version }
func (o *Organisation) key() int64           { return int64(o.ID) }
func (o *Organisation) keep(old *Organisation, version int64) {
	o.ID, o.Version, o.CreatedAt = old.ID, version, old.CreatedAt
}
