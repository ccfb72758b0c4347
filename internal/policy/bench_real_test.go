package policy_test

import (
	"sync"
	"testing"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/synth"
	"safetynet/policies"
)

// The benchmark on the real policy package: 1.6 million persons and
// 533 thousand households of the synthetic prefecture, deciding 低保
// (eligibility and amount), the high-age allowance and the employee pension
// (eligibility and amount each): six output values per person-month.

var realWorld = sync.OnceValues(func() (*realBench, error) {
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		return nil, err
	}
	tree, err := region.Default()
	if err != nil {
		return nil, err
	}
	today := period.MustDate(2025, time.June, 30)
	ps, err := synth.PolicyPopulation(pk, "person", 1_600_000, 1, today, tree)
	if err != nil {
		return nil, err
	}
	hh, err := synth.PolicyPopulation(pk, "household", 533_000, 1, today, tree)
	if err != nil {
		return nil, err
	}
	return &realBench{pk: pk, ps: ps, hh: hh}, nil
})

type realBench struct {
	pk     *policy.Package
	ps, hh *policy.Population
}

func BenchmarkRealColumnar(b *testing.B) {
	w, err := realWorld()
	if err != nil {
		b.Fatal(err)
	}
	per := period.NewMonth(2025, time.June)
	b.ResetTimer()
	for b.Loop() {
		for _, c := range []struct {
			id  string
			pop *policy.Population
		}{{"dibao", w.hh}, {"high_age_allowance", w.ps}, {"employee_pension", w.ps}} {
			if _, err := w.pk.EvaluateBatch(c.id, per, c.pop, 0); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(6*w.ps.N*b.N)/b.Elapsed().Seconds()/1e6, "Mvalues/s")
}

func BenchmarkRealRowWise(b *testing.B) {
	w, err := realWorld()
	if err != nil {
		b.Fatal(err)
	}
	per := period.NewMonth(2025, time.June)
	cases := make([]policy.Case, 1000)
	for i := range cases {
		cases[i] = w.pk.Case(w.ps, i*1597)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := w.pk.Evaluate("employee_pension", per, cases[i%len(cases)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
