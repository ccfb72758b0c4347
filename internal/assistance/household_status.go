package assistance

// HouseholdStatusFacts are the records that decide a household's recognised
// category for the household allowances: each flag is one fact the store
// reads, with no precedence applied.
type HouseholdStatusFacts struct {
	// Tekun: a member has an active 特困 award.
	Tekun bool
	// Dibao: the household has an active 低保 award.
	Dibao bool
	// DibaoEdge: the household's latest classification up to the month is
	// 低保边缘.
	DibaoEdge bool
	// RigidExpense: the household's latest classification up to the month
	// is 刚性支出困难.
	RigidExpense bool
}

// HouseholdStatus is the rule that turns the facts of a household into its
// one recognised category (screening.HouseholdBasis.Status), most severe first as
// docs/domain.md (sections 6.1 and 6.4) ranks the low-income layers: an
// active award (特困, then 低保) outranks a classification, and 低保边缘
// outranks 刚性支出困难, which is only for households in none of the others.
// 特困 and 低保 exclude each other (docs/domain.md section 6.3); where the
// records hold both, 特困 wins. A household with none of the facts is
// LayerNone.
func HouseholdStatus(f HouseholdStatusFacts) Layer {
	switch {
	case f.Tekun:
		return LayerTekun
	case f.Dibao:
		return LayerDibao
	case f.DibaoEdge:
		return LayerDibaoEdge
	case f.RigidExpense:
		return LayerRigidExpense
	default:
		return LayerNone
	}
}
