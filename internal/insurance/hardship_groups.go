package insurance

// HardshipFact is the kind of record a 代缴 candidate row comes from: the
// store reports the record, HardshipGroupOf decides which group, if any, it
// puts the person in.
type HardshipFact string

// The records a person's 代缴 groups come from.
const (
	// FactTagged: civil affairs' hardship list of the year names the
	// person in a group (HardshipCandidate.Group).
	FactTagged HardshipFact = "tagged"
	// FactDisability: a disability certificate valid during the year, of
	// grade HardshipCandidate.Grade.
	FactDisability HardshipFact = "disability"
	// FactDibaoHousehold: a member of a household with a monthly 低保
	// award covering a month of the year.
	FactDibaoHousehold HardshipFact = "dibao_household"
	// FactTekunAward: a monthly 特困 award of the person covering a month
	// of the year.
	FactTekunAward HardshipFact = "tekun_award"
)

// HardshipGroupOf is the rule that turns one record of a person into a
// 代缴 group (docs/domain.md section 6.9: those the civil-affairs and
// disability registers name): a tag of civil affairs' list is its group; a
// certificate of grade 1 to severeMax (disability.severe_max_grade) is
// severe disability; membership of a 低保 household is 低保; a 特困 award
// is 特困. A record that names no group (a lighter disability, an unknown
// kind) gives ok false.
func HardshipGroupOf(c HardshipCandidate, severeMax int) (g HardshipGroup, ok bool) {
	switch c.Fact {
	case FactTagged:
		return c.Group, c.Group != ""
	case FactDisability:
		if c.Grade >= 1 && c.Grade <= severeMax {
			return GroupSevereDisability, true
		}
	case FactDibaoHousehold:
		return GroupDibao, true
	case FactTekunAward:
		return GroupTekun, true
	}
	return "", false
}
