package assistance

import "testing"

// TestHouseholdStatus checks the precedence of a household's facts: 特困,
// then 低保, then 低保边缘, then 刚性支出困难, else none.
func TestHouseholdStatus(t *testing.T) {
	for _, tc := range []struct {
		name  string
		facts HouseholdStatusFacts
		want  Layer
	}{
		{"nothing", HouseholdStatusFacts{}, LayerNone},
		{"rigid expense only", HouseholdStatusFacts{RigidExpense: true}, LayerRigidExpense},
		{"edge only", HouseholdStatusFacts{DibaoEdge: true}, LayerDibaoEdge},
		{"edge outranks rigid expense", HouseholdStatusFacts{DibaoEdge: true, RigidExpense: true}, LayerDibaoEdge},
		{"dibao only", HouseholdStatusFacts{Dibao: true}, LayerDibao},
		{"a dibao award outranks a classification", HouseholdStatusFacts{Dibao: true, DibaoEdge: true, RigidExpense: true}, LayerDibao},
		{"tekun only", HouseholdStatusFacts{Tekun: true}, LayerTekun},
		{"tekun outranks dibao", HouseholdStatusFacts{Tekun: true, Dibao: true}, LayerTekun},
		{"tekun outranks everything", HouseholdStatusFacts{Tekun: true, Dibao: true, DibaoEdge: true, RigidExpense: true}, LayerTekun},
		{"a tekun award outranks a classification", HouseholdStatusFacts{Tekun: true, RigidExpense: true}, LayerTekun},
	} {
		if got := HouseholdStatus(tc.facts); got != tc.want {
			t.Errorf("%s: HouseholdStatus(%+v) = %q, want %q", tc.name, tc.facts, got, tc.want)
		}
	}
}
