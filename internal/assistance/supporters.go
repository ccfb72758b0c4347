package assistance

import (
	"fmt"

	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// supporterRelations lists, for a member's relation to the household head,
// the relations to the head of the members who are their legal supporters
// (法定赡养、抚养、扶养义务人, Civil Code arts. 1059, 1067, 1074): the spouse,
// the parents and the children. Only the pairs the relation to the head
// decides are listed: a grandchild's parent may be the head's child or
// child-in-law, a parent's spouse may be a step-parent, so those are left to
// the investigation.
var supporterRelations = map[registry.Relation][]registry.Relation{
	registry.RelHead:   {registry.RelSpouse, registry.RelParent, registry.RelChild}, // spouse, parents, children
	registry.RelSpouse: {registry.RelHead, registry.RelChild},                       // spouse, children
	registry.RelChild:  {registry.RelHead, registry.RelSpouse},                      // parents
	registry.RelParent: {registry.RelHead},                                          // child
}

// legalSupporters decides each member's HasSupporter from the registry
// household h where it can, and reports the members it cannot decide and
// for whom no answer was stated.
//
// The rule: a member has a legal supporter able to support them when
// another member counted by the test is, by their relations to the head in
// the registry household, their spouse, parent or child, and that member is
// able to work on the first day of the test's month: of working age, from
// tekun.minor_age to under tekun.elderly_age (16 to 59), not assessed
// unable to work and not severely disabled (grade 1 to
// disability.severe_max_grade), the parameters in force that day.
// Such a supporter is a fact of the registry and wins over an answer of
// false. When the household holds no such supporter, one may still live
// elsewhere, which the registry does not record: the answer must then be
// stated, and a member left without one is a problem on
// members[i].has_supporter. A stated or given true is kept: it never
// favours eligibility.
func legalSupporters(pk *policy.Package, h *registry.Household, t *MeansTest, pr *fault.Problems) error {
	if t.Period.IsZero() {
		return nil
	}
	on := t.Period.First()
	var ab ability
	for _, x := range []struct {
		key string
		v   *int64
	}{{"tekun.minor_age", &ab.from}, {"tekun.elderly_age", &ab.to}, {"disability.severe_max_grade", &ab.severe}} {
		v, _, err := pk.Value(x.key, on, t.RegionCode)
		if err != nil {
			return &fault.Error{Code: fault.Invalid, Message: "means test parameters not in force", Err: err, Fields: map[string]string{"period": err.Error()}}
		}
		*x.v = v
	}
	rel := map[registry.PersonID]registry.Relation{}
	if h != nil {
		for _, m := range h.Members {
			rel[m.PersonID] = m.Relation
		}
	}
	for i := range t.Members {
		m := &t.Members[i]
		if m.PersonID <= 0 {
			continue
		}
		if hasSupporterIn(t, m, rel, on, ab) {
			m.HasSupporter = true
			continue
		}
		if !m.HasSupporter && !m.SupporterStated {
			pr.Add(fmt.Sprintf("members[%d].has_supporter", i),
				"is required: the registry household holds no spouse, parent or child of person %d able to support them, so say whether a legal supporter (赡养、抚养、扶养义务人) elsewhere is able to", m.PersonID)
		}
	}
	return nil
}

// ability is the working-age band and the severe disability grades, as
// the policy parameters give them on a date.
type ability struct {
	from, to int64 // working age: from ≤ age < to
	severe   int64 // grades 1 to severe are severe disability
}

// able reports whether m is able to work on the date.
func (ab ability) able(m *Member, on period.Date) bool {
	age := int64(period.AgeAt(m.BirthDate, on))
	return age >= ab.from && age < ab.to && !m.UnableToWork && !(m.DisabilityGrade >= 1 && int64(m.DisabilityGrade) <= ab.severe)
}

// hasSupporterIn reports whether a member counted by t is m's legal
// supporter and able to work on the date, by the relations in rel.
func hasSupporterIn(t *MeansTest, m *Member, rel map[registry.PersonID]registry.Relation, on period.Date, ab ability) bool {
	r, ok := rel[m.PersonID]
	if !ok {
		return false
	}
	for j := range t.Members {
		s := &t.Members[j]
		if s.PersonID == m.PersonID || s.BirthDate.IsZero() {
			continue
		}
		sr, ok := rel[s.PersonID]
		if !ok {
			continue
		}
		for _, want := range supporterRelations[r] {
			if sr == want && ab.able(s, on) {
				return true
			}
		}
	}
	return false
}
