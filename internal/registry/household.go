package registry

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// HouseholdID is a household's surrogate key.
type HouseholdID int64

// Relation is a member's relationship to the household head (与户主关系).
type Relation string

// The relations.
const (
	RelHead        Relation = "head"        // 户主
	RelSpouse      Relation = "spouse"      // 配偶
	RelChild       Relation = "child"       // 子女
	RelParent      Relation = "parent"      // 父母
	RelGrandchild  Relation = "grandchild"  // 孙子女
	RelGrandparent Relation = "grandparent" // 祖父母
	RelSibling     Relation = "sibling"     // 兄弟姐妹
	RelChildInLaw  Relation = "child_in_law"
	RelOther       Relation = "other" // 其他
)

// Valid reports whether r is a known relation.
func (r Relation) Valid() bool {
	switch r {
	case RelHead, RelSpouse, RelChild, RelParent, RelGrandchild, RelGrandparent, RelSibling, RelChildInLaw, RelOther:
		return true
	}
	return false
}

// Member is a person's place in a household.
type Member struct {
	PersonID PersonID `json:"person_id"`
	Relation Relation `json:"relation"`
}

// Household is a family that is assessed and assisted together (家庭): one
// head and the members who live and share income with them. A person is a
// member of at most one household.
type Household struct {
	ID         HouseholdID `json:"id"`
	RegionCode region.Code `json:"region_code"`
	HukouType  HukouType   `json:"hukou_type"`
	Address    string      `json:"address,omitempty"`
	Members    []Member    `json:"members"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	Version    int64       `json:"version"`
}

// Head returns the head's person ID, or 0 if there is no head.
func (h *Household) Head() PersonID {
	for _, m := range h.Members {
		if m.Relation == RelHead {
			return m.PersonID
		}
	}
	return 0
}

func (h *Household) validate() fault.Problems {
	var pr fault.Problems
	checkRegion(&pr, "region_code", h.RegionCode, true)
	if !h.HukouType.Valid() {
		pr.Add("hukou_type", "must be urban or rural, not %q", h.HukouType)
	}
	if utf8.RuneCountInString(h.Address) > 200 {
		pr.Add("address", "is longer than 200 characters")
	}
	if len(h.Members) == 0 {
		pr.Add("members", "a household needs at least its head")
	}
	if len(h.Members) > 30 {
		pr.Add("members", "more than 30 members")
	}
	heads := 0
	seen := make(map[PersonID]bool, len(h.Members))
	for i, m := range h.Members {
		f := "members[" + strconv.Itoa(i) + "]"
		if m.PersonID <= 0 {
			pr.Add(f+".person_id", "is required")
		} else if seen[m.PersonID] {
			pr.Add(f+".person_id", "person %d is listed twice", m.PersonID)
		}
		seen[m.PersonID] = true
		if !m.Relation.Valid() {
			pr.Add(f+".relation", "unknown relation %q", m.Relation)
		}
		if m.Relation == RelHead {
			heads++
		}
	}
	if len(h.Members) > 0 && heads != 1 {
		pr.Add("members", "a household has exactly one head, not %d", heads)
	}
	return pr
}

// HouseholdFilter selects households for a list.
type HouseholdFilter struct {
	Region region.Code
	// PersonID finds the household a person belongs to.
	PersonID PersonID
	Page
}

func (h *Household) home() region.Code { return h.RegionCode }
func (h *Household) version() int64    { return h.Version }
func (h *Household) key() int64        { return int64(h.ID) }
func (h *Household) clone() *Household {
	c := *h
	c.Members = slices.Clone(h.Members)
	return &c
}
func (h *Household) keep(old *Household, version int64) {
	h.ID, h.Version, h.CreatedAt = old.ID, version, old.CreatedAt
}
