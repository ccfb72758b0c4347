package policies_test

import (
	"strings"
	"testing"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/synth"
	"safetynet/policies"
)

// TestPolicyPackage loads the embedded policy package and runs every
// programme's policy tests.
func TestPolicyPackage(t *testing.T) {
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatalf("load policies: %v", err)
	}
	results := pk.RunTests()
	perProg := map[string]int{}
	for _, r := range results {
		perProg[r.Programme]++
		if len(r.Failures) > 0 {
			t.Errorf("%s:%d: %s: %s: %s", r.Test.File, r.Test.Line, r.Programme, r.Test.Name, strings.Join(r.Failures, "; "))
		}
	}
	for _, p := range pk.Programmes() {
		if perProg[p.ID] < 5 {
			t.Errorf("programme %s has %d policy tests, want at least 5", p.ID, perProg[p.ID])
		}
	}
	want := []string{"dibao", "tekun", "dibao_edge", "rigid_expense", "temporary_assistance", "heating_assistance",
		"high_age_allowance", "disability_living_subsidy", "disability_care_subsidy", "festival_subsidy",
		"resident_pension_premium_subsidy", "job_stabilization_refund", "unemployment_benefit", "employee_pension",
		"resident_pension", "work_injury_disability"}
	for _, id := range want {
		if _, ok := pk.Programme(id); !ok {
			t.Errorf("programme %s is missing", id)
		}
	}
}

// TestEnginesAgreeOnEveryProgramme decides every programme over a
// synthetic population with both engines, row by row.
func TestEnginesAgreeOnEveryProgramme(t *testing.T) {
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := 1500
	if testing.Short() {
		n = 200
	}
	for _, per := range []period.Month{period.NewMonth(2024, time.November), period.NewMonth(2025, time.July)} {
		pops := map[string]*policy.Population{}
		for _, e := range policy.EntityNames {
			if pops[e], err = synth.PolicyPopulation(pk, e, n, int64(per), per.Last(), tree, region.Changji); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range pk.Programmes() {
			pop := pops[p.Entity]
			br, err := pk.EvaluateBatch(p.ID, per, pop, 2)
			if err != nil {
				t.Fatalf("%s %s: columnar: %v", p.ID, per, err)
			}
			for i := range pop.N {
				d, err := pk.Evaluate(p.ID, per, pk.Case(pop, i))
				if err != nil {
					t.Fatalf("%s %s row %d: row-wise failed where the columnar engine did not: %v", p.ID, per, i, err)
				}
				if d.Eligible != br.Eligible[i] || int64(d.Amount) != br.Amount[i] {
					t.Fatalf("%s %s row %d: row-wise %v/%d, columnar %v/%d", p.ID, per, i, d.Eligible, d.Amount, br.Eligible[i], br.Amount[i])
				}
			}
		}
	}
}
