package policy

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// randomHouseholds builds n households over two counties.
func randomHouseholds(pk *Package, r *rand.Rand, n int) *Population {
	pop := NewPopulation("household", n, "652301001001")
	pop.Regions = append(pop.Regions, region.Code("652302001001"))
	members, income, assets, local, htype := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	urban, _ := pk.StrID("household", "hukou_type", "urban")
	rural, _ := pk.StrID("household", "hukou_type", "rural")
	for i := range n {
		pop.RegionIdx[i] = int32(r.IntN(2))
		members[i] = 1 + r.Int64N(6)
		income[i] = r.Int64N(members[i] * 150000)
		if r.IntN(10) == 0 {
			income[i] = members[i] * 72000 // exactly at a standard
		}
		assets[i] = r.Int64N(50_000_00)
		local[i] = b2i(r.IntN(10) > 0)
		htype[i] = []int64{urban, rural}[r.IntN(2)]
	}
	pop.Set("members", members)
	pop.Set("total_income", income)
	pop.Set("financial_assets", assets)
	pop.Set("hukou_local", local)
	pop.Set("hukou_type", htype)
	return pop
}

// randomPersons builds n persons aged 0 to 105.
func randomPersons(pk *Package, r *rand.Rand, n int, on period.Date) *Population {
	pop := NewPopulation("person", n, "652301001001")
	birth, gender, alive, grade, dibao, wix, years, group := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	groups := []string{"male", "female_cadre", "female_worker"}
	for i := range n {
		birth[i] = int64(on.AddDays(-r.IntN(105 * 366)))
		g, _ := pk.StrID("person", "retirement_group", groups[r.IntN(3)])
		group[i] = g
		gender[i], _ = pk.StrID("person", "gender", []string{"M", "F"}[r.IntN(2)])
		alive[i] = b2i(r.IntN(50) > 0)
		grade[i] = r.Int64N(5)
		dibao[i] = b2i(r.IntN(8) == 0)
		wix[i] = 600_000 + r.Int64N(2_400_001) // 0.6 to 3.0
		years[i] = r.Int64N(45)
	}
	for name, col := range map[string][]int64{"birth_date": birth, "gender": gender, "alive": alive, "disability_grade": grade,
		"in_dibao_household": dibao, "wage_index": wix, "years": years, "retirement_group": group} {
		pop.Set(name, col)
	}
	return pop
}

// agree checks that the columnar and the row-wise engine decide every row
// of pop alike.
func agree(t *testing.T, pk *Package, id string, per period.Month, pop *Population) {
	t.Helper()
	br, err := pk.EvaluateBatch(id, per, pop, 2)
	if err != nil {
		t.Fatalf("EvaluateBatch(%s): %v", id, err)
	}
	n := 0
	for i := range pop.N {
		d, err := pk.Evaluate(id, per, pk.Case(pop, i))
		if err != nil {
			t.Fatalf("%s row %d: row-wise failed where the batch did not: %v", id, i, err)
		}
		if d.Eligible != br.Eligible[i] || int64(d.Amount) != br.Amount[i] {
			t.Fatalf("%s row %d: row-wise eligible %v amount %d, columnar eligible %v amount %d (%s)",
				id, i, d.Eligible, d.Amount, br.Eligible[i], br.Amount[i], d.Why())
		}
		if d.Eligible {
			n++
		}
	}
	if n == 0 || n == pop.N {
		t.Errorf("%s: %d of %d eligible: the random population does not exercise both outcomes", id, n, pop.N)
	}
}

func TestDifferential(t *testing.T) {
	pk := loadBasic(t)
	r := rand.New(rand.NewPCG(1, 2))
	for _, per := range []period.Month{period.NewMonth(2024, time.June), period.NewMonth(2025, time.January)} {
		hh := randomHouseholds(pk, r, 5000)
		agree(t, pk, "dibao", per, hh)
		agree(t, pk, "dibao_edge", per, hh)
		ps := randomPersons(pk, r, 5000, per.Last())
		agree(t, pk, "high_age_allowance", per, ps)
		agree(t, pk, "pension_basic", per, ps)
	}
}

func TestBatchErrorNamesRow(t *testing.T) {
	pk := loadBasic(t)
	pop := randomHouseholds(pk, rand.New(rand.NewPCG(3, 4)), 3000)
	col, _ := pop.Column("members")
	col[2500] = 0
	_, err := pk.EvaluateBatch("dibao", period.NewMonth(2025, 1), pop, 2)
	if err == nil {
		t.Fatal("a household of 0 members: no error")
	}
	if want := "row 2500"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("error %q, want it to name %s and the division by zero", err, want)
	}
}

// FuzzEngines feeds random inputs to both engines: they must agree on the
// decision, or both fail.
func FuzzEngines(f *testing.F) {
	f.Add(int64(3), int64(150000), int64(0), true, int32(20000), int64(1_000_000), int64(30), uint8(0), uint16(2025*12))
	f.Add(int64(0), int64(0), int64(0), false, int32(0), int64(-5), int64(-1), uint8(2), uint16(2024*12+5))
	f.Add(int64(9e18), int64(9e18), int64(-9e18), true, int32(1), int64(9e15), int64(9e12), uint8(1), uint16(2030*12))
	pk := loadBasic(f)
	f.Fuzz(func(t *testing.T, members, income, assets int64, local bool, birthOffset int32, wix, years int64, group uint8, month uint16) {
		per := period.Month(int32(month)%(12*30) + 2020*12)
		hh := NewPopulation("household", 1, "652301001001")
		urban, _ := pk.StrID("household", "hukou_type", "urban")
		hh.Set("members", []int64{members})
		hh.Set("total_income", []int64{income})
		hh.Set("financial_assets", []int64{assets})
		hh.Set("hukou_local", []int64{b2i(local)})
		hh.Set("hukou_type", []int64{urban})
		ps := NewPopulation("person", 1, "652302001001")
		g, _ := pk.StrID("person", "retirement_group", []string{"male", "female_cadre", "female_worker"}[group%3])
		m, _ := pk.StrID("person", "gender", "M")
		birth := int64(per.First()) - int64(birthOffset%50000)
		if birth <= 0 {
			birth = 1
		}
		for name, v := range map[string]int64{"birth_date": birth, "gender": m, "alive": b2i(local), "disability_grade": members % 5,
			"in_dibao_household": b2i(!local), "wage_index": wix, "years": years, "retirement_group": g} {
			ps.Set(name, []int64{v})
		}
		for _, c := range []struct {
			id  string
			pop *Population
		}{{"dibao", hh}, {"dibao_edge", hh}, {"high_age_allowance", ps}, {"pension_basic", ps}} {
			br, berr := pk.EvaluateBatch(c.id, per, c.pop, 1)
			d, rerr := pk.Evaluate(c.id, per, pk.Case(c.pop, 0))
			if (berr == nil) != (rerr == nil) {
				t.Fatalf("%s: columnar error %v, row-wise error %v", c.id, berr, rerr)
			}
			if berr != nil {
				continue
			}
			if d.Eligible != br.Eligible[0] || int64(d.Amount) != br.Amount[0] {
				t.Fatalf("%s: row-wise %v/%d, columnar %v/%d", c.id, d.Eligible, d.Amount, br.Eligible[0], br.Amount[0])
			}
		}
	})
}

func TestWhatIf(t *testing.T) {
	pk := loadBasic(t)
	pop := randomHouseholds(pk, rand.New(rand.NewPCG(5, 6)), 4000)
	per := period.NewMonth(2025, time.March)
	o, err := ParseOverride("dibao.standard=900@2025-01")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := pk.WhatIf("dibao", per, pop, []Override{o}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 2 || rep.Rows[0].Region != "652301" || rep.Rows[1].Region != "652302" {
		t.Fatalf("rows = %+v, want the two counties", rep.Rows)
	}
	// Recompute both sides by hand from the row-wise engine.
	var beforeN, afterN int
	var beforeT, afterT int64
	for i := range pop.N {
		c := pk.Case(pop, i)
		d, _ := pk.Evaluate("dibao", per, c)
		if d.Eligible {
			beforeN++
			beforeT += int64(d.Amount)
		}
		members, _ := pop.Column("members")
		income, _ := pop.Column("total_income")
		assets, _ := pop.Column("financial_assets")
		local, _ := pop.Column("hukou_local")
		pci := roundDec(mustDiv(income[i], members[i]))
		if local[i] == 1 && pci < 90000 && assets[i] <= 90000*24*members[i] {
			afterN++
			afterT += (90000 - pci) * members[i]
		}
	}
	if rep.Total.Before.Count != beforeN || int64(rep.Total.Before.Total) != beforeT {
		t.Errorf("before = %+v, want %d / %d", rep.Total.Before, beforeN, beforeT)
	}
	if rep.Total.After.Count != afterN || int64(rep.Total.After.Total) != afterT {
		t.Errorf("after = %+v, want %d / %d", rep.Total.After, afterN, afterT)
	}
	if rep.Total.DeltaCount <= 0 || rep.Total.DeltaTotal <= 0 {
		t.Errorf("raising the standard did not raise beneficiaries and cost: %+v", rep.Total)
	}
	// A county-only override changes only that county.
	o2, _ := ParseOverride("dibao.standard@652302=900@2025-01-01")
	rep2, err := pk.WhatIf("dibao", per, pop, []Override{o2}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Rows[0].DeltaCount != 0 || rep2.Rows[0].DeltaTotal != 0 || rep2.Rows[1].DeltaTotal <= 0 {
		t.Errorf("county override rows = %+v", rep2.Rows)
	}
	if _, err := pk.WhatIf("dibao", per, pop, []Override{{Key: "no.such", From: per.First(), Value: "1"}}, 2); err == nil {
		t.Error("unknown parameter: no error")
	}
}

func mustDiv(a, b int64) int64 {
	a, _ = toDecOK(a)
	b, _ = toDecOK(b)
	v, _ := decDivOK(a, b)
	return v
}

func TestBatchRefusesBadColumns(t *testing.T) {
	pk := loadBasic(t)
	for _, tc := range []struct {
		input string
		v     int64
	}{{"total_income", -1}, {"hukou_local", 2}, {"members", -2}} {
		pop := randomHouseholds(pk, rand.New(rand.NewPCG(7, 8)), 100)
		col, _ := pop.Column(tc.input)
		col[42] = tc.v
		_, err := pk.EvaluateBatch("dibao", period.NewMonth(2025, 1), pop, 2)
		if err == nil || !strings.Contains(err.Error(), "inputs."+tc.input) || !strings.Contains(err.Error(), "row 42") {
			t.Errorf("%s = %d in row 42: error %v, want it to name the input and the row", tc.input, tc.v, err)
		}
	}
}

// TestBatchTotalOverflow: amounts that each fit in an int64 but whose sum
// does not make the batch (and so a what-if report) fail with ErrOverflow,
// not a wrapped total.
func TestBatchTotalOverflow(t *testing.T) {
	pk := loadBasic(t)
	pop := randomHouseholds(pk, rand.New(rand.NewPCG(7, 8)), 40)
	members, _ := pop.Column("members")
	income, _ := pop.Column("total_income")
	assets, _ := pop.Column("financial_assets")
	local, _ := pop.Column("hukou_local")
	for i := range pop.N {
		members[i], income[i], assets[i], local[i] = 1, 0, 0, 1
	}
	// A standard of 3×10^15 yuan: each household's amount (3×10^17 fen)
	// and its asset limit fit in an int64, the sum of 40 does not.
	o, err := ParseOverride("dibao.standard=3000000000000000@2025-01")
	if err != nil {
		t.Fatal(err)
	}
	per := period.NewMonth(2025, time.March)
	if rep, err := pk.WhatIf("dibao", per, pop, []Override{o}, 1); !errors.Is(err, money.ErrOverflow) {
		t.Fatalf("WhatIf = %+v, %v; want an ErrOverflow", rep, err)
	}
}
