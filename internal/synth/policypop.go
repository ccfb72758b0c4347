package synth

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// PolicyPopulation returns n synthetic cases of a policy entity (person,
// household or organisation) with every input the policy package declares,
// for what-if runs and benchmarks before the registry holds incomes and
// contribution records. The same seed gives the same population.
//
// Rows are spread over the villages of the prefecture's counties by their
// 2010 census shares (Zhundong 0.5%), persons follow the age pyramid of the
// registry generator (ageBands), and each input follows a distribution named
// in inputGen; an input the generator does not know yet gets a plain value of
// its type, so a new input never breaks a what-if.
func PolicyPopulation(pk *policy.Package, entity string, n int, seed int64, today period.Date, tree *region.Tree, home region.Code) (*policy.Population, error) {
	ent, ok := pk.Entities[entity]
	if !ok {
		return nil, fmt.Errorf("policy population: no entity %q", entity)
	}
	if n <= 0 {
		return nil, fmt.Errorf("policy population: want at least 1 case, not %d", n)
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	pop := policy.NewPopulation(entity, n, home)
	regions, weights := villageWeights(tree)
	pop.Regions = regions
	pick := newTable(weights)
	for i := range n {
		pop.RegionIdx[i] = int32(pick.pick(r))
	}
	g := &popGen{pk: pk, entity: entity, r: r, n: n, today: today, cols: map[string][]int64{}}
	names := ent.InputNames()
	// Some inputs depend on others: generate the anchors first.
	sort.SliceStable(names, func(i, j int) bool { return anchorRank(names[i]) < anchorRank(names[j]) })
	for _, name := range names {
		col, err := g.column(ent.Inputs[name])
		if err != nil {
			return nil, err
		}
		g.cols[name] = col
		pop.Set(name, col)
	}
	return pop, nil
}

// villageWeights returns the villages and their weights: each county's
// census share spread evenly over its villages.
func villageWeights(tree *region.Tree) ([]region.Code, []float64) {
	var codes []region.Code
	var weights []float64
	total := 0
	for _, c := range tree.Counties() {
		total += c.Population2010
	}
	for _, c := range tree.Counties() {
		share := float64(c.Population2010) / float64(total)
		if c.Population2010 == 0 {
			share = 0.005
		}
		vs := tree.Descendants(c.Code, region.Village)
		for _, v := range vs {
			codes = append(codes, v.Code)
			weights = append(weights, share/float64(len(vs)))
		}
	}
	return codes, weights
}

func anchorRank(name string) int {
	switch name {
	case "birth_date", "members", "size", "gender", "kind", "household_layer":
		return 0
	case "insured_avg_prev_year", "contribution_months", "total_income", "disability_grade", "household_income_known":
		return 1
	}
	return 2
}

type popGen struct {
	pk     *policy.Package
	entity string
	r      *rand.Rand
	n      int
	today  period.Date
	cols   map[string][]int64
}

func (g *popGen) str(input string, weights map[string]float64) ([]int64, error) {
	in := g.pk.Entities[g.entity].Inputs[input]
	ids := make([]int64, len(in.Values))
	w := make([]float64, len(in.Values))
	for i, v := range in.Values {
		id, err := g.pk.StrID(g.entity, input, v)
		if err != nil {
			return nil, err
		}
		ids[i] = id
		w[i] = 1
		if x, ok := weights[v]; ok {
			w[i] = x
		}
	}
	t := newTable(w)
	out := make([]int64, g.n)
	for i := range out {
		out[i] = ids[t.pick(g.r)]
	}
	return out, nil
}

func (g *popGen) each(f func(i int) int64) []int64 {
	out := make([]int64, g.n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

func (g *popGen) chance(p float64) int64 { return int64(b2i(g.r.Float64() < p)) }

// yuan draws a whole number of yuan in [lo, hi), in fen.
func (g *popGen) yuan(lo, hi int64) int64 { return (lo + g.r.Int64N(max(hi-lo, 1))) * 100 }

func (g *popGen) age(i int) int {
	if b, ok := g.cols["birth_date"]; ok {
		return period.AgeAt(period.Date(b[i]), g.today)
	}
	return 40
}

func (g *popGen) column(in *policy.Input) ([]int64, error) {
	if f, ok := g.known(in.Name); ok {
		return f()
	}
	switch in.Kind {
	case "str":
		return g.str(in.Name, nil)
	case "bool":
		return g.each(func(int) int64 { return g.chance(0.5) }), nil
	case "money":
		return g.each(func(int) int64 { return g.yuan(0, 5000) }), nil
	case "dec":
		return g.each(func(int) int64 { return 600_000 + g.r.Int64N(2_400_001) }), nil
	case "date":
		return g.each(func(int) int64 { return int64(g.today.AddDays(-g.r.IntN(365 * 30))) }), nil
	}
	return g.each(func(int) int64 { return g.r.Int64N(11) }), nil
}

// known returns the generator of an input whose meaning it knows.
func (g *popGen) known(name string) (func() ([]int64, error), bool) {
	if g.entity == "signal" {
		if f, ok := g.signalInput(name); ok {
			return f, true
		}
	}
	ages := newTable(func() []float64 {
		w := make([]float64, maxAge+1)
		for _, b := range ageBands {
			for a := b.from; a <= b.to; a++ {
				w[a] = b.share / float64(b.to-b.from+1)
			}
		}
		return w
	}())
	plain := func(f func(i int) int64) func() ([]int64, error) {
		return func() ([]int64, error) { return g.each(f), nil }
	}
	gens := map[string]func() ([]int64, error){
		// person
		"birth_date": plain(func(int) int64 {
			return int64(g.today.AddDays(-(ages.pick(g.r)*365 + g.r.IntN(365))))
		}),
		"gender":           func() ([]int64, error) { return g.str("gender", map[string]float64{"M": 0.515, "F": 0.485}) },
		"alive":            plain(func(int) int64 { return g.chance(0.994) }),
		"hukou_local":      plain(func(int) int64 { return g.chance(0.92) }),
		"hukou_type":       func() ([]int64, error) { return g.str("hukou_type", map[string]float64{"urban": 0.55, "rural": 0.45}) },
		"disability_grade": plain(func(i int) int64 { return g.grade(i) }),
		"disability_kind": func() ([]int64, error) {
			kinds, err := g.str("disability_kind", map[string]float64{"none": 0, "physical": 45, "visual": 15, "hearing": 14, "intellectual": 8, "mental": 9, "speech": 3, "multiple": 6})
			if err != nil {
				return nil, err
			}
			none, err := g.pk.StrID("person", "disability_kind", "none")
			grades := g.cols["disability_grade"]
			for i := range kinds {
				if grades != nil && grades[i] == 0 {
					kinds[i] = none
				}
			}
			return kinds, err
		},
		"in_dibao_household":      plain(func(int) int64 { return g.chance(0.035) }),
		"in_dibao_edge_household": plain(func(int) int64 { return g.chance(0.02) }),
		"tekun":                   plain(func(i int) int64 { return g.chance(map[bool]float64{true: 0.02, false: 0.001}[g.age(i) >= 60]) }),
		"low_income_monitored":    plain(func(int) int64 { return g.chance(0.01) }),
		"unable_to_work":          plain(func(i int) int64 { return g.chance(map[bool]float64{true: 0.3, false: 0.03}[g.age(i) >= 70]) }),
		"own_income":              plain(func(i int) int64 { return g.personIncome(i) }),
		"has_able_supporter":      plain(func(int) int64 { return g.chance(0.9) }),
		"self_care": func() ([]int64, error) {
			return g.str("self_care", map[string]float64{"able": 93, "partly_unable": 5, "unable": 2})
		},
		"work_injury_nursing_allowance": plain(func(int) int64 { return g.chance(0.0005) }),
		"retirement_group": func() ([]int64, error) {
			out, err := g.str("retirement_group", map[string]float64{"male": 0, "female_cadre": 0.4, "female_worker": 0.6})
			if err != nil {
				return nil, err
			}
			male, err := g.pk.StrID("person", "retirement_group", "male")
			m, _ := g.pk.StrID("person", "gender", "M")
			if gender := g.cols["gender"]; gender != nil {
				for i := range out {
					if gender[i] == m {
						out[i] = male
					}
				}
			}
			return out, err
		},
		"contribution_months": plain(func(i int) int64 {
			a := g.age(i)
			if a < 20 {
				return 0
			}
			return int64(float64(min(a-18, 42)*12) * (0.2 + 0.8*g.r.Float64()))
		}),
		"deemed_months": plain(func(i int) int64 {
			if a := g.age(i); a > 48 {
				return int64(g.r.IntN(min(a-48, 15)*12 + 1))
			}
			return 0
		}),
		"avg_wage_index":    plain(func(int) int64 { return 600_000 + int64(g.r.ExpFloat64()*500_000)%2_400_001 }),
		"deemed_wage_index": plain(func(int) int64 { return 1_000_000 }),
		"account_balance": plain(func(i int) int64 {
			if cm := g.cols["contribution_months"]; cm != nil {
				return cm[i] * g.yuan(250, 900)
			}
			return g.yuan(0, 200000)
		}),
		"pension_start": plain(func(i int) int64 {
			b := period.Date(g.cols["birth_date"][i])
			return int64(period.NewMonth(b.Year()+60, b.MonthOfYear()).Add(1).First())
		}),
		"draws_employee_pension":           plain(func(i int) int64 { return g.chance(map[bool]float64{true: 0.55, false: 0}[g.age(i) >= 60]) }),
		"resident_pension_enrolled":        plain(func(i int) int64 { return g.chance(map[bool]float64{true: 0.75, false: 0}[g.age(i) >= 16]) }),
		"resident_contribution_years":      plain(func(i int) int64 { return int64(g.r.IntN(min(max(g.age(i)-16, 0), 30) + 1)) }),
		"resident_contribution_exempt":     plain(func(i int) int64 { return int64(b2i(g.age(i) >= 60+(g.today.Year()-2014))) }),
		"resident_account_balance":         plain(func(i int) int64 { return g.yuan(0, 30000) }),
		"unemployment_contribution_months": plain(func(i int) int64 { return int64(g.r.IntN(min(max(g.age(i)-18, 0), 30)*12 + 1)) }),
		"separation": func() ([]int64, error) {
			return g.str("separation", map[string]float64{"contract_expired": 30, "terminated_by_employer": 20, "employer_closed": 10, "resigned_for_employer_fault": 5, "resigned_voluntarily": 35})
		},
		"registered_unemployed": plain(func(i int) int64 {
			return g.chance(map[bool]float64{true: 0.03, false: 0}[g.age(i) >= 18 && g.age(i) < 60])
		}),
		"unemployment_months_drawn": plain(func(int) int64 { return g.r.Int64N(25) }),
		"injury_grade": plain(func(int) int64 {
			if g.r.Float64() < 0.003 {
				return 1 + g.r.Int64N(10)
			}
			return 0
		}),
		"work_injury_insured": plain(func(int) int64 { return g.chance(0.9) }),
		"own_monthly_wage":    plain(func(int) int64 { return g.yuan(2500, 12000) }),
		// household
		"members": plain(func(int) int64 {
			return []int64{1, 2, 3, 4, 5, 6}[newTable([]float64{18, 27, 26, 17, 8, 4}).pick(g.r)]
		}),
		"total_income":       plain(func(i int) int64 { return g.members(i) * g.perCapitaIncome() }),
		"income_12m":         plain(func(i int) int64 { return g.cols["total_income"][i] * 12 * (90 + g.r.Int64N(21)) / 100 }),
		"financial_assets":   plain(func(i int) int64 { return g.members(i) * g.yuan(0, int64(1+g.r.IntN(60000))) }),
		"vehicles":           plain(func(int) int64 { return int64(newTable([]float64{55, 38, 7}).pick(g.r)) }),
		"houses":             plain(func(int) int64 { return int64(newTable([]float64{8, 80, 12}).pick(g.r)) }),
		"business_entities":  plain(func(int) int64 { return int64(newTable([]float64{90, 9, 1}).pick(g.r)) }),
		"has_tekun_member":   plain(func(int) int64 { return g.chance(0.005) }),
		"rigid_expenses_12m": plain(func(i int) int64 { return g.members(i) * g.yuan(0, int64(2000+g.r.IntN(30000))) }),
		"assistance_status": func() ([]int64, error) {
			return g.str("assistance_status", map[string]float64{"none": 93, "dibao": 3.5, "tekun": 0.5, "dibao_edge": 2, "rigid_expense": 1})
		},
		"heating_type": func() ([]int64, error) {
			return g.str("heating_type", map[string]float64{"central": 50, "self_heating": 45, "provided": 5})
		},
		"hardship_type":                     func() ([]int64, error) { return g.str("hardship_type", nil) },
		"emergency_expense":                 plain(func(int) int64 { return g.yuan(0, 40000) }),
		"temporary_assistance_received_12m": plain(func(int) int64 { return map[bool]int64{true: g.yuan(500, 5000), false: 0}[g.r.Float64() < 0.05] }),
		// organisation
		"size": func() ([]int64, error) {
			return g.str("size", map[string]float64{"micro": 60, "small": 30, "medium": 8, "large": 2})
		},
		"treated_as_sme":        plain(func(int) int64 { return g.chance(0.05) }),
		"insured_avg_prev_year": plain(func(i int) int64 { return g.insured(i) }),
		"new_claimants_prev_year": plain(func(i int) int64 {
			ins := g.cols["insured_avg_prev_year"][i]
			return int64(float64(ins) * 0.06 * g.r.ExpFloat64() * 0.5)
		}),
		"months_paid":             plain(func(int) int64 { return map[bool]int64{true: 12, false: g.r.Int64N(12)}[g.r.Float64() < 0.9] }),
		"premiums_paid_prev_year": plain(func(i int) int64 { return g.cols["insured_avg_prev_year"][i] * g.yuan(500, 1100) }),
		"seriously_dishonest":     plain(func(int) int64 { return g.chance(0.01) }),
		"deregistered":            plain(func(int) int64 { return g.chance(0.005) }),
	}
	f, ok := gens[name]
	return f, ok
}

func (g *popGen) grade(i int) int64 {
	p := disabilityByAge(g.age(i))
	if g.r.Float64() >= p {
		return 0
	}
	return int64(1 + newTable([]float64{10, 20, 30, 40}).pick(g.r))
}

func (g *popGen) personIncome(i int) int64 {
	a := g.age(i)
	if a < 18 {
		return 0
	}
	if a >= 60 {
		return g.yuan(0, 3500)
	}
	if g.r.Float64() < 0.3 {
		return 0
	}
	return g.yuan(1500, 9000)
}

// perCapitaIncome draws a monthly income per member: 6% far below the
// assistance lines, 12% near them, the rest spread up to 9,000 yuan.
func (g *popGen) perCapitaIncome() int64 {
	switch x := g.r.Float64(); {
	case x < 0.06:
		return g.yuan(0, 700)
	case x < 0.18:
		return g.yuan(700, 1600)
	default:
		return g.yuan(1600, 9000)
	}
}

func (g *popGen) members(i int) int64 {
	if m := g.cols["members"]; m != nil {
		return m[i]
	}
	return 1
}

func (g *popGen) insured(i int) int64 {
	size := g.cols["size"]
	if size == nil {
		return 1 + g.r.Int64N(50)
	}
	bounds := map[string][2]int64{"micro": {1, 10}, "small": {10, 100}, "medium": {100, 300}, "large": {300, 3000}}
	for name, b := range bounds {
		if id, err := g.pk.StrID("organisation", "size", name); err == nil && id == size[i] {
			return b[0] + g.r.Int64N(b[1]-b[0])
		}
	}
	return 1 + g.r.Int64N(50)
}

// signalInput returns the generator of an input of a monitoring signal
// (风险信号) whose meaning differs from the same name elsewhere: hospital
// bills are the most common signal and unemployment next; amounts belong to
// bills, disaster losses and income drops only, a grade to new
// disabilities only; one household in seven is in a low-income layer, and
// those and a quarter of the others have a means test that gives the
// 12-month income.
func (g *popGen) signalInput(name string) (func() ([]int64, error), bool) {
	is := func(i int, kind string) bool {
		id, err := g.pk.StrID("signal", "kind", kind)
		return err == nil && g.cols["kind"] != nil && g.cols["kind"][i] == id
	}
	plain := func(f func(i int) int64) func() ([]int64, error) {
		return func() ([]int64, error) { return g.each(f), nil }
	}
	switch name {
	case "kind":
		return func() ([]int64, error) {
			return g.str("kind", map[string]float64{"hospital_bill": 40, "unemployment": 20, "income_drop": 12, "new_disability": 10,
				"disaster": 10, "earner_death": 8})
		}, true
	case "amount":
		return plain(func(i int) int64 {
			switch {
			case is(i, "hospital_bill"):
				return g.yuan(500, 80000)
			case is(i, "disaster"):
				return g.yuan(0, 50000)
			case is(i, "income_drop"):
				return g.yuan(0, 60000)
			}
			return 0
		}), true
	case "disability_grade":
		return plain(func(i int) int64 {
			if !is(i, "new_disability") {
				return 0
			}
			return int64(1 + newTable([]float64{10, 20, 30, 40}).pick(g.r))
		}), true
	case "household_layer":
		return func() ([]int64, error) {
			return g.str("household_layer", map[string]float64{"none": 85, "low_income": 4, "rigid_expense": 2, "dibao_edge": 3, "dibao": 5, "tekun": 1})
		}, true
	case "household_income_known":
		return plain(func(i int) int64 {
			none, err := g.pk.StrID("signal", "household_layer", "none")
			if err == nil && g.cols["household_layer"] != nil && g.cols["household_layer"][i] != none {
				return 1
			}
			return g.chance(0.25)
		}), true
	case "household_income_12m":
		return plain(func(i int) int64 {
			if k := g.cols["household_income_known"]; k != nil && k[i] == 0 {
				return 0
			}
			return g.members(i) * g.perCapitaIncome() * 12
		}), true
	}
	return nil, false
}
