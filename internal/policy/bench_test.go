package policy

import (
	"math/rand/v2"
	"testing"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/region"
)

// The prefecture-scale benchmark of the issue: 1.6 million persons in 533
// thousand households, built in memory from Go slices, deciding 低保
// (household: eligibility and amount), the high-age allowance and the basic
// pension formula (person: eligibility and amount each) — six output values
// per person-month.

const (
	benchPersons    = 1_600_000
	benchHouseholds = 533_000
)

type benchPerson struct {
	Birth     period.Date
	Male      bool
	Alive     bool
	WageIndex int64 // dec
	Years     int64
	Group     uint8
	Region    int32
}

type benchHousehold struct {
	Members int64
	Income  int64
	Assets  int64
	Local   bool
	Urban   bool
	Region  int32
}

// benchWorld is the synthetic population as plain Go slices.
type benchWorld struct {
	persons    []benchPerson
	households []benchHousehold
	regions    []region.Code
}

func newBenchWorld() *benchWorld {
	r := rand.New(rand.NewPCG(42, 7))
	tree, _ := region.Default()
	w := &benchWorld{}
	for _, v := range tree.Villages() {
		w.regions = append(w.regions, v.Code)
	}
	on := period.MustDate(2025, time.June, 30)
	w.persons = make([]benchPerson, benchPersons)
	for i := range w.persons {
		w.persons[i] = benchPerson{Birth: on.AddDays(-r.IntN(100 * 366)), Male: r.IntN(2) == 0, Alive: r.IntN(100) > 0,
			WageIndex: 600_000 + r.Int64N(2_400_001), Years: r.Int64N(45), Group: uint8(r.IntN(3)), Region: int32(r.IntN(len(w.regions)))}
	}
	w.households = make([]benchHousehold, benchHouseholds)
	for i := range w.households {
		m := 1 + r.Int64N(6)
		w.households[i] = benchHousehold{Members: m, Income: r.Int64N(m * 200000), Assets: r.Int64N(10_000_000), Local: r.IntN(10) > 0,
			Urban: r.IntN(2) == 0, Region: int32(r.IntN(len(w.regions)))}
	}
	return w
}

// build turns the slices into columnar populations.
func (w *benchWorld) build(pk *Package) (*Population, *Population) {
	male, _ := pk.StrID("person", "gender", "M")
	female, _ := pk.StrID("person", "gender", "F")
	groups := [3]int64{}
	for i, g := range []string{"male", "female_cadre", "female_worker"} {
		groups[i], _ = pk.StrID("person", "retirement_group", g)
	}
	n := len(w.persons)
	ps := &Population{Entity: "person", N: n, cols: map[string][]int64{}, RegionIdx: make([]int32, n), Regions: w.regions}
	birth, gender, alive, grade, dibao, wix, years, group := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i := range w.persons {
		p := &w.persons[i]
		birth[i] = int64(p.Birth)
		gender[i] = female
		if p.Male {
			gender[i] = male
		}
		alive[i] = b2i(p.Alive)
		wix[i], years[i], group[i] = p.WageIndex, p.Years, groups[p.Group]
		ps.RegionIdx[i] = p.Region
	}
	for name, col := range map[string][]int64{"birth_date": birth, "gender": gender, "alive": alive, "disability_grade": grade,
		"in_dibao_household": dibao, "wage_index": wix, "years": years, "retirement_group": group} {
		ps.Set(name, col)
	}
	urban, _ := pk.StrID("household", "hukou_type", "urban")
	rural, _ := pk.StrID("household", "hukou_type", "rural")
	m := len(w.households)
	hh := &Population{Entity: "household", N: m, cols: map[string][]int64{}, RegionIdx: make([]int32, m), Regions: w.regions}
	members, income, assets, local, htype := make([]int64, m), make([]int64, m), make([]int64, m), make([]int64, m), make([]int64, m)
	for i := range w.households {
		h := &w.households[i]
		members[i], income[i], assets[i], local[i] = h.Members, h.Income, h.Assets, b2i(h.Local)
		htype[i] = rural
		if h.Urban {
			htype[i] = urban
		}
		hh.RegionIdx[i] = h.Region
	}
	hh.Set("members", members)
	hh.Set("total_income", income)
	hh.Set("financial_assets", assets)
	hh.Set("hukou_local", local)
	hh.Set("hukou_type", htype)
	return ps, hh
}

func computeAll(b *testing.B, pk *Package, ps, hh *Population, per period.Month) {
	for _, c := range []struct {
		id  string
		pop *Population
	}{{"dibao", hh}, {"high_age_allowance", ps}, {"pension_basic", ps}} {
		if _, err := pk.EvaluateBatch(c.id, per, c.pop, 0); err != nil {
			b.Fatal(err)
		}
	}
}

var benchWorldCache *benchWorld

func world() *benchWorld {
	if benchWorldCache == nil {
		benchWorldCache = newBenchWorld()
	}
	return benchWorldCache
}

// BenchmarkColumnar computes the six values per person-month over the built
// population.
func BenchmarkColumnar(b *testing.B) {
	pk := loadBasic(b)
	ps, hh := world().build(pk)
	per := period.NewMonth(2025, time.June)
	b.ResetTimer()
	for b.Loop() {
		computeAll(b, pk, ps, hh, per)
	}
	b.ReportMetric(float64(6*benchPersons*b.N)/b.Elapsed().Seconds()/1e6, "Mvalues/s")
}

// BenchmarkBuildAndCompute builds the columns from the Go slices and
// computes, as a screening run does each period.
func BenchmarkBuildAndCompute(b *testing.B) {
	pk := loadBasic(b)
	w := world()
	per := period.NewMonth(2025, time.June)
	b.ResetTimer()
	for b.Loop() {
		ps, hh := w.build(pk)
		computeAll(b, pk, ps, hh, per)
	}
	b.ReportMetric(float64(benchPersons*b.N)/b.Elapsed().Seconds()/1e6, "Mpersons/s")
}

// BenchmarkRowWise decides one household's 低保 with its full explanation.
func BenchmarkRowWise(b *testing.B) {
	pk := loadBasic(b)
	c := household(3, 150000, 1000, true)
	per := period.NewMonth(2025, time.June)
	for b.Loop() {
		if _, err := pk.Evaluate("dibao", per, c); err != nil {
			b.Fatal(err)
		}
	}
}
