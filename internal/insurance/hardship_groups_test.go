package insurance

import "testing"

// TestHardshipGroupOf checks which 代缴 group each kind of record gives: a
// list tag its own group, a disability certificate severe disability only
// up to the severe grade, a 低保 household 低保, a 特困 award 特困.
func TestHardshipGroupOf(t *testing.T) {
	const severeMax = 2
	for _, tc := range []struct {
		name   string
		c      HardshipCandidate
		want   HardshipGroup
		wantOK bool
	}{
		{"tagged low income", HardshipCandidate{Fact: FactTagged, Group: GroupLowIncome}, GroupLowIncome, true},
		{"tagged dibao", HardshipCandidate{Fact: FactTagged, Group: GroupDibao}, GroupDibao, true},
		{"tagged with no group", HardshipCandidate{Fact: FactTagged}, "", false},
		{"grade 1", HardshipCandidate{Fact: FactDisability, Grade: 1}, GroupSevereDisability, true},
		{"grade at the severe maximum", HardshipCandidate{Fact: FactDisability, Grade: severeMax}, GroupSevereDisability, true},
		{"grade past the severe maximum", HardshipCandidate{Fact: FactDisability, Grade: severeMax + 1}, "", false},
		{"no grade", HardshipCandidate{Fact: FactDisability}, "", false},
		{"dibao household", HardshipCandidate{Fact: FactDibaoHousehold}, GroupDibao, true},
		{"tekun award", HardshipCandidate{Fact: FactTekunAward}, GroupTekun, true},
		{"unknown record", HardshipCandidate{Fact: "pension"}, "", false},
	} {
		g, ok := HardshipGroupOf(tc.c, severeMax)
		if g != tc.want || ok != tc.wantOK {
			t.Errorf("%s: HardshipGroupOf(%+v) = %q, %v; want %q, %v", tc.name, tc.c, g, ok, tc.want, tc.wantOK)
		}
	}
}
