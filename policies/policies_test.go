package policies_test

import (
	"strings"
	"testing"

	"safetynet/internal/policy"
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
