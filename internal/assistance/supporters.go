package assistance

import (
	"fmt"

	"safetynet/internal/fault"
	"safetynet/internal/period"
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
// able to work on the first day of the test's month (16 to 59, not
// assessed unable to work, not disabled of grade 1 or 2; see ableToWork).
// Such a supporter is a fact of the registry and wins over an answer of
// false. When the household holds no such supporter, one may still live
// elsewhere, which the registry does not record: the answer must then be
// stated, and a member left without one is a problem on
// members[i].has_supporter. A stated or given true is kept: it never
// favours eligibility.
func legalSupporters(h *registry.Household, t *MeansTest, pr *fault.Problems) {
	if t.Period.IsZero() {
		return
	}
	on := t.Period.First()
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
		if hasSupporterIn(t, m, rel, on) {
			m.HasSupporter = true
			continue
		}
		if !m.HasSupporter && !m.SupporterStated {
			pr.Add(fmt.Sprintf("members[%d].has_supporter", i),
				"is required: the registry household holds no spouse, parent or child of person %d able to support them, so say whether a legal supporter (赡养、抚养、扶养义务人) elsewhere is able to", m.PersonID)
		}
	}
}

// hasSupporterIn reports whether a member counted by t is m's legal
// supporter and able to work on the date, by the relations in rel.
func hasSupporterIn(t *MeansTest, m *Member, rel map[registry.PersonID]registry.Relation, on period.Date) bool {
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
			if sr == want && ableToWork(s, on) {
				return true
			}
		}
	}
	return false
}
