package policy_test

import (
	"io/fs"
	"sync"
	"testing"
	"testing/fstest"
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

// basicPension is the basic-pension formula of employee_pension
// (基础养老金 = C × (1 + Z) / 2 × N × 1%), with its eligibility, as a
// programme of its own over the real parameters: the third rule of the
// issue's benchmark.
const basicPension = `id: basic_pension
name: {zh: 基础养老金, en: Basic pension (formula of employee_pension)}
entity: person
period: month
variables:
  wage_index: min(max(avg_wage_index, p.social_insurance.base_floor_ratio), p.social_insurance.base_ceiling_ratio)
  total_contribution_months: contribution_months + deemed_months
conditions:
  person_alive: alive
  reached_retirement_age: months_between(birth_date, period_start) >= retirement_age_months(birth_date, retirement_group)
amount: round(p.employee_pension.base * (1 + wage_index) / 2 * total_contribution_months / 12 * p.employee_pension.basic_pension_rate_per_year)
`

// withBasicPension is the embedded package plus basicPension.
func withBasicPension() (fs.FS, error) {
	m := fstest.MapFS{}
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(policies.FS, path)
		m[path] = &fstest.MapFile{Data: b}
		return err
	})
	m["cn/programmes/basic_pension.yaml"] = &fstest.MapFile{Data: []byte(basicPension)}
	return m, err
}

var realWorld = sync.OnceValues(func() (*realBench, error) {
	fsys, err := withBasicPension()
	if err != nil {
		return nil, err
	}
	pk, err := policy.Load(fsys, policy.PensionFuncs()...)
	if err != nil {
		return nil, err
	}
	tree, err := region.Default()
	if err != nil {
		return nil, err
	}
	today := period.MustDate(2025, time.June, 30)
	ps, err := synth.PolicyPopulation(pk, "person", 1_600_000, 1, today, tree, region.Changji)
	if err != nil {
		return nil, err
	}
	hh, err := synth.PolicyPopulation(pk, "household", 533_000, 1, today, tree, region.Changji)
	if err != nil {
		return nil, err
	}
	return &realBench{pk: pk, ps: ps, hh: hh}, nil
})

type realBench struct {
	pk     *policy.Package
	ps, hh *policy.Population
}

// BenchmarkRealSpec is the rule set on the real package: 低保, the
// high-age allowance and the basic-pension formula.
func BenchmarkRealSpec(b *testing.B) {
	benchReal(b, "basic_pension")
}

// BenchmarkRealColumnar replaces the basic formula by the whole employee
// pension award (basic, account and transitional pension, flexible
// retirement and the minimum contribution schedule).
func BenchmarkRealColumnar(b *testing.B) {
	benchReal(b, "employee_pension")
}

func benchReal(b *testing.B, pension string) {
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
		}{{"dibao", w.hh}, {"high_age_allowance", w.ps}, {pension, w.ps}} {
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
