package synth

import (
	"slices"
	"testing"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/policies"
)

func TestPolicyPopulation(t *testing.T) {
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	today := period.MustDate(2025, time.June, 30)
	for _, entity := range policy.EntityNames {
		a, err := PolicyPopulation(pk, entity, 20000, 9, today, tree, region.Changji)
		if err != nil {
			t.Fatalf("%s: %v", entity, err)
		}
		b, _ := PolicyPopulation(pk, entity, 20000, 9, today, tree, region.Changji)
		for _, name := range pk.Entities[entity].InputNames() {
			ca, ok := a.Column(name)
			if !ok {
				t.Fatalf("%s: input %s not generated", entity, name)
			}
			cb, _ := b.Column(name)
			if !slices.Equal(ca, cb) {
				t.Errorf("%s.%s differs between two runs with one seed", entity, name)
			}
		}
	}
	// A whole programme runs on it with both outcomes present.
	hh, _ := PolicyPopulation(pk, "household", 50000, 1, today, tree, region.Changji)
	res, err := pk.EvaluateBatch("dibao", period.NewMonth(2025, time.June), hh, 0)
	if err != nil {
		t.Fatal(err)
	}
	share := float64(res.Count) / float64(hh.N)
	if share < 0.01 || share > 0.15 {
		t.Errorf("低保 share of synthetic households = %.3f, want between 1%% and 15%%", share)
	}
	ps, _ := PolicyPopulation(pk, "person", 50000, 1, today, tree, region.Changji)
	res, err = pk.EvaluateBatch("high_age_allowance", period.NewMonth(2025, time.June), ps, 0)
	if err != nil {
		t.Fatal(err)
	}
	if share := float64(res.Count) / float64(ps.N); share < 0.012 || share > 0.03 {
		t.Errorf("high-age allowance share = %.4f, want about 2%% (80+ and local)", share)
	}
}

// TestSignalPopulation grades synthetic monitoring signals: some show no
// risk, and each risk level occurs.
func TestSignalPopulation(t *testing.T) {
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	pop, err := PolicyPopulation(pk, "signal", 20000, 3, period.MustDate(2025, time.June, 30), tree, region.Changji)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pk.EvaluateBatch("low_income_risk", period.NewMonth(2025, time.June), pop, 0)
	if err != nil {
		t.Fatal(err)
	}
	levels := map[int64]int{}
	for i, e := range res.Eligible {
		if e {
			levels[res.Amount[i]]++
		}
	}
	share := float64(res.Count) / float64(pop.N)
	if share < 0.2 || share > 0.9 || levels[1] == 0 || levels[2] == 0 || levels[3] == 0 || len(levels) != 3 {
		t.Errorf("signals at risk = %.2f by level %v, want 20%%-90%% with levels 1, 2 and 3 only", share, levels)
	}
}
