package assistance

import (
	"fmt"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// batchIDs are the engine's ids of the str values the classification
// sets, looked up once.
type batchIDs struct {
	hhUrban, hhRural, pUrban, pRural int64
	selfCare                         map[SelfCare]int64
}

func newBatchIDs(pk *policy.Package) (*batchIDs, error) {
	ids := &batchIDs{selfCare: map[SelfCare]int64{}}
	var err error
	get := func(entity, input, value string) int64 {
		if err != nil {
			return 0
		}
		var id int64
		id, err = pk.StrID(entity, input, value)
		return id
	}
	ids.hhUrban, ids.hhRural = get("household", "hukou_type", "urban"), get("household", "hukou_type", "rural")
	ids.pUrban, ids.pRural = get("person", "hukou_type", "urban"), get("person", "hukou_type", "rural")
	for _, sc := range []SelfCare{SelfCareAble, SelfCarePartlyUnable, SelfCareUnable} {
		ids.selfCare[sc] = get("person", "self_care", string(sc))
	}
	if err != nil {
		return nil, fmt.Errorf("classification inputs: %w", err)
	}
	return ids, nil
}

// classifyBatch classifies the tests for month m with the columnar engine:
// the same programmes, inputs and order as explain, for a whole chunk of
// households at once. Tests need their totals and members, not their
// lines.
func classifyBatch(pk *policy.Package, ids *batchIDs, m period.Month, tests []MeansTest, workers int) ([]Classification, error) {
	n := len(tests)
	out := make([]Classification, n)
	if n == 0 {
		return out, nil
	}
	hh := policy.NewPopulation("household", n, "")
	regionOf := RegionIndexer(hh)
	cols := make([][]int64, 11)
	for i := range cols {
		cols[i] = make([]int64, n)
	}
	members := 0
	for i := range tests {
		t := &tests[i]
		hh.RegionIdx[i] = regionOf(t.RegionCode)
		cols[0][i] = int64(t.MemberCount)
		cols[1][i] = int64(t.TotalIncome)
		cols[2][i] = int64(t.Income12m)
		cols[3][i] = int64(t.FinancialAssets)
		cols[4][i] = int64(t.Vehicles)
		cols[5][i] = int64(t.Houses)
		cols[6][i] = int64(t.BusinessEntities)
		cols[7][i] = int64(t.RigidExpenses12m)
		cols[8][i] = b2i(t.HukouLocal)
		cols[9][i] = ids.hhRural
		if t.HukouType == "urban" {
			cols[9][i] = ids.hhUrban
		}
		members += len(t.Members)
	}
	for i, name := range []string{"members", "total_income", "income_12m", "financial_assets", "vehicles", "houses",
		"business_entities", "rigid_expenses_12m", "hukou_local", "hukou_type", "has_tekun_member"} {
		hh.Set(name, cols[i])
	}
	dibao, err := pk.EvaluateBatch(ProgDibao, m, hh, workers)
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}

	ps := policy.NewPopulation("person", members, "")
	ps.Regions = hh.Regions
	pc := make([][]int64, 10)
	for i := range pc {
		pc[i] = make([]int64, members)
	}
	row := 0
	for i := range tests {
		for j := range tests[i].Members {
			mem := &tests[i].Members[j]
			ps.RegionIdx[row] = hh.RegionIdx[i]
			pc[0][row] = int64(mem.BirthDate)
			pc[1][row] = 1
			pc[2][row] = b2i(mem.HukouLocal)
			pc[3][row] = ids.pRural
			if mem.HukouType == "urban" {
				pc[3][row] = ids.pUrban
			}
			pc[4][row] = int64(mem.DisabilityGrade)
			pc[5][row] = b2i(mem.UnableToWork)
			pc[6][row] = int64(mem.OwnIncome)
			pc[7][row] = b2i(mem.HasSupporter)
			pc[8][row] = 0 // 特困 before 低保: see memberInputs
			sc, ok := ids.selfCare[mem.SelfCare]
			if !ok {
				sc = ids.selfCare[SelfCareAble]
			}
			pc[9][row] = sc
			row++
		}
	}
	for i, name := range []string{"birth_date", "alive", "hukou_local", "hukou_type", "disability_grade", "unable_to_work",
		"own_income", "has_able_supporter", "in_dibao_household", "self_care"} {
		ps.Set(name, pc[i])
	}
	tekun, err := pk.EvaluateBatch(ProgTekun, m, ps, workers)
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	hasTekun := cols[10]
	tekunCount := make([]int, n)
	monitored := make([]bool, n)
	row = 0
	for i := range tests {
		for j := range tests[i].Members {
			if tekun.Eligible[row] {
				tekunCount[i]++
				hasTekun[i] = 1
			}
			monitored[i] = monitored[i] || tests[i].Members[j].Monitored
			row++
		}
	}
	edge, err := pk.EvaluateBatch(ProgDibaoEdge, m, hh, workers)
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	rigid, err := pk.EvaluateBatch(ProgRigidExpense, m, hh, workers)
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	for i := range tests {
		t := &tests[i]
		c := &out[i]
		*c = Classification{Period: m, HouseholdID: t.HouseholdID, RegionCode: t.RegionCode, TestID: t.ID,
			Layer:   layerOf(tekunCount[i] > 0, dibao.Eligible[i], edge.Eligible[i], rigid.Eligible[i], monitored[i]),
			Members: t.MemberCount, PerCapitaIncome: t.PerCapitaIncome(), TekunMembers: tekunCount[i], PolicyVersion: pk.Version}
		if dibao.Eligible[i] {
			c.DibaoAmount = money.Fen(dibao.Amount[i])
		}
	}
	return out, nil
}

// RegionIndexer gives each distinct region of a population its index in
// pop.Regions, which it fills.
func RegionIndexer(pop *policy.Population) func(region.Code) int32 {
	pop.Regions = pop.Regions[:0]
	idx := map[region.Code]int32{}
	return func(c region.Code) int32 {
		i, ok := idx[c]
		if !ok {
			i = int32(len(pop.Regions))
			idx[c] = i
			pop.Regions = append(pop.Regions, c)
		}
		return i
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
