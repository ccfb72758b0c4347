package main

import (
	"fmt"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/synth"
)

// syntheticPopulation returns n cases of entity for a what-if, the same for
// the same seed: the synthetic prefecture of synth.PolicyPopulation, with
// every input the policy package declares, as of today. It stands in for
// the registry until the registry holds incomes and contribution records.
func syntheticPopulation(pk *policy.Package, entity string, n int, seed int64) (*policy.Population, error) {
	tree, err := region.Default()
	if err != nil {
		return nil, fmt.Errorf("synthetic population: %w", err)
	}
	today := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600)))
	return synth.PolicyPopulation(pk, entity, n, seed, today, tree)
}
