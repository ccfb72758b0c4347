package main

import (
	"safetynet/internal/policy"
	"safetynet/internal/synth"
)

// syntheticPopulation returns n cases of entity for a what-if, the same for
// the same seed: the synthetic prefecture of synth.PolicyPopulation, with
// every input the policy package declares, as of today. It stands in for
// the registry until the registry holds incomes and contribution records.
// The population lives in the site's home region.
func syntheticPopulation(e env, pk *policy.Package, entity string, n int, seed int64) (*policy.Population, error) {
	j := e.site.juris
	return synth.PolicyPopulation(pk, entity, n, seed, e.site.clock().Today(), j.Tree, j.Home)
}
