package assistance

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/policies"
)

func loadPolicies(t testing.TB) *policy.Package {
	t.Helper()
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

// testHousehold is an urban household of Changji City (652301) with the
// given members' monthly incomes (in fen, as 12-month lines), no assets and
// no expenses; members are adults of 40 able to work.
func testHousehold(incomes ...money.Fen) *MeansTest {
	t := &MeansTest{ID: 1, HouseholdID: 7, RegionCode: "652301001001", Period: period.NewMonth(2025, time.June),
		HukouType: registry.HukouUrban, HukouLocal: true, Source: SourceInvestigation}
	for i, inc := range incomes {
		id := registry.PersonID(100 + i)
		t.Members = append(t.Members, Member{PersonID: id, Relation: registry.RelHead, SelfCare: SelfCareAble, HasSupporter: true,
			BirthDate: period.MustDate(1985, time.March, 1), HukouLocal: true, HukouType: registry.HukouUrban})
		if inc > 0 {
			t.Lines = append(t.Lines, Line{PersonID: id, Kind: IncomeWage, Amount: inc * 12})
		}
	}
	return t
}

// TestClassifyThresholds puts households just under and just over each
// threshold of the classification and checks the layer, the same from the
// row-wise and the columnar engine, and that the explanation names the
// threshold with the date it took effect.
func TestClassifyThresholds(t *testing.T) {
	pk := loadPolicies(t)
	june, july := period.NewMonth(2025, time.June), period.NewMonth(2025, time.July)
	elderly := func(own money.Fen, supporter bool) *MeansTest {
		h := testHousehold(own)
		h.Members[0].BirthDate = period.MustDate(1950, time.January, 1)
		h.Members[0].UnableToWork = true
		h.Members[0].HasSupporter = supporter
		return h
	}
	with := func(h *MeansTest, f func(*MeansTest)) *MeansTest { f(h); return h }
	for _, tc := range []struct {
		name   string
		test   *MeansTest
		month  period.Month
		want   Layer
		reason string // a fragment the explanation must hold
	}{
		// 低保 standard of 昌吉市: 750.00 from 2024-01-01, 780.00 from 2025-07-01.
		{"per capita just under the dibao standard", testHousehold(74_999), june, LayerDibao, "dibao.standard.urban = 750.00 yuan from 2024-01-01"},
		{"per capita at the dibao standard", testHousehold(75_000), june, LayerDibaoEdge, "income_below_standard fails (per_capita_income < standard) with per_capita_income = 75000, standard = 75000"},
		{"two members averaging just under", testHousehold(100_000, 49_998), june, LayerDibao, "eligible, amount 0.02"},
		{"the standard raised on 2025-07-01", testHousehold(76_000), july, LayerDibao, "dibao.standard.urban = 780.00 yuan from 2025-07-01"},
		{"the same income before the raise", testHousehold(76_000), june, LayerDibaoEdge, "dibao.standard.urban = 750.00 yuan from 2024-01-01"},
		// 低保边缘: below 1.5 × 750.00 = 1,125.00.
		{"just under the edge line", testHousehold(112_499), june, LayerDibaoEdge, "dibao_edge.income_multiplier = 1.5 from"},
		{"at the edge line", testHousehold(112_500), june, LayerNone, "income_below_edge_line fails (per_capita_income < edge_line) with per_capita_income = 112500, edge_line = 112500"},
		// Financial assets: at most 24 months of the standard per member.
		{"deposits at the asset limit", with(testHousehold(50_000), func(h *MeansTest) {
			h.Lines = append(h.Lines, Line{Kind: AssetDeposit, Amount: 1_800_000})
		}), june, LayerDibao, "dibao.assets.financial_months_of_standard = 24 from"},
		{"deposits a fen over the limit", with(testHousehold(50_000), func(h *MeansTest) {
			h.Lines = append(h.Lines, Line{Kind: AssetDeposit, Amount: 1_800_001})
		}), june, LayerNone, "financial_assets_within_limit fails"},
		{"a car rules dibao out", with(testHousehold(50_000), func(h *MeansTest) {
			h.Lines = append(h.Lines, Line{Kind: AssetVehicle, Quantity: 1})
		}), june, LayerNone, "vehicles_within_limit fails"},
		{"an exempt mobility vehicle does not", with(testHousehold(50_000), func(h *MeansTest) {
			h.Lines = append(h.Lines, Line{Kind: AssetVehicle, Quantity: 1, Exempt: true, Note: "残疾人代步车"})
		}), june, LayerDibao, "eligible"},
		// 刚性支出困难 (national measures from 2024-10-24): per capita over
		// 12 months below 47,000.00 (昌吉市 2025) and rigid expenses over
		// 60% of income.
		{"rigid expenses just over 60% of income", with(testHousehold(150_000, 150_000), func(h *MeansTest) {
			h.Lines = append(h.Lines, Line{Kind: ExpenseMedical, Amount: 2_160_001})
		}), june, LayerRigidExpense, "rigid_expense.expense_to_income_ratio = 60% from"},
		{"rigid expenses at 60% of income", with(testHousehold(150_000, 150_000), func(h *MeansTest) {
			h.Lines = append(h.Lines, Line{Kind: ExpenseMedical, Amount: 2_160_000})
		}), june, LayerNone, "rigid_expenses_above_share_of_income fails"},
		{"income just under the disposable income", with(testHousehold(0, 0), func(h *MeansTest) {
			h.Lines = append(h.Lines, Line{PersonID: 100, Kind: IncomeBusiness, Amount: 9_399_998}, Line{Kind: ExpenseMedical, Amount: 6_000_000})
		}), june, LayerRigidExpense, "statistics.disposable_income_per_capita.urban = 47,000.00 yuan from 2025-01-01"},
		{"income at the disposable income", with(testHousehold(0, 0), func(h *MeansTest) {
			h.Lines = append(h.Lines, Line{PersonID: 100, Kind: IncomeBusiness, Amount: 9_400_000}, Line{Kind: ExpenseMedical, Amount: 6_000_000})
		}), june, LayerNone, "income_below_local_disposable_income fails"},
		// 特困: 60 or over, unable to work, no able supporter, own income
		// under the 低保 standard.
		{"elderly alone without a supporter, own income just under", elderly(74_999, false), june, LayerTekun, "tekun.elderly_age = 60 from 2014-05-01"},
		{"with an able supporter", elderly(0, true), june, LayerDibao, "no_able_supporter fails"},
		{"own income at the standard", elderly(75_000, false), june, LayerDibaoEdge, "no_means_of_living fails"},
		// Other low-income: a monitored member and no other layer.
		{"monitored, above the lines", with(testHousehold(300_000), func(h *MeansTest) { h.Members[0].Monitored = true }), june, LayerLowIncome, "not eligible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.test.Compute()
			ex, err := explain(pk, tc.test, tc.month)
			if err != nil {
				t.Fatal(err)
			}
			if ex.Layer != tc.want {
				t.Errorf("layer = %s, want %s\nreasons:\n%s", ex.Layer, tc.want, strings.Join(ex.Reasons, "\n"))
			}
			if all := strings.Join(ex.Reasons, "\n"); !strings.Contains(all, tc.reason) {
				t.Errorf("reasons do not say %q:\n%s", tc.reason, all)
			}
			ids, err := newBatchIDs(pk)
			if err != nil {
				t.Fatal(err)
			}
			got, err := classifyBatch(pk, ids, tc.month, []MeansTest{*tc.test}, 1)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ex.Classification, got[0]); diff != "" {
				t.Errorf("columnar classification differs from row-wise (-row +columnar):\n%s", diff)
			}
		})
	}
}

// TestClassifyBatchAgrees classifies random households both ways.
func TestClassifyBatchAgrees(t *testing.T) {
	pk := loadPolicies(t)
	ids, err := newBatchIDs(pk)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	tests := make([]MeansTest, 400)
	codes := []string{"652301001001", "652302001001", "652323001001", "652328001001"}
	for i := range tests {
		h := MeansTest{ID: TestID(i + 1), HouseholdID: registry.HouseholdID(i + 1), RegionCode: regionOf(codes[r.IntN(len(codes))]),
			HukouType: []registry.HukouType{registry.HukouUrban, registry.HukouRural}[r.IntN(2)], HukouLocal: r.IntN(10) > 0}
		for j := range 1 + r.IntN(5) {
			id := registry.PersonID(i*10 + j + 1)
			h.Members = append(h.Members, Member{PersonID: id, SelfCare: []SelfCare{SelfCareAble, SelfCarePartlyUnable, SelfCareUnable}[r.IntN(3)],
				UnableToWork: r.IntN(3) == 0, HasSupporter: r.IntN(2) == 0, Monitored: r.IntN(20) == 0,
				BirthDate:       period.MustDate(1930+r.IntN(90), time.Month(1+r.IntN(12)), 1+r.IntN(28)),
				DisabilityGrade: []int{0, 0, 0, 1, 2, 3, 4}[r.IntN(7)], HukouLocal: r.IntN(10) > 0, HukouType: h.HukouType})
			if r.IntN(3) > 0 {
				h.Lines = append(h.Lines, Line{PersonID: id, Kind: IncomeWage, Amount: money.Fen(r.Int64N(2_000_000))})
			}
		}
		if r.IntN(3) == 0 {
			h.Lines = append(h.Lines, Line{Kind: ExpenseMedical, Amount: money.Fen(r.Int64N(5_000_000))})
		}
		if r.IntN(3) == 0 {
			h.Lines = append(h.Lines, Line{Kind: AssetDeposit, Amount: money.Fen(r.Int64N(5_000_000))})
		}
		h.Compute()
		tests[i] = h
	}
	for _, m := range []period.Month{period.NewMonth(2024, time.June), period.NewMonth(2025, time.August)} {
		got, err := classifyBatch(pk, ids, m, tests, 2)
		if err != nil {
			t.Fatal(err)
		}
		layers := map[Layer]int{}
		for i := range tests {
			ex, err := explain(pk, &tests[i], m)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ex.Classification, got[i]); diff != "" {
				t.Fatalf("%s household %d: columnar differs from row-wise (-row +columnar):\n%s", m, i+1, diff)
			}
			layers[got[i].Layer]++
		}
		// The random households must reach several layers, or the
		// comparison proves little.
		if len(layers) < 4 {
			t.Errorf("%s: layers reached %v, want at least 4 different", m, layers)
		}
	}
}

func TestMeansTestCompute(t *testing.T) {
	h := testHousehold(0, 0)
	h.Lines = []Line{
		{PersonID: 100, Kind: IncomeWage, Amount: 1_200_005},
		{PersonID: 101, Kind: IncomePension, Amount: 600_000},
		{PersonID: 101, Kind: IncomeTransfer, Amount: 120_000, Exempt: true, Note: "优抚金"},
		{Kind: AssetDeposit, Amount: 500_000}, {Kind: AssetSecurities, Amount: 100_000},
		{Kind: AssetHouse, Quantity: 1}, {Kind: AssetVehicle, Quantity: 2}, {Kind: AssetBusiness, Quantity: 1},
		{Kind: ExpenseMedical, Amount: 300_000}, {Kind: ExpenseEducation, Amount: 50_000},
	}
	h.Compute()
	want := Totals{MemberCount: 2, Income12m: 1_800_005, TotalIncome: 150_000, FinancialAssets: 600_000, Vehicles: 2, Houses: 1,
		BusinessEntities: 1, RigidExpenses12m: 350_000}
	if diff := cmp.Diff(want, h.Totals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	// 1,800,005 / 12 = 150,000.42 → 150,000; per member 75,000.
	if got := h.PerCapitaIncome(); got != 75_000 {
		t.Errorf("per capita = %d, want 75000", got)
	}
	if h.Members[0].OwnIncome != 100_000 || h.Members[1].OwnIncome != 50_000 {
		t.Errorf("own incomes = %d, %d; want 100000 (1,200,005/12 half up) and 50000 (the exempt line not counted)",
			h.Members[0].OwnIncome, h.Members[1].OwnIncome)
	}
}

func TestMeansTestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*MeansTest)
		field string
	}{
		{"no members", func(h *MeansTest) { h.Members = nil }, "members"},
		{"a member twice", func(h *MeansTest) { h.Members = append(h.Members, h.Members[0]) }, "members[1].person_id"},
		{"bad self care", func(h *MeansTest) { h.Members[0].SelfCare = "sometimes" }, "members[0].self_care"},
		{"unknown kind", func(h *MeansTest) { h.Lines = []Line{{Kind: "income.lottery", Amount: 1}} }, "lines[0].kind"},
		{"a car without quantity", func(h *MeansTest) { h.Lines = []Line{{Kind: AssetVehicle}} }, "lines[0].quantity"},
		{"a car with an amount", func(h *MeansTest) { h.Lines = []Line{{Kind: AssetVehicle, Quantity: 1, Amount: 100}} }, "lines[0].amount"},
		{"a wage with a quantity", func(h *MeansTest) { h.Lines = []Line{{Kind: IncomeWage, Amount: 1, Quantity: 2}} }, "lines[0].quantity"},
		{"negative", func(h *MeansTest) { h.Lines = []Line{{Kind: IncomeWage, Amount: -1}} }, "lines[0].amount"},
		{"a line of a non-member", func(h *MeansTest) { h.Lines = []Line{{PersonID: 999, Kind: IncomeWage, Amount: 1}} }, "lines[0].person_id"},
		{"no source", func(h *MeansTest) { h.Source = "" }, "source"},
		{"no period", func(h *MeansTest) { h.Period = 0 }, "period"},
		{"no heating type", func(h *MeansTest) { h.HeatingType = "" }, "heating_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := testHousehold(10_000)
			h.HeatingType = "central"
			tc.edit(h)
			pr := h.validate()
			if _, ok := pr[tc.field]; !ok {
				t.Errorf("problems = %v, want one for %s", pr, tc.field)
			}
		})
	}
	valid := testHousehold(10_000)
	valid.HeatingType = "central"
	if pr := valid.validate(); len(pr) != 0 {
		t.Errorf("a valid test has problems %v", pr)
	}
}

func regionOf(s string) region.Code { return region.Code(s) }
